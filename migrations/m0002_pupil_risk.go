package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0002PupilRisk stores each pupil's risk level and score (models.RecomputeRisk keeps them up
// to date), so that the pupil lists filter and sort by risk in SQL. The statements are plain
// SQL that SQLite (3.35 or later, for DROP COLUMN) and PostgreSQL both accept; being frozen,
// they never change. Every existing file starts low until its risk is first recomputed.
func m0002PupilRisk() *gormigrate.Migration {
	exec := func(tx *gorm.DB, statements ...string) error {
		for _, s := range statements {
			if err := tx.Exec(s).Error; err != nil {
				return err
			}
		}
		return nil
	}
	return &gormigrate.Migration{
		ID: "0002_pupil_risk",
		Migrate: func(tx *gorm.DB) error {
			return exec(tx,
				`ALTER TABLE pupils ADD COLUMN risk_level VARCHAR(10) NOT NULL DEFAULT 'low' `+
					`CONSTRAINT chk_pupils_risk_level CHECK (risk_level IN ('low','medium','high'))`,
				`ALTER TABLE pupils ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0`,
				`CREATE INDEX idx_pupils_establishment_risk ON pupils (establishment_id, risk_level)`,
			)
		},
		Rollback: func(tx *gorm.DB) error {
			return exec(tx,
				`DROP INDEX idx_pupils_establishment_risk`,
				`ALTER TABLE pupils DROP COLUMN risk_score`,
				`ALTER TABLE pupils DROP COLUMN risk_level`,
			)
		},
	}
}
