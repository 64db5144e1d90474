package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// ContactKind is what a recorded contact with a pupil's family was.
type ContactKind string

// The kinds of contact, in the order a tie on the same day is told: the mediator's own
// follow-up first.
const (
	// ContactFollowUp is a follow-up logged on the file, restricted or not.
	ContactFollowUp ContactKind = "follow_up"
	// ContactMeeting is a family–school meeting recorded as held.
	ContactMeeting ContactKind = "meeting"
	// ContactPartnerAnswer is a partner's step on one of the pupil's referrals:
	// acknowledgement, acceptance, refusal, closing with an outcome, or feedback.
	ContactPartnerAnswer ContactKind = "partner_answer"
)

// contactKinds are the kinds of contact in the order of their columns in LoadLastContact.
var contactKinds = []ContactKind{ContactFollowUp, ContactMeeting, ContactPartnerAnswer}

// partnerAnswerStatuses are the statuses a partner's steps lead to, as SQL; a feedback stays in
// one of them. Every other step (draft, send, withdraw) is the sender's side.
var partnerAnswerStatuses = func() string {
	quoted := make([]string, len(partnerAnswers))
	for i, s := range partnerAnswers {
		quoted[i] = "'" + string(s) + "'"
	}
	return strings.Join(quoted, ", ")
}()

// contactSQL gives, for each kind of contact (in the order of contactKinds), the SQL for the
// Paris civil date of the latest contact of that kind with the pupil whose id is the column
// pupil, NULL without any: a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite. Each reads the
// pupil's own rows through its index (follow-ups by pupil and date, meetings held by pupil and
// time, the partners' answers by pupil and time: migration 0033 gives each referral step its
// file). The statuses are literal: a generic plan uses a partial index only when it reads the
// index's condition in the statement's text.
//
// This is the one definition of a contact: the pupil list, the worklist and the file all read
// it, through LastContactSQL and LoadLastContact.
func contactSQL(dialect, pupil string) []string {
	// latest is the Paris date of the latest value of a timestamp column among rows. Paris
	// dates follow the order of the instants, so PostgreSQL takes the date of the maximum, which
	// its index reads backwards; SQLite, whose Paris date repeats the column, takes the maximum
	// of the dates of the pupil's few rows.
	latest := func(column, rows string) string {
		if dialect == DialectPostgres {
			return ParisDateSQL(dialect, "(SELECT MAX("+column+") "+rows+")")
		}
		return "(SELECT MAX(" + ParisDateSQL(dialect, column) + ") " + rows + ")"
	}
	followUp := "(SELECT MAX(fu.occurred_on) FROM follow_ups fu WHERE fu.pupil_id = " + pupil + ")"
	if dialect != DialectPostgres {
		followUp = "date(" + followUp + ")"
	}
	return []string{
		followUp,
		latest("m.scheduled_at", "FROM meetings m WHERE m.pupil_id = "+pupil+" AND m.status = '"+string(MeetingHeld)+"'"),
		latest("rt.at", "FROM referral_transitions rt WHERE rt.pupil_id = "+pupil+" AND rt.to_status IN ("+partnerAnswerStatuses+")"),
	}
}

// LastContactSQL is the SQL for the Paris civil date of the latest recorded contact with the
// pupil whose id is the column pupil (a follow-up, a family meeting held, a partner's answer
// or feedback on a referral), NULL without any: a date on PostgreSQL, 'YYYY-MM-DD' text on
// SQLite.
func LastContactSQL(dialect, pupil string) string {
	parts := contactSQL(dialect, pupil)
	if dialect == DialectPostgres {
		// GREATEST leaves the NULLs out.
		return "GREATEST(" + strings.Join(parts, ", ") + ")"
	}
	// SQLite's max() of several values is NULL as soon as one is: the aggregate is not.
	return "(SELECT MAX(d) FROM (SELECT " + strings.Join(parts, " AS d UNION ALL SELECT ") + " AS d))"
}

// Contact is the latest recorded contact with a pupil: its Paris civil date (midnight UTC) and
// its kind. The zero Contact means none.
type Contact struct {
	On   time.Time
	Kind ContactKind
}

// Recorded tells whether there is a contact at all.
func (c Contact) Recorded() bool { return !c.On.IsZero() }

// LoadLastContact gives the latest recorded contact with pupil id, in one query, by the
// definition of LastContactSQL; on a tie the earlier kind of contactKinds is told. The caller
// has checked the pupil is in its scope.
func LoadLastContact(ctx context.Context, db *gorm.DB, id uint) (Contact, error) {
	var row contactDates
	err := db.WithContext(ctx).Table("pupils").Select(contactColumns(db.Dialector.Name())).Where("pupils.id = ?", id).Scan(&row).Error
	if err != nil {
		return Contact{}, fmt.Errorf("models: last contact of pupil %d: %w", id, err)
	}
	return row.contact(), nil
}

// contactDates are the latest date of each kind of contact with a file, as contactColumns
// selects them.
type contactDates struct {
	FollowUp      calendar.DBTime
	Meeting       calendar.DBTime
	PartnerAnswer calendar.DBTime
}

// contactColumns selects the latest date of each kind of contact with the file pupils.id, as
// the columns contactDates reads.
func contactColumns(dialect string) string {
	parts := contactSQL(dialect, "pupils.id")
	cols := make([]string, len(parts))
	for i, p := range parts {
		cols[i] = p + " AS " + string(contactKinds[i])
	}
	return strings.Join(cols, ", ")
}

// contact is the latest of the dates; on a tie, the earlier kind of contactKinds.
func (d contactDates) contact() Contact {
	var c Contact
	for i, t := range []calendar.DBTime{d.FollowUp, d.Meeting, d.PartnerAnswer} {
		if t.Valid && calendar.Date(t.Time).After(c.On) {
			c = Contact{On: calendar.Date(t.Time), Kind: contactKinds[i]}
		}
	}
	return c
}
