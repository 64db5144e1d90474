package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0018ContactIndexes serves the last contact of a file (models.LastContactSQL), which the pupil
// list and the worklist compute for every file of the caseload: each of its three parts reads
// an index alone. The meetings held by pupil and time (the latest is the first read backwards);
// the partners' answers by referral and time (the statuses a partner's steps lead to, frozen
// here); the referrals by pupil with their id, which replaces the index on the pupil alone.
// Plain SQL that SQLite and PostgreSQL both accept; being frozen, it never changes.
func m0018ContactIndexes() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0018_contact_indexes",
		Migrate: func(tx *gorm.DB) error {
			return execEach(tx,
				`CREATE INDEX idx_meetings_held_pupil ON meetings (pupil_id, scheduled_at) WHERE status = 'held'`,
				`CREATE INDEX idx_referral_transitions_answers ON referral_transitions (referral_id, at) `+
					`WHERE to_status IN ('acknowledged', 'accepted', 'declined', 'closed')`,
				`CREATE INDEX idx_referrals_pupil_cover ON referrals (pupil_id, id)`,
				`DROP INDEX idx_referrals_pupil_id`,
			)
		},
		Rollback: func(tx *gorm.DB) error {
			return execEach(tx,
				`CREATE INDEX idx_referrals_pupil_id ON referrals (pupil_id)`,
				`DROP INDEX idx_referrals_pupil_cover`,
				`DROP INDEX idx_referral_transitions_answers`,
				`DROP INDEX idx_meetings_held_pupil`,
			)
		},
	}
}
