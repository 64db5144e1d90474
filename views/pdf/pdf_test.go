package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// generated is the fixed clock of the tests: 25 November 2026, 10:42 in Paris.
var generated = time.Date(2026, 11, 25, 10, 42, 0, 0, time.FixedZone("CET", 3600))

func sampleMeta() Meta {
	return Meta{
		Title:         "Synthèse de l’établissement",
		Subject:       "Rapport d’activité de la médiation scolaire",
		Scope:         "Collège Simone-Veil — Vénissieux",
		SchoolYear:    "Année scolaire 2026-2027",
		Keywords:      "médiation décrochage",
		Author:        "Médiation scolaire",
		Generated:     generated,
		GeneratedText: "Généré le 25/11/2026 à 10:42",
		PageText:      "Page %d sur %s",
		FormatNumber: func(v float64) string {
			return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
		},
	}
}

const pupilRows = 120

// sampleDoc builds a document with every block.
func sampleDoc() *Doc {
	d := New(sampleMeta())
	d.Heading("1. Élèves suivis")
	d.Paragraph("Le cœur du dispositif : « prévenir le décrochage » avant qu’il ne s’installe. " +
		"Budget engagé : 12\u202f345\u00a0€ pour l’année… Les familles ont été reçues à 87\u202f% " +
		"au moins une fois ; les œuvres sociales du Département ont été sollicitées.\n" +
		"Une seconde ligne, après un saut de ligne, pour vérifier que le texte se replie correctement " +
		"sur toute la largeur de la page sans déborder dans la marge de droite.")
	d.KeyFigures([]KeyFigure{
		{Label: "élèves suivis", Value: "128"},
		{Label: "taux de présence des familles aux rencontres", Value: "87\u202f%"},
		{Label: "délai médian de réponse des partenaires", Value: "12 jours"},
		{Label: "budget engagé", Value: "12\u202f345\u00a0€"},
		{Label: "sorties du dispositif", Value: "< 5"},
	})
	d.Note("< 5 : effectif de 1 à 4, masqué pour protéger les élèves ; « — » : sans objet.")

	d.Subheading("Suivis par type et par niveau de risque")
	d.BarChart(BarChart{
		Title:      "Élèves suivis par statut",
		Categories: []string{"Veille", "Suivi renforcé", "Orientation vers un partenaire extérieur", "Sortie", "Autre"},
		Series: []Series{
			{Name: "Risque élevé", Values: []float64{4, 12, 7, 2, 0}},
			{Name: "Risque modéré", Values: []float64{10, 8, 3, 5, 1}},
			{Name: "Risque faible", Values: []float64{22, 3, 1, 9, math.NaN()}},
		},
		ShowValues: true,
	})
	d.LineChart(LineChart{
		Title:  "Nouveaux dossiers par mois",
		Labels: []string{"sept.", "oct.", "nov.", "déc.", "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil."},
		Series: []Series{
			{Name: "2026-2027", Values: []float64{12, 18, 9, 4, math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}},
			{Name: "2025-2026", Values: []float64{10, 15, 11, 6, 8, 9, 13, 7, 10, 5, 1}},
		},
		ShowValues: true,
	})

	d.Heading("2. Orientations vers les partenaires")
	d.BarChart(BarChart{
		Title:      "Orientations par partenaire",
		Categories: []string{"Caisse d’allocations familiales", "Département — aide sociale à l’enfance", "Centre médico-psychologique", "Mission locale", "Association de prévention spécialisée", "Maison des adolescents"},
		Series:     []Series{{Name: "Orientations", Values: []float64{14, 9, 6, 3, 11, 2.5}}},
		Horizontal: true,
		ShowValues: true,
	})
	d.BarChart(BarChart{
		Title:      "Sorties par motif (aucune cette année)",
		Categories: []string{"Retour en classe", "Déménagement", "Fin de scolarité"},
		Series:     []Series{{Name: "Sorties", Values: []float64{0, 0, 0}}},
	})
	d.LineChart(LineChart{
		Title:     "Rencontres avec les familles",
		EmptyText: "Aucune donnée pour cette période",
	})
	d.Table(Table{
		Caption:   "Sorties du dispositif",
		Columns:   []Column{{Header: "Motif", Width: 3}, {Header: "Élèves", Width: 1, Align: AlignRight}},
		EmptyText: "Aucune sortie enregistrée",
	})

	d.PageBreak()
	d.Heading("3. Liste des élèves suivis")
	rows := make([][]string, pupilRows)
	for i := range rows {
		status := "Suivi renforcé"
		if i%7 == 3 {
			status = "Orientation vers un partenaire extérieur, en attente de la réponse de l’assistante sociale"
		}
		rows[i] = []string{fmt.Sprintf("Élève %03d", i+1), "5e B", status, "Modéré", strconv.Itoa(i % 9)}
	}
	d.Table(Table{
		Caption: "Élèves suivis au 25 novembre 2026",
		Columns: []Column{
			{Header: "Élève", Width: 2},
			{Header: "Classe", Width: 1, Align: AlignCenter},
			{Header: "Statut", Width: 4},
			{Header: "Niveau de risque", Width: 1.6},
			{Header: "Suivis", Width: 1, Align: AlignRight},
		},
		Rows:      rows,
		TotalRows: [][]string{{"Total", "", "", "", "478"}},
	})
	d.Note("Liste nominative : ce document ne doit pas sortir de l’établissement.")
	return d
}

