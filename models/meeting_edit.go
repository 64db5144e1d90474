package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// Bounds of a meeting, as the database's CHECK constraints and column sizes hold them.
const (
	MinMeetingMinutes = 5
	MaxMeetingMinutes = 480
	// MaxMeetingParticipants bounds the rows of the participants form.
	MaxMeetingParticipants = 12
	// MaxRecapActions bounds the "who does what by when" rows of a recap.
	MaxRecapActions = 5
)

// ParticipantInput is one row of the participants form. UserID names one of our accounts (a
// mediator or head teacher of the pupil's establishment) when the participant has one; its
// worklist then shows the meeting.
type ParticipantInput struct {
	Role   ParticipantRole
	Name   string
	UserID *uint
}

// Empty tells whether nothing was chosen nor typed in the row, so that unused rows are ignored.
func (p ParticipantInput) Empty() bool {
	return p.Role == "" && strings.TrimSpace(p.Name) == "" && p.UserID == nil
}

// MeetingInput is a meeting as the schedule and edit forms give it. ScheduledAt is an instant:
// the form's date and time are read in Europe/Paris.
type MeetingInput struct {
	ScheduledAt       time.Time
	DurationMinutes   int
	Place             string
	Purpose           string
	InterpreterNeeded bool
	Participants      []ParticipantInput
	// AlreadyHeld records after the fact a meeting that took place: its date is in the past (at
	// most a year ago), and who came and the recap are then written on the meeting's page.
	AlreadyHeld bool
}

// validate checks what needs no database. A planned meeting starts after now, one recorded
// after the fact started before; the family is
// part of it, so at least one participant is a legal guardian (the attendance rule reads the
// guardians' presence).
func (in *MeetingInput) validate(now time.Time) (ValidationError, []int) {
	in.Place = strings.TrimSpace(in.Place)
	in.Purpose = strings.TrimSpace(in.Purpose)
	v := ValidationError{}
	switch {
	case in.ScheduledAt.IsZero():
		v.Add("scheduled_at", "meeting.datetime_required")
	case in.AlreadyHeld && in.ScheduledAt.After(now):
		v.Add("scheduled_at", "find.meeting.held_in_future")
	case in.AlreadyHeld && in.ScheduledAt.Before(now.AddDate(-1, 0, 0)):
		v.Add("scheduled_at", "find.meeting.held_too_long_ago")
	case in.AlreadyHeld:
	case !in.ScheduledAt.After(now):
		v.Add("scheduled_at", "meeting.planned_in_past")
	case in.ScheduledAt.After(now.AddDate(1, 0, 0)):
		v.Add("scheduled_at", "meeting.too_far")
	}
	if in.DurationMinutes < MinMeetingMinutes || in.DurationMinutes > MaxMeetingMinutes {
		v.Add("duration_minutes", "meeting.duration_range")
	}
	if len([]rune(in.Place)) > 200 {
		v.Put("place", TooLong(200))
	}
	switch {
	case in.Purpose == "":
		v.Add("purpose", "meeting.purpose_required")
	case len([]rune(in.Purpose)) > 1000:
		v.Put("purpose", TooLong(1_000))
	}
	// kept holds the index of each row that is not empty, in the order typed.
	var kept []int
	guardian := false
	for i := range in.Participants {
		p := &in.Participants[i]
		p.Name = strings.TrimSpace(p.Name)
		if p.Empty() {
			continue
		}
		kept = append(kept, i)
		roleField, nameField := fmt.Sprintf("participant%d_role", i), fmt.Sprintf("participant%d_name", i)
		if !p.Role.Valid() {
			v.Add(roleField, "meeting.participant_role_required")
		}
		if len([]rune(p.Name)) > 200 {
			v.Put(nameField, TooLong(200))
		}
		guardian = guardian || p.Role == ParticipantGuardian
	}
	switch {
	case len(kept) == 0:
		v.Add("participants", "meeting.participants_required")
	case len(kept) > MaxMeetingParticipants:
		v.Add("participants", "meeting.participants_too_many")
	case !guardian:
		v.Add("participants", "meeting.guardian_required")
	}
	return v, kept
}

