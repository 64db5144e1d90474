package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/dbtest"
)

func TestEachRoleSignsInToItsHome(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cases := []struct {
			email   string
			want    []string
			notWant []string
		}{
			{"mediation@demo.test", []string{"À faire", `href="/pupils"`, "Sans contact depuis 21 jours"}, []string{"/admin/users"}},
			{"direction@demo.test", []string{"Mes établissements", "Collège Jean Jaurès"}, []string{"Collège Louise Michel"}},
			{"caf@demo.test", []string{"CAF du Nord", "Envoyées"}, []string{"Brouillons", "Mes établissements"}},
			{"coordination@demo.test", []string{"Coordination métropolitaine", "Collège Jean Jaurès", "CAF du Nord"}, []string{"dossiers élèves"}},
			{"admin@demo.test", []string{"Comptes par rôle", `href="/admin/users"`}, nil},
		}
		for _, c := range cases {
			cl := s.client(t)
			cl.login(c.email)
			r := cl.get("/")
			if r.Status != http.StatusOK {
				t.Fatalf("%s home: %d", c.email, r.Status)
			}
			for _, w := range c.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s home lacks %q", c.email, w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(r.Body, w) {
					t.Errorf("%s home shows %q", c.email, w)
				}
			}
			if !strings.Contains(r.Body, `action="/logout"`) {
				t.Errorf("%s home has no logout form", c.email)
			}
			if r := cl.post("/logout", nil); r.Status != http.StatusSeeOther || r.Location != "/login" {
				t.Errorf("%s logout: %d → %q", c.email, r.Status, r.Location)
			}
			if r := cl.get("/login"); !strings.Contains(r.Body, "Vous êtes déconnecté") {
				t.Errorf("%s: no logout message", c.email)
			}
			if r := cl.get("/"); r.Status != http.StatusSeeOther {
				t.Errorf("%s still signed in after logout: %d", c.email, r.Status)
			}
		}
		// The coordinator and the administrator never see a pupil's name.
		var names []string
		dbtest.Must(t, s.App.DB.Model(&models.Pupil{}).Limit(40).Pluck("last_name", &names).Error)
		for _, email := range []string{"coordination@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(email)
			body := cl.get("/").Body
			for _, n := range names {
				if strings.Contains(body, ">"+n+"<") || strings.Contains(body, " "+n+" ") {
					t.Errorf("%s home shows the pupil name %q", email, n)
				}
			}
		}
	})
}

func TestWrongCredentialsAreOneMessage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		wrong := cl.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {"pas le bon mot de passe"}})
		unknown := cl.post("/login", url.Values{"email": {"personne@demo.test"}, "password": {"pas le bon mot de passe"}})
		for _, r := range []response{wrong, unknown} {
			if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Adresse électronique ou mot de passe incorrect.") {
				t.Errorf("failed login: %d %s", r.Status, excerpt(r.Body))
			}
		}
		if strings.ReplaceAll(wrong.Body, "mediation@demo.test", "X") != strings.ReplaceAll(unknown.Body, "personne@demo.test", "X") {
			t.Error("the answers to a wrong password and to an unknown email differ")
		}
		if r := cl.post("/login", url.Values{"email": {""}, "password": {""}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `id="email-error"`) || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Errorf("empty form: %d %s", r.Status, excerpt(r.Body))
		}
		var failed int64
		dbtest.Must(t, s.App.DB.Model(&models.AuditEvent{}).Where("action = ?", models.AuditLoginFailed).Count(&failed).Error)
		if failed != 2 {
			t.Errorf("%d failed logins audited, want 2", failed)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		for i := 0; i < 5; i++ {
			if r := cl.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {"mauvais mot de passe"}}); r.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, r.Status)
			}
			s.Clock.Advance(time.Minute)
		}
		// The sixth attempt waits, even with the right password.
		r := cl.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {"mediation-demo"}})
		if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Réessayez dans 10 minutes") || r.Header.Get("Retry-After") == "" {
			t.Fatalf("sixth attempt: %d %s", r.Status, excerpt(r.Body))
		}
		// Another account from the same address is not held: a school shares one address.
		if r := cl.post("/login", url.Values{"email": {"direction@demo.test"}, "password": {"mediation-demo"}}); r.Status != http.StatusSeeOther {
			t.Errorf("another account from the same address: %d", r.Status)
		}
		s.Clock.Advance(10 * time.Minute)
		cl.login("mediation@demo.test")
	})
}

func TestSessionFixationAndRenewal(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.setCookie("mediation_session", "attacker-chosen-token")
		cl.login("mediation@demo.test")
		first := cl.cookie("mediation_session")
		if first == "" || first == "attacker-chosen-token" {
			t.Fatalf("session token after login: %q", first)
		}
		cl.post("/logout", nil)
		cl.login("mediation@demo.test")
		second := cl.cookie("mediation_session")
		if second == first {
			t.Fatal("the session id was not renewed at login")
		}
		// The old token opens nothing.
		old := s.client(t)
		old.setCookie("mediation_session", first)
		if r := old.get("/"); r.Status != http.StatusSeeOther {
			t.Errorf("old session token still signed in: %d", r.Status)
		}
		for _, h := range []string{"HttpOnly", "SameSite=Lax"} {
			cl2 := s.client(t)
			cl2.get("/login")
			r := cl2.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {"mediation-demo"}})
			if !strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), "\n"), h) {
				t.Errorf("session cookie lacks %s: %v", h, r.Header.Values("Set-Cookie"))
			}
		}
	})
}

