package gendata

import (
	"time"

	"mediation/models"
)

// day is a civil date, counted in days since 1 January 1970. Date columns store it as midnight
// UTC (models.Date), so that no time zone can shift it; instants are built from it in Paris.
type day int32

func dayOf(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civilDay is the civil date of the instant t in Paris.
func civilDay(t time.Time) day {
	p := t.In(models.Paris)
	return dayOf(p.Year(), p.Month(), p.Day())
}

// date is the day as midnight UTC, the way date columns are stored.
func (d day) date() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// at is Paris wall-clock time h:m on the day, as a UTC instant.
func (d day) at(h, m int) time.Time {
	t := d.date()
	return time.Date(t.Year(), t.Month(), t.Day(), h, m, 0, 0, models.Paris).UTC()
}

func (d day) weekday() time.Weekday { return time.Weekday((int(d) + 4) % 7) } // 1 January 1970 was a Thursday

// monthStart is the first day of the day's month.
func (d day) monthStart() day {
	t := d.date()
	return dayOf(t.Year(), t.Month(), 1)
}

// nextMonth is the first day of the following month.
func (d day) nextMonth() day {
	t := d.date()
	return dayOf(t.Year(), t.Month()+1, 1)
}

func (d day) month() models.Month { return models.Month(d.date().Format("2006-01")) }

// schoolYearStart is the first calendar year of the school year that holds the day.
func (d day) schoolYearStart() int {
	t := d.date()
	if t.Month() >= time.September {
		return t.Year()
	}
	return t.Year() - 1
}

// The rules below are those of models/demodata's calendar (zone B, académie de Lille).

type span struct{ from, to day } // to excluded

// breaks approximates the holidays of zone B for the school year that starts in September of
// s: two weeks at All Saints, Christmas, winter and spring, and the summer from 4 July.
func breaks(s int) [5]span {
	twoWeeks := func(y int, m time.Month, d int) span {
		from := dayOf(y, m, d)
		for from.weekday() != time.Saturday {
			from++
		}
		return span{from, from + 16}
	}
	return [5]span{
		twoWeeks(s, time.October, 18),
		twoWeeks(s, time.December, 18),
		twoWeeks(s+1, time.February, 14),
		twoWeeks(s+1, time.April, 11),
		{dayOf(s+1, time.July, 4), dayOf(s+1, time.September, 1)},
	}
}

// easter is Easter Sunday of year y (anonymous Gregorian algorithm).
func easter(y int) day {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	return dayOf(y, time.Month((h+l-7*m+114)/31), (h+l-7*m+114)%31+1)
}

func publicHoliday(d day) bool {
	t := d.date()
	switch m, dd := t.Month(), t.Day(); {
	case m == time.January && dd == 1,
		m == time.May && (dd == 1 || dd == 8),
		m == time.July && dd == 14,
		m == time.August && dd == 15,
		m == time.November && (dd == 1 || dd == 11),
		m == time.December && dd == 25:
		return true
	}
	e := easter(t.Year())
	return d == e+1 || d == e+39 || d == e+50
}

func weekend(d day) bool {
	w := d.weekday()
	return w == time.Saturday || w == time.Sunday
}

// isSchoolDay tells whether pupils are expected in school on the day.
func isSchoolDay(d day) bool {
	if weekend(d) || publicHoliday(d) {
		return false
	}
	for _, b := range breaks(d.schoolYearStart()) {
		if d >= b.from && d < b.to {
			return false
		}
	}
	return true
}

// isWorkday tells whether mediators work on the day: weekdays, except public holidays and the
// heart of the summer.
func isWorkday(d day) bool {
	if weekend(d) || publicHoliday(d) {
		return false
	}
	t := d.date()
	return d < dayOf(t.Year(), time.July, 11) || d >= dayOf(t.Year(), time.August, 25)
}

// calendar holds the school days and workdays of the generated period, with running counts so
// that the days of a span are counted at once. It is read-only once built, so that every
// goroutine may share it.
type calendar struct {
	first, last    day
	school, work   []bool
	schoolN, workN []int32 // counts of the days before each day
	halfDays       map[day]int
	today          day
}

func newCalendar(first, last, today day) *calendar {
	n := int(last-first) + 1
	c := &calendar{first: first, last: last, school: make([]bool, n), work: make([]bool, n),
		schoolN: make([]int32, n+1), workN: make([]int32, n+1), halfDays: map[day]int{}, today: today}
	for i := range n {
		d := first + day(i)
		c.school[i], c.work[i] = isSchoolDay(d), isWorkday(d)
		c.schoolN[i+1], c.workN[i+1] = c.schoolN[i], c.workN[i]
		if c.school[i] {
			c.schoolN[i+1]++
		}
		if c.work[i] {
			c.workN[i+1]++
		}
	}
	// School half-days of each month (up to yesterday for the current one, whose figures are
	// those of last night): Wednesday afternoons are free.
	for m := first.monthStart(); m <= today; m = m.nextMonth() {
		c.halfDays[m] = c.schoolHalfDays(m, min(m.nextMonth(), today))
	}
	return c
}

func (c *calendar) schoolHalfDays(from, to day) int {
	n := 0
	for d := from; d < to; d++ {
		if !c.schoolDay(d) {
			continue
		}
		if d.weekday() == time.Wednesday {
			n++
		} else {
			n += 2
		}
	}
	return n
}

func (c *calendar) schoolDay(d day) bool {
	if d < c.first || d > c.last {
		return isSchoolDay(d)
	}
	return c.school[d-c.first]
}

func (c *calendar) workday(d day) bool {
	if d < c.first || d > c.last {
		return isWorkday(d)
	}
	return c.work[d-c.first]
}

// workdays and schoolDays count the days of [from, to], both within the calendar.
func (c *calendar) workdays(from, to day) int {
	if to < from {
		return 0
	}
	return int(c.workN[to-c.first+1] - c.workN[from-c.first])
}

func (c *calendar) schoolDays(from, to day) int {
	if to < from {
		return 0
	}
	return int(c.schoolN[to-c.first+1] - c.schoolN[from-c.first])
}

func (c *calendar) nextWorkday(d day) day {
	for !c.workday(d) {
		d++
	}
	return d
}

func (c *calendar) nextSchoolDay(d day) day {
	for !c.schoolDay(d) {
		d++
	}
	return d
}

func (c *calendar) prevSchoolDay(d day) day {
	for !c.schoolDay(d) {
		d--
	}
	return d
}

// nextWeekday skips weekends and public holidays: a due date.
func nextWeekday(d day) day {
	for weekend(d) || publicHoliday(d) {
		d++
	}
	return d
}

// lastSchoolDay is the last school day of the school year that starts in September of s.
func (c *calendar) lastSchoolDay(s int) day {
	return c.prevSchoolDay(dayOf(s+1, time.July, 3))
}
