package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// letterVersion is the text of a document in a language as it stands: the version in force
// (ID 0: the text shipped with the application) and whether it is validated.
type letterVersion struct {
	models.LetterTemplate
	Shipped bool
}

// letterVersions gives the text in force of every document in every language, in one query.
func (h *Handlers) letterVersions(ctx context.Context) (map[models.LetterDocument]map[string]letterVersion, error) {
	cur, err := models.CurrentLetterTemplates(ctx, h.DB)
	if err != nil {
		return nil, err
	}
	out := map[models.LetterDocument]map[string]letterVersion{}
	for _, doc := range models.LetterDocuments {
		out[doc] = map[string]letterVersion{}
		for _, l := range views.LetterLangs() {
			if t, ok := cur[doc][l.Code]; ok {
				out[doc][l.Code] = letterVersion{LetterTemplate: t}
				continue
			}
			out[doc][l.Code] = letterVersion{Shipped: true,
				LetterTemplate: models.LetterTemplate{Document: doc, Lang: l.Code, Body: views.ShippedLetter(doc, l.Code)}}
		}
	}
	return out, nil
}

// LetterChoice is the language chooser of the family letters on a meeting or referral page.
type LetterChoice struct {
	// Default is the language the guardian's home language points to ("fr" without one).
	Default string
	Langs   []LetterLangOption
}

// LetterLangOption is a language of the chooser; Ready is false when its translations are not
// all validated (the letters then come out in French alone, and the page says so).
type LetterLangOption struct {
	views.LetterLang
	Ready map[models.LetterDocument]bool
}

// DefaultLang is the default language's option.
func (c LetterChoice) DefaultLang() LetterLangOption {
	for _, l := range c.Langs {
		if l.Code == c.Default {
			return l
		}
	}
	return c.Langs[0]
}

// letterChoice builds the chooser for a pupil: the default from the guardians' home languages
// (the first that has letters), and which translations are validated.
func (h *Handlers) letterChoice(ctx context.Context, s models.Scope, pupilID uint) (LetterChoice, error) {
	homes, err := models.HomeLanguages(ctx, h.DB, s, pupilID)
	if err != nil {
		return LetterChoice{}, err
	}
	ch := LetterChoice{Default: "fr"}
	for _, home := range homes {
		if code := views.LetterLangOf(home); code != "fr" {
			ch.Default = code
			break
		}
	}
	versions, err := h.letterVersions(ctx)
	if err != nil {
		return LetterChoice{}, err
	}
	for _, l := range views.LetterLangs() {
		o := LetterLangOption{LetterLang: l, Ready: map[models.LetterDocument]bool{}}
		for _, doc := range models.LetterDocuments {
			o.Ready[doc] = l.Code == "fr" || versions[doc][l.Code].Validated()
		}
		ch.Langs = append(ch.Langs, o)
	}
	return ch, nil
}

// letterLang reads ?lang= (the default when absent); an unknown code is refused with 400 and a
// French message.
func (h *Handlers) letterLang(c echo.Context, fallback func() (string, error)) (views.LetterLang, error) {
	code := strings.TrimSpace(c.QueryParam("lang"))
	if code == "" {
		var err error
		if code, err = fallback(); err != nil {
			return views.LetterLang{}, err
		}
	}
	l, ok := views.LetterLangByCode(code)
	if !ok {
		loc := h.localizer(c)
		var names []string
		for _, l := range views.LetterLangs() {
			names = append(names, l.Code)
		}
		return l, pageError{status: http.StatusBadRequest,
			message: loc.T("letters.unknown_lang", "Lang", truncateRunes(code, 20), "Known", strings.Join(names, ", "))}
	}
	return l, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// sendLetter prints a letter in French and, when its translation is validated, in lang; records
// it on the file and in the audit log; and sends it.
func (h *Handlers) sendLetter(c echo.Context, d views.LetterData, lang views.LetterLang, pupilID uint, recordType string, recordID uint, file string) error {
	ctx := c.Request().Context()
	versions, err := h.letterVersions(ctx)
	if err != nil {
		return err
	}
	fr := views.LetterLangs()[0]
	french := views.LetterText{Lang: fr, Body: versions[d.Document]["fr"].Body, Validated: true}
	var translation *views.LetterText
	printed := ""
	// A validated text was checked when saved; one the placeholders no longer fit (after an
	// upgrade) is left out rather than failing the letter: French alone.
	if v := versions[d.Document][lang.Code]; lang.Code != "fr" && v.Validated() && views.CheckLetter(d.Document, v.Body) == nil {
		translation = &views.LetterText{Lang: lang, Body: v.Body, Validated: true}
		printed = lang.Code
	}
	now := h.Now()
	b, _, err := h.Views.Localizer("fr").LetterPDF(d, french, translation, now)
	if err != nil {
		return err
	}
	if err := models.RecordFamilyLetter(ctx, h.DB, actor(c), now, pupilID, d.Document, lang.Code, printed, recordType, recordID); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s-%d-%s.pdf"`, file, recordID, lang.Code))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/pdf", b)
}

