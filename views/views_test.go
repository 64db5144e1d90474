package views

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/reports"
	"mediation/models/risk"
)

// catalog merges the catalog files of a language ("fr.json" → locales/fr.json and
// locales/*.fr.json); a message defined twice is an error.
func catalog(t *testing.T, name string) map[string]any {
	t.Helper()
	names, _ := fs.Glob(files, "locales/*"+name)
	m := map[string]any{}
	for _, n := range names {
		if base := path.Base(n); base != name && !strings.HasSuffix(base, "."+name) {
			continue
		}
		b, err := fs.ReadFile(files, n)
		if err != nil {
			t.Fatal(err)
		}
		part := map[string]any{}
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for k, v := range part {
			if _, dup := m[k]; dup {
				t.Errorf("%s: message %q is defined twice", n, k)
			}
			m[k] = v
		}
	}
	if len(m) == 0 {
		t.Fatalf("no catalog for %s", name)
	}
	return m
}

// Every message the templates and enumerations use exists in French and in English, and the
// two catalogs hold the same messages.
func TestCatalogsAreComplete(t *testing.T) {
	t.Parallel()
	fr, en := catalog(t, "fr.json"), catalog(t, "en.json")
	var missing []string
	for k := range fr {
		if _, ok := en[k]; !ok {
			missing = append(missing, "en: "+k)
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			missing = append(missing, "fr: "+k)
		}
	}
	used := map[string]bool{}
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	pages, _ := fs.Glob(files, "templates/*.html")
	more, _ := fs.Glob(files, "templates/pages/*.html")
	for _, p := range append(pages, more...) {
		b, _ := fs.ReadFile(files, p)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	add := func(prefix string, values []string) {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	add("role.", strs(models.Roles))
	add("status.", strs(models.PupilStatuses))
	add("referral.", strs(models.ReferralStatuses))
	add("establishment.type.", strs(models.EstablishmentTypes))
	add("priority.", strs(models.PriorityLabels))
	add("partner.kind.", strs(models.PartnerKinds))
	add("risk.", strs(risk.Levels))
	add("level.", strs(models.ClassLevels))
	add("kind.", strs(models.FollowUpKinds))
	add("exit.", strs(models.ExitReasons))
	add("risk.rule.", []string{risk.RuleMonthlyAlert, risk.RuleMonthlyWatch, risk.RuleChronicAbsence, risk.RuleExclusions,
		risk.RuleIncidents, risk.RuleLowAverage, risk.RuleAverageDrop})
	add("pupils.sort.", []string{"name", "risk", "status", "identified", "contact"})
	add("indicator.field.", []string{"month", "unjustified_half_days", "justified_half_days", "school_half_days", "temporary_exclusions", "incidents", "term_average"})
	add("guardian.field.", []string{"name", "relation", "phone", "email", "home_language"})
	add("pupil.field.", []string{"establishment_id", "last_name", "first_name", "birth_date", "class_level", "class_name", "ine", "referent_id"})
	add("audit.action.", models.AuditActions)
	add("access.", models.AccessKinds)
	add("impact.basis.", append(strs(models.CostBases), "none"))
	add("notify.", strs(models.NotificationKinds))
	add("mail.status.", strs(models.MailStatuses))
	add("mail.preference.", strs(models.MailPreferences))
	add("mail.preference.", []string{"immediate_hint", "digest_hint", "never_hint"})
	add("impact.formula.", reports.FormulaInputs)
	for k := range used {
		if _, ok := fr[k]; !ok {
			missing = append(missing, "fr: "+k)
		}
		if _, ok := en[k]; !ok {
			missing = append(missing, "en: "+k)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("missing message %s", m)
	}
}

func TestPluralsAndLanguages(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fr := v.Localizer("fr")
	for n, want := range map[int]string{0: "0 compte", 1: "1 compte", 2: "2 comptes", 1000000: "1000000 comptes"} {
		if got := fr.T("admin.users.count", "Count", n); got != want {
			t.Errorf("fr %d: %q, want %q", n, got, want)
		}
	}
	if got := v.Localizer("en-GB,en;q=0.8").T("admin.users.count", "Count", 1); got != "1 account" {
		t.Errorf("en 1: %q", got)
	}
	if v.Localizer("de-DE").Lang() != "fr" || v.Localizer("", "en").Lang() != "en" {
		t.Error("language choice is wrong")
	}
	if got := fr.T("no.such.message"); got != "no.such.message" {
		t.Errorf("missing message shows %q", got)
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Every catalog message is named by a stable identifier, never by a sentence: a sentence as a
// key changes with its wording, and a number inside it ("200 caractères au plus.") makes one
// message per value.
func TestCatalogKeysAreIdentifiers(t *testing.T) {
	t.Parallel()
	id := regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)+$`)
	for _, lang := range []string{"fr.json", "en.json"} {
		for k := range catalog(t, lang) {
			if !id.MatchString(k) {
				t.Errorf("%s: message %q is not named by an identifier", lang, k)
			}
		}
	}
}

// The messages that models and handlers give (validation errors, refusals, import lines) are
// catalog keys that exist in French and in English, and none is a sentence built in Go.
func TestModelMessagesAreInTheCatalogs(t *testing.T) {
	t.Parallel()
	fr, en := catalog(t, "fr.json"), catalog(t, "en.json")
	key := `"((?:[^"\\]|\\.)*)"`
	uses := []*regexp.Regexp{
		regexp.MustCompile(`\.(?:Add|Put)\([^,()]+, ` + key),
		regexp.MustCompile(`\bMsg\(` + key),
		regexp.MustCompile(`\bProblemf\([^,()]+, ` + key),
		regexp.MustCompile(`(?m)\b[mM]sg[A-Za-z]* += ` + key),
		regexp.MustCompile(`(?m)^\s+Action[A-Za-z]+: +` + key),
	}
	built := regexp.MustCompile(`\b(?:Msg|Problemf|\.Add|\.Put)\([^\n]*fmt\.Sprint`)
	found := 0
	err := filepath.WalkDir("..", func(f string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && f != ".." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(f, ".go") || strings.HasSuffix(f, "_test.go") {
			return nil
		}
		if dir := filepath.ToSlash(f); !strings.HasPrefix(dir, "../models/") && !strings.HasPrefix(dir, "../handlers/") {
			return nil
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if m := built.Find(b); m != nil {
			t.Errorf("%s: a message built with Sprintf: %s", f, m)
		}
		for _, re := range uses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found++
				_, inFr := fr[m[1]]
				_, inEn := en[m[1]]
				if !inFr || !inEn {
					t.Errorf("%s: message %q is missing in French or English", f, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 100 {
		t.Errorf("only %d messages found in models and handlers: the patterns no longer match the code", found)
	}
}

// A length limit is one message whatever the limit, written with the language's digit grouping
// and plural.
func TestTooLongSaysTheLimit(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := v.Localizer("fr"), v.Localizer("en")
	for _, c := range []struct {
		max    int
		fr, en string
	}{
		{1, "1 caractère au plus.", "1 character at most."},
		{200, "200 caractères au plus.", "200 characters at most."},
		{1000, "1 000 caractères au plus.", "1,000 characters at most."},
		{10000, "10 000 caractères au plus.", "10,000 characters at most."},
		{1000000, "1 000 000 caractères au plus.", "1,000,000 characters at most."},
	} {
		if got := fr.Msg(models.TooLong(c.max)); got != c.fr {
			t.Errorf("fr %d: %q, want %q", c.max, got, c.fr)
		}
		if got := en.Msg(models.TooLong(c.max)); got != c.en {
			t.Errorf("en %d: %q, want %q", c.max, got, c.en)
		}
	}
	if got := fr.Msg(models.Msg("risk_rules.points_range", "Max", 10)); got != "les points doivent être compris entre 0 et 10" {
		t.Errorf("risk points: %q", got)
	}
}
