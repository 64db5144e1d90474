package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SessionStore keeps the login sessions in our own database, so that every instance sharing
// one PostgreSQL sees the same sessions. It implements scs's Store and CtxStore.
type SessionStore struct {
	DB *gorm.DB
}

// Find returns the data of an unexpired session.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx returns the data of an unexpired session.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var row Session
	err := s.DB.WithContext(ctx).Where("token = ? AND expiry > ?", token, time.Now().UTC()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("models: find session: %w", err)
	}
	return row.Data, true, nil
}

// Commit stores or replaces a session.
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx stores or replaces a session.
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	row := Session{Token: token, Data: b, Expiry: expiry.UTC()}
	err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("models: commit session: %w", err)
	}
	return nil
}

// Delete removes a session; an unknown token is not an error.
func (s SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteCtx removes a session; an unknown token is not an error.
func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if err := s.DB.WithContext(ctx).Where("token = ?", token).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("models: delete session: %w", err)
	}
	return nil
}

// DeleteExpired removes the sessions that have expired and returns how many.
func (s SessionStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res := s.DB.WithContext(ctx).Where("expiry <= ?", now.UTC()).Delete(&Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("models: delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
