package models_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/dbtest"
)

// No secret and no personal data reaches the logs: statements that are slow (here every one)
// or that fail carry a session token, a password hash, an email and a searched name, and the
// log holds the statements' shapes and errors' codes, never one of those values.
func TestDatabaseLogsHoldNoValues(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		ctx := context.Background()
		var buf dbtest.LogBuffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		db, err := models.Open(ctx, u, models.OpenOptions{MaxOpenConns: 3, Logger: log, SlowThreshold: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(db) })
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		const (
			token  = "tok3nS3cretSessi0nValue"
			hash   = "$argon2id$v=19$m=47104,t=1,p=1$c2VjcmV0c2FsdA$SECRETHASHVALUE"
			email  = "nadia.secret@exemple.test"
			search = "vanhouttesecret"
		)
		data, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{models.SessionUserKey: int64(1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := (models.SessionStore{DB: db}).CommitCtx(ctx, token, data, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := (models.SessionStore{DB: db}).FindCtx(ctx, token); err != nil {
			t.Fatal(err)
		}
		user := models.User{Email: email, DisplayName: "Nadia", Role: models.RoleAdmin, PasswordHash: hash, Active: true, Locale: "fr"}
		if err := db.Create(&user).Error; err != nil {
			t.Fatal(err)
		}
		// The same email again: a unique violation, whose PostgreSQL detail quotes the value.
		dup := models.User{Email: email, DisplayName: "Nadia", Role: models.RoleAdmin, PasswordHash: hash, Active: true, Locale: "fr"}
		if err := db.Create(&dup).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Fatalf("duplicate email: %v", err)
		}
		if _, err := models.ListPupils(ctx, db, models.Scope{Role: models.RoleMediator, EstablishmentIDs: []uint{1}}, models.PupilFilter{Query: search}); err != nil {
			t.Fatal(err)
		}
		// Statements whose driver error echoes the value: pgx's encoding error, PostgreSQL's
		// invalid input, and a value typed where SQLite expects a table.
		var n int
		if err := db.Raw("SELECT CAST(? AS integer)", search).Scan(&n).Error; err == nil && u.Dialect == models.DialectPostgres {
			t.Error("the cast did not fail")
		}
		if err := db.Raw("SELECT CAST(CAST(? AS text) AS integer)", email).Scan(&n).Error; err == nil && u.Dialect == models.DialectPostgres {
			t.Error("the cast did not fail")
		}
		if err := db.Exec("UPDATE users SET password_hash = ? WHERE email = ? AND nowhere = ?", hash, email, token).Error; err == nil {
			t.Error("the update on a missing column did not fail")
		}
		// And the error a handler logs (models.RedactedError) says no more.
		redacted := models.RedactedError(db.Raw("SELECT CAST(CAST(? AS text) AS integer)", token).Scan(&n).Error)

		out := buf.String() + "\n" + redacted
		if !strings.Contains(out, "slow database statement") || !strings.Contains(out, "database statement failed") {
			t.Fatalf("the log has no slow or failed statement:\n%s", out)
		}
		for _, secret := range []string{token, "SECRETHASHVALUE", "c2VjcmV0c2FsdA", email, "nadia.secret", search} {
			if strings.Contains(out, secret) {
				i := strings.Index(out, secret)
				t.Errorf("the log holds %q: …%s…", secret, out[max(0, i-300):min(len(out), i+100)])
			}
		}
	})
}

// A statement's shape keeps its names and placeholders and loses its values, as each driver's
// explainer writes them.
func TestStatementShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ dialect, sql, want string }{
		{models.DialectSQLite, "SELECT * FROM `sessions` WHERE token = \"abc\"\"def\" AND expiry > 1700000000 LIMIT 1", "SELECT * FROM `sessions` WHERE token = ? AND expiry > ? LIMIT ?"},
		{models.DialectPostgres, `SELECT * FROM "users" WHERE email = 'a''b@x.test' AND id IN (1,2) AND t_ab12 = $1$`, `SELECT * FROM "users" WHERE email = ? AND id IN (?,?) AND t_ab12 = $1`},
		{models.DialectPostgres, "UPDATE x SET v = -3.5 WHERE n = $12", "UPDATE x SET v = ? WHERE n = $12"},
	} {
		if got := models.StatementShape(tc.dialect, tc.sql); got != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.dialect, tc.sql, got, tc.want)
		}
	}
}

