package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// reportRoutes registers the dashboards and their PDFs. The establishment's figures go to the
// establishment's head teacher and mediators; the anonymised metropolitan figures to the
// coordination and the partners; a partner's report to its agents and the coordination; a
// pupil's dossier to the establishment roles. The scope decides the rest (404 outside it).
func reportRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	establishment := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	anonymised := handlers.RequireRoles(models.RoleCoordinator, models.RolePartner)
	signedIn.GET("/establishments", h.Establishments, establishment)
	signedIn.GET("/establishments/:uai", h.EstablishmentDashboard, establishment)
	signedIn.GET("/establishments/:uai/report.pdf", h.EstablishmentPDF, establishment)
	signedIn.GET("/pupils/:id/dossier.pdf", h.PupilDossierPDF, establishment)
	signedIn.GET("/reports/metropolitan", h.MetropolitanOverview, anonymised)
	signedIn.GET("/reports/metropolitan.pdf", h.MetropolitanPDF, anonymised)
	signedIn.GET("/partners/:id/report", h.PartnerReport, anonymised)
	signedIn.GET("/partners/:id/report.pdf", h.PartnerPDF, anonymised)
	// The annual review: the metropolis's to the coordination, an agreement's to the
	// coordination and to the agents of its funder (the scope decides: 404 otherwise).
	signedIn.GET("/reports/impact", h.ImpactReview, anonymised)
	signedIn.GET("/reports/impact.pdf", h.ImpactPDF, anonymised)
	coordination := handlers.RequireRoles(models.RoleCoordinator)
	signedIn.POST("/reports/metropolitan/refresh", h.RefreshMetropolitan, coordination)
	signedIn.GET("/establishments/:uai/edit", h.EditEstablishmentForm, coordination)
	signedIn.POST("/establishments/:uai/edit", h.UpdateEstablishment, coordination)
	signedIn.GET("/settings/reports", h.ReportSettings, coordination)
	signedIn.POST("/settings/reports", h.SaveReportSettings, coordination)
}
