package views

import (
	"html/template"
	"strconv"
	"strings"

	"mediation/models"
	"mediation/models/risk"
)

// The tables of a pupil's file are written here in Go, each in one call, rather than by a
// template loop: a loop pays several calls through reflection for each cell (the field looked
// up on the row, printf, the catalog looked up on the page, the date functions, the escaper),
// and the busiest files have dozens of meetings, referrals and months of indicators. Each
// function writes byte for byte what the template loop it replaces wrote (its doc comment
// quotes it), escaped as html/template escapes text and quoted attribute values (escapeHTML);
// TestPupilRowsWriteWhatTheTemplatesWrote compares them.

// MeetingRows writes the rows of a file's meetings table:
//
//	{{range .Meetings}}<tr>
//	<th scope="row"><a href="/meetings/{{.ID}}">{{datetime .ScheduledAt}}</a></th>
//	<td>{{.Purpose}}</td>
//	<td><span class="badge{{if or (eq .Status "family_absent") (eq .Status "cancelled")}} badge-off{{end}}">{{$.T (printf "meeting.status.%s" .Status)}}</span>{{if and (eq .Status "held") (not .HasRecap)}} · {{$.T "meeting.recap_missing"}}{{end}}</td>
//	</tr>{{end}}
func (l *Localizer) MeetingRows(rows []models.MeetingRow) template.HTML {
	var b strings.Builder
	for _, m := range rows {
		b.WriteString("<tr>\n<th scope=\"row\"><a href=\"/meetings/")
		b.WriteString(strconv.FormatUint(uint64(m.ID), 10))
		b.WriteString("\">")
		escapeHTML(&b, m.ScheduledAt.In(paris).Format("02/01/2006 15:04"))
		b.WriteString("</a></th>\n<td>")
		escapeHTML(&b, m.Purpose)
		b.WriteString("</td>\n<td><span class=\"badge")
		if m.Status == "family_absent" || m.Status == "cancelled" {
			b.WriteString(" badge-off")
		}
		b.WriteString("\">")
		escapeHTML(&b, l.T("meeting.status."+string(m.Status)))
		b.WriteString("</span>")
		if m.Status == "held" && !m.HasRecap() {
			b.WriteString(" · ")
			escapeHTML(&b, l.T("meeting.recap_missing"))
		}
		b.WriteString("</td>\n</tr>")
	}
	return template.HTML(b.String())
}

// ReferralRows writes the rows of a file's referrals table:
//
//	{{range .Referrals}}<tr>
//	<th scope="row"><a href="/referrals/{{.ID}}">{{.PartnerName}}</a></th>
//	<td>{{$.T (printf "referral.reason.%s" .Reason)}}</td>
//	<td>{{$.T (printf "referral.status.%s" .Status)}}{{if .Overdue}} <span class="badge badge-off">{{$.T "referral.overdue"}}</span>{{end}}</td>
//	<td>{{with .SentAt}}{{date .}}{{else}}—{{end}}</td>
//	</tr>{{end}}
func (l *Localizer) ReferralRows(rows []models.ReferralRow) template.HTML {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("<tr>\n<th scope=\"row\"><a href=\"/referrals/")
		b.WriteString(strconv.FormatUint(uint64(r.ID), 10))
		b.WriteString("\">")
		escapeHTML(&b, r.PartnerName)
		b.WriteString("</a></th>\n")
		l.referralCells(&b, r)
		b.WriteString("\n</tr>")
	}
	return template.HTML(b.String())
}

