package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0031AuditPupils names the file of every audit event about a file or one of its follow-ups,
// meetings and referrals (audit_events.pupil_id, written from now on by models.RecordFileAudit),
// and indexes the events of each file newest first. A file's access history, read on every
// view of the file, is then one range of that index. It was found through the file's current
// records, one index descent per record (715 buffers per call under the load test, 5,644 for
// the file of 1,328 follow-ups once the log held a year of events), and lost the events of a
// follow-up once it was deleted.
//
// The existing events are given their file: the file's own by its id, those of a record by the
// record's file; those of a record deleted since (a follow-up: the only record a user deletes)
// by the file their detail names (« pupil 42 … », which every such event of the code has
// written). Events of anonymised files get theirs too, as a new event would: the purge keeps the
// audit log as it is (the ids it holds name nobody), and an anonymised file's history is never
// shown. The index holds the files' events only (logins and the like are left out).
func m0031AuditPupils() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0031_audit_pupils",
		Migrate: func(tx *gorm.DB) error {
			var stmts []string
			if tx.Dialector.Name() == "postgres" {
				// Every event of a file is written again: minutes for a log of millions of events,
				// past the 30 s that bound the application's statements.
				stmts = append(stmts, `SET LOCAL statement_timeout = 0`)
			}
			stmts = append(stmts, `ALTER TABLE audit_events ADD COLUMN pupil_id BIGINT`,
				`UPDATE audit_events SET pupil_id = pupils.id FROM pupils
				WHERE audit_events.record_type = 'pupil' AND audit_events.record_id = CAST(pupils.id AS VARCHAR(40))`)
			for _, r := range [][2]string{{"follow_up", "follow_ups"}, {"meeting", "meetings"}, {"referral", "referrals"}} {
				stmts = append(stmts, `UPDATE audit_events SET pupil_id = `+r[1]+`.pupil_id FROM `+r[1]+`
				WHERE audit_events.record_type = '`+r[0]+`' AND audit_events.record_id = CAST(`+r[1]+`.id AS VARCHAR(40))`)
			}
			// The number after « pupil » at the start of the detail: SQLite's CAST reads a number's
			// leading digits and gives 0 when there are none (no file has id 0).
			named := `CAST(substr(audit_events.detail, 7) AS INTEGER)`
			if tx.Dialector.Name() == "postgres" {
				named = `CAST(substring(audit_events.detail from '^pupil ([0-9]{1,18})') AS BIGINT)`
			}
			stmts = append(stmts, `UPDATE audit_events SET pupil_id = pupils.id FROM pupils
				WHERE audit_events.record_type IN ('follow_up', 'meeting', 'referral') AND audit_events.pupil_id IS NULL
				AND audit_events.detail LIKE 'pupil %' AND pupils.id = `+named,
				`CREATE INDEX idx_audit_events_pupil_at ON audit_events (pupil_id, at DESC, id DESC) WHERE pupil_id IS NOT NULL`)
			if tx.Dialector.Name() == "postgres" {
				// Autovacuum would learn of the new column late; the history's plan needs it now.
				stmts = append(stmts, `ANALYZE audit_events`)
			}
			return execEach(tx, stmts...)
		},
		Rollback: func(tx *gorm.DB) error {
			return execEach(tx, `DROP INDEX idx_audit_events_pupil_at`, `ALTER TABLE audit_events DROP COLUMN pupil_id`)
		},
	}
}
