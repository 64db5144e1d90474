package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// ConventionsPage lists the funding agreements the reader may read.
type ConventionsPage struct {
	views.Page
	Agreements []models.AgreementRow
	// CanEdit offers the new agreement and the unit values (the coordination).
	CanEdit bool
}

// Funder names the funder of an agreement in the page's language.
func (p ConventionsPage) Funder(r models.AgreementRow) string {
	return funderName(p.Localizer, r.FunderKind, r.PartnerName)
}

// Years writes an agreement's school years.
func (p ConventionsPage) Years(a models.FundingAgreement) string { return agreementYears(a) }

func funderName(loc *views.Localizer, k models.FunderKind, partner string) string {
	if k == models.FunderPartner {
		return partner
	}
	return loc.T("impact.funder." + string(k))
}

// agreementYears writes « 2025-2026 » for one year, « 2025-2026 à 2027-2028 » for several.
func agreementYears(a models.FundingAgreement) string {
	first := calendar.SchoolYear{StartYear: a.FirstYear}.String()
	if a.LastYear == a.FirstYear {
		return first
	}
	return first + " → " + calendar.SchoolYear{StartYear: a.LastYear}.String()
}

// Conventions lists the agreements of the scope: all of them for the coordination and the
// administrators, those its organisation funds for a partner's agent.
func (h *Handlers) Conventions(c echo.Context) error {
	s := currentScope(c)
	list, err := models.ListFundingAgreements(c.Request().Context(), h.DB, s)
	if err != nil {
		return notFound(err)
	}
	return h.render(c, http.StatusOK, "conventions", ConventionsPage{Page: h.page(c, "impact.agreements.title"), Agreements: list,
		CanEdit: s.EditsAgreements()})
}

// ConventionPage shows an agreement.
type ConventionPage struct {
	views.Page
	Detail  models.AgreementDetail
	CanEdit bool
	Stale   *StaleNotice
}

// Funder names the agreement's funder in the page's language.
func (p ConventionPage) Funder() string {
	return funderName(p.Localizer, p.Detail.FunderKind, p.Detail.PartnerName)
}

// Years writes the agreement's school years.
func (p ConventionPage) Years() string { return agreementYears(p.Detail.FundingAgreement) }

// Convention shows an agreement the reader may read, or 404.
func (h *Handlers) Convention(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := models.LoadFundingAgreement(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return notFound(err)
	}
	p := ConventionPage{Page: h.page(c, "impact.agreement.show"), Detail: d, CanEdit: currentScope(c).EditsAgreements()}
	p.Title = d.Title
	return h.render(c, http.StatusOK, "convention", p)
}

// ObjectiveRow is a row of the objectives of the form: its values and messages.
type ObjectiveRow struct {
	Row                      int
	Label, Indicator, Target string
}

// YearOption is a school year the form offers.
type YearOption struct {
	Value int
	Label string
}

// ConventionFormPage records (ID 0) or edits an agreement.
type ConventionFormPage struct {
	views.Page
	ID      uint
	Version int
	Values  map[string]string
	// Establishments and Communes are what is ticked.
	Establishments       map[uint]bool
	Communes             map[string]bool
	Objectives           []ObjectiveRow
	Errors               map[string]string
	Stale                *StaleNotice
	Partners             []models.PartnerOrganisation
	EstablishmentOptions []models.Establishment
	CommuneOptions       []string
	Years                []YearOption
	FunderKinds          []models.FunderKind
	Coverages            []models.Coverage
	Indicators           []models.ObjectiveIndicator
}

// Get returns a value of the form.
func (p ConventionFormPage) Get(name string) string { return p.Values[name] }

// Error returns the message of a field, "" for none.
func (p ConventionFormPage) Error(name string) string { return p.Errors[name] }

// Field names a field of an objective's row, as the form and its messages do.
func (p ConventionFormPage) Field(row int, name string) string {
	return fmt.Sprintf("objective%d_%s", row, name)
}

// conventionFields are the fields of the form in their order, for the error summary; an
// objective's fields come in its row's place.
var conventionFields = []string{"title", "funder_kind", "partner_id", "first_year", "last_year", "coverage", "establishment_ids",
	"communes", "amount", "reference", "objectives"}

