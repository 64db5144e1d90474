package impact_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/impact"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func monthIndex(t *testing.T, s string) int {
	t.Helper()
	m, ok := calendar.MonthIndex(calendar.Month(s))
	if !ok {
		t.Fatalf("month %q", s)
	}
	return m
}

func TestLoadHistories(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		var ests []models.Establishment
		for _, uai := range []string{"0590001F", "0590002G"} {
			e := models.Establishment{UAI: uai, Name: "Collège " + uai, Type: models.TypeCollege, Sector: models.SectorPublic,
				Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
			must(t, db.Create(&e).Error)
			ests = append(ests, e)
		}
		type step struct {
			to models.PupilStatus
			at time.Time
		}
		at := func(y int, m time.Month, d, h int) time.Time {
			return time.Date(y, m, d, h, 0, 0, 0, calendar.Paris).UTC()
		}
		pupil := func(e models.Establishment, name string, absences map[string]*int, steps ...step) uint {
			p := models.Pupil{EstablishmentID: e.ID, LastName: name, FirstName: "Camille", BirthDate: time.Date(2011, 5, 4, 0, 0, 0, 0, time.UTC),
				ClassLevel: models.Level4e, ClassName: "4e B", Status: steps[len(steps)-1].to, IdentifiedOn: calendar.Date(steps[0].at), Version: 1}
			must(t, db.Create(&p).Error)
			var from *models.PupilStatus
			for _, s := range steps {
				must(t, db.Create(&models.PupilStatusChange{PupilID: p.ID, FromStatus: from, ToStatus: s.to, ChangedAt: s.at}).Error)
				to := s.to
				from = &to
			}
			for m, n := range absences {
				just := 1
				must(t, db.Create(&models.MonthlyIndicator{PupilID: p.ID, Month: calendar.Month(m), UnjustifiedHalfDays: n,
					JustifiedHalfDays: &just, Source: models.SourceImport}).Error)
			}
			return p.ID
		}
		n := func(v int) *int { return &v }
		id, act, mon := models.StatusIdentified, models.StatusActive, models.StatusMonitoring
		// Followed from November; its second active follow-up is not a new start. Its figures
		// of January 2024 and March 2025 are beyond the windows of 2025-2026 (April 2025 is
		// the first month they reach), and February's were not entered.
		a := pupil(ests[0], "Followed", map[string]*int{"2024-01": n(9), "2025-03": n(1), "2025-04": n(3), "2025-09": n(5), "2025-10": n(7), "2025-12": n(2), "2026-02": nil},
			step{id, at(2025, time.October, 20, 10)}, step{act, at(2025, time.November, 3, 9)},
			step{mon, at(2026, time.February, 2, 9)}, step{act, at(2026, time.May, 4, 9)})
		// Never followed, in the other establishment.
		b := pupil(ests[1], "Waiting", map[string]*int{"2025-10": n(4), "2026-01": n(0)}, step{id, at(2025, time.November, 10, 14)})
		// Opened a few minutes after midnight in Paris on 1 September: still August in UTC.
		c := pupil(ests[0], "Early", nil, step{id, at(2025, time.September, 1, 0).Add(30 * time.Minute)},
			step{act, at(2025, time.September, 1, 0).Add(40 * time.Minute)})

		y := calendar.SchoolYear{StartYear: 2025}
		hs, err := impact.LoadHistories(ctx, db, y, nil)
		must(t, err)
		want := map[uint]impact.History{
			a: {ID: a, Establishment: ests[0].ID, Opened: monthIndex(t, "2025-10"), Started: monthIndex(t, "2025-11"),
				Absences: map[int]int{monthIndex(t, "2025-04"): 3, monthIndex(t, "2025-09"): 5, monthIndex(t, "2025-10"): 7, monthIndex(t, "2025-12"): 2}},
			b: {ID: b, Establishment: ests[1].ID, Opened: monthIndex(t, "2025-11"), Started: -1,
				Absences: map[int]int{monthIndex(t, "2025-10"): 4, monthIndex(t, "2026-01"): 0}},
			c: {ID: c, Establishment: ests[0].ID, Opened: monthIndex(t, "2025-09"), Started: monthIndex(t, "2025-09"), Absences: map[int]int{}},
		}
		if len(hs) != len(want) {
			t.Fatalf("%d histories, want %d: %+v", len(hs), len(want), hs)
		}
		for _, h := range hs {
			w := want[h.ID]
			if h.Establishment != w.Establishment || h.Opened != w.Opened || h.Started != w.Started || !maps.Equal(h.Absences, w.Absences) {
				t.Errorf("history %d: %+v, want %+v", h.ID, h, w)
			}
		}

		hs, err = impact.LoadHistories(ctx, db, y, []uint{ests[1].ID})
		must(t, err)
		if len(hs) != 1 || hs[0].ID != b {
			t.Errorf("the second establishment's histories: %+v", hs)
		}
		hs, err = impact.LoadHistories(ctx, db, y, []uint{})
		must(t, err)
		if len(hs) != 0 {
			t.Errorf("no establishment, yet %+v", hs)
		}

		o, err := impact.Load(ctx, db, y, nil)
		must(t, err)
		// Two follow-ups started in 2025-2026; neither has two months on both sides.
		if o.Started != 2 || o.Measured != 0 || o.HasEffect {
			t.Errorf("outcome %+v", o)
		}
		o, err = impact.Load(ctx, db, y.Previous(), nil)
		must(t, err)
		if o.Started != 0 {
			t.Errorf("2024-2025: %d started", o.Started)
		}
	})
}
