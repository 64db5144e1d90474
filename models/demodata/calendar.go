package demodata

import (
	"time"

	"mediation/models"
)

// Days are civil dates held as midnight UTC: the way date-only columns (birth date,
// identification, follow-up, due date) are stored, so that no time zone can shift them.

// civil returns the civil date of t in Paris, as midnight UTC.
func civil(t time.Time) time.Time {
	p := t.In(models.Paris)
	return date(p.Year(), p.Month(), p.Day())
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func addDays(d time.Time, n int) time.Time { return d.AddDate(0, 0, n) }

// daysBetween counts the days from a to b (negative when b is before a).
func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// at is Paris wall-clock time h:m on the civil day d, as a UTC instant.
func at(d time.Time, h, m int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, models.Paris).UTC()
}

func minDay(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDay(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func weekend(d time.Time) bool {
	return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
}

// schoolYearStart is the first year of the school year that holds the civil day d.
func schoolYearStart(d time.Time) int {
	if d.Month() >= time.September {
		return d.Year()
	}
	return d.Year() - 1
}

type span struct{ from, to time.Time } // to excluded

// breaks approximates the holidays of zone B (académie de Lille) for the school year that starts
// in September of s: two weeks at All Saints, Christmas, winter and spring, and the summer from
// 4 July. The real dates move a little each year; the demo only needs plausible months.
func breaks(s int) [5]span {
	twoWeeks := func(y int, m time.Month, d int) span {
		from := date(y, m, d)
		for from.Weekday() != time.Saturday {
			from = addDays(from, 1)
		}
		return span{from, addDays(from, 16)}
	}
	return [5]span{
		twoWeeks(s, time.October, 18),
		twoWeeks(s, time.December, 18),
		twoWeeks(s+1, time.February, 14),
		twoWeeks(s+1, time.April, 11),
		{date(s+1, time.July, 4), date(s+1, time.September, 1)},
	}
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

func publicHoliday(d time.Time) bool {
	switch {
	case d.Month() == time.January && d.Day() == 1,
		d.Month() == time.May && (d.Day() == 1 || d.Day() == 8),
		d.Month() == time.July && d.Day() == 14,
		d.Month() == time.August && d.Day() == 15,
		d.Month() == time.November && (d.Day() == 1 || d.Day() == 11),
		d.Month() == time.December && d.Day() == 25:
		return true
	}
	e := easter(d.Year())
	return d.Equal(addDays(e, 1)) || d.Equal(addDays(e, 39)) || d.Equal(addDays(e, 50))
}

// schoolDay tells whether pupils are expected in school on the civil day d.
func schoolDay(d time.Time) bool {
	if weekend(d) || publicHoliday(d) {
		return false
	}
	for _, b := range breaks(schoolYearStart(d)) {
		if !d.Before(b.from) && d.Before(b.to) {
			return false
		}
	}
	return true
}

// schoolHalfDays counts the half-days of school in [from, to): Wednesday afternoons are free.
func schoolHalfDays(from, to time.Time) int {
	n := 0
	for d := from; d.Before(to); d = addDays(d, 1) {
		if !schoolDay(d) {
			continue
		}
		if d.Weekday() == time.Wednesday {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// workday tells whether mediators work on the civil day d: weekdays, except public holidays
// and the heart of the summer.
func workday(d time.Time) bool {
	if weekend(d) || publicHoliday(d) {
		return false
	}
	summer := span{date(d.Year(), time.July, 11), date(d.Year(), time.August, 25)}
	return d.Before(summer.from) || !d.Before(summer.to)
}

func prevWorkday(d time.Time) time.Time {
	for !workday(d) {
		d = addDays(d, -1)
	}
	return d
}

func nextWorkday(d time.Time) time.Time {
	for !workday(d) {
		d = addDays(d, 1)
	}
	return d
}

func prevSchoolDay(d time.Time) time.Time {
	for !schoolDay(d) {
		d = addDays(d, -1)
	}
	return d
}

func nextSchoolDay(d time.Time) time.Time {
	for !schoolDay(d) {
		d = addDays(d, 1)
	}
	return d
}

func nextWeekday(d time.Time) time.Time {
	for weekend(d) || publicHoliday(d) {
		d = addDays(d, 1)
	}
	return d
}

func prevWeekday(d time.Time) time.Time {
	for weekend(d) || publicHoliday(d) {
		d = addDays(d, -1)
	}
	return d
}

// monthStart is the first day of the civil day's month.
func monthStart(d time.Time) time.Time { return date(d.Year(), d.Month(), 1) }

func monthOfDay(d time.Time) models.Month { return models.Month(d.Format("2006-01")) }
