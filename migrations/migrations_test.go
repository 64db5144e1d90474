package migrations_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
	"mediation/models/imports"
)

func TestMigrateFromEmptyThenAgain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db := dbtest.Open(t, u)
		ctx := context.Background()
		st, err := migrations.CurrentStatus(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Applied) != 0 || len(st.Pending) != len(migrations.IDs()) {
			t.Fatalf("empty database: got %+v", st)
		}
		applied, err := migrations.Migrate(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(applied, migrations.IDs()) {
			t.Fatalf("applied %v, want %v", applied, migrations.IDs())
		}
		again, err := migrations.Migrate(ctx, db)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %v, err %v; want nothing", again, err)
		}
		st, _ = migrations.CurrentStatus(ctx, db)
		if !st.UpToDate() {
			t.Fatalf("after migrate: %+v", st)
		}
	})
}

func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		a, b := dbtest.Open(t, u), dbtest.Open(t, u)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, db := range []*gorm.DB{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = migrations.Migrate(context.Background(), db)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		var n int64
		dbtest.Must(t, a.Table(migrations.TableName).Count(&n).Error)
		if int(n) != len(migrations.IDs()) {
			t.Fatalf("%d rows in %s, want %d", n, migrations.TableName, len(migrations.IDs()))
		}
	})
}

func TestUnknownMigrationRefused(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		if err := db.Table(migrations.TableName).Create(map[string]any{"id": "9999_future"}).Error; err != nil {
			t.Fatal(err)
		}
		st, _ := migrations.CurrentStatus(context.Background(), db)
		if st.UpToDate() || len(st.Unknown) != 1 {
			t.Fatalf("status %+v: want one unknown migration", st)
		}
		if _, err := migrations.Migrate(context.Background(), db); err == nil {
			t.Fatal("migrate on a newer schema: want an error")
		}
	})
}

// Every field of every live model has its column in the migrated schema, on both databases.
func TestSchemaMatchesModels(t *testing.T) {
	t.Parallel()
	live := []any{
		&models.Establishment{}, &models.PartnerOrganisation{}, &models.User{}, &models.UserEstablishment{},
		&models.Pupil{}, &models.Guardian{}, &models.PupilStatusChange{}, &models.MonthlyIndicator{},
		&models.FollowUp{}, &models.NextAction{}, &models.Meeting{}, &models.MeetingParticipant{},
		&models.Referral{}, &models.ReferralTransition{}, &models.AuditEvent{}, &models.Setting{},
		&models.Session{}, &models.LoginThrottle{}, &imports.ImportUpload{},
		&models.SecondFactor{}, &models.RecoveryCode{}, &models.Draft{},
		&models.ActivityKind{}, &models.Activity{}, &models.ActivityPartner{},
		&models.CaseReview{}, &models.CaseReviewParticipant{}, &models.CaseReviewPupil{},
		&models.LetterTemplate{}, &models.FamilyLetter{},
		&models.Notification{}, &models.MailMessage{},
	}
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		for _, m := range live {
			s, err := schema.Parse(m, &sync.Map{}, db.NamingStrategy)
			if err != nil {
				t.Fatal(err)
			}
			if !db.Migrator().HasTable(s.Table) {
				t.Errorf("table %s is missing", s.Table)
				continue
			}
			for _, f := range s.Fields {
				if f.DBName == "" {
					continue
				}
				if !db.Migrator().HasColumn(m, f.DBName) {
					t.Errorf("%s.%s (field %s) has no column", s.Table, f.DBName, f.Name)
				}
			}
		}
	})
}

// demoBefore loads the demo into a database migrated to the end, then rolls it back to the
// migration before id: the data a migration meets when an installation upgrades to it.
func demoBefore(t *testing.T, u models.DatabaseURL, id string) (db *gorm.DB, before string) {
	t.Helper()
	db = dbtest.OpenMigrated(t, u)
	hasher := models.NewHasher(models.HasherConfig{Params: models.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}})
	if _, err := demodata.Load(context.Background(), db, hasher, time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)); err != nil {
		t.Fatalf("demo: %v", err)
	}
	ids := migrations.IDs()
	before = ids[slices.Index(ids, id)-1]
	if err := migrations.RollbackTo(db, before); err != nil {
		t.Fatal(err)
	}
	return db, before
}

// columnAndIndex gives a check that model's table has the column and the index a migration
// adds when want, neither when not.
func columnAndIndex(t *testing.T, db *gorm.DB, model any, column, index string) func(when string, want bool) {
	return func(when string, want bool) {
		t.Helper()
		if got := db.Migrator().HasColumn(model, column); got != want {
			t.Errorf("%s: column %s present %v, want %v", when, column, got, want)
		}
		if got := db.Migrator().HasIndex(model, index); got != want {
			t.Errorf("%s: index %s present %v, want %v", when, index, got, want)
		}
	}
}
