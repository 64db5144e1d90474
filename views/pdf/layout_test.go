package pdf

import (
	"fmt"
	"strings"
	"testing"
)

// pages reads a document back with pdftotext, one string a page.
func pages(t *testing.T, d *Doc) []string {
	t.Helper()
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	needTool(t, "pdftotext")
	text := run(t, "pdftotext", "-layout", writeTemp(t, b), "-")
	return strings.Split(strings.TrimRight(text, "\f"), "\f")
}

// pageOf is the number of the page that holds s (1-based), 0 when none does.
func pageOf(pages []string, s string) int {
	for i, p := range pages {
		if strings.Contains(p, s) {
			return i + 1
		}
	}
	return 0
}

// TestHeadingKeptWithItsBlock: whatever is left at the foot of a page, a heading is printed on
// the page of the chart, table or paragraph that follows it, never alone at the foot.
func TestHeadingKeptWithItsBlock(t *testing.T) {
	t.Parallel()
	blocks := map[string]func(d *Doc, tag string){
		"bar chart": func(d *Doc, tag string) {
			d.BarChart(BarChart{Title: "Graphique " + tag, Categories: []string{"A", "B", "C"},
				Series: []Series{{Name: "n", Values: []float64{1, 2, 3}}}})
		},
		"table": func(d *Doc, tag string) {
			d.Table(Table{Caption: "Tableau " + tag, Columns: []Column{{Header: "Clé"}, {Header: "Nombre"}},
				Rows: [][]string{{"a", "1"}, {"b", "2"}}})
		},
		"key figures": func(d *Doc, tag string) { d.KeyFigures([]KeyFigure{{Label: "Chiffre " + tag, Value: "12"}}) },
		"paragraph":   func(d *Doc, tag string) { d.Paragraph("Paragraphe " + tag) },
	}
	for name, block := range blocks {
		// From a nearly full page to an empty one, a line at a time: every position of the
		// heading at the foot of a page, one case a page.
		d := New(sampleMeta())
		const from, to = 24, 46
		for filler := from; filler < to; filler++ {
			if filler > from {
				d.PageBreak()
			}
			for range filler {
				d.Note("Ligne de remplissage.")
			}
			d.Heading(fmt.Sprintf("Titre n° %d", filler))
			block(d, fmt.Sprintf("n° %d.", filler))
		}
		p := pages(t, d)
		for filler := from; filler < to; filler++ {
			h, b := pageOf(p, fmt.Sprintf("Titre n° %d\n", filler)), pageOf(p, fmt.Sprintf(" n° %d.", filler))
			if h != b || h == 0 {
				t.Errorf("%s after %d lines: the heading is on page %d, the %s on page %d", name, filler, h, name, b)
			}
		}
	}
}

// TestWordsWrapAtSpaces: a word too long for its line is cut with a hyphen, never silently; a
// table's columns hold their words whole when the page allows it.
func TestWordsWrapAtSpaces(t *testing.T) {
	t.Parallel()
	d := New(sampleMeta())
	d.setFont("", tableFont, colorInk)
	lines := d.wrap("Déménagement Orientations", d.pdf.GetStringWidth("Déménage"))
	if len(lines) < 3 {
		t.Fatalf("wrap: %q", lines)
	}
	// Read back: a line ending with a hyphen continues the word, any other ends it.
	var back strings.Builder
	for i, l := range lines {
		if w := d.pdf.GetStringWidth(l); w > d.pdf.GetStringWidth("Déménage")+0.01 {
			t.Errorf("line %q is %.1f mm wide", l, w)
		}
		switch {
		case strings.HasSuffix(l, "-"):
			back.WriteString(strings.TrimSuffix(l, "-"))
		case i < len(lines)-1:
			back.WriteString(l + " ")
		default:
			back.WriteString(l)
		}
	}
	if back.String() != "Déménagement Orientations" {
		t.Errorf("a word is cut without a hyphen, or characters are lost: %q", lines)
	}
	if lines := d.wrap("porte-à-porte", d.pdf.GetStringWidth("porte-à-p")); lines[0] != "porte-à-" {
		t.Errorf("a hyphenated word is cut at its own hyphen first: %q", lines)
	}

	// A month table: the first column holds "Orientations reçues", every month its name.
	months := []string{"sept.", "oct.", "nov.", "déc.", "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août"}
	cols := []Column{{Header: "Indicateur", Width: 1.6}}
	row := []string{"Orientations reçues"}
	for _, m := range months {
		cols = append(cols, Column{Header: m, Width: 1, Align: AlignRight})
		row = append(row, "< 5")
	}
	cols = append(cols, Column{Header: "Total", Width: 1, Align: AlignRight})
	row = append(row, "11")
	d.Table(Table{Columns: cols, Rows: [][]string{row}})
	text := strings.Join(pages(t, d), "")
	for _, want := range append([]string{"Orientations reçues"}, months...) {
		if !strings.Contains(text, want) {
			t.Errorf("the month table lacks %q whole:\n%s", want, text)
		}
	}
}

