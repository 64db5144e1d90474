package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/reports"
	"mediation/views"
)

// UnitCostsPage lists the unit values of the avoided costs for the coordination.
type UnitCostsPage struct {
	views.Page
	Costs []models.UnitCostRow
}

// UnitCosts lists the unit values, each with its source and its last change.
func (h *Handlers) UnitCosts(c echo.Context) error {
	costs, err := models.ListUnitCosts(c.Request().Context(), h.DB)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "unit_costs", UnitCostsPage{Page: h.page(c, "impact.unit_costs.title"), Costs: costs})
}

// UnitCostPage adds (ID 0) or edits a unit value, with its history.
type UnitCostPage struct {
	views.Page
	ID      uint
	Version int
	Values  map[string]string
	Errors  map[string]string
	Stale   *StaleNotice
	History []models.UnitCostChange
}

// Get returns a value of the form.
func (p UnitCostPage) Get(name string) string { return p.Values[name] }

// unitCostFields are the fields of the form in their order, for the error summary; the basis,
// a fieldset of choices, is reached through the fieldset.
var (
	unitCostFields   = []string{"label", "amount", "unit", "basis", "low", "high", "source", "source_year"}
	unitCostFieldIDs = map[string]string{"basis": "basis-fieldset"}
)

// ErrorSummary lists the messages of the failed form in the order of its fields.
func (p UnitCostPage) ErrorSummary() []ErrorLink {
	return formFields{anchor: "main", fields: unitCostFields, ids: unitCostFieldIDs}.summary(p.Errors)
}

// BasisChoice is a choice of the form's basis: its value, its label and what the review computes
// with it, in words.
type BasisChoice struct {
	Value   string
	Label   string
	Formula string
}

// BasisChoices are the bases the form offers, then « none ».
func (p UnitCostPage) BasisChoices() []BasisChoice {
	out := make([]BasisChoice, 0, len(models.CostBases)+1)
	for _, b := range append(slices.Clone(models.CostBases), "") {
		out = append(out, BasisChoice{Value: string(b), Label: basisLabel(p.Localizer, b), Formula: formulaInWords(p.Localizer, b)})
	}
	return out
}

// Basis writes a version's basis.
func (p UnitCostPage) Basis(b models.CostBasis) string { return basisLabel(p.Localizer, b) }

// Basis writes a value's basis.
func (p UnitCostsPage) Basis(b models.CostBasis) string { return basisLabel(p.Localizer, b) }

// basisLabel names a basis, « aucun » for the empty one; an unknown basis is shown as it is.
func basisLabel(loc *views.Localizer, b models.CostBasis) string {
	switch {
	case b == "":
		return loc.T("impact.basis.none")
	case !b.Valid():
		return string(b)
	}
	return loc.T("impact.basis." + string(b))
}

// formulaInWords writes the review's formula for a basis (reports.Formulas) with the catalog's
// names of its inputs, empty for no basis.
func formulaInWords(loc *views.Localizer, b models.CostBasis) string {
	words := strings.Fields(reports.Formulas[b])
	for i, w := range words {
		name, negated := strings.CutPrefix(w, "−")
		if !slices.Contains(reports.FormulaInputs, name) {
			continue
		}
		words[i] = loc.T("impact.formula." + name)
		if negated {
			words[i] = "−(" + words[i] + ")"
		}
	}
	return strings.Join(words, " ")
}

// Range writes a version's range, « 10 000,00 € – 17 000,00 € », or a dash.
func (p UnitCostPage) Range(low, high *int64) string { return costRange(p.Localizer, low, high) }

// Range writes a value's range, or a dash.
func (p UnitCostsPage) Range(low, high *int64) string { return costRange(p.Localizer, low, high) }

func costRange(loc *views.Localizer, low, high *int64) string {
	switch {
	case low == nil && high == nil:
		return "—"
	case low == nil:
		return "≤ " + loc.Euros(*high)
	case high == nil:
		return "≥ " + loc.Euros(*low)
	}
	return loc.Euros(*low) + " – " + loc.Euros(*high)
}

func (p *UnitCostPage) show(c models.UnitCost) {
	p.ID, p.Version = c.ID, c.Version
	p.Values = map[string]string{"label": c.Label, "amount": p.EurosValue(c.AmountCents), "unit": c.Unit, "source": c.Source,
		"source_year": fmt.Sprint(c.SourceYear), "basis": string(c.Basis)}
	if c.LowCents != nil {
		p.Values["low"] = p.EurosValue(*c.LowCents)
	}
	if c.HighCents != nil {
		p.Values["high"] = p.EurosValue(*c.HighCents)
	}
}