// fakeSQLState and fakeSQLiteCode stand for the drivers' errors, which expose their codes.
type fakeSQLState struct{ code, msg string }

func (e fakeSQLState) Error() string    { return e.msg }
func (e fakeSQLState) SQLState() string { return e.code }

type fakeSQLiteCode struct {
	code int
	msg  string
}

func (e fakeSQLiteCode) Error() string { return e.msg }
func (e fakeSQLiteCode) Code() int     { return e.code }

// What counts as an outage (503) and what does not; and what a logged error keeps.
func TestIsUnavailableAndRedactedError(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("models: load pupil 42: %w", err) }
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{wrap(context.DeadlineExceeded), true},
		{wrap(driver.ErrBadConn), true},
		{wrap(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
		{wrap(errors.New("sql: database is closed")), true},
		{wrap(fakeSQLState{"57P01", "terminating connection due to administrator command"}), true},
		{wrap(fakeSQLState{"08006", "connection failure"}), true},
		{wrap(fakeSQLState{"57014", "canceling statement due to statement timeout"}), true},
		{wrap(fakeSQLiteCode{5, "database is locked"}), true},
		{wrap(fakeSQLiteCode{517, "database is locked (busy snapshot)"}), true},
		{wrap(fakeSQLState{"23505", `duplicate key value violates unique constraint "users_email_key"`}), false},
		{wrap(fakeSQLiteCode{2067, "UNIQUE constraint failed: users.email"}), false},
		{wrap(models.ErrNotFound), false},
		{models.ValidationError{"email": models.Msg("field.email_invalid")}, false},
		{wrap(io.EOF), false},
		{nil, false},
	} {
		if got := models.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	got := models.RedactedError(wrap(fakeSQLState{"22P02", `invalid input syntax for type integer: "nadia@x.test"`}))
	if got != "models: load pupil 42: postgres SQLSTATE 22P02" {
		t.Errorf("redacted %q", got)
	}
	got = models.RedactedError(fmt.Errorf("models: find user %s: %w", "nadia@x.test", errors.New(`bad value "secret"`)))
	if strings.Contains(got, "nadia") || strings.Contains(got, "secret") {
		t.Errorf("redacted %q", got)
	}
}

// The dialects write no value into a statement's text (gorm's Scan asks for it on every read),
// and keep what the drivers do besides: a nested transaction's savepoint, the translation of
// a duplicate key.
func TestDialectsExplainWithoutValues(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		const secret = "Dupont-Secret"
		stmt := "SELECT id FROM pupils WHERE last_name = ?"
		if db.Dialector.Name() == models.DialectPostgres {
			stmt = "SELECT id FROM pupils WHERE last_name = $1"
		}
		if got := db.Dialector.Explain(stmt, secret); strings.Contains(got, secret) {
			t.Errorf("Explain wrote the value: %q", got)
		}
		est := models.Establishment{UAI: "0750001A", Name: "Collège", Type: models.TypeCollege, Sector: models.SectorPublic,
			Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&est).Error; err != nil {
				return err
			}
			inner := tx.Transaction(func(tx *gorm.DB) error {
				if err := tx.Model(&est).Update("name", "Renommé").Error; err != nil {
					return err
				}
				return errors.New("undone")
			})
			if inner == nil {
				return errors.New("the inner transaction did not fail")
			}
			return nil
		})
		must(t, err)
		var name string
		must(t, db.Model(&models.Establishment{}).Where("id = ?", est.ID).Pluck("name", &name).Error)
		if name != "Collège" {
			t.Errorf("after the savepoint's rollback the name is %q", name)
		}
		dup := est
		dup.ID = 0
		if err := db.Create(&dup).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("duplicate UAI: %v, want gorm.ErrDuplicatedKey", err)
		}
	})
}
