package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/app"
	"mediation/models"
	"mediation/models/dbtest"
)

// signedInStatements is what a signed-in request costs the database before its page runs: the
// session, then the account with its scope (models.SignedIn). Nothing more, and no write.
const signedInStatements = 2

// statement is one SQL statement a test saw: read or write, and its table.
type statement struct{ kind, table string }

// statementLog records the statements run on a database handle, with their kind and table.
type statementLog struct {
	mu   sync.Mutex
	list []statement
}

func recordStatements(db *gorm.DB) *statementLog {
	l := &statementLog{}
	add := func(kind string) func(*gorm.DB) {
		return func(tx *gorm.DB) {
			l.mu.Lock()
			defer l.mu.Unlock()
			k := kind
			if strings.HasPrefix(tx.Statement.SQL.String(), "SET LOCAL ") {
				// A setting of the transaction (how PostgreSQL plans its reads): no write.
				k = "setting"
			}
			l.list = append(l.list, statement{k, tx.Statement.Table})
		}
	}
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("*").Register("test:record_query", add("read")),
		"row":    cb.Row().After("*").Register("test:record_row", add("read")),
		"create": cb.Create().After("*").Register("test:record_create", add("write")),
		"update": cb.Update().After("*").Register("test:record_update", add("write")),
		"delete": cb.Delete().After("*").Register("test:record_delete", add("write")),
		// Exec: the application writes with it (it reads with Raw().Scan, a query).
		"raw": cb.Raw().After("*").Register("test:record_raw", add("write")),
	} {
		if err != nil {
			panic(fmt.Sprintf("register %s: %v", name, err))
		}
	}
	return l
}

// take returns the statements recorded since the last take.
func (l *statementLog) take() []statement {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.list
	l.list = nil
	return out
}

// writes are the tables written by the statements, in order.
func writes(stmts []statement) []string {
	var out []string
	for _, s := range stmts {
		if s.kind == "write" {
			out = append(out, s.table)
		}
	}
	return out
}

// demoAccounts are the demo's accounts, one or more per role.
var demoAccounts = []string{"mediation@demo.test", "mediation2@demo.test", "direction@demo.test", "caf@demo.test",
	"coordination@demo.test", "admin@demo.test"}

// Every signed-in request reads the session and the account with its scope, two statements,
// and writes nothing: a page that runs no query of its own (the password form) costs exactly
// that, for every role. The overhead cannot grow back unnoticed.
func TestSignedInRequestCostsTwoReads(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		log := recordStatements(s.App.DB)
		for _, who := range demoAccounts {
			cl := s.client(t)
			cl.login(who)
			log.take()
			const n = 5
			for i := 0; i < n; i++ {
				if r := cl.get("/account/password"); r.Status != http.StatusOK {
					t.Fatalf("%s GET /account/password: %d", who, r.Status)
				}
			}
			stmts := log.take()
			if len(stmts) != n*signedInStatements {
				t.Errorf("%s: %d statements for %d requests, want %d each: %v", who, len(stmts), n, signedInStatements, stmts)
			}
			for i, st := range stmts {
				want := statement{"read", []string{"sessions", "users"}[i%2]}
				if st != want {
					t.Errorf("%s: statement %d is %v, want %v", who, i, st, want)
				}
			}
		}
		// A visitor without a session cookie costs nothing.
		if r := s.client(t).get("/login"); r.Status != http.StatusOK {
			t.Fatalf("GET /login: %d", r.Status)
		}
		if stmts := log.take(); len(stmts) != 0 {
			t.Errorf("a visitor's login form ran %v", stmts)
		}
	})
}

