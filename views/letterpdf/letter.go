// Package letterpdf draws the letters given to families: one or two A4 pages, French first,
// then the family's language, in the Noto fonts shipped with the package (Latin, Cyrillic and
// Greek in Noto Sans, Arabic in Noto Naskh Arabic) so that every reader shows the same page.
//
// Arabic is shaped here (Shape: contextual presentation forms, lam-alef ligatures) and each
// line of a right-to-left section is reordered for display (Visual) after the line breaking,
// which works on the logical text: fpdf draws glyphs in the order given and does no shaping.
//
// The package draws; it does not speak: every string comes from the caller.
package letterpdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The fonts, under the SIL Open Font License 1.1 (fonts/OFL.txt).
var (
	//go:embed fonts/NotoSans-Regular.ttf
	sansRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	sansBold []byte
	//go:embed fonts/NotoNaskhArabic-Regular.ttf
	naskhRegular []byte
)

// Page geometry, in millimetres.
const (
	pageW    = 210.0
	pageH    = 297.0
	marginX  = 20.0
	top      = 18.0
	bottom   = 280.0
	contentW = pageW - 2*marginX
)

// Kind is what a block of a section is.
type Kind int

// The kinds of blocks.
const (
	Paragraph Kind = iota
	Heading
	Bullet
	// Notice is a framed paragraph (e.g. "translation not reviewed").
	Notice
)

// Block is one block of text of a section.
type Block struct {
	Kind Kind
	Text string
	// LTR draws the block left to right even in a right-to-left section (a French notice).
	LTR bool
}

// Section is the letter in one language.
type Section struct {
	// Lang is the BCP 47 tag of the section's language.
	Lang string
	// RTL sections are right-aligned, shaped and reordered for display.
	RTL    bool
	Blocks []Block
}

// Letter is a whole document.
type Letter struct {
	Title     string
	Author    string
	Generated time.Time
	// Letterhead lines are printed at the top of the first page, left-aligned, the first in
	// bold (e.g. the establishment, then the mediator and their contact).
	Letterhead []string
	Sections   []Section
	// PageText is the fmt format of the footer: page number (int), total (string).
	PageText string
}

// Fonts are registered under these families.
const (
	sans  = "notosans"
	naskh = "notonaskh"
)

type writer struct {
	pdf *fpdf.Fpdf
	rtl bool
}

