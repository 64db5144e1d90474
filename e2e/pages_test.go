package e2e

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"mediation/models"
	"mediation/models/demodata"
)

// signedOut is the account of the pages seen without signing in.
const signedOut = ""

// everyAccount lists the pages that every signed-in account opens.
var everyAccount = []string{"/", "/account/password", "/account/security", "/notifications", "/account/notifications"}

// pages lists, for each account, the pages it opens besides everyAccount's: one demo account per
// role. Each page is checked by axe-core, at 375 px and by the Nu HTML checker. A new page is
// one more path here.
var pages = []struct {
	account string
	paths   []string
}{
	{signedOut, []string{"/login"}},
	{"admin@demo.test", []string{"/admin/users", "/admin/users/new", "/admin/users/1", "/admin/imports", "/admin/audit", "/admin/audit?action=login", "/admin/mail",
		"/conventions"}},
	{"coordination@demo.test", []string{"/partners", "/partners/new", "/settings/risk", "/settings/reports", "/settings/security", "/reports/metropolitan",
		"/reports/metropolitan?by=establishment", "/partners/1/report", "/settings/activity-kinds", "/settings/activity-kinds/new",
		"/settings/activity-kinds/5", "/conventions", "/conventions/new", "/conventions/1", "/conventions/1/edit", "/settings/unit-costs",
		"/settings/unit-costs/new", "/settings/unit-costs/1", "/reports/impact", "/reports/impact?year=2025-2026&convention=1",
		"/settings/letters", "/settings/letters/consent/ar", "/settings/letters/summary/fr"}},
	{"mediation@demo.test", []string{"/pupils", "/pupils/new", "/pupils?status=active&sort=risk", "/referrals", "/referrals?status=draft", "/meetings",
		"/meetings?mine=1&week=2026-12-07", "/establishments", "/establishments/0599101X", "/activities", "/activities/new",
		"/activities?year=2026-2027&kind=1", "/activities/1", "/conflicts", "/conflicts/new", "/conflicts?follow_up=1&outcome=pending",
		"/case-reviews", "/case-reviews/new", "/case-reviews?year=2026-2027&kind=gpds"}},
	{"direction@demo.test", []string{"/pupils", "/referrals", "/meetings", "/establishments/0599101X", "/establishments/0599101X?year=2015-2016",
		"/activities", "/activities/1", "/conflicts", "/case-reviews", "/case-reviews/new"}},
	{"caf@demo.test", []string{"/referrals", "/referrals?status=sent&overdue=1", "/partners/1/report", "/reports/metropolitan?by=commune",
		"/conventions", "/conventions/1", "/reports/impact?year=2025-2026&convention=1"}},
}

// flow is a page reached by doing something rather than by its address: a form sent with
// errors, a button. It runs after the account's pages, and checks the pages it reaches with
// b.check.
type flow struct {
	account string
	name    string
	run     func(t *testing.T, b *browser)
}

