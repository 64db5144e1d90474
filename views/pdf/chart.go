package pdf

import (
	"math"

	"codeberg.org/go-pdf/fpdf"
)

// Series is one set of values of a chart, in the order of its categories or x labels. A NaN
// (math.NaN()) is a missing value: no bar, a gap in a line. Values beyond the number of
// categories are ignored.
type Series struct {
	// Name identifies the series in the legend, which appears when a chart has two series
	// or more.
	Name string
	// Values are the data, one per category.
	Values []float64
	// Tone, when set ("good", "warn", "bad"), colours the series by its meaning instead of
	// its rank (risk levels: low green, medium orange, high vermilion).
	Tone string
}

// BarChart is a bar chart with one bar per series in each category.
type BarChart struct {
	// Title is printed above the chart; optional.
	Title string
	// Categories label the groups of bars: under the bars — wrapped on up to three lines, or
	// turned upright when a word does not fit — or on the left when Horizontal.
	Categories []string
	// Series are the data; bars of the same category stand side by side.
	Series []Series
	// Horizontal lays the bars out horizontally, with the categories on the left: better for
	// many categories or long labels.
	Horizontal bool
	// ShowValues prints each bar's value at its end (when it fits).
	ShowValues bool
	// Format formats the axis ticks and the values; default Meta.FormatNumber.
	Format func(float64) string
	// EmptyText is printed in an empty frame when there is nothing to plot (no category, no
	// series or no value at all). When it is empty, such a chart prints as empty axes from 0
	// to 1. A chart whose values are all zero is not empty: it prints its zero bars.
	EmptyText string
	// Height is the height of the plotting area of a vertical chart in millimetres; default
	// 55. A horizontal chart takes the height its categories need.
	Height float64
}

// LineChart is a line chart: one polyline with markers per series over the same x labels.
type LineChart struct {
	// Title is printed above the chart; optional.
	Title string
	// Labels are the points of the x axis, evenly spaced (e.g. the months "sept.", "oct."…).
	// When they are too long for their space, they wrap onto two lines or only some are
	// printed.
	Labels []string
	// Series are the data, one value per label.
	Series []Series
	// ShowValues prints the value of each point: above it on the highest line at that point,
	// below it on the others. Best with one or two series.
	ShowValues bool
	// Format formats the axis ticks and the values; default Meta.FormatNumber.
	Format func(float64) string
	// EmptyText is printed in an empty frame when there is nothing to plot; see BarChart.
	EmptyText string
	// Height is the height of the plotting area in millimetres; default 55.
	Height float64
}

// Chart metrics, in millimetres and points.
const (
	chartFont    = 7.5 // ticks and category labels
	chartLineH   = 3.2
	valueFont    = 7
	titleFont    = 10
	titleLineH   = 5
	legendFont   = 8
	legendLineH  = 4.6
	defaultPlotH = 55.0
	emptyH       = 24.0
)

