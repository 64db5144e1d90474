package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
	"mediation/views"
)

// PupilsPage is the pupil list.
type PupilsPage struct {
	views.Page
	List models.PupilList
	// Rows are List's rows as the table shows them.
	Rows           []views.PupilListRow
	Filter         models.PupilFilter
	Establishments []models.Establishment
	Mediators      []models.MediatorOption
	Statuses       []models.PupilStatus
	Risks          []risk.Level
	Levels         []models.ClassLevel
	CanCreate      bool
	Pages          Pagination
}

// Pupils lists the files of the user's scope with search, filters, sort and pages.
func (h *Handlers) Pupils(c echo.Context) error {
	ctx := c.Request().Context()
	s := currentScope(c)
	f := models.PupilFilter{
		Query: c.QueryParam("q"), Status: models.PupilStatus(c.QueryParam("status")), Risk: risk.Level(c.QueryParam("risk")),
		ClassLevel: models.ClassLevel(c.QueryParam("level")), Sort: c.QueryParam("sort"),
	}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if !f.Risk.Valid() {
		f.Risk = ""
	}
	if !f.ClassLevel.Valid() {
		f.ClassLevel = ""
	}
	if id, err := strconv.ParseUint(c.QueryParam("establishment"), 10, 32); err == nil && s.CoversEstablishment(uint(id)) {
		f.EstablishmentID = uint(id)
	}
	if id, err := strconv.ParseUint(c.QueryParam("referent"), 10, 32); err == nil {
		f.ReferentID = uint(id)
	}
	f.Page = pageParam(c)
	list, err := models.ListPupils(ctx, h.DB, s, f)
	if err != nil {
		return err
	}
	es, err := models.EstablishmentsOf(ctx, h.DB, s)
	if err != nil {
		return err
	}
	mediators, err := models.MediatorsOf(ctx, h.DB, s.EstablishmentIDs)
	if err != nil {
		return err
	}
	p := PupilsPage{Page: h.page(c, "pupils.title"), List: list, Filter: f, Establishments: es, Mediators: uniqueMediators(mediators),
		Statuses: models.PupilStatuses, Risks: risk.Levels, Levels: models.ClassLevels,
		CanCreate: currentUser(c).Role == models.RoleMediator}
	p.Rows = pupilListRows(p.Localizer, list.Rows)
	p.Pages = paginate("/pupils", map[string]string{"q": f.Query, "status": string(f.Status), "risk": string(f.Risk),
		"level": string(f.ClassLevel), "sort": f.Sort, "establishment": idParam(f.EstablishmentID), "referent": idParam(f.ReferentID)},
		f.Page, models.PupilsPerPage, list.Total)
	return h.render(c, http.StatusOK, "pupils", p)
}

// pupilListRows writes the list's rows in the page's language.
func pupilListRows(l *views.Localizer, rows []models.PupilRow) []views.PupilListRow {
	out := make([]views.PupilListRow, len(rows))
	for i, r := range rows {
		class := l.T("level." + string(r.ClassLevel))
		if r.ClassName != "" {
			class += " · " + r.ClassName
		}
		last := ""
		if r.LastContact.Valid {
			last = r.LastContact.Time.Format("02/01/2006")
		}
		out[i] = views.PupilListRow{
			ID: r.ID, Name: r.LastName + " " + r.FirstName, Class: class, Establishment: r.EstablishmentName,
			Status: l.T("status." + string(r.Status)), RiskLevel: r.RiskLevel, Risk: l.T("risk." + string(r.RiskLevel)),
			Referent: r.ReferentName, LastContact: last,
		}
	}
	return out
}

