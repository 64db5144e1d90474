package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SessionUserKey is the session key that holds the signed-in account's id (an int64).
const SessionUserKey = "uid"

// SessionStore keeps the login sessions in our own database, so that every instance sharing
// one PostgreSQL sees the same sessions. It implements scs's Store and CtxStore.
type SessionStore struct {
	DB *gorm.DB
	// Codec decodes the session data to find its account (SessionUserKey); it must be the
	// session manager's. Nil means scs's default, gob.
	Codec scs.Codec
	// Now is the application's clock, the one the housekeeping deletes expired sessions with;
	// nil means time.Now.
	Now func() time.Time
}

func (s SessionStore) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Find returns the data of an unexpired session.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx returns the data of an unexpired session.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var row Session
	err := s.DB.WithContext(ctx).Where("token = ? AND expiry > ?", token, s.now().UTC()).Take(&row).Error
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

// CommitCtx stores or replaces a session, with the account it belongs to so that
// EndSessions finds it. scs reckons expiry on the system clock, which it cannot be given; the
// store keeps the same time left on the application's clock, so that finding a session and
// deleting the expired ones agree with each other and with the rest of the application (with
// the system clock, this changes nothing).
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	codec := s.Codec
	if codec == nil {
		codec = scs.GobCodec{}
	}
	_, values, err := codec.Decode(b)
	if err != nil {
		return fmt.Errorf("models: commit session: decode: %w", err)
	}
	row := Session{Token: token, Data: b, Expiry: s.now().Add(time.Until(expiry)).UTC()}
	if id, ok := values[SessionUserKey].(int64); ok && id > 0 {
		uid := uint(id)
		row.UserID = &uid
	}
	// One upsert is atomic by itself: no BEGIN and COMMIT around it.
	err = s.DB.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry", "user_id"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("models: commit session: %w", err)
	}
	return nil
}

// EndSessions ends every session of an account but the one whose token is exceptToken (the
// session making the change; "" ends them all), and returns how many ended. A password change
// or reset calls it so that whoever held the old password loses their sessions at once.
func EndSessions(ctx context.Context, db *gorm.DB, userID uint, exceptToken string) (int64, error) {
	res := db.WithContext(ctx).Where("user_id = ? AND token <> ?", userID, exceptToken).Delete(&Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("models: end sessions of user %d: %w", userID, res.Error)
	}
	return res.RowsAffected, nil
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