// checkAccounts verifies that each account named is an active mediator or head teacher of the
// establishment, in one query, and gives a participant without a name the account's name.
func (in *MeetingInput) checkAccounts(tx *gorm.DB, establishmentID uint, kept []int, v ValidationError) error {
	var ids []uint
	for _, i := range kept {
		if id := in.Participants[i].UserID; id != nil {
			ids = append(ids, *id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	staff, err := meetingStaffOf(tx, establishmentID, ids)
	if err != nil {
		return err
	}
	names := map[uint]string{}
	for _, s := range staff {
		names[s.ID] = s.DisplayName
	}
	for _, i := range kept {
		p := &in.Participants[i]
		if p.UserID == nil {
			continue
		}
		name, ok := names[*p.UserID]
		if !ok {
			userField := fmt.Sprintf("participant%d_user_id", i)
			v.Add(userField, "meeting.participant_user_invalid")
			continue
		}
		if p.Name == "" {
			p.Name = name
		}
	}
	return nil
}

// StaffOption is an account of an establishment that may take part in a meeting: its active
// mediators and head teachers.
type StaffOption struct {
	ID          uint
	DisplayName string
	Role        Role
}

// MeetingStaff lists the active mediators and head teachers of an establishment, by name, in
// one query.
func MeetingStaff(ctx context.Context, db *gorm.DB, establishmentID uint) ([]StaffOption, error) {
	out, err := meetingStaffOf(db.WithContext(ctx), establishmentID, nil)
	if err != nil {
		return nil, fmt.Errorf("models: staff of establishment %d: %w", establishmentID, err)
	}
	return out, nil
}

func meetingStaffOf(db *gorm.DB, establishmentID uint, ids []uint) ([]StaffOption, error) {
	q := db.Table("users").Select("users.id, users.display_name, users.role").
		Joins("JOIN user_establishments ue ON ue.user_id = users.id").
		Where("ue.establishment_id = ? AND users.active = ? AND users.role IN ?", establishmentID, true,
			[]Role{RoleMediator, RoleHeadTeacher})
	if ids != nil {
		q = q.Where("users.id IN ?", ids)
	}
	var out []StaffOption
	err := q.Order("users.display_name, users.id").Scan(&out).Error
	return out, err
}

func (in MeetingInput) participants(meetingID uint, kept []int) []MeetingParticipant {
	out := make([]MeetingParticipant, 0, len(kept))
	for _, i := range kept {
		p := in.Participants[i]
		out = append(out, MeetingParticipant{MeetingID: meetingID, Role: p.Role, Name: p.Name, UserID: p.UserID})
	}
	return out
}

// msgMeetingChanged refuses a change based on a meeting shown before someone else changed it.
const msgMeetingChanged = "meeting.changed_meanwhile"

// staleMeeting refuses a change based on another version than current's; tx carries the
// request's context.
func staleMeeting(tx *gorm.DB, current Meeting) error {
	return staleError(tx.Statement.Context, tx, "meeting", current.ID, current.Version, current, msgMeetingChanged)
}

// meetingInScope loads a meeting of a file the scope may read, with its participants, or
// ErrNotFound.
func meetingInScope(tx *gorm.DB, s Scope, id uint) (Meeting, Pupil, error) {
	var m Meeting
	err := s.Pupils(tx.Model(&Meeting{}).Joins("JOIN pupils ON pupils.id = meetings.pupil_id")).
		Where("meetings.id = ? AND pupils.anonymised_at IS NULL", id).Select("meetings.*").Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, Pupil{}, ErrNotFound
	}
	if err != nil {
		return m, Pupil{}, fmt.Errorf("load meeting %d: %w", id, err)
	}
	var p Pupil
	if err := tx.Take(&p, m.PupilID).Error; err != nil {
		return m, p, fmt.Errorf("pupil of meeting %d: %w", id, err)
	}
	if err := tx.Where("meeting_id = ?", id).Order("id").Find(&m.Participants).Error; err != nil {
		return m, p, fmt.Errorf("participants of meeting %d: %w", id, err)
	}
	return m, p, nil
}

// bumpMeeting applies changes if the meeting is still at version, and moves it to the next
// version; otherwise it changes nothing and returns a *StaleError.
func bumpMeeting(tx *gorm.DB, s Scope, now time.Time, id uint, version int, changes map[string]any) error {
	changes["version"], changes["updated_at"] = version+1, now.UTC()
	res := tx.Model(&Meeting{}).Where("id = ? AND version = ?", id, version).Updates(changes)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		latest, _, err := meetingInScope(tx, s, id)
		if err != nil {
			return err
		}
		return staleMeeting(tx, latest)
	}
	return nil
}

// ScheduleMeeting plans a family–school meeting on a file of the scope, organised by the actor,
// with its participants, in one transaction. Mediators and head teachers of the pupil's
// establishment may do so; for anyone else the file does not exist.
func ScheduleMeeting(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID uint, in MeetingInput) (Meeting, error) {
	v, kept := in.validate(now)
	var m Meeting
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := pupilInScope(ctx, tx, s, pupilID)
		if err != nil {
			return err
		}
		if actor.UserID == nil {
			return ErrNotFound
		}
		if err := in.checkAccounts(tx, p.EstablishmentID, kept, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		m = Meeting{PupilID: pupilID, OrganiserID: *actor.UserID, ScheduledAt: in.ScheduledAt.UTC(), DurationMinutes: in.DurationMinutes,
			Place: in.Place, Purpose: in.Purpose, InterpreterNeeded: in.InterpreterNeeded, Status: MeetingPlanned, Version: 1,
			CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Omit("Participants").Create(&m).Error; err != nil {
			return err
		}
		m.Participants = in.participants(m.ID, kept)
		if err := tx.Create(&m.Participants).Error; err != nil {
			return err
		}
		if err := notifyMeeting(tx, now, actor, NotifyMeetingCreated, m, pupilID, meetingPeople(m)); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, pupilID, AuditCreated, "meeting", fmt.Sprint(m.ID),
			fmt.Sprintf("pupil %d, %d participants", pupilID, len(kept)))
	})
	return m, wrapEdit(err, "schedule meeting")
}

