package handlers

import (
	"html/template"
	"math/rand/v2"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
	"mediation/views"
)

// TestWorkLinesWriteWhatTheTemplateWrote compares the worklist's lines written in Go with the
// template loop they replaced (as it stood in worklist.html), in both languages, on lines of
// every kind whose texts are full of what html/template escapes and whose codes are partly
// outside the catalog (shown as their message id, so the labels are escaped too), late or
// not, with and without the optional parts. It fails when one byte differs.
func TestWorkLinesWriteWhatTheTemplateWrote(t *testing.T) {
	funcs := template.FuncMap{
		"civil":    func(t time.Time) string { return t.Format("02/01/2006") },
		"datetime": func(t time.Time) string { return t.In(calendar.Paris).Format("02/01/2006 15:04") },
		"dbdate": func(t calendar.DBTime) string {
			if !t.Valid {
				return ""
			}
			return t.Time.Format("02/01/2006")
		},
	}
	loop := template.Must(template.New("loop").Funcs(funcs).Parse(`{{$csrf := .CSRFToken}}{{$overdue := .T "worklist.overdue"}}{{$due := .T "worklist.due"}}{{$done := .T "action.done"}}{{$lastContact := .T "find.worklist.last_contact"}}{{$noContact := .T "find.worklist.no_contact_since"}}{{$sentOn := .T "worklist.sent_on"}}{{$recapMissing := .T "meeting.recap_missing"}}
<ul class="worklist compact">
{{range .Lines}}{{$late := .Late}}<li class="work-line{{if .Late}} overdue{{end}}">
{{with .Action}}{{$desc := .Description}}<span class="work-what"><a href="/pupils/{{.PupilID}}">{{.PupilFirstName}} {{.PupilLastName}}</a> · {{$desc}}</span>
<span class="muted">{{if $.Overdue .}}<strong class="badge badge-off">{{$overdue}}</strong> {{end}}{{$due}} {{civil .DueOn}}{{if .OwnerLabel}} · {{.OwnerLabel}}{{end}}</span>
<form method="post" action="/actions/{{.ID}}/done" class="inline-form">
<input type="hidden" name="_csrf" value="{{$csrf}}"><input type="hidden" name="from" value="worklist">
<button type="submit" class="button button-secondary">{{$done}}<span class="visually-hidden">{{$.Colon}}{{$desc}}</span></button>
</form>{{end}}
{{with .Meeting}}<span class="work-what"><a href="/meetings/{{.ID}}">{{.PupilFirstName}} {{.PupilLastName}}</a> · {{datetime .ScheduledAt}}</span>
<span class="muted">{{$.T "worklist.kind.meeting"}}{{if .Place}} · {{.Place}}{{end}}{{if and (eq .Status "held") (not .HasRecap)}} · {{$recapMissing}}{{end}}</span>{{end}}
{{with .Referral}}<span class="work-what"><a href="/referrals/{{.ID}}">{{.PupilFirstName}} {{.PupilLastName}}</a> · {{.PartnerName}}{{if not .Overdue}} · {{$.T (printf "referral.status.%s" .Status)}}{{end}}</span>
<span class="muted">{{if .Overdue}}{{with .SentAt}}{{$sentOn}} {{datetime .}}{{end}}{{else if .LastAnswerAt.Valid}}{{dbdate .LastAnswerAt}}{{end}}</span>{{end}}
{{with .Absence}}<span class="work-what"><a href="/pupils/{{.ID}}#followup-form">{{.FirstName}} {{.LastName}}</a>{{if .ClassName}} ({{.ClassName}}){{end}}</span>
<span class="muted">{{$.T "worklist.absence_line" "Count" .UnjustifiedHalfDays "Month" ($.MonthName .Month)}}{{if .LastContact.Valid}} · {{$lastContact}} {{dbdate .LastContact}}{{end}}</span>{{end}}
{{with .Silent}}<span class="work-what"><a href="/pupils/{{.ID}}#followup-form">{{.FirstName}} {{.LastName}}</a>{{if .ClassName}} ({{.ClassName}}){{end}} <span class="risk risk-{{.RiskLevel}}">{{$.T (printf "risk.%s" .RiskLevel)}}</span></span>
<span class="muted">{{if .LastContact.Valid}}{{$lastContact}} {{dbdate .LastContact}}{{else}}{{$noContact}} {{civil .IdentifiedOn}}{{end}}</span>{{end}}
{{with .Conflict}}<span class="work-what"><a href="/conflicts/{{.ID}}">{{$.T "conflicts.worklist.line" "Kind" ($.T (printf "conflicts.kind.%s" .Kind)) "Date" (civil .OccurredOn)}}</a></span>
<span class="muted">{{with .FollowUpOn}}{{$.T "conflicts.worklist.follow_up" "Date" (civil .)}}{{end}}</span>{{end}}
{{with .Review}}<span class="work-what"><a href="/pupils/{{.PupilID}}">{{.FirstName}} {{.LastName}}</a> · {{$.T (printf "reviews.decision.%s" .Decision)}}</span>
<span class="muted">{{if $late}}<strong class="badge badge-off">{{$overdue}}</strong> {{end}}{{$due}} {{civil .DueOn}} · {{.Owner}} · <a href="/case-reviews/{{.CaseReviewID}}">{{$.T "reviews.worklist.line" "Kind" ($.T (printf "reviews.kind.%s" .Kind)) "Date" (civil .HeldOn)}}</a></span>{{end}}
<span class="work-place">{{.Establishment}}</span>
</li>
{{end}}</ul>`))
	fast := template.Must(template.New("fast").Funcs(funcs).Parse(`
<ul class="worklist compact">
{{$.WorkLines .Lines}}</ul>`))
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 1203))
	text := randomText(r, []string{"a", "Z", "9", " ", "é", "·", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;", "<b>", "\n", "/"}, 6)
	code := func(known ...string) string {
		if r.IntN(3) > 0 {
			return known[r.IntN(len(known))]
		}
		return text()
	}
	when := func() time.Time {
		return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(7 * 365 * 24 * time.Hour))))
	}
	dbtime := func() calendar.DBTime {
		if r.IntN(3) == 0 {
			return calendar.DBTime{}
		}
		return calendar.DBTime{Time: when(), Valid: true}
	}
	for i := range 1000 {
		p := WorklistPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2]), CSRFToken: text()}}
		p.Today = when()
		var lines []WorkLine
		for range r.IntN(8) {
			l := WorkLine{Establishment: text(), Late: r.IntN(2) == 0}
			switch r.IntN(7) {
			case 0:
				a := models.ActionRow{PupilFirstName: text(), PupilLastName: text()}
				a.ID, a.PupilID, a.Description, a.DueOn, a.OwnerLabel = uint(r.IntN(100000)), uint(r.IntN(100000)), text(), when(), text()
				l.Action = &a
			case 1:
				m := models.MeetingRow{PupilFirstName: text(), PupilLastName: text()}
				m.ID, m.ScheduledAt, m.Place = uint(r.IntN(100000)), when(), text()
				m.Status = models.MeetingStatus(code("planned", "held", "cancelled"))
				if r.IntN(2) == 0 {
					m.Recap = text()
				}
				l.Meeting = &m
			case 2:
				f := models.ReferralRow{PupilFirstName: text(), PupilLastName: text(), PartnerName: text(), Overdue: r.IntN(2) == 0,
					LastAnswerAt: dbtime()}
				f.ID, f.Status = uint(r.IntN(100000)), models.ReferralStatus(code("sent", "accepted", "acknowledged"))
				if r.IntN(3) > 0 {
					sent := when()
					f.SentAt = &sent
				}
				l.Referral = &f
			case 3:
				a := models.AbsenceAlert{Month: calendar.Month(code("2025-11", "2026-01")), UnjustifiedHalfDays: r.IntN(3) * r.IntN(20)}
				a.ID, a.FirstName, a.LastName, a.ClassName, a.LastContact = uint(r.IntN(100000)), text(), text(), text(), dbtime()
				l.Absence = &a
			case 4:
				s := models.WorkPupil{ID: uint(r.IntN(100000)), FirstName: text(), LastName: text(), ClassName: text(),
					RiskLevel: risk.Level(code("low", "medium", "high")), LastContact: dbtime(), IdentifiedOn: when()}
				l.Silent = &s
			case 5:
				c := models.ConflictRow{ID: uint(r.IntN(100000)), OccurredOn: when(), Kind: models.ConflictKind(code("verbal", "physical"))}
				if r.IntN(2) == 0 {
					on := when()
					c.FollowUpOn = &on
				}
				l.Conflict = &c
			default:
				l.Review = &models.ReviewWorkRow{CaseReviewID: uint(r.IntN(1000)), HeldOn: when(), Kind: models.CaseReviewKind(code("gpds", "ess")),
					PupilID: uint(r.IntN(100000)), FirstName: text(), LastName: text(), Decision: models.ReviewDecision(code("follow", "refer")),
					DueOn: when(), OwnerName: code("", text()), OwnerLabel: text()}
			}
			lines = append(lines, l)
		}
		sameOutput(t, i, loop, fast, struct {
			*WorklistPage
			Lines []WorkLine
		}{&p, lines})
	}
}
