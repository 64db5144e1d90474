package views

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/reports"
	"mediation/models/risk"
)

// sampleActivity is an activity with a few small counts.
func sampleActivity() reports.Activity {
	a := reports.Activity{
		StatusRisk: map[models.PupilStatus]map[risk.Level]int{
			models.StatusActive:     {risk.High: 12, risk.Low: 3},
			models.StatusIdentified: {risk.Medium: 2},
			models.StatusMonitoring: {},
			models.StatusClosed:     {risk.Low: 7},
		},
		FollowUpsByKind:   map[models.FollowUpKind]int{models.FollowUpPupilInterview: 30, models.FollowUpHomeVisit: 2},
		FollowUpMinutes:   1234,
		MeetingsByStatus:  map[models.MeetingStatus]int{models.MeetingHeld: 9, models.MeetingFamilyAbsent: 2},
		ReferralsByStatus: map[models.ReferralStatus]int{models.ReferralSent: 3, models.ReferralClosed: 8},
		ExitsByReason:     map[models.ExitReason]int{models.ExitReEngaged: 6, models.ExitMovedAway: 1},
	}
	a.NewFilesByMonth[0], a.NewFilesByMonth[3] = 10, 2
	a.FollowUpsByMonth[0], a.FollowUpsByMonth[1] = 20, 12
	return a
}

// messageID matches text that is a catalog id that was not found.
var messageID = regexp.MustCompile(`\b(report|risk|kind|exit|level|priority|meeting|referral|establishment)\.[a-z_.]+\b`)

func checkReport(t *testing.T, r Report) {
	t.Helper()
	var texts []string
	texts = append(texts, r.Title, r.Scope)
	table := func(tb *ReportTable) {
		if tb == nil {
			return
		}
		texts = append(texts, tb.Caption, tb.Empty)
		texts = append(texts, tb.Headers...)
		for _, row := range append(tb.Rows, tb.Totals...) {
			if len(row) != len(tb.Headers) {
				t.Errorf("%s: a row of %d cells under %d headers", tb.Caption, len(row), len(tb.Headers))
			}
			texts = append(texts, row...)
		}
	}
	for _, s := range r.Sections {
		texts = append(texts, s.Heading)
		texts = append(texts, s.Text...)
		texts = append(texts, s.Notes...)
		for _, f := range s.Figures {
			texts = append(texts, f.Label, f.Value)
		}
		if s.Chart != nil {
			texts = append(texts, s.Chart.Title)
			table(&s.Chart.Data)
		}
		table(s.Table)
	}
	for _, s := range texts {
		if m := messageID.FindString(s); m != "" {
			t.Errorf("untranslated message %q in %q", m, s)
		}
	}
}

func TestReportsAreTranslated(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	y := calendar.SchoolYear{StartYear: 2025}
	est := models.Establishment{UAI: "0590101X", Name: "Collège Test", Type: models.TypeCollege, Commune: "Lille", PriorityEducation: models.PriorityREP}
	sum := reports.EstablishmentSummary{Establishment: est, Year: y, Elapsed: 4, Activity: sampleActivity(),
		ReplyTime:          reports.ReplyTime{Acknowledged: 4, MedianDays: 3.5},
		ReferralsByPartner: []reports.PartnerReferrals{{Partner: "CAF du Nord", ByStatus: map[models.ReferralStatus]int{models.ReferralSent: 3}}},
		Pupils:             []reports.SummaryPupil{{LastName: "Martin", FirstName: "Léa", ClassLevel: models.Level4e, Status: models.StatusActive, RiskLevel: risk.High}}}
	group := func(key string) reports.ActivityGroup {
		return reports.ActivityGroup{Key: key, Activity: sampleActivity()}
	}
	metro := reports.MetropolitanFigures{Year: y, Total: sampleActivity(), Establishments: 2, Reporting: 2,
		Groups: map[reports.Grouping][]reports.ActivityGroup{
			reports.ByType:          {group("college"), group("lycee_pro")},
			reports.ByPriority:      {group("rep"), group("none")},
			reports.ByCommune:       {group("Lille"), group("Roubaix")},
			reports.ByEstablishment: {group("0590101X"), group("0590102Y")},
		}, Names: map[string]string{"0590101X": "Collège A (Lille)", "0590102Y": "LP B (Roubaix)"},
		GroupOf: map[string]map[reports.Grouping]string{
			"0590101X": {reports.ByType: "college", reports.ByPriority: "rep", reports.ByCommune: "Lille", reports.ByEstablishment: "0590101X"},
			"0590102Y": {reports.ByType: "lycee_pro", reports.ByPriority: "none", reports.ByCommune: "Roubaix", reports.ByEstablishment: "0590102Y"},
		}}
	partner := reports.PartnerFigures{Partner: models.PartnerOrganisation{Name: "CAF du Nord", ResponseDays: 15}, Year: y, Sent: 11,
		ByStatus: map[models.ReferralStatus]int{models.ReferralSent: 3, models.ReferralClosed: 8}, ByReason: map[models.ReferralReason]int{models.ReasonHealth: 11},
		ByOutcome: map[models.ReferralOutcome]int{models.OutcomeSupportInPlace: 8}, ByEstablishment: []reports.KeyCount{{Key: "Collège A", N: 11}}}
	ine := "1234567890A"
	dossier := reports.PupilDossier{Year: y, PupilFile: models.PupilFile{Pupil: models.Pupil{LastName: "Martin", FirstName: "Léa", INE: &ine,
		ClassLevel: models.Level4e, Status: models.StatusActive, RiskLevel: risk.Low}, Establishment: est}}
	on := func(d int) *time.Time { t := time.Date(2025, 11, d, 0, 0, 0, 0, time.UTC); return &t }
	agreement, actionID := models.OutcomeAgreement, uint(7)
	dossier.Conflicts = []models.PupilConflictPart{
		{OccurredOn: *on(3), Place: models.PlaceYard, Kind: models.ConflictVerbal, Relation: models.BetweenPupils,
			OtherParties: []models.PartyRole{models.PartyPupil, models.PartyGuardian}, ListenedOn: on(4), MeetingOn: on(6), AgreementOn: on(6),
			Outcome: &agreement, ClosedOn: on(20), NotesWithheld: true},
		{OccurredOn: *on(21), Place: models.PlaceOnline, Kind: models.ConflictOnline, OtherParties: []models.PartyRole{models.PartyPupil}, FollowUpOn: on(28)},
	}
	dossier.Reviews = []reports.DossierReview{
		{PupilReviewRow: models.PupilReviewRow{HeldOn: *on(10), Kind: models.ReviewGPDS, Decision: models.DecisionFamilyMeeting, ActionID: &actionID,
			DueOn: calendar.DBTime{Time: *on(24), Valid: true}, OwnerLabel: "CPE", Note: "À revoir en janvier"}, Overdue: true},
		{PupilReviewRow: models.PupilReviewRow{HeldOn: *on(24), Kind: models.ReviewCelluleVeille, Decision: models.DecisionNothingMore, Restricted: true}},
	}
	for _, lang := range []string{"fr", "en"} {
		l := v.Localizer(lang)
		for _, sec := range l.DossierReport(dossier).Sections {
			if (sec.ID == "conflicts" || sec.ID == "reviews") && (len(sec.Table.Rows) != 2 || len(sec.Notes) == 0) {
				t.Errorf("%s: the dossier's %s: %d rows, notes %q", lang, sec.ID, len(sec.Table.Rows), sec.Notes)
			}
		}
		for _, r := range []Report{l.EstablishmentReport(sum), l.MetropolitanReport(reports.ProtectMetropolitan(metro, 5)), l.PartnerReport(reports.ProtectPartner(partner, 5)), l.DossierReport(dossier)} {
			checkReport(t, r)
			b, err := l.ReportPDF(r, time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris), l.SuppressionNote(5))
			if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("%s %s: PDF %v", lang, r.Title, err)
			}
		}
	}
}

