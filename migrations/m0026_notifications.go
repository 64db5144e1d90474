package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0026Notifications adds the notifications: one row per recipient and event, written in the
// transaction of the change that causes it. A row holds what happened (kind), where to look
// (link, behind the login) and the few words the text needs (params: an organisation's or an
// establishment's name, a date; never a pupil's or a guardian's name, never a note). The bell
// counts a user's unread rows with a partial index, one indexed query; the page lists them
// newest first.
func m0026Notifications() *gormigrate.Migration {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type notification struct {
		ID        uint      `gorm:"primaryKey"`
		UserID    uint      `gorm:"not null;index:idx_notifications_user_created,priority:1"`
		User      *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Kind      string    `gorm:"size:40;not null"`
		Link      string    `gorm:"size:200;not null;default:''"`
		Params    string    `gorm:"size:2000;not null;default:'{}'"`
		CreatedAt time.Time `gorm:"not null;index:idx_notifications_user_created,priority:2"`
		ReadAt    *time.Time
	}
	return &gormigrate.Migration{
		ID: "0026_notifications",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&notification{}); err != nil {
				return err
			}
			return execEach(tx, `CREATE INDEX idx_notifications_unread ON notifications (user_id) WHERE read_at IS NULL`)
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable("notifications")
		},
	}
}
