package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// conflictFlow opens a conflict from the list (its page with the edit form), then records a
// conflict whose party is named: the form comes back with the message beside the field.
func conflictFlow(t *testing.T, b *browser) {
	b.open(t, "/conflicts")
	b.click(t, `table tbody a[href^="/conflicts/"]`, http.StatusOK)
	if b.count(t, `form textarea#notes`) != 1 {
		t.Error("a mediator's conflict page has no edit form")
	}
	b.check(t, "a conflict with its edit form")
	b.open(t, "/conflicts/new")
	b.fill(t, map[string]string{"#party0_role": "pupil", "#party0_description": "Mme Durand", "#place": "yard", "#kind": "verbal",
		"#relation": "pupils"})
	b.click(t, `form[action="/conflicts"] button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#party0_description-error"); !strings.Contains(msg, "nom") {
		t.Errorf("a named party gives %q", msg)
	}
	checkErrorSummary(t, b, "a conflict with a named party", "#party0_description")
	b.check(t, "/conflicts/new sent with errors")
}

// headTeacherConflictFlow opens a conflict as the head teacher: no form, no notes.
func headTeacherConflictFlow(t *testing.T, b *browser) {
	b.open(t, "/conflicts")
	b.click(t, `table tbody a[href^="/conflicts/"]`, http.StatusOK)
	if b.count(t, `textarea#notes`) != 0 {
		t.Error("the head teacher's conflict page has an edit form")
	}
	b.check(t, "a conflict read by the head teacher")
}
