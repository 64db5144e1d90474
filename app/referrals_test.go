package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// cafPupil is a pupil of the Collège Jean Jaurès (the first demo mediator's and the head
// teacher's) with a referral to the CAF that the CAF sees, and the notes of its follow-ups.
type cafPupil struct {
	pupil    models.Pupil
	referral models.Referral
	notes    []string // follow-up notes, restricted or not, that no partner may read
}

func findCAFPupil(t *testing.T, db *gorm.DB) cafPupil {
	t.Helper()
	var jaures models.Establishment
	must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	var caf models.PartnerOrganisation
	must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
	var out cafPupil
	err := db.Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
		Where("referrals.partner_organisation_id = ? AND referrals.status = ? AND pupils.establishment_id = ? AND pupils.anonymised_at IS NULL",
			caf.ID, models.ReferralAccepted, jaures.ID).
		Where("EXISTS (SELECT 1 FROM follow_ups fu WHERE fu.pupil_id = pupils.id AND fu.note <> '')").
		Order("referrals.id").Select("referrals.*").Take(&out.referral).Error
	if err != nil {
		t.Fatalf("no accepted CAF referral on a Jaurès pupil with notes in the demo: %v", err)
	}
	must(t, db.Take(&out.pupil, out.referral.PupilID).Error)
	must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ? AND note <> ''", out.pupil.ID).Pluck("note", &out.notes).Error)
	return out
}

var referralLocation = regexp.MustCompile(`^/referrals/(\d+)$`)

