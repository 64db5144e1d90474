package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/views"
)

// UsersPage is the administrator's account list.
type UsersPage struct {
	views.Page
	Users  []models.User
	Total  int64
	Filter models.UserFilter
	Roles  []models.Role
	Pages  Pagination
}

// UserFormPage is the form that creates or edits an account.
type UserFormPage struct {
	views.Page
	// ID is 0 for a new account.
	ID             uint
	Account        models.Account
	Establishments []models.Establishment
	Partners       []models.PartnerOrganisation
	Roles          []models.Role
	Errors         map[string]string
	Self           bool
	// SecondFactor tells whether the account has turned its second factor on.
	SecondFactor bool
}

// Selected tells whether the establishment is among the account's.
func (p UserFormPage) Selected(id uint) bool { return slices.Contains(p.Account.EstablishmentIDs, id) }

// PartnerSelected tells whether the organisation is the account's.
func (p UserFormPage) PartnerSelected(id uint) bool {
	return p.Account.PartnerOrganisationID != nil && *p.Account.PartnerOrganisationID == id
}

// TemporaryPasswordPage shows a temporary password once, right after it is set.
type TemporaryPasswordPage struct {
	views.Page
	Account  models.User
	Password string
	Created  bool
}

// Users lists the accounts with filters and pages.
func (h *Handlers) Users(c echo.Context) error {
	f := models.UserFilter{Role: models.Role(c.QueryParam("role")), State: c.QueryParam("state"), Query: c.QueryParam("q")}
	if !f.Role.Valid() {
		f.Role = ""
	}
	if f.State != "active" && f.State != "inactive" {
		f.State = ""
	}
	f.Page = pageParam(c)
	users, total, err := models.ListUsers(c.Request().Context(), h.DB, f)
	if err != nil {
		return err
	}
	p := UsersPage{Page: h.page(c, "admin.users.title"), Users: users, Total: total, Filter: f, Roles: models.Roles}
	p.Pages = paginate("/admin/users", map[string]string{"role": string(f.Role), "state": f.State, "q": f.Query},
		f.Page, models.UsersPerPage, total)
	return h.render(c, http.StatusOK, "admin_users", p)
}

// NewUserForm shows an empty account form.
func (h *Handlers) NewUserForm(c echo.Context) error {
	p, err := h.userForm(c, 0, models.Account{Role: models.RoleMediator, Locale: models.LocaleFrench, Active: true})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "admin_user_form", p)
}

// EditUserForm shows an account's form.
func (h *Handlers) EditUserForm(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	p, err := h.userForm(c, u.ID, accountOf(u))
	if err != nil {
		return err
	}
	if p.SecondFactor, err = models.HasSecondFactor(c.Request().Context(), h.DB, u.ID); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "admin_user_form", p)
}

// CreateUser creates an account with a temporary password shown once.
func (h *Handlers) CreateUser(c echo.Context) error {
	ctx := c.Request().Context()
	a := bindAccount(c)
	password, hash, err := h.temporaryPassword(c.Request().Context())
	if err != nil {
		return err
	}
	var u models.User
	replay, err := h.submitOnce(c, func(tx *gorm.DB) (string, error) {
		var err error
		u, err = models.CreateAccount(ctx, tx, actor(c), h.Now(), a, hash, true)
		// The temporary password is shown once, to the first answer; a repeat leads to the
		// account, where the administrator can reset it.
		return fmt.Sprintf("/admin/users/%d", u.ID), err
	})
	if replay != "" {
		return h.replayed(c, replay)
	}
	var v models.ValidationError
	if errors.As(err, &v) {
		return h.userFormErrors(c, 0, a, v)
	} else if err != nil {
		return err
	}
	return h.render(c, http.StatusCreated, "admin_user_password",
		TemporaryPasswordPage{Page: h.page(c, "admin.users.created"), Account: u, Password: password, Created: true})
}

// UpdateUser saves an account's identity, role, assignments and state. An administrator may
// not deactivate their own account or take away their own role.
func (h *Handlers) UpdateUser(c echo.Context) error {
	ctx := c.Request().Context()
	before, err := h.userParam(c)
	if err != nil {
		return err
	}
	a := bindAccount(c)
	if before.ID == currentUser(c).ID && (!a.Active || a.Role != models.RoleAdmin) {
		return h.userFormErrors(c, before.ID, a, models.ValidationError{"active": models.Msg("account.self_change_refused")})
	}
	_, err = models.UpdateAccount(ctx, h.DB, actor(c), h.Now(), before.ID, a, func(after models.User) string {
		return accountChanges(before, after)
	})
	var v models.ValidationError
	if errors.As(err, &v) {
		return h.userFormErrors(c, before.ID, a, v)
	} else if err != nil {
		return err
	}
	if before.Active && !a.Active {
		if err := h.endSessions(c, before.ID); err != nil {
			return err
		}
	}
	h.flash(c, "flash.user_saved")
	return redirect(c, "/admin/users")
}

// ConfirmResetPassword asks the administrator to confirm a password reset: it ends the
// account's sessions and its current password at once, so one stray click must not do it.
func (h *Handlers) ConfirmResetPassword(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "admin_user_password_confirm",
		TemporaryPasswordPage{Page: h.page(c, "admin.users.reset_title"), Account: u})
}

