package models

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SecondFactor is an account's confirmed time-based one-time password (RFC 6238). An account
// without one has no row.
type SecondFactor struct {
	UserID uint `gorm:"primaryKey;autoIncrement:false"`
	// Secret is the base32 shared secret that the authenticator app holds.
	Secret string
	// LastStep is the time step of the last code accepted, so that a code is accepted once.
	LastStep  int64
	EnabledAt time.Time
}

// RecoveryCode is one single-use code that replaces a one-time password when the phone is
// lost. Only its SHA-256 is kept: the codes carry 80 random bits, so a fast hash is enough.
type RecoveryCode struct {
	ID        uint
	UserID    uint
	CodeHash  string
	UsedAt    *time.Time
	CreatedAt time.Time
}

// TOTPIssuer is the name authenticator apps show beside the account.
const TOTPIssuer = "Médiation scolaire"

// RecoveryCodeCount is how many recovery codes an enrolment or a regeneration gives.
const RecoveryCodeCount = 10

// totpPeriod and totpSkew: codes change every 30 seconds, and the one before and the one after
// the current step are accepted too, for clocks a little off.
const (
	totpPeriod = 30
	totpSkew   = 1
)

// ErrBadCode is the one answer to a wrong, replayed or malformed code.
var ErrBadCode = errors.New("models: bad second-factor code")

// NewTOTPSecret draws a new 160-bit secret, in base32 without padding as apps expect it.
func NewTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("models: draw a TOTP secret: %w", err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

func totpKey(secret, email string) (*otp.Key, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return nil, fmt.Errorf("models: TOTP secret: %w", err)
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: email, Secret: raw,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, fmt.Errorf("models: TOTP key: %w", err)
	}
	return k, nil
}

// TOTPURI is the otpauth:// address an app reads from the QR code.
func TOTPURI(secret, email string) (string, error) {
	k, err := totpKey(secret, email)
	if err != nil {
		return "", err
	}
	return k.URL(), nil
}

// TOTPQRCode draws the otpauth:// address as a PNG QR code, on the server: no third party
// ever sees the secret.
func TOTPQRCode(secret, email string) ([]byte, error) {
	k, err := totpKey(secret, email)
	if err != nil {
		return nil, err
	}
	img, err := k.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("models: draw the QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("models: encode the QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// TOTPCode is the code an app shows at t for secret; tests and the matcher use it.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// matchTOTP finds the time step, within the allowed skew, at which code is secret's code, and
// only among the steps after the last one accepted.
func matchTOTP(secret, code string, now time.Time, after int64) (int64, bool) {
	step := now.Unix() / totpPeriod
	for s := step - totpSkew; s <= step+totpSkew; s++ {
		if s <= after {
			continue
		}
		want, err := TOTPCode(secret, time.Unix(s*totpPeriod, 0))
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// normalizeCode takes out what people type around a code: spaces and dashes, and case.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
}

// isTOTPCode tells a six-digit one-time password from a recovery code.
func isTOTPCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func hashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte(normalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

// newRecoveryCodes draws the codes shown once (xxxx-xxxx-xxxx-xxxx, 80 random bits each) and
// the rows that keep their hashes.
func newRecoveryCodes(userID uint, now time.Time) ([]string, []RecoveryCode, error) {
	codes := make([]string, RecoveryCodeCount)
	rows := make([]RecoveryCode, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, fmt.Errorf("models: draw a recovery code: %w", err)
		}
		s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
		codes[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
		rows[i] = RecoveryCode{UserID: userID, CodeHash: hashRecoveryCode(codes[i]), CreatedAt: now.UTC()}
	}
	return codes, rows, nil
}

// replaceRecoveryCodes deletes an account's recovery codes and stores new ones, in tx.
func replaceRecoveryCodes(tx *gorm.DB, userID uint, now time.Time) ([]string, error) {
	codes, rows, err := newRecoveryCodes(userID, now)
	if err != nil {
		return nil, err
	}
	if err := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
		return nil, fmt.Errorf("models: delete recovery codes of user %d: %w", userID, err)
	}
	if err := tx.Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: store recovery codes of user %d: %w", userID, err)
	}
	return codes, nil
}

// EnableSecondFactor turns the second factor on with a secret the user has just added to their
// app, once a code from that app proves it: only then is the secret stored. It replaces any
// previous secret and recovery codes, and returns the new recovery codes, to show once.
func EnableSecondFactor(ctx context.Context, db *gorm.DB, actor Actor, userID uint, secret, code string, now time.Time) ([]string, error) {
	code = normalizeCode(code)
	if code == "" {
		return nil, ValidationError{"code": Msg("twofa.code_format")}
	}
	step, ok := matchTOTP(secret, code, now, 0)
	if !isTOTPCode(code) || !ok {
		return nil, ValidationError{"code": Msg("twofa.code_incorrect")}
	}
	var codes []string
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sf := SecondFactor{UserID: userID, Secret: secret, LastStep: step, EnabledAt: now.UTC()}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"secret", "last_step", "enabled_at"})}).Create(&sf).Error; err != nil {
			return fmt.Errorf("models: store the second factor of user %d: %w", userID, err)
		}
		var err error
		if codes, err = replaceRecoveryCodes(tx, userID, now); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditTwoFactorEnabled, "user", fmt.Sprint(userID), "")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// SecondFactorOf returns an account's second factor, or ErrNotFound when it has none.
