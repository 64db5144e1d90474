package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0032LiveFilesPlannedMeetings indexes two small sets that the casework lists probe file by
// file. The live files of an establishment, with their status: every list that restricts its
// rows to the scope's live files (Scope.ProbeFiles) read each file's row of the table (277
// buffers for the 270 files of the busiest metro mediator) where this index gives their ids
// alone (11), and the pupil list counts its files by status from it. The planned meetings of a
// file: the worklist's coming meetings and the meetings to complete read every past meeting
// of each file of the scope to keep the few planned ones (1,116 buffers for two rows).
// Plain SQL that SQLite and PostgreSQL both accept; being frozen, it never changes.
func m0032LiveFilesPlannedMeetings() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0032_live_files_planned_meetings",
		Migrate: func(tx *gorm.DB) error {
			return execEach(tx,
				`CREATE INDEX idx_pupils_live_establishment ON pupils (establishment_id, status, id) WHERE anonymised_at IS NULL`,
				`CREATE INDEX idx_meetings_planned ON meetings (pupil_id, scheduled_at) WHERE status = 'planned'`)
		},
		Rollback: func(tx *gorm.DB) error {
			return execEach(tx, `DROP INDEX idx_meetings_planned`, `DROP INDEX idx_pupils_live_establishment`)
		},
	}
}
