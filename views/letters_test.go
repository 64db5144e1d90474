package views

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"mediation/models"
	"mediation/views/letterpdf"
)

// PDFTool runs a poppler or qpdf command on a PDF and gives its output; the test skips when
// the tool is not installed.
func pdfTool(t *testing.T, pdf []byte, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed", name)
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(name, append(args, path)...)
	if name == "pdftotext" {
		cmd.Args = append(cmd.Args, "-")
	}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out.String())
	}
	return out.String()
}

// CheckLetterPDF runs the checks every letter passes: qpdf finds no error, every font is
// embedded, and gives the text pdftotext reads (-raw: in the order drawn, NFKC).
func checkLetterPDF(t *testing.T, pdf []byte) string {
	t.Helper()
	if out := pdfTool(t, pdf, "qpdf", "--check"); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	fonts := pdfTool(t, pdf, "pdffonts")
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 3 {
		t.Errorf("pdffonts lists no font:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		// name type encoding emb sub uni object ID: "emb" is the 4th field from the end of the
		// type columns; CID TrueType Identity-H yes no yes 12 0.
		f := strings.Fields(l)
		if len(f) < 6 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	return norm.NFKC.String(pdfTool(t, pdf, "pdftotext", "-raw", "-enc", "UTF-8"))
}

func letterPDF(t *testing.T, d LetterData, lang LetterLang, validated bool) ([]byte, int) {
	t.Helper()
	fr, _ := LetterLangByCode("fr")
	french := LetterText{Lang: fr, Body: ShippedLetter(d.Document, "fr"), Validated: true}
	var tr *LetterText
	if lang.Code != "fr" {
		tr = &LetterText{Lang: lang, Body: ShippedLetter(d.Document, lang.Code), Validated: validated}
	}
	b, pages, err := testLocalizer(t).LetterPDF(d, french, tr, d.Written)
	if err != nil {
		t.Fatalf("%s/%s: %v", d.Document, lang.Code, err)
	}
	return b, pages
}

func testLocalizer(t *testing.T) *Localizer {
	t.Helper()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return v.Localizer("fr")
}

// Each shipped text parses, and the three documents exist in every language.
func TestShippedLettersParse(t *testing.T) {
	for _, doc := range models.LetterDocuments {
		for _, l := range LetterLangs() {
			body := ShippedLetter(doc, l.Code)
			if body == "" {
				t.Errorf("%s/%s: no shipped text", doc, l.Code)
				continue
			}
			if v := CheckLetter(doc, body); v != nil {
				t.Errorf("%s/%s: %v", doc, l.Code, v)
			}
		}
	}
}

// Every document in every language, filled with a long file: at most two pages, qpdf finds no
// error, every font is embedded, and the text comes back with the pupil's first name and the
// date in that language's convention (the meeting's, or the letter's for the consent form).
func TestLettersEveryDocumentAndLanguage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, doc := range models.LetterDocuments {
		for _, l := range LetterLangs() {
			t.Run(string(doc)+"/"+l.Code, func(t *testing.T) {
				d := SampleLetterData(doc, now)
				d.FirstName = "Yasmine"
				b, pages := letterPDF(t, d, l, true)
				if pages > MaxLetterPages {
					t.Errorf("%d pages", pages)
				}
				text := checkLetterPDF(t, b)
				flat := strings.Join(strings.Fields(text), " ")
				for _, want := range []string{"Yasmine", "Benali-Fernandes", "Collège Jean-Baptiste Lebas"} {
					if !strings.Contains(flat, want) && !(l.RTL && strings.Contains(flat, "Jean-Baptiste")) {
						t.Errorf("%q missing from:\n%s", want, text)
					}
				}
				day := d.When
				if doc == models.LetterConsent {
					day = d.Written
				}
				// The French date, then the translation's: day and month name in each.
				fr, _ := LetterLangByCode("fr")
				for _, lang := range []LetterLang{fr, l} {
					date := norm.NFKC.String(lang.Date(day.In(paris)))
					month := lang.months[day.In(paris).Month()-1]
					if !strings.Contains(flat, norm.NFKC.String(month)) {
						t.Errorf("%s: month %q of %q missing from:\n%s", lang.Code, month, date, text)
					}
				}
				// Nothing of another file or of a restricted note: the letter prints only the
				// values it is given.
				if strings.Contains(flat, "{{") || strings.Contains(flat, "}}") {
					t.Errorf("a placeholder was left:\n%s", text)
				}
			})
		}
	}
}

// isArabicLetter tells whether r is an Arabic letter (not a digit or punctuation).
func isArabicLetter(r rune) bool { return unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) }

