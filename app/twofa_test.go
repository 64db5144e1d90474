package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

var (
	totpSecretField = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`)
	recoveryCodes   = regexp.MustCompile(`<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>`)
)

// totpAt is the code an authenticator app holding secret shows at t.
func totpAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := models.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrongTOTP is a six-digit code that no step around at accepts.
func wrongTOTP(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	near := map[string]bool{}
	for s := -2; s <= 2; s++ {
		near[totpAt(t, secret, at.Add(time.Duration(s)*30*time.Second))] = true
	}
	for n := 123456; ; n++ {
		if c := fmt.Sprintf("%06d", n%1000000); !near[c] {
			return c
		}
	}
}

// enrol turns the second factor on for the signed-in client, with the secret the page shows
// as text and a code computed from it at the site's clock; it returns the secret and the
// recovery codes shown.
func (c *client) enrol() (string, []string) {
	c.t.Helper()
	t := c.t.(*testing.T)
	page := c.get("/account/security")
	m := totpSecretField.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		t.Fatalf("security page: %d, no #totp-secret: %s", page.Status, excerpt(page.Body))
	}
	if !strings.Contains(page.Body, `src="data:image/png;base64,`) {
		t.Error("the security page has no QR code drawn by the server")
	}
	r := c.post("/account/security", url.Values{"code": {totpAt(t, m[1], c.site.Clock.Now())}})
	codes := recoveryCodes.FindAllStringSubmatch(r.Body, -1)
	if r.Status != http.StatusOK || len(codes) != models.RecoveryCodeCount {
		t.Fatalf("enrolment: %d, %d recovery codes: %s", r.Status, len(codes), excerpt(r.Body))
	}
	out := make([]string, len(codes))
	for i, m := range codes {
		out[i] = m[1]
	}
	return m[1], out
}

// password signs in with the password alone and returns the answer.
func (c *client) password(email string) response {
	c.t.Helper()
	c.get("/login")
	return c.post("/login", url.Values{"email": {email}, "password": {demodata.Password}})
}

