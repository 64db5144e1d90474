package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0016CaseReviews adds the sessions of the establishment's prevention group (GPDS or cellule
// de veille): the session (date, kind, establishment), who took part by role (a headcount per
// role, and the accounts of the product named, with no headcount of their own), the pupils
// reviewed with one decision each, and the link of a next action to the session whose decision
// made it (next_actions.case_review_id, like meeting_id). The indexes serve the list's filters
// (establishment, then date; kind) and a pupil's history.
func m0016CaseReviews() *gormigrate.Migration {
	type establishment struct {
		ID uint `gorm:"primaryKey"`
	}
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type pupil struct {
		ID uint `gorm:"primaryKey"`
	}
	type caseReview struct {
		ID              uint           `gorm:"primaryKey"`
		EstablishmentID uint           `gorm:"not null;index:idx_case_reviews_establishment_held,priority:1;index:idx_case_reviews_establishment_kind_held,priority:1"`
		Establishment   *establishment `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		HeldOn          time.Time      `gorm:"type:date;not null;index:idx_case_reviews_establishment_held,priority:2;index:idx_case_reviews_establishment_kind_held,priority:3;index"`
		Kind            string         `gorm:"size:20;not null;index:idx_case_reviews_establishment_kind_held,priority:2;check:chk_case_reviews_kind,kind IN ('gpds','cellule_veille')"`
		CreatedByID     *uint          `gorm:"index"`
		CreatedBy       *user          `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		Version         int            `gorm:"not null;default:1"`
		CreatedAt       time.Time      `gorm:"not null"`
		UpdatedAt       time.Time      `gorm:"not null"`
	}
	type caseReviewParticipant struct {
		ID           uint        `gorm:"primaryKey"`
		CaseReviewID uint        `gorm:"not null;index"`
		CaseReview   *caseReview `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Role         string      `gorm:"size:20;not null;check:chk_case_review_participants_role,role IN ('cpe','nurse','social_worker','head_teacher','mediator','teacher','other')"`
		Headcount    int         `gorm:"not null;default:0;check:chk_case_review_participants_headcount,headcount BETWEEN 0 AND 50"`
		UserID       *uint       `gorm:"index"`
		User         *user       `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
	}
	type caseReviewPupil struct {
		ID           uint        `gorm:"primaryKey"`
		CaseReviewID uint        `gorm:"not null;uniqueIndex:idx_case_review_pupils_review_pupil,priority:1"`
		CaseReview   *caseReview `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		PupilID      uint        `gorm:"not null;uniqueIndex:idx_case_review_pupils_review_pupil,priority:2;index"`
		Pupil        *pupil      `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Decision     string      `gorm:"size:20;not null;default:'';check:chk_case_review_pupils_decision,decision IN ('','keep_watching','mediator_follow_up','family_meeting','partner_referral','cio_psad','nothing_more')"`
		Note         string      `gorm:"type:text;not null;default:''"`
		Restricted   bool        `gorm:"not null;default:false"`
		DecidedByID  *uint       `gorm:"index"`
		DecidedBy    *user       `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		DecidedAt    *time.Time
		CreatedAt    time.Time `gorm:"not null"`
		UpdatedAt    time.Time `gorm:"not null"`
	}
	tables := []any{&caseReview{}, &caseReviewParticipant{}, &caseReviewPupil{}}
	return &gormigrate.Migration{
		ID: "0016_case_reviews",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(tables...); err != nil {
				return err
			}
			if err := tx.Exec("ALTER TABLE next_actions ADD COLUMN case_review_id bigint REFERENCES case_reviews(id) ON UPDATE CASCADE ON DELETE CASCADE").Error; err != nil {
				return err
			}
			return tx.Exec("CREATE INDEX idx_next_actions_case_review ON next_actions (case_review_id)").Error
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("DROP INDEX idx_next_actions_case_review").Error; err != nil {
				return err
			}
			if err := tx.Exec("ALTER TABLE next_actions DROP COLUMN case_review_id").Error; err != nil {
				return err
			}
			for i := len(tables) - 1; i >= 0; i-- {
				if err := tx.Migrator().DropTable(tables[i]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
