// Package handlers holds the HTTP handlers, one file per area. Each handler binds, validates,
// authorizes, calls models, then renders or redirects with 303.
package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/reports"
	"mediation/views"
)

// Handlers carries what the handlers share; app builds it once.
type Handlers struct {
	DB       *gorm.DB
	Views    *views.Views
	Log      *slog.Logger
	Now      func() time.Time
	Sessions *scs.SessionManager
	// Throttle limits login attempts per device cookie, per account and per address.
	Throttle models.Throttle
	// Hasher computes every password hash and check, a few at a time.
	Hasher *models.Hasher
	// LoginSecrets signs device cookies and hides emails in the throttling counters.
	LoginSecrets models.LoginSecrets
	// IdleTimeout ends a session unused for that long; Lifetime ends any session that old.
	IdleTimeout time.Duration
	Lifetime    time.Duration
	// SecureCookies marks the cookies Secure, behind TLS.
	SecureCookies bool
	// Importers are the file imports offered to administrators, by kind.
	Importers map[string]Importer
	// Snapshots serves the metropolitan figures (the overview, its PDF) and the annual reviews.
	Snapshots *reports.Snapshots
	// MailEnabled tells that the server sends e-mails (MEDIATION_SMTP_URL is set).
	MailEnabled bool
}

// langCookie keeps a visitor's language choice before they sign in.
const langCookie = "lang"

// localizer speaks the user's language: the account's preference, else the visitor's choice,
// else the browser's Accept-Language, else French.
func (h *Handlers) localizer(c echo.Context) *views.Localizer {
	var prefs []string
	if u := currentUser(c); u != nil {
		prefs = append(prefs, u.Locale)
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		prefs = append(prefs, ck.Value)
	}
	prefs = append(prefs, c.Request().Header.Get("Accept-Language"))
	return h.Views.Localizer(prefs...)
}

// page builds the common part of a page's data: language, title, user, navigation, flash.
func (h *Handlers) page(c echo.Context, title string) views.Page {
	loc := h.localizer(c)
	p := views.Page{Localizer: loc, RequestID: requestID(c), Title: loc.T(title), Path: c.Request().URL.RequestURI()}
	if tok, ok := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string); ok {
		p.CSRFToken = tok
	} else if ck, err := c.Cookie(CSRFCookie); err == nil {
		// A request refused before the CSRF check (CheckInput) still shows forms that work.
		p.CSRFToken = ck.Value
	}
	if u := currentUser(c); u != nil {
		p.User = &views.CurrentUser{ID: u.ID, Name: u.DisplayName, Role: loc.T("role." + string(u.Role)),
			Unread: currentScope(c).UnreadNotifications}
		p.Idle = views.NewIdleWarning(h.IdleTimeout)
		if mustEnrol, _ := c.Get(contextMustEnrol).(bool); !u.MustChangePassword && !mustEnrol {
			var partner uint
			if u.PartnerOrganisationID != nil {
				partner = *u.PartnerOrganisationID
			}
			p.Nav = navigation(loc, u.Role, partner, currentScope(c).FundsAgreement, c.Request().URL.Path)
		}
	}
	// Pages outside the session middleware (static files, probes) have no session to read.
	if loaded, _ := c.Get(contextSession).(bool); loaded {
		p.Flash = h.Sessions.PopString(c.Request().Context(), sessionFlash)
		p.FlashUndo = h.Sessions.PopString(c.Request().Context(), sessionFlashUndo)
		p.FlashAt = h.Sessions.PopString(c.Request().Context(), sessionFlashAt)
	}
	return p
}