// UpdateMeeting reschedules or edits a planned meeting if version is still the current one; its
// participants are replaced by those given. Only a planned meeting may change: once it has
// taken place (or was postponed or cancelled) it is a record.
func UpdateMeeting(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in MeetingInput) (Meeting, error) {
	v, kept := in.validate(now)
	var updated Meeting
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, p, err := meetingInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleMeeting(tx, current)
		}
		if current.Status != MeetingPlanned {
			return ValidationError{"status": Msg("meeting.edit_not_planned")}
		}
		if err := in.checkAccounts(tx, p.EstablishmentID, kept, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		changes := map[string]any{"scheduled_at": in.ScheduledAt.UTC(), "duration_minutes": in.DurationMinutes, "place": in.Place,
			"purpose": in.Purpose, "interpreter_needed": in.InterpreterNeeded}
		if err := bumpMeeting(tx, s, now, id, version, changes); err != nil {
			return err
		}
		if err := tx.Where("meeting_id = ?", id).Delete(&MeetingParticipant{}).Error; err != nil {
			return err
		}
		rows := in.participants(id, kept)
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		if updated, _, err = meetingInScope(tx, s, id); err != nil {
			return err
		}
		if err := notifyMeetingEdit(tx, now, actor, current, updated); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "meeting", fmt.Sprint(id),
			"edited: "+strings.Join(changedMeetingFields(current, updated), ", "))
	})
	return updated, wrapEdit(err, "update meeting")
}

// changedMeetingFields names what an edit changed, never the values.
func changedMeetingFields(a, b Meeting) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("time", !a.ScheduledAt.Equal(b.ScheduledAt))
	add("duration", a.DurationMinutes != b.DurationMinutes)
	add("place", a.Place != b.Place)
	add("purpose", a.Purpose != b.Purpose)
	add("interpreter", a.InterpreterNeeded != b.InterpreterNeeded)
	participants := func(m Meeting) string {
		var parts []string
		for _, p := range m.Participants {
			parts = append(parts, fmt.Sprint(p.Role, "|", p.Name, "|", derefID(p.UserID)))
		}
		return strings.Join(parts, ";")
	}
	add("participants", participants(a) != participants(b))
	if len(out) == 0 {
		out = append(out, "nothing")
	}
	return out
}

// meetingTransitions lists, for each status, the statuses a meeting may move to. A planned
// meeting is held or the family is absent according to the attendance recorded after its start
// (RecordAttendance), or it is postponed or cancelled beforehand (ChangeMeetingStatus). Held and
// family absent swap when the attendance is corrected, as long as no recap is written. Postponed
// and cancelled are final: a postponed meeting is followed by a new one.
var meetingTransitions = map[MeetingStatus][]MeetingStatus{
	MeetingPlanned:      {MeetingHeld, MeetingFamilyAbsent, MeetingPostponed, MeetingCancelled},
	MeetingHeld:         {MeetingFamilyAbsent},
	MeetingFamilyAbsent: {MeetingHeld},
}

// CanMoveMeeting tells whether a meeting may move from one status to another.
func CanMoveMeeting(from, to MeetingStatus) bool { return oneOf(to, meetingTransitions[from]) }

