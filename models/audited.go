package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/risk"
)

// A change and its audit event commit together or not at all. Written one after the other, a
// change could commit and its audit event fail (an outage between the two): the user would be
// told that the change failed though it was made, and the log would miss it. The functions of
// this file wrap the account and setting changes that handlers used to audit after the fact.

// auditEntry is what a change writes to the audit log; an empty action writes nothing (an
// update that changed nothing).
type auditEntry struct {
	action, recordType, recordID, detail string
}

// withAudit runs change and records its audit event in one transaction (a savepoint inside the
// caller's).
func withAudit(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, change func(tx *gorm.DB) (auditEntry, error)) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := change(tx)
		if err != nil || e.action == "" {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, e.action, e.recordType, e.recordID, e.detail)
	})
}

// CreateAccount creates an account (see SaveAccount) and records its creation by actor in the
// audit log, in one transaction.
func CreateAccount(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, a Account, passwordHash string, mustChange bool) (User, error) {
	var u User
	err := withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		var err error
		if u, err = SaveAccount(ctx, tx, 0, a, passwordHash, mustChange); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{AuditUserCreated, "user", fmt.Sprint(u.ID), "role=" + string(u.Role)}, nil
	})
	return u, err
}

// UpdateAccount saves an account (see SaveAccount) and records in the audit log what changed,
// as describe tells from the account saved ("" when nothing did), in one transaction.
func UpdateAccount(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, id uint, a Account, describe func(after User) string) (User, error) {
	var u User
	err := withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		before, err := accountAssignments(tx, id)
		if err != nil {
			return auditEntry{}, err
		}
		if u, err = SaveAccount(ctx, tx, id, a, "", false); err != nil {
			return auditEntry{}, err
		}
		if err := notifyAccountChange(tx, now, actor, before, u); err != nil {
			return auditEntry{}, err
		}
		if changes := describe(u); changes != "" {
			return auditEntry{AuditUserChanged, "user", fmt.Sprint(u.ID), changes}, nil
		}
		return auditEntry{}, nil
	})
	return u, err
}

// SetPasswordAudited stores a new password hash (see SetPassword), ends every session of the
// account but keepSession (whoever knew the old password is out), and records the change in the
// audit log with detail (who set it: "by=self", "by=admin temporary"), in one transaction.
func SetPasswordAudited(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, userID uint, hash string, mustChange bool, detail, keepSession string) error {
	return withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		if err := SetPassword(ctx, tx, userID, hash, mustChange); err != nil {
			return auditEntry{}, err
		}
		if _, err := EndSessions(ctx, tx, userID, keepSession); err != nil {
			return auditEntry{}, err
		}
		if err := notifyAccount(tx, now, actor, NotifyPasswordReset, userID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{AuditPasswordChange, "user", fmt.Sprint(userID), detail}, nil
	})
}

// SaveRiskRulesAudited saves the risk rules (see SaveRiskRules) and records the change in the
// audit log, in one transaction.
func SaveRiskRulesAudited(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, rules risk.Rules) error {
	return withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		if err := SaveRiskRules(ctx, tx, now, rules); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{AuditChanged, "setting", RiskRulesKey, "risk rules"}, nil
	})
}
