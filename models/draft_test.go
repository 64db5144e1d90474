package models_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// A draft is given back once, to its account only, for its page only, within its lifetime;
// the purge (dry: counted only) deletes the drafts past their lifetime and keeps the others.
func TestDraftLifetimeAndPurge(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		typed := url.Values{"note": {"Entretien avec la mère"}, "_csrf": {"jeton"}}
		save := func(at time.Time) string {
			t.Helper()
			token, err := models.SaveDraft(ctx, db, w.medA.ID, "/pupils/1", "followup", typed, at)
			must(t, err)
			return token
		}
		old := save(w.now.Add(-models.DraftLifetime - time.Minute))
		young := save(w.now.Add(-time.Hour))
		other := save(w.now.Add(-time.Hour))

		if _, _, err := models.TakeDraft(ctx, db, w.medB.ID, other, "/pupils/1", w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another account takes the draft: %v", err)
		}
		if _, _, err := models.TakeDraft(ctx, db, w.medA.ID, other, "/pupils/2", w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the draft is given on another page: %v", err)
		}
		if _, _, err := models.TakeDraft(ctx, db, w.medA.ID, old, "/pupils/1", w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a draft past its lifetime is given back: %v", err)
		}
		form, values, err := models.TakeDraft(ctx, db, w.medA.ID, other, "/pupils/1", w.now)
		if err != nil || form != "followup" || values.Get("note") != "Entretien avec la mère" || values.Has("_csrf") {
			t.Fatalf("take: %q %v %v", form, values, err)
		}
		if _, _, err := models.TakeDraft(ctx, db, w.medA.ID, other, "/pupils/1", w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a draft is given back twice: %v", err)
		}

		count := func() int64 {
			t.Helper()
			var n int64
			dbtest.Must(t, db.Model(&models.Draft{}).Count(&n).Error)
			return n
		}
		dry, err := models.Purge(ctx, db, w.now, true, models.Actor{Email: "test"})
		if err != nil || dry.Drafts != 1 || count() != 2 {
			t.Fatalf("dry run: %+v %v, %d drafts left", dry, err, count())
		}
		res, err := models.Purge(ctx, db, w.now, false, models.Actor{Email: "test"})
		if err != nil || res.Drafts != 1 || count() != 1 {
			t.Fatalf("purge: %+v %v, %d drafts left", res, err, count())
		}
		if _, _, err := models.TakeDraft(ctx, db, w.medA.ID, young, "/pupils/1", w.now); err != nil {
			t.Errorf("the purge deleted a draft within its lifetime: %v", err)
		}
	})
}
