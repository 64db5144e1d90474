package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/demodata"
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

func ptr[T any](v T) *T { return &v }

// An indicators form left empty records nothing and says so; a field left empty is "not
// entered" (NULL, shown as such), never a zero that would lower the risk level: a month where
// only the average was entered keeps last month's absence alert.
func TestEmptyIndicatorsAreNotZeros(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		dbtest.Must(t, db.Where("pupil_id = ?", mp.pupil.ID).Delete(&models.MonthlyIndicator{}).Error)
		med := s.client(t)
		med.login(mp.mediator.Email)
		path := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		score := func() int {
			t.Helper()
			var p models.Pupil
			dbtest.Must(t, db.Take(&p, mp.pupil.ID).Error)
			return p.RiskScore
		}
		// The form as a browser sends it with only the month and the average filled in.
		averageOnly := func(month, average string) url.Values {
			return url.Values{"month": {month}, "unjustified_half_days": {""}, "justified_half_days": {""}, "school_half_days": {""},
				"temporary_exclusions": {""}, "incidents": {""}, "term_average": {average}}
		}
		if r := med.post(path+"/indicators", url.Values{"month": {"2026-10"}, "unjustified_half_days": {"6"}, "school_half_days": {"30"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("October: %d %s", r.Status, excerpt(r.Body))
		}
		before := score()
		if before < 2 {
			t.Fatalf("6 unjustified half-days in October score %d", before)
		}
		r := med.post(path+"/indicators", averageOnly("2026-11", ""))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, html.EscapeString("Aucun indicateur n'a été saisi")) {
			t.Fatalf("empty form: %d %s", r.Status, excerpt(r.Body))
		}
		var n int64
		dbtest.Must(t, db.Model(&models.MonthlyIndicator{}).Where("pupil_id = ?", mp.pupil.ID).Count(&n).Error)
		if n != 1 || score() != before {
			t.Fatalf("after the empty form: %d months, score %d (was %d)", n, score(), before)
		}
		// November: only the average is known. The counts stay NULL and October still alerts.
		if r := med.post(path+"/indicators", averageOnly("2026-11", "12")); r.Status != http.StatusSeeOther {
			t.Fatalf("November's average: %d %s", r.Status, excerpt(r.Body))
		}
		var nov models.MonthlyIndicator
		dbtest.Must(t, db.Where("pupil_id = ? AND month = ?", mp.pupil.ID, "2026-11").Take(&nov).Error)
		if nov.UnjustifiedHalfDays != nil || nov.JustifiedHalfDays != nil || nov.TemporaryExclusions != nil || nov.Incidents != nil {
			t.Errorf("November stored zeros for what was not entered: %+v", nov)
		}
		if got := score(); got != before {
			t.Errorf("a month without absences entered changed the score: %d, was %d", got, before)
		}
		// October's average entered later: the absences entered before stay.
		if r := med.post(path+"/indicators", averageOnly("2026-10", "12")); r.Status != http.StatusSeeOther {
			t.Fatalf("October's average: %d %s", r.Status, excerpt(r.Body))
		}
		var oct models.MonthlyIndicator
		dbtest.Must(t, db.Where("pupil_id = ? AND month = ?", mp.pupil.ID, "2026-10").Take(&oct).Error)
		if oct.UnjustifiedHalfDays == nil || *oct.UnjustifiedHalfDays != 6 || oct.SchoolHalfDays == nil || oct.TermAverage == nil || *oct.TermAverage != 12 {
			t.Errorf("October after its average: %+v", oct)
		}
		page := med.get(path)
		if !strings.Contains(page.Body, "6 demi-journées d&#39;absence non justifiées en octobre 2026") ||
			!strings.Contains(page.Body, `<span class="visually-hidden">non saisi</span>`) {
			t.Errorf("the file does not show October's alert and November's counts as not entered: %s", excerpt(page.Body))
		}
	})
}

