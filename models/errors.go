// Package models holds the entities, queries and rules of the school-mediation domain.
package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNotFound is returned when a record does not exist or lies outside the caller's scope:
// both answer the same so that nobody can learn which records exist.
var ErrNotFound = errors.New("models: not found")

// ErrStale is returned when an edit is based on a version of a record that has changed since.
var ErrStale = errors.New("models: stale version")

// ValidationError maps form fields to French messages; it is what a form re-renders with 422.
type ValidationError map[string]string

// Error lists the fields in a stable order.
func (v ValidationError) Error() string {
	fields := make([]string, 0, len(v))
	for f := range v {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, fmt.Sprintf("%s : %s", f, v[f]))
	}
	return strings.Join(parts, " ; ")
}

// Add records a message for field, keeping the first one given.
func (v ValidationError) Add(field, message string) {
	if _, ok := v[field]; !ok {
		v[field] = message
	}
}

// OrNil returns nil when no field failed, so that callers can write `return v.OrNil()`.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
