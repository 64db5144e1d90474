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

// jauresActivity is a collective action of the Collège Jean Jaurès recorded by the first demo
// mediator (mediation@demo.test), which the head teacher (direction@demo.test) reads.
func jauresActivity(t *testing.T, db *gorm.DB) models.Activity {
	t.Helper()
	var a models.Activity
	must(t, db.Joins("JOIN establishments e ON e.id = activities.establishment_id").
		Joins("JOIN users u ON u.id = activities.author_id").
		Where("e.name = ? AND u.email = ?", "Collège Jean Jaurès", "mediation@demo.test").
		Order("activities.id").Select("activities.*").Take(&a).Error)
	return a
}

// activityRoutes are the collective actions' pages for the authorization matrix.
func activityRoutes(t *testing.T, db *gorm.DB) []route {
	a := jauresActivity(t, db)
	staff := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	mediator := []models.Role{models.RoleMediator}
	coordination := []models.Role{models.RoleCoordinator}
	path := fmt.Sprintf("/activities/%d", a.ID)
	return []route{
		{"GET", "/activities", staff},
		{"GET", "/activities/new", mediator},
		{"POST", "/activities", mediator},
		{"GET", path, staff},
		{"POST", path, mediator},
		{"POST", path + "/delete", mediator},
		{"GET", "/settings/activity-kinds", coordination},
		{"GET", "/settings/activity-kinds/new", coordination},
		{"POST", "/settings/activity-kinds", coordination},
		{"GET", fmt.Sprintf("/settings/activity-kinds/%d", a.KindID), coordination},
		{"POST", fmt.Sprintf("/settings/activity-kinds/%d", a.KindID), coordination},
	}
}

var activityLocation = regexp.MustCompile(`^/activities/(\d+)$`)

// activityForm is the form of a parents' café of the Collège Jean Jaurès, as a browser sends it.
func activityForm(t *testing.T, db *gorm.DB, extra url.Values) url.Values {
	t.Helper()
	var jaures models.Establishment
	must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	var kind models.ActivityKind
	must(t, db.Where("code = ?", "parents_workshop").Take(&kind).Error)
	var caf models.PartnerOrganisation
	must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
	v := url.Values{"establishment_id": {fmt.Sprint(jaures.ID)}, "kind_id": {fmt.Sprint(kind.ID)}, "held_on": {"2026-11-24"},
		"duration_minutes": {"120"}, "pupils": {"0"}, "parents": {"11"}, "staff": {"2"}, "themes": {"screens", "parenting"},
		"partner_ids": {fmt.Sprint(caf.ID)}, "note": {"Café des parents : les écrans à la maison."}}
	for k, vals := range extra {
		v[k] = vals
	}
	return v
}

func countActivities(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	must(t, db.Model(&models.Activity{}).Count(&n).Error)
	return n
}

// recordEvents counts the audit events of a record with one of the actions.
func recordEvents(t *testing.T, db *gorm.DB, recordType, recordID string, actions ...string) int64 {
	t.Helper()
	var n int64
	must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND action IN ?", recordType, recordID, actions).Count(&n).Error)
	return n
}