// Render draws the letter and gives the PDF bytes and its number of pages.
func Render(l Letter) ([]byte, int, error) {
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	p.SetCompression(true)
	p.SetCatalogSort(true)
	p.AliasNbPages("{nb}")
	p.AddUTF8FontFromBytes(sans, "", sansRegular)
	p.AddUTF8FontFromBytes(sans, "B", sansBold)
	p.AddUTF8FontFromBytes(naskh, "", naskhRegular)
	p.SetTitle(l.Title, true)
	p.SetAuthor(l.Author, true)
	p.SetCreator(l.Author, true)
	p.SetLang("fr-FR")
	if !l.Generated.IsZero() {
		p.SetCreationDate(l.Generated.UTC())
		p.SetModificationDate(l.Generated.UTC())
	}
	p.SetMargins(marginX, top, marginX)
	p.SetCellMargin(0)
	p.SetAutoPageBreak(false, 0)
	pageText := l.PageText
	if pageText == "" {
		pageText = "%d / %s"
	}
	p.SetFooterFunc(func() {
		p.SetFont(sans, "", 8)
		p.SetTextColor(90, 90, 90)
		p.SetXY(marginX, 287)
		p.CellFormat(contentW, 4, fmt.Sprintf(pageText, p.PageNo(), "{nb}"), "", 0, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	w := &writer{pdf: p}
	for i, line := range l.Letterhead {
		style, size := "", 9.5
		if i == 0 {
			style, size = "B", 11
		}
		w.paragraph(line, style, size, 4.8, 0)
	}
	for i, s := range l.Sections {
		w.rtl = s.RTL
		p.SetY(p.GetY() + 4)
		if i > 0 {
			w.ensure(20)
			p.SetDrawColor(120, 120, 120)
			p.Line(marginX, p.GetY(), pageW-marginX, p.GetY())
			p.SetY(p.GetY() + 4)
		}
		for _, b := range s.Blocks {
			w.block(b)
		}
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, 0, fmt.Errorf("letterpdf: %w", err)
	}
	return buf.Bytes(), p.PageCount(), nil
}

// sizes gives the font size and line height of the section's text: Arabic letters are small
// for their body size, so the right-to-left sections are set a little larger.
func (w *writer) sizes(k Kind) (size, lineH float64) {
	switch {
	case k == Heading && w.rtl:
		return 14, 7.5
	case k == Heading:
		return 12.5, 6.2
	case w.rtl:
		return 12, 6.4
	default:
		return 10, 5
	}
}

func (w *writer) block(b Block) {
	if b.LTR && w.rtl {
		w.rtl = false
		defer func() { w.rtl = true }()
	}
	size, lineH := w.sizes(b.Kind)
	switch b.Kind {
	case Heading:
		w.pdf.SetY(w.pdf.GetY() + 1.5)
		w.ensure(lineH * 3)
		w.paragraph(b.Text, "B", size, lineH, 0)
	case Bullet:
		w.paragraph("• "+b.Text, "", size, lineH, 4)
	case Notice:
		y := w.pdf.GetY()
		w.pdf.SetY(y + 1.5)
		w.paragraph(b.Text, "B", size, lineH, 3)
		w.pdf.SetDrawColor(150, 30, 30)
		w.pdf.Rect(marginX, y, contentW, w.pdf.GetY()-y+1.5, "D")
		w.pdf.SetY(w.pdf.GetY() + 1.5)
	default:
		w.paragraph(b.Text, "", size, lineH, 0)
	}
	w.pdf.SetY(w.pdf.GetY() + lineH*0.45)
}

// ensure starts a new page when less than h is left on this one.
func (w *writer) ensure(h float64) {
	if w.pdf.GetY()+h > bottom {
		w.pdf.AddPage()
		w.pdf.SetY(top)
	}
}

// run is a piece of a line drawn in one font.
type run struct {
	arabic bool
	text   string
}

// runs splits text by font: Arabic letters in Noto Naskh Arabic, the rest in Noto Sans. The
// spaces between two Arabic words stay with them.
func runs(text string) []run {
	var out []run
	for _, r := range text {
		a := IsArabic(r)
		if r == ' ' && len(out) > 0 {
			a = out[len(out)-1].arabic
		}
		if len(out) == 0 || out[len(out)-1].arabic != a {
			out = append(out, run{arabic: a})
		}
		out[len(out)-1].text += string(r)
	}
	return out
}

func (w *writer) font(arabic bool, style string, size float64) {
	if arabic {
		w.pdf.SetFont(naskh, "", size)
		return
	}
	w.pdf.SetFont(sans, style, size)
}

func (w *writer) width(text, style string, size float64) float64 {
	var total float64
	for _, r := range runs(text) {
		w.font(r.arabic, style, size)
		total += w.pdf.GetStringWidth(r.text)
	}
	return total
}

// paragraph breaks text into lines of the content width (less indent) on its logical order,
// then draws each line: left-aligned, or for a right-to-left section shaped, reordered and
// right-aligned.
func (w *writer) paragraph(text, style string, size, lineH, indent float64) {
	if w.rtl {
		text = Shape(text)
	}
	maxW := contentW - indent
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		// Lines break at plain spaces only: a no-break space holds a phone number or « 15 h 30 »
		// together (and keeps a number's groups in order in right-to-left text).
		for _, word := range strings.FieldsFunc(para, func(r rune) bool { return r == ' ' || r == '\t' }) {
			candidate := word
			if line != "" {
				candidate = line + " " + word
			}
			if line != "" && w.width(candidate, style, size) > maxW {
				lines = append(lines, line)
				candidate = word
			}
			line = candidate
		}
		lines = append(lines, line)
	}
	for _, line := range lines {
		w.ensure(lineH)
		y := w.pdf.GetY()
		x := marginX + indent
		if w.rtl {
			line = Visual(line)
			x = pageW - marginX - indent - w.width(line, style, size)
		}
		for _, r := range runs(line) {
			w.font(r.arabic, style, size)
			wd := w.pdf.GetStringWidth(r.text)
			w.pdf.SetXY(x, y)
			w.pdf.CellFormat(wd, lineH, r.text, "", 0, "L", false, 0, "")
			x += wd
		}
		w.pdf.SetXY(marginX, y+lineH)
	}
}
