package reports_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/gendata"
	"mediation/models/impact"
	"mediation/models/reports"
)

// The cross-checks the issue asks for, on the generated small metropolis, for each of its
// school years and on unprotected figures: the metropolitan figures are the sum of the
// establishment summaries; the annual review's activity is the metropolitan report's; the
// partner reports' referrals add up, partner by partner, to the referrals the establishments
// sent them; and an agreement's review is the sum of its establishments' summaries, its
// objectives and avoided costs computed from those figures.
func TestImpactAgreesWithTheOtherReports(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the small metropolis on each database")
	}
	t.Parallel()
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if _, err := gendata.Generate(ctx, db, gendata.Options{Scale: gendata.ScaleSmall, Seed: 1, Now: now,
			Study: &gendata.Study{Effect: 0.3}}); err != nil {
			t.Fatalf("Generate: %v", err)
		}
		var establishments []models.Establishment
		must(t, db.Order("id").Find(&establishments).Error)
		var partners []models.PartnerOrganisation
		must(t, db.Order("id").Find(&partners).Error)
		all := models.Scope{Role: models.RoleMediator}
		for _, e := range establishments {
			all.EstablishmentIDs = append(all.EstablishmentIDs, e.ID)
		}
		coordinator := models.Scope{Role: models.RoleCoordinator}

		// The agreement covers the communes of the first two establishments, with an objective
		// on every indicator and a unit value for every basis (and one tied to none).
		communes := map[string]bool{establishments[0].Commune: true, establishments[1].Commune: true}
		allCommunes := map[string]bool{}
		for _, e := range establishments {
			allCommunes[e.Commune] = true
		}
		var covered []models.Establishment
		for _, e := range establishments {
			if communes[e.Commune] {
				covered = append(covered, e)
			}
		}
		current := calendar.SchoolYearOf(now)
		in := models.FundingAgreementInput{Title: "Convention CAF", FunderKind: models.FunderMetropole,
			FirstYear: current.StartYear - 2, LastYear: current.StartYear, Coverage: models.CoverCommunes, AmountCents: 12_000_000}
		for c := range communes {
			in.Communes = append(in.Communes, c)
		}
		for i, ind := range models.ObjectiveIndicators {
			target := 50.0
			if ind.Unit() == models.UnitCount {
				target = 10
			}
			in.Objectives = append(in.Objectives, models.ObjectiveInput{Row: i + 1, Label: string(ind), Indicator: ind, Target: target})
		}
		agreement, err := models.CreateFundingAgreement(ctx, db, coordinator, models.Actor{Email: "c@x.fr"}, now, in)
		must(t, err)
		low, high := int64(900_000), int64(1_500_000)
		for _, b := range append([]models.CostBasis{""}, models.CostBases...) {
			_, err := models.CreateUnitCost(ctx, db, coordinator, models.Actor{Email: "c@x.fr"}, now, models.UnitCostInput{
				Label: "Valeur " + string(b), AmountCents: 1_200_000, Unit: "par unité", Source: "Étude 2024", SourceYear: 2024,
				LowCents: &low, HighCents: &high, Basis: b})
			must(t, err)
		}

		checked := 0
		for y := current; y.StartYear > current.StartYear-5; y = y.Previous() {
			metro, err := reports.LoadMetropolitanFigures(ctx, db, y, now)
			must(t, err)
			sum, covering := &reports.Activity{}, &reports.Activity{}
			*sum, *covering = emptyActivity(), emptyActivity()
			byPartner := map[uint]int{}
			for _, e := range establishments {
				s, err := reports.LoadEstablishmentSummary(ctx, db, all, e.UAI, y, now, false)
				if errors.Is(err, reports.ErrNoData) {
					continue
				}
				must(t, err)
				sum.Add(&s.Activity)
				if communes[e.Commune] {
					covering.Add(&s.Activity)
				}
				for _, p := range s.ReferralsByPartner {
					byPartner[p.PartnerID] += p.Total()
				}
			}
			if !reflect.DeepEqual(*sum, metro.Total) {
				t.Errorf("%s: the establishments add up to %+v, the metropolitan report says %+v", y, *sum, metro.Total)
			}

			began := time.Now()
			review, err := reports.LoadImpact(ctx, db, y, 0, now)
			must(t, err)
			iy := review.Current()
			t.Logf("%s: review of the metropolis over %d years in %v; %d pupils followed, %d families met, %d measured, effect %v",
				y, len(review.Years), time.Since(began).Round(time.Millisecond), iy.Reach.PupilsFollowed, iy.Reach.FamiliesMet,
				iy.Outcome.Measured, iy.Outcome.HasEffect)
			checkPrintedCounts(t, reports.ProtectImpact(review, 5), 5)
			checkReviewYear(t, review, *sum, len(establishments), len(allCommunes))
			if !reflect.DeepEqual(iy.Activity, metro.Total) {
				t.Errorf("%s: the review's activity %+v, the metropolitan report's %+v", y, iy.Activity, metro.Total)
			}
			if iy.Reach.PupilsFollowed != metro.Total.FilesFollowed() || iy.Referrals.Sent != metro.Total.Referrals() {
				t.Errorf("%s: review reach %d / referrals %d, metropolitan %d / %d", y, iy.Reach.PupilsFollowed, iy.Referrals.Sent,
					metro.Total.FilesFollowed(), metro.Total.Referrals())
			}
			if iy.ReplyTime != metro.ReplyTime {
				t.Errorf("%s: review reply time %+v, metropolitan %+v", y, iy.ReplyTime, metro.ReplyTime)
			}
			byLabel := 0
			for _, n := range iy.Reach.FollowedByPriority {
				byLabel += n
			}
			if byLabel != iy.Reach.PupilsFollowed {
				t.Errorf("%s: pupils followed by label add up to %d, not %d", y, byLabel, iy.Reach.PupilsFollowed)
			}
			outcome, err := impact.Load(ctx, db, y, nil)
			must(t, err)
			if !reflect.DeepEqual(iy.Outcome, outcome) {
				t.Errorf("%s: the review's outcome differs from impact.Load's", y)
			}

			sent := 0
			for _, p := range partners {
				f, err := reports.LoadPartnerFigures(ctx, db, coordinator, p.ID, y, now)
				if errors.Is(err, reports.ErrNoData) {
					f.Sent = 0
				} else {
					must(t, err)
				}
				if f.Sent != byPartner[p.ID] {
					t.Errorf("%s: partner %s received %d referrals, the establishments sent it %d", y, p.Name, f.Sent, byPartner[p.ID])
				}
				sent += f.Sent
			}
			if sent != metro.Total.Referrals() {
				t.Errorf("%s: the partners received %d referrals, the metropolitan report counts %d", y, sent, metro.Total.Referrals())
			}

			if y.StartYear >= in.FirstYear {
				ar, err := reports.LoadImpact(ctx, db, y, agreement.ID, now)
				must(t, err)
				checkReviewYear(t, ar, *covering, len(covered), len(communes))
			} else if _, err := reports.LoadImpact(ctx, db, y, agreement.ID, now); !errors.Is(err, reports.ErrNoData) {
				t.Errorf("%s is outside the agreement: %v, want ErrNoData", y, err)
			}
			if metro.Total.FollowUps() > 0 {
				checked++
			}
		}
		if checked < 4 {
			t.Errorf("only %d years with follow-ups: the generated data should span five", checked)
		}
	})
}

