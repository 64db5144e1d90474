// Package pdf lays out the printable reports: an A4 document with a title block, running
// header and footer, headings, paragraphs, key figures, tables that run over several pages
// and vector charts, built on codeberg.org/go-pdf/fpdf with the Go fonts embedded.
//
// The package draws; it does not speak. Every visible string — titles, column headers, the
// "Page 1 of 3" footer, empty-chart messages, number formats — comes from the caller, so that
// the reports follow the message catalog of the interface.
//
// A Doc belongs to one goroutine. The package keeps no shared mutable state: many documents
// can be built at the same time.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// Page geometry, in millimetres.
const (
	pageW         = 210.0
	pageH         = 297.0
	marginX       = 18.0
	contentW      = pageW - 2*marginX
	titleTop      = 16.0 // first page: where the title block starts
	contentTop    = 20.0 // other pages: first line below the running header
	contentBottom = 279.0
	headerY       = 9.0
	footerY       = 283.0
)

// family is the name the embedded fonts are registered under in each document.
const family = "go"

// nbAlias is replaced by fpdf with the number of pages when the document is written. It is
// drawn in the footer font, on the same line as the current page number: the last page's
// footer therefore uses every digit of the total, which keeps those glyphs in the font subset.
const nbAlias = "{nb}"

// Meta describes a document: what its metadata say and what its title block, running header
// and footer show. All strings are printed as given.
type Meta struct {
	// Title is the document title: title block, running header and PDF metadata.
	Title string
	// Subject goes to the PDF metadata only (e.g. the kind of report).
	Subject string
	// Scope says what the figures cover (an establishment, a partner, the metropolis…); it is
	// printed under the title and in the running header.
	Scope string
	// SchoolYear is printed in the title block, label included (e.g. "Année scolaire 2026-2027").
	SchoolYear string
	// Keywords go to the PDF metadata; optional.
	Keywords string
	// Author is the author and creator in the PDF metadata (e.g. the application's name).
	Author string
	// Lang is the natural language of the document (BCP 47, e.g. "fr-FR"); default "fr-FR".
	Lang string
	// Generated is the moment of generation. It becomes the creation and modification
	// dates of the file (written in UTC, as fpdf cannot write an offset): the same input
	// gives the same bytes. A zero time lets fpdf take the current time instead.
	Generated time.Time
	// GeneratedText is printed in the title block and in every footer (e.g. "Généré le
	// 25/11/2026 à 10:42").
	GeneratedText string
	// PageText is the fmt format of the page number in the footer: its first argument is the
	// page number (int), its second the total number of pages (string, filled in when the
	// document is written), e.g. "Page %d sur %s" or, with explicit indexes, "%[2]s pages,
	// page %[1]d". Default "%d / %s".
	PageText string
	// FormatNumber formats the numbers that charts print (axis ticks, value labels), e.g.
	// with a decimal comma. Default: up to two decimals with a point, no grouping.
	FormatNumber func(float64) string
}

// Doc is a PDF document being built. Blocks are added in reading order; page breaks happen
// on their own, and before a block that would not fit on what is left of the page.
type Doc struct {
	pdf       *fpdf.Fpdf
	meta      Meta
	headings  int
	out       []byte
	outErr    error
	written   bool
	titleDone bool
	// pending is a heading not drawn yet: it waits for the block that follows it.
	pending *heading
}

// New starts a document on its first page, which carries the title block.
func New(m Meta) *Doc {
	if m.Lang == "" {
		m.Lang = "fr-FR"
	}
	if m.PageText == "" {
		m.PageText = "%d / %s"
	}
	if m.FormatNumber == nil {
		m.FormatNumber = plainNumber
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	d := &Doc{pdf: p, meta: m}

	p.SetCompression(true)
	p.SetCatalogSort(true)
	p.AliasNbPages(nbAlias)
	p.AddUTF8FontFromBytes(family, "", goregular.TTF)
	p.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	p.AddUTF8FontFromBytes(family, "I", goitalic.TTF)

	p.SetTitle(m.Title, true)
	p.SetSubject(m.Subject, true)
	p.SetAuthor(m.Author, true)
	p.SetCreator(m.Author, true)
	if m.Keywords != "" {
		p.SetKeywords(m.Keywords, true)
	}
	p.SetLang(langTag(m.Lang))
	if !m.Generated.IsZero() {
		// fpdf writes the date without a UTC offset, which poppler and pdf.js read as UTC.
		p.SetCreationDate(m.Generated.UTC())
		p.SetModificationDate(m.Generated.UTC())
	}

	p.SetMargins(marginX, contentTop, marginX)
	p.SetCellMargin(0)
	p.SetAutoPageBreak(false, 0) // blocks decide where pages break
	p.SetHeaderFuncMode(d.header, true)
	p.SetFooterFunc(d.footer)
	p.AddPage()
	d.titleBlock()
	return d
}

// langTag keeps only the characters of a language tag, since fpdf writes it into the
// catalog without escaping.
func langTag(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, s)
}