// A follow-up sent after 31 idle minutes is not applied (no session, so no CSRF check), but
// kept: the login page says why, signing in again leads back to the file with the text in the
// form, once; sending it then records it. Another account signing in in that browser finds
// nothing of it.
func TestExpiredSessionKeepsTheDraft(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		path := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		note := "Entretien avec la mère : elle accepte une rencontre avec le CPE jeudi."
		// A fresh form each time: the client adds its CSRF token to the one it sends.
		followUp := func() url.Values {
			return url.Values{"occurred_on": {"2026-11-25"}, "kind": {"family_phone"}, "duration_minutes": {"25"}, "note": {note}}
		}
		count := func() int64 {
			t.Helper()
			var n int64
			dbtest.Must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ? AND note = ?", mp.pupil.ID, note).Count(&n).Error)
			return n
		}
		expiredPost := func(cl *client) response {
			t.Helper()
			cl.login(mp.mediator.Email)
			if r := cl.get(path); r.Status != http.StatusOK {
				t.Fatalf("file: %d", r.Status)
			}
			s.Clock.Advance(31 * time.Minute)
			return cl.post(path+"/followups", followUp())
		}

		med := s.client(t)
		r := expiredPost(med)
		next := path + "#followup-form"
		if r.Status != http.StatusSeeOther || r.Location != "/login?next="+url.QueryEscape(next) {
			t.Fatalf("post after expiry: %d → %q", r.Status, r.Location)
		}
		if n := count(); n != 0 {
			t.Fatalf("the post after expiry was applied: %d follow-ups", n)
		}
		login := med.get(r.Location)
		if !strings.Contains(login.Body, html.EscapeString("Votre session a expiré après une période d'inactivité")) ||
			!strings.Contains(login.Body, `name="next" value="`+next+`"`) {
			t.Fatalf("the login page does not say why: %s", excerpt(login.Body))
		}
		r = med.post("/login", url.Values{"email": {mp.mediator.Email}, "password": {demodata.Password}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Location != next {
			t.Fatalf("sign in again: %d → %q", r.Status, r.Location)
		}
		page := med.get(path)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, html.EscapeString(note)+"</textarea>") ||
			!strings.Contains(page.Body, "Voici ce que vous aviez saisi") {
			t.Fatalf("the file does not give the text back: %d %s", page.Status, excerpt(page.Body))
		}
		if again := med.get(path); strings.Contains(again.Body, html.EscapeString(note)) {
			t.Error("the draft is given back twice")
		}
		if r := med.post(path+"/followups", followUp()); r.Status != http.StatusSeeOther || count() != 1 {
			t.Fatalf("sending it again: %d, %d follow-ups", r.Status, count())
		}
		var drafts int64
		dbtest.Must(t, db.Model(&models.Draft{}).Count(&drafts).Error)
		if drafts != 0 {
			t.Errorf("%d drafts left after use", drafts)
		}

		// In another browser, the head teacher signs in after the mediator's post: nothing.
		note = "Deuxième appel : la famille ne répond pas."
		other := s.client(t)
		expiredPost(other)
		other.get("/login")
		if r := other.post("/login", url.Values{"email": {mp.head.Email}, "password": {demodata.Password}, "next": {path}}); r.Status != http.StatusSeeOther {
			t.Fatalf("head teacher's login: %d", r.Status)
		}
		if page := other.get(path); page.Status != http.StatusOK || strings.Contains(page.Body, html.EscapeString(note)) {
			t.Errorf("another account sees the draft: %d", page.Status)
		}
		dbtest.Must(t, db.Model(&models.Draft{}).Count(&drafts).Error)
		if drafts != 1 || count() != 0 {
			t.Errorf("another account's sign-in: %d drafts, %d follow-ups", drafts, count())
		}
	})
}

