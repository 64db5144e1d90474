package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// CaseReviewsPage is the list of the prevention group's sessions of the user's establishments.
type CaseReviewsPage struct {
	views.Page
	Tabs           []views.NavItem
	List           models.CaseReviewList
	Filter         models.CaseReviewFilter
	Year           string
	Years          []string
	Kinds          []models.CaseReviewKind
	Establishments []models.Establishment
	Pages          Pagination
}

// CaseReviews lists the sessions of the scope, latest first, filtered by establishment, school
// year and kind, a page at a time.
func (h *Handlers) CaseReviews(c echo.Context) error {
	ctx := c.Request().Context()
	s := currentScope(c)
	f := models.CaseReviewFilter{Kind: models.CaseReviewKind(c.QueryParam("kind")), Page: pageParam(c)}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	if id, err := strconv.ParseUint(c.QueryParam("establishment"), 10, 32); err == nil && s.CoversEstablishment(uint(id)) {
		f.EstablishmentID = uint(id)
	}
	p := CaseReviewsPage{Page: h.page(c, "reviews.title"), Kinds: models.CaseReviewKinds}
	current := calendar.SchoolYearOf(h.Now())
	for y, i := current, 0; i < 5; y, i = y.Previous(), i+1 {
		p.Years = append(p.Years, y.String())
	}
	if y, err := calendar.ParseSchoolYear(c.QueryParam("year")); err == nil {
		f.Year, p.Year = &y, y.String()
	}
	var err error
	if p.List, err = models.ListCaseReviews(ctx, h.DB, s, f); err != nil {
		return err
	}
	if p.Establishments, err = models.EstablishmentsOf(ctx, h.DB, s); err != nil {
		return err
	}
	p.Filter, p.Tabs = f, schoolLifeTabs(p.Localizer, c.Request().URL.Path)
	p.Pages = paginate("/case-reviews", map[string]string{"establishment": idParam(f.EstablishmentID), "year": p.Year,
		"kind": string(f.Kind)}, f.Page, models.CaseReviewsPerPage, p.List.Total)
	return h.render(c, http.StatusOK, "case_reviews", p)
}

// CaseReviewFormPage prepares a session or edits one.
type CaseReviewFormPage struct {
	views.Page
	Tabs []views.NavItem
	// ID and Version are the session edited (0 for a new one).
	ID             uint
	Version        int
	Establishments []models.Establishment
	Staff          []models.ReviewStaffOption
	Kinds          []models.CaseReviewKind
	Roles          []models.ReviewRole
	Values         map[string]string
	Checked        map[uint]bool
	Errors         map[string]string
	Stale          *StaleNotice
}

// Get returns a typed value.
func (p CaseReviewFormPage) Get(name string) string { return p.Values[name] }

// CountField names the headcount field of a role.
func (p CaseReviewFormPage) CountField(r models.ReviewRole) string { return "count_" + string(r) }

// StaffLabel is an account as the form lists it: its name, role and, for a user of several
// establishments, the establishment.
func (p CaseReviewFormPage) StaffLabel(s models.ReviewStaffOption) string {
	label := s.DisplayName + " — " + p.T("role."+string(s.Role))
	if len(p.Establishments) > 1 {
		for _, e := range p.Establishments {
			if e.ID == s.EstablishmentID {
				label += " (" + e.Name + ")"
			}
		}
	}
	return label
}

func (h *Handlers) caseReviewForm(c echo.Context, title string, values map[string]string, checked map[uint]bool) (CaseReviewFormPage, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	p := CaseReviewFormPage{Page: h.page(c, title), Kinds: models.CaseReviewKinds, Roles: models.ReviewRoles, Values: values, Checked: checked}
	p.Tabs = schoolLifeTabs(p.Localizer, c.Request().URL.Path)
	var err error
	if p.Establishments, err = models.EstablishmentsOf(ctx, h.DB, s); err != nil {
		return p, err
	}
	if p.Staff, err = models.ReviewStaff(ctx, h.DB, s.EstablishmentIDs); err != nil {
		return p, err
	}
	return p, nil
}