// Reading pages writes nothing: not the session (its last request is recorded once a minute),
// not the account (the worklist's "seen" mark moves only when it shows new answers). The one
// write of a plain GET is the audit record of a pupil file read (and, once per school year and
// change of its data, the overview's snapshot).
func TestPlainGetsWriteNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var med models.User
		dbtest.Must(t, db.Where("email = ?", "mediation@demo.test").Take(&med).Error)
		var est models.Establishment
		dbtest.Must(t, db.Joins("JOIN user_establishments ue ON ue.establishment_id = establishments.id").
			Where("ue.user_id = ?", med.ID).Order("establishments.id").Take(&est).Error)
		var pupil models.Pupil
		dbtest.Must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL", est.ID).Order("id").Take(&pupil).Error)
		file := fmt.Sprintf("/pupils/%d", pupil.ID)
		pages := map[string][]string{
			"mediation@demo.test":    {"/", "/pupils", "/pupils?sort=contact", "/meetings", "/referrals", "/establishments/" + est.UAI, file},
			"direction@demo.test":    {"/", "/pupils", "/meetings", "/referrals"},
			"caf@demo.test":          {"/", "/referrals"},
			"coordination@demo.test": {"/", "/partners", "/reports/metropolitan"},
			"admin@demo.test":        {"/", "/admin/users"},
		}
		log := recordStatements(db)
		for who, paths := range pages {
			cl := s.client(t)
			cl.login(who)
			// The first visit of the worklist fixes its mark; the following ones read it. The
			// first read of the overview computes and stores the year's figures (a snapshot
			// every later read shares).
			cl.get("/")
			if who == "coordination@demo.test" {
				cl.get("/reports/metropolitan")
			}
			log.take()
			for round := 0; round < 3; round++ {
				for _, p := range paths {
					if r := cl.get(p); r.Status != http.StatusOK {
						t.Fatalf("%s GET %s: %d", who, p, r.Status)
					}
					w := writes(log.take())
					want := []string(nil)
					if p == file {
						want = []string{"audit_events"} // "viewed a pupil file"
					}
					if strings.Join(w, ",") != strings.Join(want, ",") {
						t.Errorf("%s GET %s (round %d) wrote %v, want %v", who, p, round, w, want)
					}
				}
			}
		}

		// A minute later, the session records its last request once, then not again.
		cl := s.client(t)
		cl.login("mediation2@demo.test")
		log.take()
		s.Clock.Advance(seenStep + time.Second)
		for i, want := range []string{"sessions", ""} {
			if r := cl.get("/pupils"); r.Status != http.StatusOK {
				t.Fatalf("GET /pupils: %d", r.Status)
			}
			if w := strings.Join(writes(log.take()), ","); w != want {
				t.Errorf("request %d a minute after sign-in wrote %q, want %q", i+1, w, want)
			}
		}
	})
}

// seenStep is how often a session records its last request (handlers.seenAtStep).
const seenStep = time.Minute

// The worklist lists the partners' answers given since the last visit, once: the mark moves
// when answers were shown, and only then.
func TestWorklistShowsAnAnswerOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var med, agent models.User
		dbtest.Must(t, db.Where("email = ?", "mediation@demo.test").Take(&med).Error)
		dbtest.Must(t, db.Where("email = ?", "caf@demo.test").Take(&agent).Error)
		var ref models.Referral
		dbtest.Must(t, db.Where("status = ? AND sender_id = ? AND partner_organisation_id = ?", models.ReferralSent, med.ID,
			*agent.PartnerOrganisationID).Order("id").Take(&ref).Error)
		link := fmt.Sprintf(`href="/referrals/%d"`, ref.ID)
		const heading = "depuis votre dernière visite"

		mediator := s.client(t)
		mediator.login(med.Email)
		mediator.get("/") // the first visit: what was answered before is shown, then not again
		log := recordStatements(db)
		if r := mediator.get("/"); strings.Contains(r.Body, heading) {
			t.Fatalf("answers shown again at the second visit: %s", excerpt(r.Body))
		}
		if w := writes(log.take()); len(w) != 0 {
			t.Errorf("a worklist with nothing new wrote %v", w)
		}

		s.Clock.Advance(10 * time.Minute)
		partner := s.client(t)
		partner.login(agent.Email)
		partner.get(fmt.Sprintf("/referrals/%d", ref.ID))
		if r := partner.post(fmt.Sprintf("/referrals/%d/acknowledge", ref.ID), url.Values{"version": {fmt.Sprint(ref.Version)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", r.Status, excerpt(r.Body))
		}
		s.Clock.Advance(time.Minute)
		log.take()
		r := mediator.get("/")
		if !strings.Contains(r.Body, heading) || !strings.Contains(r.Body[strings.Index(r.Body, heading):], link) {
			t.Fatalf("the answer is not on the worklist: %s", excerpt(r.Body))
		}
		if w := writes(log.take()); !strings.Contains(strings.Join(w, ","), "users") {
			t.Errorf("the mark did not move after showing an answer: wrote %v", w)
		}
		if r := mediator.get("/"); strings.Contains(r.Body, heading) {
			t.Errorf("the answer is shown twice: %s", excerpt(r.Body))
		}
		if w := writes(log.take()); len(w) != 0 {
			t.Errorf("the visit after wrote %v", w)
		}
	})
}

