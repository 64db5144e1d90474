package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"mediation/views"
)

// The meeting form's fields are written here in Go, as the rest of the file page is (see
// pupil_page.go): through the partial "meeting-fields", the participant rows (six or more, each
// with a select of the establishment's staff) cost 1.5 to 2 ms of CPU per file read in
// reflection. The writer writes byte for byte what the partial wrote, escaped as html/template
// escapes text, attribute values and a textarea's text (views.WriteText);
// TestMeetingFieldsWriteWhatThePartialWrote runs the former partial against it.

// Fields writes the form's fields in the language of l, for the meeting page's edit form.
func (f *MeetingForm) Fields(l *views.Localizer) template.HTML {
	var b strings.Builder
	b.Grow(16 << 10)
	f.writeFields(&b, l)
	return template.HTML(b.String())
}

// meetingFieldsWriter writes the fields of a meeting form.
type meetingFieldsWriter struct {
	b *strings.Builder
	l *views.Localizer
	f *MeetingForm
	// x is the form's prefix of ids, escaped.
	x string
}

func (w *meetingFieldsWriter) raw(s string)  { w.b.WriteString(s) }
func (w *meetingFieldsWriter) text(s string) { views.WriteText(w.b, s) }
func (w *meetingFieldsWriter) t(id string)   { w.text(w.l.T(id)) }

// writeFields writes the fields to b as the partial "meeting-fields" wrote them.
func (f *MeetingForm) writeFields(b *strings.Builder, l *views.Localizer) {
	w := &meetingFieldsWriter{b: b, l: l, f: f, x: views.EscapeText(f.Prefix)}
	w.when()
	w.place()
	w.purpose()
	w.raw("<div class=\"field checkbox\">\n<input type=\"checkbox\" id=\"" + w.x + "interpreter_needed\" name=\"interpreter_needed\"")
	if f.Interpreter {
		w.raw(" checked")
	}
	w.raw(">\n<label for=\"" + w.x + "interpreter_needed\">")
	w.t("meeting.interpreter_needed")
	w.raw("</label>\n</div>\n")
	w.participants()
}

// when writes the day, the time, the box of a meeting already held and the duration.
func (w *meetingFieldsWriter) when() {
	f, x := w.f, w.x
	msg := f.Errors["scheduled_at"]
	w.raw("\n<fieldset>\n<legend>")
	w.t("meeting.when")
	w.raw("</legend>\n<div class=\"grid-2\">\n")
	minDate := ""
	if f.MinDate != "" {
		minDate = " min=\"" + views.EscapeText(f.MinDate) + "\""
	}
	w.scheduledInput("date", " type=\"date\""+minDate, f.Date, msg)
	w.scheduledInput("time", " type=\"time\" step=\"300\"", f.Time, msg)
	w.raw("</div>\n")
	writeFieldError(w.b, msg, x+"scheduled_at")
	w.raw("\n")
	if f.PastAllowed {
		w.raw("<div class=\"field checkbox\">\n<input type=\"checkbox\" id=\"" + x + "already_held\" name=\"already_held\" aria-describedby=\"" +
			x + "already_held-hint\"")
		if f.AlreadyHeld {
			w.raw(" checked")
		}
		w.raw(">\n<label for=\"" + x + "already_held\">")
		w.t("find.meeting.already_held")
		w.raw("</label>\n<p class=\"field-hint\" id=\"" + x + "already_held-hint\">")
		w.t("find.meeting.already_held_hint")
		w.raw("</p>\n</div>")
	}
	msg = f.Errors["duration_minutes"]
	w.raw("\n<div class=\"field\">\n<label for=\"" + x + "duration_minutes\">")
	w.t("meeting.duration")
	w.raw("</label>\n<input id=\"" + x + "duration_minutes\" name=\"duration_minutes\" type=\"number\" inputmode=\"numeric\" min=\"5\" max=\"480\" step=\"5\" value=\"")
	w.text(f.Duration)
	w.raw("\"")
	writeInvalid(w.b, msg, x+"duration_minutes")
	w.raw(">\n")
	writeFieldError(w.b, msg, x+"duration_minutes")
	w.raw("\n</div>\n</fieldset>\n")
}

// scheduledInput writes the required field of the day or the time (its name is its message's
// key and its id's end), with its type and bounds, its value, and the start's error if any.
func (w *meetingFieldsWriter) scheduledInput(name, attrs, value, msg string) {
	w.raw("<div class=\"field\">\n<label for=\"" + w.x + name + "\">")
	w.t("meeting." + name)
	w.raw("</label>\n<input id=\"" + w.x + name + "\" name=\"" + name + "\"" + attrs + " value=\"")
	w.text(value)
	w.raw("\" required")
	writeInvalid(w.b, msg, w.x+"scheduled_at")
	w.raw(">\n</div>\n")
}

// hinted writes the attributes of a field described by its hint id-hint and, with a message
// msg, by id-error.
func (w *meetingFieldsWriter) hinted(msg, id string) {
	w.raw(" aria-describedby=\"" + id + "-hint")
	if msg != "" {
		w.raw(" " + id + "-error\" aria-invalid=\"true")
	}
	w.raw("\"")
}

