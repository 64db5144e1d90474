package app_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"mediation/app/loadtest"
	"mediation/models"
	"mediation/models/dbtest"
)

// Issue 18: the load test signs in as the busiest accounts of each role, chosen in the database,
// and replays the mix through the real server: every page is requested, nothing fails, the
// follow-ups and the partners' answers it posts are really recorded, and its figures hold
// together.
func TestLoadTestReplaysTheMix(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		ctx := context.Background()
		s := newDemoSite(t, u)
		count := func(model any) int64 {
			var n int64
			dbtest.Must(t, s.App.DB.WithContext(ctx).Model(model).Count(&n).Error)
			return n
		}
		followUps, transitions := count(&models.FollowUp{}), count(&models.ReferralTransition{})
		// Two seconds, ten under the race detector, which slows every request tenfold: enough
		// for every client to go through the first round of its pages.
		d := 2 * time.Second
		if raceDetector {
			d *= 10
		}
		o := loadtest.Options{URL: s.URL, Duration: d, Clients: 4, Database: dbURLString(u)}
		if runtime.GOOS == "linux" {
			o.PID = os.Getpid() // the server runs in this process
		}
		var out strings.Builder
		res, err := loadtest.Run(ctx, o, &out)
		t.Log("\n" + out.String())
		if err != nil {
			t.Fatal(err)
		}

		if got := res.Clients; got[models.RoleMediator] != 2 || got[models.RoleHeadTeacher] != 1 || got[models.RolePartner] != 1 {
			t.Errorf("clients per role %v, want 2 mediators, 1 head teacher, 1 partner", got)
		}
		// The busiest accounts of the demo: its first mediator (two establishments), its head
		// teacher, and a partner organisation with referrals in every status.
		if a := res.Accounts[models.RoleMediator]; len(a) == 0 || a[0].Email != "mediation@demo.test" {
			t.Errorf("mediators chosen %v, want mediation@demo.test first", a)
		}
		if a := res.Accounts[models.RoleHeadTeacher]; len(a) != 1 || a[0].Email != "direction@demo.test" {
			t.Errorf("head teachers chosen %v, want direction@demo.test", a)
		}
		if a := res.Accounts[models.RolePartner]; len(a) != 1 || a[0].Load == 0 {
			t.Errorf("partners chosen %v, want one with referrals", a)
		}
		if res.Total.Errors != 0 || len(res.ErrorSamples) != 0 {
			t.Errorf("%d errors: %v", res.Total.Errors, res.ErrorSamples)
		}
		for _, p := range loadtest.Pages {
			st := res.Page(p)
			if st.Count == 0 {
				t.Errorf("page %s never requested", p)
				continue
			}
			if !(0 < st.P50 && st.P50 <= st.P95 && st.P95 <= st.P99 && st.P99 <= st.Max && st.Max < 30*time.Second) {
				t.Errorf("page %s: p50 %v, p95 %v, p99 %v, max %v out of order", p, st.P50, st.P95, st.P99, st.Max)
			}
			if !strings.Contains(out.String(), "\n"+string(p)+" ") {
				t.Errorf("no line for page %s in the report", p)
			}
		}
		if res.Total.Count < 20 || res.Elapsed < d || res.Total.PerSecond <= 0 {
			t.Errorf("%d requests in %v (%.1f/s): the mix did not run", res.Total.Count, res.Elapsed, res.Total.PerSecond)
		}
		// Each follow-up posted is one more row; each answer (acknowledgement, acceptance,
		// feedback) one more transition, but for the conflicts, which change nothing.
		fu := res.Page(loadtest.FollowUp)
		if got := count(&models.FollowUp{}) - followUps; got != int64(fu.Count) {
			t.Errorf("%d follow-ups created, the load test posted %d", got, fu.Count)
		}
		ans := res.Page(loadtest.Answer)
		if got := count(&models.ReferralTransition{}) - transitions; got != int64(ans.Count-ans.Conflicts) {
			t.Errorf("%d referral transitions created, the load test answered %d times (%d conflicts)", got, ans.Count, ans.Conflicts)
		}
		if o.PID != 0 && (res.Server == nil || res.Server.PeakLoadKiB <= 0 || res.Server.Samples == 0 || res.Server.CPU <= 0) {
			t.Errorf("memory and CPU of process %d not read: %+v", o.PID, res.Server)
		}

		// Bounded by a count of requests, whichever comes first: 30 requests, not a minute.
		o = loadtest.Options{URL: s.URL, Duration: time.Minute, Requests: 30, Clients: 4, Database: dbURLString(u)}
		res, err = loadtest.Run(ctx, o, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total.Count != 30 || res.Total.Errors != 0 || res.Elapsed > 30*time.Second {
			t.Errorf("--requests 30: %d requests (%d errors) in %v", res.Total.Count, res.Total.Errors, res.Elapsed)
		}

		// Accounts given on the command line need no database; a wrong password stops the run
		// before the clock starts, with the account named.
		given := map[models.Role][]string{models.RoleMediator: {"mediation2@demo.test"}}
		o = loadtest.Options{URL: s.URL, Requests: 5, Clients: 1, Accounts: given}
		if res, err = loadtest.Run(ctx, o, io.Discard); err != nil || res.Total.Count != 5 || res.Accounts[models.RoleMediator][0].Email != "mediation2@demo.test" {
			t.Errorf("given account: %d requests as %v, %v", res.Total.Count, res.Accounts, err)
		}
		o.Password = "pas le bon mot de passe"
		if _, err = loadtest.Run(ctx, o, io.Discard); err == nil || !strings.Contains(err.Error(), "mediation2@demo.test") {
			t.Errorf("wrong password: %v", err)
		}
	})
}
