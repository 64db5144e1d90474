package reports_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/reports"
)

// TestSummaryCacheFollowsEveryChange: after each kind of change of what the establishment
// summary reads, the summaries served from the cache (as a mediator, who sees the restricted
// follow-ups, and as a head teacher; both establishments) equal a fresh computation, the
// changed establishment's stamp moved, and the other's did not unless the change is printed by
// every establishment. A change the summary does not read moves no stamp, and an unchanged
// establishment is served without computing. At the end a trigger is dropped: the cache then
// serves figures a fresh computation contradicts, which the comparison sees.
func TestSummaryCacheFollowsEveryChange(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		snaps := reports.NewSnapshots(db, func() time.Time { return w.now }, 0, slog.New(slog.DiscardHandler))
		head := models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{w.e1.ID, w.e2.ID}}
		readers := []struct {
			name  string
			scope models.Scope
		}{{"mediator", w.scope1}, {"head teacher", head}}
		uais := []string{w.e1.UAI, w.e2.UAI}
		// serve reads every summary through the cache and compares it with a fresh one; it
		// returns the mismatches.
		serve := func() []string {
			t.Helper()
			var bad []string
			for _, u := range uais {
				for _, r := range readers {
					for _, y := range []calendar.SchoolYear{year2526, year2526.Previous()} {
						cached, cerr := snaps.EstablishmentSummary(w.ctx, r.scope, u, y, w.now, true)
						fresh, ferr := reports.LoadEstablishmentSummary(w.ctx, db, r.scope, u, y, w.now, true)
						if !errors.Is(cerr, ferr) || (ferr != nil && !errors.Is(ferr, reports.ErrNoData)) {
							t.Fatalf("%s %s %s: cached %v, fresh %v", u, r.name, y, cerr, ferr)
						}
						if !reflect.DeepEqual(cached, fresh) {
							bad = append(bad, fmt.Sprintf("%s as %s in %s", u, r.name, y))
						}
					}
				}
			}
			return bad
		}
		stamp := func(u string) int64 {
			t.Helper()
			s, err := reports.EstablishmentStamp(w.ctx, db, u)
			must(t, err)
			return s
		}
		if bad := serve(); len(bad) > 0 {
			t.Fatalf("first read: %v", bad)
		}
		n := snaps.SummariesComputed()
		if bad := serve(); len(bad) > 0 || snaps.SummariesComputed() != n {
			t.Fatalf("second read: %v, %d summaries computed again", bad, snaps.SummariesComputed()-n)
		}

		var pupils []models.Pupil
		must(t, db.Where("establishment_id = ?", w.e1.ID).Order("id").Find(&pupils).Error)
		aubert, caron := pupils[0], pupils[2]
		var mediator models.User
		must(t, db.Take(&mediator, w.mediator.ID).Error)
		var kind models.ActivityKind
		must(t, db.Order("id").Take(&kind).Error)
		var fu models.FollowUp
		var meeting models.Meeting
		var ref models.Referral
		var review models.CaseReview
		var reviewed models.CaseReviewPupil
		at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
		changes := []struct {
			what   string
			e1, e2 bool
			change func() error
		}{
			{"a follow-up posted", true, false, func() error {
				fu = models.FollowUp{PupilID: aubert.ID, AuthorID: mediator.ID, OccurredOn: at(2, 10), Kind: models.FollowUpFamilyPhone,
					DurationMinutes: 10, Note: "Appel", Version: 1}
				return db.Create(&fu).Error
			}},
			{"a follow-up's note", false, false, func() error { return db.Model(&fu).Update("note", "Autre").Error }},
			{"a follow-up's kind and length", true, false, func() error {
				return db.Model(&fu).Updates(map[string]any{"kind": models.FollowUpHomeVisit, "duration_minutes": 90}).Error
			}},
			{"a follow-up restricted", true, false, func() error { return db.Model(&fu).Update("restricted", true).Error }},
			{"a follow-up moved to another month", true, false, func() error { return db.Model(&fu).Update("occurred_on", at(1, 5)).Error }},
			{"a follow-up deleted", true, false, func() error { return db.Delete(&fu).Error }},
			{"a meeting planned", true, false, func() error {
				meeting = models.Meeting{PupilID: caron.ID, OrganiserID: mediator.ID, ScheduledAt: at(3, 2).Add(15 * time.Hour),
					DurationMinutes: 30, Place: "Bureau", Purpose: "Point", Status: models.MeetingPlanned, Version: 1}
				return db.Create(&meeting).Error
			}},
			{"a meeting held", true, false, func() error { return db.Model(&meeting).Update("status", models.MeetingHeld).Error }},
			{"a referral drafted", true, false, func() error {
				ref = models.Referral{PupilID: caron.ID, PartnerOrganisationID: w.p2.ID, SenderID: mediator.ID, Reason: models.ReasonHealth,
					Request: "Demande", Status: models.ReferralDraft, Version: 1}
				return db.Create(&ref).Error
			}},
			{"a referral sent", true, false, func() error {
				return db.Model(&ref).Updates(map[string]any{"status": models.ReferralSent, "sent_at": at(3, 3),
					"consent_given_by": "Mère", "consent_given_on": at(3, 1), "consent_method": models.ConsentWritten}).Error
			}},
			{"a referral acknowledged", true, false, func() error {
				return db.Model(&ref).Updates(map[string]any{"status": models.ReferralAcknowledged, "acknowledged_at": at(3, 9)}).Error
			}},
			{"a partner renamed", true, true, func() error { return db.Model(&w.p2).Update("name", "Département (ASE)").Error }},
			{"a partner's phone", false, false, func() error { return db.Model(&w.p2).Update("contact_phone", "0320000000").Error }},
			{"a status change", true, false, func() error {
				return db.Transaction(func(tx *gorm.DB) error {
					if err := tx.Model(&aubert).Update("status", models.StatusMonitoring).Error; err != nil {
						return err
					}
					from := models.StatusActive
					return tx.Create(&models.PupilStatusChange{PupilID: aubert.ID, FromStatus: &from, ToStatus: models.StatusMonitoring,
						ChangedAt: at(3, 10).Add(9 * time.Hour), ChangedByID: &mediator.ID}).Error
				})
			}},
			{"a pupil renamed and moved to another class", true, false, func() error {
				return db.Model(&aubert).Updates(map[string]any{"last_name": "Aubert-Lenoir", "class_name": "4e C"}).Error
			}},
			{"a risk level", true, false, func() error { return db.Model(&caron).Update("risk_level", "high").Error }},
			{"a pupil's birth date", false, false, func() error {
				return db.Model(&caron).Update("birth_date", time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC)).Error
			}},
			{"the referent renamed", true, true, func() error { return db.Model(&mediator).Update("display_name", "Médiatrice Deux").Error }},
			{"a user signs in", false, false, func() error { return db.Model(&mediator).Update("last_login_at", w.now).Error }},
			{"a pupil moved to another establishment", true, true, func() error { return db.Model(&caron).Update("establishment_id", w.e2.ID).Error }},
			{"a collective action", true, false, func() error {
				return db.Create(&models.Activity{EstablishmentID: w.e1.ID, KindID: kind.ID, HeldOn: at(2, 2), DurationMinutes: 60,
					Pupils: 20, Version: 1}).Error
			}},
			{"a kind of action relabelled", true, true, func() error {
				return db.Table("activity_kinds").Where("id = ?", kind.ID).Update("label_fr", "Séance").Error
			}},
			{"a conflict", true, false, func() error {
				return db.Omit("Parties").Create(&models.Conflict{EstablishmentID: w.e1.ID, AuthorID: mediator.ID, OccurredOn: at(1, 12),
					Place: models.PlaceYard, Kind: models.ConflictVerbal, Relation: models.BetweenPupils, Version: 1}).Error
			}},
			{"a prevention-group session", true, false, func() error {
				review = models.CaseReview{EstablishmentID: w.e1.ID, HeldOn: at(2, 12), Kind: models.ReviewGPDS, Version: 1}
				return db.Create(&review).Error
			}},
			{"a pupil reviewed", true, false, func() error {
				reviewed = models.CaseReviewPupil{CaseReviewID: review.ID, PupilID: aubert.ID}
				return db.Create(&reviewed).Error
			}},
			{"a decision", true, false, func() error {
				return db.Model(&reviewed).Update("decision", models.DecisionKeepWatching).Error
			}},
			{"the establishment renamed", true, false, func() error { return db.Model(&w.e1).Update("name", "Collège Jean-Macé").Error }},
			{"a follow-up in the other establishment", false, true, func() error {
				return db.Create(&models.FollowUp{PupilID: caron.ID, AuthorID: mediator.ID, OccurredOn: at(3, 1),
					Kind: models.FollowUpPupilInterview, DurationMinutes: 20, Note: "Entretien", Version: 1}).Error
			}},
			{"a file anonymised", true, false, func() error {
				return db.Model(&aubert).Updates(map[string]any{"anonymised_at": w.now, "last_name": "", "first_name": "",
					"referent_mediator_id": nil}).Error
			}},
		}
		for _, c := range changes {
			s1, s2 := stamp(w.e1.UAI), stamp(w.e2.UAI)
			if err := c.change(); err != nil {
				t.Fatalf("%s: %v", c.what, err)
			}
			if moved := stamp(w.e1.UAI) != s1; moved != c.e1 {
				t.Errorf("%s: the stamp of E1 moved %v, want %v", c.what, moved, c.e1)
			}
			if moved := stamp(w.e2.UAI) != s2; moved != c.e2 {
				t.Errorf("%s: the stamp of E2 moved %v, want %v", c.what, moved, c.e2)
			}
			n := snaps.SummariesComputed()
			if bad := serve(); len(bad) > 0 {
				t.Errorf("%s: stale summaries served: %v", c.what, bad)
			}
			// Each establishment moved computes its 4 summaries again (2 readers, 2 years).
			want := int64(0)
			for _, moved := range []bool{c.e1, c.e2} {
				if moved {
					want += 4
				}
			}
			if got := snaps.SummariesComputed() - n; got != want {
				t.Errorf("%s: %d summaries computed, want %d", c.what, got, want)
			}
		}

		// Another day computes again (the months elapsed, the sessions held up to today).
		n = snaps.SummariesComputed()
		if _, err := snaps.EstablishmentSummary(w.ctx, w.scope1, w.e1.UAI, year2526, w.now.AddDate(0, 0, 1), true); err != nil {
			t.Fatal(err)
		}
		if snaps.SummariesComputed() != n+1 {
			t.Errorf("the next day: %d computed, want 1", snaps.SummariesComputed()-n)
		}
		// Outside the scope: not found, whatever the cache holds.
		other := models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{w.e2.ID}}
		if _, err := snaps.EstablishmentSummary(w.ctx, other, w.e1.UAI, year2526, w.now, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("outside the scope: %v, want not found", err)
		}

		// Without the follow-ups' trigger, a follow-up posted leaves the cache stale.
		drop := "DROP TRIGGER establishment_stamp_follow_ups_insert"
		if db.Dialector.Name() == models.DialectPostgres {
			drop += " ON follow_ups"
		}
		must(t, db.Exec(drop).Error)
		must(t, db.Create(&models.FollowUp{PupilID: pupils[1].ID, AuthorID: mediator.ID, OccurredOn: at(3, 2), Kind: models.FollowUpPupilInterview,
			DurationMinutes: 20, Note: "Entretien", Version: 1}).Error)
		if bad := serve(); len(bad) == 0 {
			t.Error("without the trigger, the cache still served fresh figures: the comparison cannot see a missing trigger")
		}
	})
}