// ConflictRows writes the rows of a file's conflicts table:
//
//	{{range .Conflicts}}<tr>
//	<th scope="row"><a href="/conflicts/{{.ID}}">{{civil .OccurredOn}}</a></th>
//	<td>{{$.T (printf "conflicts.kind.%s" .Kind)}}</td>
//	<td>{{$.T (printf "conflicts.place.%s" .Place)}}</td>
//	<td>{{with .Outcome}}{{$.T (printf "conflicts.outcome.%s" (code .))}}{{else}}{{$.T "conflicts.outcome.pending"}}{{end}}{{if not .Open}} · {{$.T "conflicts.closed"}}{{end}}</td>
//	</tr>{{end}}
func (l *Localizer) ConflictRows(rows []models.ConflictRow) template.HTML {
	var b strings.Builder
	for _, c := range rows {
		b.WriteString("<tr>\n<th scope=\"row\"><a href=\"/conflicts/")
		b.WriteString(strconv.FormatUint(uint64(c.ID), 10))
		b.WriteString("\">")
		escapeHTML(&b, c.OccurredOn.Format("02/01/2006"))
		b.WriteString("</a></th>\n<td>")
		escapeHTML(&b, l.T("conflicts.kind."+string(c.Kind)))
		b.WriteString("</td>\n<td>")
		escapeHTML(&b, l.T("conflicts.place."+string(c.Place)))
		b.WriteString("</td>\n<td>")
		if c.Outcome != nil {
			escapeHTML(&b, l.T("conflicts.outcome."+string(*c.Outcome)))
		} else {
			escapeHTML(&b, l.T("conflicts.outcome.pending"))
		}
		if !c.Open() {
			b.WriteString(" · ")
			escapeHTML(&b, l.T("conflicts.closed"))
		}
		b.WriteString("</td>\n</tr>")
	}
	return template.HTML(b.String())
}

// IndicatorRows writes the rows of a file's monthly indicators table (a count not entered is
// a dash, and says so to screen readers):
//
//	{{$ne := .T "indicator.not_entered"}}{{range .File.Indicators}}<tr><th scope="row">{{$.MonthName .Month}}</th><td>{{with .UnjustifiedHalfDays}}{{.}}{{else}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$ne}}</span>{{end}}</td>… (the same for the justified and school half-days, the exclusions and the incidents) …<td>{{$.Decimal .TermAverage}}</td></tr>{{end}}
func (l *Localizer) IndicatorRows(rows []models.MonthlyIndicator) template.HTML {
	var b, missing strings.Builder
	missing.WriteString("<span aria-hidden=\"true\">–</span><span class=\"visually-hidden\">")
	escapeHTML(&missing, l.T("indicator.not_entered"))
	missing.WriteString("</span>")
	count := func(n *int) {
		b.WriteString("<td>")
		if n != nil {
			b.WriteString(strconv.Itoa(*n))
		} else {
			b.WriteString(missing.String())
		}
		b.WriteString("</td>")
	}
	for _, m := range rows {
		b.WriteString("<tr><th scope=\"row\">")
		escapeHTML(&b, l.MonthName(m.Month))
		b.WriteString("</th>")
		count(m.UnjustifiedHalfDays)
		count(m.JustifiedHalfDays)
		count(m.SchoolHalfDays)
		count(m.TemporaryExclusions)
		count(m.Incidents)
		b.WriteString("<td>")
		escapeHTML(&b, l.Decimal(m.TermAverage))
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String())
}

// RiskHistoryRows writes the rows of a file's risk history table:
//
//	{{range .RiskHistory}}<tr><th scope="row">{{$.MonthName .Month}}</th><td>{{$.T (printf "risk.%s" .Level)}}</td><td>{{.Score}}</td></tr>{{end}}
func (l *Localizer) RiskHistoryRows(rows []risk.Assessment) template.HTML {
	var b strings.Builder
	for _, a := range rows {
		b.WriteString("<tr><th scope=\"row\">")
		escapeHTML(&b, l.MonthName(a.Month))
		b.WriteString("</th><td>")
		escapeHTML(&b, l.T("risk."+string(a.Level)))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(a.Score))
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String())
}

