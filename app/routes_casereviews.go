package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// caseReviewRoutes registers the pages of the establishment's prevention group (GPDS, cellule
// de veille) on the signed-in group. Its mediators and head teachers prepare the sessions and
// record the decisions; the scope decides which sessions (those of their establishments),
// anything else is not found.
func caseReviewRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	staff := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	signedIn.GET("/case-reviews", h.CaseReviews, staff)
	signedIn.GET("/case-reviews/new", h.NewCaseReview, staff)
	signedIn.POST("/case-reviews", h.CreateCaseReview, staff)
	signedIn.GET("/case-reviews/:id", h.CaseReview, staff)
	signedIn.GET("/case-reviews/:id/edit", h.EditCaseReview, staff)
	signedIn.POST("/case-reviews/:id", h.UpdateCaseReview, staff)
	signedIn.POST("/case-reviews/:id/pupils", h.AddReviewPupil, staff)
	signedIn.POST("/case-reviews/:id/new-pupil", h.AddNewReviewPupil, staff)
	signedIn.POST("/case-reviews/:id/pupils/:pupil/decision", h.RecordReviewDecision, staff)
	signedIn.GET("/case-reviews/:id/minutes.pdf", h.CaseReviewMinutes, staff)
}
