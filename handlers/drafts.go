package handlers

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
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

// draftTarget is where a form posted to a route is shown again: the page (":id" stands for the
// route's id) and the name of the form on it.
type draftTarget struct{ page, form string }

// draftTargets lists the forms whose text survives an expired session: those where typing is
// work (notes, recaps, identities, indicators). A post to any other route after expiry is
// only sent to the login page.
var draftTargets = map[string]draftTarget{
	"/pupils":                {"/pupils/new", "identity"},
	"/pupils/:id":            {"/pupils/:id/edit", "identity"},
	"/pupils/:id/followups":  {"/pupils/:id", "followup"},
	"/pupils/:id/indicators": {"/pupils/:id", "indicators"},
	"/pupils/:id/status":     {"/pupils/:id", "status"},
	"/pupils/:id/guardians":  {"/pupils/:id", "guardian"},
	"/pupils/:id/meetings":   {"/pupils/:id", "meeting"},
	"/pupils/:id/referrals":  {"/pupils/:id", "referral"},
	"/followups/:id":         {"/followups/:id/edit", "followup"},
	"/meetings/:id":          {"/meetings/:id", "edit"},
	"/meetings/:id/recap":    {"/meetings/:id", "recap"},
}

// keepDraft keeps what a form sent after its session expired held, for the account whose
// session it was, and returns the page where it will be found after signing in again ("" when
// nothing is kept: another route, a body that is not a plain form, or one too large). Nothing
// of the post is applied: without a session its CSRF token cannot be checked.
func (h *Handlers) keepDraft(c echo.Context) (string, error) {
	uid, _ := c.Get(contextExpiredUser).(uint)
	target, ok := draftTargets[c.Path()]
	req := c.Request()
	if uid == 0 || !ok || req.Method != http.MethodPost {
		return "", nil
	}
	page := target.page
	if strings.Contains(page, ":id") {
		id, err := paramID(c, "id")
		if err != nil {
			return "", nil
		}
		page = strings.Replace(page, ":id", fmt.Sprint(id), 1)
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt != echo.MIMEApplicationForm {
		return "", nil
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, models.MaxDraftBytes)
	if err := req.ParseForm(); err != nil {
		return "", nil
	}
	token, err := models.SaveDraft(req.Context(), h.DB, uid, page, target.form, req.PostForm, h.Now())
	if errors.Is(err, models.ErrDraftTooLarge) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	h.Sessions.Put(req.Context(), sessionDraft, token)
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

// valueMap keeps the first value of each field, as the forms show them.
func valueMap(values url.Values) map[string]string {
	out := make(map[string]string, len(values))
	for k := range values {
		out[k] = values.Get(k)
	}
	return out
}
