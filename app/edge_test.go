package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// countingSite serves the same application on a second server that counts the bytes the
// application reads from each request body, so that a test sees what a refusal cost.
func countingSite(t *testing.T, s *site) (*site, *atomic.Int64) {
	t.Helper()
	var read atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &read}
		s.App.Echo.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &site{App: s.App, URL: srv.URL, Clock: s.Clock}, &read
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// filler is an endless source of bytes, so that a large upload costs the test no memory.
type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// bigUpload posts a multipart import of size bytes of file, with the client's CSRF token, its
// length declared or not (chunked), and returns the answer.
func (c *client) bigUpload(size int64, declared bool) response {
	c.t.Helper()
	boundary := "edgeboundary"
	head := fmt.Sprintf("--%[1]s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%[2]s\r\n"+
		"--%[1]s\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nestablishments\r\n"+
		"--%[1]s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n", boundary, c.csrf)
	tail := fmt.Sprintf("\r\n--%s--\r\n", boundary)
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(filler{}, size), strings.NewReader(tail))
	req, _ := http.NewRequest(http.MethodPost, c.site.URL+"/admin/imports", body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if declared {
		req.ContentLength = int64(len(head)+len(tail)) + size
	} else {
		req.ContentLength = -1
	}
	return c.do(req)
}

// TestUploadsAreRefusedBeforeTheirBodyIsRead: a visitor's or another role's upload is refused
// without its body being read, an oversize one at once, and a normal one still works.
func TestUploadsAreRefusedBeforeTheirBodyIsRead(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s, read := countingSite(t, newDemoSite(t, u))
		const few = 4 << 10
		check := func(what string, r response, status int, maxRead int64) {
			t.Helper()
			if r.Status != status {
				t.Errorf("%s: %d, want %d (%s)", what, r.Status, status, excerpt(r.Body))
			}
			if n := read.Swap(0); n > maxRead {
				t.Errorf("%s: the application read %d bytes of the body (at most %d)", what, n, maxRead)
			}
		}

		visitor := s.client(t)
		visitor.get("/login")
		read.Store(0)
		r := visitor.bigUpload(20<<20, false)
		check("anonymous chunked upload of 20 MiB", r, http.StatusSeeOther, few)
		if r.Location != "/login" {
			t.Errorf("anonymous upload sent to %q, not to the login page", r.Location)
		}
		check("anonymous upload of 1 GiB", visitor.bigUpload(1<<30, true), http.StatusRequestEntityTooLarge, few)

		mediator := s.client(t)
		mediator.login("mediation@demo.test")
		read.Store(0)
		check("a mediator's upload to the administration", mediator.bigUpload(20<<20, false), http.StatusNotFound, few)

		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/imports")
		read.Store(0)
		r = admin.bigUpload(60<<20, true)
		check("declared upload of 60 MiB", r, http.StatusRequestEntityTooLarge, few)
		if !strings.Contains(r.Body, "dépasse la taille permise (51 Mo au plus)") {
			t.Errorf("oversize upload: no French message with the limit: %s", excerpt(r.Body))
		}
		r = admin.bigUpload(60<<20, false)
		check("chunked upload of 60 MiB", r, http.StatusRequestEntityTooLarge, 52<<20)
		if !strings.Contains(r.Body, "dépasse la taille permise (51 Mo au plus)") {
			t.Errorf("oversize chunked upload: no French message: %s", excerpt(r.Body))
		}

		admin.get("/admin/imports")
		directory := "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;etat\n" +
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n"
		r = admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto"}, "annuaire.csv", []byte(directory))
		if r.Status != http.StatusOK || !applyForm.MatchString(r.Body) {
			t.Errorf("normal upload: %d %s", r.Status, excerpt(r.Body))
		}
	})
}

