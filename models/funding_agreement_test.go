package models_test

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

func TestParseEuros(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"12 500,00", 1_250_000, true},
		{"12\u00a0500,50\u00a0€", 1_250_050, true},
		{"12500.5", 1_250_050, true},
		{"12.500,00 €", 1_250_000, true},
		{"12,500.00", 1_250_000, true},
		{"12.500", 1_250_000, true},
		{"1.234.567", 123_456_700, true},
		{"0,07", 7, true},
		{"45000", 4_500_000, true},
		{"", 0, false},
		{"-5", 0, false},
		{"12,345,6", 0, false},
		{"12,5a", 0, false},
		{"douze mille", 0, false},
		{"1,234", 123_400, true},
		{"3,141", 314_100, true},
		{"10,123,45", 0, false},
		{"1234567890123", 0, false},
	} {
		cents, ok := models.ParseEuros(c.in)
		if ok != c.ok || ok && cents != c.cents {
			t.Errorf("ParseEuros(%q) = %d, %v; want %d, %v", c.in, cents, ok, c.cents, c.ok)
		}
	}
}

// valid is an agreement of the State over one establishment, with one objective.
func validAgreement(establishment uint) models.FundingAgreementInput {
	return models.FundingAgreementInput{Title: "Convention État", FunderKind: models.FunderState, FirstYear: 2026, LastYear: 2027,
		Coverage: models.CoverEstablishments, EstablishmentIDs: []uint{establishment}, AmountCents: 1_000_000,
		Objectives: []models.ObjectiveInput{{Row: 0, Label: "Familles", Indicator: models.IndicatorFamiliesMet, Target: 80}}}
}

