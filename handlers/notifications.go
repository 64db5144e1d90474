package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// NotificationsPage is the data of /notifications: a page of the user's notifications, newest
// first.
type NotificationsPage struct {
	views.Page
	models.NotificationPage
	Pages Pagination
}

// Notifications lists the signed-in user's notifications, newest first, a page at a time.
// Every role has them; each user sees only their own.
func (h *Handlers) Notifications(c echo.Context) error {
	u := currentUser(c)
	page := pageParam(c)
	list, err := models.ListNotifications(c.Request().Context(), h.DB, u.ID, page)
	if err != nil {
		return err
	}
	p := NotificationsPage{Page: h.page(c, "notify.title"), NotificationPage: list}
	p.Pages = paginate("/notifications", nil, page, models.NotificationsPerPage, list.Total)
	// The bell counts what was unread when the request began; the page's own count is newer.
	if p.User != nil {
		p.User.Unread = int(list.Unread)
	}
	return h.render(c, http.StatusOK, "notifications", p)
}

// MarkNotificationRead marks one of the user's notifications read and comes back to the list;
// another user's notification is not found.
func (h *Handlers) MarkNotificationRead(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if _, err := models.MarkNotificationRead(c.Request().Context(), h.DB, currentUser(c).ID, id, h.Now()); err != nil {
		return notFound(err)
	}
	h.flash(c, "notify.marked_read")
	return redirect(c, "/notifications")
}

// MarkAllNotificationsRead marks every unread notification of the user read.
func (h *Handlers) MarkAllNotificationsRead(c echo.Context) error {
	ctx := c.Request().Context()
	n, err := models.MarkAllNotificationsRead(ctx, h.DB, currentUser(c).ID, h.Now())
	if err != nil {
		return err
	}
	h.Sessions.Put(ctx, sessionFlash, h.localizer(c).T("notify.all_read", "Count", n))
	return redirect(c, "/notifications")
}

// MailPreferencePage is the data of /account/notifications: how the user is told by e-mail.
type MailPreferencePage struct {
	views.Page
	Choices  []models.MailPreference
	Selected models.MailPreference
	// Default tells that the user never chose: Selected is their role's default.
	Default bool
	Error   string
	// MailEnabled is false when the server sends no e-mail (no MEDIATION_SMTP_URL).
	MailEnabled bool
}

func (h *Handlers) mailPreferencePage(c echo.Context) MailPreferencePage {
	u := currentUser(c)
	return MailPreferencePage{Page: h.page(c, "mail.preference.title"), Choices: models.MailPreferences,
		Selected: models.EffectiveMailPreference(*u), Default: !u.MailPreference.Valid(), MailEnabled: h.MailEnabled}
}

// MailPreferenceForm shows the e-mail preference of the signed-in user: immediately, a daily
// digest, or never.
func (h *Handlers) MailPreferenceForm(c echo.Context) error {
	return h.render(c, http.StatusOK, "account_notifications", h.mailPreferencePage(c))
}

// SaveMailPreference records the choice; an unknown one comes back with 422 and a message,
// and changes nothing.
func (h *Handlers) SaveMailPreference(c echo.Context) error {
	u := currentUser(c)
	choice := models.MailPreference(c.FormValue("mail_preference"))
	err := models.SetMailPreference(c.Request().Context(), h.DB, actor(c), h.Now(), u.ID, choice)
	var v models.ValidationError
	if errors.As(err, &v) {
		p := h.mailPreferencePage(c)
		p.Error = fieldErrors(p.Localizer, v)["mail_preference"]
		return h.render(c, http.StatusUnprocessableEntity, "account_notifications", p)
	}
	if err != nil {
		return err
	}
	h.flash(c, "mail.preference.saved")
	return redirect(c, "/account/notifications")
}

// AdminMailPage is the data of /admin/mail: the e-mails and their delivery state.
type AdminMailPage struct {
	views.Page
	models.MailList
	Status      models.MailStatus
	Statuses    []models.MailStatus
	Pages       Pagination
	MailEnabled bool
}

// AdminMail lists the e-mails, newest first, filtered by state, with the server's last answer.
func (h *Handlers) AdminMail(c echo.Context) error {
	status := models.MailStatus(c.QueryParam("status"))
	if !status.Valid() {
		status = ""
	}
	page := pageParam(c)
	list, err := models.ListMail(c.Request().Context(), h.DB, status, page)
	if err != nil {
		return err
	}
	p := AdminMailPage{Page: h.page(c, "mail.admin.title"), MailList: list, Status: status, Statuses: models.MailStatuses,
		MailEnabled: h.MailEnabled}
	p.Pages = paginate("/admin/mail", map[string]string{"status": string(status)}, page, models.MailPerPage, list.Total)
	return h.render(c, http.StatusOK, "admin_mail", p)
}

// RetryMail puts a failed e-mail back in the queue; one that is not failed is refused with a
// message, an unknown one is not found.
func (h *Handlers) RetryMail(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	err = models.RetryMail(c.Request().Context(), h.DB, actor(c), h.Now(), id)
	var v models.ValidationError
	switch {
	case errors.As(err, &v):
		h.flash(c, "mail.retry_not_failed")
		return redirect(c, "/admin/mail")
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "mail.admin.retried")
	return redirect(c, "/admin/mail?status=waiting")
}