// contactLine is the sender's work contact as a letter prints it.
func contactLine(s models.LetterSender) string {
	parts := []string{}
	// The phone's groups are held by no-break spaces: on one line, and in their order in
	// right-to-left text.
	for _, p := range []string{s.Email, strings.Join(strings.Fields(s.Phone), "\u00a0")} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " — ")
}

// meetingLetterData loads a meeting of the scope and what its letters say.
func (h *Handlers) meetingLetterData(c echo.Context, doc models.LetterDocument) (models.MeetingDetail, views.LetterData, error) {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return models.MeetingDetail{}, views.LetterData{}, err
	}
	md, err := models.LoadMeeting(ctx, h.DB, currentScope(c), id)
	if err != nil {
		return md, views.LetterData{}, notFound(err)
	}
	sender, err := models.LoadLetterSender(ctx, h.DB, md.Meeting.OrganiserID)
	if err != nil {
		return md, views.LetterData{}, err
	}
	d := views.LetterData{Document: doc, FirstName: md.Pupil.FirstName, LastName: md.Pupil.LastName,
		Establishment: md.Establishment.Name, Commune: md.Establishment.Commune, Mediator: sender.DisplayName,
		Contact: contactLine(sender), Written: h.Now(), When: md.Meeting.ScheduledAt, Place: md.Meeting.Place,
		Purpose: md.Meeting.Purpose, Interpreter: md.Meeting.InterpreterNeeded, Decisions: md.Meeting.Recap}
	for _, a := range md.Actions {
		who := a.OwnerLabel
		if a.OwnerUserID != nil {
			who = a.OwnerName
		}
		d.Steps = append(d.Steps, views.LetterStep{What: a.Description, Who: who, Due: a.DueOn})
	}
	return md, d, nil
}

// MeetingLetter sends the invitation to a meeting, in French and the chosen language.
func (h *Handlers) MeetingLetter(c echo.Context) error {
	md, d, err := h.meetingLetterData(c, models.LetterInvitation)
	if err != nil {
		return err
	}
	lang, err := h.letterLang(c, h.defaultLetterLang(c, md.Pupil.ID))
	if err != nil {
		return err
	}
	// An invitation to a meeting that was held or cancelled would mislead the family.
	if md.Meeting.Status != models.MeetingPlanned && md.Meeting.Status != models.MeetingPostponed {
		return pageError{status: http.StatusBadRequest, message: h.localizer(c).T("letters.not_planned")}
	}
	return h.sendLetter(c, d, lang, md.Pupil.ID, "meeting", md.Meeting.ID, "invitation")
}

// MeetingSummary sends the summary of a held meeting for the family: its recap and next steps,
// nothing else of the file (no follow-up, no restricted note, no other pupil).
func (h *Handlers) MeetingSummary(c echo.Context) error {
	md, d, err := h.meetingLetterData(c, models.LetterSummary)
	if err != nil {
		return err
	}
	lang, err := h.letterLang(c, h.defaultLetterLang(c, md.Pupil.ID))
	if err != nil {
		return err
	}
	if md.Meeting.Status != models.MeetingHeld || strings.TrimSpace(md.Meeting.Recap) == "" {
		return pageError{status: http.StatusBadRequest, message: h.localizer(c).T("letters.no_recap")}
	}
	return h.sendLetter(c, d, lang, md.Pupil.ID, "meeting", md.Meeting.ID, "compte-rendu")
}