// fieldIDs are the ids of the elements an error of a group of choices links to.
var conventionFieldIDs = map[string]string{"funder_kind": "funder-fieldset", "coverage": "coverage-fieldset",
	"establishment_ids": "establishments-fieldset", "communes": "communes-fieldset", "objectives": "objectives-fieldset"}

// ErrorSummary lists the messages of the failed form in the order of its fields (the
// objectives' in their rows), each linking to its field.
func (p ConventionFormPage) ErrorSummary() []ErrorLink {
	fields := slices.Clone(conventionFields)
	for _, o := range p.Objectives {
		for _, name := range []string{"label", "indicator", "target"} {
			fields = append(fields, p.Field(o.Row, name))
		}
	}
	return formFields{anchor: "convention-form", fields: fields, ids: conventionFieldIDs}.summary(p.Errors)
}

// blankObjectiveRows is how many empty rows of objectives the form offers below those filled in.
const blankObjectiveRows = 2

// conventionForm builds the form's choices: active partner organisations (and the agreement's
// own funder), the establishments, the communes, and school years around the current one (and
// the agreement's own).
func (h *Handlers) conventionForm(c echo.Context, title string, d *models.AgreementDetail) (ConventionFormPage, error) {
	ctx := c.Request().Context()
	p := ConventionFormPage{Page: h.page(c, title), Values: map[string]string{}, Establishments: map[uint]bool{}, Communes: map[string]bool{},
		FunderKinds: models.FunderKinds, Coverages: models.Coverages, Indicators: models.ObjectiveIndicators}
	current := calendar.SchoolYearOf(h.Now()).StartYear
	years := []int{}
	for y := current - 5; y <= current+5; y++ {
		years = append(years, y)
	}
	if d != nil {
		p.ID, p.Version = d.ID, d.Version
		p.Values = map[string]string{"title": d.Title, "funder_kind": string(d.FunderKind), "first_year": fmt.Sprint(d.FirstYear),
			"last_year": fmt.Sprint(d.LastYear), "coverage": string(d.Coverage), "amount": p.EurosValue(d.AmountCents), "reference": d.Reference}
		if d.PartnerOrganisationID != nil {
			p.Values["partner_id"] = fmt.Sprint(*d.PartnerOrganisationID)
		}
		for _, e := range d.Establishments {
			p.Establishments[e.ID] = true
		}
		for _, cm := range d.Communes {
			p.Communes[cm] = true
		}
		for i, o := range d.Objectives {
			p.Objectives = append(p.Objectives, ObjectiveRow{Row: i, Label: o.Label, Indicator: string(o.Indicator),
				Target: strings.ReplaceAll(strconv.FormatFloat(o.Target, 'f', -1, 64), ".", decimalPoint(p.Lang()))})
		}
		years = append(years, d.FirstYear, d.LastYear)
	}
	slices.Sort(years)
	for _, y := range slices.Compact(years) {
		p.Years = append(p.Years, YearOption{Value: y, Label: calendar.SchoolYear{StartYear: y}.String()})
	}
	p.padObjectives()
	partners, err := models.ListPartners(ctx, h.DB)
	if err != nil {
		return p, err
	}
	for _, o := range partners {
		if o.Active || d != nil && d.PartnerOrganisationID != nil && *d.PartnerOrganisationID == o.ID {
			p.Partners = append(p.Partners, o)
		}
	}
	if p.EstablishmentOptions, err = models.ListEstablishments(ctx, h.DB); err != nil {
		return p, err
	}
	if p.CommuneOptions, err = models.Communes(ctx, h.DB); err != nil {
		return p, err
	}
	return p, nil
}

func decimalPoint(lang string) string {
	if lang == "en" {
		return "."
	}
	return ","
}

