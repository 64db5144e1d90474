package models_test

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// TestStaleErrorSaysWhoChangedWhat: a change based on an old version of a pupil's file, a
// meeting or a referral is refused with the one stale error, which carries what the 409 page
// shows: the record as it is now, its version, who changed it last and when, and why.
func TestStaleErrorSaysWhoChangedWhat(t *testing.T) {
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		later := w.now.Add(time.Hour)
		check := func(what string, err error, record string, id uint, version int) *models.StaleError {
			t.Helper()
			var stale *models.StaleError
			if !errors.As(err, &stale) || !errors.Is(err, models.ErrStale) {
				t.Fatalf("%s: %v, want a stale error", what, err)
			}
			if stale.Record != record || stale.ID != id || stale.Version != version || stale.Message == "" ||
				stale.ChangedBy != "Médiatrice A" || !stale.ChangedAt.Equal(later) {
				t.Errorf("%s: %+v", what, *stale)
			}
			return stale
		}

		p := w.pupil(t, false)
		in := models.PupilInput{EstablishmentID: w.a.ID, LastName: p.LastName, FirstName: "Corrigé", BirthDate: p.BirthDate, ClassLevel: models.Level3e}
		first, err := models.UpdatePupil(w.ctx, db, w.scopeA, w.actorA, later, p.ID, p.Version, in)
		must(t, err)
		_, err = models.UpdatePupil(w.ctx, db, w.scopeA, w.actorA, later, p.ID, p.Version, in)
		if stale := check("pupil", err, "pupil", p.ID, first.Version); stale.Current.(models.Pupil).FirstName != "Corrigé" {
			t.Errorf("pupil: current %+v", stale.Current)
		}

		m := w.scheduleMeetingFor(t, p, 48*time.Hour)
		mi := models.MeetingInput{ScheduledAt: w.now.Add(72 * time.Hour), DurationMinutes: 30, Place: "Bureau du CPE",
			Purpose: "Point sur l'assiduité", Participants: meetingFamily()[:1]}
		moved, err := models.UpdateMeeting(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, mi)
		must(t, err)
		_, err = models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, models.MeetingCancelled)
		if stale := check("meeting", err, "meeting", m.ID, moved.Version); stale.Current.(models.Meeting).Place != "Bureau du CPE" {
			t.Errorf("meeting: current %+v", stale.Current)
		}

		r := w.draft(t, true)
		sent, err := models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, later, r.ID, r.Version, models.ActionSend, models.StepInput{})
		must(t, err)
		_, err = models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, later, r.ID, r.Version, models.ActionSend, models.StepInput{})
		if stale := check("referral", err, "referral", r.ID, sent.Version); stale.Current.(models.Referral).Status != models.ReferralSent {
			t.Errorf("referral: current %+v", stale.Current)
		}
	})
}
