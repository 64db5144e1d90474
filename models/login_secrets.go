package models

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// LoginSecretKey is the setting holding the random key of LoginSecrets. It is created once, by
// the first instance that starts, and shared by all through the database.
const LoginSecretKey = "security.login_key"

// LoginSecrets signs the device cookies and names the throttling counters of emails by a keyed
// hash, so that nothing typed at login is stored. Keys derive from one random secret of the
// database, shared by every instance.
type LoginSecrets struct {
	device []byte
	email  []byte
}

// LoadLoginSecrets reads the secret of the database, creating it the first time (two
// instances starting together keep the same one: the second insert does nothing).
func LoadLoginSecrets(ctx context.Context, db *gorm.DB, now time.Time) (LoginSecrets, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return LoginSecrets{}, fmt.Errorf("models: login secret: %w", err)
	}
	db = db.WithContext(ctx)
	err := db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&Setting{Key: LoginSecretKey, Value: hex.EncodeToString(raw), UpdatedAt: now.UTC()}).Error
	if err != nil {
		return LoginSecrets{}, fmt.Errorf("models: create login secret: %w", err)
	}
	var s Setting
	if err := db.Where(&Setting{Key: LoginSecretKey}).Take(&s).Error; err != nil {
		return LoginSecrets{}, fmt.Errorf("models: read login secret: %w", err)
	}
	key, err := hex.DecodeString(s.Value)
	if err != nil || len(key) < 32 {
		return LoginSecrets{}, fmt.Errorf("models: login secret %s is malformed", LoginSecretKey)
	}
	return LoginSecrets{device: derive(key, "device cookie"), email: derive(key, "email")}, nil
}

func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// EmailKey is the keyed hash of a normalised email, in hex: the same for every instance,
// useless to whoever reads the database without the secret.
func (s LoginSecrets) EmailKey(email string) string {
	m := hmac.New(sha256.New, s.email)
	m.Write([]byte(NormalizeEmail(email)))
	return hex.EncodeToString(m.Sum(nil)[:20])
}

var b64url = base64.RawURLEncoding

// NewDeviceCookie returns the value of a device cookie naming the account: "id.nonce.mac".
func (s LoginSecrets) NewDeviceCookie(userID uint) (string, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("models: device cookie nonce: %w", err)
	}
	body := strconv.FormatUint(uint64(userID), 10) + "." + b64url.EncodeToString(nonce)
	return body + "." + s.deviceMAC(body), nil
}

var errBadDeviceCookie = errors.New("models: bad device cookie")

// DeviceCookie checks a device cookie's signature and returns the account it names and its
// nonce, which names its throttling counter.
func (s LoginSecrets) DeviceCookie(value string) (userID uint, nonce string, err error) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 || len(value) > 200 {
		return 0, "", errBadDeviceCookie
	}
	body, mac := value[:i], value[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.deviceMAC(body))) {
		return 0, "", errBadDeviceCookie
	}
	id, nonce, ok := strings.Cut(body, ".")
	n, err := strconv.ParseUint(id, 10, 32)
	if !ok || err != nil || n == 0 || nonce == "" {
		return 0, "", errBadDeviceCookie
	}
	return uint(n), nonce, nil
}

func (s LoginSecrets) deviceMAC(body string) string {
	m := hmac.New(sha256.New, s.device)
	m.Write([]byte("device|" + body))
	return b64url.EncodeToString(m.Sum(nil))
}
