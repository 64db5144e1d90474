package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Throttle is the login throttling policy: after Max failures within Window, for one account
// or from one client address, further attempts wait until the oldest of them leaves the window.
// It is counted in the database, so that it holds across instances.
type Throttle struct {
	Max    int
	Window time.Duration
}

// DefaultThrottle is 5 failures in 15 minutes.
var DefaultThrottle = Throttle{Max: 5, Window: 15 * time.Minute}

// Wait returns how long the next attempt for email from ip must wait; zero means it may go on.
func (t Throttle) Wait(ctx context.Context, db *gorm.DB, now time.Time, email, ip string) (time.Duration, error) {
	since := now.Add(-t.Window).UTC()
	var wait time.Duration
	for _, f := range []struct{ col, val string }{{"email", NormalizeEmail(email)}, {"remote_ip", ip}} {
		if f.val == "" {
			continue
		}
		var times []time.Time
		err := db.WithContext(ctx).Model(&LoginAttempt{}).
			Where(f.col+" = ? AND success = ? AND at > ?", f.val, false, since).
			Order("at DESC").Limit(t.Max).Pluck("at", &times).Error
		if err != nil {
			return 0, fmt.Errorf("models: count login failures: %w", err)
		}
		if len(times) < t.Max {
			continue
		}
		// The oldest of the last Max failures frees a slot when it leaves the window.
		if w := times[len(times)-1].Add(t.Window).Sub(now); w > wait {
			wait = w
		}
	}
	return wait, nil
}

// RecordLoginAttempt counts one attempt, successful or not.
func RecordLoginAttempt(ctx context.Context, db *gorm.DB, now time.Time, email, ip string, success bool) error {
	a := LoginAttempt{Email: NormalizeEmail(email), RemoteIP: ip, At: now.UTC(), Success: success}
	if err := db.WithContext(ctx).Create(&a).Error; err != nil {
		return fmt.Errorf("models: record login attempt: %w", err)
	}
	return nil
}

// DeleteOldLoginAttempts forgets attempts older than a day: they no longer count.
func DeleteOldLoginAttempts(ctx context.Context, db *gorm.DB, now time.Time) error {
	return db.WithContext(ctx).Where("at < ?", now.Add(-24*time.Hour).UTC()).Delete(&LoginAttempt{}).Error
}

// ErrBadCredentials is the one answer to a wrong email or password: it never tells which.
var ErrBadCredentials = errors.New("models: bad credentials")

// ErrAccountInactive is returned, after a right password only, for a deactivated account.
var ErrAccountInactive = errors.New("models: account inactive")

// Authenticate checks an email and password. An unknown email costs the same password check
// as a known one, so that timing does not tell whether an account exists.
func Authenticate(ctx context.Context, db *gorm.DB, email, password string) (User, error) {
	var u User
	err := db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		SpendPasswordCheck(password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("models: find account: %w", err)
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil || !ok {
		return User{}, ErrBadCredentials
	}
	if !u.Active {
		return User{}, ErrAccountInactive
	}
	return u, nil
}

// UserByID loads an account with its establishments, or ErrNotFound.
func UserByID(ctx context.Context, db *gorm.DB, id uint) (User, error) {
	var u User
	err := db.WithContext(ctx).Preload("Establishments", func(q *gorm.DB) *gorm.DB { return q.Order("name") }).
		Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("models: load user %d: %w", id, err)
	}
	return u, nil
}

// SetPassword replaces an account's password hash; mustChange marks a temporary password.
func SetPassword(ctx context.Context, db *gorm.DB, userID uint, hash string, mustChange bool) error {
	res := db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "must_change_password": mustChange})
	if res.Error != nil {
		return fmt.Errorf("models: set password of user %d: %w", userID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// TouchLastLogin records the time of a successful login.
func TouchLastLogin(ctx context.Context, db *gorm.DB, userID uint, now time.Time) error {
	return db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).UpdateColumn("last_login_at", now.UTC()).Error
}
