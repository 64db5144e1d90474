package migrations_test

import (
	"context"
	"testing"
	"time"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/dbtest"
)

// TestM0033GivesTheStepsTheirFile: on the demo's referrals, the migration gives every step of a
// referral its referral's file; from then on a step written or moved to another referral takes
// that referral's file, and the steps of a referral moved to another file follow it. Its
// rollback takes the column, its index and its triggers away, and migrating again brings them
// back.
func TestM0033GivesTheStepsTheirFile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db, before := demoBefore(t, u, "0033_transition_pupils")
		ctx := context.Background()
		shape := columnAndIndex(t, db, &models.ReferralTransition{}, "pupil_id", "idx_referral_transitions_pupil_answers")
		// strays counts the steps whose file is not their referral's, among all of them.
		strays := func(when string) {
			t.Helper()
			var n struct{ Steps, Strays int64 }
			dbtest.Must(t, db.Raw(`SELECT COUNT(*) AS steps, SUM(CASE WHEN rt.pupil_id = r.pupil_id THEN 0 ELSE 1 END) AS strays
				FROM referral_transitions rt JOIN referrals r ON r.id = rt.referral_id`).Scan(&n).Error)
			if n.Steps < 10 || n.Strays != 0 {
				t.Errorf("%s: %d steps of %d without their referral's file", when, n.Strays, n.Steps)
			}
		}
		shape("rolled back", false)
		// A step written by the binaries before 0033, which knew no file.
		var first models.Referral
		dbtest.Must(t, db.Order("id").First(&first).Error)
		dbtest.Must(t, db.Create(&models.ReferralTransition{ReferralID: first.ID, FromStatus: first.Status, ToStatus: first.Status,
			At: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), Comment: "avant 0033"}).Error)

		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		shape("migrated", true)
		strays("migrated")

		var other models.Referral
		dbtest.Must(t, db.Where("pupil_id <> ?", first.PupilID).Order("id").First(&other).Error)
		step := models.ReferralTransition{ReferralID: first.ID, FromStatus: first.Status, ToStatus: models.ReferralAcknowledged,
			At: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
		dbtest.Must(t, db.Create(&step).Error)
		strays("a step written")
		dbtest.Must(t, db.Model(&step).Update("referral_id", other.ID).Error)
		strays("a step moved to another referral")
		var file uint
		dbtest.Must(t, db.Raw("SELECT pupil_id FROM referral_transitions WHERE id = ?", step.ID).Scan(&file).Error)
		if file != other.PupilID {
			t.Errorf("the step moved to referral %d has file %d, want %d", other.ID, file, other.PupilID)
		}
		dbtest.Must(t, db.Model(&models.Referral{}).Where("id = ?", other.ID).Update("pupil_id", first.PupilID).Error)
		strays("a referral moved to another file")
		dbtest.Must(t, db.Raw("SELECT pupil_id FROM referral_transitions WHERE id = ?", step.ID).Scan(&file).Error)
		if file != first.PupilID {
			t.Errorf("the step of referral %d moved to file %d has file %d", other.ID, first.PupilID, file)
		}

		if err := migrations.RollbackTo(db, before); err != nil {
			t.Fatal(err)
		}
		shape("rolled back again", false)
		dbtest.Must(t, db.Create(&models.ReferralTransition{ReferralID: first.ID, FromStatus: first.Status, ToStatus: first.Status,
			At: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}).Error)
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		shape("migrated again", true)
		strays("migrated again")
	})
}
