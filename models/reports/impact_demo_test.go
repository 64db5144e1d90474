package reports_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
	"mediation/models/reports"
)

// The demo's agreements and unit values give a review: each agreement for each of its years up
// to now, printed; two of the demo's unit values valued by their formula, the other two listed.
func TestImpactReviewOfTheDemo(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		hasher := models.NewHasher(models.HasherConfig{Params: models.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}})
		if _, err := demodata.Load(ctx, db, hasher, now); err != nil {
			t.Fatalf("demo: %v", err)
		}
		var agreements []models.FundingAgreement
		must(t, db.Order("id").Find(&agreements).Error)
		if len(agreements) == 0 {
			t.Fatal("the demo has no agreement")
		}
		current := calendar.SchoolYearOf(now)
		coordination := models.Scope{Role: models.RoleCoordinator}
		// A partner's agents read the reviews of the agreements their organisation funds, and
		// no other; the metropolis's review is the coordination's.
		for _, a := range agreements {
			var others []models.PartnerOrganisation
			must(t, db.Order("id").Find(&others).Error)
			for _, p := range others {
				agent := models.Scope{Role: models.RolePartner, PartnerID: p.ID}
				_, err := reports.LoadImpactReview(ctx, db, agent, current, a.ID, now)
				funds := a.PartnerOrganisationID != nil && *a.PartnerOrganisationID == p.ID
				if funds && (err != nil && !errors.Is(err, reports.ErrNoData)) || !funds && !errors.Is(err, models.ErrNotFound) {
					t.Errorf("agent of %q reading the review of %q: %v", p.Name, a.Title, err)
				}
			}
		}
		for _, s := range []models.Scope{{Role: models.RoleMediator}, {Role: models.RolePartner, PartnerID: 1}, {Role: models.RoleHeadTeacher}} {
			if _, err := reports.LoadImpactReview(ctx, db, s, current, 0, now); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s reading the metropolis's review: %v", s.Role, err)
			}
		}
		for _, a := range agreements {
			for year := a.FirstYear; year <= min(a.LastYear, current.StartYear); year++ {
				r, err := reports.LoadImpactReview(ctx, db, coordination, calendar.SchoolYear{StartYear: year}, a.ID, now)
				if errors.Is(err, reports.ErrNoData) {
					t.Errorf("agreement %q, %d: no review", a.Title, year)
					continue
				}
				must(t, err)
				if r.Agreement == nil || r.Agreement.ID != a.ID || len(r.Years()) == 0 {
					t.Errorf("agreement %q, %d: review of %v over %d years", a.Title, year, r.Agreement, len(r.Years()))
				}
			}
		}
		f, err := reports.LoadImpact(ctx, db, current.Previous(), 0, now)
		must(t, err)
		iy := f.Current()
		valued := 0
		for _, c := range iy.AvoidedCosts {
			switch c.UnitCost.Basis {
			case models.BasisReengaged:
				valued++
				n := int64(iy.Activity.ExitsByReason[models.ExitReEngaged])
				if !c.Computed || c.LowCents != n*1_000_000 || c.HighCents != n*1_700_000 {
					t.Errorf("%d re-engaged pupils valued %+v", n, c)
				}
			case models.BasisConflictResolved:
				valued++
				agreed, _ := iy.Activity.SchoolLife.Resolution()
				if !c.Computed || c.LowCents != int64(agreed)*200_000 || c.HighCents != int64(agreed)*500_000 {
					t.Errorf("%d conflicts resolved valued %+v", agreed, c)
				}
			default:
				if c.Computed || c.Missing != reports.MissingBasis {
					t.Errorf("%q valued without a basis: %+v", c.UnitCost.Label, c)
				}
			}
		}
		if valued != 2 || len(iy.AvoidedCosts) != 4 {
			t.Errorf("%d unit values, %d valued; want 4 and 2", len(iy.AvoidedCosts), valued)
		}
	})
}