// ChangeMeetingStatus postpones or cancels a planned meeting. Held and family absent are not
// chosen by hand: they follow from the attendance (RecordAttendance).
func ChangeMeetingStatus(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, to MeetingStatus) (Meeting, error) {
	var updated Meeting
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, _, err := meetingInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleMeeting(tx, current)
		}
		switch {
		case to == MeetingHeld || to == MeetingFamilyAbsent:
			return ValidationError{"status": Msg("meeting.status_by_attendance")}
		case !CanMoveMeeting(current.Status, to):
			return ValidationError{"status": Msg("status.change_not_allowed")}
		}
		if err := bumpMeeting(tx, s, now, id, version, map[string]any{"status": to}); err != nil {
			return err
		}
		if updated, _, err = meetingInScope(tx, s, id); err != nil {
			return err
		}
		kind := NotifyMeetingCancelled
		if to == MeetingPostponed {
			kind = NotifyMeetingPostponed
		}
		if err := notifyMeeting(tx, now, actor, kind, updated, updated.PupilID, meetingPeople(updated)); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "meeting", fmt.Sprint(id), fmt.Sprintf("status: %s → %s", current.Status, to))
	})
	return updated, wrapEdit(err, "change meeting status")
}

// AttendanceOutcome is the status that an attendance gives a meeting: the family is absent
// when no participant with the guardian role came (a meeting without any guardian participant
// counts the family absent too), and the meeting is held otherwise — whoever else came or not.
func AttendanceOutcome(participants []MeetingParticipant, present map[uint]bool) MeetingStatus {
	for _, p := range participants {
		if p.Role == ParticipantGuardian && present[p.ID] {
			return MeetingHeld
		}
	}
	return MeetingFamilyAbsent
}

// RecordAttendance notes, after the meeting's start, who came: the participants whose ids are
// in present came, the others did not. The meeting becomes held or family absent
// (AttendanceOutcome). It may be recorded on a planned meeting once its start time has passed,
// and corrected on a held or family-absent meeting until a recap is written.
func RecordAttendance(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, present []uint) (Meeting, error) {
	var updated Meeting
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, _, err := meetingInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleMeeting(tx, current)
		}
		switch {
		case current.Status == MeetingPostponed || current.Status == MeetingCancelled:
			return ValidationError{"attendance": Msg("meeting.attendance_not_held")}
		case current.Status == MeetingPlanned && now.Before(current.ScheduledAt):
			return ValidationError{"attendance": Msg("meeting.attendance_not_started")}
		case current.Recap != "":
			return ValidationError{"attendance": Msg("meeting.attendance_after_recap")}
		}
		came := map[uint]bool{}
		for _, pid := range present {
			came[pid] = true
		}
		var yes, no []uint
		for _, p := range current.Participants {
			if came[p.ID] {
				yes = append(yes, p.ID)
			} else {
				no = append(no, p.ID)
			}
		}
		to := AttendanceOutcome(current.Participants, came)
		if to != current.Status && !CanMoveMeeting(current.Status, to) {
			return ValidationError{"attendance": Msg("status.change_not_allowed")}
		}
		if err := bumpMeeting(tx, s, now, id, version, map[string]any{"status": to}); err != nil {
			return err
		}
		for _, set := range []struct {
			ids      []uint
			attended bool
		}{{yes, true}, {no, false}} {
			if len(set.ids) == 0 {
				continue
			}
			if err := tx.Model(&MeetingParticipant{}).Where("meeting_id = ? AND id IN ?", id, set.ids).
				Update("attended", set.attended).Error; err != nil {
				return err
			}
		}
		if updated, _, err = meetingInScope(tx, s, id); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "meeting", fmt.Sprint(id),
			fmt.Sprintf("attendance: %d of %d present, status %s → %s", len(yes), len(current.Participants), current.Status, to))
	})
	return updated, wrapEdit(err, "record attendance")
}

// RecapAction is one "who does what by when" row of a recap. The owner is one of the
// establishment's mediators (OwnerUserID) or someone named by a label ("la famille", "CPE").
type RecapAction struct {
	Description string
	DueOn       time.Time
	OwnerUserID *uint
	OwnerLabel  string
}

// Empty tells whether nothing was typed in the row (the owner list always has a choice), so
// that unused rows are ignored.
func (a RecapAction) Empty() bool {
	return strings.TrimSpace(a.Description) == "" && a.DueOn.IsZero() && strings.TrimSpace(a.OwnerLabel) == ""
}

// RecapInput is what the recap form gives: the decisions, and new action rows.
type RecapInput struct {
	Decisions string
	Actions   []RecapAction
}

