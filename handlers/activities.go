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

// ActivitiesPage lists the collective actions of the user's establishments.
type ActivitiesPage struct {
	views.Page
	Tabs           []views.NavItem
	List           models.ActivityList
	Filter         models.ActivityFilter
	Year           string
	Years          []string
	Establishments []models.Establishment
	Kinds          []models.ActivityKind
	CanRecord      bool
	Pages          Pagination
}

// activityYears are the school years the list offers: the current one and the two before.
func activityYears(now calendar.SchoolYear) []string {
	return []string{now.String(), now.Previous().String(), now.Previous().Previous().String()}
}

// Activities lists the collective actions of the scope, filtered by establishment, kind and
// school year, the latest first, a page at a time.
func (h *Handlers) Activities(c echo.Context) error {
	ctx := c.Request().Context()
	s := currentScope(c)
	es, err := models.EstablishmentsOf(ctx, h.DB, s)
	if err != nil {
		return err
	}
	kinds, err := models.ActivityKinds(ctx, h.DB, false)
	if err != nil {
		return err
	}
	f := models.ActivityFilter{Page: pageParam(c)}
	if id, err := strconv.ParseUint(c.QueryParam("establishment"), 10, 32); err == nil && s.CoversEstablishment(uint(id)) {
		f.EstablishmentID = uint(id)
	}
	if id, err := strconv.ParseUint(c.QueryParam("kind"), 10, 32); err == nil {
		for _, k := range kinds {
			if k.ID == uint(id) {
				f.KindID = k.ID
			}
		}
	}
	year := ""
	if y, err := calendar.ParseSchoolYear(c.QueryParam("year")); err == nil {
		f.Year, year = &y, y.String()
	}
	list, err := models.ListActivities(ctx, h.DB, s, f)
	if err != nil {
		return err
	}
	p := ActivitiesPage{Page: h.page(c, "activities.title"), List: list, Filter: f, Year: year, Establishments: es, Kinds: kinds,
		Years: activityYears(calendar.SchoolYearOf(h.Now())), CanRecord: s.Role == models.RoleMediator}
	p.Tabs = schoolLifeTabs(p.Localizer, "/activities")
	p.Pages = paginate("/activities", map[string]string{"establishment": idParam(f.EstablishmentID), "kind": idParam(f.KindID), "year": year},
		f.Page, models.ActivitiesPerPage, list.Total)
	return h.render(c, http.StatusOK, "activities", p)
}

// ActivityPage is the form that records an action (ID 0) or the page of one: what it holds, and
// for a mediator the form that edits it.
type ActivityPage struct {
	views.Page
	Tabs []views.NavItem
	ID   uint
	// Detail is the action shown (nil on the new form).
	Detail *models.ActivityDetail
	// CanEdit offers the edit form (mediators); CanDelete the deletion (the author).
	CanEdit, CanDelete bool
	Version            int
	Values             map[string]string
	// Themes and Partners are what is ticked.
	Themes         map[string]bool
	Partners       map[uint]bool
	Errors         map[string]string
	Stale          *StaleNotice
	Establishments []models.Establishment
	Kinds          []models.ActivityKind
	PartnerOptions []models.PartnerOrganisation
	ThemeCodes     []models.ActivityTheme
	Today          string
}

// Get returns a value of the form.
func (p ActivityPage) Get(name string) string { return p.Values[name] }

// KindLabel is a kind's label in the page's language.
func (p ActivityPage) KindLabel(k models.ActivityKind) string { return k.Label(p.Lang()) }

// KindLabel is a kind's label in the page's language.
func (p ActivitiesPage) KindLabel(k models.ActivityKind) string { return k.Label(p.Lang()) }

// RowKind is the kind of a row in the page's language.
func (p ActivitiesPage) RowKind(r models.ActivityRow) string { return r.KindLabel(p.Lang()) }

// Hours writes a duration in minutes as hours, « 1 h 30 ».
func (p ActivityPage) Hours(minutes int) string { return hoursText(minutes) }

// Hours writes a duration in minutes as hours, « 1 h 30 ».
func (p ActivitiesPage) Hours(minutes int) string { return hoursText(minutes) }

func hoursText(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}

