package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// TestSessionStoreRecordsTheAccountAndEndsItsSessions: a stored session carries the account of
// its data, and EndSessions ends that account's sessions but the one kept.
func TestSessionStoreRecordsTheAccountAndEndsItsSessions(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		store := models.SessionStore{DB: db}
		expiry := time.Now().Add(time.Hour)
		commit := func(token string, values map[string]any) {
			t.Helper()
			b, err := scs.GobCodec{}.Encode(expiry, values)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.CommitCtx(ctx, token, b, expiry); err != nil {
				t.Fatal(err)
			}
		}
		commit("visitor", map[string]any{"flash": "bonjour"})
		commit("here", map[string]any{models.SessionUserKey: int64(42)})
		commit("elsewhere", map[string]any{models.SessionUserKey: int64(42)})
		commit("other", map[string]any{models.SessionUserKey: int64(43)})
		commit("visitor", map[string]any{models.SessionUserKey: int64(42)}) // signs in later

		n, err := models.EndSessions(ctx, db, 42, "here")
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("ended %d sessions, want 2", n)
		}
		for token, want := range map[string]bool{"here": true, "elsewhere": false, "visitor": false, "other": true} {
			_, found, err := store.FindCtx(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			if found != want {
				t.Errorf("session %s found %v, want %v", token, found, want)
			}
		}
		if n, err := models.EndSessions(ctx, db, 43, ""); err != nil || n != 1 {
			t.Errorf("ending all of 43: %d, %v", n, err)
		}
	})
}
