package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// meetingFormRows is how many participant rows the schedule form offers; an edit offers two
// more than the meeting has, within models.MaxMeetingParticipants.
const meetingFormRows = 6

// MeetingForm is the form that schedules or edits a meeting: what is typed (or the defaults),
// the messages beside the fields, and the choices. The schedule form on the pupil file and the
// edit form on the meeting page share it (its fields: MeetingForm.Fields).
type MeetingForm struct {
	Action string
	// Prefix keeps the ids of the form's fields unique on its page.
	Prefix   string
	Version  int
	Date     string
	Time     string
	Duration string
	Place    string
	Purpose  string
	// Interpreter is the interpreter-needed box.
	Interpreter bool
	// PastAllowed offers the box that records a past meeting (the schedule form; the edit form
	// changes a planned meeting), AlreadyHeld is that box.
	PastAllowed, AlreadyHeld bool
	Participants             []ParticipantField
	Staff                    []models.StaffOption
	Roles                    []models.ParticipantRole
	MinDate                  string
	Errors                   map[string]string
	// Failed opens the form and shows the summary of errors.
	Failed bool
}

// ParticipantField is one participant row of the form, as typed.
type ParticipantField struct {
	Index  int
	Role   string
	Name   string
	UserID string
}

// field names a field of the row ("role", "name", "user_id") as the form and the model do.
func (p ParticipantField) field(name string) string {
	return fmt.Sprintf("participant%d_%s", p.Index, name)
}

// RowError returns the message beside a field of a participant row.
func (f MeetingForm) RowError(p ParticipantField, name string) string { return f.Errors[p.field(name)] }

// padParticipantRows adds empty participant rows up to n.
func padParticipantRows(rows []ParticipantField, n int) []ParticipantField {
	for len(rows) < min(n, models.MaxMeetingParticipants) {
		rows = append(rows, ParticipantField{Index: len(rows)})
	}
	return rows
}

// newMeetingForm is the schedule form of a file: the guardians of the file and the user are
// already among the participants; an hour is the usual length.
func newMeetingForm(file models.PupilFile, u *models.User, staff []models.StaffOption) *MeetingForm {
	f := &MeetingForm{Action: fmt.Sprintf("/pupils/%d/meetings", file.Pupil.ID), Prefix: "meeting-", Duration: "60",
		Staff: staff, Roles: models.ParticipantRoles, PastAllowed: true}
	for _, g := range file.Pupil.Guardians {
		if len(f.Participants) == 2 {
			break
		}
		name := g.Name
		if g.Relation != "" {
			name += " (" + g.Relation + ")"
		}
		f.Participants = append(f.Participants, ParticipantField{Index: len(f.Participants), Role: string(models.ParticipantGuardian), Name: name})
		f.Interpreter = f.Interpreter || g.InterpreterNeeded
	}
	role := models.ParticipantMediator
	if u.Role == models.RoleHeadTeacher {
		role = models.ParticipantHeadTeacher
	}
	f.Participants = append(f.Participants, ParticipantField{Index: len(f.Participants), Role: string(role), Name: u.DisplayName,
		UserID: fmt.Sprint(u.ID)})
	f.Participants = padParticipantRows(f.Participants, meetingFormRows)
	return f
}

// fillFromValues puts back what was typed in a form that failed or was kept as a draft, with
// the version it was typed on.
func (f *MeetingForm) fillFromValues(values map[string]string, errs map[string]string) {
	if v, err := strconv.Atoi(values["version"]); err == nil {
		f.Version = v
	}
	f.Date, f.Time, f.Duration = values["date"], values["time"], values["duration_minutes"]
	f.Place, f.Purpose, f.Interpreter = values["place"], values["purpose"], values["interpreter_needed"] == "on"
	f.AlreadyHeld = f.PastAllowed && values["already_held"] == "on"
	f.Participants = nil
	for i := 0; i < models.MaxMeetingParticipants; i++ {
		role, hasRole := values[fmt.Sprintf("participant%d_role", i)]
		name, hasName := values[fmt.Sprintf("participant%d_name", i)]
		user, hasUser := values[fmt.Sprintf("participant%d_user_id", i)]
		if !hasRole && !hasName && !hasUser {
			break
		}
		f.Participants = append(f.Participants, ParticipantField{Index: i, Role: role, Name: name, UserID: user})
	}
	f.Participants = padParticipantRows(f.Participants, meetingFormRows)
	f.Errors, f.Failed = errs, true
}

