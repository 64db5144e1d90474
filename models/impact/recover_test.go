package impact_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/gendata"
	"mediation/models/impact"
)

// The test the method rests on: on data generated with a known effect of active follow-up, the
// difference of the differences finds it within its interval, in every school year where the
// groups are large enough; with no effect planted, its interval holds zero while the followed
// pupils' own before/after shows an « improvement » (regression to the mean: the files open on
// a peak of absences).
func TestMeasureRecoversThePlantedEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the small metropolis twice on each database")
	}
	t.Parallel()
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	for _, c := range []struct {
		name   string
		effect float64
	}{{"planted", 0.3}, {"none", 0}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
				ctx := context.Background()
				opt := gendata.Options{Scale: gendata.ScaleSmall, Seed: 1, Now: now, Study: &gendata.Study{Effect: c.effect}}
				if _, err := gendata.Generate(ctx, db, opt); err != nil {
					t.Fatalf("Generate: %v", err)
				}
				measured := 0
				for year := 2022; year <= 2025; year++ {
					o, err := impact.Load(ctx, db, calendar.SchoolYear{StartYear: year}, nil)
					if err != nil {
						t.Fatal(err)
					}
					e := o.Effect
					t.Logf("%d-%d: %d started, %d measured, naive %+.2f [%+.2f, %+.2f]; %d pairs on %d comparison pupils: %+.2f [%+.2f, %+.2f] half-days, %+.1f %% [%+.1f, %+.1f]",
						year, year+1, o.Started, o.Measured, o.Naive.Change.Estimate, o.Naive.Change.Low, o.Naive.Change.High,
						o.Matched, e.Controls, e.Difference.Estimate, e.Difference.Low, e.Difference.High,
						100*e.Relative.Estimate, 100*e.Relative.Low, 100*e.Relative.High)
					if !o.HasEffect {
						continue
					}
					measured++
					if !e.Relative.Contains(-c.effect) {
						t.Errorf("%d: planted %.0f %%, found %+.1f %% [%+.1f, %+.1f]", year, -100*c.effect,
							100*e.Relative.Estimate, 100*e.Relative.Low, 100*e.Relative.High)
					}
					if c.effect > 0 && e.Difference.High >= 0 {
						t.Errorf("%d: the planted effect is not detected: %+v", year, e.Difference)
					}
					if c.effect == 0 && !e.Difference.Contains(0) {
						t.Errorf("%d: no effect planted, found %+v", year, e.Difference)
					}
					// The naive before/after claims more than the effect: it adds the fall that
					// would have happened anyway.
					if o.Naive.Change.High >= 0 || o.Naive.Change.Estimate >= e.Difference.Estimate {
						t.Errorf("%d: naive %+v against the difference %+v: no regression to the mean to show", year, o.Naive.Change, e.Difference)
					}
				}
				if measured < 3 {
					t.Errorf("an effect in %d of the four years, want at least 3", measured)
				}
			})
		})
	}
}
