package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Draft is what a form held when it was sent after its session had expired: the post could not
// be trusted (no session, so no CSRF check) and was not applied. It is kept for the account
// whose session it was, and given back only to that account, signed in again in the browser
// that holds Token, as the values of the same form to check and send again. It is never
// applied by itself.
type Draft struct {
	ID     uint
	Token  string
	UserID uint
	// Page is the path of the page that shows the form again, Form the name of the form on it.
	Page      string
	Form      string
	Values    string
	CreatedAt time.Time
}

// DraftLifetime is how long a draft waits for its author to sign in again.
const DraftLifetime = 24 * time.Hour

// MaxDraftBytes bounds what a draft keeps: more than any of our text forms holds.
const MaxDraftBytes = 64 << 10

// ErrDraftTooLarge refuses a draft over MaxDraftBytes.
var ErrDraftTooLarge = errors.New("models: draft too large")

// SaveDraft keeps the values of a form for userID, without its technical fields (the CSRF
// token, the submission token: the form shown again gets fresh ones), and returns the token
// that the browser's new session holds to find it again.
func SaveDraft(ctx context.Context, db *gorm.DB, userID uint, page, form string, values url.Values, now time.Time) (string, error) {
	kept := url.Values{}
	for k, v := range values {
		if !strings.HasPrefix(k, "_") {
			kept[k] = v
		}
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return "", fmt.Errorf("models: save draft: %w", err)
	}
	if len(b) > MaxDraftBytes {
		return "", ErrDraftTooLarge
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("models: save draft: %w", err)
	}
	d := Draft{Token: hex.EncodeToString(raw), UserID: userID, Page: page, Form: form, Values: string(b), CreatedAt: now.UTC()}
	if err := db.WithContext(ctx).Create(&d).Error; err != nil {
		return "", fmt.Errorf("models: save draft: %w", err)
	}
	return d.Token, nil
}

// TakeDraft gives back, once, the draft of token if it belongs to userID, is for page and is
// younger than DraftLifetime: its form and values. It is deleted when given back. Anything
// else is ErrNotFound (another account's draft stays where it is, and expires).
func TakeDraft(ctx context.Context, db *gorm.DB, userID uint, token, page string, now time.Time) (string, url.Values, error) {
	var d Draft
	var values url.Values
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("token = ? AND user_id = ? AND page = ? AND created_at > ?", token, userID, page, now.Add(-DraftLifetime).UTC()).
			Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(d.Values), &values); err != nil {
			return err
		}
		return tx.Delete(&Draft{}, d.ID).Error
	})
	if errors.Is(err, ErrNotFound) {
		return "", nil, err
	}
	if err != nil {
		return "", nil, fmt.Errorf("models: take draft: %w", err)
	}
	return d.Form, values, nil
}

// DeleteOldDrafts forgets the drafts older than DraftLifetime.
func DeleteOldDrafts(ctx context.Context, db *gorm.DB, now time.Time) error {
	if _, err := deleteOldDrafts(db.WithContext(ctx), now); err != nil {
		return fmt.Errorf("models: delete old drafts: %w", err)
	}
	return nil
}

// deleteOldDrafts deletes the drafts older than DraftLifetime and counts them.
func deleteOldDrafts(tx *gorm.DB, now time.Time) (int64, error) {
	res := tx.Where("created_at <= ?", now.Add(-DraftLifetime).UTC()).Delete(&Draft{})
	return res.RowsAffected, res.Error
}
