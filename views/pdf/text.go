package pdf

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// coverage records which runes of the Basic Multilingual Plane the Go fonts can draw. The
// regular, bold and italic faces share the same character set (a test checks it), so one
// table serves the three. It is built once and only read afterwards, which makes it safe for
// documents generated concurrently.
var coverage = sync.OnceValue(func() *[0x10000 / 64]uint64 {
	var set [0x10000 / 64]uint64
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		// The font is compiled in: failing to parse it is a programming error.
		panic("pdf: parse Go Regular: " + err.Error())
	}
	var buf sfnt.Buffer
	for r := rune(0); r < 0x10000; r++ {
		if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})

// drawable reports whether the embedded fonts have a glyph for r.
func drawable(r rune) bool {
	if r < 0 || r >= 0x10000 {
		return false
	}
	return coverage()[r/64]&(1<<(r%64)) != 0
}

// clean prepares a caller's string for drawing with the Go fonts. Every string that reaches
// the page goes through it, so that a character the font lacks never prints as an empty box:
//
//   - U+202F (narrow no-break space, the French thousands separator) and U+2007 (figure
//     space) become U+00A0, which the font has and which still never breaks a line;
//   - the other typographic spaces (U+2000–U+200A, U+205F, U+3000) and tabs become a space;
//   - hyphens U+2010–U+2012 become "-";
//   - invisible characters (soft hyphen, zero-width spaces and joiners, BOM, carriage
//     returns and other control characters except the line feed) are dropped;
//   - any other character the font cannot draw becomes U+FFFD.
//
// Curly quotes (’ ‘ “ ”), « », …, –, —, €, œ, Œ, ≤, ≥, ≠, °, •, − and all of Latin-1 are in
// the font and pass unchanged.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r == 0x202F || r == 0x2007:
			b.WriteRune(0x00A0)
		case r >= 0x2000 && r <= 0x200A, r == 0x205F, r == 0x3000:
			b.WriteByte(' ')
		case r >= 0x2010 && r <= 0x2012:
			b.WriteByte('-')
		case r < 0x20, r >= 0x7F && r < 0xA0, r == 0x00AD, r >= 0x200B && r <= 0x200D,
			r == 0x2060, r == 0xFEFF:
			// Invisible: nothing to draw.
		case r == utf8.RuneError || !drawable(r):
			b.WriteRune(0xFFFD)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isClean is the fast path of clean: printable ASCII, line feeds and printable Latin-1 need no
// change.
func isClean(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7F && r < 0xA0) || r == 0x00AD || r > 0xFF {
			return false
		}
	}
	return true
}

// wrap splits text into lines no wider than width (mm) in the current font. Lines break at
// spaces and at line feeds only — never at a no-break space, so "12 345 €" stays whole — and a
// word wider than the line is cut with a hyphen (see cut).
func (d *Doc) wrap(text string, width float64) []string {
	var lines []string
	space := d.pdf.GetStringWidth(" ")
	for para := range strings.SplitSeq(text, "\n") {
		var line strings.Builder
		lineW := 0.0
		flush := func() {
			lines = append(lines, line.String())
			line.Reset()
			lineW = 0
		}
		for word := range strings.SplitSeq(para, " ") {
			if word == "" {
				continue
			}
			w := d.pdf.GetStringWidth(word)
			if line.Len() > 0 && lineW+space+w <= width {
				line.WriteByte(' ')
				line.WriteString(word)
				lineW += space + w
				continue
			}
			if line.Len() > 0 {
				flush()
			}
			for w > width {
				head, rest := d.cut(word, width)
				lines = append(lines, head)
				word = rest
				w = d.pdf.GetStringWidth(word)
			}
			line.WriteString(word)
			lineW = w
		}
		flush()
	}
	return lines
}

// cut splits a word too wide for its line so that the head fits in width, never silently:
// after a hyphen or a slash the word already has, else with a hyphen added at the cut
// ("déménage-" then "ment"). The head holds at least one character so that wrapping always
// progresses.
func (d *Doc) cut(word string, width float64) (head, rest string) {
	// The last hyphen or slash of the word where the head still fits.
	at := -1
	for i, r := range word {
		if (r == '-' || r == '/') && i+1 < len(word) && d.pdf.GetStringWidth(word[:i+1]) <= width {
			at = i + 1
		}
	}
	if at > 0 {
		return word[:at], word[at:]
	}
	// The longest head that fits with its hyphen, leaving at least two characters to the
	// next line when it can.
	hyphen := d.pdf.GetStringWidth("-")
	var ends []int
	w := 0.0
	for i, r := range word {
		w += d.pdf.GetStringWidth(string(r))
		if w+hyphen > width {
			break
		}
		ends = append(ends, i+utf8.RuneLen(r))
	}
	if len(ends) == 0 { // not even one character and a hyphen: one character alone
		_, n := utf8.DecodeRuneInString(word)
		return word[:n], word[n:]
	}
	end := ends[len(ends)-1]
	if utf8.RuneCountInString(word[end:]) < 2 && len(ends) > 1 {
		end = ends[len(ends)-2]
	}
	return word[:end] + "-", word[end:]
}

// fit shortens text with an ellipsis until it fits in width (mm) in the current font.
func (d *Doc) fit(text string, width float64) string {
	if d.pdf.GetStringWidth(text) <= width {
		return text
	}
	runes := []rune(text)
	for n := len(runes) - 1; n > 0; n-- {
		s := strings.TrimRight(string(runes[:n]), " \u00a0") + "…"
		if d.pdf.GetStringWidth(s) <= width {
			return s
		}
	}
	return "…"
}

// clip keeps at most max lines, marking the cut with an ellipsis on the last line kept.
func (d *Doc) clip(lines []string, max int, width float64) []string {
	if max < 1 {
		max = 1
	}
	if len(lines) <= max {
		return lines
	}
	lines = lines[:max:max]
	lines[max-1] = d.fit(lines[max-1]+" …", width)
	return lines
}
