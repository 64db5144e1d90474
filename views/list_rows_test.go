package views

import (
	"html/template"
	"math/rand/v2"
	"testing"

	"mediation/models"
	"mediation/models/risk"
)

// listRowsData is what the templates replaced by the list writers read.
type listRowsData struct {
	*Localizer
	Rows           []PupilListRow
	Several        bool
	Referrals      []models.ReferralRow
	IsPartner      bool
	Establishments []models.Establishment
	Selected       uint
}

// TestListRowsWriteWhatTheTemplatesWrote compares the pupil list's rows, the referral lists'
// rows and the establishment filter's options with the template loops they replaced (as they
// stood in pupils.html, referrals.html and filters.html), in both languages, on texts full of
// what html/template escapes and codes outside the catalog (shown as their message id, so the
// labels are escaped too), with and without the optional columns and values. It fails when
// one byte differs.
func TestListRowsWriteWhatTheTemplatesWrote(t *testing.T) {
	cases := []struct{ name, loop, fast string }{
		{"pupil list", `<tbody>
{{$several := .Several}}{{$lClass := .T "pupil.class"}}{{$lEst := .T "establishment.name"}}{{$lStatus := .T "pupil.status"}}{{$lRisk := .T "pupil.risk"}}{{$lRef := .T "pupil.referent"}}{{$lLast := .T "find.pupils.last_contact"}}{{range .Rows}}<tr>
<th scope="row"><a href="/pupils/{{.ID}}">{{.Name}}</a></th>
<td data-label="{{$lClass}}">{{.Class}}</td>
{{if $several}}<td data-label="{{$lEst}}">{{.Establishment}}</td>{{end}}
<td data-label="{{$lStatus}}">{{.Status}}</td>
<td data-label="{{$lRisk}}"><span class="risk risk-{{.RiskLevel}}">{{.Risk}}</span></td>
<td data-label="{{$lRef}}">{{.Referent}}</td>
<td data-label="{{$lLast}}">{{.LastContact}}</td>
</tr>
{{end}}</tbody>`, `<tbody>
{{.PupilListRows .Rows .Several}}</tbody>`},
		{"referral list", `<tbody>
{{range .Referrals}}<tr>
<th scope="row"><a href="/referrals/{{.ID}}">{{.PupilLastName}} {{.PupilFirstName}}</a></th>
<td>{{.EstablishmentName}}</td>
{{if not $.IsPartner}}<td>{{.PartnerName}}</td>{{end}}
<td>{{$.T (printf "referral.reason.%s" .Reason)}}</td>
<td>{{$.T (printf "referral.status.%s" .Status)}}{{if .Overdue}} <span class="badge badge-off">{{$.T "referral.overdue"}}</span>{{end}}</td>
<td>{{with .SentAt}}{{date .}}{{else}}—{{end}}</td>
<td>{{with .ReplyDue}}{{civil .}}{{else}}—{{end}}</td>
</tr>
{{end}}</tbody>`, `<tbody>
{{.ReferralListRows .Referrals .IsPartner}}</tbody>`},
		{"establishment filter", `<select id="establishment" name="establishment">
<option value="">{{.T "pupils.all"}}</option>
{{range .Establishments}}<option value="{{.ID}}"{{if eq .ID $.Selected}} selected{{end}}>{{.Name}}</option>
{{end}}</select>`, `<select id="establishment" name="establishment">
<option value="">{{.T "pupils.all"}}</option>
{{establishmentOptions .Establishments .Selected}}</select>`},
	}
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 1203))
	text, code, when := randomValues(r)
	for _, c := range cases {
		loop := template.Must(template.New("loop").Funcs(funcs).Parse(c.loop))
		fast := template.Must(template.New("fast").Funcs(funcs).Parse(c.fast))
		for i := range 500 {
			d := listRowsData{Localizer: v.Localizer([]string{"fr", "en"}[i%2]), Several: r.IntN(2) == 0, IsPartner: r.IntN(2) == 0}
			for range r.IntN(6) {
				d.Rows = append(d.Rows, PupilListRow{ID: uint(r.IntN(100000)), Name: text(), Class: text(), Establishment: text(),
					Status: text(), RiskLevel: risk.Level(code("low", "medium", "high")), Risk: text(), Referent: text(), LastContact: text()})

				f := models.ReferralRow{PupilLastName: text(), PupilFirstName: text(), EstablishmentName: text(), PartnerName: text(),
					Overdue: r.IntN(2) == 0, ResponseDays: r.IntN(30)}
				f.ID, f.Reason = uint(r.IntN(100000)), models.ReferralReason(code("health", "social"))
				f.Status = models.ReferralStatus(code("draft", "sent", "accepted"))
				if r.IntN(4) > 0 {
					sent := when()
					f.SentAt = &sent
				}
				d.Referrals = append(d.Referrals, f)

				e := models.Establishment{Name: text()}
				e.ID = uint(r.IntN(300))
				d.Establishments = append(d.Establishments, e)
			}
			if len(d.Establishments) > 0 && r.IntN(2) == 0 {
				d.Selected = d.Establishments[r.IntN(len(d.Establishments))].ID
			}
			sameOutput(t, c.name, i, loop, fast, d)
		}
	}
}
