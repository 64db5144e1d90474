package handlers

import (
	"html/template"
	"strconv"
	"strings"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// The file page is written here in Go, the meeting form's fields included (meeting_fields.go,
// which the meeting page shares), rather than by pupil.html and its partials: each
// {{.T "key"}}, {{.Value …}}, {{eq .Form …}} or {{with .Errors.x}} of the template was a call
// through reflection and the escaper, a few hundred a page, and rendering was half of the
// page's CPU. The writers write byte for byte what the template wrote, escaped
// as html/template escapes text and attribute values (views.WriteText) and URLs
// (views.WriteURL, views.WriteURLPart); TestPupilPageWritesWhatTheTemplateWrote runs the
// former template text against them, TestMeetingFieldsWriteWhatThePartialWrote the former
// partial "meeting-fields".

// fileWriter writes the parts of a file page.
type fileWriter struct {
	strings.Builder
	p   *PupilPage
	err error
}

func (w *fileWriter) raw(s string)  { w.WriteString(s) }
func (w *fileWriter) text(s string) { views.WriteText(&w.Builder, s) }
func (w *fileWriter) url(s string)  { views.WriteURL(&w.Builder, s) }
func (w *fileWriter) id(n uint)     { w.WriteString(strconv.FormatUint(uint64(n), 10)) }

// t writes the message id translated with args, escaped.
func (w *fileWriter) t(id string, args ...any) { w.text(w.p.T(id, args...)) }

// token writes a fresh form token; the first failure is kept for the caller.
func (w *fileWriter) token() {
	tok, err := views.FormToken()
	if err != nil && w.err == nil {
		w.err = err
	}
	w.text(tok)
}

// hidden writes the form's CSRF field, and with submission its idempotency token.
func (w *fileWriter) hidden(submission bool) {
	w.raw("<input type=\"hidden\" name=\"_csrf\" value=\"")
	w.text(w.p.CSRFToken)
	w.raw("\">\n")
	if submission {
		w.raw("<input type=\"hidden\" name=\"_submission\" value=\"")
		w.token()
		w.raw("\">\n")
	}
}

// fieldError is the message of field when form is the sub-form that came back, else "".
func (w *fileWriter) fieldError(form, field string) string {
	if w.p.Form != form {
		return ""
	}
	return w.p.Errors[field]
}

// invalid writes the attributes of a field whose message msg is shown under id-error.
func (w *fileWriter) invalid(msg, id string) { writeInvalid(&w.Builder, msg, id) }

// message writes the message msg of a field under the id id-error.
func (w *fileWriter) message(msg, id string) { writeFieldError(&w.Builder, msg, id) }

// input writes a field's label (the message label), its input (attrs, escaped already, before
// its value; required after it when asked) and its message msg.
func (w *fileWriter) input(id, name, label, attrs, value string, required bool, msg string) {
	w.raw("<label for=\"" + id + "\">")
	w.t(label)
	w.raw("</label>\n<input id=\"" + id + "\" name=\"" + name + "\" " + attrs + " value=\"")
	w.text(value)
	w.raw("\"")
	if required {
		w.raw(" required")
	}
	w.invalid(msg, id)
	w.raw(">\n")
	w.message(msg, id)
}

// open writes " open" when form is the sub-form that came back.
func (w *fileWriter) open(form string) {
	if w.p.Form == form {
		w.raw(" open")
	}
}

// flashAt writes the page's flash when it belongs to the section anchor: the partials
//
//	{{define "flash-at"}}{{if eq .Page.FlashAt .Anchor}}{{template "flash" .Page}}{{end}}{{end}}
//	{{define "flash"}}{{if .Flash}}<div class="alert alert-ok" role="status"><p>{{.Flash}}</p>{{with .FlashUndo}}
//	<form method="post" action="{{.}}" class="inline-form"><input type="hidden" name="_csrf" value="{{$.CSRFToken}}"><button type="submit" class="button button-secondary">{{$.T "action.undo"}}</button></form>{{end}}</div>{{end}}{{end}}
func (w *fileWriter) flashAt(anchor string) {
	p := w.p
	if p.FlashAt != anchor || p.Flash == "" {
		return
	}
	w.raw("<div class=\"alert alert-ok\" role=\"status\"><p>")
	w.text(p.Flash)
	w.raw("</p>")
	if p.FlashUndo != "" {
		w.raw("\n<form method=\"post\" action=\"")
		w.url(p.FlashUndo)
		w.raw("\" class=\"inline-form\"><input type=\"hidden\" name=\"_csrf\" value=\"")
		w.text(p.CSRFToken)
		w.raw("\"><button type=\"submit\" class=\"button button-secondary\">")
		w.t("action.undo")
		w.raw("</button></form>")
	}
	w.raw("</div>")
}

// errorSummary writes the summary of the sub-form form when it failed: the partials
// "error-summary" and "form-error-summary" (with Sub true) wrote
//
//	{{if .Errors}}<div class="error-summary" role="alert" tabindex="-1" data-error-summary aria-labelledby="{{.ID}}-error-summary-title">
//	<h3 id="{{.ID}}-error-summary-title">{{.Page.T "longpages.error_title"}}</h3>
//	<ul>{{range .Errors}}<li><a href="{{.Href}}">{{.Message}}</a></li>
//	{{end}}</ul>
//	</div>
//	<script src="/static/errors.js" defer></script>{{end}}
func (w *fileWriter) errorSummary(form string) {
	if !w.p.Failed(form) {
		return
	}
	links := w.p.ErrorSummary()
	if len(links) == 0 {
		return
	}
	w.raw("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" data-error-summary aria-labelledby=\"")
	w.text(form)
	w.raw("-error-summary-title\">\n<h3 id=\"")
	w.text(form)
	w.raw("-error-summary-title\">")
	w.t("longpages.error_title")
	w.raw("</h3>\n<ul>")
	for _, l := range links {
		w.raw("<li><a href=\"")
		w.url(l.Href)
		w.raw("\">")
		w.text(l.Message)
		w.raw("</a></li>\n")
	}
	w.raw("</ul>\n</div>\n<script src=\"/static/errors.js\" defer></script>")
}

// table writes a table of the file, captioned and labelled by the heading titleID, its columns
// headed by the messages cols and its rows written by rows; or, without rows, the message none.
func (w *fileWriter) table(titleID, caption string, cols []string, n int, rows template.HTML, none string) {
	w.captionedTable(titleID, "", caption, cols, n, rows, none)
}

// captionedTable is table labelled by its caption when captionID is not empty (the caption
// then has that id), else by the heading labelID.
func (w *fileWriter) captionedTable(labelID, captionID, caption string, cols []string, n int, rows template.HTML, none string) {
	if n == 0 {
		w.raw("<p>")
		w.t(none)
		w.raw("</p>")
		return
	}
	if captionID != "" {
		labelID = captionID
	}
	w.raw("<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"" + labelID + "\" tabindex=\"0\"><table>\n<caption class=\"visually-hidden\"")
	if captionID != "" {
		w.raw(" id=\"" + captionID + "\"")
	}
	w.raw(">")
	w.text(caption)
	w.raw("</caption>\n<thead><tr>")
	for _, c := range cols {
		w.raw("<th scope=\"col\">")
		w.t(c)
		w.raw("</th>")
	}
	w.raw("</tr></thead>\n<tbody>")
	w.raw(string(rows))
	w.raw("</tbody>\n</table></div>")
}

// section opens the section id (a card when card is true) and writes its heading title.
func (w *fileWriter) section(card bool, id, title string) {
	w.raw("<section ")
	if card {
		w.raw("class=\"card\" ")
	}
	w.raw("aria-labelledby=\"" + id + "-title\" id=\"" + id + "\">\n<h2 id=\"" + id + "-title\">")
	w.text(title)
	w.raw("</h2>\n")
}

// owner writes who owns an action: the user's name, else the label typed.
func (w *fileWriter) owner(a models.ActionRow) {
	if a.OwnerName != "" {
		w.text(a.OwnerName)
	} else {
		w.text(a.OwnerLabel)
	}
}

// Content writes the file page: the header, the menu, the risk card, the next actions, the
// follow-up form, the follow-ups, the meetings and their form, the case reviews, the
// referrals, the conflicts, the letters, the indicators, the status, the identity and the
// accesses.
func (p *PupilPage) Content() (template.HTML, error) {
	w := &fileWriter{p: p}
	w.Grow(64 << 10)
	w.head()
	w.risk()
	w.actions()
	if p.CanEdit {
		w.followUpForm()
	}
	w.followUps()
	w.meetings()
	w.reviews()
	w.raw("\n")
	w.referrals()
	w.raw("\n")
	w.conflicts()
	w.raw("\n")
	w.letters()
	w.raw("\n\n")
	w.indicators()
	w.raw("\n\n")
	w.status()
	w.raw("\n\n")
	w.identity()
	w.raw("\n\n")
	if p.ShowAccesses {
		w.accesses()
	}
	w.raw("\n")
	return template.HTML(w.String()), w.err
}

func (w *fileWriter) head() {
	p, f := w.p, &w.p.File
	colon := p.Colon()
	w.raw("\n\n<p class=\"muted\"><a href=\"/pupils\">")
	w.t("pupils.back")
	w.raw("</a></p>\n<h1>")
	w.text(f.Pupil.FirstName)
	w.raw(" ")
	w.text(f.Pupil.LastName)
	w.raw("</h1>\n<ul class=\"facts\">\n<li>")
	w.t("level." + string(f.Pupil.ClassLevel))
	if f.Pupil.ClassName != "" {
		w.raw(" · ")
		w.text(f.Pupil.ClassName)
	}
	w.raw("</li>\n<li>")
	w.text(f.Establishment.Name)
	w.raw("</li>\n<li>")
	w.t("pupil.status")
	w.text(colon)
	w.raw("<strong>")
	w.t("status." + string(f.Pupil.Status))
	w.raw("</strong>")
	if f.Pupil.ExitReason != nil {
		w.raw(" (")
		w.t("exit." + string(*f.Pupil.ExitReason))
		w.raw(")")
	}
	w.raw("</li>\n<li>")
	w.t("pupil.risk")
	w.text(colon)
	w.raw("<span class=\"risk risk-")
	w.text(string(p.Risk.Level))
	w.raw("\">")
	w.t("risk." + string(p.Risk.Level))
	w.raw("</span></li>\n<li>")
	w.t("pupil.referent")
	w.text(colon)
	if f.ReferentName != "" {
		w.text(f.ReferentName)
	} else {
		w.t("pupil.no_referent")
	}
	w.raw("</li>\n<li>")
	w.t("contact.file.last")
	w.text(colon)
	if f.LastContact.Recorded() {
		w.text(f.LastContact.On.Format("02/01/2006"))
		w.raw(" (")
		w.t("contact.kind." + string(f.LastContact.Kind))
		w.raw(")")
	} else {
		w.t("contact.file.none")
	}
	w.raw("</li>\n</ul>\n<p class=\"actions\">")
	if p.CanEdit {
		w.raw("<a class=\"button button-secondary\" href=\"/pupils/")
		w.id(f.Pupil.ID)
		w.raw("/edit\">")
		w.t("pupil.edit")
		w.raw("</a> ")
	}
	w.raw("<a class=\"button button-secondary\" href=\"/pupils/")
	w.id(f.Pupil.ID)
	w.raw("/dossier.pdf\" download>")
	w.t("report.dossier.print")
	w.raw("</a></p>\n<nav class=\"page-menu\" aria-label=\"")
	w.t("longpages.menu_label")
	w.raw("\">\n<ul>\n")
	item := func(anchor, label string) {
		w.raw("<li><a href=\"#" + anchor + "\">")
		w.text(label)
		w.raw("</a></li>\n")
	}
	item("actions", p.T("longpages.menu.actions", "Count", len(f.Actions)))
	if p.CanEdit {
		item("followup-form", p.T("longpages.menu.followup_new"))
	}
	item("followups", p.T("longpages.menu.followups", "Count", f.FollowUpTotal))
	item("meetings", p.T("longpages.menu.meetings", "Count", len(p.Meetings)))
	item("referrals", p.T("longpages.menu.referrals", "Count", len(p.Referrals)))
	item("conflicts", p.T("conflicts.of_pupil", "Count", len(p.Conflicts)))
	item("letters", p.T("letters.of_pupil", "Count", len(p.Letters)))
	item("indicators", p.T("longpages.menu.indicators"))
	item("status", p.T("longpages.menu.status"))
	item("identity", p.T("longpages.menu.identity"))
	if p.ShowAccesses {
		item("accesses", p.T("longpages.menu.accesses"))
	}
	w.raw("</ul>\n</nav>\n\n\n")
}

func (w *fileWriter) risk() {
	p := w.p
	w.raw("<section class=\"card\" aria-labelledby=\"risk-title\">\n<h2 id=\"risk-title\">")
	w.t("pupil.risk_title", "Level", p.T("risk."+string(p.Risk.Level)), "Score", p.Risk.Score)
	w.raw("</h2>\n")
	if len(p.Risk.Reasons) > 0 {
		w.raw("<ul>")
		for _, r := range p.Risk.Reasons {
			w.raw("<li>")
			w.text(p.RiskReason(r))
			w.raw("</li>")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p>")
		w.t("pupil.risk_none")
		w.raw("</p>")
	}
	w.raw("\n")
	if len(p.RiskHistory) > 0 {
		w.raw("\n<details>\n<summary>")
		w.t("pupil.risk_history")
		w.raw("</summary>\n")
		w.captionedTable("", "risk-history-caption", p.T("pupil.risk_history"), []string{"indicator.month", "pupil.risk", "pupil.score"},
			len(p.RiskHistory), p.RiskHistoryRows(p.RiskHistory), "")
		w.raw("\n</details>\n")
	}
	w.raw("\n</section>\n\n")
}

func (w *fileWriter) actions() {
	p, f := w.p, &w.p.File
	w.section(false, "actions", p.T("pupil.next_actions"))
	if len(f.Actions) > 0 {
		w.raw("<ul class=\"worklist\">\n")
		due, done, colon := p.T("worklist.due"), p.T("action.done"), p.Colon()
		for _, a := range f.Actions {
			w.raw("<li class=\"work-item\">\n<div>")
			w.text(a.Description)
			w.raw("</div>\n<div class=\"muted\">")
			w.text(due)
			w.raw(" ")
			w.text(a.DueOn.Format("02/01/2006"))
			w.raw(" · ")
			w.owner(a)
			w.raw("</div>\n")
			if p.CanEdit {
				w.raw("<form method=\"post\" action=\"/actions/")
				w.id(a.ID)
				w.raw("/done\" class=\"inline-form\">\n")
				w.hidden(false)
				w.raw("<button type=\"submit\" class=\"button button-secondary\">")
				w.text(done)
				w.raw("<span class=\"visually-hidden\">")
				w.text(colon)
				w.text(a.Description)
				w.raw("</span></button>\n</form>")
			}
			w.raw("\n</li>\n")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p>")
		w.t("pupil.no_action")
		w.raw("</p>")
	}
	w.raw("\n")
	if len(f.DoneActions) > 0 {
		w.raw("<details id=\"done-actions\">\n<summary>")
		w.t("action.done_list", "Count", len(f.DoneActions))
		w.raw("</summary>\n<ul class=\"worklist\">")
		for _, a := range f.DoneActions {
			w.raw("<li class=\"work-item\">\n<div>")
			w.text(a.Description)
			w.raw("</div>\n<div class=\"muted\">")
			doneAt := ""
			if a.DoneAt != nil {
				doneAt = a.DoneAt.In(calendar.Paris).Format("02/01/2006 15:04")
			}
			w.t("action.done_on", "Date", doneAt)
			w.raw(" · ")
			w.owner(a)
			w.raw("</div>\n</li>")
		}
		w.raw("</ul>\n</details>")
	}
	w.raw("\n</section>\n\n")
}

func (w *fileWriter) followUpForm() {
	p := w.p
	w.raw("\n")
	w.section(true, "followup-form", p.T("followup.new"))
	w.flashAt("followup-form")
	w.errorSummary("followup")
	w.raw("\n<form method=\"post\" action=\"/pupils/")
	w.id(p.File.Pupil.ID)
	w.raw("/followups#followup-form\" novalidate>\n")
	w.hidden(true)
	const form = "followup"
	msg := w.fieldError(form, "occurred_on")
	var today strings.Builder
	views.WriteText(&today, p.Today)
	w.raw("<div class=\"grid-2\">\n<div class=\"field\">\n")
	w.input("occurred_on", "occurred_on", "followup.date", `type="date" max="`+today.String()+`"`, p.Value(form, "occurred_on", p.Today), true, msg)
	msg = w.fieldError(form, "duration_minutes")
	w.raw("\n</div>\n<div class=\"field\">\n")
	w.input("duration_minutes", "duration_minutes", "followup.duration", `type="number" inputmode="numeric" min="0" max="720" step="5"`,
		p.Value(form, "duration_minutes", "30"), false, msg)
	msg = w.fieldError(form, "kind")
	w.raw("\n</div>\n</div>\n<div class=\"field\">\n<label for=\"kind\">")
	w.t("followup.kind")
	w.raw("</label>\n<select id=\"kind\" name=\"kind\"")
	w.invalid(msg, "kind")
	w.raw(">\n")
	w.raw(string(views.Options(p.KindChoices, p.Value(form, "kind", ""))))
	w.raw("</select>\n")
	w.message(msg, "kind")
	msg = w.fieldError(form, "note")
	w.raw("\n</div>\n<div class=\"field\">\n<label for=\"note\">")
	w.t("followup.note")
	w.raw("</label>\n<textarea id=\"note\" name=\"note\" rows=\"4\"")
	w.invalid(msg, "note")
	w.raw(">")
	w.text(p.Value(form, "note", ""))
	w.raw("</textarea>\n")
	w.message(msg, "note")
	w.raw("\n</div>\n<div class=\"field checkbox\">\n<input type=\"checkbox\" id=\"restricted\" name=\"restricted\"")
	if p.Value(form, "restricted", "") == "on" {
		w.raw(" checked")
	}
	w.raw(" aria-describedby=\"restricted-hint\">\n<label for=\"restricted\">")
	w.t("followup.restricted")
	w.raw("</label>\n<p class=\"field-hint\" id=\"restricted-hint\">")
	w.t("followup.restricted_hint")
	w.raw("</p>\n</div>\n<fieldset>\n<legend>")
	w.t("followup.next_action")
	msg = w.fieldError(form, "action_description")
	w.raw("</legend>\n<div class=\"field\">\n")
	w.input("action_description", "action_description", "action.description", `type="text"`, p.Value(form, "action_description", ""), false, msg)
	msg = w.fieldError(form, "action_due_on")
	w.raw("\n</div>\n<div class=\"grid-2\">\n<div class=\"field\">\n")
	w.input("action_due_on", "action_due_on", "action.due_on", `type="date"`, p.Value(form, "action_due_on", ""), false, msg)
	msg = w.fieldError(form, "action_owner")
	w.raw("\n</div>\n<div class=\"field\">\n<label for=\"action_owner\">")
	w.t("action.owner")
	w.raw("</label>\n<select id=\"action_owner\" name=\"action_owner\"")
	w.invalid(msg, "action_owner")
	w.raw(">\n")
	owner := p.Value(form, "action_owner", strconv.FormatUint(uint64(p.User.ID), 10))
	w.raw("<option value=\"\">")
	w.t("action.owner_me")
	w.raw("</option>\n")
	w.raw(string(views.Options(p.OwnerChoices, owner)))
	w.raw("<option value=\"label\"")
	if owner == "label" {
		w.raw(" selected")
	}
	w.raw(">")
	w.t("action.owner_other")
	w.raw("</option>\n</select>\n")
	w.message(msg, "action_owner")
	w.raw("\n</div>\n</div>\n<div class=\"field\">\n<label for=\"action_owner_label\">")
	w.t("action.owner_label")
	w.raw("</label>\n<input id=\"action_owner_label\" name=\"action_owner_label\" type=\"text\" value=\"")
	w.text(p.Value(form, "action_owner_label", ""))
	w.raw("\" aria-describedby=\"action_owner_label-hint\">\n<p class=\"field-hint\" id=\"action_owner_label-hint\">")
	w.t("action.owner_label_hint")
	w.raw("</p>\n</div>\n</fieldset>\n<button type=\"submit\" class=\"button\">")
	w.t("followup.save")
	w.raw("</button>\n</form>\n</section>\n")
}

func (w *fileWriter) followUps() {
	p := w.p
	w.raw("\n\n<section aria-labelledby=\"followups-title\" id=\"followups\">\n<h2 id=\"followups-title\">")
	w.t("pupil.followups", "Count", p.File.FollowUpTotal)
	w.raw("</h2>\n")
	if len(p.FollowUps) > 0 {
		w.raw("<ol class=\"timeline\">\n")
		w.raw(string(p.FollowUpItems()))
		w.raw("</ol>")
		w.pagination(p.FollowUpPages)
	} else {
		w.raw("<p>")
		w.t("pupil.no_followup")
		w.raw("</p>")
	}
	w.raw("\n</section>\n\n")
}

// pagination writes the links of a paged list with its page number: the partial
//
//	{{with .Pages}}{{if or .Prev .Next}}<nav class="actions" aria-label="{{$.Page.T "pagination.label"}}">
//	{{with .Prev}}<a href="{{.}}">{{$.Page.T "pagination.previous"}}</a>{{end}}
//	{{if $.Numbered}}<span>{{$.Page.T "pagination.page" "Page" .Number "Pages" .Count}}</span>
//	{{end}}{{with .Next}}<a href="{{.}}">{{$.Page.T "pagination.next"}}</a>{{end}}
//	</nav>{{end}}{{end}}
//
// with Numbered true.
func (w *fileWriter) pagination(pg Pagination) {
	if pg.Prev == "" && pg.Next == "" {
		return
	}
	w.raw("<nav class=\"actions\" aria-label=\"")
	w.t("pagination.label")
	w.raw("\">\n")
	if pg.Prev != "" {
		w.raw("<a href=\"")
		w.url(pg.Prev)
		w.raw("\">")
		w.t("pagination.previous")
		w.raw("</a>")
	}
	w.raw("\n<span>")
	w.t("pagination.page", "Page", pg.Number, "Pages", pg.Count)
	w.raw("</span>\n")
	if pg.Next != "" {
		w.raw("<a href=\"")
		w.url(pg.Next)
		w.raw("\">")
		w.t("pagination.next")
		w.raw("</a>")
	}
	w.raw("\n</nav>")
}

// meetings writes the meetings' section, with the meeting form if any.
func (w *fileWriter) meetings() {
	p := w.p
	title := p.T("meeting.of_pupil", "Count", len(p.Meetings))
	w.raw("\n")
	w.section(false, "meetings", title)
	w.table("meetings-title", title, []string{"meeting.date_time", "meeting.purpose", "meeting.status"}, len(p.Meetings),
		p.MeetingRows(p.Meetings), "meeting.none_for_pupil")
	w.raw("\n")
	if p.MeetingForm != nil {
		w.meetingForm(p.MeetingForm)
	}
	w.raw("\n</section>\n\n")
}

// meetingForm writes the form that schedules a meeting.
func (w *fileWriter) meetingForm(f *MeetingForm) {
	w.raw("\n<details class=\"card\" id=\"meeting-form\"")
	if f.Failed {
		w.raw(" open")
	}
	w.raw(">\n<summary>")
	w.t("meeting.schedule")
	w.raw("</summary>\n")
	w.flashAt("meeting-form")
	w.raw("\n")
	w.errorSummary("meeting")
	w.raw("\n<form method=\"post\" action=\"")
	w.url(f.Action)
	w.raw("#meeting-form\" novalidate>\n")
	w.hidden(true)
	f.writeFields(&w.Builder, w.p.Localizer)
	w.raw("\n<button type=\"submit\" class=\"button\">")
	w.t("meeting.schedule_submit")
	w.raw("</button>\n</form>\n</details>\n")
}

func (w *fileWriter) reviews() {
	p := w.p
	w.raw("\n")
	w.section(false, "case-reviews", p.T("reviews.of_pupil", "Count", len(p.Reviews)))
	if len(p.Reviews) > 0 {
		w.raw("<ul>\n")
		for _, r := range p.Reviews {
			decision := ""
			if r.Decision != "" {
				decision = p.T("reviews.decision." + string(r.Decision))
			}
			if decision == "" {
				decision = p.T("reviews.no_decision")
			}
			w.raw("<li><a href=\"/case-reviews/")
			w.id(r.CaseReviewID)
			w.raw("\">")
			w.t("reviews.history_line", "Of", p.T("reviews.of."+string(r.Kind)), "Date", r.HeldOn.Format("02/01/2006"), "Decision", decision)
			w.raw("</a>")
			if r.Note != "" {
				w.raw("<br><span class=\"note\">")
				w.text(r.Note)
				w.raw("</span>")
			}
			w.raw("</li>\n")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p>")
		w.t("reviews.none_for_pupil")
		w.raw("</p>")
	}
	w.raw("\n</section>\n")
}

func (w *fileWriter) referrals() {
	p := w.p
	title := p.T("referrals.on_file", "Count", len(p.Referrals))
	w.raw("\n")
	w.section(true, "referrals", title)
	w.table("referrals-title", title, []string{"referral.partner", "referral.reason", "referral.status", "referral.sent_at"},
		len(p.Referrals), p.ReferralRows(p.Referrals), "referrals.none_on_file")
	w.raw("\n")
	if p.CanEdit && len(p.ReferralForm.Partners) > 0 {
		w.raw("\n<details")
		w.open("referral")
		w.raw(" id=\"referral-form\">\n<summary>")
		w.t("referral.new")
		w.raw("</summary>\n")
		w.flashAt("referral-form")
		w.raw("\n")
		w.errorSummary("referral")
		w.raw("\n<p class=\"field-hint\">")
		w.t("referral.new_hint")
		w.raw("</p>\n<form method=\"post\" action=\"/pupils/")
		w.id(p.File.Pupil.ID)
		w.raw("/referrals#referral-form\" novalidate>\n")
		w.hidden(true)
		w.referralFields()
		w.raw("\n<button type=\"submit\" class=\"button\">")
		w.t("referral.create")
		w.raw("</button>\n</form>\n</details>\n")
	}
	w.raw("\n</section>\n")
}

// referralFields writes the fields of the file page's new referral.
func (w *fileWriter) referralFields() {
	p := w.p
	const form = "referral"
	d := referralDraft{ReferralForm: p.ReferralForm, Partner: p.Value(form, "partner_organisation_id", ""),
		Reason: p.Value(form, "reason", ""), Request: p.Value(form, "request", "")}
	if p.Form == form {
		d.Errors = p.Errors
	}
	w.draftFields(p.Localizer, d)
}

// referralDraft is what the fields of a draft referral show: the choices, the values, and the
// messages of their form when it is the one that came back (nil otherwise).
type referralDraft struct {
	ReferralForm
	Partner, Reason, Request string
	Errors                   map[string]string
}

// draftFields writes a draft referral's fields (its partner, reason and request) in the
// language of l, on the file page's new referral and the referral page's draft (ReferralPage.
// DraftFields), as the partial "referral-draft-fields" wrote them. It reads nothing of w.p:
// the referral page's writer has no file.
func (w *fileWriter) draftFields(l *views.Localizer, d referralDraft) {
	msg := d.Errors["partner_organisation_id"]
	w.raw("\n<div class=\"field\">\n<label for=\"referral-partner\">")
	w.text(l.T("referral.partner"))
	w.raw("</label>\n<select id=\"referral-partner\" name=\"partner_organisation_id\"")
	w.invalid(msg, "referral-partner")
	w.raw(">\n<option value=\"\">")
	w.text(l.T("referral.choose"))
	w.raw("</option>\n")
	w.raw(string(views.Options(views.PartnerChoices(d.Partners), d.Partner)))
	w.raw("</select>\n")
	w.message(msg, "referral-partner")
	msg = d.Errors["reason"]
	w.raw("\n</div>\n<div class=\"field\">\n<label for=\"referral-reason\">")
	w.text(l.T("referral.reason"))
	w.raw("</label>\n<select id=\"referral-reason\" name=\"reason\"")
	w.invalid(msg, "referral-reason")
	w.raw(">\n<option value=\"\">")
	w.text(l.T("referral.choose"))
	w.raw("</option>\n")
	w.raw(string(views.Options(l.ReasonChoices(d.Reasons), d.Reason)))
	w.raw("</select>\n")
	w.message(msg, "referral-reason")
	msg = d.Errors["request"]
	w.raw("\n</div>\n<div class=\"field\">\n<label for=\"referral-request\">")
	w.text(l.T("referral.request"))
	w.raw("</label>\n<textarea id=\"referral-request\" name=\"request\" rows=\"5\" aria-describedby=\"referral-request-hint")
	if msg != "" {
		w.raw(" referral-request-error\" aria-invalid=\"true")
	}
	w.raw("\">")
	w.text(d.Request)
	w.raw("</textarea>\n<p class=\"field-hint\" id=\"referral-request-hint\">")
	w.text(l.T("referral.request_hint"))
	w.raw("</p>\n")
	w.message(msg, "referral-request")
	w.raw("\n</div>\n")
}

func (w *fileWriter) conflicts() {
	p := w.p
	title := p.T("conflicts.of_pupil", "Count", len(p.Conflicts))
	w.section(true, "conflicts", title)
	w.table("conflicts-title", title, []string{"conflicts.field.occurred_on", "conflicts.field.kind", "conflicts.field.place", "conflicts.field.outcome"},
		len(p.Conflicts), p.ConflictRows(p.Conflicts), "conflicts.none_for_pupil")
	w.raw("\n</section>")
}

func (w *fileWriter) letters() {
	p := w.p
	title := p.T("letters.of_pupil", "Count", len(p.Letters))
	w.section(true, "letters", title)
	var rows fileWriter
	for _, l := range p.Letters {
		rows.raw("<tr>\n<th scope=\"row\">")
		rows.text(l.At.In(calendar.Paris).Format("02/01/2006 15:04"))
		rows.raw("</th>\n<td><a href=\"")
		rows.url(l.Link)
		rows.raw("\">")
		rows.text(l.Document)
		rows.raw("</a></td>\n<td>")
		rows.text(l.Lang)
		rows.raw("</td>\n<td>")
		rows.text(l.By)
		rows.raw("</td>\n</tr>")
	}
	w.table("letters-title", title, []string{"letters.col.when", "letters.col.document", "letters.col.lang", "letters.col.by"},
		len(p.Letters), template.HTML(rows.String()), "letters.none_for_pupil")
	w.raw("\n</section>")
}

func (w *fileWriter) indicators() {
	p := w.p
	title := p.T("pupil.indicators")
	w.section(true, "indicators", title)
	w.flashAt("indicators")
	w.raw("\n")
	w.table("indicators-title", title, []string{"indicator.month", "indicator.unjustified", "indicator.justified", "indicator.school",
		"indicator.exclusions", "indicator.incidents", "indicator.average"}, len(p.File.Indicators), p.IndicatorRows(p.File.Indicators),
		"pupil.no_indicators")
	w.raw("\n")
	if p.CanEdit {
		w.raw("\n<details")
		w.open("indicators")
		w.raw(">\n<summary>")
		w.t("indicator.enter")
		w.raw("</summary>\n")
		w.errorSummary("indicators")
		w.raw("\n<form method=\"post\" action=\"/pupils/")
		w.id(p.File.Pupil.ID)
		w.raw("/indicators#indicators\" novalidate>\n")
		w.hidden(false)
		w.raw("<div class=\"grid-2\">\n")
		w.raw(string(p.IndicatorFields()))
		w.raw("\n</div>\n<p class=\"field-hint\">")
		w.t("indicator.hint_not_entered")
		w.raw("</p>\n<button type=\"submit\" class=\"button\">")
		w.t("indicator.save")
		w.raw("</button>\n</form>\n</details>\n")
	}
	w.raw("\n</section>")
}

func (w *fileWriter) status() {
	p, pupil := w.p, &w.p.File.Pupil
	w.section(true, "status", p.T("pupil.status_history"))
	w.flashAt("status")
	w.raw("\n<ol class=\"history\">\n")
	w.raw(string(p.StatusHistoryItems(p.File.History)))
	w.raw("</ol>\n")
	if p.CanEdit && len(p.NextStatuses) > 0 {
		const form = "status"
		w.raw("\n<details")
		w.open(form)
		w.raw(">\n<summary>")
		w.t("status.change")
		w.raw("</summary>\n")
		w.errorSummary(form)
		w.raw("\n<form method=\"post\" action=\"/pupils/")
		w.id(pupil.ID)
		w.raw("/status#status\" novalidate>\n")
		w.hidden(false)
		w.raw("<input type=\"hidden\" name=\"version\" value=\"")
		w.text(p.Value(form, "version", strconv.Itoa(pupil.Version)))
		msg := w.fieldError(form, "status")
		w.raw("\">\n<div class=\"field\">\n<label for=\"new-status\">")
		w.t("status.new")
		w.raw("</label>\n<select id=\"new-status\" name=\"status\"")
		w.invalid(msg, "new-status")
		w.raw(">\n")
		selected := p.Value(form, "status", "")
		for _, s := range p.NextStatuses {
			w.raw("<option value=\"")
			w.text(string(s))
			w.raw("\"")
			if string(s) == selected {
				w.raw(" selected")
			}
			w.raw(">")
			w.t("status." + string(s))
			if pupil.Status == "closed" && s == "active" {
				w.raw(" (")
				w.t("status.reopen")
				w.raw(")")
			}
			w.raw("</option>\n")
		}
		w.raw("</select>\n")
		w.message(msg, "new-status")
		msg = w.fieldError(form, "exit_reason")
		w.raw("\n</div>\n<div class=\"field\">\n<label for=\"exit_reason\">")
		w.t("status.exit_reason")
		w.raw("</label>\n<select id=\"exit_reason\" name=\"exit_reason\" aria-describedby=\"exit_reason-hint")
		if msg != "" {
			w.raw(" exit_reason-error\" aria-invalid=\"true")
		}
		w.raw("\">\n<option value=\"\">—</option>\n")
		w.raw(string(views.Options(p.ExitReasonChoices, p.Value(form, "exit_reason", ""))))
		w.raw("</select>\n<p class=\"field-hint\" id=\"exit_reason-hint\">")
		w.t("status.exit_reason_hint")
		w.raw("</p>\n")
		w.message(msg, "exit_reason")
		msg = w.fieldError(form, "comment")
		w.raw("\n</div>\n<div class=\"field\">\n")
		w.input("status-comment", "comment", "status.comment", `type="text"`, p.Value(form, "comment", ""), true, msg)
		w.raw("\n</div>\n<button type=\"submit\" class=\"button\">")
		w.t("status.submit")
		w.raw("</button>\n</form>\n</details>\n")
	}
	w.raw("\n</section>")
}

func (w *fileWriter) identity() {
	p, pupil := w.p, &w.p.File.Pupil
	w.section(true, "identity", p.T("pupil.identity"))
	w.flashAt("identity")
	w.raw("\n<dl class=\"facts-list\">\n<dt>")
	w.t("pupil.birth_date")
	w.raw("</dt><dd>")
	w.text(pupil.BirthDate.Format("02/01/2006"))
	w.raw("</dd>\n<dt>")
	w.t("pupil.ine")
	w.raw("</dt><dd>")
	if pupil.INE != nil {
		w.text(*pupil.INE)
	} else {
		w.raw("—")
	}
	w.raw("</dd>\n<dt>")
	w.t("pupil.identified_on")
	w.raw("</dt><dd>")
	w.text(pupil.IdentifiedOn.Format("02/01/2006"))
	w.raw("</dd>\n</dl>\n<h3>")
	w.t("pupil.guardians")
	w.raw("</h3>\n")
	colon := p.Colon()
	for _, g := range pupil.Guardians {
		w.raw("\n<div class=\"guardian\">\n<p><strong>")
		w.text(g.Name)
		w.raw("</strong>")
		if g.Relation != "" {
			w.raw(" (")
			w.text(g.Relation)
			w.raw(")")
		}
		if g.Phone != "" {
			w.raw(" · <a href=\"tel:")
			views.WriteURLPart(&w.Builder, g.Phone)
			w.raw("\">")
			w.text(g.Phone)
			w.raw("</a>")
		}
		if g.Email != "" {
			w.raw(" · ")
			w.text(g.Email)
		}
		if g.HomeLanguage != "" {
			w.raw(" · ")
			w.t("guardian.language")
			w.text(colon)
			w.text(g.HomeLanguage)
		}
		if g.InterpreterNeeded {
			w.raw(" · <span class=\"badge\">")
			w.t("guardian.interpreter")
			w.raw("</span>")
		}
		w.raw("</p>\n")
		if p.CanEdit {
			form := "guardian" + strconv.FormatUint(uint64(g.ID), 10)
			w.raw("<details")
			w.open(form)
			w.raw(">\n<summary>")
			w.t("guardian.edit")
			w.raw("<span class=\"visually-hidden\">")
			w.text(colon)
			w.text(g.Name)
			w.raw("</span></summary>\n")
			w.errorSummary(form)
			w.raw("\n<form method=\"post\" action=\"/pupils/")
			w.id(pupil.ID)
			w.raw("/guardians/")
			w.id(g.ID)
			w.raw("#identity\" novalidate>\n")
			w.hidden(false)
			w.raw(string(p.GuardianFields(g)))
			w.raw("\n<button type=\"submit\" class=\"button\">")
			w.t("form.save")
			w.raw("</button>\n</form>\n<form method=\"post\" action=\"/pupils/")
			w.id(pupil.ID)
			w.raw("/guardians/")
			w.id(g.ID)
			w.raw("/delete#identity\" class=\"inline-form\">\n")
			w.hidden(false)
			w.raw("<button type=\"submit\" class=\"button button-danger\">")
			w.t("guardian.delete")
			w.raw("<span class=\"visually-hidden\">")
			w.text(colon)
			w.text(g.Name)
			w.raw("</span></button>\n</form>\n</details>")
		}
		w.raw("\n</div>\n")
	}
	if len(pupil.Guardians) == 0 {
		w.raw("<p>")
		w.t("pupil.no_guardian")
		w.raw("</p>")
	}
	w.raw("\n")
	if p.CanEdit {
		w.raw("<details")
		w.open("guardian")
		w.raw(">\n<summary>")
		w.t("guardian.add")
		w.raw("</summary>\n")
		w.errorSummary("guardian")
		w.raw("\n<form method=\"post\" action=\"/pupils/")
		w.id(pupil.ID)
		w.raw("/guardians#identity\" novalidate>\n")
		w.hidden(true)
		w.raw(string(p.NewGuardianFields()))
		w.raw("\n<button type=\"submit\" class=\"button\">")
		w.t("guardian.add")
		w.raw("</button>\n</form>\n</details>")
	}
	w.raw("\n</section>")
}

func (w *fileWriter) accesses() {
	p := w.p
	w.raw("\n")
	w.section(true, "accesses", p.T("pupil.accesses"))
	w.raw("<p class=\"muted\">")
	w.t("pupil.accesses_hint")
	w.raw("</p>\n")
	w.captionedTable("", "accesses-caption", p.T("pupil.accesses"), []string{"audit.at", "audit.who", "audit.action"},
		len(p.Accesses), p.AccessRows(), "pupil.accesses_none")
	w.raw("\n")
	if p.OlderAccesses != 0 {
		w.raw("<p>")
		w.t("pupil.accesses_more", "Count", p.OlderAccesses)
		w.raw("</p>")
	}
	w.raw("\n<p><a href=\"/pupils/")
	w.id(p.File.Pupil.ID)
	w.raw("/export.json\" download>")
	w.t("pupil.export")
	w.raw("</a></p>\n</section>\n")
}
