package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// FormSubmission records that an account submitted the creation form carrying Token, and
// where that submission led (the record created). A second submission of the same form (same
// account, same token) finds it and creates nothing.
type FormSubmission struct {
	UserID    uint   `gorm:"primaryKey;autoIncrement:false"`
	Token     string `gorm:"primaryKey"`
	Location  string
	CreatedAt time.Time
}

// SubmissionTokenField is the hidden field of the creation forms that carries their token.
const SubmissionTokenField = "_submission"

// submissionToken is the shape of a token: what the form renders (views' formToken), 32 hex
// characters, or anything alike of 16 to 64 safe characters.
var submissionToken = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// ValidSubmissionToken says whether a submitted token has the shape of one.
func ValidSubmissionToken(token string) bool { return submissionToken.MatchString(token) }

// errReplayed rolls back the transaction of a submission already made.
var errReplayed = errors.New("models: form already submitted")

// SubmitOnce runs create, in one transaction with the record of the submission (userID, token):
// the first submission of a token creates and stores the location create returns; any later or
// concurrent one creates nothing and returns the first one's location with replayed true. The
// unique key decides between concurrent submissions: PostgreSQL makes the second insert wait
// for the first transaction and then skips it; SQLite runs the transactions one after the
// other. A create that fails (a validation error) leaves no record, so the form can be
// corrected and sent again with the same token. An empty token runs create without protection.
func SubmitOnce(ctx context.Context, db *gorm.DB, userID uint, token string, now time.Time, create func(tx *gorm.DB) (string, error)) (location string, replayed bool, err error) {
	if token == "" {
		err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			location, err = create(tx)
			return err
		})
		return location, false, err
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&FormSubmission{UserID: userID, Token: token, CreatedAt: now.UTC()})
		if res.Error != nil {
			return fmt.Errorf("models: record form submission: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errReplayed
		}
		var err error
		if location, err = create(tx); err != nil {
			return err
		}
		return tx.Model(&FormSubmission{}).Where("user_id = ? AND token = ?", userID, token).
			Update("location", location).Error
	})
	if !errors.Is(err, errReplayed) {
		return location, false, err
	}
	var first FormSubmission
	if err := db.WithContext(ctx).Where("user_id = ? AND token = ?", userID, token).Take(&first).Error; err != nil {
		return "", true, fmt.Errorf("models: read form submission: %w", err)
	}
	return first.Location, true, nil
}

// SubmissionRetention is how long a form's token is remembered: longer than anyone keeps a
// form open before sending it again.
const SubmissionRetention = 24 * time.Hour

// DeleteOldSubmissions forgets the tokens older than SubmissionRetention.
func DeleteOldSubmissions(ctx context.Context, db *gorm.DB, now time.Time) error {
	if err := db.WithContext(ctx).Where("created_at < ?", now.Add(-SubmissionRetention).UTC()).Delete(&FormSubmission{}).Error; err != nil {
		return fmt.Errorf("models: delete old form submissions: %w", err)
	}
	return nil
}
