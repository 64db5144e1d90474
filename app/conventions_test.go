package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

// demoAgreement is the demo's funding agreement with that funder: a partner organisation's name,
// or a public funder's kind.
func demoAgreement(t *testing.T, db *gorm.DB, funder string) models.FundingAgreement {
	t.Helper()
	var a models.FundingAgreement
	q := db.Table("funding_agreements").Select("funding_agreements.*")
	if models.FunderKind(funder).Valid() {
		q = q.Where("funder_kind = ?", funder)
	} else {
		q = q.Joins("JOIN partner_organisations p ON p.id = funding_agreements.partner_organisation_id").Where("p.name = ?", funder)
	}
	must(t, q.Order("funding_agreements.id").Take(&a).Error)
	return a
}

// conventionRoutes are the funding agreements' and unit values' pages for the authorization
// matrix, where the partner is the CAF's agent: the CAF's agreement is theirs to read.
func conventionRoutes(t *testing.T, db *gorm.DB) []route {
	caf := demoAgreement(t, db, "CAF du Nord")
	var cost models.UnitCost
	must(t, db.Order("id").Take(&cost).Error)
	readers := []models.Role{models.RoleCoordinator, models.RoleAdmin, models.RolePartner}
	coordination := []models.Role{models.RoleCoordinator}
	path := fmt.Sprintf("/conventions/%d", caf.ID)
	costPath := fmt.Sprintf("/settings/unit-costs/%d", cost.ID)
	return []route{
		{"GET", "/conventions", readers},
		{"GET", "/conventions/new", coordination},
		{"POST", "/conventions", coordination},
		{"GET", path, readers},
		{"GET", path + "/edit", coordination},
		{"POST", path, coordination},
		{"POST", path + "/delete", coordination},
		{"GET", "/settings/unit-costs", coordination},
		{"GET", "/settings/unit-costs/new", coordination},
		{"POST", "/settings/unit-costs", coordination},
		{"GET", costPath, coordination},
		{"POST", costPath, coordination},
	}
}

var conventionLocation = regexp.MustCompile(`^/conventions/(\d+)$`)

// conventionForm is the form of an agreement of the State over the Collège Albert Camus, as a
// browser sends it, with extra values replacing the defaults.
func conventionForm(t *testing.T, db *gorm.DB, extra url.Values) url.Values {
	t.Helper()
	var camus models.Establishment
	must(t, db.Where("name = ?", "Collège Albert Camus").Take(&camus).Error)
	v := url.Values{"title": {"Convention État – cités éducatives"}, "funder_kind": {"state"}, "first_year": {"2026"}, "last_year": {"2028"},
		"coverage": {"establishments"}, "establishment_ids": {fmt.Sprint(camus.ID)}, "communes": {"Lille"}, "amount": {"12 500,50"},
		"reference":        {"Arrêté préfectoral n° 2026-118"},
		"objective0_label": {"Familles rencontrées"}, "objective0_indicator": {"families_met_share"}, "objective0_target": {"80"},
		"objective1_label": {"Actions collectives"}, "objective1_indicator": {"collective_actions_count"}, "objective1_target": {"25"}}
	for k, vals := range extra {
		v[k] = vals
	}
	return v
}

func countRows(t *testing.T, db *gorm.DB, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := db.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	must(t, q.Count(&n).Error)
	return n
}