// BarChart draws c at the current position; the whole chart stays on one page.
func (d *Doc) BarChart(c BarChart) {
	format := d.formatter(c.Format)
	n := len(c.Categories)
	lo, hi, integer, has := dataRange(c.Series, n)
	if !has && c.EmptyText != "" {
		d.emptyChart(c.Title, c.EmptyText)
		return
	}
	ax := niceAxis(lo, hi, integer)
	if c.Horizontal {
		d.horizontalBars(c, ax, format)
		return
	}

	plotH := c.Height
	if plotH <= 0 {
		plotH = defaultPlotH
	}
	plotL, plotW := d.valueAxisSpace(ax, format)
	slot := plotW / float64(max(n, 1))
	cats := d.categoryLabels(c.Categories, slot)
	headroom, footroom := 2.0, 0.0
	if c.ShowValues {
		headroom = 4.5
		if lo < 0 {
			footroom = 4 // room for the values under the negative bars
		}
	}
	title := d.titleLines(c.Title)
	legend := d.legendRows(c.Series, false)
	total := float64(len(title))*titleLineH + float64(len(legend))*legendLineH + headroom + plotH + footroom + cats.height + 1.5

	d.space(3)
	d.ensure(total)
	y := d.drawTitle(title, d.pdf.GetY())
	y = d.drawLegend(legend, c.Series, false, y)
	top := y + headroom
	bottom := top + plotH
	vy := func(v float64) float64 { return bottom - ax.pos(v, plotH) }
	d.valueGridY(ax, format, plotL, plotW, vy)

	ns := len(c.Series)
	if ns > 0 && n > 0 {
		group := slot * 0.72
		if ns == 1 {
			group = slot * 0.58
		}
		group = min(group, 16*float64(ns))
		bar := group / float64(ns)
		inset := 0.0
		if ns > 1 {
			inset = min(0.2, bar/8)
		}
		for ci := range n {
			gx := plotL + float64(ci)*slot + (slot-group)/2
			for si, s := range c.Series {
				v, ok := value(s, ci)
				if !ok {
					continue
				}
				x := gx + float64(si)*bar
				y0, y1 := vy(0), vy(v)
				d.setFill(s.color(si))
				d.pdf.Rect(x+inset, min(y0, y1), bar-2*inset, math.Abs(y1-y0), "F")
				if c.ShowValues {
					room := bar + 0.6
					if ns == 1 {
						room = slot - 0.6
					}
					ly := y1 - 3.4
					if v < 0 {
						ly = y1 + 0.4
					}
					d.valueLabel(format(v), x+bar/2, ly, room)
				}
			}
		}
	}
	// Baseline over the bars' feet.
	d.setDraw(colorMuted, 0.3)
	d.pdf.Line(plotL, vy(0), plotL+plotW, vy(0))

	d.setFont("", chartFont, colorInk)
	ly := bottom + footroom + 1.5
	for ci, lines := range cats.lines {
		cx := plotL + (float64(ci)+0.5)*slot
		if cats.rotated {
			// Read upwards, ending just below the axis, centred on the bars. A right angle
			// rather than 45°: text extraction (pdftotext, search) keeps vertical text whole
			// but breaks up diagonal text.
			w := d.pdf.GetStringWidth(lines[0])
			bx, by := cx+0.95, ly+0.5
			d.pdf.TransformBegin()
			d.pdf.TransformRotate(90, bx, by)
			d.pdf.Text(bx-w, by, lines[0])
			d.pdf.TransformEnd()
			continue
		}
		for j, l := range lines {
			d.textLine(cx-slot/2, ly+float64(j)*chartLineH, slot, chartLineH, l, "C")
		}
	}
	d.pdf.SetY(ly + cats.height + 4)
}