func uniqueMediators(ms []models.MediatorOption) []models.MediatorOption {
	seen := map[uint]bool{}
	var out []models.MediatorOption
	for _, m := range ms {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	return out
}

// PupilPage is a pupil's file with the forms that act on it.
type PupilPage struct {
	views.Page
	File        models.PupilFile
	Risk        risk.Assessment
	RiskHistory []risk.Assessment
	CanEdit     bool
	// OwnerChoices are the establishment's mediators, who may own the next action of a
	// follow-up; KindChoices the kinds of follow-up and ExitReasonChoices the reasons to close
	// a file, translated once for their select lists (views.Options).
	OwnerChoices      []views.Choice
	NextStatuses      []models.PupilStatus
	ExitReasonChoices []views.Choice
	KindChoices       []views.Choice
	Today             string
	ThisMonth         string
	// Meetings are the pupil's meetings, latest first; MeetingForm schedules one (nil for the
	// roles that do not).
	Meetings    []models.MeetingRow
	MeetingForm *MeetingForm
	// Reviews are the prevention group's decisions about the pupil, latest first.
	Reviews []models.PupilReviewRow
	// Form is the sub-form that failed ("followup", "status", "indicators", "guardian"), with its
	// values and messages.
	Form   string
	Values map[string]string
	Errors map[string]string

	// Referrals are the pupil's referrals; ReferralForm holds the draft form's choices.
	Referrals    []models.ReferralRow
	ReferralForm ReferralForm
	// Conflicts are the conflict mediations in which the pupil is a party, latest first.
	Conflicts []models.ConflictRow
	// Letters are the family letters printed about the pupil's meetings and referrals.
	Letters []FamilyLetterLine

	// ShowAccesses is true for the roles that read who consulted or changed the file;
	// Accesses are the latest of those events, OlderAccesses the number left out.
	// FollowUpPages pages the follow-ups' history (models.FollowUpsPerPage a page); its links
	// land on the history.
	FollowUpPages Pagination

	ShowAccesses  bool
	Accesses      []AccessLine
	OlderAccesses int
	// FollowUps are File.FollowUps as the timeline shows them.
	FollowUps []FollowUpLine
}

// FollowUpLine is a follow-up of the file's timeline with its cells written out once in Go, and
// AccessLine a line of the access history: the template prints strings. Formatted and
// translated in the template, each line cost about ten calls through reflection (method
// look-ups on the page, printf, the catalog, the date functions), twenty lines each.
type FollowUpLine struct {
	ID         uint
	On         string // dd/mm/yyyy
	Kind       string
	Minutes    string // the duration written out, empty when none was given
	AuthorName string
	Restricted bool
	Note       string
	// Mine is true when the reader wrote it: they may edit it.
	Mine bool
}

// followUpLines writes the file's follow-ups for the reader me.
func followUpLines(l *views.Localizer, rows []models.FollowUpRow, me uint) []FollowUpLine {
	out := make([]FollowUpLine, len(rows))
	for i, f := range rows {
		out[i] = FollowUpLine{ID: f.ID, On: f.OccurredOn.Format("02/01/2006"), Kind: l.T("kind." + string(f.Kind)),
			AuthorName: f.AuthorName, Restricted: f.Restricted, Note: f.Note, Mine: f.AuthorID == me}
		if f.DurationMinutes != 0 {
			out[i].Minutes = l.T("followup.minutes", "Count", f.DurationMinutes)
		}
	}
	return out
}

// AccessLine is a line of the file's access history (see FollowUpLine).
type AccessLine struct {
	UTC  string // the time for the datetime attribute, UTC
	At   string // dd/mm/yyyy hh:mm, Paris time
	Who  string
	Role string // the role written out, empty when none is known
	Kind string
}

// accessLines writes the access history's lines.
func accessLines(l *views.Localizer, rows []models.AccessRow) []AccessLine {
	out := make([]AccessLine, len(rows))
	for i, a := range rows {
		out[i] = AccessLine{UTC: a.At.UTC().Format("2006-01-02T15:04:05Z"), At: a.At.In(calendar.Paris).Format("02/01/2006 15:04"),
			Who: a.Who, Kind: l.T("access." + a.Kind)}
		if a.Role != "" {
			out[i].Role = l.T("role." + string(a.Role))
		}
	}
	return out
}

// AccessesShown is how many lines of a file's access history its page shows; the JSON export
// of the file holds them all.
const AccessesShown = 20

// Checked tells whether a box of a sub-form is ticked: as typed when the sub-form comes back
// (failed, or kept as a draft), else def.
func (p *PupilPage) Checked(form, name string, def bool) bool {
	if p.Form == form {
		return p.Values[name] == "on"
	}
	return def
}

// Value returns a value typed in the failed sub-form, or def.
func (p *PupilPage) Value(form, name, def string) string {
	if p.Form == form {
		if v, ok := p.Values[name]; ok {
			return v
		}
	}
	return def
}

// Pupil shows a file of the scope and records the view in the audit log.
func (h *Handlers) Pupil(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form, values, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	if anchor := formAnchor(form); anchor != "" {
		// The word saying why the form is filled in stands where the user lands: at the form.
		h.Sessions.Put(c.Request().Context(), sessionFlashAt, anchor)
	}
	p, err := h.pupilPage(c, id, form, values, nil)
	if err != nil {
		return err
	}
	if err := h.auditFile(c, id, models.AuditPupilViewed, "pupil", fmt.Sprint(id), ""); err != nil {
		return err
	}
	// Read after the view is logged, so that the history starts with this very view.
	if err := h.loadAccesses(c, &p); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "pupil", &p)
}