func sampleBytes(t testing.TB) []byte {
	t.Helper()
	b, err := sampleDoc().Bytes()
	if err != nil {
		t.Fatalf("build sample: %v", err)
	}
	if p := os.Getenv("MEDIATION_PDF_SAMPLE"); p != "" {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sample.pdf")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install poppler-utils qpdf): %v", name, err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestText reads the sample back with pdftotext, as a reader would see it.
func TestText(t *testing.T) {
	t.Parallel()
	needTool(t, "pdftotext")
	file := writeTemp(t, sampleBytes(t))

	for _, mode := range []string{"plain", "layout"} {
		t.Run(mode, func(t *testing.T) {
			args := []string{"-enc", "UTF-8", file, "-"}
			if mode == "layout" {
				args = append([]string{"-layout"}, args...)
			}
			text := run(t, "pdftotext", args...)
			pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
			if len(pages) < 4 {
				t.Fatalf("got %d pages, want at least 4 (the table spans several)", len(pages))
			}

			for _, want := range []string{
				"Synthèse de l’établissement",
				"Collège Simone-Veil — Vénissieux",
				"Année scolaire 2026-2027",
				"Le cœur du dispositif : « prévenir le décrochage »",
				"l’année…",
				// pdftotext prints U+00A0 as a space: TestNoBreakSpace checks the page itself.
				"12 345 €",
				"87 %",
				"œuvres sociales",
				"< 5 : effectif de 1 à 4",
				"1. Élèves suivis",
				// Charts: titles, legend, categories, months, ticks, values, empty message.
				"Élèves suivis par statut",
				"Risque élevé", "Risque modéré", "Risque faible",
				"Suivi renforcé", "Veille",
				"Nouveaux dossiers par mois",
				"sept.", "févr.", "juil.", "2025-2026",
				"Maison des adolescents", "2,5",
				"Retour en classe",
				"Aucune donnée pour cette période",
				"Aucune sortie enregistrée",
				"Élève 001", "Élève 120", "Total", "478",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q", want)
				}
			}
			if strings.ContainsRune(text, '\u202f') || strings.ContainsRune(text, '\ufffd') {
				t.Errorf("text holds U+202F or U+FFFD")
			}

			n := len(pages)
			for i, p := range pages {
				footer := fmt.Sprintf("Page %d sur %d", i+1, n)
				if !strings.Contains(p, footer) {
					t.Errorf("page %d lacks %q", i+1, footer)
				}
				if !strings.Contains(p, "Généré le 25/11/2026 à 10:42") {
					t.Errorf("page %d lacks the date of generation", i+1)
				}
				if i > 0 && !strings.Contains(p, "Collège Simone-Veil") {
					t.Errorf("page %d lacks the running header", i+1)
				}
			}

			// The header row ("Niveau de risque" is only there) opens every page of the
			// pupil table, above the first pupil of the page.
			tablePages := 0
			for i, p := range pages {
				first := strings.Index(p, "Élève 0")
				if first < 0 {
					first = strings.Index(p, "Élève 1")
				}
				headers := strings.Count(p, "Niveau de risque")
				if first < 0 {
					if headers != 0 {
						t.Errorf("page %d has the table header without rows", i+1)
					}
					continue
				}
				tablePages++
				if headers != 1 {
					t.Errorf("page %d shows the table header %d times, want 1", i+1, headers)
				}
				if h := strings.Index(p, "Niveau de risque"); h < 0 || h > first {
					t.Errorf("page %d: the header is not above the first row", i+1)
				}
			}
			if tablePages < 3 {
				t.Errorf("the table covers %d pages, want at least 3", tablePages)
			}
			if got := strings.Count(text, "Niveau de risque"); got != tablePages {
				t.Errorf("table header printed %d times for %d pages", got, tablePages)
			}
			for i := 1; i <= pupilRows; i++ {
				if c := strings.Count(text, fmt.Sprintf("Élève %03d", i)); c != 1 {
					t.Errorf("row %d printed %d times", i, c)
				}
			}
		})
	}
}

// pageContent returns the streams of the file, inflated and concatenated.
func pageContent(t *testing.T, b []byte) []byte {
	t.Helper()
	var all bytes.Buffer
	for _, m := range regexp.MustCompile(`(?s)/FlateDecode[^>]*>>\s*stream\r?\n(.*?)endstream`).FindAllSubmatch(b, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			t.Fatalf("inflate: %v", err)
		}
		if _, err := io.Copy(&all, r); err != nil && err != io.ErrUnexpectedEOF {
			t.Fatalf("inflate: %v", err)
		}
	}
	return all.Bytes()
}