// ReferralConsentForm sends the consent form of a referral. Partners never get it: the route is
// the establishment's, and the scope of a file reader finds the referral.
func (h *Handlers) ReferralConsentForm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	s := currentScope(c)
	if !s.SeesPupilFiles() {
		return echo.ErrNotFound
	}
	rd, err := models.LoadReferral(ctx, h.DB, s, h.Now(), id)
	if err != nil {
		return notFound(err)
	}
	lang, err := h.letterLang(c, h.defaultLetterLang(c, rd.PupilID))
	if err != nil {
		return err
	}
	sender, err := models.LoadLetterSender(ctx, h.DB, rd.SenderID)
	if err != nil {
		return err
	}
	fr := h.Views.Localizer("fr")
	var commune string
	if err := h.DB.WithContext(ctx).Model(&models.Establishment{}).Where("id = ?", rd.Pupil.EstablishmentID).
		Pluck("commune", &commune).Error; err != nil {
		return fmt.Errorf("handlers: commune of referral %d: %w", id, err)
	}
	d := views.LetterData{Document: models.LetterConsent, FirstName: rd.Pupil.FirstName, LastName: rd.Pupil.LastName,
		Establishment: rd.Pupil.EstablishmentName, Commune: commune, Mediator: sender.DisplayName, Contact: contactLine(sender),
		Written: h.Now(), Partner: rd.Partner.Name, Reason: fr.T("referral.reason." + string(rd.Reason)), Request: rd.Request}
	return h.sendLetter(c, d, lang, rd.PupilID, "referral", id, "consentement")
}

// defaultLetterLang is the language of the guardians' home language, for a letter asked
// without ?lang=.
func (h *Handlers) defaultLetterLang(c echo.Context, pupilID uint) func() (string, error) {
	return func() (string, error) {
		ch, err := h.letterChoice(c.Request().Context(), currentScope(c), pupilID)
		return ch.Default, err
	}
}

// LetterSettingsPage lists the documents and languages with the state of their text.
type LetterSettingsPage struct {
	views.Page
	Docs     []models.LetterDocument
	Langs    []views.LetterLang
	Versions map[models.LetterDocument]map[string]letterVersion
}

// Version is the text in force of a document in a language.
func (p LetterSettingsPage) Version(doc models.LetterDocument, lang string) letterVersion {
	return p.Versions[doc][lang]
}

// LetterSettings shows the table of the texts of the family letters.
func (h *Handlers) LetterSettings(c echo.Context) error {
	versions, err := h.letterVersions(c.Request().Context())
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "letter_settings", LetterSettingsPage{Page: h.page(c, "letters.settings.title"),
		Docs: models.LetterDocuments, Langs: views.LetterLangs(), Versions: versions})
}

// LetterTemplatePage is the form of one document's text in one language, with its history.
type LetterTemplatePage struct {
	views.Page
	Doc      models.LetterDocument
	Language views.LetterLang
	Current  letterVersion
	Body     string
	// BasedOn is the version the form was typed on: the one in force, or a draft's.
	BasedOn uint
	Fields  []string
	History []models.LetterTemplate
	Errors  map[string]string
}

// letterParams reads the document and language of a settings route; anything else is not found.
func letterParams(c echo.Context) (models.LetterDocument, views.LetterLang, error) {
	doc := models.LetterDocument(c.Param("doc"))
	l, ok := views.LetterLangByCode(c.Param("lang"))
	if !doc.Valid() || !ok {
		return doc, l, echo.ErrNotFound
	}
	return doc, l, nil
}

func (h *Handlers) letterTemplatePage(c echo.Context, doc models.LetterDocument, l views.LetterLang) (LetterTemplatePage, error) {
	ctx := c.Request().Context()
	versions, err := h.letterVersions(ctx)
	if err != nil {
		return LetterTemplatePage{}, err
	}
	hist, err := models.LetterTemplateHistory(ctx, h.DB, doc, l.Code)
	if err != nil {
		return LetterTemplatePage{}, err
	}
	p := LetterTemplatePage{Page: h.page(c, "letters.settings.title"), Doc: doc, Language: l, Current: versions[doc][l.Code],
		Fields: views.LetterFields(doc), History: hist}
	p.Title = p.T("letters.edit.title", "Doc", p.T("letters.doc."+string(doc)), "Lang", l.Name)
	p.Body, p.BasedOn = p.Current.Body, p.Current.ID
	return p, nil
}

// LetterTemplateForm shows the text in force of a document in a language, to edit.
func (h *Handlers) LetterTemplateForm(c echo.Context) error {
	doc, l, err := letterParams(c)
	if err != nil {
		return err
	}
	_, draft, err := h.restoreDraft(c)
	if err != nil {
		return err
	}
	p, err := h.letterTemplatePage(c, doc, l)
	if err != nil {
		return err
	}
	if draft != nil {
		// The text typed before the session expired, on the version it was typed on: sent
		// again over a newer version, it is refused as stale, never saved over it.
		p.Body = draft.Get("body")
		if v, err := strconv.ParseUint(draft.Get("based_on"), 10, 32); err == nil {
			p.BasedOn = uint(v)
		}
	}
	return h.render(c, http.StatusOK, "letter_template", p)
}

