package risk_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
)

// row is a month of indicators written short; school 0 means "not known", avg nil "no average".
type row struct {
	m                 string
	unj, just, school int
	excl, inc         int
	avg               *float64
}

func avg(v float64) *float64 { return &v }

func indicators(rows ...row) []risk.Indicator {
	out := make([]risk.Indicator, len(rows))
	for i, r := range rows {
		out[i] = risk.Indicator{Month: calendar.Month(r.m), UnjustifiedHalfDays: &rows[i].unj, JustifiedHalfDays: &rows[i].just,
			TemporaryExclusions: &rows[i].excl, Incidents: &rows[i].inc, TermAverage: r.avg}
		if r.school > 0 {
			school := r.school
			out[i].SchoolHalfDays = &school
		}
	}
	return out
}

func ruleCodes(a risk.Assessment) []string {
	var out []string
	for _, r := range a.Reasons {
		out = append(out, r.Rule)
	}
	return out
}

// Every threshold of DESIGN.md at its edge, with the default rules, as of November 2026
// unless the case says otherwise.
func TestAssessAtEveryEdge(t *testing.T) {
	const (
		alert    = risk.RuleMonthlyAlert
		watch    = risk.RuleMonthlyWatch
		chronic  = risk.RuleChronicAbsence
		excluded = risk.RuleExclusions
		incident = risk.RuleIncidents
		low      = risk.RuleLowAverage
		drop     = risk.RuleAverageDrop
	)
	cases := []struct {
		name  string
		asOf  string // default 2026-11
		rows  []row
		score int
		level risk.Level
		rules []string
	}{
		{name: "no indicators", score: 0, level: risk.Low},
		{name: "1 unjustified half-day", rows: []row{{m: "2026-11", unj: 1}}, score: 0, level: risk.Low},
		{name: "2 unjustified half-days", rows: []row{{m: "2026-11", unj: 2}}, score: 1, level: risk.Low, rules: []string{watch}},
		{name: "3 unjustified half-days", rows: []row{{m: "2026-11", unj: 3}}, score: 1, level: risk.Low, rules: []string{watch}},
		{name: "4 unjustified half-days", rows: []row{{m: "2026-11", unj: 4}}, score: 2, level: risk.Medium, rules: []string{alert}},
		{name: "the month before asOf still alerts", rows: []row{{m: "2026-10", unj: 4}}, score: 2, level: risk.Medium, rules: []string{alert}},
		{name: "an old month no longer alerts", rows: []row{{m: "2026-09", unj: 9}}, score: 0, level: risk.Low},
		{name: "the latest month counts, not a worse one before", rows: []row{{m: "2026-10", unj: 9}, {m: "2026-11", unj: 0}},
			score: 0, level: risk.Low},
		{name: "a month after asOf is ignored", rows: []row{{m: "2026-12", unj: 9, excl: 2}}, score: 0, level: risk.Low},
		{name: "August alerts in September", asOf: "2026-09", rows: []row{{m: "2026-08", unj: 4}}, score: 2,
			level: risk.Medium, rules: []string{alert}},

		// 10 of 101 half-days is 9.9 %; 10 of 100 is 10 %. Justified absences count in the rate.
		{name: "absence rate 9.9 %", rows: []row{{m: "2026-09", just: 5, school: 50}, {m: "2026-10", just: 5, school: 51}},
			score: 0, level: risk.Low},
		{name: "absence rate 10 %", rows: []row{{m: "2026-09", just: 5, school: 50}, {m: "2026-10", just: 5, school: 50}},
			score: 2, level: risk.Medium, rules: []string{chronic}},
		{name: "a month without school half-days is left out of the rate",
			rows:  []row{{m: "2026-09", just: 5, school: 50}, {m: "2026-10", just: 5, school: 51}, {m: "2026-11", just: 30}},
			score: 0, level: risk.Low},
		{name: "no school half-days known: no rate", rows: []row{{m: "2026-09", just: 30}, {m: "2026-10", just: 30}},
			score: 0, level: risk.Low},
		{name: "last school year's absences do not count", asOf: "2026-09",
			rows:  []row{{m: "2026-06", just: 30, school: 40}, {m: "2026-09", just: 1, school: 40}},
			score: 0, level: risk.Low},

		{name: "0 exclusion", rows: []row{{m: "2026-10", inc: 1}}, score: 0, level: risk.Low},
		{name: "1 exclusion", rows: []row{{m: "2026-10", excl: 1}}, score: 2, level: risk.Medium, rules: []string{excluded}},
		{name: "2 incidents over the year", rows: []row{{m: "2026-09", inc: 1}, {m: "2026-10", inc: 1}}, score: 0, level: risk.Low},
		{name: "3 incidents over the year", rows: []row{{m: "2026-09", inc: 1}, {m: "2026-10", inc: 2}}, score: 1,
			level: risk.Low, rules: []string{incident}},

		// The school year changes between 31 August and 1 September.
		{name: "31 August: the exclusion and incidents still count", asOf: "2026-08",
			rows:  []row{{m: "2025-09", inc: 1}, {m: "2026-08", excl: 1, inc: 2}},
			score: 3, level: risk.Medium, rules: []string{excluded, incident}},
		{name: "1 September: exclusions and incidents start again", asOf: "2026-09",
			rows:  []row{{m: "2026-06", inc: 2}, {m: "2026-08", excl: 1, inc: 2}, {m: "2026-09", inc: 1}},
			score: 0, level: risk.Low},
		{name: "September of last year is another school year", asOf: "2026-08",
			rows:  []row{{m: "2025-08", excl: 1, inc: 3}, {m: "2025-09", inc: 1}},
			score: 0, level: risk.Low},

		{name: "average 8.0", rows: []row{{m: "2026-06", avg: avg(8)}}, score: 0, level: risk.Low},
		{name: "average 7.99", rows: []row{{m: "2026-06", avg: avg(7.99)}}, score: 1, level: risk.Low, rules: []string{low}},
		{name: "drop of 2.99", rows: []row{{m: "2026-03", avg: avg(11)}, {m: "2026-06", avg: avg(8.01)}}, score: 0, level: risk.Low},
		{name: "drop of 3", rows: []row{{m: "2026-03", avg: avg(11)}, {m: "2026-06", avg: avg(8)}}, score: 1,
			level: risk.Low, rules: []string{drop}},
		{name: "drop of 3 to under 8", rows: []row{{m: "2026-03", avg: avg(10.99)}, {m: "2026-06", avg: avg(7.99)}}, score: 2,
			level: risk.Medium, rules: []string{low, drop}},
		{name: "the latest average counts", rows: []row{{m: "2026-03", avg: avg(5)}, {m: "2026-06", avg: avg(9)}}, score: 0,
			level: risk.Low},
		{name: "an average 12 months old is forgotten", rows: []row{{m: "2025-11", avg: avg(5)}}, score: 0, level: risk.Low},
		{name: "an average 11 months old still counts", rows: []row{{m: "2025-12", avg: avg(5)}}, score: 1, level: risk.Low,
			rules: []string{low}},
		{name: "a previous term 12 months before is too old", rows: []row{{m: "2025-06", avg: avg(15)}, {m: "2026-06", avg: avg(10)}},
			score: 0, level: risk.Low},
		{name: "a previous term 11 months before counts", rows: []row{{m: "2025-07", avg: avg(15)}, {m: "2026-06", avg: avg(10)}},
			score: 1, level: risk.Low, rules: []string{drop}},
		{name: "an average after asOf is ignored", rows: []row{{m: "2026-06", avg: avg(12)}, {m: "2026-12", avg: avg(4)}},
			score: 0, level: risk.Low},

		// Scores and levels.
		{name: "score 1 is low", rows: []row{{m: "2026-11", unj: 3}}, score: 1, level: risk.Low, rules: []string{watch}},
		{name: "score 2 is medium", rows: []row{{m: "2026-11", unj: 3, avg: avg(6)}}, score: 2, level: risk.Medium,
			rules: []string{watch, low}},
		{name: "score 3 is medium", rows: []row{{m: "2026-10", inc: 3}, {m: "2026-11", unj: 5}}, score: 3, level: risk.Medium,
			rules: []string{alert, incident}},
		{name: "score 4 is high", rows: []row{{m: "2026-10", excl: 1}, {m: "2026-11", unj: 5}}, score: 4, level: risk.High,
			rules: []string{alert, excluded}},
		{name: "every rule at once",
			rows: []row{{m: "2026-06", avg: avg(12)}, {m: "2026-09", unj: 10, just: 2, school: 40, inc: 2},
				{m: "2026-10", unj: 8, school: 36, excl: 1, inc: 1}, {m: "2026-11", unj: 6, school: 20, avg: avg(7)}},
			score: 9, level: risk.High, rules: []string{alert, chronic, excluded, incident, low, drop}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asOf := calendar.Month("2026-11")
			if c.asOf != "" {
				asOf = calendar.Month(c.asOf)
			}
			ind := indicators(c.rows...)
			// Any order: the result is the same reversed.
			rev := slices.Clone(ind)
			slices.Reverse(rev)
			for _, in := range [][]risk.Indicator{ind, rev} {
				a := risk.DefaultRules.Assess(in, asOf)
				if a.Score != c.score || a.Level != c.level || !reflect.DeepEqual(ruleCodes(a), c.rules) || a.Month != asOf {
					t.Errorf("Assess = %s, score %d, rules %v, month %s; want %s, %d, %v",
						a.Level, a.Score, ruleCodes(a), a.Month, c.level, c.score, c.rules)
				}
			}
		})
	}
}