// TestSummaryCacheComputesOnce: concurrent requests for a summary missing from the cache
// compute it once, and the cache keeps no more than its bound.
func TestSummaryCacheComputesOnce(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		snaps := reports.NewSnapshots(db, func() time.Time { return w.now }, 0, slog.New(slog.DiscardHandler))
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = snaps.EstablishmentSummary(w.ctx, w.scope1, w.e1.UAI, year2526, w.now, true)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			must(t, err)
		}
		if n := snaps.SummariesComputed(); n != 1 {
			t.Errorf("8 concurrent requests computed %d summaries, want 1", n)
		}
		for d := range reports.DefaultSummaryEntries + 10 {
			_, err := snaps.EstablishmentSummary(w.ctx, w.scope1, w.e2.UAI, year2526, w.now.AddDate(0, 0, -d), false)
			if err != nil && !errors.Is(err, reports.ErrNoData) {
				t.Fatal(err)
			}
		}
		if n := snaps.SummariesKept(); n != reports.DefaultSummaryEntries {
			t.Errorf("%d summaries kept, want %d", n, reports.DefaultSummaryEntries)
		}
	})
}

// TestSummaryComputationOutlivesItsFirstClient: the request that starts a computation may
// have others waiting for it; its client leaving (its context cancelled once the stamp is
// read) does not fail the computation, nor the summary it gives.
func TestSummaryComputationOutlivesItsFirstClient(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		snaps := reports.NewSnapshots(db, func() time.Time { return w.now }, 0, slog.New(slog.DiscardHandler))
		want, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, year2526, w.now, true)
		must(t, err)
		ctx, cancel := context.WithCancel(w.ctx)
		defer cancel()
		queries := 0
		must(t, db.Callback().Query().After("gorm:query").Register("test:client_leaves", func(*gorm.DB) {
			if queries++; queries == 1 {
				cancel() // the first query is the stamp's: the client leaves just after it
			}
		}))
		got, err := snaps.EstablishmentSummary(ctx, w.scope1, w.e1.UAI, year2526, w.now, true)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("a summary whose first client left: %v (same as computed: %v)", err, reflect.DeepEqual(got, want))
		}
		if queries < 2 {
			t.Fatalf("%d queries: the computation did not run after the client left", queries)
		}
	})
}

