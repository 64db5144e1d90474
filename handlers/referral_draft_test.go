package handlers

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"mediation/models"
	"mediation/views"
)

// formerReferralDraftFields is the partial that wrote a draft referral's fields on the file page
// and the referral page before fileWriter.draftFields wrote them.
const formerReferralDraftFields = `{{/* referral-draft-fields: the fields of a draft referral (its partner, reason and request), on the
referral page. Dot is a dict: Page, Show (the form came back), Errors, Partners, Reasons and the
values Partner, Reason, Request. */}}
{{define "referral-draft-fields"}}{{$pg := .Page}}{{$e := .Errors}}
<div class="field">
<label for="referral-partner">{{$pg.T "referral.partner"}}</label>
<select id="referral-partner" name="partner_organisation_id"{{if .Show}}{{with $e.partner_organisation_id}} aria-invalid="true" aria-describedby="referral-partner-error"{{end}}{{end}}>
<option value="">{{$pg.T "referral.choose"}}</option>
{{options (partnerChoices .Partners) .Partner}}</select>
{{if .Show}}{{with $e.partner_organisation_id}}<p class="field-error" id="referral-partner-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="referral-reason">{{$pg.T "referral.reason"}}</label>
<select id="referral-reason" name="reason"{{if .Show}}{{with $e.reason}} aria-invalid="true" aria-describedby="referral-reason-error"{{end}}{{end}}>
<option value="">{{$pg.T "referral.choose"}}</option>
{{options ($pg.ReasonChoices .Reasons) .Reason}}</select>
{{if .Show}}{{with $e.reason}}<p class="field-error" id="referral-reason-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="referral-request">{{$pg.T "referral.request"}}</label>
<textarea id="referral-request" name="request" rows="5" aria-describedby="referral-request-hint{{if .Show}}{{with $e.request}} referral-request-error{{end}}{{end}}"{{if .Show}}{{with $e.request}} aria-invalid="true"{{end}}{{end}}>{{.Request}}</textarea>
<p class="field-hint" id="referral-request-hint">{{$pg.T "referral.request_hint"}}</p>
{{if .Show}}{{with $e.request}}<p class="field-error" id="referral-request-error">{{.}}</p>{{end}}{{end}}
</div>
{{end}}
`

// formerReferralDraftCall is how the referral page called the partial.
const formerReferralDraftCall = `{{template "referral-draft-fields" (dict "Page" . "Show" (eq .Form "draft") "Errors" .Errors "Partners" .Partners "Reasons" .Reasons "Partner" (.Value "draft" "partner_organisation_id" (print $d.PartnerOrganisationID)) "Reason" (.Value "draft" "reason" (print $d.Reason)) "Request" (.Value "draft" "request" $d.Request))}}`

// TestReferralPageWritesWhatThePartialWrote renders the referral page as it is and as it was
// with the partial "referral-draft-fields" in place of {{.DraftFields}}, on 3,000 random pages:
// both languages, a mediator's draft or not, the draft form (or another) come back with its
// values and messages or not, texts and codes full of what html/template escapes (a reason
// missing from the catalog is shown as its message id). It fails when one byte differs.
func TestReferralPageWritesWhatThePartialWrote(t *testing.T) {
	b, err := os.ReadFile("../views/templates/pages/referral.html")
	if err != nil {
		t.Fatal(err)
	}
	current := string(b)
	if n := strings.Count(current, "{{.DraftFields}}"); n != 1 {
		t.Fatalf("the referral page calls DraftFields %d times, want 1", n)
	}
	now, err := views.ParsePage(current)
	if err != nil {
		t.Fatal(err)
	}
	before, err := views.ParsePage(formerReferralDraftFields + strings.Replace(current, "{{.DraftFields}}", formerReferralDraftCall, 1))
	if err != nil {
		t.Fatal(err)
	}
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 2026))
	text, code := escapeProne(r)
	var reasons []string
	for _, reason := range models.ReferralReasons {
		reasons = append(reasons, string(reason))
	}
	forms := []string{"", "draft", "draft", "draft", "consent", "close"}
	fields := []string{"partner_organisation_id", "reason", "request", "version", "comment", "consent_given_by", "outcome", "x"}
	shown, failed := 0, 0
	for i := range 3000 {
		p := ReferralPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2]), CSRFToken: text()}}
		p.IsMediator = r.IntN(4) > 0
		p.IsPartner = !p.IsMediator && r.IntN(2) == 0
		d := &p.Detail
		d.ID, d.PupilID, d.Version = uint(r.IntN(1000)), uint(r.IntN(1000)), r.IntN(9)
		d.Status = models.ReferralStatus(code("draft", "draft", "sent"))
		d.PartnerOrganisationID = uint(r.IntN(5))
		d.Reason = models.ReferralReason(code(append(reasons, "")...))
		d.Request, d.PartnerName, d.Pupil.FirstName, d.Partner.Name = text(), text(), text(), text()
		for range r.IntN(4) {
			p.Partners = append(p.Partners, models.PartnerOrganisation{ID: uint(r.IntN(5)), Name: text()})
		}
		if r.IntN(4) > 0 {
			p.Reasons = models.ReferralReasons
		} else {
			p.Reasons = []models.ReferralReason{models.ReferralReason(text()), models.ReferralReason(code(reasons...))}
		}
		p.Actions = models.ReferralActionsFor(d.Status, models.RoleMediator)
		p.Form = forms[r.IntN(len(forms))]
		p.Values = map[string]string{}
		if r.IntN(3) > 0 {
			p.Errors = map[string]string{}
		}
		for _, f := range fields {
			if r.IntN(2) == 0 {
				p.Values[f] = code("1", "3", "health", "school", "")
			}
			if p.Errors != nil && r.IntN(3) == 0 {
				p.Errors[f] = code(text(), "")
			}
		}
		var want, got strings.Builder
		if err := before.ExecuteTemplate(&want, "content", p); err != nil {
			t.Fatal(err)
		}
		if err := now.ExecuteTemplate(&got, "content", p); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got.String(), `id="referral-request"`) {
			shown++
		}
		if strings.Contains(got.String(), `class="field-error" id="referral-`) {
			failed++
		}
		if got.String() != want.String() {
			t.Fatalf("case %d: %s", i, firstDifference(got.String(), want.String()))
		}
	}
	if shown < 500 || failed < 100 {
		t.Errorf("of 3,000 pages, %d showed the draft form and %d a message beside its fields", shown, failed)
	}
}
