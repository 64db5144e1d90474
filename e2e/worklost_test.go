package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// workNeverLostFlow opens, as a mediator, the states that protect work from being lost, and
// runs every check of the harness on each (axe-core at 1280 and 375 px, overflow, console, and
// the Nu HTML checker at the end of TestPages): the flash of an action marked done with its
// "Annuler" button, the warning before idle expiry once shown, and a new file refused as a
// probable duplicate then confirmed as a homonym.
func workNeverLostFlow(t *testing.T, b *browser) {
	b.open(t, "/")
	// "Fait" on the worklist's first action, then "Annuler" in the flash.
	b.click(t, `form[action$="/done"] button`, http.StatusOK)
	undo := `.alert-ok form[action*="/undo"] button`
	if b.count(t, undo) != 1 {
		t.Fatalf("the flash after Fait has no Annuler button: %q", b.text(t, ".alert-ok"))
	}
	b.check(t, "the worklist after an action marked done")
	b.click(t, undo, http.StatusOK)
	if got := b.text(t, ".alert-ok"); !strings.Contains(got, "de nouveau à faire") {
		t.Errorf("after Annuler the flash says %q", got)
	}

	// The warning before idle expiry, as the script shows it.
	b.open(t, "/pupils/new")
	eval[bool](t, b, `document.getElementById("session-warning").hidden = false`)
	b.check(t, "the warning before the session expires")

	// A new file for a pupil who has one: refused with a link, then confirmed as a homonym.
	b.open(t, "/pupils")
	href := eval[string](t, b, `document.querySelector('main a[href^="/pupils/"]:not([href="/pupils/new"])').getAttribute("href")`)
	b.open(t, href+"/edit")
	values := map[string]string{}
	for _, f := range []string{"establishment_id", "last_name", "first_name", "birth_date", "class_level", "class_name"} {
		values["#"+f] = eval[string](t, b, fmt.Sprintf(`document.getElementById(%q).value`, f))
	}
	values["#last_name"] = strings.ToUpper(values["#last_name"])
	b.open(t, "/pupils/new")
	b.fill(t, values)
	b.click(t, `form[action="/pupils"] button[type="submit"]`, http.StatusConflict)
	if n := b.count(t, fmt.Sprintf(`#duplicates a[href=%q]`, href)); n != 1 {
		t.Fatalf("the duplicate warning does not link to %s: %q", href, b.text(t, "#duplicates"))
	}
	b.check(t, "a new file refused as a probable duplicate")
	b.do(t, "tick the homonym box", chromedp.Click(chromedp.CSS("#homonym")))
	b.click(t, `form[action="/pupils"] button[type="submit"]`, http.StatusOK)
	if p := b.location(t); p == "/pupils" || p == href {
		t.Errorf("the homonym confirmed ended on %s, want the new file", p)
	}
}