// emptyActivity is an Activity as the reports start their sums.
func emptyActivity() reports.Activity {
	var a reports.Activity
	reports.ResetActivity(&a)
	return a
}

// checkReviewYear checks a review of a year against its establishments' sum, an agreement's
// objectives against its indicators, and the avoided costs against their formulas.
func checkReviewYear(t *testing.T, f reports.ImpactFigures, covering reports.Activity, establishments, communes int) {
	t.Helper()
	iy := f.Current()
	y := iy.Year
	if !reflect.DeepEqual(iy.Activity, covering) {
		t.Errorf("%s: the agreement's activity %+v, its establishments' %+v", y, iy.Activity, covering)
	}
	if iy.Reach.Establishments > establishments || iy.Reach.Communes > communes || iy.Reach.Establishments == 0 {
		t.Errorf("%s: the review reaches %d establishments in %d communes, it covers %d in %d", y, iy.Reach.Establishments,
			iy.Reach.Communes, establishments, communes)
	}
	if f.Agreement == nil {
		if len(iy.Objectives) != 0 {
			t.Errorf("%s: objectives for the metropolis: %+v", y, iy.Objectives)
		}
	} else if len(iy.Objectives) != len(models.ObjectiveIndicators) {
		t.Fatalf("%s: %d objectives, want %d", y, len(iy.Objectives), len(models.ObjectiveIndicators))
	}
	agreements, decided := covering.SchoolLife.Resolution()
	want := map[models.ObjectiveIndicator][2]int{
		models.IndicatorFamiliesMet:       {iy.Reach.FamiliesMet, covering.FilesFollowed()},
		models.IndicatorAbsencesFell:      {iy.Outcome.Naive.Fell, iy.Outcome.Measured},
		models.IndicatorReferralsInTime:   {iy.Referrals.OnTime, covering.Referrals()},
		models.IndicatorConflictsResolved: {agreements, decided},
		models.IndicatorCollectiveActions: {covering.SchoolLife.Actions().Actions, 0},
		models.IndicatorPupilsFollowed:    {covering.FilesFollowed(), 0},
	}
	list := iy.IndicatorList()
	if len(list) != len(models.ObjectiveIndicators) {
		t.Errorf("%s: %d indicators, want %d", y, len(list), len(models.ObjectiveIndicators))
	}
	for _, r := range list {
		w := want[r.Indicator]
		if r.Numerator != w[0] || r.Denominator != w[1] {
			t.Errorf("%s: %s reached %d / %d, want %d / %d", y, r.Indicator, r.Numerator, r.Denominator, w[0], w[1])
		}
		value := float64(w[0])
		if r.Indicator.Unit() == models.UnitPercent && w[1] > 0 {
			value = 100 * float64(w[0]) / float64(w[1])
		}
		if r.Known != (r.Indicator.Unit() == models.UnitCount || w[1] > 0) || r.Known && math.Abs(r.Value-value) > 1e-9 {
			t.Errorf("%s: %s is %+v, want %g", y, r.Indicator, r, value)
		}
	}
	for _, o := range iy.Objectives {
		r := o.Reached
		if r != iy.Indicators[o.Objective.Indicator] || o.Met != (r.Known && r.Value >= o.Objective.Target) {
			t.Errorf("%s: %s reached %+v, met %v, target %g", y, o.Objective.Indicator, r, o.Met, o.Objective.Target)
		}
	}
	if iy.Reach.FamiliesMet > iy.Reach.PupilsFollowed || iy.Referrals.Delivered > iy.Referrals.Closed || iy.Referrals.Closed > iy.Referrals.Sent {
		t.Errorf("%s: inconsistent reach or referrals: %+v %+v", y, iy.Reach, iy.Referrals)
	}
	results := map[models.CostBasis][2]float64{
		models.BasisReengaged:         {float64(covering.ExitsByReason[models.ExitReEngaged]), float64(covering.ExitsByReason[models.ExitReEngaged])},
		models.BasisConflictResolved:  {float64(agreements), float64(agreements)},
		models.BasisReferralDelivered: {float64(iy.Referrals.Delivered), float64(iy.Referrals.Delivered)},
	}
	if e := iy.Outcome.Effect.Difference; iy.Outcome.HasEffect {
		n := float64(iy.Outcome.Matched * impact.WindowMonths)
		results[models.BasisAbsenceHalfDays] = [2]float64{max(0, -e.High) * n, max(0, -e.Low) * n}
	}
	if len(iy.AvoidedCosts) != len(models.CostBases)+1 {
		t.Fatalf("%s: %d avoided costs, want %d", y, len(iy.AvoidedCosts), len(models.CostBases)+1)
	}
	for _, c := range iy.AvoidedCosts {
		r, ok := results[c.UnitCost.Basis]
		if c.Computed != ok {
			t.Errorf("%s: %q computed %v (missing %q), want %v", y, c.UnitCost.Basis, c.Computed, c.Missing, ok)
			continue
		}
		if !ok {
			continue
		}
		if c.LowCents != int64(math.Round(r[0]*900_000)) || c.HighCents != int64(math.Round(r[1]*1_500_000)) {
			t.Errorf("%s: %q valued %d–%d cents, want %v × [9 000 €, 15 000 €]", y, c.UnitCost.Basis, c.LowCents, c.HighCents, r)
		}
		if c.Formula != reports.Formulas[c.UnitCost.Basis] || c.Inputs[len(c.Inputs)-1].Name != reports.InputUnitValue {
			t.Errorf("%s: %q formula %q with inputs %+v", y, c.UnitCost.Basis, c.Formula, c.Inputs)
		}
	}
}

