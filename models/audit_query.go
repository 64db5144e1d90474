package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// AuditFilter narrows the audit log.
type AuditFilter struct {
	// Actor matches the actor's email (part of it).
	Actor      string
	Action     string
	RecordType string
	RecordID   string
	// From and To are civil dates (Paris), To included; zero means open.
	From, To time.Time
	Page     int
}

// AuditPerPage is the length of a page of the audit log.
const AuditPerPage = 100

func (f AuditFilter) apply(q *gorm.DB) *gorm.DB {
	if a := strings.ToLower(strings.TrimSpace(f.Actor)); a != "" {
		q = q.Where("LOWER(actor_email) LIKE ? ESCAPE '\\'", "%"+escapeLike(a)+"%")
	}
	switch f.Action {
	case "":
	case AuditPDFExported:
		// PDFs were once recorded as exports with a "pdf …" detail: the filter finds them too.
		q = q.Where("(action = ? OR action = ? AND detail LIKE 'pdf %')", AuditPDFExported, AuditExported)
	case AuditExported:
		q = q.Where("action = ? AND detail NOT LIKE 'pdf %'", AuditExported)
	default:
		q = q.Where("action = ?", f.Action)
	}
	if f.RecordType != "" {
		q = q.Where("record_type = ?", f.RecordType)
	}
	if f.RecordID != "" {
		q = q.Where("record_id = ?", strings.TrimSpace(f.RecordID))
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", time.Date(f.From.Year(), f.From.Month(), f.From.Day(), 0, 0, 0, 0, calendar.Paris).UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", time.Date(f.To.Year(), f.To.Month(), f.To.Day()+1, 0, 0, 0, 0, calendar.Paris).UTC())
	}
	return q
}

// ListAuditEvents returns a page of the audit log, newest first, and the number of matching
// events.
func ListAuditEvents(ctx context.Context, db *gorm.DB, f AuditFilter) ([]AuditEvent, int64, error) {
	q := f.apply(db.WithContext(ctx).Model(&AuditEvent{}))
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count audit events: %w", err)
	}
	var es []AuditEvent
	if err := onPage(q.Order("at DESC, id DESC"), f.Page, AuditPerPage).Find(&es).Error; err != nil {
		return nil, 0, fmt.Errorf("models: list audit events: %w", err)
	}
	return es, total, nil
}

