package app_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"mediation/app"
	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// A guardian's address of « javascript:alert(1)//@x.test » is refused beside the field, and an
// address stored before the check (or by an import) never becomes a link of another scheme on
// the pages that link addresses: the referral page, seen by the mediator and the partner.
func TestGuardianEmailIsAPlainAddress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		target := findCAFPupil(t, db)
		med := s.client(t)
		med.login("mediation@demo.test")
		path := fmt.Sprintf("/pupils/%d", target.pupil.ID)
		med.get(path)
		var before int64
		must(t, db.Model(&models.Guardian{}).Where("pupil_id = ?", target.pupil.ID).Count(&before).Error)
		for _, bad := range []string{"javascript:alert(1)//@x.test", "a b@x.test", "x@y"} {
			r := med.post(path+"/guardians", url.Values{"name": {"Mme Test"}, "email": {bad}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Adresse électronique invalide.") {
				t.Errorf("guardian email %q: %d %s", bad, r.Status, excerpt(r.Body))
			}
		}
		var after int64
		must(t, db.Model(&models.Guardian{}).Where("pupil_id = ?", target.pupil.ID).Count(&after).Error)
		if after != before {
			t.Fatalf("a refused guardian was stored: %d → %d", before, after)
		}
		if r := med.post(path+"/guardians", url.Values{"name": {"Mme Test"}, "email": {"mme.test@exemple.fr"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("good guardian: %d %s", r.Status, excerpt(r.Body))
		}
		// An address stored as it was before the check.
		must(t, db.Create(&models.Guardian{PupilID: target.pupil.ID, Name: "Ancien", Email: "javascript:alert(1)//@x.test"}).Error)
		page := med.get(fmt.Sprintf("/referrals/%d", target.referral.ID))
		if page.Status != http.StatusOK {
			t.Fatalf("referral page: %d", page.Status)
		}
		if !strings.Contains(page.Body, `href="mailto:mme.test@exemple.fr"`) {
			t.Errorf("a plain address is not a mailto link: %s", excerpt(page.Body))
		}
		for _, bad := range []string{`href="javascript`, `mailto:javascript`, `href="mailto:javascript`} {
			if strings.Contains(page.Body, bad) {
				t.Errorf("the referral page links %q", bad)
			}
		}
	})
}

// outageSite is the demo site whose database the test can take away: SQLite by closing the
// pool, PostgreSQL by cutting the TCP proxy the application reaches it through.
type outageSite struct {
	*site
	log *dbtest.LogBuffer
	cut func()
}

func newOutageSite(t *testing.T, u models.DatabaseURL) *outageSite {
	t.Helper()
	var p *proxy
	buf := &dbtest.LogBuffer{}
	s := newDemoSiteWith(t, u, func(cfg *app.Config) {
		if u.Dialect == models.DialectPostgres {
			target, _ := url.Parse(u.DSN)
			p = startProxy(t, target.Host)
			target.Host = p.addr
			cfg.DatabaseURL = target.String()
		}
		cfg.Logger = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	o := &outageSite{site: s, log: buf}
	o.cut = func() {
		if p != nil {
			p.cut()
			return
		}
		sqlDB, err := s.App.DB.DB()
		if err != nil {
			t.Fatal(err)
		}
		sqlDB.Close()
	}
	return o
}

// During a database outage a page and a form post answer 503 with Retry-After and a French
// message, for a signed-in user (whose session is read from the database) and for a visitor
// signing in; the log says what failed without the typed email or password.
func TestDatabaseOutageAnswers503(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newOutageSite(t, u)
		target := findCAFPupil(t, s.App.DB)
		med := s.client(t)
		med.login("mediation@demo.test")
		path := fmt.Sprintf("/pupils/%d", target.pupil.ID)
		if r := med.get(path); r.Status != http.StatusOK {
			t.Fatalf("before the outage: %d", r.Status)
		}
		visitor := s.client(t)
		visitor.get("/login")

		s.cut()
		const typedEmail, typedPassword = "typed.secret@exemple.test", "TypedPassw0rdSecret"
		checks := []struct {
			what string
			do   func() response
		}{
			{"page", func() response { return med.get(path) }},
			{"follow-up form", func() response {
				return med.post(path+"/followups", url.Values{"occurred_on": {"2026-11-25"}, "kind": {"family_phone"}, "duration_minutes": {"20"}})
			}},
			{"login form", func() response {
				return visitor.post("/login", url.Values{"email": {typedEmail}, "password": {typedPassword}})
			}},
		}
		for _, c := range checks {
			r := c.do()
			if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
				!strings.Contains(r.Body, "La base de données ne répond pas pour le moment") {
				t.Errorf("%s during the outage: %d, Retry-After %q: %s", c.what, r.Status, r.Header.Get("Retry-After"), excerpt(r.Body))
			}
		}
		log := s.log.String()
		if !strings.Contains(log, "status=503") {
			t.Errorf("the outage is not in the log:\n%s", log)
		}
		for _, secret := range []string{typedEmail, typedPassword, "typed.secret"} {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %q", secret)
			}
		}
	})
}