func SecondFactorOf(ctx context.Context, db *gorm.DB, userID uint) (SecondFactor, error) {
	var sf SecondFactor
	err := db.WithContext(ctx).Where("user_id = ?", userID).Take(&sf).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SecondFactor{}, ErrNotFound
	}
	if err != nil {
		return SecondFactor{}, fmt.Errorf("models: load the second factor of user %d: %w", userID, err)
	}
	return sf, nil
}

// HasSecondFactor tells whether an account has turned the second factor on.
func HasSecondFactor(ctx context.Context, db *gorm.DB, userID uint) (bool, error) {
	_, err := SecondFactorOf(ctx, db, userID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SecondFactorMethod says how a code was accepted.
type SecondFactorMethod string

// The ways a second factor is proved.
const (
	MethodTOTP     SecondFactorMethod = "totp"
	MethodRecovery SecondFactorMethod = "recovery_code"
)

// VerifySecondFactor accepts a one-time password of the account's app, at most once (its time
// step is remembered atomically, so that two requests racing with the same code cannot both
// pass), or one of its unused recovery codes, which it consumes. Anything else is ErrBadCode.
func VerifySecondFactor(ctx context.Context, db *gorm.DB, userID uint, code string, now time.Time) (SecondFactorMethod, error) {
	code = normalizeCode(code)
	if code == "" {
		return "", ErrBadCode
	}
	sf, err := SecondFactorOf(ctx, db, userID)
	if errors.Is(err, ErrNotFound) {
		return "", ErrBadCode
	}
	if err != nil {
		return "", err
	}
	if isTOTPCode(code) {
		step, ok := matchTOTP(sf.Secret, code, now, sf.LastStep)
		if !ok {
			return "", ErrBadCode
		}
		res := db.WithContext(ctx).Model(&SecondFactor{}).Where("user_id = ? AND last_step < ?", userID, step).
			Update("last_step", step)
		if res.Error != nil {
			return "", fmt.Errorf("models: record the code step of user %d: %w", userID, res.Error)
		}
		if res.RowsAffected != 1 {
			return "", ErrBadCode
		}
		return MethodTOTP, nil
	}
	res := db.WithContext(ctx).Model(&RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, hashRecoveryCode(code)).
		Update("used_at", now.UTC())
	if res.Error != nil {
		return "", fmt.Errorf("models: use a recovery code of user %d: %w", userID, res.Error)
	}
	if res.RowsAffected != 1 {
		return "", ErrBadCode
	}
	return MethodRecovery, nil
}

// RemainingRecoveryCodes counts an account's unused recovery codes.
func RemainingRecoveryCodes(ctx context.Context, db *gorm.DB, userID uint) (int64, error) {
	var n int64
	if err := db.WithContext(ctx).Model(&RecoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("models: count recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}

// RegenerateRecoveryCodes replaces an account's recovery codes (the old ones stop working) and
// returns the new ones, to show once.
func RegenerateRecoveryCodes(ctx context.Context, db *gorm.DB, actor Actor, userID uint, now time.Time) ([]string, error) {
	var codes []string
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&SecondFactor{}).Where("user_id = ?", userID).Count(&n).Error; err != nil {
			return fmt.Errorf("models: find the second factor of user %d: %w", userID, err)
		}
		if n == 0 {
			return ErrNotFound
		}
		var err error
		if codes, err = replaceRecoveryCodes(tx, userID, now); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditRecoveryCodesRegenerated, "user", fmt.Sprint(userID), "")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableSecondFactor removes an account's second factor and recovery codes, audited with
// detail (by=self, by=admin, by=cli). It reports whether there was one to remove; removing
// none is not an error, and is not audited.
func DisableSecondFactor(ctx context.Context, db *gorm.DB, actor Actor, userID uint, now time.Time, detail string) (bool, error) {
	var removed bool
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("user_id = ?", userID).Delete(&SecondFactor{})
		if res.Error != nil {
			return fmt.Errorf("models: remove the second factor of user %d: %w", userID, res.Error)
		}
		codes := tx.Where("user_id = ?", userID).Delete(&RecoveryCode{})
		if codes.Error != nil {
			return fmt.Errorf("models: remove the recovery codes of user %d: %w", userID, codes.Error)
		}
		removed = res.RowsAffected > 0 || codes.RowsAffected > 0
		if !removed {
			return nil
		}
		if err := notifyAccount(tx, now, actor, NotifySecondFactorReset, userID); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditTwoFactorDisabled, "user", fmt.Sprint(userID), detail)
	})
	return removed, err
}

// TwoFactorRolesKey is the setting listing the roles that must use a second factor.
const TwoFactorRolesKey = "security.two_factor_roles"

// TwoFactorRoles reads the roles that must use a second factor; none by default.
func TwoFactorRoles(ctx context.Context, db *gorm.DB) ([]Role, error) {
	var s Setting
	err := db.WithContext(ctx).Where("key = ?", TwoFactorRolesKey).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("models: read %s: %w", TwoFactorRolesKey, err)
	}
	var roles []Role
	for _, r := range strings.Split(s.Value, ",") {
		if role := Role(strings.TrimSpace(r)); role.Valid() {
			roles = append(roles, role)
		}
	}
	return roles, nil
}

