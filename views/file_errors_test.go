package views

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
)

// fileCodes finds the codes of the problems with a whole imported file in the sources: those
// csvimport declares, and the importers' missing columns.
func fileCodes(t *testing.T) []string {
	t.Helper()
	sources := []struct {
		glob   string
		re     *regexp.Regexp
		prefix string
	}{
		{"../models/imports/csvimport/*.go", regexp.MustCompile(`(?m)^\s+Code\w+ +Code = "([a-z0-9_]+)"`), ""},
		{"../models/imports/*.go", regexp.MustCompile(`csvimport\.CodeMissingColumn \+ "(\.[a-z0-9_]+)"`), string(csvimport.CodeMissingColumn)},
	}
	var codes []string
	for _, src := range sources {
		for _, text := range goSources(t, src.glob) {
			for _, m := range src.re.FindAllStringSubmatch(text, -1) {
				codes = append(codes, src.prefix+m[1])
			}
		}
	}
	return codes
}

// goSources reads the Go files (not the tests) that glob names.
func goSources(t *testing.T, glob string) []string {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files for %s", glob)
	}
	var texts []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	return texts
}

// Each problem with a whole imported file (csvimport's codes, and the importers' missing
// columns) has its message in French and in English, and both name the same values.
func TestFileErrorsAreTranslated(t *testing.T) {
	t.Parallel()
	fr, en := catalog(t, "fr.json"), catalog(t, "en.json")
	codes := fileCodes(t)
	for _, code := range codes {
		key := "import.file." + code
		frText, ok := fr[key].(string)
		if !ok {
			t.Errorf("no French message %q", key)
			continue
		}
		enText, ok := en[key].(string)
		if !ok {
			t.Errorf("no English message %q", key)
			continue
		}
		for _, ph := range []string{"{{.Line}}", "{{.Value}}"} {
			if strings.Contains(frText, ph) != strings.Contains(enText, ph) {
				t.Errorf("%s: %q and %q do not both name %s", key, frText, enText, ph)
			}
		}
	}
	if len(codes) < 19 {
		t.Errorf("only %d file codes found: the patterns no longer match the sources", len(codes))
	}
}

// A file's problem reads in French word for word as the command and the page have always
// written it, and in English for an English page.
func TestFileProblemsInFrenchAndEnglish(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := v.Localizer("fr"), v.Localizer("en")
	missing := func(column string) csvimport.Error {
		return csvimport.Error{Code: csvimport.CodeMissingColumn + csvimport.Code(column)}
	}
	for _, c := range []struct {
		err    csvimport.Error
		fr, en string
	}{
		{csvimport.Error{Code: csvimport.CodeEmpty}, "le fichier est vide", "the file is empty"},
		{csvimport.Error{Code: csvimport.CodeNotCSV}, "ce fichier n'est pas un CSV (classeur ou PDF ?) : enregistrez-le au format CSV",
			"this file is not a CSV (a workbook or a PDF?): save it as CSV"},
		{csvimport.Error{Code: csvimport.CodeNotText}, "ce fichier n'est pas un fichier texte CSV (il contient des octets nuls) : exportez-le au format CSV",
			"this file is not a CSV text file (it contains null bytes): export it as CSV"},
		{csvimport.Error{Code: csvimport.CodeUnknownEncoding, Value: "ebcdic"}, "encodage « ebcdic » inconnu : auto, utf-8 ou windows-1252",
			"unknown encoding “ebcdic”: auto, utf-8 or windows-1252"},
		{csvimport.Error{Code: csvimport.CodeNoHeader}, "aucune ligne d'en-tête reconnaissable : la première ligne doit nommer les colonnes",
			"no recognisable header line: the first line must name the columns"},
		{csvimport.Error{Code: csvimport.CodeMixedInUTF8, Line: 1234},
			"ligne 1234 : caractères invalides en UTF-8 alors que le début du fichier est en UTF-8 : le fichier mélange des encodages, réenregistrez-le en UTF-8",
			"line 1234: characters that are not valid UTF-8 although the file starts in UTF-8: the file mixes encodings, save it again as UTF-8"},
		{csvimport.Error{Code: csvimport.CodeMixedInWindows1252, Line: 3},
			"ligne 3 : accents codés en UTF-8 dans un fichier en Windows-1252 : le fichier mélange des encodages, réenregistrez-le en UTF-8",
			"line 3: accents encoded in UTF-8 in a Windows-1252 file: the file mixes encodings, save it again as UTF-8"},
		{csvimport.Error{Code: csvimport.CodeQuotes, Line: 12}, "ligne 12 : guillemets mal fermés ; vérifiez que le fichier est bien un CSV",
			"line 12: a quotation mark is not closed; check that the file is a CSV"},
		{csvimport.Error{Code: csvimport.CodeSyntax, Line: 7, Value: "extraneous data"}, "ligne 7 : extraneous data", "line 7: extraneous data"},
		{csvimport.Error{Code: csvimport.CodeUnreadable, Value: "unexpected EOF"}, "lecture du fichier impossible : unexpected EOF",
			"the file cannot be read: unexpected EOF"},
		{csvimport.Error{Code: csvimport.CodeTooLarge, Value: "50"}, "le fichier dépasse la taille permise (50 Mo)", "the file is larger than allowed (50 MB)"},
		{missing(".establishments_uai"), "colonne introuvable pour l'UAI (Identifiant_de_l_etablissement) : est-ce bien l'export de l'annuaire de l'éducation ?",
			"no column for the UAI (Identifiant_de_l_etablissement): is this the export of the Annuaire de l'éducation?"},
		{missing(".establishments_name"), "colonne introuvable pour le nom (Nom_etablissement) : est-ce bien l'export de l'annuaire de l'éducation ?",
			"no column for the name (Nom_etablissement): is this the export of the Annuaire de l'éducation?"},
		{missing(".establishments_type"), "colonne introuvable pour le type (Type_etablissement) : est-ce bien l'export de l'annuaire de l'éducation ?",
			"no column for the type (Type_etablissement): is this the export of the Annuaire de l'éducation?"},
		{missing(".pupils_last_name"), "colonne introuvable pour le nom : la liste d'élèves doit avoir les colonnes Nom, Prénom et Date de naissance",
			"no column for the last name: a class list needs the columns Nom, Prénom and Date de naissance"},
		{missing(".pupils_first_name"), "colonne introuvable pour le prénom : la liste d'élèves doit avoir les colonnes Nom, Prénom et Date de naissance",
			"no column for the first name: a class list needs the columns Nom, Prénom and Date de naissance"},
		{missing(".pupils_birth_date"), "colonne introuvable pour la date de naissance : la liste d'élèves doit avoir les colonnes Nom, Prénom et Date de naissance",
			"no column for the birth date: a class list needs the columns Nom, Prénom and Date de naissance"},
		{missing(".indicators_pupil"), "colonne introuvable pour le nom ou l'INE : l'export des absences doit identifier l'élève et donner ses demi-journées non justifiées par mois",
			"no column for the last name or the INE: an attendance export must identify the pupil and give their unjustified half-days of absence per month"},
		{missing(".indicators_unjustified"), "colonne introuvable pour les demi-journées d'absence non justifiées : l'export des absences doit identifier l'élève et donner ses demi-journées non justifiées par mois",
			"no column for the unjustified half-days of absence: an attendance export must identify the pupil and give their unjustified half-days of absence per month"},
	} {
		if got := fr.FileProblem(&c.err); got != c.fr {
			t.Errorf("fr %s: %q, want %q", c.err.Code, got, c.fr)
		}
		if got := en.FileProblem(&c.err); got != c.en {
			t.Errorf("en %s: %q, want %q", c.err.Code, got, c.en)
		}
	}
}