// checkLetterLength refuses a text that does not fit on MaxLetterPages once filled with a long
// sample file, printed with French (or, for French, with each translation in force).
func (h *Handlers) checkLetterLength(ctx context.Context, doc models.LetterDocument, l views.LetterLang, body string, now time.Time) (int, error) {
	versions, err := h.letterVersions(ctx)
	if err != nil {
		return 0, err
	}
	sample := views.SampleLetterData(doc, now)
	fr := views.LetterLangs()[0]
	loc := h.Views.Localizer("fr")
	worst := 0
	try := func(french views.LetterText, tr *views.LetterText) error {
		_, n, err := loc.LetterPDF(sample, french, tr, now)
		worst = max(worst, n)
		return err
	}
	if l.Code != "fr" {
		return worst, try(views.LetterText{Lang: fr, Body: versions[doc]["fr"].Body, Validated: true},
			&views.LetterText{Lang: l, Body: body})
	}
	for _, other := range views.LetterLangs() {
		var tr *views.LetterText
		if other.Code != "fr" {
			tr = &views.LetterText{Lang: other, Body: versions[doc][other.Code].Body}
			if views.CheckLetter(doc, tr.Body) != nil {
				continue
			}
		}
		if err := try(views.LetterText{Lang: fr, Body: body, Validated: true}, tr); err != nil {
			return worst, err
		}
	}
	return worst, nil
}

// SaveLetterTemplate stores a new version of a document's text in a language, not validated,
// if its placeholders exist and are closed and it fits on two pages; otherwise the form comes
// back with the message and the version in force is kept.
func (h *Handlers) SaveLetterTemplate(c echo.Context) error {
	doc, l, err := letterParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	body := strings.TrimSpace(strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n"))
	basedOn, _ := strconv.ParseUint(c.FormValue("based_on"), 10, 32)
	v := views.CheckLetter(doc, body)
	if len([]rune(body)) > models.MaxLetterTemplate {
		v = models.ValidationError{"body": models.TooLong(models.MaxLetterTemplate)}
	}
	if v == nil {
		pages, err := h.checkLetterLength(ctx, doc, l, body, h.Now())
		if err != nil {
			return err
		}
		if pages > views.MaxLetterPages {
			v = models.ValidationError{"body": models.Msg("letters.overflow", "Count", pages, "Max", views.MaxLetterPages)}
		}
	}
	if v == nil {
		_, err = models.SaveLetterTemplate(ctx, h.DB, actor(c), currentUser(c).DisplayName, h.Now(), doc, l.Code, body, uint(basedOn))
		if errors.As(err, &v) {
			err = nil
		}
		if err != nil {
			return err
		}
	}
	if v != nil {
		p, err := h.letterTemplatePage(c, doc, l)
		if err != nil {
			return err
		}
		p.Body, p.BasedOn = body, uint(basedOn)
		p.Errors = fieldErrors(p.Localizer, v)
		return h.render(c, http.StatusUnprocessableEntity, "letter_template", p)
	}
	h.flash(c, "letters.saved")
	return redirect(c, fmt.Sprintf("/settings/letters/%s/%s", doc, l.Code))
}

// ValidateLetterTemplate records that the coordination validates the text in force.
func (h *Handlers) ValidateLetterTemplate(c echo.Context) error {
	doc, l, err := letterParams(c)
	if err != nil {
		return err
	}
	seen, _ := strconv.ParseUint(c.FormValue("seen"), 10, 32)
	err = models.ValidateLetterTemplate(c.Request().Context(), h.DB, actor(c), currentUser(c).DisplayName, h.Now(), doc, l.Code,
		uint(seen), views.ShippedLetter(doc, l.Code))
	var v models.ValidationError
	if errors.As(err, &v) {
		p, err := h.letterTemplatePage(c, doc, l)
		if err != nil {
			return err
		}
		p.Errors = fieldErrors(p.Localizer, v)
		return h.render(c, http.StatusUnprocessableEntity, "letter_template", p)
	}
	if err != nil {
		return err
	}
	h.flash(c, "letters.validated")
	return redirect(c, fmt.Sprintf("/settings/letters/%s/%s", doc, l.Code))
}

// LetterPreview prints the text in force of a document in a language with the sample file, the
// translation marked for a reread while it is not validated.
func (h *Handlers) LetterPreview(c echo.Context) error {
	doc, l, err := letterParams(c)
	if err != nil {
		return err
	}
	versions, err := h.letterVersions(c.Request().Context())
	if err != nil {
		return err
	}
	now := h.Now()
	fr := views.LetterLangs()[0]
	french := views.LetterText{Lang: fr, Body: versions[doc]["fr"].Body, Validated: true}
	var tr *views.LetterText
	if l.Code != "fr" {
		v := versions[doc][l.Code]
		tr = &views.LetterText{Lang: l, Body: v.Body, Validated: v.Validated()}
	}
	b, _, err := h.Views.Localizer("fr").LetterPDF(views.SampleLetterData(doc, now), french, tr, now)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`inline; filename="apercu-%s-%s.pdf"`, doc, l.Code))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/pdf", b)
}

