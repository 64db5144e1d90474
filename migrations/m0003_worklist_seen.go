package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0003WorklistSeen records when a user last looked at their worklist, so that it can show the
// referrals answered since.
func m0003WorklistSeen() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0003_worklist_seen",
		Migrate: func(tx *gorm.DB) error {
			// The type gorm gives a time on each database, as in 0001.
			kind := "datetime"
			if tx.Dialector.Name() == "postgres" {
				kind = "timestamptz"
			}
			return tx.Exec("ALTER TABLE users ADD COLUMN worklist_seen_at " + kind).Error
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Exec("ALTER TABLE users DROP COLUMN worklist_seen_at").Error
		},
	}
}
