package reports_test

import (
	"context"
	"os"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/reports"
)

// BenchmarkImpactMetro measures the annual review of the metropolis (the year reviewed and its
// previous ones) and its protection on the generated database that MEDIATION_BENCH_DATABASE_URL
// names (mediation generate --scale metro --effect 0.3, migrated), as of 25 November 2026.
func BenchmarkImpactMetro(b *testing.B) {
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
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	y := calendar.SchoolYear{StartYear: 2025}
	var f reports.ImpactFigures
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if f, err = reports.LoadImpact(ctx, db, y, 0, now); err != nil {
				b.Fatal(err)
			}
		}
		iy := f.Current()
		b.Logf("%s and %d previous years: %d pupils followed, %d follow-ups, %d measured (effect %v)", y, len(f.Years)-1,
			iy.Reach.PupilsFollowed, iy.Activity.FollowUps(), iy.Outcome.Measured, iy.Outcome.HasEffect)
	})
	b.Run("protect", func(b *testing.B) {
		for b.Loop() {
			reports.ProtectImpact(f, 5)
		}
	})
}
