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

// meetingPupil is an open file of the Collège Jean Jaurès (the first demo mediator's and the
// head teacher's) with a legal guardian, and the accounts that work on it.
type meetingPupil struct {
	pupil    models.Pupil
	guardian models.Guardian
	mediator models.User
	head     models.User
}

func findMeetingPupil(t *testing.T, db *gorm.DB) meetingPupil {
	t.Helper()
	var jaures models.Establishment
	must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	var out meetingPupil
	must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL AND status = ?", jaures.ID, models.StatusActive).
		Where("EXISTS (SELECT 1 FROM guardians g WHERE g.pupil_id = pupils.id)").Order("id").Take(&out.pupil).Error)
	must(t, db.Where("pupil_id = ?", out.pupil.ID).Order("id").Take(&out.guardian).Error)
	must(t, db.Where("email = ?", "mediation@demo.test").Take(&out.mediator).Error)
	must(t, db.Where("email = ?", "direction@demo.test").Take(&out.head).Error)
	return out
}

var meetingLocation = regexp.MustCompile(`^/meetings/(\d+)$`)

// scheduleForm is the schedule form as a browser sends it: six participant rows, the first the
// guardian, the second the mediator's account, the rest empty.
func scheduleForm(mp meetingPupil, date, clock string) url.Values {
	v := url.Values{"date": {date}, "time": {clock}, "duration_minutes": {"60"}, "place": {"Bureau de la médiation"},
		"purpose": {"Point sur l'assiduité de " + mp.pupil.FirstName}}
	for i := range 6 {
		p := fmt.Sprintf("participant%d_", i)
		v.Set(p+"role", "")
		v.Set(p+"name", "")
		v.Set(p+"user_id", "")
	}
	v.Set("participant0_role", "guardian")
	v.Set("participant0_name", mp.guardian.Name)
	v.Set("participant1_role", "mediator")
	v.Set("participant1_user_id", fmt.Sprint(mp.mediator.ID))
	return v
}