// The scenario over HTTP: the mediator drafts, cannot send without consent, records it,
// sends once however many clicks; the CAF acknowledges and accepts, the Département, another
// establishment's mediator and the coordinator find nothing; the mediator reads the answer.
func TestReferralFlowOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		target := findCAFPupil(t, db)
		filePath := fmt.Sprintf("/pupils/%d", target.pupil.ID)
		var caf models.PartnerOrganisation
		must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)

		med := s.client(t)
		med.login("mediation@demo.test")
		file := med.get(filePath)
		if file.Status != http.StatusOK || !strings.Contains(file.Body, `id="referral-form"`) || !strings.Contains(file.Body, "CAF du Nord") {
			t.Fatalf("the file has no referral form: %d", file.Status)
		}
		// Bad draft: 422 on the file, messages beside the fields, nothing stored.
		var before int64
		dbtest.Must(t, db.Model(&models.Referral{}).Count(&before).Error)
		r := med.post(filePath+"/referrals", url.Values{"reason": {"bogus"}, "request": {"  "}})
		for _, id := range []string{"referral-partner-error", "referral-reason-error", "referral-request-error"} {
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="`+id+`"`) {
				t.Errorf("bad draft: %d, no %s", r.Status, id)
			}
		}
		var after int64
		dbtest.Must(t, db.Model(&models.Referral{}).Count(&after).Error)
		if after != before {
			t.Fatal("a refused draft was stored")
		}
		request := "Accompagner Mme dans sa demande d'aide au logement, dossier en attente depuis septembre."
		r = med.post(filePath+"/referrals", url.Values{"partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"}, "request": {request}})
		m := referralLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("draft: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		var ref models.Referral
		must(t, db.Where("id = ?", m[1]).Take(&ref).Error)
		page := med.get(path)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, `id="send-blocked"`) ||
			!strings.Contains(page.Body, html.EscapeString("Pas de consentement, pas d'orientation")) {
			t.Errorf("the draft's page does not say why it cannot be sent: %d", page.Status)
		}
		// The CAF does not see a draft.
		partner := s.client(t)
		partner.login("caf@demo.test")
		if r := partner.get(path); r.Status != http.StatusNotFound {
			t.Errorf("the CAF reads a draft: %d", r.Status)
		}
		// Sending without consent: refused with the reason, nothing changes.
		version := func() string {
			var cur models.Referral
			must(t, db.Take(&cur, ref.ID).Error)
			return fmt.Sprint(cur.Version)
		}
		r = med.post(path+"/send", url.Values{"version": {version()}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, html.EscapeString("Pas de consentement, pas d'orientation")) {
			t.Errorf("send without consent: %d", r.Status)
		}
		r = med.post(path+"/consent", url.Values{"version": {version()}, "consent_given_by": {"Mme Martin, mère"},
			"consent_given_on": {"2026-12-01"}, "consent_method": {"phone"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="consent_given_on-error"`) ||
			!strings.Contains(r.Body, `value="Mme Martin, mère"`) {
			t.Errorf("consent in the future: %d", r.Status)
		}
		r = med.post(path+"/consent", url.Values{"version": {version()}, "consent_given_by": {"Mme Martin, mère"},
			"consent_given_on": {"24/11/2026"}, "consent_method": {"phone"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("consent: %d %s", r.Status, excerpt(r.Body))
		}
		if page := med.get(path); strings.Contains(page.Body, `id="send-blocked"`) || !strings.Contains(page.Body, "Mme Martin, mère") {
			t.Error("after consent, the page still blocks sending or lacks the consent")
		}
		// A double click: the same form twice. One send, one transition, a clear message.
		form := url.Values{"version": {version()}}
		if r := med.post(path+"/send", form); r.Status != http.StatusSeeOther {
			t.Fatalf("send: %d %s", r.Status, excerpt(r.Body))
		}
		r = med.post(path+"/send", form)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, html.EscapeString("déjà été envoyée")) {
			t.Errorf("second send: %d %s", r.Status, excerpt(r.Body))
		}
		var sends int64
		dbtest.Must(t, db.Model(&models.ReferralTransition{}).Where("referral_id = ? AND to_status = ?", ref.ID, models.ReferralSent).Count(&sends).Error)
		if sends != 1 {
			t.Errorf("%d send transitions, want 1", sends)
		}

		// The CAF's inbox and the referral: what is asked, the pupil and the guardians, nothing
		// else of the file.
		inbox := partner.get("/referrals")
		if inbox.Status != http.StatusOK || !strings.Contains(inbox.Body, path) || !strings.Contains(inbox.Body, target.pupil.LastName) {
			t.Errorf("the inbox lacks the referral: %d", inbox.Status)
		}
		page = partner.get(path)
		var guardian models.Guardian
		dbtest.Must(t, db.Where("pupil_id = ?", target.pupil.ID).Order("id").Take(&guardian).Error)
		for _, want := range []string{html.EscapeString(request), target.pupil.FirstName, target.pupil.BirthDate.Format("02/01/2006"),
			html.EscapeString(guardian.Name), "Mme Martin, mère", `action="` + path + `/acknowledge"`} {
			if page.Status != http.StatusOK || !strings.Contains(page.Body, want) {
				t.Errorf("the partner's page lacks %q (%d)", want, page.Status)
			}
		}
		for _, p := range []string{path, "/referrals", fmt.Sprintf("/referrals/%d", target.referral.ID), "/referrals?status=accepted", "/"} {
			body := partner.get(p).Body
			for _, note := range target.notes {
				if strings.Contains(body, html.EscapeString(note)) || strings.Contains(body, note) {
					t.Errorf("the partner reads a follow-up note on %s: %.40q", p, note)
				}
			}
			for _, leak := range []string{`id="followups"`, `id="indicators"`, "Indicateurs par mois", `class="risk `, `href="/pupils/`} {
				if strings.Contains(body, leak) {
					t.Errorf("the partner's %s shows %q", p, leak)
				}
			}
		}
		// Another organisation, another establishment's mediator, the coordinator: 404.
		for _, email := range []string{"departement@demo.test", "mediation2@demo.test", "coordination@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(email)
			if r := cl.get(path); r.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", email, path, r.Status)
			}
			for _, action := range []string{"acknowledge", "withdraw"} {
				if r := cl.post(path+"/"+action, url.Values{"version": {version()}}); r.Status != http.StatusNotFound {
					t.Errorf("%s POST %s/%s: %d, want 404", email, path, action, r.Status)
				}
			}
			if inbox := cl.get("/referrals"); strings.Contains(inbox.Body, `href="`+path+`"`) {
				t.Errorf("%s's list holds the referral", email)
			}
		}
		// The CAF acknowledges; a decline without reason is refused; it accepts with a word.
		if r := partner.post(path+"/acknowledge", url.Values{"version": {version()}}); r.Status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", r.Status, excerpt(r.Body))
		}
		r = partner.post(path+"/decline", url.Values{"version": {version()}, "comment": {""}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="decline-comment-error"`) {
			t.Errorf("decline without reason: %d", r.Status)
		}
		r = partner.post(path+"/close", url.Values{"version": {version()}, "outcome": {"support_in_place"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, html.EscapeString("Seule une orientation acceptée ou refusée")) {
			t.Errorf("close before answering: %d", r.Status)
		}
		answer := "Rendez-vous fixé avec la conseillère logement le 2 décembre."
		if r := partner.post(path+"/accept", url.Values{"version": {version()}, "comment": {answer}}); r.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", r.Status, excerpt(r.Body))
		}
		// The mediator reads the answer on the referral and on the file.
		page = med.get(path)
		for _, want := range []string{"Acceptée", html.EscapeString(answer), "Sandrine Lheureux"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the mediator's page lacks %q", want)
			}
		}
		if file := med.get(filePath); !strings.Contains(file.Body, `href="`+path+`"`) {
			t.Error("the referral is not on the file")
		}
		// The head teacher reads it, without a form.
		head := s.client(t)
		head.login("direction@demo.test")
		if r := head.get(path); r.Status != http.StatusOK || strings.Contains(r.Body, `method="post" action="`+path) {
			t.Errorf("head teacher: %d, forms shown: %v", r.Status, strings.Contains(r.Body, `action="`+path))
		}
		// Each step is in the audit log, without the request.
		var steps, leaked int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND action IN ?", "referral", fmt.Sprint(ref.ID),
			[]string{models.AuditCreated, models.AuditChanged}).Count(&steps).Error)
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("detail LIKE ?", "%aide au logement%").Count(&leaked).Error)
		if steps != 5 || leaked != 0 { // created, consent, sent, acknowledged, accepted
			t.Errorf("%d audit events for the referral (want 5), %d with the request", steps, leaked)
		}
	})
}

