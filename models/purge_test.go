package models_test

import (
	"context"
	"reflect"
	"strings"
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

// The school-life records keep their texts for the retention period counted from the record: a
// conflict closed in 2024-2025 and a prevention-group session held then lose their notes and
// remarks on 25 November 2026 (kept one school year: cutoff 1 September 2025); a conflict
// closed since, or still open, keeps them; a conflict in which an anonymised file is a party
// loses them with the file. Rows, kinds, outcomes and links stay: the figures do not change.
func TestPurgeClearsSchoolLifeTexts(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := w.ctx
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		p, gone := w.pupil(t, true), w.pupil(t, true)
		conflict := func(occurred, closed time.Time, party models.Pupil) models.Conflict {
			in := w.conflictInput(party)
			in.Parties[2].Description = "élève de 3e"
			in.Outcome, in.AgreementOn, in.Closed = models.OutcomeAgreement, in.ListenedOn, !closed.IsZero()
			c, err := models.CreateConflict(ctx, db, w.scopeA, w.actorA, w.now, in)
			must(t, err)
			dates := map[string]any{"occurred_on": occurred, "listened_on": occurred, "agreement_on": occurred, "closed_on": nil}
			if !closed.IsZero() {
				dates["closed_on"] = closed
			}
			must(t, db.Model(&models.Conflict{}).Where("id = ?", c.ID).Updates(dates).Error)
			return c
		}
		closedLongAgo := conflict(day(2025, 6, 2), day(2025, 6, 30), p)
		closedSince := conflict(day(2025, 6, 2), day(2025, 9, 1), p)
		stillOpen := conflict(day(2025, 1, 6), time.Time{}, p)
		withGone := conflict(calendar.Today(w.now).AddDate(0, 0, -3), time.Time{}, gone)
		must(t, db.Model(&models.Pupil{}).Where("id = ?", gone.ID).Updates(map[string]any{
			"status": models.StatusClosed, "exit_reason": models.ExitMovedAway, "closed_at": day(2025, 6, 30)}).Error)

		review := func(heldOn time.Time) models.CaseReview {
			r, err := models.CreateCaseReview(ctx, db, w.scopeA, w.actorA, w.now, w.goodReview())
			must(t, err)
			must(t, models.AddPupilToReview(ctx, db, w.scopeA, w.actorA, w.now, r.ID, p.ID))
			must(t, models.RecordDecision(ctx, db, w.scopeA, w.actorA, w.now, r.ID, p.ID, models.DecisionInput{
				Decision: models.DecisionNothingMore, Note: "Situation familiale évoquée", Restricted: true}))
			must(t, db.Model(&models.CaseReview{}).Where("id = ?", r.ID).Update("held_on", heldOn).Error)
			return r
		}
		oldReview, recentReview := review(day(2025, 6, 12)), review(calendar.Today(w.now).AddDate(0, 0, -7))

		type figures struct {
			conflicts []models.ConflictFigures
			reviews   [][]models.ReviewFigures
		}
		count := func() figures {
			var f figures
			for _, y := range []calendar.SchoolYear{{StartYear: 2024}, {StartYear: 2025}, {StartYear: 2026}} {
				c, err := models.LoadConflictFigures(ctx, db, y, []uint{w.a.ID})
				must(t, err)
				r, err := models.CaseReviewFiguresOf(ctx, db, y, []uint{w.a.ID}, w.now)
				must(t, err)
				f.conflicts, f.reviews = append(f.conflicts, c), append(f.reviews, r)
			}
			return f
		}
		texts := func() (notes map[uint]string, descriptions map[uint]int, remarks map[uint]string) {
			var cs []models.Conflict
			must(t, db.Order("id").Find(&cs).Error)
			notes, descriptions = map[uint]string{}, map[uint]int{}
			for _, c := range cs {
				notes[c.ID] = c.Notes
			}
			var parties []models.ConflictParty
			must(t, db.Where("description <> ''").Find(&parties).Error)
			for _, cp := range parties {
				descriptions[cp.ConflictID]++
			}
			var rows []models.CaseReviewPupil
			must(t, db.Find(&rows).Error)
			remarks = map[uint]string{}
			for _, r := range rows {
				remarks[r.CaseReviewID] = r.Note
			}
			return notes, descriptions, remarks
		}
		before := count()
		notesBefore, descBefore, remarksBefore := texts()

		dry, err := models.Purge(ctx, db, w.now, true, models.Actor{Email: "test"})
		must(t, err)
		if dry.Pupils != 1 || dry.Conflicts != 2 || dry.ReviewRemarks != 1 {
			t.Fatalf("dry run: %+v, want 1 file, 2 conflicts (closed before 1/9/2025, with the anonymised file), 1 remark", dry)
		}
		if n, d, r := texts(); !reflect.DeepEqual(n, notesBefore) || !reflect.DeepEqual(d, descBefore) || !reflect.DeepEqual(r, remarksBefore) {
			t.Fatal("the dry run changed the texts")
		}
		res, err := models.Purge(ctx, db, w.now, false, models.Actor{Email: "test"})
		must(t, err)
		if res.Conflicts != dry.Conflicts || res.ReviewRemarks != dry.ReviewRemarks {
			t.Errorf("purge %+v, dry run %+v", res, dry)
		}
		notes, desc, remarks := texts()
		for _, c := range []struct {
			name    string
			id      uint
			cleared bool
		}{{"closed in 2024-2025", closedLongAgo.ID, true}, {"closed in 2025-2026", closedSince.ID, false},
			{"open since January 2025", stillOpen.ID, false}, {"with an anonymised file", withGone.ID, true}} {
			if (notes[c.id] == "") != c.cleared || (desc[c.id] == 0) != c.cleared {
				t.Errorf("conflict %s: notes %q, %d descriptions; want cleared %v", c.name, notes[c.id], desc[c.id], c.cleared)
			}
		}
		if remarks[oldReview.ID] != "" || remarks[recentReview.ID] == "" {
			t.Errorf("remarks after the purge: %v", remarks)
		}
		var link models.ConflictParty
		must(t, db.Where("conflict_id = ? AND pupil_id = ?", withGone.ID, gone.ID).Take(&link).Error)
		if link.Role != models.PartyPupil {
			t.Errorf("the party of the anonymised file: %+v", link)
		}
		// The page of the conflict shows that party by its role, without a name.
		d, err := models.LoadConflict(ctx, db, w.scopeA, withGone.ID)
		must(t, err)
		for _, party := range d.Parties {
			if party.PupilID != nil && *party.PupilID == gone.ID && (party.HasFile() || party.PupilLastName != "") {
				t.Errorf("the anonymised file is named on the conflict: %+v", party)
			}
		}
		if after := count(); !reflect.DeepEqual(after, before) {
			t.Errorf("figures changed by the purge:\n%+v\n%+v", before, after)
		}
		var audit models.AuditEvent
		must(t, db.Where("action = ?", models.AuditPurged).Order("id DESC").Take(&audit).Error)
		if !strings.Contains(audit.Detail, "2 conflicts, 1 prevention-group remarks") {
			t.Errorf("audit: %q", audit.Detail)
		}
		if again, err := models.Purge(ctx, db, w.now, false, models.Actor{Email: "test"}); err != nil || again.Conflicts != 0 || again.ReviewRemarks != 0 {
			t.Errorf("second purge: %+v %v", again, err)
		}
		// A year later, the conflict closed in 2025-2026 goes in its turn.
		later, err := models.Purge(ctx, db, time.Date(2027, 9, 1, 8, 0, 0, 0, calendar.Paris), false, models.Actor{Email: "test"})
		must(t, err)
		if later.Conflicts != 1 || later.ReviewRemarks != 0 {
			t.Errorf("on 1 September 2027: %+v, want the conflict closed in 2025-2026 only", later)
		}
	})
}
