package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultDatabaseURL is the embedded SQLite database used when nothing else is configured.
const DefaultDatabaseURL = "sqlite:data/mediation.db"

// Dialect names, as gorm reports them.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// DatabaseURL is a parsed MEDIATION_DATABASE_URL: either "sqlite:PATH" or a postgres:// URL.
type DatabaseURL struct {
	Dialect string
	// Path is the SQLite file.
	Path string
	// DSN is the PostgreSQL connection string.
	DSN string
}

// ParseDatabaseURL reads a database URL and refuses any other scheme (a Problem).
func ParseDatabaseURL(raw string) (DatabaseURL, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return ParseDatabaseURL(DefaultDatabaseURL)
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if path == "" || strings.ContainsAny(path, "?#") {
			return DatabaseURL{}, Problemf(nil, "database.bad_sqlite_url", "URL", raw)
		}
		return DatabaseURL{Dialect: DialectSQLite, Path: path}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return DatabaseURL{}, Problemf(nil, "database.bad_postgres_url", "Reason", redactErr(err))
		}
		return DatabaseURL{Dialect: DialectPostgres, DSN: raw}, nil
	default:
		scheme := raw
		if i := strings.IndexAny(raw, ":/"); i >= 0 {
			scheme = raw[:i]
		}
		return DatabaseURL{}, Problemf(nil, "database.unsupported_scheme", "Scheme", scheme)
	}
}

// String shows the URL without its password, for messages and logs.
func (d DatabaseURL) String() string {
	if d.Dialect == DialectSQLite {
		return "sqlite:" + d.Path
	}
	u, err := url.Parse(d.DSN)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// OpenOptions tunes the connection pool.
type OpenOptions struct {
	// MaxOpenConns bounds the PostgreSQL pool (default 20).
	MaxOpenConns int
	// StatementTimeout bounds every PostgreSQL statement (default 30 s).
	StatementTimeout time.Duration
	// Logger receives slow queries and database errors, without the values bound to them; nil
	// discards them.
	Logger *slog.Logger
	// SlowThreshold is the duration from which a statement is logged as slow (default 500 ms).
	SlowThreshold time.Duration
	// Now is the application's clock, which GORM uses for the timestamps it fills in itself
	// (CreatedAt, UpdatedAt left zero), so that they agree with the times the application
	// writes; nil means time.Now.
	Now func() time.Time
}

// Open connects to the database and checks that it answers. Every failure comes back as a
// Problem that says what is wrong, without the password.
func Open(ctx context.Context, d DatabaseURL, opts OpenOptions) (*gorm.DB, error) {
	// gorm would log a failed connection itself; the caller reports it once, so the logger
	// comes in only once the database is open.
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true, NowFunc: func() time.Time { return clock().UTC() }}
	var db *gorm.DB
	var err error
	switch d.Dialect {
	case DialectSQLite:
		db, err = openSQLite(ctx, d, cfg)
	case DialectPostgres:
		db, err = openPostgres(ctx, d, cfg, opts)
	default:
		err = Problemf(nil, "database.unsupported_dialect", "Scheme", d.Dialect)
	}
	if err != nil {
		return nil, err
	}
	if opts.Logger != nil {
		db.Logger = newDBLogger(opts.Logger, opts.SlowThreshold, d.Dialect)
	}
	return db, nil
}

// sqlitePragmas: WAL lets readers run beside the writer; busy_timeout makes a writer wait for
// the lock instead of failing; _txlock=immediate takes the write lock when a transaction
// begins, so that two transactions never deadlock upgrading a read lock ("database is locked").
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_txlock=immediate"

// postgresDialector and sqliteDialector are the drivers' dialects but for Explain, which
// leaves a statement's placeholders as they are. Gorm's Scan (most of our reads) hands every
// statement to a recorder that calls Explain at once, which writes each bound value into the
// SQL with regular expressions (a twentieth of a worklist's CPU), for a text that only a slow
// or failed statement's log line reads, and that one writes without its values
// (StatementShape).
type postgresDialector struct{ *postgres.Dialector }

// Explain returns the statement as sent: see postgresDialector.
func (postgresDialector) Explain(sql string, _ ...any) string { return sql }

// sqliteDialector: see postgresDialector.
type sqliteDialector struct{ *sqlite.Dialector }

