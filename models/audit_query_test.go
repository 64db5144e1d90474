package models_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// A file's access history gathers the events on the file and on its follow-ups, meetings and
// referrals, newest first, with who did them and their role; nothing of another file; and
// only a mediator of the establishment reads it.
func TestPupilAccessHistory(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		p := w.pupilA // opened, then made active, at w.now
		w.followUp(t, p, 1, models.ActionInput{})
		m := w.scheduleMeetingFor(t, p, 48*time.Hour)
		r := w.draft(t, true) // created, then consent recorded
		other := w.pupil(t, true)
		w.followUp(t, other, 1, models.ActionInput{})
		record := func(after time.Duration, a models.Actor, action, recordType string, id uint) {
			must(t, models.RecordAudit(w.ctx, db, w.now.Add(after), a, action, recordType, fmt.Sprint(id), ""))
		}
		record(time.Minute, w.actorA, models.AuditPupilViewed, "pupil", p.ID)
		record(2*time.Minute, w.cafActorA, models.AuditPupilViewed, "referral", r.ID)
		record(3*time.Minute, w.headActor, models.AuditPupilViewed, "meeting", m.ID)
		record(4*time.Minute, models.Actor{Email: "cli"}, models.AuditChanged, "pupil", p.ID)
		record(5*time.Minute, w.actorA, models.AuditPupilViewed, "pupil", other.ID)
		record(6*time.Minute, w.actorA, models.AuditChanged, "meeting", m.ID+1000) // a meeting that is not the pupil's

		rows, total, err := models.PupilAccessHistory(w.ctx, db, w.scopeA, p.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			who  string
			role models.Role
			kind string
		}{
			{"cli", "", "changed"},
			{"Principal A", models.RoleHeadTeacher, "meeting_viewed"},
			{"caf1@x.fr", models.RolePartner, "referral_viewed"},
			{"Médiatrice A", models.RoleMediator, "viewed"},
			{"Médiatrice A", models.RoleMediator, "referral_changed"},
			{"Médiatrice A", models.RoleMediator, "referral_created"},
			{"Médiatrice A", models.RoleMediator, "meeting_created"},
			{"Médiatrice A", models.RoleMediator, "followup_created"},
			{"Médiatrice A", models.RoleMediator, "changed"},
			{"Médiatrice A", models.RoleMediator, "opened"},
		}
		if total != int64(len(want)) || len(rows) != len(want) {
			t.Fatalf("%d rows of %d, want %d: %+v", len(rows), total, len(want), rows)
		}
		for i, x := range want {
			if rows[i].Who != x.who || rows[i].Role != x.role || rows[i].Kind != x.kind {
				t.Errorf("row %d: %s (%s) %s, want %s (%s) %s", i, rows[i].Who, rows[i].Role, rows[i].Kind, x.who, x.role, x.kind)
			}
		}
		if !rows[0].At.Equal(w.now.Add(4 * time.Minute)) {
			t.Errorf("latest event at %s, want %s", rows[0].At, w.now.Add(4*time.Minute))
		}
		// A limit keeps the latest events and still counts them all.
		if rows, total, err := models.PupilAccessHistory(w.ctx, db, w.scopeA, p.ID, 3); err != nil || len(rows) != 3 || total != 10 || rows[2].Kind != "referral_viewed" {
			t.Errorf("limited: %d rows of %d, %v", len(rows), total, err)
		}
		// The head teacher, another establishment's mediator, a partner: not found.
		for name, s := range map[string]models.Scope{"head teacher": w.headA, "mediator B": w.scopeB, "partner": w.cafA, "coordinator": w.coordinator} {
			if _, _, err := models.PupilAccessHistory(w.ctx, db, s, p.ID, 100); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
	})
}
