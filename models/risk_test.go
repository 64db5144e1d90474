package models_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// row is a month of indicators written short; school 0 means "not known", avg nil "no average".
type row struct {
	m                 string
	unj, just, school int
	excl, inc         int
	avg               *float64
}

func avg(v float64) *float64 { return &v }

func indicators(rows ...row) []models.MonthlyIndicator {
	out := make([]models.MonthlyIndicator, len(rows))
	for i, r := range rows {
		out[i] = models.MonthlyIndicator{Month: calendar.Month(r.m), UnjustifiedHalfDays: r.unj, JustifiedHalfDays: r.just,
			TemporaryExclusions: r.excl, Incidents: r.inc, TermAverage: r.avg}
		if r.school > 0 {
			school := r.school
			out[i].SchoolHalfDays = &school
		}
	}
	return out
}

func ruleCodes(a models.RiskAssessment) []string {
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
		alert    = models.RuleMonthlyAlert
		watch    = models.RuleMonthlyWatch
		chronic  = models.RuleChronicAbsence
		excluded = models.RuleExclusions
		incident = models.RuleIncidents
		low      = models.RuleLowAverage
		drop     = models.RuleAverageDrop
	)
	cases := []struct {
		name  string
		asOf  string // default 2026-11
		rows  []row
		score int
		level models.RiskLevel
		rules []string
	}{
		{name: "no indicators", score: 0, level: models.RiskLow},
		{name: "1 unjustified half-day", rows: []row{{m: "2026-11", unj: 1}}, score: 0, level: models.RiskLow},
		{name: "2 unjustified half-days", rows: []row{{m: "2026-11", unj: 2}}, score: 1, level: models.RiskLow, rules: []string{watch}},
		{name: "3 unjustified half-days", rows: []row{{m: "2026-11", unj: 3}}, score: 1, level: models.RiskLow, rules: []string{watch}},
		{name: "4 unjustified half-days", rows: []row{{m: "2026-11", unj: 4}}, score: 2, level: models.RiskMedium, rules: []string{alert}},
		{name: "the month before asOf still alerts", rows: []row{{m: "2026-10", unj: 4}}, score: 2, level: models.RiskMedium, rules: []string{alert}},
		{name: "an old month no longer alerts", rows: []row{{m: "2026-09", unj: 9}}, score: 0, level: models.RiskLow},
		{name: "the latest month counts, not a worse one before", rows: []row{{m: "2026-10", unj: 9}, {m: "2026-11", unj: 0}},
			score: 0, level: models.RiskLow},
		{name: "a month after asOf is ignored", rows: []row{{m: "2026-12", unj: 9, excl: 2}}, score: 0, level: models.RiskLow},
		{name: "August alerts in September", asOf: "2026-09", rows: []row{{m: "2026-08", unj: 4}}, score: 2,
			level: models.RiskMedium, rules: []string{alert}},

		// 10 of 101 half-days is 9.9 %; 10 of 100 is 10 %. Justified absences count in the rate.
		{name: "absence rate 9.9 %", rows: []row{{m: "2026-09", just: 5, school: 50}, {m: "2026-10", just: 5, school: 51}},
			score: 0, level: models.RiskLow},
		{name: "absence rate 10 %", rows: []row{{m: "2026-09", just: 5, school: 50}, {m: "2026-10", just: 5, school: 50}},
			score: 2, level: models.RiskMedium, rules: []string{chronic}},
		{name: "a month without school half-days is left out of the rate",
			rows:  []row{{m: "2026-09", just: 5, school: 50}, {m: "2026-10", just: 5, school: 51}, {m: "2026-11", just: 30}},
			score: 0, level: models.RiskLow},
		{name: "no school half-days known: no rate", rows: []row{{m: "2026-09", just: 30}, {m: "2026-10", just: 30}},
			score: 0, level: models.RiskLow},
		{name: "last school year's absences do not count", asOf: "2026-09",
			rows:  []row{{m: "2026-06", just: 30, school: 40}, {m: "2026-09", just: 1, school: 40}},
			score: 0, level: models.RiskLow},

		{name: "0 exclusion", rows: []row{{m: "2026-10", inc: 1}}, score: 0, level: models.RiskLow},
		{name: "1 exclusion", rows: []row{{m: "2026-10", excl: 1}}, score: 2, level: models.RiskMedium, rules: []string{excluded}},
		{name: "2 incidents over the year", rows: []row{{m: "2026-09", inc: 1}, {m: "2026-10", inc: 1}}, score: 0, level: models.RiskLow},
		{name: "3 incidents over the year", rows: []row{{m: "2026-09", inc: 1}, {m: "2026-10", inc: 2}}, score: 1,
			level: models.RiskLow, rules: []string{incident}},

		// The school year changes between 31 August and 1 September.
		{name: "31 August: the exclusion and incidents still count", asOf: "2026-08",
			rows:  []row{{m: "2025-09", inc: 1}, {m: "2026-08", excl: 1, inc: 2}},
			score: 3, level: models.RiskMedium, rules: []string{excluded, incident}},
		{name: "1 September: exclusions and incidents start again", asOf: "2026-09",
			rows:  []row{{m: "2026-06", inc: 2}, {m: "2026-08", excl: 1, inc: 2}, {m: "2026-09", inc: 1}},
			score: 0, level: models.RiskLow},
		{name: "September of last year is another school year", asOf: "2026-08",
			rows:  []row{{m: "2025-08", excl: 1, inc: 3}, {m: "2025-09", inc: 1}},
			score: 0, level: models.RiskLow},

		{name: "average 8.0", rows: []row{{m: "2026-06", avg: avg(8)}}, score: 0, level: models.RiskLow},
		{name: "average 7.99", rows: []row{{m: "2026-06", avg: avg(7.99)}}, score: 1, level: models.RiskLow, rules: []string{low}},
		{name: "drop of 2.99", rows: []row{{m: "2026-03", avg: avg(11)}, {m: "2026-06", avg: avg(8.01)}}, score: 0, level: models.RiskLow},
		{name: "drop of 3", rows: []row{{m: "2026-03", avg: avg(11)}, {m: "2026-06", avg: avg(8)}}, score: 1,
			level: models.RiskLow, rules: []string{drop}},
		{name: "drop of 3 to under 8", rows: []row{{m: "2026-03", avg: avg(10.99)}, {m: "2026-06", avg: avg(7.99)}}, score: 2,
			level: models.RiskMedium, rules: []string{low, drop}},
		{name: "the latest average counts", rows: []row{{m: "2026-03", avg: avg(5)}, {m: "2026-06", avg: avg(9)}}, score: 0,
			level: models.RiskLow},
		{name: "an average 12 months old is forgotten", rows: []row{{m: "2025-11", avg: avg(5)}}, score: 0, level: models.RiskLow},
		{name: "an average 11 months old still counts", rows: []row{{m: "2025-12", avg: avg(5)}}, score: 1, level: models.RiskLow,
			rules: []string{low}},
		{name: "a previous term 12 months before is too old", rows: []row{{m: "2025-06", avg: avg(15)}, {m: "2026-06", avg: avg(10)}},
			score: 0, level: models.RiskLow},
		{name: "a previous term 11 months before counts", rows: []row{{m: "2025-07", avg: avg(15)}, {m: "2026-06", avg: avg(10)}},
			score: 1, level: models.RiskLow, rules: []string{drop}},
		{name: "an average after asOf is ignored", rows: []row{{m: "2026-06", avg: avg(12)}, {m: "2026-12", avg: avg(4)}},
			score: 0, level: models.RiskLow},

		// Scores and levels.
		{name: "score 1 is low", rows: []row{{m: "2026-11", unj: 3}}, score: 1, level: models.RiskLow, rules: []string{watch}},
		{name: "score 2 is medium", rows: []row{{m: "2026-11", unj: 3, avg: avg(6)}}, score: 2, level: models.RiskMedium,
			rules: []string{watch, low}},
		{name: "score 3 is medium", rows: []row{{m: "2026-10", inc: 3}, {m: "2026-11", unj: 5}}, score: 3, level: models.RiskMedium,
			rules: []string{alert, incident}},
		{name: "score 4 is high", rows: []row{{m: "2026-10", excl: 1}, {m: "2026-11", unj: 5}}, score: 4, level: models.RiskHigh,
			rules: []string{alert, excluded}},
		{name: "every rule at once",
			rows: []row{{m: "2026-06", avg: avg(12)}, {m: "2026-09", unj: 10, just: 2, school: 40, inc: 2},
				{m: "2026-10", unj: 8, school: 36, excl: 1, inc: 1}, {m: "2026-11", unj: 6, school: 20, avg: avg(7)}},
			score: 9, level: models.RiskHigh, rules: []string{alert, chronic, excluded, incident, low, drop}},
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
			for _, in := range [][]models.MonthlyIndicator{ind, rev} {
				a := models.DefaultRiskRules.Assess(in, asOf)
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
	base := models.DefaultRiskRules.Assess(ind, "2026-11")
	if base.Level != models.RiskHigh || base.Score != 4 {
		t.Fatalf("defaults: %s %d %v", base.Level, base.Score, ruleCodes(base))
	}
	cases := []struct {
		name   string
		change func(*models.RiskRules)
		level  models.RiskLevel
		score  int
		rules  []string
	}{
		{"alert from 6 half-days: 5 is only watched", func(r *models.RiskRules) { r.MonthlyAlertHalfDays = 6 },
			models.RiskMedium, 3, []string{models.RuleMonthlyWatch, models.RuleChronicAbsence}},
		{"chronic from 15 %", func(r *models.RiskRules) { r.ChronicAbsenceRate = 0.15 },
			models.RiskMedium, 2, []string{models.RuleMonthlyAlert}},
		{"incidents from 2", func(r *models.RiskRules) { r.Incidents = 2 },
			models.RiskHigh, 5, []string{models.RuleMonthlyAlert, models.RuleChronicAbsence, models.RuleIncidents}},
		{"average under 10 and drop from 2.5", func(r *models.RiskRules) { r.LowAverage, r.AverageDrop = 10, 2.5 },
			models.RiskHigh, 6, []string{models.RuleMonthlyAlert, models.RuleChronicAbsence, models.RuleLowAverage, models.RuleAverageDrop}},
		{"chronic absence worth 0: switched off", func(r *models.RiskRules) { r.ChronicAbsencePoints = 0 },
			models.RiskMedium, 2, []string{models.RuleMonthlyAlert}},
		{"alert worth 3", func(r *models.RiskRules) { r.MonthlyAlertPoints = 3 },
			models.RiskHigh, 5, []string{models.RuleMonthlyAlert, models.RuleChronicAbsence}},
		{"high from 5", func(r *models.RiskRules) { r.HighFrom = 5 },
			models.RiskMedium, 4, []string{models.RuleMonthlyAlert, models.RuleChronicAbsence}},
		{"medium from 5, high from 6", func(r *models.RiskRules) { r.MediumFrom, r.HighFrom = 5, 6 },
			models.RiskLow, 4, []string{models.RuleMonthlyAlert, models.RuleChronicAbsence}},
	}
	for _, c := range cases {
		rules := models.DefaultRiskRules
		c.change(&rules)
		if err := rules.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		a := rules.Assess(ind, "2026-11")
		if a.Level != c.level || a.Score != c.score || !reflect.DeepEqual(ruleCodes(a), c.rules) {
			t.Errorf("%s: %s %d %v; want %s %d %v", c.name, a.Level, a.Score, ruleCodes(a), c.level, c.score, c.rules)
		}
	}
}

func TestRiskRulesValidate(t *testing.T) {
	if err := models.DefaultRiskRules.Validate(); err != nil {
		t.Fatalf("the default rules are refused: %v", err)
	}
	cases := []struct {
		field  string
		change func(*models.RiskRules)
	}{
		{"monthly_alert_half_days", func(r *models.RiskRules) { r.MonthlyAlertHalfDays = 0 }},
		{"monthly_alert_half_days", func(r *models.RiskRules) { r.MonthlyAlertHalfDays = 63 }},
		{"monthly_watch_half_days", func(r *models.RiskRules) { r.MonthlyWatchHalfDays = 0 }},
		{"monthly_watch_half_days", func(r *models.RiskRules) { r.MonthlyWatchHalfDays = 4 }}, // not under the alert
		{"chronic_absence_rate", func(r *models.RiskRules) { r.ChronicAbsenceRate = 0 }},
		{"chronic_absence_rate", func(r *models.RiskRules) { r.ChronicAbsenceRate = 1.01 }},
		{"chronic_absence_rate", func(r *models.RiskRules) { r.ChronicAbsenceRate = -0.1 }},
		{"exclusions", func(r *models.RiskRules) { r.Exclusions = 0 }},
		{"incidents", func(r *models.RiskRules) { r.Incidents = -1 }},
		{"low_average", func(r *models.RiskRules) { r.LowAverage = 0 }},
		{"low_average", func(r *models.RiskRules) { r.LowAverage = 21 }},
		{"average_drop", func(r *models.RiskRules) { r.AverageDrop = 0 }},
		{"monthly_alert_points", func(r *models.RiskRules) { r.MonthlyAlertPoints = -1 }},
		{"incident_points", func(r *models.RiskRules) { r.IncidentPoints = 11 }},
		{"medium_from", func(r *models.RiskRules) { r.MediumFrom = 0 }},
		{"high_from", func(r *models.RiskRules) { r.HighFrom = 2 }}, // equal to medium
	}
	for _, c := range cases {
		rules := models.DefaultRiskRules
		c.change(&rules)
		var v models.ValidationError
		if err := rules.Validate(); !errors.As(err, &v) || v[c.field] == "" || len(v) != 1 {
			t.Errorf("%s: Validate = %v; want one message on %s", c.field, err, c.field)
		}
	}
	// The edges that are allowed.
	rules := models.DefaultRiskRules
	rules.ChronicAbsenceRate, rules.LowAverage, rules.MonthlyWatchHalfDays, rules.MonthlyAlertHalfDays = 1, 20, 61, 62
	rules.IncidentPoints = 0
	if err := rules.Validate(); err != nil {
		t.Errorf("edges refused: %v", err)
	}
}

// The reasons read as French sentences, with French numbers: decimal comma, a non-breaking
// space before % and between thousands.
func TestRiskReasonText(t *testing.T) {
	texts := func(a models.RiskAssessment) []string {
		var out []string
		for _, r := range a.Reasons {
			out = append(out, r.Text())
		}
		return out
	}
	want := []string{
		"5 demi-journées d'absence non justifiées en novembre 2026 (seuil d'alerte\u00a0: 4)\u00a0: +2",
		"taux d'absence de 6\u00a0% sur l'année scolaire 2026-2027 (seuil\u00a0: 5\u00a0%)\u00a0: +2",
		"1 exclusion temporaire cette année scolaire\u00a0: +2",
		"3 incidents cette année scolaire (seuil\u00a0: 3)\u00a0: +1",
		"moyenne du trimestre 7,5/20 (sous 8/20)\u00a0: +1",
		"baisse de 3,5 points depuis le trimestre précédent\u00a0: +1",
	}
	rules := models.DefaultRiskRules
	rules.ChronicAbsenceRate = 0.05 // so that 6 % counts
	a := rules.Assess(indicators(
		row{m: "2026-03", avg: avg(11)},
		row{m: "2026-09", unj: 1, just: 5, school: 50, inc: 2},
		row{m: "2026-10", unj: 0, school: 50, excl: 1, inc: 1, avg: avg(7.5)},
		row{m: "2026-11", unj: 5, just: 1, school: 0},
	), "2026-11")
	if got := texts(a); !reflect.DeepEqual(got, want) {
		t.Errorf("texts:\n%q\nwant\n%q", got, want)
	}

	a = models.DefaultRiskRules.Assess(indicators(
		row{m: "2026-09", unj: 2, just: 3, school: 40},
		row{m: "2026-10", unj: 3, school: 40, excl: 2},
	), "2026-11")
	want = []string{
		"3 demi-journées d'absence non justifiées en octobre 2026 (seuil de vigilance\u00a0: 2)\u00a0: +1",
		"taux d'absence de 10\u00a0% sur l'année scolaire 2026-2027 (seuil\u00a0: 10\u00a0%)\u00a0: +2",
		"2 exclusions temporaires cette année scolaire\u00a0: +2",
	}
	if got := texts(a); !reflect.DeepEqual(got, want) {
		t.Errorf("texts:\n%q\nwant\n%q", got, want)
	}

	for _, c := range []struct {
		reason models.RiskReason
		want   string
	}{
		{models.RiskReason{Rule: models.RuleChronicAbsence, Points: 2, Year: calendar.SchoolYear{StartYear: 2026}, Value: 0.125, Threshold: 0.1},
			"taux d'absence de 12,5\u00a0% sur l'année scolaire 2026-2027 (seuil\u00a0: 10\u00a0%)\u00a0: +2"},
		{models.RiskReason{Rule: models.RuleChronicAbsence, Points: 2, Year: calendar.SchoolYear{StartYear: 2025}, Value: 0.12, Threshold: 0.075},
			"taux d'absence de 12\u00a0% sur l'année scolaire 2025-2026 (seuil\u00a0: 7,5\u00a0%)\u00a0: +2"},
		{models.RiskReason{Rule: models.RuleMonthlyAlert, Points: 2, Month: "2027-02", Value: 1, Threshold: 1},
			"1 demi-journée d'absence non justifiée en février 2027 (seuil d'alerte\u00a0: 1)\u00a0: +2"},
		{models.RiskReason{Rule: models.RuleIncidents, Points: 1, Value: 1234, Threshold: 1000},
			"1\u00a0234 incidents cette année scolaire (seuil\u00a0: 1\u00a0000)\u00a0: +1"},
		{models.RiskReason{Rule: models.RuleExclusions, Points: 2, Value: 3, Threshold: 2},
			"3 exclusions temporaires cette année scolaire (seuil\u00a0: 2)\u00a0: +2"},
		{models.RiskReason{Rule: models.RuleLowAverage, Points: 1, Month: "2026-12", Value: 7.99, Threshold: 8.5},
			"moyenne du trimestre 7,99/20 (sous 8,5/20)\u00a0: +1"},
		{models.RiskReason{Rule: models.RuleAverageDrop, Points: 1, Value: 3, Threshold: 3},
			"baisse de 3 points depuis le trimestre précédent\u00a0: +1"},
		{models.RiskReason{Rule: models.RuleMonthlyWatch, Points: 1, Month: "2026-08", Value: 2, Threshold: 2},
			"2 demi-journées d'absence non justifiées en août 2026 (seuil de vigilance\u00a0: 2)\u00a0: +1"},
	} {
		if got := c.reason.Text(); got != c.want {
			t.Errorf("Text = %q, want %q", got, c.want)
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
	h := models.DefaultRiskRules.History(ind, calendar.SchoolYear{StartYear: 2026}, "2026-12")
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
		if b := models.DefaultRiskRules.Assess(ind, a.Month); !reflect.DeepEqual(a, b) {
			t.Errorf("History at %s = %+v, Assess = %+v", a.Month, a, b)
		}
	}
	if h := models.DefaultRiskRules.History(ind, calendar.SchoolYear{StartYear: 2026}, "2026-08"); len(h) != 0 {
		t.Errorf("History up to before the year = %v, want nothing", h)
	}
	if h := models.DefaultRiskRules.History(ind, calendar.SchoolYear{StartYear: 2025}, "2027-12"); len(h) != 1 || h[0].Month != "2026-06" ||
		h[0].Level != models.RiskHigh {
		t.Errorf("History of 2025-2026 = %+v, want June only, high", h)
	}
}

func TestRiskRulesStored(t *testing.T) {
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
		rules, err := models.LoadRiskRules(ctx, db)
		if err != nil || rules != models.DefaultRiskRules {
			t.Fatalf("nothing stored: LoadRiskRules = %+v, %v; want the defaults", rules, err)
		}

		// A pupil with 5 unjustified half-days in November: medium with the defaults.
		est := newEstablishment(t, db, "0590001F")
		p := newPupil(t, db, est.ID, "Martin")
		must(t, db.Create(&models.MonthlyIndicator{PupilID: p.ID, Month: "2026-11", UnjustifiedHalfDays: 5, Source: models.SourceImport}).Error)
		must(t, models.RecomputeRisk(ctx, db, models.DefaultRiskRules, "2026-11"))
		if got := storedRisk(t, db, p.ID); got != "medium 2" {
			t.Fatalf("with the defaults: %s, want medium 2", got)
		}

		changed := models.DefaultRiskRules
		changed.MonthlyAlertPoints, changed.HighFrom = 4, 4
		must(t, models.SaveRiskRules(ctx, db, now, changed))
		if got, err := models.LoadRiskRules(ctx, db); err != nil || got != changed {
			t.Fatalf("LoadRiskRules = %+v, %v; want %+v", got, err, changed)
		}
		if got := storedRisk(t, db, p.ID); got != "high 4" {
			t.Errorf("after SaveRiskRules the stored risk is %s, want high 4", got)
		}
		var s models.Setting
		must(t, db.Where(&models.Setting{Key: models.RiskRulesKey}).Take(&s).Error)
		if !s.UpdatedAt.Equal(now) {
			t.Errorf("setting updated at %v, want %v", s.UpdatedAt, now)
		}

		// Saving again replaces the same setting.
		must(t, models.SaveRiskRules(ctx, db, now.Add(time.Hour), models.DefaultRiskRules))
		var n int64
		db.Model(&models.Setting{}).Count(&n)
		if got := storedRisk(t, db, p.ID); n != 1 || got != "medium 2" {
			t.Errorf("%d settings, stored risk %s; want 1 and medium 2", n, got)
		}

		// Invalid rules are refused with field messages, and change nothing.
		bad := models.DefaultRiskRules
		bad.MonthlyWatchHalfDays, bad.HighFrom = 5, 1
		err = models.SaveRiskRules(ctx, db, now, bad)
		var v models.ValidationError
		if !errors.As(err, &v) || v["monthly_watch_half_days"] == "" || v["high_from"] == "" {
			t.Fatalf("SaveRiskRules(invalid) = %v; want messages on monthly_watch_half_days and high_from", err)
		}
		if got, _ := models.LoadRiskRules(ctx, db); got != models.DefaultRiskRules {
			t.Errorf("after a refused save: %+v", got)
		}

		// A threshold missing from the stored JSON keeps its default; garbage is an error.
		must(t, db.Model(&models.Setting{}).Where(&models.Setting{Key: models.RiskRulesKey}).Update("value", `{"monthly_alert_half_days": 6}`).Error)
		want := models.DefaultRiskRules
		want.MonthlyAlertHalfDays = 6
		if got, err := models.LoadRiskRules(ctx, db); err != nil || got != want {
			t.Errorf("partial JSON: %+v, %v; want %+v", got, err, want)
		}
		must(t, db.Model(&models.Setting{}).Where(&models.Setting{Key: models.RiskRulesKey}).Update("value", `{"high_from": 0}`).Error)
		if _, err := models.LoadRiskRules(ctx, db); err == nil {
			t.Error("stored invalid rules: want an error")
		}
		must(t, db.Model(&models.Setting{}).Where(&models.Setting{Key: models.RiskRulesKey}).Update("value", `not json`).Error)
		if _, err := models.LoadRiskRules(ctx, db); err == nil {
			t.Error("stored garbage: want an error")
		}
	})
}

