package handlers

import (
	"html/template"
	"strconv"
	"strings"

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
func (p PupilPage) FollowUpItems() template.HTML {
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
func (p PupilPage) AccessRows() template.HTML {
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