// NewCaseReview shows the form that prepares a session: today, a GPDS, the user among the
// participants.
func (h *Handlers) NewCaseReview(c echo.Context) error {
	u := currentUser(c)
	p, err := h.caseReviewForm(c, "reviews.new", map[string]string{"held_on": dateValue(calendar.Today(h.Now())), "kind": string(models.ReviewGPDS)},
		map[uint]bool{u.ID: true})
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "case_review_form", p)
}

// bindCaseReview reads the session form; what cannot be read becomes a field message.
func bindCaseReview(c echo.Context) (models.CaseReviewInput, map[uint]bool, models.ValidationError) {
	v := models.ValidationError{}
	in := models.CaseReviewInput{EstablishmentID: formID(c, "establishment_id"), Kind: models.CaseReviewKind(c.FormValue("kind")),
		Headcounts: map[models.ReviewRole]int{}}
	var ok bool
	if in.HeldOn, ok = formDate(c, "held_on"); !ok {
		v.Add("held_on", "field.date_invalid")
	}
	for _, r := range models.ReviewRoles {
		name := "count_" + string(r)
		if in.Headcounts[r], ok = formInt(c, name); !ok {
			v.Add(name, "reviews.headcount_range", "Max", models.MaxReviewHeadcount)
		}
	}
	checked := map[uint]bool{}
	form, _ := c.FormParams()
	for _, s := range form["staff"] {
		if id, err := strconv.ParseUint(s, 10, 32); err == nil && id > 0 {
			in.StaffIDs = append(in.StaffIDs, uint(id))
			checked[uint(id)] = true
		}
	}
	return in, checked, v
}

// CreateCaseReview prepares a session; bad input comes back with 422 and stores nothing.
func (h *Handlers) CreateCaseReview(c echo.Context) error {
	in, checked, v := bindCaseReview(c)
	err := v.OrNil()
	var replay string
	var r models.CaseReview
	if err == nil {
		// Sent twice (a double click, a reload after a lost answer), the form makes one session.
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			var err error
			r, err = models.CreateCaseReview(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), in)
			return fmt.Sprintf("/case-reviews/%d", r.ID), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	if errors.As(err, &ve) {
		p, perr := h.caseReviewForm(c, "reviews.new", formValues(c), checked)
		if perr != nil {
			return perr
		}
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "case_review_form", p)
	}
	if err != nil {
		return notFound(err)
	}
	h.flash(c, "reviews.flash.created")
	return redirect(c, fmt.Sprintf("/case-reviews/%d", r.ID))
}

// reviewValues are a session's current values as its form shows them.
func reviewValues(d models.CaseReviewDetail) (map[string]string, map[uint]bool) {
	values := map[string]string{"held_on": dateValue(d.Review.HeldOn), "kind": string(d.Review.Kind),
		"establishment_id": fmt.Sprint(d.Review.EstablishmentID)}
	checked := map[uint]bool{}
	for _, p := range d.Participants {
		if p.UserID != nil {
			checked[*p.UserID] = true
		} else {
			values["count_"+string(p.Role)] = fmt.Sprint(p.Headcount)
		}
	}
	return values, checked
}

// EditCaseReview shows the edit form of a session of the scope.
func (h *Handlers) EditCaseReview(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := models.LoadCaseReview(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return notFound(err)
	}
	values, checked := reviewValues(d)
	p, err := h.caseReviewForm(c, "reviews.edit", values, checked)
	if err != nil {
		return err
	}
	p.ID, p.Version = id, d.Review.Version
	return h.render(c, http.StatusOK, "case_review_form", p)
}

