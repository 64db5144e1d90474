package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// activityFlow records a parents' café: first with nobody counted (422, the message beside the
// participants), then with its parents; the action's page shows it with its edit form.
func activityFlow(t *testing.T, b *browser) {
	b.open(t, "/activities/new")
	b.fill(t, map[string]string{"#kind_id": b.optionValue(t, "#kind_id", "Atelier parents"), "#duration_minutes": "120"})
	b.click(t, `form[action="/activities"] button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#participants-error"); !strings.Contains(msg, "au moins un participant") {
		t.Errorf("an action without participant gives %q", msg)
	}
	checkErrorSummary(t, b, "a collective action without participants", "#pupils")
	b.check(t, "a collective action sent with errors")
	b.fill(t, map[string]string{"#parents": "12", "#staff": "2", "#note": "Café des parents : les écrans à la maison."})
	if !eval[bool](t, b, `document.querySelector("#theme-screens").checked = true`) {
		t.Fatal("the theme cannot be ticked")
	}
	b.click(t, `form[action="/activities"] button[type="submit"]`, http.StatusOK)
	if !strings.Contains(b.text(t, "main"), "12 parents") {
		t.Error("the action's page does not show its parents")
	}
	b.check(t, "a collective action just recorded")
}