// Write finishes the document and writes it to w. It may be called again (and mixed with
// Bytes): the same bytes are written each time. Nothing can be added afterwards.
func (d *Doc) Write(w io.Writer) error {
	b, err := d.Bytes()
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

// Bytes finishes the document and returns it, or the first error met while building it.
func (d *Doc) Bytes() ([]byte, error) {
	if !d.written {
		d.flushHeading()
		d.written = true
		var buf bytes.Buffer
		if err := d.pdf.Output(&buf); err != nil {
			d.outErr = fmt.Errorf("pdf: %w", err)
		} else {
			d.out = buf.Bytes()
		}
	}
	return d.out, d.outErr
}

// PageBreak starts a new page.
func (d *Doc) PageBreak() {
	d.flushHeading()
	d.pdf.AddPage()
}

// Heading starts a section: large, bold, with a rule, and a bookmark in the outline. A
// heading is kept with the start of the block that follows it (the first lines of a
// paragraph, a row of key figures, a chart, a table's header and first row): it is drawn only
// when that block knows its height, and moves with it to the next page when they do not fit
// together; it also needs 40 mm below it, so that it never stays alone at the foot of a page.
func (d *Doc) Heading(text string) {
	text = clean(text)
	d.flushHeading()
	d.space(5)
	d.pending = &heading{text: text, style: "B", size: 14, color: colorPrimary, lineH: 6.5, keep: 40, level: 0, rule: true}
	d.setFont("B", 14, colorPrimary)
	d.pending.lines = d.wrap(text, contentW)
	d.headings++
}

// Subheading starts a subsection; like Heading, it stays with the block that follows, and
// needs 30 mm below it.
func (d *Doc) Subheading(text string) {
	text = clean(text)
	d.flushHeading()
	d.space(3.5)
	level := 1
	if d.headings == 0 {
		level = 0 // an outline cannot start below its top level
	}
	d.pending = &heading{text: text, style: "B", size: 11.5, color: colorInk, lineH: 5.5, keep: 30, level: level}
	d.setFont("B", 11.5, colorInk)
	d.pending.lines = d.wrap(text, contentW)
}

// heading is a heading waiting for the block that follows it (see Heading).
type heading struct {
	text, style string
	size        float64
	color       rgb
	lines       []string
	lineH       float64
	keep        float64 // the height it needs below it at least
	level       int
	rule        bool
	after       float64 // space the next block asked for before itself
}

// height is the height the heading takes, with the space below it.
func (h *heading) height() float64 {
	if h.rule {
		return float64(len(h.lines))*h.lineH + 0.8 + 3.5 + h.after
	}
	return float64(len(h.lines))*h.lineH + 1.5 + h.after
}

// drawHeading draws the pending heading at the current position, and gives the font and
// colours back to the block that follows.
func (d *Doc) drawHeading() {
	h := d.pending
	d.pending = nil
	style := d.pdf.GetFontStyle()
	size, _ := d.pdf.GetFontSize()
	r, g, b := d.pdf.GetTextColor()
	dr, dg, db := d.pdf.GetDrawColor()
	lw := d.pdf.GetLineWidth()
	defer func() {
		d.pdf.SetFont(family, style, size)
		d.pdf.SetTextColor(r, g, b)
		d.pdf.SetDrawColor(dr, dg, db)
		d.pdf.SetLineWidth(lw)
	}()
	d.pdf.Bookmark(h.text, h.level, -1)
	d.setFont(h.style, h.size, h.color)
	for _, l := range h.lines {
		d.textLine(marginX, d.pdf.GetY(), contentW, h.lineH, l, "L")
		d.pdf.SetY(d.pdf.GetY() + h.lineH)
	}
	if h.rule {
		y := d.pdf.GetY() + 0.8
		d.setDraw(colorPrimary, 0.4)
		d.pdf.Line(marginX, y, marginX+contentW, y)
		d.pdf.SetY(y + 3.5)
	} else {
		d.pdf.SetY(d.pdf.GetY() + 1.5)
	}
	d.pdf.SetY(d.pdf.GetY() + h.after)
}

// flushHeading draws a pending heading that no block followed.
func (d *Doc) flushHeading() {
	if d.pending != nil {
		d.ensure(0)
	}
}

// Paragraph prints text wrapped to the width of the page; line feeds in text start new
// lines. A long paragraph continues on the next page.
func (d *Doc) Paragraph(text string) {
	d.flow(clean(text), "", 10, colorInk, 4.8)
	d.pdf.SetY(d.pdf.GetY() + 2.5)
}

// Note prints text small and italic: a legend of table marks, a source, a caveat.
func (d *Doc) Note(text string) {
	d.flow(clean(text), "I", 8, colorMuted, 3.6)
	d.pdf.SetY(d.pdf.GetY() + 2)
}

// flow prints wrapped lines, breaking the page between lines when needed.
func (d *Doc) flow(text, style string, size float64, c rgb, lineH float64) {
	d.setFont(style, size, c)
	for _, l := range d.wrap(text, contentW) {
		d.ensure(lineH)
		d.textLine(marginX, d.pdf.GetY(), contentW, lineH, l, "L")
		d.pdf.SetY(d.pdf.GetY() + lineH)
	}
}

// KeyFigure is one headline number with what it counts.
type KeyFigure struct {
	// Label says what the figure is (e.g. "élèves suivis"); wrapped on up to three lines.
	Label string
	// Value is the figure, already formatted (e.g. "12 345 €", "87 %").
	Value string
}

// KeyFigures prints headline numbers as a grid of boxes, up to four per row. A row of boxes
// never splits across pages.
func (d *Doc) KeyFigures(figures []KeyFigure) {
	if len(figures) == 0 {
		return
	}
	cols := len(figures)
	if cols > 4 {
		switch {
		case cols%4 == 0:
			cols = 4
		case cols%3 == 0:
			cols = 3
		default:
			cols = 4
		}
	}
	const (
		gap    = 4.0
		pad    = 3.0
		valueH = 8.0
		labelH = 3.7
	)
	boxW := (contentW - gap*float64(cols-1)) / float64(cols)
	innerW := boxW - 2*pad - 1.2
	d.space(1)
	for start := 0; start < len(figures); start += cols {
		row := figures[start:min(start+cols, len(figures))]
		values := make([]string, len(row))
		sizes := make([]float64, len(row))
		labels := make([][]string, len(row))
		lines := 1
		for i, f := range row {
			values[i] = clean(f.Value)
			sizes[i] = 18
			d.setFont("B", sizes[i], colorPrimary)
			for sizes[i] > 10 && d.pdf.GetStringWidth(values[i]) > innerW {
				sizes[i]--
				d.setFont("B", sizes[i], colorPrimary)
			}
			values[i] = d.fit(values[i], innerW)
			d.setFont("", 8.5, colorInk)
			labels[i] = d.clip(d.wrap(clean(f.Label), innerW), 3, innerW)
			lines = max(lines, len(labels[i]))
		}
		boxH := pad + valueH + 0.5 + float64(lines)*labelH + pad
		d.ensure(boxH)
		y := d.pdf.GetY()
		for i := range row {
			x := marginX + float64(i)*(boxW+gap)
			d.setFill(colorPanel)
			d.pdf.Rect(x, y, boxW, boxH, "F")
			d.setFill(colorPrimary)
			d.pdf.Rect(x, y, 1.2, boxH, "F")
			tx := x + 1.2 + pad
			d.setFont("B", sizes[i], colorPrimary)
			d.textLine(tx, y+pad, innerW, valueH, values[i], "L")
			d.setFont("", 8.5, colorInk)
			for j, l := range labels[i] {
				d.textLine(tx, y+pad+valueH+0.5+float64(j)*labelH, innerW, labelH, l, "L")
			}
		}
		d.pdf.SetY(y + boxH + gap)
	}
	d.pdf.SetY(d.pdf.GetY() + 1)
}

// titleBlock draws the first page's title, scope, school year and date of generation.
func (d *Doc) titleBlock() {
	d.titleDone = true
	m := d.meta
	y := titleTop
	d.setFill(colorPrimary)
	d.pdf.Rect(marginX, y, contentW, 1.5, "F")
	y += 6
	d.setFont("B", 20, colorPrimary)
	for _, l := range d.wrap(clean(m.Title), contentW) {
		d.textLine(marginX, y, contentW, 8.5, l, "L")
		y += 8.5
	}
	if m.Scope != "" {
		y += 1
		d.setFont("", 12.5, colorInk)
		for _, l := range d.wrap(clean(m.Scope), contentW) {
			d.textLine(marginX, y, contentW, 6, l, "L")
			y += 6
		}
	}
	y += 1.5
	d.setFont("", 9.5, colorMuted)
	for _, s := range []string{m.SchoolYear, m.GeneratedText} {
		if s == "" {
			continue
		}
		for _, l := range d.wrap(clean(s), contentW) {
			d.textLine(marginX, y, contentW, 4.8, l, "L")
			y += 4.8
		}
	}
	y += 3
	d.setDraw(colorRule, 0.3)
	d.pdf.Line(marginX, y, marginX+contentW, y)
	d.pdf.SetY(y + 5)
}

// header draws the running header: title on the left, scope on the right. The first page
// has the title block instead.
func (d *Doc) header() {
	if !d.titleDone {
		return
	}
	d.setFont("", 8, colorMuted)
	title := clean(d.meta.Title)
	scope := clean(d.meta.Scope)
	scopeW := min(d.pdf.GetStringWidth(scope), contentW*0.45)
	title = d.fit(title, contentW-scopeW-6)
	scope = d.fit(scope, scopeW)
	d.textLine(marginX, headerY, contentW, 4, title, "L")
	d.textLine(marginX, headerY, contentW, 4, scope, "R")
	d.setDraw(colorRule, 0.2)
	d.pdf.Line(marginX, headerY+5, marginX+contentW, headerY+5)
}

// footer draws the page number on the left and the date of generation on the right. The
// page number is left-aligned because fpdf measures the alias of the total, not the total.
func (d *Doc) footer() {
	d.setDraw(colorRule, 0.2)
	d.pdf.Line(marginX, footerY-1.5, marginX+contentW, footerY-1.5)
	d.setFont("", 8, colorMuted)
	page := clean(fmt.Sprintf(d.meta.PageText, d.pdf.PageNo(), nbAlias))
	gen := clean(d.meta.GeneratedText)
	genW := min(d.pdf.GetStringWidth(gen), contentW*0.6)
	d.textLine(marginX, footerY, contentW-genW-4, 4, page, "L")
	d.textLine(marginX, footerY, contentW, 4, d.fit(gen, genW), "R")
}

// space adds vertical space before a block, except at the top of a page; after a pending
// heading, the space goes below it.
func (d *Doc) space(h float64) {
	if d.pending != nil {
		d.pending.after += h
		return
	}
	if d.pdf.GetY() > contentTop+0.5 {
		d.pdf.SetY(d.pdf.GetY() + h)
	}
}

// ensure starts a new page when less than h mm are left on this one. A pending heading is
// drawn first, on the page where it fits with those h mm (and the height it keeps below it).
func (d *Doc) ensure(h float64) {
	if p := d.pending; p != nil {
		if d.pdf.GetY()+p.height()+max(h, p.keep-p.after) > contentBottom {
			d.pdf.AddPage()
		}
		d.drawHeading()
		return
	}
	if d.pdf.GetY()+h > contentBottom {
		d.pdf.AddPage()
	}
}

// room is the height left on the current page.
func (d *Doc) room() float64 {
	return contentBottom - d.pdf.GetY()
}

// textLine prints one line of text (already cleaned) in a box of width w and height h whose
// top left corner is (x, y), aligned "L", "R" or "C".
func (d *Doc) textLine(x, y, w, h float64, s, align string) {
	if s == "" {
		return
	}
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// setFont selects the embedded font in a style ("", "B" or "I"), a size in points and a text
// colour.
func (d *Doc) setFont(style string, size float64, c rgb) {
	d.pdf.SetFont(family, style, size)
	d.pdf.SetTextColor(c.r, c.g, c.b)
}

func (d *Doc) setFill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }

func (d *Doc) setDraw(c rgb, width float64) {
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(width)
}

// plainNumber is the default number format: integers without decimals, other values with up
// to two decimals and a decimal point.
func plainNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	v = math.Round(v*100) / 100
	if v == 0 {
		return "0" // not "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
