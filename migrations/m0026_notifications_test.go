package migrations_test

import (
	"context"
	"testing"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/dbtest"
)

// TestM0026BothWays: the notifications, the e-mails and River's tables come with m0026 and go
// with its rollback, on both databases, and come back when migrating again.
func TestM0026BothWays(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db := dbtest.Open(t, u)
		ctx := context.Background()
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		tables := []string{"notifications", "mail_messages", "river_job", "river_leader", "river_queue"}
		check := func(when string, want bool) {
			t.Helper()
			for _, table := range tables {
				if got := db.Migrator().HasTable(table); got != want {
					t.Errorf("%s: table %s present %v, want %v", when, table, got, want)
				}
			}
			if got := db.Migrator().HasColumn(&models.User{}, "mail_preference"); got != want {
				t.Errorf("%s: users.mail_preference present %v, want %v", when, got, want)
			}
		}
		check("migrated", true)
		if err := migrations.RollbackTo(db, "0023_unit_cost_basis"); err != nil {
			t.Fatal(err)
		}
		check("rolled back", false)
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		check("migrated again", true)
	})
}
