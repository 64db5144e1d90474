package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/reports"
	"mediation/reporting"
	"mediation/views"
)

// ReportPage is a dashboard: a report's sections on the web, its year picker and its PDF.
type ReportPage struct {
	views.Page
	Report views.Report
	Years  []calendar.SchoolYear
	Year   string
	// Action is where the year picker goes; Hidden are the other parameters it keeps.
	Action string
	Hidden map[string]string
	// Groupings are the tabs of the metropolitan overview.
	Groupings []views.NavItem
	// Reports are the reports a partner reads (its organisation's and the metropolitan one),
	// offered side by side since the navigation has one "Rapports" entry for both.
	Reports []views.NavItem
	PDF     string
	// NoData says that the year has nothing to show.
	NoData string
	// Note is the legend of the small-count marks.
	Note string
	// Refresh is where the coordination asks for the figures to be computed again (the
	// metropolitan overview), with the grouping to come back to.
	Refresh, RefreshBy string
	// Choices are the lists the form offers beside the year (the annual review's agreement).
	Choices []ReportChoice
}

// reportYear reads the year parameter: empty is the current school year; a malformed one is a
// 400 with the French message of ParseSchoolYear.
func (h *Handlers) reportYear(c echo.Context) (calendar.SchoolYear, error) {
	raw := c.QueryParam("year")
	if raw == "" {
		return calendar.SchoolYearOf(h.Now()), nil
	}
	y, err := calendar.ParseSchoolYear(raw)
	if err != nil {
		loc := h.localizer(c)
		return y, pageError{http.StatusBadRequest, loc.T("report.bad_year", "Year", raw)}
	}
	return y, nil
}

// noData is the message of a year without figures.
func noData(loc *views.Localizer, y calendar.SchoolYear) string {
	return loc.T("report.no_data", "Year", y.String())
}

// threshold is the small-count threshold in force.
func (h *Handlers) threshold(c echo.Context) (int, error) {
	return models.LoadSmallCountThreshold(c.Request().Context(), h.DB)
}

// Establishments sends a head teacher or mediator to the dashboard of their establishment, or
// lists them when there are several.
func (h *Handlers) Establishments(c echo.Context) error {
	files, err := models.FilesByEstablishment(c.Request().Context(), h.DB, currentScope(c))
	if err != nil {
		return err
	}
	if len(files) == 1 {
		return redirect(c, "/establishments/"+url.PathEscape(files[0].Establishment.UAI))
	}
	return h.render(c, http.StatusOK, "home_establishments",
		EstablishmentsHome{Page: h.page(c, "nav.dashboards"), Establishments: files, Statuses: models.PupilStatuses})
}

// EstablishmentDashboard shows the establishment's figures for a school year (the same as its
// PDF), to the head teacher and mediators of the establishment.
func (h *Handlers) EstablishmentDashboard(c echo.Context) error {
	return h.establishmentReport(c, false)
}

// EstablishmentPDF downloads the establishment summary.
func (h *Handlers) EstablishmentPDF(c echo.Context) error {
	return h.establishmentReport(c, true)
}

func (h *Handlers) establishmentReport(c echo.Context, asPDF bool) error {
	y, err := h.reportYear(c)
	if err != nil {
		return err
	}
	uai := models.NormalizeUAI(c.Param("uai"))
	return h.answerReport(c, asPDF, reporting.Request{Kind: reporting.Establishment, UAI: uai, Year: y}, func(a reporting.Assembled) ReportPage {
		p := ReportPage{Page: h.page(c, "report.establishment.title"), Years: a.Years, Action: "/establishments/" + url.PathEscape(uai)}
		p.Title = a.Name
		return p
	})
}

// answerReport assembles the report asked, in the reader's scope, and sends its PDF (audited)
// or renders its page. A year without data is a message on the page, and a 404 with the same
// message for the PDF; a target unknown or outside the scope is a 404.
func (h *Handlers) answerReport(c echo.Context, asPDF bool, r reporting.Request, newPage func(reporting.Assembled) ReportPage) error {
	loc := h.localizer(c)
	ctx := c.Request().Context()
	r.Scope, r.Now, r.Snapshots = currentScope(c), h.Now(), h.Snapshots
	a, loadErr := reporting.Assemble(ctx, h.DB, loc, r)
	empty := errors.Is(loadErr, reports.ErrNoData)
	if loadErr != nil && !empty {
		return notFound(loadErr)
	}
	if asPDF {
		if empty {
			return pageError{http.StatusNotFound, noData(loc, r.Year)}
		}
		b, err := a.PDF(ctx, h.DB, loc, actor(c), h.Now())
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, a.File))
		return c.Blob(http.StatusOK, "application/pdf", b)
	}
	p := newPage(a) // only now: a page takes the session's flash message
	p.Year, p.Note, p.Report = r.Year.String(), a.Note, a.Page()
	if empty {
		p.NoData = noData(loc, r.Year)
		p.Report.Sections = nil
	} else {
		p.PDF = a.Link
	}
	return h.render(c, http.StatusOK, "report", p)
}

