package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// A submission whose creation fails leaves no trace (the corrected form is sent again with the
// same token and creates); a repeat creates nothing and gets the first location; tokens older
// than a day are forgotten by the daily housekeeping.
func TestSubmitOnce(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		u := models.User{Email: "s@demo.test", DisplayName: "S", Role: models.RoleAdmin, PasswordHash: "x", Active: true, Locale: "fr"}
		if err := db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		const token = "0123456789abcdef0123456789abcdef"
		refused := models.ValidationError{"x": models.Msg("field.required")}
		_, replayed, err := models.SubmitOnce(ctx, db, u.ID, token, now, func(tx *gorm.DB) (string, error) { return "", refused })
		if replayed || !errors.As(err, &models.ValidationError{}) {
			t.Fatalf("failed creation: replayed %v, err %v", replayed, err)
		}
		calls := 0
		create := func(tx *gorm.DB) (string, error) { calls++; return "/x/1", nil }
		for i, want := range []bool{false, true, true} {
			loc, replayed, err := models.SubmitOnce(ctx, db, u.ID, token, now, create)
			if err != nil || loc != "/x/1" || replayed != want {
				t.Errorf("submit %d: %q %v %v", i, loc, replayed, err)
			}
		}
		if calls != 1 {
			t.Errorf("created %d times", calls)
		}
		if err := models.DeleteOldSubmissions(ctx, db, now.Add(23*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.Model(&models.FormSubmission{}).Count(&n).Error; err != nil || n != 1 {
			t.Fatalf("after 23 hours: %d tokens, %v", n, err)
		}
		if err := models.DeleteOldSubmissions(ctx, db, now.Add(25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.Model(&models.FormSubmission{}).Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("after 25 hours: %d tokens, %v", n, err)
		}
	})
}
