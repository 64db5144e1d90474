package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

var shownPassword = regexp.MustCompile(`<code>([A-Za-z0-9]{20})</code>`)

func TestAdministratorManagesAccounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures, camus models.Establishment
		dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		dbtest.Must(t, db.Where("name = ?", "Collège Albert Camus").Take(&camus).Error)
		admin := s.client(t)
		admin.login("admin@demo.test")

		// Bad input: 422, a message beside each field, nothing stored.
		r := admin.post("/admin/users", url.Values{"email": {"pas-une-adresse"}, "display_name": {""}, "role": {"mediator"}, "locale": {"fr"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid account: %d", r.Status)
		}
		for _, id := range []string{"email-error", "display_name-error", "establishments-error"} {
			if !strings.Contains(r.Body, `id="`+id+`"`) {
				t.Errorf("invalid account: no %s", id)
			}
		}
		if r := admin.post("/admin/users", url.Values{"email": {"mediation@demo.test"}, "display_name": {"Doublon"}, "role": {"coordinator"}, "locale": {"fr"}, "active": {"on"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Un compte existe déjà avec cette adresse.") {
			t.Errorf("duplicate email: %d", r.Status)
		}

		// A new mediator with a temporary password shown once.
		r = admin.post("/admin/users", url.Values{"email": {"Nouvelle.Mediatrice@demo.test"}, "display_name": {"Inès Nouvelle"},
			"role": {"mediator"}, "locale": {"fr"}, "active": {"on"}, "establishments": {fmt.Sprint(jaures.ID), fmt.Sprint(camus.ID)}})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, excerpt(r.Body))
		}
		m := shownPassword.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("the temporary password is not shown")
		}
		var created models.User
		dbtest.Must(t, db.Preload("Establishments").Where("email = ?", "nouvelle.mediatrice@demo.test").Take(&created).Error)
		if !created.MustChangePassword || len(created.Establishments) != 2 {
			t.Fatalf("created account: %+v", created)
		}

		// Its owner must change it before anything else.
		owner := s.client(t)
		owner.get("/login")
		if r := owner.post("/login", url.Values{"email": {"nouvelle.mediatrice@demo.test"}, "password": {m[1]}}); r.Location != "/account/password" {
			t.Fatalf("first login → %q", r.Location)
		}
		if r := owner.get("/"); r.Status != http.StatusSeeOther || r.Location != "/account/password" {
			t.Errorf("home before the change: %d → %q", r.Status, r.Location)
		}
		r = owner.get("/account/password")
		if !strings.Contains(r.Body, "provisoire") {
			t.Error("the forced change is not explained")
		}
		// Weak, mismatched, wrong current: each beside its field.
		r = owner.post("/account/password", url.Values{"current_password": {"faux"}, "new_password": {"court"}, "confirm_password": {"autre"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Le mot de passe actuel est incorrect.") ||
			!strings.Contains(r.Body, "au moins 12 caractères") || !strings.Contains(r.Body, "Les deux saisies") {
			t.Errorf("bad change: %d %s", r.Status, excerpt(r.Body))
		}
		r = owner.post("/account/password", url.Values{"current_password": {m[1]}, "new_password": {"nouvelle.mediatrice-2026"}, "confirm_password": {"nouvelle.mediatrice-2026"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "adresse électronique") {
			t.Errorf("password with the email: %d", r.Status)
		}
		r = owner.post("/account/password", url.Values{"current_password": {m[1]}, "new_password": {"les dunes de Malo au printemps"}, "confirm_password": {"les dunes de Malo au printemps"}})
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("change: %d %s", r.Status, excerpt(r.Body))
		}
		if r := owner.get("/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "À faire") {
			t.Errorf("home after the change: %d", r.Status)
		}

		// Deactivation: the open session stops at its next request, and login is refused.
		r = admin.post(fmt.Sprintf("/admin/users/%d", created.ID), url.Values{"email": {created.Email}, "display_name": {"Inès Nouvelle"},
			"role": {"head_teacher"}, "locale": {"fr"}, "establishments": {fmt.Sprint(jaures.ID)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("update: %d %s", r.Status, excerpt(r.Body))
		}
		if r := owner.get("/"); r.Status != http.StatusSeeOther {
			t.Errorf("deactivated account still signed in: %d", r.Status)
		}
		owner.get("/login")
		if r := owner.post("/login", url.Values{"email": {created.Email}, "password": {"les dunes de Malo au printemps"}}); r.Status != http.StatusForbidden ||
			!strings.Contains(r.Body, "désactivé") {
			t.Errorf("login of a deactivated account: %d", r.Status)
		}

		// An administrator cannot lock themselves out.
		var self models.User
		dbtest.Must(t, db.Where("email = ?", "admin@demo.test").Take(&self).Error)
		r = admin.post(fmt.Sprintf("/admin/users/%d", self.ID), url.Values{"email": {self.Email}, "display_name": {self.DisplayName}, "role": {"admin"}, "locale": {"fr"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("self-deactivation: %d", r.Status)
		}

		// A reset gives a new temporary password; the old one stops working.
		r = admin.post(fmt.Sprintf("/admin/users/%d/password", created.ID), nil)
		if r.Status != http.StatusOK || shownPassword.FindStringSubmatch(r.Body) == nil {
			t.Errorf("reset: %d", r.Status)
		}

		// Every change is in the audit log, without any password.
		var events []models.AuditEvent
		dbtest.Must(t, db.Where("record_type = ? AND record_id = ?", "user", fmt.Sprint(created.ID)).Order("id").Find(&events).Error)
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
			if strings.Contains(e.Detail, m[1]) || strings.Contains(e.Detail, "dunes") {
				t.Errorf("a password is in the audit log: %q", e.Detail)
			}
			if e.RemoteIP == "" {
				t.Errorf("audit event %s has no address", e.Action)
			}
		}
		want := "user_created login password_check_failed password_changed user_changed login_failed password_changed"
		if strings.Join(actions, " ") != want {
			t.Errorf("audit trail %q, want %q", strings.Join(actions, " "), want)
		}
		var changed models.AuditEvent
		dbtest.Must(t, db.Where("action = ? AND record_id = ?", models.AuditUserChanged, fmt.Sprint(created.ID)).Take(&changed).Error)
		if !strings.Contains(changed.Detail, "role: mediator → head_teacher") || !strings.Contains(changed.Detail, "active: true → false") {
			t.Errorf("change detail %q", changed.Detail)
		}

		// The list filters by role, state and text.
		r = admin.get("/admin/users?role=partner")
		if !strings.Contains(r.Body, "caf@demo.test") || strings.Contains(r.Body, "admin@demo.test</a>") || !strings.Contains(r.Body, "2 comptes") {
			t.Errorf("filter by role: %s", excerpt(r.Body))
		}
		if r := admin.get("/admin/users?state=inactive&q=nouvelle"); !strings.Contains(r.Body, "nouvelle.mediatrice@demo.test") || !strings.Contains(r.Body, "1 compte") {
			t.Errorf("filter by state and text: %s", excerpt(r.Body))
		}
		if r := admin.get("/admin/users/999999"); r.Status != http.StatusNotFound {
			t.Errorf("unknown account: %d", r.Status)
		}
	})
}

// route is one page of the application and the roles that may reach it; every other role gets
// 404 and a visitor is sent to the login page. Later issues add their routes here.
type route struct {
	method, path string
	roles        []models.Role
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	all := models.Roles
	admin := []models.Role{models.RoleAdmin}
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		var target models.User
		dbtest.Must(t, s.App.DB.Where("email = ?", "mediation4@demo.test").Take(&target).Error)
		routes := []route{
			{"GET", "/", all},
			{"GET", "/account/password", all},
			{"GET", "/notifications", all},
			{"POST", "/notifications/read", all},
			{"GET", "/account/notifications", all},
			{"POST", "/account/notifications", all},
			{"GET", "/admin/mail", admin},
			{"POST", fmt.Sprintf("/admin/mail/%d/retry", failedMail(t, s.App.DB).ID), admin},
			{"GET", "/admin/users", admin},
			{"GET", "/admin/users/new", admin},
			{"GET", fmt.Sprintf("/admin/users/%d", target.ID), admin},
			{"POST", fmt.Sprintf("/admin/users/%d/password", target.ID), admin},
			{"POST", "/admin/users", admin},
			{"POST", fmt.Sprintf("/admin/users/%d", target.ID), admin},
		}
		policy := []models.Role{models.RoleCoordinator, models.RoleAdmin}
		routes = append(routes, route{"GET", "/settings/risk", policy}, route{"POST", "/settings/risk", policy})
		routes = append(routes, referralRoutes(t, s.App.DB)...)
		routes = append(routes, adminRoutes()...)
		routes = append(routes, meetingRoutes(t, s.App.DB)...)
		routes = append(routes, conflictRoutes(t, s.App.DB)...)
		routes = append(routes, caseReviewRoutes(t, s.App.DB)...)
		routes = append(routes, reportRoutes(t, s.App.DB)...)
		routes = append(routes, activityRoutes(t, s.App.DB)...)
		routes = append(routes, conventionRoutes(t, s.App.DB)...)
		routes = append(routes, impactRoutes(demoAgreement(t, s.App.DB, "CAF du Nord"))...)
		routes = append(routes, letterRoutes(t, s.App.DB)...)
		routes = append(routes, caseworkRoutes(t, s.App.DB)...)
		accounts := map[models.Role]string{
			models.RoleMediator: "mediation@demo.test", models.RoleHeadTeacher: "direction@demo.test", models.RolePartner: "caf@demo.test",
			models.RoleCoordinator: "coordination@demo.test", models.RoleAdmin: "admin@demo.test",
		}
		for _, role := range models.Roles {
			cl := s.client(t)
			cl.login(accounts[role])
			for _, rt := range routes {
				var r response
				if rt.method == "GET" {
					r = cl.get(rt.path)
				} else {
					r = cl.post(rt.path, url.Values{})
				}
				allowed := false
				for _, ok := range rt.roles {
					allowed = allowed || ok == role
				}
				switch {
				case allowed && r.Status == http.StatusNotFound:
					t.Errorf("%s %s as %s: 404, want access", rt.method, rt.path, role)
				case !allowed && r.Status != http.StatusNotFound:
					t.Errorf("%s %s as %s: %d, want 404", rt.method, rt.path, role, r.Status)
				}
			}
		}
		// Out of scope: the mediator of another establishment gets 404 on every record route of
		// the first mediator's pupil, as if it did not exist.
		other := s.client(t)
		other.login("mediation2@demo.test")
		for _, rt := range routes[len(routes)-len(caseworkRoutes(t, s.App.DB)):] {
			if !strings.ContainsAny(rt.path, "0123456789") { // lists and new-record forms are not records
				continue
			}
			var r response
			if rt.method == "GET" {
				r = other.get(rt.path)
			} else {
				r = other.post(rt.path, url.Values{})
			}
			if r.Status != http.StatusNotFound {
				t.Errorf("%s %s by another establishment's mediator: %d, want 404", rt.method, rt.path, r.Status)
			}
		}
		visitor := s.client(t)
		for _, rt := range routes {
			var r response
			if rt.method == "GET" {
				r = visitor.get(rt.path)
			} else {
				r = visitor.post(rt.path, url.Values{})
			}
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
				t.Errorf("%s %s as a visitor: %d → %q, want the login page", rt.method, rt.path, r.Status, r.Location)
			}
		}
	})
}
