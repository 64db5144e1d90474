package app_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
)

// BenchmarkImpactPages measures the annual review's page and PDF (issue 15) on a generated
// metropolis, through the real router over HTTP with a coordinator's session, served from their
// snapshot: the first request of each address computes it (not timed), the others read it.
// Targets: the page under 1 s at the 95th percentile, the PDF under 2 s and 200 MB peak. It
// needs the database BenchmarkReports uses:
//
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable \
//	  go test ./app/ -run '^$' -bench ImpactPages -benchtime 50x
//
// It reports p95-ms and peak-MB as BenchmarkReports does, and the time of the first
// computation (first-ms).
func BenchmarkImpactPages(b *testing.B) {
	s := benchSite(b, benchURL(b, "MEDIATION_BENCH_DATABASE_URL"))
	db := s.App.DB
	var coordinator models.User
	must(b, db.Where("role = ? AND active", models.RoleCoordinator).Order("id").Take(&coordinator).Error)
	cl := s.client(b)
	cl.login(coordinator.Email)
	last := calendar.SchoolYearOf(time.Now()).Previous().String()
	pages := []struct{ name, path string }{
		{"impact-page", "/reports/impact?year=" + last},
		{"impact-pdf", "/reports/impact.pdf?year=" + last},
	}
	var agreement models.FundingAgreement
	if err := db.Order("id").Take(&agreement).Error; err == nil {
		q := fmt.Sprintf("?year=%s&convention=%d", last, agreement.ID)
		pages = append(pages, struct{ name, path string }{"impact-agreement-page", "/reports/impact" + q},
			struct{ name, path string }{"impact-agreement-pdf", "/reports/impact.pdf" + q})
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			start := time.Now()
			if r := cl.get(p.path); r.Status != http.StatusOK {
				b.Fatalf("GET %s: %d", p.path, r.Status)
			}
			first := time.Since(start)
			times := make([]time.Duration, 0, b.N)
			var peak uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stop := sampleHeap()
				start := time.Now()
				if r := cl.get(p.path); r.Status != http.StatusOK {
					b.Fatalf("GET %s: %d", p.path, r.Status)
				}
				times = append(times, time.Since(start))
				peak = max(peak, stop())
			}
			b.StopTimer()
			reportPercentiles(b, "", times)
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			b.ReportMetric(float64(first.Milliseconds()), "first-ms")
		})
	}
}
