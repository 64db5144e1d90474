package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/dbtest"
)

// TestOverviewPageAndPDFShareOneSnapshot: the overview page and its PDF print the same
// snapshot and say when it was computed; a change of the data shows in both once the
// snapshot is refreshed, in the background, never in one without the other.
func TestOverviewPageAndPDFShareOneSnapshot(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")
		both := func(stamp string) []string {
			t.Helper()
			page := coord.get("/reports/metropolitan?by=establishment")
			pdf := coord.get("/reports/metropolitan.pdf")
			if page.Status != http.StatusOK || pdf.Status != http.StatusOK {
				t.Fatalf("overview %d, PDF %d", page.Status, pdf.Status)
			}
			text := pdfText(t, []byte(pdf.Body))
			if !strings.Contains(page.Body, stamp) || !strings.Contains(fold(text), stamp) {
				t.Errorf("the page or the PDF does not say %q", stamp)
			}
			samePage(t, "overview", page.Body, text)
			figures, _ := pageFigures(page.Body)
			return figures
		}
		before := both("Chiffres arrêtés le 25/11/2026 à 10:00")

		var p models.Pupil
		must(t, db.Where("anonymised_at IS NULL AND status = ?", models.StatusActive).Order("id").Take(&p).Error)
		var author models.User
		must(t, db.Where("email = ?", "mediation@demo.test").Take(&author).Error)
		must(t, db.Create(&models.FollowUp{PupilID: p.ID, AuthorID: author.ID, OccurredOn: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
			Kind: models.FollowUpFamilyPhone, DurationMinutes: 20}).Error)
		// Younger than the maximum age: the same figures, on the page and in the PDF.
		s.Clock.Advance(2 * time.Minute)
		if again := both("Chiffres arrêtés le 25/11/2026 à 10:00"); !slices.Equal(again, before) {
			t.Errorf("a young snapshot changed: %v, then %v", before, again)
		}
		s.App.Snapshots.Wait()
		// Older and changed: refreshed in the background; both then print the new figures.
		s.Clock.Advance(4 * time.Minute)
		coord.get("/reports/metropolitan")
		s.App.Snapshots.Wait()
		if after := both("Chiffres arrêtés le 25/11/2026 à 10:06"); slices.Equal(after, before) {
			t.Errorf("the new follow-up does not show after the refresh: %v", after)
		}
	})
}

// TestCoordinationRefreshesTheOverview: the coordination asks for the figures to be computed
// again (a form with its CSRF token): they are, at once, the request is in the audit log, and
// a malformed year changes nothing. Partners read the overview without the button.
func TestCoordinationRefreshesTheOverview(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")
		page := coord.get("/reports/metropolitan?by=commune")
		if !strings.Contains(page.Body, `action="/reports/metropolitan/refresh"`) || !strings.Contains(page.Body, "Recalculer les chiffres maintenant") {
			t.Fatalf("the coordination has no refresh button: %s", excerpt(page.Body))
		}
		agent := s.client(t)
		agent.login("caf@demo.test")
		if r := agent.get("/reports/metropolitan"); r.Status != http.StatusOK || strings.Contains(r.Body, "/reports/metropolitan/refresh") {
			t.Errorf("a partner's overview: %d, with the refresh button", r.Status)
		}
		if r := agent.post("/reports/metropolitan/refresh", url.Values{"year": {"2026-2027"}}); r.Status != http.StatusNotFound {
			t.Errorf("a partner asks for a refresh: %d", r.Status)
		}
		audited := func() int64 {
			var n int64
			dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ?", models.AuditReportRefreshed).Count(&n).Error)
			return n
		}
		if r := coord.post("/reports/metropolitan/refresh", url.Values{"year": {"2026"}, "by": {"commune"}}); r.Status != http.StatusBadRequest ||
			!strings.Contains(r.Body, "écrivez-la sous la forme 2025-2026") || audited() != 0 {
			t.Errorf("a malformed year: %d, %d audited", r.Status, audited())
		}

		s.Clock.Advance(time.Minute) // younger than the maximum age: only a request refreshes it
		r := coord.post("/reports/metropolitan/refresh", url.Values{"year": {"2026-2027"}, "by": {"commune"}})
		if r.Status != http.StatusSeeOther || r.Location != "/reports/metropolitan?year=2026-2027&by=commune" {
			t.Fatalf("refresh: %d %s", r.Status, r.Location)
		}
		page = coord.get(r.Location)
		if !strings.Contains(page.Body, "Les chiffres ont été recalculés.") || !strings.Contains(page.Body, "Chiffres arrêtés le 25/11/2026 à 10:01") {
			t.Errorf("after the refresh: %s", excerpt(page.Body))
		}
		var e models.AuditEvent
		dbtest.Must(t, db.Where("action = ?", models.AuditReportRefreshed).Take(&e).Error)
		if e.RecordType != "report" || e.RecordID != "metropolitan" || e.Detail != "2026-2027" || audited() != 1 {
			t.Errorf("audit: %+v (%d events)", e, audited())
		}
	})
}
