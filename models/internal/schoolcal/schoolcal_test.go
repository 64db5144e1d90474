package schoolcal

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	t.Parallel()
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28",
		2038: "2038-04-25"} {
		if got := easter(y).Format(time.DateOnly); got != want {
			t.Errorf("easter(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestDays(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		day                             string
		holiday, business, school, work bool
	}{
		{"2026-04-06", true, false, false, false},  // Easter Monday
		{"2026-05-14", true, false, false, false},  // Ascension Day
		{"2026-05-25", true, false, false, false},  // Whit Monday
		{"2026-07-14", true, false, false, false},  // Bastille Day
		{"2026-11-11", true, false, false, false},  // Armistice, a Wednesday
		{"2026-04-07", false, true, true, true},    // a Tuesday between the winter and spring breaks
		{"2026-10-26", false, true, false, true},   // All Saints break, from Saturday 24 October
		{"2026-11-09", false, true, true, true},    // back to school
		{"2026-11-14", false, false, false, false}, // a Saturday
		{"2027-07-05", false, true, false, true},   // summer holidays, mediators still at work
		{"2027-08-03", false, true, false, false},  // the heart of the summer
		{"2027-08-25", false, true, false, true},   // mediators back
	} {
		d, _ := time.Parse(time.DateOnly, c.day)
		if PublicHoliday(d) != c.holiday || BusinessDay(d) != c.business || SchoolDay(d) != c.school || Workday(d) != c.work {
			t.Errorf("%s: holiday %v, business day %v, school day %v, workday %v; want %v, %v, %v, %v", c.day,
				PublicHoliday(d), BusinessDay(d), SchoolDay(d), Workday(d), c.holiday, c.business, c.school, c.work)
		}
	}
}