// UpdateCaseReview changes a session; bad input comes back with 422, an edit of a session
// changed meanwhile with 409, who changed it and what it holds now.
func (h *Handlers) UpdateCaseReview(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	in, checked, v := bindCaseReview(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdateCaseReview(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve), errors.As(err, &stale):
		d, lerr := models.LoadCaseReview(ctx, h.DB, currentScope(c), id)
		if lerr != nil {
			return notFound(lerr)
		}
		p, perr := h.caseReviewForm(c, "reviews.edit", formValues(c), checked)
		if perr != nil {
			return perr
		}
		p.ID, p.Version = id, version
		status := http.StatusUnprocessableEntity
		if stale != nil {
			current, _ := reviewValues(d)
			p.Stale = staleNotice(p.Localizer, stale, p.Values, current, "held_on", "kind")
			p.Version, status = d.Review.Version, http.StatusConflict
		} else {
			p.Errors = fieldErrors(p.Localizer, ve)
		}
		return h.render(c, status, "case_review_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "reviews.flash.updated")
	return redirect(c, fmt.Sprintf("/case-reviews/%d", id))
}

// CaseReviewPage is a session with its pupils, their decisions and the forms that act on it.
type CaseReviewPage struct {
	views.Page
	calendarText
	Tabs       []views.NavItem
	D          models.CaseReviewDetail
	Candidates []models.ReviewCandidate
	Staff      []models.StaffOption
	Decisions  []models.ReviewDecision
	Levels     []models.ClassLevel
	// CanRestrict offers the restricted box (mediators only).
	CanRestrict bool
	// Form is the sub-form that failed ("add", "new-pupil", "decision-<pupil id>"), with its
	// values and messages; Duplicates are the files a new pupil may duplicate.
	Form       string
	Values     map[string]string
	Errors     map[string]string
	Duplicates []models.PupilMatch
	UserID     uint
}

// Failed tells whether the named sub-form is the one that failed.
func (p CaseReviewPage) Failed(form string) bool { return p.Form == form }

// Value returns a value typed in the failed sub-form, or def.
func (p CaseReviewPage) Value(form, name, def string) string {
	if p.Form == form {
		if v, ok := p.Values[name]; ok {
			return v
		}
	}
	return def
}

// FieldError returns the message of a field when its sub-form failed.
func (p CaseReviewPage) FieldError(form, name string) string {
	if p.Form != form {
		return ""
	}
	return p.Errors[name]
}

// DecisionForm names the decision form of a pupil.
func (p CaseReviewPage) DecisionForm(pupilID uint) string { return fmt.Sprintf("decision-%d", pupilID) }

// OwnerValue is the owner chosen in a pupil's decision form: what was typed, else the
// decision's account, else "label" for a label, else the reader.
func (p CaseReviewPage) OwnerValue(r models.ReviewPupilRow) string {
	form := p.DecisionForm(r.PupilID)
	if p.Form == form {
		return p.Values["owner"]
	}
	switch {
	case r.OwnerUserID != nil:
		return fmt.Sprint(*r.OwnerUserID)
	case r.OwnerLabel != "":
		return "label"
	}
	return fmt.Sprint(p.UserID)
}

// CaseReview shows a session of the scope; the view of the pupils' names is in the audit log.
func (h *Handlers) CaseReview(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	// A decision or a new pupil kept when the session expired comes back in its form.
	form, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.caseReviewPage(c, id, form, valueMap(draft), nil)
	if err != nil {
		return err
	}
	if err := h.audit(c, models.AuditPupilViewed, "case_review", fmt.Sprint(id), fmt.Sprintf("%d pupils", len(p.D.Pupils))); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "case_review", p)
}

func (h *Handlers) caseReviewPage(c echo.Context, id uint, form string, values, errs map[string]string) (CaseReviewPage, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	d, err := models.LoadCaseReview(ctx, h.DB, s, id)
	if err != nil {
		return CaseReviewPage{}, notFound(err)
	}
	p := CaseReviewPage{Page: h.page(c, "reviews.title"), D: d, Decisions: models.ReviewDecisions, Levels: models.ClassLevels,
		CanRestrict: s.SeesRestrictedNotes(), Form: form, Values: values, Errors: errs, UserID: currentUser(c).ID}
	p.calendarText = calendarText{lang: p.Lang()}
	p.Title = p.T("reviews.heading."+string(d.Review.Kind), "Date", d.Review.HeldOn.Format("02/01/2006"))
	p.Tabs = schoolLifeTabs(p.Localizer, "/case-reviews")
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	if p.Candidates, err = models.ReviewCandidates(ctx, h.DB, s, d.Review); err != nil {
		return p, err
	}
	if p.Staff, err = models.MeetingStaff(ctx, h.DB, d.Review.EstablishmentID); err != nil {
		return p, err
	}
	return p, nil
}

// caseReviewFormFailed re-renders the session with the failed sub-form, its values and messages.
func (h *Handlers) caseReviewFormFailed(c echo.Context, id uint, form string, status int, v models.ValidationError, dup []models.PupilMatch) error {
	p, err := h.caseReviewPage(c, id, form, formValues(c), fieldErrors(h.localizer(c), v))
	if err != nil {
		return err
	}
	p.Duplicates = dup
	return h.render(c, status, "case_review", p)
}

// AddReviewPupil puts a file of the establishment on the session's list.
func (h *Handlers) AddReviewPupil(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	err = models.AddPupilToReview(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, formID(c, "pupil_id"))
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.caseReviewFormFailed(c, id, "add", http.StatusUnprocessableEntity, ve, nil)
	case err != nil:
		return notFound(err)
	}
	h.flashAt(c, "reviews.flash.pupil_added", "pupils")
	return redirect(c, fmt.Sprintf("/case-reviews/%d#pupils", id))
}

