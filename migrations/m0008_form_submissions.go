package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0008FormSubmissions remembers the idempotency token of each creation form submitted, per
// account, so that a form sent twice (a double click, a reload, ten parallel posts) creates
// once: the primary key on (user, token) decides between concurrent submits.
func m0008FormSubmissions() *gormigrate.Migration {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type formSubmission struct {
		UserID    uint      `gorm:"primaryKey;autoIncrement:false"`
		User      *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Token     string    `gorm:"primaryKey;size:64"`
		Location  string    `gorm:"size:300;not null;default:''"`
		CreatedAt time.Time `gorm:"not null;index"`
	}
	return &gormigrate.Migration{
		ID: "0008_form_submissions",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&formSubmission{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&formSubmission{})
		},
	}
}
