package views

import (
	"time"

	"mediation/views/pdf"
)

// ReportPDF lays a report out as a PDF document: the same sections, figures, charts and
// tables as the dashboard page. note, when not empty, is printed under every protected table
// (the legend of the small-count marks).
func (l *Localizer) ReportPDF(r Report, generated time.Time, note string) ([]byte, error) {
	lang := "fr-FR"
	if l.lang == "en" {
		lang = "en-GB"
	}
	d := pdf.New(pdf.Meta{
		Title:         r.Title,
		Subject:       r.Title + " — " + r.Year,
		Scope:         r.Scope,
		SchoolYear:    l.T("report.school_year", "Year", r.Year),
		Author:        l.T("app.name"),
		Lang:          lang,
		Generated:     generated,
		GeneratedText: l.GeneratedText(generated),
		PageText:      l.T("report.page"),
		FormatNumber:  func(f float64) string { return l.Fixed(f) },
	})
	for _, s := range r.Sections {
		if s.Annex {
			d.PageBreak()
		}
		d.Heading(s.Heading)
		for _, t := range s.Text {
			d.Paragraph(t)
		}
		if len(s.Figures) > 0 {
			figures := make([]pdf.KeyFigure, len(s.Figures))
			for i, f := range s.Figures {
				figures[i] = pdf.KeyFigure{Label: f.Label, Value: f.Value}
			}
			d.KeyFigures(figures)
		}
		if c := s.Chart; c != nil {
			series := make([]pdf.Series, len(c.Series))
			for i, sr := range c.Series {
				series[i] = pdf.Series{Name: sr.Name, Values: sr.Values, Tone: sr.Tone}
			}
			empty := l.T("report.empty.chart")
			if c.allMasked() {
				// Zeros alone would draw an empty frame with axes: say why instead, as the page does.
				empty, series = l.T("report.chart_masked"), nil
			}
			if c.Line {
				d.LineChart(pdf.LineChart{Title: c.Title, Labels: c.Categories, Series: series, EmptyText: empty})
			} else {
				d.BarChart(pdf.BarChart{Title: c.Title, Categories: c.Categories, Series: series, Horizontal: c.Horizontal,
					ShowValues: true, EmptyText: empty})
			}
			pdfTable(d, c.Data, note)
		}
		if s.Table != nil {
			t := *s.Table
			if t.Caption == s.Heading {
				t.Caption = "" // the heading just above says it
			}
			pdfTable(d, t, note)
		}
		for _, n := range s.Notes {
			d.Note(n)
		}
	}
	return d.Bytes()
}

// pdfTable prints a report table; the first column is the widest.
func pdfTable(d *pdf.Doc, t ReportTable, note string) {
	if len(t.Headers) == 0 {
		return
	}
	cols := make([]pdf.Column, len(t.Headers))
	for i, h := range t.Headers {
		cols[i] = pdf.Column{Header: h, Width: 1}
		if i < len(t.Numeric) && t.Numeric[i] {
			cols[i].Align = pdf.AlignRight
		}
	}
	cols[0].Width = 2.2
	if len(t.Headers) > 8 {
		cols[0].Width = 1.6
	}
	d.Table(pdf.Table{Caption: t.Caption, Columns: cols, Rows: t.Rows, TotalRows: t.Totals, EmptyText: t.Empty})
	if note != "" && t.Masked {
		d.Note(note)
	}
}
