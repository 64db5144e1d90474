package models_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/risk"
)

func TestRiskRulesValidate(t *testing.T) {
	t.Parallel()
	if err := models.ValidateRiskRules(risk.DefaultRules); err != nil {
		t.Fatalf("the default rules are refused: %v", err)
	}
	cases := []struct {
		field  string
		change func(*risk.Rules)
	}{
		{"monthly_alert_half_days", func(r *risk.Rules) { r.MonthlyAlertHalfDays = 0 }},
		{"monthly_alert_half_days", func(r *risk.Rules) { r.MonthlyAlertHalfDays = 63 }},
		{"monthly_watch_half_days", func(r *risk.Rules) { r.MonthlyWatchHalfDays = 0 }},
		{"monthly_watch_half_days", func(r *risk.Rules) { r.MonthlyWatchHalfDays = 4 }}, // not under the alert
		{"chronic_absence_rate", func(r *risk.Rules) { r.ChronicAbsenceRate = 0 }},
		{"chronic_absence_rate", func(r *risk.Rules) { r.ChronicAbsenceRate = 1.01 }},
		{"chronic_absence_rate", func(r *risk.Rules) { r.ChronicAbsenceRate = -0.1 }},
		{"exclusions", func(r *risk.Rules) { r.Exclusions = 0 }},
		{"incidents", func(r *risk.Rules) { r.Incidents = -1 }},
		{"low_average", func(r *risk.Rules) { r.LowAverage = 0 }},
		{"low_average", func(r *risk.Rules) { r.LowAverage = 21 }},
		{"average_drop", func(r *risk.Rules) { r.AverageDrop = 0 }},
		{"monthly_alert_points", func(r *risk.Rules) { r.MonthlyAlertPoints = -1 }},
		{"incident_points", func(r *risk.Rules) { r.IncidentPoints = 11 }},
		{"medium_from", func(r *risk.Rules) { r.MediumFrom = 0 }},
		{"high_from", func(r *risk.Rules) { r.HighFrom = 2 }}, // equal to medium
	}
	for _, c := range cases {
		rules := risk.DefaultRules
		c.change(&rules)
		var v models.ValidationError
		if err := models.ValidateRiskRules(rules); !errors.As(err, &v) || v[c.field].Key == "" || len(v) != 1 {
			t.Errorf("%s: Validate = %v; want one message on %s", c.field, err, c.field)
		}
	}
	// The edges that are allowed.
	rules := risk.DefaultRules
	rules.ChronicAbsenceRate, rules.LowAverage, rules.MonthlyWatchHalfDays, rules.MonthlyAlertHalfDays = 1, 20, 61, 62
	rules.IncidentPoints = 0
	if err := models.ValidateRiskRules(rules); err != nil {
		t.Errorf("edges refused: %v", err)
	}
}

