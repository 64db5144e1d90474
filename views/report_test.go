package views

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/disclosure"
	"mediation/models/reports"
)

// sampleActivity is an activity with a few small counts.
func sampleActivity() reports.Activity {
	a := reports.Activity{
		StatusRisk: map[models.PupilStatus]map[models.RiskLevel]int{
			models.StatusActive:     {models.RiskHigh: 12, models.RiskLow: 3},
			models.StatusIdentified: {models.RiskMedium: 2},
			models.StatusMonitoring: {},
			models.StatusClosed:     {models.RiskLow: 7},
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
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	y := models.SchoolYear{StartYear: 2025}
	est := models.Establishment{UAI: "0590101X", Name: "Collège Test", Type: models.TypeCollege, Commune: "Lille", PriorityEducation: models.PriorityREP}
	sum := reports.EstablishmentSummary{Establishment: est, Year: y, Elapsed: 4, Activity: sampleActivity(),
		ReplyTime:          reports.ReplyTime{Acknowledged: 4, MedianDays: 3.5},
		ReferralsByPartner: []reports.PartnerReferrals{{Partner: "CAF du Nord", ByStatus: map[models.ReferralStatus]int{models.ReferralSent: 3}}},
		Pupils:             []reports.SummaryPupil{{LastName: "Martin", FirstName: "Léa", ClassLevel: models.Level4e, Status: models.StatusActive, RiskLevel: models.RiskHigh}}}
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
		ClassLevel: models.Level4e, Status: models.StatusActive, RiskLevel: models.RiskLow}, Establishment: est}}
	for _, lang := range []string{"fr", "en"} {
		l := v.Localizer(lang)
		for _, r := range []Report{l.EstablishmentReport(sum), l.MetropolitanReport(metro, 5), l.PartnerReport(partner, 5), l.DossierReport(dossier)} {
			checkReport(t, r)
			b, err := l.ReportPDF(r, time.Date(2026, 11, 25, 10, 0, 0, 0, models.Paris), l.SuppressionNote(5))
			if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("%s %s: PDF %v", lang, r.Title, err)
			}
		}
	}
}

func TestProtectedCellsAndCharts(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l := v.Localizer("fr")
	c := l.monthChart("t", models.SchoolYear{StartYear: 2025}, 12, []string{"a"},
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

// randomMetro is a metropolis of n establishments with small, random figures.
func randomMetro(r *rand.Rand, n int) reports.MetropolitanFigures {
	m := reports.MetropolitanFigures{Year: models.SchoolYear{StartYear: 2025}, Elapsed: 12, Groups: map[reports.Grouping][]reports.ActivityGroup{},
		Names: map[string]string{}, GroupOf: map[string]map[reports.Grouping]string{}}
	total := reports.Activity{}
	groups := map[reports.Grouping]map[string]*reports.ActivityGroup{}
	for _, g := range reports.Groupings {
		groups[g] = map[string]*reports.ActivityGroup{}
	}
	small := func() int { return [...]int{0, 0, 1, 2, 3, 4, 5, 6, 9, 14}[r.IntN(10)] }
	for i := range n {
		a := reports.Activity{StatusRisk: map[models.PupilStatus]map[models.RiskLevel]int{}, FollowUpsByKind: map[models.FollowUpKind]int{},
			MeetingsByStatus:  map[models.MeetingStatus]int{models.MeetingHeld: small(), models.MeetingFamilyAbsent: small()},
			ReferralsByStatus: map[models.ReferralStatus]int{models.ReferralSent: small()}, ExitsByReason: map[models.ExitReason]int{}}
		for _, st := range models.PupilStatuses {
			a.StatusRisk[st] = map[models.RiskLevel]int{models.RiskLow: small()}
		}
		for _, e := range models.ExitReasons[:3] {
			a.ExitsByReason[e] = small()
		}
		for j := range 12 {
			a.NewFilesByMonth[j], a.FollowUpsByMonth[j] = small()%3, small()
		}
		uai := fmt.Sprintf("E%03d", i)
		keys := map[reports.Grouping]string{reports.ByEstablishment: uai, reports.ByCommune: []string{"Lille", "Roubaix", "Hem"}[r.IntN(3)],
			reports.ByType: string(models.EstablishmentTypes[r.IntN(3)]), reports.ByPriority: string(models.PriorityLabels[r.IntN(3)])}
		m.Names[uai], m.GroupOf[uai] = uai, keys
		for g, k := range keys {
			if groups[g][k] == nil {
				groups[g][k] = &reports.ActivityGroup{Key: k, Activity: reports.Activity{StatusRisk: map[models.PupilStatus]map[models.RiskLevel]int{},
					FollowUpsByKind: map[models.FollowUpKind]int{}, MeetingsByStatus: map[models.MeetingStatus]int{},
					ReferralsByStatus: map[models.ReferralStatus]int{}, ExitsByReason: map[models.ExitReason]int{}}}
				m.Groups[g] = append(m.Groups[g], reports.ActivityGroup{Key: k})
			}
			groups[g][k].Activity.Add(&a)
		}
		if total.StatusRisk == nil {
			total = reports.Activity{StatusRisk: map[models.PupilStatus]map[models.RiskLevel]int{}, FollowUpsByKind: map[models.FollowUpKind]int{},
				MeetingsByStatus: map[models.MeetingStatus]int{}, ReferralsByStatus: map[models.ReferralStatus]int{}, ExitsByReason: map[models.ExitReason]int{}}
		}
		total.Add(&a)
	}
	for g, list := range m.Groups {
		for i := range list {
			list[i] = *groups[g][list[i].Key]
		}
	}
	m.Total, m.Establishments, m.Reporting = total, n, n
	return m
}

// TestMetropolitanTablesAgree: the groupings say nothing the establishment tables do not, a
// figure printed in two tables has one mask, and no small count is printed anywhere.
func TestMetropolitanTablesAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for round := range 200 {
		m := randomMetro(r, 1+r.IntN(12))
		threshold := 3 + r.IntN(4)
		tables := protectMetro(m, threshold)
		for k := range 2 {
			if tables.month.RowTotalMasks[k] != disclosure.MaskShown != tables.activity.ColTotalMasks[k].Masked() {
				t.Fatalf("round %d: the months total %d and the activity total disagree on their mask", round, k)
			}
		}
		for _, p := range []disclosure.Protected{tables.status, tables.activity, tables.exits} {
			for _, g := range reports.Groupings {
				d := tables.derive(p, m, g)
				for e, ag := range tables.establishments {
					gi := -1
					for i, grp := range m.Groups[g] {
						if grp.Key == m.GroupOf[ag.Key][g] {
							gi = i
						}
					}
					for j := range p.Cells[e] {
						if p.Masks[e][j].Masked() && !d.Masks[gi][j].Masked() {
							t.Fatalf("round %d: group %s prints a cell made of a masked establishment cell", round, m.Groups[g][gi].Key)
						}
					}
				}
				for i := range d.Cells {
					for j, v := range d.Cells[i] {
						if v >= 1 && v < threshold && !d.Masks[i][j].Masked() {
							t.Fatalf("round %d: a small count %d is printed in clear", round, v)
						}
					}
				}
			}
		}
	}
}
