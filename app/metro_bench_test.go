package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"mediation/app"
)

// BenchmarkCaseworkMetro measures the casework pages, inboxes and dashboards of the busiest
// user of each role (the mediator with the most files in their establishments, the head
// teacher of the busiest establishment, an agent of the organisation that received the most
// referrals) on generated data, through the real router over HTTP with signed-in sessions:
//
//	mediation generate --scale metro --database postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable \
//	  go test ./app/ -run '^$' -bench CaseworkMetro -benchtime 100x
//
// Run it on `--scale small` too: a page's cost follows its user's caseload, not the size of
// the metropolis. It reports the median and the 95th percentile (p50-ms, p95-ms). The pages are
// read only (GET), but reading a file or the worklist writes what it always writes (the
// audit of the view, the worklist's last visit).
func BenchmarkCaseworkMetro(b *testing.B) {
	s := benchSite(b)
	cp := busiestPages(b, s.App.DB)
	b.Logf("mediator %s, head teacher %s, partner %s", cp.mediator, cp.headTeacher, cp.partner)
	clients := cp.signedIn(s, b)
	for _, p := range cp.pages {
		b.Run(p.role+"/"+p.name, func(b *testing.B) {
			reportPercentiles(b, getTimes(b, clients[p.role], p.path))
		})
	}
}

// benchSite serves the application over HTTP on the generated database that
// MEDIATION_BENCH_DATABASE_URL names, or skips the benchmark without one.
func benchSite(b *testing.B) *site {
	raw := os.Getenv("MEDIATION_BENCH_DATABASE_URL")
	if raw == "" {
		b.Skip("MEDIATION_BENCH_DATABASE_URL is not set: fill a database with mediation generate --scale metro first")
	}
	a, err := app.New(context.Background(), app.Config{DatabaseURL: raw,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Echo)
	b.Cleanup(srv.Close)
	return &site{App: a, URL: srv.URL}
}

// getTimes reads the page b.N times with the client and returns how long each read took.
func getTimes(b *testing.B, cl *client, path string) []time.Duration {
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if r := cl.get(path); r.Status != http.StatusOK {
			b.Fatalf("GET %s: %d", path, r.Status)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	return times
}

// reportPercentiles reports the 95th percentile and the median of the times (p95-ms, p50-ms).
func reportPercentiles(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
}