// TestControlCharactersAndInvalidUTF8AreRefused: a NUL byte, another control character or
// bytes that are not UTF-8, in a form, a query or a path, give a 400 with a French message on
// both databases, and nothing is written.
func TestControlCharactersAndInvalidUTF8AreRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		var caf models.PartnerOrganisation
		must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
		file := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		today := calendar.Today(fixedNow).Format("2006-01-02")

		med := s.client(t)
		med.login("mediation@demo.test")
		med.get(file)
		visitor := s.client(t)
		visitor.get("/login")
		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/imports")

		pupil := func(last, first string) url.Values {
			return url.Values{"establishment_id": {fmt.Sprint(mp.pupil.EstablishmentID)}, "last_name": {last}, "first_name": {first},
				"birth_date": {"03/10/2012"}, "class_level": {"4e"}, "class_name": {"4e B"}}
		}
		followUp := func(note string) url.Values {
			return url.Values{"occurred_on": {today}, "kind": {"family_phone"}, "duration_minutes": {"20"}, "note": {note}}
		}
		meeting := scheduleForm(mp, "2026-11-26", "10:30")
		meeting.Set("purpose", "Point\x00sur l'assiduité")
		status := url.Values{"status": {"monitoring"}, "comment": {"Passage en veille\x07"}, "version": {fmt.Sprint(mp.pupil.Version)}}
		cases := []struct {
			name string
			send func() response
		}{
			{"pupil with a NUL", func() response { return med.post("/pupils", pupil("Van\x00houtte", "Inès")) }},
			{"pupil in Latin-1", func() response { return med.post("/pupils", pupil("Vanhoutte", "In\xe8s")) }},
			{"follow-up note with a NUL", func() response { return med.post(file+"/followups", followUp("Appel\x00 à la mère")) }},
			{"follow-up note with an escape", func() response { return med.post(file+"/followups", followUp("Appel \x1b[31m")) }},
			{"meeting", func() response { return med.post(file+"/meetings", meeting) }},
			{"referral", func() response {
				return med.post(file+"/referrals", url.Values{"partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"},
					"request": {"Aide au logement\x00, dossier en attente."}})
			}},
			{"status comment", func() response { return med.post(file+"/status", status) }},
			{"login email", func() response {
				return visitor.post("/login", url.Values{"email": {"mediation@demo.test\x00"}, "password": {"pas le bon mot de passe"}})
			}},
			{"login email not UTF-8", func() response {
				return visitor.post("/login", url.Values{"email": {"m\xe9diation@demo.test"}, "password": {"pas le bon mot de passe"}})
			}},
			{"search with a NUL", func() response { return med.get("/pupils?q=%00") }},
			{"search not UTF-8", func() response { return med.get("/pupils?q=%FF") }},
			{"establishment NUL", func() response { return med.get("/establishments/%00") }},
			{"establishment not UTF-8", func() response { return med.get("/establishments/0590%E9") }},
			{"upload field", func() response {
				return admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto\x00"}, "annuaire.csv", []byte("a;b\n"))
			}},
			{"upload file name", func() response {
				return admin.upload("/admin/imports", map[string]string{"kind": "establishments"}, "annuaire\x00.csv", []byte("a;b\n"))
			}},
		}
		tables := []string{"pupils", "follow_ups", "meetings", "referrals", "pupil_status_changes", "login_throttles", "audit_events", "import_uploads"}
		count := func() map[string]int64 {
			n := map[string]int64{}
			for _, table := range tables {
				var c int64
				must(t, db.Table(table).Count(&c).Error)
				n[table] = c
			}
			return n
		}
		before := count()
		for _, c := range cases {
			r := c.send()
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "caractères non valides") {
				t.Errorf("%s: %d, want 400 with the French message (%s)", c.name, r.Status, excerpt(r.Body))
			}
		}
		after := count()
		for _, table := range tables {
			if after[table] != before[table] {
				t.Errorf("%s: %d rows → %d after refused requests", table, before[table], after[table])
			}
		}
		// Tabs and line breaks are text: a note in several lines is kept.
		if r := med.post(file+"/followups", followUp("Appel à la mère :\r\n\t- rendez-vous pris")); r.Status != http.StatusSeeOther {
			t.Errorf("a note in several lines: %d %s", r.Status, excerpt(r.Body))
		}
	})
}