var flows = []flow{
	{"mediation@demo.test", "a referral drafted, consented, sent, acknowledged by the CAF", referralFlow},
	{"caf@demo.test", "a referral declined without reason", partnerDeclineFlow},
	{"coordination@demo.test", "partner organisations", partnerFormFlow},
	{"coordination@demo.test", "the Arabic invitation edited with an unknown placeholder, then saved and validated", letterTemplateFlow},
	{"mediation@demo.test", "a meeting scheduled from a file, then a recap to write", meetingFlow},
	{"mediation@demo.test", "a collective action recorded with errors, then saved", activityFlow},
	{"coordination@demo.test", "a funding agreement recorded with errors, then saved; a unit value without source", conventionFlow},
	{"mediation@demo.test", "a conflict opened, and one recorded with a named party", conflictFlow},
	{"direction@demo.test", "a conflict read by the head teacher", headTeacherConflictFlow},
	{signedOut, "wrong password", func(t *testing.T, b *browser) {
		b.open(t, "/login")
		b.fill(t, map[string]string{"#email": "admin@demo.test", "#password": "pas-le-bon-mot-de-passe"})
		b.click(t, `form[action="/login"] button[type="submit"]`, http.StatusUnauthorized)
		if msg := b.text(t, `[role="alert"]`); msg == "" {
			t.Error("login with a wrong password shows no error message")
		}
		b.check(t, "/login after a wrong password")
	}},
	{signedOut, "language switch", func(t *testing.T, b *browser) {
		b.open(t, "/login")
		b.click(t, `button[name="lang"][value="en"]`, http.StatusOK)
		if lang := eval[string](t, b, `document.documentElement.lang`); lang != "en" {
			t.Fatalf(`after choosing English, <html lang=%q>, want "en"`, lang)
		}
		if p := b.location(t); p != "/login" {
			t.Errorf("the language switch went to %s, want back to /login", p)
		}
		b.check(t, "/login in English")
		b.click(t, `button[name="lang"][value="fr"]`, http.StatusOK)
		if lang := eval[string](t, b, `document.documentElement.lang`); lang != "fr" {
			t.Errorf(`after choosing French again, <html lang=%q>, want "fr"`, lang)
		}
	}},
	{"mediation@demo.test", "a file opened from the list", func(t *testing.T, b *browser) {
		b.open(t, "/pupils")
		b.click(t, `table tbody a[href^="/pupils/"]`, http.StatusOK)
		if b.count(t, "#followup-form") != 1 {
			t.Error("a mediator's file has no follow-up form")
		}
		if b.count(t, "#accesses tbody tr") < 1 {
			t.Error("a mediator's file has no access history, not even this view")
		}
		b.check(t, "a pupil's file")
		b.open(t, "/pupils?sort=risk")
		b.click(t, `table tbody a[href^="/pupils/"]`, http.StatusOK)
		b.click(t, `a[href$="/edit"]`, http.StatusOK)
		b.check(t, "a pupil's identity form")
	}},
	{"mediation@demo.test", "create a pupil, log a follow-up, find it on the worklist", func(t *testing.T, b *browser) {
		b.open(t, "/pupils/new")
		b.fill(t, map[string]string{"#last_name": "Vanhoutte", "#first_name": "Inès", "#birth_date": "2030-01-01", "#class_level": "4e"})
		b.click(t, `form[action="/pupils"] button[type="submit"]`, http.StatusUnprocessableEntity)
		if msg := b.text(t, "#birth_date-error"); !strings.Contains(msg, "futur") {
			t.Errorf("a birth date in the future gives %q", msg)
		}
		b.check(t, "/pupils/new sent with errors")
		b.fill(t, map[string]string{"#birth_date": "2012-10-03", "#class_name": "4e B",
			"#guardian0_name": "Mme Vanhoutte", "#guardian0_relation": "mère", "#guardian0_phone": "06 39 98 12 34", "#guardian0_home_language": "néerlandais"})
		b.click(t, `form[action="/pupils"] button[type="submit"]`, http.StatusOK)
		if h := b.text(t, "h1"); h != "Inès Vanhoutte" {
			t.Fatalf("after creating the file, the page's heading is %q", h)
		}
		b.fill(t, map[string]string{"#duration_minutes": "1000", "#note": "Premier entretien."})
		b.click(t, `#followup-form button[type="submit"]`, http.StatusUnprocessableEntity)
		b.check(t, "a follow-up sent with errors")
		b.fill(t, map[string]string{"#duration_minutes": "45", "#note": "Premier entretien avec Inès.",
			"#action_description": "Appeler Mme Vanhoutte", "#action_due_on": fixedNow.Format("2006-01-02")})
		b.click(t, `#followup-form button[type="submit"]`, http.StatusOK)
		if !strings.Contains(b.text(t, "#followups"), "Premier entretien avec Inès.") {
			t.Error("the follow-up is not on the file")
		}
		b.open(t, "/")
		if !strings.Contains(b.text(t, "main"), "Appeler Mme Vanhoutte") {
			t.Error("the next action is not on the worklist")
		}
		b.check(t, "the worklist with the new action")
	}},
	{"mediation@demo.test", "a prevention-group session: its page, its edit form, a decision sent with errors", caseReviewFlow("mediation")},
	{"direction@demo.test", "a prevention-group session read by the head teacher", caseReviewFlow("direction")},
	{"caf@demo.test", "two-factor sign-in: enrolment, recovery codes, the code step", secondFactorFlow},
	{"mediation@demo.test", "work never lost: undo, idle warning, probable duplicate", workNeverLostFlow},
	{"mediation@demo.test", "long pages: stacked list and compact header on a phone, error summary on a file", longPagesFlow},
	{"mediation@demo.test", "the main menu folded on a phone, opened with the keyboard", phoneMenuFlow},
	{"coordination@demo.test", "chart labels readable on a phone", chartLabelsFlow},
	{"admin@demo.test", "password form with errors", func(t *testing.T, b *browser) {
		b.open(t, "/account/password")
		b.fill(t, map[string]string{"#current_password": "pas-le-bon", "#new_password": "court", "#confirm_password": "autre"})
		b.click(t, `form[action="/account/password"] button[type="submit"]`, http.StatusUnprocessableEntity)
		if n := b.count(t, ".field-error"); n != 3 {
			t.Errorf("password form sent with three errors shows %d field messages", n)
		}
		if n := b.count(t, `[aria-invalid="true"]`); n != 3 {
			t.Errorf("password form sent with three errors marks %d fields invalid", n)
		}
		b.check(t, "/account/password sent with errors")
	}},
}