// Choice is an option of a select list, labelled.
type Choice = views.Choice

// MeetingChoices are the options every participant row of a meeting form repeats.
type MeetingChoices struct{ Roles, Staff []Choice }

// Choices labels the participant rows' options once for the form (the page has six rows or
// more: labelling each option in each row through the template cost more than the rest of
// the file page).
func (f *MeetingForm) Choices(l *views.Localizer) MeetingChoices {
	c := MeetingChoices{Roles: make([]Choice, len(f.Roles)), Staff: make([]Choice, len(f.Staff))}
	for i, r := range f.Roles {
		c.Roles[i] = Choice{Value: string(r), Label: l.T("participant." + string(r))}
	}
	for i, u := range f.Staff {
		c.Staff[i] = Choice{Value: fmt.Sprint(u.ID), Label: u.DisplayName + " (" + l.T("role."+string(u.Role)) + ")"}
	}
	return c
}

// editMeetingForm is the edit form of a planned meeting, with its current values.
func editMeetingForm(m models.Meeting, staff []models.StaffOption, today string) *MeetingForm {
	at := m.ScheduledAt.In(calendar.Paris)
	f := &MeetingForm{Action: fmt.Sprintf("/meetings/%d", m.ID), Prefix: "edit-", Version: m.Version, Date: at.Format("2006-01-02"),
		Time: at.Format("15:04"), Duration: fmt.Sprint(m.DurationMinutes), Place: m.Place, Purpose: m.Purpose,
		Interpreter: m.InterpreterNeeded, Staff: staff, Roles: models.ParticipantRoles, MinDate: today}
	for i, p := range m.Participants {
		row := ParticipantField{Index: i, Role: string(p.Role), Name: p.Name}
		if p.UserID != nil {
			row.UserID = fmt.Sprint(*p.UserID)
		}
		f.Participants = append(f.Participants, row)
	}
	f.Participants = padParticipantRows(f.Participants, max(meetingFormRows, len(m.Participants)+2))
	return f
}

var meetingClock = regexp.MustCompile(`^([0-9]{1,2}) ?[:hH] ?([0-9]{2})?$`)

// formParisTime reads a date and a time of day typed in Paris (2026-11-27 or 27/11/2026, and
// 14:00, 14h00 or 14h) as an instant. Both empty, or one missing, give the zero time (the
// model says what is missing); ok is false when something typed cannot be read.
func formParisTime(c echo.Context, dateName, clockName string) (t time.Time, ok bool) {
	day, ok := formDate(c, dateName)
	if !ok {
		return time.Time{}, false
	}
	clock := strings.TrimSpace(c.FormValue(clockName))
	if clock == "" || day.IsZero() {
		return time.Time{}, clock == "" || meetingClock.MatchString(clock)
	}
	m := meetingClock.FindStringSubmatch(clock)
	if m == nil {
		return time.Time{}, false
	}
	hh, _ := strconv.Atoi(m[1])
	mm := 0
	if m[2] != "" {
		mm, _ = strconv.Atoi(m[2])
	}
	if hh > 23 || mm > 59 {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, calendar.Paris), true
}