func TestIdleAndAbsoluteExpiry(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.login("mediation@demo.test")
		s.Clock.Advance(29 * time.Minute)
		if r := cl.get("/"); r.Status != http.StatusOK {
			t.Fatalf("after 29 idle minutes: %d", r.Status)
		}
		s.Clock.Advance(29 * time.Minute)
		if r := cl.get("/"); r.Status != http.StatusOK {
			t.Fatalf("29 minutes after the last request: %d", r.Status)
		}
		s.Clock.Advance(31 * time.Minute)
		r := cl.get("/account/password")
		if r.Status != http.StatusSeeOther || r.Location != "/login?next=%2Faccount%2Fpassword" {
			t.Fatalf("after 31 idle minutes: %d → %q", r.Status, r.Location)
		}
		if r := cl.get(r.Location); !strings.Contains(r.Body, "Votre session a expiré") {
			t.Error("no expiry message on the login page")
		}
		// Signing in again goes back to the page asked for.
		r = cl.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {"mediation-demo"}, "next": {"/account/password"}})
		if r.Status != http.StatusSeeOther || r.Location != "/account/password" {
			t.Errorf("login with next: %d → %q", r.Status, r.Location)
		}
		// An active session still ends after its absolute lifetime of 12 hours.
		for i := 0; i < 28; i++ { // 11 h 40 of activity
			s.Clock.Advance(25 * time.Minute)
			if r := cl.get("/"); r.Status != http.StatusOK {
				t.Fatalf("active session ended after %d minutes", (i+1)*25)
			}
		}
		s.Clock.Advance(25 * time.Minute)
		if r := cl.get("/"); r.Status != http.StatusSeeOther {
			t.Errorf("session alive after 12 h 05: %d", r.Status)
		}
		// A next that leaves the site is ignored.
		r = cl.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {"mediation-demo"}, "next": {"//evil.example/"}})
		if r.Location != "/" {
			t.Errorf("open redirect: → %q", r.Location)
		}
	})
}

func TestCSRFRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.login("admin@demo.test")
		var before int64
		dbtest.Must(t, s.App.DB.Model(&models.User{}).Count(&before).Error)
		form := url.Values{"email": {"nouveau@demo.test"}, "display_name": {"Nouveau"}, "role": {"coordinator"}, "locale": {"fr"}, "active": {"on"}}
		for _, token := range []string{"", "wrong-token"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("_csrf", token)
			if r := cl.post("/admin/users", f); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Action refusée") {
				t.Errorf("token %q: %d", token, r.Status)
			}
		}
		if r := cl.post("/logout", url.Values{"_csrf": {"wrong"}}); r.Status != http.StatusForbidden {
			t.Errorf("logout with a wrong token: %d", r.Status)
		}
		if r := cl.get("/"); r.Status != http.StatusOK {
			t.Error("a refused logout signed out")
		}
		var after int64
		dbtest.Must(t, s.App.DB.Model(&models.User{}).Count(&after).Error)
		if after != before {
			t.Errorf("accounts %d → %d after refused posts", before, after)
		}
	})
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.login("admin@demo.test")
		for _, path := range []string{"/", "/login", "/admin/users", "/nowhere", "/static/app.css", "/healthz"} {
			r := cl.get(path)
			for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
				if got := r.Header.Get(name); got != want {
					t.Errorf("%s: %s = %q", path, name, got)
				}
			}
			if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			if r.Header.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s: HSTS sent over plain HTTP", path)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/login", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
			t.Error("no HSTS behind TLS")
		}
	})
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		big := strings.Repeat("a", 3<<20)
		r := cl.post("/login", url.Values{"email": {big}, "password": {"x"}})
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("3 MiB form: %d", r.Status)
		}
	})
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		visitor := s.client(t)
		visitor.get("/login")
		if r := visitor.post("/language", url.Values{"lang": {"en"}, "next": {"/login"}}); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Fatalf("switch: %d → %q", r.Status, r.Location)
		}
		if r := visitor.get("/login"); !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, "Sign in") {
			t.Error("the visitor's page is not in English")
		}
		if r := visitor.post("/language", url.Values{"lang": {"de"}}); r.Status != http.StatusBadRequest {
			t.Errorf("unknown language: %d", r.Status)
		}
		user := s.client(t)
		user.login("mediation@demo.test")
		user.post("/language", url.Values{"lang": {"en"}, "next": {"/"}})
		if r := user.get("/"); !strings.Contains(r.Body, "To do") || !strings.Contains(r.Body, "All files") {
			t.Errorf("signed-in page not in English: %s", excerpt(r.Body))
		}
		var locale string
		dbtest.Must(t, s.App.DB.Model(&models.User{}).Where("email = ?", "mediation@demo.test").Pluck("locale", &locale).Error)
		if locale != "en" {
			t.Errorf("the preference was not stored: %q", locale)
		}
		// The preference follows the account to another browser.
		other := s.client(t)
		other.login("mediation@demo.test")
		if r := other.get("/"); !strings.Contains(r.Body, `<html lang="en">`) {
			t.Error("the stored preference is not used at the next login")
		}
	})
}
