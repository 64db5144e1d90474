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

// The French messages that models and handlers give form fields have their English version in
// the catalog (the French text is the message's id).
func TestFieldMessagesAreTranslated(t *testing.T) {
	t.Parallel()
	en := catalog(t, "en.json")
	add := regexp.MustCompile(`\.Add\([a-zA-Z0-9_+"]+, "((?:[^"\\]|\\.)*)"\)`)
	literal := regexp.MustCompile(`ValidationError\{"[a-z0-9_]+": "((?:[^"\\]|\\.)*)"\}`)
	for _, dir := range []string{"../models", "../handlers"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range []*regexp.Regexp{add, literal} {
				for _, m := range re.FindAllStringSubmatch(string(b), -1) {
					msg := strings.ReplaceAll(m[1], `\"`, `"`)
					if _, ok := en[msg]; !ok {
						t.Errorf("%s: no English for %q", f, msg)
					}
				}
			}
		}
	}
}
