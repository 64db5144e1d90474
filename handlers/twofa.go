package handlers

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// pendingCodeFor is how long a password accepted for an account with a second factor waits for
// its code; then the password must be typed again.
const pendingCodeFor = 5 * time.Minute

// LoginCodePage is the second step of signing in: the one-time code.
type LoginCodePage struct {
	views.Page
	Error  string
	Errors map[string]string
}

// awaitSecondFactor keeps the account whose password was right in the session, not signed in,
// under a new session id, and asks for its code.
func (h *Handlers) awaitSecondFactor(c echo.Context, u models.User, next string) error {
	ctx := c.Request().Context()
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	// A browser signed in as someone else who types this account's password is that someone
	// no longer: the session holds only the account waiting for its code.
	h.forget(ctx, sessionUser, sessionAuthAt, sessionSeenAt, sessionMustEnrol, sessionEnrolSecret)
	h.Sessions.Put(ctx, sessionPendingUser, int64(u.ID))
	h.Sessions.Put(ctx, sessionPendingAt, h.Now().Unix())
	h.Sessions.Put(ctx, sessionPendingNext, next)
	h.rotateCSRF(c)
	return redirect(c, "/login/code")
}

// pendingUser is the account waiting for its code, if any and still in time. A stale or
// deactivated one is forgotten.
func (h *Handlers) pendingUser(c echo.Context) (models.User, bool, error) {
	ctx := c.Request().Context()
	uid := h.Sessions.GetInt64(ctx, sessionPendingUser)
	if uid == 0 {
		return models.User{}, false, nil
	}
	forget := func() {
		h.forget(ctx, sessionPendingUser, sessionPendingAt, sessionPendingNext)
	}
	if h.Now().Sub(time.Unix(h.Sessions.GetInt64(ctx, sessionPendingAt), 0)) > pendingCodeFor {
		forget()
		h.flash(c, "twofa.login.expired")
		return models.User{}, false, nil
	}
	u, err := models.UserByID(ctx, h.DB, uint(uid))
	if errors.Is(err, models.ErrNotFound) || err == nil && !u.Active {
		forget()
		return models.User{}, false, nil
	}
	return u, err == nil, err
}

// LoginCodeForm asks for the one-time code after the password; without a password just
// accepted, it sends back to the login form.
func (h *Handlers) LoginCodeForm(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	_, ok, err := h.pendingUser(c)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(c, "/login")
	}
	return h.render(c, http.StatusOK, "login_code", LoginCodePage{Page: h.page(c, "twofa.login.title")})
}

// LoginCode checks the one-time code (or a recovery code, then used up) of the account whose
// password was accepted, throttled per account, and only then opens the session.
func (h *Handlers) LoginCode(c echo.Context) error {
	ctx := c.Request().Context()
	u, ok, err := h.pendingUser(c)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(c, "/login")
	}
	p := LoginCodePage{Page: h.page(c, "twofa.login.title"), Errors: map[string]string{}}
	code := c.FormValue("code")
	if strings.TrimSpace(code) == "" {
		p.Errors["code"] = p.T("twofa.code_required")
		return h.render(c, http.StatusUnprocessableEntity, "login_code", p)
	}
	wait, err := h.codeThrottle(c, u.ID)
	if err != nil {
		return err
	}
	if wait > 0 {
		if err := h.audit(c, models.AuditLoginFailed, "user", fmt.Sprint(u.ID), "second factor throttled"); err != nil {
			return err
		}
		p.Error = p.T("login.throttled", "Count", int(math.Ceil(wait.Minutes())))
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		return h.render(c, http.StatusTooManyRequests, "login_code", p)
	}
	method, err := models.VerifySecondFactor(ctx, h.DB, u.ID, code, h.Now())
	if errors.Is(err, models.ErrBadCode) {
		if err := h.codeFailed(c, u.ID, "second factor"); err != nil {
			return err
		}
		p.Errors["code"] = p.T("twofa.code_wrong")
		return h.render(c, http.StatusUnauthorized, "login_code", p)
	}
	if err != nil {
		return err
	}
	if err := h.codeAccepted(c, u.ID); err != nil {
		return err
	}
	next := safeRedirect(h.Sessions.GetString(ctx, sessionPendingNext))
	if err := h.openSession(c, u, "second_factor="+string(method)); err != nil {
		return err
	}
	if method == models.MethodRecovery {
		left, err := models.RemainingRecoveryCodes(ctx, h.DB, u.ID)
		if err != nil {
			return err
		}
		h.Sessions.Put(ctx, sessionFlash, h.localizer(c).T("twofa.flash.recovery_used", "Count", left))
	}
	return h.afterLogin(c, u, next)
}