func TestRiskRulesStored(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
		rules, err := models.LoadRiskRules(ctx, db)
		if err != nil || rules != risk.DefaultRules {
			t.Fatalf("nothing stored: LoadRiskRules = %+v, %v; want the defaults", rules, err)
		}

		// A pupil with 5 unjustified half-days in November: medium with the defaults.
		est := newEstablishment(t, db, "0590001F")
		p := newPupil(t, db, est.ID, "Martin")
		must(t, db.Create(&models.MonthlyIndicator{PupilID: p.ID, Month: "2026-11", UnjustifiedHalfDays: ptr(5), Source: models.SourceImport}).Error)
		must(t, models.RecomputeRisk(ctx, db, risk.DefaultRules, "2026-11"))
		if got := storedRisk(t, db, p.ID); got != "medium 2" {
			t.Fatalf("with the defaults: %s, want medium 2", got)
		}

		changed := risk.DefaultRules
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
		must(t, models.SaveRiskRules(ctx, db, now.Add(time.Hour), risk.DefaultRules))
		var n int64
		dbtest.Must(t, db.Model(&models.Setting{}).Count(&n).Error)
		if got := storedRisk(t, db, p.ID); n != 1 || got != "medium 2" {
			t.Errorf("%d settings, stored risk %s; want 1 and medium 2", n, got)
		}

		// Invalid rules are refused with field messages, and change nothing.
		bad := risk.DefaultRules
		bad.MonthlyWatchHalfDays, bad.HighFrom = 5, 1
		err = models.SaveRiskRules(ctx, db, now, bad)
		var v models.ValidationError
		if !errors.As(err, &v) || v["monthly_watch_half_days"].Key == "" || v["high_from"].Key == "" {
			t.Fatalf("SaveRiskRules(invalid) = %v; want messages on monthly_watch_half_days and high_from", err)
		}
		if got, _ := models.LoadRiskRules(ctx, db); got != risk.DefaultRules {
			t.Errorf("after a refused save: %+v", got)
		}

		// A threshold missing from the stored JSON keeps its default; garbage is an error.
		must(t, db.Model(&models.Setting{}).Where(&models.Setting{Key: models.RiskRulesKey}).Update("value", `{"monthly_alert_half_days": 6}`).Error)
		want := risk.DefaultRules
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
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		est := newEstablishment(t, db, "0590001F")
		const pupils, months = 1100, 40 // three batches; 40 months from 2023-08 to 2026-11
		r := rand.New(rand.NewPCG(1, 2))
		var ps []models.Pupil
		for i := range pupils {
			ps = append(ps, pupilRow(est.ID, fmt.Sprintf("Élève %04d", i)))
		}
		// Batches of 100 rows: the SQLite driver binds a statement's arguments in a time that
		// grows with the square of their number.
		must(t, db.CreateInBatches(&ps, 100).Error)
		if ps[0].RiskLevel != risk.Low {
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
				ind := models.MonthlyIndicator{PupilID: p.ID, Month: m, UnjustifiedHalfDays: ptr(r.IntN(7)), JustifiedHalfDays: ptr(r.IntN(4)),
					TemporaryExclusions: ptr(0), Incidents: ptr(0),
					Source: models.SourceImport}
				if r.IntN(4) > 0 {
					school := 30 + r.IntN(12)
					ind.SchoolHalfDays = &school
				}
				if r.IntN(30) == 0 {
					ind.TemporaryExclusions = ptr(1)
				}
				if r.IntN(5) == 0 {
					ind.Incidents = ptr(1)
				}
				if r.IntN(3) == 0 {
					a := float64(r.IntN(1600)+200) / 100
					ind.TermAverage = &a
				}
				rows = append(rows, ind)
				all[p.ID] = append(all[p.ID], ind)
			}
		}
		must(t, db.CreateInBatches(&rows, 100).Error)
		var before []models.Pupil
		must(t, db.Order("id").Find(&before).Error)

		check := func(asOf calendar.Month) map[risk.Level]int {
			t.Helper()
			var stored []models.Pupil
			must(t, db.Order("id").Find(&stored).Error)
			levels := map[risk.Level]int{}
			for i, p := range stored {
				a := risk.DefaultRules.Assess(models.RiskIndicators(all[p.ID]), asOf)
				if p.RiskLevel != a.Level || p.RiskScore != a.Score {
					t.Fatalf("pupil %d as of %s: stored %s %d, Assess %s %d %v", p.ID, asOf, p.RiskLevel, p.RiskScore, a.Level, a.Score, a.Reasons)
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
			must(t, models.RecomputeRisk(ctx, db, risk.DefaultRules, asOf))
			t.Logf("as of %s: %d pupils in %v: %v", asOf, pupils, time.Since(start).Round(time.Millisecond), check(asOf))
		}
		levels := check("2025-08")
		for _, l := range risk.Levels {
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
		must(t, models.RecomputeRisk(ctx, db, risk.DefaultRules, "2025-08", ids...))
		var stale int64
		must(t, db.Model(&models.Pupil{}).Where("risk_score = 99").Count(&stale).Error)
		if stale != pupils-600 {
			t.Errorf("%d pupils left untouched, want %d", stale, pupils-600)
		}
		for _, p := range ps[:600] {
			a := risk.DefaultRules.Assess(models.RiskIndicators(all[p.ID]), "2025-08")
			if got := storedRisk(t, db, p.ID); got != fmt.Sprintf("%s %d", a.Level, a.Score) {
				t.Fatalf("pupil %d: stored %s, Assess %s %d", p.ID, got, a.Level, a.Score)
			}
		}
		if err := models.RecomputeRisk(ctx, db, risk.DefaultRules, "2025-13"); err == nil {
			t.Error("an invalid month: want an error")
		}
		// An unknown pupil is no error, and an empty database neither.
		must(t, models.RecomputeRisk(ctx, db, risk.DefaultRules, "2025-08", 999999))
	})
}

// TestRecomputeRiskAtScale times RecomputeRisk on the metropolitan volume (15,000 pupils, 60
// months each). It takes a while to fill, so it runs only when MEDIATION_TEST_SCALE is set.
func TestRecomputeRiskAtScale(t *testing.T) {
	t.Parallel()
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
		dbtest.Must(t, db.Model(&models.MonthlyIndicator{}).Count(&n).Error)
		t.Logf("filled %d indicators in %v", n, time.Since(start).Round(time.Millisecond))

		for _, run := range []string{"first (every pupil changes)", "again (nothing changes)", "after ANALYZE"} {
			if run == "after ANALYZE" {
				must(t, db.Exec("ANALYZE").Error)
			}
			start = time.Now()
			must(t, models.RecomputeRisk(ctx, db, risk.DefaultRules, "2026-11"))
			t.Logf("RecomputeRisk, %s: %v", run, time.Since(start).Round(time.Millisecond))
		}
		var levels []struct {
			RiskLevel risk.Level
			N         int
		}
		dbtest.Must(t, db.Model(&models.Pupil{}).Select("risk_level, COUNT(*) AS n").Group("risk_level").Scan(&levels).Error)
		t.Logf("levels: %+v", levels)
		var one models.Pupil
		must(t, db.Select("id, risk_level, risk_score").Order("id DESC").Take(&one).Error)
		var ind []models.MonthlyIndicator
		must(t, db.Where("pupil_id = ?", one.ID).Find(&ind).Error)
		if a := risk.DefaultRules.Assess(models.RiskIndicators(ind), "2026-11"); a.Level != one.RiskLevel || a.Score != one.RiskScore {
			t.Errorf("pupil %d: stored %s %d, Assess %s %d", one.ID, one.RiskLevel, one.RiskScore, a.Level, a.Score)
		}
		start = time.Now()
		must(t, models.RecomputeRisk(ctx, db, risk.DefaultRules, "2026-12", one.ID))
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