// TestPasswordChangeEndsTheOtherSessions: changing one's password ends the account's other
// sessions and keeps this one; an administrator's reset ends them all.
func TestPasswordChangeEndsTheOtherSessions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		here, elsewhere := s.client(t), s.client(t)
		here.login("mediation@demo.test")
		elsewhere.login("mediation@demo.test")
		if r := elsewhere.get("/"); r.Status != http.StatusOK {
			t.Fatalf("second session: %d", r.Status)
		}
		here.get("/account/password")
		next := "Tournesol bleu, marée haute sur 7 falaises"
		r := here.post("/account/password", url.Values{"current_password": {demodata.Password}, "new_password": {next}, "confirm_password": {next}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("password change: %d %s", r.Status, excerpt(r.Body))
		}
		if r := here.get("/"); r.Status != http.StatusOK {
			t.Errorf("the session that changed the password ended: %d", r.Status)
		}
		if r := elsewhere.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("the other session survived the password change: %d → %q", r.Status, r.Location)
		}

		var head models.User
		must(t, db.Where("email = ?", "direction@demo.test").Take(&head).Error)
		office, home := s.client(t), s.client(t)
		office.login(head.Email)
		home.login(head.Email)
		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get(fmt.Sprintf("/admin/users/%d", head.ID))
		if r := admin.post(fmt.Sprintf("/admin/users/%d/password", head.ID), nil); r.Status != http.StatusOK {
			t.Fatalf("reset: %d %s", r.Status, excerpt(r.Body))
		}
		for name, cl := range map[string]*client{"office": office, "home": home} {
			if r := cl.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
				t.Errorf("%s session survived the administrator's reset: %d → %q", name, r.Status, r.Location)
			}
		}
		var left int64
		must(t, db.Model(&models.Session{}).Where("user_id = ?", head.ID).Count(&left).Error)
		if left != 0 {
			t.Errorf("%d sessions of the reset account left in the store", left)
		}
		if r := admin.get("/admin/users"); r.Status != http.StatusOK {
			t.Errorf("the administrator was signed out: %d", r.Status)
		}
	})
}

// TestCSRFTokenIsRotatedAtLoginAndLogout: a token read before signing in no longer passes once
// signed in, nor the signed-in one after signing out.
func TestCSRFTokenIsRotatedAtLoginAndLogout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.get("/login")
		before := cl.csrf
		cl.login("mediation@demo.test")
		cl.get("/")
		if cl.csrf == "" || cl.csrf == before {
			t.Fatalf("token after login %q, before %q", cl.csrf, before)
		}
		signedIn := cl.csrf
		if r := cl.post("/logout", url.Values{"_csrf": {before}}); r.Status != http.StatusForbidden {
			t.Errorf("the token from before login still passes: %d", r.Status)
		}
		if r := cl.post("/logout", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("logout with the current token: %d", r.Status)
		}
		cl.get("/login")
		if cl.csrf == "" || cl.csrf == signedIn {
			t.Fatalf("token after logout %q, signed in %q", cl.csrf, signedIn)
		}
		r := cl.post("/login", url.Values{"email": {"mediation@demo.test"}, "password": {demodata.Password}, "_csrf": {signedIn}})
		if r.Status != http.StatusForbidden {
			t.Errorf("the signed-in token still passes after logout: %d", r.Status)
		}
	})
}

// TestIdleTimeoutIsNeverShorterThanConfigured: the last request, not the last time the session
// was written, starts the 30 idle minutes; the session ends at most a minute after them.
func TestIdleTimeoutIsNeverShorterThanConfigured(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.login("mediation@demo.test")
		stored := func() models.Session {
			var row models.Session
			must(t, s.App.DB.Where("token = ?", cl.cookie("mediation_session")).Take(&row).Error)
			return row
		}
		first := stored()
		s.Clock.Advance(50 * time.Second)
		if r := cl.get("/"); r.Status != http.StatusOK {
			t.Fatalf("50 s after login: %d", r.Status)
		}
		// A request within the minute does not write the session.
		if again := stored(); !again.Expiry.Equal(first.Expiry) || string(again.Data) != string(first.Data) {
			t.Errorf("the session was written again 50 s after login: expiry %v → %v", first.Expiry, again.Expiry)
		}
		s.Clock.Advance(29*time.Minute + 50*time.Second)
		if r := cl.get("/"); r.Status != http.StatusOK {
			t.Fatalf("29 min 50 s after the last request: %d → %q", r.Status, r.Location)
		}
		s.Clock.Advance(31 * time.Minute)
		if r := cl.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("31 idle minutes: %d → %q", r.Status, r.Location)
		}
	})
}