// codeThrottle counts one code attempt of an account, before the code is checked, and says how
// long to wait when the account is over its limit (nothing is then counted). Codes are counted
// apart from passwords, under "2fa:<id>", per account only: a wrong code means the password was
// right, so the address is not what to hold.
func (h *Handlers) codeThrottle(c echo.Context, userID uint) (time.Duration, error) {
	return h.Throttle.Reserve(c.Request().Context(), h.DB, h.Now(), h.codeThrottleKey(userID))
}

// codeFailed audits a wrong code as a failed login; codeThrottle already counted it.
func (h *Handlers) codeFailed(c echo.Context, userID uint, detail string) error {
	return h.audit(c, models.AuditLoginFailed, "user", fmt.Sprint(userID), detail)
}

// codeAccepted clears the account's code counter: the right code was given.
func (h *Handlers) codeAccepted(c echo.Context, userID uint) error {
	return h.Throttle.Forgive(c.Request().Context(), h.DB, h.codeThrottleKey(userID))
}

func (h *Handlers) codeThrottleKey(userID uint) models.ThrottleKey {
	return h.Throttle.Key(fmt.Sprintf("2fa:%d", userID))
}

// SecurityPage is the account's second factor: its state, or how to turn it on.
type SecurityPage struct {
	views.Page
	Enabled   bool
	EnabledAt time.Time
	Remaining int64
	// Required: the account's role must use a second factor, so it cannot be turned off.
	Required bool
	// Secret and QRCode offer a new secret for enrolment (when not enabled).
	Secret string
	QRCode template.URL
	Errors map[string]string
}

// RecoveryCodesPage shows new recovery codes, once.
type RecoveryCodesPage struct {
	views.Page
	Codes []string
}

// Security shows whether the second factor is on; when it is not, a secret to add to an app,
// as a QR code drawn here and as text.
func (h *Handlers) Security(c echo.Context) error {
	p, err := h.securityPage(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "account_security", p)
}

func (h *Handlers) securityPage(c echo.Context) (SecurityPage, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	p := SecurityPage{Page: h.page(c, "twofa.title"), Errors: map[string]string{}}
	var err error
	if p.Required, err = models.RoleRequiresTwoFactor(ctx, h.DB, u.Role); err != nil {
		return p, err
	}
	sf, err := models.SecondFactorOf(ctx, h.DB, u.ID)
	switch {
	case err == nil:
		p.Enabled, p.EnabledAt = true, sf.EnabledAt
		p.Remaining, err = models.RemainingRecoveryCodes(ctx, h.DB, u.ID)
		return p, err
	case !errors.Is(err, models.ErrNotFound):
		return p, err
	}
	// The secret offered stays the same until confirmed, so that a reload after scanning does
	// not make the app's entry useless.
	p.Secret = h.Sessions.GetString(ctx, sessionEnrolSecret)
	if p.Secret == "" {
		if p.Secret, err = models.NewTOTPSecret(); err != nil {
			return p, err
		}
		h.Sessions.Put(ctx, sessionEnrolSecret, p.Secret)
	}
	png, err := models.TOTPQRCode(p.Secret, u.Email)
	if err != nil {
		return p, err
	}
	p.QRCode = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	return p, nil
}

// securityErrors re-renders the page with a message beside a field.
func (h *Handlers) securityErrors(c echo.Context, status int, field, message string) error {
	p, err := h.securityPage(c)
	if err != nil {
		return err
	}
	p.Errors[field] = message
	return h.render(c, status, "account_security", p)
}

// EnrolSecondFactor turns the second factor on once a code from the app confirms the secret
// offered, then shows the recovery codes once.
func (h *Handlers) EnrolSecondFactor(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	secret := h.Sessions.GetString(ctx, sessionEnrolSecret)
	enrolled, err := models.HasSecondFactor(ctx, h.DB, u.ID)
	if err != nil {
		return err
	}
	if secret == "" || enrolled {
		return redirect(c, "/account/security")
	}
	codes, err := models.EnableSecondFactor(ctx, h.DB, actor(c), u.ID, secret, c.FormValue("code"), h.Now())
	var v models.ValidationError
	if errors.As(err, &v) {
		return h.securityErrors(c, http.StatusUnprocessableEntity, "code", h.localizer(c).Msg(v["code"]))
	}
	if err != nil {
		return err
	}
	h.forget(ctx, sessionEnrolSecret, sessionMustEnrol)
	c.Set(contextMustEnrol, false)
	return h.showRecoveryCodes(c, codes)
}

// showRecoveryCodes shows new codes once; no cache keeps them.
func (h *Handlers) showRecoveryCodes(c echo.Context, codes []string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, "account_recovery_codes", RecoveryCodesPage{Page: h.page(c, "twofa.codes.title"), Codes: codes})
}

