package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/views"
)

// PartnersPage lists the partner organisations for the coordination.
type PartnersPage struct {
	views.Page
	Partners []models.PartnerOrganisation
}

// Partners lists every partner organisation, active or not.
func (h *Handlers) Partners(c echo.Context) error {
	ps, err := models.ListPartners(c.Request().Context(), h.DB)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "partners", PartnersPage{Page: h.page(c, "partners.title"), Partners: ps})
}

// PartnerFormPage creates or edits a partner organisation.
type PartnerFormPage struct {
	views.Page
	ID     uint
	Values map[string]string
	Errors map[string]string
	Kinds  []models.PartnerKind
}

// Get returns a value of the form.
func (p PartnerFormPage) Get(name string) string { return p.Values[name] }

func partnerValues(p models.PartnerOrganisation) map[string]string {
	v := map[string]string{"name": p.Name, "kind": string(p.Kind), "contact_name": p.ContactName, "contact_email": p.ContactEmail,
		"contact_phone": p.ContactPhone, "response_days": fmt.Sprint(p.ResponseDays)}
	if p.Active {
		v["active"] = "on"
	}
	return v
}

// NewPartnerForm shows the form that adds an organisation, with the default response time.
func (h *Handlers) NewPartnerForm(c echo.Context) error {
	values := partnerValues(models.PartnerOrganisation{ResponseDays: models.DefaultResponseDays, Active: true})
	return h.render(c, http.StatusOK, "partner_form", PartnerFormPage{Page: h.page(c, "partners.new"), Values: values, Kinds: models.PartnerKinds})
}

// EditPartnerForm shows an organisation's form.
func (h *Handlers) EditPartnerForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := models.PartnerByID(c.Request().Context(), h.DB, id)
	if err != nil {
		return notFound(err)
	}
	page := PartnerFormPage{Page: h.page(c, "partners.edit"), ID: id, Values: partnerValues(p), Kinds: models.PartnerKinds}
	page.Title = p.Name
	return h.render(c, http.StatusOK, "partner_form", page)
}

// bindPartner reads the form; an empty response time is the default one.
func bindPartner(c echo.Context) (models.PartnerInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.PartnerInput{Name: c.FormValue("name"), Kind: models.PartnerKind(c.FormValue("kind")),
		ContactName: c.FormValue("contact_name"), ContactEmail: c.FormValue("contact_email"), ContactPhone: c.FormValue("contact_phone"),
		Active: c.FormValue("active") == "on"}
	days, ok := formInt(c, "response_days")
	switch {
	case !ok:
		v.Add("response_days", "field.days_expected")
	case days == 0:
		days = models.DefaultResponseDays
	}
	in.ResponseDays = days
	return in, v
}

// CreatePartner adds an organisation.
func (h *Handlers) CreatePartner(c echo.Context) error {
	return h.savePartner(c, 0)
}

// UpdatePartner saves an organisation.
func (h *Handlers) UpdatePartner(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if _, err := models.PartnerByID(c.Request().Context(), h.DB, id); err != nil {
		return notFound(err)
	}
	return h.savePartner(c, id)
}

// savePartner creates (id 0) or updates an organisation; bad input comes back with 422.
func (h *Handlers) savePartner(c echo.Context, id uint) error {
	ctx := c.Request().Context()
	in, v := bindPartner(c)
	err := v.OrNil()
	if err == nil {
		if id == 0 {
			var replay string
			replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
				_, err := models.CreatePartner(ctx, tx, actor(c), h.Now(), in)
				return "/partners", err
			})
			if replay != "" {
				return h.replayed(c, replay)
			}
		} else {
			_, err = models.UpdatePartner(ctx, h.DB, actor(c), h.Now(), id, in)
		}
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		title := "partners.new"
		if id != 0 {
			title = "partners.edit"
		}
		p := PartnerFormPage{Page: h.page(c, title), ID: id, Values: formValues(c), Kinds: models.PartnerKinds}
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "partner_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "flash.partner_saved")
	return redirect(c, "/partners")
}
