package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// ReferralsPage is the list of referrals: a partner's inbox, or the referrals of an
// establishment role's pupils.
type ReferralsPage struct {
	views.Page
	List           models.ReferralList
	Filter         models.ReferralFilter
	Establishments []models.Establishment
	Statuses       []models.ReferralStatus
	IsPartner      bool
	Pages          Pagination
}

// Referrals lists the referrals of the scope with filters by status, establishment and delay.
func (h *Handlers) Referrals(c echo.Context) error {
	ctx := c.Request().Context()
	s := currentScope(c)
	isPartner := s.Role == models.RolePartner
	f := models.ReferralFilter{Status: models.ReferralStatus(c.QueryParam("status")), Overdue: c.QueryParam("overdue") == "1"}
	if !f.Status.Valid() || (isPartner && f.Status == models.ReferralDraft) {
		f.Status = ""
	}
	es, err := models.ReferralEstablishments(ctx, h.DB, s)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseUint(c.QueryParam("establishment"), 10, 32); err == nil {
		for _, e := range es {
			if e.ID == uint(id) {
				f.EstablishmentID = e.ID
			}
		}
	}
	f.Page = pageParam(c)
	list, err := models.ListReferrals(ctx, h.DB, s, h.Now(), f)
	if err != nil {
		return err
	}
	var statuses []models.ReferralStatus
	for _, st := range models.ReferralStatuses {
		if !isPartner || st != models.ReferralDraft { // a partner never sees a draft
			statuses = append(statuses, st)
		}
	}
	p := ReferralsPage{Page: h.page(c, "referrals.title"), List: list, Filter: f, Establishments: es, Statuses: statuses,
		IsPartner: isPartner}
	overdue := ""
	if f.Overdue {
		overdue = "1"
	}
	p.Pages = paginate("/referrals", map[string]string{"status": string(f.Status), "establishment": idParam(f.EstablishmentID), "overdue": overdue},
		f.Page, models.ReferralsPerPage, list.Total)
	return h.render(c, http.StatusOK, "referrals", p)
}

// ReferralPage is one referral with the forms of the steps the user may take. A partner's page
// holds the pupil's identity and the guardians' contact details, nothing else of the file.
type ReferralPage struct {
	views.Page
	Detail models.ReferralDetail
	// Letters offers the consent form for the family to the roles that read the file.
	Letters LetterForms
	// Sender is whom the partner calls back: the mediator who sent the referral.
	Sender     models.ReferralContact
	IsPartner  bool
	IsMediator bool
	// Actions are the steps the user may take now, by the state machine.
	Actions        []models.ReferralAction
	Partners       []models.PartnerOrganisation
	Reasons        []models.ReferralReason
	Outcomes       []models.ReferralOutcome
	ConsentMethods []models.ConsentMethod
	Today          string
	// NoConsent explains, next to the send button, why a draft cannot be sent yet.
	NoConsent string
	// Stale says why a step changed nothing: someone acted meanwhile, or a double click.
	Stale *StaleNotice
	// Form is the form that failed ("draft", "consent", or an action), with its values and
	// messages.
	Form   string
	Values map[string]string
	Errors map[string]string
}

// Can tells whether the user may take the action now.
func (p ReferralPage) Can(action string) bool {
	for _, a := range p.Actions {
		if string(a) == action {
			return true
		}
	}
	return false
}

// FormShown tells whether the form that came back (failed, refused as stale, or kept as a
// draft) is still on the page: a step taken meanwhile may have removed it.
func (p ReferralPage) FormShown() bool {
	switch p.Form {
	case "":
		return false
	case "draft", "consent":
		return p.IsMediator && p.Detail.Status == models.ReferralDraft
	}
	return p.Can(p.Form)
}

// TypedText is the text typed in a form that came back but is no longer on the page (the
// referral moved on meanwhile), for the user to copy: it is not lost either.
func (p ReferralPage) TypedText() string {
	if p.FormShown() {
		return ""
	}
	return typedText(p.Values, "request", "consent_given_by", "comment")
}

// VersionOf is the version a form is sent with: the one it was typed on when it comes back
// (failed, or kept as a draft), else the referral's.
func (p ReferralPage) VersionOf(form string) string {
	return p.Value(form, "version", fmt.Sprint(p.Detail.Version))
}

