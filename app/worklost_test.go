package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// followUpForm is a follow-up's edit form as the browser sends it, at version.
func followUpForm(fu models.FollowUp, version int, note string) url.Values {
	return url.Values{"version": {fmt.Sprint(version)}, "occurred_on": {fu.OccurredOn.Format("2006-01-02")},
		"kind": {string(fu.Kind)}, "duration_minutes": {fmt.Sprint(fu.DurationMinutes)}, "note": {note}}
}

// A follow-up corrected in two tabs: the second save is refused (409) with what was typed kept,
// who changed it, and the field that differs; nothing is overwritten; saving again from that
// page, knowingly, replaces it.
func TestFollowUpEditInTwoTabs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var me models.User
		dbtest.Must(t, db.Where("email = ?", "mediation@demo.test").Take(&me).Error)
		var fu models.FollowUp
		dbtest.Must(t, db.Joins("JOIN pupils p ON p.id = follow_ups.pupil_id AND p.anonymised_at IS NULL").
			Where("follow_ups.author_id = ?", me.ID).Order("follow_ups.id").Take(&fu).Error)
		med := s.client(t)
		med.login(me.Email)
		path := fmt.Sprintf("/followups/%d", fu.ID)
		form := med.get(path + "/edit")
		want := fmt.Sprintf(`name="version" value="%d"`, fu.Version)
		if form.Status != http.StatusOK || !strings.Contains(form.Body, want) {
			t.Fatalf("edit form: %d, lacks %s", form.Status, want)
		}
		// Tab A saves first.
		if r := med.post(path, followUpForm(fu, fu.Version, "Version de l'onglet A")); r.Status != http.StatusSeeOther {
			t.Fatalf("tab A: %d %s", r.Status, excerpt(r.Body))
		}
		// Tab B, opened at the same version, is refused and keeps its text.
		r := med.post(path, followUpForm(fu, fu.Version, "Version de l'onglet B"))
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "a été modifié par Nadia") ||
			!strings.Contains(r.Body, "Version de l&#39;onglet B</textarea>") ||
			!strings.Contains(r.Body, html.EscapeString("valeur actuelle « Version de l'onglet A »")) {
			t.Fatalf("tab B: %d %s", r.Status, excerpt(r.Body))
		}
		var got models.FollowUp
		dbtest.Must(t, db.Take(&got, fu.ID).Error)
		if got.Note != "Version de l'onglet A" || got.Version != fu.Version+1 {
			t.Fatalf("after the stale save: %q v%d", got.Note, got.Version)
		}
		// The refusal carries the current version: saving again replaces knowingly.
		if !strings.Contains(r.Body, fmt.Sprintf(`name="version" value="%d"`, got.Version)) {
			t.Fatalf("the 409 page lacks the current version %d", got.Version)
		}
		if r := med.post(path, followUpForm(fu, got.Version, "Version de l'onglet B")); r.Status != http.StatusSeeOther {
			t.Fatalf("saving again: %d %s", r.Status, excerpt(r.Body))
		}
		dbtest.Must(t, db.Take(&got, fu.ID).Error)
		if got.Note != "Version de l'onglet B" {
			t.Errorf("after saving again: %q", got.Note)
		}
	})
}