// activityValues are an action's values as its form shows them.
func activityValues(a models.Activity) map[string]string {
	return map[string]string{"establishment_id": fmt.Sprint(a.EstablishmentID), "kind_id": fmt.Sprint(a.KindID),
		"held_on": dateValue(a.HeldOn), "duration_minutes": fmt.Sprint(a.DurationMinutes), "pupils": fmt.Sprint(a.Pupils),
		"parents": fmt.Sprint(a.Parents), "staff": fmt.Sprint(a.Staff), "note": a.Note}
}

// activityPage builds the form's choices around what it shows; kinds offered are the active
// ones and the action's own, partners the active ones and the action's own.
func (h *Handlers) activityPage(c echo.Context, title string, d *models.ActivityDetail) (ActivityPage, error) {
	ctx := c.Request().Context()
	s := currentScope(c)
	p := ActivityPage{Page: h.page(c, title), Detail: d, Themes: map[string]bool{}, Partners: map[uint]bool{}, Values: map[string]string{},
		ThemeCodes: models.ActivityThemes, Today: dateValue(calendar.Today(h.Now())), CanEdit: s.Role == models.RoleMediator}
	p.Tabs = schoolLifeTabs(p.Localizer, "/activities")
	if d != nil {
		p.ID, p.Version, p.Values = d.ID, d.Version, activityValues(d.Activity)
		u := currentUser(c)
		p.CanDelete = p.CanEdit && d.AuthorID != nil && *d.AuthorID == u.ID
		for _, t := range d.ThemeList() {
			p.Themes[string(t)] = true
		}
		for _, id := range d.PartnerIDs {
			p.Partners[id] = true
		}
	}
	if !p.CanEdit {
		return p, nil
	}
	var err error
	if p.Establishments, err = models.EstablishmentsOf(ctx, h.DB, s); err != nil {
		return p, err
	}
	kinds, err := models.ActivityKinds(ctx, h.DB, false)
	if err != nil {
		return p, err
	}
	for _, k := range kinds {
		if k.Active || d != nil && k.ID == d.KindID {
			p.Kinds = append(p.Kinds, k)
		}
	}
	partners, err := models.ListPartners(ctx, h.DB)
	if err != nil {
		return p, err
	}
	for _, o := range partners {
		if o.Active || p.Partners[o.ID] {
			p.PartnerOptions = append(p.PartnerOptions, o)
		}
	}
	return p, nil
}

// typed puts back what was typed in a form that failed, or was kept as a draft when the session
// expired, ticks included.
func (p *ActivityPage) typed(form url.Values) {
	p.Values = valueMap(form)
	p.Themes, p.Partners = map[string]bool{}, map[uint]bool{}
	for _, t := range form["themes"] {
		p.Themes[t] = true
	}
	for _, v := range form["partner_ids"] {
		if id, err := strconv.ParseUint(v, 10, 32); err == nil {
			p.Partners[uint(id)] = true
		}
	}
}

// bindActivity reads the form; what cannot be read becomes a field message.
func bindActivity(c echo.Context) (models.ActivityInput, models.ValidationError) {
	v := models.ValidationError{}
	in := models.ActivityInput{EstablishmentID: formID(c, "establishment_id"), KindID: formID(c, "kind_id"), Note: c.FormValue("note")}
	var ok bool
	if in.HeldOn, ok = formDate(c, "held_on"); !ok {
		v.Add("held_on", "field.date_invalid")
	}
	if in.DurationMinutes, ok = formInt(c, "duration_minutes"); !ok {
		v.Add("duration_minutes", "field.minutes_expected")
	}
	for name, n := range map[string]*int{"pupils": &in.Pupils, "parents": &in.Parents, "staff": &in.Staff} {
		if *n, ok = formInt(c, name); !ok {
			v.Add(name, "field.integer_expected")
		}
	}
	form, _ := c.FormParams()
	for _, t := range form["themes"] {
		in.Themes = append(in.Themes, models.ActivityTheme(strings.TrimSpace(t)))
	}
	for _, s := range form["partner_ids"] {
		id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
		if err != nil || id == 0 {
			v.Add("partner_ids", "activities.partner_unknown")
			continue
		}
		in.PartnerIDs = append(in.PartnerIDs, uint(id))
	}
	return in, v
}