// navigation lists the pages of a role (partner: the agent's organisation); the entry of the
// current section is marked. A partner's agents see the funding agreements when their
// organisation funds one (fundsAgreement).
func navigation(loc *views.Localizer, role models.Role, partner uint, fundsAgreement bool, path string) []views.NavItem {
	items := []views.NavItem{{Href: "/", Label: loc.T("nav.home")}}
	if role == models.RoleMediator || role == models.RoleHeadTeacher {
		items = append(items, views.NavItem{Href: "/pupils", Label: loc.T("nav.pupils")},
			views.NavItem{Href: "/meetings", Label: loc.T("nav.meetings")})
		items = append(items, schoolLifeNav(loc))
	}
	if role == models.RoleMediator || role == models.RoleHeadTeacher || role == models.RolePartner {
		items = append(items, views.NavItem{Href: "/referrals", Label: loc.T("nav.referrals")})
	}
	if role == models.RoleMediator || role == models.RoleHeadTeacher {
		items = append(items, views.NavItem{Href: "/establishments", Label: loc.T("nav.dashboards")})
	}
	switch {
	case role == models.RolePartner && partner != 0:
		// One entry: the organisation's report, which links to the metropolitan one.
		items = append(items, views.NavItem{Href: fmt.Sprintf("/partners/%d/report", partner), Label: loc.T("roles.nav.reports"),
			Also: []string{"/reports/metropolitan"}})
	case role == models.RoleCoordinator || role == models.RolePartner:
		items = append(items, views.NavItem{Href: "/reports/metropolitan", Label: loc.T("nav.metropolitan")})
	}
	if role == models.RoleCoordinator || role == models.RoleAdmin || role == models.RolePartner && fundsAgreement {
		items = append(items, views.NavItem{Href: "/conventions", Label: loc.T("impact.nav"), Also: []string{"/settings/unit-costs", "/reports/impact"}})
	}
	if role == models.RoleCoordinator {
		items = append(items, views.NavItem{Href: "/partners", Label: loc.T("nav.partners")},
			views.NavItem{Href: "/settings/reports", Label: loc.T("nav.report_settings")},
			views.NavItem{Href: "/settings/activity-kinds", Label: loc.T("activities.nav_kinds")},
			views.NavItem{Href: "/settings/letters", Label: loc.T("letters.nav")})
	}
	if role == models.RoleAdmin {
		items = append(items, views.NavItem{Href: "/admin/users", Label: loc.T("nav.users")},
			views.NavItem{Href: "/admin/imports", Label: loc.T("nav.imports")},
			views.NavItem{Href: "/admin/audit", Label: loc.T("nav.audit")},
			views.NavItem{Href: "/admin/mail", Label: loc.T("mail.admin.nav")})
	}
	if role == models.RoleCoordinator || role == models.RoleAdmin {
		items = append(items, views.NavItem{Href: "/settings/risk", Label: loc.T("nav.risk_rules")},
			views.NavItem{Href: "/settings/security", Label: loc.T("nav.security_settings")})
	}
	items = append(items, views.NavItem{Href: "/account/password", Label: loc.T("nav.account")})
	for i := range items {
		for _, href := range append([]string{items[i].Href}, items[i].Also...) {
			items[i].Current = items[i].Current || path == href || href != "/" && strings.HasPrefix(path, href+"/")
		}
	}
	return items
}

// render writes a page with its status; the page is rendered in full before anything is sent.
func (h *Handlers) render(c echo.Context, status int, name string, data any) error {
	buf := h.Views.Buffer()
	defer h.Views.Release(buf)
	if err := h.Views.Render(buf, name, data); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	_, err := buf.WriteTo(c.Response())
	return err
}

func requestID(c echo.Context) string {
	if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
		return id
	}
	return c.Request().Header.Get(echo.HeaderXRequestID)
}

// redirect answers 303 See Other, so that a form post is never replayed by a reload.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// actor is the signed-in user as the audit log records it.
func actor(c echo.Context) models.Actor {
	a := models.Actor{RemoteIP: c.RealIP(), RequestID: requestID(c)}
	if u := currentUser(c); u != nil {
		id := u.ID
		a.UserID, a.Email = &id, u.Email
	}
	return a
}

// fieldErrors writes the messages of a validation error in the page's language.
func fieldErrors(loc *views.Localizer, v models.ValidationError) map[string]string {
	out := make(map[string]string, len(v))
	for field, msg := range v {
		out[field] = loc.Msg(msg)
	}
	return out
}
