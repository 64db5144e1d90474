package letterpdf

import (
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// fpdf maps each code point to a glyph through the font's cmap and does no OpenType shaping:
// Arabic letters drawn as typed would come out isolated. Shape gives each letter the
// presentation form (Unicode block Arabic Presentation Forms-B) that its neighbours call for,
// from the joining types of the Unicode standard (ArabicShaping.txt), and writes lam-alef as its
// ligature. The result is still in logical order; NFKC gives back the letters typed.

// joining is how an Arabic letter connects: dual letters join on both sides, right-joining
// letters only to the letter before them (on their right).
type joining uint8

const (
	joinNone joining = iota
	joinRight
	joinDual
	joinCausing // tatweel: joins on both sides, has no forms of its own
)

// arabicForm is a letter's joining type and the first of its presentation forms (isolated;
// then final, and for dual letters initial and medial).
type arabicForm struct {
	join  joining
	first rune
}

// arabicForms covers the letters of Arabic as written in Arabic (U+0621–U+064A).
var arabicForms = map[rune]arabicForm{
	0x0621: {joinNone, 0xFE80}, 0x0622: {joinRight, 0xFE81}, 0x0623: {joinRight, 0xFE83}, 0x0624: {joinRight, 0xFE85},
	0x0625: {joinRight, 0xFE87}, 0x0626: {joinDual, 0xFE89}, 0x0627: {joinRight, 0xFE8D}, 0x0628: {joinDual, 0xFE8F},
	0x0629: {joinRight, 0xFE93}, 0x062A: {joinDual, 0xFE95}, 0x062B: {joinDual, 0xFE99}, 0x062C: {joinDual, 0xFE9D},
	0x062D: {joinDual, 0xFEA1}, 0x062E: {joinDual, 0xFEA5}, 0x062F: {joinRight, 0xFEA9}, 0x0630: {joinRight, 0xFEAB},
	0x0631: {joinRight, 0xFEAD}, 0x0632: {joinRight, 0xFEAF}, 0x0633: {joinDual, 0xFEB1}, 0x0634: {joinDual, 0xFEB5},
	0x0635: {joinDual, 0xFEB9}, 0x0636: {joinDual, 0xFEBD}, 0x0637: {joinDual, 0xFEC1}, 0x0638: {joinDual, 0xFEC5},
	0x0639: {joinDual, 0xFEC9}, 0x063A: {joinDual, 0xFECD}, 0x0640: {joinCausing, 0},
	0x0641: {joinDual, 0xFED1}, 0x0642: {joinDual, 0xFED5}, 0x0643: {joinDual, 0xFED9}, 0x0644: {joinDual, 0xFEDD},
	0x0645: {joinDual, 0xFEE1}, 0x0646: {joinDual, 0xFEE5}, 0x0647: {joinDual, 0xFEE9}, 0x0648: {joinRight, 0xFEED},
	0x0649: {joinRight, 0xFEEF}, 0x064A: {joinDual, 0xFEF1},
}

// lamAlef gives, for each alef that follows a lam, the isolated form of their ligature (the
// final form is the next code point).
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const lam = 0x0644

// transparent tells whether a rune is skipped when looking for a letter's neighbours: the
// vowel signs and other combining marks.
func transparent(r rune) bool { return unicode.Is(unicode.Mn, r) }

// joinsAfter tells whether the letter connects to the letter that follows it.
func joinsAfter(r rune) bool {
	f, ok := arabicForms[r]
	return ok && (f.join == joinDual || f.join == joinCausing)
}

// joinsBefore tells whether the letter connects to the letter before it.
func joinsBefore(r rune) bool {
	f, ok := arabicForms[r]
	return ok && f.join != joinNone
}

// Shape replaces the Arabic letters of s by their contextual presentation forms, in logical
// order. Other characters are left as they are.
func Shape(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	neighbour := func(i, step int) rune {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			if !transparent(rs[j]) {
				return rs[j]
			}
		}
		return 0
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := arabicForms[r]
		if !ok || f.first == 0 {
			out = append(out, r)
			continue
		}
		if f.join == joinNone {
			// Hamza joins neither side: always its isolated form.
			out = append(out, f.first)
			continue
		}
		prev := neighbour(i, -1)
		linked := joinsAfter(prev)
		if r == lam {
			// The alef right after the lam (no mark between them) makes the ligature.
			if i+1 < len(rs) {
				if lig, ok := lamAlef[rs[i+1]]; ok {
					if linked {
						lig++
					}
					out = append(out, lig)
					i++
					continue
				}
			}
		}
		next := neighbour(i, 1)
		toNext := f.join == joinDual && joinsBefore(next)
		form := f.first // isolated
		switch {
		case linked && toNext:
			form += 3 // medial
		case linked:
			form++ // final
		case toNext:
			form += 2 // initial
		}
		out = append(out, form)
	}
	return string(out)
}

