package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mediation/models/demodata"
)

// openDetails opens a <details> element by its summary, as a reader would; nothing is loaded.
func (b *browser) openDetails(t *testing.T, sel string) {
	t.Helper()
	b.do(t, "open "+sel, chromedp.Click(chromedp.CSS(sel+" > summary")))
}

// referralFlow is the scenario: the mediator drafts a referral from a pupil's file,
// cannot send it before recording the family's consent, records it and sends; the CAF's agent
// signs in and acknowledges it; the mediator reads the answer. It ends signed in as the mediator.
func referralFlow(t *testing.T, b *browser) {
	b.open(t, "/pupils?status=active")
	b.click(t, `table tbody a[href^="/pupils/"]`, http.StatusOK)
	b.openDetails(t, "#referral-form")
	b.fill(t, map[string]string{"#referral-request": "Accompagner la famille dans sa demande d'aide au logement."})
	b.click(t, `#referral-form button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#referral-partner-error"); msg == "" {
		t.Error("a draft without organisation shows no message beside the field")
	}
	b.check(t, "a referral draft sent with errors")
	b.fill(t, map[string]string{"#referral-reason": "housing"})
	b.do(t, "choose the CAF", chromedp.SetValue(chromedp.CSS("#referral-partner"), b.optionValue(t, "#referral-partner", "CAF du Nord")))
	b.click(t, `#referral-form button[type="submit"]`, http.StatusOK)
	path := b.location(t)
	if !strings.HasPrefix(path, "/referrals/") {
		t.Fatalf("after drafting, the browser is at %s", path)
	}
	if msg := b.text(t, "#send-blocked"); !strings.Contains(msg, "Pas de consentement, pas d'orientation") {
		t.Errorf("the draft does not say why it cannot be sent: %q", msg)
	}
	b.check(t, "a draft referral without consent")
	b.click(t, `form[action$="/send"] button[type="submit"]`, http.StatusUnprocessableEntity)
	b.check(t, "a referral sent without consent")
	b.fill(t, map[string]string{"#consent_given_by": "Mme Martin, mère", "#consent_method": "phone"})
	b.click(t, `form[action$="/consent"] button[type="submit"]`, http.StatusOK)
	if b.count(t, "#send-blocked") != 0 {
		t.Error("the consent is recorded but sending is still blocked")
	}
	b.click(t, `form[action$="/send"] button[type="submit"]`, http.StatusOK)
	if status := b.text(t, ".facts strong"); status != "Envoyée" {
		t.Errorf("after sending, the status is %q", status)
	}
	b.check(t, "a referral just sent")

	b.login(t, "caf@demo.test", demodata.Password)
	// The send told the CAF: the bell counts it, the list says it without a name.
	b.open(t, "/notifications")
	if b.count(t, `.notification-list li.unread a[href="`+path+`"]`) != 1 || b.count(t, `.site-header .bell-count`) != 1 {
		t.Error("the CAF's notifications lack the referral sent, or the bell does not count it")
	}
	b.check(t, "the partner's notifications")
	b.open(t, "/referrals?status=sent")
	if b.count(t, `a[href="`+path+`"]`) != 1 {
		t.Error("the referral is not in the CAF's inbox")
	}
	b.click(t, `a[href="`+path+`"]`, http.StatusOK)
	b.check(t, "the referral as the partner reads it")
	b.click(t, `form[action$="/acknowledge"] button[type="submit"]`, http.StatusOK)
	if status := b.text(t, ".facts strong"); status != "Reçue par le partenaire" {
		t.Errorf("after acknowledging, the status is %q", status)
	}
	b.check(t, "the referral acknowledged by the partner")

	b.login(t, "mediation@demo.test", demodata.Password)
	b.open(t, path)
	if status := b.text(t, ".facts strong"); status != "Reçue par le partenaire" {
		t.Errorf("the mediator reads the status %q", status)
	}
	if !strings.Contains(b.text(t, "#history"), "Sandrine Lheureux") {
		t.Error("the history does not say who acknowledged")
	}
	b.check(t, "the partner's answer as the mediator reads it")
	b.open(t, "/notifications")
	b.click(t, `.notification-list form[action$="/read"] button[type="submit"]`, http.StatusOK)
	if b.count(t, `.notification-list li.unread`) != 0 {
		t.Error("the notification marked read is still unread")
	}
	b.check(t, "the mediator's notifications, one marked read")
}

// partnerDeclineFlow opens an acknowledged referral of the inbox and declines it without a
// reason: the form comes back with its message; then as from a tab opened before a change: the
// form comes back refused (409) with the reason typed.
func partnerDeclineFlow(t *testing.T, b *browser) {
	b.open(t, "/referrals?status=acknowledged")
	b.click(t, `table tbody a[href^="/referrals/"]`, http.StatusOK)
	b.check(t, "an acknowledged referral")
	b.openDetails(t, "#step-decline")
	b.click(t, `#step-decline button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#decline-comment-error"); msg == "" {
		t.Error("a decline without reason shows no message")
	}
	b.check(t, "a decline without reason")
	// The same answer from a tab opened before a change: refused, the reason typed kept.
	eval[string](t, b, `document.querySelector('#step-decline input[name="version"]').value = "0"`)
	b.fill(t, map[string]string{"#decline-comment": "Ressources au-dessus du plafond."})
	b.click(t, `#step-decline button[type="submit"]`, http.StatusConflict)
	if got := eval[string](t, b, `document.getElementById("decline-comment").value`); got != "Ressources au-dessus du plafond." {
		t.Errorf("the answer refused as stale lost its text: %q", got)
	}
	b.check(t, "a decline from a stale tab")
}

// partnerFormFlow opens an organisation from the list, then sends the new organisation's form
// with errors.
func partnerFormFlow(t *testing.T, b *browser) {
	b.open(t, "/partners")
	b.click(t, `table tbody a[href^="/partners/"]`, http.StatusOK)
	b.check(t, "a partner organisation's form")
	b.open(t, "/partners/new")
	b.fill(t, map[string]string{"#response_days": "400"}) // and no name, no kind
	b.click(t, `form[action="/partners"] button[type="submit"]`, http.StatusUnprocessableEntity)
	if n := b.count(t, ".field-error"); n != 3 {
		t.Errorf("the organisation's form sent with three errors shows %d messages", n)
	}
	b.check(t, "a partner organisation's form with errors")
}

// optionValue is the value of the option of a select whose text starts with label.
func (b *browser) optionValue(t *testing.T, sel, label string) string {
	t.Helper()
	v := eval[string](t, b, fmt.Sprintf(`(Array.from(document.querySelectorAll(%q)).find(o => o.textContent.startsWith(%q)) || {value: ""}).value`,
		sel+" option", label))
	if v == "" {
		t.Fatalf("no option %q in %s", label, sel)
	}
	return v
}
