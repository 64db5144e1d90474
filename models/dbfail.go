package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The database's failures are logged, and some of them are answered with « try again later ».
// Both need to know what kind of failure it is without printing it: a driver's message may
// quote the values of the statement (PostgreSQL's « invalid input syntax for type integer:
// "…" », pgx's « unable to encode "…" »), and those values are session tokens, password
// hashes, emails and searched names.

// sqlStater is PostgreSQL's error (pgconn.PgError), seen through the method that gives its code,
// so that this package does not depend on the driver's internals.
type sqlStater interface{ SQLState() string }

// sqliteCoder is SQLite's error, seen the same way.
type sqliteCoder interface{ Code() int }

// IsUnavailable says whether err means that the database cannot be reached or cannot serve the
// request for now (connection refused or lost, server shutting down or refusing connections,
// too many connections, timeout, SQLite busy or locked, the pool closed), as opposed to a
// failure of the statement itself. Such a request is answered 503 with Retry-After.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	// An io.EOF alone is left out: a request body cut short ends with one too, and that is not
	// the database's doing. A connection lost mid-message is io.ErrUnexpectedEOF.
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pe sqlStater
	if errors.As(err, &pe) {
		code := pe.SQLState()
		// 08: connection exception; 57P01-03: shutdown, crash, cannot connect now; 53300: too
		// many connections; 57014: statement timeout.
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P") || code == "53300" || code == "57014"
	}
	var se sqliteCoder
	if errors.As(err, &se) {
		// SQLITE_BUSY (5) and SQLITE_LOCKED (6), whatever their extended code: the busy timeout
		// ran out.
		primary := se.Code() & 0xff
		return primary == 5 || primary == 6
	}
	msg := err.Error()
	for _, s := range []string{"sql: database is closed", "conn closed", "connection refused", "failed to connect", "database is locked"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// RedactedError is err's text fit for a log: the contexts our code wrapped around it (which
// name records by id, never by value), with the driver's own message replaced by its code,
// and anything quoted dropped. A driver's message is the one part that may echo a value.
func RedactedError(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	var leaf error
	var summary string
	var pe sqlStater
	var se sqliteCoder
	switch {
	case errors.As(err, &pe):
		leaf, summary = pe.(error), "postgres SQLSTATE "+pe.SQLState()
	case errors.As(err, &se):
		leaf, summary = se.(error), fmt.Sprintf("sqlite code %d", se.Code())
	}
	if leaf != nil {
		if text := leaf.Error(); text != "" && strings.Contains(msg, text) {
			msg = strings.Replace(msg, text, summary, 1)
		} else {
			msg += " (" + summary + ")"
		}
	}
	return redactQuoted(msg)
}

// quoted matches text between quotes of any kind a message uses: "…", '…', `…`, « … », “…”.
var quoted = regexp.MustCompile("\"[^\"]*\"|'[^']*'|`[^`]*`|«[^»]*»|“[^”]*”")

// redactQuoted drops what is quoted in a message, and anything that looks like an email,
// and bounds its length.
func redactQuoted(msg string) string {
	msg = quoted.ReplaceAllString(msg, "…")
	msg = emailLike.ReplaceAllString(msg, "…@…")
	if len(msg) > 500 {
		msg = msg[:500] + "…"
	}
	return msg
}

var emailLike = regexp.MustCompile(`[^\s@"'<>()]+@[^\s@"'<>()]+`)

// Literals in a statement. gorm binds values as parameters, and ParamsFilter keeps them out of
// the SQL it gives the logger; but its Scan and Row paths go through a recorder that writes the
// values into the SQL (PostgreSQL quotes them '…', SQLite "…", numbers bare), and a
// hand-written statement may hold literals of its own. So every literal goes, whatever the path.
var (
	singleQuoted = regexp.MustCompile(`'(?:[^']|'')*'`)
	doubleQuoted = regexp.MustCompile(`"(?:[^"]|"")*"`)
	// A number not part of a name or a $1 placeholder.
	bareNumber = regexp.MustCompile(`(^|[^\w$.])-?\d+(?:\.\d+)?\b`)
	// gorm's explainer writes an unbound $1 as $1$.
	explainedPlaceholder = regexp.MustCompile(`\$(\d+)\$`)
)

// dbLogger is gorm's logger for the application: failed and slow statements, each with its
// duration, its shape (the SQL with its placeholders, never the values bound to them; literals
// replaced too) and, for a failure, its redacted error.
type dbLogger struct {
	log     *slog.Logger
	slow    time.Duration
	dialect string
}

func newDBLogger(log *slog.Logger, slow time.Duration, dialect string) *dbLogger {
	if slow <= 0 {
		slow = 500 * time.Millisecond
	}
	return &dbLogger{log: log, slow: slow, dialect: dialect}
}

// LogMode is part of gorm's logger interface; the level is fixed (failures and slow statements).
func (l *dbLogger) LogMode(logger.LogLevel) logger.Interface { return l }

// Info, Warn and Error receive gorm's own messages, whose arguments may be values: only the
// message, a constant format, is written.
func (l *dbLogger) Info(ctx context.Context, msg string, _ ...any) {
	l.log.InfoContext(ctx, "database", "message", msg)
}

// Warn: see Info.
func (l *dbLogger) Warn(ctx context.Context, msg string, _ ...any) {
	l.log.WarnContext(ctx, "database", "message", msg)
}

// Error: see Info.
func (l *dbLogger) Error(ctx context.Context, msg string, _ ...any) {
	l.log.ErrorContext(ctx, "database", "message", msg)
}

// ParamsFilter keeps the values of a statement out of the SQL that gorm hands to Trace.
func (l *dbLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// Trace logs a failed statement (not a "record not found") or a slow one.
func (l *dbLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	failed := err != nil && !errors.Is(err, gorm.ErrRecordNotFound)
	if !failed && elapsed < l.slow {
		return
	}
	sql, rows := fc()
	attrs := []slog.Attr{
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("sql", StatementShape(l.dialect, sql)),
		slog.Int64("rows", rows),
	}
	if failed {
		attrs = append(attrs, slog.String("error", RedactedError(err)))
		if ctx != nil && errors.Is(ctx.Err(), context.Canceled) {
			// Its request's client went away: nothing failed but the wait.
			l.log.LogAttrs(ctx, slog.LevelInfo, "database statement canceled", attrs...)
			return
		}
		l.log.LogAttrs(ctx, slog.LevelError, "database statement failed", attrs...)
		return
	}
	l.log.LogAttrs(ctx, slog.LevelWarn, "slow database statement", attrs...)
}

// StatementShape is a statement with its literals (strings, numbers) replaced by ?, bounded in
// length: what a log may say of a statement. On SQLite a double-quoted text is a value (gorm
// quotes names with backticks there); on PostgreSQL it is a name and stays.
func StatementShape(dialect, sql string) string {
	sql = singleQuoted.ReplaceAllString(sql, "?")
	if dialect != DialectPostgres {
		sql = doubleQuoted.ReplaceAllString(sql, "?")
	}
	sql = bareNumber.ReplaceAllString(sql, "${1}?")
	sql = explainedPlaceholder.ReplaceAllString(sql, "$$$1")
	sql = strings.Join(strings.Fields(sql), " ")
	if len(sql) > 1000 {
		sql = sql[:1000] + "…"
	}
	return sql
}
