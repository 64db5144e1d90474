package views

import (
	"fmt"
	"strings"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views/pdf"
)

// CaseReviewMinutesPDF lays out the minutes of a session of the prevention group: who took
// part, then each pupil reviewed with the decision, who acts and by when, and the note. The
// document is nominative and stays in the establishment; d comes from
// models.LoadCaseReviewMinutes, so restricted notes are already blank, and are said to be
// left out.
func (l *Localizer) CaseReviewMinutesPDF(d models.CaseReviewDetail, generated time.Time) ([]byte, error) {
	lang := "fr-FR"
	if l.lang == "en" {
		lang = "en-GB"
	}
	r := d.Review
	title := l.T("reviews.heading."+string(r.Kind), "Date", r.HeldOn.Format("02/01/2006"))
	doc := pdf.New(pdf.Meta{
		Title:         l.T("reviews.minutes.title") + " — " + title,
		Subject:       l.T("reviews.minutes.title"),
		Scope:         d.Establishment.Name + " — " + l.T("reviews.minutes.confidential"),
		SchoolYear:    l.T("report.school_year", "Year", calendar.SchoolYearOf(r.HeldOn.Add(12*time.Hour)).String()),
		Author:        l.T("app.name"),
		Lang:          lang,
		Generated:     generated,
		GeneratedText: l.GeneratedText(generated),
		PageText:      l.T("report.page"),
	})
	doc.Heading(title)
	doc.KeyFigures([]pdf.KeyFigure{
		{Label: l.T("reviews.minutes.participants"), Value: fmt.Sprint(d.Headcount())},
		{Label: l.T("reviews.minutes.pupils"), Value: fmt.Sprint(len(d.Pupils))},
		{Label: l.T("reviews.minutes.decided"), Value: fmt.Sprint(d.Decided())},
	})
	doc.Subheading(l.T("reviews.participants"))
	var rows [][]string
	names := map[models.ReviewRole][]string{}
	for _, p := range d.Participants {
		if p.UserID != nil && p.AccountName != "" {
			names[p.Role] = append(names[p.Role], p.AccountName)
		}
	}
	for _, p := range d.Participants {
		if p.UserID == nil {
			rows = append(rows, []string{l.T("reviews.role." + string(p.Role)), fmt.Sprint(p.Headcount), strings.Join(names[p.Role], ", ")})
		}
	}
	doc.Table(pdf.Table{Columns: []pdf.Column{{Header: l.T("reviews.role"), Width: 2}, {Header: l.T("reviews.headcount"), Align: pdf.AlignRight, Width: 1},
		{Header: l.T("reviews.named"), Width: 3}}, Rows: rows})
	doc.Subheading(l.T("reviews.minutes.decisions"))
	rows = nil
	restricted := false
	for _, p := range d.Pupils {
		decision, owner, due := "—", "", ""
		if p.Decision != "" {
			decision = l.T("reviews.decision." + string(p.Decision))
		}
		if p.ActionID != nil {
			owner = p.Owner()
			if p.DueOn.Valid {
				due = p.DueOn.Time.Format("02/01/2006")
			}
		}
		note := p.Note
		if p.Restricted {
			restricted = true
			note = l.T("reviews.minutes.note_left_out")
		}
		pupil := p.LastName + " " + p.FirstName
		if p.ClassName != "" {
			pupil += " (" + p.ClassName + ")"
		}
		rows = append(rows, []string{pupil, decision, owner, due, note})
	}
	doc.Table(pdf.Table{Columns: []pdf.Column{{Header: l.T("reviews.pupil"), Width: 2}, {Header: l.T("reviews.decision"), Width: 2},
		{Header: l.T("reviews.owner"), Width: 1.5}, {Header: l.T("reviews.due_on"), Width: 1}, {Header: l.T("reviews.note"), Width: 3}},
		Rows: rows, EmptyText: l.T("reviews.no_pupils")})
	if restricted {
		doc.Note(l.T("reviews.minutes.restricted_hint"))
	}
	doc.Note(l.T("reviews.minutes.stays"))
	return doc.Bytes()
}