// Explain returns the statement as sent: see postgresDialector.
func (sqliteDialector) Explain(sql string, _ ...any) string { return sql }

func openSQLite(ctx context.Context, d DatabaseURL, cfg *gorm.Config) (*gorm.DB, error) {
	if dir := filepath.Dir(d.Path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, Problemf(err, "database.sqlite_dir", "Dir", dir, "Reason", plainPathErr(err).Error())
		}
	}
	f, err := os.OpenFile(d.Path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, Problemf(err, "database.sqlite_not_writable", "Path", d.Path, "Reason", plainPathErr(err).Error())
	}
	f.Close()
	db, err := gorm.Open(sqliteDialector{&sqlite.Dialector{DSN: d.Path + "?" + sqlitePragmas}}, cfg)
	if err != nil {
		return nil, Problemf(err, "database.sqlite_open", "Path", d.Path, "Reason", err.Error())
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, Problemf(err, "database.sqlite_open", "Path", d.Path, "Reason", err.Error())
	}
	// One writer at a time is SQLite's rule; a handful of connections serve the readers.
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxIdleTime(10 * time.Minute)
	var mode string
	if err := db.WithContext(ctx).Raw("PRAGMA journal_mode").Scan(&mode).Error; err != nil {
		sqlDB.Close()
		return nil, Problemf(err, "database.sqlite_unreadable", "Path", d.Path, "Reason", err.Error())
	}
	if !strings.EqualFold(mode, "wal") {
		sqlDB.Close()
		return nil, Problemf(nil, "database.sqlite_not_wal", "Path", d.Path, "Mode", strconv.Quote(mode))
	}
	// A read-only file opens and reads fine; probe a write so that the failure comes now.
	if err := db.WithContext(ctx).Exec("PRAGMA user_version = 0").Error; err != nil {
		sqlDB.Close()
		return nil, Problemf(err, "database.sqlite_not_writable", "Path", d.Path, "Reason", err.Error())
	}
	return db, nil
}

func openPostgres(ctx context.Context, d DatabaseURL, cfg *gorm.Config, opts OpenOptions) (*gorm.DB, error) {
	u, err := url.Parse(d.DSN)
	if err != nil {
		return nil, Problemf(nil, "database.bad_postgres_url", "Reason", redactErr(err))
	}
	timeout := opts.StatementTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	q := u.Query()
	setDefault(q, "connect_timeout", "5")
	setDefault(q, "application_name", "mediation")
	// Unknown keys are sent to the server as run-time parameters by pgx.
	setDefault(q, "statement_timeout", fmt.Sprint(timeout.Milliseconds()))
	setDefault(q, "idle_in_transaction_session_timeout", "60000")
	u.RawQuery = q.Encode()
	db, err := gorm.Open(postgresDialector{&postgres.Dialector{Config: &postgres.Config{DSN: u.String()}}}, cfg)
	// The driver's errors are written redacted and not kept: they may hold the password.
	if err != nil {
		return nil, Problemf(nil, "database.postgres_unreachable", "URL", d.String(), "Reason", oneLine(err))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, Problemf(nil, "database.postgres_unreachable", "URL", d.String(), "Reason", oneLine(err))
	}
	maxConns := opts.MaxOpenConns
	if maxConns <= 0 {
		maxConns = 20
	}
	sqlDB.SetMaxOpenConns(maxConns)
	// As many kept as opened: under load, a connection given back while the idle ones are at
	// their bound was closed, and the next request paid for a new backend and prepared and
	// planned its statements again (idle ones still close after ConnMaxIdleTime).
	sqlDB.SetMaxIdleConns(maxConns)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, Problemf(nil, "database.postgres_unreachable", "URL", d.String(), "Reason", oneLine(err))
	}
	return db, nil
}

// Close releases the database's connections.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func setDefault(q url.Values, key, value string) {
	if q.Get(key) == "" {
		q.Set(key, value)
	}
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(redactErr(err)), " ")
}

// redactErr drops anything that looks like a password from a driver's message.
func redactErr(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		if at := strings.Index(msg[i:], "@"); at >= 0 {
			msg = msg[:i+3] + "…" + msg[i+at:]
		}
	}
	return msg
}

func plainPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