// EachAuditEvent streams every matching event, oldest first, without loading them all.
func EachAuditEvent(ctx context.Context, db *gorm.DB, f AuditFilter, fn func(AuditEvent) error) error {
	rows, err := f.apply(db.WithContext(ctx).Model(&AuditEvent{})).Order("at, id").Rows()
	if err != nil {
		return fmt.Errorf("models: read audit events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e AuditEvent
		if err := db.ScanRows(rows, &e); err != nil {
			return fmt.Errorf("models: read audit event: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditActions lists the actions the log holds, for the filter.
var AuditActions = []string{AuditLogin, AuditLoginFailed, AuditLogout, AuditPasswordChange, AuditPasswordCheckFailed, AuditUserCreated, AuditUserChanged,
	AuditPupilViewed, AuditCreated, AuditChanged, AuditDeleted, AuditPDFExported, AuditExported, AuditImported, AuditPurged, AuditDemoLoaded,
	AuditTwoFactorEnabled, AuditTwoFactorDisabled, AuditRecoveryCodesRegenerated, AuditReportRefreshed}

// AccessRow is one line of a file's access history: when, who (the account's current name and
// role; an actor without an account, such as the command line, shows its label and no role),
// what.
type AccessRow struct {
	At         time.Time
	Who        string
	Role       Role
	Action     string
	RecordType string
	Detail     string
	// Kind says in one word what was done, for the interface: one of AccessKinds.
	Kind string
}

// AccessKinds are what a line of an access history can say was done: the file viewed,
// opened, changed, exported; a follow-up added, changed or deleted; a meeting or a referral
// viewed, created or changed; a letter printed for the family; "other" for anything else.
var AccessKinds = []string{"viewed", "opened", "changed", "exported", "pdf_exported",
	"followup_created", "followup_changed", "followup_deleted",
	"meeting_viewed", "meeting_created", "meeting_changed",
	"referral_viewed", "referral_created", "referral_changed", "letter_printed", "other"}

// accessKind names what an event did to a file. Changes of guardians are changes of the file,
// even when one is removed.
func accessKind(recordType, action string) string {
	switch recordType + "/" + action {
	case "pupil/" + AuditPupilViewed:
		return "viewed"
	case "pupil/" + AuditCreated:
		return "opened"
	case "pupil/" + AuditChanged, "pupil/" + AuditDeleted:
		return "changed"
	case "pupil/" + AuditExported:
		return "exported"
	case "pupil/" + AuditPDFExported:
		return "pdf_exported"
	case "follow_up/" + AuditCreated:
		return "followup_created"
	case "follow_up/" + AuditChanged:
		return "followup_changed"
	case "follow_up/" + AuditDeleted:
		return "followup_deleted"
	case "meeting/" + AuditPupilViewed:
		return "meeting_viewed"
	case "meeting/" + AuditCreated:
		return "meeting_created"
	case "meeting/" + AuditChanged:
		return "meeting_changed"
	case "referral/" + AuditPupilViewed:
		return "referral_viewed"
	case "referral/" + AuditCreated:
		return "referral_created"
	case "referral/" + AuditChanged:
		return "referral_changed"
	case "meeting/" + AuditPDFExported, "referral/" + AuditPDFExported:
		return "letter_printed"
	}
	return "other"
}

// PupilAccessHistory lists who consulted or changed a file of the scope, newest first (the
// latest limit events), and how many events there are in all: views and changes of the file,
// and of its follow-ups, meetings and referrals. Only mediators read it: for any other scope
// the history is not found, like a file outside the scope.
func PupilAccessHistory(ctx context.Context, db *gorm.DB, s Scope, pupilID uint, limit int) ([]AccessRow, int64, error) {
	if !s.SeesAccessHistory() {
		return nil, 0, ErrNotFound
	}
	if _, err := pupilInScope(ctx, db, s, pupilID); err != nil {
		return nil, 0, err
	}
	return accessHistory(ctx, db, pupilID, limit)
}

// AccessHistory is PupilAccessHistory for a file loaded within s (LoadPupilFile): the scope
// was checked when it was loaded.
func (f PupilFile) AccessHistory(ctx context.Context, db *gorm.DB, s Scope, limit int) ([]AccessRow, int64, error) {
	if !s.SeesAccessHistory() || f.Pupil.ID == 0 {
		return nil, 0, ErrNotFound
	}
	return accessHistory(ctx, db, f.Pupil.ID, limit)
}

// accessParts are the records whose events make a file's access history: the file itself (a
// view adds one each time) and its follow-ups, meetings and referrals (an audit event names its
// record as text). Each is a range of the index on (record type, record id, time, id), looked
// up for each record of the file: on PostgreSQL the ids are an array computed once
// (record_id = ANY(ARRAY(…))), which the index scan takes as its condition; as a semi-join, the
// planner could start from the log's events of the kind and look each up among the file's
// records. The record types are written in the SQL, so that a generic plan knows them too. A
// deleted follow-up is no longer found that way: only its deletion's detail names the pupil, and
// searching every follow-up event for it would cost each view of a file.
func accessParts(dialect string) []string {
	records := func(table string) string {
		ids := "SELECT CAST(id AS VARCHAR(40)) FROM " + table + " WHERE pupil_id = ?"
		if dialect == "postgres" {
			return "audit_events.record_id = ANY(ARRAY(" + ids + "))"
		}
		return "audit_events.record_id IN (" + ids + ")"
	}
	return []string{
		"audit_events.record_type = 'pupil' AND audit_events.record_id = ?",
		"audit_events.record_type = 'follow_up' AND " + records("follow_ups"),
		"audit_events.record_type = 'meeting' AND " + records("meetings"),
		"audit_events.record_type = 'referral' AND " + records("referrals"),
	}
}

// accessHistory reads, in one statement, the latest limit events of a file and how many there
// are in all: the latest limit of each part in the order of its index, then the latest of
// them. The total is the sum of the parts' counts (they are disjoint). The file's own events
// are one range of the index, counted from the index alone; the events of its records are
// looked up record by record (an index descent each: most of the statement's cost), so each of
// those parts is read once, its count taken by a window over the rows its latest are chosen
// from (counting them in a subquery of their own read them all a second time).
func accessHistory(ctx context.Context, db *gorm.DB, pupilID uint, limit int) ([]AccessRow, int64, error) {
	parts := accessParts(db.Dialector.Name())
	var ctes, latest, counts []string
	var args []any
	for i, part := range parts[1:] {
		ctes = append(ctes, fmt.Sprintf("part%d AS (SELECT audit_events.*, COUNT(*) OVER () AS part_total "+
			"FROM audit_events WHERE %s ORDER BY audit_events.at DESC, audit_events.id DESC LIMIT ?)", i+1, part))
		args = append(args, pupilID, limit)
		counts = append(counts, fmt.Sprintf("(SELECT COALESCE(MAX(part_total), 0) FROM part%d)", i+1))
		latest = append(latest, fmt.Sprintf("SELECT * FROM part%d", i+1))
	}
	own := fmt.Sprint(pupilID)
	counts = append([]string{"(SELECT COUNT(*) FROM audit_events WHERE " + parts[0] + ")"}, counts...)
	args = append(args, own)
	latest = append([]string{"SELECT * FROM (SELECT audit_events.*, 0 AS part_total FROM audit_events WHERE " + parts[0] +
		" ORDER BY audit_events.at DESC, audit_events.id DESC LIMIT ?) AS part0"}, latest...)
	args = append(args, own, limit, limit)
	var rows []struct {
		AccessRow
		Total int64
	}
	err := db.WithContext(ctx).Raw("WITH "+strings.Join(ctes, ", ")+
		" SELECT latest.at, COALESCE(users.display_name, latest.actor_email) AS who, "+
		"COALESCE(users.role, '') AS role, latest.action, latest.record_type, latest.detail, ("+strings.Join(counts, " + ")+") AS total "+
		"FROM ("+strings.Join(latest, " UNION ALL ")+") AS latest LEFT JOIN users ON users.id = latest.user_id "+
		"ORDER BY latest.at DESC, latest.id DESC LIMIT ?", args...).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: access history of pupil %d: %w", pupilID, err)
	}
	out := make([]AccessRow, len(rows))
	var total int64
	for i, r := range rows {
		out[i], total = r.AccessRow, r.Total
		out[i].Kind = accessKind(r.RecordType, r.Action)
	}
	return out, total, nil
}