// TestColumnsSizedToContent: in a dossier's follow-ups, the date and author hold on one line,
// the kind on two at most, and the note gets half the width or more.
func TestColumnsSizedToContent(t *testing.T) {
	t.Parallel()
	d := New(sampleMeta())
	note := "Échange sur le projet d'orientation : l'élève s'intéresse aux métiers de la cuisine. Rendez-vous à prendre avec la PsyEN, puis bilan avec la famille."
	tb := Table{Columns: []Column{{Header: "Date", Width: 2.2}, {Header: "Type de suivi", Width: 1}, {Header: "Par", Width: 1}, {Header: "Note", Width: 1}},
		Rows: [][]string{{"14/09/2026", "Contact téléphonique avec la famille", "Nadia Berrada", note}}}
	w := d.tableWidths(tb)
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if sum < contentW-0.01 || sum > contentW+0.01 {
		t.Errorf("the columns span %.1f mm, want %.1f", sum, contentW)
	}
	r := d.layoutRow(tb.Rows[0], w, "", 200)
	for i, what := range []string{"date", "kind", "author"} {
		if len(r.cells[i]) > 1 && (i != 1 || len(r.cells[i]) > 2) {
			t.Errorf("the %s wraps: %q (widths %.1f)", what, r.cells[i], w)
		}
	}
	if w[3] < contentW/2 {
		t.Errorf("the note gets %.1f mm of %.1f: widths %.1f", w[3], contentW, w)
	}
}

// TestNoBandUnderRows: a header or a row whose last cell wraps takes its own height, with no
// blank band below it (drawing the cells must not move the next row down).
func TestNoBandUnderRows(t *testing.T) {
	t.Parallel()
	d := New(sampleMeta())
	note := strings.Repeat("Une note longue qui se replie sur plusieurs lignes. ", 6)
	tb := Table{Columns: []Column{{Header: "Date"}, {Header: strings.Repeat("Orientations envoyées vers les partenaires du territoire ", 4)}},
		Rows: [][]string{{"14/09/2026", note}, {"15/09/2026", note}, {"16/09/2026", "court"}}}
	widths := d.tableWidths(tb)
	head := d.layoutRow([]string{tb.Columns[0].Header, tb.Columns[1].Header}, widths, "B", 200)
	want := 2 + head.h + 5 // the space above, the header, the rule and space below
	for _, r := range tb.Rows {
		want += d.layoutRow(r, widths, "", 200).h
	}
	if head.h <= tableLineH+2*tablePadY {
		t.Fatalf("the header does not wrap (%.1f mm): the test needs it to", head.h)
	}
	y := d.pdf.GetY()
	d.Table(tb)
	if got := d.pdf.GetY() - y; got < want-0.01 || got > want+0.01 {
		t.Errorf("the table takes %.1f mm, its header and rows %.1f", got, want)
	}
}