// NewActivityForm shows the form that records an action: today, in the mediator's first
// establishment (or the one the list was filtered on).
func (h *Handlers) NewActivityForm(c echo.Context) error {
	// The draft first, so that the word saying why it is filled in reaches this page.
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.activityPage(c, "activities.new", nil)
	if err != nil {
		return err
	}
	if draft != nil {
		p.typed(draft)
		return h.render(c, http.StatusOK, "activity_new", p)
	}
	p.Values = map[string]string{"held_on": p.Today, "duration_minutes": "60", "pupils": "0", "parents": "0", "staff": "0"}
	if len(p.Establishments) > 0 {
		p.Values["establishment_id"] = fmt.Sprint(p.Establishments[0].ID)
	}
	if id := formID(c, "establishment"); currentScope(c).CoversEstablishment(id) {
		p.Values["establishment_id"] = fmt.Sprint(id)
	}
	return h.render(c, http.StatusOK, "activity_new", p)
}

// CreateActivity records an action; bad input comes back with 422 and nothing is stored.
func (h *Handlers) CreateActivity(c echo.Context) error {
	in, v := bindActivity(c)
	var a models.Activity
	var replay string
	err := v.OrNil()
	if err == nil {
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			var err error
			a, err = models.CreateActivity(c.Request().Context(), tx, currentScope(c), actor(c), h.Now(), in)
			return fmt.Sprintf("/activities/%d", a.ID), err
		})
	}
	if replay != "" {
		return h.replayed(c, replay)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		p, perr := h.activityPage(c, "activities.new", nil)
		if perr != nil {
			return perr
		}
		p.typed(typedValues(c, nil))
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "activity_new", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "activities.flash_saved")
	return redirect(c, fmt.Sprintf("/activities/%d", a.ID))
}

// loadActivityPage loads an action of the scope for its page, or 404.
func (h *Handlers) loadActivityPage(c echo.Context, id uint) (ActivityPage, error) {
	d, err := models.LoadActivity(c.Request().Context(), h.DB, currentScope(c), id)
	if err != nil {
		return ActivityPage{}, notFound(err)
	}
	p, err := h.activityPage(c, "activities.show", &d)
	if err != nil {
		return p, err
	}
	p.Title = p.T("activities.heading", "Kind", d.KindLabel(p.Lang()), "Date", d.HeldOn.Format("02/01/2006"))
	return p, nil
}

// Activity shows an action of the scope, with its edit form for mediators; the view is in the
// audit log, as the views of the establishment's records are.
func (h *Handlers) Activity(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.loadActivityPage(c, id)
	if err != nil {
		return err
	}
	if draft != nil && p.CanEdit {
		// Typed on the version it was based on: if the action changed meanwhile, sending it
		// again is refused as stale, like any edit from an old tab.
		p.typed(draft)
		if v, err := strconv.Atoi(draft.Get("version")); err == nil {
			p.Version = v
		}
	}
	if err := h.audit(c, models.AuditPupilViewed, "activity", fmt.Sprint(id), fmt.Sprintf("establishment %d", p.Detail.EstablishmentID)); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "activity", p)
}

// UpdateActivity saves a mediator's edit. An edit based on a stale version comes back (409) with
// what was typed, who changed the action meanwhile, and the current version.
func (h *Handlers) UpdateActivity(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	in, v := bindActivity(c)
	err = v.OrNil()
	if err == nil {
		_, err = models.UpdateActivity(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version, in)
	}
	var ve models.ValidationError
	var stale *models.StaleError
	switch {
	case errors.As(err, &ve), errors.As(err, &stale):
		p, perr := h.loadActivityPage(c, id)
		if perr != nil {
			return perr
		}
		current := p.Values
		p.typed(typedValues(c, nil))
		if stale != nil {
			p.Stale = staleNotice(p.Localizer, stale, p.Values, current, "establishment_id", "kind_id", "held_on", "duration_minutes",
				"pupils", "parents", "staff", "note")
			return h.render(c, http.StatusConflict, "activity", p)
		}
		p.Version = version
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "activity", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "activities.flash_saved")
	return redirect(c, fmt.Sprintf("/activities/%d", id))
}

