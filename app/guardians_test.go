package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

var actionForm = regexp.MustCompile(`action="/actions/(\d+)/done"`)

// guardianOf finds a guardian of a file that the first demo mediator follows (Collège Jean
// Jaurès, not anonymised), and a guardian of another file of the same establishment.
func guardianOf(t *testing.T, db *gorm.DB) (mine, other models.Guardian) {
	t.Helper()
	var jaures models.Establishment
	dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	dbtest.Must(t, db.Joins("JOIN pupils ON pupils.id = guardians.pupil_id").
		Where("pupils.establishment_id = ? AND pupils.anonymised_at IS NULL", jaures.ID).
		Order("guardians.id").Take(&mine).Error)
	dbtest.Must(t, db.Joins("JOIN pupils ON pupils.id = guardians.pupil_id").
		Where("pupils.establishment_id = ? AND pupils.anonymised_at IS NULL AND guardians.pupil_id <> ?", jaures.ID, mine.PupilID).
		Order("guardians.id").Take(&other).Error)
	return mine, other
}

// A mediator changes and removes a guardian through the file's forms; the change is audited
// without its content, bad input comes back with 422 and a French message, and nobody outside
// the file's scope (nor through another file's address) can touch it.
func TestGuardianUpdateAndDelete(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		g, other := guardianOf(t, db)
		filePath := fmt.Sprintf("/pupils/%d", g.PupilID)
		guardianPath := fmt.Sprintf("%s/guardians/%d", filePath, g.ID)
		reload := func(id uint) (models.Guardian, bool) {
			var got models.Guardian
			err := db.Where("id = ?", id).Take(&got).Error
			if err == gorm.ErrRecordNotFound {
				return got, false
			}
			dbtest.Must(t, err)
			return got, true
		}
		// A fresh form for each request: post adds the client's CSRF token to it.
		form := func() url.Values {
			return url.Values{"name": {"Samira Bouaziz-Lefort"}, "relation": {"mère"}, "phone": {"06 12 34 56 78"},
				"email": {"samira.bl@example.fr"}, "home_language": {"arabe"}, "interpreter_needed": {"on"}}
		}

		// Another establishment's mediator and the head teacher cannot change it.
		outsider := s.client(t)
		outsider.login("mediation2@demo.test")
		if r := outsider.post(guardianPath, form()); r.Status != http.StatusNotFound {
			t.Errorf("other mediator's update: %d, want 404", r.Status)
		}
		if r := outsider.post(guardianPath+"/delete", nil); r.Status != http.StatusNotFound {
			t.Errorf("other mediator's delete: %d, want 404", r.Status)
		}
		head := s.client(t)
		head.login("direction@demo.test")
		for _, p := range []string{guardianPath, guardianPath + "/delete"} {
			if r := head.post(p, form()); r.Status == http.StatusSeeOther || r.Status == http.StatusOK {
				t.Errorf("head teacher POST %s: %d, want a refusal", p, r.Status)
			}
		}
		if got, ok := reload(g.ID); !ok || got != g {
			t.Fatalf("guardian changed by a refused request: %+v", got)
		}

		med := s.client(t)
		med.login("mediation@demo.test")
		med.get(filePath)
		// Through another file's address, the guardian is not found.
		wrongFile := fmt.Sprintf("/pupils/%d/guardians/%d", other.PupilID, g.ID)
		if r := med.post(wrongFile, form()); r.Status != http.StatusNotFound {
			t.Errorf("update through another file: %d, want 404", r.Status)
		}
		if r := med.post(wrongFile+"/delete", nil); r.Status != http.StatusNotFound {
			t.Errorf("delete through another file: %d, want 404", r.Status)
		}
		// Bad input: 422, a message beside the field, nothing stored.
		bad := url.Values{"name": {"  "}, "email": {"javascript:alert(1)@x"}}
		if r := med.post(guardianPath, bad); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Le nom du responsable légal est obligatoire.") || !strings.Contains(r.Body, "Adresse électronique invalide.") {
			t.Errorf("invalid update: %d %s", r.Status, excerpt(r.Body))
		}
		if got, _ := reload(g.ID); got != g {
			t.Fatalf("an invalid update changed the guardian: %+v", got)
		}

		// The update.
		if r := med.post(guardianPath, form()); r.Status != http.StatusSeeOther || r.Location != filePath+"#identity" {
			t.Fatalf("update: %d %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		got, _ := reload(g.ID)
		if got.Name != "Samira Bouaziz-Lefort" || got.Relation != "mère" || got.Phone != "06 12 34 56 78" ||
			got.Email != "samira.bl@example.fr" || got.HomeLanguage != "arabe" || !got.InterpreterNeeded || got.PupilID != g.PupilID {
			t.Errorf("after update: %+v", got)
		}
		if page := med.get(filePath); !strings.Contains(page.Body, "Samira Bouaziz-Lefort") {
			t.Error("the file does not show the updated guardian")
		}

		// The deletion, once.
		if r := med.post(guardianPath+"/delete", nil); r.Status != http.StatusSeeOther || r.Location != filePath+"#identity" {
			t.Fatalf("delete: %d %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		if _, ok := reload(g.ID); ok {
			t.Error("the guardian is still there after its deletion")
		}
		if r := med.post(guardianPath+"/delete", nil); r.Status != http.StatusNotFound {
			t.Errorf("second delete: %d, want 404", r.Status)
		}
		if r := med.post(guardianPath, form()); r.Status != http.StatusNotFound {
			t.Errorf("update of a deleted guardian: %d, want 404", r.Status)
		}
		if page := med.get(filePath); strings.Contains(page.Body, "Samira Bouaziz-Lefort") {
			t.Error("the file still shows the deleted guardian")
		}
		if _, ok := reload(other.ID); !ok {
			t.Error("the other file's guardian was deleted")
		}

		// Both changes are audited on the file, without the guardian's details.
		var events []models.AuditEvent
		dbtest.Must(t, db.Where("record_type = ? AND record_id = ? AND action IN ?", "pupil", fmt.Sprint(g.PupilID),
			[]string{models.AuditChanged, models.AuditDeleted}).Order("id").Find(&events).Error)
		var details []string
		for _, e := range events {
			details = append(details, e.Action+" "+e.Detail)
		}
		all := strings.Join(details, "\n")
		if !strings.Contains(all, models.AuditChanged+" guardian changed") || !strings.Contains(all, models.AuditDeleted+" guardian removed") {
			t.Errorf("audit of the file: %q", details)
		}
		var leaked int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("detail LIKE ? OR detail LIKE ?", "%Bouaziz%", "%06 12 34%").Count(&leaked).Error)
		if leaked != 0 {
			t.Error("a guardian's details are in the audit log")
		}
	})
}

