package imports

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models"
)

// ImportUpload is an uploaded import file kept between its preview and its application.
type ImportUpload struct {
	Token     string `gorm:"primaryKey"`
	Kind      string
	Filename  string
	Options   string
	Data      []byte
	UserID    uint
	CreatedAt time.Time
}

// UploadLifetime is how long an upload waits for its application.
const UploadLifetime = 24 * time.Hour

// SaveUpload keeps an uploaded file and returns its token.
func SaveUpload(ctx context.Context, db *gorm.DB, now time.Time, userID uint, kind, filename, options string, data []byte) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	u := ImportUpload{Token: hex.EncodeToString(b), Kind: kind, Filename: filename, Options: options, Data: data, UserID: userID, CreatedAt: now.UTC()}
	if err := db.WithContext(ctx).Create(&u).Error; err != nil {
		return "", fmt.Errorf("models: save upload: %w", err)
	}
	return u.Token, nil
}

// UploadOf returns an upload of the user, not expired, or ErrNotFound.
func UploadOf(ctx context.Context, db *gorm.DB, now time.Time, userID uint, token string) (ImportUpload, error) {
	var u ImportUpload
	err := db.WithContext(ctx).Where("token = ? AND user_id = ? AND created_at > ?", token, userID, now.Add(-UploadLifetime).UTC()).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, models.ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("models: load upload: %w", err)
	}
	return u, nil
}

// DeleteUpload forgets an upload once applied.
func DeleteUpload(ctx context.Context, db *gorm.DB, token string) error {
	return db.WithContext(ctx).Where("token = ?", token).Delete(&ImportUpload{}).Error
}

// DeleteOldUploads forgets the uploads nobody applied.
func DeleteOldUploads(ctx context.Context, db *gorm.DB, now time.Time) error {
	return db.WithContext(ctx).Where("created_at <= ?", now.Add(-UploadLifetime).UTC()).Delete(&ImportUpload{}).Error
}
