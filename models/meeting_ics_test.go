package models_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"mediation/models"
	"mediation/models/calendar"
)

// icsProperty is one unfolded content line: NAME;PARAMS:VALUE.
type icsProperty struct {
	name, params, value string
}

// parseICS reads an iCalendar file back the way a calendar does (RFC 5545, 3.1): lines end with
// CRLF, a line that starts with a space or a tab continues the previous one. It checks the
// physical lines on the way: CRLF only, 75 octets at most, whole UTF-8 characters.
func parseICS(t *testing.T, data []byte) []icsProperty {
	t.Helper()
	text := string(data)
	if !strings.HasSuffix(text, "\r\n") {
		t.Error("the file does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	var logical []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets long: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				t.Fatalf("the file starts with a continuation line")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	var props []icsProperty
	for _, l := range logical {
		colon := strings.Index(l, ":")
		if colon < 0 {
			t.Fatalf("no colon in %q", l)
		}
		name, params, _ := strings.Cut(l[:colon], ";")
		props = append(props, icsProperty{name: name, params: params, value: l[colon+1:]})
	}
	return props
}

// unescapeText reverses the escaping of a TEXT value.
func unescapeText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			if s[i] == ';' || s[i] == ',' {
				t.Errorf("unescaped %q in %q", s[i], s)
			}
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			t.Fatalf("dangling backslash in %q", s)
		}
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ';', ',':
			b.WriteByte(s[i])
		default:
			t.Errorf("unknown escape \\%c in %q", s[i], s)
		}
	}
	return b.String()
}

func TestMeetingICS(t *testing.T) {
	purpose := "Bilan du trimestre avec la famille Vanhoutte ; présentation du dispositif « Devoirs faits », " +
		"de l'aide aux devoirs, du tutorat, et des démarches d'orientation vers la Mission locale — rendez-vous pris.\n" +
		"Prévoir l'interprète (néerlandais) ; chemin d'accès : C:\\bâtiment B."
	m := models.Meeting{ID: 42, ScheduledAt: time.Date(2026, 11, 25, 14, 0, 0, 0, calendar.Paris), DurationMinutes: 45,
		Place: "Salle des familles, bâtiment Vanhoutte-Nord; 1er étage", Purpose: purpose, Status: models.MeetingPlanned, Version: 3}
	stamp := time.Date(2026, 11, 20, 9, 30, 15, 0, calendar.Paris)
	out := models.MeetingICS(m, "Inès", "Vanhoutte", nil, stamp)
	props := parseICS(t, out)

	var names []string
	got := map[string]string{}
	for _, p := range props {
		names = append(names, p.name)
		if p.params != "" {
			t.Errorf("%s has parameters %q", p.name, p.params)
		}
		if p.name != "BEGIN" && p.name != "END" {
			if _, dup := got[p.name]; dup {
				t.Errorf("%s appears twice", p.name)
			}
			got[p.name] = p.value
		}
	}
	wantOrder := "BEGIN VERSION PRODID CALSCALE METHOD BEGIN UID SEQUENCE DTSTAMP DTSTART DTEND SUMMARY LOCATION DESCRIPTION STATUS TRANSP END END"
	if strings.Join(names, " ") != wantOrder {
		t.Errorf("properties %s", strings.Join(names, " "))
	}
	if props[0].value != "VCALENDAR" || props[5].value != "VEVENT" || props[len(props)-2].value != "VEVENT" || props[len(props)-1].value != "VCALENDAR" {
		t.Error("the components are not VCALENDAR around VEVENT")
	}
	for name, want := range map[string]string{
		"VERSION":  "2.0",
		"UID":      "meeting-42@mediation.lille-metropole",
		"SEQUENCE": "3",
		"DTSTAMP":  "20261120T083015Z",
		"DTSTART":  "20261125T130000Z",
		"DTEND":    "20261125T134500Z",
		"STATUS":   "CONFIRMED",
		"METHOD":   "PUBLISH",
	} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
	if s := unescapeText(t, got["SUMMARY"]); s != "Rencontre famille–école — Inès V." {
		t.Errorf("SUMMARY %q", s)
	}
	// The surname never leaves: it is masked where it was typed, as a whole word only.
	if s := unescapeText(t, got["LOCATION"]); s != "Salle des familles, bâtiment V.-Nord; 1er étage" {
		t.Errorf("LOCATION %q", s)
	}
	wantPurpose := strings.ReplaceAll(purpose, "famille Vanhoutte", "famille V.")
	if s := unescapeText(t, got["DESCRIPTION"]); s != wantPurpose {
		t.Errorf("DESCRIPTION\n%q, want\n%q", s, wantPurpose)
	}
	if strings.Contains(strings.ToLower(string(out)), "vanhoutte") {
		t.Error("the calendar file holds the pupil's surname")
	}
	// The long French purpose is folded, and the folds fall between characters.
	if !strings.Contains(string(out), "\r\n ") {
		t.Error("no folded line")
	}

	// A cancelled or postponed meeting is a cancelled event; the UID stays, the sequence follows.
	for status, suffix := range map[models.MeetingStatus]string{models.MeetingCancelled: " (annulée)", models.MeetingPostponed: " (reportée)"} {
		m.Status, m.Version = status, 4
		props := parseICS(t, models.MeetingICS(m, "Inès", "Vanhoutte", nil, stamp))
		got := map[string]string{}
		for _, p := range props {
			got[p.name] = p.value
		}
		if got["STATUS"] != "CANCELLED" || got["SEQUENCE"] != "4" || got["UID"] != "meeting-42@mediation.lille-metropole" ||
			unescapeText(t, got["SUMMARY"]) != "Rencontre famille–école — Inès V."+suffix {
			t.Errorf("%s: %v", status, got)
		}
	}
}