// checkOwnCode checks a code typed to change one's own second factor, throttled and audited
// like the code of a login: a stolen session must not be able to try codes. It returns the
// message for the field, or "" when the code is good.
func (h *Handlers) checkOwnCode(c echo.Context, field string) (string, int, error) {
	u := currentUser(c)
	loc := h.localizer(c)
	if strings.TrimSpace(c.FormValue("code")) == "" {
		return loc.T("twofa.code_required"), http.StatusUnprocessableEntity, nil
	}
	wait, err := h.codeThrottle(c, u.ID)
	if err != nil {
		return "", 0, err
	}
	if wait > 0 {
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		return loc.T("login.throttled", "Count", int(math.Ceil(wait.Minutes()))), http.StatusTooManyRequests, nil
	}
	_, err = models.VerifySecondFactor(c.Request().Context(), h.DB, u.ID, c.FormValue("code"), h.Now())
	if errors.Is(err, models.ErrBadCode) {
		if err := h.codeFailed(c, u.ID, "second factor ("+field+")"); err != nil {
			return "", 0, err
		}
		return loc.T("twofa.code_wrong"), http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return "", 0, err
	}
	return "", 0, h.codeAccepted(c, u.ID)
}

// DisableSecondFactor turns one's second factor off with a current code (or a recovery code),
// unless the role requires it.
func (h *Handlers) DisableSecondFactor(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	required, err := models.RoleRequiresTwoFactor(ctx, h.DB, u.Role)
	if err != nil {
		return err
	}
	if required {
		return h.securityErrors(c, http.StatusUnprocessableEntity, "disable_code", h.localizer(c).T("twofa.disable.required"))
	}
	msg, status, err := h.checkOwnCode(c, "disable")
	if err != nil {
		return err
	}
	if msg != "" {
		return h.securityErrors(c, status, "disable_code", msg)
	}
	if _, err := models.DisableSecondFactor(ctx, h.DB, actor(c), u.ID, h.Now(), "by=self"); err != nil {
		return err
	}
	h.flash(c, "twofa.flash.disabled")
	return redirect(c, "/account/security")
}

// RegenerateRecoveryCodes replaces one's recovery codes, with a current code, and shows the
// new ones once.
func (h *Handlers) RegenerateRecoveryCodes(c echo.Context) error {
	u := currentUser(c)
	msg, status, err := h.checkOwnCode(c, "recovery codes")
	if err != nil {
		return err
	}
	if msg != "" {
		return h.securityErrors(c, status, "regenerate_code", msg)
	}
	codes, err := models.RegenerateRecoveryCodes(c.Request().Context(), h.DB, actor(c), u.ID, h.Now())
	if errors.Is(err, models.ErrNotFound) {
		return redirect(c, "/account/security")
	}
	if err != nil {
		return err
	}
	return h.showRecoveryCodes(c, codes)
}

// SecuritySettingsPage is the choice of the roles that must use a second factor.
type SecuritySettingsPage struct {
	views.Page
	Roles    []models.Role
	Required []models.Role
}

// IsRequired tells whether a role's box is ticked.
func (p SecuritySettingsPage) IsRequired(r models.Role) bool { return slices.Contains(p.Required, r) }

// SecuritySettingsForm shows which roles must use a second factor.
func (h *Handlers) SecuritySettingsForm(c echo.Context) error {
	roles, err := models.TwoFactorRoles(c.Request().Context(), h.DB)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "security_settings",
		SecuritySettingsPage{Page: h.page(c, "twofa.settings.title"), Roles: models.Roles, Required: roles})
}

// SaveSecuritySettings stores the roles that must use a second factor (audited); their
// accounts without one are sent to enrolment at their next sign-in.
func (h *Handlers) SaveSecuritySettings(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	var roles []models.Role
	for _, v := range form["roles"] {
		r := models.Role(v)
		if !r.Valid() {
			return echo.ErrBadRequest
		}
		roles = append(roles, r)
	}
	if err := models.SaveTwoFactorRoles(c.Request().Context(), h.DB, actor(c), h.Now(), roles); err != nil {
		return err
	}
	h.flash(c, "twofa.flash.settings_saved")
	return redirect(c, "/settings/security")
}

// ResetUserSecondFactor removes an account's second factor and recovery codes, for a user who
// lost their phone and codes; they enrol again (at their next sign-in if their role requires
// it).
func (h *Handlers) ResetUserSecondFactor(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	removed, err := models.DisableSecondFactor(c.Request().Context(), h.DB, actor(c), u.ID, h.Now(), "by=admin")
	if err != nil {
		return err
	}
	// A reset answers a lost or stolen phone: whoever holds a session of the account leaves.
	if err := h.endSessions(c, u.ID); err != nil {
		return err
	}
	if removed {
		h.flash(c, "twofa.flash.reset")
	} else {
		h.flash(c, "twofa.flash.reset_none")
	}
	return redirect(c, fmt.Sprintf("/admin/users/%d", u.ID))
}