// StatusHistoryItems writes the items of a file's status history:
//
//	{{range .File.History}}<li>{{datetime .ChangedAt}} · {{with .FromStatus}}{{$.T (printf "status.%s" (code .))}} → {{end}}<strong>{{$.T (printf "status.%s" .ToStatus)}}</strong>{{with .ExitReason}} ({{$.T (printf "exit.%s" (code .))}}){{end}}{{if .ChangedByName}} · {{.ChangedByName}}{{end}}{{if .Comment}} — {{.Comment}}{{end}}</li>
//	{{end}}
func (l *Localizer) StatusHistoryItems(rows []models.StatusChangeRow) template.HTML {
	var b strings.Builder
	for _, h := range rows {
		b.WriteString("<li>")
		escapeHTML(&b, h.ChangedAt.In(paris).Format("02/01/2006 15:04"))
		b.WriteString(" · ")
		if h.FromStatus != nil {
			escapeHTML(&b, l.T("status."+string(*h.FromStatus)))
			b.WriteString(" → ")
		}
		b.WriteString("<strong>")
		escapeHTML(&b, l.T("status."+string(h.ToStatus)))
		b.WriteString("</strong>")
		if h.ExitReason != nil {
			b.WriteString(" (")
			escapeHTML(&b, l.T("exit."+string(*h.ExitReason)))
			b.WriteString(")")
		}
		if h.ChangedByName != "" {
			b.WriteString(" · ")
			escapeHTML(&b, h.ChangedByName)
		}
		if h.Comment != "" {
			b.WriteString(" — ")
			escapeHTML(&b, h.Comment)
		}
		b.WriteString("</li>\n")
	}
	return template.HTML(b.String())
}

// referralCells writes a referral's reason, status (and the overdue badge) and sending day:
//
//	<td>{{$.T (printf "referral.reason.%s" .Reason)}}</td>
//	<td>{{$.T (printf "referral.status.%s" .Status)}}{{if .Overdue}} <span class="badge badge-off">{{$.T "referral.overdue"}}</span>{{end}}</td>
//	<td>{{with .SentAt}}{{date .}}{{else}}—{{end}}</td>
func (l *Localizer) referralCells(b *strings.Builder, r models.ReferralRow) {
	b.WriteString("<td>")
	escapeHTML(b, l.T("referral.reason."+string(r.Reason)))
	b.WriteString("</td>\n<td>")
	escapeHTML(b, l.T("referral.status."+string(r.Status)))
	if r.Overdue {
		b.WriteString(" <span class=\"badge badge-off\">")
		escapeHTML(b, l.T("referral.overdue"))
		b.WriteString("</span>")
	}
	b.WriteString("</td>\n<td>")
	if r.SentAt != nil {
		escapeHTML(b, r.SentAt.In(paris).Format("02/01/2006"))
	} else {
		b.WriteString("—")
	}
	b.WriteString("</td>")
}

// CodeChoices are the options of a list of codes, each labelled by its message prefix+code:
// for Options, in place of the loop
//
//	{{range .Codes}}<option value="{{.}}"{{if eq (print .) $selected}} selected{{end}}>{{$.T (printf "prefix%s" .)}}</option>
//	{{end}}
func CodeChoices[C ~string](l *Localizer, prefix string, codes []C) []Choice {
	out := make([]Choice, len(codes))
	for i, c := range codes {
		out[i] = Choice{Value: string(c), Label: l.T(prefix + string(c))}
	}
	return out
}

// ReasonChoices are the options of a list of referral reasons.
func (l *Localizer) ReasonChoices(reasons []models.ReferralReason) []Choice {
	return CodeChoices(l, "referral.reason.", reasons)
}

// WriteText writes s to b escaped as html/template escapes text and quoted attribute values,
// for the parts of pages written in Go.
func WriteText(b *strings.Builder, s string) { escapeHTML(b, s) }

// EscapeText returns s escaped as WriteText writes it, for a text written several times.
func EscapeText(s string) string {
	var b strings.Builder
	escapeHTML(&b, s)
	return b.String()
}

// WriteURL writes s to b as html/template writes a string that makes a whole quoted URL
// attribute (href="{{.}}"): a URL of an unsafe scheme replaced, the rest percent-encoded as
// its normaliser does, then escaped as an attribute.
func WriteURL(b *strings.Builder, s string) { escapeURL(b, s) }

// WriteURLPart writes s to b as html/template writes a string within the path of a quoted URL
// attribute (href="tel:{{.}}").
func WriteURLPart(b *strings.Builder, s string) { escapeURLPart(b, s) }
