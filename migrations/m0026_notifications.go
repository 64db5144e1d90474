package migrations

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// riverSchemaVersion is the version of River's own schema (river_job, river_leader, …) that
// m0026 creates: the one River v0.51.2 ships. A later River that needs more is a new migration
// of ours that migrates River's schema further, never a change to this one.
const riverSchemaVersion = 8

// migrateRiver brings River's tables to version target (up) or removes them (down, target -1).
// On SQLite it runs inside the migration's transaction, which holds the only write lock. On
// PostgreSQL it cannot: one of River's steps adds a value to an enum and uses it, which
// PostgreSQL refuses within one transaction. River then applies its steps on the pool, each in
// its own transaction and recorded in its river_migration table, while our migration holds the
// advisory lock (so one instance migrates); if our transaction then fails, the next run finds
// River's steps done and applies none again.
func migrateRiver(tx *gorm.DB, direction rivermigrate.Direction, target int) error {
	ctx := tx.Statement.Context
	opts := &rivermigrate.MigrateOpts{TargetVersion: target}
	if tx.Dialector.Name() == "postgres" {
		pool, ok := tx.Config.ConnPool.(*sql.DB)
		if !ok {
			return fmt.Errorf("river schema: no pool (%T)", tx.Config.ConnPool)
		}
		m, err := rivermigrate.New(riverdatabasesql.New(pool), nil)
		if err != nil {
			return fmt.Errorf("river schema: %w", err)
		}
		if _, err := m.Migrate(ctx, direction, opts); err != nil {
			return fmt.Errorf("river schema: %w", err)
		}
		return nil
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fmt.Errorf("river schema: not in a transaction (%T)", tx.Statement.ConnPool)
	}
	m, err := rivermigrate.New(riversqlite.New(nil), nil)
	if err != nil {
		return fmt.Errorf("river schema: %w", err)
	}
	// MigrateTx is deprecated because some of River's PostgreSQL steps cannot share one
	// transaction; on SQLite they all can, and running them in ours keeps the migration whole.
	//lint:ignore SA1019 SQLite runs River's steps in our migration's transaction, which it allows
	if _, err := m.MigrateTx(ctx, sqlTx, direction, opts); err != nil {
		return fmt.Errorf("river schema: %w", err)
	}
	return nil
}

// m0026Notifications adds the notifications: one row per recipient and event, written in the
// transaction of the change that causes it. A row holds what happened (kind), where to look
// (link, behind the login) and the few words the text needs (params: an organisation's or an
// establishment's name, a date; never a pupil's or a guardian's name, never a note). The bell
// counts a user's unread rows with a partial index, one indexed query; the page lists them
// newest first.
//
// It also creates the tables of the job engine, River (river_job, river_leader, river_queue…),
// at riverSchemaVersion: deliveries, the daily purge and the hourly risk recomputation are its
// jobs, shared by every instance on one database.
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
		// MailPending marks a notification to send at once by e-mail (its recipient chose
		// "immediately"); the dispatcher turns it into a mail_messages row and clears it.
		MailPending bool `gorm:"not null;default:false"`
	}
	// mailMessage is one e-mail to send: what it says (no name: built from the notifications'
	// texts or the digest's counts), its state (waiting, sent, failed) and the server's last
	// answer. Queued tells that a delivery job was made for it; DigestOn makes one digest per
	// user and day.
	type mailMessage struct {
		ID        uint       `gorm:"primaryKey"`
		UserID    *uint      `gorm:"index"`
		User      *user      `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		ToAddress string     `gorm:"size:254;not null"`
		Locale    string     `gorm:"size:10;not null;default:'fr'"`
		Subject   string     `gorm:"size:300;not null"`
		Body      string     `gorm:"size:20000;not null"`
		Kind      string     `gorm:"size:20;not null"`
		DigestOn  *time.Time `gorm:"type:date"`
		Status    string     `gorm:"size:20;not null;index:idx_mail_messages_status_created,priority:1"`
		Queued    bool       `gorm:"not null;default:false"`
		Attempts  int        `gorm:"not null;default:0"`
		LastError string     `gorm:"size:1000;not null;default:''"`
		CreatedAt time.Time  `gorm:"not null;index:idx_mail_messages_status_created,priority:2"`
		UpdatedAt time.Time  `gorm:"not null"`
		SentAt    *time.Time
	}
	return &gormigrate.Migration{
		ID: "0026_notifications",
		Migrate: func(tx *gorm.DB) error {
			if err := migrateRiver(tx, rivermigrate.DirectionUp, riverSchemaVersion); err != nil {
				return err
			}
			if err := tx.Migrator().CreateTable(&notification{}); err != nil {
				return err
			}
			// The account's choice for e-mail: immediate, digest or never; '' is the role's
			// default (partners immediately, others the digest).
			if err := tx.Exec(`ALTER TABLE users ADD COLUMN mail_preference VARCHAR(20) NOT NULL DEFAULT ''`).Error; err != nil {
				return err
			}
			if err := tx.Migrator().CreateTable(&mailMessage{}); err != nil {
				return err
			}
			return execEach(tx, `CREATE INDEX idx_notifications_unread ON notifications (user_id) WHERE read_at IS NULL`,
				`CREATE INDEX idx_notifications_mail_pending ON notifications (id) WHERE mail_pending`,
				`CREATE INDEX idx_mail_messages_unqueued ON mail_messages (id) WHERE NOT queued`,
				`CREATE UNIQUE INDEX idx_mail_messages_digest ON mail_messages (user_id, digest_on)`)
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Migrator().DropTable("mail_messages", "notifications"); err != nil {
				return err
			}
			if err := tx.Exec(`ALTER TABLE users DROP COLUMN mail_preference`).Error; err != nil {
				return err
			}
			return migrateRiver(tx, rivermigrate.DirectionDown, -1)
		},
	}
}
