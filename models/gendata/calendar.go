package gendata

import (
	"time"

	"mediation/models/calendar"
	"mediation/models/internal/schoolcal"
)

// day is a civil date, counted in days since 1 January 1970. Date columns store it as midnight
// UTC (calendar.Date), so that no time zone can shift it; instants are built from it in Paris.
type day int32

func dayOf(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civilDay is the civil date of the instant t in Paris.
func civilDay(t time.Time) day {
	p := t.In(calendar.Paris)
	return dayOf(p.Year(), p.Month(), p.Day())
}

// date is the day as midnight UTC, the way date columns are stored.
func (d day) date() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// at is Paris wall-clock time h:m on the day, as a UTC instant.
func (d day) at(h, m int) time.Time {
	t := d.date()
	return time.Date(t.Year(), t.Month(), t.Day(), h, m, 0, 0, calendar.Paris).UTC()
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

func (d day) month() calendar.Month { return calendar.Month(d.date().Format("2006-01")) }

// schoolYearStart is the first calendar year of the school year that holds the day.
func (d day) schoolYearStart() int {
	t := d.date()
	if t.Month() >= time.September {
		return t.Year()
	}
	return t.Year() - 1
}

// schoolCalendar holds the school days and workdays of the generated period, as schoolcal rules
// them, with running counts so that the days of a span are counted at once. It is read-only
// once built, so that every goroutine may share it.
type schoolCalendar struct {
	first, last    day
	school, work   []bool
	schoolN, workN []int32 // counts of the days before each day
	halfDays       map[day]int
	today          day
}

func newCalendar(first, last, today day) *schoolCalendar {
	n := int(last-first) + 1
	c := &schoolCalendar{first: first, last: last, school: make([]bool, n), work: make([]bool, n),
		schoolN: make([]int32, n+1), workN: make([]int32, n+1), halfDays: map[day]int{}, today: today}
	for i := range n {
		t := (first + day(i)).date()
		c.school[i], c.work[i] = schoolcal.SchoolDay(t), schoolcal.Workday(t)
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

func (c *schoolCalendar) schoolHalfDays(from, to day) int {
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

func (c *schoolCalendar) schoolDay(d day) bool {
	if d < c.first || d > c.last {
		return schoolcal.SchoolDay(d.date())
	}
	return c.school[d-c.first]
}

func (c *schoolCalendar) workday(d day) bool {
	if d < c.first || d > c.last {
		return schoolcal.Workday(d.date())
	}
	return c.work[d-c.first]
}

// workdays and schoolDays count the days of [from, to], both within the calendar.
func (c *schoolCalendar) workdays(from, to day) int {
	if to < from {
		return 0
	}
	return int(c.workN[to-c.first+1] - c.workN[from-c.first])
}

func (c *schoolCalendar) schoolDays(from, to day) int {
	if to < from {
		return 0
	}
	return int(c.schoolN[to-c.first+1] - c.schoolN[from-c.first])
}

func (c *schoolCalendar) nextWorkday(d day) day {
	for !c.workday(d) {
		d++
	}
	return d
}

func (c *schoolCalendar) nextSchoolDay(d day) day {
	for !c.schoolDay(d) {
		d++
	}
	return d
}

func (c *schoolCalendar) prevSchoolDay(d day) day {
	for !c.schoolDay(d) {
		d--
	}
	return d
}

// nextWeekday skips weekends and public holidays: a due date.
func nextWeekday(d day) day {
	for !schoolcal.BusinessDay(d.date()) {
		d++
	}
	return d
}

// lastSchoolDay is the last school day of the school year that starts in September of s.
func (c *schoolCalendar) lastSchoolDay(s int) day {
	return c.prevSchoolDay(dayOf(s+1, time.July, 3))
}