// A mediator's week of collective actions over HTTP: the list and its tabs, a form refused then
// recorded, the page and its audit, an edit refused as stale then saved, the head teacher's
// reading, another establishment's 404, and the deletion by the author.
func TestActivitiesOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		med := s.client(t)
		med.login("mediation@demo.test")

		r := med.get("/activities")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `<a href="/activities" aria-current="page">Actions collectives</a>`) ||
			!strings.Contains(r.Body, "Vie scolaire") || !strings.Contains(r.Body, `<a href="/conflicts">`) {
			t.Fatalf("list: %d %s", r.Status, excerpt(r.Body))
		}
		before := countActivities(t, db)
		if !strings.Contains(r.Body, fmt.Sprintf("%d actions collectives</p>", before)) && !strings.Contains(r.Body, " actions collectives</p>") {
			t.Errorf("list without its count: %s", excerpt(r.Body))
		}
		if r := med.get("/activities/new"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="_submission"`) {
			t.Fatalf("new form: %d", r.Status)
		}

		r = med.post("/activities", activityForm(t, db, url.Values{"parents": {"0"}, "staff": {"0"}, "held_on": {"2026-12-01"}}))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Indiquez au moins un participant") ||
			!strings.Contains(r.Body, "est à venir : enregistrez-la") || !strings.Contains(r.Body, `value="screens" checked`) {
			t.Fatalf("bad form: %d %s", r.Status, excerpt(r.Body))
		}
		if n := countActivities(t, db); n != before {
			t.Fatalf("a refused form stored an action: %d → %d", before, n)
		}

		r = med.post("/activities", activityForm(t, db, nil))
		m := activityLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("record: %d %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		r = med.get(path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Action collective enregistrée.") ||
			!strings.Contains(r.Body, "0 élèves, 11 parents, 2 personnels") || !strings.Contains(r.Body, "Écrans, Parentalité") ||
			!strings.Contains(r.Body, "CAF du Nord") || !strings.Contains(r.Body, "Supprimer cette action") {
			t.Fatalf("page: %d %s", r.Status, excerpt(r.Body))
		}
		if views := recordEvents(t, db, "activity", m[1], models.AuditPupilViewed); views != 1 {
			t.Errorf("%d audit events for the view", views)
		}

		edit := activityForm(t, db, url.Values{"version": {"1"}, "parents": {"14"}})
		if r := med.post(path, edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, excerpt(r.Body))
		}
		r = med.post(path, activityForm(t, db, url.Values{"version": {"1"}, "parents": {"9"}}))
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "modifiée entre-temps") || !strings.Contains(r.Body, "Nadia Berrada") {
			t.Fatalf("stale edit: %d %s", r.Status, excerpt(r.Body))
		}
		var a models.Activity
		must(t, db.Where("id = ?", m[1]).Take(&a).Error)
		if a.Parents != 14 || a.Version != 2 {
			t.Fatalf("after the stale edit: %+v", a)
		}
		r = med.post(path, activityForm(t, db, url.Values{"version": {"2"}, "note": {strings.Repeat("é", 1001)}}))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "1 000 caractères au plus") {
			t.Fatalf("long note: %d %s", r.Status, excerpt(r.Body))
		}

		head := s.client(t)
		head.login("direction@demo.test")
		r = head.get(path)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "11 parents") && !strings.Contains(r.Body, "14 parents") ||
			strings.Contains(r.Body, `action="`+path+`"`) || strings.Contains(r.Body, "Supprimer cette action") {
			t.Fatalf("head teacher's page: %d %s", r.Status, excerpt(r.Body))
		}
		if r := head.post(path+"/delete", url.Values{"version": {"2"}}); r.Status != http.StatusNotFound {
			t.Errorf("head teacher deletes: %d", r.Status)
		}
		other := s.client(t)
		other.login("mediation2@demo.test")
		for _, rt := range []struct{ method, path string }{{"GET", path}, {"POST", path}, {"POST", path + "/delete"}} {
			var r response
			if rt.method == "GET" {
				r = other.get(rt.path)
			} else {
				r = other.post(rt.path, url.Values{"version": {"2"}})
			}
			if r.Status != http.StatusNotFound {
				t.Errorf("%s %s by another establishment's mediator: %d, want 404", rt.method, rt.path, r.Status)
			}
		}
		if r := other.get("/activities"); r.Status != http.StatusOK || strings.Contains(r.Body, "Collège Jean Jaurès") {
			t.Errorf("another establishment's list shows Jean Jaurès: %d", r.Status)
		}

		if r := med.post(path+"/delete", url.Values{"version": {"2"}}); r.Status != http.StatusSeeOther || r.Location != "/activities" {
			t.Fatalf("delete: %d %s", r.Status, excerpt(r.Body))
		}
		if n, deleted := countActivities(t, db), recordEvents(t, db, "activity", m[1], models.AuditDeleted); n != before || deleted != 1 {
			t.Errorf("after delete: %d actions (want %d), %d audit events", n, before, deleted)
		}
	})
}

// The list's filters: by kind and school year, each on one establishment, and pages of 50.
func TestActivitiesFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		med := s.client(t)
		med.login("mediation@demo.test")
		a := jauresActivity(t, db)
		var want int64
		must(t, db.Model(&models.Activity{}).Where("establishment_id = ? AND kind_id = ?", a.EstablishmentID, a.KindID).Count(&want).Error)
		r := med.get(fmt.Sprintf("/activities?establishment=%d&kind=%d", a.EstablishmentID, a.KindID))
		rows := strings.Count(r.Body, `<th scope="row"><a href="/activities/`)
		if r.Status != http.StatusOK || want == 0 || int64(rows) != want || !strings.Contains(r.Body, fmt.Sprintf(">%d action", want)) {
			t.Errorf("filtered on a kind: %d, %d rows, want %d: %s", r.Status, rows, want, excerpt(r.Body))
		}
		r = med.get("/activities?year=2020-2021")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "0 action collective") {
			t.Errorf("a year without action: %d %s", r.Status, excerpt(r.Body))
		}
		// Enough actions for two pages: copies of one, recorded the same day.
		copies := make([]models.Activity, 50)
		for i := range copies {
			copies[i] = a
			copies[i].ID = 0
		}
		must(t, db.Create(&copies).Error)
		var all int64
		must(t, db.Model(&models.Activity{}).Joins("JOIN user_establishments ue ON ue.establishment_id = activities.establishment_id").
			Joins("JOIN users ON users.id = ue.user_id").Where("users.email = ?", "mediation@demo.test").Count(&all).Error)
		r = med.get("/activities")
		if rows := strings.Count(r.Body, `<th scope="row"><a href="/activities/`); rows != 50 || !strings.Contains(r.Body, `href="/activities?page=2"`) {
			t.Errorf("first page: %d rows", rows)
		}
		r = med.get("/activities?page=2")
		if rows := strings.Count(r.Body, `<th scope="row"><a href="/activities/`); int64(rows) != min(all-50, 50) {
			t.Errorf("second page: %d rows of %d", rows, all)
		}
	})
}

