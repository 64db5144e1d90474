package app_test

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/gendata"
)

// sqlCapture records the reading statements (SELECT, WITH) that a database handle runs
// while it is on, with their bound arguments, as the driver receives them.
type sqlCapture struct {
	mu    sync.Mutex
	on    bool
	stmts []loggedStatement
}

// loggedStatement is one statement as run: its SQL with the dialect's placeholders and its
// arguments.
type loggedStatement struct {
	SQL  string
	Vars []any
}

// captureStatements registers the log on db's reading callbacks; it records nothing until start.
func captureStatements(db *gorm.DB) *sqlCapture {
	l := &sqlCapture{}
	record := func(tx *gorm.DB) {
		sql := strings.TrimSpace(tx.Statement.SQL.String())
		head := strings.ToUpper(strings.SplitN(sql, " ", 2)[0])
		// A subquery is built by running the callbacks in dry-run mode: it runs as part of
		// the statement that holds it.
		if tx.DryRun || tx.Statement.Context == nil || tx.Error != nil || (head != "SELECT" && head != "WITH") {
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.on {
			l.stmts = append(l.stmts, loggedStatement{SQL: sql, Vars: slices.Clone(tx.Statement.Vars)})
		}
	}
	cb := db.Callback()
	cb.Query().After("*").Register("queryplans:query", record)
	cb.Row().After("*").Register("queryplans:row", record)
	cb.Raw().After("*").Register("queryplans:raw", record)
	return l
}

// during runs f with the log on and returns what it recorded.
func (l *sqlCapture) during(f func()) []loggedStatement {
	l.mu.Lock()
	l.on, l.stmts = true, nil
	l.mu.Unlock()
	f()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.stmts
}

// planNode is a node of PostgreSQL's EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	Alias        string     `json:"Alias"`
	PlanRows     float64    `json:"Plan Rows"`
	Plans        []planNode `json:"Plans"`
}

// explain returns PostgreSQL's plans of a recorded statement: the custom plan, made for the
// arguments the application bound (what a connection's first executions of a statement run),
// and the generic plan, made for any arguments (what PostgreSQL may switch to once the
// driver's prepared statement has run five times on the connection).
func explain(ctx context.Context, db *gorm.DB, s loggedStatement) (custom, generic planNode, err error) {
	sqlDB, err := db.DB()
	if err != nil {
		return custom, generic, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return custom, generic, err
	}
	defer conn.Close()
	read := func(query string, args ...any) (planNode, error) {
		var out string
		if err := conn.QueryRowContext(ctx, query, args...).Scan(&out); err != nil {
			return planNode{}, fmt.Errorf("%s: %w", query, err)
		}
		var plans []struct {
			Plan planNode `json:"Plan"`
		}
		if err := json.Unmarshal([]byte(out), &plans); err != nil || len(plans) != 1 {
			return planNode{}, fmt.Errorf("%s: unreadable plan %q: %v", query, out, err)
		}
		return plans[0].Plan, nil
	}
	if custom, err = read("EXPLAIN (FORMAT JSON) "+s.SQL, s.Vars...); err != nil {
		return custom, generic, err
	}
	if len(s.Vars) == 0 {
		return custom, custom, nil
	}
	literals := make([]string, len(s.Vars))
	for i, v := range s.Vars {
		if literals[i], err = sqlLiteral(v); err != nil {
			return custom, generic, err
		}
	}
	for _, stmt := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE queryplans_generic AS " + s.SQL} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return custom, generic, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	defer conn.ExecContext(ctx, "DEALLOCATE queryplans_generic; RESET plan_cache_mode") //nolint:errcheck // the connection is closed after
	generic, err = read("EXPLAIN (FORMAT JSON) EXECUTE queryplans_generic(" + strings.Join(literals, ", ") + ")")
	return custom, generic, err
}