// Each rule of an agreement refuses with its message on its field, and nothing is stored; the
// coordination alone records one, and a partner's agent reads only those its organisation
// funds.
func TestFundingAgreementRules(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		coord, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "c@x.fr", DisplayName: "Coordination", Role: models.RoleCoordinator, Active: true}, "h", false)
		must(t, err)
		cs := models.ScopeOf(coord)
		actor := models.Actor{UserID: &coord.ID, Email: coord.Email}
		caf := models.PartnerOrganisation{Name: "CAF", Kind: models.PartnerCAF, ResponseDays: 15, Active: true}
		must(t, db.Create(&caf).Error)
		cases := []struct {
			name, field, key string
			change           func(in *models.FundingAgreementInput)
		}{
			{"no title", "title", "impact.agreement.title_required", func(in *models.FundingAgreementInput) { in.Title = "  " }},
			{"unknown funder", "funder_kind", "impact.agreement.funder_required", func(in *models.FundingAgreementInput) { in.FunderKind = "bank" }},
			{"partner without id", "partner_id", "impact.agreement.partner_required", func(in *models.FundingAgreementInput) { in.FunderKind = models.FunderPartner }},
			{"unknown partner", "partner_id", "impact.agreement.partner_required", func(in *models.FundingAgreementInput) {
				in.FunderKind, in.PartnerID = models.FunderPartner, 999999
			}},
			{"years reversed", "last_year", "impact.agreement.years_order", func(in *models.FundingAgreementInput) { in.LastYear = 2025 }},
			{"too many years", "last_year", "impact.agreement.years_too_many", func(in *models.FundingAgreementInput) { in.LastYear = 2040 }},
			{"no establishment", "establishment_ids", "impact.agreement.establishments_required", func(in *models.FundingAgreementInput) { in.EstablishmentIDs = nil }},
			{"unknown establishment", "establishment_ids", "impact.agreement.establishment_unknown", func(in *models.FundingAgreementInput) {
				in.EstablishmentIDs = []uint{999999}
			}},
			{"unknown commune", "communes", "impact.agreement.commune_unknown", func(in *models.FundingAgreementInput) {
				in.Coverage, in.Communes = models.CoverCommunes, []string{"Atlantis"}
			}},
			{"no coverage", "coverage", "impact.agreement.coverage_required", func(in *models.FundingAgreementInput) { in.Coverage = "" }},
			{"negative amount", "amount", "impact.agreement.amount_invalid", func(in *models.FundingAgreementInput) { in.AmountCents = -1 }},
			{"percent above 100", "objective0_target", "impact.agreement.target_percent", func(in *models.FundingAgreementInput) { in.Objectives[0].Target = 101 }},
			{"fractional count", "objective0_target", "impact.agreement.target_count", func(in *models.FundingAgreementInput) {
				in.Objectives[0].Indicator, in.Objectives[0].Target = models.IndicatorCollectiveActions, 2.5
			}},
			{"unknown indicator", "objective0_indicator", "impact.agreement.objective_indicator_required", func(in *models.FundingAgreementInput) {
				in.Objectives[0].Indicator = "happiness"
			}},
			{"objective without label", "objective0_label", "impact.agreement.objective_label_required", func(in *models.FundingAgreementInput) {
				in.Objectives[0].Label = ""
			}},
		}
		for _, c := range cases {
			in := validAgreement(w.a.ID)
			c.change(&in)
			_, err := models.CreateFundingAgreement(w.ctx, db, cs, actor, w.now, in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key != c.key {
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
		var n int64
		must(t, db.Model(&models.FundingAgreement{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d agreements stored by refused inputs", n)
		}
		if _, err := models.CreateFundingAgreement(w.ctx, db, w.scopeA, w.actorA, w.now, validAgreement(w.a.ID)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a mediator records an agreement: %v", err)
		}

		// Communes: what the establishments' communes are; the establishments ticked are dropped.
		in := validAgreement(w.a.ID)
		in.FunderKind, in.PartnerID, in.Coverage, in.Communes = models.FunderPartner, caf.ID, models.CoverCommunes, []string{"Roubaix", " Roubaix "}
		fromCAF, err := models.CreateFundingAgreement(w.ctx, db, cs, actor, w.now, in)
		must(t, err)
		state, err := models.CreateFundingAgreement(w.ctx, db, cs, actor, w.now, validAgreement(w.b.ID))
		must(t, err)
		d, err := models.LoadFundingAgreement(w.ctx, db, cs, fromCAF.ID)
		must(t, err)
		if len(d.Communes) != 1 || d.Communes[0] != "Roubaix" || len(d.Establishments) != 0 || d.PartnerName != "CAF" || len(d.Objectives) != 1 {
			t.Errorf("CAF's agreement: %+v", d)
		}

		agent, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "caf@x.fr", DisplayName: "Agent", Role: models.RolePartner,
			PartnerOrganisationID: &caf.ID, Active: true}, "h", false)
		must(t, err)
		_, as, err := models.SignedIn(w.ctx, db, agent.ID)
		must(t, err)
		if !as.FundsAgreement || !as.ReadsAgreements() || as.EditsAgreements() {
			t.Errorf("CAF agent's scope: %+v", as)
		}
		rows, err := models.ListFundingAgreements(w.ctx, db, as)
		must(t, err)
		if len(rows) != 1 || rows[0].ID != fromCAF.ID || rows[0].Communes != 1 || rows[0].Objectives != 1 {
			t.Errorf("the CAF agent lists %+v", rows)
		}
		if _, err := models.LoadFundingAgreement(w.ctx, db, as, state.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the CAF agent reads the State's agreement: %v", err)
		}
		if _, err := models.UpdateFundingAgreement(w.ctx, db, as, actor, w.now, fromCAF.ID, 1, in); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the CAF agent edits its agreement: %v", err)
		}
		if _, err := models.ListFundingAgreements(w.ctx, db, w.scopeA); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a mediator lists the agreements: %v", err)
		}
		if _, s, err := models.SignedIn(w.ctx, db, w.medA.ID); err != nil || s.FundsAgreement {
			t.Errorf("a mediator's scope funds an agreement: %v", err)
		}

		// A partner that funds nothing reads nothing; its agents are not offered the page.
		other := models.PartnerOrganisation{Name: "Mission locale", Kind: models.PartnerMissionLocale, ResponseDays: 21, Active: true}
		must(t, db.Create(&other).Error)
		ml, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "ml@x.fr", DisplayName: "ML", Role: models.RolePartner,
			PartnerOrganisationID: &other.ID, Active: true}, "h", false)
		must(t, err)
		_, ms, err := models.SignedIn(w.ctx, db, ml.ID)
		must(t, err)
		rows, err = models.ListFundingAgreements(w.ctx, db, ms)
		must(t, err)
		if ms.FundsAgreement || len(rows) != 0 {
			t.Errorf("a partner that funds nothing: %+v, %d rows", ms, len(rows))
		}
	})
}

