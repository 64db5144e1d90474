package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// conflictRoutes registers the conflict mediation pages on the signed-in group. Mediators record
// and edit conflicts; head teachers read those of their establishment, without the parties'
// names nor restricted notes; the scope decides which, anything else is not found.
func conflictRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	reader := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	mediator := handlers.RequireRoles(models.RoleMediator)
	signedIn.GET("/conflicts", h.Conflicts, reader)
	signedIn.GET("/conflicts/new", h.NewConflictForm, mediator)
	signedIn.POST("/conflicts", h.CreateConflict, mediator)
	signedIn.GET("/conflicts/:id", h.Conflict, reader)
	signedIn.POST("/conflicts/:id", h.UpdateConflict, mediator)
}
