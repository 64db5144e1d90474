package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// RollbackTo undoes the migrations applied after id, for the tests of a migration's way back.
func RollbackTo(db *gorm.DB, id string) error {
	opts := *gormigrate.DefaultOptions
	opts.TableName = TableName
	opts.UseTransaction = true
	return gormigrate.New(db, &opts, all()).RollbackTo(id)
}
