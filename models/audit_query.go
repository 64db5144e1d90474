package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
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
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.RecordType != "" {
		q = q.Where("record_type = ?", f.RecordType)
	}
	if f.RecordID != "" {
		q = q.Where("record_id = ?", strings.TrimSpace(f.RecordID))
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", time.Date(f.From.Year(), f.From.Month(), f.From.Day(), 0, 0, 0, 0, Paris).UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", time.Date(f.To.Year(), f.To.Month(), f.To.Day()+1, 0, 0, 0, 0, Paris).UTC())
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
	page := max(f.Page, 1)
	if err := q.Order("at DESC, id DESC").Offset((page - 1) * AuditPerPage).Limit(AuditPerPage).Find(&es).Error; err != nil {
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
var AuditActions = []string{AuditLogin, AuditLoginFailed, AuditLogout, AuditPasswordChange, AuditUserCreated, AuditUserChanged,
	AuditPupilViewed, AuditCreated, AuditChanged, AuditDeleted, AuditPDFExported, AuditExported, AuditImported, AuditPurged, AuditDemoLoaded}

// AccessRow is one line of a file's access history: who, when, what.
type AccessRow struct {
	At     time.Time
	Who    string
	Action string
	Detail string
}

// PupilAccessHistory lists who consulted or changed a file of the scope, newest first (the
// latest limit events): views and changes of the file, and of its follow-ups.
func PupilAccessHistory(ctx context.Context, db *gorm.DB, s Scope, pupilID uint, limit int) ([]AccessRow, error) {
	if _, err := pupilInScope(ctx, db, s, pupilID); err != nil {
		return nil, err
	}
	var rows []AccessRow
	err := db.WithContext(ctx).Table("audit_events").
		Select("audit_events.at, COALESCE(users.display_name, audit_events.actor_email) AS who, audit_events.action, audit_events.detail").
		Joins("LEFT JOIN users ON users.id = audit_events.user_id").
		Where("audit_events.record_type = ? AND audit_events.record_id = ?", "pupil", fmt.Sprint(pupilID)).
		Order("audit_events.at DESC, audit_events.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: access history of pupil %d: %w", pupilID, err)
	}
	return rows, nil
}