// RecomputeRisk stores for each pupil what Assess gives on all their indicators, over more
// pupils than one batch and more months than it reads; it touches neither version nor
// updated_at, and with ids it recomputes only those pupils.
func TestRecomputeRisk(t *testing.T) {
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		est := newEstablishment(t, db, "0590001F")
		const pupils, months = 1100, 40 // three batches; 40 months from 2023-08 to 2026-11
		r := rand.New(rand.NewPCG(1, 2))
		var ps []models.Pupil
		for i := range pupils {
			ps = append(ps, pupilRow(est.ID, fmt.Sprintf("Élève %04d", i)))
		}
		must(t, db.CreateInBatches(&ps, 500).Error)
		if ps[0].RiskLevel != models.RiskLow {
			t.Fatalf("a new pupil's risk is %q, want low", ps[0].RiskLevel)
		}
		var rows []models.MonthlyIndicator
		all := map[uint][]models.MonthlyIndicator{}
		for _, p := range ps {
			for k := range months {
				if r.IntN(6) == 0 {
					continue // months without figures
				}
				m := calendar.Month(fmt.Sprintf("%04d-%02d", 2023+(7+k)/12, (7+k)%12+1))
				ind := models.MonthlyIndicator{PupilID: p.ID, Month: m, UnjustifiedHalfDays: r.IntN(7), JustifiedHalfDays: r.IntN(4),
					Source: models.SourceImport}
				if r.IntN(4) > 0 {
					school := 30 + r.IntN(12)
					ind.SchoolHalfDays = &school
				}
				if r.IntN(30) == 0 {
					ind.TemporaryExclusions = 1
				}
				if r.IntN(5) == 0 {
					ind.Incidents = 1
				}
				if r.IntN(3) == 0 {
					a := float64(r.IntN(1600)+200) / 100
					ind.TermAverage = &a
				}
				rows = append(rows, ind)
				all[p.ID] = append(all[p.ID], ind)
			}
		}
		must(t, db.CreateInBatches(&rows, 1000).Error)
		var before []models.Pupil
		must(t, db.Order("id").Find(&before).Error)

		check := func(asOf calendar.Month) map[models.RiskLevel]int {
			t.Helper()
			var stored []models.Pupil
			must(t, db.Order("id").Find(&stored).Error)
			levels := map[models.RiskLevel]int{}
			for i, p := range stored {
				a := models.DefaultRiskRules.Assess(all[p.ID], asOf)
				if p.RiskLevel != a.Level || p.RiskScore != a.Score {
					t.Fatalf("pupil %d as of %s: stored %s %d, Assess %s %d %v", p.ID, asOf, p.RiskLevel, p.RiskScore, a.Level, a.Score, ruleCodes(a))
				}
				if p.Version != before[i].Version || !p.UpdatedAt.Equal(before[i].UpdatedAt) {
					t.Fatalf("pupil %d: version or updated_at changed", p.ID)
				}
				levels[p.RiskLevel]++
			}
			return levels
		}
		for _, asOf := range []calendar.Month{"2026-11", "2026-09", "2025-08"} {
			start := time.Now()
			must(t, models.RecomputeRisk(ctx, db, models.DefaultRiskRules, asOf))
			t.Logf("as of %s: %d pupils in %v: %v", asOf, pupils, time.Since(start).Round(time.Millisecond), check(asOf))
		}
		levels := check("2025-08")
		for _, l := range models.RiskLevels {
			if levels[l] == 0 {
				t.Errorf("no pupil at %s risk: the data does not test the level", l)
			}
		}

		// With ids (repeated, over a batch), only those pupils are recomputed: the others keep
		// a value written by hand.
		must(t, db.Exec("UPDATE pupils SET risk_level = 'high', risk_score = 99").Error)
		var ids []uint
		for _, p := range ps[:600] {
			ids = append(ids, p.ID, p.ID)
		}
		must(t, models.RecomputeRisk(ctx, db, models.DefaultRiskRules, "2025-08", ids...))
		var stale int64
		must(t, db.Model(&models.Pupil{}).Where("risk_score = 99").Count(&stale).Error)
		if stale != pupils-600 {
			t.Errorf("%d pupils left untouched, want %d", stale, pupils-600)
		}
		for _, p := range ps[:600] {
			a := models.DefaultRiskRules.Assess(all[p.ID], "2025-08")
			if got := storedRisk(t, db, p.ID); got != fmt.Sprintf("%s %d", a.Level, a.Score) {
				t.Fatalf("pupil %d: stored %s, Assess %s %d", p.ID, got, a.Level, a.Score)
			}
		}
		if err := models.RecomputeRisk(ctx, db, models.DefaultRiskRules, "2025-13"); err == nil {
			t.Error("an invalid month: want an error")
		}
		// An unknown pupil is no error, and an empty database neither.
		must(t, models.RecomputeRisk(ctx, db, models.DefaultRiskRules, "2025-08", 999999))
	})
}