// hint writes the hint of the field id, the message hint, then the field's message msg.
func (w *meetingFieldsWriter) hint(hint, msg, id string) {
	w.raw("\n<p class=\"field-hint\" id=\"" + id + "-hint\">")
	w.t(hint)
	w.raw("</p>\n")
	writeFieldError(w.b, msg, id)
	w.raw("\n</div>\n")
}

func (w *meetingFieldsWriter) place() {
	id, msg := w.x+"place", w.f.Errors["place"]
	w.raw("<div class=\"field\">\n<label for=\"" + id + "\">")
	w.t("meeting.place")
	w.raw("</label>\n<input id=\"" + id + "\" name=\"place\" type=\"text\" maxlength=\"200\" value=\"")
	w.text(w.f.Place)
	w.raw("\"")
	w.hinted(msg, id)
	w.raw(">")
	w.hint("meeting.place_hint", msg, id)
}

func (w *meetingFieldsWriter) purpose() {
	id, msg := w.x+"purpose", w.f.Errors["purpose"]
	w.raw("<div class=\"field\">\n<label for=\"" + id + "\">")
	w.t("meeting.purpose")
	w.raw("</label>\n<textarea id=\"" + id + "\" name=\"purpose\" rows=\"3\" maxlength=\"1000\" required")
	w.hinted(msg, id)
	w.raw(">")
	w.text(w.f.Purpose)
	w.raw("</textarea>")
	w.hint("meeting.purpose_hint", msg, id)
}

// participants writes the participant rows, each with the roles and the staff to choose from.
func (w *meetingFieldsWriter) participants() {
	f, x := w.f, w.x
	choices := f.Choices(w.l)
	role, name := views.EscapeText(w.l.T("meeting.participant_role")), views.EscapeText(w.l.T("meeting.participant_name"))
	account, noAccount := views.EscapeText(w.l.T("meeting.participant_account")), views.EscapeText(w.l.T("meeting.no_account"))
	msg := f.Errors["participants"]
	w.raw("<fieldset")
	if msg != "" {
		w.raw(" aria-describedby=\"" + x + "participants-error\"")
	}
	w.raw(">\n<legend>")
	w.t("meeting.participants")
	w.raw("</legend>\n<p class=\"field-hint\">")
	w.t("meeting.participants_hint")
	w.raw("</p>\n")
	writeFieldError(w.b, msg, x+"participants")
	w.raw("\n")
	for _, row := range f.Participants {
		n := strconv.Itoa(row.Index)
		id := x + "p" + n + "-"
		w.raw("\n<fieldset class=\"participant\">\n<legend>")
		w.text(w.l.T("meeting.participant_n", "N", row.Index+1))
		w.raw("</legend>\n<div class=\"grid-2\">\n<div class=\"field\">\n<label for=\"" + id + "role\">" + role + "</label>\n")
		msg := f.RowError(row, "role")
		w.raw("<select id=\"" + id + "role\" name=\"participant" + n + "_role\"")
		writeInvalid(w.b, msg, id+"role")
		w.raw(">\n<option value=\"\">—</option>\n")
		views.WriteOptions(w.b, choices.Roles, row.Role)
		w.raw("</select>\n")
		writeFieldError(w.b, msg, id+"role")
		w.raw("\n</div>\n<div class=\"field\">\n<label for=\"" + id + "name\">" + name + "</label>\n")
		msg = f.RowError(row, "name")
		w.raw("<input id=\"" + id + "name\" name=\"participant" + n + "_name\" type=\"text\" maxlength=\"200\" value=\"")
		w.text(row.Name)
		w.raw("\"")
		writeInvalid(w.b, msg, id+"name")
		w.raw(">\n")
		writeFieldError(w.b, msg, id+"name")
		w.raw("\n</div>\n</div>\n<div class=\"field\">\n<label for=\"" + id + "user\">" + account + "</label>\n")
		msg = f.RowError(row, "user_id")
		w.raw("<select id=\"" + id + "user\" name=\"participant" + n + "_user_id\"")
		writeInvalid(w.b, msg, id+"user")
		w.raw(">\n<option value=\"\">" + noAccount + "</option>\n")
		views.WriteOptions(w.b, choices.Staff, row.UserID)
		w.raw("</select>\n")
		writeFieldError(w.b, msg, id+"user")
		w.raw("\n</div>\n</fieldset>\n")
	}
	w.raw("\n</fieldset>\n")
}

// writeInvalid writes to b the attributes of a field whose message msg is shown under
// id-error (id escaped already).
func writeInvalid(b *strings.Builder, msg, id string) {
	if msg != "" {
		b.WriteString(" aria-invalid=\"true\" aria-describedby=\"" + id + "-error\"")
	}
}

// writeFieldError writes to b the message msg of a field under the id id-error (id escaped
// already).
func writeFieldError(b *strings.Builder, msg, id string) {
	if msg != "" {
		b.WriteString("<p class=\"field-error\" id=\"" + id + "-error\">")
		views.WriteText(b, msg)
		b.WriteString("</p>")
	}
}
