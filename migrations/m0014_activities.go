package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0014Activities adds the collective actions of the school-life work (issue 14): prevention
// sessions in class, parents' workshops, presence slots… counted without a name.
//   - activity_kinds: the catalogue of kinds, which the coordination extends, renames and
//     deactivates; each has a French and an English label, and presence kinds (school gate,
//     recess) count their duration as hours of presence. The six usual kinds are seeded.
//   - activities: one action, in one establishment, with its date, duration, themes (codes of a
//     fixed list, separated by commas), participant counts (at least one above zero, as the
//     CHECK holds) and a short note; version for optimistic locking.
//   - activity_partners: the partner organisations involved in an action.
func m0014Activities() *gormigrate.Migration {
	type establishment struct {
		ID uint `gorm:"primaryKey"`
	}
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type partnerOrganisation struct {
		ID uint `gorm:"primaryKey"`
	}
	type activityKind struct {
		ID        uint      `gorm:"primaryKey"`
		Code      string    `gorm:"size:40;not null;uniqueIndex"`
		LabelFr   string    `gorm:"size:100;not null"`
		LabelEn   string    `gorm:"size:100;not null"`
		Presence  bool      `gorm:"not null;default:false"`
		Active    bool      `gorm:"not null;default:true"`
		Position  int       `gorm:"not null;default:0"`
		CreatedAt time.Time `gorm:"not null"`
		UpdatedAt time.Time `gorm:"not null"`
	}
	type activity struct {
		ID              uint           `gorm:"primaryKey"`
		EstablishmentID uint           `gorm:"not null;index:idx_activities_establishment_held,priority:1;index:idx_activities_establishment_kind_held,priority:1"`
		Establishment   *establishment `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		KindID          uint           `gorm:"not null;index;index:idx_activities_establishment_kind_held,priority:2"`
		Kind            *activityKind  `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		AuthorID        *uint          `gorm:"index"`
		Author          *user          `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		HeldOn          time.Time      `gorm:"type:date;not null;index:idx_activities_establishment_held,priority:2;index:idx_activities_establishment_kind_held,priority:3"`
		DurationMinutes int            `gorm:"not null;check:chk_activities_duration,duration_minutes BETWEEN 1 AND 720"`
		Themes          string         `gorm:"size:200;not null;default:''"`
		Pupils          int            `gorm:"not null;default:0"`
		Parents         int            `gorm:"not null;default:0"`
		Staff           int            `gorm:"not null;default:0;check:chk_activities_participants,pupils >= 0 AND parents >= 0 AND staff >= 0 AND pupils + parents + staff > 0"`
		Note            string         `gorm:"size:1000;not null;default:''"`
		Version         int            `gorm:"not null;default:1"`
		CreatedAt       time.Time      `gorm:"not null"`
		UpdatedAt       time.Time      `gorm:"not null"`
	}
	type activityPartner struct {
		ActivityID            uint                 `gorm:"primaryKey"`
		Activity              *activity            `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		PartnerOrganisationID uint                 `gorm:"primaryKey;index"`
		PartnerOrganisation   *partnerOrganisation `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
	}
	return &gormigrate.Migration{
		ID: "0014_activities",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&activityKind{}, &activity{}, &activityPartner{}); err != nil {
				return err
			}
			now := time.Now().UTC()
			kinds := []activityKind{
				{Code: "prevention_session", LabelFr: "Séance de prévention en classe", LabelEn: "Prevention session in class", Position: 1},
				{Code: "parents_workshop", LabelFr: "Atelier parents / café des parents", LabelEn: "Parents' workshop / parents' café", Position: 2},
				{Code: "peer_mediation_training", LabelFr: "Formation à la médiation par les pairs", LabelEn: "Peer-mediation training", Position: 3},
				{Code: "family_information", LabelFr: "Réunion d'information des familles", LabelEn: "Information meeting with families", Position: 4},
				{Code: "school_gate_presence", LabelFr: "Présence aux abords de l'établissement", LabelEn: "School-gate presence", Presence: true, Position: 5},
				{Code: "recess_presence", LabelFr: "Présence pendant les récréations", LabelEn: "Recess presence", Presence: true, Position: 6},
			}
			for i := range kinds {
				kinds[i].Active, kinds[i].CreatedAt, kinds[i].UpdatedAt = true, now, now
			}
			return tx.Create(&kinds).Error
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&activityPartner{}, &activity{}, &activityKind{})
		},
	}
}