// The same figures give another level when an administrator changes the rules.
func TestAssessWithOtherRules(t *testing.T) {
	ind := indicators(
		row{m: "2026-03", avg: avg(12)},
		row{m: "2026-09", unj: 4, just: 1, school: 40},
		row{m: "2026-10", unj: 5, school: 40, inc: 2},
		row{m: "2026-11", unj: 5, school: 40, avg: avg(9.5)},
	)
	// Defaults: alert (+2), rate 15/120 = 12.5 % (+2) → 4, high.
	base := risk.DefaultRules.Assess(ind, "2026-11")
	if base.Level != risk.High || base.Score != 4 {
		t.Fatalf("defaults: %s %d %v", base.Level, base.Score, ruleCodes(base))
	}
	cases := []struct {
		name   string
		change func(*risk.Rules)
		level  risk.Level
		score  int
		rules  []string
	}{
		{"alert from 6 half-days: 5 is only watched", func(r *risk.Rules) { r.MonthlyAlertHalfDays = 6 },
			risk.Medium, 3, []string{risk.RuleMonthlyWatch, risk.RuleChronicAbsence}},
		{"chronic from 15 %", func(r *risk.Rules) { r.ChronicAbsenceRate = 0.15 },
			risk.Medium, 2, []string{risk.RuleMonthlyAlert}},
		{"incidents from 2", func(r *risk.Rules) { r.Incidents = 2 },
			risk.High, 5, []string{risk.RuleMonthlyAlert, risk.RuleChronicAbsence, risk.RuleIncidents}},
		{"average under 10 and drop from 2.5", func(r *risk.Rules) { r.LowAverage, r.AverageDrop = 10, 2.5 },
			risk.High, 6, []string{risk.RuleMonthlyAlert, risk.RuleChronicAbsence, risk.RuleLowAverage, risk.RuleAverageDrop}},
		{"chronic absence worth 0: switched off", func(r *risk.Rules) { r.ChronicAbsencePoints = 0 },
			risk.Medium, 2, []string{risk.RuleMonthlyAlert}},
		{"alert worth 3", func(r *risk.Rules) { r.MonthlyAlertPoints = 3 },
			risk.High, 5, []string{risk.RuleMonthlyAlert, risk.RuleChronicAbsence}},
		{"high from 5", func(r *risk.Rules) { r.HighFrom = 5 },
			risk.Medium, 4, []string{risk.RuleMonthlyAlert, risk.RuleChronicAbsence}},
		{"medium from 5, high from 6", func(r *risk.Rules) { r.MediumFrom, r.HighFrom = 5, 6 },
			risk.Low, 4, []string{risk.RuleMonthlyAlert, risk.RuleChronicAbsence}},
	}
	for _, c := range cases {
		rules := risk.DefaultRules
		c.change(&rules)
		if err := models.ValidateRiskRules(rules); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		a := rules.Assess(ind, "2026-11")
		if a.Level != c.level || a.Score != c.score || !reflect.DeepEqual(ruleCodes(a), c.rules) {
			t.Errorf("%s: %s %d %v; want %s %d %v", c.name, a.Level, a.Score, ruleCodes(a), c.level, c.score, c.rules)
		}
	}
}