// A unit value needs its source and a year of source not to come, and a range that holds it;
// only the coordination enters one; each save adds a version to its history, and an edit from
// an old version is refused as stale.
func TestUnitCostRules(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		coord, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "c@x.fr", DisplayName: "Coordination", Role: models.RoleCoordinator, Active: true}, "h", false)
		must(t, err)
		cs := models.ScopeOf(coord)
		actor := models.Actor{UserID: &coord.ID, Email: coord.Email}
		low, high := int64(90_000), int64(150_000)
		valid := models.UnitCostInput{Label: "Coût d'un signalement", AmountCents: 120_000, Unit: "par signalement", Source: "Étude 2024",
			SourceYear: 2024, LowCents: &low, HighCents: &high}
		for _, c := range []struct {
			name, field, key string
			change           func(in *models.UnitCostInput)
		}{
			{"no source", "source", "impact.unit_cost.source_required", func(in *models.UnitCostInput) { in.Source = " \n" }},
			{"source to come", "source_year", "impact.unit_cost.source_year_range", func(in *models.UnitCostInput) { in.SourceYear = w.now.Year() + 1 }},
			{"source too old", "source_year", "impact.unit_cost.source_year_range", func(in *models.UnitCostInput) { in.SourceYear = 1980 }},
			{"no unit", "unit", "impact.unit_cost.unit_required", func(in *models.UnitCostInput) { in.Unit = "" }},
			{"low above", "low", "impact.unit_cost.low_above", func(in *models.UnitCostInput) { in.AmountCents = 80_000 }},
			{"high below", "high", "impact.unit_cost.high_below", func(in *models.UnitCostInput) { in.AmountCents = 160_000 }},
			{"unknown basis", "basis", "impact.unit_cost.basis_invalid", func(in *models.UnitCostInput) { in.Basis = "pupils" }},
		} {
			in := valid
			c.change(&in)
			_, err := models.CreateUnitCost(w.ctx, db, cs, actor, w.now, in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key != c.key {
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
		if _, err := models.CreateUnitCost(w.ctx, db, w.scopeA, w.actorA, w.now, valid); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a mediator enters a unit value: %v", err)
		}
		c, err := models.CreateUnitCost(w.ctx, db, cs, actor, w.now, valid)
		must(t, err)
		valid.AmountCents, valid.Basis = 130_000, models.BasisConflictResolved
		if _, err := models.UpdateUnitCost(w.ctx, db, cs, actor, w.now.Add(time.Hour), c.ID, 1, valid); err != nil {
			t.Fatalf("update: %v", err)
		}
		var stale *models.StaleError
		if _, err := models.UpdateUnitCost(w.ctx, db, cs, actor, w.now, c.ID, 1, valid); !errors.As(err, &stale) || stale.Version != 2 || stale.ChangedBy != "Coordination" {
			t.Errorf("stale update: %v", err)
		}
		h, err := models.LoadUnitCost(w.ctx, db, c.ID)
		must(t, err)
		if len(h.History) != 2 || h.History[0].Version != 2 || h.History[0].AmountCents != 130_000 || h.History[1].AmountCents != 120_000 ||
			h.History[0].ChangedByName != "Coordination" || h.Basis != models.BasisConflictResolved ||
			h.History[0].Basis != models.BasisConflictResolved || h.History[1].Basis != "" {
			t.Errorf("history: %+v", h.History)
		}
	})
}
