package views

import (
	"html/template"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
)

// pupilRowsData is what the templates replaced by the pupil file's row writers read: the page
// (its T, MonthName and Decimal) and the rows.
type pupilRowsData struct {
	*Localizer
	Meetings    []models.MeetingRow
	Referrals   []models.ReferralRow
	Conflicts   []models.ConflictRow
	Indicators  []models.MonthlyIndicator
	RiskHistory []risk.Assessment
	History     []models.StatusChangeRow
	Kinds       []models.FollowUpKind
	Partners    []models.PartnerOrganisation
	Reasons     []models.ReferralReason
	Selected    string
}

// TestPupilRowsWriteWhatTheTemplatesWrote compares each row writer of the pupil file with the
// template loop it replaced (as it stood in pupil.html and its partials), in both languages, on
// rows whose texts and codes are full of what html/template escapes (a code that is not in the
// catalog is shown as its message id, so the labels are escaped too), with and without the
// optional values. It fails when one byte differs.
func TestPupilRowsWriteWhatTheTemplatesWrote(t *testing.T) {
	cases := []struct{ name, loop, fast string }{
		{"meetings", `{{range .Meetings}}<tr>
<th scope="row"><a href="/meetings/{{.ID}}">{{datetime .ScheduledAt}}</a></th>
<td>{{.Purpose}}</td>
<td><span class="badge{{if or (eq .Status "family_absent") (eq .Status "cancelled")}} badge-off{{end}}">{{$.T (printf "meeting.status.%s" .Status)}}</span>{{if and (eq .Status "held") (not .HasRecap)}} · {{$.T "meeting.recap_missing"}}{{end}}</td>
</tr>{{end}}`, `{{.MeetingRows .Meetings}}`},
		{"referrals", `{{range .Referrals}}<tr>
<th scope="row"><a href="/referrals/{{.ID}}">{{.PartnerName}}</a></th>
<td>{{$.T (printf "referral.reason.%s" .Reason)}}</td>
<td>{{$.T (printf "referral.status.%s" .Status)}}{{if .Overdue}} <span class="badge badge-off">{{$.T "referral.overdue"}}</span>{{end}}</td>
<td>{{with .SentAt}}{{date .}}{{else}}—{{end}}</td>
</tr>{{end}}`, `{{.ReferralRows .Referrals}}`},
		{"conflicts", `{{range .Conflicts}}<tr>
<th scope="row"><a href="/conflicts/{{.ID}}">{{civil .OccurredOn}}</a></th>
<td>{{$.T (printf "conflicts.kind.%s" .Kind)}}</td>
<td>{{$.T (printf "conflicts.place.%s" .Place)}}</td>
<td>{{with .Outcome}}{{$.T (printf "conflicts.outcome.%s" (code .))}}{{else}}{{$.T "conflicts.outcome.pending"}}{{end}}{{if not .Open}} · {{$.T "conflicts.closed"}}{{end}}</td>
</tr>{{end}}`, `{{.ConflictRows .Conflicts}}`},
		{"indicators", `{{$ne := .T "indicator.not_entered"}}{{range .Indicators}}<tr><th scope="row">{{$.MonthName .Month}}</th><td>{{with .UnjustifiedHalfDays}}{{.}}{{else}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$ne}}</span>{{end}}</td><td>{{with .JustifiedHalfDays}}{{.}}{{else}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$ne}}</span>{{end}}</td><td>{{with .SchoolHalfDays}}{{.}}{{else}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$ne}}</span>{{end}}</td><td>{{with .TemporaryExclusions}}{{.}}{{else}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$ne}}</span>{{end}}</td><td>{{with .Incidents}}{{.}}{{else}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$ne}}</span>{{end}}</td><td>{{$.Decimal .TermAverage}}</td></tr>{{end}}`,
			`{{.IndicatorRows .Indicators}}`},
		{"risk history", `{{range .RiskHistory}}<tr><th scope="row">{{$.MonthName .Month}}</th><td>{{$.T (printf "risk.%s" .Level)}}</td><td>{{.Score}}</td></tr>{{end}}`,
			`{{.RiskHistoryRows .RiskHistory}}`},
		{"status history", `<ol class="history">
{{range .History}}<li>{{datetime .ChangedAt}} · {{with .FromStatus}}{{$.T (printf "status.%s" (code .))}} → {{end}}<strong>{{$.T (printf "status.%s" .ToStatus)}}</strong>{{with .ExitReason}} ({{$.T (printf "exit.%s" (code .))}}){{end}}{{if .ChangedByName}} · {{.ChangedByName}}{{end}}{{if .Comment}} — {{.Comment}}{{end}}</li>
{{end}}</ol>`, `<ol class="history">
{{.StatusHistoryItems .History}}</ol>`},
		{"code options", `<select name="kind">
{{$kind := .Selected}}{{range .Kinds}}<option value="{{.}}"{{if eq (print .) $kind}} selected{{end}}>{{$.T (printf "kind.%s" .)}}</option>
{{end}}</select>`, `<select name="kind">
{{options (codeChoices . "kind." .Kinds) .Selected}}</select>`},
		{"referral options", `{{range .Partners}}<option value="{{.ID}}"{{if eq (print .ID) $.Selected}} selected{{end}}>{{.Name}}</option>
{{end}}</select>{{range .Reasons}}<option value="{{.}}"{{if eq (print .) $.Selected}} selected{{end}}>{{$.T (printf "referral.reason.%s" .)}}</option>
{{end}}</select>`, `{{options (partnerChoices .Partners) .Selected}}</select>{{options (.ReasonChoices .Reasons) .Selected}}</select>`},
	}
	fns := template.FuncMap{"codeChoices": func(d pupilRowsData, prefix string, codes []models.FollowUpKind) []Choice {
		return CodeChoices(d.Localizer, prefix, codes)
	}}
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2026))
	text, code, when := randomValues(r)
	count := func() *int {
		if r.IntN(3) == 0 {
			return nil
		}
		n := r.IntN(3) * r.IntN(40)
		return &n
	}
	for _, c := range cases {
		loop := template.Must(template.New("loop").Funcs(funcs).Funcs(fns).Parse(c.loop))
		fast := template.Must(template.New("fast").Funcs(funcs).Funcs(fns).Parse(c.fast))
		for i := range 500 {
			d := pupilRowsData{Localizer: v.Localizer([]string{"fr", "en"}[i%2])}
			for range r.IntN(5) {
				m := models.MeetingRow{}
				m.ID, m.ScheduledAt, m.Purpose = uint(r.IntN(100000)), when(), text()
				m.Status = models.MeetingStatus(code("planned", "held", "family_absent", "cancelled"))
				if r.IntN(2) == 0 {
					m.Recap = text()
				}
				d.Meetings = append(d.Meetings, m)

				f := models.ReferralRow{PartnerName: text(), Overdue: r.IntN(2) == 0}
				f.ID, f.Reason = uint(r.IntN(100000)), models.ReferralReason(code("health", "social"))
				f.Status = models.ReferralStatus(code("draft", "sent", "accepted"))
				if r.IntN(2) == 0 {
					sent := when()
					f.SentAt = &sent
				}
				d.Referrals = append(d.Referrals, f)

				k := models.ConflictRow{ID: uint(r.IntN(100000)), OccurredOn: when(), Kind: models.ConflictKind(code("verbal", "physical")),
					Place: models.ConflictPlace(code("classroom", "yard"))}
				if r.IntN(2) == 0 {
					o := models.ConflictOutcome(code("agreement", "no_agreement", ""))
					k.Outcome = &o
				}
				if r.IntN(2) == 0 {
					closed := when()
					k.ClosedOn = &closed
				}
				d.Conflicts = append(d.Conflicts, k)

				month := calendar.Month(code("2025-11", "2026-01", "2024-09"))
				ind := models.MonthlyIndicator{Month: month, UnjustifiedHalfDays: count(), JustifiedHalfDays: count(),
					SchoolHalfDays: count(), TemporaryExclusions: count(), Incidents: count()}
				if r.IntN(2) == 0 {
					avg := float64(r.IntN(400)) / 20
					ind.TermAverage = &avg
				}
				d.Indicators = append(d.Indicators, ind)
				d.RiskHistory = append(d.RiskHistory, risk.Assessment{Month: month, Level: risk.Level(code("low", "medium", "high")), Score: r.IntN(200) - 20})

				h := models.StatusChangeRow{ChangedByName: text()}
				h.ChangedAt, h.ToStatus, h.Comment = when(), models.PupilStatus(code("identified", "active", "closed")), text()
				if r.IntN(2) == 0 {
					from := models.PupilStatus(code("identified", "active", ""))
					h.FromStatus = &from
				}
				if r.IntN(2) == 0 {
					exit := models.ExitReason(code("moved", "resolved", ""))
					h.ExitReason = &exit
				}
				d.History = append(d.History, h)
				d.Kinds = append(d.Kinds, models.FollowUpKind(code("call", "meeting_family", "visit")))
				partner := models.PartnerOrganisation{Name: text()}
				partner.ID = uint(r.IntN(1000))
				d.Partners = append(d.Partners, partner)
				d.Reasons = append(d.Reasons, models.ReferralReason(code("health", "social")))
			}
			if len(d.Kinds) > 0 && r.IntN(2) == 0 {
				d.Selected = [](string){string(d.Kinds[0]), string(d.Reasons[0]), strconv.FormatUint(uint64(d.Partners[0].ID), 10)}[r.IntN(3)]
			}
			sameOutput(t, c.name, i, loop, fast, d)
		}
	}
}

// randomValues returns makers, drawing from r, of texts full of what html/template escapes, of
// codes (one of the known ones, or a random text outside the catalog) and of instants.
func randomValues(r *rand.Rand) (text func() string, code func(known ...string) string, when func() time.Time) {
	alphabet := []string{"a", "Z", "9", " ", "é", "·", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;", "<b>", "\n", "/", "%s"}
	text = func() string {
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	code = func(known ...string) string {
		if r.IntN(3) > 0 {
			return known[r.IntN(len(known))]
		}
		return text()
	}
	when = func() time.Time {
		return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(7 * 365 * 24 * time.Hour))))
	}
	return text, code, when
}

// sameOutput fails the test when the fast template does not write, byte for byte, what the
// former loop wrote for data.
func sameOutput(t *testing.T, name string, i int, loop, fast *template.Template, data any) {
	t.Helper()
	var want, got strings.Builder
	if err := loop.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	if err := fast.Execute(&got, data); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("%s, case %d:\n got %q\nwant %q", name, i, got.String(), want.String())
	}
}
