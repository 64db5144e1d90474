package app

import (
	"fmt"
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"mediation/handlers"
	"mediation/models"
)

// newSessions keeps sessions in our database so that instances share them. The cookie lives
// as long as the browser; scs's own timeouts back up the ones LoadUser checks on our clock.
func newSessions(db *gorm.DB, cfg Config) *scs.SessionManager {
	s := scs.New()
	s.Store = models.SessionStore{DB: db}
	s.Lifetime = cfg.SessionLifetime
	s.IdleTimeout = cfg.SessionIdle
	s.Cookie.Name = "mediation_session"
	s.Cookie.HttpOnly = true
	s.Cookie.SameSite = http.SameSiteLaxMode
	s.Cookie.Secure = cfg.SecureCookies
	s.Cookie.Persist = false
	s.Cookie.Path = "/"
	return s
}

// routes lists every page. Each group says who may reach it; anything else answers 404.
func (a *App) routes(e *echo.Echo, h *handlers.Handlers) {
	web := e.Group("", echo.WrapMiddleware(a.Sessions.LoadAndSave), h.LoadUser)
	web.GET("/login", h.LoginForm)
	web.POST("/login", h.Login)
	web.GET("/login/code", h.LoginCodeForm)
	web.POST("/login/code", h.LoginCode)
	web.POST("/language", h.SetLanguage)

	signedIn := web.Group("", h.RequireLogin)
	signedIn.GET("/", h.Home)
	signedIn.POST("/logout", h.Logout)
	signedIn.GET("/account/password", h.PasswordForm)
	signedIn.POST("/account/password", h.ChangePassword)
	signedIn.GET("/account/security", h.Security)
	signedIn.POST("/account/security", h.EnrolSecondFactor)
	signedIn.POST("/account/security/disable", h.DisableSecondFactor)
	signedIn.POST("/account/security/recovery-codes", h.RegenerateRecoveryCodes)

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

	meetingRoutes(signedIn, h)
	referralRoutes(signedIn, h)
	reportRoutes(signedIn, h)

	policy := handlers.RequireRoles(models.RoleCoordinator, models.RoleAdmin)
	signedIn.GET("/settings/risk", h.RiskRulesForm, policy)
	signedIn.POST("/settings/risk", h.SaveRiskRules, policy)
	signedIn.GET("/settings/security", h.SecuritySettingsForm, policy)
	signedIn.POST("/settings/security", h.SaveSecuritySettings, policy)

	admin := signedIn.Group("/admin", handlers.RequireRoles(models.RoleAdmin))
	admin.GET("/users", h.Users)
	admin.GET("/users/new", h.NewUserForm)
	admin.POST("/users", h.CreateUser)
	admin.GET("/users/:id", h.EditUserForm)
	admin.POST("/users/:id", h.UpdateUser)
	admin.POST("/users/:id/password", h.ResetUserPassword)
	admin.POST("/users/:id/second-factor/reset", h.ResetUserSecondFactor)
	admin.GET("/imports", h.ImportForm)
	admin.POST("/imports", h.UploadImport, middleware.BodyLimit(fmt.Sprintf("%dM", handlers.ImportMaxBytes>>20+1)))
	admin.POST("/imports/:token/apply", h.ApplyImport)
	admin.GET("/audit", h.AuditLog)
	admin.GET("/audit.csv", h.AuditCSV)
}
