package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// letterTemplateFlow edits the Arabic invitation on the settings page: a text with an unknown
// placeholder is refused (422, the message names the field and the line, the version in force is
// kept), a correct one becomes a new version, listed in the history, then validated.
func letterTemplateFlow(t *testing.T, b *browser) {
	b.open(t, "/settings/letters")
	b.open(t, "/settings/letters/invitation/ar")
	b.fill(t, map[string]string{"#body": "# دعوة\n\nمرحبا {{prenon}}"})
	b.click(t, `form[action="/settings/letters/invitation/ar"] button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#body-error"); !strings.Contains(msg, "prenon") || !strings.Contains(msg, "Ligne 3") {
		t.Errorf("an unknown placeholder gives %q", msg)
	}
	b.check(t, "a letter template with an unknown placeholder")
	b.fill(t, map[string]string{"#body": "# دعوة\n\nمرحبا {{prenom}}، ندعوكم يوم {{date}} على الساعة {{heure}}."})
	b.click(t, `form[action="/settings/letters/invitation/ar"] button[type="submit"]`, http.StatusOK)
	if h := b.text(t, "main"); !strings.Contains(h, "Relecture professionnelle nécessaire") {
		t.Errorf("a new version is not marked for a reread: %q", h)
	}
	b.click(t, `form[action="/settings/letters/invitation/ar/validate"] button[type="submit"]`, http.StatusOK)
	if h := b.text(t, "main"); !strings.Contains(h, "Validé") {
		t.Errorf("the validated text shows %q", h)
	}
	b.check(t, "a letter template validated")
}
