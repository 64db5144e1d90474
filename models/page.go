package models

import "gorm.io/gorm"

// onPage limits a list's query to one page of perPage rows; pages count from 1, and anything
// below (a missing or negative page number) is the first. Every paged list reads its page so.
func onPage(q *gorm.DB, page, perPage int) *gorm.DB {
	return q.Offset((max(page, 1) - 1) * perPage).Limit(perPage)
}
