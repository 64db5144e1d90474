package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// letterRoutes registers the family letters (issue 16): the invitation and summary of a
// meeting and the consent form of a referral, for the roles that read the pupil's file
// (mediators and head teachers of its establishment; the scope decides, anything else is not
// found: a partner never gets them, the coordination never reads a name); and the texts of the
// letters, which the coordination edits, previews and validates.
func letterRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	staff := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	coordination := handlers.RequireRoles(models.RoleCoordinator)
	signedIn.GET("/meetings/:id/letter.pdf", h.MeetingLetter, staff)
	signedIn.GET("/meetings/:id/summary.pdf", h.MeetingSummary, staff)
	signedIn.GET("/referrals/:id/consent-form.pdf", h.ReferralConsentForm, staff)

	signedIn.GET("/settings/letters", h.LetterSettings, coordination)
	signedIn.GET("/settings/letters/:doc/:lang", h.LetterTemplateForm, coordination)
	signedIn.POST("/settings/letters/:doc/:lang", h.SaveLetterTemplate, coordination)
	signedIn.POST("/settings/letters/:doc/:lang/validate", h.ValidateLetterTemplate, coordination)
	signedIn.GET("/settings/letters/:doc/:lang/preview.pdf", h.LetterPreview, coordination)
}
