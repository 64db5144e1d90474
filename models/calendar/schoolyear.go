package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Paris is the time zone of every date shown or reasoned about in the product.
var Paris = mustLoadParis()

func mustLoadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("calendar: the Europe/Paris time zone is missing: " + err.Error())
	}
	return loc
}

// SchoolYear runs from 1 September of StartYear to 31 August of the next year, written
// "2025-2026". Reports, indicators and retention are reckoned by school year.
type SchoolYear struct {
	StartYear int
}

// SchoolYearOf returns the school year that holds the instant t, reckoned in Paris time.
func SchoolYearOf(t time.Time) SchoolYear {
	p := t.In(Paris)
	if p.Month() >= time.September {
		return SchoolYear{StartYear: p.Year()}
	}
	return SchoolYear{StartYear: p.Year() - 1}
}

// ErrInvalidSchoolYear and ErrInvalidMonth are a school year or a month not written as
// "2025-2026" or "2025-09": the page or the command that read it says so in its own words.
var (
	ErrInvalidSchoolYear = errors.New("calendar: invalid school year")
	ErrInvalidMonth      = errors.New("calendar: invalid month")
)

// ParseSchoolYear reads "2025-2026"; the two years must follow each other.
func ParseSchoolYear(s string) (SchoolYear, error) {
	invalid := fmt.Errorf("%w %q", ErrInvalidSchoolYear, s)
	if len(s) != 9 || s[4] != '-' {
		return SchoolYear{}, invalid
	}
	start, err1 := strconv.Atoi(s[:4])
	end, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || start < 1900 || end != start+1 {
		return SchoolYear{}, invalid
	}
	return SchoolYear{StartYear: start}, nil
}

// String writes the school year as "2025-2026".
func (y SchoolYear) String() string {
	return fmt.Sprintf("%04d-%04d", y.StartYear, y.StartYear+1)
}

// Start is 1 September at midnight, Paris time.
func (y SchoolYear) Start() time.Time {
	return time.Date(y.StartYear, time.September, 1, 0, 0, 0, 0, Paris)
}

// End is the first instant after the school year: 1 September of the next year, Paris time.
func (y SchoolYear) End() time.Time {
	return time.Date(y.StartYear+1, time.September, 1, 0, 0, 0, 0, Paris)
}

// LastDay is 31 August of the school year's second calendar year.
func (y SchoolYear) LastDay() time.Time {
	return time.Date(y.StartYear+1, time.August, 31, 0, 0, 0, 0, Paris)
}

// Contains tells whether t falls within the school year.
func (y SchoolYear) Contains(t time.Time) bool {
	return !t.Before(y.Start()) && t.Before(y.End())
}

// Next is the following school year.
func (y SchoolYear) Next() SchoolYear { return SchoolYear{StartYear: y.StartYear + 1} }

// Previous is the preceding school year.
func (y SchoolYear) Previous() SchoolYear { return SchoolYear{StartYear: y.StartYear - 1} }

// Months lists the twelve months of the school year, September first, as "2025-09".
func (y SchoolYear) Months() []Month {
	months := make([]Month, 12)
	for i := range months {
		months[i] = MonthOf(y.Start().AddDate(0, i, 0))
	}
	return months
}

// Month is a calendar month written "2025-09"; indicators are kept per month.
type Month string

// MonthOf returns the month of t in Paris time.
func MonthOf(t time.Time) Month {
	return Month(t.In(Paris).Format("2006-01"))
}

// ParseMonth reads "2025-09".
func ParseMonth(s string) (Month, error) {
	if _, err := time.ParseInLocation("2006-01", s, Paris); err != nil || len(s) != 7 {
		return "", fmt.Errorf("%w %q", ErrInvalidMonth, s)
	}
	return Month(s), nil
}

// First is the first day of the month at midnight, Paris time.
func (m Month) First() time.Time {
	t, err := time.ParseInLocation("2006-01", string(m), Paris)
	if err != nil {
		return time.Time{}
	}
	return t
}

// SchoolYear is the school year the month belongs to.
func (m Month) SchoolYear() SchoolYear { return SchoolYearOf(m.First()) }

// MonthIndex reads "2026-11" as a count of months (year×12 + month−1), without the cost of
// parsing a time: RecomputeRisk reads it for every indicator of every pupil.
func MonthIndex(m Month) (int, bool) {
	s := string(m)
	if len(s) != 7 || s[4] != '-' {
		return 0, false
	}
	y, err1 := strconv.Atoi(s[:4])
	mo, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || mo < 1 || mo > 12 || s[0] == '+' || s[0] == '-' || s[5] == '+' {
		return 0, false
	}
	return y*12 + mo - 1, true
}

// MaxHalfDays is the number of half-days of school a month can hold at most: two a weekday.
func (m Month) MaxHalfDays() int {
	first := m.First()
	n := 0
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n += 2
		}
	}
	return n
}
