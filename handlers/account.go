package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// PasswordPage is the data of the password change form.
type PasswordPage struct {
	views.Page
	Forced bool
	Errors map[string]string
}

// PasswordForm shows the form to change one's password; after a temporary password it is
// the only page an account can reach.
func (h *Handlers) PasswordForm(c echo.Context) error {
	p := PasswordPage{Page: h.page(c, "password.title"), Forced: currentUser(c).MustChangePassword}
	return h.render(c, http.StatusOK, "password", p)
}

// ChangePassword checks the current password and the policy, then stores the new hash and
// renews the session id.
func (h *Handlers) ChangePassword(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	p := PasswordPage{Page: h.page(c, "password.title"), Forced: u.MustChangePassword, Errors: map[string]string{}}
	current, next, confirm := c.FormValue("current_password"), c.FormValue("new_password"), c.FormValue("confirm_password")
	if _, err := models.Authenticate(ctx, h.DB, u.Email, current); err != nil {
		if !errors.Is(err, models.ErrBadCredentials) {
			return err
		}
		p.Errors["current_password"] = p.T("password.current_wrong")
	}
	var v models.ValidationError
	if err := models.ValidatePassword(next, u.Email); errors.As(err, &v) {
		p.Errors["new_password"] = p.T(v["password"])
	} else if next == current {
		p.Errors["new_password"] = p.T("password.same_as_current")
	}
	if confirm != next {
		p.Errors["confirm_password"] = p.T("password.confirm_mismatch")
	}
	if len(p.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "password", p)
	}
	hash, err := models.HashPassword(next, models.DefaultArgon2)
	if err != nil {
		return err
	}
	if err := models.SetPasswordAudited(ctx, h.DB, actor(c), h.Now(), u.ID, hash, false, "by=self"); err != nil {
		return err
	}
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.flash(c, "flash.password_changed")
	return redirect(c, "/")
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
