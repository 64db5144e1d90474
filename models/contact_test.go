package models_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// TestLastContactIsOneDefinition records, file by file, each kind of contact and what is not
// one (a meeting only planned, a family absent, a referral sent but not answered), some near
// midnight in Paris, and reads the last contact back from the file, the pupil list and the
// worklist: the three agree, on the date (the Paris day) and on whether the pupil is without
// contact for SilenceDays; the absence alerts count the same contacts.
func TestLastContactIsOneDefinition(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		today := calendar.Today(w.now)
		day := func(daysAgo int) time.Time { return today.AddDate(0, 0, -daysAgo) }
		// parisAt is the instant of a Paris wall-clock time daysAgo days before today.
		parisAt := func(daysAgo, hour, minute int) time.Time {
			d := day(daysAgo)
			return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, calendar.Paris)
		}
		meeting := func(p models.Pupil, at time.Time, familyCame bool) {
			t.Helper()
			m, err := models.ScheduleMeeting(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.MeetingInput{ScheduledAt: at,
				DurationMinutes: 45, Place: "Domicile", Purpose: "Point sur l'assiduité", Participants: meetingFamily(), AlreadyHeld: true})
			must(t, err)
			var present []uint
			for _, part := range m.Participants {
				if familyCame || part.Role != models.ParticipantGuardian {
					present = append(present, part.ID)
				}
			}
			_, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, m.Version, present)
			must(t, err)
		}
		// referral sends a referral on p at sentAt and has the CAF take the steps, each at its time.
		referral := func(p models.Pupil, sentAt time.Time, steps map[models.ReferralAction]time.Time) {
			t.Helper()
			w.pupilA = p
			r := w.draft(t, true)
			r, err := models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, sentAt, r.ID, r.Version, models.ActionSend, models.StepInput{})
			must(t, err)
			for _, a := range []models.ReferralAction{models.ActionAcknowledge, models.ActionAccept, models.ActionFeedback} {
				if at, ok := steps[a]; ok {
					r, err = models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, at, r.ID, r.Version, a, models.StepInput{Comment: "Rendez-vous fixé"})
					must(t, err)
				}
			}
		}
		type want struct {
			contact bool
			daysAgo int
			kind    models.ContactKind
			silent  bool
		}
		cases := []struct {
			name   string
			record func(p models.Pupil)
			want   want
		}{
			{"nothing since identified", func(models.Pupil) {}, want{silent: true}},
			{"a follow-up a month ago", func(p models.Pupil) { w.followUp(t, p, 30, models.ActionInput{}) },
				want{true, 30, models.ContactFollowUp, true}},
			{"a meeting held at 00:30 in Paris, the day before in UTC", func(p models.Pupil) {
				w.followUp(t, p, 30, models.ActionInput{})
				meeting(p, parisAt(3, 0, 30), true)
			}, want{true, 3, models.ContactMeeting, false}},
			{"a meeting the family missed is no contact", func(p models.Pupil) {
				w.followUp(t, p, 30, models.ActionInput{})
				meeting(p, parisAt(3, 17, 0), false)
			}, want{true, 30, models.ContactFollowUp, true}},
			{"a meeting only planned is no contact", func(p models.Pupil) {
				w.followUp(t, p, 25, models.ActionInput{})
				w.scheduleMeetingFor(t, p, 48*time.Hour)
			}, want{true, 25, models.ContactFollowUp, true}},
			{"a referral sent and not answered is no contact", func(p models.Pupil) {
				w.followUp(t, p, 25, models.ActionInput{})
				referral(p, parisAt(24, 11, 0), nil)
			}, want{true, 25, models.ContactFollowUp, true}},
			{"the CAF's acknowledgement at 00:15 in Paris", func(p models.Pupil) {
				w.followUp(t, p, 30, models.ActionInput{})
				referral(p, parisAt(6, 20, 0), map[models.ReferralAction]time.Time{models.ActionAcknowledge: parisAt(5, 0, 15)})
			}, want{true, 5, models.ContactPartnerAnswer, false}},
			{"the CAF's feedback after its answer", func(p models.Pupil) {
				referral(p, parisAt(40, 9, 0), map[models.ReferralAction]time.Time{models.ActionAcknowledge: parisAt(39, 9, 0),
					models.ActionAccept: parisAt(35, 9, 0), models.ActionFeedback: parisAt(2, 16, 0)})
				w.followUp(t, p, 10, models.ActionInput{})
			}, want{true, 2, models.ContactPartnerAnswer, false}},
			{"a follow-up and a meeting the same day: the follow-up is told", func(p models.Pupil) {
				meeting(p, parisAt(22, 9, 0), true)
				w.followUp(t, p, 22, models.ActionInput{})
			}, want{true, 22, models.ContactFollowUp, true}},
		}
		pupils := make([]models.Pupil, len(cases))
		for i, c := range cases {
			pupils[i] = w.pupil(t, true)
			// Identified two months ago, so that without contact the file is silent.
			must(t, db.Model(&models.Pupil{}).Where("id = ?", pupils[i].ID).Update("identified_on", day(60)).Error)
			c.record(pupils[i])
		}
		// The absence alerts read the same contacts: a meeting held since the month began answers
		// the month's absences, one held the month before does not.
		answered, unanswered := w.pupil(t, true), w.pupil(t, true)
		for _, p := range []models.Pupil{answered, unanswered} {
			must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(6)}))
		}
		meeting(answered, time.Date(2026, 11, 2, 8, 30, 0, 0, calendar.Paris), true)
		meeting(unanswered, time.Date(2026, 10, 30, 8, 30, 0, 0, calendar.Paris), true)
		wl, err := models.LoadWorklist(w.ctx, db, w.scopeA, w.medA.ID, w.now, 4)
		must(t, err)
		silent := map[uint]models.WorkPupil{}
		for _, p := range wl.Silent {
			silent[p.ID] = p
		}
		alerts := map[uint]bool{}
		for _, a := range wl.Absences {
			alerts[a.ID] = true
		}
		if alerts[answered.ID] || !alerts[unanswered.ID] {
			t.Errorf("absence alerts: after a meeting held this month %v, after one held last month %v; want false, true", alerts[answered.ID], alerts[unanswered.ID])
		}
		for i, c := range cases {
			p := pupils[i]
			wantOn := time.Time{}
			if c.want.contact {
				wantOn = day(c.want.daysAgo)
			}
			got, err := models.LoadLastContact(w.ctx, db, p.ID)
			must(t, err)
			if got.Recorded() != c.want.contact || !got.On.Equal(wantOn) || (c.want.contact && got.Kind != c.want.kind) {
				t.Errorf("%s: the file's last contact is %v (%s), want %v (%s)", c.name, got.On, got.Kind, wantOn, c.want.kind)
			}
			list, err := models.ListPupils(w.ctx, db, w.scopeA, models.PupilFilter{Query: p.LastName})
			must(t, err)
			if len(list.Rows) != 1 {
				t.Fatalf("%s: the list finds %d rows for %s", c.name, len(list.Rows), p.LastName)
			}
			if row := list.Rows[0].LastContact; row.Valid != c.want.contact || (row.Valid && !calendar.Date(row.Time).Equal(wantOn)) {
				t.Errorf("%s: the pupil list's last contact is %+v, want %v", c.name, row, wantOn)
			}
			s, isSilent := silent[p.ID]
			if isSilent != c.want.silent {
				t.Errorf("%s: in the worklist's no-contact list: %v, want %v", c.name, isSilent, c.want.silent)
			}
			if isSilent && (s.LastContact.Valid != c.want.contact || (s.LastContact.Valid && !calendar.Date(s.LastContact.Time).Equal(wantOn))) {
				t.Errorf("%s: the worklist's last contact is %+v, want %v", c.name, s.LastContact, wantOn)
			}
		}
	})
}

