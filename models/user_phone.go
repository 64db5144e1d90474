package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// checkPhone trims a work phone and checks its form; empty is allowed (no phone given).
func checkPhone(phone *string, v ValidationError) {
	*phone = strings.TrimSpace(*phone)
	if *phone != "" && !phonePattern.MatchString(*phone) {
		v.Add("phone", "field.phone_invalid")
	}
}

// SetPhoneAudited changes the work phone of an account, as its owner does on their account
// page, and records the change (never the number) in the same transaction.
func SetPhoneAudited(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, userID uint, phone string) error {
	v := ValidationError{}
	checkPhone(&phone, v)
	if err := v.OrNil(); err != nil {
		return err
	}
	return withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"phone": phone, "updated_at": now.UTC()})
		if res.Error != nil {
			return auditEntry{}, fmt.Errorf("models: set phone of user %d: %w", userID, res.Error)
		}
		if res.RowsAffected == 0 {
			return auditEntry{}, ErrNotFound
		}
		return auditEntry{AuditUserChanged, "user", fmt.Sprint(userID), "phone"}, nil
	})
}

// ReferralContact is how a partner reaches the mediator who sent a referral.
type ReferralContact struct {
	Name, Email, Phone string
}

// SenderContact loads the name, e-mail and work phone of a referral's sender, as the referral
// page shows them to the partner; ErrNotFound when the account is gone.
func SenderContact(ctx context.Context, db *gorm.DB, senderID uint) (ReferralContact, error) {
	var u User
	err := db.WithContext(ctx).Select("display_name", "email", "phone").Where("id = ?", senderID).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ReferralContact{}, ErrNotFound
	}
	if err != nil {
		return ReferralContact{}, fmt.Errorf("models: sender %d: %w", senderID, err)
	}
	return ReferralContact{Name: u.DisplayName, Email: u.Email, Phone: u.Phone}, nil
}
