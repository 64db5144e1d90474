package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

var reviewLocation = regexp.MustCompile(`^/case-reviews/(\d+)$`)

// reviewForm is the session form as a browser sends it for the Collège Jean Jaurès.
func reviewForm(est uint, heldOn string, staff ...uint) url.Values {
	v := url.Values{"establishment_id": {fmt.Sprint(est)}, "held_on": {heldOn}, "kind": {"gpds"},
		"count_cpe": {"1"}, "count_nurse": {"1"}, "count_social_worker": {""}, "count_head_teacher": {""},
		"count_mediator": {""}, "count_teacher": {"2"}, "count_other": {""}}
	for _, id := range staff {
		v.Add("staff", fmt.Sprint(id))
	}
	return v
}

// The scenario over HTTP: the mediator prepares a session (bad input first), lists a
// file and a pupil named on the spot (the duplicate warning first), records the decisions (bad
// input first); they reach the worklist and the file's history, the minutes come out as a PDF;
// the head teacher reads the session without the confidential remark; a stale edit is refused.
func TestCaseReviewFlowOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		est := mp.pupil.EstablishmentID
		cl := s.client(t)
		cl.login("mediation@demo.test")

		r := cl.get("/case-reviews")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `href="/activities" aria-current="page">Vie scolaire`) ||
			!strings.Contains(r.Body, "GPDS") {
			t.Fatalf("list: %d %s", r.Status, excerpt(r.Body))
		}
		if r = cl.get("/case-reviews/new"); r.Status != http.StatusOK {
			t.Fatalf("new: %d", r.Status)
		}
		var before int64
		dbtest.Must(t, db.Model(&models.CaseReview{}).Count(&before).Error)
		r = cl.post("/case-reviews", reviewForm(est, "2024-01-10"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Une séance de plus d&#39;un an") {
			t.Fatalf("old session: %d %s", r.Status, excerpt(r.Body))
		}
		bad := reviewForm(est, "2026-11-24")
		bad.Set("count_teacher", "douze")
		r = cl.post("/case-reviews", bad)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Indiquez un nombre entre 0 et 50.") ||
			!strings.Contains(r.Body, `value="douze"`) {
			t.Fatalf("bad headcount: %d %s", r.Status, excerpt(r.Body))
		}
		var after int64
		dbtest.Must(t, db.Model(&models.CaseReview{}).Count(&after).Error)
		if after != before {
			t.Fatalf("a refused session was stored")
		}
		newForm := cl.get("/case-reviews/new").Body
		token := regexp.MustCompile(`name="_submission" value="([0-9a-f]{32})"`).FindStringSubmatch(newForm)
		if token == nil {
			t.Fatal("the session form has no submission token")
		}
		good := reviewForm(est, "2026-11-24", mp.mediator.ID)
		good.Set("_submission", token[1])
		r = cl.post("/case-reviews", good)
		m := reviewLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		// Sent again with the same token (a double click): the same session, not a second one.
		good.Del("_csrf")
		if again := cl.post("/case-reviews", good); again.Status != http.StatusSeeOther || again.Location != r.Location {
			t.Errorf("the form sent twice: %d %q, want %q", again.Status, again.Location, r.Location)
		}
		dbtest.Must(t, db.Model(&models.CaseReview{}).Count(&after).Error)
		if after != before+1 {
			t.Errorf("%d sessions made by one form sent twice", after-before)
		}
		path := r.Location
		if r = cl.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "déjà été envoyé") ||
			!strings.Contains(r.Body, "GPDS du 24/11/2026") {
			t.Fatalf("session: %d %s", r.Status, excerpt(r.Body))
		}
		var viewed int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND action = ?", "case_review", m[1],
			models.AuditPupilViewed).Count(&viewed).Error)
		if viewed != 1 {
			t.Errorf("views of the session audited: %d", viewed)
		}
		// A file of the establishment, then a pupil named on the spot who has the same name and
		// birth date as that file: the warning first, then the homonym confirmed.
		if r = cl.post(path+"/pupils", url.Values{"pupil_id": {"999999"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown file: %d", r.Status)
		}
		if r = cl.post(path+"/pupils", url.Values{"pupil_id": {fmt.Sprint(mp.pupil.ID)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("list a file: %d %s", r.Status, excerpt(r.Body))
		}
		newcomer := url.Values{"last_name": {mp.pupil.LastName}, "first_name": {mp.pupil.FirstName},
			"birth_date": {mp.pupil.BirthDate.Format("2006-01-02")}, "class_level": {string(mp.pupil.ClassLevel)}, "class_name": {""}}
		r = cl.post(path+"/new-pupil", newcomer)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, fmt.Sprintf(`href="/pupils/%d"`, mp.pupil.ID)) {
			t.Fatalf("probable duplicate: %d %s", r.Status, excerpt(r.Body))
		}
		newcomer.Set("homonym", "on")
		if r = cl.post(path+"/new-pupil", newcomer); r.Status != http.StatusSeeOther {
			t.Fatalf("new pupil: %d %s", r.Status, excerpt(r.Body))
		}
		var homonym models.Pupil
		dbtest.Must(t, db.Where("last_name = ? AND first_name = ? AND id <> ?", mp.pupil.LastName, mp.pupil.FirstName, mp.pupil.ID).
			Take(&homonym).Error)
		if homonym.Status != models.StatusIdentified || homonym.EstablishmentID != est {
			t.Errorf("new file: %+v", homonym)
		}
		// Decisions: a missing due date is refused and changes nothing; then one for each pupil.
		decision := func(pupil uint) string { return fmt.Sprintf("%s/pupils/%d/decision", path, pupil) }
		r = cl.post(decision(mp.pupil.ID), url.Values{"decision": {"family_meeting"}, "owner": {fmt.Sprint(mp.mediator.ID)}, "due_on": {""}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "aria-invalid") ||
			!strings.Contains(section(r.Body, `class="error-summary"`), fmt.Sprintf(`href="#d%d-due_on"`, mp.pupil.ID)) {
			t.Fatalf("decision without due date: %d %s", r.Status, excerpt(r.Body))
		}
		r = cl.post(decision(mp.pupil.ID), url.Values{"decision": {"family_meeting"}, "owner": {fmt.Sprint(mp.mediator.ID)},
			"due_on": {"2026-11-27"}, "note": {"Conflit avec le beau-père évoqué"}, "restricted": {"on"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("decision: %d %s", r.Status, excerpt(r.Body))
		}
		r = cl.post(decision(homonym.ID), url.Values{"decision": {"keep_watching"}, "owner": {"label"}, "owner_label": {"CPE"},
			"due_on": {"2026-12-15"}, "note": {"Revoir en janvier"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("decision for the new pupil: %d %s", r.Status, excerpt(r.Body))
		}
		// The worklist: the decision is the mediator's action due Friday, and the last session's
		// open decisions are listed.
		home := cl.get("/")
		if !strings.Contains(home.Body, "Décision du GPDS du 24/11 : rencontre avec la famille") ||
			!strings.Contains(home.Body, `id="wl-reviews"`) || !strings.Contains(home.Body, "Revoir") && !strings.Contains(home.Body, "CPE") {
			t.Errorf("worklist lacks the decisions: %s", excerpt(home.Body))
		}
		file := cl.get(fmt.Sprintf("/pupils/%d", mp.pupil.ID))
		if !strings.Contains(file.Body, "Décision du GPDS du 24/11/2026 : Rencontre avec la famille") {
			t.Errorf("the file's history lacks the decision: %s", excerpt(file.Body))
		}
		pdf := cl.get(path + "/minutes.pdf")
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatalf("minutes: %d %q", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		var exported int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND action = ?", "case_review", m[1],
			models.AuditPDFExported).Count(&exported).Error)
		if exported != 1 {
			t.Errorf("minutes exports audited: %d", exported)
		}

		// The head teacher reads the session, without the confidential remark.
		head := s.client(t)
		head.login("direction@demo.test")
		r = head.get(path)
		if r.Status != http.StatusOK || strings.Contains(r.Body, "beau-père") || !strings.Contains(r.Body, "Revoir en janvier") {
			t.Errorf("head teacher's view: %d %s", r.Status, excerpt(r.Body))
		}
		if r = head.get(fmt.Sprintf("/pupils/%d", mp.pupil.ID)); strings.Contains(r.Body, "beau-père") {
			t.Errorf("the head teacher reads the confidential remark on the file")
		}
		// An edit from a page read before the head teacher's change is refused (409).
		var rev models.CaseReview
		dbtest.Must(t, db.Take(&rev, m[1]).Error)
		form := reviewForm(est, "2026-11-24", mp.head.ID)
		form.Set("version", fmt.Sprint(rev.Version))
		if r = head.post(path, form); r.Status != http.StatusSeeOther {
			t.Fatalf("head teacher's edit: %d %s", r.Status, excerpt(r.Body))
		}
		form.Set("kind", "cellule_veille")
		form.Del("_csrf") // the head teacher's token
		if r = cl.post(path, form); r.Status != http.StatusConflict || !strings.Contains(r.Body, "modifiée entre-temps") {
			t.Errorf("stale edit: %d %s", r.Status, excerpt(r.Body))
		}
		dbtest.Must(t, db.Take(&rev, m[1]).Error)
		if rev.Kind != models.ReviewGPDS {
			t.Errorf("the stale edit changed the session: %s", rev.Kind)
		}

		// Another establishment's mediator finds nothing.
		other := s.client(t)
		other.login("mediation2@demo.test")
		if r = other.get(path); r.Status != http.StatusNotFound {
			t.Errorf("another establishment's mediator: %d", r.Status)
		}
		if r = other.get("/case-reviews"); strings.Contains(r.Body, fmt.Sprintf(`href="%s"`, path)) {
			t.Errorf("another establishment's mediator lists the session")
		}
	})
}

// caseReviewRoutes are the prevention group's pages for the authorization matrix: mediators
// and head teachers reach them all, on a demo session of the Collège Jean Jaurès.
func caseReviewRoutes(t *testing.T, db *gorm.DB) []route {
	mp := findMeetingPupil(t, db)
	var r models.CaseReview
	must(t, db.Where("establishment_id = ?", mp.pupil.EstablishmentID).Order("id").Take(&r).Error)
	var p models.CaseReviewPupil
	must(t, db.Where("case_review_id = ?", r.ID).Order("id").Take(&p).Error)
	staff := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	path := fmt.Sprintf("/case-reviews/%d", r.ID)
	return []route{
		{"GET", "/case-reviews", staff},
		{"GET", "/case-reviews/new", staff},
		{"POST", "/case-reviews", staff},
		{"GET", path, staff},
		{"GET", path + "/edit", staff},
		{"POST", path, staff},
		{"POST", path + "/pupils", staff},
		{"POST", path + "/new-pupil", staff},
		{"POST", fmt.Sprintf("%s/pupils/%d/decision", path, p.PupilID), staff},
		{"GET", path + "/minutes.pdf", staff},
	}
}
