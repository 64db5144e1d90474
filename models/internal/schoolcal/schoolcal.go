// Package schoolcal holds the calendar rules that the demo set (models/demodata) and the
// synthetic metropolis (models/gendata) date their rows by: the public holidays of France and
// the school holidays of zone B (académie de Lille), approximated. Each generator keeps its
// own representation of a day; the rules are written once, here.
//
// A day is a civil date held as midnight UTC, the way date columns store it.
package schoolcal

import "time"

const day = 24 * time.Hour

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// easter is Easter Sunday of year y (anonymous Gregorian algorithm).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	return date(y, time.Month((h+l-7*m+114)/31), (h+l-7*m+114)%31+1)
}

// PublicHoliday tells whether the day is a public holiday: the fixed ones, and Easter Monday,
// Ascension Day and Whit Monday.
func PublicHoliday(d time.Time) bool {
	y, m, dd := d.Date()
	switch {
	case m == time.January && dd == 1,
		m == time.May && (dd == 1 || dd == 8),
		m == time.July && dd == 14,
		m == time.August && dd == 15,
		m == time.November && (dd == 1 || dd == 11),
		m == time.December && dd == 25:
		return true
	}
	switch d.Sub(easter(y)) {
	case 1 * day, 39 * day, 50 * day:
		return true
	}
	return false
}

// BusinessDay tells whether the day is a weekday that is not a public holiday: the days a due
// date may fall on.
func BusinessDay(d time.Time) bool {
	w := d.Weekday()
	return w != time.Saturday && w != time.Sunday && !PublicHoliday(d)
}

// SchoolDay tells whether pupils are expected in school on the day.
func SchoolDay(d time.Time) bool {
	if !BusinessDay(d) {
		return false
	}
	s := d.Year()
	if d.Month() < time.September {
		s--
	}
	for _, b := range breaks(s) {
		if !d.Before(b.from) && d.Before(b.to) {
			return false
		}
	}
	return true
}

// Workday tells whether mediators work on the day: business days, except the heart of the
// summer.
func Workday(d time.Time) bool {
	if !BusinessDay(d) {
		return false
	}
	return d.Before(date(d.Year(), time.July, 11)) || !d.Before(date(d.Year(), time.August, 25))
}

type span struct{ from, to time.Time } // to excluded

// breaks approximates the holidays of zone B for the school year that starts in September of
// s: two weeks at All Saints, Christmas, winter and spring, and the summer from 4 July. The
// real dates move a little each year; generated data only needs plausible months.
func breaks(s int) [5]span {
	twoWeeks := func(y int, m time.Month, d int) span {
		from := date(y, m, d)
		for from.Weekday() != time.Saturday {
			from = from.AddDate(0, 0, 1)
		}
		return span{from, from.AddDate(0, 0, 16)}
	}
	return [5]span{
		twoWeeks(s, time.October, 18),
		twoWeeks(s, time.December, 18),
		twoWeeks(s+1, time.February, 14),
		twoWeeks(s+1, time.April, 11),
		{date(s+1, time.July, 4), date(s+1, time.September, 1)},
	}
}
