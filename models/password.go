package models

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the Argon2id cost parameters. They are stored beside each hash, so that
// raising them later leaves the existing hashes readable.
type Argon2Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// DefaultArgon2 is above OWASP's minimum for Argon2id (46 MiB, 1 iteration, 1 lane): 46 MiB
// and 2 iterations.
var DefaultArgon2 = Argon2Params{MemoryKiB: 47104, Iterations: 2, Parallelism: 1}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

// HashPassword returns the PHC string of an Argon2id hash of password with a fresh salt:
// $argon2id$v=19$m=47104,t=2,p=1$salt$hash.
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("models: password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Parallelism, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Iterations,
		p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("models: malformed password hash")

// CheckPassword tells whether password matches the encoded hash, in constant time.
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash tells whether the hash was made with weaker parameters than p.
func NeedsRehash(encoded string, p Argon2Params) bool {
	old, _, _, err := decodeHash(encoded)
	return err != nil || old.MemoryKiB < p.MemoryKiB || old.Iterations < p.Iterations
}

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
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return Argon2Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// dummyHash is checked against when the email is unknown, so that a login takes the same time
// whether the account exists or not.
var dummyHash = mustHash("mediation-dummy-password")

func mustHash(pw string) string {
	h, err := HashPassword(pw, DefaultArgon2)
	if err != nil {
		panic(err)
	}
	return h
}

// SpendPasswordCheck does the work of one password check for nothing, for unknown accounts.
func SpendPasswordCheck(password string) {
	CheckPassword(dummyHash, password)
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

// ValidatePassword applies the password policy and says in French what is wrong: at least 12
// characters, not a common password, not the email or its local part.
func ValidatePassword(password, email string) error {
	lower := strings.ToLower(password)
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return ValidationError{"password": fmt.Sprintf("Le mot de passe doit compter au moins %d caractères.", MinPasswordLength)}
	case commonPasswords[lower] || singleCharacter(lower):
		return ValidationError{"password": "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots."}
	case email != "" && (strings.Contains(lower, email) || (len(local) >= 3 && strings.Contains(lower, local))):
		return ValidationError{"password": "Le mot de passe ne doit pas contenir votre adresse électronique."}
	}
	return nil
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
