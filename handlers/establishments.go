package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// EstablishmentFormPage edits an establishment for the coordination.
type EstablishmentFormPage struct {
	views.Page
	Establishment models.Establishment
	Values        map[string]string
	Errors        map[string]string
	Types         []models.EstablishmentType
	Sectors       []models.Sector
	Priorities    []models.PriorityLabel
}

// Get returns a value of the form.
func (p EstablishmentFormPage) Get(name string) string { return p.Values[name] }

func (h *Handlers) establishmentForm(c echo.Context, e models.Establishment, values map[string]string) EstablishmentFormPage {
	p := EstablishmentFormPage{Page: h.page(c, "roles.establishment.edit"), Establishment: e, Values: values,
		Types: models.EstablishmentTypes, Sectors: models.Sectors, Priorities: models.PriorityLabels}
	p.Title = p.T("roles.establishment.edit_title", "Name", e.Name)
	return p
}

// EditEstablishmentForm shows an establishment's form.
func (h *Handlers) EditEstablishmentForm(c echo.Context) error {
	e, err := models.EstablishmentOfUAI(c.Request().Context(), h.DB, c.Param("uai"))
	if err != nil {
		return notFound(err)
	}
	values := map[string]string{"name": e.Name, "type": string(e.Type), "sector": string(e.Sector),
		"priority_education": string(e.PriorityEducation)}
	if e.Active {
		values["active"] = "on"
	}
	return h.render(c, http.StatusOK, "establishment_form", h.establishmentForm(c, e, values))
}

// UpdateEstablishment saves an establishment; bad input comes back with 422 and changes nothing.
func (h *Handlers) UpdateEstablishment(c echo.Context) error {
	ctx := c.Request().Context()
	current, err := models.EstablishmentOfUAI(ctx, h.DB, c.Param("uai"))
	if err != nil {
		return notFound(err)
	}
	in := models.EstablishmentInput{Name: c.FormValue("name"), Type: models.EstablishmentType(c.FormValue("type")),
		Sector: models.Sector(c.FormValue("sector")), PriorityEducation: models.PriorityLabel(c.FormValue("priority_education")),
		Active: c.FormValue("active") == "on"}
	_, err = models.UpdateEstablishment(ctx, h.DB, actor(c), h.Now(), current.UAI, in)
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		p := h.establishmentForm(c, current, formValues(c))
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "establishment_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "roles.establishment.saved")
	return redirect(c, "/#establishments")
}
