package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

var silentPupil = regexp.MustCompile(`href="/pupils/(\d+)#followup-form"`)

// silentSection is the worklist's "no contact for 21 days" part of the home page.
func silentSection(t *testing.T, home response) string {
	t.Helper()
	start := strings.Index(home.Body, `id="wl-silent"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(home.Body[start:], "</section>")
	if end < 0 {
		t.Fatal("worklist silent section not closed")
	}
	return home.Body[start : start+end]
}

// silentDemoPupil is the id of the first pupil of the worklist's "no contact" list of the
// client's home page.
func silentDemoPupil(t *testing.T, cl *client) string {
	t.Helper()
	m := silentPupil.FindStringSubmatch(silentSection(t, cl.get("/")))
	if m == nil {
		t.Fatal("the demo worklist has no pupil without contact")
	}
	return m[1]
}

// TestMeetingHeldCountsAsContact follows a mediator who met a family yesterday without having
// planned it in the application: the schedule form refuses a past date unless the meeting is
// recorded as already held; once its attendance and recap are written, the pupil leaves the
// worklist's "no contact" list, on both databases.
func TestMeetingHeldCountsAsContact(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		med := s.client(t)
		med.login("mediation@demo.test")
		id := silentDemoPupil(t, med)
		filePath := "/pupils/" + id
		if silent := silentSection(t, med.get("/")); !strings.Contains(silent, "Dernier contact le") && !strings.Contains(silent, "Aucun contact depuis le repérage du") {
			t.Error("the no-contact list does not speak of contact")
		}
		med.get(filePath)
		form := url.Values{"date": {"2026-11-24"}, "time": {"17:30"}, "duration_minutes": {"45"}, "place": {"Domicile"},
			"purpose": {"Rencontre avec la mère à la sortie"}, "participant0_role": {"guardian"}, "participant0_name": {"Mme Martin"}}
		if r := med.post(filePath+"/meetings", form); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Une rencontre prévue ne peut pas être dans le passé.") {
			t.Errorf("a planned meeting in the past: %d", r.Status)
		}
		form.Set("already_held", "on")
		form.Set("date", "2026-11-26")
		if r := med.post(filePath+"/meetings", form); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "ne peut pas être dans le futur") || !strings.Contains(r.Body, `name="already_held" aria-describedby="meeting-already_held-hint" checked`) {
			t.Errorf("a meeting already held tomorrow: %d", r.Status)
		}
		form.Set("date", "2026-11-24")
		r := med.post(filePath+"/meetings", form)
		if r.Status != http.StatusSeeOther || !meetingLocation.MatchString(r.Location) {
			t.Fatalf("meeting recorded after the fact: %d %s", r.Status, excerpt(r.Body))
		}
		path := r.Location
		if page := med.get(path); !strings.Contains(page.Body, "indiquez qui était présent") || !strings.Contains(page.Body, `id="attendance-form"`) {
			t.Errorf("after recording a past meeting the page lacks the flash or the attendance form")
		}
		if silent := silentSection(t, med.get("/")); !strings.Contains(silent, `href="`+filePath+`#followup-form"`) {
			t.Fatal("the pupil left the no-contact list before the meeting was recorded as held")
		}
		var guardian models.MeetingParticipant
		dbtest.Must(t, s.App.DB.Joins("JOIN meetings ON meetings.id = meeting_participants.meeting_id").
			Where("meetings.pupil_id = ? AND meeting_participants.role = ?", id, models.ParticipantGuardian).
			Order("meeting_participants.id DESC").Take(&guardian).Error)
		if r := med.post(path+"/attendance", url.Values{"version": {"1"}, "present": {fmt.Sprint(guardian.ID)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("attendance: %d %s", r.Status, excerpt(r.Body))
		}
		if r := med.post(path+"/recap", url.Values{"version": {"2"}, "decisions": {"La mère appellera la CPE chaque lundi."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("recap: %d %s", r.Status, excerpt(r.Body))
		}
		if silent := silentSection(t, med.get("/")); strings.Contains(silent, `href="`+filePath+`#followup-form"`) {
			t.Error("right after a family meeting held the pupil is still listed as without contact")
		}
		// The file's summary tells the last contact and its kind.
		if file := med.get(filePath); !strings.Contains(file.Body, "<li>Dernier contact : 24/11/2026 (rencontre famille–école)</li>") {
			t.Errorf("the file's summary does not date the last contact with the meeting held (status %d)", file.Status)
		}
		// The pupil list dates the last contact with the meeting, and sorts by it.
		var p models.Pupil
		dbtest.Must(t, s.App.DB.Take(&p, id).Error)
		list := med.get("/pupils?" + url.Values{"q": {p.LastName + " " + p.FirstName}, "sort": {"contact"}}.Encode())
		row := list.Body[max(0, strings.Index(list.Body, `href="`+filePath+`"`)):]
		if end := strings.Index(row, "</tr>"); end < 0 || !strings.Contains(row[:end], "24/11/2026") || !strings.Contains(list.Body, "Dernier contact") {
			t.Errorf("the pupil list does not date the last contact with the meeting held (status %d)", list.Status)
		}
	})
}

// TestPartnerAnswerCountsAsContact follows a mediator who refers a family without contact for
// three weeks to the CAF: sending is the mediator's own step and changes nothing; once the CAF
// acknowledges, the pupil leaves the worklist's "no contact" list, and the pupil list and the
// file date the last contact with the partner's answer, on both databases.
func TestPartnerAnswerCountsAsContact(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		med := s.client(t)
		med.login("mediation@demo.test")
		id := silentDemoPupil(t, med)
		filePath := "/pupils/" + id
		var p models.Pupil
		dbtest.Must(t, db.Take(&p, id).Error)
		listRow := func() string {
			t.Helper()
			list := med.get("/pupils?" + url.Values{"q": {p.LastName + " " + p.FirstName}, "sort": {"contact"}}.Encode())
			row := list.Body[max(0, strings.Index(list.Body, `href="`+filePath+`"`)):]
			end := strings.Index(row, "</tr>")
			if list.Status != http.StatusOK || end < 0 {
				t.Fatalf("the pupil list lacks the file: %d", list.Status)
			}
			return row[:end]
		}
		if row := listRow(); strings.Contains(row, "25/11/2026") {
			t.Fatal("the pupil already had a contact today")
		}
		if file := med.get(filePath); strings.Contains(file.Body, "Dernier contact : 25/11/2026") || !strings.Contains(file.Body, "<li>Dernier contact : ") {
			t.Errorf("before the answer the file's summary lacks the last contact or dates it today (status %d)", file.Status)
		}
		var caf models.PartnerOrganisation
		dbtest.Must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
		r := med.post(filePath+"/referrals", url.Values{"partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"},
			"request": {"Accompagner la famille dans sa demande d'aide au logement."}})
		if r.Status != http.StatusSeeOther || !referralLocation.MatchString(r.Location) {
			t.Fatalf("draft: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		version := func() string {
			var cur models.Referral
			dbtest.Must(t, db.Take(&cur, referralLocation.FindStringSubmatch(path)[1]).Error)
			return fmt.Sprint(cur.Version)
		}
		if r := med.post(path+"/consent", url.Values{"version": {version()}, "consent_given_by": {"Mme Martin, mère"},
			"consent_given_on": {"24/11/2026"}, "consent_method": {"phone"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("consent: %d %s", r.Status, excerpt(r.Body))
		}
		if r := med.post(path+"/send", url.Values{"version": {version()}}); r.Status != http.StatusSeeOther {
			t.Fatalf("send: %d %s", r.Status, excerpt(r.Body))
		}
		if silent := silentSection(t, med.get("/")); !strings.Contains(silent, `href="`+filePath+`#followup-form"`) {
			t.Error("sending a referral counted as a contact with the family")
		}
		partner := s.client(t)
		partner.login("caf@demo.test")
		if r := partner.post(path+"/acknowledge", url.Values{"version": {version()}}); r.Status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", r.Status, excerpt(r.Body))
		}
		if silent := silentSection(t, med.get("/")); strings.Contains(silent, `href="`+filePath+`#followup-form"`) {
			t.Error("after the partner's answer the pupil is still listed as without contact")
		}
		if row := listRow(); !strings.Contains(row, "25/11/2026") {
			t.Error("the pupil list does not date the last contact with the partner's answer")
		}
		if file := med.get(filePath); !strings.Contains(file.Body, "<li>Dernier contact : 25/11/2026 ("+html.EscapeString("réponse d'un partenaire")+")</li>") {
			t.Errorf("the file's summary does not date the last contact with the partner's answer (status %d)", file.Status)
		}
	})
}
