package handlers

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// WorkLines writes the lines of a worklist section, byte for byte what the loop
//
//	{{range .Lines}}{{$late := .Late}}<li class="work-line{{if .Late}} overdue{{end}}">
//	{{with .Action}}{{$desc := .Description}}<span class="work-what"><a href="/pupils/{{.PupilID}}">{{.PupilFirstName}} {{.PupilLastName}}</a> · {{$desc}}</span>
//	<span class="muted">{{if $.Overdue .}}<strong class="badge badge-off">{{$overdue}}</strong> {{end}}{{$due}} {{civil .DueOn}}{{if .OwnerLabel}} · {{.OwnerLabel}}{{end}}</span>
//	<form method="post" action="/actions/{{.ID}}/done" class="inline-form">
//	<input type="hidden" name="_csrf" value="{{$csrf}}"><input type="hidden" name="from" value="worklist">
//	<button type="submit" class="button button-secondary">{{$done}}<span class="visually-hidden">{{$.Colon}}{{$desc}}</span></button>
//	</form>{{end}}
//	{{with .Meeting}}<span class="work-what"><a href="/meetings/{{.ID}}">{{.PupilFirstName}} {{.PupilLastName}}</a> · {{datetime .ScheduledAt}}</span>
//	<span class="muted">{{$.T "worklist.kind.meeting"}}{{if .Place}} · {{.Place}}{{end}}{{if and (eq .Status "held") (not .HasRecap)}} · {{$recapMissing}}{{end}}</span>{{end}}
//	{{with .Referral}}<span class="work-what"><a href="/referrals/{{.ID}}">{{.PupilFirstName}} {{.PupilLastName}}</a> · {{.PartnerName}}{{if not .Overdue}} · {{$.T (printf "referral.status.%s" .Status)}}{{end}}</span>
//	<span class="muted">{{if .Overdue}}{{with .SentAt}}{{$sentOn}} {{datetime .}}{{end}}{{else if .LastAnswerAt.Valid}}{{dbdate .LastAnswerAt}}{{end}}</span>{{end}}
//	{{with .Absence}}<span class="work-what"><a href="/pupils/{{.ID}}#followup-form">{{.FirstName}} {{.LastName}}</a>{{if .ClassName}} ({{.ClassName}}){{end}}</span>
//	<span class="muted">{{$.T "worklist.absence_line" "Count" .UnjustifiedHalfDays "Month" ($.MonthName .Month)}}{{if .LastContact.Valid}} · {{$lastContact}} {{dbdate .LastContact}}{{end}}</span>{{end}}
//	{{with .Silent}}<span class="work-what"><a href="/pupils/{{.ID}}#followup-form">{{.FirstName}} {{.LastName}}</a>{{if .ClassName}} ({{.ClassName}}){{end}} <span class="risk risk-{{.RiskLevel}}">{{$.T (printf "risk.%s" .RiskLevel)}}</span></span>
//	<span class="muted">{{if .LastContact.Valid}}{{$lastContact}} {{dbdate .LastContact}}{{else}}{{$noContact}} {{civil .IdentifiedOn}}{{end}}</span>{{end}}
//	{{with .Conflict}}<span class="work-what"><a href="/conflicts/{{.ID}}">{{$.T "conflicts.worklist.line" "Kind" ($.T (printf "conflicts.kind.%s" .Kind)) "Date" (civil .OccurredOn)}}</a></span>
//	<span class="muted">{{with .FollowUpOn}}{{$.T "conflicts.worklist.follow_up" "Date" (civil .)}}{{end}}</span>{{end}}
//	{{with .Review}}<span class="work-what"><a href="/pupils/{{.PupilID}}">{{.FirstName}} {{.LastName}}</a> · {{$.T (printf "reviews.decision.%s" .Decision)}}</span>
//	<span class="muted">{{if $late}}<strong class="badge badge-off">{{$overdue}}</strong> {{end}}{{$due}} {{civil .DueOn}} · {{.Owner}} · <a href="/case-reviews/{{.CaseReviewID}}">{{$.T "reviews.worklist.line" "Kind" ($.T (printf "reviews.kind.%s" .Kind)) "Date" (civil .HeldOn)}}</a></span>{{end}}
//	<span class="work-place">{{.Establishment}}</span>
//	</li>
//	{{end}}
//
// wrote (with $overdue, $due, $done, $lastContact, $noContact, $sentOn and $recapMissing the
// catalog's texts read once): the busiest mediators' worklists hold a hundred lines, each of
// which cost thirty calls through reflection. TestWorkLinesWriteWhatTheTemplateWrote compares
// them.
func (p *WorklistPage) WorkLines(lines []WorkLine) template.HTML {
	overdue, due, done := p.T("worklist.overdue"), p.T("worklist.due"), p.T("action.done")
	lastContact, noContact := p.T("find.worklist.last_contact"), p.T("find.worklist.no_contact_since")
	sentOn, recapMissing := p.T("worklist.sent_on"), p.T("meeting.recap_missing")
	var b strings.Builder
	text := func(s string) { views.WriteText(&b, s) }
	id := func(n uint) { b.WriteString(strconv.FormatUint(uint64(n), 10)) }
	name := func(first, last string) {
		text(first)
		b.WriteByte(' ')
		text(last)
	}
	// contactLink opens a file's line that asks for a contact: the link to its follow-up form.
	contactLink := func(p models.WorkPupil) {
		b.WriteString(`<span class="work-what"><a href="/pupils/`)
		id(p.ID)
		b.WriteString(`#followup-form">`)
		name(p.FirstName, p.LastName)
		b.WriteString("</a>")
		if p.ClassName != "" {
			b.WriteString(" (")
			text(p.ClassName)
			b.WriteString(")")
		}
	}
	late := func() {
		b.WriteString(`<strong class="badge badge-off">`)
		text(overdue)
		b.WriteString("</strong> ")
	}
	for _, l := range lines {
		b.WriteString(`<li class="work-line`)
		if l.Late {
			b.WriteString(" overdue")
		}
		b.WriteString("\">\n")
		if a := l.Action; a != nil {
			b.WriteString(`<span class="work-what"><a href="/pupils/`)
			id(a.PupilID)
			b.WriteString(`">`)
			name(a.PupilFirstName, a.PupilLastName)
			b.WriteString("</a> · ")
			text(a.Description)
			b.WriteString("</span>\n<span class=\"muted\">")
			if p.Overdue(*a) {
				late()
			}
			text(due)
			b.WriteByte(' ')
			text(civil(a.DueOn))
			if a.OwnerLabel != "" {
				b.WriteString(" · ")
				text(a.OwnerLabel)
			}
			b.WriteString("</span>\n<form method=\"post\" action=\"/actions/")
			id(a.ID)
			b.WriteString("/done\" class=\"inline-form\">\n<input type=\"hidden\" name=\"_csrf\" value=\"")
			text(p.CSRFToken)
			b.WriteString("\"><input type=\"hidden\" name=\"from\" value=\"worklist\">\n<button type=\"submit\" class=\"button button-secondary\">")
			text(done)
			b.WriteString("<span class=\"visually-hidden\">")
			text(p.Colon())
			text(a.Description)
			b.WriteString("</span></button>\n</form>")
		}
		b.WriteByte('\n')
		if m := l.Meeting; m != nil {
			b.WriteString(`<span class="work-what"><a href="/meetings/`)
			id(m.ID)
			b.WriteString(`">`)
			name(m.PupilFirstName, m.PupilLastName)
			b.WriteString("</a> · ")
			text(m.ScheduledAt.In(calendar.Paris).Format("02/01/2006 15:04"))
			b.WriteString("</span>\n<span class=\"muted\">")
			text(p.T("worklist.kind.meeting"))
			if m.Place != "" {
				b.WriteString(" · ")
				text(m.Place)
			}
			if m.Status == "held" && !m.HasRecap() {
				b.WriteString(" · ")
				text(recapMissing)
			}
			b.WriteString("</span>")
		}
		b.WriteByte('\n')
		if r := l.Referral; r != nil {
			b.WriteString(`<span class="work-what"><a href="/referrals/`)
			id(r.ID)
			b.WriteString(`">`)
			name(r.PupilFirstName, r.PupilLastName)
			b.WriteString("</a> · ")
			text(r.PartnerName)
			if !r.Overdue {
				b.WriteString(" · ")
				text(p.T("referral.status." + string(r.Status)))
			}
			b.WriteString("</span>\n<span class=\"muted\">")
			if r.Overdue {
				if r.SentAt != nil {
					text(sentOn)
					b.WriteByte(' ')
					text(r.SentAt.In(calendar.Paris).Format("02/01/2006 15:04"))
				}
			} else if r.LastAnswerAt.Valid {
				text(civil(r.LastAnswerAt.Time))
			}
			b.WriteString("</span>")
		}
		b.WriteByte('\n')
		if a := l.Absence; a != nil {
			contactLink(a.WorkPupil)
			b.WriteString("</span>\n<span class=\"muted\">")
			text(p.T("worklist.absence_line", "Count", a.UnjustifiedHalfDays, "Month", p.MonthName(a.Month)))
			if a.LastContact.Valid {
				b.WriteString(" · ")
				text(lastContact)
				b.WriteByte(' ')
				text(civil(a.LastContact.Time))
			}
			b.WriteString("</span>")
		}
		b.WriteByte('\n')
		if s := l.Silent; s != nil {
			contactLink(*s)
			b.WriteString(` <span class="risk risk-`)
			text(string(s.RiskLevel))
			b.WriteString(`">`)
			text(p.T("risk." + string(s.RiskLevel)))
			b.WriteString("</span></span>\n<span class=\"muted\">")
			if s.LastContact.Valid {
				text(lastContact)
				b.WriteByte(' ')
				text(civil(s.LastContact.Time))
			} else {
				text(noContact)
				b.WriteByte(' ')
				text(civil(s.IdentifiedOn))
			}
			b.WriteString("</span>")
		}
		b.WriteByte('\n')
		if c := l.Conflict; c != nil {
			b.WriteString(`<span class="work-what"><a href="/conflicts/`)
			id(c.ID)
			b.WriteString(`">`)
			text(p.T("conflicts.worklist.line", "Kind", p.T("conflicts.kind."+string(c.Kind)), "Date", civil(c.OccurredOn)))
			b.WriteString("</a></span>\n<span class=\"muted\">")
			if c.FollowUpOn != nil {
				text(p.T("conflicts.worklist.follow_up", "Date", civil(*c.FollowUpOn)))
			}
			b.WriteString("</span>")
		}
		b.WriteByte('\n')
		if r := l.Review; r != nil {
			b.WriteString(`<span class="work-what"><a href="/pupils/`)
			id(r.PupilID)
			b.WriteString(`">`)
			name(r.FirstName, r.LastName)
			b.WriteString("</a> · ")
			text(p.T("reviews.decision." + string(r.Decision)))
			b.WriteString("</span>\n<span class=\"muted\">")
			if l.Late {
				late()
			}
			text(due)
			b.WriteByte(' ')
			text(civil(r.DueOn))
			b.WriteString(" · ")
			text(r.Owner())
			b.WriteString(" · <a href=\"/case-reviews/")
			id(r.CaseReviewID)
			b.WriteString(`">`)
			text(p.T("reviews.worklist.line", "Kind", p.T("reviews.kind."+string(r.Kind)), "Date", civil(r.HeldOn)))
			b.WriteString("</a></span>")
		}
		b.WriteString("\n<span class=\"work-place\">")
		text(l.Establishment)
		b.WriteString("</span>\n</li>\n")
	}
	return template.HTML(b.String())
}

// civil writes a calendar day as the templates' civil does (the day as stored, no time zone).
func civil(t time.Time) string { return t.Format("02/01/2006") }
