package handlers

import (
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
