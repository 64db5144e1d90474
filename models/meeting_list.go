package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// MeetingRow is a meeting as a list shows it, with its pupil, establishment and organiser
// joined, and its number of participants.
type MeetingRow struct {
	Meeting
	PupilFirstName    string
	PupilLastName     string
	PupilClassName    string
	EstablishmentID   uint
	EstablishmentName string
	OrganiserName     string
	ParticipantCount  int
}

// HasRecap tells whether the recap is written.
func (r MeetingRow) HasRecap() bool { return r.Recap != "" }

// Ends is when the meeting is planned to end.
func (m Meeting) Ends() time.Time {
	return m.ScheduledAt.Add(time.Duration(m.DurationMinutes) * time.Minute)
}

// MeetingWeekHorizonDays is how far ahead the worklist looks for planned meetings: today and
// the seven days after it, as for next actions (ActionHorizonDays).
const MeetingWeekHorizonDays = ActionHorizonDays

// meetingRows is the one query of every meeting list: meetings of files the scope may read
// (never an anonymised one), with what a line shows joined.
func meetingRows(db *gorm.DB, s Scope) *gorm.DB {
	return s.Pupils(db.Table("meetings")).
		Select("meetings.*, pupils.first_name AS pupil_first_name, pupils.last_name AS pupil_last_name, " +
			"pupils.class_name AS pupil_class_name, pupils.establishment_id, establishments.name AS establishment_name, " +
			"users.display_name AS organiser_name, " +
			"(SELECT COUNT(*) FROM meeting_participants mp WHERE mp.meeting_id = meetings.id) AS participant_count").
		Joins("JOIN pupils ON pupils.id = meetings.pupil_id").
		Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Joins("JOIN users ON users.id = meetings.organiser_id").
		Where("pupils.anonymised_at IS NULL")
}

// meetingsConcerning keeps the meetings that concern a user: they organise it, take part in
// it with their account, or are the referent mediator of the pupil.
func meetingsConcerning(q *gorm.DB, userID uint) *gorm.DB {
	return q.Where("(meetings.organiser_id = ? OR pupils.referent_mediator_id = ? OR EXISTS "+
		"(SELECT 1 FROM meeting_participants mu WHERE mu.meeting_id = meetings.id AND mu.user_id = ?))", userID, userID, userID)
}

// MeetingsOfPupil lists the meetings of a file, the latest first, in one query. Outside the
// scope the list is empty.
func MeetingsOfPupil(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]MeetingRow, error) {
	var rows []MeetingRow
	err := meetingRows(db.WithContext(ctx), s).Where("meetings.pupil_id = ?", pupilID).
		Order("meetings.scheduled_at DESC, meetings.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: meetings of pupil %d: %w", pupilID, err)
	}
	return rows, nil
}

// MeetingFilter narrows the meeting lists of the meetings page.
type MeetingFilter struct {
	// EstablishmentID keeps one establishment of the scope (0: all of them).
	EstablishmentID uint
	// UserID keeps the meetings that concern this user (organiser, participant with their
	// account, or referent of the pupil); 0 keeps all.
	UserID uint
	// Status keeps one status ("" keeps all).
	Status MeetingStatus
}

func (f MeetingFilter) apply(q *gorm.DB) *gorm.DB {
	if f.EstablishmentID != 0 {
		q = q.Where("pupils.establishment_id = ?", f.EstablishmentID)
	}
	if f.UserID != 0 {
		q = meetingsConcerning(q, f.UserID)
	}
	if f.Status != "" {
		q = q.Where("meetings.status = ?", f.Status)
	}
	return q
}

