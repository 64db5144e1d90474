package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

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

// Login checks the credentials, throttled before any password is checked (per device cookie
// for the owner's usual browser, else per account and per address), then opens a session
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
	var account *models.User
	switch u, err := models.AccountByEmail(ctx, h.DB, p.Email); {
	case err == nil:
		account = &u
	case !errors.Is(err, models.ErrNotFound):
		return err
	}
	keys, trusted := h.loginThrottleKeys(c, p.Email, account)
	wait, err := h.Throttle.Reserve(ctx, h.DB, now, keys...)
	if err != nil {
		return err
	}
	if wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		p.Error = p.T("login.throttled", "Count", minutes)
		if err := h.auditFailedLogin(c, account, "throttled"); err != nil {
			return err
		}
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		return h.render(c, http.StatusTooManyRequests, "login", p)
	}
	err = models.Authenticate(ctx, h.Hasher, account, password)
	switch {
	case errors.Is(err, models.ErrBadCredentials), errors.Is(err, models.ErrAccountInactive):
		detail := ""
		p.Error = p.T("login.failed")
		status := http.StatusUnauthorized
		if errors.Is(err, models.ErrAccountInactive) {
			p.Error, status, detail = p.T("login.inactive"), http.StatusForbidden, "inactive"
		}
		if err := h.auditFailedLogin(c, account, detail); err != nil {
			return err
		}
		return h.render(c, status, "login", p)
	case err != nil:
		// No password was checked (the hasher was busy): the attempt does not count.
		if rerr := h.Throttle.Release(context.WithoutCancel(ctx), h.DB, keys...); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	u := *account
	// The right password: this browser's or this account's failures are forgiven; the
	// address's attempt is given back, so that a school's morning logins never add up. A
	// trusted browser's success leaves the untrusted clients' count alone: forgiving it would
	// give whoever is guessing from elsewhere five more tries.
	if trusted {
		err = h.Throttle.Forgive(ctx, h.DB, keys...)
	} else {
		err = errors.Join(h.Throttle.Forgive(ctx, h.DB, keys[0]), h.Throttle.Release(ctx, h.DB, keys[1]))
	}
	if err != nil {
		return err
	}
	if err := h.rehashIfWeak(c, u, password); err != nil {
		return err
	}
	enrolled, err := models.HasSecondFactor(ctx, h.DB, u.ID)
	if err != nil {
		return err
	}
	if enrolled {
		return h.awaitSecondFactor(c, u, p.Next)
	}
	required, err := models.RoleRequiresTwoFactor(ctx, h.DB, u.Role)
	if err != nil {
		return err
	}
	if err := h.openSession(c, u, ""); err != nil {
		return err
	}
	if required {
		h.Sessions.Put(ctx, sessionMustEnrol, true)
	}
	return h.afterLogin(c, u, p.Next)
}

// openSession signs the account in: a new session id (no fixation), the times that idle and
// absolute expiry count from, the last login, and the audit log (detail says how the second
// factor was proved, if it was). Both the password step and the code step end here.
func (h *Handlers) openSession(c echo.Context, u models.User, detail string) error {
	ctx := c.Request().Context()
	now := h.Now()
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	// Nothing of a previous state of this browser carries over to the account signing in: no
	// code pending, no enrolment demanded or secret offered to another account.
	h.forget(ctx, sessionPendingUser, sessionPendingAt, sessionPendingNext, sessionMustEnrol, sessionEnrolSecret)
	h.Sessions.Put(ctx, sessionUser, int64(u.ID))
	h.Sessions.Put(ctx, sessionAuthAt, now.Unix())
	h.Sessions.Put(ctx, sessionSeenAt, now.Unix())
	if err := h.trustDevice(c, u); err != nil {
		return err
	}
	h.rotateCSRF(c)
	if err := models.TouchLastLogin(ctx, h.DB, u.ID, now); err != nil {
		return err
	}
	c.Set(contextUser, &u)
	return h.audit(c, models.AuditLogin, "user", fmt.Sprint(u.ID), detail)
}

// afterLogin goes where a new session must go first: the password form after a temporary
// password, enrolment when the role requires a second factor, else the page asked for.
func (h *Handlers) afterLogin(c echo.Context, u models.User, next string) error {
	switch {
	case u.MustChangePassword:
		return redirect(c, "/account/password")
	case h.Sessions.GetBool(c.Request().Context(), sessionMustEnrol):
		return redirect(c, "/account/security")
	}
	return redirect(c, next)
}

// deviceCookie is the long-lived cookie that makes a browser trusted for the account it names
// (OWASP's device cookies): its failures lock only itself out.
const deviceCookie = "mediation_device"

// deviceCookieLifetime is how long a browser stays trusted after its last successful login.
const deviceCookieLifetime = 365 * 24 * time.Hour

// loginThrottleKeys chooses the counters of a login attempt: the device cookie's when the
// browser presents a valid one naming the account tried (trusted), else the account's (by the
// keyed hash of the email, known or not) and the address's, in that order.
func (h *Handlers) loginThrottleKeys(c echo.Context, email string, account *models.User) ([]models.ThrottleKey, bool) {
	if ck, err := c.Cookie(deviceCookie); err == nil && account != nil {
		if id, nonce, err := h.LoginSecrets.DeviceCookie(ck.Value); err == nil && id == account.ID {
			return []models.ThrottleKey{h.Throttle.DeviceKey(nonce)}, true
		}
	}
	return []models.ThrottleKey{h.Throttle.AccountKey(h.LoginSecrets.EmailKey(email)), h.Throttle.AddressKey(c.RealIP())}, false
}

// trustDevice gives the browser, where a session has just been opened for u, a signed device
// cookie naming u: its next attempts on u are counted apart from everybody else's.
func (h *Handlers) trustDevice(c echo.Context, u models.User) error {
	value, err := h.LoginSecrets.NewDeviceCookie(u.ID)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: deviceCookie, Value: value, Path: "/login", MaxAge: int(deviceCookieLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies,
	})
	return nil
}

// rehashIfWeak stores a new hash of the right password when the stored one was made with
// weaker parameters than the current ones. A busy hasher leaves it for the next login.
func (h *Handlers) rehashIfWeak(c echo.Context, u models.User, password string) error {
	if !h.Hasher.NeedsRehash(u.PasswordHash) {
		return nil
	}
	ctx := c.Request().Context()
	hash, err := h.Hasher.Hash(ctx, password)
	if errors.Is(err, models.ErrHasherBusy) {
		return nil
	}
	if err != nil {
		return err
	}
	return models.SetPasswordHash(ctx, h.DB, u.ID, hash)
}

// auditFailedLogin records a failed login on the account tried; for an unknown email nothing
// typed is kept (a password typed in the email field would stay in the log).
func (h *Handlers) auditFailedLogin(c echo.Context, account *models.User, detail string) error {
	if account == nil {
		return h.audit(c, models.AuditLoginFailed, "", "", strings.TrimSpace("unknown account "+detail))
	}
	return h.audit(c, models.AuditLoginFailed, "user", fmt.Sprint(account.ID), detail)
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

// auditFile records an event of this request about the file pupilID or one of its records.
func (h *Handlers) auditFile(c echo.Context, pupilID uint, action, recordType, recordID, detail string) error {
	return models.RecordFileAudit(c.Request().Context(), h.DB, h.Now(), actor(c), pupilID, action, recordType, recordID, detail)
}

// safeRedirect keeps a destination only when it is a path of this site.
func safeRedirect(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	return next
}
