package views

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// chartPalette holds the series colours of the web charts; they keep a contrast of 3:1 at
// least against white (WCAG 1.4.11) and match the PDF's.
var chartPalette = []string{"#1f5fa8", "#b3541e", "#2e7d32", "#7b3f99", "#8a6d00", "#00707a"}

// toneColours colour the series whose meaning is a judgement (ChartSeries.Tone), with the
// same 3:1 contrast: green for good, amber for caution, red for bad.
var toneColours = map[string]string{"good": "#2e7d32", "warn": "#8a6d00", "bad": "#b3261e"}

// seriesColour is the colour of the si-th series of a chart.
func seriesColour(s ChartSeries, si int) string {
	if c, ok := toneColours[s.Tone]; ok {
		return c
	}
	return chartPalette[si%len(chartPalette)]
}

// niceStep rounds a raw axis step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// chartMax is the largest finite value of a chart, 0 when none.
func chartMax(c *ReportChart) float64 {
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > m {
				m = v
			}
		}
	}
	return m
}

// SVG draws a chart as inline SVG: vector, scaled to the width of its container, with the
// figures in the table that goes with it. It is decorative for assistive technologies
// (aria-hidden): the table carries the same figures.
func (l *Localizer) SVG(c *ReportChart) template.HTML {
	if c == nil || len(c.Categories) == 0 {
		return ""
	}
	if c.allMasked() {
		return template.HTML(`<p class="muted">` + template.HTMLEscapeString(l.T("report.chart_masked")) + `</p>`)
	}
	if c.Horizontal && !c.Line {
		return l.horizontalSVG(c)
	}
	const width, height = 640.0, 280.0
	const left, right, top, bottom = 48.0, 12.0, 12.0, 56.0
	plotW, plotH := width-left-right, height-top-bottom
	max := chartMax(c)
	step := niceStep(max / 5)
	if max == 0 {
		max = step * 5
	}
	ticks := int(math.Ceil(max / step))
	top2 := float64(ticks) * step
	y := func(v float64) float64 { return top + plotH - v/top2*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false">`, width, height)
	for i := 0; i <= ticks; i++ {
		v := float64(i) * step
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#d0d4da" stroke-width="1"/>`, left, width-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="11" fill="#333">%s</text>`, left-6, y(v)+4, template.HTMLEscapeString(l.Fixed(v)))
	}
	n := len(c.Categories)
	slot := plotW / float64(n)
	for i, cat := range c.Categories {
		x := left + slot*(float64(i)+0.5)
		label := cat
		if r := []rune(label); len(r) > 14 {
			label = string(r[:13]) + "…"
		}
		if n > 6 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="end" font-size="11" fill="#333" transform="rotate(-35 %.1f %g)">%s</text>`,
				x, top+plotH+14, x, top+plotH+14, template.HTMLEscapeString(label))
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="11" fill="#333">%s</text>`,
				x, top+plotH+16, template.HTMLEscapeString(label))
		}
	}
	for si, s := range c.Series {
		colour := seriesColour(s, si)
		if c.Line {
			var pts []string
			flush := func() {
				if len(pts) > 1 {
					fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`, colour, strings.Join(pts, " "))
				}
				pts = pts[:0]
			}
			for i, v := range s.Values {
				if math.IsNaN(v) {
					flush()
					continue
				}
				x := left + slot*(float64(i)+0.5)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y(v)))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`, x, y(v), colour)
			}
			flush()
			continue
		}
		barW := slot * 0.8 / float64(len(c.Series))
		for i, v := range s.Values {
			if math.IsNaN(v) || v == 0 {
				continue
			}
			x := left + slot*float64(i) + slot*0.1 + barW*float64(si)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, y(v), barW, top+plotH-y(v), colour)
		}
	}
	b.WriteString(`</svg>`)
	if len(c.Series) > 1 {
		b.WriteString(`<ul class="legend" aria-hidden="true">`)
		for si, s := range c.Series {
			fmt.Fprintf(&b, `<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="%s"/></svg> %s</li>`,
				seriesColour(s, si), template.HTMLEscapeString(s.Name))
		}
		b.WriteString(`</ul>`)
	}
	return template.HTML(b.String())
}

// allMasked tells whether a chart has masked values and nothing else to draw (zeros aside).
func (c *ReportChart) allMasked() bool {
	masked := false
	for _, s := range c.Series {
		for _, v := range s.Values {
			if math.IsNaN(v) {
				masked = true
			} else if v != 0 {
				return false
			}
		}
	}
	return masked
}

// horizontalSVG draws one bar per category, the labels on the left, for long category names.
func (l *Localizer) horizontalSVG(c *ReportChart) template.HTML {
	const width, labelW, right, rowH, top = 640.0, 240.0, 40.0, 26.0, 8.0
	n := len(c.Categories)
	height := top*2 + rowH*float64(n) + 18
	plotW := width - labelW - right
	max := chartMax(c)
	step := niceStep(max / 4)
	if max == 0 {
		max = step * 4
	}
	top2 := math.Ceil(max/step) * step
	x := func(v float64) float64 { return labelW + v/top2*plotW }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false">`, width, height)
	for v := 0.0; v <= top2+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%g" y2="%g" stroke="#d0d4da" stroke-width="1"/>`, x(v), x(v), top, height-18)
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" font-size="11" fill="#333">%s</text>`, x(v), height-4, template.HTMLEscapeString(l.Fixed(v)))
	}
	barH := rowH * 0.7 / float64(len(c.Series))
	for i, cat := range c.Categories {
		y := top + rowH*float64(i)
		label := cat
		if r := []rune(label); len(r) > 34 {
			label = string(r[:33]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="11" fill="#333">%s</text>`, labelW-8, y+rowH/2+4, template.HTMLEscapeString(label))
		for si, s := range c.Series {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) || s.Values[i] == 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%g" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, labelW, y+rowH*0.15+barH*float64(si),
				x(s.Values[i])-labelW, barH, seriesColour(s, si))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
