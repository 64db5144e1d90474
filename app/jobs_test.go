package app_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"mediation/models"
	"mediation/models/dbtest"
)

// The daily purge and the hourly risk levels are periodic jobs: two instances on one database
// queue each once at start and run it once, whichever takes it.
func TestPeriodicJobsRunOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		ctx := context.Background()
		var clients []*river.Client[*sql.Tx]
		for range 2 {
			c, err := s.App.NewJobs()
			must(t, err)
			must(t, c.Start(ctx))
			clients = append(clients, c)
		}
		defer func() {
			for _, c := range clients {
				stop, cancel := context.WithTimeout(ctx, time.Minute)
				must(t, c.Stop(stop))
				cancel()
			}
		}()
		type row struct {
			Kind  string
			State string
			N     int
		}
		var rows []row
		// Waiting for the jobs, not timing them: a generous bound only ends a hung test.
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			rows = nil
			must(t, s.App.DB.Raw("SELECT kind, state, COUNT(*) AS n FROM river_job GROUP BY kind, state ORDER BY kind, state").Scan(&rows).Error)
			if len(rows) == 2 && rows[0].State == "completed" && rows[1].State == "completed" {
				break
			}
		}
		want := []row{{"purge", "completed", 1}, {"recompute_risk", "completed", 1}}
		if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
			t.Errorf("jobs: %+v, want %+v", rows, want)
		}
	})
}