// MetropolitanOverview shows the anonymised metropolitan figures by one grouping.
func (h *Handlers) MetropolitanOverview(c echo.Context) error {
	return h.metropolitanReport(c, false)
}

// MetropolitanPDF downloads the metropolitan report.
func (h *Handlers) MetropolitanPDF(c echo.Context) error {
	return h.metropolitanReport(c, true)
}

func (h *Handlers) metropolitanReport(c echo.Context, asPDF bool) error {
	y, err := h.reportYear(c)
	if err != nil {
		return err
	}
	g := reports.Grouping(c.QueryParam("by"))
	if g == "" {
		g = reports.ByType
	}
	if !g.Valid() {
		return echo.ErrNotFound
	}
	loc := h.localizer(c)
	return h.answerReport(c, asPDF, reporting.Request{Kind: reporting.Metropolitan, Year: y, Grouping: g}, func(a reporting.Assembled) ReportPage {
		p := ReportPage{Page: h.page(c, "report.metropolitan.title"), Years: a.Years, Action: "/reports/metropolitan",
			Hidden: map[string]string{"by": string(g)}}
		if u := currentUser(c); u != nil && u.Role == models.RoleCoordinator {
			p.Refresh, p.RefreshBy = "/reports/metropolitan/refresh", string(g)
		}
		p.Reports = partnerReports(c, loc, true)
		for _, gg := range []reports.Grouping{reports.ByType, reports.ByPriority, reports.ByCommune, reports.ByEstablishment} {
			p.Groupings = append(p.Groupings, views.NavItem{Href: fmt.Sprintf("/reports/metropolitan?year=%s&by=%s", y, gg),
				Label: loc.T("report.group." + string(gg)), Current: gg == g})
		}
		return p
	})
}

// RefreshMetropolitan computes the metropolitan figures of a year again, at the coordination's
// request, stores them as the year's snapshot (the page and the PDF then print them), records
// the request in the audit log and goes back to the overview.
func (h *Handlers) RefreshMetropolitan(c echo.Context) error {
	raw := c.FormValue("year")
	y, err := calendar.ParseSchoolYear(raw)
	if err != nil {
		return pageError{http.StatusBadRequest, h.localizer(c).T("report.bad_year", "Year", raw)}
	}
	g := reports.Grouping(c.FormValue("by"))
	if !g.Valid() {
		g = reports.ByType
	}
	ctx := c.Request().Context()
	if _, err := h.Snapshots.Recompute(ctx, y); err != nil && !errors.Is(err, reports.ErrNoData) {
		return err
	}
	if err := models.RecordAudit(ctx, h.DB, h.Now(), actor(c), models.AuditReportRefreshed, "report", "metropolitan", y.String()); err != nil {
		return err
	}
	h.flash(c, "overview.refreshed")
	return redirect(c, fmt.Sprintf("/reports/metropolitan?year=%s&by=%s", y, g))
}

// PartnerReport shows the anonymised figures of the referrals sent to a partner, to its agents
// and to the coordination.
func (h *Handlers) PartnerReport(c echo.Context) error {
	return h.partnerReport(c, false)
}

// PartnerPDF downloads the partner report.
func (h *Handlers) PartnerPDF(c echo.Context) error {
	return h.partnerReport(c, true)
}

func (h *Handlers) partnerReport(c echo.Context, asPDF bool) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	y, err := h.reportYear(c)
	if err != nil {
		return err
	}
	return h.answerReport(c, asPDF, reporting.Request{Kind: reporting.Partner, ID: id, Year: y}, func(a reporting.Assembled) ReportPage {
		return ReportPage{Page: h.page(c, "report.partner.title"), Years: a.Years, Action: fmt.Sprintf("/partners/%d/report", id),
			Reports: partnerReports(c, h.localizer(c), false)}
	})
}

// partnerReports lists a partner's two reports, the current one marked; nil for other roles.
func partnerReports(c echo.Context, loc *views.Localizer, metropolitan bool) []views.NavItem {
	u := currentUser(c)
	if u == nil || u.Role != models.RolePartner || u.PartnerOrganisationID == nil {
		return nil
	}
	return []views.NavItem{
		{Href: fmt.Sprintf("/partners/%d/report", *u.PartnerOrganisationID), Label: loc.T("report.partner.title"), Current: !metropolitan},
		{Href: "/reports/metropolitan", Label: loc.T("report.metropolitan.title"), Current: metropolitan},
	}
}

