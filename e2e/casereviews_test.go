package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// caseReviewFlow opens the latest session of the account's establishments (the one prepared
// for next week, pupils listed, no decision yet), for the mediator a decision sent without a
// decision (422) and the edit form, then the session held last week with its decisions.
func caseReviewFlow(who string) func(t *testing.T, b *browser) {
	return func(t *testing.T, b *browser) {
		b.open(t, "/case-reviews")
		b.click(t, `table tbody tr:first-child a[href^="/case-reviews/"]`, http.StatusOK)
		if h := b.text(t, "h1"); !strings.HasPrefix(h, "GPDS du ") && !strings.HasPrefix(h, "Cellule de veille du ") {
			t.Errorf("the session's heading is %q", h)
		}
		if b.count(t, `#pupils > ul > li`) == 0 {
			t.Error("the prepared session lists no pupil")
		}
		b.check(t, "a session prepared, "+who)
		if who == "mediation" {
			b.click(t, `#pupils > ul > li:first-child form button[type="submit"]`, http.StatusUnprocessableEntity)
			if b.count(t, `#pupils [aria-invalid="true"]`) == 0 {
				t.Error("a decision sent without a decision marks no field invalid")
			}
			checkErrorSummary(t, b, "a decision without a decision", `[id$="-decision"]`)
			b.check(t, "a decision sent with errors")
			b.open(t, "/case-reviews")
			b.click(t, `table tbody tr:first-child a[href^="/case-reviews/"]`, http.StatusOK)
			b.click(t, `a[href$="/edit"]`, http.StatusOK)
			b.check(t, "a session's edit form")
		}
		// The mediator's two establishments each have a session prepared: the last held one
		// comes after both.
		row := "2"
		if who == "mediation" {
			row = "3"
		}
		b.open(t, "/case-reviews")
		b.click(t, `table tbody tr:nth-child(`+row+`) a[href^="/case-reviews/"]`, http.StatusOK)
		if b.count(t, "#pupils > ul > li > p > strong") == 0 {
			t.Errorf("the session held last week shows no decision: %q", b.text(t, "#pupils"))
		}
		b.check(t, "a session with its decisions, "+who)
	}
}
