package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"mediation/migrations"
	"mediation/models"
)

// migratedSQLite is the image of a freshly migrated SQLite database, made once per test binary:
// copying it costs a file write where migrating costs every CREATE of every migration, and the
// suite opens hundreds of fresh databases. The migrations still run on each copy (they find
// nothing to do), so a test sees exactly what a migrated database holds.
var migratedSQLite = sync.OnceValues(func() ([]byte, error) {
	return SQLiteImage(func(ctx context.Context, u models.DatabaseURL) error {
		db, err := models.Open(ctx, u, models.OpenOptions{})
		if err != nil {
			return err
		}
		defer models.Close(db)
		_, err = migrations.Migrate(ctx, db)
		return err
	})
})

// SQLiteImage lets fill build a SQLite database at u in a temporary directory, then returns
// the bytes of a compact, self-contained copy of it (VACUUM INTO: no WAL file beside it), for
// tests to start from with WriteSQLite. The directory is removed before it returns.
func SQLiteImage(fill func(ctx context.Context, u models.DatabaseURL) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "mediation-dbtest-")
	if err != nil {
		return nil, fmt.Errorf("template directory: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	u := models.DatabaseURL{Dialect: models.DialectSQLite, Path: filepath.Join(dir, "build.db")}
	if err := fill(ctx, u); err != nil {
		return nil, fmt.Errorf("template database: %w", err)
	}
	db, err := models.Open(ctx, u, models.OpenOptions{})
	if err != nil {
		return nil, fmt.Errorf("template database: %w", err)
	}
	defer models.Close(db)
	image := filepath.Join(dir, "image.db")
	if err := db.Exec("VACUUM INTO ?", image).Error; err != nil {
		return nil, fmt.Errorf("template copy: %w", err)
	}
	return os.ReadFile(image)
}

// WriteSQLite writes a database image at the path of u, a SQLite URL of a fresh test database.
func WriteSQLite(t testing.TB, u models.DatabaseURL, image []byte) {
	t.Helper()
	if u.Dialect != models.DialectSQLite {
		t.Fatalf("WriteSQLite on a %s database", u.Dialect)
	}
	if err := os.WriteFile(u.Path, image, 0o600); err != nil {
		t.Fatalf("copy the template database: %v", err)
	}
}