// horizontalBars draws a bar chart with the categories on the left and the value axis at the
// bottom.
func (d *Doc) horizontalBars(c BarChart, ax axis, format func(float64) string) {
	n := len(c.Categories)
	ns := max(len(c.Series), 1)

	d.setFont("", chartFont, colorInk)
	labelW := 0.0
	for _, cat := range c.Categories {
		labelW = max(labelW, d.pdf.GetStringWidth(clean(cat)))
	}
	labelW = min(labelW+0.5, contentW*0.32)
	labels := make([][]string, n)
	for i, cat := range c.Categories {
		labels[i] = d.clip(d.wrap(clean(cat), labelW), 2, labelW)
	}
	valueW := 0.0
	if c.ShowValues {
		d.setFont("", valueFont, colorInk)
		for _, s := range c.Series {
			for ci := range n {
				if v, ok := value(s, ci); ok {
					valueW = max(valueW, d.pdf.GetStringWidth(clean(format(v))))
				}
			}
		}
		valueW += 1.5
	}
	// The last tick label is centred on the right end of the axis: keep half of it inside.
	d.setFont("", chartFont, colorMuted)
	lastTick := d.pdf.GetStringWidth(clean(format(ax.max)))
	plotL := marginX + labelW + 3
	plotW := marginX + contentW - max(valueW, lastTick/2) - plotL

	barH := 4.5
	if ns > 1 {
		barH = 3.2
	}
	rowH := make([]float64, n)
	plotH := 0.0
	for i := range n {
		rowH[i] = max(float64(ns)*barH+2.4, float64(len(labels[i]))*chartLineH+1.6)
		plotH += rowH[i]
	}
	if n == 0 {
		plotH = 20
	}
	title := d.titleLines(c.Title)
	legend := d.legendRows(c.Series, false)
	over := float64(len(title))*titleLineH + float64(len(legend))*legendLineH + 2 + chartLineH + 3
	if avail := contentBottom - contentTop - over; plotH > avail {
		// Too many categories for one page: squeeze the rows rather than split the chart.
		k := avail / plotH
		for i := range rowH {
			rowH[i] *= k
		}
		barH *= k
		plotH = avail
	}

	d.space(3)
	d.ensure(over + plotH)
	y := d.drawTitle(title, d.pdf.GetY())
	y = d.drawLegend(legend, c.Series, false, y)
	top := y + 2
	bottom := top + plotH
	vx := func(v float64) float64 { return plotL + ax.pos(v, plotW) }

	d.setFont("", chartFont, colorMuted)
	for _, t := range ax.ticks() {
		x := vx(t)
		d.setDraw(colorGrid, 0.2)
		d.pdf.Line(x, top, x, bottom)
		d.textLine(x-15, bottom+1, 30, chartLineH, clean(format(t)), "C")
	}

	ry := top
	for ci := range n {
		gy := ry + (rowH[ci]-float64(ns)*barH)/2
		for si, s := range c.Series {
			v, ok := value(s, ci)
			if !ok {
				continue
			}
			x0, x1 := vx(0), vx(v)
			by := gy + float64(si)*barH
			d.setFill(s.color(si))
			d.pdf.Rect(min(x0, x1), by+0.15, math.Abs(x1-x0), barH-0.3, "F")
			if c.ShowValues {
				d.setFont("", valueFont, colorInk)
				label := clean(format(v))
				if v < 0 {
					d.textLine(x1-1-valueW, by, valueW, barH, label, "R")
				} else {
					d.textLine(x1+1, by, valueW, barH, label, "L")
				}
			}
		}
		d.setFont("", chartFont, colorInk)
		ly := ry + (rowH[ci]-float64(len(labels[ci]))*chartLineH)/2
		for j, l := range labels[ci] {
			d.textLine(marginX, ly+float64(j)*chartLineH, labelW, chartLineH, l, "R")
		}
		ry += rowH[ci]
	}
	d.setDraw(colorMuted, 0.3)
	d.pdf.Line(vx(0), top, vx(0), bottom)
	d.pdf.SetY(bottom + 1 + chartLineH + 4)
}

// LineChart draws c at the current position; the whole chart stays on one page.
func (d *Doc) LineChart(c LineChart) {
	format := d.formatter(c.Format)
	n := len(c.Labels)
	lo, hi, integer, has := dataRange(c.Series, n)
	if !has && c.EmptyText != "" {
		d.emptyChart(c.Title, c.EmptyText)
		return
	}
	ax := niceAxis(lo, hi, integer)
	plotH := c.Height
	if plotH <= 0 {
		plotH = defaultPlotH
	}
	plotL, plotW := d.valueAxisSpace(ax, format)
	slot := plotW / float64(max(n, 1))
	labels, every, labelsH := d.pointLabels(c.Labels, slot)
	headroom := 2.5
	if c.ShowValues {
		headroom = 5
	}
	title := d.titleLines(c.Title)
	legend := d.legendRows(c.Series, true)
	total := float64(len(title))*titleLineH + float64(len(legend))*legendLineH + headroom + plotH + labelsH + 1.5

	d.space(3)
	d.ensure(total)
	y := d.drawTitle(title, d.pdf.GetY())
	y = d.drawLegend(legend, c.Series, true, y)
	top := y + headroom
	bottom := top + plotH
	vy := func(v float64) float64 { return bottom - ax.pos(v, plotH) }
	px := func(i int) float64 { return plotL + (float64(i)+0.5)*slot }
	d.valueGridY(ax, format, plotL, plotW, vy)
	d.setDraw(colorMuted, 0.3)
	d.pdf.Line(plotL, vy(0), plotL+plotW, vy(0))

	d.pdf.SetLineJoinStyle("round")
	d.pdf.SetLineCapStyle("round")
	for si, s := range c.Series {
		d.setDraw(seriesColor(si), 0.6)
		open := false
		for i := range n {
			v, ok := value(s, i)
			switch {
			case !ok:
				if open {
					d.pdf.DrawPath("D")
				}
				open = false
			case !open:
				d.pdf.MoveTo(px(i), vy(v))
				open = true
			default:
				d.pdf.LineTo(px(i), vy(v))
			}
		}
		if open {
			d.pdf.DrawPath("D")
		}
	}
	d.pdf.SetLineJoinStyle("miter")
	d.pdf.SetLineCapStyle("butt")
	for si, s := range c.Series {
		for i := range n {
			if v, ok := value(s, i); ok {
				d.marker(si, px(i), vy(v), 1.15)
			}
		}
	}
	if c.ShowValues {
		for si, s := range c.Series {
			for i := range n {
				v, ok := value(s, i)
				if !ok {
					continue
				}
				above, shown := pointLabelPlace(c.Series, si, i)
				if shown {
					continue
				}
				y := vy(v) - 5
				if !above && vy(v)+5 < bottom {
					y = vy(v) + 1.8
				}
				d.valueLabel(format(v), px(i), y, slot)
			}
		}
	}

	d.setFont("", chartFont, colorInk)
	for i, lines := range labels {
		if i%every != 0 {
			continue
		}
		for j, l := range lines {
			d.textLine(px(i)-slot*float64(every)/2, bottom+1.5+float64(j)*chartLineH, slot*float64(every), chartLineH, l, "C")
		}
	}
	d.pdf.SetY(bottom + labelsH + 1.5 + 4)
}

