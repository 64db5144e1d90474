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
// viewed, created or changed; "other" for anything else.
var AccessKinds = []string{"viewed", "opened", "changed", "exported", "pdf_exported",
	"followup_created", "followup_changed", "followup_deleted",
	"meeting_viewed", "meeting_created", "meeting_changed",
	"referral_viewed", "referral_created", "referral_changed", "other"}

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
	}
	return "other"
}

// pupilAccessEvents is the condition on audit_events that finds the events about one file,
// in two parts: the events of the file itself (a view of the file adds one each time), and those
// of its follow-ups, meetings and referrals. Their ids are read first, so that each kind of
// record is looked up through the index on the record (a subquery in the condition makes
// PostgreSQL read the whole log). A deleted follow-up is no longer found that way: only its
// deletion's detail names the pupil, and searching every follow-up event for it would cost each
// view of a file. The second part is empty ("") for a file without any such record.
func pupilAccessEvents(db *gorm.DB, pupilID uint) (file, related accessCond, err error) {
	var rows []struct {
		RecordType string
		ID         uint
	}
	err = db.Raw(`SELECT 'follow_up' AS record_type, id FROM follow_ups WHERE pupil_id = ?
		UNION ALL SELECT 'meeting', id FROM meetings WHERE pupil_id = ?
		UNION ALL SELECT 'referral', id FROM referrals WHERE pupil_id = ?`, pupilID, pupilID, pupilID).Scan(&rows).Error
	if err != nil {
		return file, related, fmt.Errorf("models: records of pupil %d: %w", pupilID, err)
	}
	ids := map[string][]string{}
	for _, r := range rows {
		ids[r.RecordType] = append(ids[r.RecordType], fmt.Sprint(r.ID))
	}
	file = accessCond{"(audit_events.record_type = ? AND audit_events.record_id = ?)", []any{"pupil", fmt.Sprint(pupilID)}}
	var conds []string
	for _, t := range []string{"follow_up", "meeting", "referral"} {
		if len(ids[t]) > 0 {
			conds = append(conds, "(audit_events.record_type = ? AND audit_events.record_id IN ?)")
			related.args = append(related.args, t, ids[t])
		}
	}
	related.sql = strings.Join(conds, " OR ")
	return file, related, nil
}

// accessCond is a condition on audit_events with its arguments.
type accessCond struct {
	sql  string
	args []any
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
	db = db.WithContext(ctx)
	file, related, err := pupilAccessEvents(db, pupilID)
	if err != nil {
		return nil, 0, err
	}
	// The latest events of each part, read in the order of the index on the record and its time
	// (the file's own views are most of them), then the latest of both.
	parts := []accessCond{file}
	all := file
	if related.sql != "" {
		parts = append(parts, related)
		all = accessCond{file.sql + " OR " + related.sql, append(append([]any{}, file.args...), related.args...)}
	}
	var total int64
	if err := db.Table("audit_events").Where(all.sql, all.args...).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count accesses to pupil %d: %w", pupilID, err)
	}
	fresh := db.Session(&gorm.Session{NewDB: true})
	var union []string
	var latest []any
	for i, p := range parts {
		union = append(union, fmt.Sprintf("SELECT * FROM (?) AS part%d", i))
		latest = append(latest, fresh.Table("audit_events").Where(p.sql, p.args...).
			Order("audit_events.at DESC, audit_events.id DESC").Limit(limit))
	}
	var rows []AccessRow
	err = db.Table("(?) AS latest", fresh.Raw(strings.Join(union, " UNION ALL "), latest...)).
		Select("latest.at, COALESCE(users.display_name, latest.actor_email) AS who, COALESCE(users.role, '') AS role, " +
			"latest.action, latest.record_type, latest.detail").
		Joins("LEFT JOIN users ON users.id = latest.user_id").
		Order("latest.at DESC, latest.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: access history of pupil %d: %w", pupilID, err)
	}
	for i := range rows {
		rows[i].Kind = accessKind(rows[i].RecordType, rows[i].Action)
	}
	return rows, total, nil
}
