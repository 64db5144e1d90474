package models_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
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
		record := func(after time.Duration, a models.Actor, file models.Pupil, action, recordType string, id uint) {
			must(t, models.RecordFileAudit(w.ctx, db, w.now.Add(after), a, file.ID, action, recordType, fmt.Sprint(id), ""))
		}
		record(time.Minute, w.actorA, p, models.AuditPupilViewed, "pupil", p.ID)
		record(2*time.Minute, w.cafActorA, p, models.AuditPupilViewed, "referral", r.ID)
		record(3*time.Minute, w.headActor, p, models.AuditPupilViewed, "meeting", m.ID)
		record(4*time.Minute, models.Actor{Email: "cli"}, p, models.AuditChanged, "pupil", p.ID)
		record(5*time.Minute, w.actorA, other, models.AuditPupilViewed, "pupil", other.ID)
		record(6*time.Minute, w.actorA, other, models.AuditChanged, "meeting", m.ID+1000) // a meeting that is not the pupil's
		// An event about no file, whose record has the file's number.
		must(t, models.RecordAudit(w.ctx, db, w.now.Add(7*time.Minute), w.actorA, models.AuditLogin, "user", fmt.Sprint(p.ID), ""))

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

// formerAccessHistory is the history as it was read before migration 0031: the events of the
// file and of its current follow-ups, meetings and referrals (accessParts of that time), the
// latest limit of them and how many there are.
func formerAccessHistory(t *testing.T, db *gorm.DB, pupilID uint, limit int) ([]string, int64) {
	t.Helper()
	records := func(table string) string {
		return "audit_events.record_id IN (SELECT CAST(id AS VARCHAR(40)) FROM " + table + " WHERE pupil_id = @pupil)"
	}
	where := "(audit_events.record_type = 'pupil' AND audit_events.record_id = @own)" +
		" OR (audit_events.record_type = 'follow_up' AND " + records("follow_ups") + ")" +
		" OR (audit_events.record_type = 'meeting' AND " + records("meetings") + ")" +
		" OR (audit_events.record_type = 'referral' AND " + records("referrals") + ")"
	args := map[string]any{"pupil": pupilID, "own": fmt.Sprint(pupilID), "limit": limit}
	var rows []models.AccessRow
	dbtest.Must(t, db.Raw("SELECT audit_events.at, COALESCE(users.display_name, audit_events.actor_email) AS who, "+
		"COALESCE(users.role, '') AS role, audit_events.action, audit_events.record_type, audit_events.detail "+
		"FROM audit_events LEFT JOIN users ON users.id = audit_events.user_id WHERE "+where+
		" ORDER BY audit_events.at DESC, audit_events.id DESC LIMIT @limit", args).Scan(&rows).Error)
	var total int64
	dbtest.Must(t, db.Raw("SELECT COUNT(*) FROM audit_events WHERE "+where, args).Scan(&total).Error)
	return accessLines(rows), total
}

// accessLines writes a history's rows one per line, for comparisons.
func accessLines(rows []models.AccessRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s %s (%s) %s %s %q", r.At.UTC().Format(time.RFC3339Nano), r.Who, r.Role, r.Action, r.RecordType, r.Detail)
	}
	return out
}

