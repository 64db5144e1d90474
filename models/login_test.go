package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// cheapArgon2 keeps these tests fast; the production cost has its own test.
var cheapArgon2 = models.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := models.NewHasher(models.HasherConfig{Params: models.Argon2Params{MemoryKiB: 1024, Iterations: 2, Parallelism: 1}})
	hash, err := h.Hash(ctx, "une phrase de passe")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=2,p=1$") {
		t.Errorf("hash %q does not carry its parameters", hash)
	}
	if ok, err := h.Check(ctx, hash, "une phrase de passe"); !ok || err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if ok, err := h.Check(ctx, hash, "une phrase de passE"); ok || err != nil {
		t.Errorf("wrong password: ok=%v err=%v", ok, err)
	}
	if again, err := h.Hash(ctx, "une phrase de passe"); err != nil || again == hash {
		t.Errorf("two hashes of one password are equal (the salt is not random) or failed: %v", err)
	}
	weak, err := models.NewHasher(models.HasherConfig{Params: cheapArgon2}).Hash(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if !h.NeedsRehash(weak) || h.NeedsRehash(hash) {
		t.Error("NeedsRehash is wrong")
	}
	// A hash made with other parameters stays readable: they travel in the PHC string.
	if ok, err := h.Check(ctx, weak, "x"); !ok || err != nil {
		t.Errorf("a hash with older parameters no longer checks: %v", err)
	}
	if _, err := h.Check(ctx, "$argon2id$garbage", "x"); err == nil {
		t.Error("a malformed hash is accepted")
	}
}

// The cost that production inherits when nothing is configured stays at or above OWASP's
// minimum for Argon2id: m=19 MiB with t=2, or m=46 MiB with t=1, one lane.
func TestProductionHashingIsAboveOWASP(t *testing.T) {
	t.Parallel()
	h := models.NewHasher(models.HasherConfig{})
	p := h.Params()
	if p != models.ProductionArgon2() {
		t.Errorf("the zero configuration hashes with %+v, not production's %+v", p, models.ProductionArgon2())
	}
	const mib = 1024
	if p.Parallelism != 1 || !(p.MemoryKiB >= 19*mib && p.Iterations >= 2 || p.MemoryKiB >= 46*mib && p.Iterations >= 1) {
		t.Errorf("production Argon2id %+v is below OWASP's minimum", p)
	}
	if h.Concurrency() != models.DefaultHashConcurrency || models.DefaultHashConcurrency > 4 {
		t.Errorf("hasher runs %d computations at once", h.Concurrency())
	}
}

// No more than Concurrency computations run at once; a caller that cannot get a slot within
// Wait gets ErrHasherBusy, and no computation.
func TestHasherIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hold := make(chan struct{})
	var running, peak, computed atomic.Int32
	h := models.NewHasher(models.HasherConfig{Params: cheapArgon2, Concurrency: 2, Wait: 50 * time.Millisecond,
		OnCompute: func() {
			computed.Add(1)
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			<-hold
			running.Add(-1)
		}})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := h.Hash(ctx, "une phrase de passe"); err != nil {
				t.Error(err)
			}
		})
	}
	for computed.Load() < 2 {
		time.Sleep(time.Millisecond) // wait until both slots are taken
	}
	if _, err := h.Check(ctx, "$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"); !errors.Is(err, models.ErrHasherBusy) {
		t.Errorf("third check while two run: %v, want ErrHasherBusy", err)
	}
	if err := h.CheckNothing(ctx, "x"); !errors.Is(err, models.ErrHasherBusy) {
		t.Errorf("dummy check while two run: %v, want ErrHasherBusy", err)
	}
	close(hold)
	wg.Wait()
	if computed.Load() != 2 || peak.Load() != 2 {
		t.Errorf("%d computations, %d at once; want 2 and 2", computed.Load(), peak.Load())
	}
	if _, err := h.Hash(ctx, "une phrase de passe"); err != nil {
		t.Errorf("after the burst: %v", err)
	}
}

