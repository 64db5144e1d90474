package pdf

import (
	"sort"
	"strings"
)

// Align is the horizontal alignment of a table column.
type Align int

// Alignments of a column. Figures read best right-aligned.
const (
	AlignLeft Align = iota
	AlignRight
	AlignCenter
)

// Column describes one column of a table.
type Column struct {
	// Header is the column's title, repeated at the top of every page the table covers.
	Header string
	// Width is relative to the other columns' (e.g. 3, 1, 1): how the page's width left once
	// every column holds its content on one line is shared out. The table always spans the
	// page, and columns are sized to their content first (see Doc.tableWidths). When no column
	// has a positive width, the spare width goes to each column in proportion to its content.
	Width float64
	// Align aligns the header and the cells.
	Align Align
}

// Table is a table of text cells. Cells wrap within their column; a row never splits across
// pages, and the header row is repeated on each page. A row taller than a page (pages of text
// in one cell) is cut, its last line ending with "…".
type Table struct {
	// Caption is printed above the table, and kept on the same page as its first row.
	Caption string
	// Columns gives the headers, widths and alignments. A table without columns prints
	// nothing.
	Columns []Column
	// Rows are the body, one string per column; missing cells are empty, extra ones ignored.
	Rows [][]string
	// TotalRows are printed bold on a darker band after the rows.
	TotalRows [][]string
	// EmptyText is printed across the table when it has neither rows nor total rows (e.g.
	// "Aucun élève suivi"); when empty, only the header row is printed.
	EmptyText string
}

// Table metrics, in millimetres and points.
const (
	tableFont  = 8.5
	tableLineH = 3.8
	tablePadX  = 1.6
	tablePadY  = 1.2
)

// tableRow is a row laid out: the wrapped lines of each cell and the row's height.
type tableRow struct {
	cells [][]string
	h     float64
}

// Table prints t at the current position.
func (d *Doc) Table(t Table) {
	if len(t.Columns) == 0 {
		return
	}
	widths := d.tableWidths(t)
	headers := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		headers[i] = c.Header
	}
	// The tallest row allowed: a page below the header. Taller rows are clipped.
	head := d.layoutRow(headers, widths, "B", (contentBottom-contentTop)/2)
	maxH := contentBottom - contentTop - head.h

	d.space(2)
	var caption []string
	if t.Caption != "" {
		d.setFont("B", 9.5, colorInk)
		caption = d.wrap(clean(t.Caption), contentW)
	}
	captionH := float64(len(caption)) * 4.6
	firstH := tableLineH + 2*tablePadY
	var rows []tableRow
	for _, r := range t.Rows {
		rows = append(rows, d.layoutRow(r, widths, "", maxH))
	}
	if len(rows) > 0 {
		firstH = rows[0].h
	}
	d.ensure(captionH + head.h + firstH)
	if len(caption) > 0 {
		d.setFont("B", 9.5, colorInk)
		for _, l := range caption {
			d.textLine(marginX, d.pdf.GetY(), contentW, 4.6, l, "L")
			d.pdf.SetY(d.pdf.GetY() + 4.6)
		}
		d.pdf.SetY(d.pdf.GetY() + 0.8)
	}
	d.drawHeaderRow(head, t.Columns, widths)

	for i, r := range rows {
		if r.h > d.room() {
			d.pdf.AddPage()
			d.drawHeaderRow(head, t.Columns, widths)
		}
		fill := colorWhite
		if i%2 == 1 {
			fill = colorZebra
		}
		d.drawRow(r, t.Columns, widths, "", fill)
	}

	if len(t.Rows) == 0 && len(t.TotalRows) == 0 && t.EmptyText != "" {
		d.setFont("I", tableFont, colorMuted)
		lines := d.wrap(clean(t.EmptyText), contentW-2*tablePadX)
		h := float64(len(lines))*tableLineH + 2*tablePadY
		y := d.pdf.GetY()
		for j, l := range lines {
			d.textLine(marginX+tablePadX, y+tablePadY+float64(j)*tableLineH, contentW-2*tablePadX, tableLineH, l, "C")
		}
		d.pdf.SetY(y + h)
	}

	for i, tr := range t.TotalRows {
		r := d.layoutRow(tr, widths, "B", maxH)
		if r.h > d.room() {
			d.pdf.AddPage()
			d.drawHeaderRow(head, t.Columns, widths)
		} else if i == 0 {
			d.setDraw(colorPrimary, 0.35)
			d.pdf.Line(marginX, d.pdf.GetY(), marginX+contentW, d.pdf.GetY())
		}
		d.drawRow(r, t.Columns, widths, "B", colorTotal)
	}

	y := d.pdf.GetY()
	d.setDraw(colorRule, 0.3)
	d.pdf.Line(marginX, y, marginX+contentW, y)
	d.pdf.SetY(y + 5)
}

