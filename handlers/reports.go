package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/models/reports"
	"mediation/views"
)

// ReportPage is a dashboard: a report's sections on the web, its year picker and its PDF.
type ReportPage struct {
	views.Page
	Report views.Report
	Years  []models.SchoolYear
	Year   string
	// Action is where the year picker goes; Hidden are the other parameters it keeps.
	Action string
	Hidden map[string]string
	// Groupings are the tabs of the metropolitan overview.
	Groupings []views.NavItem
	PDF       string
	// NoData says that the year has nothing to show.
	NoData string
	// Note is the legend of the small-count marks.
	Note string
}

// reportYear reads the year parameter: empty is the current school year; a malformed one is a
// 400 with the French message of ParseSchoolYear.
func (h *Handlers) reportYear(c echo.Context) (models.SchoolYear, error) {
	raw := c.QueryParam("year")
	if raw == "" {
		return models.SchoolYearOf(h.Now()), nil
	}
	y, err := models.ParseSchoolYear(raw)
	if err != nil {
		loc := h.localizer(c)
		return y, pageError{http.StatusBadRequest, loc.T("report.bad_year", "Year", raw)}
	}
	return y, nil
}

// noData is the message of a year without figures.
func noData(loc *views.Localizer, y models.SchoolYear) string {
	return loc.T("report.no_data", "Year", y.String())
}

// sendPDF writes a generated PDF as a download, after recording it in the audit log.
func (h *Handlers) sendPDF(c echo.Context, b []byte, filename, recordType, recordID, detail string) error {
	if err := h.audit(c, models.AuditExported, recordType, recordID, "pdf "+detail); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	return c.Blob(http.StatusOK, "application/pdf", b)
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
	loc := h.localizer(c)
	sum, err := reports.LoadEstablishmentSummary(c.Request().Context(), h.DB, currentScope(c), uai, y, h.Now(), true)
	full := func() views.Report { return loc.EstablishmentReport(sum) }
	page := func() ReportPage {
		p := ReportPage{Page: h.page(c, "report.establishment.title"), Years: sum.Years, Action: "/establishments/" + url.PathEscape(uai)}
		p.Title = sum.Establishment.Name
		return p
	}
	return h.answerReport(c, asPDF, y, err, reportAnswer{pdf: full, page: full, file: fmt.Sprintf("synthese-%s-%s.pdf", uai, y),
		recordType: "establishment", recordID: uai, link: fmt.Sprintf("/establishments/%s/report.pdf?year=%s", url.PathEscape(uai), y)}, page)
}

// reportAnswer is what a report route needs to answer with the PDF or the page.
type reportAnswer struct {
	// pdf lays the whole report out; page the part the page shows (it may differ: the
	// metropolitan overview shows one grouping).
	pdf, page func() views.Report
	// note is the legend of the small-count marks, for the anonymised reports.
	note                       string
	file, recordType, recordID string
	link                       string // the page's PDF
}

// answerReport sends the PDF (audited) or renders the page of a report whose figures loadErr
// says were loaded, absent for the year (ErrNoData), or not found. A year without data is a
// message on the page, and a 404 with the same message for the PDF.
func (h *Handlers) answerReport(c echo.Context, asPDF bool, y models.SchoolYear, loadErr error, a reportAnswer, newPage func() ReportPage) error {
	loc := h.localizer(c)
	empty := errors.Is(loadErr, reports.ErrNoData)
	if loadErr != nil && !empty {
		return notFound(loadErr)
	}
	if asPDF {
		if empty {
			return pageError{http.StatusNotFound, noData(loc, y)}
		}
		b, err := loc.ReportPDF(a.pdf(), h.Now(), a.note)
		if err != nil {
			return err
		}
		return h.sendPDF(c, b, a.file, a.recordType, a.recordID, y.String())
	}
	p := newPage() // only now: a page takes the session's flash message
	p.Year, p.Note, p.Report = y.String(), a.note, a.page()
	if empty {
		p.NoData = noData(loc, y)
		p.Report.Sections = nil
	} else {
		p.PDF = a.link
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
	m, err := reports.LoadMetropolitan(c.Request().Context(), h.DB, y, h.Now())
	note := loc.SuppressionNote(m.Threshold())
	overview := func() views.Report {
		if err != nil { // no data: the title alone
			return views.Report{Title: loc.T("report.metropolitan.title")}
		}
		return loc.MetropolitanOverview(m, g)
	}
	page := func() ReportPage {
		p := ReportPage{Page: h.page(c, "report.metropolitan.title"), Years: m.Years, Action: "/reports/metropolitan",
			Hidden: map[string]string{"by": string(g)}}
		for _, gg := range []reports.Grouping{reports.ByType, reports.ByPriority, reports.ByCommune, reports.ByEstablishment} {
			p.Groupings = append(p.Groupings, views.NavItem{Href: fmt.Sprintf("/reports/metropolitan?year=%s&by=%s", y, gg),
				Label: loc.T("report.group." + string(gg)), Current: gg == g})
		}
		return p
	}
	return h.answerReport(c, asPDF, y, err, reportAnswer{pdf: func() views.Report { return loc.MetropolitanReport(m) },
		page: overview, note: note, file: fmt.Sprintf("rapport-metropolitain-%s.pdf", y), recordType: "report",
		recordID: "metropolitan", link: "/reports/metropolitan.pdf?year=" + y.String()}, page)
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
	loc := h.localizer(c)
	f, err := reports.LoadPartner(c.Request().Context(), h.DB, currentScope(c), id, y, h.Now())
	report := func() views.Report { return loc.PartnerReport(f) }
	page := func() ReportPage {
		return ReportPage{Page: h.page(c, "report.partner.title"), Years: f.Years, Action: fmt.Sprintf("/partners/%d/report", id)}
	}
	return h.answerReport(c, asPDF, y, err, reportAnswer{pdf: report, page: report, note: loc.SuppressionNote(f.Threshold()),
		file: fmt.Sprintf("rapport-partenaire-%d-%s.pdf", id, y), recordType: "partner", recordID: strconv.Itoa(int(id)),
		link: fmt.Sprintf("/partners/%d/report.pdf?year=%s", id, y)}, page)
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
	d, err := reports.LoadPupilDossier(c.Request().Context(), h.DB, currentScope(c), id, y, h.Now())
	if err != nil {
		return notFound(err)
	}
	loc := h.localizer(c)
	b, err := loc.ReportPDF(loc.DossierReport(d), h.Now(), "")
	if err != nil {
		return err
	}
	return h.sendPDF(c, b, fmt.Sprintf("dossier-%d-%s.pdf", id, y), "pupil", strconv.Itoa(int(id)), y.String())
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
