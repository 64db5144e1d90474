package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// meetingFamily is the participants of an ordinary meeting: a mother, the pupil, and a CPE.
func meetingFamily() []models.ParticipantInput {
	return []models.ParticipantInput{
		{Role: models.ParticipantGuardian, Name: "Mme Vanhoutte (mère)"},
		{Role: models.ParticipantPupil, Name: "Inès"},
		{},
		{Role: models.ParticipantCPE, Name: "M. Lefranc"},
	}
}

// scheduleMeetingFor plans a meeting of an hour for p, `in` from the world's now, by medA.
func (w *world) scheduleMeetingFor(t *testing.T, p models.Pupil, in time.Duration, parts ...models.ParticipantInput) models.Meeting {
	t.Helper()
	if parts == nil {
		parts = meetingFamily()
	}
	m, err := models.ScheduleMeeting(w.ctx, w.db, w.scopeA, w.actorA, w.now, p.ID, models.MeetingInput{
		ScheduledAt: w.now.Add(in), DurationMinutes: 60, Place: "Bureau de la médiation", Purpose: "Point sur l'assiduité",
		Participants: parts,
	})
	must(t, err)
	return m
}

func meetingCount(t *testing.T, db *gorm.DB) (meetings, participants int64) {
	t.Helper()
	must(t, db.Model(&models.Meeting{}).Count(&meetings).Error)
	must(t, db.Model(&models.MeetingParticipant{}).Count(&participants).Error)
	return meetings, participants
}