// checkPrintedCounts checks that no count the protected review prints lies between 1 and the
// threshold, and that a share is printed only over counts that are.
func checkPrintedCounts(t *testing.T, r reports.Impact, threshold int) {
	t.Helper()
	small := func(n int) bool { return n >= 1 && n < threshold }
	for _, y := range r.Years() {
		for _, f := range []reports.Figure{y.PupilsFollowed(), y.FollowUps(), y.Meetings(), y.Referrals(), y.Actions(), y.Conflicts(),
			y.Outcome().Started, y.Outcome().Measured, y.Outcome().Matched} {
			if n, m := f.Value(); small(n) || m.Masked() && n != 0 {
				t.Errorf("%s: a figure printed as %d (%v)", y.Year, n, m)
			}
		}
		for _, s := range []reports.Share{y.FamiliesMet(), y.Attendance(), y.OnTime(), y.Resolved(), y.Outcome().Fell} {
			if num, den, _, ok := s.Value(); ok && (small(num) || small(den) || small(den-num)) {
				t.Errorf("%s: a share printed over %d / %d", y.Year, num, den)
			}
		}
		// The conflicts and the rate's denominator printed together give the pending conflicts.
		if n, m := y.Conflicts().Value(); !m.Masked() {
			if _, den, _, ok := y.Resolved().Value(); ok && small(n-den) {
				t.Errorf("%s: %d conflicts printed beside %d with an outcome: %d pending", y.Year, n, den, n-den)
			}
		}
		// The counts of pupils whose absences fell are printed as the Fell share only.
		if n, ok := y.Outcome().Naive(); ok && n.Fell != 0 {
			t.Errorf("%s: the before/after hands out its raw count of pupils whose absences fell (%d)", y.Year, n.Fell)
		}
		if e, ok := y.Outcome().Effect(); ok && (e.Followed.Fell != 0 || e.Comparison.Fell != 0) {
			t.Errorf("%s: the effect hands out its groups' raw counts of pupils whose absences fell", y.Year)
		}
		for _, tab := range []reports.Table{y.Priority(), y.Exits(), y.ReferralOutcomes()} {
			p := tab.Counts()
			for i, n := range append(append([]int{}, p.Cells[0]...), p.RowTotals[0]) {
				if small(n) {
					t.Errorf("%s: a table prints %d in cell %d", y.Year, n, i)
				}
			}
		}
	}
}
