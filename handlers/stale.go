package handlers

import (
	"strings"
	"time"

	"mediation/models"
	"mediation/views"
)

// StaleNotice is what a page answering 409 shows of a change refused because the record
// changed meanwhile (models.StaleError): why, who changed it and when, and which fields now
// differ from what was typed, so that the reader can redo the change knowingly.
type StaleNotice struct {
	// Message says why the change was refused, in the reader's language.
	Message string
	Who     string
	At      time.Time
	Changes []FieldChange
}

// FieldChange is one field whose current value differs from the one typed.
type FieldChange struct {
	Field   string
	Typed   string
	Current string
}

// staleNotice is the one place where a refused stale change becomes what its page shows.
// typed and current are the form's values and the record's current ones; the named fields
// where they differ are listed (none when the page does not compare).
func staleNotice(loc *views.Localizer, stale *models.StaleError, typed, current map[string]string, fields ...string) *StaleNotice {
	n := &StaleNotice{Message: loc.T(stale.Message), Who: stale.ChangedBy, At: stale.ChangedAt}
	for _, field := range fields {
		if strings.TrimSpace(typed[field]) != current[field] {
			n.Changes = append(n.Changes, FieldChange{Field: field, Typed: typed[field], Current: current[field]})
		}
	}
	return n
}
