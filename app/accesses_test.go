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
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// accessSection is the access history of a file's page, "" when the page has none.
func accessSection(body string) string { return section(body, `id="accesses"`) }

var accessRow = regexp.MustCompile(`(?s)<tr><th scope="row">.*?</tr>`)

// A mediator sees on a file who consulted or changed it, and when, newest first; the head
// teacher reads the file without its history; other establishments get nothing.
func TestPupilAccessHistory(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		var p models.Pupil
		must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL", jaures.ID).Order("id").Take(&p).Error)
		path := fmt.Sprintf("/pupils/%d", p.ID)
		nameOf := func(email string) string {
			var acc models.User
			must(t, db.Where("email = ?", email).Take(&acc).Error)
			return html.EscapeString(acc.DisplayName)
		}
		mediator, head := nameOf("mediation@demo.test"), nameOf("direction@demo.test")
		at := func(d time.Duration) string { return fixedNow.Add(d).In(calendar.Paris).Format("02/01/2006 15:04") }

		med := s.client(t)
		med.login("mediation@demo.test")
		r := med.get(path)
		section := accessSection(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(section, "Historique des accès") {
			t.Fatalf("mediator's file: %d, history: %q", r.Status, excerpt(section))
		}
		if rows := accessRow.FindAllString(section, -1); len(rows) != 1 || !strings.Contains(rows[0], mediator) ||
			!strings.Contains(rows[0], "Consultation du dossier") || !strings.Contains(rows[0], at(0)) {
			t.Errorf("the first view of the file is not its history's line: %q", rows)
		}

		// The head teacher reads the file ten minutes later, without the history.
		s.Clock.Advance(10 * time.Minute)
		headClient := s.client(t)
		headClient.login("direction@demo.test")
		if r := headClient.get(path); r.Status != http.StatusOK || accessSection(r.Body) != "" || strings.Contains(r.Body, "Historique des accès") {
			t.Errorf("head teacher's file: %d, with a history: %v", r.Status, accessSection(r.Body) != "")
		}
		// Another establishment's mediator: not found, and the attempt is not in the history.
		other := s.client(t)
		other.login("mediation2@demo.test")
		if r := other.get(path); r.Status != http.StatusNotFound {
			t.Errorf("another establishment's mediator: %d, want 404", r.Status)
		}

		// The mediator logs a follow-up, then opens the file again.
		s.Clock.Advance(10 * time.Minute)
		today := calendar.Today(s.Clock.Now()).Format("2006-01-02")
		if r := med.post(path+"/followups", url.Values{"occurred_on": {today}, "kind": {"family_phone"}, "duration_minutes": {"20"}}); r.Status != http.StatusSeeOther ||
			!strings.HasPrefix(r.Location, path) {
			t.Fatalf("follow-up: %d %s", r.Status, excerpt(r.Body))
		}
		s.Clock.Advance(time.Minute)
		rows := accessRow.FindAllString(accessSection(med.get(path).Body), -1)
		want := []struct{ who, role, what, when string }{
			{mediator, "Médiateur·rice", "Consultation du dossier", at(21 * time.Minute)},
			{mediator, "Médiateur·rice", "Ajout d&#39;un suivi", at(20 * time.Minute)},
			{head, "Chef·fe d&#39;établissement", "Consultation du dossier", at(10 * time.Minute)},
			{mediator, "Médiateur·rice", "Consultation du dossier", at(0)},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d lines in the history, want %d: %q", len(rows), len(want), rows)
		}
		for i, w := range want {
			for _, part := range []string{w.who, w.role, w.what, w.when} {
				if !strings.Contains(rows[i], part) {
					t.Errorf("line %d lacks %q: %s", i+1, part, rows[i])
				}
			}
		}

		// A long history: the latest lines, and how many older ones the export holds.
		for i := range 25 {
			must(t, models.RecordFileAudit(context.Background(), db, fixedNow.AddDate(0, 0, -i-1), models.Actor{Email: "cli"},
				p.ID, models.AuditChanged, "pupil", fmt.Sprint(p.ID), "identity: class_name"))
		}
		section = accessSection(med.get(path).Body)
		if n := len(accessRow.FindAllString(section, -1)); n != 20 {
			t.Errorf("%d lines shown, want the latest 20", n)
		}
		if !strings.Contains(section, "… et 10 accès plus anciens") || !strings.Contains(section, path+"/export.json") {
			t.Errorf("the older accesses are not announced: %s", section)
		}
		if r := med.get(path + "/export.json"); r.Status != http.StatusOK || strings.Count(r.Body, `"who"`) < 30 {
			t.Errorf("the export does not hold every access: %d, %d accesses", r.Status, strings.Count(r.Body, `"who"`))
		}
	})
}
