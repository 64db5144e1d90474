package calendar_test

import (
	"errors"
	"testing"
	"time"

	"mediation/models/calendar"
)

func TestSchoolYearEdges(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, calendar.Paris)
	}
	cases := []struct {
		t    time.Time
		want string
	}{
		{at(2026, time.August, 31, 23, 59), "2025-2026"},
		{at(2026, time.September, 1, 0, 0), "2026-2027"},
		{at(2026, time.January, 1, 0, 0), "2025-2026"},
		{at(2025, time.December, 31, 23, 59), "2025-2026"},
		// 31 August 23:30 UTC is already 1 September in Paris.
		{time.Date(2026, time.August, 31, 22, 30, 0, 0, time.UTC), "2026-2027"},
	}
	for _, c := range cases {
		if got := calendar.SchoolYearOf(c.t).String(); got != c.want {
			t.Errorf("SchoolYearOf(%s) = %s, want %s", c.t, got, c.want)
		}
	}
	y, err := calendar.ParseSchoolYear("2025-2026")
	if err != nil {
		t.Fatal(err)
	}
	if !y.Contains(at(2025, time.September, 1, 0, 0)) || !y.Contains(at(2026, time.August, 31, 23, 59)) ||
		y.Contains(at(2026, time.September, 1, 0, 0)) || y.Contains(at(2025, time.August, 31, 23, 59)) {
		t.Error("Contains is wrong at the edges")
	}
	if y.LastDay().Format("2006-01-02") != "2026-08-31" || y.Next().String() != "2026-2027" || y.Previous().String() != "2024-2025" {
		t.Error("LastDay, Next or Previous is wrong")
	}
	months := y.Months()
	if len(months) != 12 || months[0] != "2025-09" || months[11] != "2026-08" {
		t.Errorf("Months = %v", months)
	}
	if calendar.Month("2026-08").SchoolYear() != y || calendar.Month("2026-09").SchoolYear() != y.Next() {
		t.Error("Month.SchoolYear is wrong at the edges")
	}
	for _, bad := range []string{"2025-2027", "2025/2026", "25-26", "2025-20266", "abcd-efgh", ""} {
		if _, err := calendar.ParseSchoolYear(bad); !errors.Is(err, calendar.ErrInvalidSchoolYear) {
			t.Errorf("ParseSchoolYear(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"2025-13", "2025-1", "25-09"} {
		if _, err := calendar.ParseMonth(bad); !errors.Is(err, calendar.ErrInvalidMonth) {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
}
