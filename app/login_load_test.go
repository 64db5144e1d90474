package app_test

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mediation/app"
	"mediation/models"
	"mediation/models/dbtest"
)

// loadCeilingMiB is the most the resident memory of the process may grow during a burst of
// logins: the hasher's slots times production's 46 MiB (the hasher hands each block back as its
// computation ends), plus 64 MiB for the 100 connections, their goroutines and their database
// work (about 11 MiB measured with cheap hashing): 156 MiB with two slots. Measured: +50 to
// +110 MiB.
func loadCeilingMiB(h *models.Hasher) int {
	return h.Concurrency()*int(h.Params().MemoryKiB)/1024 + 64
}

// Issue 11, "done when": 100 concurrent wrong logins for one account, with production's
// Argon2id, through the real server on the loopback interface. At most the allowed number of
// passwords are checked, and the process's peak resident memory grows by less than
// loadCeilingMiB (the audit saw 194 MiB become 4.7 GB).
func TestLoginBurstStaysUnderMemoryCeiling(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the peak resident memory from /proc/self/status (Linux only)")
	}
	if raceDetector {
		t.Skip("the race detector multiplies the memory of the process: the ceiling is measured in the plain run")
	}
	// One database after the other, not as parallel subtests: the process's memory is measured,
	// and two bursts at once would each see the other's.
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) { loginBurst(t, b.New(t)) })
	}
}

// loginBurst sends the burst to a server on u and checks the passwords checked and the memory.
func loginBurst(t *testing.T, u models.DatabaseURL) {
	ctx := context.Background()
	if u.Dialect == models.DialectPostgres {
		dbtest.OpenMigrated(t, u)
	}
	var checks atomic.Int32
	a, err := app.New(ctx, app.Config{DatabaseURL: dbURLString(u), Now: dbtest.NewClock(fixedNow).Now,
		// Production's cost and slots; a longer wait than production's 5 s, so that a loaded
		// CI machine does not turn a slow hash into a 503 (the busy path has its own test).
		Hashing: models.HasherConfig{Params: models.ProductionArgon2(), Wait: 2 * time.Minute, OnCompute: func() { checks.Add(1) }},
		Logger:  slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if p := a.Hasher.Params(); p != models.ProductionArgon2() {
		t.Fatalf("the load test runs with %+v, not production's Argon2id", p)
	}
	hash, err := a.Hasher.Hash(ctx, "une phrase de passe de la cible")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.SaveAccount(ctx, a.DB, 0, models.Account{Email: "cible@example.org", DisplayName: "Cible",
		Role: models.RoleCoordinator, Locale: "fr", Active: true}, hash, false); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Echo) // 127.0.0.1, loopback only
	t.Cleanup(srv.Close)
	s := &site{App: a, URL: srv.URL}
	const n = 100
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = s.client(t)
		clients[i].get("/login")
	}

	checks.Store(0)
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak resident memory: %v", err)
	}
	before := procStatusKiB(t, "VmRSS")
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Go(func() { statuses[i] = cl.wrongLogin("cible@example.org").Status })
	}
	wg.Wait()
	peak := procStatusKiB(t, "VmHWM")

	counts := map[int]int{}
	for _, st := range statuses {
		counts[st]++
	}
	allowed := models.DefaultThrottle.Max
	if got := int(checks.Load()); got > allowed {
		t.Errorf("%d passwords checked for %d concurrent attempts, want at most %d", got, n, allowed)
	}
	if counts[http.StatusUnauthorized] > allowed || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != n {
		t.Errorf("answers %v: want at most %d × 401, the rest 429", counts, allowed)
	}
	growth, ceiling := (peak-before)/1024, loadCeilingMiB(a.Hasher)
	t.Logf("%d attempts: %v; %d passwords checked; resident memory %d MiB → peak %d MiB (+%d MiB, ceiling +%d MiB)",
		n, counts, checks.Load(), before/1024, peak/1024, growth, ceiling)
	if growth > ceiling {
		t.Errorf("peak resident memory grew by %d MiB, ceiling %d MiB", growth, ceiling)
	}
}

// procStatusKiB reads a field of /proc/self/status, in KiB.
func procStatusKiB(t *testing.T, field string) int {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), ":"); ok && name == field {
			kib, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(value), " kB"))
			if err != nil {
				t.Fatalf("%s: %v", field, err)
			}
			return kib
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}
