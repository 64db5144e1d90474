package app_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
)

// BenchmarkReports measures the dashboards and PDFs on a generated metropolis (200
// establishments, 15,000 files, 1,000,000 follow-ups), through the real router over HTTP with
// signed-in sessions. It needs a database filled once by the generator:
//
//	mediation generate --scale metro --database postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable \
//	  go test ./app/ -run '^$' -bench Reports -benchtime 50x
//
// It reports the 95th percentile (p95-ms) and, for the PDFs, the peak heap in use during a
// request above the heap before it (peak-MB), sampled every 5 ms.
func BenchmarkReports(b *testing.B) {
	s := benchSite(b, benchURL(b, "MEDIATION_BENCH_DATABASE_URL"))
	db := s.App.DB

	// The busiest establishment, its head teacher, a coordinator, the busiest partner.
	var busiest struct {
		EstablishmentID uint
		N               int
	}
	must(b, db.Table("pupils").Select("establishment_id, COUNT(*) AS n").Group("establishment_id").Order("n DESC").Limit(1).Scan(&busiest).Error)
	var e models.Establishment
	must(b, db.Take(&e, busiest.EstablishmentID).Error)
	var head, coordinator models.User
	must(b, db.Joins("JOIN user_establishments ue ON ue.user_id = users.id").
		Where("users.role = ? AND ue.establishment_id = ? AND users.active", models.RoleHeadTeacher, e.ID).Take(&head).Error)
	must(b, db.Where("role = ? AND active", models.RoleCoordinator).Order("id").Take(&coordinator).Error)
	var partner struct {
		PartnerOrganisationID uint
		N                     int
	}
	must(b, db.Table("referrals").Select("partner_organisation_id, COUNT(*) AS n").Group("partner_organisation_id").Order("n DESC").Limit(1).Scan(&partner).Error)
	b.Logf("establishment %s (%d files), partner %d (%d referrals)", e.UAI, busiest.N, partner.PartnerOrganisationID, partner.N)

	headClient, coordClient := s.client(b), s.client(b)
	headClient.login(head.Email)
	coordClient.login(coordinator.Email)
	pages := []struct {
		name string
		cl   *client
		path string
	}{
		{"establishment-dashboard", headClient, "/establishments/" + e.UAI},
		{"establishment-pdf", headClient, "/establishments/" + e.UAI + "/report.pdf"},
		{"metropolitan-overview", coordClient, "/reports/metropolitan?by=establishment"},
		{"metropolitan-pdf", coordClient, "/reports/metropolitan.pdf"},
		{"partner-pdf", coordClient, fmt.Sprintf("/partners/%d/report.pdf", partner.PartnerOrganisationID)},
	}
	// The same for the last full school year, which holds a whole year of activity.
	last := "?year=" + calendar.SchoolYearOf(time.Now()).Previous().String()
	for _, p := range pages[:5] {
		pages = append(pages, struct {
			name string
			cl   *client
			path string
		}{p.name + "-last-year", p.cl, p.path + strings.Replace(last, "?", map[bool]string{true: "&", false: "?"}[strings.Contains(p.path, "?")], 1)})
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			var peak uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stop := sampleHeap()
				start := time.Now()
				if r := p.cl.get(p.path); r.Status != http.StatusOK {
					b.Fatalf("GET %s: %d", p.path, r.Status)
				}
				times = append(times, time.Since(start))
				peak = max(peak, stop())
			}
			b.StopTimer()
			reportPercentiles(b, "", times)
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

// sampleHeap watches the heap in use until the returned function is called, which gives the
// largest growth seen above the heap at the start.
func sampleHeap() func() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
					peak.Store(m.HeapInuse - base)
				}
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}