func TestScheduleMeeting(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		// Friday 27 November 2026, 14:00 in Paris, is 13:00 UTC.
		thursday := time.Date(2026, 11, 27, 14, 0, 0, 0, calendar.Paris)
		good := func() models.MeetingInput {
			return models.MeetingInput{ScheduledAt: thursday, DurationMinutes: 45, Place: "Salle des familles",
				Purpose: "Bilan du trimestre", Participants: meetingFamily()}
		}
		cases := []struct {
			name  string
			edit  func(*models.MeetingInput)
			field string
		}{
			{"no date", func(in *models.MeetingInput) { in.ScheduledAt = time.Time{} }, "scheduled_at"},
			{"in the past", func(in *models.MeetingInput) { in.ScheduledAt = w.now.Add(-time.Minute) }, "scheduled_at"},
			{"now", func(in *models.MeetingInput) { in.ScheduledAt = w.now }, "scheduled_at"},
			{"in two years", func(in *models.MeetingInput) { in.ScheduledAt = w.now.AddDate(2, 0, 0) }, "scheduled_at"},
			{"too short", func(in *models.MeetingInput) { in.DurationMinutes = 2 }, "duration_minutes"},
			{"too long", func(in *models.MeetingInput) { in.DurationMinutes = 600 }, "duration_minutes"},
			{"no purpose", func(in *models.MeetingInput) { in.Purpose = "   " }, "purpose"},
			{"participant without a role", func(in *models.MeetingInput) {
				in.Participants[2] = models.ParticipantInput{Name: "Mme Roussel"}
			}, "participant2_role"},
			{"unknown role", func(in *models.MeetingInput) { in.Participants[1].Role = "uncle" }, "participant1_role"},
			{"nobody", func(in *models.MeetingInput) { in.Participants = []models.ParticipantInput{{}, {}} }, "participants"},
			{"no guardian", func(in *models.MeetingInput) { in.Participants = in.Participants[1:] }, "participants"},
			{"account of another establishment", func(in *models.MeetingInput) {
				in.Participants[2] = models.ParticipantInput{Role: models.ParticipantMediator, UserID: &w.medB.ID}
			}, "participant2_user_id"},
		}
		for _, c := range cases {
			in := good()
			c.edit(&in)
			_, err := models.ScheduleMeeting(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
			}
		}
		if m, n := meetingCount(t, db); m+n != 0 {
			t.Fatalf("refused meetings stored: %d meetings, %d participants", m, n)
		}

		in := good()
		in.Participants = append(in.Participants, models.ParticipantInput{Role: models.ParticipantMediator, UserID: &w.medA.ID})
		m, err := models.ScheduleMeeting(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, in)
		must(t, err)
		var stored models.Meeting
		must(t, db.Preload("Participants", func(q *gorm.DB) *gorm.DB { return q.Order("id") }).Take(&stored, m.ID).Error)
		if want := time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC); !stored.ScheduledAt.Equal(want) || stored.ScheduledAt.UTC().Hour() != 13 {
			t.Errorf("stored at %s, want %s", stored.ScheduledAt, want)
		}
		if stored.Status != models.MeetingPlanned || stored.Version != 1 || stored.OrganiserID != w.medA.ID {
			t.Errorf("stored meeting: %+v", stored)
		}
		if len(stored.Participants) != 4 {
			t.Fatalf("%d participants stored, want 4 (the empty row is ignored)", len(stored.Participants))
		}
		if me := stored.Participants[3]; me.Name != "Médiatrice A" || me.UserID == nil || *me.UserID != w.medA.ID || me.Attended != nil {
			t.Errorf("the account's participant: %+v", me)
		}
		var audit models.AuditEvent
		must(t, db.Where("record_type = ? AND action = ?", "meeting", models.AuditCreated).Take(&audit).Error)
		if strings.Contains(audit.Detail, "Bilan") || strings.Contains(audit.Detail, "Vanhoutte") {
			t.Errorf("the audit log holds content: %q", audit.Detail)
		}

		// The head teacher of the establishment schedules too; the other mediator, a partner,
		// a coordinator do not even find the file.
		headActor := models.Actor{UserID: &w.headA.UserID}
		if _, err := models.ScheduleMeeting(w.ctx, db, w.headA, headActor, w.now, p.ID, good()); err != nil {
			t.Errorf("head teacher schedules: %v", err)
		}
		for name, s := range map[string]models.Scope{
			"other mediator": w.scopeB,
			"partner":        {UserID: w.medB.ID, Role: models.RolePartner, PartnerID: 1},
			"coordinator":    {UserID: w.medB.ID, Role: models.RoleCoordinator},
		} {
			if _, err := models.ScheduleMeeting(w.ctx, db, s, models.Actor{UserID: &w.medB.ID}, w.now, p.ID, good()); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s schedules: %v, want not found", name, err)
			}
			if _, err := models.LoadMeeting(w.ctx, db, s, m.ID); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s opens the meeting: %v, want not found", name, err)
			}
			if _, err := models.RecordAttendance(w.ctx, db, s, models.Actor{UserID: &w.medB.ID}, w.now.Add(72*time.Hour), m.ID, 1, nil); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s records attendance: %v, want not found", name, err)
			}
		}
	})
}

func TestMeetingEditIsLocked(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		m := w.scheduleMeetingFor(t, p, 48*time.Hour)
		in := models.MeetingInput{ScheduledAt: w.now.Add(72 * time.Hour), DurationMinutes: 30, Place: "Bureau du CPE",
			Purpose: "Point sur l'assiduité", Participants: meetingFamily()[:1]}
		moved, err := models.UpdateMeeting(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, m.Version, in)
		must(t, err)
		if moved.Version != 2 || !moved.ScheduledAt.Equal(in.ScheduledAt) || len(moved.Participants) != 1 || moved.Place != "Bureau du CPE" {
			t.Errorf("after the edit: v%d at %s, %d participants, %q", moved.Version, moved.ScheduledAt, len(moved.Participants), moved.Place)
		}
		// A second edit based on version 1 is refused and changes nothing.
		in.Place = "Ailleurs"
		_, err = models.UpdateMeeting(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, m.Version, in)
		var stale *models.StaleError
		if !errors.As(err, &stale) || !errors.Is(err, models.ErrStale) || stale.Current.(models.Meeting).Place != "Bureau du CPE" {
			t.Fatalf("stale edit: %v", err)
		}
		_, err = models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, m.Version, models.MeetingCancelled)
		if !errors.As(err, &stale) {
			t.Errorf("stale status change: %v", err)
		}
		var now models.Meeting
		dbtest.Must(t, db.Take(&now, m.ID).Error)
		if now.Place != "Bureau du CPE" || now.Status != models.MeetingPlanned || now.Version != 2 {
			t.Errorf("a stale change went through: %+v", now)
		}
		// Once cancelled, the meeting is a record: no more edits.
		cancelled, err := models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, 2, models.MeetingCancelled)
		must(t, err)
		_, err = models.UpdateMeeting(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, cancelled.Version, in)
		var v models.ValidationError
		if !errors.As(err, &v) || v["status"].Key == "" {
			t.Errorf("edit of a cancelled meeting: %v", err)
		}
	})
}