// Folding never splits a character, whatever falls on the 75th octet.
func TestICSFoldingAtEveryOffset(t *testing.T) {
	for pad := 0; pad < 8; pad++ {
		purpose := strings.Repeat("x", pad) + strings.Repeat("éà€😀œ", 40)
		m := models.Meeting{ID: 7, ScheduledAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), DurationMinutes: 60, Purpose: purpose, Version: 1}
		props := parseICS(t, models.MeetingICS(m, "Noé", "", nil, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)))
		for _, p := range props {
			if p.name == "DESCRIPTION" && unescapeText(t, p.value) != purpose {
				t.Errorf("pad %d: description does not come back whole", pad)
			}
			if p.name == "SUMMARY" && unescapeText(t, p.value) != "Rencontre famille–école — Noé" {
				t.Errorf("pad %d: summary %q", pad, p.value)
			}
		}
	}
	if got := models.PupilShortName("Inès", " d'Almeida"); got != "Inès D." {
		t.Errorf("short name %q", got)
	}
}

// The family's names never leave in the calendar file, however they were typed in the place or
// the purpose: case, accents, ligatures, and a hyphen, apostrophe or space inside the name or
// not. Words that merely contain the name, and the pupil's first name, stay.
func TestMeetingICSMasksNameVariants(t *testing.T) {
	stamp := time.Date(2026, 11, 20, 9, 30, 0, 0, calendar.Paris)
	for _, tc := range []struct {
		last     string
		guardian []string
		purpose  string
		want     string
	}{
		{"Vanhoutte", nil, "famille VANHOUTTE", "famille V."},
		{"Vanhoutte", nil, "famille Van Houtte, Van-Houtte et van houtte", "famille V., V. et V."},
		{"Van Houtte", nil, "famille Vanhoutte", "famille V."},
		{"Lefèvre", nil, "M. LEFEVRE et Mme lefèvre, Lefévre", "M. L. et Mme L., L."},
		{"Lefevre", nil, "Mme LEFÈVRE", "Mme L."},
		{"N'Diaye", nil, "famille Ndiaye, N’Diaye, N Diaye, n-diaye", "famille N., N., N., N."},
		{"Œuvray", nil, "chez les Oeuvray", "chez les Œ."},
		{"Da Silva", nil, "M. Silva viendra ; la famille DA SILVA", "M. S. viendra ; la famille D."},
		{"Martin", nil, "Martine et Martinez, pas Martin", "Martine et Martinez, pas M."},
		{"Martin", []string{"Mme Fatima Benali"}, "avec Mme BENALI (Fatima) et Mme Ben-Ali", "avec Mme B. (F.) et Mme B."},
		{"Martin", []string{"Karim Ould-Hamouda"}, "rappeler M. Ouldhamouda, M. ould hamouda", "rappeler M. O., M. O."},
	} {
		m := models.Meeting{ID: 1, ScheduledAt: time.Date(2026, 11, 25, 14, 0, 0, 0, calendar.Paris), DurationMinutes: 30,
			Place: tc.purpose, Purpose: tc.purpose, Version: 1}
		got := map[string]string{}
		for _, p := range parseICS(t, models.MeetingICS(m, "Inès", tc.last, tc.guardian, stamp)) {
			got[p.name] = unescapeText(t, p.value)
		}
		for _, name := range []string{"LOCATION", "DESCRIPTION"} {
			if got[name] != tc.want {
				t.Errorf("%s with %q: %s = %q, want %q", tc.purpose, tc.last, name, got[name], tc.want)
			}
		}
	}
}