func TestThrottleReserve(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		th := models.Throttle{Max: 3, AddressMax: 10, Window: 15 * time.Minute}
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		account, ip := th.AccountKey("abc"), th.AddressKey("192.0.2.1")
		for i := range 3 {
			wait, err := th.Reserve(ctx, db, now.Add(time.Duration(i)*time.Minute), account, ip)
			if err != nil || wait != 0 {
				t.Fatalf("attempt %d: wait %v, %v", i+1, wait, err)
			}
		}
		// The fourth waits until the window that began with the first attempt ends.
		wait, err := th.Reserve(ctx, db, now.Add(5*time.Minute), account, ip)
		if err != nil || wait != 10*time.Minute {
			t.Fatalf("fourth attempt: wait %v, %v; want 10m", wait, err)
		}
		// A refused attempt counts nothing: the address has 3 attempts, not 4.
		var row models.LoginThrottle
		if err := db.Where("bucket = ?", ip.Name).Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.Attempts != 3 {
			t.Errorf("address counter %d after a refusal, want 3", row.Attempts)
		}
		// Another account from the same address goes on (the address allows 10).
		if wait, err := th.Reserve(ctx, db, now.Add(5*time.Minute), th.AccountKey("def"), ip); err != nil || wait != 0 {
			t.Errorf("another account from the address: wait %v, %v", wait, err)
		}
		// Release gives an attempt back; Forgive clears the counter.
		if err := th.Release(ctx, db, account); err != nil {
			t.Fatal(err)
		}
		if wait, err := th.Reserve(ctx, db, now.Add(6*time.Minute), account); err != nil || wait != 0 {
			t.Errorf("after a release: wait %v, %v", wait, err)
		}
		if wait, err := th.Reserve(ctx, db, now.Add(6*time.Minute), account); err != nil || wait == 0 {
			t.Errorf("full again: wait %v, %v", wait, err)
		}
		if err := th.Forgive(ctx, db, account); err != nil {
			t.Fatal(err)
		}
		if wait, err := th.Reserve(ctx, db, now.Add(7*time.Minute), account); err != nil || wait != 0 {
			t.Errorf("after forgiving: wait %v, %v", wait, err)
		}
		// Once the window is over, the counter starts again.
		for i := range 3 {
			if wait, err := th.Reserve(ctx, db, now.Add(time.Hour), th.AccountKey("ghi")); err != nil || wait != 0 {
				t.Fatalf("attempt %d: wait %v, %v", i+1, wait, err)
			}
		}
		if wait, err := th.Reserve(ctx, db, now.Add(time.Hour+15*time.Minute), th.AccountKey("ghi")); err != nil || wait != 0 {
			t.Errorf("after the window: wait %v, %v", wait, err)
		}
		// Housekeeping forgets counters a day old.
		if err := models.DeleteOldLoginThrottles(ctx, db, now.Add(25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var left int64
		if err := db.Model(&models.LoginThrottle{}).Count(&left).Error; err != nil {
			t.Fatal(err)
		}
		if left != 1 {
			t.Errorf("%d counters left, want 1 (ghi's)", left)
		}
	})
}

// Issue 11: the check and the recording of an attempt were not atomic, and 100 simultaneous
// attempts all got through. Reservations of one key from many connections let exactly Max
// through.
func TestThrottleHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		th := models.Throttle{Max: 5, AddressMax: 100, Window: 15 * time.Minute}
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		var allowed, refused atomic.Int32
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				wait, err := th.Reserve(ctx, db, now, th.AccountKey("victim"), th.AddressKey("192.0.2.1"))
				switch {
				case err != nil:
					t.Error(err)
				case wait == 0:
					allowed.Add(1)
				default:
					refused.Add(1)
				}
			})
		}
		wg.Wait()
		if allowed.Load() != 5 || refused.Load() != 35 {
			t.Errorf("%d allowed, %d refused; want 5 and 35", allowed.Load(), refused.Load())
		}
	})
}

func TestLoginSecrets(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		first, err := models.LoadLoginSecrets(ctx, db, now)
		if err != nil {
			t.Fatal(err)
		}
		// A second instance reads the same secret.
		second, err := models.LoadLoginSecrets(ctx, db, now)
		if err != nil {
			t.Fatal(err)
		}
		if first.EmailKey(" Camille@Ville.fr ") != second.EmailKey("camille@ville.fr") {
			t.Error("two instances key one email differently")
		}
		if k := first.EmailKey("camille@ville.fr"); strings.Contains(k, "camille") || len(k) != 40 {
			t.Errorf("email key %q", k)
		}
		ck, err := first.NewDeviceCookie(42)
		if err != nil {
			t.Fatal(err)
		}
		id, nonce, err := second.DeviceCookie(ck)
		if err != nil || id != 42 || nonce == "" {
			t.Fatalf("device cookie %q: %d %q %v", ck, id, nonce, err)
		}
		forged := strings.Replace(ck, "42.", "43.", 1)
		for _, bad := range []string{forged, ck + "x", "", "42.abc", strings.Repeat("a", 300)} {
			if _, _, err := first.DeviceCookie(bad); err == nil {
				t.Errorf("device cookie %q accepted", bad)
			}
		}
	})
}