// Every status × every way of changing it.
func TestMeetingStatusTransitions(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		after := w.now.Add(3 * time.Hour) // the meetings below start in an hour
		// reach brings a new meeting to a status.
		reach := func(status models.MeetingStatus) models.Meeting {
			m := w.scheduleMeetingFor(t, p, time.Hour)
			var err error
			switch status {
			case models.MeetingHeld:
				m, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, after, m.ID, m.Version, []uint{m.Participants[0].ID})
			case models.MeetingFamilyAbsent:
				m, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, after, m.ID, m.Version, []uint{m.Participants[2].ID})
			case models.MeetingPostponed, models.MeetingCancelled:
				m, err = models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, w.now, m.ID, m.Version, status)
			}
			must(t, err)
			if m.Status != status {
				t.Fatalf("reached %s, want %s", m.Status, status)
			}
			return m
		}
		type change struct {
			name string
			to   models.MeetingStatus
			do   func(m models.Meeting) (models.Meeting, error)
		}
		byHand := func(to models.MeetingStatus) change {
			return change{"set " + string(to), to, func(m models.Meeting) (models.Meeting, error) {
				return models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, after, m.ID, m.Version, to)
			}}
		}
		familyCame := change{"attendance, mother present", models.MeetingHeld, func(m models.Meeting) (models.Meeting, error) {
			return models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, after, m.ID, m.Version, []uint{m.Participants[0].ID, m.Participants[1].ID})
		}}
		familyAbsent := change{"attendance, only the CPE", models.MeetingFamilyAbsent, func(m models.Meeting) (models.Meeting, error) {
			return models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, after, m.ID, m.Version, []uint{m.Participants[2].ID})
		}}
		changes := []change{byHand(models.MeetingPostponed), byHand(models.MeetingCancelled), byHand(models.MeetingHeld),
			byHand(models.MeetingFamilyAbsent), byHand(models.MeetingPlanned), byHand("forgotten"), familyCame, familyAbsent}
		allowed := map[models.MeetingStatus]map[string]bool{
			models.MeetingPlanned:      {"set postponed": true, "set cancelled": true, familyCame.name: true, familyAbsent.name: true},
			models.MeetingHeld:         {familyCame.name: true, familyAbsent.name: true}, // corrections before the recap
			models.MeetingFamilyAbsent: {familyCame.name: true, familyAbsent.name: true},
			models.MeetingPostponed:    {},
			models.MeetingCancelled:    {},
		}
		for _, from := range models.MeetingStatuses {
			for _, c := range changes {
				m := reach(from)
				got, err := c.do(m)
				var v models.ValidationError
				switch ok := allowed[from][c.name]; {
				case ok && err != nil:
					t.Errorf("%s, %s: %v", from, c.name, err)
				case ok && (got.Status != c.to || got.Version != m.Version+1):
					t.Errorf("%s, %s: status %s v%d, want %s v%d", from, c.name, got.Status, got.Version, c.to, m.Version+1)
				case !ok && !errors.As(err, &v):
					t.Errorf("%s, %s accepted (%v)", from, c.name, err)
				case !ok:
					var now models.Meeting
					dbtest.Must(t, db.Take(&now, m.ID).Error)
					if now.Status != from || now.Version != m.Version {
						t.Errorf("%s, %s refused but changed the meeting: %s v%d", from, c.name, now.Status, now.Version)
					}
				}
			}
			if from == models.MeetingPlanned {
				continue
			}
			if models.CanMoveMeeting(from, models.MeetingPlanned) {
				t.Errorf("%s may go back to planned", from)
			}
		}
	})
}