// bindMeeting reads the schedule or edit form; what cannot be read becomes a field message.
func bindMeeting(c echo.Context) (models.MeetingInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.MeetingInput{Place: c.FormValue("place"), Purpose: c.FormValue("purpose"),
		InterpreterNeeded: c.FormValue("interpreter_needed") == "on", AlreadyHeld: c.FormValue("already_held") == "on"}
	var ok bool
	if in.ScheduledAt, ok = formParisTime(c, "date", "time"); !ok {
		v.Add("scheduled_at", "meeting.datetime_invalid")
	}
	if in.DurationMinutes, ok = formInt(c, "duration_minutes"); !ok {
		v.Add("duration_minutes", "field.minutes_expected")
	}
	for i := 0; i < models.MaxMeetingParticipants; i++ {
		in.Participants = append(in.Participants, models.ParticipantInput{
			Role: models.ParticipantRole(strings.TrimSpace(c.FormValue(fmt.Sprintf("participant%d_role", i)))),
			Name: c.FormValue(fmt.Sprintf("participant%d_name", i)), UserID: formIDPtr(c, fmt.Sprintf("participant%d_user_id", i)),
		})
	}
	return in, v
}

// pupilMeetings loads the meetings part of a file: its meetings, and the schedule form for the
// roles that schedule (mediators and head teachers of the establishment), with what was typed
// when the form failed.
func (h *Handlers) pupilMeetings(c echo.Context, p PupilPage) ([]models.MeetingRow, *MeetingForm, error) {
	ctx := c.Request().Context()
	rows, err := models.MeetingsOfPupil(ctx, h.DB, currentScope(c), p.File.Pupil.ID)
	if err != nil {
		return nil, nil, err
	}
	u := currentUser(c)
	if u.Role != models.RoleMediator && u.Role != models.RoleHeadTeacher {
		return rows, nil, nil
	}
	staff, err := models.MeetingStaff(ctx, h.DB, p.File.Pupil.EstablishmentID)
	if err != nil {
		return nil, nil, err
	}
	f := newMeetingForm(p.File, u, staff)
	if p.Form == "meeting" {
		f.fillFromValues(p.Values, p.Errors)
	}
	return rows, f, nil
}

// ScheduleMeeting plans a meeting from a pupil's file; bad input re-renders the file with the
// form's messages (422).
func (h *Handlers) ScheduleMeeting(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, v := bindMeeting(c)
	var m models.Meeting
	var replay string
	err = v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			var err error
			m, err = models.ScheduleMeeting(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), id, in)
			return fmt.Sprintf("/meetings/%d", m.ID), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.pupilFormFailed(c, id, "meeting", ve, nil)
	case err != nil:
		return notFound(err)
	}
	if in.AlreadyHeld {
		h.flash(c, "find.flash.meeting_recorded")
	} else {
		h.flash(c, "flash.meeting_scheduled")
	}
	return redirect(c, fmt.Sprintf("/meetings/%d", m.ID))
}

// calendarText writes the dates and times of meetings in the page's language, Paris time.
type calendarText struct{ lang string }

