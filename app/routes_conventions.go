package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// conventionRoutes registers the funding agreements and the unit values of the avoided costs:
// the coordination records and edits them; administrators read the agreements, a partner's
// agents read those their organisation funds (the scope decides; anything else is not found).
func conventionRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	readers := handlers.RequireRoles(models.RoleCoordinator, models.RoleAdmin, models.RolePartner)
	coordination := handlers.RequireRoles(models.RoleCoordinator)
	signedIn.GET("/conventions", h.Conventions, readers)
	signedIn.GET("/conventions/new", h.NewConventionForm, coordination)
	signedIn.POST("/conventions", h.CreateConvention, coordination)
	signedIn.GET("/conventions/:id", h.Convention, readers)
	signedIn.GET("/conventions/:id/edit", h.EditConventionForm, coordination)
	signedIn.POST("/conventions/:id", h.UpdateConvention, coordination)
	signedIn.POST("/conventions/:id/delete", h.DeleteConvention, coordination)

	signedIn.GET("/settings/unit-costs", h.UnitCosts, coordination)
	signedIn.GET("/settings/unit-costs/new", h.NewUnitCostForm, coordination)
	signedIn.POST("/settings/unit-costs", h.CreateUnitCost, coordination)
	signedIn.GET("/settings/unit-costs/:id", h.EditUnitCostForm, coordination)
	signedIn.POST("/settings/unit-costs/:id", h.UpdateUnitCost, coordination)
}