// MeetingsBetween lists the meetings of the scope that start in [from, to), whatever their
// status unless the filter says, soonest first, in one query.
func MeetingsBetween(ctx context.Context, db *gorm.DB, s Scope, from, to time.Time, f MeetingFilter) ([]MeetingRow, error) {
	var rows []MeetingRow
	err := f.apply(meetingRows(db.WithContext(ctx), s)).
		Where("meetings.scheduled_at >= ? AND meetings.scheduled_at < ?", from.UTC(), to.UTC()).
		Order("meetings.scheduled_at, meetings.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: meetings between %s and %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	return rows, nil
}

// WeekOf returns the Monday, 00:00 in Paris, of the week that holds t.
func WeekOf(t time.Time) time.Time {
	p := t.In(calendar.Paris)
	day := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, calendar.Paris)
	offset := (int(day.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
	return day.AddDate(0, 0, -offset)
}

// heldWithoutRecap is the condition of the held meetings whose recap is still to write, with the
// status written in the SQL rather than bound: PostgreSQL uses the partial index of those
// meetings (migration 0009) only where it can prove the index's condition from the statement's
// text, and a prepared statement's generic plan, made without the arguments, would otherwise
// read every held meeting.
const heldWithoutRecap = "(meetings.status = '" + string(MeetingHeld) + "' AND meetings.recap = '')"

// plannedMeeting is the condition of the planned meetings, written in the SQL for the same
// reason: the partial index of planned meetings (migration 0032), a few per file, spares the
// lists that look for them every past meeting of the scope's files.
const plannedMeeting = "meetings.status = '" + string(MeetingPlanned) + "'"

// MeetingsToComplete lists the meetings of the scope that wait for someone: planned meetings
// whose start has passed (their attendance is to record), then held meetings whose recap is
// not written, oldest first, in one query. The filter's status is not used.
func MeetingsToComplete(ctx context.Context, db *gorm.DB, s Scope, now time.Time, f MeetingFilter) ([]MeetingRow, error) {
	f.Status = ""
	var rows []MeetingRow
	err := f.apply(s.ProbeFiles(meetingRows(db.WithContext(ctx), s), "meetings.pupil_id")).
		Where("(("+plannedMeeting+" AND meetings.scheduled_at <= ?) OR "+heldWithoutRecap+")", now.UTC()).
		Order("meetings.scheduled_at, meetings.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: meetings to complete: %w", err)
	}
	return rows, nil
}

// MeetingsForWorklist gives a user's worklist its two meeting parts, on the files of the scope
// (never an anonymised one) and among the meetings that concern the user — they organise it,
// take part in it with their account, or are the pupil's referent mediator:
//
//   - upcoming: the planned meetings that start before the end of the seventh day after today
//     (Paris time), including planned meetings whose start has passed and whose attendance is
//     still to record; soonest first;
//   - withoutRecap: the held meetings whose recap is not written yet, whatever their date;
//     oldest first.
//
// Postponed, cancelled and family-absent meetings appear in neither. Each part is one query,
// which probes the scope's live files one by one through the partial index of its meetings:
// the planned ones, or the held ones without recap (the coming meetings of the busiest metro
// mediator read every past meeting of their 270 files, 1,450 buffers for two rows).
func MeetingsForWorklist(ctx context.Context, db *gorm.DB, s Scope, userID uint, now time.Time) (upcoming, withoutRecap []MeetingRow, err error) {
	if !s.SeesPupilFiles() {
		return nil, nil, nil
	}
	db = db.WithContext(ctx)
	today := now.In(calendar.Paris)
	horizon := time.Date(today.Year(), today.Month(), today.Day()+MeetingWeekHorizonDays+1, 0, 0, 0, 0, calendar.Paris)
	err = meetingsConcerning(s.ProbeFiles(meetingRows(db, s), "meetings.pupil_id"), userID).
		Where(plannedMeeting+" AND meetings.scheduled_at < ?", horizon.UTC()).
		Order("meetings.scheduled_at, meetings.id").Scan(&upcoming).Error
	if err != nil {
		return nil, nil, fmt.Errorf("models: worklist meetings: %w", err)
	}
	err = meetingsConcerning(s.ProbeFiles(meetingRows(db, s), "meetings.pupil_id"), userID).Where(heldWithoutRecap).
		Order("meetings.scheduled_at, meetings.id").Scan(&withoutRecap).Error
	if err != nil {
		return nil, nil, fmt.Errorf("models: worklist meetings without recap: %w", err)
	}
	return upcoming, withoutRecap, nil
}

// ParticipantRow is a participant with the name of their account, if any.
type ParticipantRow struct {
	MeetingParticipant
	AccountName string
}

// MeetingDetail is everything the meeting page shows.
type MeetingDetail struct {
	Meeting       Meeting
	Pupil         Pupil
	Establishment Establishment
	OrganiserName string
	Participants  []ParticipantRow
	// Actions are the next actions the recap created, done or not.
	Actions []ActionRow
}

// Guardians counts the guardian participants, and those who came.
func (d MeetingDetail) Guardians() (invited, came int) {
	for _, p := range d.Participants {
		if p.Role == ParticipantGuardian {
			invited++
			if p.Attended != nil && *p.Attended {
				came++
			}
		}
	}
	return invited, came
}

// LoadMeeting loads a meeting of a file the scope may read, or ErrNotFound, with one query per
// part whatever the number of participants and actions.
func LoadMeeting(ctx context.Context, db *gorm.DB, s Scope, id uint) (MeetingDetail, error) {
	var d MeetingDetail
	db = db.WithContext(ctx)
	m, p, err := meetingInScope(db, s, id)
	if err != nil {
		return d, wrapEdit(err, "load meeting")
	}
	d.Meeting, d.Pupil = m, p
	if err := db.Take(&d.Establishment, p.EstablishmentID).Error; err != nil {
		return d, fmt.Errorf("models: establishment of meeting %d: %w", id, err)
	}
	if err := db.Model(&User{}).Where("id = ?", m.OrganiserID).Pluck("display_name", &d.OrganiserName).Error; err != nil {
		return d, fmt.Errorf("models: organiser of meeting %d: %w", id, err)
	}
	err = db.Table("meeting_participants").Select("meeting_participants.*, users.display_name AS account_name").
		Joins("LEFT JOIN users ON users.id = meeting_participants.user_id").
		Where("meeting_participants.meeting_id = ?", id).Order("meeting_participants.id").Scan(&d.Participants).Error
	if err != nil {
		return d, fmt.Errorf("models: participants of meeting %d: %w", id, err)
	}
	err = db.Table("next_actions").Select("next_actions.*, users.display_name AS owner_name").
		Joins("LEFT JOIN users ON users.id = next_actions.owner_user_id").
		Where("next_actions.meeting_id = ?", id).Order("next_actions.due_on, next_actions.id").Scan(&d.Actions).Error
	if err != nil {
		return d, fmt.Errorf("models: actions of meeting %d: %w", id, err)
	}
	return d, nil
}
