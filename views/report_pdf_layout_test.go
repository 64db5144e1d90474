package views

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/reports"
)

// readPDF writes a report as a PDF and reads its text back with pdftotext, as a reader would.
func readPDF(t *testing.T, l *Localizer, r Report, note string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	b, err := l.ReportPDF(r, time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris), note)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return string(out)
}

// TestReportPDFsReadWell: the title block names the establishment's priority-education
// label; a partner chart whose values are all masked says so instead of drawing an empty
// frame, as the page does.
func TestReportPDFsReadWell(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l := v.Localizer("fr")
	y := calendar.SchoolYear{StartYear: 2025}
	for _, c := range []struct {
		label models.PriorityLabel
		want  string
	}{{models.PriorityREPPlus, ", Collège, REP+, UAI"}, {models.PriorityREP, ", Collège, REP, UAI"}, {models.PriorityNone, ", Collège, UAI"}} {
		est := models.Establishment{UAI: "0590101X", Name: "Collège Test", Type: models.TypeCollege, Commune: "Lille", PriorityEducation: c.label}
		text := readPDF(t, l, l.EstablishmentReport(reports.EstablishmentSummary{Establishment: est, Year: y, Elapsed: 4, Activity: sampleActivity()}), "")
		if first := strings.SplitN(text, "\f", 2)[0]; !strings.Contains(first, "Collège Test — Lille"+c.want) {
			t.Errorf("%s: the title block lacks %q:\n%s", c.label, c.want, first[:min(len(first), 400)])
		}
	}

	// Nine referrals, every status cell small: the status chart has nothing to draw.
	partner := reports.PartnerFigures{Partner: models.PartnerOrganisation{Name: "CAF du Nord", ResponseDays: 15}, Year: y, Elapsed: 12, Sent: 9,
		ByStatus:  map[models.ReferralStatus]int{models.ReferralSent: 3, models.ReferralAccepted: 3, models.ReferralDeclined: 3},
		ByReason:  map[models.ReferralReason]int{models.ReasonHealth: 9},
		ByOutcome: map[models.ReferralOutcome]int{}, SentByMonth: [12]int{9}, ByEstablishment: []reports.KeyCount{{Key: "Collège A", N: 9}}}
	r := l.PartnerReport(reports.ProtectPartner(partner, 5))
	text := readPDF(t, l, r, l.SuppressionNote(5))
	masked := l.T("report.chart_masked")
	if !strings.Contains(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(masked), " ")) {
		t.Errorf("the partner PDF does not say its status chart is masked:\n%s", text)
	}
	// The partner's own agents see these referrals one by one: the chart is drawn.
	own := readPDF(t, l, l.PartnerReport(reports.ProtectOwnPartner(partner, 5)), l.SuppressionNote(5))
	if strings.Contains(strings.Join(strings.Fields(own), " "), strings.Join(strings.Fields(masked), " ")) {
		t.Errorf("the partner's own PDF says a chart is masked")
	}
}
