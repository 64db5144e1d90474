package models_test

import (
	"errors"
	"slices"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// TestSignedInReadsAccountAndScopeInOneQuery: the account and scope that every signed-in
// request reads come from one statement, agree with the account loaded with its establishments,
// and follow a change of assignments, role or activity at once (nothing is cached).
func TestSignedInReadsAccountAndScopeInOneQuery(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		both, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "ab@x.fr", DisplayName: "Médiatrice AB",
			Role: models.RoleMediator, EstablishmentIDs: []uint{w.b.ID, w.a.ID}, Active: true}, "h", false)
		must(t, err)
		partner := models.PartnerOrganisation{Name: "CAF du Nord", Kind: models.PartnerCAF, ResponseDays: 15, Active: true}
		must(t, db.Create(&partner).Error)
		agent, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "caf@x.fr", DisplayName: "Agent CAF",
			Role: models.RolePartner, PartnerOrganisationID: &partner.ID, Active: true}, "h", false)
		must(t, err)

		counter := dbtest.CountQueries(db)
		for _, id := range []uint{w.medA.ID, both.ID, agent.ID} {
			full, err := models.UserByID(w.ctx, db, id)
			must(t, err)
			counter.Reset()
			u, s, err := models.SignedIn(w.ctx, db, id)
			must(t, err)
			if n := counter.Count(); n != 1 {
				t.Errorf("user %d: %d statements, want 1", id, n)
			}
			want := models.ScopeOf(full)
			slices.Sort(want.EstablishmentIDs)
			if s.UserID != want.UserID || s.Role != want.Role || s.PartnerID != want.PartnerID ||
				!slices.Equal(s.EstablishmentIDs, want.EstablishmentIDs) {
				t.Errorf("user %d: scope %+v, want %+v", id, s, want)
			}
			if u.ID != id || u.Email != full.Email || u.Role != full.Role || u.Active != full.Active || u.Locale != full.Locale {
				t.Errorf("user %d: read %+v, want %+v", id, u, full)
			}
		}
		if _, s, err := models.SignedIn(w.ctx, db, both.ID); err != nil || len(s.EstablishmentIDs) != 2 || !s.CoversEstablishment(w.b.ID) {
			t.Errorf("two establishments: %+v, %v", s, err)
		}

		// An assignment removed, then the account deactivated: the next read says so.
		_, err = models.SaveAccount(w.ctx, db, both.ID, models.Account{Email: "ab@x.fr", DisplayName: "Médiatrice AB",
			Role: models.RoleMediator, EstablishmentIDs: []uint{w.a.ID}, Active: true}, "", false)
		must(t, err)
		if _, s, err := models.SignedIn(w.ctx, db, both.ID); err != nil || s.CoversEstablishment(w.b.ID) || !s.CoversEstablishment(w.a.ID) {
			t.Errorf("after removing B: %+v, %v", s, err)
		}
		_, err = models.SaveAccount(w.ctx, db, both.ID, models.Account{Email: "ab@x.fr", DisplayName: "Médiatrice AB",
			Role: models.RoleMediator, EstablishmentIDs: []uint{w.a.ID}, Active: false}, "", false)
		must(t, err)
		if u, s, err := models.SignedIn(w.ctx, db, both.ID); err != nil || u.Active || s.SeesPupilFiles() || s.Role != "" {
			t.Errorf("deactivated: active %v, scope %+v, %v", u.Active, s, err)
		}
		if _, _, err := models.SignedIn(w.ctx, db, 999999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown account: %v, want ErrNotFound", err)
		}
	})
}
