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
// and of its follow-ups, meetings and referrals, including those of a follow-up deleted since
// (who read a minor's file stays accountable after the record goes). Only mediators read it:
// for any other scope the history is not found, like a file outside the scope.
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

// accessHistory reads, in one statement, the latest limit events of a file and how many there
// are in all. Both are one range of the index on (pupil_id, at, id): an event about the file or
// one of its follow-ups, meetings and referrals names the file (RecordFileAudit), so the events
// of a record deleted since stay in the history. The count reads the range from the index
// alone (a few pages for the thousands of events of the busiest file); the latest are its first
// limit entries, each read from the table.
func accessHistory(ctx context.Context, db *gorm.DB, pupilID uint, limit int) ([]AccessRow, int64, error) {
	var rows []struct {
		AccessRow
		Total int64
	}
	err := db.WithContext(ctx).Raw("SELECT latest.at, COALESCE(users.display_name, latest.actor_email) AS who, "+
		"COALESCE(users.role, '') AS role, latest.action, latest.record_type, latest.detail, "+
		"(SELECT COUNT(*) FROM audit_events WHERE pupil_id = ?) AS total "+
		"FROM (SELECT id, at, user_id, actor_email, action, record_type, detail FROM audit_events WHERE pupil_id = ? "+
		"ORDER BY at DESC, id DESC LIMIT ?) AS latest LEFT JOIN users ON users.id = latest.user_id "+
		"ORDER BY latest.at DESC, latest.id DESC", pupilID, pupilID, limit).Scan(&rows).Error
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