// ResetUserPassword sets a generated temporary password, shown once, and ends the account's
// sessions; its owner must change it at the next login.
func (h *Handlers) ResetUserPassword(c echo.Context) error {
	u, err := h.userParam(c)
	if err != nil {
		return err
	}
	password, hash, err := h.temporaryPassword(c.Request().Context())
	if err != nil {
		return err
	}
	if err := models.SetPasswordAudited(c.Request().Context(), h.DB, actor(c), h.Now(), u.ID, hash, true, "by=admin temporary",
		h.keptSession(c, u.ID)); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "admin_user_password",
		TemporaryPasswordPage{Page: h.page(c, "admin.users.password_reset"), Account: u, Password: password})
}

// endSessions ends the sessions of an account an administrator reset or deactivated; the
// administrator's own session stays when the account is theirs.
func (h *Handlers) endSessions(c echo.Context, userID uint) error {
	_, err := models.EndSessions(c.Request().Context(), h.DB, userID, h.keptSession(c, userID))
	return err
}

// keptSession is the session that survives ending an account's sessions by an administrator:
// the administrator's own, when the account is theirs; none otherwise.
func (h *Handlers) keptSession(c echo.Context, userID uint) string {
	if userID == currentUser(c).ID {
		return h.Sessions.Token(c.Request().Context())
	}
	return ""
}

// temporaryPassword generates a password to show once, and its hash.
func (h *Handlers) temporaryPassword(ctx context.Context) (password, hash string, err error) {
	if password, err = models.GeneratePassword(); err != nil {
		return "", "", err
	}
	hash, err = h.Hasher.Hash(ctx, password)
	return password, hash, err
}

func (h *Handlers) userParam(c echo.Context) (models.User, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return models.User{}, echo.ErrNotFound
	}
	u, err := models.UserByID(c.Request().Context(), h.DB, uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, echo.ErrNotFound
	}
	return u, err
}

func (h *Handlers) userForm(c echo.Context, id uint, a models.Account) (UserFormPage, error) {
	title := "admin.users.new"
	if id != 0 {
		title = "admin.users.edit"
	}
	es, err := models.ListEstablishments(c.Request().Context(), h.DB)
	if err != nil {
		return UserFormPage{}, err
	}
	ps, err := models.ListPartners(c.Request().Context(), h.DB)
	if err != nil {
		return UserFormPage{}, err
	}
	return UserFormPage{Page: h.page(c, title), ID: id, Account: a, Establishments: es, Partners: ps,
		Roles: models.Roles, Self: id != 0 && id == currentUser(c).ID}, nil
}

func (h *Handlers) userFormErrors(c echo.Context, id uint, a models.Account, v models.ValidationError) error {
	p, err := h.userForm(c, id, a)
	if err != nil {
		return err
	}
	p.Errors = fieldErrors(p.Localizer, v)
	return h.render(c, http.StatusUnprocessableEntity, "admin_user_form", p)
}

func bindAccount(c echo.Context) models.Account {
	a := models.Account{
		Email: c.FormValue("email"), DisplayName: c.FormValue("display_name"), Phone: c.FormValue("phone"), Role: models.Role(c.FormValue("role")),
		Locale: c.FormValue("locale"), Active: c.FormValue("active") == "on",
	}
	if form, err := c.FormParams(); err == nil {
		for _, v := range form["establishments"] {
			if id, err := strconv.ParseUint(v, 10, 32); err == nil {
				a.EstablishmentIDs = append(a.EstablishmentIDs, uint(id))
			}
		}
	}
	if id, err := strconv.ParseUint(c.FormValue("partner"), 10, 32); err == nil && id > 0 {
		pid := uint(id)
		a.PartnerOrganisationID = &pid
	}
	// Assignments that do not fit the role are dropped rather than refused: the form shows all
	// of them whatever the role chosen, and a browser without script cannot hide them.
	if a.Role != models.RoleMediator && a.Role != models.RoleHeadTeacher {
		a.EstablishmentIDs = nil
	}
	if a.Role != models.RolePartner {
		a.PartnerOrganisationID = nil
	}
	return a
}

func accountOf(u models.User) models.Account {
	a := models.Account{Email: u.Email, DisplayName: u.DisplayName, Phone: u.Phone, Role: u.Role, Locale: u.Locale, Active: u.Active,
		PartnerOrganisationID: u.PartnerOrganisationID}
	for _, e := range u.Establishments {
		a.EstablishmentIDs = append(a.EstablishmentIDs, e.ID)
	}
	return a
}

// accountChanges describes what changed on an account, for the audit log.
func accountChanges(before, after models.User) string {
	var parts []string
	add := func(field string, from, to any) {
		if fmt.Sprint(from) != fmt.Sprint(to) {
			parts = append(parts, fmt.Sprintf("%s: %v → %v", field, from, to))
		}
	}
	add("email", before.Email, after.Email)
	add("name", before.DisplayName, after.DisplayName)
	if before.Phone != after.Phone {
		parts = append(parts, "phone") // the number itself stays out of the log
	}
	add("role", before.Role, after.Role)
	add("active", before.Active, after.Active)
	add("locale", before.Locale, after.Locale)
	add("establishments", uais(before.Establishments), uais(after.Establishments))
	add("partner", idOrNone(before.PartnerOrganisationID), idOrNone(after.PartnerOrganisationID))
	return strings.Join(parts, "; ")
}

func uais(es []models.Establishment) string {
	codes := make([]string, len(es))
	for i, e := range es {
		codes[i] = e.UAI
	}
	slices.Sort(codes)
	return "[" + strings.Join(codes, " ") + "]"
}

func idOrNone(id *uint) string {
	if id == nil {
		return "-"
	}
	return fmt.Sprint(*id)
}