// AddNewReviewPupil opens a file for a pupil named at the session and lists it; a probable
// duplicate comes back (409) with the files found and the homonym box.
func (h *Handlers) AddNewReviewPupil(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, v := bindPupil(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.AddNewPupilToReview(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, in)
	}
	var ve models.ValidationError
	var dup *models.DuplicateError
	switch {
	case errors.As(err, &dup):
		return h.caseReviewFormFailed(c, id, "new-pupil", http.StatusConflict, models.ValidationError{}, dup.Matches)
	case errors.As(err, &ve):
		return h.caseReviewFormFailed(c, id, "new-pupil", http.StatusUnprocessableEntity, ve, nil)
	case err != nil:
		return notFound(err)
	}
	h.flashAt(c, "reviews.flash.pupil_created", "pupils")
	return redirect(c, fmt.Sprintf("/case-reviews/%d#pupils", id))
}

// RecordReviewDecision records the group's decision for a pupil of the session.
func (h *Handlers) RecordReviewDecision(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	pupilID, err := paramID(c, "pupil")
	if err != nil {
		return err
	}
	v := models.ValidationError{}
	in := models.DecisionInput{Decision: models.ReviewDecision(c.FormValue("decision")), Note: c.FormValue("note"),
		Restricted: c.FormValue("restricted") == "on"}
	switch owner := strings.TrimSpace(c.FormValue("owner")); owner {
	case "", "label":
		in.OwnerLabel = c.FormValue("owner_label")
	default:
		in.OwnerUserID = formIDPtr(c, "owner")
	}
	var ok bool
	if in.DueOn, ok = formDate(c, "due_on"); !ok {
		v.Add("due_on", "field.date_invalid")
	}
	form := fmt.Sprintf("decision-%d", pupilID)
	err = v.OrNil()
	if err == nil {
		err = models.RecordDecision(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, pupilID, in)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.caseReviewFormFailed(c, id, form, http.StatusUnprocessableEntity, ve, nil)
	case err != nil:
		return notFound(err)
	}
	anchor := fmt.Sprintf("pupil-%d", pupilID)
	h.flashAt(c, "reviews.flash.decision_recorded", anchor)
	return redirect(c, fmt.Sprintf("/case-reviews/%d#%s", id, anchor))
}

// CaseReviewMinutes downloads the minutes of a session as a nominative PDF, which stays in the
// establishment (its mediators and head teachers only); restricted notes are never in it. The
// export is in the audit log.
func (h *Handlers) CaseReviewMinutes(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := models.LoadCaseReviewMinutes(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return notFound(err)
	}
	now := h.Now()
	b, err := h.localizer(c).CaseReviewMinutesPDF(d, now)
	if err != nil {
		return err
	}
	if err := h.audit(c, models.AuditPDFExported, "case_review", fmt.Sprint(id), "minutes"); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="compte-rendu-%s-%s.pdf"`, d.Review.Kind, d.Review.HeldOn.Format("2006-01-02")))
	return c.Blob(http.StatusOK, "application/pdf", b)
}

// DueValue is a decision's due date as the date input holds it.
func (p CaseReviewPage) DueValue(r models.ReviewPupilRow) string {
	if !r.DueOn.Valid {
		return ""
	}
	return dateValue(r.DueOn.Time)
}