// utf16 encodes s as fpdf writes text with the embedded fonts: one UTF-16BE code unit per
// character.
func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

// TestNoBreakSpace: the figure with U+202F and U+00A0 reaches the page with U+00A0 twice (the
// font lacks U+202F), which readers copy as no-break spaces.
func TestNoBreakSpace(t *testing.T) {
	t.Parallel()
	content := pageContent(t, sampleBytes(t))
	if !bytes.Contains(content, utf16("Le cœur du dispositif")) {
		t.Fatalf("text not found in the inflated pages: the test does not read them right")
	}
	for _, want := range []string{"12\u00a0345\u00a0€", "87\u00a0%", "« prévenir le décrochage »"} {
		if !bytes.Contains(content, utf16(want)) {
			t.Errorf("pages lack %q", want)
		}
	}
	if bytes.Contains(content, utf16("12\u202f345")) {
		t.Errorf("pages hold U+202F, which the font cannot draw")
	}
}

// TestQPDFCheck checks the structure of the file.
func TestQPDFCheck(t *testing.T) {
	t.Parallel()
	needTool(t, "qpdf")
	out := run(t, "qpdf", "--check", writeTemp(t, sampleBytes(t)))
	if !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
}

// TestMetadata checks what a reader shows in the document properties.
func TestMetadata(t *testing.T) {
	t.Parallel()
	b := sampleBytes(t)
	if !bytes.Contains(b, []byte("/Lang (fr-FR)")) {
		t.Errorf("the catalog has no /Lang (fr-FR)")
	}
	if !bytes.Contains(b, []byte("/CreationDate (D:20261125094200)")) {
		t.Errorf("the creation date is not the generation date in UTC")
	}
	if !bytes.Contains(b, []byte("/FlateDecode")) {
		t.Errorf("the pages are not compressed")
	}

	needTool(t, "pdfinfo")
	info := run(t, "pdfinfo", writeTemp(t, b))
	for _, want := range []string{
		"Title:           Synthèse de l’établissement",
		"Subject:         Rapport d’activité de la médiation scolaire",
		"Keywords:        médiation décrochage",
		"Author:          Médiation scolaire",
		"Creator:         Médiation scolaire",
		"Page size:       595.28 x 841.89 pts (A4)",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// TestReproducible: the same input gives the same bytes.
func TestReproducible(t *testing.T) {
	t.Parallel()
	a, b := sampleBytes(t), sampleBytes(t)
	if !bytes.Equal(a, b) {
		t.Errorf("two builds differ (%d and %d bytes)", len(a), len(b))
	}
}

// TestParallel builds documents concurrently; run with -race. Each one must equal the one
// built alone, which would not hold if documents shared state.
func TestParallel(t *testing.T) {
	t.Parallel()
	want := sampleBytes(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			b, err := sampleDoc().Bytes()
			switch {
			case err != nil:
				errs <- fmt.Errorf("document %d: %w", i, err)
			case !bytes.Equal(b, want):
				errs <- fmt.Errorf("document %d differs from the one built alone", i)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestWriteTwice: Write and Bytes give the same document however often they are called.
func TestWriteTwice(t *testing.T) {
	t.Parallel()
	d := New(sampleMeta())
	d.Paragraph("Bonjour")
	var a, b bytes.Buffer
	if err := d.Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	c, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(a.Bytes(), c) {
		t.Errorf("Write/Bytes differ: %d, %d, %d bytes", a.Len(), b.Len(), len(c))
	}
	if !bytes.HasPrefix(c, []byte("%PDF-")) {
		t.Errorf("not a PDF: %q", c[:8])
	}
}

// TestDegenerate: blocks without data never fail nor produce NaN coordinates.
func TestDegenerate(t *testing.T) {
	t.Parallel()
	d := New(Meta{Generated: generated})
	d.Heading("")
	d.Paragraph("")
	d.KeyFigures(nil)
	d.Table(Table{})
	d.Table(Table{Columns: []Column{{Header: "A", Width: -1}, {Header: "B"}}, Rows: [][]string{{"1", "2", "3"}, {}}})
	d.BarChart(BarChart{})
	d.BarChart(BarChart{Horizontal: true})
	d.BarChart(BarChart{Categories: []string{"a"}, Series: []Series{{Values: []float64{math.Inf(1)}}}})
	d.BarChart(BarChart{Categories: []string{"a", "b"}, Series: []Series{{Values: []float64{-3, 0.001}}}, ShowValues: true, Horizontal: true})
	d.LineChart(LineChart{})
	d.LineChart(LineChart{Labels: []string{"x"}, Series: []Series{{Values: []float64{0}}, {Values: nil}}})
	d.Table(Table{Columns: []Column{{Header: "Texte"}}, Rows: [][]string{{strings.Repeat("très long ", 2000)}}})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	content := pageContent(t, b)
	if bytes.Contains(content, []byte("NaN")) || bytes.Contains(content, []byte("Inf")) {
		t.Errorf("the pages hold NaN or Inf coordinates")
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain ASCII", "plain ASCII"},
		{"12\u202f345\u00a0€", "12\u00a0345\u00a0€"},
		{"« œuvre » ’ … – — € Œ ≤ ≥ ° •", "« œuvre » ’ … – — € Œ ≤ ≥ ° •"},
		{"a\tb\r\nc", "a b\nc"},
		{"anti\u00adconstitutionnel\u200b", "anticonstitutionnel"},
		{"1\u20072\u20093", "1\u00a02 3"},
		{"non\u2011sécable", "non-sécable"},
		{"ok \u2713 \U0001F600", "ok \ufffd \ufffd"},
		{"bad \xff byte", "bad \ufffd byte"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFontCoverage: the three faces draw the same characters, all those clean lets through
// for French text among them.
func TestFontCoverage(t *testing.T) {
	t.Parallel()
	faces := map[string][]byte{"bold": gobold.TTF, "italic": goitalic.TTF, "regular": goregular.TTF}
	for name, ttf := range faces {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for r := rune(0); r < 0x10000; r++ {
			g, _ := f.GlyphIndex(&buf, r)
			if (g != 0) != drawable(r) {
				t.Errorf("%s: U+%04X drawable=%v, regular says %v", name, r, g != 0, drawable(r))
			}
		}
	}
	for _, r := range " \u00a0’‘“”«»…–—€œŒæÆçÇéÉèÈêÊëËàÀâÂîÎïÏôÔùÙûÛüÜÿŸ°²•−≤≥≠\ufffd" {
		if !drawable(r) {
			t.Errorf("U+%04X %c is missing from the font", r, r)
		}
	}
}

func TestNiceAxis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lo, hi  float64
		integer bool
		want    []float64
	}{
		{0, 0, true, []float64{0, 1}},
		{0, 0, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{math.NaN(), math.Inf(1), false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 3, true, []float64{0, 1, 2, 3}},
		{0, 7, true, []float64{0, 2, 4, 6, 8}},
		{0, 22, true, []float64{0, 5, 10, 15, 20, 25}},
		{0, 100, true, []float64{0, 20, 40, 60, 80, 100}},
		{2, 0.3, false, []float64{0, 0.5, 1, 1.5, 2}},
		{-3, 0.001, false, []float64{-3, -2, -1, 0, 1}},
		{0, 0.3, false, []float64{0, 0.1, 0.2, 0.3}},
		{0, 12345, true, []float64{0, 5000, 10000, 15000}},
	}
	for _, tt := range tests {
		got := niceAxis(min(tt.lo, tt.hi), max(tt.lo, tt.hi), tt.integer).ticks()
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("niceAxis(%v, %v, %v) ticks = %v, want %v", tt.lo, tt.hi, tt.integer, got, tt.want)
		}
	}
}

// TestPageText: the footer format may reorder its arguments.
func TestPageText(t *testing.T) {
	t.Parallel()
	needTool(t, "pdftotext")
	m := sampleMeta()
	m.PageText = "%[2]s pages, page %[1]d"
	d := New(m)
	d.PageBreak()
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := run(t, "pdftotext", writeTemp(t, b), "-")
	if !regexp.MustCompile(`2 pages, page 1[\s\S]*2 pages, page 2`).MatchString(text) {
		t.Errorf("footers not as formatted:\n%s", text)
	}
}

// BenchmarkDocument builds a report of about thirty pages with tables and charts.
func BenchmarkDocument(b *testing.B) {
	rows := make([][]string, 600)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("Élève %03d", i+1), "4e A", "Suivi renforcé depuis la rentrée, rencontre prévue avec la famille", "Élevé", strconv.Itoa(i)}
	}
	cols := []Column{{Header: "Élève", Width: 2}, {Header: "Classe", Width: 1}, {Header: "Statut", Width: 4}, {Header: "Risque", Width: 1.5}, {Header: "Suivis", Width: 1, Align: AlignRight}}
	months := []string{"sept.", "oct.", "nov.", "déc.", "janv.", "févr.", "mars", "avr.", "mai", "juin"}
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		d := New(sampleMeta())
		for s := range 6 {
			d.Heading(fmt.Sprintf("Section %d", s+1))
			d.Paragraph(strings.Repeat("Le cœur du dispositif : « prévenir le décrochage ». ", 12))
			d.KeyFigures([]KeyFigure{{Label: "élèves suivis", Value: "128"}, {Label: "budget", Value: "12\u202f345\u00a0€"}})
			d.BarChart(BarChart{Title: "Par statut", Categories: months, Series: []Series{{Name: "A", Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, {Name: "B", Values: []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}}}, ShowValues: true})
			d.LineChart(LineChart{Title: "Par mois", Labels: months, Series: []Series{{Name: "A", Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}}})
			d.Table(Table{Columns: cols, Rows: rows[s*100 : s*100+100]})
		}
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
		pages = d.pdf.PageNo()
	}
	b.ReportMetric(float64(pages), "pages")
}

// BenchmarkEmptyDocument measures the fixed cost of a document: parsing the three fonts,
// subsetting and writing them.
func BenchmarkEmptyDocument(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(sampleMeta()).Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFonts measures parsing the three embedded fonts, which every document does.
func BenchmarkFonts(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p := fpdf.New("P", "mm", "A4", "")
		p.AddUTF8FontFromBytes(family, "", goregular.TTF)
		p.AddUTF8FontFromBytes(family, "B", gobold.TTF)
		p.AddUTF8FontFromBytes(family, "I", goitalic.TTF)
		if err := p.Error(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCrowdedCharts: labels too long for their slot turn upright under the bars and stay
// whole for text extraction; fifty horizontal bars squeeze onto one page.
func TestCrowdedCharts(t *testing.T) {
	t.Parallel()
	d := New(sampleMeta())
	cats := make([]string, 20)
	a, b := make([]float64, 20), make([]float64, 20)
	for i := range cats {
		cats[i] = fmt.Sprintf("Collège n°%d", i+1)
		a[i], b[i] = float64(i*3%17), float64(i*7%13)
	}
	d.BarChart(BarChart{Title: "Par collège", Categories: cats, Series: []Series{{Name: "Garçons", Values: a}, {Name: "Filles", Values: b}}, ShowValues: true})
	many := make([]string, 50)
	for i := range many {
		many[i] = fmt.Sprintf("Établissement %d", i+1)
	}
	d.BarChart(BarChart{Categories: many, Series: []Series{{Values: append(append(a, b...), a...)}}, Horizontal: true})
	out, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if n := d.pdf.PageNo(); n != 2 {
		t.Errorf("got %d pages, want 2 (one per chart)", n)
	}
	needTool(t, "pdftotext")
	text := run(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, out), "-")
	pages := strings.Split(text, "\f")
	for i := 1; i <= 20; i++ {
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^Collège n°%d$`, i)).MatchString(pages[0]) {
			t.Errorf("page 1 lacks the label %q", fmt.Sprintf("Collège n°%d", i))
		}
	}
	if c := strings.Count(pages[1], "Établissement "); c != 50 {
		t.Errorf("page 2 shows %d labels of 50", c)
	}
}