// RoleRequiresTwoFactor tells whether accounts of role must use a second factor.
func RoleRequiresTwoFactor(ctx context.Context, db *gorm.DB, role Role) (bool, error) {
	roles, err := TwoFactorRoles(ctx, db)
	return slices.Contains(roles, role), err
}

// SaveTwoFactorRoles stores the roles that must use a second factor, audited.
func SaveTwoFactorRoles(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, roles []Role) error {
	var names []string
	for _, r := range Roles {
		if slices.Contains(roles, r) {
			names = append(names, string(r))
		}
	}
	value := strings.Join(names, ",")
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(&Setting{Key: TwoFactorRolesKey, Value: value, UpdatedAt: now.UTC()}).Error; err != nil {
			return fmt.Errorf("models: save %s: %w", TwoFactorRolesKey, err)
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "setting", TwoFactorRolesKey, "roles=["+value+"]")
	})
}

// ResetSecondFactorByEmail removes the second factor of the account with that email and ends its
// sessions, as the command line does; ErrNotFound when there is no such account. It reports
// whether there was a second factor to remove.
func ResetSecondFactorByEmail(ctx context.Context, db *gorm.DB, actor Actor, email string, now time.Time) (User, bool, error) {
	var u User
	err := db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, false, ErrNotFound
	}
	if err != nil {
		return User{}, false, fmt.Errorf("models: find account %s: %w", NormalizeEmail(email), err)
	}
	removed, err := DisableSecondFactor(ctx, db, actor, u.ID, now, "by=cli")
	if err != nil {
		return u, removed, err
	}
	// A reset answers a lost or stolen phone: whoever holds a session of the account leaves.
	_, err = EndSessions(ctx, db, u.ID, "")
	return u, removed, err
}