// WriteRecap writes (or rewrites) the recap of a held meeting: the decisions, and each new
// "who does what by when" row becomes a next action of the pupil linked to the meeting, on its
// owner's worklist. A meeting carries MaxRecapActions actions at most; those already created
// stay as they are (they are done or not on the worklist). One transaction.
func WriteRecap(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in RecapInput) (Meeting, error) {
	in.Decisions = strings.TrimSpace(in.Decisions)
	var updated Meeting
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, p, err := meetingInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleMeeting(tx, current)
		}
		if current.Status != MeetingHeld {
			return ValidationError{"decisions": Msg("meeting.recap_not_held")}
		}
		v := ValidationError{}
		switch {
		case in.Decisions == "":
			v.Add("decisions", "meeting.decisions_required")
		case len([]rune(in.Decisions)) > 10000:
			v.Put("decisions", TooLong(10_000))
		}
		var existing int64
		if err := tx.Model(&NextAction{}).Where("meeting_id = ?", id).Count(&existing).Error; err != nil {
			return err
		}
		meetingDay := calendar.Today(current.ScheduledAt)
		var kept []int
		for i := range in.Actions {
			a := &in.Actions[i]
			a.Description, a.OwnerLabel = strings.TrimSpace(a.Description), strings.TrimSpace(a.OwnerLabel)
			if a.Empty() {
				continue
			}
			kept = append(kept, i)
			a.validate(i, meetingDay, v)
		}
		if int(existing)+len(kept) > MaxRecapActions {
			v.Add("actions", "meeting.actions_too_many")
		}
		if err := checkActionOwners(tx, p.EstablishmentID, in.Actions, kept, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		if err := bumpMeeting(tx, s, now, id, version, map[string]any{"recap": in.Decisions, "recap_at": now.UTC()}); err != nil {
			return err
		}
		for _, i := range kept {
			a := in.Actions[i]
			row := NextAction{PupilID: p.ID, MeetingID: &id, Description: a.Description, DueOn: calendar.Date(a.DueOn),
				OwnerUserID: a.OwnerUserID, OwnerLabel: a.OwnerLabel, CreatedByID: actor.UserID, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
			if row.OwnerUserID != nil {
				row.OwnerLabel = ""
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			if err := notifyActionOwner(tx, now, actor, row); err != nil {
				return err
			}
		}
		if updated, _, err = meetingInScope(tx, s, id); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "meeting", fmt.Sprint(id), fmt.Sprintf("recap written, %d actions added", len(kept)))
	})
	return updated, wrapEdit(err, "write recap")
}

// validate checks a recap row: what, by when (not before the meeting's day, within a year),
// and who.
func (a *RecapAction) validate(i int, meetingDay time.Time, v ValidationError) {
	description, due, owner := fmt.Sprintf("action%d_description", i), fmt.Sprintf("action%d_due_on", i), fmt.Sprintf("action%d_owner", i)
	switch {
	case a.Description == "":
		v.Add(description, "meeting.action_description_required")
	case len([]rune(a.Description)) > 500:
		v.Put(description, TooLong(500))
	}
	switch {
	case a.DueOn.IsZero():
		v.Add(due, "followup.next_action_due_required")
	case a.DueOn.Before(meetingDay):
		v.Add(due, "meeting.action_due_before_meeting")
	case a.DueOn.After(meetingDay.AddDate(1, 0, 0)):
		v.Add(due, "followup.due_too_far")
	}
	switch {
	case a.OwnerUserID == nil && a.OwnerLabel == "":
		v.Add(owner, "meeting.action_owner_required")
	case a.OwnerUserID == nil && len([]rune(a.OwnerLabel)) > 100:
		v.Put(owner, TooLong(100))
	}
}

// checkActionOwners verifies, in one query, that the accounts named as owners are active
// mediators of the establishment.
func checkActionOwners(tx *gorm.DB, establishmentID uint, actions []RecapAction, kept []int, v ValidationError) error {
	var ids []uint
	for _, i := range kept {
		if id := actions[i].OwnerUserID; id != nil {
			ids = append(ids, *id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var ok []uint
	err := tx.Table("users").Joins("JOIN user_establishments ue ON ue.user_id = users.id").
		Where("users.id IN ? AND users.active = ? AND users.role = ? AND ue.establishment_id = ?", ids, true, RoleMediator, establishmentID).
		Pluck("users.id", &ok).Error
	if err != nil {
		return err
	}
	for _, i := range kept {
		if id := actions[i].OwnerUserID; id != nil && !oneOf(*id, ok) {
			owner := fmt.Sprintf("action%d_owner", i)
			v.Add(owner, "followup.owner_not_mediator")
		}
	}
	return nil
}
