package handlers

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"mediation/models"
)

// sessionDraft holds, in the browser's session, the token of the draft kept when its previous
// session expired under a form being sent (models.Draft).
const sessionDraft = "draft"

// contextExpiredUser is the account whose session LoadUser has just ended for being idle or
// too old: its draft, if the request was a form, is kept for it.
const contextExpiredUser = "expired_user"

// draftForm is a form whose typed text survives an expired session: the page that shows it
// again and the name of the form on that page (":id" and ":gid" stand for the ids of the route
// it posts to, ":doc" and ":lang" for a family letter's document and language), and the fields kept for it. A field ending in "*" keeps every field that begins
// so (the rows of a meeting's participants, of a recap's actions). A form's "version" is kept
// too: sent again from the draft, an edit typed on a record changed since is refused as stale,
// never silently applied.
type draftForm struct {
	page, form string
	fields     []string
}

// The fields of the forms that several routes share.
var (
	identityFields = []string{"version", "establishment_id", "last_name", "first_name", "birth_date", "class_level",
		"class_name", "ine", "referent_id", "homonym", "guardian0_*", "guardian1_*"}
	followUpFields = []string{"version", "occurred_on", "kind", "duration_minutes", "note", "restricted",
		"action_description", "action_due_on", "action_owner", "action_owner_label"}
	guardianDraftFields = append([]string{"interpreter_needed"}, guardianFields...)
	meetingFields       = []string{"version", "date", "time", "duration_minutes", "place", "purpose", "interpreter_needed",
		"already_held", "participant*"}
	referralFields = []string{"version", "partner_organisation_id", "reason", "request"}
	commentFields  = []string{"version", "comment"}
)

// draftForms lists, by the route they post to, every form where typing is work: notes, recaps,
// identities, indicators, referrals and their answers, consent, meetings and who came. A post
// to any other route after expiry (a button without text: send, acknowledge, postpone,
// delete…) is only sent to the login page.
var draftForms = map[string]draftForm{
	"/pupils":                      {"/pupils/new", "identity", identityFields},
	"/pupils/:id":                  {"/pupils/:id/edit", "identity", identityFields},
	"/pupils/:id/followups":        {"/pupils/:id", "followup", followUpFields},
	"/pupils/:id/indicators":       {"/pupils/:id", "indicators", []string{"month", "unjustified_half_days", "justified_half_days", "school_half_days", "temporary_exclusions", "incidents", "term_average"}},
	"/pupils/:id/status":           {"/pupils/:id", "status", []string{"version", "status", "exit_reason", "comment"}},
	"/pupils/:id/guardians":        {"/pupils/:id", "guardian", guardianDraftFields},
	"/pupils/:id/guardians/:gid":   {"/pupils/:id", "guardian:gid", guardianDraftFields},
	"/pupils/:id/meetings":         {"/pupils/:id", "meeting", meetingFields},
	"/pupils/:id/referrals":        {"/pupils/:id", "referral", referralFields},
	"/followups/:id":               {"/followups/:id/edit", "followup", followUpFields},
	"/meetings/:id":                {"/meetings/:id", "edit", meetingFields},
	"/meetings/:id/attendance":     {"/meetings/:id", "attendance", []string{"version", "present"}},
	"/meetings/:id/recap":          {"/meetings/:id", "recap", []string{"version", "decisions", "action*"}},
	"/referrals/:id":               {"/referrals/:id", "draft", referralFields},
	"/referrals/:id/consent":       {"/referrals/:id", "consent", []string{"version", "consent_given_by", "consent_given_on", "consent_method"}},
	"/referrals/:id/accept":        {"/referrals/:id", "accept", commentFields},
	"/referrals/:id/decline":       {"/referrals/:id", "decline", commentFields},
	"/referrals/:id/feedback":      {"/referrals/:id", "feedback", commentFields},
	"/referrals/:id/close":         {"/referrals/:id", "close", []string{"version", "outcome", "comment"}},
	"/referrals/:id/withdraw":      {"/referrals/:id", "withdraw", commentFields},
	"/activities":                  {"/activities/new", "activity", activityFields},
	"/activities/:id":              {"/activities/:id", "activity", activityFields},
	"/conflicts":                   {"/conflicts/new", "conflict", conflictFields},
	"/conflicts/:id":               {"/conflicts/:id", "conflict", conflictFields},
	"/case-reviews/:id/new-pupil":  {"/case-reviews/:id", "new-pupil", identityFields},
	"/conventions":                 {"/conventions/new", "convention", conventionDraftFields},
	"/conventions/:id":             {"/conventions/:id/edit", "convention", conventionDraftFields},
	"/settings/unit-costs":         {"/settings/unit-costs/new", "unit-cost", unitCostDraftFields},
	"/settings/unit-costs/:id":     {"/settings/unit-costs/:id", "unit-cost", unitCostDraftFields},
	"/settings/letters/:doc/:lang": {"/settings/letters/:doc/:lang", "letter", []string{"based_on", "body"}},
	"/case-reviews/:id/pupils/:pupil/decision": {"/case-reviews/:id", "decision-:pupil",
		[]string{"decision", "owner", "owner_label", "due_on", "note", "restricted"}},
}

// conflictFields are the fields of a conflict's form, its parties' rows included.
var conflictFields = []string{"version", "establishment_id", "occurred_on", "place", "kind", "relation", "listened_on", "meeting_on",
	"agreement_on", "outcome", "closed", "follow_up_on", "notes", "notes_restricted", "party*"}

