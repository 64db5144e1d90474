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

// TestSessionStoreKeepsTheApplicationClock: with a fixed clock far from the system's, a
// session committed for an hour is found for that hour of the application's clock and not
// after, and the housekeeping at that clock deletes it then, not before.
func TestSessionStoreKeepsTheApplicationClock(t *testing.T) {
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2031, 3, 4, 10, 0, 0, 0, time.UTC)
		store := models.SessionStore{DB: db, Now: func() time.Time { return now }}
		expiry := time.Now().Add(time.Hour) // scs reckons on the system clock
		b, err := scs.GobCodec{}.Encode(expiry, map[string]any{"flash": "bonjour"})
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CommitCtx(ctx, "token", b, expiry); err != nil {
			t.Fatal(err)
		}
		check := func(when string, want bool) {
			t.Helper()
			_, found, err := store.FindCtx(ctx, "token")
			if err != nil {
				t.Fatal(err)
			}
			if found != want {
				t.Errorf("%s: session found %v, want %v", when, found, want)
			}
		}
		check("at once", true)
		if n, err := store.DeleteExpired(ctx, now); err != nil || n != 0 {
			t.Errorf("housekeeping at once: %d deleted, %v", n, err)
		}
		now = now.Add(59 * time.Minute)
		check("59 minutes later", true)
		now = now.Add(2 * time.Minute)
		check("61 minutes later", false)
		if n, err := store.DeleteExpired(ctx, now); err != nil || n != 1 {
			t.Errorf("housekeeping 61 minutes later: %d deleted, %v", n, err)
		}
	})
}

// TestDatabaseTimestampsFollowTheClock: the timestamps GORM fills in itself come from the
// clock the database was opened with, not the system's.
func TestDatabaseTimestampsFollowTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		now := time.Date(2031, 3, 4, 10, 0, 0, 0, time.UTC)
		db, err := models.Open(context.Background(), u, models.OpenOptions{MaxOpenConns: 2, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(db) })
		type stamped struct {
			ID        uint
			CreatedAt time.Time
			UpdatedAt time.Time
		}
		if err := db.AutoMigrate(&stamped{}); err != nil {
			t.Fatal(err)
		}
		row := stamped{}
		if err := db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
		var got stamped
		if err := db.Take(&got, row.ID).Error; err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now) {
			t.Errorf("timestamps %s, %s, want %s", got.CreatedAt, got.UpdatedAt, now)
		}
	})
}
