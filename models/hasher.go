package models

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"golang.org/x/crypto/argon2"
)

// ProductionArgon2 is the cost of new hashes in production: 46 MiB, 2 iterations, 1 lane, above
// OWASP's minimum for Argon2id (46 MiB and 1 iteration, or 19 MiB and 2). A function, not a
// variable, so that nothing (a test, say) can lower it for the whole process.
func ProductionArgon2() Argon2Params {
	return Argon2Params{MemoryKiB: 47104, Iterations: 2, Parallelism: 1}
}

// Defaults of the hasher: two Argon2 computations at once (2 × 46 MiB), and a caller waits at
// most 5 seconds for its turn.
const (
	DefaultHashConcurrency = 2
	DefaultHashWait        = 5 * time.Second
)

// HasherConfig configures the one Hasher of a process. Its zero value is production's.
type HasherConfig struct {
	// Params is the cost of new hashes; zero means ProductionArgon2. Tests pass cheap ones.
	Params Argon2Params
	// Concurrency bounds the Argon2 computations running at once, hence their memory
	// (Concurrency × Params.MemoryKiB); zero means DefaultHashConcurrency.
	Concurrency int
	// Wait bounds how long a caller waits for its turn before ErrHasherBusy; zero means
	// DefaultHashWait.
	Wait time.Duration
	// OnCompute, when set, is called before each Argon2 computation: tests count them.
	OnCompute func()
}

// releaseAboveKiB is the Argon2 memory above which a computation's block is handed back to
// the system as soon as it ends.
const releaseAboveKiB = 8 * 1024

// ErrHasherBusy says that the password hasher had no free slot within its wait: the caller
// answers 503 and the client tries again a moment later.
var ErrHasherBusy = errors.New("models: password hashing busy")

// Hasher computes every Argon2id hash and check of the process, a few at a time: each takes
// tens of MiB, and without a bound a burst of logins would take the memory of the machine.
type Hasher struct {
	params    Argon2Params
	slots     chan struct{}
	wait      time.Duration
	onCompute func()
}

// NewHasher builds the hasher of cfg, with production's values for what cfg leaves at zero.
func NewHasher(cfg HasherConfig) *Hasher {
	if cfg.Params == (Argon2Params{}) {
		cfg.Params = ProductionArgon2()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultHashConcurrency
	}
	if cfg.Wait <= 0 {
		cfg.Wait = DefaultHashWait
	}
	return &Hasher{params: cfg.Params, slots: make(chan struct{}, cfg.Concurrency), wait: cfg.Wait, onCompute: cfg.OnCompute}
}

// Params is the cost of the hashes this hasher makes.
func (h *Hasher) Params() Argon2Params { return h.params }

// Concurrency is the number of computations that may run at once.
func (h *Hasher) Concurrency() int { return cap(h.slots) }

// Hash returns the PHC string of an Argon2id hash of password with a fresh salt:
// $argon2id$v=19$m=47104,t=2,p=1$salt$hash.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("models: password salt: %w", err)
	}
	p := h.params
	key, err := h.compute(ctx, password, salt, p, argonKeyLen)
	if err != nil {
		return "", err
	}
	b64 := base64Raw
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Iterations,
		p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check tells whether password matches the encoded hash, in constant time. The hash is
// checked with the parameters it carries, so that older hashes stay readable.
func (h *Hasher) Check(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got, err := h.compute(ctx, password, salt, p, uint32(len(key)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// CheckNothing does the work of one password check for nothing, for an unknown account, so
// that a login takes the same time whether the account exists or not.
func (h *Hasher) CheckNothing(ctx context.Context, password string) error {
	_, err := h.compute(ctx, password, make([]byte, argonSaltLen), h.params, argonKeyLen)
	return err
}

// NeedsRehash tells whether the hash was made with weaker parameters than this hasher's.
func (h *Hasher) NeedsRehash(encoded string) bool {
	old, _, _, err := decodeHash(encoded)
	return err != nil || old.MemoryKiB < h.params.MemoryKiB || old.Iterations < h.params.Iterations
}

// compute runs one Argon2id computation once a slot is free, or gives up with ErrHasherBusy
// after the hasher's wait (or when ctx ends).
func (h *Hasher) compute(ctx context.Context, password string, salt []byte, p Argon2Params, keyLen uint32) ([]byte, error) {
	timer := time.NewTimer(h.wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
	case <-timer.C:
		return nil, ErrHasherBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("models: wait for the password hasher: %w", ctx.Err())
	}
	defer func() { <-h.slots }()
	if h.onCompute != nil {
		h.onCompute()
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Parallelism, keyLen)
	// Argon2's block (46 MiB) is garbage as soon as the key is out. Left to the collector's
	// pace, several such blocks stay resident (the heap may grow to twice what is live, and a
	// fragmented heap does not always reuse a freed block); handed back now, while the slot is
	// still held, the resident memory stays at one block per slot. Some milliseconds against
	// hundreds for the hash; small blocks are not worth it.
	if p.MemoryKiB >= releaseAboveKiB {
		debug.FreeOSMemory()
	}
	return key, nil
}
