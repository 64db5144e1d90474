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

// pupilAccessEvents is the condition on audit_events that finds the events about one file:
// the file itself, and its follow-ups, meetings and referrals. Their ids are read first, so
// that each kind of record is looked up through the index on the record (a subquery in the
// condition makes PostgreSQL read the whole log). A deleted follow-up is no longer found that
// way: only its deletion's detail names the pupil, and searching every follow-up event for it
// would cost each view of a file.
func pupilAccessEvents(db *gorm.DB, pupilID uint) (string, []any, error) {
	var related []struct {
		RecordType string
		ID         uint
	}
	err := db.Raw(`SELECT 'follow_up' AS record_type, id FROM follow_ups WHERE pupil_id = ?
		UNION ALL SELECT 'meeting', id FROM meetings WHERE pupil_id = ?
		UNION ALL SELECT 'referral', id FROM referrals WHERE pupil_id = ?`, pupilID, pupilID, pupilID).Scan(&related).Error
	if err != nil {
		return "", nil, fmt.Errorf("models: records of pupil %d: %w", pupilID, err)
	}
	ids := map[string][]string{}
	for _, r := range related {
		ids[r.RecordType] = append(ids[r.RecordType], fmt.Sprint(r.ID))
	}
	cond := "(audit_events.record_type = ? AND audit_events.record_id = ?)"
	args := []any{"pupil", fmt.Sprint(pupilID)}
	for _, t := range []string{"follow_up", "meeting", "referral"} {
		if len(ids[t]) > 0 {
			cond += " OR (audit_events.record_type = ? AND audit_events.record_id IN ?)"
			args = append(args, t, ids[t])
		}
	}
	return cond, args, nil
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
	cond, args, err := pupilAccessEvents(db, pupilID)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := db.Table("audit_events").Where(cond, args...).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count accesses to pupil %d: %w", pupilID, err)
	}
	var rows []AccessRow
	err = db.Table("audit_events").Where(cond, args...).
		Select("audit_events.at, COALESCE(users.display_name, audit_events.actor_email) AS who, COALESCE(users.role, '') AS role, " +
			"audit_events.action, audit_events.record_type, audit_events.detail").
		Joins("LEFT JOIN users ON users.id = audit_events.user_id").
		Order("audit_events.at DESC, audit_events.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: access history of pupil %d: %w", pupilID, err)
	}
	for i := range rows {
		rows[i].Kind = accessKind(rows[i].RecordType, rows[i].Action)
	}
	return rows, total, nil
}
