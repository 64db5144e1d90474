package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// meetingFlow schedules a family–school meeting from a pupil's file (first in the past, which
// is refused beside the field), opens the meeting, finds it on the meetings page, then opens a
// held meeting whose recap is to write. Every page reached is checked.
func meetingFlow(t *testing.T, b *browser) {
	b.open(t, "/pupils?status=active&sort=risk")
	b.click(t, `table tbody a[href^="/pupils/"]`, http.StatusOK)
	pupil := b.text(t, "h1")
	b.do(t, "open the schedule form", chromedp.Click(chromedp.CSS("#meeting-form > summary")))
	b.fill(t, map[string]string{"#meeting-date": "2026-11-20", "#meeting-time": "14:00", "#meeting-purpose": "Point sur l'assiduité",
		"#meeting-place": "Bureau de la médiation", "#meeting-p5-role": "guardian", "#meeting-p5-name": "Mme Vanhoutte (mère)"})
	b.click(t, `#meeting-form button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#meeting-scheduled_at-error"); !strings.Contains(msg, "passé") {
		t.Errorf("a meeting in the past gives %q", msg)
	}
	if b.count(t, `#meeting-form[open] [aria-invalid="true"]`) == 0 {
		t.Error("the date field is not marked invalid in the open form")
	}
	b.check(t, "a meeting scheduled in the past")
	b.fill(t, map[string]string{"#meeting-date": "2026-11-27"})
	b.click(t, `#meeting-form button[type="submit"]`, http.StatusOK)
	path := b.location(t)
	if !strings.HasPrefix(path, "/meetings/") {
		t.Fatalf("after scheduling, the browser is at %s", path)
	}
	if h := b.text(t, "h1"); h != "Rencontre famille–école — "+pupil {
		t.Errorf("the meeting's heading is %q", h)
	}
	if facts := b.text(t, ".facts"); !strings.Contains(facts, "vendredi 27 novembre 2026") || !strings.Contains(facts, "Prévue") {
		t.Errorf("the meeting's facts: %q", facts)
	}
	if b.count(t, `a[href="`+path+`/calendar.ics"]`) != 1 {
		t.Error("no calendar link on the meeting")
	}
	b.check(t, "a planned meeting")

	b.open(t, "/meetings")
	if b.count(t, `a[href="`+path+`"]`) == 0 {
		t.Error("the new meeting is not on the meetings page")
	}
	b.click(t, `section[aria-labelledby="to-complete-title"] tbody a[href^="/meetings/"]`, http.StatusOK)
	if b.count(t, "#recap-form[open]") != 1 || b.count(t, "#attendance-form") != 1 {
		t.Error("a held meeting without recap does not offer its recap and attendance forms")
	}
	b.check(t, "a held meeting whose recap is to write")
	b.click(t, `#recap-form button[type="submit"]`, http.StatusUnprocessableEntity)
	if msg := b.text(t, "#decisions-error"); msg == "" {
		t.Error("an empty recap shows no message beside the decisions")
	}
	b.check(t, "an empty recap")
}
