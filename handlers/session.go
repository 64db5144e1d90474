package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
)

// Session keys. Times are Unix seconds of the application's clock, so that idle and absolute
// expiry follow the injected clock in tests.
const (
	sessionUser   = models.SessionUserKey
	sessionAuthAt = "auth_at"
	sessionSeenAt = "seen_at"
	sessionFlash  = "flash"
	// sessionFlashUndo is where the flash's "Annuler" button posts (views.Page.FlashUndo).
	sessionFlashUndo = "flash_undo"
	// sessionFlashAt is the id of the section of the page where the flash is shown (views.Page.FlashAt).
	sessionFlashAt = "flash_at"
	contextUser    = "user"
	contextScope   = "scope"
	contextExpired = "session_expired"
	contextSession = "session_loaded"
	// A password accepted for an account with a second factor: the session is not signed in,
	// it holds the account waiting for its code, since when, and where to go after.
	sessionPendingUser = "pending_uid"
	sessionPendingAt   = "pending_at"
	sessionPendingNext = "pending_next"
	// sessionMustEnrol marks a session signed in with the password alone by an account whose
	// role requires a second factor: it reaches nothing but enrolment until it has one.
	sessionMustEnrol = "must_enrol"
	// sessionEnrolSecret is the secret offered for enrolment, until a code confirms it.
	sessionEnrolSecret = "enrol_secret"
	contextMustEnrol   = "must_enrol"
)

// currentUser is the signed-in user, nil for a visitor.
func currentUser(c echo.Context) *models.User {
	u, _ := c.Get(contextUser).(*models.User)
	return u
}

// currentScope is what the signed-in user may see; a visitor's scope sees nothing.
func currentScope(c echo.Context) models.Scope {
	s, _ := c.Get(contextScope).(models.Scope)
	return s
}

// seenAtStep is how often an active session records its last request (seen_at): writing the
// session on every request would cost a database write each. The last request may thus be up
// to one step later than seen_at, so the idle check allows one step more: a session ends after
// at least IdleTimeout without a request, never earlier, and at most one step later.
const seenAtStep = time.Minute

// LoadUser reads the session, ends it when idle or too old, and puts the active user and its
// scope in the request context. A deactivated account loses its session on its next request.
// The account and its scope are read afresh on every request, in one statement
// (models.SignedIn): a change of role or assignments applies at once, on every instance.
func (h *Handlers) LoadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		c.Set(contextSession, true)
		uid := h.Sessions.GetInt64(ctx, sessionUser)
		if uid == 0 {
			return next(c)
		}
		now := h.Now()
		authAt := time.Unix(h.Sessions.GetInt64(ctx, sessionAuthAt), 0)
		seenAt := time.Unix(h.Sessions.GetInt64(ctx, sessionSeenAt), 0)
		if now.Sub(authAt) > h.Lifetime || now.Sub(seenAt) >= h.IdleTimeout+seenAtStep {
			if err := h.Sessions.Destroy(ctx); err != nil {
				return err
			}
			c.Set(contextExpired, true)
			c.Set(contextExpiredUser, uint(uid))
			return next(c)
		}
		u, scope, err := models.SignedIn(ctx, h.DB, uint(uid))
		if errors.Is(err, models.ErrNotFound) || err == nil && !u.Active {
			if err := h.Sessions.Destroy(ctx); err != nil {
				return err
			}
			return next(c)
		}
		if err != nil {
			return err
		}
		if now.Sub(seenAt) >= seenAtStep {
			h.Sessions.Put(ctx, sessionSeenAt, now.Unix())
		}
		c.Set(contextUser, &u)
		c.Set(contextScope, scope)
		return next(c)
	}
}

// RequireLogin sends a visitor to the login page, then back to the page asked for; an account
// with a temporary password goes to the password form first. A form sent after the session
// expired is not applied, but what it held is kept (keepDraft): the login page says so, and
// signing in again leads back to the form, filled in.
func (h *Handlers) RequireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentUser(c)
		if u == nil {
			back := ""
			if c.Request().Method == http.MethodGet {
				back = c.Request().URL.RequestURI()
			}
			if expired, _ := c.Get(contextExpired).(bool); expired {
				msg := "flash.session_expired"
				page, err := h.keepDraft(c)
				if err != nil {
					return err
				}
				if page != "" {
					back, msg = page, "draft.kept"
				}
				h.flash(c, msg)
			}
			to := "/login"
			if back != "" {
				to += "?next=" + url.QueryEscape(back)
			}
			return redirect(c, to)
		}
		if u.MustChangePassword && c.Path() != "/account/password" && c.Path() != "/logout" {
			return redirect(c, "/account/password")
		}
		if h.Sessions.GetBool(c.Request().Context(), sessionMustEnrol) {
			c.Set(contextMustEnrol, true)
			if !strings.HasPrefix(c.Path(), "/account/security") && c.Path() != "/logout" {
				return redirect(c, "/account/security")
			}
		}
		return next(c)
	}
}

// RequireRoles answers 404 to any other role: a route that is not yours does not exist.
func RequireRoles(roles ...models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := currentUser(c)
			for _, r := range roles {
				if u != nil && u.Role == r {
					return next(c)
				}
			}
			return echo.ErrNotFound
		}
	}
}

// flash keeps a message for the next page, in the language of this one.
func (h *Handlers) flash(c echo.Context, id string) {
	h.Sessions.Put(c.Request().Context(), sessionFlash, h.localizer(c).T(id))
}

// flashAt is flash shown in the section anchor of the next page, where the user was.
func (h *Handlers) flashAt(c echo.Context, id, anchor string) {
	h.flash(c, id)
	h.Sessions.Put(c.Request().Context(), sessionFlashAt, anchor)
}

// forget removes keys from the session: the state of a sign-in step that is over.
func (h *Handlers) forget(ctx context.Context, keys ...string) {
	for _, k := range keys {
		h.Sessions.Remove(ctx, k)
	}
}