// concurrentTabs is how many parts of TestPages run at once, each in a tab. Within a part the
// test, the browser and the server wait for each other in turn, so that a part keeps about one
// core busy: three keep both cores of the project's machines busy.
const concurrentTabs = 3

// part is what one tab of TestPages does, on a demo site of its own: sign in as the account
// (unless signedOut), open the paths, run the flows, sign out.
type part struct {
	name    string
	account string
	paths   []string
	flows   []flow
}

// parts makes a part of each account of the pages table: its pages, then its flows. The
// longest come first (a flow opens about three pages), so that none of them starts last.
// Splitting them finer would sign in more often, and open more tabs, for more CPU time.
func parts() []part {
	var all []part
	for _, p := range pages {
		pt := part{name: p.account, account: p.account, paths: p.paths}
		if p.account == signedOut {
			pt.name = "signed out"
		} else {
			pt.paths = append(append([]string(nil), everyAccount...), p.paths...)
		}
		for _, f := range flows {
			if f.account == p.account {
				pt.flows = append(pt.flows, f)
			}
		}
		all = append(all, pt)
	}
	size := func(p part) int { return len(p.paths) + 3*len(p.flows) }
	slices.SortStableFunc(all, func(a, b part) int { return size(b) - size(a) })
	return all
}

// TestPages opens, in one headless Chromium, every page of the pages table as its account, and
// runs the flows; then the Nu HTML checker reads the HTML of all of them. The parts run a few at
// once, each in a tab and on a demo site of its own.
func TestPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	tl := findTools(t)
	c := startChromium(t, tl) // first: it skips the test when there is no Chromium
	image := demoImage(t)
	if c.axe == "" {
		t.Run("axe-core", func(t *testing.T) {
			t.Skipf("accessibility checks skipped: no axe-core at %s (run: npm ci --prefix .ci)", tl.axe)
		})
	}
	checkEveryRoleIsVisited(t)
	html := &checkedHTML{dir: t.TempDir()}
	t.Run("checks find faults", func(t *testing.T) { c.newTab(t, html).selfCheck(t) })

	todo := make(chan part, len(pages))
	for _, p := range parts() {
		todo <- p
	}
	close(todo)
	var wg sync.WaitGroup
	for range concurrentTabs {
		b := c.newTab(t, html)
		wg.Go(func() {
			for p := range todo {
				t.Run(p.name, func(t *testing.T) {
					b.start(t, newDemoSite(t, image))
					p.run(t, b)
				})
			}
		})
	}
	wg.Wait()
	t.Run("Nu HTML checker", func(t *testing.T) { html.validate(t, tl) })
}

