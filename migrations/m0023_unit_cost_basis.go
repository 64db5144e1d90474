package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0023UnitCostBasis adds to each unit value of the avoided costs the result it values
// (basis): the annual review multiplies the unit value by that result with the formula the
// code documents for it (models.CostBasis). Empty for a value not yet tied to a result: the
// review lists it with its source and computes nothing from it. The history keeps the basis of
// each version.
func m0023UnitCostBasis() *gormigrate.Migration {
	type unitCost struct {
		Basis string `gorm:"size:40;not null;default:''"`
	}
	type unitCostChange struct {
		Basis string `gorm:"size:40;not null;default:''"`
	}
	return &gormigrate.Migration{
		ID: "0023_unit_cost_basis",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().AddColumn(&unitCost{}, "Basis"); err != nil {
				return err
			}
			return tx.Migrator().AddColumn(&unitCostChange{}, "Basis")
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Migrator().DropColumn(&unitCostChange{}, "Basis"); err != nil {
				return err
			}
			return tx.Migrator().DropColumn(&unitCost{}, "Basis")
		},
	}
}