var (
	meetingWeekdays = map[string][7]string{
		"fr": {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	}
	meetingMonths = map[string][12]string{
		"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	}
)

// Day writes a date as « jeudi 27 novembre 2026 ».
func (c calendarText) Day(t time.Time) string {
	p := t.In(calendar.Paris)
	lang := c.lang
	if _, ok := meetingWeekdays[lang]; !ok {
		lang = "fr"
	}
	return fmt.Sprintf("%s %d %s %d", meetingWeekdays[lang][p.Weekday()], p.Day(), meetingMonths[lang][p.Month()-1], p.Year())
}

// ShortDay writes a date as « jeudi 27/11/2026 » in lists: with the year, since a list can
// reach across the new year and past years.
func (c calendarText) ShortDay(t time.Time) string {
	p := t.In(calendar.Paris)
	lang := c.lang
	if _, ok := meetingWeekdays[lang]; !ok {
		lang = "fr"
	}
	return fmt.Sprintf("%s %s", meetingWeekdays[lang][p.Weekday()], p.Format("02/01/2006"))
}

// Clock writes the time of day in Paris, « 14:00 ».
func (c calendarText) Clock(t time.Time) string { return t.In(calendar.Paris).Format("15:04") }

// MeetingPage is a meeting with the forms that act on it.
type MeetingPage struct {
	views.Page
	calendarText
	D models.MeetingDetail
	// Letters offers the invitation and, once the recap is written, the summary for the family.
	Letters LetterForms
	// Edit is the edit form, for a planned meeting only.
	Edit *MeetingForm
	// Stale explains an edit refused because the meeting changed meanwhile.
	Stale *StaleNotice
	// CanAttend: the attendance may be recorded (after the start) or corrected (before the recap).
	CanAttend bool
	// AttendanceLater: the meeting is planned and has not started yet.
	AttendanceLater bool
	CanChangeStatus bool
	CanWriteRecap   bool
	// RecapRows are the empty action rows the recap form offers (five actions per meeting).
	RecapRows []int
	Mediators []models.MediatorOption
	// DefaultOwner is the owner chosen in a new action row.
	DefaultOwner string
	// StatusChoices are the statuses chosen by hand: postponed, cancelled.
	StatusChoices []models.MeetingStatus
	Form          string
	Values        map[string]string
	Errors        map[string]string
	// Present lists who came, as recorded or as ticked in a failed form.
	Present map[uint]bool
	// MeetingDay is the earliest due date of the recap's actions (2026-11-27).
	MeetingDay string
}

// TypedText is the text typed in a sub-form that came back but is no longer on the page (the
// meeting moved on meanwhile), for the user to copy: it is not lost either.
func (p MeetingPage) TypedText() string {
	if p.Form == "" || p.FormShown() {
		return ""
	}
	return typedText(p.Values, "purpose", "place", "decisions")
}

// VersionOf is the version a sub-form is sent with: the one it was typed on when it comes back
// (failed, or kept as a draft), else the meeting's.
func (p MeetingPage) VersionOf(form string) string {
	return p.Value(form, "version", fmt.Sprint(p.D.Meeting.Version))
}

// Value returns a value typed in the failed sub-form, or def.
func (p MeetingPage) Value(form, name, def string) string {
	if p.Form == form {
		if v, ok := p.Values[name]; ok {
			return v
		}
	}
	return def
}

// FieldError returns the message of a field when its sub-form failed.
func (p MeetingPage) FieldError(form, name string) string {
	if p.Form != form {
		return ""
	}
	return p.Errors[name]
}

// FormShown tells whether the sub-form that failed is still on the page: when the meeting
// changed meanwhile it may be gone (an edit of a meeting cancelled since), and its messages are
// then shown at the top.
func (p MeetingPage) FormShown() bool {
	switch p.Form {
	case "edit":
		return p.Edit != nil
	case "status":
		return p.CanChangeStatus
	case "attendance":
		return p.CanAttend
	case "recap":
		return p.CanWriteRecap
	}
	return false
}

// ActionField names a field of a recap row: action0_description…
func (p MeetingPage) ActionField(i int, name string) string {
	return fmt.Sprintf("action%d_%s", i, name)
}

// Meeting shows a meeting of the scope and records the view of the pupil's data.
func (h *Handlers) Meeting(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.meetingPage(c, id, form, draft, nil)
	if err != nil {
		return err
	}
	if err := h.auditFile(c, p.D.Pupil.ID, models.AuditPupilViewed, "meeting", fmt.Sprint(id), fmt.Sprintf("pupil %d", p.D.Pupil.ID)); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "meeting", p)
}

func (h *Handlers) meetingPage(c echo.Context, id uint, form string, values url.Values, errs map[string]string) (MeetingPage, error) {
	ctx := c.Request().Context()
	d, err := models.LoadMeeting(ctx, h.DB, currentScope(c), id)
	if err != nil {
		return MeetingPage{}, notFound(err)
	}
	now := h.Now()
	m := d.Meeting
	p := MeetingPage{Page: h.page(c, "meeting.title"), D: d, Form: form, Values: valueMap(values), Errors: errs, Present: map[uint]bool{},
		StatusChoices: []models.MeetingStatus{models.MeetingPostponed, models.MeetingCancelled},
		MeetingDay:    dateValue(calendar.Today(m.ScheduledAt))}
	p.calendarText = calendarText{lang: p.Lang()}
	p.Title = p.T("meeting.heading", "Name", d.Pupil.FirstName+" "+d.Pupil.LastName)
	p.CanChangeStatus = m.Status == models.MeetingPlanned
	p.AttendanceLater = m.Status == models.MeetingPlanned && now.Before(m.ScheduledAt)
	p.CanAttend = m.Status == models.MeetingPlanned && !p.AttendanceLater ||
		(m.Status == models.MeetingHeld || m.Status == models.MeetingFamilyAbsent) && m.Recap == ""
	p.CanWriteRecap = m.Status == models.MeetingHeld
	for _, pp := range d.Participants {
		p.Present[pp.ID] = pp.Attended != nil && *pp.Attended
	}
	if form == "attendance" {
		p.Present = map[uint]bool{}
		for _, v := range values["present"] {
			if pid, err := strconv.ParseUint(v, 10, 32); err == nil {
				p.Present[uint(pid)] = true
			}
		}
	}
	if p.Letters, err = h.letterForms(ctx, currentScope(c), d.Pupil.ID, fmt.Sprintf("/meetings/%d/", id), meetingLetterDocs(m)); err != nil {
		return MeetingPage{}, err
	}
	if m.Status == models.MeetingPlanned {
		staff, err := models.MeetingStaff(ctx, h.DB, d.Pupil.EstablishmentID)
		if err != nil {
			return MeetingPage{}, err
		}
		p.Edit = editMeetingForm(m, staff, dateValue(calendar.Today(now)))
		if form == "edit" {
			p.Edit.fillFromValues(p.Values, errs)
		}
	}
	if p.CanWriteRecap {
		if p.Mediators, err = models.MediatorsOf(ctx, h.DB, []uint{d.Pupil.EstablishmentID}); err != nil {
			return MeetingPage{}, err
		}
		for i := 0; i < models.MaxRecapActions-len(d.Actions); i++ {
			p.RecapRows = append(p.RecapRows, i)
		}
		p.DefaultOwner = "label"
		u := currentUser(c)
		for _, md := range p.Mediators {
			if md.ID == u.ID {
				p.DefaultOwner = fmt.Sprint(u.ID)
				break
			}
			if d.Pupil.ReferentMediatorID != nil && md.ID == *d.Pupil.ReferentMediatorID {
				p.DefaultOwner = fmt.Sprint(md.ID)
			}
		}
	}
	return p, nil
}

// meetingFormFailed re-renders the meeting with the failed sub-form, its values and messages.
// A sub-form refused as stale comes back at the current version (stale.Version): sending it
// again is then a knowing choice.
func (h *Handlers) meetingFormFailed(c echo.Context, id uint, form string, status int, v models.ValidationError, stale *models.StaleError) error {
	p, err := h.meetingPage(c, id, form, typedValues(c, stale), fieldErrors(h.localizer(c), v))
	if err != nil {
		return err
	}
	return h.render(c, status, "meeting", p)
}

// afterMeetingChange redirects to the meeting after a change, or re-renders it with the
// sub-form's messages (422, or 409 when the meeting changed meanwhile), or answers 404
// outside the scope.
func (h *Handlers) afterMeetingChange(c echo.Context, id uint, form string, err error, flash string) error {
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve):
		return h.meetingFormFailed(c, id, form, http.StatusUnprocessableEntity, ve, nil)
	case errors.As(err, &stale):
		return h.meetingFormFailed(c, id, form, http.StatusConflict, models.ValidationError{"stale": models.Msg(stale.Message)}, stale)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, flash)
	return redirect(c, fmt.Sprintf("/meetings/%d", id))
}

