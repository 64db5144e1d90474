package views

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// reportHTMLPage is what the report page's sections read: the page's T and the legend of the
// small-count marks, and the sections.
type reportHTMLPage struct {
	*Localizer
	Note     string
	Sections []ReportSection
}

// reportSectionsBefore is the part of pages/report.html that ReportTableHTML and FiguresHTML
// replaced, with the partial report_table as it stood (the chart's SVG left out).
const reportSectionsBefore = `{{define "report_table"}}{{/* a report table: dict "T" table "ID" id "Page" page */}}
{{$t := .Table}}{{$p := .Page}}
{{if $t.Rows}}<div class="table-wrap" role="region" aria-labelledby="{{.ID}}-caption" tabindex="0">
<table class="report">
<caption id="{{.ID}}-caption">{{$t.Caption}}</caption>
<thead><tr>{{range $i, $h := $t.Headers}}<th scope="col"{{if index $t.Numeric $i}} class="num"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range $r, $row := $t.Rows}}<tr>{{range $i, $c := $row}}{{if eq $i 0}}<th scope="row">{{if $t.Links}}<a href="{{index $t.Links $r}}">{{$c}}</a>{{else}}{{$c}}{{end}}</th>{{else}}<td{{if index $t.Numeric $i}} class="num"{{end}}>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
{{if $t.Totals}}<tfoot>{{range $t.Totals}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td{{if index $t.Numeric $i}} class="num"{{end}}>{{$c}}</td>{{end}}{{end}}</tr>{{end}}</tfoot>{{end}}
</table></div>
{{if $t.Masked}}<p class="muted small">{{$p.Note}}</p>{{end}}
{{else}}<p class="muted">{{if $t.Empty}}{{$t.Empty}}{{else}}{{$p.T "report.empty.none"}}{{end}}</p>{{end}}
{{end}}{{range $si, $s := .Sections}}
<section class="card report-section" aria-labelledby="s-{{$s.ID}}">
{{if $s.Figures}}<dl class="stats figures">{{range $s.Figures}}<div><dt>{{.Label}}</dt><dd class="figure">{{.Value}}</dd></div>{{end}}</dl>{{end}}
{{with $s.Chart}}<figure class="chart-figure">
<details><summary>{{$.T "report.chart_data"}}</summary>
{{template "report_table" (dict "Table" .Data "ID" (printf "c-%s" $s.ID) "Page" $)}}
</details>
</figure>{{end}}
{{with $s.Table}}{{template "report_table" (dict "Table" . "ID" (printf "t-%s" $s.ID) "Page" $)}}{{end}}
</section>
{{end}}`

// reportSectionsNow is the same part of the page as it is now written.
const reportSectionsNow = `{{range $si, $s := .Sections}}
<section class="card report-section" aria-labelledby="s-{{$s.ID}}">
{{reportFigures $s.Figures}}
{{with $s.Chart}}<figure class="chart-figure">
<details><summary>{{$.T "report.chart_data"}}</summary>
{{$.ReportTableHTML .Data (print "c-" $s.ID) $.Note}}
</details>
</figure>{{end}}
{{with $s.Table}}{{$.ReportTableHTML . (print "t-" $s.ID) $.Note}}{{end}}
</section>
{{end}}`

// TestReportHTMLWritesWhatTheTemplatesWrote compares the report tables and key figures written
// in Go with the template they replaced, in both languages, on sections full of what
// html/template escapes, in text, in attributes and in the links of the row headers (schemes
// it refuses, %-escapes valid or not), with and without links, totals, empty messages and
// marks. It fails when one byte differs.
func TestReportHTMLWritesWhatTheTemplatesWrote(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	before := template.Must(template.New("before").Funcs(funcs).Parse(reportSectionsBefore))
	now := template.Must(template.New("now").Funcs(funcs).Parse(reportSectionsNow))
	alphabet := []string{"a", "Z", "9", " ", "é", "·", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;", "<b>", "\n", "%s", "\u00a0"}
	urlParts := []string{"/pupils/", "1", "a", "%", "%4", "%41", "%zz", ":", "javascript:", "JavaScript:", "http:", "HTTPS:", "mailto:", "data:",
		"?", "#", "&", "+", "=", " ", "é", "\x00", "\xff", "'", "\"", "<", ">", "(", ")", "~", "-", "_", ".", "!", "[", "]", "@", "$", "*", ",", ";", "`", "\\", "{"}
	r := rand.New(rand.NewPCG(18, 2027))
	pick := func(parts []string, most int) string {
		var b strings.Builder
		for range r.IntN(most) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		return b.String()
	}
	text := func() string { return pick(alphabet, 6) }
	table := func() ReportTable {
		cols := r.IntN(5)
		t := ReportTable{Caption: text(), Masked: r.IntN(3) == 0}
		for range cols {
			t.Headers = append(t.Headers, text())
			t.Numeric = append(t.Numeric, r.IntN(2) == 0)
		}
		if r.IntN(3) == 0 {
			t.Empty = text()
		}
		rows := r.IntN(4)
		if r.IntN(4) == 0 {
			rows = 0
		}
		links := r.IntN(2) == 0
		for range rows {
			row := make([]string, r.IntN(cols+1))
			for i := range row {
				row[i] = text()
			}
			t.Rows = append(t.Rows, row)
			if links {
				t.Links = append(t.Links, pick(urlParts, 8))
			}
		}
		for range r.IntN(3) {
			row := make([]string, r.IntN(cols+1))
			for i := range row {
				row[i] = text()
			}
			t.Totals = append(t.Totals, row)
		}
		return t
	}
	links := 0
	for i := range 2000 {
		p := reportHTMLPage{Localizer: v.Localizer([]string{"fr", "en"}[i%2]), Note: text()}
		for range r.IntN(4) {
			s := ReportSection{ID: text()}
			for range r.IntN(4) {
				s.Figures = append(s.Figures, ReportFigure{Label: text(), Value: text()})
			}
			if r.IntN(2) == 0 {
				s.Chart = &ReportChart{Title: text(), Data: table()}
				links += len(s.Chart.Data.Links)
			}
			if r.IntN(2) == 0 {
				tb := table()
				s.Table = &tb
				links += len(tb.Links)
			}
			p.Sections = append(p.Sections, s)
		}
		var want, got strings.Builder
		if err := before.Execute(&want, p); err != nil {
			t.Fatal(err)
		}
		if err := now.Execute(&got, p); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("case %d:\n got %q\nwant %q", i, got.String(), want.String())
		}
	}
	if links < 1000 {
		t.Fatalf("only %d links compared", links)
	}
}
