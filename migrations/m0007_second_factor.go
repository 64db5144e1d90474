package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0007SecondFactor adds the time-based second factor of an account and its single-use
// recovery codes. The confirmed secret lives in its own table, not on users, so that an account
// without a second factor has no row and a reset is one delete.
func m0007SecondFactor() *gormigrate.Migration {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type secondFactor struct {
		UserID uint  `gorm:"primaryKey;autoIncrement:false"`
		User   *user `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		// Secret is the base32 TOTP secret (RFC 6238), confirmed by a code before it was stored.
		Secret string `gorm:"size:64;not null"`
		// LastStep is the time step of the last code accepted: a code is accepted once.
		LastStep  int64     `gorm:"not null;default:0"`
		EnabledAt time.Time `gorm:"not null"`
	}
	type recoveryCode struct {
		ID     uint  `gorm:"primaryKey"`
		UserID uint  `gorm:"not null;index"`
		User   *user `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		// CodeHash is the SHA-256 of the normalised code, in hex: the code itself is shown once
		// and never stored.
		CodeHash  string `gorm:"size:64;not null;uniqueIndex"`
		UsedAt    *time.Time
		CreatedAt time.Time `gorm:"not null"`
	}
	return &gormigrate.Migration{
		ID: "0007_second_factor",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&secondFactor{}, &recoveryCode{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&recoveryCode{}, &secondFactor{})
		},
	}
}
