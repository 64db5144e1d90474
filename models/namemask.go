package models

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// A meeting's calendar file, and whatever else about a pupil leaves our system (it lands in
// mail boxes, phones and shared agendas), names the pupil by first name and initial
// (« Inès V. ») and carries no surname of the family. The pupil's surname and the guardians'
// names are also masked where they were typed in free text (a place, a purpose), however they
// were typed: any case, with or without accents, with a hyphen, an apostrophe or a space inside
// or not (« Van-Houtte », « VANHOUTTE », « N'Diaye », « Ndiaye », « Lefèvre », « lefevre »).
// This is a privacy rule, so it lives here beside the data it protects; the views that write
// such files (views.MeetingICS) call it.

// PupilShortName is how a pupil is named outside our system: first name and the initial of the
// last name, « Inès V. ».
func PupilShortName(firstName, lastName string) string {
	return strings.TrimSpace(strings.TrimSpace(firstName) + " " + initialOf(lastName))
}

// NameMask replaces a family's names in free text by their initials.
type NameMask struct {
	// masks are the names and their parts to mask, longest first (nameMasks).
	masks []string
}

// NewNameMask masks the given names (the pupil's surname, the guardians'), each whole and each
// of its significant parts.
func NewNameMask(names ...string) NameMask { return NameMask{masks: nameMasks(names)} }

// Apply returns s with every occurrence of the names, however typed, replaced by its initial.
func (m NameMask) Apply(s string) string {
	for _, nm := range m.masks {
		s = maskWord(s, nm, initialOf(nm))
	}
	return s
}

// initialOf is the first letter of a name, in capital, with a point: « V. ».
func initialOf(lastName string) string {
	for _, r := range strings.TrimSpace(lastName) {
		if unicode.IsLetter(r) {
			return string(unicode.ToUpper(r)) + "."
		}
	}
	return ""
}

// nameParticles are the short words of compound surnames that say nothing by themselves;
// civilities are the titles typed before a guardian's name. Neither is masked alone.
var nameParticles = map[string]bool{"de": true, "du": true, "des": true, "la": true, "le": true, "les": true,
	"van": true, "von": true, "der": true, "den": true, "da": true, "dos": true, "das": true, "di": true, "el": true,
	"al": true, "ben": true, "bin": true, "mme": true, "mr": true, "mlle": true, "m": true, "madame": true,
	"monsieur": true, "mademoiselle": true, "et": true}

// nameMasks lists what to mask for the given names, longest first so that a whole compound name
// goes before its parts: each name whole, each of its space-separated words and each of their
// parts (« Ould-Hamouda », « Hamouda ») of three letters or more that
// is not a particle or a civility (« Da Silva » masks « Silva » alone too).
func nameMasks(names []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.TrimSpace(w)
		key := foldName(w)
		if len([]rune(key)) < 2 || nameParticles[key] || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, w)
	}
	for _, n := range names {
		add(n)
		// The words between spaces (« Ould-Hamouda »), then their parts (« Hamouda »).
		for _, sep := range []func(rune) bool{unicode.IsSpace, func(r rune) bool { return !isNameRune(r) }} {
			for _, w := range strings.FieldsFunc(n, sep) {
				if len([]rune(foldName(w))) >= 3 {
					add(w)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(foldName(out[i])) > len(foldName(out[j])) })
	return out
}

// isNameRune is a letter or digit: what a name is made of, as opposed to its separators.
func isNameRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isNameSeparator is what may stand between the parts of a name as people type it: a space
// (breaking or not), a hyphen or dash, an apostrophe (straight or typographic), a dot.
func isNameSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("-‐‑‒–—'’ʼ‘`´.", r)
}

// foldRune is a letter or digit as names compare: lower case, accents dropped, ligatures spelt
// out (« É » → "e", « œ » → "oe"); "" for anything else.
func foldRune(r rune) string {
	if !isNameRune(r) {
		return ""
	}
	switch unicode.ToLower(r) {
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	case 'ß':
		return "ss"
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(d)
		}
	}
	return b.String()
}

// foldName is a name's letters and digits folded, separators left out: « Van-Houtte » and
// « vanhoutte » fold alike.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(foldRune(r))
	}
	return b.String()
}

// SearchName is how a file's name is searched and sorted: last name then first name, folded as
// foldRune folds them, each run of separators (space, hyphen, apostrophe…) a single space, with a
// leading space so that every word starts after one; then, for a name of several words, the
// name written in one word, as people also type it: « N’Diaye », « Sarah » → " n diaye sarah
// ndiaye". A word typed in the search box matches where " "+word starts; and the folded order is
// the order a French reader expects (« Aït Ahmed » before « Aydin »).
func SearchName(lastName, firstName string) string {
	last, first := searchWords(lastName), searchWords(firstName)
	out := " " + strings.Join(append(append([]string{}, last...), first...), " ")
	for _, w := range [][]string{last, first} {
		if len(w) > 1 {
			out += " " + strings.Join(w, "")
		}
	}
	return out
}

// searchWords are the folded words of s, separators and other signs left out.
func searchWords(s string) []string {
	var words []string
	var b strings.Builder
	for _, r := range s + " " {
		if f := foldRune(r); f != "" {
			b.WriteString(f)
			continue
		}
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	return words
}

// maskWord replaces each whole-word occurrence of word in s by with. Occurrences are compared
// folded (case, accents, ligatures), and one separator (space, hyphen, apostrophe, dot) may
// stand or not between any two letters of the text: « Van Houtte », « VAN-HOUTTE » and
// « Vanhoutte » all match "Vanhoutte", and "N'Diaye" matches « Ndiaye ».
func maskWord(s, word, with string) string {
	key := foldName(word)
	if key == "" {
		return s
	}
	src := []rune(s)
	folded := make([]string, len(src))
	for i, r := range src {
		folded[i] = foldRune(r)
	}
	// match returns the end of an occurrence starting at i, or -1.
	match := func(i int) int {
		k, j := 0, i
		for k < len(key) {
			switch {
			case j >= len(src):
				return -1
			case folded[j] != "":
				if !strings.HasPrefix(key[k:], folded[j]) {
					return -1
				}
				k += len(folded[j])
				j++
			case j > i && isNameSeparator(src[j]) && j+1 < len(src) && folded[j+1] != "":
				j++
			default:
				return -1
			}
		}
		if j < len(src) && folded[j] != "" {
			return -1
		}
		return j
	}
	var out []rune
	for i := 0; i < len(src); {
		if folded[i] != "" && (i == 0 || folded[i-1] == "") {
			if end := match(i); end > 0 {
				out = append(out, []rune(with)...)
				i = end
				continue
			}
		}
		out = append(out, src[i])
		i++
	}
	return string(out)
}

// MeetingFamilyNames lists the names a meeting's calendar file must mask besides the pupil's
// surname: the pupil's guardians and the meeting's guardian participants. d comes from
// LoadMeeting, which checked the scope.
func MeetingFamilyNames(ctx context.Context, db *gorm.DB, d MeetingDetail) ([]string, error) {
	var names []string
	if err := db.WithContext(ctx).Model(&Guardian{}).Where("pupil_id = ?", d.Pupil.ID).Order("id").Pluck("name", &names).Error; err != nil {
		return nil, fmt.Errorf("models: guardians of meeting %d: %w", d.Meeting.ID, err)
	}
	for _, p := range d.Participants {
		if p.Role == ParticipantGuardian && p.Name != "" {
			names = append(names, p.Name)
		}
	}
	return names, nil
}
