package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// conventionFlow records an agreement of the State: first without a title and with an
// objective's target out of range (422, the summary of errors linking to each field), then
// completed; the agreement's page shows its amount to the cent. A unit value is refused without
// its source, the same way.
func conventionFlow(t *testing.T, b *browser) {
	b.open(t, "/conventions/new")
	if !eval[bool](t, b, `document.querySelector("#funder_kind-state").checked = true`) ||
		!eval[bool](t, b, `document.querySelector("#coverage-all").checked = true`) {
		t.Fatal("the funder or the coverage cannot be chosen")
	}
	b.fill(t, map[string]string{"#amount": "12 500,50", "#objective0_label": "Familles rencontrées",
		"#objective0_indicator": "families_met_share", "#objective0_target": "120"})
	b.click(t, `form[action="/conventions"] button[type="submit"]`, http.StatusUnprocessableEntity)
	summary := b.text(t, "[data-error-summary]")
	if !strings.Contains(summary, "Donnez un intitulé") || !strings.Contains(summary, "Un pourcentage va de 0 à 100.") {
		t.Errorf("the error summary says %q", summary)
	}
	b.check(t, "a funding agreement sent with errors")
	b.fill(t, map[string]string{"#title": "Convention État – cités éducatives", "#objective0_target": "80"})
	b.click(t, `form[action="/conventions"] button[type="submit"]`, http.StatusOK)
	if main := b.text(t, "main"); !strings.Contains(main, "12\u00a0500,50\u00a0€") || !strings.Contains(main, "Toute la métropole") {
		t.Errorf("the agreement's page shows %q", main)
	}
	b.check(t, "a funding agreement just recorded")

	b.open(t, "/settings/unit-costs/new")
	b.fill(t, map[string]string{"#label": "Coût d'un signalement", "#amount": "1 200", "#unit": "par signalement", "#source_year": "2024"})
	b.click(t, `form[action="/settings/unit-costs"] button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#source-error"); !strings.Contains(msg, "La source est obligatoire") {
		t.Errorf("a unit value without source gives %q", msg)
	}
	b.check(t, "a unit value sent without its source")
}
