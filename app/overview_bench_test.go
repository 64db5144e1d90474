package app_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
)

// BenchmarkOverview measures the metropolitan overview on a generated metropolis (see
// BenchmarkReports): the computation of the figures (what a refresh costs, in the
// background), and the page served from its snapshot to one client and to 16 at once.
//
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable \
//	  go test ./app/ -run '^$' -bench Overview -benchtime 40x
func BenchmarkOverview(b *testing.B) {
	srv := benchSite(b, benchURL(b, "MEDIATION_BENCH_DATABASE_URL"))
	a := srv.App
	var coordinator models.User
	must(b, a.DB.Where("role = ? AND active", models.RoleCoordinator).Order("id").Take(&coordinator).Error)
	current := calendar.SchoolYearOf(time.Now())
	for _, y := range []calendar.SchoolYear{current, current.Previous()} {
		b.Run("compute-"+y.String(), func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if _, err := a.Snapshots.Recompute(context.Background(), y); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			reportPercentiles(b, "", times)
		})
	}
	for _, clients := range []int{1, 16} {
		b.Run("page-"+map[int]string{1: "1-client", 16: "16-clients"}[clients], func(b *testing.B) {
			cls := make([]*client, clients)
			for i := range cls {
				cls[i] = srv.client(b)
				cls[i].login(coordinator.Email)
			}
			var mu sync.Mutex
			times := make([]time.Duration, 0, b.N)
			next := make(chan struct{})
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for _, cl := range cls {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range next {
						t0 := time.Now()
						if r := cl.get("/reports/metropolitan?by=establishment"); r.Status != http.StatusOK {
							b.Errorf("overview: %d", r.Status)
						}
						mu.Lock()
						times = append(times, time.Since(t0))
						mu.Unlock()
					}
				}()
			}
			for range b.N {
				next <- struct{}{}
			}
			close(next)
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			reportPercentiles(b, "", times)
		})
	}
}
