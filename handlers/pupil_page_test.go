package handlers

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
	"mediation/views"
)

// formerPupilPage is the file page's template as it stood before it was written in Go
// (pupil.html, renamed "former", and the partials only it called; with formerMeetingFields,
// the partial it shared with the meeting page).
const formerPupilPage = `{{define "former"}}
{{$p := .File.Pupil}}
<p class="muted"><a href="/pupils">{{.T "pupils.back"}}</a></p>
<h1>{{$p.FirstName}} {{$p.LastName}}</h1>
<ul class="facts">
<li>{{.T (printf "level.%s" $p.ClassLevel)}}{{if $p.ClassName}} · {{$p.ClassName}}{{end}}</li>
<li>{{.File.Establishment.Name}}</li>
<li>{{.T "pupil.status"}}{{$.Colon}}<strong>{{.T (printf "status.%s" $p.Status)}}</strong>{{with $p.ExitReason}} ({{$.T (printf "exit.%s" (code .))}}){{end}}</li>
<li>{{.T "pupil.risk"}}{{$.Colon}}<span class="risk risk-{{.Risk.Level}}">{{.T (printf "risk.%s" .Risk.Level)}}</span></li>
<li>{{.T "pupil.referent"}}{{$.Colon}}{{if .File.ReferentName}}{{.File.ReferentName}}{{else}}{{.T "pupil.no_referent"}}{{end}}</li>
<li>{{.T "contact.file.last"}}{{$.Colon}}{{with .File.LastContact}}{{if .Recorded}}{{civil .On}} ({{$.T (printf "contact.kind.%s" .Kind)}}){{else}}{{$.T "contact.file.none"}}{{end}}{{end}}</li>
</ul>
<p class="actions">{{if .CanEdit}}<a class="button button-secondary" href="/pupils/{{$p.ID}}/edit">{{.T "pupil.edit"}}</a> {{end}}<a class="button button-secondary" href="/pupils/{{$p.ID}}/dossier.pdf" download>{{.T "report.dossier.print"}}</a></p>
<nav class="page-menu" aria-label="{{.T "longpages.menu_label"}}">
<ul>
<li><a href="#actions">{{.T "longpages.menu.actions" "Count" (len .File.Actions)}}</a></li>
{{if .CanEdit}}<li><a href="#followup-form">{{.T "longpages.menu.followup_new"}}</a></li>
{{end}}<li><a href="#followups">{{.T "longpages.menu.followups" "Count" .File.FollowUpTotal}}</a></li>
<li><a href="#meetings">{{.T "longpages.menu.meetings" "Count" (len .Meetings)}}</a></li>
<li><a href="#referrals">{{.T "longpages.menu.referrals" "Count" (len .Referrals)}}</a></li>
<li><a href="#conflicts">{{.T "conflicts.of_pupil" "Count" (len .Conflicts)}}</a></li>
<li><a href="#letters">{{.T "letters.of_pupil" "Count" (len .Letters)}}</a></li>
<li><a href="#indicators">{{.T "longpages.menu.indicators"}}</a></li>
<li><a href="#status">{{.T "longpages.menu.status"}}</a></li>
<li><a href="#identity">{{.T "longpages.menu.identity"}}</a></li>
{{if .ShowAccesses}}<li><a href="#accesses">{{.T "longpages.menu.accesses"}}</a></li>
{{end}}</ul>
</nav>


<section class="card" aria-labelledby="risk-title">
<h2 id="risk-title">{{.T "pupil.risk_title" "Level" (.T (printf "risk.%s" .Risk.Level)) "Score" .Risk.Score}}</h2>
{{if .Risk.Reasons}}<ul>{{range .Risk.Reasons}}<li>{{$.RiskReason .}}</li>{{end}}</ul>{{else}}<p>{{.T "pupil.risk_none"}}</p>{{end}}
{{if .RiskHistory}}
<details>
<summary>{{.T "pupil.risk_history"}}</summary>
<div class="table-wrap" role="region" aria-labelledby="risk-history-caption" tabindex="0"><table>
<caption class="visually-hidden" id="risk-history-caption">{{.T "pupil.risk_history"}}</caption>
<thead><tr><th scope="col">{{.T "indicator.month"}}</th><th scope="col">{{.T "pupil.risk"}}</th><th scope="col">{{.T "pupil.score"}}</th></tr></thead>
<tbody>{{.RiskHistoryRows .RiskHistory}}</tbody>
</table></div>
</details>
{{end}}
</section>

<section aria-labelledby="actions-title" id="actions">
<h2 id="actions-title">{{.T "pupil.next_actions"}}</h2>
{{if .File.Actions}}<ul class="worklist">
{{$csrf := .CSRFToken}}{{$canEdit := .CanEdit}}{{$due := .T "worklist.due"}}{{$done := .T "action.done"}}{{range .File.Actions}}{{$desc := .Description}}<li class="work-item">
<div>{{$desc}}</div>
<div class="muted">{{$due}} {{civil .DueOn}} · {{if .OwnerName}}{{.OwnerName}}{{else}}{{.OwnerLabel}}{{end}}</div>
{{if $canEdit}}<form method="post" action="/actions/{{.ID}}/done" class="inline-form">
<input type="hidden" name="_csrf" value="{{$csrf}}">
<button type="submit" class="button button-secondary">{{$done}}<span class="visually-hidden">{{$.Colon}}{{$desc}}</span></button>
</form>{{end}}
</li>
{{end}}</ul>{{else}}<p>{{.T "pupil.no_action"}}</p>{{end}}
{{with .File.DoneActions}}<details id="done-actions">
<summary>{{$.T "action.done_list" "Count" (len .)}}</summary>
<ul class="worklist">{{range .}}<li class="work-item">
<div>{{.Description}}</div>
<div class="muted">{{$.T "action.done_on" "Date" (datePtr .DoneAt)}} · {{if .OwnerName}}{{.OwnerName}}{{else}}{{.OwnerLabel}}{{end}}</div>
</li>{{end}}</ul>
</details>{{end}}
</section>

{{if .CanEdit}}
<section class="card" aria-labelledby="followup-form-title" id="followup-form">
<h2 id="followup-form-title">{{.T "followup.new"}}</h2>
{{template "flash-at" (dict "Page" . "Anchor" "followup-form")}}{{template "error-summary" (dict "Page" . "Form" "followup")}}
<form method="post" action="/pupils/{{$p.ID}}/followups#followup-form" novalidate>
<input type="hidden" name="_csrf" value="{{.CSRFToken}}">
<input type="hidden" name="_submission" value="{{formToken}}">
<div class="grid-2">
<div class="field">
<label for="occurred_on">{{.T "followup.date"}}</label>
<input id="occurred_on" name="occurred_on" type="date" max="{{.Today}}" value="{{.Value "followup" "occurred_on" .Today}}" required{{if eq .Form "followup"}}{{with .Errors.occurred_on}} aria-invalid="true" aria-describedby="occurred_on-error"{{end}}{{end}}>
{{if eq .Form "followup"}}{{with .Errors.occurred_on}}<p class="field-error" id="occurred_on-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="duration_minutes">{{.T "followup.duration"}}</label>
<input id="duration_minutes" name="duration_minutes" type="number" inputmode="numeric" min="0" max="720" step="5" value="{{.Value "followup" "duration_minutes" "30"}}"{{if eq .Form "followup"}}{{with .Errors.duration_minutes}} aria-invalid="true" aria-describedby="duration_minutes-error"{{end}}{{end}}>
{{if eq .Form "followup"}}{{with .Errors.duration_minutes}}<p class="field-error" id="duration_minutes-error">{{.}}</p>{{end}}{{end}}
</div>
</div>
<div class="field">
<label for="kind">{{.T "followup.kind"}}</label>
<select id="kind" name="kind"{{if eq .Form "followup"}}{{with .Errors.kind}} aria-invalid="true" aria-describedby="kind-error"{{end}}{{end}}>
{{options .KindChoices (.Value "followup" "kind" "")}}</select>
{{if eq .Form "followup"}}{{with .Errors.kind}}<p class="field-error" id="kind-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="note">{{.T "followup.note"}}</label>
<textarea id="note" name="note" rows="4"{{if eq .Form "followup"}}{{with .Errors.note}} aria-invalid="true" aria-describedby="note-error"{{end}}{{end}}>{{.Value "followup" "note" ""}}</textarea>
{{if eq .Form "followup"}}{{with .Errors.note}}<p class="field-error" id="note-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field checkbox">
<input type="checkbox" id="restricted" name="restricted"{{if eq (.Value "followup" "restricted" "") "on"}} checked{{end}} aria-describedby="restricted-hint">
<label for="restricted">{{.T "followup.restricted"}}</label>
<p class="field-hint" id="restricted-hint">{{.T "followup.restricted_hint"}}</p>
</div>
<fieldset>
<legend>{{.T "followup.next_action"}}</legend>
<div class="field">
<label for="action_description">{{.T "action.description"}}</label>
<input id="action_description" name="action_description" type="text" value="{{.Value "followup" "action_description" ""}}"{{if eq .Form "followup"}}{{with .Errors.action_description}} aria-invalid="true" aria-describedby="action_description-error"{{end}}{{end}}>
{{if eq .Form "followup"}}{{with .Errors.action_description}}<p class="field-error" id="action_description-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="grid-2">
<div class="field">
<label for="action_due_on">{{.T "action.due_on"}}</label>
<input id="action_due_on" name="action_due_on" type="date" value="{{.Value "followup" "action_due_on" ""}}"{{if eq .Form "followup"}}{{with .Errors.action_due_on}} aria-invalid="true" aria-describedby="action_due_on-error"{{end}}{{end}}>
{{if eq .Form "followup"}}{{with .Errors.action_due_on}}<p class="field-error" id="action_due_on-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="action_owner">{{.T "action.owner"}}</label>
<select id="action_owner" name="action_owner"{{if eq .Form "followup"}}{{with .Errors.action_owner}} aria-invalid="true" aria-describedby="action_owner-error"{{end}}{{end}}>
{{$owner := .Value "followup" "action_owner" (print .User.ID)}}<option value="">{{.T "action.owner_me"}}</option>
{{options .OwnerChoices $owner}}<option value="label"{{if eq $owner "label"}} selected{{end}}>{{.T "action.owner_other"}}</option>
</select>
{{if eq .Form "followup"}}{{with .Errors.action_owner}}<p class="field-error" id="action_owner-error">{{.}}</p>{{end}}{{end}}
</div>
</div>
<div class="field">
<label for="action_owner_label">{{.T "action.owner_label"}}</label>
<input id="action_owner_label" name="action_owner_label" type="text" value="{{.Value "followup" "action_owner_label" ""}}" aria-describedby="action_owner_label-hint">
<p class="field-hint" id="action_owner_label-hint">{{.T "action.owner_label_hint"}}</p>
</div>
</fieldset>
<button type="submit" class="button">{{.T "followup.save"}}</button>
</form>
</section>
{{end}}

<section aria-labelledby="followups-title" id="followups">
<h2 id="followups-title">{{.T "pupil.followups" "Count" .File.FollowUpTotal}}</h2>
{{if .FollowUps}}<ol class="timeline">
{{.FollowUpItems}}</ol>{{template "pagination" (dict "Page" . "Pages" .FollowUpPages "Numbered" true)}}{{else}}<p>{{.T "pupil.no_followup"}}</p>{{end}}
</section>

{{template "pupil-meetings" .}}
{{template "pupil-case-reviews" .}}
{{template "pupil-referrals" .}}
{{template "pupil-conflicts" .}}
{{template "pupil-letters" .}}

<section class="card" aria-labelledby="indicators-title" id="indicators">
<h2 id="indicators-title">{{.T "pupil.indicators"}}</h2>
{{template "flash-at" (dict "Page" . "Anchor" "indicators")}}
{{if .File.Indicators}}<div class="table-wrap" role="region" aria-labelledby="indicators-title" tabindex="0"><table>
<caption class="visually-hidden">{{.T "pupil.indicators"}}</caption>
<thead><tr><th scope="col">{{.T "indicator.month"}}</th><th scope="col">{{.T "indicator.unjustified"}}</th><th scope="col">{{.T "indicator.justified"}}</th><th scope="col">{{.T "indicator.school"}}</th><th scope="col">{{.T "indicator.exclusions"}}</th><th scope="col">{{.T "indicator.incidents"}}</th><th scope="col">{{.T "indicator.average"}}</th></tr></thead>
<tbody>{{.IndicatorRows .File.Indicators}}</tbody>
</table></div>{{else}}<p>{{.T "pupil.no_indicators"}}</p>{{end}}
{{if .CanEdit}}
<details{{if eq .Form "indicators"}} open{{end}}>
<summary>{{.T "indicator.enter"}}</summary>
{{template "error-summary" (dict "Page" . "Form" "indicators")}}
<form method="post" action="/pupils/{{$p.ID}}/indicators#indicators" novalidate>
<input type="hidden" name="_csrf" value="{{.CSRFToken}}">
<div class="grid-2">
{{.IndicatorFields}}
</div>
<p class="field-hint">{{.T "indicator.hint_not_entered"}}</p>
<button type="submit" class="button">{{.T "indicator.save"}}</button>
</form>
</details>
{{end}}
</section>

<section class="card" aria-labelledby="status-title" id="status">
<h2 id="status-title">{{.T "pupil.status_history"}}</h2>
{{template "flash-at" (dict "Page" . "Anchor" "status")}}
<ol class="history">
{{.StatusHistoryItems .File.History}}</ol>
{{if and .CanEdit .NextStatuses}}
<details{{if eq .Form "status"}} open{{end}}>
<summary>{{.T "status.change"}}</summary>
{{template "error-summary" (dict "Page" . "Form" "status")}}
<form method="post" action="/pupils/{{$p.ID}}/status#status" novalidate>
<input type="hidden" name="_csrf" value="{{.CSRFToken}}">
<input type="hidden" name="version" value="{{.Value "status" "version" (print $p.Version)}}">
<div class="field">
<label for="new-status">{{.T "status.new"}}</label>
<select id="new-status" name="status"{{if eq .Form "status"}}{{with .Errors.status}} aria-invalid="true" aria-describedby="new-status-error"{{end}}{{end}}>
{{$st := .Value "status" "status" ""}}{{range .NextStatuses}}<option value="{{.}}"{{if eq (print .) $st}} selected{{end}}>{{$.T (printf "status.%s" .)}}{{if and (eq $p.Status "closed") (eq . "active")}} ({{$.T "status.reopen"}}){{end}}</option>
{{end}}</select>
{{if eq .Form "status"}}{{with .Errors.status}}<p class="field-error" id="new-status-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="exit_reason">{{.T "status.exit_reason"}}</label>
<select id="exit_reason" name="exit_reason" aria-describedby="exit_reason-hint{{if eq .Form "status"}}{{with .Errors.exit_reason}} exit_reason-error{{end}}{{end}}"{{if eq .Form "status"}}{{with .Errors.exit_reason}} aria-invalid="true"{{end}}{{end}}>
<option value="">—</option>
{{options .ExitReasonChoices (.Value "status" "exit_reason" "")}}</select>
<p class="field-hint" id="exit_reason-hint">{{.T "status.exit_reason_hint"}}</p>
{{if eq .Form "status"}}{{with .Errors.exit_reason}}<p class="field-error" id="exit_reason-error">{{.}}</p>{{end}}{{end}}
</div>
<div class="field">
<label for="status-comment">{{.T "status.comment"}}</label>
<input id="status-comment" name="comment" type="text" value="{{.Value "status" "comment" ""}}" required{{if eq .Form "status"}}{{with .Errors.comment}} aria-invalid="true" aria-describedby="status-comment-error"{{end}}{{end}}>
{{if eq .Form "status"}}{{with .Errors.comment}}<p class="field-error" id="status-comment-error">{{.}}</p>{{end}}{{end}}
</div>
<button type="submit" class="button">{{.T "status.submit"}}</button>
</form>
</details>
{{end}}
</section>

<section class="card" aria-labelledby="identity-title" id="identity">
<h2 id="identity-title">{{.T "pupil.identity"}}</h2>
{{template "flash-at" (dict "Page" . "Anchor" "identity")}}
<dl class="facts-list">
<dt>{{.T "pupil.birth_date"}}</dt><dd>{{civil $p.BirthDate}}</dd>
<dt>{{.T "pupil.ine"}}</dt><dd>{{with $p.INE}}{{.}}{{else}}—{{end}}</dd>
<dt>{{.T "pupil.identified_on"}}</dt><dd>{{civil $p.IdentifiedOn}}</dd>
</dl>
<h3>{{.T "pupil.guardians"}}</h3>
{{range $p.Guardians}}{{$form := printf "guardian%d" .ID}}
<div class="guardian">
<p><strong>{{.Name}}</strong>{{if .Relation}} ({{.Relation}}){{end}}{{if .Phone}} · <a href="tel:{{.Phone}}">{{.Phone}}</a>{{end}}{{if .Email}} · {{.Email}}{{end}}{{if .HomeLanguage}} · {{$.T "guardian.language"}}{{$.Colon}}{{.HomeLanguage}}{{end}}{{if .InterpreterNeeded}} · <span class="badge">{{$.T "guardian.interpreter"}}</span>{{end}}</p>
{{if $.CanEdit}}<details{{if eq $.Form $form}} open{{end}}>
<summary>{{$.T "guardian.edit"}}<span class="visually-hidden">{{$.Colon}}{{.Name}}</span></summary>
{{template "error-summary" (dict "Page" $ "Form" $form)}}
<form method="post" action="/pupils/{{$p.ID}}/guardians/{{.ID}}#identity" novalidate>
<input type="hidden" name="_csrf" value="{{$.CSRFToken}}">
{{$.GuardianFields .}}
<button type="submit" class="button">{{$.T "form.save"}}</button>
</form>
<form method="post" action="/pupils/{{$p.ID}}/guardians/{{.ID}}/delete#identity" class="inline-form">
<input type="hidden" name="_csrf" value="{{$.CSRFToken}}">
<button type="submit" class="button button-danger">{{$.T "guardian.delete"}}<span class="visually-hidden">{{$.Colon}}{{.Name}}</span></button>
</form>
</details>{{end}}
</div>
{{else}}<p>{{.T "pupil.no_guardian"}}</p>{{end}}
{{if .CanEdit}}<details{{if eq .Form "guardian"}} open{{end}}>
<summary>{{.T "guardian.add"}}</summary>
{{template "error-summary" (dict "Page" . "Form" "guardian")}}
<form method="post" action="/pupils/{{$p.ID}}/guardians#identity" novalidate>
<input type="hidden" name="_csrf" value="{{.CSRFToken}}">
<input type="hidden" name="_submission" value="{{formToken}}">
{{.NewGuardianFields}}
<button type="submit" class="button">{{.T "guardian.add"}}</button>
</form>
</details>{{end}}
</section>

{{if .ShowAccesses}}
<section class="card" aria-labelledby="accesses-title" id="accesses">
<h2 id="accesses-title">{{.T "pupil.accesses"}}</h2>
<p class="muted">{{.T "pupil.accesses_hint"}}</p>
{{if .Accesses}}<div class="table-wrap" role="region" aria-labelledby="accesses-caption" tabindex="0"><table>
<caption class="visually-hidden" id="accesses-caption">{{.T "pupil.accesses"}}</caption>
<thead><tr><th scope="col">{{.T "audit.at"}}</th><th scope="col">{{.T "audit.who"}}</th><th scope="col">{{.T "audit.action"}}</th></tr></thead>
<tbody>{{.AccessRows}}</tbody>
</table></div>{{else}}<p>{{.T "pupil.accesses_none"}}</p>{{end}}
{{if .OlderAccesses}}<p>{{.T "pupil.accesses_more" "Count" .OlderAccesses}}</p>{{end}}
<p><a href="/pupils/{{$p.ID}}/export.json" download>{{.T "pupil.export"}}</a></p>
</section>
{{end}}
{{end}}
{{define "pupil-meetings"}}
<section aria-labelledby="meetings-title" id="meetings">
<h2 id="meetings-title">{{.T "meeting.of_pupil" "Count" (len .Meetings)}}</h2>
{{if .Meetings}}<div class="table-wrap" role="region" aria-labelledby="meetings-title" tabindex="0"><table>
<caption class="visually-hidden">{{.T "meeting.of_pupil" "Count" (len .Meetings)}}</caption>
<thead><tr><th scope="col">{{.T "meeting.date_time"}}</th><th scope="col">{{.T "meeting.purpose"}}</th><th scope="col">{{.T "meeting.status"}}</th></tr></thead>
<tbody>{{.MeetingRows .Meetings}}</tbody>
</table></div>{{else}}<p>{{.T "meeting.none_for_pupil"}}</p>{{end}}
{{with .MeetingForm}}
<details class="card" id="meeting-form"{{if .Failed}} open{{end}}>
<summary>{{$.T "meeting.schedule"}}</summary>
{{template "flash-at" (dict "Page" $ "Anchor" "meeting-form")}}
{{template "error-summary" (dict "Page" $ "Form" "meeting")}}
<form method="post" action="{{.Action}}#meeting-form" novalidate>
<input type="hidden" name="_csrf" value="{{$.CSRFToken}}">
<input type="hidden" name="_submission" value="{{formToken}}">
{{template "meeting-fields" (dict "Page" $ "F" .)}}
<button type="submit" class="button">{{$.T "meeting.schedule_submit"}}</button>
</form>
</details>
{{end}}
</section>
{{end}}
{{define "pupil-case-reviews"}}{{/* the prevention group's decisions about the pupil, on the file page */}}
<section aria-labelledby="case-reviews-title" id="case-reviews">
<h2 id="case-reviews-title">{{.T "reviews.of_pupil" "Count" (len .Reviews)}}</h2>
{{if .Reviews}}<ul>
{{range .Reviews}}<li><a href="/case-reviews/{{.CaseReviewID}}">{{$.T "reviews.history_line" "Of" ($.T (printf "reviews.of.%s" .Kind)) "Date" (civil .HeldOn) "Decision" (or (and .Decision ($.T (printf "reviews.decision.%s" .Decision))) ($.T "reviews.no_decision"))}}</a>{{with .Note}}<br><span class="note">{{.}}</span>{{end}}</li>
{{end}}</ul>{{else}}<p>{{.T "reviews.none_for_pupil"}}</p>{{end}}
</section>
{{end}}
{{define "pupil-referrals"}}{{$p := .File.Pupil}}
<section class="card" aria-labelledby="referrals-title" id="referrals">
<h2 id="referrals-title">{{.T "referrals.on_file" "Count" (len .Referrals)}}</h2>
{{if .Referrals}}<div class="table-wrap" role="region" aria-labelledby="referrals-title" tabindex="0"><table>
<caption class="visually-hidden">{{.T "referrals.on_file" "Count" (len .Referrals)}}</caption>
<thead><tr><th scope="col">{{.T "referral.partner"}}</th><th scope="col">{{.T "referral.reason"}}</th><th scope="col">{{.T "referral.status"}}</th><th scope="col">{{.T "referral.sent_at"}}</th></tr></thead>
<tbody>{{.ReferralRows .Referrals}}</tbody>
</table></div>{{else}}<p>{{.T "referrals.none_on_file"}}</p>{{end}}
{{if and .CanEdit .ReferralForm.Partners}}
<details{{if eq .Form "referral"}} open{{end}} id="referral-form">
<summary>{{.T "referral.new"}}</summary>
{{template "flash-at" (dict "Page" . "Anchor" "referral-form")}}
{{template "error-summary" (dict "Page" . "Form" "referral")}}
<p class="field-hint">{{.T "referral.new_hint"}}</p>
<form method="post" action="/pupils/{{$p.ID}}/referrals#referral-form" novalidate>
<input type="hidden" name="_csrf" value="{{.CSRFToken}}">
<input type="hidden" name="_submission" value="{{formToken}}">
{{template "referral-draft-fields" (dict "Page" . "Show" (eq .Form "referral") "Errors" .Errors "Partners" .ReferralForm.Partners "Reasons" .ReferralForm.Reasons "Partner" (.Value "referral" "partner_organisation_id" "") "Reason" (.Value "referral" "reason" "") "Request" (.Value "referral" "request" ""))}}
<button type="submit" class="button">{{.T "referral.create"}}</button>
</form>
</details>
{{end}}
</section>
{{end}}
{{/* pupil-conflicts: the conflict mediations in which the file's pupil is a party, on the
file's page (dot: handlers.PupilPage). No other party is named here. */}}
{{define "pupil-conflicts"}}<section class="card" aria-labelledby="conflicts-title" id="conflicts">
<h2 id="conflicts-title">{{.T "conflicts.of_pupil" "Count" (len .Conflicts)}}</h2>
{{if .Conflicts}}<div class="table-wrap" role="region" aria-labelledby="conflicts-title" tabindex="0"><table>
<caption class="visually-hidden">{{.T "conflicts.of_pupil" "Count" (len .Conflicts)}}</caption>
<thead><tr><th scope="col">{{.T "conflicts.field.occurred_on"}}</th><th scope="col">{{.T "conflicts.field.kind"}}</th><th scope="col">{{.T "conflicts.field.place"}}</th><th scope="col">{{.T "conflicts.field.outcome"}}</th></tr></thead>
<tbody>{{.ConflictRows .Conflicts}}</tbody>
</table></div>{{else}}<p>{{.T "conflicts.none_for_pupil"}}</p>{{end}}
</section>{{end}}
{{/* pupil-letters: the letters printed for the family (invitations, consent forms, summaries),
on the file's page (dot: handlers.PupilPage): which document, which language, when, by whom. */}}
{{define "pupil-letters"}}<section class="card" aria-labelledby="letters-title" id="letters">
<h2 id="letters-title">{{.T "letters.of_pupil" "Count" (len .Letters)}}</h2>
{{if .Letters}}<div class="table-wrap" role="region" aria-labelledby="letters-title" tabindex="0"><table>
<caption class="visually-hidden">{{.T "letters.of_pupil" "Count" (len .Letters)}}</caption>
<thead><tr><th scope="col">{{.T "letters.col.when"}}</th><th scope="col">{{.T "letters.col.document"}}</th><th scope="col">{{.T "letters.col.lang"}}</th><th scope="col">{{.T "letters.col.by"}}</th></tr></thead>
<tbody>{{range .Letters}}<tr>
<th scope="row">{{datetime .At}}</th>
<td><a href="{{.Link}}">{{.Document}}</a></td>
<td>{{.Lang}}</td>
<td>{{.By}}</td>
</tr>{{end}}</tbody>
</table></div>{{else}}<p>{{.T "letters.none_for_pupil"}}</p>{{end}}
</section>{{end}}
{{define "error-summary"}}{{if .Page.Failed .Form}}{{template "form-error-summary" (dict "Page" .Page "ID" .Form "Errors" .Page.ErrorSummary "Sub" true)}}{{end}}{{end}}
`

