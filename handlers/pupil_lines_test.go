package handlers

import (
	"html/template"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"mediation/models"
	"mediation/views"
)

// TestPupilLinesWriteWhatTheTemplatesWrote compares the follow-up timeline and the access
// history written in Go with the template loops they replaced, in both languages, on lines
// full of what html/template escapes, with and without the optional parts. It fails when one
// byte differs.
func TestPupilLinesWriteWhatTheTemplatesWrote(t *testing.T) {
	loops := template.Must(template.New("loops").Parse(`<ol class="timeline">
{{$restricted := .T "followup.restricted_badge"}}{{$edit := .T "followup.edit"}}{{range .FollowUps}}<li class="card">
<p><strong>{{.On}}</strong> · {{.Kind}}{{with .Minutes}} · {{.}}{{end}} · {{.AuthorName}}{{if .Restricted}} <span class="badge">{{$restricted}}</span>{{end}}</p>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{if .Mine}}<p class="actions"><a href="/followups/{{.ID}}/edit">{{$edit}}<span class="visually-hidden"> ({{.On}})</span></a></p>{{end}}
</li>
{{end}}</ol>
<tbody>{{range .Accesses}}<tr><th scope="row"><time datetime="{{.UTC}}">{{.At}}</time></th><td>{{.Who}}{{with .Role}} <span class="muted">({{.}})</span>{{end}}</td><td>{{.Kind}}</td></tr>
{{end}}</tbody>`))
	fast := template.Must(template.New("fast").Parse(`<ol class="timeline">
{{.FollowUpItems}}</ol>
<tbody>{{.AccessRows}}</tbody>`))
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2026))
	text := randomText(r, []string{"a", "Z", "9", " ", "é", "·", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;", "<b>", "\n", "/"}, 6)
	for i := range 1000 {
		p := PupilPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2])}}
		for range r.IntN(5) {
			p.FollowUps = append(p.FollowUps, FollowUpLine{ID: uint(r.IntN(100000)), On: text(), Kind: text(), Minutes: text(),
				AuthorName: text(), Restricted: r.IntN(2) == 0, Note: text(), Mine: r.IntN(2) == 0})
			p.Accesses = append(p.Accesses, AccessLine{UTC: text(), At: text(), Who: text(), Role: text(), Kind: text()})
		}
		sameOutput(t, i, loops, fast, &p)
	}
}

// TestGuardianFieldsWriteWhatTheTemplateWrote compares a guardian's form fields written in Go
// with the "guardian-fields" template they replaced and its two callers, as they were in
// pupil.html, on failed and untouched forms, values and messages full of what html/template
// escapes.
func TestGuardianFieldsWriteWhatTheTemplateWrote(t *testing.T) {
	funcs := template.FuncMap{
		"list": func(items ...string) []string { return items },
		"fieldKey": func(name string) string {
			parts := strings.Split(name, "_")
			for i, p := range parts {
				parts[i] = strings.ToUpper(p[:1]) + p[1:]
			}
			return strings.Join(parts, "")
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
	loops := template.Must(template.New("loops").Funcs(funcs).Parse(`{{range .File.Pupil.Guardians}}{{$form := printf "guardian%d" .ID}}<div>
{{template "guardian-fields" (dict "Page" $ "Form" $form "Prefix" (printf "g%d-" .ID) "Name" ($.Value $form "name" .Name) "Relation" ($.Value $form "relation" .Relation) "Phone" ($.Value $form "phone" .Phone) "Email" ($.Value $form "email" .Email) "HomeLanguage" ($.Value $form "home_language" .HomeLanguage) "Interpreter" ($.Checked $form "interpreter_needed" .InterpreterNeeded))}}
</div>{{end}}<form>
{{template "guardian-fields" (dict "Page" $ "Form" "guardian" "Prefix" "new-" "Name" (.Value "guardian" "name" "") "Relation" (.Value "guardian" "relation" "") "Phone" (.Value "guardian" "phone" "") "Email" (.Value "guardian" "email" "") "HomeLanguage" (.Value "guardian" "home_language" "") "Interpreter" (eq (.Value "guardian" "interpreter_needed" "") "on"))}}
</form>` + `{{define "guardian-fields"}}{{$pg := .Page}}{{$show := eq $pg.Form .Form}}
<div class="grid-2">
{{range $f := (list "name" "relation" "phone" "email" "home_language")}}
<div class="field">
<label for="{{$.Prefix}}{{$f}}">{{$pg.T (printf "guardian.field.%s" $f)}}</label>
<input id="{{$.Prefix}}{{$f}}" name="{{$f}}" type="{{if eq $f "phone"}}tel{{else if eq $f "email"}}email{{else}}text{{end}}" value="{{index $ (fieldKey $f)}}"{{if $show}}{{with index $pg.Errors $f}} aria-invalid="true" aria-describedby="{{$.Prefix}}{{$f}}-error"{{end}}{{end}}>
{{if $show}}{{with index $pg.Errors $f}}<p class="field-error" id="{{$.Prefix}}{{$f}}-error">{{.}}</p>{{end}}{{end}}
</div>
{{end}}
</div>
<div class="field checkbox">
<input type="checkbox" id="{{.Prefix}}interpreter_needed" name="interpreter_needed"{{if .Interpreter}} checked{{end}}>
<label for="{{.Prefix}}interpreter_needed">{{$pg.T "guardian.interpreter_needed"}}</label>
</div>
{{end}}`))
	fast := template.Must(template.New("fast").Parse(`{{range .File.Pupil.Guardians}}{{$form := printf "guardian%d" .ID}}<div>
{{$.GuardianFields .}}
</div>{{end}}<form>
{{.NewGuardianFields}}
</form>`))
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2026))
	text := randomText(r, []string{"a", "Z", "9", " ", "é", "<", ">", "&", "'", "\"", "+", "\x00", "\xff", "&amp;", "\n"}, 5)
	fields := []string{"name", "relation", "phone", "email", "home_language", "interpreter_needed"}
	for i := range 1000 {
		p := PupilPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2])}, Values: map[string]string{}}
		for range r.IntN(3) {
			p.File.Pupil.Guardians = append(p.File.Pupil.Guardians, models.Guardian{ID: uint(r.IntN(1000)), Name: text(),
				Relation: text(), Phone: text(), Email: text(), HomeLanguage: text(), InterpreterNeeded: r.IntN(2) == 0})
		}
		switch forms := []string{"", "guardian", "status"}; {
		case len(p.File.Pupil.Guardians) > 0 && r.IntN(3) == 0:
			p.Form = "guardian" + strconv.FormatUint(uint64(p.File.Pupil.Guardians[0].ID), 10)
		default:
			p.Form = forms[r.IntN(len(forms))]
		}
		for _, f := range fields {
			if r.IntN(2) == 0 {
				p.Values[f] = []string{text(), "on"}[r.IntN(2)]
			}
			if r.IntN(3) == 0 {
				if p.Errors == nil {
					p.Errors = map[string]string{}
				}
				p.Errors[f] = text()
			}
		}
		sameOutput(t, i, loops, fast, &p)
	}
}

