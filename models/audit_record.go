package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Audit actions. The log says what was done to which record, never a note's content.
const (
	AuditLogin          = "login"
	AuditLoginFailed    = "login_failed"
	AuditLogout         = "logout"
	AuditPasswordChange = "password_changed"
	AuditUserCreated    = "user_created"
	AuditUserChanged    = "user_changed"
	AuditPupilViewed    = "pupil_viewed"
	AuditCreated        = "created"
	AuditChanged        = "changed"
	AuditDeleted        = "deleted"
	AuditPDFExported    = "pdf_exported"
	AuditExported       = "exported"
	AuditImported       = "imported"
	AuditPurged         = "purged"
	AuditDemoLoaded     = "demo_loaded"
	// The second factor of an account: turned on, turned off (by its owner, an administrator
	// or the command line; the detail says which), recovery codes replaced.
	AuditTwoFactorEnabled         = "two_factor_enabled"
	AuditTwoFactorDisabled        = "two_factor_disabled"
	AuditRecoveryCodesRegenerated = "recovery_codes_regenerated"
	// The coordination asked for the metropolitan figures of a year to be computed again.
	AuditReportRefreshed = "report_refreshed"
)

// Actor is who did something, and from where; the command line is an actor without an account.
type Actor struct {
	UserID    *uint
	Email     string
	RemoteIP  string
	RequestID string
}

// RecordAudit appends one event to the audit log. An event about a file or one of its records
// is written by RecordFileAudit, which names the file: RecordAudit refuses it.
func RecordAudit(ctx context.Context, db *gorm.DB, at time.Time, actor Actor, action, recordType, recordID, detail string) error {
	if fileRecordTypes[recordType] {
		return fmt.Errorf("models: audit %s of %s %s: the file is not named", action, recordType, recordID)
	}
	return recordAudit(ctx, db, at, actor, nil, action, recordType, recordID, detail)
}

// RecordFileAudit appends one event about the file pupilID or one of its records (recordType
// is one of fileRecordTypes) to the audit log: the event is in the file's access history, even
// once the record is deleted.
func RecordFileAudit(ctx context.Context, db *gorm.DB, at time.Time, actor Actor, pupilID uint, action, recordType, recordID, detail string) error {
	if !fileRecordTypes[recordType] || pupilID == 0 {
		return fmt.Errorf("models: audit %s of %s %s as an event of file %d", action, recordType, recordID, pupilID)
	}
	return recordAudit(ctx, db, at, actor, &pupilID, action, recordType, recordID, detail)
}

// fileRecordTypes are the records whose events make a file's access history: the file itself
// and its follow-ups, meetings and referrals.
var fileRecordTypes = map[string]bool{"pupil": true, "follow_up": true, "meeting": true, "referral": true}

func recordAudit(ctx context.Context, db *gorm.DB, at time.Time, actor Actor, pupilID *uint, action, recordType, recordID, detail string) error {
	e := AuditEvent{
		At: at.UTC(), UserID: actor.UserID, ActorEmail: actor.Email, RemoteIP: actor.RemoteIP, Action: action,
		RecordType: recordType, RecordID: recordID, PupilID: pupilID, Detail: truncate(detail, 500), RequestID: actor.RequestID,
	}
	// One INSERT is atomic by itself: outside a caller's transaction, GORM's own (BEGIN, INSERT,
	// COMMIT) would only add two round trips to every file read.
	if err := db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Create(&e).Error; err != nil {
		return fmt.Errorf("models: audit %s: %w", action, err)
	}
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// AuditPasswordCheckFailed is a wrong current password on the password-change page: a stolen
// session guessing the password shows in the log.
const AuditPasswordCheckFailed = "password_check_failed"
