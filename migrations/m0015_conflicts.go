package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0015Conflicts creates the conflict mediations (issue 14): a conflict handled in an
// establishment, its steps, outcome, follow-up date and restricted notes, and its parties, each
// either a pupil file of the establishment or a role described without a name. The list filters
// within the user's establishments and reads them latest first: each filter has its index led by
// the establishment and ended by the date (a kind or an outcome alone matches a large part of the
// metropolis). Frozen copies of the structs: never the live models.
func m0015Conflicts() *gormigrate.Migration {
	type establishment struct {
		ID uint `gorm:"primaryKey"`
	}
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type pupil struct {
		ID uint `gorm:"primaryKey"`
	}
	type conflict struct {
		ID              uint           `gorm:"primaryKey"`
		EstablishmentID uint           `gorm:"not null;index:idx_conflicts_establishment_date,priority:1;index:idx_conflicts_establishment_kind,priority:1;index:idx_conflicts_establishment_outcome,priority:1"`
		Establishment   *establishment `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		AuthorID        uint           `gorm:"not null;index:idx_conflicts_author_follow_up,priority:1"`
		Author          *user          `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		OccurredOn      time.Time      `gorm:"type:date;not null;index:idx_conflicts_establishment_date,priority:2;index:idx_conflicts_establishment_kind,priority:3;index:idx_conflicts_establishment_outcome,priority:3"`
		Place           string         `gorm:"size:20;not null;check:chk_conflicts_place,place IN ('class','yard','surroundings','online','other')"`
		Kind            string         `gorm:"size:20;not null;index:idx_conflicts_establishment_kind,priority:2;check:chk_conflicts_kind,kind IN ('verbal','physical','harassment','online','other')"`
		Relation        string         `gorm:"size:20;not null;check:chk_conflicts_relation,relation IN ('pupils','pupil_adult','family_school')"`
		ListenedOn      *time.Time     `gorm:"type:date"`
		MeetingOn       *time.Time     `gorm:"type:date"`
		AgreementOn     *time.Time     `gorm:"type:date"`
		Outcome         *string        `gorm:"size:20;index:idx_conflicts_establishment_outcome,priority:2;check:chk_conflicts_outcome,outcome IS NULL OR outcome IN ('agreement','partial','none','discipline','partner')"`
		FollowUpOn      *time.Time     `gorm:"type:date;index:idx_conflicts_author_follow_up,priority:2"`
		ClosedOn        *time.Time     `gorm:"type:date"`
		Notes           string         `gorm:"type:text;not null;default:''"`
		NotesRestricted bool           `gorm:"not null;default:true"`
		Version         int            `gorm:"not null;default:1"`
		CreatedAt       time.Time      `gorm:"not null"`
		UpdatedAt       time.Time      `gorm:"not null"`
	}
	type conflictParty struct {
		ID          uint      `gorm:"primaryKey"`
		ConflictID  uint      `gorm:"not null;index"`
		Conflict    *conflict `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Role        string    `gorm:"size:20;not null;check:chk_conflict_parties_role,role IN ('pupil','guardian','teacher','staff','other')"`
		PupilID     *uint     `gorm:"index;check:chk_conflict_parties_pupil,pupil_id IS NULL OR role = 'pupil'"`
		Pupil       *pupil    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		Description string    `gorm:"size:100;not null;default:''"`
	}
	return &gormigrate.Migration{
		ID: "0015_conflicts",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&conflict{}, &conflictParty{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&conflictParty{}, &conflict{})
		},
	}
}
