// Package migrations holds the numbered, append-only schema migrations. Each runs in its own
// transaction and creates its tables from frozen copies of the structs, never the live models.
// A migration that has shipped is never edited: a change is a new migration.
package migrations

import (
	"context"
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// TableName is the table that records the applied migrations.
const TableName = "schema_migrations"

// all lists every migration in order. Append only.
func all() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		m0001Initial(),
		m0002PupilRisk(),
		m0003WorklistSeen(),
		m0004ImportUploads(),
		m0005SessionUser(),
		m0006LoginThrottles(),
		m0007SecondFactor(),
		m0008FormSubmissions(),
		m0009CaseloadIndexes(),
		m0010ReportSnapshots(),
		m0011WorkNeverLost(),
		m0012UserPhone(),
		m0013SearchNames(),
		m0014Activities(),
		m0015Conflicts(),
		m0016CaseReviews(),
		m0018ContactIndexes(),
		m0019AppendOnlyStamps(),
		m0020SchoolLifeStamps(),
		m0021FundingAgreements(),
		m0023UnitCostBasis(),
		m0024ImpactSnapshots(),
		m0025FamilyLetters(),
		m0026Notifications(),
		m0027ReferralSources(),
		m0028ParticipantMeetings(),
		m0029LiveReferents(),
		m0030EstablishmentStamps(),
		m0031AuditPupils(),
		m0032LiveFilesPlannedMeetings(),
		m0033TransitionPupils(),
		m0034ReferralFileAnonymised(),
	}
}

// execEach runs plain SQL statements in order, stopping at the first that fails: the body of a
// migration that needs no frozen struct.
func execEach(tx *gorm.DB, statements ...string) error {
	for _, s := range statements {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// IDs lists the migrations this binary knows, in order.
func IDs() []string {
	var ids []string
	for _, m := range all() {
		ids = append(ids, m.ID)
	}
	return ids
}

// Status tells which migrations are applied, which are pending, and which the database has
// that this binary does not know (a newer version of the program migrated it).
type Status struct {
	Applied []string
	Pending []string
	Unknown []string
}

// UpToDate tells whether the schema is exactly the one this binary expects.
func (s Status) UpToDate() bool { return len(s.Pending) == 0 && len(s.Unknown) == 0 }

// CurrentStatus reads the applied migrations.
func CurrentStatus(ctx context.Context, db *gorm.DB) (Status, error) {
	db = db.WithContext(ctx)
	var applied []string
	if db.Migrator().HasTable(TableName) {
		if err := db.Table(TableName).Order("id").Pluck("id", &applied).Error; err != nil {
			return Status{}, fmt.Errorf("migrations: read %s: %w", TableName, err)
		}
	}
	done := make(map[string]bool, len(applied))
	for _, id := range applied {
		done[id] = true
	}
	known := make(map[string]bool)
	var s Status
	for _, id := range IDs() {
		known[id] = true
		if done[id] {
			s.Applied = append(s.Applied, id)
		} else {
			s.Pending = append(s.Pending, id)
		}
	}
	for _, id := range applied {
		if !known[id] {
			s.Unknown = append(s.Unknown, id)
		}
	}
	return s, nil
}

// advisoryLockKey serialises migrations of several instances sharing one PostgreSQL.
const advisoryLockKey = 741_852_001

// Migrate applies the pending migrations, each in its own transaction, and returns their IDs.
// Running it again changes nothing.
func Migrate(ctx context.Context, db *gorm.DB) ([]string, error) {
	db = db.WithContext(ctx)
	if db.Dialector.Name() == "postgres" {
		// A session-level lock needs one connection for the lock and its release.
		conn, err := db.DB()
		if err != nil {
			return nil, err
		}
		c, err := conn.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrations: connect: %w", err)
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", advisoryLockKey); err != nil {
			return nil, fmt.Errorf("migrations: lock: %w", err)
		}
		defer c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", advisoryLockKey)
	}
	before, err := CurrentStatus(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(before.Unknown) > 0 {
		return nil, fmt.Errorf("la base a été migrée par une version plus récente du programme (migrations inconnues : %v) : mettez le programme à jour", before.Unknown)
	}
	opts := *gormigrate.DefaultOptions
	opts.TableName = TableName
	opts.UseTransaction = true
	m := gormigrate.New(db, &opts, all())
	for _, id := range before.Pending {
		// MigrateTo with UseTransaction runs this one migration and records it in one transaction.
		if err := m.MigrateTo(id); err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", id, err)
		}
	}
	return before.Pending, nil
}
