package migrations_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/dbtest"
)

// TestM0019KeepsTheStampsBothWays: the rows appended for a year are added up into its row when
// the migration is rolled back, and the stamps survive migrating again.
func TestM0019KeepsTheStampsBothWays(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db := dbtest.Open(t, u)
		ctx := context.Background()
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		ids := migrations.IDs()
		before := slices.Index(ids, "0019_append_only_stamps") - 1
		if before < 0 {
			t.Fatalf("0019 is not among the migrations %v", ids)
		}
		// Appended rows: two for one year (no longer unique).
		if err := db.Exec(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
			VALUES (2025, 1, 0), (2025, 2, 0), (0, 0, 3)`).Error; err != nil {
			t.Fatal(err)
		}
		type row struct{ YearStart, OwnChanges, LaterChanges int64 }
		read := func() []row {
			var rows []row
			if err := db.Raw(`SELECT year_start, SUM(own_changes) AS own_changes, SUM(later_changes) AS later_changes
				FROM report_change_stamps GROUP BY year_start ORDER BY year_start`).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			return rows
		}
		want := []row{{0, 0, 3}, {2025, 3, 0}}
		if got := read(); !reflect.DeepEqual(got, want) {
			t.Fatalf("stamps %v, want %v", got, want)
		}
		if err := migrations.RollbackTo(db, ids[before]); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.Table("report_change_stamps").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if got := read(); n != 2 || !reflect.DeepEqual(got, want) {
			t.Fatalf("after the rollback: %d rows, stamps %v; want one row per year, %v", n, got, want)
		}
		// The upserts of 0010 are back: a second row for a year is refused.
		if err := db.Exec(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes) VALUES (2025, 1, 0)`).Error; err == nil {
			t.Fatal("two rows for one year after the rollback")
		}
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		if got := read(); !reflect.DeepEqual(got, want) {
			t.Fatalf("migrated again: stamps %v, want %v", got, want)
		}
		if err := db.Exec(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes) VALUES (2025, 1, 0)`).Error; err != nil {
			t.Fatalf("migrated again, a row appended for a year: %v", err)
		}
	})
}
