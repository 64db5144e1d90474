package views

import (
	"fmt"
	"strconv"
	"strings"
)

// grouped writes the digits of a whole number in groups of three from the right, with sep
// between the groups.
func grouped(digits, sep string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// number writes an integer with the language's digit grouping, for the catalog's messages
// ({{number .Count}}): 10 000 in French, 10,000 in English.
func (l *Localizer) number(n int) string {
	sep := " "
	if l.lang == "en" {
		sep = ","
	}
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	return sign + grouped(digits, sep)
}

// decimals writes v with at most n decimals and no trailing zero, in the language's notation:
// "1 234,5" in French (a no-break space between thousands, a decimal comma), "1,234.5" in
// English.
func (l *Localizer) decimals(v float64, n int) string {
	thousands, point := "\u00a0", ","
	if l.lang == "en" {
		thousands, point = ",", "."
	}
	s := strconv.FormatFloat(v, 'f', n, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	whole = grouped(whole, thousands)
	if sign != "" && whole == "0" && frac == "" {
		sign = "" // no "-0"
	}
	if frac == "" {
		return sign + whole
	}
	return sign + whole + point + frac
}

// Number writes a whole number with the language's thousands separator (a no-break space in
// French).
func (l *Localizer) Number(n int) string { return l.decimals(float64(n), 0) }

// Count writes a count that may not have been entered: the number, or a dash for none.
func (l *Localizer) Count(n *int) string {
	if n == nil {
		return "–"
	}
	return l.Number(*n)
}

// Fixed writes a number with one decimal at most, in the language's notation.
func (l *Localizer) Fixed(f float64) string { return l.decimals(f, 1) }

// Percent writes part/whole as a percentage with one decimal ("66,7 %"), or a dash when whole
// is 0.
func (l *Localizer) Percent(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return l.percent(100 * float64(part) / float64(whole))
}

// percent writes a percentage with one decimal at most: "12,5 %" in French, with a no-break
// space before the sign, "12.5%" in English.
func (l *Localizer) percent(p float64) string {
	if l.lang == "fr" {
		return l.Fixed(p) + "\u00a0%"
	}
	return l.Fixed(p) + "%"
}

// Euros writes an amount in cents as money, cent-exact: « 12 500,00 € » in French (no-break
// spaces between the thousands and before the sign), "€12,500.00" in English.
func (l *Localizer) Euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	frac := fmt.Sprintf("%02d", cents%100)
	if l.lang == "en" {
		return sign + "€" + grouped(whole, ",") + "." + frac
	}
	return sign + grouped(whole, "\u00a0") + "," + frac + "\u00a0€"
}

// EurosValue writes an amount in cents as a form field shows it to be typed again: « 12 500,00 »
// in French, "12,500.00" in English, without the sign (models.ParseEuros reads both).
func (l *Localizer) EurosValue(cents int64) string {
	whole := strconv.FormatInt(cents/100, 10)
	frac := fmt.Sprintf("%02d", cents%100)
	if l.lang == "en" {
		return grouped(whole, ",") + "." + frac
	}
	return grouped(whole, " ") + "," + frac
}

// Target writes an objective's target in its unit: « 80 % », or a number of things.
func (l *Localizer) Target(v float64, unit string) string {
	if unit == "percent" {
		return l.percent(v)
	}
	return l.decimals(v, 0)
}