// The coordination's catalogue: a kind added (a duplicate refused), then deactivated, after
// which the mediators' form no longer offers it.
func TestActivityKindsOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")
		r := coord.get("/settings/activity-kinds")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Présence pendant les récréations") || !strings.Contains(r.Body, "6 types d") {
			t.Fatalf("catalogue: %d %s", r.Status, excerpt(r.Body))
		}
		coord.get("/settings/activity-kinds/new")
		r = coord.post("/settings/activity-kinds", url.Values{"label_fr": {"séance de prévention en classe"}, "label_en": {""}, "active": {"on"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Un autre type porte déjà ce libellé.") ||
			!strings.Contains(r.Body, "Le libellé est obligatoire.") {
			t.Fatalf("duplicate: %d %s", r.Status, excerpt(r.Body))
		}
		r = coord.post("/settings/activity-kinds", url.Values{"label_fr": {"Théâtre forum"}, "label_en": {"Forum theatre"}, "active": {"on"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add: %d %s", r.Status, excerpt(r.Body))
		}
		var k models.ActivityKind
		must(t, db.Where("code = ?", "theatre_forum").Take(&k).Error)
		med := s.client(t)
		med.login("mediation@demo.test")
		if r := med.get("/activities/new"); !strings.Contains(r.Body, "Théâtre forum") {
			t.Errorf("the new kind is not offered")
		}
		r = coord.post(fmt.Sprintf("/settings/activity-kinds/%d", k.ID), url.Values{"label_fr": {"Théâtre-forum"}, "label_en": {"Forum theatre"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d %s", r.Status, excerpt(r.Body))
		}
		if r := med.get("/activities/new"); strings.Contains(r.Body, "Théâtre") {
			t.Errorf("a deactivated kind is still offered")
		}
		if changed := recordEvents(t, db, "activity_kind", fmt.Sprint(k.ID), models.AuditCreated, models.AuditChanged); changed != 2 {
			t.Errorf("%d audit events for the kind, want 2", changed)
		}
	})
}

// In English, the pages speak English: the kinds by their English label, no message left as its
// key.
func TestActivitiesInEnglish(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.login("mediation@demo.test")
		if r := cl.post("/language", url.Values{"lang": {"en"}, "next": {"/"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("language: %d", r.Status)
		}
		a := jauresActivity(t, s.App.DB)
		key := regexp.MustCompile(`\bactivities\.[a-z_]+`)
		for _, path := range []string{"/activities", "/activities/new", fmt.Sprintf("/activities/%d", a.ID)} {
			r := cl.get(path)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "ollective actions") || !strings.Contains(r.Body, "School life") {
				t.Errorf("%s in English: %d %s", path, r.Status, excerpt(r.Body))
			}
			if k := key.FindString(r.Body); k != "" {
				t.Errorf("%s shows the key %s", path, k)
			}
		}
		if r := cl.get("/activities/new"); !strings.Contains(r.Body, "Recess presence") || strings.Contains(r.Body, "Présence pendant les récréations") {
			t.Errorf("the kinds are not in English")
		}
	})
}
