package demodata

import (
	"time"

	"mediation/models/calendar"
	"mediation/models/internal/schoolcal"
)

// Days are civil dates held as midnight UTC: the way date-only columns (birth date,
// identification, follow-up, due date) are stored, so that no time zone can shift them.
// Which of them are school days, workdays and business days is schoolcal's to say.

// civil returns the civil date of t in Paris, as midnight UTC.
func civil(t time.Time) time.Time {
	p := t.In(calendar.Paris)
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
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, calendar.Paris).UTC()
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

// schoolHalfDays counts the half-days of school in [from, to): Wednesday afternoons are free.
func schoolHalfDays(from, to time.Time) int {
	n := 0
	for d := from; d.Before(to); d = addDays(d, 1) {
		if !schoolcal.SchoolDay(d) {
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

func prevWorkday(d time.Time) time.Time {
	for !schoolcal.Workday(d) {
		d = addDays(d, -1)
	}
	return d
}

func nextWorkday(d time.Time) time.Time {
	for !schoolcal.Workday(d) {
		d = addDays(d, 1)
	}
	return d
}

func prevSchoolDay(d time.Time) time.Time {
	for !schoolcal.SchoolDay(d) {
		d = addDays(d, -1)
	}
	return d
}

func nextSchoolDay(d time.Time) time.Time {
	for !schoolcal.SchoolDay(d) {
		d = addDays(d, 1)
	}
	return d
}

func nextWeekday(d time.Time) time.Time {
	for !schoolcal.BusinessDay(d) {
		d = addDays(d, 1)
	}
	return d
}

func prevWeekday(d time.Time) time.Time {
	for !schoolcal.BusinessDay(d) {
		d = addDays(d, -1)
	}
	return d
}

// monthStart is the first day of the civil day's month.
func monthStart(d time.Time) time.Time { return date(d.Year(), d.Month(), 1) }

func monthOfDay(d time.Time) calendar.Month { return calendar.Month(d.Format("2006-01")) }