// PupilDossierPDF prints a pupil's dossier for a school year; restricted notes are in it only
// for a reader who may see them.
func (h *Handlers) PupilDossierPDF(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	y, err := h.reportYear(c)
	if err != nil {
		return err
	}
	return h.answerReport(c, true, reporting.Request{Kind: reporting.Pupil, ID: id, Year: y}, nil)
}

// ReportSettingsPage is the form of the small-count threshold.
type ReportSettingsPage struct {
	views.Page
	Threshold string
	Errors    map[string]string
}

// ReportSettings shows the small-count threshold of the anonymised reports.
func (h *Handlers) ReportSettings(c echo.Context) error {
	n, err := h.threshold(c)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "report_settings", ReportSettingsPage{Page: h.page(c, "report.settings.title"), Threshold: strconv.Itoa(n)})
}

// SaveReportSettings changes the small-count threshold.
func (h *Handlers) SaveReportSettings(c echo.Context) error {
	raw := c.FormValue("threshold")
	n, err := strconv.Atoi(raw)
	if err != nil {
		n = 0
	}
	err = models.SaveSmallCountThreshold(c.Request().Context(), h.DB, actor(c), h.Now(), n)
	var v models.ValidationError
	if errors.As(err, &v) {
		p := ReportSettingsPage{Page: h.page(c, "report.settings.title"), Threshold: raw, Errors: fieldErrors(h.localizer(c), v)}
		return h.render(c, http.StatusUnprocessableEntity, "report_settings", p)
	}
	if err != nil {
		return err
	}
	h.flash(c, "report.settings.saved")
	return redirect(c, "/settings/reports")
}

// ReportChoice is a list the report's GET form offers beside the year (the annual review's
// agreement).
type ReportChoice struct {
	Name, Label string
	Options     []ReportOption
}

// ReportOption is an entry of a ReportChoice.
type ReportOption struct {
	Value, Label string
	Selected     bool
}

// ImpactReview shows the annual review of school mediation, of the metropolis (the
// coordination) or of a funding agreement (the coordination, and the agents of its funder).
func (h *Handlers) ImpactReview(c echo.Context) error {
	return h.impactReview(c, false)
}

// ImpactPDF downloads the annual review.
func (h *Handlers) ImpactPDF(c echo.Context) error {
	return h.impactReview(c, true)
}

func (h *Handlers) impactReview(c echo.Context, asPDF bool) error {
	y, err := h.reportYear(c)
	if err != nil {
		return err
	}
	loc := h.localizer(c)
	ctx := c.Request().Context()
	s := currentScope(c)
	var id uint
	if raw := c.QueryParam("convention"); raw != "" {
		n, err := strconv.ParseUint(raw, 10, 32)
		if err != nil || n == 0 {
			return pageError{http.StatusBadRequest, loc.T("impact.review.bad_convention", "Value", raw)}
		}
		id = uint(n)
	}
	agreements, err := models.ListFundingAgreements(ctx, h.DB, s)
	if err != nil {
		return notFound(err)
	}
	if id == 0 && s.Role == models.RolePartner {
		// A funder's agent reads its agreements' reviews only: the first one, when none is asked.
		if len(agreements) == 0 {
			return echo.ErrNotFound
		}
		target := "/reports/impact"
		if asPDF {
			target += ".pdf"
		}
		return redirect(c, fmt.Sprintf("%s?year=%s&convention=%d", target, y, agreements[0].ID))
	}
	return h.answerReport(c, asPDF, reporting.Request{Kind: reporting.Impact, ID: id, Year: y}, func(a reporting.Assembled) ReportPage {
		p := ReportPage{Page: h.page(c, "impact.review.title"), Years: a.Years, Action: "/reports/impact"}
		choice := ReportChoice{Name: "convention", Label: loc.T("impact.review.agreement_choice")}
		if s.Role != models.RolePartner {
			choice.Options = append(choice.Options, ReportOption{Value: "", Label: loc.T("impact.review.whole_metropolis"), Selected: id == 0})
		}
		for _, ag := range agreements {
			choice.Options = append(choice.Options, ReportOption{Value: strconv.Itoa(int(ag.ID)), Label: ag.Title, Selected: ag.ID == id})
		}
		p.Choices = []ReportChoice{choice}
		return p
	})
}
