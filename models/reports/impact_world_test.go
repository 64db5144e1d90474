package reports_test

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/disclosure"
	"mediation/models/reports"
)

// The review of the hand-worked world of reports_test.go for 2025-2026, figure by figure:
// the metropolis, then an agreement covering E2 alone, then both as printed.
func TestImpactReviewWorkedByHand(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		y := calendar.SchoolYear{StartYear: 2025}
		coordinator := models.Scope{Role: models.RoleCoordinator}
		actor := models.Actor{Email: "c@x.fr"}
		_, err := models.CreateUnitCost(w.ctx, db, coordinator, actor, w.now, models.UnitCostInput{Label: "Jeune sans solution",
			AmountCents: 1_000_000, Unit: "par jeune et par an", Source: "Étude", SourceYear: 2024, Basis: models.BasisReengaged})
		must(t, err)

		f, err := reports.LoadImpact(w.ctx, db, y, 0, w.now)
		must(t, err)
		// 2025-2026, 2024-2025 (Caron's file opened in October 2024), 2023-2024 (Bernard's, May).
		if len(f.Years) != 3 || f.Years[1].Year.StartYear != 2024 || f.Years[2].Year.StartYear != 2023 || f.Agreement != nil {
			t.Fatalf("years %+v, agreement %v", f.Years, f.Agreement)
		}
		iy := f.Current()
		for _, c := range []struct {
			name      string
			got, want int
		}{
			// Aubert, Caron, Dupont, Evrard in E1 (REP+), Fournier in E2.
			{"pupils followed", iy.Reach.PupilsFollowed, 5},
			{"followed in REP+", iy.Reach.FollowedByPriority[models.PriorityREPPlus], 4},
			{"followed in priority education", iy.Reach.PriorityFollowed(), 4},
			{"followed elsewhere", iy.Reach.FollowedByPriority[models.PriorityNone], 1},
			// Aubert (October) and Evrard (February) met; Aubert's family missed January's.
			{"families met", iy.Reach.FamiliesMet, 2},
			// E3 (closed) has nothing.
			{"establishments", iy.Reach.Establishments, 2},
			{"communes", iy.Reach.Communes, 2},
			{"referrals sent", iy.Referrals.Sent, 4},
			// CAF in 5 days (15 allowed), Département in 1 (10): in time; CAF in 20: late.
			{"referrals on time", iy.Referrals.OnTime, 2},
			{"referrals closed", iy.Referrals.Closed, 1},
			{"referrals delivered", iy.Referrals.Delivered, 1},
			{"re-engaged", iy.Activity.ExitsByReason[models.ExitReEngaged], 1},
			{"exits", iy.Activity.Exits(), 2},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
			}
		}
		if v := iy.Indicators[models.IndicatorFamiliesMet]; v.Value != 40 || !v.Known {
			t.Errorf("families met %+v, want 40 %%", v)
		}
		if c := iy.AvoidedCosts[0]; !c.Computed || c.LowCents != 1_000_000 || c.HighCents != 1_000_000 {
			t.Errorf("one re-engaged pupil at 10 000 €: %+v", c)
		}

		// Printed with the threshold 5: 1 and 4 pupils by label hidden, their total printed;
		// 2 families met of 5 hidden; the one re-engaged pupil hides its valuation.
		r := reports.ProtectImpact(f, 5)
		ry := r.Years()[0]
		if n, m := ry.PupilsFollowed().Value(); n != 5 || m.Masked() {
			t.Errorf("pupils followed printed %d (%v), want 5", n, m)
		}
		p := ry.Priority().Counts()
		if !p.Masks[0][0].Masked() || !p.Masks[0][2].Masked() || p.Cells[0][0] != 0 || p.Cells[0][2] != 0 {
			t.Errorf("pupils by label printed %v (%v): 1 and 4 must be hidden", p.Cells, p.Masks)
		}
		if _, _, _, ok := ry.FamiliesMet().Value(); ok {
			t.Error("2 families met of 5 printed with the threshold 5")
		}
		if c := ry.AvoidedCosts()[0]; c.Computed || c.Missing != reports.MissingProtected || c.LowCents != 0 || c.Inputs != nil {
			t.Errorf("the valuation of one re-engaged pupil printed: %+v", c)
		}
		if _, ok := ry.Outcome().Effect(); ok {
			t.Error("an effect printed on five pupils")
		}
		// With no protection (threshold 1) everything prints.
		open := reports.ProtectImpact(f, 1).Years()[0]
		if num, den, pct, ok := open.FamiliesMet().Value(); !ok || num != 2 || den != 5 || pct != 40 {
			t.Errorf("families met %d / %d = %g %% (%v), want 2 / 5", num, den, pct, ok)
		}
		if c := open.AvoidedCosts()[0]; !c.Computed {
			t.Errorf("valuation hidden without protection: %+v", c)
		}

		// An agreement on E2 alone: Fournier, met by no one, one referral closed with support,
		// acknowledged late; objectives on the pupils followed (met) and the families (not).
		a, err := models.CreateFundingAgreement(w.ctx, db, coordinator, actor, w.now, models.FundingAgreementInput{Title: "Convention",
			FunderKind: models.FunderState, FirstYear: 2025, LastYear: 2025, Coverage: models.CoverEstablishments,
			EstablishmentIDs: []uint{w.e2.ID}, AmountCents: 100, Objectives: []models.ObjectiveInput{
				{Row: 1, Label: "Élèves", Indicator: models.IndicatorPupilsFollowed, Target: 1},
				{Row: 2, Label: "Familles", Indicator: models.IndicatorFamiliesMet, Target: 50}}})
		must(t, err)
		f, err = reports.LoadImpact(w.ctx, db, y, a.ID, w.now)
		must(t, err)
		if len(f.Years) != 1 || f.Agreement == nil || f.Agreement.ID != a.ID {
			t.Fatalf("agreement review: %d years, agreement %v", len(f.Years), f.Agreement)
		}
		iy = f.Current()
		if iy.Reach.PupilsFollowed != 1 || iy.Reach.FamiliesMet != 0 || iy.Reach.Establishments != 1 || iy.Referrals.Sent != 1 ||
			iy.Referrals.OnTime != 0 || iy.Referrals.Delivered != 1 || iy.Activity.Exits() != 0 {
			t.Errorf("E2's review: reach %+v, referrals %+v, exits %d", iy.Reach, iy.Referrals, iy.Activity.Exits())
		}
		if len(iy.Objectives) != 2 || !iy.Objectives[0].Met || iy.Objectives[1].Met || iy.Objectives[1].Reached.Value != 0 {
			t.Errorf("objectives %+v: pupils followed met, families not", iy.Objectives)
		}
		if c := iy.AvoidedCosts[0]; !c.Computed || c.LowCents != 0 || c.HighCents != 0 {
			t.Errorf("no re-engaged pupil in E2: %+v", c)
		}
		// Printed with 5, the single pupil hides the objective's result.
		if obj := reports.ProtectImpact(f, 5).Years()[0].Objectives()[0]; func() bool { _, ok := obj.Met(); return ok }() {
			t.Errorf("objective on one pupil printed: %+v", obj)
		}
		if n, m := reports.ProtectImpact(f, 5).Years()[0].PupilsFollowed().Value(); n != 0 || m != disclosure.MaskPrimary {
			t.Errorf("one pupil printed as %d (%v)", n, m)
		}

		if _, err := reports.LoadImpact(w.ctx, db, y.Previous(), a.ID, w.now); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("a year outside the agreement: %v, want ErrNoData", err)
		}
		if _, err := reports.LoadImpact(w.ctx, db, y, a.ID+100, w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an unknown agreement: %v, want ErrNotFound", err)
		}
		if _, err := reports.LoadImpact(w.ctx, db, y.Next(), 0, w.now); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("a year to come: %v, want ErrNoData", err)
		}
		review, err := reports.LoadImpactReview(w.ctx, db, models.Scope{Role: models.RoleCoordinator}, y, 0, w.now)
		must(t, err)
		if review.Threshold() < 2 || len(review.Years()) != 3 {
			t.Errorf("review protected with %d over %d years", review.Threshold(), len(review.Years()))
		}
	})
}
