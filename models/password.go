package models

import (
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
)

// Argon2Params are the Argon2id cost parameters. They are stored beside each hash, so that
// raising them later leaves the existing hashes readable.
type Argon2Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

var base64Raw = base64.RawStdEncoding

var errBadHash = errors.New("models: malformed password hash")

// decodeHash reads the parameters, salt and key of a PHC string made by Hasher.Hash.
func decodeHash(encoded string) (Argon2Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Argon2Params{}, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Argon2Params{}, nil, nil, errBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil ||
		p.MemoryKiB == 0 || p.Iterations == 0 || p.Parallelism == 0 {
		return Argon2Params{}, nil, nil, errBadHash
	}
	salt, err1 := base64Raw.DecodeString(parts[4])
	key, err2 := base64Raw.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return Argon2Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// MinPasswordLength is the policy's minimum, in characters.
const MinPasswordLength = 12

//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(strings.ToLower(line)); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// MinPasswordScore is the least zxcvbn score (0 to 4) a new password must reach: 3 is "safely
// unguessable" (about 10^8 guesses), what an attacker holding a stolen hash would need.
const MinPasswordScore = 3

// ValidatePassword applies the password policy and says in French what is wrong: at least 12
// characters, not a common password, not the email or its local part, and hard enough to guess
// for a strength estimator (zxcvbn), which sees keyboard rows (qwertyuiopas), repeats
// (aaaaaaaaaaaab), sequences, dates and dictionary words that the list alone misses.
func ValidatePassword(password, email string) error {
	lower := strings.ToLower(password)
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return ValidationError{"password": Msg("password.too_short", "Min", MinPasswordLength)}
	case commonPasswords[lower] || singleCharacter(lower):
		return ValidationError{"password": Msg("password.too_common")}
	case email != "" && (strings.Contains(lower, email) || (len(local) >= 3 && strings.Contains(lower, local))):
		return ValidationError{"password": Msg("password.contains_email")}
	case zxcvbn.PasswordStrength(password, passwordContext(email, local)).Score < MinPasswordScore:
		return ValidationError{"password": Msg("password.too_guessable")}
	}
	return nil
}

// passwordContext lists the words of the account and of the product that a password should
// not be built on: the estimator counts them as guessed at once.
func passwordContext(email, local string) []string {
	words := []string{"mediation", "médiation", "college", "collège", "lycee", "lycée", "ecole", "école", "lille", "metropole"}
	if email != "" {
		words = append(words, email, local)
		words = append(words, strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '-' || r == '_' })...)
	}
	return words
}

func singleCharacter(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// GeneratePassword returns a random password of 20 characters from an alphabet without
// look-alike characters, to be printed once.
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for b.Len() < 20 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("models: generate password: %w", err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String(), nil
}
