package migrations_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// TestM0034FlagsTheReferralsOfAnonymisedFiles: on the demo's referrals, each referral's
// file_anonymised says whether its file is anonymised after every write that changes it: a file
// anonymised and given back, a referral written on an anonymised file, moved to a live file and
// back, a flag written wrong by hand. Rolled back, the column and the index go; a file
// anonymised meanwhile is flagged by the backfill when migrating again.
func TestM0034FlagsTheReferralsOfAnonymisedFiles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db := dbtest.OpenMigrated(t, u)
		ctx := context.Background()
		now := loadDemo(t, db)
		var files []uint
		dbtest.Must(t, db.Table("referrals").Distinct("pupil_id").Order("pupil_id").Pluck("pupil_id", &files).Error)
		if len(files) < 3 {
			t.Fatalf("the demo's referrals are on %d files, want 3 or more", len(files))
		}
		var referral uint
		dbtest.Must(t, db.Table("referrals").Select("MIN(id)").Where("pupil_id = ?", files[0]).Scan(&referral).Error)
		anonymise := func(id uint, at any) {
			t.Helper()
			dbtest.Must(t, db.Exec("UPDATE pupils SET anonymised_at = ? WHERE id = ?", at, id).Error)
		}
		// flagged checks every flag against its file's row and returns the flagged referrals' files.
		flagged := func(step string) []uint {
			t.Helper()
			var wrong int64
			dbtest.Must(t, db.Table("referrals").Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
				Where("referrals.file_anonymised <> (pupils.anonymised_at IS NOT NULL)").Count(&wrong).Error)
			if wrong != 0 {
				t.Errorf("%s: %d referrals flagged against their file", step, wrong)
			}
			var out []uint
			dbtest.Must(t, db.Table("referrals").Distinct("pupil_id").Where("file_anonymised").Order("pupil_id").Pluck("pupil_id", &out).Error)
			return out
		}
		want := func(step string, ids ...uint) {
			t.Helper()
			if got := flagged(step); !slices.Equal(got, ids) {
				t.Errorf("%s: referrals flagged on files %v, want %v", step, got, ids)
			}
		}
		want("demo")
		anonymise(files[1], now.UTC())
		want("a file anonymised", files[1])
		dbtest.Must(t, writeDraftLike(db, referral, files[1]))
		want("a referral written on the anonymised file", files[1])
		dbtest.Must(t, db.Exec("UPDATE referrals SET pupil_id = ? WHERE id = ?", files[1], referral).Error)
		want("a referral moved to the anonymised file", files[1])
		dbtest.Must(t, db.Exec("UPDATE referrals SET pupil_id = ? WHERE id = ?", files[0], referral).Error)
		want("moved back", files[1])
		dbtest.Must(t, db.Exec("UPDATE referrals SET file_anonymised = NOT file_anonymised").Error)
		want("every flag written wrong by hand", files[1])
		anonymise(files[1], nil)
		want("the file given back")

		ids := migrations.IDs()
		before := ids[slices.Index(ids, "0034_referral_file_anonymised")-1]
		shape := func(when string, present bool) {
			t.Helper()
			if got := db.Migrator().HasColumn("referrals", "file_anonymised"); got != present {
				t.Errorf("%s: referrals.file_anonymised present %v, want %v", when, got, present)
			}
			if got := db.Migrator().HasIndex("referrals", "idx_referrals_partner_live"); got != present {
				t.Errorf("%s: the index of the live referrals present %v, want %v", when, got, present)
			}
		}
		if err := migrations.RollbackTo(db, before); err != nil {
			t.Fatal(err)
		}
		shape("rolled back", false)
		anonymise(files[2], now.UTC())
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		shape("migrated again", true)
		want("a file anonymised while rolled back", files[2])
		anonymise(files[2], nil)
		want("given back once migrated again")
	})
}

// TestM0034FlagsAReferralWrittenWhileItsFileIsAnonymised: on PostgreSQL, a referral written on
// a file while another transaction anonymises it waits for that one to commit and is flagged;
// a file anonymised while a referral is being written on it waits for the referral, and flags
// it. Without the file's lock, the referral would have read its file as it was before.
func TestM0034FlagsAReferralWrittenWhileItsFileIsAnonymised(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenMigrated(t, dbtest.PostgresOnly(t).New(t))
	now := loadDemo(t, db)
	var files []uint
	dbtest.Must(t, db.Table("referrals").Distinct("pupil_id").Order("pupil_id").Limit(2).Pluck("pupil_id", &files).Error)
	var referral uint
	dbtest.Must(t, db.Table("referrals").Select("MIN(id)").Scan(&referral).Error)
	for i, first := range []string{"anonymisation", "referral"} {
		file := files[i]
		anonymise := func(tx *gorm.DB) error {
			return tx.Exec("UPDATE pupils SET anonymised_at = ? WHERE id = ?", now.UTC(), file).Error
		}
		write := func(tx *gorm.DB) error {
			return writeDraftLike(tx, referral, file)
		}
		one, other := anonymise, write
		if first == "referral" {
			one, other = write, anonymise
		}
		tx1 := db.Begin()
		dbtest.Must(t, tx1.Error)
		dbtest.Must(t, one(tx1))
		done := make(chan error, 1)
		go func() {
			tx2 := db.Begin()
			if tx2.Error != nil {
				done <- tx2.Error
				return
			}
			if err := other(tx2); err != nil {
				tx2.Rollback()
				done <- err
				return
			}
			done <- tx2.Commit().Error
		}()
		select {
		case err := <-done:
			tx1.Rollback()
			t.Fatalf("%s first: the second writer did not wait for the first (%v)", first, err)
		case <-time.After(300 * time.Millisecond):
		}
		dbtest.Must(t, tx1.Commit().Error)
		dbtest.Must(t, <-done)
		var flags []bool
		dbtest.Must(t, db.Table("referrals").Where("pupil_id = ?", file).Pluck("file_anonymised", &flags).Error)
		if len(flags) < 2 || slices.Contains(flags, false) {
			t.Errorf("%s first: the file's referrals flagged %v, want all true", first, flags)
		}
	}
}

// loadDemo loads the demo's data as of 25 November 2026, 10:00 in Paris, and returns that time.
func loadDemo(t *testing.T, db *gorm.DB) time.Time {
	t.Helper()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)
	hasher := models.NewHasher(models.HasherConfig{Params: models.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}})
	if _, err := demodata.Load(context.Background(), db, hasher, now); err != nil {
		t.Fatalf("demo: %v", err)
	}
	return now
}

// writeDraftLike writes on the file a draft like the referral, by hand (as a writer the
// application does not know would).
func writeDraftLike(tx *gorm.DB, referral, file uint) error {
	return tx.Exec(`INSERT INTO referrals (pupil_id, partner_organisation_id, sender_id, reason, request, status, version, created_at, updated_at)
		SELECT ?, partner_organisation_id, sender_id, reason, request, 'draft', 1, created_at, updated_at FROM referrals WHERE id = ?`,
		file, referral).Error
}
