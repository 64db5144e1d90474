package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/views"
)

// EstablishmentsHome is the home of mediators and head teachers: their establishments and the
// files of each by status.
type EstablishmentsHome struct {
	views.Page
	Establishments []models.EstablishmentFiles
	Statuses       []models.PupilStatus
	// Upcoming are the planned meetings of the coming week that concern the head teacher:
	// invited with their account (as the meeting form promises) or organised by them;
	// WithoutRecap, those they organised or attended that still lack a recap.
	Upcoming, WithoutRecap []models.MeetingRow
}

// WorklistPage is a mediator's home: what needs doing, soonest first.
type WorklistPage struct {
	views.Page
	models.Worklist
	Threshold        int
	Upcoming         []models.MeetingRow
	WithoutRecap     []models.MeetingRow
	OverdueReferrals []models.ReferralRow
	Answered         []models.ReferralRow
	// Sections are all of the above grouped by urgency, then by establishment.
	Sections []WorkSection
}

// Empty tells whether there is nothing to do.
func (p WorklistPage) Empty() bool {
	return len(p.Actions) == 0 && len(p.Silent) == 0 && len(p.Absences) == 0 && len(p.Upcoming) == 0 && len(p.Reviews) == 0 &&
		len(p.WithoutRecap) == 0 && len(p.OverdueReferrals) == 0 && len(p.Answered) == 0 && len(p.Conflicts) == 0
}

// PartnerHome is a partner agent's home: the referrals addressed to the organisation by status.
type PartnerHome struct {
	views.Page
	Organisation models.PartnerOrganisation
	ByStatus     map[models.ReferralStatus]int
	Statuses     []models.ReferralStatus
}

// CoordinatorHome lists the establishments and partner organisations of the metropolis, with
// no pupil data.
type CoordinatorHome struct {
	views.Page
	Establishments []models.Establishment
	Partners       []models.PartnerOrganisation
}

// AdminHome counts the accounts by role and shows the latest sign-ins and account changes.
type AdminHome struct {
	views.Page
	Roles    []models.Role
	Accounts map[models.Role][2]int
	Events   []models.AuditEvent
	// Lines say the events in words, as the audit log does.
	Lines []AuditLine
}

// Home is each role's home page.
func (h *Handlers) Home(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	p := h.page(c, "home.title")
	switch u.Role {
	case models.RoleMediator:
		page := WorklistPage{Page: p}
		now := h.Now()
		var since time.Time
		if u.WorklistSeenAt != nil {
			since = *u.WorklistSeenAt
		}
		// The worklist's statements are planned once per connection (see WithGenericPlans).
		err := models.WithGenericPlans(ctx, h.DB, func(db *gorm.DB) error {
			rules, err := models.LoadRiskRules(ctx, db)
			if err != nil {
				return err
			}
			page.Threshold = rules.MonthlyAlertHalfDays
			if page.Worklist, err = models.LoadWorklist(ctx, db, currentScope(c), u.ID, now, rules.MonthlyAlertHalfDays); err != nil {
				return err
			}
			if page.Upcoming, page.WithoutRecap, err = models.MeetingsForWorklist(ctx, db, currentScope(c), u.ID, now); err != nil {
				return err
			}
			page.OverdueReferrals, page.Answered, err = models.ReferralsForWorklist(ctx, db, currentScope(c), u.ID, now, since)
			return err
		})
		if err != nil {
			return err
		}
		// The answers shown now are not new at the next visit. When none is shown, none was
		// given between the last visit and now, so moving the mark would change nothing the
		// user sees: the page is then read without a write (but for the first visit, which
		// fixes the mark; before it, "since" slides with the clock).
		if len(page.Answered) > 0 || u.WorklistSeenAt == nil {
			if err := h.DB.WithContext(ctx).Model(&models.User{}).Where("id = ?", u.ID).UpdateColumn("worklist_seen_at", now.UTC()).Error; err != nil {
				return err
			}
		}
		if page.Sections, err = h.workSections(ctx, page); err != nil {
			return err
		}
		page.Title = page.T("worklist.title")
		return h.render(c, http.StatusOK, "worklist", &page)
	case models.RoleHeadTeacher:
		files, err := models.FilesByEstablishment(ctx, h.DB, currentScope(c))
		if err != nil {
			return err
		}
		page := EstablishmentsHome{Page: p, Establishments: files, Statuses: models.PupilStatuses}
		if page.Upcoming, page.WithoutRecap, err = models.MeetingsForWorklist(ctx, h.DB, currentScope(c), u.ID, h.Now()); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, "home_establishments", page)
	case models.RolePartner:
		s := currentScope(c)
		org, err := models.PartnerByID(ctx, h.DB, s.PartnerID)
		if err != nil {
			return err
		}
		counts, err := models.ReferralsByStatus(ctx, h.DB, s)
		if err != nil {
			return err
		}
		statuses := []models.ReferralStatus{}
		for _, st := range models.ReferralStatuses {
			if st != models.ReferralDraft {
				statuses = append(statuses, st)
			}
		}
		return h.render(c, http.StatusOK, "home_partner", PartnerHome{Page: p, Organisation: org, ByStatus: counts, Statuses: statuses})
	case models.RoleCoordinator:
		es, err := models.ListEstablishments(ctx, h.DB)
		if err != nil {
			return err
		}
		ps, err := models.ListPartners(ctx, h.DB)
		if err != nil {
			return err
		}
		return h.render(c, http.StatusOK, "home_coordinator", CoordinatorHome{Page: p, Establishments: es, Partners: ps})
	case models.RoleAdmin:
		counts, err := models.AccountsByRole(ctx, h.DB)
		if err != nil {
			return err
		}
		events, err := models.RecentAuditEvents(ctx, h.DB, []string{models.AuditLogin, models.AuditLoginFailed,
			models.AuditUserCreated, models.AuditUserChanged, models.AuditPasswordChange, models.AuditPasswordCheckFailed}, 15)
		if err != nil {
			return err
		}
		page := AdminHome{Page: p, Roles: models.Roles, Accounts: counts, Events: events}
		if page.Lines, err = h.auditLines(c, p.Localizer, events); err != nil {
			return err
		}
		return h.render(c, http.StatusOK, "home_admin", page)
	}
	return echo.ErrNotFound
}
