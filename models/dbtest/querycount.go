package dbtest

import (
	"sync/atomic"

	"gorm.io/gorm"
)

// QueryCounter counts the SQL statements a database handle runs, so that a test can assert
// that a page's number of queries does not grow with the rows it shows.
type QueryCounter struct {
	n atomic.Int64
}

// CountQueries registers the counter on db's callbacks (every kind of statement).
func CountQueries(db *gorm.DB) *QueryCounter {
	c := &QueryCounter{}
	count := func(*gorm.DB) { c.n.Add(1) }
	cb := db.Callback()
	cb.Query().After("*").Register("dbtest:count_query", count)
	cb.Create().After("*").Register("dbtest:count_create", count)
	cb.Update().After("*").Register("dbtest:count_update", count)
	cb.Delete().After("*").Register("dbtest:count_delete", count)
	cb.Row().After("*").Register("dbtest:count_row", count)
	cb.Raw().After("*").Register("dbtest:count_raw", count)
	return c
}

// Reset starts counting again from zero.
func (c *QueryCounter) Reset() { c.n.Store(0) }

// Count is the number of statements since the last Reset.
func (c *QueryCounter) Count() int64 { return c.n.Load() }