// formatter returns the chart's number format, the document's by default, cleaned for the
// font.
func (d *Doc) formatter(f func(float64) string) func(float64) string {
	if f == nil {
		f = d.meta.FormatNumber
	}
	return func(v float64) string { return clean(f(v)) }
}

// emptyChart draws the title and a frame holding the message of a chart without data.
func (d *Doc) emptyChart(title, text string) {
	lines := d.titleLines(title)
	d.space(3)
	d.ensure(float64(len(lines))*titleLineH + emptyH)
	y := d.drawTitle(lines, d.pdf.GetY())
	d.setFill(colorPanel)
	d.setDraw(colorRule, 0.3)
	d.pdf.Rect(marginX, y, contentW, emptyH-4, "FD")
	d.setFont("I", 9, colorMuted)
	msg := d.clip(d.wrap(clean(text), contentW-10), 3, contentW-10)
	my := y + (emptyH-4-float64(len(msg))*4.2)/2
	for j, l := range msg {
		d.textLine(marginX+5, my+float64(j)*4.2, contentW-10, 4.2, l, "C")
	}
	d.pdf.SetY(y + emptyH)
}

// titleLines wraps a chart title.
func (d *Doc) titleLines(title string) []string {
	if title == "" {
		return nil
	}
	d.setFont("B", titleFont, colorInk)
	return d.wrap(clean(title), contentW)
}

// drawTitle prints the title lines from y and returns the y below them.
func (d *Doc) drawTitle(lines []string, y float64) float64 {
	d.setFont("B", titleFont, colorInk)
	for _, l := range lines {
		d.textLine(marginX, y, contentW, titleLineH, l, "L")
		y += titleLineH
	}
	return y
}

// legendEntry is a series' place in the legend.
type legendEntry struct {
	series int
	name   string
	x      float64
}

// legendRows lays out the legend of a chart with two series or more, item after item, as
// many rows as needed.
func (d *Doc) legendRows(series []Series, line bool) [][]legendEntry {
	if len(series) < 2 {
		return nil
	}
	key := 3.0
	if line {
		key = 7
	}
	d.setFont("", legendFont, colorInk)
	var rows [][]legendEntry
	var row []legendEntry
	x := 0.0
	for i, s := range series {
		name := clean(s.Name)
		w := key + 1.5 + min(d.pdf.GetStringWidth(name), contentW-key-1.5)
		if len(row) > 0 && x+w > contentW {
			rows = append(rows, row)
			row, x = nil, 0
		}
		row = append(row, legendEntry{series: i, name: d.fit(name, contentW-key-1.5), x: x})
		x += w + 6
	}
	return append(rows, row)
}

// drawLegend prints the legend rows from y and returns the y below them.
func (d *Doc) drawLegend(rows [][]legendEntry, series []Series, line bool, y float64) float64 {
	if len(rows) == 0 {
		return y
	}
	y += 0.5
	for _, row := range rows {
		for _, e := range row {
			x := marginX + e.x
			mid := y + legendLineH/2
			key := 3.0
			if line {
				key = 7
				d.setDraw(seriesColor(e.series), 0.6)
				d.pdf.Line(x, mid, x+key, mid)
				d.marker(e.series, x+key/2, mid, 1.05)
			} else {
				d.setFill(series[e.series].color(e.series))
				d.pdf.Rect(x, mid-1.5, 3, 3, "F")
			}
			d.setFont("", legendFont, colorInk)
			d.textLine(x+key+1.5, y, contentW, legendLineH, e.name, "L")
		}
		y += legendLineH
	}
	return y + 1
}

