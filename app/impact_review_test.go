package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// impactRoutes are the annual review's pages for the authorization matrix, where the partner
// is the CAF's agent: the CAF's agreement is theirs to read; the metropolis's review sends a
// funder's agent to its own agreement's.
func impactRoutes(caf models.FundingAgreement) []route {
	readers := []models.Role{models.RoleCoordinator, models.RolePartner}
	q := fmt.Sprintf("?year=2025-2026&convention=%d", caf.ID)
	return []route{
		{"GET", "/reports/impact", readers},
		{"GET", "/reports/impact.pdf", readers},
		{"GET", "/reports/impact" + q, readers},
		{"GET", "/reports/impact.pdf" + q, readers},
	}
}

// The annual review over HTTP: the coordination reads the metropolis's and every agreement's,
// a funder's agent its own agreement's only (404 for another funder's, as for any record
// outside a scope, and for the metropolis's: it is sent to its own); the other roles get 404.
// The page and its PDF print the same figures, the PDF has the methodology annex, neither
// names a pupil.
func TestImpactReviewOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		names := pupilNames(t, db)
		noNames := func(what, text string) {
			t.Helper()
			for _, n := range names {
				if regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(n) + `\b`).MatchString(text) {
					t.Errorf("%s names the pupil %q", what, n)
				}
			}
		}
		caf, dep := demoAgreement(t, db, "CAF du Nord"), demoAgreement(t, db, "Département du Nord — Service social")

		coord := s.client(t)
		coord.login("coordination@demo.test")
		page := coord.get("/reports/impact?year=2025-2026")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Bilan annuel de la médiation scolaire") {
			t.Fatalf("metropolis's review: %d %s", page.Status, excerpt(page.Body))
		}
		for _, want := range []string{"Public touché", "Activité", "Absences avant et après le début du suivi",
			"Effet estimé : comparaison avec des élèves semblables", "Sorties du dispositif par motif", "Orientations vers les partenaires",
			"Médiation des conflits", "Coûts évités", "D&#39;une année sur l&#39;autre", "Annexe : méthode et limites",
			"Retour vers la moyenne", "Chiffres arrêtés le", `name="convention"`, `<option value="" selected>Toute la métropole</option>`,
			fmt.Sprintf(`<option value="%d">`, caf.ID), `href="/reports/impact.pdf?year=2025-2026"`,
			`<a href="/conventions" aria-current="page">Conventions</a>`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("metropolis's review lacks %q", want)
			}
		}
		noNames("metropolis's review", page.Body)
		metroPDF := coord.get("/reports/impact.pdf?year=2025-2026")
		pdf := metroPDF
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatalf("metropolis's PDF: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		if n := recordEvents(t, db, "report", "impact", models.AuditPDFExported); n != 1 {
			t.Errorf("%d audit events for the PDF, want 1", n)
		}

		// The CAF's agreement, read by its agent and by the coordination: the same figures.
		agent := s.client(t)
		agent.login("caf@demo.test")
		path := fmt.Sprintf("/reports/impact?year=2025-2026&convention=%d", caf.ID)
		mine := agent.get(path)
		if mine.Status != http.StatusOK || !strings.Contains(mine.Body, "Objectifs de la convention") ||
			!strings.Contains(mine.Body, "CAF du Nord") || strings.Contains(mine.Body, "Toute la métropole</option>") ||
			strings.Contains(mine.Body, fmt.Sprintf(`<option value="%d"`, dep.ID)) {
			t.Fatalf("the CAF's review read by its agent: %d %s", mine.Status, excerpt(mine.Body))
		}
		noNames("the CAF's review", mine.Body)
		if theirs := coord.get(path); theirs.Status != http.StatusOK {
			t.Errorf("the CAF's review read by the coordination: %d", theirs.Status)
		} else if a, b := figuresOf(mine.Body), figuresOf(theirs.Body); strings.Join(a, "|") != strings.Join(b, "|") {
			t.Errorf("the agent and the coordination read other figures:\n%q\n%q", a, b)
		}
		pdf = agent.get(fmt.Sprintf("/reports/impact.pdf?year=2025-2026&convention=%d", caf.ID))
		if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatalf("the CAF's PDF: %d", pdf.Status)
		}
		for _, p := range []string{"/reports/impact", "/reports/impact.pdf"} {
			if r := agent.get(p); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, p+"?") ||
				!strings.HasSuffix(r.Location, fmt.Sprintf("convention=%d", caf.ID)) {
				t.Errorf("%s asked by the CAF's agent: %d %q", p, r.Status, r.Location)
			}
		}
		for _, p := range []string{fmt.Sprintf("/reports/impact?convention=%d", dep.ID), fmt.Sprintf("/reports/impact.pdf?convention=%d", dep.ID),
			"/reports/impact?convention=999999"} {
			if r := agent.get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s by the CAF's agent: %d, want 404", p, r.Status)
			}
		}
		for _, email := range []string{"mediation@demo.test", "direction@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(email)
			for _, p := range []string{"/reports/impact", path, "/reports/impact.pdf?convention=" + fmt.Sprint(caf.ID)} {
				if r := cl.get(p); r.Status != http.StatusNotFound {
					t.Errorf("%s by %s: %d, want 404", p, email, r.Status)
				}
			}
		}

		// Bad input: a clear French message, never a 500.
		if r := coord.get("/reports/impact?convention=abc"); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "n&#39;existe pas") {
			t.Errorf("malformed agreement: %d %s", r.Status, excerpt(r.Body))
		}
		if r := coord.get("/reports/impact?year=2026"); r.Status != http.StatusBadRequest {
			t.Errorf("malformed year: %d", r.Status)
		}
		if r := coord.get("/reports/impact?year=2015-2016"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Aucune donnée") {
			t.Errorf("year without data: %d %s", r.Status, excerpt(r.Body))
		}
		if r := coord.get(fmt.Sprintf("/reports/impact.pdf?year=2030-2031&convention=%d", caf.ID)); r.Status != http.StatusNotFound {
			t.Errorf("PDF of a year outside the agreement: %d", r.Status)
		}
		// The agreements' pages lead to their review.
		if r := agent.get(fmt.Sprintf("/conventions/%d", caf.ID)); !strings.Contains(r.Body, fmt.Sprintf(`href="/reports/impact?convention=%d"`, caf.ID)) {
			t.Errorf("the agreement's page has no link to its review")
		}

		// Last, since it skips the rest where pdftotext is missing: the PDFs' text.
		metroText := pdfText(t, []byte(metroPDF.Body))
		samePage(t, "the metropolis's review", page.Body, metroText)
		noNames("the metropolis's PDF", metroText)
		text := pdfText(t, []byte(pdf.Body))
		for _, want := range []string{"Bilan annuel de la médiation scolaire", "Année scolaire 2025-2026", "Page 1 sur", "Généré le 25/11/2026",
			"Annexe : méthode et limites", "Retour vers la moyenne", "Groupe de comparaison", "Ce que les chiffres ne montrent pas",
			"Secret statistique", "Objectifs de la convention", "Coûts évités", "Chiffres arrêtés le"} {
			if !strings.Contains(fold(text), want) {
				t.Errorf("the CAF's PDF lacks %q", want)
			}
		}
		noNames("the CAF's PDF", text)
		samePage(t, "the CAF's review", mine.Body, text)
	})
}