// loadAccesses fills the file's access history for the roles that read it.
func (h *Handlers) loadAccesses(c echo.Context, p *PupilPage) error {
	s := currentScope(c)
	if !s.SeesAccessHistory() {
		return nil
	}
	rows, total, err := p.File.AccessHistory(c.Request().Context(), h.DB, s, AccessesShown)
	if err != nil {
		return err
	}
	p.ShowAccesses, p.Accesses, p.OlderAccesses = true, accessLines(p.Localizer, rows), int(total)-len(rows)
	return nil
}

func (h *Handlers) pupilPage(c echo.Context, id uint, form string, values url.Values, errs map[string]string) (PupilPage, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	page := pageParam(c)
	file, err := models.LoadPupilFilePage(ctx, h.DB, s, id, page)
	if err != nil {
		return PupilPage{}, notFound(err)
	}
	rules, err := models.LoadRiskRules(ctx, h.DB)
	if err != nil {
		return PupilPage{}, err
	}
	now := h.Now()
	month := calendar.MonthOf(now)
	indicators := models.RiskIndicators(file.Indicators)
	p := PupilPage{
		Page: h.page(c, "pupil.title"), File: file, Risk: rules.Assess(indicators, month),
		RiskHistory: rules.History(indicators, calendar.SchoolYearOf(now), month),
		CanEdit:     currentUser(c).Role == models.RoleMediator, NextStatuses: models.NextStatuses(file.Pupil.Status),
		Today: dateValue(calendar.Today(now)), ThisMonth: string(month),
		Form: form, Errors: errs, Values: map[string]string{},
	}
	p.Title = file.Pupil.FirstName + " " + file.Pupil.LastName
	if p.CanEdit {
		p.KindChoices = views.CodeChoices(p.Localizer, "kind.", models.FollowUpKinds)
		p.ExitReasonChoices = views.CodeChoices(p.Localizer, "exit.", models.ExitReasons)
	}
	if p.User != nil {
		p.FollowUps = followUpLines(p.Localizer, file.FollowUps, p.User.ID)
	}
	p.FollowUpPages = paginate(fmt.Sprintf("/pupils/%d", id), nil, page, models.FollowUpsPerPage, file.FollowUpTotal)
	p.FollowUpPages.Prev, p.FollowUpPages.Next = withFragment(p.FollowUpPages.Prev, "followups"), withFragment(p.FollowUpPages.Next, "followups")
	for k := range values {
		p.Values[k] = values.Get(k)
	}
	if p.Meetings, p.MeetingForm, err = h.pupilMeetings(c, p); err != nil {
		return PupilPage{}, err
	}
	if p.Reviews, err = models.ReviewsOfPupil(ctx, h.DB, currentScope(c), id); err != nil {
		return PupilPage{}, err
	}
	if p.CanEdit && p.MeetingForm != nil {
		// The establishment's mediators are among the meeting form's staff, read already.
		for _, u := range p.MeetingForm.Staff {
			if u.Role == models.RoleMediator {
				p.OwnerChoices = append(p.OwnerChoices, views.Choice{Value: strconv.FormatUint(uint64(u.ID), 10), Label: u.DisplayName})
			}
		}
	}
	if err := h.loadPupilReferrals(c, &p); err != nil {
		return PupilPage{}, err
	}
	if p.Conflicts, err = models.ConflictsOfPupil(ctx, h.DB, currentScope(c), file.Pupil.ID); err != nil {
		return PupilPage{}, err
	}
	if p.Letters, err = familyLetterLines(ctx, h, p.Localizer, currentScope(c), file.Pupil.ID); err != nil {
		return PupilPage{}, err
	}
	return p, nil
}