// A mediator marks a next action done from the worklist: it leaves the worklist, the answer
// goes back to the worklist, the change is audited, and it cannot be done twice nor by someone
// outside the file's scope.
func TestCompleteActionFromWorklist(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		med := s.client(t)
		med.login("mediation@demo.test")
		home := med.get("/")
		m := actionForm.FindStringSubmatch(home.Body)
		if home.Status != http.StatusOK || m == nil {
			t.Fatalf("worklist: %d, no action to mark done: %s", home.Status, excerpt(home.Body))
		}
		path := m[0][len(`action="`) : len(m[0])-1]
		var a models.NextAction
		dbtest.Must(t, db.Where("id = ?", m[1]).Take(&a).Error)
		if a.DoneAt != nil {
			t.Fatalf("the worklist offers an action already done: %+v", a)
		}

		outsider := s.client(t)
		outsider.login("mediation2@demo.test")
		if r := outsider.post(path, url.Values{"from": {"worklist"}}); r.Status != http.StatusNotFound {
			t.Errorf("other establishment's mediator: %d, want 404", r.Status)
		}
		head := s.client(t)
		head.login("direction@demo.test")
		if r := head.post(path, url.Values{"from": {"worklist"}}); r.Status == http.StatusSeeOther {
			t.Errorf("head teacher marked an action done: %d", r.Status)
		}
		dbtest.Must(t, db.Where("id = ?", a.ID).Take(&a).Error)
		if a.DoneAt != nil {
			t.Fatal("a refused request marked the action done")
		}

		s.Clock.Advance(90 * time.Second)
		med.get("/pupils") // a fresh CSRF token, without marking the worklist seen
		r := med.post(path, url.Values{"from": {"worklist"}})
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("done from the worklist: %d %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		dbtest.Must(t, db.Where("id = ?", a.ID).Take(&a).Error)
		if a.DoneAt == nil || !a.DoneAt.Equal(s.Clock.Now()) {
			t.Errorf("done at %v, want %v", a.DoneAt, s.Clock.Now())
		}
		if home := med.get("/"); strings.Contains(home.Body, `action="`+path+`"`) {
			t.Error("the worklist still offers the action done")
		}
		if r := med.post(path, url.Values{"from": {"worklist"}}); r.Status != http.StatusNotFound {
			t.Errorf("done twice: %d, want 404", r.Status)
		}
		var audited int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = ? AND record_id = ? AND detail = ?",
			models.AuditChanged, "pupil", fmt.Sprint(a.PupilID), fmt.Sprintf("action %d done", a.ID)).Count(&audited).Error)
		if audited != 1 {
			t.Errorf("%d audit entries for the action done, want 1", audited)
		}
	})
}
