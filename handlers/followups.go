package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

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
			return pupilSection(id, "followup"), err
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
	// Version is the version of the follow-up the form edits (optimistic locking).
	Version int
	// Stale explains an edit refused because the follow-up changed meanwhile (another tab).
	Stale *StaleNotice
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
	form, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	// A draft carries the version it was typed on: if the follow-up changed since, saving it
	// is refused as any stale edit is.
	values, version := followUpValues(fu), fu.Version
	if form != "" {
		values = valueMap(draft)
		version, _ = strconv.Atoi(draft.Get("version"))
	}
	return h.render(c, http.StatusOK, "followup_form", FollowUpPage{Page: h.page(c, "followup.edit"), FollowUp: fu,
		Values: values, Kinds: models.FollowUpKinds, Today: dateValue(calendar.Today(h.Now())), Version: version})
}

// followUpValues are a follow-up's values as its form shows them.
func followUpValues(fu models.FollowUp) map[string]string {
	values := map[string]string{"occurred_on": dateValue(fu.OccurredOn), "kind": string(fu.Kind),
		"duration_minutes": fmt.Sprint(fu.DurationMinutes), "note": fu.Note}
	if fu.Restricted {
		values["restricted"] = "on"
	}
	return values
}

// UpdateFollowUp saves the author's correction. An edit based on a stale version (the same
// follow-up saved meanwhile from another tab) is refused: the form comes back (409) with what
// was typed, when the follow-up changed and the fields that now differ, and the current version
// so that saving again is a knowing choice.
func (h *Handlers) UpdateFollowUp(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, v := bindFollowUp(c)
	version, _ := strconv.Atoi(c.FormValue("version"))
	var fu models.FollowUp
	err = v.OrNil()
	if err == nil {
		fu, err = models.UpdateFollowUp(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve), errors.As(err, &stale):
		current, lerr := models.FollowUpOf(ctx, h.DB, currentScope(c), currentUser(c).ID, id)
		if lerr != nil {
			return notFound(lerr)
		}
		p := FollowUpPage{Page: h.page(c, "followup.edit"), FollowUp: current, Values: formValues(c), Kinds: models.FollowUpKinds,
			Today: dateValue(calendar.Today(h.Now())), Version: version}
		if stale != nil {
			p.Version = current.Version
			p.Stale = staleNotice(p.Localizer, stale, p.Values, followUpValues(current), "occurred_on", "kind", "duration_minutes", "note")
			return h.render(c, http.StatusConflict, "followup_form", p)
		}
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

// CompleteAction marks a next action done and goes back where the user came from, with a
// flash that offers to take it back (UndoAction) for models.ActionUndoWindow.
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
	undo := fmt.Sprintf("/actions/%d/undo", id)
	if c.FormValue("from") == "worklist" {
		undo += "?from=worklist"
	}
	h.Sessions.Put(c.Request().Context(), sessionFlashUndo, undo)
	return h.backFromAction(c, pupilID)
}

// UndoAction takes back an action marked done by mistake, within models.ActionUndoWindow: it is
// open again where it was. Later, or for an action that is not done, the page says it can no
// longer be undone.
func (h *Handlers) UndoAction(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	pupilID, err := models.ReopenAction(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id)
	switch {
	case errors.Is(err, models.ErrUndoTooLate):
		h.Sessions.Put(c.Request().Context(), sessionFlash,
			h.localizer(c).T("action.undo_too_late", "Minutes", int(models.ActionUndoWindow.Minutes())))
	case err != nil:
		return notFound(err)
	default:
		h.flash(c, "action.undone")
	}
	return h.backFromAction(c, pupilID)
}

// backFromAction goes back to where an action was marked done: the worklist or the file.
func (h *Handlers) backFromAction(c echo.Context, pupilID uint) error {
	if c.QueryParam("from") == "worklist" || c.FormValue("from") == "worklist" {
		return redirect(c, "/")
	}
	return redirect(c, fmt.Sprintf("/pupils/%d", pupilID))
}