// pupilFormFailed re-renders the file with the failed sub-form, its values and messages (422);
// a sub-form refused as stale comes back at the file's current version (409), so that sending
// it again is a knowing choice.
func (h *Handlers) pupilFormFailed(c echo.Context, id uint, form string, v models.ValidationError, stale *models.StaleError) error {
	p, err := h.pupilPage(c, id, form, typedValues(c, stale), fieldErrors(h.localizer(c), v))
	if err != nil {
		return err
	}
	if err := h.loadAccesses(c, &p); err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	if stale != nil {
		status = http.StatusConflict
	}
	return h.render(c, status, "pupil", &p)
}

// PupilFormPage creates or edits a file's identity.
type PupilFormPage struct {
	views.Page
	ID             uint
	Version        int
	Values         map[string]string
	Errors         map[string]string
	Establishments []models.Establishment
	Mediators      []models.MediatorOption
	Levels         []models.ClassLevel
	// Stale explains an edit refused because the file changed meanwhile.
	Stale *StaleNotice
	// Duplicates are the files of the scope with the same name and birth date as the one being
	// opened: the form asks whether it is a homonym.
	Duplicates []models.PupilMatch
}

// Get returns a value of the form.
func (p PupilFormPage) Get(name string) string { return p.Values[name] }

// NewPupilForm shows the form that opens a file.
func (h *Handlers) NewPupilForm(c echo.Context) error {
	form, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.pupilForm(c, 0, 0, map[string]string{"referent_id": fmt.Sprint(currentUser(c).ID)})
	if err != nil {
		return err
	}
	s := currentScope(c)
	if len(s.EstablishmentIDs) == 1 {
		p.Values["establishment_id"] = fmt.Sprint(s.EstablishmentIDs[0])
	}
	if form != "" {
		p.Values = valueMap(draft)
	}
	return h.render(c, http.StatusOK, "pupil_form", p)
}

func (h *Handlers) pupilForm(c echo.Context, id uint, version int, values map[string]string) (PupilFormPage, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	es, err := models.EstablishmentsOf(ctx, h.DB, s)
	if err != nil {
		return PupilFormPage{}, err
	}
	ms, err := models.MediatorsOf(ctx, h.DB, s.EstablishmentIDs)
	if err != nil {
		return PupilFormPage{}, err
	}
	title := "pupil.new"
	if id != 0 {
		title = "pupil.edit"
	}
	return PupilFormPage{Page: h.page(c, title), ID: id, Version: version, Values: values, Establishments: es,
		Mediators: uniqueMediators(ms), Levels: models.ClassLevels}, nil
}

// bindPupil reads the identity fields; dates that are not dates become field messages.
func bindPupil(c echo.Context) (models.PupilInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.PupilInput{
		EstablishmentID: formID(c, "establishment_id"), LastName: c.FormValue("last_name"), FirstName: c.FormValue("first_name"),
		ClassLevel: models.ClassLevel(c.FormValue("class_level")), ClassName: c.FormValue("class_name"), INE: c.FormValue("ine"),
		ReferentID: formIDPtr(c, "referent_id"), Homonym: c.FormValue("homonym") == "on",
	}
	var ok bool
	if in.BirthDate, ok = formDate(c, "birth_date"); !ok {
		v.Add("birth_date", "field.date_invalid")
	}
	return in, v
}

