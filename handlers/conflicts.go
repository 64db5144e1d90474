package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// ConflictsPage is the list of the scope's conflicts with its filters.
type ConflictsPage struct {
	views.Page
	Tabs           []views.NavItem
	List           models.ConflictList
	Filter         models.ConflictFilter
	Establishments []models.Establishment
	Kinds          []models.ConflictKind
	Outcomes       []models.ConflictOutcome
	Pages          Pagination
	CanCreate      bool
}

// Conflicts lists the conflicts of the scope, filtered by establishment, kind, outcome and open
// follow-ups, the latest first.
func (h *Handlers) Conflicts(c echo.Context) error {
	ctx := c.Request().Context()
	s := currentScope(c)
	f := models.ConflictFilter{Kind: models.ConflictKind(c.QueryParam("kind")), Outcome: models.ConflictOutcome(c.QueryParam("outcome")),
		OpenFollowUps: c.QueryParam("follow_up") == "1", Page: pageParam(c)}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	if !f.Outcome.Valid() && f.Outcome != models.OutcomePending {
		f.Outcome = ""
	}
	es, err := models.EstablishmentsOf(ctx, h.DB, s)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseUint(c.QueryParam("establishment"), 10, 32); err == nil && s.CoversEstablishment(uint(id)) {
		f.EstablishmentID = uint(id)
	}
	list, err := models.ListConflicts(ctx, h.DB, s, f)
	if err != nil {
		return err
	}
	p := ConflictsPage{Page: h.page(c, "conflicts.title"), List: list, Filter: f, Establishments: es, Kinds: models.ConflictKinds,
		Outcomes: append(append([]models.ConflictOutcome{}, models.ConflictOutcomes...), models.OutcomePending), CanCreate: s.WritesConflicts()}
	p.Tabs = schoolLifeTabs(p.Localizer, "/conflicts")
	followUp := ""
	if f.OpenFollowUps {
		followUp = "1"
	}
	p.Pages = paginate("/conflicts", map[string]string{"kind": string(f.Kind), "outcome": string(f.Outcome),
		"establishment": idParam(f.EstablishmentID), "follow_up": followUp}, f.Page, models.ConflictsPerPage, list.Total)
	return h.render(c, http.StatusOK, "conflicts", p)
}

// conflictFormRows is the least number of party rows the form offers; an edit offers two more
// than the conflict has, within models.MaxConflictParties.
const conflictFormRows = 4

// FileGroup is the files of one establishment among which a party is chosen.
type FileGroup struct {
	Establishment string
	Files         []models.PartyFileOption
}

// ConflictForm is the form that records or edits a conflict: the values typed (or the
// conflict's), the messages beside the fields and the choices.
type ConflictForm struct {
	Action  string
	Version int
	Values  map[string]string
	Errors  map[string]string
	// Rows are the indexes of the party rows.
	Rows           []int
	Establishments []models.Establishment
	Files          []FileGroup
	Places         []models.ConflictPlace
	Kinds          []models.ConflictKind
	Relations      []models.ConflictRelation
	Outcomes       []models.ConflictOutcome
	Roles          []models.PartyRole
	Today          string
	Stale          *StaleNotice
}

// Get returns a value of the form.
func (f ConflictForm) Get(name string) string { return f.Values[name] }

// Party returns a value of a party row ("role", "pupil_id", "description").
func (f ConflictForm) Party(i int, name string) string {
	return f.Values[fmt.Sprintf("party%d_%s", i, name)]
}

// FileOptions writes the options of the file select of party row i, grouped by establishment,
// the row's file selected, as the partial "conflict-fields" wrote them with html/template (a
// busy mediator's form has four rows of 270 files: the template's reflection took most of the
// page's time).
func (f ConflictForm) FileOptions(i int) template.HTML {
	selected := f.Party(i, "pupil_id")
	var b strings.Builder
	for _, g := range f.Files {
		if len(g.Files) > 0 {
			b.WriteString(`<optgroup label="`)
			views.WriteText(&b, g.Establishment)
			b.WriteString("\">\n")
			for _, file := range g.Files {
				id := strconv.FormatUint(uint64(file.ID), 10)
				b.WriteString(`<option value="` + id + `"`)
				if id == selected {
					b.WriteString(" selected")
				}
				b.WriteByte('>')
				views.WriteText(&b, file.LastName)
				b.WriteByte(' ')
				views.WriteText(&b, file.FirstName)
				if file.ClassName != "" {
					b.WriteString(" (")
					views.WriteText(&b, file.ClassName)
					b.WriteByte(')')
				}
				b.WriteString("</option>\n")
			}
			b.WriteString("</optgroup>")
		}
		b.WriteByte('\n')
	}
	return template.HTML(b.String())
}

// PartyError returns the message beside a field of a party row.
func (f ConflictForm) PartyError(i int, name string) string {
	return f.Errors[fmt.Sprintf("party%d_%s", i, name)]
}

