package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

func TestPurgeAtTheEdgesOfRetention(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		// Closed on the last day of 2025-2026: kept through 2026-2027, anonymised from 1 Sep 2027.
		closeAt := func(p models.Pupil, at time.Time) {
			must(t, db.Model(&models.Pupil{}).Where("id = ?", p.ID).Updates(map[string]any{
				"status": models.StatusClosed, "exit_reason": models.ExitReEngaged, "closed_at": at.UTC()}).Error)
		}
		old := w.pupil(t, true)
		w.followUp(t, old, 3, models.ActionInput{Description: "Rappeler", DueOn: calendar.Today(w.now)})
		must(t, models.AddGuardian(ctx, db, w.scopeA, w.actorA, w.now, old.ID, models.GuardianInput{Name: "Mme Nom", Phone: "06 00 00 00 00"}))
		closeAt(old, time.Date(2026, 8, 31, 18, 0, 0, 0, calendar.Paris))
		recent := w.pupil(t, true)
		closeAt(recent, time.Date(2026, 9, 1, 9, 0, 0, 0, calendar.Paris))
		open := w.pupil(t, true)

		count := func() (files []models.EstablishmentFiles, followUps int64) {
			files, err := models.FilesByEstablishment(ctx, db, w.scopeA)
			must(t, err)
			dbtest.Must(t, db.Model(&models.FollowUp{}).Count(&followUps).Error)
			return files, followUps
		}
		filesBefore, fuBefore := count()

		lastDay := time.Date(2027, 8, 31, 23, 59, 0, 0, calendar.Paris)
		res, err := models.Purge(ctx, db, lastDay, false, models.Actor{Email: "test"})
		if err != nil || res.Pupils != 0 {
			t.Fatalf("on 31 August 2027: %+v %v", res, err)
		}
		firstDay := time.Date(2027, 9, 1, 0, 0, 0, 0, calendar.Paris)
		dry, err := models.Purge(ctx, db, firstDay, true, models.Actor{Email: "test"})
		if err != nil || dry.Pupils != 1 || dry.Guardians != 1 || dry.FollowUps != 1 {
			t.Fatalf("dry run on 1 September 2027: %+v %v", dry, err)
		}
		var p models.Pupil
		dbtest.Must(t, db.Take(&p, old.ID).Error)
		if p.AnonymisedAt != nil || p.LastName != old.LastName {
			t.Fatal("the dry run changed the file")
		}
		res, err = models.Purge(ctx, db, firstDay, false, models.Actor{Email: "test"})
		if err != nil || res.Pupils != 1 {
			t.Fatalf("on 1 September 2027: %+v %v", res, err)
		}
		if db.Dialector.Name() == "postgres" {
			// The planner is told at once how many files are anonymised (the partner inbox's
			// plan depends on it).
			var analysed int64
			dbtest.Must(t, db.Raw(`SELECT COALESCE(analyze_count, 0) FROM pg_stat_user_tables
				WHERE schemaname = current_schema() AND relname = 'pupils'`).Scan(&analysed).Error)
			if analysed == 0 {
				t.Error("the purge did not analyse the pupils table")
			}
		}
		dbtest.Must(t, db.Take(&p, old.ID).Error)
		if p.AnonymisedAt == nil || p.LastName == old.LastName || p.SearchName != "" || p.INE != nil || p.BirthDate.Month() != time.July || p.BirthDate.Year() != old.BirthDate.Year() {
			t.Errorf("anonymised file: %+v", p)
		}
		var notes, guardians int64
		dbtest.Must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ? AND note <> ''", old.ID).Count(&notes).Error)
		dbtest.Must(t, db.Model(&models.Guardian{}).Where("pupil_id = ?", old.ID).Count(&guardians).Error)
		if notes != 0 || guardians != 0 {
			t.Errorf("after the purge: %d notes, %d guardians", notes, guardians)
		}
		for _, id := range []uint{recent.ID, open.ID} {
			var kept models.Pupil
			dbtest.Must(t, db.Take(&kept, id).Error)
			if kept.AnonymisedAt != nil {
				t.Errorf("file %d anonymised too early", id)
			}
		}
		filesAfter, fuAfter := count()
		if fuAfter != fuBefore || filesAfter[0].Total() != filesBefore[0].Total() || filesAfter[0].ByStatus[models.StatusClosed] != filesBefore[0].ByStatus[models.StatusClosed] {
			t.Errorf("figures changed by the purge: %v/%d → %v/%d", filesBefore[0].ByStatus, fuBefore, filesAfter[0].ByStatus, fuAfter)
		}
		// The anonymised file is out of every nominative view.
		if _, err := models.LoadPupilFile(ctx, db, w.scopeA, old.ID); err != models.ErrNotFound {
			t.Errorf("anonymised file still readable: %v", err)
		}
		// Again: nothing more to do.
		if res, err := models.Purge(ctx, db, firstDay.AddDate(0, 0, 1), false, models.Actor{Email: "test"}); err != nil || res.Pupils != 0 {
			t.Errorf("second purge: %+v %v", res, err)
		}
	})
}

// With several instances on one PostgreSQL, only the one that holds the lock purges.
func TestPurgeLock(t *testing.T) {
	t.Parallel()
	b := dbtest.PostgresOnly(t)
	db := dbtest.OpenMigrated(t, b.New(t))
	sqlDB, _ := db.DB()
	conn, err := sqlDB.Conn(context.Background())
	must(t, err)
	defer conn.Close()
	var got bool
	must(t, conn.QueryRowContext(context.Background(), "SELECT pg_try_advisory_lock(741852002)").Scan(&got))
	if !got {
		t.Fatal("could not take the lock")
	}
	if _, ran, err := models.PurgeOnce(context.Background(), db, time.Now(), models.Actor{}); ran || err != nil {
		t.Errorf("purge ran while another instance holds the lock: ran=%v err=%v", ran, err)
	}
	conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(741852002)")
	if _, ran, err := models.PurgeOnce(context.Background(), db, time.Now(), models.Actor{}); !ran || err != nil {
		t.Errorf("purge did not run once the lock was free: ran=%v err=%v", ran, err)
	}
}