func TestRiskHistory(t *testing.T) {
	ind := indicators(
		row{m: "2026-06", unj: 9, excl: 1},            // last school year: no assessment
		row{m: "2026-09", unj: 2, school: 40},         // watch, 5 % → low
		row{m: "2026-10", unj: 4, school: 40},         // alert, 7.5 % → medium
		row{m: "2026-11", unj: 9, school: 40},         // alert, 12.5 % → high
		row{m: "2027-01", unj: 0, school: 40, inc: 3}, // after upTo
	)
	h := risk.DefaultRules.History(ind, calendar.SchoolYear{StartYear: 2026}, "2026-12")
	var got []string
	for _, a := range h {
		got = append(got, fmt.Sprintf("%s %s %d", a.Month, a.Level, a.Score))
	}
	want := []string{"2026-09 low 1", "2026-10 medium 2", "2026-11 high 4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("History = %v, want %v", got, want)
	}
	// Each point of the history is the assessment as of its month.
	for _, a := range h {
		if b := risk.DefaultRules.Assess(ind, a.Month); !reflect.DeepEqual(a, b) {
			t.Errorf("History at %s = %+v, Assess = %+v", a.Month, a, b)
		}
	}
	if h := risk.DefaultRules.History(ind, calendar.SchoolYear{StartYear: 2026}, "2026-08"); len(h) != 0 {
		t.Errorf("History up to before the year = %v, want nothing", h)
	}
	if h := risk.DefaultRules.History(ind, calendar.SchoolYear{StartYear: 2025}, "2027-12"); len(h) != 1 || h[0].Month != "2026-06" ||
		h[0].Level != risk.High {
		t.Errorf("History of 2025-2026 = %+v, want June only, high", h)
	}
}