// Value returns a value typed in the failed form, or def.
func (p ReferralPage) Value(form, name, def string) string {
	if p.Form == form {
		if v, ok := p.Values[name]; ok {
			return v
		}
	}
	return def
}

// Error returns the message of a field of the failed form, or "".
func (p ReferralPage) Error(form, name string) string {
	if p.Form == form {
		return p.Errors[name]
	}
	return ""
}

// DraftFields are the draft's partner, reason and request as its form shows them: with what was
// typed and the messages when the draft form came back, else the draft's own values.
func (p ReferralPage) DraftFields() template.HTML {
	const form = "draft"
	d := referralDraft{ReferralForm: ReferralForm{Partners: p.Partners, Reasons: p.Reasons},
		Partner: p.Value(form, "partner_organisation_id", fmt.Sprint(p.Detail.PartnerOrganisationID)),
		Reason:  p.Value(form, "reason", fmt.Sprint(p.Detail.Reason)), Request: p.Value(form, "request", p.Detail.Request)}
	if p.Form == form {
		d.Errors = p.Errors
	}
	var w fileWriter
	w.draftFields(p.Localizer, d)
	return template.HTML(w.String())
}

// Referral shows one referral of the scope; the view of the pupil's data is in the audit log.
func (h *Handlers) Referral(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.referralPage(c, id, form, draft, nil)
	if err != nil {
		return err
	}
	if err := h.auditFile(c, p.Detail.PupilID, models.AuditPupilViewed, "referral", fmt.Sprint(id), fmt.Sprintf("pupil %d", p.Detail.PupilID)); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "referral", p)
}

func (h *Handlers) referralPage(c echo.Context, id uint, form string, values url.Values, errs map[string]string) (ReferralPage, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	now := h.Now()
	d, err := models.LoadReferral(ctx, h.DB, s, now, id)
	if err != nil {
		return ReferralPage{}, notFound(err)
	}
	p := ReferralPage{Page: h.page(c, "referral.title"), Detail: d, IsPartner: s.Role == models.RolePartner,
		IsMediator: s.Role == models.RoleMediator, Actions: models.ReferralActionsFor(d.Status, s.Role),
		Reasons: models.ReferralReasons, Outcomes: models.ReferralOutcomes, ConsentMethods: models.ConsentMethods,
		Today: dateValue(calendar.Today(now)), Form: form, Errors: errs, Values: map[string]string{}}
	p.Title = p.T("referral.heading", "Partner", d.PartnerName, "Pupil", d.Pupil.FirstName+" "+d.Pupil.LastName)
	if d.SenderID != 0 {
		if p.Sender, err = models.SenderContact(ctx, h.DB, d.SenderID); err != nil && !errors.Is(err, models.ErrNotFound) {
			return ReferralPage{}, err
		}
	}
	if s.SeesPupilFiles() {
		if p.Letters, err = h.letterForms(ctx, s, d.PupilID, fmt.Sprintf("/referrals/%d/", id), []models.LetterDocument{models.LetterConsent}); err != nil {
			return ReferralPage{}, err
		}
	}
	for k := range values {
		p.Values[k] = values.Get(k)
	}
	if p.IsMediator && d.Status == models.ReferralDraft {
		if !d.HasConsent() {
			p.NoConsent = p.T(models.MsgNoConsent)
		}
		if p.Partners, err = models.ActivePartners(ctx, h.DB); err != nil {
			return ReferralPage{}, err
		}
	}
	return p, nil
}

// referralFailed re-renders the referral with the failed form's values and messages (422), or
// with the notice of a change refused because the referral changed meanwhile (409: a second
// tab, someone else's step, a double click) and what was typed kept in its form, at the
// current version, so that nothing is overwritten unknowingly; or answers 404 outside the
// scope.
func (h *Handlers) referralFailed(c echo.Context, id uint, form string, err error) error {
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve):
		p, perr := h.referralPage(c, id, form, typedValues(c, nil), fieldErrors(h.localizer(c), ve))
		if perr != nil {
			return perr
		}
		return h.render(c, http.StatusUnprocessableEntity, "referral", p)
	case errors.As(err, &stale):
		p, perr := h.referralPage(c, id, form, typedValues(c, stale), nil)
		if perr != nil {
			return perr
		}
		p.Stale = staleNotice(p.Localizer, stale, nil, nil)
		return h.render(c, http.StatusConflict, "referral", p)
	}
	return notFound(err)
}