func TestProtectedCellsAndCharts(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l := v.Localizer("fr")
	c := l.monthChart("t", calendar.SchoolYear{StartYear: 2025}, 12, []string{"a"},
		disclosure.Protect(disclosure.CountTable{Cells: monthCells([12]int{3, 10, 0}), RowTotals: true}, 5))
	if !math.IsNaN(c.Series[0].Values[0]) || c.Series[0].Values[2] != 0 {
		t.Errorf("chart values %v: a small count must not be drawn, a zero must", c.Series[0].Values)
	}
	if got := c.Data.Rows[0][1]; got != "<\u00a05" {
		t.Errorf("small count written %q", got)
	}
	if !c.Data.Masked {
		t.Error("the table does not say it has masked figures")
	}
	if got := l.Number(1234567); got != "1\u00a0234\u00a0567" {
		t.Errorf("Number = %q", got)
	}
	if got := l.Percent(2, 3); got != "66,7\u00a0%" {
		t.Errorf("Percent = %q", got)
	}
	if got := v.Localizer("en").Percent(2, 3); got != "66.7%" {
		t.Errorf("English Percent = %q", got)
	}
}

// TestMetropolitanAnnexExplainsGroupings: the metropolitan report's annex says how its
// groupings are protected with the establishments, in both languages; the partner report's,
// which has no grouping, does not.
func TestMetropolitanAnnexExplainsGroupings(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	y := calendar.SchoolYear{StartYear: 2025}
	metro := reports.MetropolitanFigures{Year: y, Total: sampleActivity(), Establishments: 1, Reporting: 1,
		Groups: map[reports.Grouping][]reports.ActivityGroup{}, Names: map[string]string{"0590101X": "Collège A (Lille)"},
		GroupOf: map[string]map[reports.Grouping]string{"0590101X": {reports.ByType: "college", reports.ByPriority: "rep",
			reports.ByCommune: "Lille", reports.ByEstablishment: "0590101X"}}}
	for g, key := range metro.GroupOf["0590101X"] {
		metro.Groups[g] = []reports.ActivityGroup{{Key: key, Activity: sampleActivity()}}
	}
	partner := reports.PartnerFigures{Partner: models.PartnerOrganisation{Name: "CAF du Nord", ResponseDays: 15}, Year: y, Sent: 6,
		ByStatus: map[models.ReferralStatus]int{models.ReferralSent: 6}, ByReason: map[models.ReferralReason]int{models.ReasonHealth: 6}}
	for lang, want := range map[string]string{"fr": "protégés ensemble", "en": "protected together"} {
		l := v.Localizer(lang)
		annex := func(r Report) string {
			for _, s := range r.Sections {
				if s.ID == "methodology" {
					return strings.Join(s.Text, "\n")
				}
			}
			t.Fatalf("%s: %s has no annex", lang, r.Title)
			return ""
		}
		if text := annex(l.MetropolitanReport(reports.ProtectMetropolitan(metro, 5))); !strings.Contains(text, want) || !strings.Contains(text, "5") {
			t.Errorf("%s: the metropolitan annex does not explain the groupings:\n%s", lang, text)
		}
		if text := annex(l.PartnerReport(reports.ProtectPartner(partner, 5))); strings.Contains(text, want) {
			t.Errorf("%s: the partner annex speaks of groupings it does not have", lang)
		}
	}
}
