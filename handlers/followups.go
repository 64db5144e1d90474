package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// bindFollowUp reads a follow-up and its next action; unreadable dates and numbers become
// field messages.
func bindFollowUp(c echo.Context) (models.FollowUpInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.FollowUpInput{Kind: models.FollowUpKind(c.FormValue("kind")), Note: c.FormValue("note"),
		Restricted: c.FormValue("restricted") == "on"}
	var ok bool
	if in.OccurredOn, ok = formDate(c, "occurred_on"); !ok {
		v.Add("occurred_on", "field.date_invalid")
	}
	if in.DurationMinutes, ok = formInt(c, "duration_minutes"); !ok {
		v.Add("duration_minutes", "field.minutes_expected")
	}
	in.Action = models.ActionInput{Description: c.FormValue("action_description"), OwnerLabel: c.FormValue("action_owner_label")}
	if in.Action.DueOn, ok = formDate(c, "action_due_on"); !ok {
		v.Add("action_due_on", "field.date_invalid")
	}
	if owner := c.FormValue("action_owner"); owner != "" && owner != "label" {
		in.Action.OwnerUserID = formIDPtr(c, "action_owner")
	}
	return in, v
}

// CreateFollowUp logs a follow-up on a file.
func (h *Handlers) CreateFollowUp(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, v := bindFollowUp(c)
	var replay string
	err = v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			_, err := models.CreateFollowUp(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), id, in)
			return fmt.Sprintf("/pupils/%d", id), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	return h.afterPupilEdit(c, id, "followup", err, "flash.followup_saved")
}

// FollowUpPage is the form with which an author corrects a follow-up.
type FollowUpPage struct {
	views.Page
	FollowUp models.FollowUp
	Values   map[string]string
	Errors   map[string]string
	Kinds    []models.FollowUpKind
	Today    string
}

// Get returns a value of the form.
func (p FollowUpPage) Get(name string) string { return p.Values[name] }

// EditFollowUpForm shows a follow-up to its author; to anyone else it does not exist.
func (h *Handlers) EditFollowUpForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	fu, err := models.FollowUpOf(c.Request().Context(), h.DB, currentScope(c), currentUser(c).ID, id)
	if err != nil {
		return notFound(err)
	}
	values := map[string]string{"occurred_on": dateValue(fu.OccurredOn), "kind": string(fu.Kind),
		"duration_minutes": fmt.Sprint(fu.DurationMinutes), "note": fu.Note}
	if fu.Restricted {
		values["restricted"] = "on"
	}
	return h.render(c, http.StatusOK, "followup_form", FollowUpPage{Page: h.page(c, "followup.edit"), FollowUp: fu,
		Values: values, Kinds: models.FollowUpKinds, Today: dateValue(calendar.Today(h.Now()))})
}

// UpdateFollowUp saves the author's correction.
func (h *Handlers) UpdateFollowUp(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, v := bindFollowUp(c)
	var fu models.FollowUp
	err = v.OrNil()
	if err == nil {
		fu, err = models.UpdateFollowUp(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, in)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		current, lerr := models.FollowUpOf(ctx, h.DB, currentScope(c), currentUser(c).ID, id)
		if lerr != nil {
			return notFound(lerr)
		}
		p := FollowUpPage{Page: h.page(c, "followup.edit"), FollowUp: current, Values: formValues(c), Kinds: models.FollowUpKinds,
			Today: dateValue(calendar.Today(h.Now()))}
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "followup_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "flash.followup_saved")
	return redirect(c, fmt.Sprintf("/pupils/%d#followups", fu.PupilID))
}

// DeleteFollowUp deletes a follow-up of its author.
func (h *Handlers) DeleteFollowUp(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	pupilID, err := models.DeleteFollowUp(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id)
	if err != nil {
		return notFound(err)
	}
	h.flash(c, "flash.followup_deleted")
	return redirect(c, fmt.Sprintf("/pupils/%d#followups", pupilID))
}

// CompleteAction marks a next action done and goes back where the user came from.
func (h *Handlers) CompleteAction(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	pupilID, err := models.CompleteAction(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id)
	if err != nil {
		return notFound(err)
	}
	h.flash(c, "flash.action_done")
	if c.FormValue("from") == "worklist" {
		return redirect(c, "/")
	}
	return redirect(c, fmt.Sprintf("/pupils/%d", pupilID))
}