// valueAxisSpace measures the tick labels of a vertical value axis and returns where the
// plotting area starts and how wide it is.
func (d *Doc) valueAxisSpace(ax axis, format func(float64) string) (left, width float64) {
	d.setFont("", chartFont, colorMuted)
	w := 0.0
	for _, t := range ax.ticks() {
		w = max(w, d.pdf.GetStringWidth(format(t)))
	}
	left = marginX + w + 2.5
	return left, marginX + contentW - left
}

// valueGridY draws the horizontal grid lines of a vertical value axis and their labels.
func (d *Doc) valueGridY(ax axis, format func(float64) string, plotL, plotW float64, vy func(float64) float64) {
	d.setFont("", chartFont, colorMuted)
	for _, t := range ax.ticks() {
		y := vy(t)
		d.setDraw(colorGrid, 0.2)
		d.pdf.Line(plotL, y, plotL+plotW, y)
		d.textLine(marginX, y-chartLineH/2, plotL-2.5-marginX, chartLineH, format(t), "R")
	}
}

// axisLabels are the category labels under a vertical bar chart.
type axisLabels struct {
	lines   [][]string // the lines of each label; one line when rotated
	rotated bool       // printed upright
	height  float64    // the height they take below the axis
}

// categoryLabels lays out the labels under the bars: wrapped on up to three lines when every
// word fits in its slot, else on one line turned upright (shortened to 40 mm) — a label is
// never cut inside a word.
func (d *Doc) categoryLabels(cats []string, slot float64) axisLabels {
	d.setFont("", chartFont, colorInk)
	w := max(slot-1.2, 1)
	out := axisLabels{lines: make([][]string, len(cats)), height: chartLineH}
	for i, c := range cats {
		c = clean(c)
		for _, word := range splitSpaces(c) {
			if d.pdf.GetStringWidth(word) > w {
				out.rotated = true
			}
		}
		out.lines[i] = d.wrap(c, w)
		if len(out.lines[i]) > 3 {
			out.rotated = true
		}
	}
	if !out.rotated {
		for _, l := range out.lines {
			out.height = max(out.height, float64(len(l))*chartLineH)
		}
		return out
	}
	widest := 0.0
	for i, c := range cats {
		out.lines[i] = []string{d.fit(clean(c), 40)}
		widest = max(widest, d.pdf.GetStringWidth(out.lines[i][0]))
	}
	out.height = widest + 1.5
	return out
}

// pointLabels prepares the x labels of a line chart: on one line if they fit, else on two
// lines if no word has to be cut, else one label in every so many.
func (d *Doc) pointLabels(labels []string, slot float64) (out [][]string, every int, height float64) {
	d.setFont("", chartFont, colorInk)
	w := max(slot-1, 1)
	widest, widestWord := 0.0, 0.0
	for _, l := range labels {
		l = clean(l)
		widest = max(widest, d.pdf.GetStringWidth(l))
		for _, word := range splitSpaces(l) {
			widestWord = max(widestWord, d.pdf.GetStringWidth(word))
		}
	}
	out = make([][]string, len(labels))
	switch {
	case widest <= w:
		for i, l := range labels {
			out[i] = []string{clean(l)}
		}
		return out, 1, chartLineH
	case widestWord <= w:
		lines := 1
		for i, l := range labels {
			out[i] = d.clip(d.wrap(clean(l), w), 2, w)
			lines = max(lines, len(out[i]))
		}
		return out, 1, float64(lines) * chartLineH
	default:
		every = int(math.Ceil((widest + 2) / slot))
		for i, l := range labels {
			out[i] = []string{d.fit(clean(l), slot*float64(every)-1)}
		}
		return out, max(every, 1), chartLineH
	}
}