// tableWidths sizes the columns of t to their content, spanning the page, as a browser lays
// out an automatic table: when every column can hold its widest cell on one line, each does,
// and the spare width is shared by the columns' relative widths; otherwise every column gets
// at least its longest word (so that words wrap at spaces, never inside), and the width left
// fills the columns up to their widest cell, those that lack least first, each up to its
// share of what is left in proportion to its widest cell — a column of dates or names holds
// them on one line, a column of labels may wrap on two, the column of long notes gets the
// rest of the width. Only when even the longest words cannot all fit are
// the relative widths used as they are (and a word too long for its column is hyphenated).
func (d *Doc) tableWidths(t Table) []float64 {
	// slack absorbs the rounding of summed word widths, so that a measured line still fits.
	const slack = 0.05
	n := len(t.Columns)
	minW, natW := make([]float64, n), make([]float64, n)
	measure := func(i int, text, style string) {
		d.setFont(style, tableFont, colorInk)
		for line := range strings.SplitSeq(clean(text), "\n") {
			natW[i] = max(natW[i], d.pdf.GetStringWidth(line)+2*tablePadX+slack)
			for _, word := range splitSpaces(line) {
				minW[i] = max(minW[i], d.pdf.GetStringWidth(word)+2*tablePadX+slack)
			}
		}
	}
	for i, c := range t.Columns {
		measure(i, c.Header, "B")
		for _, r := range t.Rows {
			if i < len(r) {
				measure(i, r[i], "")
			}
		}
		for _, r := range t.TotalRows {
			if i < len(r) {
				measure(i, r[i], "B")
			}
		}
	}
	var sumMin, sumNat float64
	for i := range n {
		minW[i] = min(minW[i], contentW)
		natW[i] = min(max(natW[i], minW[i]), contentW)
		sumMin += minW[i]
		sumNat += natW[i]
	}
	switch {
	case sumNat <= 0: // nothing to measure
		return columnWidths(t.Columns, contentW)
	case sumNat <= contentW:
		spare := columnWidths(t.Columns, contentW-sumNat)
		weighted := false
		for _, c := range t.Columns {
			weighted = weighted || c.Width > 0
		}
		for i := range n {
			if !weighted {
				spare[i] = (contentW - sumNat) * natW[i] / sumNat
			}
			natW[i] += spare[i]
		}
		return natW
	case sumMin <= contentW:
		// Water-filling: the columns that lack least are filled first, each up to its share
		// of what is left in proportion to its widest cell; the others share the rest the
		// same way.
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool {
			return natW[order[a]]-minW[order[a]] < natW[order[b]]-minW[order[b]]
		})
		left, rest := contentW-sumMin, sumNat
		for _, i := range order {
			give := min(natW[i]-minW[i], left*natW[i]/rest)
			minW[i] += give
			left -= give
			rest -= natW[i]
		}
		return minW
	}
	return columnWidths(t.Columns, contentW)
}

// columnWidths turns relative widths into millimetres spanning total.
func columnWidths(cols []Column, total float64) []float64 {
	sum := 0.0
	for _, c := range cols {
		if c.Width > 0 {
			sum += c.Width
		}
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		switch {
		case sum <= 0:
			widths[i] = total / float64(len(cols))
		case c.Width > 0:
			widths[i] = total * c.Width / sum
		}
	}
	return widths
}

// layoutRow wraps each cell in its column and measures the row, clipping cells taller than
// maxH.
func (d *Doc) layoutRow(cells []string, widths []float64, style string, maxH float64) tableRow {
	d.setFont(style, tableFont, colorInk)
	maxLines := int((maxH - 2*tablePadY) / tableLineH)
	r := tableRow{cells: make([][]string, len(widths))}
	lines := 1
	for i, w := range widths {
		if i >= len(cells) || w <= 2*tablePadX {
			continue
		}
		inner := w - 2*tablePadX
		r.cells[i] = d.clip(d.wrap(clean(cells[i]), inner), maxLines, inner)
		lines = max(lines, len(r.cells[i]))
	}
	r.h = float64(lines)*tableLineH + 2*tablePadY
	return r
}

// drawHeaderRow prints the header row: white bold text on the primary colour.
func (d *Doc) drawHeaderRow(head tableRow, cols []Column, widths []float64) {
	y := d.pdf.GetY()
	d.setFill(colorPrimary)
	d.pdf.Rect(marginX, y, contentW, head.h, "F")
	d.drawCells(head, cols, widths, "B", colorWhite)
	d.pdf.SetY(y + head.h) // drawing the cells moved the position to their last line
}

// drawRow prints a body or total row on a fill colour (white: no fill).
func (d *Doc) drawRow(r tableRow, cols []Column, widths []float64, style string, fill rgb) {
	y := d.pdf.GetY()
	if fill != colorWhite {
		d.setFill(fill)
		d.pdf.Rect(marginX, y, contentW, r.h, "F")
	}
	d.drawCells(r, cols, widths, style, colorInk)
	d.pdf.SetY(y + r.h) // drawing the cells moved the position to their last line
}

// drawCells prints the lines of each cell, top-aligned, from the current position.
func (d *Doc) drawCells(r tableRow, cols []Column, widths []float64, style string, c rgb) {
	d.setFont(style, tableFont, c)
	y := d.pdf.GetY() + tablePadY
	x := marginX
	for i, w := range widths {
		align := "L"
		switch cols[i].Align {
		case AlignRight:
			align = "R"
		case AlignCenter:
			align = "C"
		}
		for j, l := range r.cells[i] {
			d.textLine(x+tablePadX, y+float64(j)*tableLineH, w-2*tablePadX, tableLineH, l, align)
		}
		x += w
	}
}
