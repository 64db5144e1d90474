package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0021FundingAgreements adds the funders' side of the annual review (issue 15):
//   - funding_agreements: a funder (a partner organisation, or the Métropole, the State, the
//     Région: funder_kind, with partner_organisation_id set exactly for "partner", as the CHECK
//     holds), its school years (first and last, by the year they start), what it covers (some
//     establishments, some communes, or the whole metropolis), the amount committed in cents,
//     a title and a free reference text; version for optimistic locking.
//   - funding_agreement_establishments and funding_agreement_communes: what an agreement covers.
//   - funding_agreement_objectives: the objectives an agreement sets, each an indicator of a
//     fixed list that the impact report computes, a target and its unit.
//   - unit_costs: the unit values of the avoided costs (the yearly public cost of a young person
//     out of education, of a placement…), each with its source and the year of the source, and
//     an optional range; unit_cost_changes keeps each version, who made it and when.
func m0021FundingAgreements() *gormigrate.Migration {
	type establishment struct {
		ID uint `gorm:"primaryKey"`
	}
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type partnerOrganisation struct {
		ID uint `gorm:"primaryKey"`
	}
	type fundingAgreement struct {
		ID                    uint                 `gorm:"primaryKey"`
		Title                 string               `gorm:"size:200;not null"`
		FunderKind            string               `gorm:"size:20;not null;check:chk_funding_agreements_funder,(funder_kind = 'partner' AND partner_organisation_id IS NOT NULL) OR (funder_kind IN ('metropole', 'state', 'region') AND partner_organisation_id IS NULL)"`
		PartnerOrganisationID *uint                `gorm:"index"`
		PartnerOrganisation   *partnerOrganisation `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		FirstYear             int                  `gorm:"not null"`
		LastYear              int                  `gorm:"not null;check:chk_funding_agreements_years,last_year >= first_year"`
		Coverage              string               `gorm:"size:20;not null;check:chk_funding_agreements_coverage,coverage IN ('establishments', 'communes', 'all')"`
		AmountCents           int64                `gorm:"not null;check:chk_funding_agreements_amount,amount_cents >= 0"`
		Reference             string               `gorm:"size:2000;not null;default:''"`
		Version               int                  `gorm:"not null;default:1"`
		CreatedAt             time.Time            `gorm:"not null"`
		UpdatedAt             time.Time            `gorm:"not null"`
	}
	type fundingAgreementEstablishment struct {
		FundingAgreementID uint              `gorm:"primaryKey"`
		FundingAgreement   *fundingAgreement `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		EstablishmentID    uint              `gorm:"primaryKey;index"`
		Establishment      *establishment    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
	}
	type fundingAgreementCommune struct {
		FundingAgreementID uint              `gorm:"primaryKey"`
		FundingAgreement   *fundingAgreement `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Commune            string            `gorm:"primaryKey;size:100"`
	}
	type fundingAgreementObjective struct {
		ID                 uint              `gorm:"primaryKey"`
		FundingAgreementID uint              `gorm:"not null;index"`
		FundingAgreement   *fundingAgreement `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Position           int               `gorm:"not null"`
		Label              string            `gorm:"size:300;not null"`
		Indicator          string            `gorm:"size:60;not null"`
		Target             float64           `gorm:"not null;check:chk_funding_agreement_objectives_target,target >= 0"`
		Unit               string            `gorm:"size:20;not null"`
	}
	type unitCost struct {
		ID          uint      `gorm:"primaryKey"`
		Label       string    `gorm:"size:200;not null"`
		AmountCents int64     `gorm:"not null;check:chk_unit_costs_amount,amount_cents >= 0"`
		Unit        string    `gorm:"size:100;not null"`
		Source      string    `gorm:"size:1000;not null;check:chk_unit_costs_source,source <> ''"`
		SourceYear  int       `gorm:"not null"`
		LowCents    *int64    `gorm:"check:chk_unit_costs_low,low_cents IS NULL OR low_cents <= amount_cents"`
		HighCents   *int64    `gorm:"check:chk_unit_costs_high,high_cents IS NULL OR high_cents >= amount_cents"`
		Version     int       `gorm:"not null;default:1"`
		CreatedAt   time.Time `gorm:"not null"`
		UpdatedAt   time.Time `gorm:"not null"`
	}
	type unitCostChange struct {
		ID            uint      `gorm:"primaryKey"`
		UnitCostID    uint      `gorm:"not null;index:idx_unit_cost_changes_cost_at,priority:1"`
		UnitCost      *unitCost `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Version       int       `gorm:"not null"`
		ChangedAt     time.Time `gorm:"not null;index:idx_unit_cost_changes_cost_at,priority:2"`
		ChangedByID   *uint
		ChangedBy     *user  `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		ChangedByName string `gorm:"size:200;not null;default:''"`
		Label         string `gorm:"size:200;not null"`
		AmountCents   int64  `gorm:"not null"`
		Unit          string `gorm:"size:100;not null"`
		Source        string `gorm:"size:1000;not null"`
		SourceYear    int    `gorm:"not null"`
		LowCents      *int64
		HighCents     *int64
	}
	return &gormigrate.Migration{
		ID: "0021_funding_agreements",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&fundingAgreement{}, &fundingAgreementEstablishment{}, &fundingAgreementCommune{},
				&fundingAgreementObjective{}, &unitCost{}, &unitCostChange{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(&unitCostChange{}, &unitCost{}, &fundingAgreementObjective{}, &fundingAgreementCommune{},
				&fundingAgreementEstablishment{}, &fundingAgreement{})
		},
	}
}