// Opening a file for a pupil who already has one in the mediator's establishments (same name
// and birth date, whatever the accents, case, hyphens) is refused with links to the file
// found, in whichever of their establishments; a file outside their scope is never revealed.
// Ticking "c'est un homonyme" and sending again opens it.
func TestDuplicateFileWarns(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		var jaures, michel models.Establishment
		dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		dbtest.Must(t, db.Where("name = ?", "Collège Louise Michel").Take(&michel).Error)
		birth := mp.pupil.BirthDate.Format("2006-01-02")
		same := map[string]any{"last_name": "Aït-Ahmed", "first_name": "Inès"}
		dbtest.Must(t, db.Model(&models.Pupil{}).Where("id = ?", mp.pupil.ID).Updates(same).Error)
		// The same name and birth date in an establishment of nobody here.
		var outside models.Pupil
		dbtest.Must(t, db.Where("establishment_id NOT IN ? AND anonymised_at IS NULL", []uint{jaures.ID, michel.ID}).Order("id").Take(&outside).Error)
		same["birth_date"] = mp.pupil.BirthDate
		dbtest.Must(t, db.Model(&models.Pupil{}).Where("id = ?", outside.ID).Updates(same).Error)

		med := s.client(t)
		med.login(mp.mediator.Email)
		form := func() url.Values {
			return url.Values{"establishment_id": {fmt.Sprint(michel.ID)}, "last_name": {"AIT AHMED"}, "first_name": {"ines"},
				"birth_date": {birth}, "class_level": {string(mp.pupil.ClassLevel)}, "class_name": {mp.pupil.ClassName}}
		}
		count := func() int64 {
			t.Helper()
			var n int64
			dbtest.Must(t, db.Model(&models.Pupil{}).Where("last_name = ?", "AIT AHMED").Count(&n).Error)
			return n
		}
		r := med.post("/pupils", form())
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, fmt.Sprintf(`<a href="/pupils/%d">Inès Aït-Ahmed</a>`, mp.pupil.ID)) ||
			!strings.Contains(r.Body, "Un dossier porte déjà ce nom") || !strings.Contains(r.Body, `name="homonym"`) ||
			!strings.Contains(r.Body, `value="AIT AHMED"`) {
			t.Fatalf("duplicate: %d %s", r.Status, excerpt(r.Body))
		}
		if strings.Contains(r.Body, fmt.Sprintf(`/pupils/%d"`, outside.ID)) || count() != 0 {
			t.Fatalf("a file outside the scope is shown, or the duplicate was created (%d)", count())
		}
		confirmed := form()
		confirmed.Set("homonym", "on")
		if r := med.post("/pupils", confirmed); r.Status != http.StatusSeeOther || count() != 1 {
			t.Fatalf("homonym confirmed: %d, %d files", r.Status, count())
		}
		// Another name: no warning.
		other := form()
		other.Set("first_name", "Inaya")
		if r := med.post("/pupils", other); r.Status != http.StatusSeeOther {
			t.Errorf("another first name: %d %s", r.Status, excerpt(r.Body))
		}
	})
}

