package handlers

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"mediation/models"
	"mediation/views"
)

// formerMeetingFields is the partial "meeting-fields" as it stood before the fields were written
// in Go (views/templates/partials/meeting_fields.html).
const formerMeetingFields = `{{/* meeting-fields: the fields of the form that schedules or edits a meeting. Dot is a dict:
Page (the page, for T) and F (a handlers.MeetingForm). */}}
{{define "meeting-fields"}}{{$pg := .Page}}{{$f := .F}}{{$x := $f.Prefix}}{{$choices := $f.Choices $pg.Localizer}}{{$lRole := $pg.T "meeting.participant_role"}}{{$lName := $pg.T "meeting.participant_name"}}{{$lAccount := $pg.T "meeting.participant_account"}}{{$lNoAccount := $pg.T "meeting.no_account"}}
<fieldset>
<legend>{{$pg.T "meeting.when"}}</legend>
<div class="grid-2">
<div class="field">
<label for="{{$x}}date">{{$pg.T "meeting.date"}}</label>
<input id="{{$x}}date" name="date" type="date"{{with $f.MinDate}} min="{{.}}"{{end}} value="{{$f.Date}}" required{{with $f.Errors.scheduled_at}} aria-invalid="true" aria-describedby="{{$x}}scheduled_at-error"{{end}}>
</div>
<div class="field">
<label for="{{$x}}time">{{$pg.T "meeting.time"}}</label>
<input id="{{$x}}time" name="time" type="time" step="300" value="{{$f.Time}}" required{{with $f.Errors.scheduled_at}} aria-invalid="true" aria-describedby="{{$x}}scheduled_at-error"{{end}}>
</div>
</div>
{{with $f.Errors.scheduled_at}}<p class="field-error" id="{{$x}}scheduled_at-error">{{.}}</p>{{end}}
{{if $f.PastAllowed}}<div class="field checkbox">
<input type="checkbox" id="{{$x}}already_held" name="already_held" aria-describedby="{{$x}}already_held-hint"{{if $f.AlreadyHeld}} checked{{end}}>
<label for="{{$x}}already_held">{{$pg.T "find.meeting.already_held"}}</label>
<p class="field-hint" id="{{$x}}already_held-hint">{{$pg.T "find.meeting.already_held_hint"}}</p>
</div>{{end}}
<div class="field">
<label for="{{$x}}duration_minutes">{{$pg.T "meeting.duration"}}</label>
<input id="{{$x}}duration_minutes" name="duration_minutes" type="number" inputmode="numeric" min="5" max="480" step="5" value="{{$f.Duration}}"{{with $f.Errors.duration_minutes}} aria-invalid="true" aria-describedby="{{$x}}duration_minutes-error"{{end}}>
{{with $f.Errors.duration_minutes}}<p class="field-error" id="{{$x}}duration_minutes-error">{{.}}</p>{{end}}
</div>
</fieldset>
<div class="field">
<label for="{{$x}}place">{{$pg.T "meeting.place"}}</label>
<input id="{{$x}}place" name="place" type="text" maxlength="200" value="{{$f.Place}}" aria-describedby="{{$x}}place-hint{{with $f.Errors.place}} {{$x}}place-error{{end}}"{{with $f.Errors.place}} aria-invalid="true"{{end}}>
<p class="field-hint" id="{{$x}}place-hint">{{$pg.T "meeting.place_hint"}}</p>
{{with $f.Errors.place}}<p class="field-error" id="{{$x}}place-error">{{.}}</p>{{end}}
</div>
<div class="field">
<label for="{{$x}}purpose">{{$pg.T "meeting.purpose"}}</label>
<textarea id="{{$x}}purpose" name="purpose" rows="3" maxlength="1000" required aria-describedby="{{$x}}purpose-hint{{with $f.Errors.purpose}} {{$x}}purpose-error{{end}}"{{with $f.Errors.purpose}} aria-invalid="true"{{end}}>{{$f.Purpose}}</textarea>
<p class="field-hint" id="{{$x}}purpose-hint">{{$pg.T "meeting.purpose_hint"}}</p>
{{with $f.Errors.purpose}}<p class="field-error" id="{{$x}}purpose-error">{{.}}</p>{{end}}
</div>
<div class="field checkbox">
<input type="checkbox" id="{{$x}}interpreter_needed" name="interpreter_needed"{{if $f.Interpreter}} checked{{end}}>
<label for="{{$x}}interpreter_needed">{{$pg.T "meeting.interpreter_needed"}}</label>
</div>
<fieldset{{with $f.Errors.participants}} aria-describedby="{{$x}}participants-error"{{end}}>
<legend>{{$pg.T "meeting.participants"}}</legend>
<p class="field-hint">{{$pg.T "meeting.participants_hint"}}</p>
{{with $f.Errors.participants}}<p class="field-error" id="{{$x}}participants-error">{{.}}</p>{{end}}
{{range $row := $f.Participants}}{{$id := printf "%sp%d-" $x $row.Index}}
<fieldset class="participant">
<legend>{{$pg.T "meeting.participant_n" "N" (inc $row.Index)}}</legend>
<div class="grid-2">
<div class="field">
<label for="{{$id}}role">{{$lRole}}</label>
{{$err := $f.RowError $row "role"}}<select id="{{$id}}role" name="participant{{$row.Index}}_role"{{if $err}} aria-invalid="true" aria-describedby="{{$id}}role-error"{{end}}>
<option value="">—</option>
{{options $choices.Roles $row.Role}}</select>
{{with $err}}<p class="field-error" id="{{$id}}role-error">{{.}}</p>{{end}}
</div>
<div class="field">
<label for="{{$id}}name">{{$lName}}</label>
{{$err := $f.RowError $row "name"}}<input id="{{$id}}name" name="participant{{$row.Index}}_name" type="text" maxlength="200" value="{{$row.Name}}"{{if $err}} aria-invalid="true" aria-describedby="{{$id}}name-error"{{end}}>
{{with $err}}<p class="field-error" id="{{$id}}name-error">{{.}}</p>{{end}}
</div>
</div>
<div class="field">
<label for="{{$id}}user">{{$lAccount}}</label>
{{$err := $f.RowError $row "user_id"}}<select id="{{$id}}user" name="participant{{$row.Index}}_user_id"{{if $err}} aria-invalid="true" aria-describedby="{{$id}}user-error"{{end}}>
<option value="">{{$lNoAccount}}</option>
{{options $choices.Staff $row.UserID}}</select>
{{with $err}}<p class="field-error" id="{{$id}}user-error">{{.}}</p>{{end}}
</div>
</fieldset>
{{end}}
</fieldset>
{{end}}
`