func TestAttendance(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		parts := []models.ParticipantInput{
			{Role: models.ParticipantGuardian, Name: "Mme Vanhoutte"},
			{Role: models.ParticipantGuardian, Name: "M. Vanhoutte"},
			{Role: models.ParticipantPupil, Name: "Inès"},
			{Role: models.ParticipantMediator, UserID: &w.medA.ID},
		}
		m := w.scheduleMeetingFor(t, p, 2*time.Hour, parts...)
		ids := func(idx ...int) []uint {
			var out []uint
			for _, i := range idx {
				out = append(out, m.Participants[i].ID)
			}
			return out
		}
		// Before the start time: refused, nothing changes.
		_, err := models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, w.now.Add(119*time.Minute), m.ID, m.Version, ids(0))
		var v models.ValidationError
		if !errors.As(err, &v) || v["attendance"].Key == "" {
			t.Fatalf("attendance before the start: %v", err)
		}
		start := w.now.Add(2 * time.Hour)
		cases := []struct {
			name    string
			present []int
			want    models.MeetingStatus
		}{
			{"the pupil and the mediator came, no guardian", []int{2, 3}, models.MeetingFamilyAbsent},
			{"nobody came", nil, models.MeetingFamilyAbsent},
			{"the father came alone", []int{1}, models.MeetingHeld},
			{"both parents came, not the pupil", []int{0, 1, 3}, models.MeetingHeld},
			{"back to nobody (a correction)", nil, models.MeetingFamilyAbsent},
		}
		for _, c := range cases {
			got, err := models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, start, m.ID, m.Version, ids(c.present...))
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got.Status != c.want {
				t.Errorf("%s: %s, want %s", c.name, got.Status, c.want)
			}
			for i, pp := range got.Participants {
				came := false
				for _, k := range c.present {
					came = came || k == i
				}
				if pp.Attended == nil || *pp.Attended != came {
					t.Errorf("%s: participant %d attended %v, want %v", c.name, i, pp.Attended, came)
				}
			}
			m = got
		}
		// An id that is not a participant of this meeting changes nothing for it.
		m, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, start, m.ID, m.Version, append(ids(0), 999999))
		must(t, err)
		if m.Status != models.MeetingHeld {
			t.Errorf("with a stray id: %s", m.Status)
		}
		// Once the recap is written, the attendance is frozen.
		m, err = models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, start, m.ID, m.Version, models.RecapInput{Decisions: "Fiche de suivi quotidienne."})
		must(t, err)
		if _, err := models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, start, m.ID, m.Version, nil); !errors.As(err, &v) {
			t.Errorf("attendance after the recap: %v", err)
		}
		if models.AttendanceOutcome(nil, nil) != models.MeetingFamilyAbsent {
			t.Error("a meeting without guardian participants is not family absent")
		}
	})
}

