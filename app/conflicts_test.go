package app_test

import (
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

var conflictLocation = regexp.MustCompile(`^/conflicts/(\d+)$`)

// conflictForm is the conflict form as a browser sends it: four party rows, the first the
// pupil's file, the second a pupil described by role, the others empty.
func conflictForm(mp meetingPupil) url.Values {
	v := url.Values{"establishment_id": {fmt.Sprint(mp.pupil.EstablishmentID)}, "occurred_on": {"2026-11-23"},
		"place": {"yard"}, "kind": {"verbal"}, "relation": {"pupils"}, "listened_on": {"23/11/2026"}, "meeting_on": {""},
		"agreement_on": {""}, "outcome": {""}, "follow_up_on": {"2026-11-25"}, "notes": {"Insultes à la récréation, écoute des deux élèves."},
		"notes_restricted": {"on"}}
	for i := range 4 {
		v.Set(fmt.Sprintf("party%d_role", i), "")
		v.Set(fmt.Sprintf("party%d_pupil_id", i), "")
		v.Set(fmt.Sprintf("party%d_description", i), "")
	}
	v.Set("party0_role", "pupil")
	v.Set("party0_pupil_id", fmt.Sprint(mp.pupil.ID))
	v.Set("party1_role", "pupil")
	v.Set("party1_description", "élève de 3e")
	return v
}

// The scenario over HTTP: the mediator records a conflict (bad input first), finds it on
// the pupil's file and on the worklist when its follow-up date comes, closes it (a stale edit
// refused); the head teacher reads it without names nor notes and cannot change it; another
// establishment's mediator finds nothing.
func TestConflictFlowOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		med := s.client(t)
		med.login("mediation@demo.test")
		list := med.get("/conflicts")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, "Médiations de conflits") || !strings.Contains(list.Body, `href="/conflicts/new"`) ||
			!strings.Contains(list.Body, `aria-current="page"`) {
			t.Fatalf("list: %d %s", list.Status, excerpt(list.Body))
		}
		if form := med.get("/conflicts/new"); form.Status != http.StatusOK || !strings.Contains(form.Body, `name="party0_pupil_id"`) ||
			!strings.Contains(form.Body, html.EscapeString(mp.pupil.LastName)) {
			t.Fatalf("new form: %d", form.Status)
		}
		var before int64
		dbtest.Must(t, db.Model(&models.Conflict{}).Count(&before).Error)

		bad := []struct {
			name, errorID, message string
			edit                   func(url.Values)
		}{
			{"named party", `id="party1_description-error"`, "semble contenir un nom", func(v url.Values) { v.Set("party1_description", "Mme Durand") }},
			{"one party", `id="parties-error"`, "au moins deux parties", func(v url.Values) { v.Set("party1_role", ""); v.Set("party1_description", "") }},
			{"future date", `id="occurred_on-error"`, "ne peut pas être dans le futur", func(v url.Values) { v.Set("occurred_on", "2026-12-01") }},
			{"unreadable date", `id="listened_on-error"`, "", func(v url.Values) { v.Set("listened_on", "lundi") }},
			{"closed without outcome", `id="outcome-error"`, "avant de clore", func(v url.Values) { v.Set("closed", "on") }},
		}
		for _, c := range bad {
			form := conflictForm(mp)
			c.edit(form)
			r := med.post("/conflicts", form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.errorID) || !strings.Contains(r.Body, c.message) {
				t.Errorf("%s: %d, want 422 with %s and %q", c.name, r.Status, c.errorID, c.message)
			}
			if !strings.Contains(r.Body, "Insultes à la récréation") {
				t.Errorf("%s: what was typed is lost", c.name)
			}
		}
		var after int64
		dbtest.Must(t, db.Model(&models.Conflict{}).Count(&after).Error)
		if after != before {
			t.Fatalf("%d refused conflicts stored", after-before)
		}

		r := med.post("/conflicts", conflictForm(mp))
		m := conflictLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		page := med.get(path)
		for _, want := range []string{"Conflit verbal du 23/11/2026", "Cour de récréation", html.EscapeString(mp.pupil.LastName), "élève de 3e",
			"Insultes à la récréation", "Conflit enregistré.", `href="/pupils/` + fmt.Sprint(mp.pupil.ID) + `"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("conflict page lacks %q", want)
			}
		}
		var views int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND action = ?", "conflict", m[1], models.AuditPupilViewed).Count(&views).Error)
		if views != 1 {
			t.Errorf("views audited: %d", views)
		}
		if file := med.get(fmt.Sprintf("/pupils/%d", mp.pupil.ID)); !strings.Contains(file.Body, `href="`+path+`"`) {
			t.Error("the conflict is not on the pupil's file")
		}
		// Its follow-up date is today: on the worklist.
		if home := med.get("/"); !strings.Contains(home.Body, "Conflits à revoir") || !strings.Contains(home.Body, `href="`+path+`"`) {
			t.Error("the conflict is not on the worklist")
		}

		// The head teacher reads it by roles, without the names nor the notes, and cannot edit.
		head := s.client(t)
		head.login("direction@demo.test")
		hp := head.get(path)
		if hp.Status != http.StatusOK || strings.Contains(hp.Body, html.EscapeString(mp.pupil.LastName)) || strings.Contains(hp.Body, "Insultes à la récréation") ||
			!strings.Contains(hp.Body, "réservées aux médiateurs") || strings.Contains(hp.Body, `name="version"`) {
			t.Errorf("head teacher's page: %d, shows names, notes or the form", hp.Status)
		}
		if r := head.post(path, conflictForm(mp)); r.Status != http.StatusNotFound {
			t.Errorf("head teacher's edit: %d, want 404", r.Status)
		}
		if file := head.get(fmt.Sprintf("/pupils/%d", mp.pupil.ID)); !strings.Contains(file.Body, `href="`+path+`"`) {
			t.Error("the conflict is not on the file for the head teacher")
		}
		// Another establishment's mediator: nothing.
		other := s.client(t)
		other.login("mediation2@demo.test")
		if r := other.get(path); r.Status != http.StatusNotFound {
			t.Errorf("another establishment's mediator: %d", r.Status)
		}
		if r := other.get("/conflicts"); strings.Contains(r.Body, `href="`+path+`"`) {
			t.Error("another establishment's mediator lists the conflict")
		}

		// Closed with an agreement; the same form sent again is stale.
		form := conflictForm(mp)
		form.Set("version", "1")
		form.Set("outcome", "agreement")
		form.Set("agreement_on", "2026-11-24")
		form.Set("closed", "on")
		if r := med.post(path, form); r.Status != http.StatusSeeOther || r.Location != path {
			t.Fatalf("close: %d %s", r.Status, excerpt(r.Body))
		}
		form.Set("notes", "autre version")
		if r := med.post(path, form); r.Status != http.StatusConflict || !strings.Contains(r.Body, "modifié entre-temps") {
			t.Errorf("stale edit: %d", r.Status)
		}
		var c models.Conflict
		must(t, db.Take(&c, m[1]).Error)
		if c.Version != 2 || c.ClosedOn == nil || c.Outcome == nil || *c.Outcome != models.OutcomeAgreement || c.Notes == "autre version" {
			t.Errorf("stored: %+v", c)
		}
		if home := med.get("/"); strings.Contains(home.Body, `href="`+path+`"`) {
			t.Error("a closed conflict is still on the worklist")
		}
		filtered := med.get("/conflicts?outcome=agreement&kind=verbal")
		if !strings.Contains(filtered.Body, `href="`+path+`"`) {
			t.Error("the filter by outcome and kind misses the conflict")
		}
		if r := med.get("/conflicts?outcome=pending&follow_up=1"); strings.Contains(r.Body, `href="`+path+`"`) {
			t.Error("the filter of open follow-ups keeps a closed conflict")
		}
	})
}

// conflictRoutes are the conflict pages for the authorization matrix: mediators reach them all,
// head teachers the list and a conflict of their establishment; on a demo conflict of the
// Collège Jean Jaurès.
func conflictRoutes(t *testing.T, db *gorm.DB) []route {
	mp := findMeetingPupil(t, db)
	var c models.Conflict
	must(t, db.Where("establishment_id = ?", mp.pupil.EstablishmentID).Order("id").Take(&c).Error)
	staff := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	mediator := []models.Role{models.RoleMediator}
	path := fmt.Sprintf("/conflicts/%d", c.ID)
	return []route{
		{"GET", "/conflicts", staff},
		{"GET", "/conflicts/new", mediator},
		{"POST", "/conflicts", mediator},
		{"GET", path, staff},
		{"POST", path, mediator},
	}
}
