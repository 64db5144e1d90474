// Package dbtest gives each test a fresh, migrated database: a SQLite file of its own always,
// and a PostgreSQL schema of its own when MEDIATION_TEST_DATABASE_URL is set, so that tests
// run in parallel without seeing each other's rows.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"mediation/migrations"
	"mediation/models"
)

// EnvURL names the variable that points the tests at a PostgreSQL server.
const EnvURL = "MEDIATION_TEST_DATABASE_URL"

// Backend is one database the suite runs on.
type Backend struct {
	Name string
	// New returns the URL of a fresh empty database, removed when the test ends.
	New func(t testing.TB) models.DatabaseURL
}

// Backends lists SQLite and PostgreSQL; PostgreSQL's databases skip the test (SKIP, never
// PASS) when no URL is given.
func Backends() []Backend {
	return []Backend{{Name: "sqlite", New: newSQLite}, {Name: "postgres", New: newPostgres}}
}

// PostgresOnly returns the PostgreSQL backend, or skips the test when no PostgreSQL URL is
// given: a test that only means something on PostgreSQL reports SKIP without one, never PASS.
func PostgresOnly(t testing.TB) Backend {
	t.Helper()
	if os.Getenv(EnvURL) == "" {
		t.Skipf("%s is not set: this test needs PostgreSQL", EnvURL)
	}
	return Backend{Name: "postgres", New: newPostgres}
}

// Each runs f as a parallel subtest on every backend with an empty, unmigrated database.
func Each(t *testing.T, f func(t *testing.T, u models.DatabaseURL)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f(t, b.New(t))
		})
	}
}

// EachMigrated runs f on every backend with a fresh migrated database.
func EachMigrated(t *testing.T, f func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	Each(t, func(t *testing.T, u models.DatabaseURL) {
		f(t, OpenMigrated(t, u))
	})
}

// OpenMigrated opens the database and applies every migration. A fresh SQLite database starts
// as a copy of a migrated template, on which the migrations then find nothing to do.
func OpenMigrated(t testing.TB, u models.DatabaseURL) *gorm.DB {
	t.Helper()
	if u.Dialect == models.DialectSQLite {
		if fi, err := os.Stat(u.Path); errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Size() == 0) {
			image, err := migratedSQLite()
			if err != nil {
				t.Fatalf("migrated template: %v", err)
			}
			WriteSQLite(t, u, image)
		}
	}
	db := Open(t, u)
	if _, err := migrations.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// Open opens the database and closes it when the test ends.
func Open(t testing.TB, u models.DatabaseURL) *gorm.DB {
	t.Helper()
	db, err := models.Open(context.Background(), u, models.OpenOptions{MaxOpenConns: 5})
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	t.Cleanup(func() { models.Close(db) })
	return db
}

func newSQLite(t testing.TB) models.DatabaseURL {
	return models.DatabaseURL{Dialect: models.DialectSQLite, Path: filepath.Join(t.TempDir(), "test.db")}
}

// newPostgres creates a schema named after a random token and points search_path at it.
func newPostgres(t testing.TB) models.DatabaseURL {
	t.Helper()
	if os.Getenv(EnvURL) == "" {
		t.Skipf("%s is not set: the PostgreSQL half of this test did not run", EnvURL)
	}
	base, err := models.ParseDatabaseURL(os.Getenv(EnvURL))
	if err != nil || base.Dialect != models.DialectPostgres {
		t.Fatalf("%s must be a postgres:// URL: %v", EnvURL, err)
	}
	admin, err := models.Open(context.Background(), base, models.OpenOptions{MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	token := make([]byte, 6)
	rand.Read(token)
	schema := "t_" + hex.EncodeToString(token)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		models.Close(admin)
	})
	u, _ := url.Parse(base.DSN)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return models.DatabaseURL{Dialect: models.DialectPostgres, DSN: u.String()}
}

// Must fails the test when err is set. Tests wrap every query in it (dbtest.Must(t,
// db.….Count(&n).Error)): a query that fails — a renamed column, a missing table — would
// otherwise leave its result at zero, and a check that expects zero rows would pass.
func Must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// LogBuffer is a log destination that a server's or a pool's goroutines may share: tests read
// what was logged with String.
type LogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends to the log.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