// ConflictFormPage is the page that records a conflict.
type ConflictFormPage struct {
	views.Page
	Tabs []views.NavItem
	Form *ConflictForm
}

// ConflictPage is a conflict, with its edit form for the mediators.
type ConflictPage struct {
	views.Page
	Tabs []views.NavItem
	D    models.ConflictDetail
	Form *ConflictForm
}

// Outcome is the conflict's outcome, "" while the mediation goes on.
func (p ConflictPage) Outcome() string {
	if o := p.D.Conflict.Outcome; o != nil {
		return string(*o)
	}
	return ""
}

// conflictForm builds the form's choices: the scope's establishments, and the files of the
// conflict's establishment (an edit), or of all of them (0: a new conflict).
func (h *Handlers) conflictForm(c echo.Context, action string, values map[string]string, rows int, establishmentID uint) (*ConflictForm, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	es, err := models.EstablishmentsOf(ctx, h.DB, s)
	if err != nil {
		return nil, err
	}
	files, err := models.PartyFiles(ctx, h.DB, s, establishmentID, h.Now())
	if err != nil {
		return nil, err
	}
	f := &ConflictForm{Action: action, Values: values, Establishments: es, Places: models.ConflictPlaces, Kinds: models.ConflictKinds,
		Relations: models.ConflictRelations, Outcomes: models.ConflictOutcomes, Roles: models.PartyRoles,
		Today: dateValue(calendar.Today(h.Now()))}
	byEstablishment := map[uint]int{}
	for _, e := range es {
		byEstablishment[e.ID] = len(f.Files)
		f.Files = append(f.Files, FileGroup{Establishment: e.Name})
	}
	for _, file := range files {
		if i, ok := byEstablishment[file.EstablishmentID]; ok {
			f.Files[i].Files = append(f.Files[i].Files, file)
		}
	}
	for i := 0; i < min(max(rows, conflictFormRows), models.MaxConflictParties); i++ {
		f.Rows = append(f.Rows, i)
	}
	return f, nil
}

// conflictValues are a conflict's values as its form shows them.
func conflictValues(c models.Conflict) map[string]string {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return dateValue(*t)
	}
	v := map[string]string{"establishment_id": fmt.Sprint(c.EstablishmentID), "occurred_on": dateValue(c.OccurredOn),
		"place": string(c.Place), "kind": string(c.Kind), "relation": string(c.Relation), "listened_on": date(c.ListenedOn),
		"meeting_on": date(c.MeetingOn), "agreement_on": date(c.AgreementOn), "follow_up_on": date(c.FollowUpOn), "notes": c.Notes}
	if c.Outcome != nil {
		v["outcome"] = string(*c.Outcome)
	}
	if c.ClosedOn != nil {
		v["closed"] = "on"
	}
	if c.NotesRestricted {
		v["notes_restricted"] = "on"
	}
	for i, p := range c.Parties {
		v[fmt.Sprintf("party%d_role", i)] = string(p.Role)
		v[fmt.Sprintf("party%d_description", i)] = p.Description
		if p.PupilID != nil {
			v[fmt.Sprintf("party%d_pupil_id", i)] = fmt.Sprint(*p.PupilID)
		}
	}
	return v
}

// bindConflict reads the conflict form; what cannot be read becomes a field message.
func bindConflict(c echo.Context) (models.ConflictInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.ConflictInput{EstablishmentID: formID(c, "establishment_id"), Place: models.ConflictPlace(c.FormValue("place")),
		Kind: models.ConflictKind(c.FormValue("kind")), Relation: models.ConflictRelation(c.FormValue("relation")),
		Outcome: models.ConflictOutcome(c.FormValue("outcome")), Closed: c.FormValue("closed") == "on",
		Notes: c.FormValue("notes"), NotesRestricted: c.FormValue("notes_restricted") == "on"}
	for _, d := range []struct {
		name string
		to   *time.Time
	}{{"occurred_on", &in.OccurredOn}, {"listened_on", &in.ListenedOn}, {"meeting_on", &in.MeetingOn},
		{"agreement_on", &in.AgreementOn}, {"follow_up_on", &in.FollowUpOn}} {
		t, ok := formDate(c, d.name)
		if !ok {
			v.Add(d.name, "field.date_invalid")
		}
		*d.to = t
	}
	for i := 0; i < models.MaxConflictParties; i++ {
		in.Parties = append(in.Parties, models.PartyInput{Role: models.PartyRole(c.FormValue(fmt.Sprintf("party%d_role", i))),
			PupilID: formIDPtr(c, fmt.Sprintf("party%d_pupil_id", i)), Description: c.FormValue(fmt.Sprintf("party%d_description", i))})
	}
	return in, v
}