// The inbox filters by status, establishment and delay, and marks the overdue referrals; the
// partner's home links each count to it.
func TestPartnerInbox(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var caf models.PartnerOrganisation
		must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
		cl := s.client(t)
		cl.login("caf@demo.test")
		home := cl.get("/")
		if !strings.Contains(home.Body, `href="/referrals?status=sent"`) || !strings.Contains(home.Body, `href="/referrals?overdue=1"`) {
			t.Error("the partner's home does not link to the inbox")
		}
		rowLinks := regexp.MustCompile(`<th scope="row"><a href="/referrals/(\d+)"`)
		count := func(q string) int {
			r := cl.get("/referrals" + q)
			if r.Status != http.StatusOK {
				t.Fatalf("GET /referrals%s: %d", q, r.Status)
			}
			return len(rowLinks.FindAllString(r.Body, -1))
		}
		var want int64
		must(t, db.Model(&models.Referral{}).Where("partner_organisation_id = ? AND sent_at IS NOT NULL", caf.ID).Count(&want).Error)
		if got := count(""); got != int(want) {
			t.Errorf("inbox: %d rows, want %d", got, want)
		}
		for _, st := range []models.ReferralStatus{models.ReferralSent, models.ReferralAccepted, models.ReferralClosed} {
			dbtest.Must(t, db.Model(&models.Referral{}).Where("partner_organisation_id = ? AND status = ?", caf.ID, st).Count(&want).Error)
			if got := count("?status=" + string(st)); got != int(want) || want == 0 {
				t.Errorf("inbox, %s: %d rows, want %d", st, got, want)
			}
		}
		if got := count("?status=draft"); got == 0 {
			t.Error("a draft filter empties the inbox instead of being ignored")
		}
		overdue := cl.get("/referrals?overdue=1")
		n := len(rowLinks.FindAllString(overdue.Body, -1))
		if n < 2 || strings.Count(overdue.Body, ">En retard</span>") != n {
			t.Errorf("overdue filter: %d rows, %d marks", n, strings.Count(overdue.Body, ">En retard</span>"))
		}
		var jaures models.Establishment
		dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		dbtest.Must(t, db.Model(&models.Referral{}).Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
			Where("referrals.partner_organisation_id = ? AND referrals.sent_at IS NOT NULL AND pupils.establishment_id = ?", caf.ID, jaures.ID).
			Count(&want).Error)
		if got := count(fmt.Sprintf("?establishment=%d", jaures.ID)); got != int(want) {
			t.Errorf("inbox, Jaurès: %d rows, want %d", got, want)
		}
		// The mediator's list holds their drafts too, the head teacher's its establishment's.
		med := s.client(t)
		med.login("mediation@demo.test")
		if r := med.get("/referrals?status=draft"); r.Status != http.StatusOK || len(rowLinks.FindAllString(r.Body, -1)) == 0 {
			t.Errorf("mediator's drafts: %d", r.Status)
		}
		head := s.client(t)
		head.login("direction@demo.test")
		if r := head.get("/referrals"); r.Status != http.StatusOK || strings.Contains(r.Body, "Collège Louise Michel") {
			t.Errorf("head teacher's list: %d", r.Status)
		}
	})
}