// The scenario over HTTP: the mediator schedules from the file (bad input first), the
// meeting goes to a calendar, is rescheduled (a stale edit refused), takes place, the attendance
// is noted, the recap's actions reach the worklist; the head teacher sees and records too;
// anyone else finds nothing.
func TestMeetingFlowOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		filePath := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		med := s.client(t)
		med.login("mediation@demo.test")
		file := med.get(filePath)
		if file.Status != http.StatusOK || !strings.Contains(file.Body, `id="meeting-form"`) || !strings.Contains(file.Body, `action="`+filePath+`/meetings#meeting-form"`) {
			t.Fatalf("the file has no schedule form: %d", file.Status)
		}
		var before int64
		dbtest.Must(t, db.Model(&models.Meeting{}).Count(&before).Error)

		// Bad input: 422, a message beside the field, what was typed kept, nothing stored.
		bad := []struct {
			name    string
			edit    func(url.Values)
			errorID string
		}{
			{"in the past", func(v url.Values) { v.Set("date", "2026-11-24") }, `id="meeting-scheduled_at-error"`},
			{"unreadable time", func(v url.Values) { v.Set("time", "quatorze heures") }, `id="meeting-scheduled_at-error"`},
			{"participant without a role", func(v url.Values) { v.Set("participant2_name", "Mme Roussel") }, `id="meeting-p2-role-error"`},
			{"no guardian", func(v url.Values) { v.Set("participant0_role", "pupil") }, `id="meeting-participants-error"`},
			{"no purpose", func(v url.Values) { v.Set("purpose", "") }, `id="meeting-purpose-error"`},
			{"absurd length", func(v url.Values) { v.Set("duration_minutes", "900") }, `id="meeting-duration_minutes-error"`},
		}
		for _, c := range bad {
			form := scheduleForm(mp, "2026-11-27", "14:00")
			c.edit(form)
			r := med.post(filePath+"/meetings", form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.errorID) ||
				c.name != "no guardian" && !strings.Contains(r.Body, `aria-invalid="true"`) {
				t.Errorf("%s: %d, want 422 with %s", c.name, r.Status, c.errorID)
			}
			if !strings.Contains(r.Body, "Bureau de la médiation") || !strings.Contains(r.Body, `<details class="card" id="meeting-form" open>`) {
				t.Errorf("%s: the form does not come back open with what was typed", c.name)
			}
		}
		if r := med.post(filePath+"/meetings", scheduleForm(mp, "2026-11-24", "14:00")); !strings.Contains(r.Body, "Une rencontre prévue ne peut pas être dans le passé.") {
			t.Error("the French message of a meeting in the past is missing")
		}
		var after int64
		dbtest.Must(t, db.Model(&models.Meeting{}).Count(&after).Error)
		if after != before {
			t.Fatalf("%d refused meetings stored", after-before)
		}

		// Friday 27 November 2026 at 14:00, Paris time.
		r := med.post(filePath+"/meetings", scheduleForm(mp, "27/11/2026", "14h00"))
		m := meetingLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("schedule: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		var meeting models.Meeting
		must(t, db.Take(&meeting, m[1]).Error)
		if !meeting.ScheduledAt.Equal(time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC)) || meeting.OrganiserID != mp.mediator.ID {
			t.Errorf("stored meeting: %+v", meeting)
		}
		page := med.get(path)
		for _, want := range []string{"Rencontre famille–école — " + mp.pupil.FirstName + " " + mp.pupil.LastName, "vendredi 27 novembre 2026",
			"14:00–15:00", "Prévue", mp.guardian.Name, mp.mediator.DisplayName, "La présence se note à partir de l&#39;heure", `href="` + path + `/calendar.ics"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("meeting page lacks %q", want)
			}
		}
		if file := med.get(filePath); !strings.Contains(file.Body, `href="`+path+`"`) || !strings.Contains(file.Body, "27/11/2026 14:00") {
			t.Error("the meeting is not listed on the file")
		}

		// The calendar file: the right instant, the first name and initial, never the surname.
		ics := med.get(path + "/calendar.ics")
		if ics.Status != http.StatusOK || !strings.HasPrefix(ics.Header.Get("Content-Type"), "text/calendar") ||
			!strings.Contains(ics.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("calendar: %d %s %s", ics.Status, ics.Header.Get("Content-Type"), ics.Header.Get("Content-Disposition"))
		}
		for _, want := range []string{"DTSTART:20261127T130000Z\r\n", "DTEND:20261127T140000Z\r\n", "SEQUENCE:1\r\n", "UID:meeting-" + m[1] + "@mediation.lille-metropole\r\n",
			"STATUS:CONFIRMED\r\n", models.PupilShortName(mp.pupil.FirstName, mp.pupil.LastName)} {
			if !strings.Contains(ics.Body, want) {
				t.Errorf("calendar lacks %q", want)
			}
		}
		if strings.Contains(ics.Body, mp.pupil.LastName) || strings.Contains(ics.Body, mp.guardian.Name) {
			t.Error("the calendar file names the pupil's family")
		}

		// Attendance before the start: refused. A stale edit: refused with who changed it.
		if r := med.post(path+"/attendance", url.Values{"version": {"1"}, "present": {"1"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "pas encore commencé") {
			t.Errorf("attendance before the start: %d", r.Status)
		}
		edit := scheduleForm(mp, "2026-11-27", "15:30")
		edit.Set("version", "1")
		edit.Set("participant2_role", "cpe")
		edit.Set("participant2_name", "M. Lefranc")
		if r := med.post(path, edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, excerpt(r.Body))
		}
		edit.Set("place", "Salle des familles")
		r = med.post(path, edit)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "a été modifiée par") || !strings.Contains(r.Body, `value="Salle des familles"`) {
			t.Errorf("stale edit: %d %s", r.Status, excerpt(r.Body))
		}
		must(t, db.Preload("Participants").Take(&meeting, m[1]).Error)
		if meeting.Version != 2 || meeting.Place != "Bureau de la médiation" || len(meeting.Participants) != 3 ||
			!meeting.ScheduledAt.Equal(time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC)) {
			t.Errorf("after the edits: v%d %q, %d participants, at %s", meeting.Version, meeting.Place, len(meeting.Participants), meeting.ScheduledAt)
		}
		if ics := med.get(path + "/calendar.ics"); !strings.Contains(ics.Body, "SEQUENCE:2\r\n") || !strings.Contains(ics.Body, "DTSTART:20261127T143000Z") {
			t.Error("the calendar file does not follow the edit")
		}

		// Friday at 16:00: the meeting took place; the guardian came. (The session has expired.)
		s.Clock.Advance(54 * time.Hour)
		med.login("mediation@demo.test")
		var guardianPart, cpe models.MeetingParticipant
		must(t, db.Where("meeting_id = ? AND role = ?", meeting.ID, models.ParticipantGuardian).Take(&guardianPart).Error)
		must(t, db.Where("meeting_id = ? AND role = ?", meeting.ID, models.ParticipantCPE).Take(&cpe).Error)
		if r := med.get(path); !strings.Contains(r.Body, `id="attendance-form"`) {
			t.Error("no attendance form after the meeting")
		}
		if r := med.post(path+"/recap", url.Values{"version": {"2"}, "decisions": {"Trop tôt."}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("recap before the attendance: %d", r.Status)
		}
		r = med.post(path+"/attendance", url.Values{"version": {"2"}, "present": {fmt.Sprint(guardianPart.ID)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("attendance: %d %s", r.Status, excerpt(r.Body))
		}
		page = med.get(path)
		if !strings.Contains(page.Body, "Tenue") || !strings.Contains(page.Body, "Absent·e") || !strings.Contains(page.Body, `id="recap-form"`) {
			t.Errorf("after the attendance the page lacks the status, the absent CPE or the recap form")
		}
		// The recap: a due date before the meeting is refused; then two actions.
		recap := url.Values{"version": {"3"}, "decisions": {"Fiche de suivi quotidienne ; point chaque vendredi."},
			"action0_description": {"Appeler la famille pour le bilan"}, "action0_due_on": {"2026-11-26"}, "action0_owner": {fmt.Sprint(mp.mediator.ID)}}
		r = med.post(path+"/recap", recap)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="a0-due_on-error"`) || !strings.Contains(r.Body, "précéder la rencontre") {
			t.Errorf("recap with a due date before the meeting: %d", r.Status)
		}
		recap.Set("action0_due_on", "2026-12-01")
		recap.Set("action1_description", "Justifier chaque absence sous 48 heures")
		recap.Set("action1_due_on", "04/12/2026")
		recap.Set("action1_owner", "label")
		recap.Set("action1_owner_label", "la famille")
		if r := med.post(path+"/recap", recap); r.Status != http.StatusSeeOther {
			t.Fatalf("recap: %d %s", r.Status, excerpt(r.Body))
		}
		var actions []models.NextAction
		dbtest.Must(t, db.Where("meeting_id = ?", meeting.ID).Order("id").Find(&actions).Error)
		if len(actions) != 2 || actions[0].OwnerUserID == nil || *actions[0].OwnerUserID != mp.mediator.ID || actions[1].OwnerLabel != "la famille" {
			t.Fatalf("recap actions: %+v", actions)
		}
		if home := med.get("/"); !strings.Contains(home.Body, "Appeler la famille pour le bilan") {
			t.Error("the recap's action is not on the mediator's worklist")
		}
		if r := med.post(path+"/attendance", url.Values{"version": {"4"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Le compte rendu est écrit") {
			t.Errorf("attendance after the recap: %d", r.Status)
		}

		// The head teacher sees the meeting, and schedules one where the family does not come.
		head := s.client(t)
		head.login("direction@demo.test")
		if r := head.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "Fiche de suivi quotidienne") {
			t.Errorf("head teacher on the meeting: %d", r.Status)
		}
		if r := head.get("/meetings"); r.Status != http.StatusOK || !strings.Contains(r.Body, mp.pupil.LastName) {
			t.Errorf("head teacher's meetings page: %d", r.Status)
		}
		form := scheduleForm(mp, "2026-12-02", "09:00")
		form.Set("participant1_role", "head_teacher")
		form.Set("participant1_user_id", fmt.Sprint(mp.head.ID))
		head.get(filePath)
		r = head.post(filePath+"/meetings", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("head teacher schedules: %d %s", r.Status, excerpt(r.Body))
		}
		second := r.Location
		s.Clock.Advance(6 * 24 * time.Hour)
		head.login("direction@demo.test")
		var v2 models.Meeting
		must(t, db.Take(&v2, meetingLocation.FindStringSubmatch(second)[1]).Error)
		head.get(second)
		if r := head.post(second+"/attendance", url.Values{"version": {fmt.Sprint(v2.Version)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("nobody came: %d %s", r.Status, excerpt(r.Body))
		}
		if r := head.get(second); !strings.Contains(r.Body, "Famille absente") || strings.Contains(r.Body, `id="recap-form"`) ||
			!strings.Contains(r.Body, "Planifier une nouvelle rencontre") {
			t.Error("the family-absent meeting is not shown as such")
		}
		must(t, db.Take(&v2, v2.ID).Error)
		if v2.Status != models.MeetingFamilyAbsent {
			t.Errorf("second meeting: %s", v2.Status)
		}

		// Anyone else: 404 on the meeting, its calendar file and its forms.
		for _, email := range []string{"mediation2@demo.test", "caf@demo.test", "coordination@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(email)
			for _, rt := range []struct{ method, path string }{{"GET", path}, {"GET", path + "/calendar.ics"}, {"GET", "/meetings"},
				{"POST", filePath + "/meetings"}, {"POST", path}, {"POST", path + "/status"}, {"POST", path + "/attendance"}, {"POST", path + "/recap"}} {
				var r response
				if rt.method == "GET" {
					r = cl.get(rt.path)
				} else {
					r = cl.post(rt.path, url.Values{"version": {"4"}})
				}
				switch {
				case email == "mediation2@demo.test" && rt.path == "/meetings":
					if r.Status != http.StatusOK || strings.Contains(r.Body, `href="`+path+`"`) || strings.Contains(r.Body, mp.pupil.LastName) {
						t.Errorf("another establishment's mediator: /meetings %d shows the meeting", r.Status)
					}
				case r.Status != http.StatusNotFound:
					t.Errorf("%s %s %s: %d, want 404", email, rt.method, rt.path, r.Status)
				}
			}
		}
		// Views and calendar downloads are in the audit log, without content.
		var viewed int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND action = ?", "meeting", m[1], models.AuditPupilViewed).Count(&viewed).Error)
		if viewed < 5 {
			t.Errorf("%d views of the meeting audited", viewed)
		}
		var leaked int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND (detail LIKE ? OR detail LIKE ?)", "meeting", "%Fiche%", "%Bureau%").Count(&leaked).Error)
		if leaked != 0 {
			t.Error("meeting content in the audit log")
		}
	})
}

func TestMeetingStatusAndListsOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		med := s.client(t)
		med.login("mediation@demo.test")
		med.get(fmt.Sprintf("/pupils/%d", mp.pupil.ID))
		r := med.post(fmt.Sprintf("/pupils/%d/meetings", mp.pupil.ID), scheduleForm(mp, "2026-11-26", "10:30"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("schedule: %d %s", r.Status, excerpt(r.Body))
		}
		path := r.Location
		// This week's list holds it, with the filters; next week's does not.
		list := med.get("/meetings")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, `href="`+path+`"`) || !strings.Contains(list.Body, "Cette semaine, du 23/11/2026 au 29/11/2026") {
			t.Fatalf("meetings page: %d %s", list.Status, excerpt(list.Body))
		}
		for _, q := range []string{"?mine=1", "?status=planned", "?week=2026-12-07", "?week=bogus&status=nope", "?establishment=999999"} {
			if r := med.get("/meetings" + q); r.Status != http.StatusOK {
				t.Errorf("GET /meetings%s: %d", q, r.Status)
			}
		}
		if r := med.get("/meetings?status=cancelled"); strings.Contains(r.Body, `href="`+path+`"`) {
			t.Error("the status filter keeps a planned meeting among the cancelled")
		}
		if r := med.get("/meetings?week=2026-12-07"); strings.Contains(r.Body, `href="`+path+`"`) || !strings.Contains(r.Body, "Semaine du 07/12/2026") {
			t.Error("another fortnight shows this week's meeting")
		}
		// Held and family absent are not set by hand; cancelling works once.
		if r := med.post(path+"/status", url.Values{"version": {"1"}, "status": {"held"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "indiquez qui était là") {
			t.Errorf("held by hand: %d", r.Status)
		}
		if r := med.post(path+"/status", url.Values{"version": {"1"}, "status": {"cancelled"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("cancel: %d %s", r.Status, excerpt(r.Body))
		}
		r = med.post(path+"/status", url.Values{"version": {"2"}, "status": {"postponed"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Ce changement de statut n&#39;est pas possible") {
			t.Errorf("postpone a cancelled meeting: %d %s", r.Status, excerpt(r.Body))
		}
		if r := med.post(path+"/status", url.Values{"version": {"1"}, "status": {"postponed"}}); r.Status != http.StatusConflict {
			t.Errorf("stale status change: %d", r.Status)
		}
		page := med.get(path)
		if !strings.Contains(page.Body, "Annulée") || strings.Contains(page.Body, `action="`+path+`/status"`) || strings.Contains(page.Body, `id="attendance-form"`) {
			t.Error("a cancelled meeting still offers its forms")
		}
		if ics := med.get(path + "/calendar.ics"); !strings.Contains(ics.Body, "STATUS:CANCELLED\r\n") || !strings.Contains(ics.Body, "SEQUENCE:2\r\n") {
			t.Error("the calendar file of a cancelled meeting does not cancel the event")
		}
		// In English, the labels follow.
		med.post("/language", url.Values{"lang": {"en"}, "next": {path}})
		if r := med.get(path); !strings.Contains(r.Body, "Cancelled") || !strings.Contains(r.Body, "Family–school meeting") {
			t.Errorf("English meeting page: %s", excerpt(r.Body))
		}
	})
}

// The number of SQL statements of the meeting pages does not depend on how many meetings,
// participants or actions they show.
func TestMeetingPagesQueriesDoNotGrow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		med := s.client(t)
		med.login("mediation@demo.test")
		filePath := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		counter := dbtest.CountQueries(db)
		// A page read right after a form shows (and so removes) its flash message, which writes
		// the session once: each page is read once before it is counted.
		count := func(path string) int64 {
			med.get(path)
			counter.Reset()
			if r := med.get(path); r.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, r.Status)
			}
			return counter.Count()
		}
		med.get(filePath)
		r := med.post(filePath+"/meetings", scheduleForm(mp, "2026-11-26", "10:30"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("schedule: %d", r.Status)
		}
		path := r.Location
		before := map[string]int64{"/meetings": count("/meetings"), path: count(path), filePath: count(filePath)}
		for _, day := range []string{"2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"} {
			form := scheduleForm(mp, day, "16:00")
			form.Set("participant2_role", "cpe")
			form.Set("participant2_name", "M. Lefranc")
			if r := med.post(filePath+"/meetings", form); r.Status != http.StatusSeeOther {
				t.Fatalf("schedule %s: %d", day, r.Status)
			}
		}
		edit := scheduleForm(mp, "2026-11-26", "10:30")
		edit.Set("version", "1")
		for i, name := range []string{"M. Lefranc", "Mme Roussel", "M. Dumoulin"} {
			edit.Set(fmt.Sprintf("participant%d_role", i+2), "cpe")
			edit.Set(fmt.Sprintf("participant%d_name", i+2), name)
		}
		if r := med.post(path, edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.Status)
		}
		for p, n := range before {
			if got := count(p); got != n {
				t.Errorf("GET %s: %d queries with few rows, %d with more", p, n, got)
			}
		}
	})
}

// meetingRoutes are the meeting pages for the authorization matrix: mediators and head teachers
// reach them all, on a planned meeting of the Collège Jean Jaurès.
func meetingRoutes(t *testing.T, db *gorm.DB) []route {
	mp := findMeetingPupil(t, db)
	var m models.Meeting
	must(t, db.Joins("JOIN pupils ON pupils.id = meetings.pupil_id").
		Where("pupils.establishment_id = ? AND pupils.anonymised_at IS NULL AND meetings.status = ?", mp.pupil.EstablishmentID, models.MeetingPlanned).
		Order("meetings.id").Select("meetings.*").Take(&m).Error)
	staff := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	path := fmt.Sprintf("/meetings/%d", m.ID)
	return []route{
		{"GET", "/meetings", staff},
		{"GET", path, staff},
		{"GET", path + "/calendar.ics", staff},
		{"POST", fmt.Sprintf("/pupils/%d/meetings", mp.pupil.ID), staff},
		{"POST", path, staff},
		{"POST", path + "/status", staff},
		{"POST", path + "/attendance", staff},
		{"POST", path + "/recap", staff},
	}
}