func userID(t *testing.T, s *site, email string) uint {
	t.Helper()
	var u models.User
	if err := s.App.DB.Where("email = ?", email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func auditCount(t *testing.T, s *site, action, recordID, detail string) int64 {
	t.Helper()
	var n int64
	q := s.App.DB.Model(&models.AuditEvent{}).Where("action = ? AND record_id = ?", action, recordID)
	if detail != "" {
		q = q.Where("detail LIKE ?", "%"+detail+"%")
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSecondFactorEnrolAndSignIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		const email = "mediation@demo.test"
		id := fmt.Sprint(userID(t, s, email))
		cl := s.client(t)
		cl.login(email)
		if r := cl.get("/account/password"); !strings.Contains(r.Body, `href="/account/security"`) {
			t.Error("the account page has no link to the second factor")
		}
		page := cl.get("/account/security")
		if !strings.Contains(page.Body, "pas activée : votre mot de passe") {
			t.Errorf("security page before enrolment: %s", excerpt(page.Body))
		}
		secret := totpSecretField.FindStringSubmatch(page.Body)[1]
		if again := cl.get("/account/security"); !strings.Contains(again.Body, secret) {
			t.Error("the secret offered changed on reload, before it was confirmed")
		}

		// A wrong confirmation code is refused beside the field, and turns nothing on.
		r := cl.post("/account/security", url.Values{"code": {wrongTOTP(t, secret, s.Clock.Now())}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="code-error"`) ||
			!strings.Contains(r.Body, "Code incorrect") || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("wrong confirmation code: %d %s", r.Status, excerpt(r.Body))
		}
		if on, err := models.HasSecondFactor(t.Context(), s.App.DB, userID(t, s, email)); err != nil || on {
			t.Fatalf("a wrong code turned it on (%v)", err)
		}
		_, codes := cl.enrol()
		if auditCount(t, s, models.AuditTwoFactorEnabled, id, "") != 1 {
			t.Error("enrolment not audited")
		}
		if r := cl.get("/account/security"); !strings.Contains(r.Body, "activée depuis le 25/11/2026") ||
			strings.Contains(r.Body, "totp-secret") || !strings.Contains(r.Body, "10 codes de secours") {
			t.Errorf("security page after enrolment: %s", excerpt(r.Body))
		}
		cl.post("/logout", nil)

		// The password alone opens nothing: the session waits for a code.
		cl = s.client(t)
		if r := cl.password(email); r.Status != http.StatusSeeOther || r.Location != "/login/code" {
			t.Fatalf("password of an enrolled account: %d → %q", r.Status, r.Location)
		}
		for _, p := range []string{"/", "/pupils", "/account/security"} {
			if r := cl.get(p); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
				t.Errorf("%s before the code: %d → %q", p, r.Status, r.Location)
			}
		}
		form := cl.get("/login/code")
		for _, want := range []string{`name="code"`, `autocomplete="one-time-code"`, `inputmode="numeric"`, `<label for="code">`} {
			if !strings.Contains(form.Body, want) {
				t.Errorf("code form lacks %s", want)
			}
		}
		// The code that confirmed the enrolment was used: the same step is refused.
		if r := cl.post("/login/code", url.Values{"code": {totpAt(t, storedSecret(t, s, email), s.Clock.Now())}}); r.Status != http.StatusUnauthorized ||
			!strings.Contains(r.Body, `id="code-error"`) {
			t.Fatalf("replayed code: %d %s", r.Status, excerpt(r.Body))
		}
		s.Clock.Advance(30 * time.Second)
		code := totpAt(t, storedSecret(t, s, email), s.Clock.Now())
		before := cl.cookie("mediation_session")
		if r := cl.post("/login/code", url.Values{"code": {code}}); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("good code: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		if cl.cookie("mediation_session") == before {
			t.Error("the session id did not change when the code opened the session")
		}
		if r := cl.get("/pupils"); r.Status != http.StatusOK {
			t.Errorf("signed in with the code, /pupils: %d", r.Status)
		}
		if auditCount(t, s, models.AuditLogin, id, "second_factor=totp") != 1 {
			t.Error("login with a code not audited as such")
		}
		cl.post("/logout", nil)

		// The same code again, in another sign-in within its step: refused.
		cl = s.client(t)
		cl.password(email)
		if r := cl.post("/login/code", url.Values{"code": {code}}); r.Status != http.StatusUnauthorized {
			t.Errorf("a code accepted twice: %d", r.Status)
		}
		// A recovery code works once.
		if r := cl.post("/login/code", url.Values{"code": {strings.ToUpper(codes[0])}}); r.Status != http.StatusSeeOther {
			t.Fatalf("recovery code: %d %s", r.Status, excerpt(r.Body))
		}
		if r := cl.get("/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "il vous en reste 9") {
			t.Errorf("after a recovery code: %d, no count of codes left", r.Status)
		}
		cl.post("/logout", nil)
		cl = s.client(t)
		cl.password(email)
		if r := cl.post("/login/code", url.Values{"code": {codes[0]}}); r.Status != http.StatusUnauthorized {
			t.Errorf("a recovery code used twice: %d", r.Status)
		}

		// Signed in: new recovery codes need a current code; the old ones stop working.
		if r := cl.post("/login/code", url.Values{"code": {codes[1]}}); r.Status != http.StatusSeeOther {
			t.Fatalf("second recovery code: %d", r.Status)
		}
		cl.get("/account/security")
		if r := cl.post("/account/security/recovery-codes", url.Values{"code": {"999999"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `id="regenerate-code-error"`) {
			t.Errorf("regenerate with a wrong code: %d %s", r.Status, excerpt(r.Body))
		}
		s.Clock.Advance(30 * time.Second)
		r = cl.post("/account/security/recovery-codes", url.Values{"code": {totpAt(t, storedSecret(t, s, email), s.Clock.Now())}})
		if fresh := recoveryCodes.FindAllStringSubmatch(r.Body, -1); r.Status != http.StatusOK || len(fresh) != 10 ||
			r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("regenerate: %d, %d codes", r.Status, len(fresh))
		}
		if auditCount(t, s, models.AuditRecoveryCodesRegenerated, id, "") != 1 {
			t.Error("regeneration not audited")
		}
		// Turning it off takes a current code; then the password alone signs in again.
		cl.get("/account/security")
		if r := cl.post("/account/security/disable", url.Values{"code": {""}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `id="disable-code-error"`) {
			t.Errorf("disable without a code: %d", r.Status)
		}
		s.Clock.Advance(30 * time.Second)
		if r := cl.post("/account/security/disable", url.Values{"code": {totpAt(t, storedSecret(t, s, email), s.Clock.Now())}}); r.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d %s", r.Status, excerpt(r.Body))
		}
		if auditCount(t, s, models.AuditTwoFactorDisabled, id, "by=self") != 1 {
			t.Error("disabling not audited")
		}
		cl.post("/logout", nil)
		s.client(t).login(email)
	})
}

// storedSecret reads the stored secret, as the user's app holds it.
func storedSecret(t *testing.T, s *site, email string) string {
	t.Helper()
	sf, err := models.SecondFactorOf(t.Context(), s.App.DB, userID(t, s, email))
	if err != nil {
		t.Fatal(err)
	}
	return sf.Secret
}

func TestWrongCodesAreThrottledAndAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		const email = "caf@demo.test"
		id := fmt.Sprint(userID(t, s, email))
		cl := s.client(t)
		cl.login(email)
		sec, _ := cl.enrol()
		cl.post("/logout", nil)

		cl = s.client(t)
		cl.password(email)
		for i := range 5 {
			if r := cl.post("/login/code", url.Values{"code": {wrongTOTP(t, sec, s.Clock.Now())}}); r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong code %d: %d", i+1, r.Status)
			}
			s.Clock.Advance(20 * time.Second)
		}
		if n := auditCount(t, s, models.AuditLoginFailed, id, "second factor"); n != 5 {
			t.Errorf("%d wrong codes audited, want 5", n)
		}
		// The sixth waits, even with the right code.
		r := cl.post("/login/code", url.Values{"code": {totpAt(t, sec, s.Clock.Now())}})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Réessayez dans") {
			t.Fatalf("sixth code: %d %s", r.Status, excerpt(r.Body))
		}
		// The wait is per account: the address may still sign others in.
		s.client(t).login("departement@demo.test")

		// The password step expires after five minutes: the code form sends back to /login.
		s.Clock.Advance(5 * time.Minute)
		if r := cl.post("/login/code", url.Values{"code": {totpAt(t, sec, s.Clock.Now())}}); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Errorf("code after the pending step expired: %d → %q", r.Status, r.Location)
		}
		// Once the window has passed, the password and a good code open the session.
		s.Clock.Advance(10 * time.Minute)
		cl = s.client(t)
		cl.password(email)
		if r := cl.post("/login/code", url.Values{"code": {totpAt(t, sec, s.Clock.Now())}}); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Errorf("good code after the wait: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
	})
}

func TestRoleRequiringSecondFactorForcesEnrolment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		coord := s.client(t)
		coord.login("coordination@demo.test")
		if r := coord.get("/"); !strings.Contains(r.Body, `href="/settings/security"`) {
			t.Error("the coordination has no navigation entry to the security settings")
		}
		if r := coord.get("/settings/security"); r.Status != http.StatusOK || strings.Contains(r.Body, "checked") {
			t.Fatalf("security settings: %d, some role required by default", r.Status)
		}
		if r := coord.post("/settings/security", url.Values{"roles": {"mediator"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("save security settings: %d %s", r.Status, excerpt(r.Body))
		}
		if r := coord.get("/settings/security"); !strings.Contains(r.Body, `value="mediator" checked`) {
			t.Error("the setting did not stick")
		}
		partner := s.client(t)
		partner.login("caf@demo.test")
		if r := partner.get("/settings/security"); r.Status != http.StatusNotFound {
			t.Errorf("a partner reaches the security settings: %d", r.Status)
		}

		cl := s.client(t)
		if r := cl.password("mediation@demo.test"); r.Status != http.StatusSeeOther || r.Location != "/account/security" {
			t.Fatalf("password of a mediator without a second factor: %d → %q", r.Status, r.Location)
		}
		for _, p := range []string{"/", "/pupils", "/account/password", "/referrals", "/meetings"} {
			if r := cl.get(p); r.Status != http.StatusSeeOther || r.Location != "/account/security" {
				t.Errorf("%s before enrolment: %d → %q", p, r.Status, r.Location)
			}
		}
		if r := cl.post("/pupils", url.Values{"last_name": {"X"}}); r.Status != http.StatusSeeOther || r.Location != "/account/security" {
			t.Errorf("POST /pupils before enrolment: %d → %q", r.Status, r.Location)
		}
		page := cl.get("/account/security")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Votre rôle exige") || strings.Contains(page.Body, `href="/pupils"`) {
			t.Errorf("enrolment page of a required role: %d %s", page.Status, excerpt(page.Body))
		}
		if r := cl.post("/logout", nil); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Errorf("logout before enrolment: %d → %q", r.Status, r.Location)
		}
		cl = s.client(t)
		cl.password("mediation@demo.test")
		sec, _ := cl.enrol()
		if r := cl.get("/pupils"); r.Status != http.StatusOK {
			t.Errorf("after enrolment, /pupils: %d", r.Status)
		}
		cl.get("/account/security")
		s.Clock.Advance(30 * time.Second)
		if r := cl.post("/account/security/disable", url.Values{"code": {totpAt(t, sec, s.Clock.Now())}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "ne peut pas être désactivée") {
			t.Errorf("disable a required second factor: %d %s", r.Status, excerpt(r.Body))
		}
		// Other roles still sign in with the password alone.
		s.client(t).login("direction@demo.test")
	})
}

func TestAdministratorResetsSecondFactor(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		const email = "departement@demo.test"
		uid := userID(t, s, email)
		cl := s.client(t)
		cl.login(email)
		cl.enrol()
		admin := s.client(t)
		admin.login("admin@demo.test")
		page := admin.get(fmt.Sprintf("/admin/users/%d", uid))
		action := fmt.Sprintf(`action="/admin/users/%d/second-factor/reset"`, uid)
		if !strings.Contains(page.Body, action) || !strings.Contains(page.Body, "a activé la double authentification") {
			t.Fatalf("the admin's user page has no reset: %s", excerpt(page.Body))
		}
		r := admin.post(fmt.Sprintf("/admin/users/%d/second-factor/reset", uid), nil)
		if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/admin/users/%d", uid) {
			t.Fatalf("reset: %d → %q", r.Status, r.Location)
		}
		if page := admin.get(r.Location); !strings.Contains(page.Body, "est réinitialisée") || strings.Contains(page.Body, action) {
			t.Errorf("after reset: %s", excerpt(page.Body))
		}
		if on, err := models.HasSecondFactor(t.Context(), s.App.DB, uid); err != nil || on {
			t.Errorf("still on after the reset (%v)", err)
		}
		// The reset answers a lost or stolen phone: the account's open session ends.
		if r := cl.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("the account's session survived the reset: %d → %q", r.Status, r.Location)
		}
		if auditCount(t, s, models.AuditTwoFactorDisabled, fmt.Sprint(uid), "by=admin") != 1 {
			t.Error("reset not audited")
		}
		if r := admin.get("/admin/audit?action=" + models.AuditTwoFactorDisabled); !strings.Contains(r.Body, "Double authentification désactivée") {
			t.Error("the audit log does not name the reset")
		}
		s.client(t).login(email)
		// Nobody else can reset.
		other := s.client(t)
		other.login("coordination@demo.test")
		if r := other.post(fmt.Sprintf("/admin/users/%d/second-factor/reset", uid), nil); r.Status != http.StatusNotFound {
			t.Errorf("coordinator reset: %d", r.Status)
		}
	})
}

// A session whose password was accepted but whose code was not reaches no page but the code
// form: every route of the router is tried.
func TestPendingSecondFactorReachesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		const email = "admin@demo.test"
		cl := s.client(t)
		cl.login(email)
		cl.enrol()
		cl.post("/logout", nil)
		// The browser is signed in as someone else when the password is typed: that session
		// must not survive either.
		cl = s.client(t)
		cl.login("coordination@demo.test")
		if r := cl.post("/login", url.Values{"email": {email}, "password": {demodata.Password}}); r.Location != "/login/code" {
			t.Fatalf("password: %d → %q", r.Status, r.Location)
		}
		public := map[string]bool{"/login": true, "/login/code": true, "/language": true, "/healthz": true, "/readyz": true}
		param := regexp.MustCompile(`:[a-z]+|\*`)
		tried := 0
		for _, rt := range s.App.Echo.Routes() {
			if public[rt.Path] || strings.HasPrefix(rt.Path, "/static") || (rt.Method != http.MethodGet && rt.Method != http.MethodPost) {
				continue
			}
			path := param.ReplaceAllString(rt.Path, "1")
			var r response
			if rt.Method == http.MethodGet {
				r = cl.get(path)
			} else {
				r = cl.post(path, nil)
			}
			tried++
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
				t.Errorf("%s %s with a code pending: %d → %q", rt.Method, path, r.Status, r.Location)
			}
			cl.get("/login/code") // keep a CSRF token of this session
		}
		if tried < 40 {
			t.Errorf("only %d routes tried", tried)
		}
	})
}