// The coordination manages the partner organisations; nobody else reaches the pages.
func TestPartnerOrganisationPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")
		if r := coord.get("/partners"); r.Status != http.StatusOK || !strings.Contains(r.Body, "CAF du Nord") {
			t.Fatalf("list: %d", r.Status)
		}
		coord.get("/partners/new")
		r := coord.post("/partners", url.Values{"name": {"caf du nord"}, "kind": {"bogus"}, "response_days": {"400"}, "contact_email": {"x"}})
		for _, id := range []string{"name-error", "kind-error", "response_days-error", "contact_email-error"} {
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="`+id+`"`) {
				t.Errorf("bad organisation: %d, no %s", r.Status, id)
			}
		}
		r = coord.post("/partners", url.Values{"name": {"Mission locale de Roubaix"}, "kind": {"mission_locale"}, "response_days": {""},
			"contact_name": {"Accueil"}, "contact_phone": {"03 20 00 00 00"}, "active": {"on"}})
		if r.Status != http.StatusSeeOther || r.Location != "/partners" {
			t.Fatalf("create: %d %s", r.Status, excerpt(r.Body))
		}
		var p models.PartnerOrganisation
		must(t, db.Where("name = ?", "Mission locale de Roubaix").Take(&p).Error)
		if p.ResponseDays != models.DefaultResponseDays || !p.Active {
			t.Errorf("created: %+v", p)
		}
		edit := fmt.Sprintf("/partners/%d", p.ID)
		if r := coord.get(edit); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="Mission locale de Roubaix"`) {
			t.Errorf("edit form: %d", r.Status)
		}
		if r := coord.post(edit, url.Values{"name": {"Mission locale de Roubaix"}, "kind": {"mission_locale"}, "response_days": {"21"}}); r.Status != http.StatusSeeOther {
			t.Errorf("update: %d", r.Status)
		}
		dbtest.Must(t, db.Take(&p, p.ID).Error)
		if p.ResponseDays != 21 || p.Active {
			t.Errorf("updated: %+v", p)
		}
		// Deactivated, it is no longer offered for new drafts.
		med := s.client(t)
		med.login("mediation@demo.test")
		target := findCAFPupil(t, db)
		if file := med.get(fmt.Sprintf("/pupils/%d", target.pupil.ID)); strings.Contains(file.Body, "Mission locale de Roubaix") {
			t.Error("an inactive organisation is offered")
		}
		if r := coord.get("/partners/99999"); r.Status != http.StatusNotFound {
			t.Errorf("missing organisation: %d", r.Status)
		}
		for _, email := range []string{"mediation@demo.test", "caf@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(email)
			if r := cl.get("/partners"); r.Status != http.StatusNotFound {
				t.Errorf("%s GET /partners: %d", email, r.Status)
			}
		}
	})
}

