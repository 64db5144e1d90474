package views

import (
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/impact"
	"mediation/models/reports"
)

// impactSample is a review of an agreement with an effect, small counts and every kind of
// unit value.
func impactSample() reports.Impact {
	y := calendar.SchoolYear{StartYear: 2025}
	low, high := int64(500), int64(1500)
	followed := impact.BeforeAfter{N: 40, Before: 6, After: 3, Change: impact.Interval{Estimate: -3, Low: -3.5, High: -2.5}, Quartiles: [3]float64{-4, -3, -2}, Fell: 30}
	a := &models.AgreementDetail{FundingAgreement: models.FundingAgreement{ID: 7, Title: "Convention CAF", FunderKind: models.FunderPartner,
		FirstYear: 2024, LastYear: 2026, AmountCents: 4_500_000}, PartnerName: "CAF du Nord",
		Objectives: []models.FundingAgreementObjective{{Label: "Familles", Indicator: models.IndicatorFamiliesMet, Target: 40, Unit: models.UnitPercent},
			{Label: "Actions", Indicator: models.IndicatorCollectiveActions, Target: 10, Unit: models.UnitCount}}}
	costs := []models.UnitCost{
		{ID: 1, Label: "Demi-journée", AmountCents: 1000, LowCents: &low, HighCents: &high, Unit: "par demi-journée", Source: "Étude", SourceYear: 2024, Basis: models.BasisAbsenceHalfDays},
		{ID: 2, Label: "Jeune raccroché", AmountCents: 1_000_000, Source: "Eurofound", SourceYear: 2012, Basis: models.BasisReengaged},
		{ID: 3, Label: "Placement", AmountCents: 4_000_000, Source: "DREES", SourceYear: 2022},
	}
	year := func(y calendar.SchoolYear, inAgreement bool) reports.ImpactYear {
		iy := reports.ImpactYear{Year: y, Elapsed: 12, InAgreement: inAgreement,
			Reach: reports.Reach{PupilsFollowed: 60, FamiliesMet: 30, Establishments: 3, Communes: 2,
				FollowedByPriority: map[models.PriorityLabel]int{models.PriorityNone: 20, models.PriorityREP: 40}},
			Activity: reports.Activity{ExitsByReason: map[models.ExitReason]int{}},
			Outcome: impact.Outcome{Year: y, Started: 50, Measured: 40, Matched: 40, Naive: followed, HasEffect: true,
				Effect: impact.Effect{Followed: followed, Comparison: impact.BeforeAfter{N: 40, Before: 6, After: 4.5}, Controls: 35,
					Difference: impact.Interval{Estimate: -1.5, Low: -2, High: -1}, Relative: impact.Interval{Estimate: -0.33, Low: -0.4, High: -0.2}}}}
		iy.Activity.ExitsByReason[models.ExitReEngaged] = 2
		iy.Objectives = []reports.ObjectiveResult{
			{Objective: a.Objectives[0], Reached: reports.IndicatorValue{Indicator: models.IndicatorFamiliesMet, Numerator: 30, Denominator: 60, Value: 50, Known: true}, Met: true},
			{Objective: a.Objectives[1], Reached: reports.IndicatorValue{Indicator: models.IndicatorCollectiveActions, Known: true}},
		}
		// As reports.avoidedCosts values them: 40 pupils × 3 months × 1 to 2 half-days at 5 to
		// 15 €; 2 re-engaged pupils (masked: the valuation is hidden); a value with no basis.
		iy.AvoidedCosts = []reports.AvoidedCost{
			{UnitCost: costs[0], Formula: reports.Formulas[models.BasisAbsenceHalfDays], Computed: true, LowCents: 60_000, HighCents: 360_000,
				Inputs: []reports.FormulaInput{{Name: reports.InputEffectPerMonth, Low: -2, High: -1},
					{Name: reports.InputMeasuredPupils, Low: 40, High: 40, Count: true}, {Name: reports.InputWindowMonths, Low: 3, High: 3},
					{Name: reports.InputUnitValue, Low: 5, High: 15}}},
			{UnitCost: costs[1], Formula: reports.Formulas[models.BasisReengaged], Computed: true, LowCents: 2_000_000, HighCents: 2_000_000,
				Inputs: []reports.FormulaInput{{Name: reports.InputReengagedExits, Low: 2, High: 2, Count: true}, {Name: reports.InputUnitValue, Low: 10_000, High: 10_000}}},
			{UnitCost: costs[2], Missing: reports.MissingBasis},
		}
		return iy
	}
	f := reports.ImpactFigures{Year: y, Agreement: a, UnitCosts: costs,
		Years: []reports.ImpactYear{year(y, true), year(y.Previous(), true), year(y.Previous().Previous(), false)}}
	return reports.ProtectImpact(f, 5)
}

// untranslated finds a message ID left in a text.
var untranslated = regexp.MustCompile(`\b(impact|report)\.[a-z]`)

// The review in both languages: every section, no message left untranslated, the effect with
// its interval and groups, the formulas with their values, a small count masked.
func TestImpactReportSections(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "en"} {
		r := v.Localizer(lang).ImpactReport(impactSample())
		var ids []string
		var all strings.Builder
		for _, s := range r.Sections {
			ids = append(ids, s.ID)
			all.WriteString(s.Heading + "\n" + strings.Join(s.Text, "\n") + strings.Join(s.Notes, "\n"))
			for _, f := range s.Figures {
				all.WriteString(f.Label + " " + f.Value + "\n")
			}
			if s.Table != nil {
				all.WriteString(strings.Join(s.Table.Headers, " ") + "\n")
				for _, row := range s.Table.Rows {
					all.WriteString(strings.Join(row, " ") + "\n")
				}
			}
		}
		all.WriteString(r.Scope + "\n")
		text := all.String()
		if got, want := strings.Join(ids, ","), "summary,reach,activity,outcomes,effect,exits,families,referrals,conflicts,objectives,avoided,years,methodology"; got != want {
			t.Errorf("%s: sections %s, want %s", lang, got, want)
		}
		if untranslated.MatchString(text + r.Scope) {
			t.Errorf("%s: a message is not translated:\n%s", lang, text)
		}
		if !r.Sections[len(r.Sections)-1].Annex {
			t.Errorf("%s: the methodology is not an annex", lang)
		}
		if lang != "fr" {
			continue
		}
		for _, want := range []string{"Convention « Convention CAF », financée par CAF du Nord", "-1,5 (intervalle à 95 % : -2 à -1) demi-journée",
			"40 élèves suivis, 35 élèves de comparaison", "nombre d'élèves suivis mesurés (40) × nombre de mois de la fenêtre de mesure (3)",
			"600,00 € à 3 600,00 €", "Non calculé : valeur rattachée à aucun résultat", "Étude (2024)", "<\u00a05", "2024-2025", "2023-2024 (hors convention)",
			"Retour vers la moyenne", "Ce que les chiffres ne montrent pas", "Non atteint", "50 % (30 sur 60)"} {
			if !strings.Contains(strings.ReplaceAll(text, "\u00a0", " "), strings.ReplaceAll(want, "\u00a0", " ")) {
				t.Errorf("the review lacks %q", want)
			}
		}
	}
}