// padObjectives numbers the rows of objectives and adds blank ones below the last, within the
// limit.
func (p *ConventionFormPage) padObjectives() {
	next := 0
	if n := len(p.Objectives); n > 0 {
		next = p.Objectives[n-1].Row + 1
	}
	for i := 0; i < blankObjectiveRows && next < models.MaxAgreementObjectives; i++ {
		p.Objectives = append(p.Objectives, ObjectiveRow{Row: next})
		next++
	}
}

// typed puts back what was typed in a form that failed, or was kept as a draft when the session
// expired, ticks and rows of objectives included.
func (p *ConventionFormPage) typed(form url.Values) {
	p.Values = valueMap(form)
	p.Establishments, p.Communes = map[uint]bool{}, map[string]bool{}
	for _, v := range form["establishment_ids"] {
		if id, err := strconv.ParseUint(v, 10, 32); err == nil {
			p.Establishments[uint(id)] = true
		}
	}
	for _, v := range form["communes"] {
		p.Communes[v] = true
	}
	p.Objectives = nil
	for row := range models.MaxAgreementObjectives {
		o := ObjectiveRow{Row: row, Label: form.Get(p.Field(row, "label")), Indicator: form.Get(p.Field(row, "indicator")),
			Target: form.Get(p.Field(row, "target"))}
		if strings.TrimSpace(o.Label+o.Indicator+o.Target) != "" {
			p.Objectives = append(p.Objectives, o)
		}
	}
	p.padObjectives()
}

// bindConvention reads the form; what cannot be read becomes a field message. A row of
// objectives left wholly empty is no objective.
func bindConvention(c echo.Context) (models.FundingAgreementInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.FundingAgreementInput{Title: c.FormValue("title"), FunderKind: models.FunderKind(c.FormValue("funder_kind")),
		PartnerID: formID(c, "partner_id"), Coverage: models.Coverage(c.FormValue("coverage")), Reference: c.FormValue("reference")}
	var ok bool
	for name, y := range map[string]*int{"first_year": &in.FirstYear, "last_year": &in.LastYear} {
		if *y, ok = formInt(c, name); !ok {
			v.Add(name, "impact.agreement.year_required")
		}
	}
	if in.AmountCents, ok = models.ParseEuros(c.FormValue("amount")); !ok {
		v.Add("amount", "impact.agreement.amount_invalid")
	}
	form, _ := c.FormParams()
	for _, s := range form["establishment_ids"] {
		id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
		if err != nil || id == 0 {
			v.Add("establishment_ids", "impact.agreement.establishment_unknown")
			continue
		}
		in.EstablishmentIDs = append(in.EstablishmentIDs, uint(id))
	}
	in.Communes = form["communes"]
	for row := range models.MaxAgreementObjectives + 1 {
		field := func(name string) string { return fmt.Sprintf("objective%d_%s", row, name) }
		label, indicator, target := form.Get(field("label")), form.Get(field("indicator")), strings.TrimSpace(form.Get(field("target")))
		if strings.TrimSpace(label+indicator+target) == "" {
			continue
		}
		o := models.ObjectiveInput{Row: row, Label: label, Indicator: models.ObjectiveIndicator(indicator)}
		t, err := strconv.ParseFloat(strings.ReplaceAll(target, ",", "."), 64)
		if target == "" || err != nil {
			v.Add(field("target"), "impact.agreement.target_invalid")
		}
		o.Target = t
		in.Objectives = append(in.Objectives, o)
	}
	mergeMessages(v, in.Validate())
	return in, v
}

// mergeMessages adds to v the messages of more for the fields v says nothing of: a form refused
// for what could not be read shows the other refusals at once.
func mergeMessages(v, more models.ValidationError) {
	if len(v) == 0 {
		return
	}
	for field, m := range more {
		v.Put(field, m)
	}
}

// NewConventionForm shows the form that records an agreement: from the current school year,
// over the whole metropolis, until the coordination says otherwise.
func (h *Handlers) NewConventionForm(c echo.Context) error {
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.conventionForm(c, "impact.agreement.new", nil)
	if err != nil {
		return err
	}
	if draft != nil {
		p.typed(draft)
		return h.render(c, http.StatusOK, "convention_form", p)
	}
	year := fmt.Sprint(calendar.SchoolYearOf(h.Now()).StartYear)
	p.Values = map[string]string{"funder_kind": string(models.FunderPartner), "first_year": year, "last_year": year,
		"coverage": string(models.CoverEstablishments)}
	return h.render(c, http.StatusOK, "convention_form", p)
}