// bindUnitCost reads the form; what cannot be read becomes a field message, beside the others.
func (h *Handlers) bindUnitCost(c echo.Context) (models.UnitCostInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.UnitCostInput{Label: c.FormValue("label"), Unit: c.FormValue("unit"), Source: c.FormValue("source"),
		Basis: models.CostBasis(strings.TrimSpace(c.FormValue("basis")))}
	var ok bool
	if in.AmountCents, ok = models.ParseEuros(c.FormValue("amount")); !ok {
		v.Add("amount", "impact.agreement.amount_invalid")
	}
	if in.SourceYear, ok = formInt(c, "source_year"); !ok {
		v.Add("source_year", "field.integer_expected")
	}
	for name, bound := range map[string]**int64{"low": &in.LowCents, "high": &in.HighCents} {
		typed := strings.TrimSpace(c.FormValue(name))
		if typed == "" {
			continue
		}
		cents, ok := models.ParseEuros(typed)
		if !ok {
			v.Add(name, "impact.agreement.amount_invalid")
			continue
		}
		*bound = &cents
	}
	mergeMessages(v, in.Validate(h.Now()))
	return in, v
}

// NewUnitCostForm shows the form that adds a unit value.
func (h *Handlers) NewUnitCostForm(c echo.Context) error {
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p := UnitCostPage{Page: h.page(c, "impact.unit_cost.new"), Values: map[string]string{}}
	if draft != nil {
		p.Values = valueMap(draft)
	}
	return h.render(c, http.StatusOK, "unit_cost_form", p)
}

// EditUnitCostForm shows a unit value's form and its history.
func (h *Handlers) EditUnitCostForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	cost, err := models.LoadUnitCost(c.Request().Context(), h.DB, id)
	if err != nil {
		return notFound(err)
	}
	p := UnitCostPage{Page: h.page(c, "impact.unit_cost.edit"), History: cost.History}
	p.show(cost.UnitCost)
	p.Title = cost.Label
	if draft != nil {
		p.Values = valueMap(draft)
		if v, err := strconv.Atoi(draft.Get("version")); err == nil {
			p.Version = v
		}
	}
	return h.render(c, http.StatusOK, "unit_cost_form", p)
}

// CreateUnitCost adds a unit value; bad input comes back with 422.
func (h *Handlers) CreateUnitCost(c echo.Context) error {
	in, v := h.bindUnitCost(c)
	var replay string
	err := v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			_, err := models.CreateUnitCost(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), in)
			return "/settings/unit-costs", err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		p := UnitCostPage{Page: h.page(c, "impact.unit_cost.new"), Values: formValues(c)}
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "unit_cost_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "impact.unit_cost.flash_saved")
	return redirect(c, "/settings/unit-costs")
}

// UpdateUnitCost saves a unit value. An edit based on a stale version comes back (409) with what
// was typed and who changed the value meanwhile.
func (h *Handlers) UpdateUnitCost(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	version, _ := strconv.Atoi(c.FormValue("version"))
	in, v := h.bindUnitCost(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdateUnitCost(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve), errors.As(err, &stale):
		cost, lerr := models.LoadUnitCost(ctx, h.DB, id)
		if lerr != nil {
			return notFound(lerr)
		}
		p := UnitCostPage{Page: h.page(c, "impact.unit_cost.edit"), History: cost.History}
		p.show(cost.UnitCost)
		p.Title = cost.Label
		current := p.Values
		p.Values = formValues(c)
		if stale != nil {
			p.Stale = staleNotice(p.Localizer, stale, p.Values, current, unitCostFields...)
			for i, ch := range p.Stale.Changes {
				if ch.Field == "basis" {
					p.Stale.Changes[i].Typed = basisLabel(p.Localizer, models.CostBasis(ch.Typed))
					p.Stale.Changes[i].Current = basisLabel(p.Localizer, models.CostBasis(ch.Current))
				}
			}
			return h.render(c, http.StatusConflict, "unit_cost_form", p)
		}
		p.Version = version
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "unit_cost_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "impact.unit_cost.flash_saved")
	return redirect(c, "/settings/unit-costs")
}