// The coordination's round of an agreement over HTTP: the list of the demo's, a form refused
// with a message beside each field and a summary, then recorded; its page with the amount to the
// cent and its objectives; an edit, a second edit from the same old version refused as stale, a
// deletion refused as stale then done; each change in the audit log.
func TestConventionsOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")

		r := coord.get("/conventions")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "3 conventions") || !strings.Contains(r.Body, "45\u00a0000,00\u00a0€") ||
			!strings.Contains(r.Body, "Toute la métropole") || !strings.Contains(r.Body, "2025-2026 → 2027-2028") ||
			!strings.Contains(r.Body, `<a href="/conventions" aria-current="page">Conventions</a>`) {
			t.Fatalf("list: %d %s", r.Status, excerpt(r.Body))
		}
		if r := coord.get("/conventions/new"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="_submission"`) ||
			!strings.Contains(r.Body, "Collège Albert Camus (Tourcoing, REP)") {
			t.Fatalf("new form: %d %s", r.Status, excerpt(r.Body))
		}

		before := countRows(t, db, &models.FundingAgreement{}, "")
		r = coord.post("/conventions", conventionForm(t, db, url.Values{"title": {" "}, "funder_kind": {"partner"}, "amount": {"douze mille"},
			"last_year": {"2025"}, "objective0_target": {"120"}, "objective1_indicator": {""}, "objective2_label": {"Sans cible"}}))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d %s", r.Status, excerpt(r.Body))
		}
		for _, want := range []string{"Donnez un intitulé à la convention.", "Choisissez l&#39;organisme partenaire qui finance.",
			"La dernière année ne peut pas précéder la première.", "Un montant en euros, au centime près", "Un pourcentage va de 0 à 100.",
			"Choisissez l&#39;indicateur.", "Indiquez la cible en chiffres", `href="#objective0_target"`, `id="title-error"`,
			`data-error-summary`, `value="Sans cible"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("bad form: no %q", want)
			}
		}
		if n := countRows(t, db, &models.FundingAgreement{}, ""); n != before {
			t.Fatalf("a refused form stored an agreement: %d → %d", before, n)
		}

		r = coord.post("/conventions", conventionForm(t, db, nil))
		m := conventionLocation.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("record: %d %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		path := r.Location
		var created models.FundingAgreement
		must(t, db.Take(&created, m[1]).Error)
		if created.AmountCents != 1_250_050 || created.FunderKind != models.FunderState || created.PartnerOrganisationID != nil ||
			created.FirstYear != 2026 || created.LastYear != 2028 || created.Coverage != models.CoverEstablishments {
			t.Errorf("stored: %+v", created)
		}
		if n := countRows(t, db, &models.FundingAgreementCommune{}, "funding_agreement_id = ?", created.ID); n != 0 {
			t.Errorf("communes kept beside establishments: %d", n)
		}
		r = coord.get(path)
		for _, want := range []string{"Convention enregistrée.", "12\u00a0500,50\u00a0€", "État", "2026-2027 → 2028-2029", "Collège Albert Camus",
			"Familles rencontrées", "80\u00a0%", "Nombre d&#39;actions collectives", "Arrêté préfectoral n° 2026-118"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("page: no %q in %s", want, excerpt(r.Body))
			}
		}
		if n := recordEvents(t, db, "funding_agreement", m[1], models.AuditCreated); n != 1 {
			t.Errorf("%d audit events for the creation", n)
		}

		if r := coord.get(path + "/edit"); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="12 500,50"`) ||
			!strings.Contains(r.Body, `name="version" value="1"`) {
			t.Fatalf("edit form: %d %s", r.Status, excerpt(r.Body))
		}
		edit := conventionForm(t, db, url.Values{"version": {"1"}, "coverage": {"communes"}, "amount": {"13 000"}})
		if r := coord.post(path, edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, excerpt(r.Body))
		}
		if n := countRows(t, db, &models.FundingAgreementEstablishment{}, "funding_agreement_id = ?", created.ID); n != 0 {
			t.Errorf("establishments kept beside communes: %d", n)
		}
		r = coord.post(path, conventionForm(t, db, url.Values{"version": {"1"}, "amount": {"9 000"}}))
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "modifiée entre-temps") || !strings.Contains(r.Body, "Hélène Vandewalle") ||
			!strings.Contains(r.Body, `name="version" value="2"`) || !strings.Contains(r.Body, `value="9 000"`) {
			t.Fatalf("stale edit: %d %s", r.Status, excerpt(r.Body))
		}
		must(t, db.Take(&created, m[1]).Error)
		if created.AmountCents != 1_300_000 || created.Version != 2 || created.Coverage != models.CoverCommunes {
			t.Errorf("after the stale edit: %+v", created)
		}

		if r := coord.post(path+"/delete", url.Values{"version": {"1"}}); r.Status != http.StatusConflict {
			t.Errorf("stale deletion: %d", r.Status)
		}
		if r := coord.post(path+"/delete", url.Values{"version": {"2"}}); r.Status != http.StatusSeeOther || r.Location != "/conventions" {
			t.Fatalf("deletion: %d %q", r.Status, r.Location)
		}
		if n := countRows(t, db, &models.FundingAgreementObjective{}, "funding_agreement_id = ?", created.ID); n != 0 {
			t.Errorf("%d objectives left after the deletion", n)
		}
		if n := recordEvents(t, db, "funding_agreement", m[1], models.AuditChanged, models.AuditDeleted); n != 2 {
			t.Errorf("%d audit events for the edit and the deletion", n)
		}
		if r := coord.get(path); r.Status != http.StatusNotFound {
			t.Errorf("deleted agreement: %d", r.Status)
		}

		// The same form sent twice records one agreement; the repeat leads to it.
		form := conventionForm(t, db, url.Values{"_submission": {formToken(t, coord.get("/conventions/new").Body, "/conventions")}})
		before = countRows(t, db, &models.FundingAgreement{}, "")
		first, again := coord.post("/conventions", form), coord.post("/conventions", form)
		if first.Status != http.StatusSeeOther || again.Status != http.StatusSeeOther || again.Location != first.Location ||
			countRows(t, db, &models.FundingAgreement{}, "") != before+1 {
			t.Errorf("a form sent twice: %d %q, then %d %q", first.Status, first.Location, again.Status, again.Location)
		}
	})
}

// Who reads the agreements: a partner's agent reads those its organisation funds and no other
// (404, as for any record outside a scope), read-only; the administrators read all and change
// none; the header offers them to those who read them.
func TestConventionsReaders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		caf, dep, metro := demoAgreement(t, db, "CAF du Nord"), demoAgreement(t, db, "Département du Nord — Service social"),
			demoAgreement(t, db, "metropole")

		agent := s.client(t)
		agent.login("caf@demo.test")
		r := agent.get("/conventions")
		// Titles as the page writes them (html/template writes "+" as "&#43;").
		cafTitle, depTitle, metroTitle := "Convention CAF – parentalité", "Convention Département", metro.Title
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "1 convention<") || !strings.Contains(r.Body, cafTitle) ||
			strings.Contains(r.Body, depTitle) || strings.Contains(r.Body, metroTitle) || strings.Contains(r.Body, "/conventions/new") {
			t.Fatalf("partner's list: %d %s", r.Status, excerpt(r.Body))
		}
		r = agent.get(fmt.Sprintf("/conventions/%d", caf.ID))
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Collège Jean Jaurès") || strings.Contains(r.Body, "/edit") ||
			strings.Contains(r.Body, "Supprimer cette convention") {
			t.Errorf("partner's agreement: %d %s", r.Status, excerpt(r.Body))
		}
		for _, a := range []models.FundingAgreement{dep, metro} {
			if r := agent.get(fmt.Sprintf("/conventions/%d", a.ID)); r.Status != http.StatusNotFound {
				t.Errorf("another funder's agreement %q: %d, want 404", a.Title, r.Status)
			}
		}
		other := s.client(t)
		other.login("departement@demo.test")
		if r := other.get("/conventions"); !strings.Contains(r.Body, depTitle) || strings.Contains(r.Body, cafTitle) {
			t.Errorf("the Département's list: %s", excerpt(r.Body))
		}
		if r := other.get(fmt.Sprintf("/conventions/%d", caf.ID)); r.Status != http.StatusNotFound {
			t.Errorf("the CAF's agreement read by the Département: %d", r.Status)
		}

		admin := s.client(t)
		admin.login("admin@demo.test")
		if r := admin.get("/conventions"); r.Status != http.StatusOK || !strings.Contains(r.Body, "3 conventions") ||
			strings.Contains(r.Body, "/conventions/new") || !strings.Contains(r.Body, `href="/conventions"`) {
			t.Errorf("administrator's list: %d %s", r.Status, excerpt(r.Body))
		}
		if r := admin.post(fmt.Sprintf("/conventions/%d", caf.ID), conventionForm(t, db, url.Values{"version": {"1"}})); r.Status != http.StatusNotFound {
			t.Errorf("administrator's edit: %d", r.Status)
		}
		if r := agent.get("/"); !strings.Contains(r.Body, `href="/conventions"`) {
			t.Error("the CAF's agent has no link to its agreements")
		}
		med := s.client(t)
		med.login("mediation@demo.test")
		if r := med.get("/"); strings.Contains(r.Body, `href="/conventions"`) {
			t.Error("a mediator is offered the agreements")
		}
	})
}

// The coordination's unit values over HTTP: the demo's, marked for checking; a value refused
// without its source or with a range that does not hold it; added, changed, and its history
// saying who changed it and when; an edit from an old version refused as stale.
func TestUnitCostsOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")
		r := coord.get("/settings/unit-costs")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "4 valeurs de référence") || !strings.Contains(r.Body, "à vérifier") ||
			!strings.Contains(r.Body, "13\u00a0000,00\u00a0€") || !strings.Contains(r.Body, "Hélène Vandewalle") ||
			!strings.Contains(r.Body, "Élèves raccrochés") || !strings.Contains(r.Body, "Conflits résolus par un accord") ||
			strings.Count(r.Body, "Aucun (valeur listée seulement)") != 2 {
			t.Fatalf("list: %d %s", r.Status, excerpt(r.Body))
		}
		if r := coord.get("/settings/unit-costs/new"); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="basis-none" name="basis" value=""`) ||
			!strings.Contains(r.Body, "Le bilan calcule : nombre de dossiers clos par un raccrochage × valeur unitaire.") ||
			!strings.Contains(r.Body, "−(écart de demi-journées injustifiées") {
			t.Fatalf("new form: %d %s", r.Status, excerpt(r.Body))
		}
		before := countRows(t, db, &models.UnitCost{}, "")
		form := url.Values{"label": {"Coût d'un signalement"}, "amount": {"1 200"}, "unit": {"par signalement"}, "source": {" "},
			"source_year": {"2024"}, "low": {"1 500"}, "high": {"900"}}
		r = coord.post("/settings/unit-costs", form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "La source est obligatoire") ||
			!strings.Contains(r.Body, "La borne basse ne peut pas dépasser la valeur.") ||
			!strings.Contains(r.Body, "La borne haute ne peut pas être inférieure à la valeur.") || !strings.Contains(r.Body, `href="#source"`) {
			t.Fatalf("bad form: %d %s", r.Status, excerpt(r.Body))
		}
		if n := countRows(t, db, &models.UnitCost{}, ""); n != before {
			t.Fatalf("a refused form stored a value: %d → %d", before, n)
		}
		form.Set("source", "Étude de la coordination, 2024")
		form.Set("low", "900")
		form.Set("high", "1 500,00")
		if r := coord.post("/settings/unit-costs", form); r.Status != http.StatusSeeOther || r.Location != "/settings/unit-costs" {
			t.Fatalf("create: %d %s", r.Status, excerpt(r.Body))
		}
		var c models.UnitCost
		must(t, db.Where("label = ?", "Coût d'un signalement").Take(&c).Error)
		if c.AmountCents != 120_000 || c.LowCents == nil || *c.LowCents != 90_000 || c.HighCents == nil || *c.HighCents != 150_000 {
			t.Errorf("stored: %+v", c)
		}
		if c.Basis != "" {
			t.Errorf("a value added without a basis has %q", c.Basis)
		}
		path := fmt.Sprintf("/settings/unit-costs/%d", c.ID)
		if r := coord.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="basis-none" name="basis" value="" aria-describedby="basis-none-hint" checked`) {
			t.Fatalf("form without a basis: %d %s", r.Status, excerpt(r.Body))
		}
		// The basis is changed through the form, then kept by an edit of the amount.
		form.Set("version", "1")
		form.Set("amount", "1 300")
		form.Set("basis", string(models.BasisReferralDelivered))
		if r := coord.post(path, form); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, excerpt(r.Body))
		}
		must(t, db.Take(&c, c.ID).Error)
		if c.Basis != models.BasisReferralDelivered || c.Version != 2 {
			t.Fatalf("basis not changed: %+v", c)
		}
		if r := coord.get(path); r.Status != http.StatusOK ||
			!strings.Contains(r.Body, `id="basis-referral_delivered" name="basis" value="referral_delivered" aria-describedby="basis-referral_delivered-hint" checked`) {
			t.Fatalf("form with a basis: %d %s", r.Status, excerpt(r.Body))
		}
		// A basis that is none of the list is refused, and changes nothing.
		changes := countRows(t, db, &models.UnitCostChange{}, "unit_cost_id = ?", c.ID)
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("version", "2")
		bad.Set("amount", "1 350")
		bad.Set("basis", "savings")
		if r := coord.post(path, bad); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Choisissez un résultat valorisé dans la liste.") || !strings.Contains(r.Body, `href="#basis-fieldset"`) ||
			!strings.Contains(r.Body, `id="basis-fieldset" aria-describedby="basis-hint basis-error"`) {
			t.Fatalf("bad basis: %d %s", r.Status, excerpt(r.Body))
		}
		var after models.UnitCost
		must(t, db.Take(&after, c.ID).Error)
		if after.Basis != models.BasisReferralDelivered || after.Version != 2 || after.AmountCents != 130_000 {
			t.Errorf("a refused basis changed the value: %+v", after)
		}
		if n := countRows(t, db, &models.UnitCostChange{}, "unit_cost_id = ?", c.ID); n != changes {
			t.Errorf("a refused basis wrote a version: %d → %d", changes, n)
		}
		form.Set("version", "2")
		form.Set("amount", "1 350")
		if r := coord.post(path, form); r.Status != http.StatusSeeOther {
			t.Fatalf("edit keeping the basis: %d %s", r.Status, excerpt(r.Body))
		}
		must(t, db.Take(&c, c.ID).Error)
		if c.Basis != models.BasisReferralDelivered || c.AmountCents != 135_000 {
			t.Errorf("basis not kept: %+v", c)
		}
		form.Set("version", "1")
		form.Set("amount", "1 400")
		form.Set("basis", string(models.BasisReengaged))
		if r := coord.post(path, form); r.Status != http.StatusConflict || !strings.Contains(r.Body, "modifiée entre-temps") ||
			!strings.Contains(r.Body, `name="version" value="3"`) ||
			!strings.Contains(r.Body, "Résultat valorisé : valeur actuelle « Orientations abouties (accompagnement en place) », votre saisie « Élèves raccrochés") {
			t.Fatalf("stale edit: %d %s", r.Status, excerpt(r.Body))
		}
		r = coord.get(path)
		_, history, _ := strings.Cut(r.Body, "Historique des modifications")
		if r.Status != http.StatusOK || strings.Count(history, "Hélène Vandewalle") != 3 || !strings.Contains(history, "1\u00a0300,00\u00a0€") ||
			!strings.Contains(history, "1\u00a0200,00\u00a0€") || strings.Contains(history, "1\u00a0400,00\u00a0€") ||
			strings.Count(history, "Orientations abouties (accompagnement en place)") != 2 || strings.Count(history, "Aucun (valeur listée seulement)") != 1 {
			t.Errorf("history: %d %s", r.Status, excerpt(r.Body))
		}
		var versions []models.UnitCostChange
		must(t, db.Where("unit_cost_id = ?", c.ID).Order("version").Find(&versions).Error)
		if len(versions) != 3 || versions[0].Basis != "" || versions[1].Basis != models.BasisReferralDelivered || versions[2].Basis != models.BasisReferralDelivered {
			t.Errorf("versions in the history: %+v", versions)
		}
		if n := recordEvents(t, db, "unit_cost", fmt.Sprint(c.ID), models.AuditCreated, models.AuditChanged); n != 3 {
			t.Errorf("%d audit events", n)
		}
	})
}