// meetingFieldsPage is what the former partial and the writer are run on: a page (for its
// language) and the form.
type meetingFieldsPage struct {
	views.Page
	F *MeetingForm
}

// TestMeetingFieldsWriteWhatThePartialWrote runs the former partial "meeting-fields" and
// MeetingForm.Fields, as the meeting page calls it, on 3,000 random forms in both languages:
// every field typed with what html/template escapes, a message (or an empty one) on any field
// and participant row, the past-meeting box offered or not, ticked or not, a first day or none,
// rows numbered in order or not, roles and accounts chosen among the choices or not, codes
// outside the catalog (labelled with their message id, escaped too). It fails when one byte
// differs.
func TestMeetingFieldsWriteWhatThePartialWrote(t *testing.T) {
	tmpl, err := views.ParsePage(formerMeetingFields + `{{define "former"}}{{with .F}}{{template "meeting-fields" (dict "Page" $ "F" .)}}{{end}}{{end}}` +
		`{{define "fast"}}{{with .F}}{{.Fields $.Localizer}}{{end}}{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2028))
	random := randomMeetingForms(r)
	shown := map[string]bool{}
	for i := range 3000 {
		p := meetingFieldsPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2])}, F: random()}
		var want, got strings.Builder
		if err := tmpl.ExecuteTemplate(&want, "former", &p); err != nil {
			t.Fatal(err)
		}
		if err := tmpl.ExecuteTemplate(&got, "fast", &p); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("case %d: %s", i, firstDifference(got.String(), want.String()))
		}
		for _, s := range []string{"scheduled_at-error", "duration_minutes-error", "place-error", "purpose-error", "participants-error",
			"role-error", "name-error", "user-error", "already_held", " checked", " min=", " selected", "&lt;", "&#43;", "&#34;", "&amp;"} {
			shown[s] = shown[s] || strings.Contains(want.String(), s)
		}
	}
	for s, ok := range shown {
		if !ok {
			t.Errorf("no random form showed %q", s)
		}
	}
}

// randomMeetingForms returns a maker of random meeting forms, their texts full of what
// html/template escapes.
func randomMeetingForms(r *rand.Rand) func() *MeetingForm {
	text := randomText(r, []string{"a", "Z", "9", " ", "é", "·", "—", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;",
		"<b>", "\n", "/", ":", "%s", "{{.}}"}, 6)
	code := func(known ...string) string {
		if r.IntN(3) > 0 {
			return known[r.IntN(len(known))]
		}
		return text()
	}
	message := func() string {
		if r.IntN(8) == 0 {
			return ""
		}
		return text() + "x"
	}
	return func() *MeetingForm {
		f := &MeetingForm{Action: code("/pupils/3/meetings", "/meetings/9"), Prefix: code("meeting-", "edit-", ""), Version: r.IntN(9),
			Date: code("2026-11-27", "27/11/2026", ""), Time: code("14:00", "14h", ""), Duration: code("60", "-5", ""),
			Place: text(), Purpose: text(), Interpreter: r.IntN(2) == 0, PastAllowed: r.IntN(2) == 0, AlreadyHeld: r.IntN(2) == 0,
			Failed: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			f.MinDate = code("2026-11-27")
		}
		for range r.IntN(5) {
			f.Staff = append(f.Staff, models.StaffOption{ID: uint(r.IntN(60)), DisplayName: text(),
				Role: models.Role(code(string(models.RoleMediator), string(models.RoleHeadTeacher)))})
		}
		if r.IntN(4) > 0 {
			f.Roles = models.ParticipantRoles
		} else {
			for range r.IntN(4) {
				f.Roles = append(f.Roles, models.ParticipantRole(code(string(models.ParticipantGuardian), string(models.ParticipantNurse))))
			}
		}
		for i := range r.IntN(9) {
			row := ParticipantField{Index: i, Name: text()}
			if r.IntN(5) == 0 {
				row.Index = r.IntN(40)
			}
			switch {
			case len(f.Roles) > 0 && r.IntN(2) == 0:
				row.Role = string(f.Roles[r.IntN(len(f.Roles))])
			case r.IntN(2) == 0:
				row.Role = text()
			}
			switch {
			case len(f.Staff) > 0 && r.IntN(2) == 0:
				row.UserID = fmt.Sprint(f.Staff[r.IntN(len(f.Staff))].ID)
			case r.IntN(2) == 0:
				row.UserID = code("7", "")
			}
			f.Participants = append(f.Participants, row)
		}
		if r.IntN(3) > 0 {
			f.Errors = map[string]string{}
			fields := []string{"scheduled_at", "duration_minutes", "place", "purpose", "participants", "status", "version", "x"}
			for _, row := range f.Participants {
				fields = append(fields, row.field("role"), row.field("name"), row.field("user_id"))
			}
			for range r.IntN(6) {
				f.Errors[fields[r.IntN(len(fields))]] = message()
			}
		}
		return f
	}
}

// BenchmarkMeetingFields writes the schedule form of a file as the file page shows it (six
// participant rows, an establishment of twelve staff) with the former partial and with the
// writer.
func BenchmarkMeetingFields(b *testing.B) {
	tmpl, err := views.ParsePage(formerMeetingFields + `{{define "former"}}{{with .F}}{{template "meeting-fields" (dict "Page" $ "F" .)}}{{end}}{{end}}`)
	if err != nil {
		b.Fatal(err)
	}
	v, err := views.New()
	if err != nil {
		b.Fatal(err)
	}
	var staff []models.StaffOption
	for i := range 12 {
		staff = append(staff, models.StaffOption{ID: uint(100 + i), DisplayName: fmt.Sprintf("Agent %d", i), Role: models.RoleMediator})
	}
	file := models.PupilFile{}
	file.Pupil.Guardians = []models.Guardian{{Name: "Mme Martin", Relation: "mère"}}
	u := &models.User{DisplayName: "Claire Dubois", Role: models.RoleMediator}
	u.ID = 100
	p := meetingFieldsPage{Page: views.Page{Localizer: v.Localizer("fr")}, F: newMeetingForm(file, u, staff)}
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			var w strings.Builder
			if err := tmpl.ExecuteTemplate(&w, "former", &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			_ = p.F.Fields(p.Localizer)
		}
	})
}