// figuresOf lists the key figures of a page.
func figuresOf(body string) []string {
	figures, _ := pageFigures(body)
	return figures
}

// A unit value edited by the coordination shows in the review at the next read, whatever the
// snapshot's age: the avoided costs are computed again with the new value.
func TestImpactReviewFollowsUnitCosts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		coord := s.client(t)
		coord.login("coordination@demo.test")
		before := coord.get("/reports/impact?year=2025-2026")
		if before.Status != http.StatusOK {
			t.Fatalf("review: %d", before.Status)
		}
		var cost models.UnitCost
		must(t, db.Order("id").Take(&cost).Error)
		if !strings.Contains(before.Body, strings.ReplaceAll(cost.Label, "'", "&#39;")) {
			t.Fatalf("the review lacks the unit value %q", cost.Label)
		}
		form := url.Values{"version": {fmt.Sprint(cost.Version)}, "label": {"Valeur révisée pour le bilan"}, "amount": {"4 321"},
			"unit": {cost.Unit}, "source": {cost.Source}, "source_year": {fmt.Sprint(cost.SourceYear)}, "basis": {string(cost.Basis)}}
		if r := coord.post(fmt.Sprintf("/settings/unit-costs/%d", cost.ID), form); r.Status != http.StatusSeeOther {
			t.Fatalf("edit the unit value: %d %s", r.Status, excerpt(r.Body))
		}
		after := coord.get("/reports/impact?year=2025-2026")
		if !strings.Contains(after.Body, "Valeur révisée pour le bilan") || !strings.Contains(after.Body, "4\u00a0321,00\u00a0€") {
			t.Errorf("the review does not show the edited unit value: %s", excerpt(after.Body))
		}
	})
}