// TestPupilListPagesCarryTheirLastContact reads every page of the pupil list in each order: the
// pages hold each file once, in the order asked, and every row's last contact is the file's own
// (the list computes it for the page's rows after choosing them, except when it sorts by it).
func TestPupilListPagesCarryTheirLastContact(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		for i := range 2*models.PupilsPerPage + 7 {
			p := w.pupil(t, i%4 != 0)
			if i%3 != 0 {
				w.followUp(t, p, 1+(i*7)%90, models.ActionInput{})
			}
		}
		for _, sort := range []string{"name", "risk", "status", "identified", "contact"} {
			seen := map[uint]bool{}
			var total int64
			for page := 1; ; page++ {
				list, err := models.ListPupils(w.ctx, db, w.scopeA, models.PupilFilter{Sort: sort, Page: page})
				must(t, err)
				total = list.Total
				if len(list.Rows) == 0 {
					break
				}
				for i, r := range list.Rows {
					if seen[r.ID] {
						t.Fatalf("sort %s: file %d on two pages", sort, r.ID)
					}
					seen[r.ID] = true
					c, err := models.LoadLastContact(w.ctx, db, r.ID)
					must(t, err)
					if r.LastContact.Valid != c.Recorded() || (c.Recorded() && !calendar.Date(r.LastContact.Time).Equal(c.On)) {
						t.Errorf("sort %s, page %d: file %d's last contact is %+v in the list, %v on the file", sort, page, r.ID, r.LastContact, c.On)
					}
					if sort == "name" && i > 0 && list.Rows[i-1].SearchName > r.SearchName {
						t.Errorf("sort name, page %d: %q before %q", page, list.Rows[i-1].SearchName, r.SearchName)
					}
					if sort == "contact" && i > 0 && list.Rows[i-1].LastContact.Valid &&
						(!r.LastContact.Valid || list.Rows[i-1].LastContact.Time.After(r.LastContact.Time)) {
						t.Errorf("sort contact, page %d: %v before %v", page, list.Rows[i-1].LastContact, r.LastContact)
					}
				}
			}
			if int64(len(seen)) != total || total < 2*models.PupilsPerPage+7 {
				t.Errorf("sort %s: %d files over the pages, %d counted", sort, len(seen), total)
			}
		}
	})
}