// IsArabic tells whether a rune is drawn with the Arabic font: the Arabic blocks and the
// presentation forms.
func IsArabic(r rune) bool {
	return (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
}

// mirrored are the characters drawn as their mirror image in right-to-left text.
var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹'}

// level is the embedding level of a character in a right-to-left line: 1 for right-to-left,
// 2 for left-to-right text and numbers inside it.
func levels(rs []rune) []int {
	const unset = 0
	cls := make([]bidi.Class, len(rs))
	for i, r := range rs {
		p, _ := bidi.LookupRune(r)
		cls[i] = p.Class()
		if cls[i] == bidi.NSM && i > 0 {
			cls[i] = cls[i-1]
		}
	}
	// W4–W5: a separator between two numbers, and currency or percent signs next to a number,
	// belong to the number.
	for i := range rs {
		switch cls[i] {
		case bidi.CS, bidi.ES:
			if i > 0 && i+1 < len(rs) && cls[i-1] == bidi.EN && cls[i+1] == bidi.EN {
				cls[i] = bidi.EN
			}
		}
	}
	for i := range rs {
		if cls[i] != bidi.ET {
			continue
		}
		j := i
		for j < len(rs) && cls[j] == bidi.ET {
			j++
		}
		if (i > 0 && cls[i-1] == bidi.EN) || (j < len(rs) && cls[j] == bidi.EN) {
			for k := i; k < j; k++ {
				cls[k] = bidi.EN
			}
		}
	}
	lv := make([]int, len(rs))
	for i := range rs {
		switch cls[i] {
		case bidi.L, bidi.EN, bidi.AN:
			lv[i] = 2
		case bidi.R, bidi.AL:
			lv[i] = 1
		default:
			lv[i] = unset
		}
	}
	// strongL tells, for a neutral's neighbour, whether it is left-to-right text (numbers count
	// as right-to-left for the neutrals around them, rule N1, so that "12 ans" in Arabic keeps
	// its space on the Arabic side).
	strongL := func(i int) bool { return cls[i] == bidi.L }
	for i := 0; i < len(rs); i++ {
		if lv[i] != unset {
			continue
		}
		j := i
		for j < len(rs) && lv[j] == unset {
			j++
		}
		level := 1
		if i > 0 && j < len(rs) && strongL(i-1) && strongL(j) {
			level = 2
		}
		for k := i; k < j; k++ {
			lv[k] = level
		}
		i = j - 1
	}
	return lv
}

// Visual reorders one line of a right-to-left paragraph from logical to display order, left to
// right: the line is reversed, and the runs of left-to-right text and numbers inside it are put
// back in their own order, so that "RDV le 12/03 à 14:30" embedded in Arabic stays readable.
// Brackets and guillemets in right-to-left runs are mirrored.
func Visual(line string) string {
	rs := []rune(line)
	lv := levels(rs)
	out := make([]rune, len(rs))
	for i, r := range rs {
		if lv[i] == 1 {
			if m, ok := mirrored[r]; ok {
				r = m
			}
		}
		out[len(rs)-1-i] = r
	}
	// Put each left-to-right run back in order (its levels are reversed too).
	n := len(rs)
	for i := 0; i < n; {
		if lv[n-1-i] != 2 {
			i++
			continue
		}
		j := i
		for j < n && lv[n-1-j] == 2 {
			j++
		}
		for a, b := i, j-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
		i = j
	}
	return string(out)
}
