package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0028ParticipantMeetings serves the worklist's meetings that concern a user as a participant:
// the user's meetings are read once from the index alone (user, meeting), instead of the table
// row of each participation or a probe per meeting. It replaces the index on the user alone.
// Plain SQL that SQLite and PostgreSQL both accept; being frozen, it never changes.
func m0028ParticipantMeetings() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0028_participant_meetings",
		Migrate: func(tx *gorm.DB) error {
			return execEach(tx,
				`CREATE INDEX idx_meeting_participants_user_meeting ON meeting_participants (user_id, meeting_id)`,
				`DROP INDEX idx_meeting_participants_user_id`,
			)
		},
		Rollback: func(tx *gorm.DB) error {
			return execEach(tx,
				`CREATE INDEX idx_meeting_participants_user_id ON meeting_participants (user_id)`,
				`DROP INDEX idx_meeting_participants_user_meeting`,
			)
		},
	}
}