// A client that goes away before its answer (its request's context canceled) is logged as
// what it is, status 499 at info level, never as a server error, and gets no 500; the server
// goes on. Before the page (the session cannot be read), and during it, with a session to
// save (its last request recorded) when the request ends.
func TestClientGoneIsNotAnError(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		logs := &dbtest.LogBuffer{}
		s := newDemoSiteWith(t, u, func(cfg *app.Config) {
			cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		})
		cl := s.client(t)
		cl.login("mediation@demo.test")
		session := &http.Cookie{Name: "mediation_session", Value: cl.cookie("mediation_session")}
		if session.Value == "" {
			t.Fatal("no session cookie after login")
		}

		// Cancel the request at its page's first query, after the session and the account.
		var armed atomic.Bool
		var cancel atomic.Pointer[context.CancelFunc]
		dbtest.Must(t, s.App.DB.Callback().Query().Before("gorm:query").Register("test:client_gone", func(tx *gorm.DB) {
			if armed.Load() && tx.Statement.Table != "sessions" && tx.Statement.Table != "users" {
				armed.Store(false)
				(*cancel.Load())()
			}
		}))
		for _, when := range []string{"before the session is read", "during the page"} {
			ctx, stop := context.WithCancel(context.Background())
			cancel.Store(&stop)
			if when == "before the session is read" {
				stop()
			} else {
				s.Clock.Advance(seenStep + time.Second) // the session has its last request to save
				armed.Store(true)
			}
			before := len(logs.String())
			req := httptest.NewRequest(http.MethodGet, "/pupils", nil).WithContext(ctx)
			req.AddCookie(session)
			rec := httptest.NewRecorder()
			s.App.Echo.ServeHTTP(rec, req)
			stop()
			got := logs.String()[before:]
			if rec.Code != 499 || rec.Body.Len() != 0 {
				t.Errorf("%s: answered %d with %d bytes, want 499 and nothing", when, rec.Code, rec.Body.Len())
			}
			if !strings.Contains(got, "status=499") || strings.Contains(got, "level=ERROR") {
				t.Errorf("%s: logged\n%s\nwant status=499 and no error", when, got)
			}
			if armed.Load() {
				t.Errorf("%s: the page ran no query to cancel", when)
			}
		}
		// The server and the session go on.
		if r := cl.get("/pupils"); r.Status != http.StatusOK {
			t.Errorf("GET /pupils after: %d", r.Status)
		}
	})
}

// A session that cannot be saved (its store failing between the read and the save) gives the
// error page and nothing of the page after it; the server goes on. Saving it again to write the
// error page used to recurse until the process died.
func TestSessionThatCannotBeSavedGivesTheErrorPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		cl := s.client(t)
		cl.login("mediation@demo.test")
		var failing atomic.Bool
		dbtest.Must(t, s.App.DB.Callback().Create().Before("gorm:create").Register("test:session_store_down", func(tx *gorm.DB) {
			if failing.Load() && tx.Statement.Table == "sessions" {
				tx.AddError(errors.New("test: session store down"))
			}
		}))
		// The session has its last request to save: once the page is written, and after a
		// page that failed (a file outside the scope is a 404 that writes nothing first).
		for _, path := range []string{"/pupils", "/pupils/999999999"} {
			s.Clock.Advance(seenStep + time.Second)
			failing.Store(true)
			r := cl.get(path)
			failing.Store(false)
			if r.Status != http.StatusInternalServerError || strings.Count(r.Body, "<html") != 1 || pupilLink.MatchString(r.Body) {
				t.Errorf("GET %s with the session store down: %d, %d pages, pupil links %v", path, r.Status,
					strings.Count(r.Body, "<html"), pupilLink.MatchString(r.Body))
			}
		}
		if r := cl.get("/pupils"); r.Status != http.StatusOK || !pupilLink.MatchString(r.Body) {
			t.Errorf("GET /pupils after: %d", r.Status)
		}
	})
}

