package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// activityRoutes registers the collective actions on the signed-in group: head teachers read
// those of their establishment, mediators record and edit those of theirs (the scope decides;
// anything else is not found), the coordination keeps the catalogue of kinds.
func activityRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	staff := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	mediator := handlers.RequireRoles(models.RoleMediator)
	signedIn.GET("/activities", h.Activities, staff)
	signedIn.GET("/activities/new", h.NewActivityForm, mediator)
	signedIn.POST("/activities", h.CreateActivity, mediator)
	signedIn.GET("/activities/:id", h.Activity, staff)
	signedIn.POST("/activities/:id", h.UpdateActivity, mediator)
	signedIn.POST("/activities/:id/delete", h.DeleteActivity, mediator)

	coordination := handlers.RequireRoles(models.RoleCoordinator)
	signedIn.GET("/settings/activity-kinds", h.ActivityKinds, coordination)
	signedIn.GET("/settings/activity-kinds/new", h.NewActivityKindForm, coordination)
	signedIn.POST("/settings/activity-kinds", h.SaveActivityKind, coordination)
	signedIn.GET("/settings/activity-kinds/:id", h.EditActivityKindForm, coordination)
	signedIn.POST("/settings/activity-kinds/:id", h.SaveActivityKind, coordination)
}
