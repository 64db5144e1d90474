package migrations

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0020SchoolLifeStamps makes the metropolitan snapshot (migration 0010) follow the school-life
// figures the reports now carry: the same change-stamp triggers as the other tables' (appending
// rows, as migration 0019 made them), on the collective actions and their kinds, the conflicts
// and the prevention group's sessions and pupils. A
// session's pupils carry no date of their own: adding or removing one raises the stamp of every
// year (as an establishment's change does), which is rare enough (a few a day at metro scale).
func m0020SchoolLifeStamps() *gormigrate.Migration {
	sources := []stampSource{
		{"activities", "held_on", false, false, []string{"establishment_id", "held_on", "kind_id", "pupils", "parents", "staff", "duration_minutes"}},
		// A kind's labels and presence flag are printed in every year's figures.
		{"activity_kinds", "", false, true, []string{"code", "label_fr", "label_en", "presence", "position"}},
		{"conflicts", "occurred_on", false, false, []string{"establishment_id", "occurred_on", "kind", "outcome"}},
		{"case_reviews", "held_on", false, false, []string{"establishment_id", "held_on"}},
		{"case_review_pupils", "", false, true, []string{"case_review_id", "pupil_id"}},
	}
	return &gormigrate.Migration{
		ID: "0020_school_life_stamps",
		Migrate: func(tx *gorm.DB) error {
			stmts := m0019SQLiteTriggersOf(sources)
			if tx.Dialector.Name() == "postgres" {
				// 0010's triggers, whose functions are then given 0019's appending bodies.
				stmts = append(postgresStampTriggersOf(sources), m0019PostgresFunctionsOf(sources)...)
			}
			for _, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return fmt.Errorf("%w: %s", err, s)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, s := range sources {
				for _, op := range []string{"insert", "update", "delete"} {
					stmt := fmt.Sprintf("DROP TRIGGER IF EXISTS report_stamp_%s_%s", s.table, op)
					if tx.Dialector.Name() == "postgres" {
						stmt += " ON " + s.table
					}
					if err := tx.Exec(stmt).Error; err != nil {
						return err
					}
				}
				if tx.Dialector.Name() == "postgres" {
					if err := tx.Exec(fmt.Sprintf("DROP FUNCTION IF EXISTS report_stamp_%s()", s.table)).Error; err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}