// submissionTokens are the fresh form tokens, random on each rendering.
var submissionTokens = regexp.MustCompile(`name="_submission" value="[0-9a-f]{32}"`)

// TestPupilPageWritesWhatTheTemplateWrote runs the file page's former template and its Go
// writers on 3,000 random pages: both languages, with and without edit rights and the access
// history, each sub-form failed or not, with its values and messages, flashes in each section,
// texts and codes full of what html/template escapes (a code missing from the catalog is shown
// as its message id, so labels are escaped too). It fails when one byte differs, the form
// tokens aside.
func TestPupilPageWritesWhatTheTemplateWrote(t *testing.T) {
	current, err := os.ReadFile("../views/templates/pages/pupil.html")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := views.ParsePage(formerPupilPage + formerReferralDraftFields + formerMeetingFields + string(current))
	if err != nil {
		t.Fatal(err)
	}
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(18, 2027))
	text, code := escapeProne(r)
	some := func() int { return r.IntN(4) * r.IntN(3) }
	when := func() time.Time {
		return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(7 * 365 * 24 * time.Hour))))
	}
	forms := []string{"", "followup", "indicators", "status", "meeting", "referral", "guardian", "guardian7", "guardian8", "other"}
	fields := []string{"occurred_on", "duration_minutes", "kind", "note", "action_description", "action_due_on", "action_owner",
		"month", "incidents", "term_average", "status", "exit_reason", "comment", "scheduled_at", "partner_organisation_id",
		"reason", "request", "name", "phone", "home_language", "restricted", "action_owner_label", "version", "interpreter_needed", "x"}
	anchors := []string{"", "followup-form", "meeting-form", "referral-form", "indicators", "status", "identity", "other"}
	meetingForm := randomMeetingForms(r)
	for i := range 3000 {
		p := PupilPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2]), CSRFToken: text(),
			User: &views.CurrentUser{ID: uint(r.IntN(100))}}}
		if r.IntN(2) == 0 {
			p.Flash, p.FlashAt = text(), anchors[r.IntN(len(anchors))]
			if r.IntN(2) == 0 {
				p.FlashUndo = code("/actions/3/undo", "javascript:alert(1)")
			}
		}
		p.CanEdit, p.ShowAccesses = r.IntN(3) > 0, r.IntN(2) == 0
		p.Today, p.ThisMonth = text(), text()
		pupil := &p.File.Pupil
		pupil.ID, pupil.FirstName, pupil.LastName, pupil.ClassName = uint(r.IntN(100000)), text(), text(), text()
		pupil.ClassLevel, pupil.Status = models.ClassLevel(code("6e", "3e")), models.PupilStatus(code("active", "closed", "identified"))
		pupil.BirthDate, pupil.IdentifiedOn, pupil.Version = when(), when(), r.IntN(50)
		if r.IntN(2) == 0 {
			e := models.ExitReason(code("moved", "resolved"))
			pupil.ExitReason = &e
		}
		if r.IntN(2) == 0 {
			ine := text()
			pupil.INE = &ine
		}
		for range some() {
			pupil.Guardians = append(pupil.Guardians, models.Guardian{ID: uint(7 + r.IntN(3)), Name: text(), Relation: text(),
				Phone: code("+33 6 12", "javascript:x", "0320"), Email: text(), HomeLanguage: text(), InterpreterNeeded: r.IntN(2) == 0})
		}
		p.File.Establishment.Name, p.File.ReferentName = text(), text()
		if r.IntN(3) > 0 {
			p.File.LastContact = models.Contact{On: when(), Kind: models.ContactKind(code("follow_up", "meeting"))}
		}
		p.File.FollowUpTotal = int64(r.IntN(300))
		for range some() {
			a := models.ActionRow{OwnerName: code("", "Anne <A>")}
			a.ID, a.Description, a.DueOn, a.OwnerLabel = uint(r.IntN(1000)), text(), when(), text()
			p.File.Actions = append(p.File.Actions, a)
			d := a
			if r.IntN(2) == 0 {
				done := when()
				d.DoneAt = &done
			}
			p.File.DoneActions = append(p.File.DoneActions, d)
		}
		for range some() {
			month := calendar.Month(code("2025-11", "2026-01"))
			p.File.Indicators = append(p.File.Indicators, models.MonthlyIndicator{Month: month})
			p.RiskHistory = append(p.RiskHistory, risk.Assessment{Month: month, Level: risk.Level(code("low", "high")), Score: r.IntN(90)})
			p.File.History = append(p.File.History, models.StatusChangeRow{})
			p.File.History[len(p.File.History)-1].Comment = text()
			p.Risk.Reasons = append(p.Risk.Reasons, risk.Reason{Rule: code(risk.RuleChronicAbsence, risk.RuleLowAverage, "monthly_alert"),
				Points: r.IntN(20), Value: float64(r.IntN(100)) / 7})
		}
		p.Risk.Level, p.Risk.Score = risk.Level(code("low", "medium", "high")), r.IntN(100)
		for range some() {
			p.OwnerChoices = append(p.OwnerChoices, views.Choice{Value: code("12", "label", ""), Label: text()})
			p.KindChoices = append(p.KindChoices, views.Choice{Value: code("call", "visit"), Label: text()})
			p.ExitReasonChoices = append(p.ExitReasonChoices, views.Choice{Value: code("moved"), Label: text()})
			p.NextStatuses = append(p.NextStatuses, models.PupilStatus(code("active", "closed")))
			p.Meetings = append(p.Meetings, models.MeetingRow{})
			p.Meetings[len(p.Meetings)-1].Purpose = text()
			p.Reviews = append(p.Reviews, models.PupilReviewRow{CaseReviewID: uint(r.IntN(900)), HeldOn: when(),
				Kind: models.CaseReviewKind(code("prevention", "follow_up")), Decision: models.ReviewDecision(code("", "watch")), Note: text()})
			p.Referrals = append(p.Referrals, models.ReferralRow{PartnerName: text()})
			p.ReferralForm.Partners = append(p.ReferralForm.Partners, models.PartnerOrganisation{Name: text()})
			p.ReferralForm.Reasons = append(p.ReferralForm.Reasons, models.ReferralReason(code("health", "social")))
			p.Conflicts = append(p.Conflicts, models.ConflictRow{ID: uint(r.IntN(50)), OccurredOn: when()})
			p.Letters = append(p.Letters, FamilyLetterLine{At: when(), Document: text(), Lang: text(), By: text(),
				Link: code("/meetings/4/letters/invitation?lang=ar", "javascript:x", "")})
			p.FollowUps = append(p.FollowUps, FollowUpLine{ID: uint(r.IntN(100)), On: text(), Kind: text(), Note: text(), Mine: r.IntN(2) == 0})
			p.Accesses = append(p.Accesses, AccessLine{UTC: text(), At: text(), Who: text(), Kind: text()})
		}
		p.OlderAccesses = r.IntN(3)
		p.FollowUpPages = Pagination{Number: r.IntN(5), Count: r.IntN(5), Prev: code("", "/pupils/3?page=1#followups"), Next: code("", "/pupils/3?page=3#followups")}
		if r.IntN(2) == 0 {
			p.MeetingForm = meetingForm()
			p.MeetingForm.Action = code("/pupils/3/meetings", "javascript:x")
		}
		p.Form = forms[r.IntN(len(forms))]
		p.Values, p.Errors = map[string]string{}, map[string]string{}
		for range r.IntN(12) {
			p.Values[fields[r.IntN(len(fields))]] = code("on", "label", "12", "moved", "active")
			if r.IntN(2) == 0 {
				p.Errors[fields[r.IntN(len(fields))]] = text()
			}
		}
		var want, got strings.Builder
		if err := tmpl.ExecuteTemplate(&want, "former", &p); err != nil {
			t.Fatal(err)
		}
		if err := tmpl.ExecuteTemplate(&got, "content", &p); err != nil {
			t.Fatal(err)
		}
		g := submissionTokens.ReplaceAllString(got.String(), "TOKEN")
		w := submissionTokens.ReplaceAllString(want.String(), "TOKEN")
		if g != w {
			t.Fatalf("case %d: %s", i, firstDifference(g, w))
		}
	}
}

// firstDifference shows where got and want part, with some context.
func firstDifference(got, want string) string {
	n := 0
	for n < len(got) && n < len(want) && got[n] == want[n] {
		n++
	}
	from := max(n-200, 0)
	return fmt.Sprintf("at byte %d:\n got %q\nwant %q", n, got[from:min(n+200, len(got))], want[from:min(n+200, len(want))])
}