func TestRecapBecomesNextActions(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		m := w.scheduleMeetingFor(t, p, time.Hour)
		later := w.now.Add(3 * time.Hour)
		meetingDay := calendar.Today(m.ScheduledAt)
		decisions := "Fiche de suivi quotidienne ; aide aux devoirs deux soirs par semaine."
		// Not on a planned meeting.
		_, err := models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, models.RecapInput{Decisions: decisions})
		var v models.ValidationError
		if !errors.As(err, &v) || v["decisions"].Key == "" {
			t.Fatalf("recap of a planned meeting: %v", err)
		}
		// Not on a meeting the family missed.
		absent := w.scheduleMeetingFor(t, p, time.Hour)
		absent, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, later, absent.ID, absent.Version, nil)
		must(t, err)
		if _, err := models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, absent.ID, absent.Version, models.RecapInput{Decisions: decisions}); !errors.As(err, &v) {
			t.Errorf("recap of a family-absent meeting: %v", err)
		}
		m, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, []uint{m.Participants[0].ID})
		must(t, err)
		row := func(desc string, dueIn int, owner *uint, label string) models.RecapAction {
			return models.RecapAction{Description: desc, DueOn: meetingDay.AddDate(0, 0, dueIn), OwnerUserID: owner, OwnerLabel: label}
		}
		cases := []struct {
			name  string
			in    models.RecapInput
			field string
		}{
			{"no decisions", models.RecapInput{Decisions: "  "}, "decisions"},
			{"due before the meeting", models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{row("Appeler", -1, &w.medA.ID, "")}}, "action0_due_on"},
			{"no due date", models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{{}, {Description: "Appeler", OwnerLabel: "CPE"}}}, "action1_due_on"},
			{"nobody in charge", models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{row("Appeler", 3, nil, "")}}, "action0_owner"},
			{"owner of another establishment", models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{row("Appeler", 3, &w.medB.ID, "")}}, "action0_owner"},
			{"no description", models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{row("", 3, nil, "famille")}}, "action0_description"},
			{"six actions", models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{row("1", 1, nil, "a"), row("2", 1, nil, "a"),
				row("3", 1, nil, "a"), row("4", 1, nil, "a"), row("5", 1, nil, "a"), row("6", 1, nil, "a")}}, "actions"},
		}
		for _, c := range cases {
			_, err := models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, c.in)
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
			}
		}
		var n int64
		dbtest.Must(t, db.Model(&models.NextAction{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d actions stored after refused recaps", n)
		}
		m, err = models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, models.RecapInput{Decisions: decisions, Actions: []models.RecapAction{
			row("Faire le point sur l'assiduité avec Inès", 2, &w.medA.ID, ""), {}, row("Justifier chaque absence sous 48 heures", 0, nil, "la famille"),
		}})
		must(t, err)
		if m.Recap != decisions || m.RecapAt == nil || m.Status != models.MeetingHeld {
			t.Errorf("recap stored: %q at %v, %s", m.Recap, m.RecapAt, m.Status)
		}
		var actions []models.NextAction
		must(t, db.Where("meeting_id = ?", m.ID).Order("id").Find(&actions).Error)
		if len(actions) != 2 || actions[0].PupilID != p.ID || actions[1].OwnerLabel != "la famille" || actions[1].OwnerUserID != nil ||
			!actions[1].DueOn.Equal(meetingDay) {
			t.Fatalf("actions: %+v", actions)
		}
		// The mediator's action is on their worklist, linked to the meeting.
		wl, err := models.LoadWorklist(w.ctx, db, w.scopeA, w.medA.ID, later, 4)
		must(t, err)
		found := false
		for _, a := range wl.Actions {
			found = found || a.MeetingID != nil && *a.MeetingID == m.ID && a.Description == "Faire le point sur l'assiduité avec Inès"
		}
		if !found {
			t.Errorf("the recap's action is not on the owner's worklist: %+v", wl.Actions)
		}
		// Rewriting keeps the actions and adds new ones, five at most in all.
		m, err = models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, models.RecapInput{Decisions: decisions + " Corrigé.",
			Actions: []models.RecapAction{row("Appeler la PsyEN", 5, nil, "professeur principal")}})
		must(t, err)
		_, err = models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, m.ID, m.Version, models.RecapInput{Decisions: decisions,
			Actions: []models.RecapAction{row("a", 1, nil, "x"), row("b", 1, nil, "x"), row("c", 1, nil, "x")}})
		if !errors.As(err, &v) || v["actions"].Key == "" {
			t.Errorf("a sixth action: %v", err)
		}
		dbtest.Must(t, db.Model(&models.NextAction{}).Where("meeting_id = ?", m.ID).Count(&n).Error)
		if n != 3 {
			t.Errorf("%d actions, want 3", n)
		}
		var audits []models.AuditEvent
		dbtest.Must(t, db.Where("record_type = ?", "meeting").Find(&audits).Error)
		for _, a := range audits {
			if strings.Contains(a.Detail, "Fiche") || strings.Contains(a.Detail, "Appeler") || strings.Contains(a.Detail, "Vanhoutte") {
				t.Errorf("the audit log holds content: %q", a.Detail)
			}
		}
		// The detail of the meeting lists the actions with their owner.
		d, err := models.LoadMeeting(w.ctx, db, w.headA, m.ID)
		must(t, err)
		if len(d.Actions) != 3 || d.Actions[0].OwnerName == "" && d.Actions[0].OwnerLabel == "" || len(d.Participants) != 3 || d.OrganiserName != "Médiatrice A" {
			t.Errorf("meeting detail: %d actions, %d participants, organiser %q", len(d.Actions), len(d.Participants), d.OrganiserName)
		}
		if invited, came := d.Guardians(); invited != 1 || came != 1 {
			t.Errorf("guardians: %d invited, %d came", invited, came)
		}
	})
}

