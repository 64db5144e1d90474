package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0029LiveReferents indexes the referent of the files not anonymised. The worklist reads a
// mediator's files as « mine or nobody's » (referent = me OR referent IS NULL) among the live
// files; the purge clears the referent of the files it anonymises, so on the index of every
// file the « nobody's » half read all the anonymised files of the metropolis (6,455 at metro
// scale, expected by both plans). The partial index holds the live files only: the absences
// part of the busiest metro mediator's worklist reads 195 buffers instead of 307.
// Plain SQL that SQLite and PostgreSQL both accept; being frozen, it never changes.
func m0029LiveReferents() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0029_live_referents",
		Migrate: func(tx *gorm.DB) error {
			return execEach(tx,
				`CREATE INDEX idx_pupils_live_referent ON pupils (referent_mediator_id) WHERE anonymised_at IS NULL`)
		},
		Rollback: func(tx *gorm.DB) error {
			return execEach(tx, `DROP INDEX idx_pupils_live_referent`)
		},
	}
}
