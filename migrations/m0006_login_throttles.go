package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0006LoginThrottles replaces the log of login attempts by one counter per throttling key,
// which an upsert increments atomically before any password is checked. The old table is
// dropped: it held what was typed in the email field, sometimes a password.
func m0006LoginThrottles() *gormigrate.Migration {
	type loginThrottle struct {
		Bucket      string    `gorm:"primaryKey;size:100"`
		Attempts    int       `gorm:"not null"`
		WindowStart time.Time `gorm:"not null;index"`
	}
	// loginAttempt is the table of 0001, to put back on rollback.
	type loginAttempt struct {
		ID       uint      `gorm:"primaryKey"`
		Email    string    `gorm:"size:254;not null;index:idx_login_attempts_email_at,priority:1"`
		RemoteIP string    `gorm:"size:45;not null;index:idx_login_attempts_ip_at,priority:1"`
		At       time.Time `gorm:"not null;index:idx_login_attempts_email_at,priority:2;index:idx_login_attempts_ip_at,priority:2"`
		Success  bool      `gorm:"not null"`
	}
	return &gormigrate.Migration{
		ID: "0006_login_throttles",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&loginThrottle{}); err != nil {
				return err
			}
			return tx.Migrator().DropTable(&loginAttempt{})
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&loginAttempt{}); err != nil {
				return err
			}
			return tx.Migrator().DropTable(&loginThrottle{})
		},
	}
}
