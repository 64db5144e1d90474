package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"mediation/models"
	"mediation/views"
)

// FollowUpItems writes the items of the file's follow-up timeline, byte for byte what the loop
//
//	{{$restricted := .T "followup.restricted_badge"}}{{$edit := .T "followup.edit"}}{{range .FollowUps}}<li class="card">
//	<p><strong>{{.On}}</strong> · {{.Kind}}{{with .Minutes}} · {{.}}{{end}} · {{.AuthorName}}{{if .Restricted}} <span class="badge">{{$restricted}}</span>{{end}}</p>
//	{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
//	{{if .Mine}}<p class="actions"><a href="/followups/{{.ID}}/edit">{{$edit}}<span class="visually-hidden"> ({{.On}})</span></a></p>{{end}}
//	</li>
//	{{end}}
//
// wrote: the lines were already written out (FollowUpLine), but printing their eight fields
// still cost eight calls through reflection and the escaper each, twenty lines a page.
// TestPupilLinesWriteWhatTheTemplatesWrote compares them.
func (p *PupilPage) FollowUpItems() template.HTML {
	restricted, edit := p.T("followup.restricted_badge"), p.T("followup.edit")
	var b strings.Builder
	for _, f := range p.FollowUps {
		b.WriteString("<li class=\"card\">\n<p><strong>")
		views.WriteText(&b, f.On)
		b.WriteString("</strong> · ")
		views.WriteText(&b, f.Kind)
		if f.Minutes != "" {
			b.WriteString(" · ")
			views.WriteText(&b, f.Minutes)
		}
		b.WriteString(" · ")
		views.WriteText(&b, f.AuthorName)
		if f.Restricted {
			b.WriteString(" <span class=\"badge\">")
			views.WriteText(&b, restricted)
			b.WriteString("</span>")
		}
		b.WriteString("</p>\n")
		if f.Note != "" {
			b.WriteString("<p class=\"note\">")
			views.WriteText(&b, f.Note)
			b.WriteString("</p>")
		}
		b.WriteString("\n")
		if f.Mine {
			b.WriteString("<p class=\"actions\"><a href=\"/followups/")
			b.WriteString(strconv.FormatUint(uint64(f.ID), 10))
			b.WriteString("/edit\">")
			views.WriteText(&b, edit)
			b.WriteString("<span class=\"visually-hidden\"> (")
			views.WriteText(&b, f.On)
			b.WriteString(")</span></a></p>")
		}
		b.WriteString("\n</li>\n")
	}
	return template.HTML(b.String())
}

