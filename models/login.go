package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Throttle is the login throttling policy (OWASP's device cookies): an attempt presenting a
// valid device cookie of the account tried is counted against that cookie only (Max per
// Window); an attempt without one is counted against the account for untrusted clients (Max
// per Window) and against its address (AddressMax per Window, high enough for a school behind
// one NAT). So five wrong passwords from anywhere lock out untrusted clients, never the owner's
// usual browser. Attempts are counted in the database before any password is checked,
// atomically, so that the limit holds under concurrency and across instances.
type Throttle struct {
	Max        int
	AddressMax int
	Window     time.Duration
}

// DefaultThrottle is 5 attempts per account or device cookie, 100 per address, in 15 minutes.
var DefaultThrottle = Throttle{Max: 5, AddressMax: 100, Window: 15 * time.Minute}

// ThrottleKey is one counter and its limit: "account:…", "device:…", "ip:…", "password:42".
type ThrottleKey struct {
	Name string
	Max  int
}

// AccountKey counts the attempts of untrusted clients on one account, named by the keyed hash
// of its normalised email (LoginSecrets.EmailKey): unknown accounts are counted alike, and
// nothing typed is stored.
func (t Throttle) AccountKey(emailKey string) ThrottleKey {
	return ThrottleKey{Name: "account:" + emailKey, Max: t.Max}
}

// DeviceKey counts the attempts made with one device cookie.
func (t Throttle) DeviceKey(nonce string) ThrottleKey {
	return ThrottleKey{Name: "device:" + nonce, Max: t.Max}
}

// AddressKey counts the attempts of untrusted clients from one address.
func (t Throttle) AddressKey(ip string) ThrottleKey {
	return ThrottleKey{Name: "ip:" + ip, Max: t.AddressMax}
}

// Key is a counter of its own with the per-account limit, e.g. "password:42" for the current
// password asked by the password-change page.
func (t Throttle) Key(name string) ThrottleKey { return ThrottleKey{Name: name, Max: t.Max} }

// LoginThrottle is one throttling counter: the attempts since WindowStart.
type LoginThrottle struct {
	Bucket      string `gorm:"primaryKey"`
	Attempts    int
	WindowStart time.Time
}

// errThrottled rolls back a refused reservation: a refused attempt checks nothing, so it
// neither counts nor prolongs the lock.
var errThrottled = errors.New("models: throttled")

// Reserve counts one attempt on every key, atomically, before the password is checked. When
// any key is over its limit, nothing is counted and Reserve returns how long to wait until
// that key's window ends; zero means the attempt may go on. An upsert per key, in one
// transaction: on PostgreSQL the row lock makes concurrent reservations of one key wait for
// each other (on every instance), on SQLite the transaction takes the write lock.
func (t Throttle) Reserve(ctx context.Context, db *gorm.DB, now time.Time, keys ...ThrottleKey) (time.Duration, error) {
	keys = slices.Clone(keys)
	// One order for every caller, so that two reservations never wait for each other's rows.
	slices.SortFunc(keys, func(a, b ThrottleKey) int { return strings.Compare(a.Name, b.Name) })
	now = now.UTC()
	expired := now.Add(-t.Window)
	var wait time.Duration
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, k := range keys {
			var row LoginThrottle
			err := tx.Raw(`INSERT INTO login_throttles (bucket, attempts, window_start) VALUES (?, 1, ?)
ON CONFLICT (bucket) DO UPDATE SET
  attempts = CASE WHEN login_throttles.window_start <= ? THEN 1 ELSE login_throttles.attempts + 1 END,
  window_start = CASE WHEN login_throttles.window_start <= ? THEN excluded.window_start ELSE login_throttles.window_start END
RETURNING bucket, attempts, window_start`, k.Name, now, expired, expired).Scan(&row).Error
			if err != nil {
				return fmt.Errorf("models: count login attempt: %w", err)
			}
			if row.Attempts > k.Max {
				if w := row.WindowStart.Add(t.Window).Sub(now); w > wait {
					wait = w
				}
			}
		}
		if wait > 0 {
			return errThrottled
		}
		return nil
	})
	if errors.Is(err, errThrottled) {
		return max(wait, time.Second), nil
	}
	return 0, err
}

// Release takes back one reserved attempt on each key: it was not a failure (a right password
// from a shared address, or a check the busy hasher never ran).
func (t Throttle) Release(ctx context.Context, db *gorm.DB, keys ...ThrottleKey) error {
	for _, k := range keys {
		err := db.WithContext(ctx).Model(&LoginThrottle{}).Where("bucket = ? AND attempts > 0", k.Name).
			UpdateColumn("attempts", gorm.Expr("attempts - 1")).Error
		if err != nil {
			return fmt.Errorf("models: release login attempt: %w", err)
		}
	}
	return nil
}

// Forgive clears the counters of keys: the right password was given.
func (t Throttle) Forgive(ctx context.Context, db *gorm.DB, keys ...ThrottleKey) error {
	for _, k := range keys {
		if err := db.WithContext(ctx).Where("bucket = ?", k.Name).Delete(&LoginThrottle{}).Error; err != nil {
			return fmt.Errorf("models: forgive login attempts: %w", err)
		}
	}
	return nil
}

// DeleteOldLoginThrottles forgets counters whose window ended a day ago: they no longer count.
func DeleteOldLoginThrottles(ctx context.Context, db *gorm.DB, now time.Time) error {
	err := db.WithContext(ctx).Where("window_start < ?", now.Add(-24*time.Hour).UTC()).Delete(&LoginThrottle{}).Error
	if err != nil {
		return fmt.Errorf("models: delete old login throttles: %w", err)
	}
	return nil
}

// ErrBadCredentials is the one answer to a wrong email or password: it never tells which.
var ErrBadCredentials = errors.New("models: bad credentials")

// ErrAccountInactive is returned, after a right password only, for a deactivated account.
var ErrAccountInactive = errors.New("models: account inactive")

// AccountByEmail loads the account of an email as typed at login, or ErrNotFound.
func AccountByEmail(ctx context.Context, db *gorm.DB, email string) (User, error) {
	var u User
	err := db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("models: find account: %w", err)
	}
	return u, nil
}

// Authenticate checks the password of an account found by AccountByEmail; nil is an unknown
// email, which costs the same password check as a known one, so that timing does not tell
// whether an account exists. ErrHasherBusy means no check ran.
func Authenticate(ctx context.Context, h *Hasher, u *User, password string) error {
	if u == nil {
		if err := h.CheckNothing(ctx, password); err != nil {
			return err
		}
		return ErrBadCredentials
	}
	ok, err := h.Check(ctx, u.PasswordHash, password)
	if err != nil && (errors.Is(err, ErrHasherBusy) || ctx.Err() != nil) {
		return err
	}
	if err != nil || !ok {
		return ErrBadCredentials
	}
	if !u.Active {
		return ErrAccountInactive
	}
	return nil
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

// SetPasswordHash replaces an account's hash by one of the same password with stronger
// parameters; whether the password is temporary does not change.
func SetPasswordHash(ctx context.Context, db *gorm.DB, userID uint, hash string) error {
	err := db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).UpdateColumn("password_hash", hash).Error
	if err != nil {
		return fmt.Errorf("models: rehash password of user %d: %w", userID, err)
	}
	return nil
}

// TouchLastLogin records the time of a successful login.
func TouchLastLogin(ctx context.Context, db *gorm.DB, userID uint, now time.Time) error {
	return db.WithContext(ctx).Model(&User{}).Where("id = ?", userID).UpdateColumn("last_login_at", now.UTC()).Error
}
