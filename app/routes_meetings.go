package app

import (
	"github.com/labstack/echo/v4"

	"mediation/handlers"
	"mediation/models"
)

// meetingRoutes registers the family–school meeting pages on the signed-in group. Mediators and
// head teachers schedule and record meetings; the scope decides which (those of the files of
// their establishments), anything else is not found.
func meetingRoutes(signedIn *echo.Group, h *handlers.Handlers) {
	staff := handlers.RequireRoles(models.RoleMediator, models.RoleHeadTeacher)
	signedIn.GET("/meetings", h.Meetings, staff)
	signedIn.GET("/meetings/:id", h.Meeting, staff)
	signedIn.GET("/meetings/:id/calendar.ics", h.MeetingCalendar, staff)
	signedIn.POST("/pupils/:id/meetings", h.ScheduleMeeting, staff)
	signedIn.POST("/meetings/:id", h.UpdateMeeting, staff)
	signedIn.POST("/meetings/:id/status", h.ChangeMeetingStatus, staff)
	signedIn.POST("/meetings/:id/attendance", h.RecordAttendance, staff)
	signedIn.POST("/meetings/:id/recap", h.WriteRecap, staff)
}