// referralRoutes lists the referral and partner routes for the authorization matrix: a CAF
// referral on a pupil of the Collège Jean Jaurès, which the demo mediator, the head teacher and
// the CAF agent all see.
func referralRoutes(t *testing.T, db *gorm.DB) []route {
	target := findCAFPupil(t, db)
	var caf models.PartnerOrganisation
	must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
	read := []models.Role{models.RoleMediator, models.RoleHeadTeacher, models.RolePartner}
	work := []models.Role{models.RoleMediator}
	answer := []models.Role{models.RolePartner}
	coord := []models.Role{models.RoleCoordinator}
	path := fmt.Sprintf("/referrals/%d", target.referral.ID)
	routes := []route{
		{"GET", "/referrals", read},
		{"GET", path, read},
		{"POST", fmt.Sprintf("/pupils/%d/referrals", target.pupil.ID), work},
		{"POST", path, work},
		{"POST", path + "/consent", work},
		{"POST", path + "/send", work},
		{"POST", path + "/withdraw", work},
		{"GET", "/partners", coord},
		{"GET", "/partners/new", coord},
		{"POST", "/partners", coord},
		{"GET", fmt.Sprintf("/partners/%d", caf.ID), coord},
		{"POST", fmt.Sprintf("/partners/%d", caf.ID), coord},
	}
	for _, a := range []string{"acknowledge", "accept", "decline", "close", "feedback"} {
		routes = append(routes, route{"POST", path + "/" + a, answer})
	}
	return routes
}

// A draft withdrawn before it was sent never had the family's consent: the partner it named
// finds it nowhere (inbox, counts, its page, its report), while a sent-then-withdrawn one stays
// in its inbox. The finding: today the withdrawn draft showed the pupil and guardians.
func TestWithdrawnDraftNeverReachesThePartner(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		target := findCAFPupil(t, db)
		var caf models.PartnerOrganisation
		must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
		partner := s.client(t)
		partner.login("caf@demo.test")
		homeBefore := partner.get("/").Body
		reportBefore := partner.get(fmt.Sprintf("/partners/%d/report", caf.ID))

		med := s.client(t)
		med.login("mediation@demo.test")
		request := "Demande jamais envoyée : la famille n'a pas consenti."
		r := med.post(fmt.Sprintf("/pupils/%d/referrals", target.pupil.ID), url.Values{
			"partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"}, "request": {request}})
		m := referralLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("draft: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		if r := med.post(path+"/withdraw", url.Values{"version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("withdraw the draft: %d %s", r.Status, excerpt(r.Body))
		}
		var ref models.Referral
		must(t, db.Where("id = ?", m[1]).Take(&ref).Error)
		if ref.Status != models.ReferralWithdrawn || ref.SentAt != nil {
			t.Fatalf("the draft is %s, sent at %v", ref.Status, ref.SentAt)
		}

		if r := partner.get(path); r.Status != http.StatusNotFound {
			t.Errorf("the CAF reads the withdrawn draft: %d", r.Status)
		}
		if r := partner.post(path+"/acknowledge", url.Values{"version": {fmt.Sprint(ref.Version)}}); r.Status != http.StatusNotFound {
			t.Errorf("the CAF acts on the withdrawn draft: %d", r.Status)
		}
		for _, q := range []string{"", "?status=withdrawn", "?status=draft"} {
			if r := partner.get("/referrals" + q); r.Status != http.StatusOK || strings.Contains(r.Body, `href="`+path+`"`) ||
				strings.Contains(r.Body, html.EscapeString(request)) {
				t.Errorf("the CAF's inbox%s lists the withdrawn draft (%d)", q, r.Status)
			}
		}
		if home := partner.get("/").Body; home != homeBefore {
			t.Error("the CAF's home counts changed with a draft it never received")
		}
		if r := partner.get(fmt.Sprintf("/partners/%d/report", caf.ID)); r.Status != reportBefore.Status || r.Body != reportBefore.Body {
			t.Error("the CAF's report changed with a draft it never received")
		}
		// What the partner does see is exactly what reached it.
		var reached int64
		must(t, db.Model(&models.Referral{}).Where("partner_organisation_id = ? AND sent_at IS NOT NULL", caf.ID).Count(&reached).Error)
		var visible int64
		must(t, models.ScopeOf(mustUser(t, db, "caf@demo.test")).Referrals(db.Table("referrals")).Count(&visible).Error)
		if visible != reached || reached == 0 {
			t.Errorf("the CAF's scope holds %d referrals, %d reached it", visible, reached)
		}
	})
}

// mustUser loads an account with its establishments by email.
func mustUser(t *testing.T, db *gorm.DB, email string) models.User {
	t.Helper()
	var u models.User
	must(t, db.Where("email = ?", email).Take(&u).Error)
	u, err := models.UserByID(context.Background(), db, u.ID)
	must(t, err)
	return u
}