// The audit export neutralises a request id that the client chose (« -… » would be a formula
// in a spreadsheet) and ends with the line that says the file is complete.
func TestAuditCSVNeutralisesClientValues(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		admin := s.client(t)
		admin.get("/login")
		form := url.Values{"email": {"admin@demo.test"}, "password": {demodata.Password}, "_csrf": {admin.csrf}}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Request-ID", "-2-1-cmd-calc")
		if r := admin.do(req); r.Status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.Status)
		}
		r := admin.get("/admin/audit.csv?action=login")
		if r.Status != http.StatusOK {
			t.Fatalf("audit CSV: %d", r.Status)
		}
		if !strings.Contains(r.Body, ";'-2-1-cmd-calc\n") {
			t.Errorf("the client's request id is not neutralised:\n%s", r.Body)
		}
		for _, line := range strings.Split(r.Body, "\n") {
			for _, cellText := range strings.Split(line, ";") {
				if cellText != "" && strings.ContainsRune("=+-@\t\r", rune(cellText[0])) {
					t.Errorf("cell %q of line %q starts like a formula", cellText, line)
				}
			}
		}
		if !strings.HasSuffix(r.Body, "\n# fin de l'export\n") {
			t.Errorf("the export does not end with its final line: …%s", r.Body[max(0, len(r.Body)-200):])
		}
	})
}

// Several administrators (or one double click) create the same account at once: one account is
// created, every other post gets the form again with the field message, never a 500. The same
// from the command line.
func TestConcurrentCreationOfOneAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		const n = 4
		admins := make([]*client, n)
		for i := range admins {
			admins[i] = s.client(t)
			admins[i].login("admin@demo.test")
			admins[i].get("/admin/users/new")
		}
		form := func() url.Values {
			return url.Values{"email": {"double@demo.test"}, "display_name": {"Double"}, "role": {"coordinator"},
				"locale": {"fr"}, "active": {"on"}}
		}
		statuses := make([]int, n)
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range admins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := admins[i].post("/admin/users", form())
				statuses[i], bodies[i] = r.Status, r.Body
			}()
		}
		wg.Wait()
		created := 0
		for i, st := range statuses {
			switch {
			case st == http.StatusCreated:
				created++
			case st == http.StatusUnprocessableEntity && strings.Contains(bodies[i], "Un compte existe déjà avec cette adresse."):
			default:
				t.Errorf("post %d: %d %s", i, st, excerpt(bodies[i]))
			}
		}
		var accounts int64
		must(t, s.App.DB.Model(&models.User{}).Where("email = ?", "double@demo.test").Count(&accounts).Error)
		if created != 1 || accounts != 1 {
			t.Errorf("%d answered created, %d stored; want 1 and 1", created, accounts)
		}

		// mediation user add, three at once.
		errs := make([]error, 3)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = app.AddUser(context.Background(), app.Config{DatabaseURL: dbURLString(u), Hashing: testHashing}, app.NewAccount{
					Password: "une phrase de passe solide 2026", NewUser: models.NewUser{Email: "cli.double@demo.test",
						DisplayName: "CLI", Role: models.RoleCoordinator, Locale: "fr"}})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			var v models.ValidationError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &v) && v["email"].Key == "account.email_taken":
			default:
				t.Errorf("user add: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d command-line creations succeeded, want 1", ok)
		}
	})
}

// An account change and its audit event commit together: when the audit event cannot be
// written, the change is not made either, so that a change answered as failed has not happened
// (and no change escapes the log).
func TestAccountChangesCommitWithTheirAuditEvent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var target models.User
		must(t, db.Where("email = ?", "mediation2@demo.test").Take(&target).Error)
		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/users/new")
		// From now on the audit log refuses every event.
		must(t, db.Callback().Create().Before("gorm:create").Register("test:audit_down", func(tx *gorm.DB) {
			if tx.Statement.Table == "audit_events" {
				tx.AddError(errors.New("audit log unavailable"))
			}
		}))
		r := admin.post("/admin/users", url.Values{"email": {"orphan@demo.test"}, "display_name": {"Orphan"},
			"role": {"coordinator"}, "locale": {"fr"}, "active": {"on"}})
		if r.Status < 500 {
			t.Errorf("create without audit: %d", r.Status)
		}
		var n int64
		must(t, db.Model(&models.User{}).Where("email = ?", "orphan@demo.test").Count(&n).Error)
		if n != 0 {
			t.Error("an account was created though its creation was answered as failed and is not in the log")
		}
		admin.get(fmt.Sprintf("/admin/users/%d", target.ID))
		form := url.Values{"email": {target.Email}, "display_name": {"Renamed"}, "role": {"mediator"}, "locale": {"fr"}, "active": {"on"}}
		var est []uint
		must(t, db.Model(&models.UserEstablishment{}).Where("user_id = ?", target.ID).Pluck("establishment_id", &est).Error)
		for _, id := range est {
			form.Add("establishments", fmt.Sprint(id))
		}
		if r := admin.post(fmt.Sprintf("/admin/users/%d", target.ID), form); r.Status < 500 {
			t.Errorf("update without audit: %d", r.Status)
		}
		var after models.User
		must(t, db.Take(&after, target.ID).Error)
		if after.DisplayName != target.DisplayName {
			t.Error("an account was changed though the change was answered as failed")
		}
		if r := admin.post(fmt.Sprintf("/admin/users/%d/password", target.ID), nil); r.Status < 500 {
			t.Errorf("password reset without audit: %d", r.Status)
		}
		must(t, db.Take(&after, target.ID).Error)
		if after.PasswordHash != target.PasswordHash || after.MustChangePassword != target.MustChangePassword {
			t.Error("a password was reset though the reset was answered as failed")
		}
	})
}