func bindGuardian(c echo.Context, prefix string) models.GuardianInput {
	return models.GuardianInput{
		Name: c.FormValue(prefix + "name"), Relation: c.FormValue(prefix + "relation"), Phone: c.FormValue(prefix + "phone"),
		Email: c.FormValue(prefix + "email"), HomeLanguage: c.FormValue(prefix + "home_language"),
		InterpreterNeeded: c.FormValue(prefix+"interpreter_needed") == "on",
	}
}

func formValues(c echo.Context) map[string]string {
	out := map[string]string{}
	if form, err := c.FormParams(); err == nil {
		for k := range form {
			out[k] = form.Get(k)
		}
	}
	return out
}

// CreatePupil opens a file; on bad input the form comes back with 422 and nothing is stored.
func (h *Handlers) CreatePupil(c echo.Context) error {
	in, v := bindPupil(c)
	guardians := []models.GuardianInput{bindGuardian(c, "guardian0_"), bindGuardian(c, "guardian1_")}
	var p models.Pupil
	var replay string
	err := v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			var err error
			p, err = models.CreatePupil(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), in, guardians)
			return fmt.Sprintf("/pupils/%d", p.ID), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	var dup *models.DuplicateError
	if errors.As(err, &ve) || errors.As(err, &dup) {
		page, perr := h.pupilForm(c, 0, 0, formValues(c))
		if perr != nil {
			return perr
		}
		if dup != nil {
			// Probably the same pupil: the form comes back with links to the files found, and
			// a box to tick only for a real homonym.
			page.Duplicates = dup.Matches
			return h.render(c, http.StatusConflict, "pupil_form", page)
		}
		page.Errors = fieldErrors(page.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "pupil_form", page)
	} else if err != nil {
		return notFound(err)
	}
	h.flash(c, "flash.pupil_created")
	return redirect(c, fmt.Sprintf("/pupils/%d", p.ID))
}

// EditPupilForm shows a file's identity form with its current version.
func (h *Handlers) EditPupilForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	file, err := models.LoadPupilFile(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return notFound(err)
	}
	form, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	// A draft carries the version it was typed on: if the file changed since, saving it is
	// refused as any stale edit is.
	values, version := pupilValues(file.Pupil), file.Pupil.Version
	if form != "" {
		values = valueMap(draft)
		version, _ = strconv.Atoi(draft.Get("version"))
	}
	p, err := h.pupilForm(c, id, version, values)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "pupil_form", p)
}

func pupilValues(p models.Pupil) map[string]string {
	v := map[string]string{
		"establishment_id": fmt.Sprint(p.EstablishmentID), "last_name": p.LastName, "first_name": p.FirstName,
		"birth_date": dateValue(p.BirthDate), "class_level": string(p.ClassLevel), "class_name": p.ClassName,
	}
	if p.INE != nil {
		v["ine"] = *p.INE
	}
	if p.ReferentMediatorID != nil {
		v["referent_id"] = fmt.Sprint(*p.ReferentMediatorID)
	}
	return v
}

// UpdatePupil saves a file's identity. An edit based on a stale version is refused: the form
// comes back (409) with what was typed, who changed the file meanwhile and the current values.
func (h *Handlers) UpdatePupil(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	in, v := bindPupil(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdatePupil(ctx, h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve):
		page, perr := h.pupilForm(c, id, version, formValues(c))
		if perr != nil {
			return perr
		}
		page.Errors = fieldErrors(page.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "pupil_form", page)
	case errors.As(err, &stale):
		typed := formValues(c)
		page, perr := h.pupilForm(c, id, stale.Version, typed)
		if perr != nil {
			return perr
		}
		current, _ := stale.Current.(models.Pupil)
		page.Stale = staleNotice(page.Localizer, stale, typed, pupilValues(current),
			"establishment_id", "last_name", "first_name", "birth_date", "class_level", "class_name", "ine", "referent_id")
		return h.render(c, http.StatusConflict, "pupil_form", page)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "flash.pupil_saved")
	return redirect(c, fmt.Sprintf("/pupils/%d", id))
}

