package app

import (
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"mediation/handlers"
	"mediation/models"
)

// newSessions keeps sessions in our database so that instances share them. The cookie lives
// as long as the browser; scs's lifetime backs up the one LoadUser checks on our clock. The idle
// timeout is LoadUser's alone: scs's own would write every session on every request.
func newSessions(db *gorm.DB, cfg Config) *scs.SessionManager {
	s := scs.New()
	s.Store = models.SessionStore{DB: db, Codec: s.Codec, Now: cfg.Now}
	s.Lifetime = cfg.SessionLifetime
	s.Cookie.Name = "mediation_session"
	s.Cookie.HttpOnly = true
	s.Cookie.SameSite = http.SameSiteLaxMode
	s.Cookie.Secure = cfg.SecureCookies
	s.Cookie.Persist = false
	s.Cookie.Path = "/"
	return s
}

// csrf checks the token of every form post (echo's double-submit cookie).
func (a *App) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     handlers.CSRFCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieSecure:   a.Config.SecureCookies,
		ErrorHandler:   func(err error, c echo.Context) error { return echo.ErrForbidden },
	})
}

// routes lists every page. Each group says who may reach it; anything else answers 404.
//
// Order matters for what a request costs before it is refused: the session and the user are
// loaded first (from the cookie only), then the group refuses a visitor or another role, and only
// then is the body read, by the input check (CheckInput) and the CSRF check. So an anonymous
// upload is turned away without a byte of its body being read. Every group of pages ends with
// CheckInput and CSRF: register pages on one of these groups, never on sessions itself.
func (a *App) routes(e *echo.Echo, h *handlers.Handlers) {
	csrf := a.csrf()
	sessions := e.Group("", echo.WrapMiddleware(a.Sessions.LoadAndSave), h.LoadUser)
	public := sessions.Group("", h.CheckInput, csrf)
	public.GET("/login", h.LoginForm)
	public.POST("/login", h.Login)
	public.GET("/login/code", h.LoginCodeForm)
	public.POST("/login/code", h.LoginCode)
	public.POST("/language", h.SetLanguage)

	// Routes whose role is checked on the route itself read the body of a signed-in user of
	// another role (within the 2 MiB limit) before answering 404; the groups below check theirs
	// first.
	signedIn := sessions.Group("", h.RequireLogin, h.CheckInput, csrf)
	signedIn.GET("/", h.Home)
	signedIn.GET("/session/keepalive", h.KeepAlive)
	signedIn.POST("/logout", h.Logout)
	signedIn.GET("/account/password", h.PasswordForm)
	signedIn.POST("/account/password", h.ChangePassword)
	signedIn.POST("/account/phone", h.ChangePhone)
	signedIn.GET("/account/security", h.Security)
	signedIn.POST("/account/security", h.EnrolSecondFactor)
	signedIn.POST("/account/security/disable", h.DisableSecondFactor)
	signedIn.POST("/account/security/recovery-codes", h.RegenerateRecoveryCodes)
	signedIn.GET("/notifications", h.Notifications)
	signedIn.POST("/notifications/read", h.MarkAllNotificationsRead)
	signedIn.POST("/notifications/:id/read", h.MarkNotificationRead)
	signedIn.GET("/account/notifications", h.MailPreferenceForm)
	signedIn.POST("/account/notifications", h.SaveMailPreference)

	// Pupil files: the establishment roles read them, mediators work on them. The scope decides
	// which files; anything outside it is not found.
	reader := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	mediator := handlers.RequireRoles(models.RoleMediator)
	signedIn.GET("/pupils", h.Pupils, reader)
	signedIn.GET("/pupils/new", h.NewPupilForm, mediator)
	signedIn.POST("/pupils", h.CreatePupil, mediator)
	signedIn.GET("/pupils/:id", h.Pupil, reader)
	signedIn.GET("/pupils/:id/edit", h.EditPupilForm, mediator)
	signedIn.POST("/pupils/:id", h.UpdatePupil, mediator)
	signedIn.POST("/pupils/:id/status", h.ChangePupilStatus, mediator)
	signedIn.POST("/pupils/:id/guardians", h.AddGuardian, mediator)
	signedIn.POST("/pupils/:id/guardians/:gid", h.UpdateGuardian, mediator)
	signedIn.POST("/pupils/:id/guardians/:gid/delete", h.DeleteGuardian, mediator)
	signedIn.POST("/pupils/:id/indicators", h.SaveIndicators, mediator)
	signedIn.POST("/pupils/:id/followups", h.CreateFollowUp, mediator)
	signedIn.GET("/pupils/:id/export.json", h.ExportPupil, mediator)
	signedIn.GET("/followups/:id/edit", h.EditFollowUpForm, mediator)
	signedIn.POST("/followups/:id", h.UpdateFollowUp, mediator)
	signedIn.POST("/followups/:id/delete", h.DeleteFollowUp, mediator)
	signedIn.POST("/actions/:id/done", h.CompleteAction, mediator)
	signedIn.POST("/actions/:id/undo", h.UndoAction, mediator)

	meetingRoutes(signedIn, h)
	activityRoutes(signedIn, h)
	conventionRoutes(signedIn, h)
	conflictRoutes(signedIn, h)
	caseReviewRoutes(signedIn, h)
	referralRoutes(signedIn, h)
	letterRoutes(signedIn, h)
	reportRoutes(signedIn, h)

	policy := handlers.RequireRoles(models.RoleCoordinator, models.RoleAdmin)
	signedIn.GET("/settings/risk", h.RiskRulesForm, policy)
	signedIn.POST("/settings/risk", h.SaveRiskRules, policy)
	signedIn.GET("/settings/security", h.SecuritySettingsForm, policy)
	signedIn.POST("/settings/security", h.SaveSecuritySettings, policy)

	// The administrator's pages check the role before reading a body: the import upload may
	// be large.
	admin := sessions.Group("/admin", h.RequireLogin, handlers.RequireRoles(models.RoleAdmin), h.CheckInput, csrf)
	admin.GET("/users", h.Users)
	admin.GET("/users/new", h.NewUserForm)
	admin.POST("/users", h.CreateUser)
	admin.GET("/users/:id", h.EditUserForm)
	admin.POST("/users/:id", h.UpdateUser)
	admin.GET("/users/:id/password", h.ConfirmResetPassword)
	admin.POST("/users/:id/password", h.ResetUserPassword)
	admin.POST("/users/:id/second-factor/reset", h.ResetUserSecondFactor)
	admin.GET("/imports", h.ImportForm)
	admin.POST("/imports", h.UploadImport)
	admin.POST("/imports/:token/apply", h.ApplyImport)
	admin.GET("/audit", h.AuditLog)
	admin.GET("/audit.csv", h.AuditCSV)
	admin.GET("/mail", h.AdminMail)
	admin.POST("/mail/:id/retry", h.RetryMail)
}