// "Fait" on an action: the flash carries "Annuler", which reopens it within the window (from
// the file and from the worklist); later it says it is too late; the done action stays in the
// file's history; a mediator of another establishment cannot touch it.
func TestActionDoneCanBeUndone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		a := models.NextAction{PupilID: mp.pupil.ID, Description: "Appeler le CPE au sujet de l'emploi du temps",
			DueOn: fixedNow.AddDate(0, 0, 3), OwnerUserID: &mp.mediator.ID}
		dbtest.Must(t, db.Create(&a).Error)
		path := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		done, undo := fmt.Sprintf("/actions/%d/done", a.ID), fmt.Sprintf("/actions/%d/undo", a.ID)
		isDone := func() bool {
			t.Helper()
			var got models.NextAction
			dbtest.Must(t, db.Take(&got, a.ID).Error)
			return got.DoneAt != nil
		}
		med := s.client(t)
		med.login(mp.mediator.Email)
		if r := med.post(done, nil); r.Status != http.StatusSeeOther || r.Location != path || !isDone() {
			t.Fatalf("done: %d → %q", r.Status, r.Location)
		}
		page := med.get(path)
		if !strings.Contains(page.Body, `action="`+undo+`"`) || !strings.Contains(page.Body, ">Annuler</button>") ||
			!strings.Contains(page.Body, `<details id="done-actions">`) || !strings.Contains(page.Body, html.EscapeString(a.Description)) {
			t.Fatalf("after done, the file lacks the undo button or the done action: %s", excerpt(page.Body))
		}
		if again := med.get(path); strings.Contains(again.Body, `action="`+undo+`"`) {
			t.Error("the undo button outlives its flash")
		}
		other := s.client(t)
		other.login("mediation2@demo.test")
		if r := other.post(undo, nil); r.Status != http.StatusNotFound || !isDone() {
			t.Fatalf("a mediator of another establishment undoes: %d", r.Status)
		}
		if r := med.post(undo, nil); r.Status != http.StatusSeeOther || r.Location != path || isDone() {
			t.Fatalf("undo: %d → %q, done %v", r.Status, r.Location, isDone())
		}
		if page := med.get(path); !strings.Contains(page.Body, "est de nouveau à faire") || !strings.Contains(page.Body, `action="`+done+`"`) {
			t.Errorf("after undo the action is not open on the file: %s", excerpt(page.Body))
		}
		// From the worklist, back to the worklist; too late after the window.
		if r := med.post(done, url.Values{"from": {"worklist"}}); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("done from the worklist: %d → %q", r.Status, r.Location)
		}
		if home := med.get("/"); !strings.Contains(home.Body, `action="`+undo+`?from=worklist"`) {
			t.Fatalf("the worklist lacks the undo button: %s", excerpt(home.Body))
		}
		s.Clock.Advance(11 * time.Minute)
		if r := med.post(undo+"?from=worklist", nil); r.Status != http.StatusSeeOther || r.Location != "/" || !isDone() {
			t.Fatalf("undo too late: %d → %q, done %v", r.Status, r.Location, isDone())
		}
		if home := med.get("/"); !strings.Contains(home.Body, "ne peut plus être annulée") {
			t.Errorf("too late is not said: %s", excerpt(home.Body))
		}
	})
}

// A signed-in page carries the warning before idle expiry (hidden until the script shows it)
// and its script; the script's keep-alive counts as activity: a session kept alive that way
// outlives the idle timeout. A visitor's page has neither.
func TestIdleWarningAndKeepAlive(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		visitor := s.client(t)
		if login := visitor.get("/login"); strings.Contains(login.Body, "session-warning") || strings.Contains(login.Body, "session.js") {
			t.Error("the login page warns of a session it does not have")
		}
		med := s.client(t)
		med.login("mediation@demo.test")
		page := med.get("/pupils")
		if !strings.Contains(page.Body, `id="session-warning" class="alert alert-error" role="alert" hidden data-idle="1800" data-lead="300"`) ||
			!strings.Contains(page.Body, "30 minutes après votre dernière page") || !strings.Contains(page.Body, `<script src="/static/session.js" defer></script>`) {
			t.Fatalf("the page lacks the idle warning: %s", excerpt(page.Body))
		}
		if js := med.get("/static/session.js"); js.Status != http.StatusOK || !strings.Contains(js.Body, "/session/keepalive") {
			t.Fatalf("session.js: %d", js.Status)
		}
		for range 3 {
			s.Clock.Advance(25 * time.Minute)
			if r := med.get("/session/keepalive"); r.Status != http.StatusNoContent {
				t.Fatalf("keep-alive: %d → %q", r.Status, r.Location)
			}
		}
		if r := med.get("/pupils"); r.Status != http.StatusOK {
			t.Fatalf("75 minutes kept alive: %d → %q", r.Status, r.Location)
		}
		s.Clock.Advance(31 * time.Minute)
		if r := med.get("/session/keepalive"); r.Status != http.StatusSeeOther {
			t.Errorf("keep-alive after expiry: %d, want the way to the login page", r.Status)
		}
	})
}