// referralVersion reads the version of the record the form was shown with (0 when missing, which
// no record has: the step is then refused as based on an old page).
func referralVersion(c echo.Context) int {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return v
}

func bindReferral(c echo.Context) models.ReferralInput {
	return models.ReferralInput{PartnerOrganisationID: formID(c, "partner_organisation_id"),
		Reason: models.ReferralReason(c.FormValue("reason")), Request: c.FormValue("request")}
}

// CreateReferral drafts a referral from a pupil's file; bad input comes back on the file (422).
func (h *Handlers) CreateReferral(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var r models.Referral
	replay, err := h.submitOnce(c, func(tx *gorm.DB) (string, error) {
		var err error
		r, err = models.CreateReferral(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), id, bindReferral(c))
		return fmt.Sprintf("/referrals/%d", r.ID), err
	})
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.pupilFormFailed(c, id, "referral", ve, nil)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "flash.referral_created")
	return redirect(c, fmt.Sprintf("/referrals/%d", r.ID))
}

// UpdateReferral saves the changes to a draft.
func (h *Handlers) UpdateReferral(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, err = models.UpdateReferralDraft(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, referralVersion(c), bindReferral(c))
	if err != nil {
		return h.referralFailed(c, id, "draft", err)
	}
	h.flash(c, "flash.referral_saved")
	return redirect(c, fmt.Sprintf("/referrals/%d", id))
}

// RecordReferralConsent records the family's consent on a draft.
func (h *Handlers) RecordReferralConsent(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in := models.ConsentInput{GivenBy: c.FormValue("consent_given_by"), Method: models.ConsentMethod(c.FormValue("consent_method"))}
	var typed bool
	in.GivenOn, typed = formDate(c, "consent_given_on")
	_, err = models.RecordConsent(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, referralVersion(c), in)
	var ve models.ValidationError
	if !typed && errors.As(err, &ve) {
		ve["consent_given_on"] = models.Msg("field.date_invalid") // what was typed is not a date at all
	}
	if err != nil {
		return h.referralFailed(c, id, "consent", err)
	}
	h.flash(c, "flash.referral_consent")
	return redirect(c, fmt.Sprintf("/referrals/%d", id))
}

// ReferralStep is the handler of one action of the lifecycle (send, withdraw, acknowledge…):
// the route says which, the state machine says whether the user may take it now.
func (h *Handlers) ReferralStep(action models.ReferralAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		in := models.StepInput{Comment: c.FormValue("comment"), Outcome: models.ReferralOutcome(c.FormValue("outcome"))}
		_, err = models.ActOnReferral(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, referralVersion(c), action, in)
		if err != nil {
			return h.referralFailed(c, id, string(action), err)
		}
		h.flash(c, "flash.referral_"+string(action))
		return redirect(c, fmt.Sprintf("/referrals/%d", id))
	}
}

// ReferralForm is what the pupil file's referral section needs besides the referrals: the
// organisations a draft may be addressed to and the reasons.
type ReferralForm struct {
	Partners []models.PartnerOrganisation
	Reasons  []models.ReferralReason
}

// loadPupilReferrals fills the referral section of a pupil's file: its referrals, and for a
// mediator the draft form's choices; one query each.
func (h *Handlers) loadPupilReferrals(c echo.Context, p *PupilPage) error {
	ctx := c.Request().Context()
	var err error
	if p.Referrals, err = models.ReferralsOfPupil(ctx, h.DB, currentScope(c), h.Now(), p.File.Pupil.ID); err != nil {
		return err
	}
	if p.CanEdit {
		p.ReferralForm.Reasons = models.ReferralReasons
		if p.ReferralForm.Partners, err = models.ActivePartners(ctx, h.DB); err != nil {
			return err
		}
	}
	return nil
}
