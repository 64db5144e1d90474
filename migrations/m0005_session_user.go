package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0005SessionUser records on each session the account it belongs to, so that changing a
// password or resetting it ends the account's other sessions with one statement.
//
// The sessions open at the time have no user id to fill in (it is inside their encoded data),
// and a session the column misses would survive a password change: they are ended, and
// everyone signs in once more after the upgrade.
func m0005SessionUser() *gormigrate.Migration {
	type session struct {
		Token  string `gorm:"primaryKey"`
		UserID *uint  `gorm:"index"`
	}
	return &gormigrate.Migration{
		ID: "0005_session_user",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Exec("DELETE FROM sessions").Error; err != nil {
				return err
			}
			if err := tx.Migrator().AddColumn(&session{}, "UserID"); err != nil {
				return err
			}
			return tx.Migrator().CreateIndex(&session{}, "UserID")
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Migrator().DropIndex(&session{}, "UserID"); err != nil {
				return err
			}
			return tx.Migrator().DropColumn(&session{}, "UserID")
		},
	}
}
