package calendar

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// DBTime reads a time computed by SQL (MAX(occurred_on)…): PostgreSQL returns a time,
// SQLite the text it stores. Valid is false for NULL.
type DBTime struct {
	Time  time.Time
	Valid bool
}

var dbTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// Scan implements sql.Scanner.
func (t *DBTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = DBTime{}
		return nil
	case time.Time:
		*t = DBTime{Time: x, Valid: true}
		return nil
	case []byte:
		return t.Scan(string(x))
	case string:
		for _, layout := range dbTimeLayouts {
			if p, err := time.Parse(layout, x); err == nil {
				*t = DBTime{Time: p, Valid: true}
				return nil
			}
		}
		return fmt.Errorf("calendar: unreadable time %q", x)
	}
	return fmt.Errorf("calendar: cannot read %T as a time", v)
}

// Value implements driver.Valuer.
func (t DBTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.Time, nil
}

// Ptr returns the time or nil.
func (t DBTime) Ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// Date returns the civil date of t as midnight UTC, the way date columns are stored.
func Date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the civil date of now in Paris, as midnight UTC.
func Today(now time.Time) time.Time {
	return Date(now.In(Paris))
}