// The history read as the file's range of the audit log shows, for files with events of every
// kind of record, what the former query found through the file's records: the same events, in
// the same order, the same count, at every limit. A follow-up deleted afterwards keeps its
// events in the history, where the former query lost them.
func TestAccessHistoryShowsWhatTheFormerQueryFound(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		p := w.pupilA // opened, then made active
		other := w.pupil(t, true)
		lonely := w.pupil(t, false) // its opening only
		must(t, models.AddGuardian(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.GuardianInput{Name: "Mme Nom", Phone: "06 00 00 00 00"}))
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(2)}))
		followUp := func(file models.Pupil, action models.ActionInput) models.FollowUp {
			fu, err := models.CreateFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, file.ID, models.FollowUpInput{
				OccurredOn: calendar.Today(w.now), Kind: models.FollowUpPupilInterview, DurationMinutes: 30, Note: "note", Action: action})
			must(t, err)
			return fu
		}
		withAction := followUp(p, models.ActionInput{Description: "Rappeler", DueOn: calendar.Today(w.now)})
		var action models.NextAction
		must(t, db.Where("follow_up_id = ?", withAction.ID).Take(&action).Error)
		_, err := models.CompleteAction(w.ctx, db, w.scopeA, w.actorA, w.now, action.ID)
		must(t, err)
		_, err = models.ReopenAction(w.ctx, db, w.scopeA, w.actorA, w.now, action.ID)
		must(t, err)
		edited := followUp(p, models.ActionInput{})
		_, err = models.UpdateFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, edited.ID, edited.Version, models.FollowUpInput{
			OccurredOn: calendar.Today(w.now), Kind: models.FollowUpHomeVisit, DurationMinutes: 45, Note: "note corrigée"})
		must(t, err)
		gone := followUp(p, models.ActionInput{})
		m := w.scheduleMeetingFor(t, p, 48*time.Hour)
		_, err = models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, m.Version, models.MeetingPostponed)
		must(t, err)
		r := w.referralIn(t, models.ReferralClosed)
		must(t, models.RecordFamilyLetter(w.ctx, db, w.actorA, w.now, p.ID, models.LetterInvitation, "ar", "ar", "meeting", m.ID))
		must(t, models.RecordFamilyLetter(w.ctx, db, w.actorA, w.now, p.ID, models.LetterConsent, "fr", "", "referral", r.ID))
		followUp(other, models.ActionInput{})
		w.scheduleMeetingFor(t, other, 24*time.Hour)
		for i, e := range []struct {
			actor      models.Actor
			file       models.Pupil
			action     string
			recordType string
			id         uint
		}{
			{w.actorA, p, models.AuditPupilViewed, "pupil", p.ID},
			{w.headActor, p, models.AuditPupilViewed, "meeting", m.ID},
			{w.cafActorA, p, models.AuditPupilViewed, "referral", r.ID},
			{w.actorA, p, models.AuditExported, "pupil", p.ID},
			{w.actorA, p, models.AuditPDFExported, "pupil", p.ID},
			{w.actorA, other, models.AuditPupilViewed, "pupil", other.ID},
			{w.actorA, lonely, models.AuditPupilViewed, "pupil", lonely.ID},
		} {
			must(t, models.RecordFileAudit(w.ctx, db, w.now.Add(time.Duration(i+1)*time.Minute), e.actor, e.file.ID, e.action, e.recordType, fmt.Sprint(e.id), ""))
		}
		// Events about no file, though their records have the files' numbers.
		must(t, models.RecordAudit(w.ctx, db, w.now.Add(time.Hour), w.actorA, models.AuditLogin, "user", fmt.Sprint(p.ID), ""))
		must(t, models.RecordAudit(w.ctx, db, w.now.Add(time.Hour), w.actorA, models.AuditChanged, "case_review", fmt.Sprint(other.ID), ""))

		history := func(file models.Pupil, limit int) ([]string, int64) {
			t.Helper()
			rows, total, err := models.PupilAccessHistory(w.ctx, db, w.scopeA, file.ID, limit)
			must(t, err)
			return accessLines(rows), total
		}
		files := map[string]models.Pupil{"every record": p, "another": other, "opened only": lonely}
		for name, file := range files {
			for _, limit := range []int{1, 5, 20, 1000} {
				got, total := history(file, limit)
				want, wantTotal := formerAccessHistory(t, db, file.ID, limit)
				if !slices.Equal(got, want) || total != wantTotal {
					t.Errorf("%s, limit %d: %d of %d events\n%s\nthe former query: %d of %d\n%s", name, limit,
						len(got), total, strings.Join(got, "\n"), len(want), wantTotal, strings.Join(want, "\n"))
				}
			}
		}
		if _, total := history(p, 1); total < 25 {
			t.Fatalf("the file has %d events: the test does not exercise its records", total)
		}

		// A follow-up deleted: the history is the former one and the deletion on top.
		before, beforeTotal := history(p, 1000)
		_, formerBefore := formerAccessHistory(t, db, p.ID, 1000)
		_, err = models.DeleteFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now.Add(2*time.Hour), gone.ID)
		must(t, err)
		after, afterTotal := history(p, 1000)
		if afterTotal != beforeTotal+1 || len(after) != len(before)+1 || !slices.Equal(after[1:], before) ||
			!strings.Contains(after[0], models.AuditDeleted+" follow_up") {
			t.Errorf("after the deletion, %d events:\n%s\nbefore, %d:\n%s", afterTotal, strings.Join(after, "\n"), beforeTotal, strings.Join(before, "\n"))
		}
		if _, formerAfter := formerAccessHistory(t, db, p.ID, 1000); formerAfter != formerBefore-1 {
			t.Errorf("the former query counted %d events after the deletion, %d before: the test no longer shows what it lost", formerAfter, formerBefore)
		}
	})
}