// NewConflictForm shows the form that records a conflict: restricted notes, and the
// establishment chosen when the mediator has only one.
func (h *Handlers) NewConflictForm(c echo.Context) error {
	values := map[string]string{"notes_restricted": "on", "occurred_on": dateValue(calendar.Today(h.Now()))}
	if s := currentScope(c); len(s.EstablishmentIDs) == 1 {
		values["establishment_id"] = fmt.Sprint(s.EstablishmentIDs[0])
	}
	rows := conflictFormRows
	// A draft kept when the session expired comes back in the form, before the page reads the
	// word saying so.
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	if draft != nil {
		values, rows = valueMap(draft), partyRowsTyped(draft)
	}
	f, err := h.conflictForm(c, "/conflicts", values, rows, 0)
	if err != nil {
		return err
	}
	p := ConflictFormPage{Page: h.page(c, "conflicts.new"), Form: f}
	p.Tabs = schoolLifeTabs(p.Localizer, "/conflicts")
	return h.render(c, http.StatusOK, "conflict_form", p)
}

// CreateConflict records a conflict; bad input re-renders the form with its messages (422).
func (h *Handlers) CreateConflict(c echo.Context) error {
	in, v := bindConflict(c)
	var created models.Conflict
	var replay string
	err := v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			var err error
			created, err = models.CreateConflict(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), in)
			return fmt.Sprintf("/conflicts/%d", created.ID), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		f, ferr := h.conflictForm(c, "/conflicts", formValues(c), partyRowsTyped(typedValues(c, nil)), 0)
		if ferr != nil {
			return ferr
		}
		p := ConflictFormPage{Page: h.page(c, "conflicts.new"), Form: f}
		p.Tabs = schoolLifeTabs(p.Localizer, "/conflicts")
		f.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "conflict_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "conflicts.flash.created")
	return redirect(c, fmt.Sprintf("/conflicts/%d", created.ID))
}

// partyRowsTyped is the number of party rows a failed form brings back: up to the last one
// typed, and one more.
func partyRowsTyped(form url.Values) int {
	n := 0
	for i := 0; i < models.MaxConflictParties; i++ {
		for _, name := range []string{"role", "pupil_id", "description"} {
			if strings.TrimSpace(form.Get(fmt.Sprintf("party%d_%s", i, name))) != "" {
				n = i + 2
			}
		}
	}
	return n
}

// Conflict shows a conflict of the scope, with its edit form for the mediators, and records
// the view in the audit log as a view of nominative data.
func (h *Handlers) Conflict(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.conflictPage(c, id)
	if err != nil {
		return err
	}
	if draft != nil && p.Form != nil {
		// Typed on the version it was based on: if the conflict changed meanwhile, sending it
		// again is refused as stale, like any edit from an old tab.
		f, err := h.conflictForm(c, p.Form.Action, valueMap(draft), partyRowsTyped(draft), p.D.Conflict.EstablishmentID)
		if err != nil {
			return err
		}
		f.Version, _ = strconv.Atoi(draft.Get("version"))
		p.Form = f
	}
	if err := h.audit(c, models.AuditPupilViewed, "conflict", fmt.Sprint(id), ""); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "conflict", p)
}

// conflictPage loads a conflict and, for a mediator, its form with its current values.
func (h *Handlers) conflictPage(c echo.Context, id uint) (ConflictPage, error) {
	d, err := models.LoadConflict(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return ConflictPage{}, notFound(err)
	}
	p := ConflictPage{Page: h.page(c, "conflicts.show"), D: d}
	p.Tabs = schoolLifeTabs(p.Localizer, "/conflicts")
	if currentScope(c).WritesConflicts() {
		p.Form, err = h.conflictForm(c, fmt.Sprintf("/conflicts/%d", id), conflictValues(d.Conflict),
			len(d.Conflict.Parties)+2, d.Conflict.EstablishmentID)
		if err != nil {
			return ConflictPage{}, err
		}
		p.Form.Version = d.Conflict.Version
	}
	return p, nil
}

// UpdateConflict saves a mediator's edit. Bad input comes back with its messages (422); an edit
// based on a stale version is refused (409) with what was typed, what changed and the current
// version, so that saving again is a knowing choice.
func (h *Handlers) UpdateConflict(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, v := bindConflict(c)
	version, _ := strconv.Atoi(c.FormValue("version"))
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdateConflict(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve), errors.As(err, &stale):
		p, perr := h.conflictPage(c, id)
		if perr != nil {
			return perr
		}
		typed := formValues(c)
		current := p.Form.Values
		f, ferr := h.conflictForm(c, p.Form.Action, typed, partyRowsTyped(typedValues(c, nil)), p.D.Conflict.EstablishmentID)
		if ferr != nil {
			return ferr
		}
		f.Version = version
		p.Form = f
		if stale != nil {
			f.Version = stale.Version
			f.Stale = staleNotice(p.Localizer, stale, typed, current, "occurred_on", "place", "kind", "relation", "outcome",
				"follow_up_on", "notes")
			return h.render(c, http.StatusConflict, "conflict", p)
		}
		f.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "conflict", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "conflicts.flash.saved")
	return redirect(c, fmt.Sprintf("/conflicts/%d", id))
}
