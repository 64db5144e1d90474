package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0012UserPhone adds a work phone to accounts, so that a partner who receives a referral can
// call the mediator back. Empty means none given. Plain SQL that SQLite (3.35 or later, for DROP
// COLUMN) and PostgreSQL both accept; being frozen, it never changes.
func m0012UserPhone() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0012_user_phone",
		Migrate: func(tx *gorm.DB) error {
			return tx.Exec(`ALTER TABLE users ADD COLUMN phone VARCHAR(30) NOT NULL DEFAULT ''`).Error
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Exec(`ALTER TABLE users DROP COLUMN phone`).Error
		},
	}
}
