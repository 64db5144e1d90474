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

// Pagination is where a list stands among its pages, and the links to its neighbours ("" where
// there is none); every paged list fills one with paginate and shows it with the "pagination"
// partial.
type Pagination struct {
	// Number is the page shown, from 1; Count how many pages the list has.
	Number, Count int
	Prev, Next    string
}

// pageParam reads the page asked for in the query: 1 when it is missing or not a number.
func pageParam(c echo.Context) int {
	n, _ := strconv.Atoi(c.QueryParam("page"))
	return max(n, 1)
}

// paginate places page of a list of total rows, perPage a page, and links its neighbours at
// path with the filter params (empty values left out, so that links stay short).
func paginate(path string, params map[string]string, page, perPage int, total int64) Pagination {
	p := Pagination{Number: page, Count: int((total + int64(perPage) - 1) / int64(perPage))}
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
		p.Prev = link(page - 1)
	}
	if int64(page*perPage) < total {
		p.Next = link(page + 1)
	}
	return p
}

// idParam writes an optional id filter as a query value: "" for none.
func idParam(id uint) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(id), 10)
}