// The purge leaves the audit log as it is (the log keeps its own retention): the events of a
// file it anonymises keep their file and name nobody, and the file's history is no longer
// read, on its page or in its export.
func TestPurgeLeavesTheFileEventsUnread(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		old := w.pupil(t, true)
		w.followUp(t, old, 3, models.ActionInput{})
		must(t, models.AddGuardian(w.ctx, db, w.scopeA, w.actorA, w.now, old.ID, models.GuardianInput{Name: "Mme Nom", Phone: "06 00 00 00 00"}))
		must(t, models.RecordFileAudit(w.ctx, db, w.now, w.actorA, old.ID, models.AuditPupilViewed, "pupil", fmt.Sprint(old.ID), ""))
		must(t, db.Model(&models.Pupil{}).Where("id = ?", old.ID).Updates(map[string]any{
			"status": models.StatusClosed, "exit_reason": models.ExitReEngaged, "closed_at": time.Date(2026, 8, 31, 18, 0, 0, 0, calendar.Paris).UTC()}).Error)
		fileEvents := func() []models.AuditEvent {
			var es []models.AuditEvent
			dbtest.Must(t, db.Where("pupil_id = ?", old.ID).Order("id").Find(&es).Error)
			return es
		}
		before := fileEvents()
		if _, total, err := models.PupilAccessHistory(w.ctx, db, w.scopeA, old.ID, 100); err != nil || total != int64(len(before)) || total < 5 {
			t.Fatalf("before the purge: %d events in the history, %d of the file's in the log, %v", total, len(before), err)
		}
		res, err := models.Purge(w.ctx, db, time.Date(2027, 9, 1, 0, 0, 0, 0, calendar.Paris), false, models.Actor{Email: "test"})
		if err != nil || res.Pupils != 1 {
			t.Fatalf("purge: %+v %v", res, err)
		}
		if _, _, err := models.PupilAccessHistory(w.ctx, db, w.scopeA, old.ID, 100); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the history of an anonymised file: %v, want ErrNotFound", err)
		}
		if _, err := models.ExportPupilFile(w.ctx, db, w.scopeA, old.ID, w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the export of an anonymised file: %v, want ErrNotFound", err)
		}
		if after := fileEvents(); !reflect.DeepEqual(after, before) {
			t.Errorf("the purge changed the file's events:\n%+v\nbefore:\n%+v", after, before)
		}
		var all []models.AuditEvent
		dbtest.Must(t, db.Find(&all).Error)
		for _, e := range all {
			for _, name := range []string{old.LastName, "Mme Nom"} {
				if strings.Contains(e.Detail+" "+e.RecordID, name) {
					t.Errorf("event %d names %q: %+v", e.ID, name, e)
				}
			}
		}
	})
}