// conventionFailed shows the form again with what was typed: 422 with a message beside each
// field, or 409 when the agreement changed meanwhile.
func (h *Handlers) conventionFailed(c echo.Context, d *models.AgreementDetail, version int, ve models.ValidationError, stale *models.StaleError) error {
	title := "impact.agreement.new"
	if d != nil {
		title = "impact.agreement.edit"
	}
	p, err := h.conventionForm(c, title, d)
	if err != nil {
		return err
	}
	current := p.Values
	p.typed(typedValues(c, nil))
	if d != nil {
		p.Title = p.T("impact.agreement.edit_title", "Title", d.Title)
	}
	if stale != nil {
		p.Stale = staleNotice(p.Localizer, stale, p.Values, current, "title", "funder_kind", "partner_id", "first_year", "last_year",
			"coverage", "amount", "reference")
		return h.render(c, http.StatusConflict, "convention_form", p)
	}
	p.Version = version
	p.Errors = fieldErrors(p.Localizer, ve)
	return h.render(c, http.StatusUnprocessableEntity, "convention_form", p)
}

// CreateConvention records an agreement; bad input comes back with 422 and nothing is stored.
func (h *Handlers) CreateConvention(c echo.Context) error {
	in, v := bindConvention(c)
	var a models.FundingAgreement
	var replay string
	err := v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			var err error
			a, err = models.CreateFundingAgreement(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), in)
			return fmt.Sprintf("/conventions/%d", a.ID), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.conventionFailed(c, nil, 0, ve, nil)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "impact.agreement.flash_saved")
	return redirect(c, fmt.Sprintf("/conventions/%d", a.ID))
}

// EditConventionForm shows an agreement's form to the coordination.
func (h *Handlers) EditConventionForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	d, err := models.LoadFundingAgreement(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return notFound(err)
	}
	p, err := h.conventionForm(c, "impact.agreement.edit", &d)
	if err != nil {
		return err
	}
	p.Title = p.T("impact.agreement.edit_title", "Title", d.Title)
	if draft != nil {
		// Typed on the version it was based on: if the agreement changed meanwhile, sending it
		// again is refused as stale.
		p.typed(draft)
		if v, err := strconv.Atoi(draft.Get("version")); err == nil {
			p.Version = v
		}
	}
	return h.render(c, http.StatusOK, "convention_form", p)
}

// UpdateConvention saves an edit of the coordination. An edit based on a stale version comes
// back (409) with what was typed, who changed the agreement meanwhile, and the current version.
func (h *Handlers) UpdateConvention(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	version, _ := strconv.Atoi(c.FormValue("version"))
	in, v := bindConvention(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdateFundingAgreement(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve), errors.As(err, &stale):
		d, lerr := models.LoadFundingAgreement(ctx, h.DB, currentScope(c), id)
		if lerr != nil {
			return notFound(lerr)
		}
		return h.conventionFailed(c, &d, version, ve, stale)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "impact.agreement.flash_saved")
	return redirect(c, fmt.Sprintf("/conventions/%d", id))
}

// DeleteConvention deletes an agreement at the version shown.
func (h *Handlers) DeleteConvention(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	version, _ := strconv.Atoi(c.FormValue("version"))
	err = models.DeleteFundingAgreement(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version)
	var stale *models.StaleError
	switch {
	case errors.As(err, &stale):
		d, lerr := models.LoadFundingAgreement(ctx, h.DB, currentScope(c), id)
		if lerr != nil {
			return notFound(lerr)
		}
		p := ConventionPage{Page: h.page(c, "impact.agreement.show"), Detail: d, CanEdit: true}
		p.Title = d.Title
		p.Stale = staleNotice(p.Localizer, stale, nil, nil)
		return h.render(c, http.StatusConflict, "convention", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "impact.agreement.flash_deleted")
	return redirect(c, "/conventions")
}