// AccessRows writes the rows of the file's access history, byte for byte what the loop
//
//	{{range .Accesses}}<tr><th scope="row"><time datetime="{{.UTC}}">{{.At}}</time></th><td>{{.Who}}{{with .Role}} <span class="muted">({{.}})</span>{{end}}</td><td>{{.Kind}}</td></tr>
//	{{end}}
//
// wrote (see FollowUpItems).
func (p *PupilPage) AccessRows() template.HTML {
	var b strings.Builder
	for _, a := range p.Accesses {
		b.WriteString("<tr><th scope=\"row\"><time datetime=\"")
		views.WriteText(&b, a.UTC)
		b.WriteString("\">")
		views.WriteText(&b, a.At)
		b.WriteString("</time></th><td>")
		views.WriteText(&b, a.Who)
		if a.Role != "" {
			b.WriteString(" <span class=\"muted\">(")
			views.WriteText(&b, a.Role)
			b.WriteString(")</span>")
		}
		b.WriteString("</td><td>")
		views.WriteText(&b, a.Kind)
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

// guardianFieldNames are the text fields of a guardian's form, in the form's order.
var guardianFieldNames = [...]string{"name", "relation", "phone", "email", "home_language"}

// GuardianFields writes the fields of the form that changes the guardian g: its values as
// typed when that form failed, else the guardian's.
func (p *PupilPage) GuardianFields(g models.Guardian) template.HTML {
	form := "guardian" + strconv.FormatUint(uint64(g.ID), 10)
	return p.guardianFields(form, "g"+strconv.FormatUint(uint64(g.ID), 10)+"-", [...]string{
		p.Value(form, "name", g.Name), p.Value(form, "relation", g.Relation), p.Value(form, "phone", g.Phone),
		p.Value(form, "email", g.Email), p.Value(form, "home_language", g.HomeLanguage)},
		p.Checked(form, "interpreter_needed", g.InterpreterNeeded))
}

// NewGuardianFields writes the fields of the form that adds a guardian.
func (p *PupilPage) NewGuardianFields() template.HTML {
	var values [len(guardianFieldNames)]string
	for i, f := range guardianFieldNames {
		values[i] = p.Value("guardian", f, "")
	}
	return p.guardianFields("guardian", "new-", values, p.Value("guardian", "interpreter_needed", "") == "on")
}

// guardianFields writes a guardian form's fields, byte for byte what the template
//
//	{{define "guardian-fields"}}{{$pg := .Page}}{{$show := eq $pg.Form .Form}}
//	<div class="grid-2">
//	{{range $f := (list "name" "relation" "phone" "email" "home_language")}}
//	<div class="field">
//	<label for="{{$.Prefix}}{{$f}}">{{$pg.T (printf "guardian.field.%s" $f)}}</label>
//	<input id="{{$.Prefix}}{{$f}}" name="{{$f}}" type="{{if eq $f "phone"}}tel{{else if eq $f "email"}}email{{else}}text{{end}}" value="{{index $ (fieldKey $f)}}"{{if $show}}{{with index $pg.Errors $f}} aria-invalid="true" aria-describedby="{{$.Prefix}}{{$f}}-error"{{end}}{{end}}>
//	{{if $show}}{{with index $pg.Errors $f}}<p class="field-error" id="{{$.Prefix}}{{$f}}-error">{{.}}</p>{{end}}{{end}}
//	</div>
//	{{end}}
//	</div>
//	<div class="field checkbox">
//	<input type="checkbox" id="{{.Prefix}}interpreter_needed" name="interpreter_needed"{{if .Interpreter}} checked{{end}}>
//	<label for="{{.Prefix}}interpreter_needed">{{$pg.T "guardian.interpreter_needed"}}</label>
//	</div>
//	{{end}}
//
// wrote, called with a dict of the form, the prefix of its ids and its values: each guardian's
// form (and the new guardian's) cost about ninety calls through reflection.
func (p *PupilPage) guardianFields(form, prefix string, values [len(guardianFieldNames)]string, interpreter bool) template.HTML {
	show := p.Form == form
	var b strings.Builder
	b.WriteString("\n<div class=\"grid-2\">\n")
	for i, f := range guardianFieldNames {
		b.WriteString("\n<div class=\"field\">\n<label for=\"")
		views.WriteText(&b, prefix)
		b.WriteString(f)
		b.WriteString("\">")
		views.WriteText(&b, p.T("guardian.field."+f))
		b.WriteString("</label>\n<input id=\"")
		views.WriteText(&b, prefix)
		b.WriteString(f + "\" name=\"" + f + "\" type=\"")
		switch f {
		case "phone":
			b.WriteString("tel")
		case "email":
			b.WriteString("email")
		default:
			b.WriteString("text")
		}
		b.WriteString("\" value=\"")
		views.WriteText(&b, values[i])
		b.WriteString("\"")
		var msg string
		if show {
			msg = p.Errors[f]
		}
		if msg != "" {
			b.WriteString(" aria-invalid=\"true\" aria-describedby=\"")
			views.WriteText(&b, prefix)
			b.WriteString(f + "-error\"")
		}
		b.WriteString(">\n")
		if msg != "" {
			b.WriteString("<p class=\"field-error\" id=\"")
			views.WriteText(&b, prefix)
			b.WriteString(f + "-error\">")
			views.WriteText(&b, msg)
			b.WriteString("</p>")
		}
		b.WriteString("\n</div>\n")
	}
	b.WriteString("\n</div>\n<div class=\"field checkbox\">\n<input type=\"checkbox\" id=\"")
	views.WriteText(&b, prefix)
	b.WriteString("interpreter_needed\" name=\"interpreter_needed\"")
	if interpreter {
		b.WriteString(" checked")
	}
	b.WriteString(">\n<label for=\"")
	views.WriteText(&b, prefix)
	b.WriteString("interpreter_needed\">")
	views.WriteText(&b, p.T("guardian.interpreter_needed"))
	b.WriteString("</label>\n</div>\n")
	return template.HTML(b.String())
}

// indicatorFieldNames are the fields of the monthly indicators form, in the form's order.
var indicatorFieldNames = [...]string{"month", "unjustified_half_days", "justified_half_days", "school_half_days",
	"temporary_exclusions", "incidents", "term_average"}

// IndicatorFields writes the fields of the monthly indicators form, byte for byte what the loop
//
//	{{range $f := (list "month" "unjustified_half_days" "justified_half_days" "school_half_days" "temporary_exclusions" "incidents" "term_average")}}
//	<div class="field">
//	<label for="ind-{{$f}}">{{$.T (printf "indicator.field.%s" $f)}}</label>
//	<input id="ind-{{$f}}" name="{{$f}}" {{if eq $f "month"}}type="month" max="{{$.ThisMonth}}" value="{{$.Value "indicators" $f $.ThisMonth}}" required{{else if eq $f "term_average"}}type="text" inputmode="decimal" value="{{$.Value "indicators" $f ""}}"{{else}}type="number" inputmode="numeric" min="0" value="{{$.Value "indicators" $f ""}}"{{end}}{{if eq $.Form "indicators"}}{{with index $.Errors $f}} aria-invalid="true" aria-describedby="ind-{{$f}}-error"{{end}}{{end}}>
//	{{if eq $.Form "indicators"}}{{with index $.Errors $f}}<p class="field-error" id="ind-{{$f}}-error">{{.}}</p>{{end}}{{end}}
//	</div>
//	{{end}}
//
// wrote (about a hundred calls through reflection).
func (p *PupilPage) IndicatorFields() template.HTML {
	show := p.Form == "indicators"
	var b strings.Builder
	for _, f := range indicatorFieldNames {
		b.WriteString("\n<div class=\"field\">\n<label for=\"ind-" + f + "\">")
		views.WriteText(&b, p.T("indicator.field."+f))
		b.WriteString("</label>\n<input id=\"ind-" + f + "\" name=\"" + f + "\" ")
		switch f {
		case "month":
			b.WriteString("type=\"month\" max=\"")
			views.WriteText(&b, p.ThisMonth)
			b.WriteString("\" value=\"")
			views.WriteText(&b, p.Value("indicators", f, p.ThisMonth))
			b.WriteString("\" required")
		case "term_average":
			b.WriteString("type=\"text\" inputmode=\"decimal\" value=\"")
			views.WriteText(&b, p.Value("indicators", f, ""))
			b.WriteString("\"")
		default:
			b.WriteString("type=\"number\" inputmode=\"numeric\" min=\"0\" value=\"")
			views.WriteText(&b, p.Value("indicators", f, ""))
			b.WriteString("\"")
		}
		var msg string
		if show {
			msg = p.Errors[f]
		}
		if msg != "" {
			b.WriteString(" aria-invalid=\"true\" aria-describedby=\"ind-" + f + "-error\"")
		}
		b.WriteString(">\n")
		if msg != "" {
			b.WriteString("<p class=\"field-error\" id=\"ind-" + f + "-error\">")
			views.WriteText(&b, msg)
			b.WriteString("</p>")
		}
		b.WriteString("\n</div>\n")
	}
	return template.HTML(b.String())
}