// TestRecomputeRiskAtScale times RecomputeRisk on the metropolitan volume (15,000 pupils, 60
// months each). It takes a while to fill, so it runs only when MEDIATION_TEST_SCALE is set.
func TestRecomputeRiskAtScale(t *testing.T) {
	if os.Getenv("MEDIATION_TEST_SCALE") == "" {
		t.Skip("set MEDIATION_TEST_SCALE=1 to time RecomputeRisk on 15,000 pupils × 60 months")
	}
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		est := newEstablishment(t, db, "0590001F")
		start := time.Now()
		month := "printf('%04d-%02d', 2022 + k / 12, k % 12 + 1)"
		if db.Dialector.Name() == models.DialectPostgres {
			month = "(2022 + k / 12)::text || '-' || lpad((k % 12 + 1)::text, 2, '0')"
		}
		must(t, db.Exec(`INSERT INTO pupils (establishment_id, last_name, first_name, birth_date, class_level, status,
			identified_on, version, created_at, updated_at)
			WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 15000)
			SELECT ?, 'Élève', 'Prénom', '2012-01-01', '6e', 'active', '2022-01-10', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM g`,
			est.ID).Error)
		must(t, db.Exec(`INSERT INTO monthly_indicators (pupil_id, month, unjustified_half_days, justified_half_days,
			school_half_days, temporary_exclusions, incidents, term_average, source, created_at, updated_at)
			WITH RECURSIVE g(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM g WHERE k < 59)
			SELECT p.id, `+month+`, CASE WHEN p.id % 4 = 0 THEN (p.id * 7 + k * 13) % 7 ELSE (p.id + k) % 3 END, (p.id + k) % 2, 40,
				CASE WHEN (p.id + k) % 23 = 0 THEN 1 ELSE 0 END, CASE WHEN (p.id * k) % 5 = 0 THEN 1 ELSE 0 END,
				CASE WHEN k % 3 = 2 THEN ((p.id * 31 + k * 7) % 160) / 10.0 + 4 END, 'import', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
			FROM pupils p CROSS JOIN g`).Error)
		var n int64
		db.Model(&models.MonthlyIndicator{}).Count(&n)
		t.Logf("filled %d indicators in %v", n, time.Since(start).Round(time.Millisecond))

		for _, run := range []string{"first (every pupil changes)", "again (nothing changes)", "after ANALYZE"} {
			if run == "after ANALYZE" {
				must(t, db.Exec("ANALYZE").Error)
			}
			start = time.Now()
			must(t, models.RecomputeRisk(ctx, db, models.DefaultRiskRules, "2026-11"))
			t.Logf("RecomputeRisk, %s: %v", run, time.Since(start).Round(time.Millisecond))
		}
		var levels []struct {
			RiskLevel models.RiskLevel
			N         int
		}
		db.Model(&models.Pupil{}).Select("risk_level, COUNT(*) AS n").Group("risk_level").Scan(&levels)
		t.Logf("levels: %+v", levels)
		var one models.Pupil
		must(t, db.Select("id, risk_level, risk_score").Order("id DESC").Take(&one).Error)
		var ind []models.MonthlyIndicator
		must(t, db.Where("pupil_id = ?", one.ID).Find(&ind).Error)
		if a := models.DefaultRiskRules.Assess(ind, "2026-11"); a.Level != one.RiskLevel || a.Score != one.RiskScore {
			t.Errorf("pupil %d: stored %s %d, Assess %s %d", one.ID, one.RiskLevel, one.RiskScore, a.Level, a.Score)
		}
		start = time.Now()
		must(t, models.RecomputeRisk(ctx, db, models.DefaultRiskRules, "2026-12", one.ID))
		t.Logf("RecomputeRisk, one pupil: %v", time.Since(start).Round(time.Millisecond))
	})
}

func newEstablishment(t *testing.T, db *gorm.DB, uai string) models.Establishment {
	t.Helper()
	e := models.Establishment{UAI: uai, Name: "Collège Test", Type: models.TypeCollege, Sector: models.SectorPublic,
		Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
	must(t, db.Create(&e).Error)
	return e
}

func pupilRow(establishmentID uint, lastName string) models.Pupil {
	return models.Pupil{EstablishmentID: establishmentID, LastName: lastName, FirstName: "Camille",
		BirthDate: time.Date(2012, 3, 4, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level5e, Status: models.StatusActive,
		IdentifiedOn: time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC), Version: 1}
}

func newPupil(t *testing.T, db *gorm.DB, establishmentID uint, lastName string) models.Pupil {
	t.Helper()
	p := pupilRow(establishmentID, lastName)
	must(t, db.Create(&p).Error)
	return p
}

func storedRisk(t *testing.T, db *gorm.DB, id uint) string {
	t.Helper()
	var p models.Pupil
	must(t, db.Select("risk_level, risk_score").Where("id = ?", id).Take(&p).Error)
	return fmt.Sprintf("%s %d", p.RiskLevel, p.RiskScore)
}
