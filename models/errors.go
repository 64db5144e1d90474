// Package models holds the entities, queries and rules of the school-mediation domain.
package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ErrNotFound is returned when a record does not exist or lies outside the caller's scope:
// both answer the same so that nobody can learn which records exist.
var ErrNotFound = errors.New("models: not found")

// ErrStale is returned when an edit is based on a version of a record that has changed since.
var ErrStale = errors.New("models: stale version")

// StaleError refuses a change based on an old version of a record (a pupil's file, a meeting,
// a referral): someone changed it in between, or the same form was sent twice. It is the one
// error of optimistic locking, and carries all that the page answering 409 shows, so that no
// handler has to query again: the record as it is now, who changed it last and when, and why
// the change was refused. errors.Is(err, ErrStale) is true.
type StaleError struct {
	// Record is the kind of record, as written in the audit log: "pupil", "meeting", "referral".
	Record string
	// ID identifies the record; Version is its current version, which a form shown again carries.
	ID      uint
	Version int
	// Current is the record as it is now: a Pupil, a Meeting or a Referral, as Record says.
	Current any
	// ChangedBy and ChangedAt name the account that changed the record last, and when, as the
	// audit log says (empty and zero when it says nothing).
	ChangedBy string
	ChangedAt time.Time
	// Message says why the change was refused, as a key of the message catalog.
	Message string
}

func (e *StaleError) Error() string { return "models: stale " + e.Record + " version" }

// Is makes errors.Is(err, ErrStale) true.
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// staleError builds the StaleError of a record found at another version than the one a change
// was based on, with its last change read in tx (the transaction that refuses the change, so
// that the error describes the version it saw). Any error of that read is returned instead.
func staleError(ctx context.Context, tx *gorm.DB, record string, id uint, version int, current any, message string) error {
	who, at, err := lastChange(ctx, tx, record, id)
	if err != nil {
		return err
	}
	return &StaleError{Record: record, ID: id, Version: version, Current: current, ChangedBy: who, ChangedAt: at, Message: message}
}

// lastChange tells who last changed a record and when, from the audit log: the display name
// of the account, or the email the event kept when the account is gone.
func lastChange(ctx context.Context, db *gorm.DB, recordType string, recordID uint) (who string, at time.Time, err error) {
	var e AuditEvent
	err = db.WithContext(ctx).Where("record_type = ? AND record_id = ? AND action IN ?", recordType, fmt.Sprint(recordID),
		[]string{AuditCreated, AuditChanged}).Order("at DESC, id DESC").Limit(1).Find(&e).Error
	if err != nil {
		return "", time.Time{}, fmt.Errorf("models: last change of %s %d: %w", recordType, recordID, err)
	}
	if e.UserID != nil {
		var names []string
		if err := db.WithContext(ctx).Model(&User{}).Where("id = ?", *e.UserID).Pluck("display_name", &names).Error; err != nil {
			return "", time.Time{}, fmt.Errorf("models: author of the last change of %s %d: %w", recordType, recordID, err)
		}
		if len(names) > 0 && names[0] != "" {
			return names[0], e.At, nil
		}
	}
	return e.ActorEmail, e.At, nil
}

// Message is a text for the reader, kept as a key of the message catalog and its arguments:
// models refuse in no language, and the views write the refusal in the reader's.
type Message struct {
	// Key is a stable identifier of the catalog (views/locales), such as "field.required".
	Key string
	// Args come in pairs, name then value, as the views' Localizer.T takes them; a "Count"
	// argument chooses the plural form.
	Args []any
}

// Msg builds a Message from a catalog key and its arguments (pairs: name, value).
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// TooLong is the message of a text longer than max characters; max also picks the plural.
func TooLong(max int) Message { return Msg("field.too_long", "Count", max) }

// String writes the key and its arguments, for logs and test failures.
func (m Message) String() string {
	if len(m.Args) == 0 {
		return m.Key
	}
	return fmt.Sprintf("%s%v", m.Key, m.Args)
}

// Problem is an error a person has to read, such as a database the program cannot open: a
// message of the catalog and, when it keeps it, the error it comes from. Error is for logs;
// the command says the message in French.
type Problem struct {
	Message
	Err error
}

// Problemf builds a Problem from a catalog key and its arguments (pairs: name, value), keeping
// err (nil for none) for errors.Is and errors.As.
func Problemf(err error, key string, args ...any) *Problem {
	return &Problem{Message: Msg(key, args...), Err: err}
}

// Error writes the message's key and arguments, for logs.
func (p *Problem) Error() string { return "models: " + p.Message.String() }

// Unwrap is the error the problem comes from.
func (p *Problem) Unwrap() error { return p.Err }

// ValidationError maps form fields to messages; it is what a form re-renders with 422.
type ValidationError map[string]Message

// Fields lists the fields that have a message, in a stable order.
func (v ValidationError) Fields() []string {
	fields := make([]string, 0, len(v))
	for f := range v {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return fields
}

// Error lists the fields in a stable order.
func (v ValidationError) Error() string {
	parts := make([]string, 0, len(v))
	for _, f := range v.Fields() {
		parts = append(parts, fmt.Sprintf("%s : %s", f, v[f]))
	}
	return strings.Join(parts, " ; ")
}

// Add records a message for field, a catalog key and its arguments (pairs: name, value),
// keeping the first one given.
func (v ValidationError) Add(field, key string, args ...any) {
	v.Put(field, Msg(key, args...))
}

// Put records a message built beforehand for field, keeping the first one given.
func (v ValidationError) Put(field string, m Message) {
	if _, ok := v[field]; !ok {
		v[field] = m
	}
}

// OrNil returns nil when no field failed, so that callers can write `return v.OrNil()`.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