func TestMeetingLists(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		mine := w.pupil(t, true) // referent medA
		other, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "c@x.fr", DisplayName: "Collègue A", Role: models.RoleMediator,
			EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
		must(t, err)
		otherScope, otherActor := models.ScopeOf(other), models.Actor{UserID: &other.ID}
		ref := other.ID
		theirs, err := models.CreatePupil(w.ctx, db, otherScope, otherActor, w.now, models.PupilInput{EstablishmentID: w.a.ID, LastName: "Autre",
			FirstName: "Élève", BirthDate: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level3e, ReferentID: &ref}, nil)
		must(t, err)
		schedule := func(p models.Pupil, s models.Scope, a models.Actor, in time.Duration, parts ...models.ParticipantInput) models.Meeting {
			t.Helper()
			if parts == nil {
				parts = meetingFamily()
			}
			m, err := models.ScheduleMeeting(w.ctx, db, s, a, w.now, p.ID, models.MeetingInput{ScheduledAt: w.now.Add(in), DurationMinutes: 60,
				Purpose: "Point", Participants: parts})
			must(t, err)
			return m
		}
		day := 24 * time.Hour
		// medA organises these and is the pupil's referent; now is Wednesday 25 November, 10:00.
		tomorrow := schedule(mine, w.scopeA, w.actorA, day)
		inAWeek := schedule(mine, w.scopeA, w.actorA, 7*day+10*time.Hour) // Wednesday 2 December, 20:00: within the 7 days
		tooFar := schedule(mine, w.scopeA, w.actorA, 7*day+23*time.Hour)  // Thursday 3 December, 9:00: beyond
		// Another mediator's pupil: medA is not concerned by the first, takes part in the second.
		notMine := schedule(theirs, otherScope, otherActor, 2*day)
		invited := schedule(theirs, otherScope, otherActor, 3*day, append(meetingFamily(), models.ParticipantInput{
			Role: models.ParticipantMediator, UserID: &w.medA.ID})...)
		passed := schedule(mine, w.scopeA, w.actorA, time.Hour) // its time passes: attendance to record
		held := schedule(mine, w.scopeA, w.actorA, 2*time.Hour)
		heldRecap := schedule(mine, w.scopeA, w.actorA, 2*time.Hour)
		cancelled := schedule(mine, w.scopeA, w.actorA, 2*day)
		later := w.now.Add(3 * time.Hour)
		_, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, later, held.ID, held.Version, []uint{held.Participants[0].ID})
		must(t, err)
		heldRecap, err = models.RecordAttendance(w.ctx, db, w.scopeA, w.actorA, later, heldRecap.ID, heldRecap.Version, []uint{heldRecap.Participants[0].ID})
		must(t, err)
		_, err = models.WriteRecap(w.ctx, db, w.scopeA, w.actorA, later, heldRecap.ID, heldRecap.Version, models.RecapInput{Decisions: "Décisions."})
		must(t, err)
		_, err = models.ChangeMeetingStatus(w.ctx, db, w.scopeA, w.actorA, w.now, cancelled.ID, cancelled.Version, models.MeetingCancelled)
		must(t, err)

		ids := func(rows []models.MeetingRow) []uint {
			var out []uint
			for _, r := range rows {
				out = append(out, r.ID)
			}
			return out
		}
		same := func(got, want []uint) bool {
			if len(got) != len(want) {
				return false
			}
			for i := range got {
				if got[i] != want[i] {
					return false
				}
			}
			return true
		}
		upcoming, withoutRecap, err := models.MeetingsForWorklist(w.ctx, db, w.scopeA, w.medA.ID, later)
		must(t, err)
		if want := []uint{passed.ID, tomorrow.ID, invited.ID, inAWeek.ID}; !same(ids(upcoming), want) {
			t.Errorf("upcoming %v, want %v (not %d, too far, nor %d, another's)", ids(upcoming), want, tooFar.ID, notMine.ID)
		}
		if want := []uint{held.ID}; !same(ids(withoutRecap), want) {
			t.Errorf("without recap %v, want %v", ids(withoutRecap), want)
		}
		if len(upcoming) > 0 && (upcoming[1].PupilLastName != mine.LastName || upcoming[1].OrganiserName != "Médiatrice A" ||
			upcoming[1].EstablishmentName != "Collège A" || upcoming[1].ParticipantCount != 3) {
			t.Errorf("a worklist row: %+v", upcoming[1])
		}
		// The colleague sees their pupil's meetings, not medA's.
		upcoming, _, err = models.MeetingsForWorklist(w.ctx, db, otherScope, other.ID, later)
		must(t, err)
		if want := []uint{notMine.ID, invited.ID}; !same(ids(upcoming), want) {
			t.Errorf("colleague's upcoming %v, want %v", ids(upcoming), want)
		}
		// Another establishment sees nothing.
		upcoming, withoutRecap, err = models.MeetingsForWorklist(w.ctx, db, w.scopeB, w.medB.ID, later)
		must(t, err)
		if len(upcoming)+len(withoutRecap) != 0 {
			t.Errorf("mediator B sees A's meetings")
		}
		rows, err := models.MeetingsOfPupil(w.ctx, db, w.scopeB, mine.ID)
		must(t, err)
		if len(rows) != 0 {
			t.Errorf("mediator B lists %d meetings of A's pupil", len(rows))
		}
		// The pupil's list, latest first; the week list; what waits for someone.
		rows, err = models.MeetingsOfPupil(w.ctx, db, w.headA, mine.ID)
		must(t, err)
		if len(rows) != 7 || rows[0].ID != tooFar.ID {
			t.Errorf("pupil's meetings: %v", ids(rows))
		}
		week := models.WeekOf(w.now)
		if want := time.Date(2026, 11, 23, 0, 0, 0, 0, calendar.Paris); !week.Equal(want) {
			t.Errorf("week of %s: %s", w.now, week)
		}
		rows, err = models.MeetingsBetween(w.ctx, db, w.scopeA, week, week.AddDate(0, 0, 7), models.MeetingFilter{})
		must(t, err)
		if want := []uint{passed.ID, held.ID, heldRecap.ID, tomorrow.ID, notMine.ID, cancelled.ID, invited.ID}; !same(ids(rows), want) {
			t.Errorf("this week %v, want %v", ids(rows), want)
		}
		rows, err = models.MeetingsBetween(w.ctx, db, w.scopeA, week, week.AddDate(0, 0, 14), models.MeetingFilter{UserID: other.ID, Status: models.MeetingPlanned})
		must(t, err)
		if want := []uint{notMine.ID, invited.ID}; !same(ids(rows), want) {
			t.Errorf("the colleague's planned meetings %v, want %v", ids(rows), want)
		}
		rows, err = models.MeetingsToComplete(w.ctx, db, w.scopeA, later, models.MeetingFilter{})
		must(t, err)
		if want := []uint{passed.ID, held.ID}; !same(ids(rows), want) {
			t.Errorf("to complete %v, want %v", ids(rows), want)
		}
		// One query per list, whatever its length.
		counter := dbtest.CountQueries(db)
		_, _, err = models.MeetingsForWorklist(w.ctx, db, w.scopeA, w.medA.ID, later)
		must(t, err)
		_, err = models.MeetingsOfPupil(w.ctx, db, w.scopeA, mine.ID)
		must(t, err)
		if n := counter.Count(); n != 3 {
			t.Errorf("%d queries for the worklist parts and the pupil's list, want 3", n)
		}
	})
}
