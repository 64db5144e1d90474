package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// A follow-up refused on the long file page lands on its form (the fragment of the form's
// action) with a summary "Il y a un problème" whose links lead to the fields; saved, the page
// comes back to the form with the message there; the history is paged, its links keeping the
// anchor; the in-page menu reaches every part.
func TestPupilFileErrorsAndPaging(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures models.Establishment
		dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		var p models.Pupil
		dbtest.Must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL", jaures.ID).Order("id").Take(&p).Error)
		path := fmt.Sprintf("/pupils/%d", p.ID)
		med := s.client(t)
		med.login("mediation@demo.test")
		page := med.get(path)
		if page.Status != http.StatusOK {
			t.Fatalf("file: %d", page.Status)
		}
		for _, want := range []string{`action="` + path + `/followups#followup-form"`, `action="` + path + `/status#status"`,
			`action="` + path + `/indicators#indicators"`, `aria-label="Sur cette page"`, `href="#followup-form"`, `href="#status"`,
			`href="#meetings"`, `href="#referrals"`, `href="#identity"`, `id="actions"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the file lacks %s", want)
			}
		}
		if strings.Contains(page.Body, "data-error-summary") || strings.Contains(page.Body, "errors.js") {
			t.Error("a file with no failed form shows an error summary")
		}

		today := calendar.Today(s.Clock.Now()).Format("2006-01-02")
		r := med.post(path+"/followups", url.Values{"occurred_on": {"hier"}, "kind": {"family_phone"}, "duration_minutes": {"20"},
			"action_description": {"Rappeler"}, "action_due_on": {"pas une date"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad follow-up: %d", r.Status)
		}
		form := section(r.Body, `id="followup-form"`)
		summary := section(form, `class="error-summary"`)
		if !strings.Contains(summary, `role="alert"`) || !strings.Contains(summary, "Il y a un problème") {
			t.Fatalf("no error summary at the top of the failed form: %s", excerpt(form))
		}
		dur, due := strings.Index(summary, `href="#occurred_on"`), strings.Index(summary, `href="#action_due_on"`)
		if dur < 0 || due < 0 || dur > due {
			t.Errorf("the summary does not link the fields in the form's order: %s", summary)
		}
		if !strings.Contains(r.Body, `<script src="/static/errors.js" defer></script>`) {
			t.Error("the failed page lacks the script that focuses the summary")
		}
		if n := strings.Count(r.Body, "data-error-summary"); n != 1 {
			t.Errorf("%d error summaries, want 1", n)
		}

		// Success: back to the form, the message shown there and not at the top.
		r = med.post(path+"/followups", url.Values{"occurred_on": {today}, "kind": {"family_phone"}, "duration_minutes": {"20"}})
		if r.Status != http.StatusSeeOther || r.Location != path+"#followup-form" {
			t.Fatalf("follow-up: %d → %q", r.Status, r.Location)
		}
		page = med.get(path)
		form = section(page.Body, `id="followup-form"`)
		if !strings.Contains(form, `class="alert alert-ok" role="status"`) {
			t.Errorf("the success message is not in the form's section: %s", excerpt(form))
		}
		if n := strings.Count(page.Body, "alert alert-ok"); n != 1 {
			t.Errorf("%d success messages, want 1", n)
		}

		// A failed status change: the fragment and the summary link to the comment.
		r = med.post(path+"/status", url.Values{"version": {fmt.Sprint(p.Version)}, "status": {"closed"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(section(r.Body, `id="status"`), "data-error-summary") {
			t.Errorf("failed status change: %d, summary in its section: %v", r.Status, strings.Contains(section(r.Body, `id="status"`), "data-error-summary"))
		}

		// The history: 20 follow-ups a page, the next page's link lands on the history.
		var total int64
		dbtest.Must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ?", p.ID).Count(&total).Error)
		for ; total <= models.FollowUpsPerPage; total++ {
			if r := med.post(path+"/followups", url.Values{"occurred_on": {today}, "kind": {"family_phone"}, "duration_minutes": {"5"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("follow-up %d: %d", total, r.Status)
			}
		}
		page = med.get(path)
		history := section(page.Body, `id="followups"`)
		if n := strings.Count(history, `<li class="card">`); n != models.FollowUpsPerPage {
			t.Errorf("first page: %d follow-ups, want %d", n, models.FollowUpsPerPage)
		}
		next := `href="` + path + `?page=2#followups"`
		if !strings.Contains(history, next) {
			t.Fatalf("the history lacks the link %s", next)
		}
		page = med.get(path + "?page=2")
		history = section(page.Body, `id="followups"`)
		want := int(total) - models.FollowUpsPerPage
		if want > models.FollowUpsPerPage {
			want = models.FollowUpsPerPage
		}
		if n := strings.Count(history, `<li class="card">`); n != want || !strings.Contains(history, `href="`+path+`?page=1#followups"`) {
			t.Errorf("second page: %d follow-ups (want %d), previous link: %v", n, want, strings.Contains(history, "page=1#followups"))
		}
	})
}

// section is body from the element holding marker to the end of its section.
func section(body, marker string) string {
	start := strings.Index(body, marker)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</section>")
	if end < 0 {
		return body[start:]
	}
	return body[start : start+end]
}

var (
	workCount   = regexp.MustCompile(`<li><a href="#(wl-[a-z-]+)">[^<]*\((\d+)\)</a></li>`)
	workSection = regexp.MustCompile(`<section aria-labelledby="wl-[a-z-]+-title" id="(wl-[a-z-]+)">`)
)

// The worklist is grouped by urgency — overdue, today, absence alerts, this week, no contact…
// — with the counts at the top linking to each part, and the establishment on every line,
// the lines of a part sorted by establishment.
func TestWorklistSections(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var me models.User
		dbtest.Must(t, db.Preload("Establishments").Where("email = ?", "mediation@demo.test").Take(&me).Error)
		rules, err := models.LoadRiskRules(context.Background(), db)
		dbtest.Must(t, err)
		w, err := models.LoadWorklist(context.Background(), db, models.ScopeOf(me), me.ID, s.Clock.Now(), rules.MonthlyAlertHalfDays)
		dbtest.Must(t, err)
		if len(w.Actions) == 0 || len(w.Silent) == 0 || len(w.Absences) == 0 {
			t.Fatalf("the demo worklist is too thin to test: %d actions, %d silent, %d absences", len(w.Actions), len(w.Silent), len(w.Absences))
		}
		med := s.client(t)
		med.login(me.Email)
		r := med.get("/")
		if r.Status != http.StatusOK {
			t.Fatalf("worklist: %d", r.Status)
		}
		counts := workCount.FindAllStringSubmatch(r.Body, -1)
		order := workSection.FindAllStringSubmatch(r.Body, -1)
		if len(counts) == 0 || len(counts) != len(order) {
			t.Fatalf("%d counts at the top for %d sections", len(counts), len(order))
		}
		rank := map[string]int{"wl-overdue": 0, "wl-today": 1, "wl-absences": 2, "wl-conflicts": 3, "wl-week": 4, "wl-silent": 5, "wl-reviews": 6, "wl-recap": 7,
			"wl-overdue-referrals": 8, "wl-answered": 9}
		lines := 0
		for i, c := range counts {
			if order[i][1] != c[1] {
				t.Errorf("count %d links #%s, section %d is #%s", i, c[1], i, order[i][1])
			}
			if i > 0 && rank[c[1]] <= rank[counts[i-1][1]] {
				t.Errorf("#%s comes after #%s", c[1], counts[i-1][1])
			}
			sec := section(r.Body, `id="`+c[1]+`"`)
			n := strings.Count(sec, `<li class="work-line`)
			if fmt.Sprint(n) != c[2] {
				t.Errorf("#%s: %s at the top, %d lines", c[1], c[2], n)
			}
			lines += n
			places := regexp.MustCompile(`<span class="work-place">([^<]+)</span>`).FindAllStringSubmatch(sec, -1)
			if len(places) != n {
				t.Errorf("#%s: %d lines, %d with their establishment", c[1], n, len(places))
			}
			for j := 1; j < len(places); j++ {
				if places[j][1] < places[j-1][1] {
					t.Errorf("#%s: %q after %q", c[1], places[j][1], places[j-1][1])
				}
			}
		}
		if want := len(w.Actions) + len(w.Silent) + len(w.Absences); lines < want {
			t.Errorf("%d lines, want at least %d (actions, no contact, absences)", lines, want)
		}
		if !strings.Contains(r.Body, `id="wl-absences"`) || !strings.Contains(r.Body, `id="wl-silent"`) ||
			strings.Index(r.Body, `id="wl-absences"`) > strings.Index(r.Body, `id="wl-silent"`) {
			t.Error("the absence alerts do not come before the pupils without contact")
		}
	})
}
