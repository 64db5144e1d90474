package reports_test

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/impact"
	"mediation/models/reports"
)

// The annual review served from its snapshot: the same printed figures as the review computed
// on the spot, computed once, read by whoever may read it; an edit of a unit value or of the
// agreement shows at the next read (computed again at once), a change of the year's data in
// the background, as the metropolitan report's; the monthly absences move its stamp.
func TestImpactSnapshotServesTheReviewAndFollowsItsInputs(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, clk, s := snapshotWorld(t, db)
		coordinator := models.Scope{Role: models.RoleCoordinator}
		actor := models.Actor{Email: "c@x.fr"}
		cost, err := models.CreateUnitCost(w.ctx, db, coordinator, actor, w.now, models.UnitCostInput{Label: "Jeune sans solution",
			AmountCents: 1_000_000, Unit: "par jeune et par an", Source: "Étude", SourceYear: 2024, Basis: models.BasisReengaged})
		must(t, err)

		first, err := s.Impact(w.ctx, coordinator, year2526, 0, false)
		must(t, err)
		fresh, err := reports.LoadImpactReview(w.ctx, db, coordinator, year2526, 0, w.now)
		must(t, err)
		if got, want := reports.PrintedImpact(first), reports.PrintedImpact(fresh); got != want {
			t.Fatalf("the snapshot prints\n%s\nthe review computed on the spot prints\n%s", got, want)
		}
		if !first.ComputedAt.Equal(w.now) || s.Computed() != 1 || len(first.ImpactYears()) == 0 {
			t.Fatalf("computed at %v, %d computations, years %v", first.ComputedAt, s.Computed(), first.ImpactYears())
		}
		clk.Advance(time.Minute)
		if _, err := s.Impact(w.ctx, coordinator, year2526, 0, false); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if s.Computed() != 1 {
			t.Fatalf("an unchanged snapshot was computed again: %d computations", s.Computed())
		}

		// A unit value edited: the next read computes the review again, with the new value.
		_, err = models.UpdateUnitCost(w.ctx, db, coordinator, actor, w.now, cost.ID, cost.Version, models.UnitCostInput{Label: "Jeune sans solution",
			AmountCents: 2_000_000, Unit: "par jeune et par an", Source: "Étude", SourceYear: 2024, Basis: models.BasisReengaged})
		must(t, err)
		edited, err := s.Impact(w.ctx, coordinator, year2526, 0, false)
		must(t, err)
		if c := edited.Years()[0].AvoidedCosts()[0]; s.Computed() != 2 || c.UnitCost.AmountCents != 2_000_000 {
			t.Fatalf("after the unit value's edit: %d computations, %+v", s.Computed(), c)
		}

		// The agreement of the first partner over E2: its funder's review, its edit shown at once.
		in := models.FundingAgreementInput{Title: "Convention", FunderKind: models.FunderPartner, PartnerID: w.p1.ID,
			FirstYear: 2025, LastYear: 2025, Coverage: models.CoverEstablishments, EstablishmentIDs: []uint{w.e2.ID}, AmountCents: 100}
		a, err := models.CreateFundingAgreement(w.ctx, db, coordinator, actor, w.now, in)
		must(t, err)
		funder := models.Scope{Role: models.RolePartner, PartnerID: w.p1.ID}
		theirs, err := s.Impact(w.ctx, funder, year2526, a.ID, false)
		must(t, err)
		if theirs.Agreement == nil || theirs.Agreement.Title != "Convention" || s.Computed() != 3 {
			t.Fatalf("the funder's review: %+v, %d computations", theirs.Agreement, s.Computed())
		}
		in.Title = "Convention révisée"
		_, err = models.UpdateFundingAgreement(w.ctx, db, coordinator, actor, w.now, a.ID, 1, in)
		must(t, err)
		if r, err := s.Impact(w.ctx, coordinator, year2526, a.ID, false); err != nil || r.Agreement.Title != "Convention révisée" || s.Computed() != 4 {
			t.Fatalf("after the agreement's edit: %v %+v, %d computations", err, r.Agreement, s.Computed())
		}
		// Nobody else reads it; the metropolis's review is the coordination's.
		for _, c := range []struct {
			scope models.Scope
			id    uint
		}{
			{models.Scope{Role: models.RolePartner, PartnerID: w.p2.ID}, a.ID},
			{funder, 0},
			{w.scope1, a.ID},
			{w.scope1, 0},
		} {
			if _, err := s.Impact(w.ctx, c.scope, year2526, c.id, false); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%+v reads the review %d: %v, want ErrNotFound", c.scope, c.id, err)
			}
		}
		if _, err := s.Impact(w.ctx, coordinator, year2526.Previous(), a.ID, false); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("a year outside the agreement: %v, want ErrNoData", err)
		}
		if _, err := s.Impact(w.ctx, coordinator, calendar.SchoolYear{StartYear: 2010}, 0, false); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("a year before any file: %v, want ErrNoData", err)
		}

		// The monthly absences move the stamp of their year's review and of the year before
		// (whose windows reach three months into the next); a change of the data refreshes a
		// snapshot older than MaxAge in the background.
		var aubert models.Pupil
		must(t, db.Where("last_name = ?", "Aubert").Take(&aubert).Error)
		before, err := reports.ImpactStamp(w.ctx, db, year2526)
		must(t, err)
		two := 2
		must(t, db.Create(&models.MonthlyIndicator{PupilID: aubert.ID, Month: "2026-10", UnjustifiedHalfDays: &two, Source: models.SourceImport}).Error)
		after, err := reports.ImpactStamp(w.ctx, db, year2526)
		must(t, err)
		if after == before {
			t.Errorf("absences of October 2026 leave the stamp of the review of %s at %d", year2526, before)
		}
		must(t, db.Model(&models.MonthlyIndicator{}).Where("pupil_id = ? AND month = ?", aubert.ID, "2026-10").Update("unjustified_half_days", 3).Error)
		if again, err := reports.ImpactStamp(w.ctx, db, year2526); err != nil || again == after {
			t.Errorf("an edit of absences leaves the stamp at %d (%v)", after, err)
		}
		clk.Advance(6 * time.Minute)
		if _, err := s.Impact(w.ctx, coordinator, year2526, 0, false); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if s.Computed() != 5 {
			t.Errorf("the review older than MaxAge whose data changed: %d computations, want 5", s.Computed())
		}
		// The command line computes it now, whatever its age.
		if _, err := s.Impact(w.ctx, coordinator, year2526, 0, true); err != nil || s.Computed() != 6 {
			t.Errorf("fresh: %v, %d computations", err, s.Computed())
		}
		// An agreement deleted takes its reviews' snapshots with it.
		must(t, models.DeleteFundingAgreement(w.ctx, db, coordinator, actor, w.now, a.ID, 2))
		var left int64
		must(t, db.Table("report_snapshots").Where("report = ? AND variant <> ?", "impact", "").Count(&left).Error)
		if left != 0 {
			t.Errorf("%d snapshots of the deleted agreement's reviews left", left)
		}
	})
}

