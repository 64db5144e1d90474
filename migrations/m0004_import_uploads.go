package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0004ImportUploads keeps an uploaded import file between its preview and its application,
// in the database so that any instance can apply it.
func m0004ImportUploads() *gormigrate.Migration {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type importUpload struct {
		Token     string    `gorm:"primaryKey;size:32"`
		Kind      string    `gorm:"size:20;not null;check:chk_import_uploads_kind,kind IN ('establishments','pupils','indicators')"`
		Filename  string    `gorm:"size:255;not null;default:''"`
		Options   string    `gorm:"size:500;not null;default:''"`
		Data      []byte    `gorm:"not null"`
		UserID    uint      `gorm:"not null;index"`
		User      *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		CreatedAt time.Time `gorm:"not null;index"`
	}
	return &gormigrate.Migration{
		ID: "0004_import_uploads",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&importUpload{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&importUpload{})
		},
	}
}