// splitSpaces splits s at plain spaces.
func splitSpaces(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// pointLabelPlace decides where the value of series si at point i goes so that the labels of
// several lines do not print over one another: above the point when it is the highest there,
// below otherwise. shown is true when an earlier series has the same value at that point and
// has already printed it.
func pointLabelPlace(series []Series, si, i int) (above, shown bool) {
	v, _ := value(series[si], i)
	above = true
	for sj, o := range series {
		w, ok := value(o, i)
		if sj == si || !ok {
			continue
		}
		if w > v {
			above = false
		}
		if w == v && sj < si {
			shown = true
		}
	}
	return above, shown
}

// valueLabel prints a value centred on x, with its top at y, if it fits in width.
func (d *Doc) valueLabel(s string, x, y, width float64) {
	d.setFont("", valueFont, colorInk)
	if w := d.pdf.GetStringWidth(s); w > width {
		return
	}
	d.textLine(x-width/2, y, width, 3, s, "C")
}

// marker draws the marker of the i-th series centred on (x, y): a circle, a square, a
// triangle or a diamond, filled, with a white outline that separates overlapping points.
func (d *Doc) marker(i int, x, y, r float64) {
	d.setFill(seriesColor(i))
	d.setDraw(colorWhite, 0.25)
	switch i % 4 {
	case 0:
		d.pdf.Circle(x, y, r, "FD")
	case 1:
		s := r * 0.9
		d.pdf.Rect(x-s, y-s, 2*s, 2*s, "FD")
	case 2:
		s := r * 1.25
		d.pdf.Polygon([]fpdf.PointType{{X: x, Y: y - s}, {X: x + s, Y: y + s*0.75}, {X: x - s, Y: y + s*0.75}}, "FD")
	default:
		s := r * 1.3
		d.pdf.Polygon([]fpdf.PointType{{X: x, Y: y - s}, {X: x + s, Y: y}, {X: x, Y: y + s}, {X: x - s, Y: y}}, "FD")
	}
}

// value returns the i-th value of s, and false when it is missing or not a finite number.
func value(s Series, i int) (float64, bool) {
	if i >= len(s.Values) {
		return 0, false
	}
	v := s.Values[i]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// dataRange returns the smallest and largest of the first n values of the series, whether
// they are all whole numbers, and whether there is any value at all.
func dataRange(series []Series, n int) (lo, hi float64, integer, has bool) {
	integer = true
	for _, s := range series {
		for i := range n {
			v, ok := value(s, i)
			if !ok {
				continue
			}
			if !has {
				lo, hi, has = v, v, true
			}
			lo, hi = min(lo, v), max(hi, v)
			if v != math.Trunc(v) {
				integer = false
			}
		}
	}
	return lo, hi, integer, has
}

// axis is a value axis from min to max with a tick every step.
type axis struct{ min, max, step float64 }

// niceAxis returns an axis that includes zero, lo and hi, with about five intervals whose
// step is 1, 2 or 5 times a power of ten — at least 1 when the data are whole numbers. With
// no range at all (every value zero, or none), the axis runs from 0 to 1.
func niceAxis(lo, hi float64, integer bool) axis {
	if !isFinite(lo) || !isFinite(hi) {
		lo, hi = 0, 0
	}
	lo, hi = min(lo, 0), max(hi, 0)
	raw := (hi - lo) / 5
	if raw <= 0 || !isFinite(raw) || raw < 1e-300 {
		lo, hi, raw = 0, 1, 0.2
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw*(1-1e-9) {
			step = m * mag
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	a := axis{
		min:  math.Floor(lo/step+1e-9) * step,
		max:  math.Ceil(hi/step-1e-9) * step,
		step: step,
	}
	if a.max <= a.min {
		a.max = a.min + step
	}
	return a
}

// ticks returns the values of the axis ticks, rounded to the precision of the step so that
// they print without floating-point noise.
func (a axis) ticks() []float64 {
	n := int(math.Round((a.max - a.min) / a.step))
	n = min(max(n, 1), 50)
	dec := max(0, -int(math.Floor(math.Log10(a.step)+1e-9)))
	p := math.Pow(10, float64(dec))
	out := make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		v := a.min + float64(i)*a.step
		out = append(out, math.Round(v*p)/p)
	}
	return out
}

// pos maps v to a distance from the axis origin on a scale of the given length.
func (a axis) pos(v, length float64) float64 {
	return (v - a.min) / (a.max - a.min) * length
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
