package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0025FamilyLetters adds the letters given to families (issue 16):
//   - letter_templates: the texts the coordination wrote for a document (invitation, consent,
//     summary) in a language, one row per version, never changed except for its validation
//     stamp: the latest row of a (document, lang) is in force, the earlier ones are its history
//     (who wrote it, when). Without a row the text shipped with the application is in force,
//     not validated. validated_at and validated_by_id say who validated the version, and when.
//   - family_letters: each letter printed, for the pupil's file (which document, which language,
//     about which meeting or referral, who printed it and when). The purge deletes them with the
//     guardians: the language is the family's.
func m0025FamilyLetters() *gormigrate.Migration {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type pupil struct {
		ID uint `gorm:"primaryKey"`
	}
	type letterTemplate struct {
		ID            uint      `gorm:"primaryKey"`
		Document      string    `gorm:"size:20;not null;index:idx_letter_templates_doc_lang,priority:1;check:chk_letter_templates_document,document IN ('invitation', 'consent', 'summary')"`
		Lang          string    `gorm:"size:8;not null;index:idx_letter_templates_doc_lang,priority:2"`
		Body          string    `gorm:"size:8000;not null;check:chk_letter_templates_body,body <> ''"`
		AuthorID      *uint     `gorm:"index"`
		Author        *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		AuthorName    string    `gorm:"size:200;not null;default:''"`
		CreatedAt     time.Time `gorm:"not null"`
		ValidatedAt   *time.Time
		ValidatedByID *uint  `gorm:"index"`
		ValidatedBy   *user  `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		ValidatedName string `gorm:"size:200;not null;default:''"`
	}
	type familyLetter struct {
		ID       uint   `gorm:"primaryKey"`
		PupilID  uint   `gorm:"not null;index:idx_family_letters_pupil_at,priority:1"`
		Pupil    *pupil `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Document string `gorm:"size:20;not null;check:chk_family_letters_document,document IN ('invitation', 'consent', 'summary')"`
		Lang     string `gorm:"size:8;not null"`
		// Printed is the language the letter was printed in besides French: empty when the
		// translation was not validated and the letter came out in French alone.
		Printed   string    `gorm:"size:8;not null;default:''"`
		RecordID  uint      `gorm:"not null"`
		UserID    *uint     `gorm:"index"`
		User      *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		CreatedAt time.Time `gorm:"not null;index:idx_family_letters_pupil_at,priority:2"`
	}
	return &gormigrate.Migration{
		ID: "0025_family_letters",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&letterTemplate{}, &familyLetter{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&familyLetter{}, &letterTemplate{})
		},
	}
}