// run does the part in the tab.
func (p part) run(t *testing.T, b *browser) {
	if p.account != signedOut {
		b.login(t, p.account, demodata.Password)
	}
	for _, path := range p.paths {
		b.visit(t, path)
	}
	for _, f := range p.flows {
		t.Run(f.name, func(t *testing.T) { f.run(t, b) })
	}
	if p.account != signedOut {
		b.logout(t)
	}
}

// checkEveryRoleIsVisited makes sure the pages table names demo accounts only, one of each role
// so that a new role cannot go untested, and that every flow's account is in it.
func checkEveryRoleIsVisited(t *testing.T) {
	t.Helper()
	seen, listed := map[models.Role]bool{}, map[string]bool{}
	for _, p := range pages {
		listed[p.account] = true
		if p.account != signedOut {
			seen[demoAccount(t, p.account).Role] = true
		}
	}
	for _, f := range flows {
		if !listed[f.account] {
			t.Errorf("flow %q: account %q is not in the pages table, so the flow never runs", f.name, f.account)
		}
	}
	var missing []string
	for _, a := range demodata.Accounts() {
		if !seen[a.Role] {
			missing = append(missing, string(a.Role)+" ("+a.Email+")")
			seen[a.Role] = true
		}
	}
	if len(missing) > 0 {
		t.Errorf("no account of these roles in the pages table: %s", strings.Join(missing, ", "))
	}
}

// secondFactorFlow turns the second factor on with a code computed from the secret shown, then
// signs in again through the code step, with a wrong code first, then a recovery code.
func secondFactorFlow(t *testing.T, b *browser) {
	b.open(t, "/account/security")
	secret := b.text(t, "#totp-secret")
	code, err := models.TOTPCode(secret, fixedNow)
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	b.fill(t, map[string]string{"#code": "000000"})
	if code == "000000" {
		b.fill(t, map[string]string{"#code": "111111"})
	}
	b.click(t, `form[action="/account/security"] button[type="submit"]`, http.StatusUnprocessableEntity)
	b.check(t, "/account/security with a wrong code")
	b.fill(t, map[string]string{"#code": code})
	b.click(t, `form[action="/account/security"] button[type="submit"]`, http.StatusOK)
	if n := b.count(t, "#recovery-codes li"); n != 10 {
		t.Fatalf("enrolment shows %d recovery codes, want 10", n)
	}
	b.check(t, "the recovery codes")
	recovery := b.text(t, "#recovery-codes li code")
	b.visit(t, "/account/security")
	b.logout(t)
	b.open(t, "/login")
	b.fill(t, map[string]string{"#email": "caf@demo.test", "#password": demodata.Password})
	b.click(t, `form[action="/login"] button[type="submit"]`, http.StatusOK)
	if p := b.location(t); p != "/login/code" {
		t.Fatalf("the password of an enrolled account led to %s, want /login/code", p)
	}
	b.check(t, "/login/code")
	b.fill(t, map[string]string{"#code": "pas-un-code"})
	b.click(t, `form[action="/login/code"] button[type="submit"]`, http.StatusUnauthorized)
	b.check(t, "/login/code with a wrong code")
	b.fill(t, map[string]string{"#code": recovery})
	b.click(t, `form[action="/login/code"] button[type="submit"]`, http.StatusOK)
	if p := b.location(t); p != "/" {
		t.Fatalf("a recovery code led to %s, want /", p)
	}
	b.who = "caf@demo.test"
}
