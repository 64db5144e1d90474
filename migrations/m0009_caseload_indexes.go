package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0009CaseloadIndexes gives the casework pages, the inbox and the access history indexes
// that let their cost follow what their user sees rather than the size of the tables:
//
//   - the held meetings whose recap is still to write, by pupil (the worklist and the meetings
//     page look for them among the scope's files; without it, they read every meeting);
//   - an organisation's referrals in the order of their sending (the inbox reads its first page
//     in that order instead of sorting the organisation's whole history), with their status and
//     pupil, so that counting them reads the index alone;
//   - the anonymised files (the lists leave them out by looking them up here, a small index,
//     instead of joining every file);
//   - a record's audit events by time (a file's access history reads its latest lines instead
//     of all of them);
//   - a file's status changes by time, with the status, so that the status of the selected files
//     at a date (the dashboard's first figure) is read from the index alone, file by file;
//   - the status changes to a status by time (the exits of a year, not of every year).
//
// The last three replace the indexes they start with.
//
// Plain SQL that SQLite and PostgreSQL both accept (partial indexes included); being frozen,
// the statements never change.
func m0009CaseloadIndexes() *gormigrate.Migration {
	exec := func(tx *gorm.DB, statements ...string) error {
		for _, s := range statements {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return nil
	}
	return &gormigrate.Migration{
		ID: "0009_caseload_indexes",
		Migrate: func(tx *gorm.DB) error {
			if tx.Dialector.Name() == "postgres" {
				// Most held meetings have a recap and most meetings without one are not held:
				// statistics on both columns together let the planner see how few rows the
				// partial index holds, instead of multiplying the two shares.
				if err := tx.Exec(`CREATE STATISTICS stx_meetings_status_recap (mcv) ON status, recap FROM meetings`).Error; err != nil {
					return err
				}
			}
			return exec(tx,
				`CREATE INDEX idx_meetings_without_recap ON meetings (pupil_id, scheduled_at) WHERE status = 'held' AND recap = ''`,
				`CREATE INDEX idx_referrals_partner_sent ON referrals (partner_organisation_id, sent_at, id, status, pupil_id)`,
				`CREATE INDEX idx_pupils_anonymised ON pupils (id) WHERE anonymised_at IS NOT NULL`,
				`CREATE INDEX idx_audit_events_record_at ON audit_events (record_type, record_id, at, id)`,
				`DROP INDEX idx_audit_events_record`,
				`CREATE INDEX idx_pupil_status_changes_pupil_at ON pupil_status_changes (pupil_id, changed_at, id, to_status)`,
				`DROP INDEX idx_pupil_status_changes_pupil`,
				`CREATE INDEX idx_pupil_status_changes_status_at ON pupil_status_changes (to_status, changed_at)`,
				`DROP INDEX idx_pupil_status_changes_to_status`,
			)
		},
		Rollback: func(tx *gorm.DB) error {
			if tx.Dialector.Name() == "postgres" {
				if err := tx.Exec(`DROP STATISTICS stx_meetings_status_recap`).Error; err != nil {
					return err
				}
			}
			return exec(tx,
				`CREATE INDEX idx_pupil_status_changes_to_status ON pupil_status_changes (to_status)`,
				`DROP INDEX idx_pupil_status_changes_status_at`,
				`CREATE INDEX idx_pupil_status_changes_pupil ON pupil_status_changes (pupil_id, changed_at)`,
				`DROP INDEX idx_pupil_status_changes_pupil_at`,
				`CREATE INDEX idx_audit_events_record ON audit_events (record_type, record_id)`,
				`DROP INDEX idx_audit_events_record_at`,
				`DROP INDEX idx_pupils_anonymised`,
				`DROP INDEX idx_referrals_partner_sent`,
				`DROP INDEX idx_meetings_without_recap`,
			)
		},
	}
}