// BenchmarkRequestCostMetro measures BenchmarkCaseworkPages's pages for the busiest mediator of
// a generated metropolis (the most files in their establishments) and the file of theirs with
// the most follow-ups. Signing in and reading files write sessions and audit records: run it on
// a copy.
//
//	createdb -h 127.0.0.1 -U postgres -T mediation_metro request_metro
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/request_metro?sslmode=disable \
//	  go test ./app/ -run '^$' -bench RequestCostMetro -benchtime 200x -benchmem
func BenchmarkRequestCostMetro(b *testing.B) {
	raw := os.Getenv("MEDIATION_BENCH_DATABASE_URL")
	if raw == "" {
		b.Skip("MEDIATION_BENCH_DATABASE_URL is not set: copy a database filled by mediation generate --scale metro")
	}
	a, err := app.New(context.Background(), app.Config{DatabaseURL: raw, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Echo)
	b.Cleanup(srv.Close)
	db := a.DB
	var busiest struct {
		UserID uint
		N      int
	}
	must(b, db.Table("user_establishments ue").Select("ue.user_id, COUNT(*) AS n").
		Joins("JOIN users u ON u.id = ue.user_id AND u.role = ? AND u.active", models.RoleMediator).
		Joins("JOIN pupils p ON p.establishment_id = ue.establishment_id AND p.anonymised_at IS NULL").
		Group("ue.user_id").Order("n DESC, ue.user_id").Limit(1).Scan(&busiest).Error)
	var med models.User
	must(b, db.Take(&med, busiest.UserID).Error)
	var file struct {
		PupilID uint
		N       int
	}
	must(b, db.Table("follow_ups f").Select("f.pupil_id, COUNT(*) AS n").
		Joins("JOIN pupils p ON p.id = f.pupil_id AND p.anonymised_at IS NULL").
		Joins("JOIN user_establishments ue ON ue.establishment_id = p.establishment_id AND ue.user_id = ?", med.ID).
		Group("f.pupil_id").Order("n DESC, f.pupil_id").Limit(1).Scan(&file).Error)
	b.Logf("mediator %s: %d files in scope; file %d: %d follow-ups", med.Email, busiest.N, file.PupilID, file.N)
	cl := (&site{App: a, URL: srv.URL}).client(b)
	cl.login(med.Email)
	benchRequests(b, db, cl, casework(fmt.Sprintf("/pupils/%d", file.PupilID)))
}

// benchPage is a page a benchmark reads.
type benchPage struct{ name, path string }

// casework are a mediator's daily pages, file being one of their files, and the password form,
// which runs no query of its own: what any signed-in request costs.
func casework(file string) []benchPage {
	return []benchPage{
		{"signed-in-only", "/account/password"},
		{"pupil-list", "/pupils"},
		{"pupil-list-by-last-contact", "/pupils?sort=contact"},
		{"pupil-file", file},
		{"worklist", "/"},
	}
}

// benchRequests reads each page b.N times and reports, besides the time (and with -benchmem
// the allocations), the 95th percentile (p95-ms), the statements per request (queries) and the
// process's CPU per request (cpu-ms: user and system time, counting the application, the
// test's HTTP client and, on SQLite, the database engine; PostgreSQL's own work is in its
// server and not counted).
func benchRequests(b *testing.B, db *gorm.DB, cl *client, pages []benchPage) {
	counter := dbtest.CountQueries(db)
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			cpu := processCPU(b)
			counter.Reset()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if r := cl.get(p.path); r.Status != http.StatusOK {
					b.Fatalf("GET %s: %d", p.path, r.Status)
				}
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU(b)-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms")
			b.ReportMetric(float64(counter.Count())/float64(b.N), "queries")
			slices.Sort(times)
			b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}

// processCPU is the user and system CPU time the process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
