package views

import (
	"html/template"
	"strconv"
	"strings"

	"mediation/models"
	"mediation/models/risk"
)

// The rows of the long lists (the pupil list and the referral lists, 50 rows a page) and the
// establishment filter (a partner's inbox offers every establishment that sent it a referral,
// about 180 in the metropolis) are written here in Go, as the pupil file's tables are (see
// pupil_rows.go): through the template, each row or option cost a dozen calls through
// reflection, and these two lists spent 2 to 3 ms of CPU per page rendering. Each function
// writes byte for byte what the template it replaces wrote (its doc comment quotes it);
// TestListRowsWriteWhatTheTemplatesWrote compares them.

// PupilListRow is a line of the pupil list as the table shows it, every cell already written
// out in the page's language.
type PupilListRow struct {
	ID            uint
	Name          string // last name, first name
	Class         string // level, then the class's name
	Establishment string
	Status        string
	RiskLevel     risk.Level
	Risk          string
	Referent      string
	LastContact   string // dd/mm/yyyy, or empty
}

// PupilListRows writes the rows of the pupil list, with the establishment's column when the
// user's scope has several:
//
//	{{$lClass := .T "pupil.class"}}{{$lEst := .T "establishment.name"}}{{$lStatus := .T "pupil.status"}}{{$lRisk := .T "pupil.risk"}}{{$lRef := .T "pupil.referent"}}{{$lLast := .T "find.pupils.last_contact"}}{{range .Rows}}<tr>
//	<th scope="row"><a href="/pupils/{{.ID}}">{{.Name}}</a></th>
//	<td data-label="{{$lClass}}">{{.Class}}</td>
//	{{if $several}}<td data-label="{{$lEst}}">{{.Establishment}}</td>{{end}}
//	<td data-label="{{$lStatus}}">{{.Status}}</td>
//	<td data-label="{{$lRisk}}"><span class="risk risk-{{.RiskLevel}}">{{.Risk}}</span></td>
//	<td data-label="{{$lRef}}">{{.Referent}}</td>
//	<td data-label="{{$lLast}}">{{.LastContact}}</td>
//	</tr>
//	{{end}}
func (l *Localizer) PupilListRows(rows []PupilListRow, several bool) template.HTML {
	var class, est, status, rsk, ref, last strings.Builder
	escapeHTML(&class, l.T("pupil.class"))
	escapeHTML(&est, l.T("establishment.name"))
	escapeHTML(&status, l.T("pupil.status"))
	escapeHTML(&rsk, l.T("pupil.risk"))
	escapeHTML(&ref, l.T("pupil.referent"))
	escapeHTML(&last, l.T("find.pupils.last_contact"))
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("<tr>\n<th scope=\"row\"><a href=\"/pupils/")
		b.WriteString(strconv.FormatUint(uint64(r.ID), 10))
		b.WriteString("\">")
		escapeHTML(&b, r.Name)
		b.WriteString("</a></th>\n")
		labelledCell(&b, class.String(), r.Class)
		b.WriteString("\n")
		if several {
			labelledCell(&b, est.String(), r.Establishment)
		}
		b.WriteString("\n")
		labelledCell(&b, status.String(), r.Status)
		b.WriteString("\n<td data-label=\"")
		b.WriteString(rsk.String())
		b.WriteString("\"><span class=\"risk risk-")
		escapeHTML(&b, string(r.RiskLevel))
		b.WriteString("\">")
		escapeHTML(&b, r.Risk)
		b.WriteString("</span></td>\n")
		labelledCell(&b, ref.String(), r.Referent)
		b.WriteString("\n")
		labelledCell(&b, last.String(), r.LastContact)
		b.WriteString("\n</tr>\n")
	}
	return template.HTML(b.String())
}

// labelledCell writes <td data-label="label">text</td>, label already escaped.
func labelledCell(b *strings.Builder, label, text string) {
	b.WriteString("<td data-label=\"")
	b.WriteString(label)
	b.WriteString("\">")
	escapeHTML(b, text)
	b.WriteString("</td>")
}

// ReferralListRows writes the rows of the referral lists (a partner's inbox has no partner
// column):
//
//	{{range .List.Rows}}<tr>
//	<th scope="row"><a href="/referrals/{{.ID}}">{{.PupilLastName}} {{.PupilFirstName}}</a></th>
//	<td>{{.EstablishmentName}}</td>
//	{{if not $.IsPartner}}<td>{{.PartnerName}}</td>{{end}}
//	<td>{{$.T (printf "referral.reason.%s" .Reason)}}</td>
//	<td>{{$.T (printf "referral.status.%s" .Status)}}{{if .Overdue}} <span class="badge badge-off">{{$.T "referral.overdue"}}</span>{{end}}</td>
//	<td>{{with .SentAt}}{{date .}}{{else}}—{{end}}</td>
//	<td>{{with .ReplyDue}}{{civil .}}{{else}}—{{end}}</td>
//	</tr>
//	{{end}}
func (l *Localizer) ReferralListRows(rows []models.ReferralRow, isPartner bool) template.HTML {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("<tr>\n<th scope=\"row\"><a href=\"/referrals/")
		b.WriteString(strconv.FormatUint(uint64(r.ID), 10))
		b.WriteString("\">")
		escapeHTML(&b, r.PupilLastName)
		b.WriteString(" ")
		escapeHTML(&b, r.PupilFirstName)
		b.WriteString("</a></th>\n<td>")
		escapeHTML(&b, r.EstablishmentName)
		b.WriteString("</td>\n")
		if !isPartner {
			b.WriteString("<td>")
			escapeHTML(&b, r.PartnerName)
			b.WriteString("</td>")
		}
		b.WriteString("\n")
		l.referralCells(&b, r)
		b.WriteString("\n<td>")
		if due := r.ReplyDue(); due != nil {
			escapeHTML(&b, due.Format("02/01/2006"))
		} else {
			b.WriteString("—")
		}
		b.WriteString("</td>\n</tr>\n")
	}
	return template.HTML(b.String())
}

// EstablishmentOptions writes the options of an establishment filter, the selected one marked:
//
//	{{range .Options}}<option value="{{.ID}}"{{if eq .ID $.Selected}} selected{{end}}>{{.Name}}</option>
//	{{end}}
func EstablishmentOptions(es []models.Establishment, selected uint) template.HTML {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(`<option value="`)
		b.WriteString(strconv.FormatUint(uint64(e.ID), 10))
		b.WriteByte('"')
		if e.ID == selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		escapeHTML(&b, e.Name)
		b.WriteString("</option>\n")
	}
	return template.HTML(b.String())
}
