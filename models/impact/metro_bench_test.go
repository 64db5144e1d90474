package impact_test

import (
	"context"
	"os"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/impact"
)

// BenchmarkLoadMetro measures the outcome of the last complete school year on the generated
// database that MEDIATION_BENCH_DATABASE_URL names (mediation generate --scale metro --effect
// 0.3), for the whole metropolis and for a funder's twenty establishments, and logs the
// figures; measure-only times the computation on the metropolis's histories read once.
func BenchmarkLoadMetro(b *testing.B) {
	raw := os.Getenv("MEDIATION_BENCH_DATABASE_URL")
	if raw == "" {
		b.Skip("MEDIATION_BENCH_DATABASE_URL is not set: fill a database with mediation generate --scale metro --effect 0.3 first")
	}
	ctx := context.Background()
	u, err := models.ParseDatabaseURL(raw)
	if err != nil {
		b.Fatal(err)
	}
	db, err := models.Open(ctx, u, models.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { models.Close(db) })
	var ids []uint
	if err := db.Model(&models.Establishment{}).Order("id").Limit(20).Pluck("id", &ids).Error; err != nil {
		b.Fatal(err)
	}
	y := calendar.SchoolYear{StartYear: 2025}
	// The computation alone, on histories read once.
	b.Run("measure-only", func(b *testing.B) {
		hs, err := impact.LoadHistories(ctx, db, y, nil)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			impact.Measure(y, hs)
		}
	})
	for _, scope := range []struct {
		name string
		ids  []uint
	}{{"metropolis", nil}, {"twenty-establishments", ids}} {
		b.Run(scope.name, func(b *testing.B) {
			var o impact.Outcome
			for b.Loop() {
				if o, err = impact.Load(ctx, db, y, scope.ids); err != nil {
					b.Fatal(err)
				}
			}
			e := o.Effect
			b.Logf("%s: %d started, %d measured, naive %+.2f; %d pairs on %d comparison pupils (effect: %v): %+.2f [%+.2f, %+.2f] half-days, %+.1f %% [%+.1f, %+.1f]",
				y, o.Started, o.Measured, o.Naive.Change.Estimate, o.Matched, e.Controls, o.HasEffect, e.Difference.Estimate,
				e.Difference.Low, e.Difference.High, 100*e.Relative.Estimate, 100*e.Relative.Low, 100*e.Relative.High)
		})
	}
}
