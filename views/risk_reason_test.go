package views

import (
	"reflect"
	"testing"

	"mediation/models/calendar"
	"mediation/models/risk"
)

// month is a month of indicators written short; school 0 means "not known", avg 0 "no average".
type month struct {
	m                 calendar.Month
	unj, just, school int
	excl, inc         int
	avg               float64
}

func riskReasons(l *Localizer, rules risk.Rules, asOf calendar.Month, months ...month) []string {
	ind := make([]risk.Indicator, len(months))
	for i, r := range months {
		ind[i] = risk.Indicator{Month: r.m, UnjustifiedHalfDays: &months[i].unj, JustifiedHalfDays: &months[i].just, TemporaryExclusions: &months[i].excl, Incidents: &months[i].inc}
		if r.school > 0 {
			ind[i].SchoolHalfDays = &months[i].school
		}
		if r.avg > 0 {
			ind[i].TermAverage = &months[i].avg
		}
	}
	var out []string
	for _, r := range rules.Assess(ind, asOf).Reasons {
		out = append(out, l.RiskReason(r))
	}
	return out
}

// The reasons read as French sentences, with French numbers: decimal comma, a non-breaking
// space before % and between thousands, and before the colons; in English, as English ones.
func TestRiskReasonText(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := v.Localizer("fr"), v.Localizer("en")
	rules := risk.DefaultRules
	rules.ChronicAbsenceRate = 0.05 // so that 6 % counts
	first := []month{
		{m: "2026-03", avg: 11},
		{m: "2026-09", unj: 1, just: 5, school: 50, inc: 2},
		{m: "2026-10", unj: 0, school: 50, excl: 1, inc: 1, avg: 7.5},
		{m: "2026-11", unj: 5, just: 1, school: 0},
	}
	second := []month{
		{m: "2026-09", unj: 2, just: 3, school: 40},
		{m: "2026-10", unj: 3, school: 40, excl: 2},
	}
	for _, c := range []struct {
		l      *Localizer
		rules  risk.Rules
		months []month
		want   []string
	}{
		{fr, rules, first, []string{
			"5 demi-journées d'absence non justifiées en novembre 2026 (seuil d'alerte\u00a0: 4)\u00a0: +2",
			"taux d'absence de 6\u00a0% sur l'année scolaire 2026-2027 (seuil\u00a0: 5\u00a0%)\u00a0: +2",
			"1 exclusion temporaire cette année scolaire\u00a0: +2",
			"3 incidents cette année scolaire (seuil\u00a0: 3)\u00a0: +1",
			"moyenne trimestrielle de 7,5/20, saisie en octobre 2026 (sous 8/20)\u00a0: +1",
			"baisse de 3,5 points de la moyenne trimestrielle (11/20 en mars 2026, 7,5/20 en octobre 2026)\u00a0: +1",
		}},
		{fr, risk.DefaultRules, second, []string{
			"3 demi-journées d'absence non justifiées en octobre 2026 (seuil de vigilance\u00a0: 2)\u00a0: +1",
			"taux d'absence de 10\u00a0% sur l'année scolaire 2026-2027 (seuil\u00a0: 10\u00a0%)\u00a0: +2",
			"2 exclusions temporaires cette année scolaire\u00a0: +2",
		}},
		{en, rules, first, []string{
			"5 unjustified half-days of absence in November 2026 (alert threshold: 4): +2",
			"absence rate of 6% over the 2026-2027 school year (threshold: 5%): +2",
			"1 temporary exclusion this school year: +2",
			"3 incidents this school year (threshold: 3): +1",
			"term average of 7.5/20, entered in October 2026 (under 8/20): +1",
			"drop of 3.5 points in the term average (11/20 in March 2026, 7.5/20 in October 2026): +1",
		}},
	} {
		if got := riskReasons(c.l, c.rules, "2026-11", c.months...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n%q\nwant\n%q", c.l.Lang(), got, c.want)
		}
	}

	for _, c := range []struct {
		reason risk.Reason
		fr, en string
	}{
		{risk.Reason{Rule: risk.RuleChronicAbsence, Points: 2, Year: calendar.SchoolYear{StartYear: 2026}, Value: 0.125, Threshold: 0.1},
			"taux d'absence de 12,5\u00a0% sur l'année scolaire 2026-2027 (seuil\u00a0: 10\u00a0%)\u00a0: +2",
			"absence rate of 12.5% over the 2026-2027 school year (threshold: 10%): +2"},
		{risk.Reason{Rule: risk.RuleChronicAbsence, Points: 2, Year: calendar.SchoolYear{StartYear: 2025}, Value: 0.12, Threshold: 0.075},
			"taux d'absence de 12\u00a0% sur l'année scolaire 2025-2026 (seuil\u00a0: 7,5\u00a0%)\u00a0: +2",
			"absence rate of 12% over the 2025-2026 school year (threshold: 7.5%): +2"},
		{risk.Reason{Rule: risk.RuleMonthlyAlert, Points: 2, Month: "2027-02", Value: 1, Threshold: 1},
			"1 demi-journée d'absence non justifiée en février 2027 (seuil d'alerte\u00a0: 1)\u00a0: +2",
			"1 unjustified half-day of absence in February 2027 (alert threshold: 1): +2"},
		{risk.Reason{Rule: risk.RuleIncidents, Points: 1, Value: 1234, Threshold: 1000},
			"1\u00a0234 incidents cette année scolaire (seuil\u00a0: 1\u00a0000)\u00a0: +1",
			"1,234 incidents this school year (threshold: 1,000): +1"},
		{risk.Reason{Rule: risk.RuleIncidents, Points: 1, Value: 1000000, Threshold: 1000},
			"1\u00a0000\u00a0000 incidents cette année scolaire (seuil\u00a0: 1\u00a0000)\u00a0: +1",
			"1,000,000 incidents this school year (threshold: 1,000): +1"},
		{risk.Reason{Rule: risk.RuleExclusions, Points: 2, Value: 3, Threshold: 2},
			"3 exclusions temporaires cette année scolaire (seuil\u00a0: 2)\u00a0: +2",
			"3 temporary exclusions this school year (threshold: 2): +2"},
		{risk.Reason{Rule: risk.RuleLowAverage, Points: 1, Month: "2026-12", Value: 7.99, Threshold: 8.5},
			"moyenne trimestrielle de 7,99/20, saisie en décembre 2026 (sous 8,5/20)\u00a0: +1",
			"term average of 7.99/20, entered in December 2026 (under 8.5/20): +1"},
		{risk.Reason{Rule: risk.RuleAverageDrop, Points: 1, Month: "2026-03", Value: 3, Threshold: 3, Previous: 12, PreviousMonth: "2025-12"},
			"baisse de 3 points de la moyenne trimestrielle (12/20 en décembre 2025, 9/20 en mars 2026)\u00a0: +1",
			"drop of 3 points in the term average (12/20 in December 2025, 9/20 in March 2026): +1"},
		{risk.Reason{Rule: risk.RuleAverageDrop, Points: 1, Month: "2026-06", Value: 1.5, Threshold: 1, Previous: 10.5, PreviousMonth: "2026-03"},
			"baisse de 1,5 point de la moyenne trimestrielle (10,5/20 en mars 2026, 9/20 en juin 2026)\u00a0: +1",
			"drop of 1.5 points in the term average (10.5/20 in March 2026, 9/20 in June 2026): +1"},
		{risk.Reason{Rule: risk.RuleMonthlyWatch, Points: 1, Month: "2026-08", Value: 2, Threshold: 2},
			"2 demi-journées d'absence non justifiées en août 2026 (seuil de vigilance\u00a0: 2)\u00a0: +1",
			"2 unjustified half-days of absence in August 2026 (watch threshold: 2): +1"},
	} {
		if got := fr.RiskReason(c.reason); got != c.fr {
			t.Errorf("fr: %q, want %q", got, c.fr)
		}
		if got := en.RiskReason(c.reason); got != c.en {
			t.Errorf("en: %q, want %q", got, c.en)
		}
	}
}
