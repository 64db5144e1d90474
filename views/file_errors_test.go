package views

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The problems with a whole imported file (csvimport's errors, and the importers' missing
// columns) are French formats that serve as message IDs: each has its French and its English
// text in the catalogs, and keeps the placeholders of its values.
func TestFileErrorsAreTranslated(t *testing.T) {
	t.Parallel()
	fr, en := catalog(t, "fr.json"), catalog(t, "en.json")
	sources := []struct {
		glob string
		re   *regexp.Regexp
	}{
		{"../models/imports/csvimport/*.go", regexp.MustCompile(`NewError\(Code\w+, "((?:[^"\\]|\\.)*)"`)},
		{"../models/imports/*.go", regexp.MustCompile(`\{col\w+, "((?:[^"\\]|\\.)*)"\}`)},
	}
	found := 0
	for _, src := range sources {
		files, err := filepath.Glob(src.glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files for %s", src.glob)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range src.re.FindAllStringSubmatch(string(b), -1) {
				found++
				format := strings.ReplaceAll(m[1], `\"`, `"`)
				for lang, cat := range map[string]map[string]any{"fr": fr, "en": en} {
					text, ok := cat[format].(string)
					if !ok {
						t.Errorf("%s: no %s text for %q", f, lang, format)
						continue
					}
					for _, ph := range []string{"{{.Line}}", "{{.Value}}"} {
						if strings.Contains(format, ph) != strings.Contains(text, ph) {
							t.Errorf("%s text of %q: %q does not keep %s", lang, format, text, ph)
						}
					}
				}
			}
		}
	}
	if found < 15 {
		t.Errorf("only %d file messages found: the patterns no longer match the sources", found)
	}
}

// A file error reads in the page's language, with its values.
func TestFileErrorInEnglish(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	format := "ligne {{.Line}} : guillemets mal fermés ; vérifiez que le fichier est bien un CSV"
	if got := v.Localizer("en").T(format, "Line", 12, "Value", ""); got != "line 12: a quotation mark is not closed; check that the file is a CSV" {
		t.Errorf("en: %q", got)
	}
	if got := v.Localizer("fr").T(format, "Line", 12, "Value", ""); got != "ligne 12 : guillemets mal fermés ; vérifiez que le fichier est bien un CSV" {
		t.Errorf("fr: %q", got)
	}
}