// UpdateMeeting reschedules or edits a planned meeting. An edit based on a stale version comes
// back (409) with what was typed, who changed the meeting meanwhile and its current state.
func (h *Handlers) UpdateMeeting(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	in, v := bindMeeting(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdateMeeting(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var stale *models.StaleError
	if errors.As(err, &stale) {
		p, perr := h.meetingPage(c, id, "edit", typedValues(c, stale), nil)
		if perr != nil {
			return perr
		}
		p.Stale = staleNotice(p.Localizer, stale, nil, nil)
		return h.render(c, http.StatusConflict, "meeting", p)
	}
	return h.afterMeetingChange(c, id, "edit", err, "flash.meeting_saved")
}

// ChangeMeetingStatus postpones or cancels a planned meeting.
func (h *Handlers) ChangeMeetingStatus(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	_, err = models.ChangeMeetingStatus(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version,
		models.MeetingStatus(c.FormValue("status")))
	return h.afterMeetingChange(c, id, "status", err, "flash.meeting_status")
}

// RecordAttendance notes who came; the meeting becomes held, or family absent when no guardian
// came.
func (h *Handlers) RecordAttendance(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	form, _ := c.FormParams()
	var present []uint
	for _, v := range form["present"] {
		if pid, err := strconv.ParseUint(v, 10, 32); err == nil {
			present = append(present, uint(pid))
		}
	}
	_, err = models.RecordAttendance(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version, present)
	return h.afterMeetingChange(c, id, "attendance", err, "flash.meeting_attendance")
}

// WriteRecap writes the recap of a held meeting; each action row becomes a next action.
func (h *Handlers) WriteRecap(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	v := models.ValidationError{}
	in := models.RecapInput{Decisions: c.FormValue("decisions")}
	for i := 0; i < models.MaxRecapActions; i++ {
		a := models.RecapAction{Description: c.FormValue(fmt.Sprintf("action%d_description", i)),
			OwnerLabel: c.FormValue(fmt.Sprintf("action%d_owner_label", i))}
		due, ok := formDate(c, fmt.Sprintf("action%d_due_on", i))
		if !ok {
			dueField := fmt.Sprintf("action%d_due_on", i)
			v.Add(dueField, "field.date_invalid")
		}
		a.DueOn = due
		if owner := c.FormValue(fmt.Sprintf("action%d_owner", i)); owner != "" && owner != "label" {
			a.OwnerUserID = formIDPtr(c, fmt.Sprintf("action%d_owner", i))
		}
		in.Actions = append(in.Actions, a)
	}
	err = v.OrNil()
	if err == nil {
		_, err = models.WriteRecap(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	return h.afterMeetingChange(c, id, "recap", err, "flash.meeting_recap")
}

// MeetingCalendar downloads the meeting as an iCalendar file (RFC 5545), which names the pupil
// by first name and initial only; see views.MeetingICS. The download is in the audit log.
func (h *Handlers) MeetingCalendar(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := models.LoadMeeting(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return notFound(err)
	}
	if err := h.auditFile(c, d.Pupil.ID, models.AuditPupilViewed, "meeting", fmt.Sprint(id), fmt.Sprintf("pupil %d, calendar file", d.Pupil.ID)); err != nil {
		return err
	}
	family, err := models.MeetingFamilyNames(c.Request().Context(), h.DB, d)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="rencontre-%d.ics"`, id))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", views.MeetingICS(d.Meeting, d.Pupil.FirstName, d.Pupil.LastName, family, h.Now()))
}

// MeetingWeek is one week of the meetings page.
type MeetingWeek struct {
	ID     string
	Monday time.Time
	Sunday time.Time
	// Label is the message of its heading: this week, next week, or the week of a date.
	Label string
	Rows  []models.MeetingRow
}

// MeetingsPage lists the meetings of the user's establishments: those waiting for someone
// (attendance or recap), then two weeks, this one and the next unless another is asked for.
type MeetingsPage struct {
	views.Page
	calendarText
	Now            time.Time
	Filter         models.MeetingFilter
	Mine           bool
	Establishments []models.Establishment
	Statuses       []models.MeetingStatus
	ToComplete     []models.MeetingRow
	Weeks          []MeetingWeek
	// WeekValue is the Monday shown first (2026-11-23); PrevWeeks, NextWeeks and ThisWeek are
	// links that keep the filters.
	WeekValue string
	PrevWeeks string
	NextWeeks string
	ThisWeek  string
}

// AttendanceDue tells whether a planned meeting has started, so that its attendance is to note.
func (p MeetingsPage) AttendanceDue(r models.MeetingRow) bool {
	return r.Status == models.MeetingPlanned && !p.Now.Before(r.ScheduledAt)
}

// Meetings lists the meetings of the user's scope.
func (h *Handlers) Meetings(c echo.Context) error {
	ctx := c.Request().Context()
	s := currentScope(c)
	now := h.Now()
	f := models.MeetingFilter{Status: models.MeetingStatus(c.QueryParam("status"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if id, err := strconv.ParseUint(c.QueryParam("establishment"), 10, 32); err == nil && s.CoversEstablishment(uint(id)) {
		f.EstablishmentID = uint(id)
	}
	mine := c.QueryParam("mine") == "1"
	if mine {
		f.UserID = currentUser(c).ID
	}
	current := models.WeekOf(now)
	monday := current
	if day, err := time.ParseInLocation("2006-01-02", c.QueryParam("week"), calendar.Paris); err == nil {
		monday = models.WeekOf(day.Add(12 * time.Hour))
	}
	rows, err := models.MeetingsBetween(ctx, h.DB, s, monday, monday.AddDate(0, 0, 14), f)
	if err != nil {
		return err
	}
	toComplete, err := models.MeetingsToComplete(ctx, h.DB, s, now, f)
	if err != nil {
		return err
	}
	es, err := models.EstablishmentsOf(ctx, h.DB, s)
	if err != nil {
		return err
	}
	p := MeetingsPage{Page: h.page(c, "meetings.title"), Now: now, Filter: f, Mine: mine, Establishments: es,
		Statuses: models.MeetingStatuses, ToComplete: toComplete, WeekValue: monday.Format("2006-01-02")}
	p.calendarText = calendarText{lang: p.Lang()}
	for i := range 2 {
		start := monday.AddDate(0, 0, 7*i)
		w := MeetingWeek{ID: fmt.Sprintf("week-%d", i), Monday: start, Sunday: start.AddDate(0, 0, 6), Label: "meetings.week_of"}
		switch {
		case start.Equal(current):
			w.Label = "meetings.this_week"
		case start.Equal(current.AddDate(0, 0, 7)):
			w.Label = "meetings.next_week"
		}
		end := start.AddDate(0, 0, 7)
		for _, r := range rows {
			if !r.ScheduledAt.Before(start) && r.ScheduledAt.Before(end) {
				w.Rows = append(w.Rows, r)
			}
		}
		p.Weeks = append(p.Weeks, w)
	}
	link := func(week time.Time) string {
		v := url.Values{}
		if f.EstablishmentID != 0 {
			v.Set("establishment", fmt.Sprint(f.EstablishmentID))
		}
		if f.Status != "" {
			v.Set("status", string(f.Status))
		}
		if mine {
			v.Set("mine", "1")
		}
		if !week.Equal(current) {
			v.Set("week", week.Format("2006-01-02"))
		}
		if len(v) == 0 {
			return "/meetings"
		}
		return "/meetings?" + v.Encode()
	}
	p.PrevWeeks, p.NextWeeks = link(monday.AddDate(0, 0, -14)), link(monday.AddDate(0, 0, 14))
	if !monday.Equal(current) {
		p.ThisWeek = link(current)
	}
	return h.render(c, http.StatusOK, "meetings", p)
}
