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
	s := benchSite(b, benchURL(b, "MEDIATION_BENCH_DATABASE_URL"))
	cp := busiestPages(b, s.App.DB)
	b.Logf("mediator %s, head teacher %s, partner %s", cp.mediator, cp.headTeacher, cp.partner)
	clients := cp.signedIn(s, b)
	for _, p := range cp.pages {
		b.Run(p.role+"/"+p.name, func(b *testing.B) {
			reportPercentiles(b, "", getTimes(b, clients[p.role], p.path))
		})
	}
}

// BenchmarkCaseworkSameCaseload compares the pages of two generated databases for users with
// the same work. The busiest users of the metropolis have more of it than those of `small`
// (the busiest mediator about 1.5 times the files, an organisation ten times the referrals), so
// it reads the pages of small's busiest users (MEDIATION_BENCH_SMALL_URL) and those of the
// metro users whose caseload is the nearest to theirs (MEDIATION_BENCH_DATABASE_URL; see
// caseload), one read of each in turn, so that the machine's changes of speed weigh on both
// alike:
//
//	MEDIATION_BENCH_DATABASE_URL=postgres://…/mediation_metro?sslmode=disable \
//	MEDIATION_BENCH_SMALL_URL=postgres://…/mediation_small?sslmode=disable \
//	  go test ./app/ -run '^$' -bench CaseworkSameCaseload -benchtime 100x
//
// It reports each side's median and 95th percentile and the ratio of the medians (ratio-p50:
// the bound is 1.5).
func BenchmarkCaseworkSameCaseload(b *testing.B) {
	metro := benchSite(b, benchURL(b, "MEDIATION_BENCH_DATABASE_URL"))
	small := benchSite(b, benchURL(b, "MEDIATION_BENCH_SMALL_URL"))
	smallPages := busiestPages(b, small.App.DB)
	load := caseloadOf(b, small.App.DB, smallPages)
	metroPages := casePagesOf(b, metro.App.DB, &load)
	b.Logf("small: %+v (mediator %s, head teacher %s, partner %s)", load, smallPages.mediator, smallPages.headTeacher, smallPages.partner)
	b.Logf("metro: %+v (mediator %s, head teacher %s, partner %s)", caseloadOf(b, metro.App.DB, metroPages),
		metroPages.mediator, metroPages.headTeacher, metroPages.partner)
	metroClients, smallClients := metroPages.signedIn(metro, b), smallPages.signedIn(small, b)
	for i, mp := range metroPages.pages {
		sp := smallPages.pages[i]
		b.Run(mp.role+"/"+mp.name, func(b *testing.B) {
			metroTimes := make([]time.Duration, 0, b.N)
			smallTimes := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				metroTimes = append(metroTimes, timedGet(b, metroClients[mp.role], mp.path))
				smallTimes = append(smallTimes, timedGet(b, smallClients[sp.role], sp.path))
			}
			b.StopTimer()
			m50, s50 := reportPercentiles(b, "metro-", metroTimes), reportPercentiles(b, "small-", smallTimes)
			b.ReportMetric(m50/s50, "ratio-p50")
		})
	}
}

// benchURL is the database URL that the environment variable names; without it the benchmark
// is skipped.
func benchURL(b *testing.B, name string) string {
	raw := os.Getenv(name)
	if raw == "" {
		b.Skip(name + " is not set: fill a database with mediation generate first")
	}
	return raw
}

// benchSite serves the application over HTTP on a generated database.
func benchSite(b *testing.B, raw string) *site {
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
	for range b.N {
		times = append(times, timedGet(b, cl, path))
	}
	b.StopTimer()
	return times
}

// timedGet reads the page once and returns how long it took.
func timedGet(b *testing.B, cl *client, path string) time.Duration {
	start := time.Now()
	if r := cl.get(path); r.Status != http.StatusOK {
		b.Fatalf("GET %s: %d", path, r.Status)
	}
	return time.Since(start)
}

// reportPercentiles reports the 95th percentile and the median of the times (p95-ms, p50-ms,
// after the prefix) and returns the median in milliseconds.
func reportPercentiles(b *testing.B, prefix string, times []time.Duration) float64 {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	p50 := float64(times[len(times)/2].Microseconds()) / 1000
	b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Microseconds())/1000, prefix+"p95-ms")
	b.ReportMetric(p50, prefix+"p50-ms")
	return p50
}
