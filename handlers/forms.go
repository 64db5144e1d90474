package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
)

// formDate reads a date typed as 2026-11-25 (the date input) or 25/11/2026 (by hand). ok is
// false when something was typed that is not a date; an empty field gives the zero time.
func formDate(c echo.Context, name string) (t time.Time, ok bool) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formInt reads a whole number; an empty field is 0, and ok is false for anything else.
func formInt(c echo.Context, name string) (n int, ok bool) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// formOptionalInt reads a whole number that may be left empty (nil).
func formOptionalInt(c echo.Context, name string) (*int, bool) {
	if strings.TrimSpace(c.FormValue(name)) == "" {
		return nil, true
	}
	n, ok := formInt(c, name)
	return &n, ok
}

// formOptionalDecimal reads a decimal written with a comma or a point; empty gives nil.
func formOptionalDecimal(c echo.Context, name string) (*float64, bool) {
	v := strings.ReplaceAll(strings.TrimSpace(c.FormValue(name)), ",", ".")
	if v == "" {
		return nil, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}

// formID reads an optional record id (0 when empty or malformed).
func formID(c echo.Context, name string) uint {
	id, _ := strconv.ParseUint(strings.TrimSpace(c.FormValue(name)), 10, 32)
	return uint(id)
}

func formIDPtr(c echo.Context, name string) *uint {
	if id := formID(c, name); id != 0 {
		return &id
	}
	return nil
}

// paramID reads the :name path parameter; a malformed id is simply not found.
func paramID(c echo.Context, name string) (uint, error) {
	id, err := strconv.ParseUint(c.Param(name), 10, 32)
	if err != nil || id == 0 {
		return 0, echo.ErrNotFound
	}
	return uint(id), nil
}

// dateValue writes a date for a date input.
func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// notFound turns models.ErrNotFound into a 404.
func notFound(err error) error {
	if err == models.ErrNotFound {
		return echo.ErrNotFound
	}
	return err
}

// pageLinks returns the addresses of the previous and next pages of a list filtered by params
// (empty values left out), or "" where there is none.
func pageLinks(path string, params map[string]string, page, perPage int, total int64) (prev, next string) {
	link := func(n int) string {
		v := url.Values{}
		for k, val := range params {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("page", strconv.Itoa(n))
		return path + "?" + v.Encode()
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if int64(page*perPage) < total {
		next = link(page + 1)
	}
	return prev, next
}