// arabicWords gives the Arabic words of a text in order, punctuation taken off.
func arabicWords(tokens []string) []string {
	var out []string
	for _, tok := range tokens {
		w := strings.TrimFunc(tok, func(r rune) bool { return !isArabicLetter(r) })
		if w != "" && strings.IndexFunc(w, isArabicLetter) >= 0 {
			out = append(out, w)
		}
	}
	return out
}

// Arabic reads right to left with its letters joined: the PDF draws the presentation forms
// (initial, medial and final forms, not only isolated ones), and its text, read back in the
// order drawn and each line's words taken from right to left, gives after NFKC the words of the
// template, filled, in their logical order.
func TestArabicLetterIsShapedAndRightToLeft(t *testing.T) {
	t.Parallel()
	ar, _ := LetterLangByCode("ar")
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, doc := range models.LetterDocuments {
		t.Run(string(doc), func(t *testing.T) {
			d := SampleLetterData(doc, now)
			b, _ := letterPDF(t, d, ar, true)
			checkLetterPDF(t, b)
			raw := pdfTool(t, b, "pdftotext", "-raw", "-enc", "UTF-8")
			forms := map[string]int{}
			for _, r := range raw {
				switch {
				case r >= 0xFE70 && r <= 0xFEFC:
					// The position of a letter's forms in its group of the block tells which
					// form it is; counting the four kinds is enough here.
					forms["presentation"]++
				case isArabicLetter(r) && r < 0x0700:
					forms["unshaped"]++
				}
			}
			if forms["presentation"] < 100 || forms["unshaped"] > 0 {
				t.Errorf("glyphs: %v", forms)
			}
			for _, want := range []rune{0xFEE3 /* meem initial */, 0xFEE4 /* meem medial */, 0xFE8E /* alef final */, 0xFEDF /* lam initial */} {
				if !strings.ContainsRune(raw, want) {
					t.Errorf("no %U in the PDF text", want)
				}
			}
			// The Arabic section's words, line by line from the right.
			text := norm.NFKC.String(raw)
			text = strings.Map(func(r rune) rune {
				if r >= 0x202A && r <= 0x202E {
					return -1
				}
				return r
			}, text)
			var got []string
			for _, line := range strings.Split(text, "\n") {
				tok := strings.Fields(line)
				for i, j := 0, len(tok)-1; i < j; i, j = i+1, j-1 {
					tok[i], tok[j] = tok[j], tok[i]
				}
				got = append(got, arabicWords(tok)...)
			}
			lines, verr := parseLetter(doc, ShippedLetter(doc, "ar"))
			if verr != nil {
				t.Fatal(verr)
			}
			text2, lists := d.values(ar)
			var want []string
			for _, bl := range fill(lines, text2, lists) {
				want = append(want, arabicWords(strings.Fields(norm.NFKC.String(bl.Text)))...)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("Arabic words read back:\n%v\nwant:\n%v", got, want)
			}
		})
	}
}

// The shaping itself: each letter takes the form its neighbours call for, lam-alef is a
// ligature, and NFKC gives the letters typed back.
func TestShapeArabic(t *testing.T) {
	cases := []struct{ in, want string }{
		{"سلام", "\uFEB3\uFEFC\uFEE1"},       // seen initial, lam-alef final, meem isolated
		{"لا", "\uFEFB"},                     // lam-alef isolated
		{"من", "\uFEE3\uFEE6"},               // meem initial, noon final
		{"دعوة", "\uFEA9\uFECB\uFEEE\uFE93"}, // dal isolated, ain initial, waw final, teh marbuta isolated
		{"شيء", "\uFEB7\uFEF2\uFE80"},        // sheen initial, yeh final, hamza isolated (never joined)
		{"Yasmine 12", "Yasmine 12"},
	}
	for _, c := range cases {
		got := letterpdf.Shape(c.in)
		if got != c.want {
			t.Errorf("Shape(%q) = %U, want %U", c.in, []rune(got), []rune(c.want))
		}
		if norm.NFKC.String(got) != c.in {
			t.Errorf("NFKC(Shape(%q)) = %q", c.in, norm.NFKC.String(got))
		}
	}
	// Numbers and Latin words keep their order inside right-to-left text.
	if got := letterpdf.Visual("في Collège Jean 14:30 يوم"); got != "موي 14:30 Collège Jean يف" {
		t.Errorf("Visual = %q", got)
	}
	// A phone number held by no-break spaces keeps its groups in order.
	if got := letterpdf.Visual("هاتف: 06\u00a012\u00a034"); got != "06\u00a012\u00a034 :فتاه" {
		t.Errorf("Visual(phone) = %q", got)
	}
}