// The reasons an import left lines out read in the page's language, in the order of their text.
func TestSkippedLines(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[imports.Skip]int{{Key: imports.SkipType, Type: "Ecole"}: 12, {Key: imports.SkipNoType}: 1, {Key: imports.SkipType, Type: "EREA"}: 2}
	want := map[string][]SkippedLine{
		"fr": {{"type « EREA », non retenu", 2}, {"type « Ecole », non retenu", 12}, {"type « sans type », non retenu", 1}},
		"en": {{"no type, not kept", 1}, {"type “EREA”, not kept", 2}, {"type “Ecole”, not kept", 12}},
	}
	for lang, w := range want {
		got := v.Localizer(lang).SkippedLines(skipped)
		if len(got) != len(w) {
			t.Fatalf("%s: %v, want %v", lang, got, w)
		}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("%s: %v, want %v", lang, got, w)
			}
		}
	}
	if got := v.Localizer("fr").SkippedLines(map[imports.Skip]int{{Key: imports.SkipNoFile}: 3}); len(got) != 1 || got[0].Text != "élève sans dossier" {
		t.Errorf("no file: %v", got)
	}
}

// Every field an invalid import line may name has its label in French and in English: those
// the importers name (in fail, invalid and errs[…]) and those of the validation they share
// with the forms.
func TestImportFieldsHaveLabels(t *testing.T) {
	t.Parallel()
	fr, en := catalog(t, "fr.json"), catalog(t, "en.json")
	fields := map[string]bool{}
	named := regexp.MustCompile(`(?:fail\(|invalid\(rec\.Line, |errs\[)"([a-z_]+)"|\{"([a-z_]+)", col\w+, &in\.`)
	for _, text := range goSources(t, "../models/imports/*.go") {
		for _, m := range named.FindAllStringSubmatch(text, -1) {
			fields[m[1]+m[2]] = true
		}
	}
	if len(fields) < 15 {
		t.Errorf("only %d fields found in the importers: the pattern no longer matches them", len(fields))
	}
	now := time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)
	pupil := models.PupilInput{ClassName: strings.Repeat("x", 30), INE: "?"}
	school, minus := 0, -1
	indicators := models.IndicatorInput{Month: calendar.MonthOf(now), SchoolHalfDays: &school, UnjustifiedHalfDays: &minus,
		JustifiedHalfDays: &minus, TemporaryExclusions: &minus, Incidents: &minus}
	for _, v := range []models.ValidationError{pupil.Validate(now), indicators.Validate(now), models.IndicatorInput{Month: "?"}.Validate(now)} {
		for f := range v {
			fields[f] = true
		}
	}
	for f := range fields {
		for lang, cat := range map[string]map[string]any{"fr": fr, "en": en} {
			if _, ok := cat["import.field."+f].(string); !ok {
				t.Errorf("no %s label for the import field %q", lang, f)
			}
		}
	}
}