// TestIndicatorFieldsWriteWhatTheTemplateWrote compares the monthly indicators form's fields
// written in Go with the template loop they replaced, as it was in pupil.html, on failed and
// untouched forms, values and messages full of what html/template escapes.
func TestIndicatorFieldsWriteWhatTheTemplateWrote(t *testing.T) {
	loop := template.Must(template.New("loop").Funcs(template.FuncMap{"list": func(items ...string) []string { return items }}).Parse(
		`<div class="grid-2">
{{range $f := (list "month" "unjustified_half_days" "justified_half_days" "school_half_days" "temporary_exclusions" "incidents" "term_average")}}
<div class="field">
<label for="ind-{{$f}}">{{$.T (printf "indicator.field.%s" $f)}}</label>
<input id="ind-{{$f}}" name="{{$f}}" {{if eq $f "month"}}type="month" max="{{$.ThisMonth}}" value="{{$.Value "indicators" $f $.ThisMonth}}" required{{else if eq $f "term_average"}}type="text" inputmode="decimal" value="{{$.Value "indicators" $f ""}}"{{else}}type="number" inputmode="numeric" min="0" value="{{$.Value "indicators" $f ""}}"{{end}}{{if eq $.Form "indicators"}}{{with index $.Errors $f}} aria-invalid="true" aria-describedby="ind-{{$f}}-error"{{end}}{{end}}>
{{if eq $.Form "indicators"}}{{with index $.Errors $f}}<p class="field-error" id="ind-{{$f}}-error">{{.}}</p>{{end}}{{end}}
</div>
{{end}}
</div>`))
	fast := template.Must(template.New("fast").Parse(`<div class="grid-2">
{{.IndicatorFields}}
</div>`))
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2026))
	text := randomText(r, []string{"a", "9", " ", "é", "<", ">", "&", "'", "\"", "+", "\x00", "\xff", "-"}, 5)
	for i := range 1000 {
		p := PupilPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2])}, Values: map[string]string{},
			Form: []string{"", "indicators", "status"}[r.IntN(3)], ThisMonth: text()}
		for _, f := range indicatorFieldNames {
			if r.IntN(2) == 0 {
				p.Values[f] = text()
			}
			if r.IntN(3) == 0 {
				if p.Errors == nil {
					p.Errors = map[string]string{}
				}
				p.Errors[f] = text()
			}
		}
		sameOutput(t, i, loop, fast, &p)
	}
}

// sameOutput fails the test when the template a writer replaced (old) and the page's template
// that calls the writer (fast) write different bytes for data.
func sameOutput(t *testing.T, i int, old, fast *template.Template, data any) {
	t.Helper()
	var want, got strings.Builder
	if err := old.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	if err := fast.Execute(&got, data); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("case %d:\n got %q\nwant %q", i, got.String(), want.String())
	}
}

// randomText returns a maker of strings of up to most-1 pieces drawn from alphabet with r.
// escapeProne gives random texts made of what html/template escapes in every context, and
// codes: one of the known ones two times in three, else such a text (a code missing from the
// catalog is shown as its message id).
func escapeProne(r *rand.Rand) (text func() string, code func(known ...string) string) {
	text = randomText(r, []string{"a", "Z", "9", " ", "é", "·", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;",
		"<b>", "\n", "/", ":", "%", "%2f", "javascript:", "#", "?", "%s"}, 6)
	code = func(known ...string) string {
		if r.IntN(3) > 0 {
			return known[r.IntN(len(known))]
		}
		return text()
	}
	return text, code
}

func randomText(r *rand.Rand, alphabet []string, most int) func() string {
	return func() string {
		var b strings.Builder
		for range r.IntN(most) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
}