// TestEstablishmentStampsAppendAndCompact: two writers of one file append to its
// establishment's stamp without waiting for each other; on PostgreSQL, a move of the file to
// another establishment waits for a writer in flight (so that its change is stamped where the
// file is); the compaction leaves one row per establishment and every stamp as it was.
func TestEstablishmentStampsAppendAndCompact(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		var aubert models.Pupil
		must(t, db.Where("last_name = ?", "Aubert").Take(&aubert).Error)
		add := func(tx *gorm.DB, d int) error {
			return tx.Create(&models.FollowUp{PupilID: aubert.ID, AuthorID: w.mediator.ID, OccurredOn: day(2026, 3, d),
				Kind: models.FollowUpPupilInterview, DurationMinutes: 10}).Error
		}
		stamps := func() [2]int64 {
			var out [2]int64
			for i, u := range []string{w.e1.UAI, w.e2.UAI} {
				s, err := reports.EstablishmentStamp(w.ctx, db, u)
				must(t, err)
				out[i] = s
			}
			return out
		}
		before := stamps()
		if db.Dialector.Name() == models.DialectPostgres {
			tx1, tx2 := writersInFlight(t, db, add, 10)
			move := db.Begin()
			must(t, move.Error)
			defer move.Rollback()
			must(t, move.Exec("SET LOCAL lock_timeout = '200ms'").Error)
			if err := move.Model(&aubert).Update("establishment_id", w.e2.ID).Error; err == nil {
				t.Fatal("a file moved while a follow-up of it was in flight")
			}
			must(t, move.Rollback().Error)
			must(t, tx2.Commit().Error)
			must(t, tx1.Commit().Error)
		} else {
			must(t, add(db, 10))
			must(t, add(db, 11))
		}
		changed := stamps()
		if changed[0] != before[0]+2 || changed[1] != before[1] {
			t.Fatalf("stamps %v after two follow-ups in E1, were %v", changed, before)
		}
		rows := func() (n int64) {
			must(t, db.Table("establishment_change_stamps").Where("establishment_id = ?", w.e1.ID).Count(&n).Error)
			return n
		}
		if n := rows(); n < 2 {
			t.Fatalf("%d rows for E1 before the compaction, want the appended ones", n)
		}
		must(t, reports.CompactChangeStamps(w.ctx, db))
		if n := rows(); n != 1 {
			t.Errorf("%d rows for E1 after the compaction, want 1", n)
		}
		if got := stamps(); got != changed {
			t.Errorf("stamps after the compaction %v, want %v", got, changed)
		}
		must(t, add(db, 12))
		if got := stamps(); got[0] != changed[0]+1 {
			t.Errorf("stamp after a change that follows the compaction: %d, want %d", got[0], changed[0]+1)
		}
	})
}