// activityFields are the fields of a collective action's form.
var activityFields = []string{"version", "establishment_id", "kind_id", "held_on", "duration_minutes", "pupils", "parents", "staff", "note", "themes", "partner_ids"}

// conventionDraftFields are the fields of a funding agreement's form, its rows of objectives
// included; unitCostDraftFields those of a unit value's, whose source is typed at length.
var (
	conventionDraftFields = []string{"version", "title", "funder_kind", "partner_id", "first_year", "last_year", "coverage",
		"establishment_ids", "communes", "amount", "reference", "objective*"}
	unitCostDraftFields = []string{"version", "label", "amount", "unit", "source", "source_year", "low", "high", "basis"}
)

// DraftRoutes lists the routes whose forms are kept as drafts after an expired session, for the
// test that makes every form route decide.
func DraftRoutes() []string {
	routes := make([]string, 0, len(draftForms))
	for r := range draftForms {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	return routes
}

// kept returns the values of the form's fields, nothing else of what was posted.
func (f draftForm) kept(posted url.Values) url.Values {
	out := url.Values{}
	for name, v := range posted {
		for _, field := range f.fields {
			if name == field || strings.HasSuffix(field, "*") && strings.HasPrefix(name, strings.TrimSuffix(field, "*")) {
				out[name] = v
				break
			}
		}
	}
	return out
}

// resolve puts the route's ids in the form's page and name; ok is false when an id is not one.
func (f draftForm) resolve(c echo.Context) (page, form string, ok bool) {
	page, form = f.page, f.form
	for _, name := range []string{"id", "gid", "pupil"} {
		if !strings.Contains(page+form, ":"+name) {
			continue
		}
		id, err := paramID(c, name)
		if err != nil {
			return "", "", false
		}
		page = strings.ReplaceAll(page, ":"+name, fmt.Sprint(id))
		form = strings.ReplaceAll(form, ":"+name, fmt.Sprint(id))
	}
	// A family letter's text is named by its document and language, short lowercase words.
	for _, name := range []string{"doc", "lang"} {
		if !strings.Contains(page+form, ":"+name) {
			continue
		}
		v := c.Param(name)
		if v == "" || len(v) > 20 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyz") != "" {
			return "", "", false
		}
		page = strings.ReplaceAll(page, ":"+name, v)
		form = strings.ReplaceAll(form, ":"+name, v)
	}
	return page, form, true
}

// keepDraft keeps what a form sent after its session expired held, for the account whose
// session it was, and returns the page where it will be found after signing in again, with the
// section of the form on the (long) pupil file ("" when nothing is kept: another route, a body
// that is not a plain form, or one too large). Nothing
// of the post is applied: without a session its CSRF token cannot be checked.
func (h *Handlers) keepDraft(c echo.Context) (string, error) {
	uid, _ := c.Get(contextExpiredUser).(uint)
	target, ok := draftForms[c.Path()]
	req := c.Request()
	if uid == 0 || !ok || req.Method != http.MethodPost {
		return "", nil
	}
	page, form, ok := target.resolve(c)
	if !ok {
		return "", nil
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt != echo.MIMEApplicationForm {
		return "", nil
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, models.MaxDraftBytes)
	if err := req.ParseForm(); err != nil {
		return "", nil
	}
	token, err := models.SaveDraft(req.Context(), h.DB, uid, page, form, target.kept(req.PostForm), h.Now())
	if errors.Is(err, models.ErrDraftTooLarge) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	h.Sessions.Put(req.Context(), sessionDraft, token)
	if anchor := formAnchor(form); target.page == "/pupils/:id" && anchor != "" {
		page += "#" + anchor
	}
	return page, nil
}

// restoreDraft gives back, once, the draft that this browser holds for the page being shown,
// if it belongs to the signed-in account: the form to open and the values to fill it with, for
// the user to check and send again (with a word saying so). Without one, form is "".
func (h *Handlers) restoreDraft(c echo.Context) (form string, values url.Values, err error) {
	ctx := c.Request().Context()
	token := h.Sessions.GetString(ctx, sessionDraft)
	if token == "" {
		return "", nil, nil
	}
	form, values, err = models.TakeDraft(ctx, h.DB, currentUser(c).ID, token, c.Request().URL.Path, h.Now())
	if errors.Is(err, models.ErrNotFound) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	h.Sessions.Remove(ctx, sessionDraft)
	h.flash(c, "draft.restored")
	return form, values, nil
}

// KeepAlive is what the page's script calls to stay signed in: a request like any other, which
// counts as activity, and answers nothing.
func (h *Handlers) KeepAlive(c echo.Context) error {
	return c.NoContent(http.StatusNoContent)
}

// typedValues is what the form being answered held; when it was refused as stale, at the
// record's current version, so that sending it again is a knowing choice.
func typedValues(c echo.Context, stale *models.StaleError) url.Values {
	typed, _ := c.FormParams()
	out := make(url.Values, len(typed))
	for k, v := range typed {
		out[k] = v
	}
	if stale != nil {
		out.Set("version", fmt.Sprint(stale.Version))
	}
	return out
}

// typedText joins the non-empty values of the named text fields, one paragraph each.
func typedText(values map[string]string, fields ...string) string {
	var parts []string
	for _, f := range fields {
		if v := strings.TrimSpace(values[f]); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "\n\n")
}

// valueMap keeps the first value of each field, as the forms show them.
func valueMap(values url.Values) map[string]string {
	out := make(map[string]string, len(values))
	for k := range values {
		out[k] = values.Get(k)
	}
	return out
}