// DeleteActivity deletes an action of its author; to another mediator it answers 403.
func (h *Handlers) DeleteActivity(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	err = models.DeleteActivity(c.Request().Context(), h.DB, currentScope(c), actor(c), h.Now(), id, version)
	var stale *models.StaleError
	switch {
	case errors.Is(err, models.ErrNotAuthor):
		return echo.ErrForbidden
	case errors.As(err, &stale):
		p, perr := h.loadActivityPage(c, id)
		if perr != nil {
			return perr
		}
		p.Stale = staleNotice(p.Localizer, stale, nil, nil)
		return h.render(c, http.StatusConflict, "activity", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "activities.flash_deleted")
	return redirect(c, "/activities")
}

// ActivityKindsPage is the coordination's catalogue of kinds of collective actions.
type ActivityKindsPage struct {
	views.Page
	Kinds []models.ActivityKind
}

// ActivityKinds lists the catalogue, active kinds and deactivated ones.
func (h *Handlers) ActivityKinds(c echo.Context) error {
	kinds, err := models.ActivityKinds(c.Request().Context(), h.DB, false)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "activity_kinds", ActivityKindsPage{Page: h.page(c, "activities.kinds_title"), Kinds: kinds})
}

// ActivityKindPage adds (ID 0) or edits a kind.
type ActivityKindPage struct {
	views.Page
	ID     uint
	Code   string
	Values map[string]string
	Errors map[string]string
}

// Get returns a value of the form.
func (p ActivityKindPage) Get(name string) string { return p.Values[name] }

// NewActivityKindForm shows the form that adds a kind.
func (h *Handlers) NewActivityKindForm(c echo.Context) error {
	return h.render(c, http.StatusOK, "activity_kind_form", ActivityKindPage{Page: h.page(c, "activities.kind_new"),
		Values: map[string]string{"active": "on"}})
}

// EditActivityKindForm shows a kind's form.
func (h *Handlers) EditActivityKindForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	kinds, err := models.ActivityKinds(c.Request().Context(), h.DB, false)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(kinds, func(k models.ActivityKind) bool { return k.ID == id })
	if i < 0 {
		return echo.ErrNotFound
	}
	k := kinds[i]
	values := map[string]string{"label_fr": k.LabelFr, "label_en": k.LabelEn}
	if k.Presence {
		values["presence"] = "on"
	}
	if k.Active {
		values["active"] = "on"
	}
	p := ActivityKindPage{Page: h.page(c, "activities.kind_edit"), ID: id, Code: k.Code, Values: values}
	p.Title = k.Label(p.Lang())
	return h.render(c, http.StatusOK, "activity_kind_form", p)
}

// SaveActivityKind adds (no id) or saves a kind; bad input comes back with 422.
func (h *Handlers) SaveActivityKind(c echo.Context) error {
	ctx := c.Request().Context()
	var id uint
	if c.Param("id") != "" {
		var err error
		if id, err = paramID(c, "id"); err != nil {
			return err
		}
	}
	in := models.ActivityKindInput{LabelFr: c.FormValue("label_fr"), LabelEn: c.FormValue("label_en"),
		Presence: c.FormValue("presence") == "on", Active: c.FormValue("active") == "on"}
	var err error
	if id == 0 {
		var replay string
		replay, err = h.submitOnce(c, func(tx *gorm.DB) (string, error) {
			_, err := models.CreateActivityKind(ctx, tx, actor(c), h.Now(), in)
			return "/settings/activity-kinds", err
		})
		if replay != "" {
			return h.replayed(c, replay)
		}
	} else {
		_, err = models.UpdateActivityKind(ctx, h.DB, actor(c), h.Now(), id, in)
	}
	var ve models.ValidationError
	switch {
	case errors.As(err, &ve):
		title := "activities.kind_new"
		if id != 0 {
			title = "activities.kind_edit"
		}
		p := ActivityKindPage{Page: h.page(c, title), ID: id, Values: formValues(c)}
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "activity_kind_form", p)
	case err != nil:
		return notFound(err)
	}
	h.flash(c, "activities.flash_kind_saved")
	return redirect(c, "/settings/activity-kinds")
}
