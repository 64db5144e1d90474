package models

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

// WithGenericPlans runs the reads of fn in one read-only transaction in which PostgreSQL plans
// each prepared statement once per connection and reuses that plan (plan_cache_mode =
// force_generic_plan, for this transaction only), instead of planning it again for each call's
// values. It serves pages whose statements plan longer than they run: the worklist's planned
// for 7 ms of the 18 ms its statements took under the load test (their joins and arrays of the
// scope's files), for plans that read the same rows whatever the values, which
// TestCaseworkPlansFollowTheCaseload checks in their generic form too. On SQLite, which has no
// plan cache to choose, fn reads db as it is.
func WithGenericPlans(ctx context.Context, db *gorm.DB, fn func(db *gorm.DB) error) error {
	if db.Dialector.Name() != DialectPostgres {
		return fn(db.WithContext(ctx))
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_generic_plan").Error; err != nil {
			return err
		}
		return fn(tx)
	}, &sql.TxOptions{ReadOnly: true})
}

// WhereIn keeps the rows of q whose column is among the values sub selects. On PostgreSQL it
// is column = ANY(ARRAY(sub)): the subquery is planned apart and computed once, and the index
// on column takes the array as its condition (as a semi-join, the planner may start from the
// other side and probe the subquery row by row, or keep a generic plan that does); on SQLite,
// column IN (sub), which it already reads that way.
func WhereIn(q *gorm.DB, column string, sub *gorm.DB) *gorm.DB {
	if q.Dialector.Name() == DialectPostgres {
		return q.Where(column+" = ANY(ARRAY(?))", sub)
	}
	return q.Where(column+" IN (?)", sub)
}