// ChangePupilStatus moves a file to another status.
func (h *Handlers) ChangePupilStatus(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	_, err = models.ChangeStatus(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version,
		models.PupilStatus(c.FormValue("status")), models.ExitReason(c.FormValue("exit_reason")), c.FormValue("comment"))
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve):
		return h.pupilFormFailed(c, id, "status", ve, nil)
	case errors.As(err, &stale):
		return h.pupilFormFailed(c, id, "status", models.ValidationError{"status": models.Msg(stale.Message)}, stale)
	case err != nil:
		return notFound(err)
	}
	h.flashAt(c, "flash.status_changed", "status")
	return redirect(c, fmt.Sprintf("/pupils/%d#status", id))
}

// AddGuardian adds a legal guardian to a file.
func (h *Handlers) AddGuardian(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	replay, err := h.submitOnce(c, func(tx *gorm.DB) (string, error) {
		return pupilSection(id, "guardian"), models.AddGuardian(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), id, bindGuardian(c, ""))
	})
	if replay != "" {
		return h.replayed(c, replay)
	}
	return h.afterPupilEdit(c, id, "guardian", err, "flash.guardian_saved")
}

// UpdateGuardian changes a legal guardian.
func (h *Handlers) UpdateGuardian(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	gid, err := paramID(c, "gid")
	if err != nil {
		return err
	}
	err = models.UpdateGuardian(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, gid, bindGuardian(c, ""))
	return h.afterPupilEdit(c, id, fmt.Sprintf("guardian%d", gid), err, "flash.guardian_saved")
}

// DeleteGuardian removes a legal guardian.
func (h *Handlers) DeleteGuardian(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	gid, err := paramID(c, "gid")
	if err != nil {
		return err
	}
	err = models.DeleteGuardian(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, gid)
	return h.afterPupilEdit(c, id, "guardian", err, "flash.guardian_deleted")
}

// SaveIndicators records a month of indicators by hand.
func (h *Handlers) SaveIndicators(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v := models.ValidationError{}
	in := models.IndicatorInput{Month: calendar.Month(strings.TrimSpace(c.FormValue("month")))}
	// An empty field is "not entered" (nil), never zero.
	ints := []struct {
		name string
		dst  **int
	}{{"unjustified_half_days", &in.UnjustifiedHalfDays}, {"justified_half_days", &in.JustifiedHalfDays},
		{"school_half_days", &in.SchoolHalfDays}, {"temporary_exclusions", &in.TemporaryExclusions}, {"incidents", &in.Incidents}}
	var ok bool
	for _, f := range ints {
		if *f.dst, ok = formOptionalInt(c, f.name); !ok {
			v.Add(f.name, "field.integer_expected")
		}
	}
	if in.TermAverage, ok = formOptionalDecimal(c, "term_average"); !ok {
		v.Add("term_average", "field.grade_expected")
	}
	err = v.OrNil()
	if err == nil {
		err = models.SaveIndicators(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, in)
	}
	return h.afterPupilEdit(c, id, "indicators", err, "flash.indicators_saved")
}

// afterPupilEdit redirects to the file after a change, or re-renders it with the sub-form's
// messages (422), or answers 404 outside the scope.
func (h *Handlers) afterPupilEdit(c echo.Context, id uint, form string, err error, flash string) error {
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.pupilFormFailed(c, id, form, ve, nil)
	case err != nil:
		return notFound(err)
	}
	h.flashAt(c, flash, formAnchor(form))
	return redirect(c, pupilSection(id, form))
}

// pupilSection is where a sub-form of the file leads once saved: its section of the file. A
// repeat of the same form (h.replayed) leads there too.
func pupilSection(id uint, form string) string {
	return fmt.Sprintf("/pupils/%d#%s", id, formAnchor(form))
}