// formToken reads the idempotency token of the form that posts to action on a page.
func formToken(t *testing.T, page, action string) string {
	t.Helper()
	// The file's forms post to their section's anchor (action="…/followups#followup-form").
	i := strings.Index(page, `action="`+action+`"`)
	if i < 0 {
		i = strings.Index(page, `action="`+action+`#`)
	}
	if i < 0 {
		t.Fatalf("no form posting to %s", action)
	}
	m := regexp.MustCompile(`name="_submission" value="([0-9a-f]{32})"`).FindStringSubmatch(page[i:])
	if m == nil {
		t.Fatalf("the form posting to %s has no submission token", action)
	}
	return m[1]
}

// Ten parallel submits of one follow-up form (one token) create one follow-up, and each answer
// leads where the first did. A pupil file sent twice is created once; every creation form
// carries its token; a malformed token is refused.
func TestCreationFormsAreIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		target := findCAFPupil(t, db)
		path := fmt.Sprintf("/pupils/%d", target.pupil.ID)
		med := s.client(t)
		med.login("mediation@demo.test")
		page := med.get(path)
		for _, action := range []string{path + "/followups", path + "/guardians", path + "/meetings", path + "/referrals"} {
			formToken(t, page.Body, action)
		}
		token := formToken(t, page.Body, path+"/followups")
		count := func() int64 {
			var n int64
			must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ?", target.pupil.ID).Count(&n).Error)
			return n
		}
		before := count()
		const n = 10
		answers := make([]response, n)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = med.post(path+"/followups", url.Values{"occurred_on": {"2026-11-25"}, "kind": {"family_phone"},
					"duration_minutes": {"20"}, "note": {"Appel unique."}, "_submission": {token}})
			}()
		}
		wg.Wait()
		for i, r := range answers {
			if want := path + "#followup-form"; r.Status != http.StatusSeeOther || r.Location != want {
				t.Errorf("submit %d: %d → %q, want 303 → %s", i, r.Status, r.Location, want)
			}
		}
		if got := count() - before; got != 1 {
			t.Errorf("%d parallel submits of one form created %d follow-ups, want 1", n, got)
		}
		// Another form (another token) creates again.
		if r := med.post(path+"/followups", url.Values{"occurred_on": {"2026-11-25"}, "kind": {"family_phone"},
			"duration_minutes": {"20"}, "_submission": {formToken(t, med.get(path).Body, path+"/followups")}}); r.Status != http.StatusSeeOther || count()-before != 2 {
			t.Errorf("a new form: %d, %d created", r.Status, count()-before)
		}
		// A pupil file sent twice: created once, the repeat leads to it.
		newForm := med.get("/pupils/new")
		ptoken := formToken(t, newForm.Body, "/pupils")
		form := func() url.Values {
			return url.Values{"establishment_id": {fmt.Sprint(target.pupil.EstablishmentID)}, "last_name": {"Doublon"}, "first_name": {"Léa"},
				"birth_date": {"03/10/2012"}, "class_level": {"4e"}, "class_name": {"4e B"}, "_submission": {ptoken}}
		}
		first := med.post("/pupils", form())
		second := med.post("/pupils", form())
		var pupils int64
		must(t, db.Model(&models.Pupil{}).Where("last_name = ?", "Doublon").Count(&pupils).Error)
		if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther || second.Location != first.Location || pupils != 1 {
			t.Errorf("pupil sent twice: %d → %q, %d → %q, %d stored", first.Status, first.Location, second.Status, second.Location, pupils)
		}
		if r := med.get(second.Location); !strings.Contains(r.Body, "Ce formulaire avait déjà été envoyé") {
			t.Error("the repeat does not say that the form had been sent already")
		}
		if r := med.post(path+"/followups", url.Values{"occurred_on": {"2026-11-25"}, "kind": {"family_phone"},
			"duration_minutes": {"20"}, "_submission": {"bad token!"}}); r.Status != http.StatusBadRequest {
			t.Errorf("malformed token: %d", r.Status)
		}
		// The other creation forms carry a token too.
		admin := s.client(t)
		admin.login("admin@demo.test")
		formToken(t, admin.get("/admin/users/new").Body, "/admin/users")
		coord := s.client(t)
		coord.login("coordination@demo.test")
		formToken(t, coord.get("/partners/new").Body, "/partners")
	})
}
