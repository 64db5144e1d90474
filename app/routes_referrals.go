package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// referralRoutes registers the referral and partner organisation pages on the signed-in group.
// Mediators draft, obtain consent, send and withdraw; head teachers read; partners read their
// organisation's referrals and answer; the coordination manages the organisations. The scope
// and the state machine decide the rest; anything else answers 404.
func referralRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	readers := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher, models.RolePartner)
	mediator := handlers.RequireRoles(models.RoleMediator)
	partner := handlers.RequireRoles(models.RolePartner)
	signedIn.GET("/referrals", h.Referrals, readers)
	signedIn.GET("/referrals/:id", h.Referral, readers)
	signedIn.POST("/pupils/:id/referrals", h.CreateReferral, mediator)
	signedIn.POST("/referrals/:id", h.UpdateReferral, mediator)
	signedIn.POST("/referrals/:id/consent", h.RecordReferralConsent, mediator)
	for _, a := range []models.ReferralAction{models.ActionSend, models.ActionWithdraw} {
		signedIn.POST("/referrals/:id/"+string(a), h.ReferralStep(a), mediator)
	}
	for _, a := range []models.ReferralAction{models.ActionAcknowledge, models.ActionAccept, models.ActionDecline,
		models.ActionClose, models.ActionFeedback} {
		signedIn.POST("/referrals/:id/"+string(a), h.ReferralStep(a), partner)
	}

	coordination := signedIn.Group("/partners", handlers.RequireRoles(models.RoleCoordinator))
	coordination.GET("", h.Partners)
	coordination.GET("/new", h.NewPartnerForm)
	coordination.POST("", h.CreatePartner)
	coordination.GET("/:id", h.EditPartnerForm)
	coordination.POST("/:id", h.UpdatePartner)
}
