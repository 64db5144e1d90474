package models_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/gendata"
)

// formerReferralsForWorklist is ReferralsForWorklist as it was before issue 18's fifth round:
// the scope's referrals first, the user's kept after. The new shape must give the same rows in
// the same order.
func formerReferralsForWorklist(db *gorm.DB, s models.Scope, userID uint, now, since time.Time) (overdue, answered []models.ReferralRow, err error) {
	if since.IsZero() {
		since = now.Add(-models.WorklistSince)
	}
	answers := []models.ReferralStatus{models.ReferralAcknowledged, models.ReferralAccepted, models.ReferralDeclined, models.ReferralClosed}
	rows := func(extra string, extraArgs ...any) *gorm.DB {
		expr, args := models.OverdueSQL(db, now)
		return s.ReferralsJoined(db.Table("referrals")).
			Select("referrals.*, pupils.last_name AS pupil_last_name, pupils.first_name AS pupil_first_name, "+
				"pupils.class_level AS pupil_class_level, pupils.class_name AS pupil_class_name, pupils.establishment_id, "+
				"establishments.name AS establishment_name, partner_organisations.name AS partner_name, "+
				"partner_organisations.response_days, users.display_name AS sender_name, "+expr+" AS overdue"+extra, append(args, extraArgs...)...).
			Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
			Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
			Joins("JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id").
			Joins("LEFT JOIN users ON users.id = referrals.sender_id").
			Where("pupils.anonymised_at IS NULL").
			Where("(referrals.sender_id = ? OR pupils.referent_mediator_id = ?)", userID, userID)
	}
	expr, args := models.OverdueSQL(db, now)
	if err = rows("").Where(expr, args...).Order("referrals.sent_at, referrals.id").Scan(&overdue).Error; err != nil {
		return nil, nil, err
	}
	last := "(SELECT MAX(rt.at) FROM referral_transitions rt WHERE rt.referral_id = referrals.id AND rt.to_status IN ?)"
	err = rows(", "+last+" AS last_answer_at", answers).
		Where("EXISTS (SELECT 1 FROM referral_transitions rt WHERE rt.referral_id = referrals.id AND rt.to_status IN ? AND rt.at > ?)",
			answers, since.UTC()).
		Order("last_answer_at DESC, referrals.id DESC").Scan(&answered).Error
	return overdue, answered, err
}

// formerOpenDecisions is OpenDecisionsOfLastReviews as it was before the fifth round: every
// session of the establishments checked against its last, names joined.
func formerOpenDecisions(db *gorm.DB, s models.Scope, now time.Time) ([]models.ReviewWorkRow, error) {
	var out []models.ReviewWorkRow
	err := db.Table("case_reviews cr").
		Select("cr.id AS case_review_id, cr.held_on, cr.kind, e.name AS establishment_name, pupils.id AS pupil_id, "+
			"pupils.first_name, pupils.last_name, crp.decision, na.due_on, users.display_name AS owner_name, na.owner_label").
		Joins("JOIN establishments e ON e.id = cr.establishment_id").
		Joins("JOIN case_review_pupils crp ON crp.case_review_id = cr.id").
		Joins("JOIN pupils ON pupils.id = crp.pupil_id").
		Joins("JOIN next_actions na ON na.case_review_id = cr.id AND na.pupil_id = crp.pupil_id").
		Joins("LEFT JOIN users ON users.id = na.owner_user_id").
		Where("cr.establishment_id IN ? AND na.done_at IS NULL AND pupils.anonymised_at IS NULL", s.EstablishmentIDs).
		Where("cr.id = (SELECT c2.id FROM case_reviews c2 WHERE c2.establishment_id = cr.establishment_id AND c2.held_on <= ? "+
			"ORDER BY c2.held_on DESC, c2.id DESC LIMIT 1)", calendar.Today(now)).
		Order("na.due_on, pupils.search_name, pupils.id").Scan(&out).Error
	return out, err
}

// The worklist's referrals and prevention-group decisions, read from the user's own referrals
// and from each establishment's last session, are those of the former queries, in the same
// order, for every mediator of the generated small metropolis, on several marks of the last
// visit (none, a day, a month) and on a purged copy.
func TestWorklistQueriesMatchTheirFormerShape(t *testing.T) {
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	compareOnGeneratedData(t, now, []models.Role{models.RoleMediator}, func(t *testing.T, db *gorm.DB, round string, id uint, s models.Scope) map[string]int {
		ctx := context.Background()
		var overdue, answered int
		for _, since := range []time.Time{{}, now.AddDate(0, 0, -1), now.AddDate(0, -1, 0)} {
			wantO, wantA, err := formerReferralsForWorklist(db, s, id, now, since)
			must(t, err)
			gotO, gotA, err := models.ReferralsForWorklist(ctx, db, s, id, now, since)
			must(t, err)
			what := fmt.Sprintf("%s: mediator %d since %s", round, id, since.Format(time.DateOnly))
			if !reflect.DeepEqual(gotO, wantO) {
				t.Errorf("%s: overdue referrals\n got %d: %+v\nwant %d: %+v", what, len(gotO), ids(gotO), len(wantO), ids(wantO))
			}
			if !reflect.DeepEqual(gotA, wantA) {
				t.Errorf("%s: answered referrals\n got %d: %+v\nwant %d: %+v", what, len(gotA), ids(gotA), len(wantA), ids(wantA))
			}
			overdue += len(wantO)
			answered += len(wantA)
		}
		want, err := formerOpenDecisions(db, s, now)
		must(t, err)
		got, err := models.OpenDecisionsOfLastReviews(ctx, db, s, now)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: mediator %d: open decisions\n got %+v\nwant %+v", round, id, got, want)
		}
		return map[string]int{"overdue referrals": overdue, "answered referrals": answered, "open decisions": len(want)}
	})
}

// compareOnGeneratedData generates the small metropolis on each database (at now) and calls
// compare for every user of the roles, with their scope, once on the generated data and once
// after a purge (round says which). compare returns how many rows it compared, by what they
// are: the test fails when the generated data gives none of one kind, since a comparison means
// something only if there is something to compare.
func compareOnGeneratedData(t *testing.T, now time.Time, roles []models.Role,
	compare func(t *testing.T, db *gorm.DB, round string, id uint, s models.Scope) map[string]int) {
	if testing.Short() {
		t.Skip("generates the small metropolis on each database")
	}
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if _, err := gendata.Generate(ctx, db, gendata.Options{Scale: gendata.ScaleSmall, Seed: 1, Now: now}); err != nil {
			t.Fatalf("Generate: %v", err)
		}
		var users []uint
		must(t, db.Model(&models.User{}).Where("role IN ?", roles).Order("id").Pluck("id", &users).Error)
		each := func(round string) map[string]int {
			total := map[string]int{}
			for _, id := range users {
				_, s, err := models.SignedIn(ctx, db, id)
				must(t, err)
				for what, n := range compare(t, db, round, id, s) {
					total[what] += n
				}
			}
			return total
		}
		for what, n := range each("generated") {
			if n == 0 {
				t.Fatalf("the generated data gives no %s to compare", what)
			}
		}
		if _, err := models.Purge(ctx, db, now, false, models.Actor{Email: "purge@test"}); err != nil {
			t.Fatalf("Purge: %v", err)
		}
		each("purged")
	})
}

func ids(rows []models.ReferralRow) []uint {
	out := make([]uint, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}