// FamilyLetterLine is a letter printed, as the pupil's file lists it.
type FamilyLetterLine struct {
	At       time.Time
	Document string
	Lang     string
	By       string
	Link     string
}

// familyLetterLines lists the letters printed for a file of the scope, written out for the page.
func familyLetterLines(ctx context.Context, h *Handlers, loc *views.Localizer, s models.Scope, pupilID uint) ([]FamilyLetterLine, error) {
	rows, err := models.FamilyLettersOfPupil(ctx, h.DB, s, pupilID)
	if err != nil {
		return nil, err
	}
	out := make([]FamilyLetterLine, 0, len(rows))
	for _, r := range rows {
		line := FamilyLetterLine{At: r.CreatedAt, Document: loc.T("letters.doc." + string(r.Document)), By: r.UserName,
			Lang: loc.T("letters.french_only")}
		if l, ok := views.LetterLangByCode(r.Printed); ok && r.Printed != "" {
			line.Lang = loc.T("letters.french_and", "Lang", l.Name)
		}
		switch r.Document {
		case models.LetterConsent:
			line.Link = fmt.Sprintf("/referrals/%d", r.RecordID)
		default:
			line.Link = fmt.Sprintf("/meetings/%d", r.RecordID)
		}
		out = append(out, line)
	}
	return out, nil
}

// LetterForms are the family letters a page offers: a language chooser (a plain GET form) and a
// button per document.
type LetterForms struct {
	Choice LetterChoice
	Docs   []LetterForm
	// Unready names the languages whose translation of a document offered here is not validated:
	// a letter asked in one of them comes out in French alone.
	Unready string
}

// LetterForm is a document offered, and the address that prints it.
type LetterForm struct {
	Doc    models.LetterDocument
	Action string
}

// meetingLetterDocs are the letters of a meeting: the invitation while it is planned or
// postponed, the summary once the recap of the held meeting is written.
func meetingLetterDocs(m models.Meeting) []models.LetterDocument {
	var docs []models.LetterDocument
	if m.Status == models.MeetingPlanned || m.Status == models.MeetingPostponed {
		docs = append(docs, models.LetterInvitation)
	}
	if m.Status == models.MeetingHeld && strings.TrimSpace(m.Recap) != "" {
		docs = append(docs, models.LetterSummary)
	}
	return docs
}

// letterForms builds the letters' part of a page; base is the record's path with a slash.
func (h *Handlers) letterForms(ctx context.Context, s models.Scope, pupilID uint, base string, docs []models.LetterDocument) (LetterForms, error) {
	if len(docs) == 0 {
		return LetterForms{}, nil
	}
	ch, err := h.letterChoice(ctx, s, pupilID)
	if err != nil {
		return LetterForms{}, err
	}
	f := LetterForms{Choice: ch}
	files := map[models.LetterDocument]string{models.LetterInvitation: "letter.pdf", models.LetterSummary: "summary.pdf",
		models.LetterConsent: "consent-form.pdf"}
	for _, d := range docs {
		f.Docs = append(f.Docs, LetterForm{Doc: d, Action: base + files[d]})
	}
	var unready []string
	for _, l := range ch.Langs {
		if f.FrenchOnly(l) {
			unready = append(unready, l.Name)
		}
	}
	f.Unready = strings.Join(unready, ", ")
	return f, nil
}

// FrenchOnly tells whether a letter offered here comes out in French alone in the language:
// one of its translations is not validated.
func (f LetterForms) FrenchOnly(l LetterLangOption) bool {
	for _, d := range f.Docs {
		if !l.Ready[d.Doc] {
			return true
		}
	}
	return false
}

// ErrorSummary lists the messages of the template's form: the text, or the validation.
func (p LetterTemplatePage) ErrorSummary() []ErrorLink {
	return formFields{anchor: "letter-form", fields: []string{"body", "validate"}, ids: map[string]string{"validate": "validate-button"}}.summary(p.Errors)
}
