package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// LoginPage is the data of the login form.
type LoginPage struct {
	views.Page
	Email  string
	Next   string
	Error  string
	Errors map[string]string
}

// LoginForm shows the login form; a signed-in user goes home.
func (h *Handlers) LoginForm(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	p := LoginPage{Page: h.page(c, "login.title"), Next: safeRedirect(c.QueryParam("next"))}
	return h.render(c, http.StatusOK, "login", p)
}

// Login checks the credentials, throttled per account and per address, then opens a session
// under a new id and a new CSRF token (no fixation) and goes to the page asked for.
func (h *Handlers) Login(c echo.Context) error {
	ctx := c.Request().Context()
	p := LoginPage{Page: h.page(c, "login.title"), Email: strings.TrimSpace(c.FormValue("email")),
		Next: safeRedirect(c.FormValue("next")), Errors: map[string]string{}}
	password := c.FormValue("password")
	if p.Email == "" {
		p.Errors["email"] = p.T("login.email_required")
	}
	if password == "" {
		p.Errors["password"] = p.T("login.password_required")
	}
	if len(p.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "login", p)
	}
	now := h.Now()
	ip := c.RealIP()
	wait, err := h.Throttle.Wait(ctx, h.DB, now, p.Email, ip)
	if err != nil {
		return err
	}
	if wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		p.Error = p.T("login.throttled", "Count", minutes)
		if err := h.audit(c, models.AuditLoginFailed, "", "", "throttled email="+models.NormalizeEmail(p.Email)); err != nil {
			return err
		}
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		return h.render(c, http.StatusTooManyRequests, "login", p)
	}
	u, err := models.Authenticate(ctx, h.DB, p.Email, password)
	switch {
	case errors.Is(err, models.ErrBadCredentials), errors.Is(err, models.ErrAccountInactive):
		if err := h.failedLogin(ctx, c, p.Email, ip); err != nil {
			return err
		}
		p.Error = p.T("login.failed")
		status := http.StatusUnauthorized
		if errors.Is(err, models.ErrAccountInactive) {
			p.Error, status = p.T("login.inactive"), http.StatusForbidden
		}
		return h.render(c, status, "login", p)
	case err != nil:
		return err
	}
	if err := models.RecordLoginAttempt(ctx, h.DB, now, u.Email, ip, true); err != nil {
		return err
	}
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.Sessions.Put(ctx, sessionUser, int64(u.ID))
	h.Sessions.Put(ctx, sessionAuthAt, now.Unix())
	h.Sessions.Put(ctx, sessionSeenAt, now.Unix())
	h.rotateCSRF(c)
	if err := models.TouchLastLogin(ctx, h.DB, u.ID, now); err != nil {
		return err
	}
	c.Set(contextUser, &u)
	if err := h.audit(c, models.AuditLogin, "user", fmt.Sprint(u.ID), ""); err != nil {
		return err
	}
	if u.MustChangePassword {
		return redirect(c, "/account/password")
	}
	return redirect(c, p.Next)
}

func (h *Handlers) failedLogin(ctx context.Context, c echo.Context, email, ip string) error {
	if err := models.RecordLoginAttempt(ctx, h.DB, h.Now(), email, ip, false); err != nil {
		return err
	}
	return h.audit(c, models.AuditLoginFailed, "", "", "email="+models.NormalizeEmail(email))
}

// Logout ends the session and its CSRF token.
func (h *Handlers) Logout(c echo.Context) error {
	if u := currentUser(c); u != nil {
		if err := h.audit(c, models.AuditLogout, "user", fmt.Sprint(u.ID), ""); err != nil {
			return err
		}
	}
	if err := h.Sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	c.Set(contextUser, nil)
	h.rotateCSRF(c)
	h.flash(c, "flash.logged_out")
	return redirect(c, "/login")
}

// audit records an event by the current user (or the visitor) of this request.
func (h *Handlers) audit(c echo.Context, action, recordType, recordID, detail string) error {
	return models.RecordAudit(c.Request().Context(), h.DB, h.Now(), actor(c), action, recordType, recordID, detail)
}

// safeRedirect keeps a destination only when it is a path of this site.
func safeRedirect(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	return next
}
