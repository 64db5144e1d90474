package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// PasswordPage is the data of the account page: the password change form, and the work
// phone a partner calls back on.
type PasswordPage struct {
	views.Page
	Forced bool
	Errors map[string]string
	// Phone is the phone as stored, or as typed when it was refused; PhoneError says why.
	Phone, PhoneError string
}

// PasswordForm shows the form to change one's password; after a temporary password it is
// the only page an account can reach.
func (h *Handlers) PasswordForm(c echo.Context) error {
	u := currentUser(c)
	p := PasswordPage{Page: h.page(c, "password.title"), Forced: u.MustChangePassword, Phone: u.Phone}
	return h.render(c, http.StatusOK, "password", p)
}

// ChangePhone saves the work phone of the signed-in account (empty removes it); a malformed
// number comes back with 422 and changes nothing.
func (h *Handlers) ChangePhone(c echo.Context) error {
	u := currentUser(c)
	if u.MustChangePassword {
		return redirect(c, "/account/password")
	}
	err := models.SetPhoneAudited(c.Request().Context(), h.DB, actor(c), h.Now(), u.ID, c.FormValue("phone"))
	var ve models.ValidationError
	if errors.As(err, &ve) {
		p := PasswordPage{Page: h.page(c, "password.title"), Phone: c.FormValue("phone")}
		p.PhoneError = fieldErrors(p.Localizer, ve)["phone"]
		return h.render(c, http.StatusUnprocessableEntity, "password", p)
	}
	if err != nil {
		return err
	}
	h.flash(c, "roles.phone_saved")
	return redirect(c, "/account/password")
}

// ChangePassword checks the current password and the policy, then stores the new hash, renews
// the session id and ends the account's other sessions. Wrong current passwords are audited and
// throttled per account: past the limit, the session ends, so that a stolen session cannot guess
// the password.
func (h *Handlers) ChangePassword(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	p := PasswordPage{Page: h.page(c, "password.title"), Forced: u.MustChangePassword, Errors: map[string]string{}}
	current, next, confirm := c.FormValue("current_password"), c.FormValue("new_password"), c.FormValue("confirm_password")
	key := h.Throttle.Key(fmt.Sprintf("password:%d", u.ID))
	wait, err := h.Throttle.Reserve(ctx, h.DB, h.Now(), key)
	if err != nil {
		return err
	}
	if wait > 0 {
		return h.endSessionAfterGuessing(c, u)
	}
	ok, err := h.Hasher.Check(ctx, u.PasswordHash, current)
	if errors.Is(err, models.ErrHasherBusy) {
		if rerr := h.Throttle.Release(context.WithoutCancel(ctx), h.DB, key); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if err != nil || !ok {
		p.Errors["current_password"] = p.T("password.current_wrong")
		if err := h.audit(c, models.AuditPasswordCheckFailed, "user", fmt.Sprint(u.ID), "current password wrong"); err != nil {
			return err
		}
	} else if err := h.Throttle.Forgive(ctx, h.DB, key); err != nil {
		return err
	}
	var v models.ValidationError
	if err := models.ValidatePassword(next, u.Email); errors.As(err, &v) {
		p.Errors["new_password"] = p.Msg(v["password"])
	} else if next == current {
		p.Errors["new_password"] = p.T("password.same_as_current")
	}
	if confirm != next {
		p.Errors["confirm_password"] = p.T("password.confirm_mismatch")
	}
	if len(p.Errors) == 0 {
		// The hash, not what was typed, says whether the new password is the current (or
		// temporary) one again.
		same, err := h.Hasher.Check(ctx, u.PasswordHash, next)
		if err != nil {
			return err
		}
		if same {
			p.Errors["new_password"] = p.T("password.same_as_current")
		}
	}
	if len(p.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "password", p)
	}
	hash, err := h.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	// A new session id for this browser; whoever else knew the old password loses their
	// sessions, in the transaction that changes it.
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	if err := models.SetPasswordAudited(ctx, h.DB, actor(c), h.Now(), u.ID, hash, false, "by=self", h.Sessions.Token(ctx)); err != nil {
		return err
	}
	h.flash(c, "flash.password_changed")
	return redirect(c, "/")
}

// endSessionAfterGuessing ends the session of an account whose current password was given
// wrong too often on the password-change page: whoever holds it must sign in again.
func (h *Handlers) endSessionAfterGuessing(c echo.Context, u *models.User) error {
	if err := h.audit(c, models.AuditPasswordCheckFailed, "user", fmt.Sprint(u.ID), "throttled, session ended"); err != nil {
		return err
	}
	if err := h.Sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	c.Set(contextUser, nil)
	h.flash(c, "login.password_guessing")
	return redirect(c, "/login")
}

// SetLanguage switches the interface language: on the account for a signed-in user, in a
// cookie for a visitor.
func (h *Handlers) SetLanguage(c echo.Context) error {
	lang := c.FormValue("lang")
	if lang != models.LocaleFrench && lang != models.LocaleEnglish {
		return echo.ErrBadRequest
	}
	if u := currentUser(c); u != nil && u.Locale != lang {
		err := h.DB.WithContext(c.Request().Context()).Model(&models.User{}).Where("id = ?", u.ID).
			Update("locale", lang).Error
		if err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies,
	})
	return redirect(c, safeRedirect(c.FormValue("next")))
}