// The templates' checks: unknown and unclosed placeholders, a list inside a sentence, an empty
// text are refused with the line.
func TestCheckLetter(t *testing.T) {
	cases := []struct {
		body string
		key  string
	}{
		{"Bonjour {{prenom}}", ""},
		{"Bonjour {{ prenom }}", ""},
		{"Bonjour {{prenon}}", "letters.unknown_field"},
		{"Bonjour\n{{prenom", "letters.unclosed"},
		{"Bonjour prenom}}", "letters.unopened"},
		{"Voici : {{donnees}}", "letters.list_alone"},
		{"   \n\n", "letters.empty"},
	}
	for _, c := range cases {
		v := CheckLetter(models.LetterConsent, c.body)
		switch {
		case c.key == "" && v != nil:
			t.Errorf("%q: %v", c.body, v)
		case c.key != "" && (v == nil || v["body"].Key != c.key):
			t.Errorf("%q: got %v, want %s", c.body, v, c.key)
		}
	}
	if v := CheckLetter(models.LetterInvitation, "{{decisions}}"); v == nil {
		t.Error("the invitation has no decisions field")
	}
	if v := CheckLetter(models.LetterConsent, "Bonjour\n{{prenom"); v["body"].Args[1] != 2 {
		t.Errorf("line: %v", v["body"].Args)
	}
}

// The home language as typed on a file points to the letters' language.
func TestLetterLangOf(t *testing.T) {
	for in, want := range map[string]string{"arabe": "ar", "Arabe maghrébin": "ar", "turc": "tr", "Portugais": "pt",
		"roumain": "ro", "espagnol": "es", "anglais": "en", "russe": "ru", "ukrainien": "uk", "tamoul": "fr", "": "fr",
		"français": "fr", "Turkish": "tr"} {
		if got := LetterLangOf(in); got != want {
			t.Errorf("LetterLangOf(%q) = %s, want %s", in, got, want)
		}
	}
}

// BenchmarkArabicConsentForm measures the heaviest letter: the consent form, French and Arabic,
// with the long sample file (two pages, three fonts subset and embedded).
func BenchmarkArabicConsentForm(b *testing.B) {
	v, err := New()
	if err != nil {
		b.Fatal(err)
	}
	loc := v.Localizer("fr")
	fr, _ := LetterLangByCode("fr")
	ar, _ := LetterLangByCode("ar")
	d := SampleLetterData(models.LetterConsent, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	french := LetterText{Lang: fr, Body: ShippedLetter(models.LetterConsent, "fr"), Validated: true}
	tr := &LetterText{Lang: ar, Body: ShippedLetter(models.LetterConsent, "ar"), Validated: true}
	var size int
	for b.Loop() {
		pdf, _, err := loc.LetterPDF(d, french, tr, d.Written)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// The consent form says exactly what the partner will see: the pupil's part of a referral is
// models.ReferralPupil. A field added there (or a guardian's field shown to partners) must be
// named on the form, in every language, before this test is updated.
func TestConsentFormNamesWhatPartnersSee(t *testing.T) {
	var fields []string
	rt := reflect.TypeOf(models.ReferralPupil{})
	for i := range rt.NumField() {
		fields = append(fields, rt.Field(i).Name)
	}
	want := "ID LastName FirstName BirthDate ClassLevel ClassName EstablishmentName EstablishmentID"
	if got := strings.Join(fields, " "); got != want {
		t.Errorf("a partner now sees %s of the pupil: name it in LetterLang.Shared, then update this test", got)
	}
	var guardian []string
	gt := reflect.TypeOf(models.Guardian{})
	for i := range gt.NumField() {
		guardian = append(guardian, gt.Field(i).Name)
	}
	if got := strings.Join(guardian, " "); got != "ID PupilID Name Relation Phone Email HomeLanguage InterpreterNeeded CreatedAt UpdatedAt" {
		t.Errorf("a guardian now has %s: does the partner see it? name it in LetterLang.Shared, then update this test", got)
	}
	for _, l := range LetterLangs() {
		if len(l.Shared) != 4 {
			t.Errorf("%s: %d shared items, want 4", l.Code, len(l.Shared))
		}
	}
}