// sqlLiteral writes an argument as the application bound it as a SQL literal, which the
// prepared statement's parameter type then reads.
func sqlLiteral(v any) (string, error) {
	if valuer, ok := v.(driver.Valuer); ok {
		var err error
		if v, err = valuer.Value(); err != nil {
			return "", err
		}
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case time.Time:
		return quote(x.Format("2006-01-02 15:04:05.999999999Z07:00")), nil
	case bool:
		return fmt.Sprint(x), nil
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String:
		return quote(r.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(r.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprint(r.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return fmt.Sprint(r.Float()), nil
	}
	return "", fmt.Errorf("no SQL literal for %T", v)
}

// broadScan is a read of a large table that does not follow a user's scope.
type broadScan struct {
	table, what string
	// indexCond is the index condition of an index scan ("" for a sequential scan).
	indexCond string
}

// tableStats tells, for the large tables of the current schema, how many rows each holds, and
// which table each of their indexes belongs to.
type tableStats struct {
	rows       map[string]float64
	indexTable map[string]string
	// partial are the partial indexes: PostgreSQL estimates the rows of a scan of one from its
	// condition alone, so the scan of the table above it says how many it reads.
	partial map[string]bool
}

// readTableStats reads the statistics of the large tables that ANALYZE left in the catalog.
func readTableStats(tb testing.TB, db *gorm.DB) tableStats {
	st := tableStats{rows: map[string]float64{}, indexTable: map[string]string{}, partial: map[string]bool{}}
	var tables []struct {
		Name string
		Rows float64
	}
	must(tb, db.Raw(`SELECT relname AS name, reltuples AS rows FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND relname IN ?`, largeTables).Scan(&tables).Error)
	for _, t := range tables {
		st.rows[t.Name] = t.Rows
	}
	var indexes []struct{ Indexname, Tablename, Indexdef string }
	must(tb, db.Raw(`SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ?`, largeTables).
		Scan(&indexes).Error)
	for _, i := range indexes {
		st.indexTable[i.Indexname] = i.Tablename
		st.partial[i.Indexname] = strings.Contains(i.Indexdef, " WHERE ")
	}
	if len(st.rows) != len(largeTables) {
		tb.Fatalf("statistics of %d large tables of %d", len(st.rows), len(largeTables))
	}
	return st
}

// broadScans lists the reads of large tables in the plan that read the table whole or a large
// part of it: a sequential scan, whatever the table's size, or an index scan expected to return
// more than a tenth of the rows of a table of 10,000 rows or more (an index on a status that
// most rows share reads nearly the whole table too).
func (st tableStats) broadScans(n planNode) []broadScan {
	var out []broadScan
	switch n.NodeType {
	case "Seq Scan":
		if _, large := st.rows[n.RelationName]; large {
			out = append(out, broadScan{n.RelationName, fmt.Sprintf("sequentially (as %s, %.0f rows expected)", n.Alias, n.PlanRows), ""})
		}
	case "Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan":
		table, index := st.indexTable[n.IndexName], n.IndexName
		if n.NodeType == "Bitmap Heap Scan" {
			// The table read through a bitmap: judged by its own estimate when the bitmap
			// comes from partial indexes only, by the index scans below it otherwise.
			if table, index = n.RelationName, "a partial index"; !st.partialBitmap(n) {
				break
			}
		} else if n.NodeType == "Bitmap Index Scan" && st.partial[n.IndexName] {
			break
		}
		if rows, large := st.rows[table]; large && rows >= 10_000 && n.PlanRows > rows/10 {
			out = append(out, broadScan{table, fmt.Sprintf("through %s, %.0f rows of %.0f expected", index, n.PlanRows, rows), n.IndexCond})
		}
	}
	for _, c := range n.Plans {
		out = append(out, st.broadScans(c)...)
	}
	return out
}

// partialBitmap tells whether every index that a bitmap scan reads is partial.
func (st tableStats) partialBitmap(n planNode) bool {
	found := false
	for _, c := range n.Plans {
		switch c.NodeType {
		case "Bitmap Index Scan":
			if !st.partial[c.IndexName] {
				return false
			}
			found = true
		case "BitmapOr", "BitmapAnd":
			if !st.partialBitmap(c) {
				return false
			}
			found = true
		}
	}
	return found
}

// largeTables are the tables that grow with the metropolis's history: no page of one user's
// work may read them whole.
var largeTables = []string{"pupils", "follow_ups", "meetings", "meeting_participants", "referrals",
	"referral_transitions", "pupil_status_changes", "monthly_indicators", "next_actions", "guardians", "audit_events", "activities",
	"activity_partners", "conflicts", "conflict_parties", "case_reviews", "case_review_participants", "case_review_pupils"}

// planPage is a page a user of a role reads.
type planPage struct {
	role, name, path string
}

// casePages are the casework pages, inboxes and dashboards of the busiest user of each role of
// a generated metropolis.
type casePages struct {
	mediator, headTeacher, partner string
	pages                          []planPage
}

// busiestPages finds, in generated data, the busiest mediator (the most files in their
// establishments), the head teacher of the busiest establishment, an agent of the partner
// organisation that received the most referrals, and the pages each reads: their lists, the
// most followed file of the mediator's scope, the organisation's latest referral, the
// establishment's dashboard.
func busiestPages(tb testing.TB, db *gorm.DB) casePages {
	return casePagesOf(tb, db, nil)
}

// caseload is how much work a user has: the live files of a mediator's establishments, of a
// head teacher's establishment, and the referrals on live files an organisation received.
type caseload struct {
	MediatorFiles, EstablishmentFiles, PartnerReferrals int
}

// caseloadOf measures the caseload of the users that cp chose in db.
func caseloadOf(tb testing.TB, db *gorm.DB, cp casePages) caseload {
	tb.Helper()
	var c caseload
	must(tb, db.Raw(`SELECT COUNT(*) FROM users u JOIN user_establishments ue ON ue.user_id = u.id
		JOIN pupils p ON p.establishment_id = ue.establishment_id AND p.anonymised_at IS NULL WHERE u.email = ?`, cp.mediator).Row().Scan(&c.MediatorFiles))
	must(tb, db.Raw(`SELECT COUNT(*) FROM users u JOIN user_establishments ue ON ue.user_id = u.id
		JOIN pupils p ON p.establishment_id = ue.establishment_id AND p.anonymised_at IS NULL WHERE u.email = ?`, cp.headTeacher).Row().Scan(&c.EstablishmentFiles))
	must(tb, db.Raw(`SELECT COUNT(*) FROM users u JOIN referrals r ON r.partner_organisation_id = u.partner_organisation_id
		AND r.sent_at IS NOT NULL AND NOT r.file_anonymised WHERE u.email = ?`, cp.partner).Row().Scan(&c.PartnerReferrals))
	return c
}

// casePagesOf is busiestPages, or, given a caseload, the pages of the users whose caseload is
// the nearest to it: the mediator, the establishment's head teacher and the organisation's agent
// whose counts (see caseload) are the closest, so that two scales compare users with the same
// work.
func casePagesOf(tb testing.TB, db *gorm.DB, load *caseload) casePages {
	tb.Helper()
	var cp casePages
	var med struct {
		UserID uint
		Email  string
	}
	// Without a caseload to match, the largest count comes first.
	order := func(target func(caseload) int) string {
		if load == nil {
			return "COUNT(*) DESC"
		}
		return fmt.Sprintf("ABS(COUNT(*) - %d)", target(*load))
	}
	must(tb, db.Raw(`SELECT ue.user_id, u.email FROM user_establishments ue
		JOIN users u ON u.id = ue.user_id AND u.role = 'mediator' AND u.active
		JOIN pupils p ON p.establishment_id = ue.establishment_id AND (? OR p.anonymised_at IS NULL)
		GROUP BY ue.user_id, u.email ORDER BY `+order(func(c caseload) int { return c.MediatorFiles })+`, ue.user_id LIMIT 1`,
		load == nil).Scan(&med).Error)
	var pupil uint
	must(tb, db.Raw(`SELECT p.id FROM pupils p JOIN user_establishments ue ON ue.establishment_id = p.establishment_id AND ue.user_id = ?
		JOIN follow_ups f ON f.pupil_id = p.id WHERE p.anonymised_at IS NULL
		GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 1`, med.UserID).Scan(&pupil).Error)
	var est struct {
		ID  uint
		UAI string
	}
	must(tb, db.Raw(`SELECT e.id, e.uai FROM establishments e JOIN pupils p ON p.establishment_id = e.id AND (? OR p.anonymised_at IS NULL)
		WHERE EXISTS (SELECT 1 FROM user_establishments ue JOIN users u ON u.id = ue.user_id AND u.role = 'head_teacher' AND u.active
			WHERE ue.establishment_id = e.id)
		GROUP BY e.id, e.uai ORDER BY `+order(func(c caseload) int { return c.EstablishmentFiles })+`, e.id LIMIT 1`, load == nil).Scan(&est).Error)
	must(tb, db.Raw(`SELECT u.email FROM users u JOIN user_establishments ue ON ue.user_id = u.id
		WHERE u.role = 'head_teacher' AND u.active AND ue.establishment_id = ? ORDER BY u.id LIMIT 1`, est.ID).Scan(&cp.headTeacher).Error)
	var headPupil uint
	must(tb, db.Raw(`SELECT p.id FROM pupils p JOIN follow_ups f ON f.pupil_id = p.id
		WHERE p.establishment_id = ? AND p.anonymised_at IS NULL GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 1`, est.ID).Scan(&headPupil).Error)
	var org uint
	must(tb, db.Raw(`SELECT partner_organisation_id FROM referrals WHERE sent_at IS NOT NULL AND (? OR NOT file_anonymised)
		AND partner_organisation_id IN (SELECT partner_organisation_id FROM users WHERE role = 'partner' AND active)
		GROUP BY partner_organisation_id ORDER BY `+order(func(c caseload) int { return c.PartnerReferrals })+`, partner_organisation_id LIMIT 1`,
		load == nil).Scan(&org).Error)
	must(tb, db.Raw(`SELECT email FROM users WHERE role = 'partner' AND active AND partner_organisation_id = ? ORDER BY id LIMIT 1`, org).
		Scan(&cp.partner).Error)
	var referral uint
	must(tb, db.Raw(`SELECT r.id FROM referrals r JOIN pupils p ON p.id = r.pupil_id
		WHERE r.partner_organisation_id = ? AND r.sent_at IS NOT NULL AND p.anonymised_at IS NULL ORDER BY r.sent_at DESC, r.id DESC LIMIT 1`, org).
		Scan(&referral).Error)
	var conflict uint
	must(tb, db.Raw(`SELECT c.id FROM conflicts c JOIN user_establishments ue ON ue.establishment_id = c.establishment_id AND ue.user_id = ?
		ORDER BY c.occurred_on DESC, c.id DESC LIMIT 1`, med.UserID).Scan(&conflict).Error)
	var medUAI string
	must(tb, db.Raw(`SELECT e.uai FROM establishments e JOIN user_establishments ue ON ue.establishment_id = e.id AND ue.user_id = ?
		ORDER BY e.id LIMIT 1`, med.UserID).Scan(&medUAI).Error)
	if med.Email == "" || pupil == 0 || cp.headTeacher == "" || headPupil == 0 || cp.partner == "" || referral == 0 || conflict == 0 {
		tb.Fatalf("generated data lacks a user of a role: mediator %q (file %d, conflict %d), head teacher %q (file %d), partner %q (referral %d)",
			med.Email, pupil, conflict, cp.headTeacher, headPupil, cp.partner, referral)
	}
	var activity struct{ ID, KindID uint }
	must(tb, db.Raw(`SELECT a.id, a.kind_id FROM activities a JOIN user_establishments ue ON ue.establishment_id = a.establishment_id AND ue.user_id = ?
		ORDER BY a.held_on DESC, a.id DESC LIMIT 1`, med.UserID).Scan(&activity).Error)
	if activity.ID == 0 {
		tb.Fatalf("generated data lacks a collective action of mediator %q", med.Email)
	}
	var review uint
	must(tb, db.Raw(`SELECT cr.id FROM case_reviews cr JOIN establishments e ON e.id = cr.establishment_id AND e.uai = ?
		ORDER BY cr.held_on DESC, cr.id DESC LIMIT 1`, medUAI).Scan(&review).Error)
	if review == 0 {
		tb.Fatalf("generated data lacks a case review of %s", medUAI)
	}
	// The dashboards of the year before the latest follow-up's: a whole closed year.
	var latest time.Time
	must(tb, db.Raw(`SELECT MAX(occurred_on) FROM follow_ups`).Row().Scan(&latest))
	closed := calendar.SchoolYear{StartYear: calendar.SchoolYearOf(latest).StartYear - 1}
	cp.mediator = med.Email
	cp.pages = []planPage{
		{string(models.RoleMediator), "worklist", "/"},
		{string(models.RoleMediator), "pupil-list", "/pupils"},
		{string(models.RoleMediator), "pupil-list-by-contact", "/pupils?sort=contact"},
		{string(models.RoleMediator), "pupil-search", "/pupils?q=ma&sort=risk"},
		{string(models.RoleMediator), "pupil-file", fmt.Sprintf("/pupils/%d", pupil)},
		{string(models.RoleMediator), "referrals", "/referrals"},
		{string(models.RoleMediator), "referrals-page-2", "/referrals?page=2"},
		{string(models.RoleMediator), "meetings", "/meetings"},
		{string(models.RoleMediator), "dashboard", "/establishments/" + medUAI},
		{string(models.RoleMediator), "activities", "/activities"},
		{string(models.RoleMediator), "activities-page-2", "/activities?page=2"},
		{string(models.RoleMediator), "activities-kind", fmt.Sprintf("/activities?kind=%d", activity.KindID)},
		{string(models.RoleMediator), "activity", fmt.Sprintf("/activities/%d", activity.ID)},
		{string(models.RoleMediator), "conflicts", "/conflicts"},
		{string(models.RoleMediator), "conflicts-open-follow-ups", "/conflicts?follow_up=1&kind=verbal"},
		{string(models.RoleMediator), "conflict", fmt.Sprintf("/conflicts/%d", conflict)},
		{string(models.RoleMediator), "conflict-new", "/conflicts/new"},
		{string(models.RoleMediator), "case-reviews", "/case-reviews"},
		{string(models.RoleMediator), "case-review", fmt.Sprintf("/case-reviews/%d", review)},
		{string(models.RoleHeadTeacher), "home", "/"},
		{string(models.RoleHeadTeacher), "pupil-list", "/pupils"},
		{string(models.RoleHeadTeacher), "pupil-file", fmt.Sprintf("/pupils/%d", headPupil)},
		{string(models.RoleHeadTeacher), "referrals", "/referrals"},
		{string(models.RoleHeadTeacher), "meetings", "/meetings"},
		{string(models.RoleHeadTeacher), "dashboard", "/establishments/" + est.UAI},
		{string(models.RoleHeadTeacher), "dashboard-closed-year", "/establishments/" + est.UAI + "?year=" + closed.String()},
		{string(models.RoleHeadTeacher), "summary-pdf", "/establishments/" + est.UAI + "/report.pdf"},
		{string(models.RoleHeadTeacher), "activities", "/activities"},
		{string(models.RoleHeadTeacher), "conflicts", "/conflicts"},
		{string(models.RoleHeadTeacher), "case-reviews", "/case-reviews"},
		{string(models.RolePartner), "home", "/"},
		{string(models.RolePartner), "inbox", "/referrals"},
		{string(models.RolePartner), "inbox-overdue", "/referrals?overdue=1"},
		{string(models.RolePartner), "inbox-establishment", fmt.Sprintf("/referrals?establishment=%d", est.ID)},
		{string(models.RolePartner), "referral", fmt.Sprintf("/referrals/%d", referral)},
	}
	return cp
}

// signedIn signs the three users in and returns a client per role.
func (cp casePages) signedIn(s *site, tb testing.TB) map[string]*client {
	clients := map[string]*client{}
	for role, email := range map[models.Role]string{models.RoleMediator: cp.mediator, models.RoleHeadTeacher: cp.headTeacher, models.RolePartner: cp.partner} {
		cl := s.client(tb)
		cl.login(email)
		clients[string(role)] = cl
	}
	return clients
}

// pageStatements reads each page once and returns the reading statements it ran.
func pageStatements(tb testing.TB, s *site, log *sqlCapture, cp casePages) map[planPage][]loggedStatement {
	tb.Helper()
	clients := cp.signedIn(s, tb)
	out := map[planPage][]loggedStatement{}
	for _, p := range cp.pages {
		var r response
		out[p] = log.during(func() { r = clients[p.role].get(p.path) })
		if r.Status != http.StatusOK {
			tb.Fatalf("%s %s: GET %s: %d %s", p.role, p.name, p.path, r.Status, excerpt(r.Body))
		}
	}
	return out
}

// allowedSeqScan is a sequential scan that one statement of a page (a role's page by its name)
// may keep, and why.
type allowedSeqScan struct {
	role, page string
	table      string
	statement  string // the start of the statement's SQL
}

// allowedSeqScans are the scans of large tables that read the user's own scope: none today.
// (The partner inbox's establishment filter hashed the files of its organisation's whole
// history; it now probes each establishment through the indexes.)
var allowedSeqScans = []allowedSeqScan{}

// TestCaseworkPlansFollowTheCaseload fills PostgreSQL with the generated metropolis at the broad
// scale (the 200 establishments of the metropolis, so that one user's scope is as small a part of
// each table as at metro scale, with 6,000 files, 100,000 follow-ups, 30,000 meetings, 20,000
// referrals) and a log of views of the files, vacuums and analyses it, reads every casework page, inbox and dashboard of the busiest user of
// each role through the real router, and asks PostgreSQL for the plan of every statement the
// pages ran, with the arguments they ran with: none may read a large table sequentially, which
// would make the page's cost follow the size of the metropolis instead of the user's caseload.
func TestCaseworkPlansFollowTheCaseload(t *testing.T) {
	t.Parallel()
	backend := dbtest.PostgresOnly(t)
	u := backend.New(t)
	ctx := context.Background()
	db := dbtest.OpenMigrated(t, u)
	if _, err := gendata.Generate(ctx, db, gendata.Options{Scale: gendata.ScaleBroad, Now: fixedNow}); err != nil {
		t.Fatalf("generate: %v", err)
	}
	// As a deployment runs daily: the files closed before the retention period are anonymised,
	// their texts blanked (three in ten meetings then have an empty recap).
	if res, err := models.Purge(ctx, db, fixedNow, false, models.Actor{Email: "purge@metro.test"}); err != nil || res.Pupils == 0 {
		t.Fatalf("purge: %+v %v", res, err)
	}
	// Files are read more often than they change: thirty views of each, spread over the years.
	must(t, db.Exec(`INSERT INTO audit_events (at, user_id, actor_email, action, record_type, record_id, pupil_id)
		SELECT pupils.identified_on + make_interval(days => n * 7), pupils.referent_mediator_id, 'vue@metro.test', ?, 'pupil', pupils.id::text, pupils.id
		FROM pupils CROSS JOIN generate_series(1, 30) AS n`, models.AuditPupilViewed).Error)
	// As autovacuum would have: statistics, and the visibility map that index-only scans use.
	must(t, db.Exec("VACUUM ANALYZE "+strings.Join(append([]string{"establishments", "users", "user_establishments", "partner_organisations"},
		largeTables...), ", ")).Error)

	checkCaseworkPlans(t, newSiteOn(t, u))
}

// TestCaseworkPlansOnGeneratedData is TestCaseworkPlansFollowTheCaseload on a database that
// `mediation generate` filled (MEDIATION_BENCH_DATABASE_URL, as the benchmarks; skipped
// without it), at the scale it was generated with: the broad scale of the test above keeps CI
// short, but the planner chooses by the tables' sizes, and a plan that follows the caseload
// at 6,000 files may not at 15,000 (the metro scale):
//
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable \
//	  go test ./app/ -run TestCaseworkPlansOnGeneratedData
//
// Use it on the metro scale: at `--scale small` the tables are a few hundred pages, and the
// planner rightly reads several of them whole. It reads the pages as of now (the generator
// dates the data from the day it ran) and writes what reading them writes (audit of views,
// the worklist's last visit), like the benchmarks.
func TestCaseworkPlansOnGeneratedData(t *testing.T) {
	raw := os.Getenv("MEDIATION_BENCH_DATABASE_URL")
	if raw == "" {
		t.Skip("MEDIATION_BENCH_DATABASE_URL is not set: fill a database with mediation generate --scale metro first")
	}
	a, err := app.New(context.Background(), app.Config{DatabaseURL: raw,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(srv.Close)
	checkCaseworkPlans(t, &site{App: a, URL: srv.URL})
}

// checkCaseworkPlans reads every casework page, inbox and dashboard of the busiest user of each
// role of the site's generated data, and fails on a statement whose custom or generic plan
// reads a large table broadly.
func checkCaseworkPlans(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	log := captureStatements(s.App.DB)
	cp := busiestPages(t, s.App.DB)
	stats := readTableStats(t, s.App.DB)
	statements := pageStatements(t, s, log, cp)
	for _, p := range cp.pages {
		if len(statements[p]) == 0 {
			t.Errorf("%s %s: no statement recorded", p.role, p.name)
		}
		for _, st := range statements[p] {
			custom, generic, err := explain(ctx, s.App.DB, st)
			if err != nil {
				t.Fatal(err)
			}
			for _, plan := range []struct {
				kind string
				root planNode
			}{{"custom", custom}, {"generic", generic}} {
				for _, scan := range stats.broadScans(plan.root) {
					if !allowed(p, st, scan) {
						t.Errorf("%s %s (%s) reads %s %s in its %s plan:\n%s\n%v", p.role, p.name, p.path, scan.table, scan.what, plan.kind, st.SQL, st.Vars)
					}
				}
			}
		}
	}
}

// allowed tells whether a page may read a table broadly: a partner's scope is its organisation's
// referrals, a large part of the table, read through the index on the organisation; and the
// statements of allowedSeqScans.
func allowed(p planPage, st loggedStatement, scan broadScan) bool {
	if p.role == string(models.RolePartner) && scan.table == "referrals" && strings.Contains(scan.indexCond, "partner_organisation_id = ") {
		return true
	}
	return scan.indexCond == "" && slices.ContainsFunc(allowedSeqScans, func(a allowedSeqScan) bool {
		return a.role == p.role && a.page == p.name && a.table == scan.table && strings.HasPrefix(st.SQL, a.statement)
	})
}

// newSiteOn serves the application on a database already filled, at fixedNow.
func newSiteOn(t *testing.T, u models.DatabaseURL) *site {
	t.Helper()
	clk := dbtest.NewClock(fixedNow)
	a, err := app.New(context.Background(), app.Config{DatabaseURL: dbURLString(u), Now: clk.Now, Hashing: testHashing,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(srv.Close)
	return &site{App: a, URL: srv.URL, Clock: clk}
}