// A review with an effect goes through its snapshot unchanged: the effect, its interval and
// groups, the before/after and the avoided costs read back as they were printed.
func TestImpactSnapshotKeepsTheEffect(t *testing.T) {
	t.Parallel()
	y := calendar.SchoolYear{StartYear: 2025}
	low, high := int64(500), int64(1500)
	followed := impact.BeforeAfter{N: 40, Before: 6, After: 3, Change: impact.Interval{Estimate: -3, Low: -3.5, High: -2.5}, Quartiles: [3]float64{-4, -3, -2}, Fell: 30}
	f := reports.ImpactFigures{Year: y, UnitCosts: []models.UnitCost{{ID: 1, Label: "Demi-journée", AmountCents: 1000, LowCents: &low, HighCents: &high,
		Source: "Étude", SourceYear: 2024, Basis: models.BasisAbsenceHalfDays}},
		Years: []reports.ImpactYear{{Year: y, Elapsed: 12, InAgreement: true,
			Reach: reports.Reach{PupilsFollowed: 60, FamiliesMet: 30, Establishments: 3, Communes: 2,
				FollowedByPriority: map[models.PriorityLabel]int{models.PriorityNone: 20, models.PriorityREP: 40}},
			Outcome: impact.Outcome{Year: y, Started: 50, Measured: 40, Matched: 40, Naive: followed, HasEffect: true,
				Effect: impact.Effect{Followed: followed, Comparison: impact.BeforeAfter{N: 40, Before: 6, After: 4.5}, Controls: 35,
					Difference: impact.Interval{Estimate: -1.5, Low: -2, High: -1}, Relative: impact.Interval{Estimate: -0.33, Low: -0.4, High: -0.2}}}}}}
	f.Years[0].AvoidedCosts = reports.AvoidedCostsOf(f.UnitCosts, f.Years[0])
	r := reports.ProtectImpact(f, 5)
	back, err := reports.SnapshotRoundTrip(r)
	must(t, err)
	if got, want := reports.PrintedImpact(back), reports.PrintedImpact(r); got != want {
		t.Fatalf("read back\n%s\nstored\n%s", got, want)
	}
	e, ok := back.Years()[0].Outcome().Effect()
	if !ok || e.Difference != f.Years[0].Outcome.Effect.Difference || e.Controls != 35 || e.Followed.Fell != 0 {
		t.Errorf("effect read back %+v (%v)", e, ok)
	}
	if n, ok := back.Years()[0].Outcome().Naive(); !ok || n.N != 40 || n.Change != followed.Change {
		t.Errorf("before/after read back %+v (%v)", n, ok)
	}
	// 40 pupils × 3 months × 1 to 2 half-days avoided, at 5 to 15 €.
	if c := back.Years()[0].AvoidedCosts()[0]; !c.Computed || c.LowCents != 40*3*1*500 || c.HighCents != 40*3*2*1500 {
		t.Errorf("avoided cost read back %+v", c)
	}
}

// The housekeeping's warming computes the metropolis's review ahead, and again after a unit
// value's edit, so that the next reader does not wait.
func TestImpactSnapshotWarm(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, _, s := snapshotWorld(t, db)
		coordinator := models.Scope{Role: models.RoleCoordinator}
		must(t, s.WarmImpact(w.ctx, year2526))
		s.Wait()
		if s.Computed() != 1 {
			t.Fatalf("warming computed %d times, want 1", s.Computed())
		}
		if _, err := s.Impact(w.ctx, coordinator, year2526, 0, false); err != nil || s.Computed() != 1 {
			t.Fatalf("read after warming: %v, %d computations", err, s.Computed())
		}
		must(t, s.WarmImpact(w.ctx, year2526))
		s.Wait()
		if s.Computed() != 1 {
			t.Errorf("an unchanged review warmed again: %d computations", s.Computed())
		}
		_, err := models.CreateUnitCost(w.ctx, db, coordinator, models.Actor{Email: "c@x.fr"}, w.now, models.UnitCostInput{Label: "Valeur",
			AmountCents: 100, Unit: "par jeune", Source: "Étude", SourceYear: 2024, Basis: models.BasisReengaged})
		must(t, err)
		must(t, s.WarmImpact(w.ctx, year2526))
		s.Wait()
		if _, err := s.Impact(w.ctx, coordinator, year2526, 0, false); err != nil || s.Computed() != 2 {
			t.Errorf("after a new unit value: %v, %d computations, want 2", err, s.Computed())
		}
	})
}
