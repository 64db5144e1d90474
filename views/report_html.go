package views

import (
	"html/template"
	"strings"
)

// The tables and figures of the report pages (the establishment dashboard, the metropolitan
// overview, the partner and impact reports) are written here in Go, each in one call, rather
// than by template loops: a loop paid several calls through reflection for each cell (the
// index of the numeric columns, the comparison of the column, the escaper), and a dashboard
// holds a few hundred cells. Each function writes byte for byte what the template it replaces
// wrote (its doc comment quotes it); TestReportHTMLWritesWhatTheTemplatesWrote compares them.

// ReportTableHTML writes a report table, id naming its caption, note being the legend of the
// small-count marks: what the partial report_table wrote, called as
// {{template "report_table" (dict "Table" t "ID" id "Page" $)}}:
//
//	{{$t := .Table}}{{$p := .Page}}
//	{{if $t.Rows}}<div class="table-wrap" role="region" aria-labelledby="{{.ID}}-caption" tabindex="0">
//	<table class="report">
//	<caption id="{{.ID}}-caption">{{$t.Caption}}</caption>
//	<thead><tr>{{range $i, $h := $t.Headers}}<th scope="col"{{if index $t.Numeric $i}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
//	<tbody>{{range $r, $row := $t.Rows}}<tr>{{range $i, $c := $row}}{{if eq $i 0}}<th scope="row">{{if $t.Links}}<a href="{{index $t.Links $r}}">{{$c}}</a>{{else}}{{$c}}{{end}}</th>{{else}}<td{{if index $t.Numeric $i}} class="num"{{end}}>{{$c}}</td>{{end}}{{end}}</tr>
//	{{end}}</tbody>
//	{{if $t.Totals}}<tfoot>{{range $t.Totals}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td{{if index $t.Numeric $i}} class="num"{{end}}>{{$c}}</td>{{end}}{{end}}</tr>{{end}}</tfoot>{{end}}
//	</table></div>
//	{{if $t.Masked}}<p class="muted small">{{$p.Note}}</p>{{end}}
//	{{else}}<p class="muted">{{if $t.Empty}}{{$t.Empty}}{{else}}{{$p.T "report.empty.none"}}{{end}}</p>{{end}}
//
// The template failed on a column without its Numeric entry or a row without its link; here a
// missing entry is false, a missing link empty.
func (l *Localizer) ReportTableHTML(t ReportTable, id, note string) template.HTML {
	var b strings.Builder
	b.WriteString("\n\n")
	if len(t.Rows) == 0 {
		b.WriteString(`<p class="muted">`)
		if t.Empty != "" {
			escapeHTML(&b, t.Empty)
		} else {
			escapeHTML(&b, l.T("report.empty.none"))
		}
		b.WriteString("</p>\n")
		return template.HTML(b.String())
	}
	numeric := func(i int) bool { return i < len(t.Numeric) && t.Numeric[i] }
	// cells writes a row of the body or of the totals, its first cell the row's header (a link
	// when href is not nil).
	cells := func(row []string, href *string) {
		for i, c := range row {
			switch {
			case i == 0 && href != nil:
				b.WriteString(`<th scope="row"><a href="`)
				escapeURL(&b, *href)
				b.WriteString(`">`)
				escapeHTML(&b, c)
				b.WriteString("</a></th>")
				continue
			case i == 0:
				b.WriteString(`<th scope="row">`)
				escapeHTML(&b, c)
				b.WriteString("</th>")
				continue
			case numeric(i):
				b.WriteString(`<td class="num">`)
			default:
				b.WriteString("<td>")
			}
			escapeHTML(&b, c)
			b.WriteString("</td>")
		}
	}
	b.WriteString(`<div class="table-wrap" role="region" aria-labelledby="`)
	escapeHTML(&b, id)
	b.WriteString("-caption\" tabindex=\"0\">\n<table class=\"report\">\n<caption id=\"")
	escapeHTML(&b, id)
	b.WriteString(`-caption">`)
	escapeHTML(&b, t.Caption)
	b.WriteString("</caption>\n<thead><tr>")
	for i, h := range t.Headers {
		if numeric(i) {
			b.WriteString(`<th scope="col" class="num">`)
		} else {
			b.WriteString(`<th scope="col">`)
		}
		escapeHTML(&b, h)
		b.WriteString("</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>")
	for r, row := range t.Rows {
		var href *string
		if len(t.Links) > 0 {
			href = new(string)
			if r < len(t.Links) {
				href = &t.Links[r]
			}
		}
		b.WriteString("<tr>")
		cells(row, href)
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n")
	if len(t.Totals) > 0 {
		b.WriteString("<tfoot>")
		for _, row := range t.Totals {
			b.WriteString("<tr>")
			cells(row, nil)
			b.WriteString("</tr>")
		}
		b.WriteString("</tfoot>")
	}
	b.WriteString("\n</table></div>\n")
	if t.Masked {
		b.WriteString(`<p class="muted small">`)
		escapeHTML(&b, note)
		b.WriteString("</p>")
	}
	b.WriteString("\n\n")
	return template.HTML(b.String())
}

// FiguresHTML writes a section's key figures:
//
//	{{if $s.Figures}}<dl class="stats figures">{{range $s.Figures}}<div><dt>{{.Label}}</dt><dd class="figure">{{.Value}}</dd></div>{{end}}</dl>{{end}}
func FiguresHTML(figures []ReportFigure) template.HTML {
	if len(figures) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<dl class="stats figures">`)
	for _, f := range figures {
		b.WriteString("<div><dt>")
		escapeHTML(&b, f.Label)
		b.WriteString(`</dt><dd class="figure">`)
		escapeHTML(&b, f.Value)
		b.WriteString("</dd></div>")
	}
	b.WriteString("</dl>")
	return template.HTML(b.String())
}

// escapeURL writes s as html/template writes a string that starts a quoted href: a URL of a
// scheme other than http, https or mailto replaced by "#ZgotmplZ" (its urlFilter), then as
// escapeURLPart.
func escapeURL(b *strings.Builder, s string) {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") &&
		!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
		s = "#ZgotmplZ"
	}
	escapeURLPart(b, s)
}

// escapeURLPart writes s as html/template writes a string within the path of a quoted href
// (after its first characters, as in href="tel:{{.}}"): every byte but the unreserved and
// reserved characters of RFC 3986 and the valid %-escapes percent-encoded (its urlNormalizer),
// then the HTML specials escaped as in an attribute.
func escapeURLPart(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	var n strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			n.WriteByte(c)
		case c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			n.WriteByte(c)
		default:
			n.WriteByte('%')
			n.WriteByte(hex[c>>4])
			n.WriteByte(hex[c&15])
		}
	}
	escapeHTML(b, n.String())
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
