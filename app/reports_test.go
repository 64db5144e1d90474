package app_test

import (
	"fmt"
	"html"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// reportRoutes are the dashboards and PDFs for the authorization matrix.
func reportRoutes(t *testing.T, db *gorm.DB) []route {
	var jaures models.Establishment
	must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	var caf models.PartnerOrganisation
	must(t, db.Where("kind = ?", models.PartnerCAF).Order("id").Take(&caf).Error)
	establishment := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	anonymised := []models.Role{models.RoleCoordinator, models.RolePartner}
	coordination := []models.Role{models.RoleCoordinator}
	return []route{
		{"GET", "/establishments", establishment},
		{"GET", "/establishments/" + jaures.UAI, establishment},
		{"GET", "/establishments/" + jaures.UAI + "/report.pdf", establishment},
		{"GET", "/reports/metropolitan", anonymised},
		{"GET", "/reports/metropolitan.pdf", anonymised},
		{"GET", fmt.Sprintf("/partners/%d/report", caf.ID), anonymised},
		{"GET", fmt.Sprintf("/partners/%d/report.pdf", caf.ID), anonymised},
		{"POST", "/reports/metropolitan/refresh", coordination},
		{"GET", "/settings/reports", coordination},
		{"POST", "/settings/reports", coordination},
	}
}

// pdfText extracts the text of a PDF with pdftotext, and checks it with qpdf when installed;
// it skips the test where pdftotext is missing.
func pdfText(t *testing.T, body []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	f := filepath.Join(t.TempDir(), "report.pdf")
	must(t, os.WriteFile(f, body, 0o600))
	if d := os.Getenv("REPORT_DUMP"); d != "" {
		os.WriteFile(filepath.Join(d, fmt.Sprintf("%s-%d.pdf", strings.ReplaceAll(t.Name(), "/", "-"), len(body))), body, 0o600)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", f).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// spaces folds every run of white space (no-break spaces included) into one space.
var spaces = regexp.MustCompile(`[\s\x{00a0}\x{202f}]+`)

func fold(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

var (
	figureRE = regexp.MustCompile(`(?s)<dt>(.*?)</dt><dd class="figure">(.*?)</dd>`)
	rowRE    = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE   = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// pageFigures lists the key figures of a dashboard and the rows of its tables (the cells after
// the row header).
func pageFigures(body string) (figures []string, rows [][]string) {
	for _, m := range figureRE.FindAllStringSubmatch(body, -1) {
		figures = append(figures, fold(html.UnescapeString(m[2])))
	}
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		cells := cellRE.FindAllStringSubmatch(m[1], -1)
		if len(cells) < 2 || strings.Contains(m[1], `scope="col"`) {
			continue
		}
		var vals []string
		for _, c := range cells[1:] {
			vals = append(vals, fold(html.UnescapeString(c[1])))
		}
		rows = append(rows, vals)
	}
	return figures, rows
}

// figureCell matches the cells that hold a figure: counts, masks, rates, days.
var figureCell = regexp.MustCompile(`^(\d[\d ,]*( ?%)?|< ?\d+|s|–)$`)

// samePage checks that every key figure and every table row of a dashboard is in the PDF: the
// figures of a row in the same order and together (white space aside, since a PDF lays text
// out with gaps rather than spaces), and every word of its other cells.
func samePage(t *testing.T, what, page, text string) {
	t.Helper()
	squeeze := func(s string) string { return spaces.ReplaceAllString(s, "") }
	flat, words := squeeze(text), fold(text)
	figures, rows := pageFigures(page)
	if len(figures) == 0 || len(rows) == 0 {
		t.Fatalf("%s: no figures or rows on the page", what)
	}
	for _, f := range figures {
		if !strings.Contains(flat, squeeze(f)) {
			t.Errorf("%s: the PDF lacks the key figure %q", what, f)
		}
	}
	for _, r := range rows {
		var nums []string
		for _, c := range r {
			if figureCell.MatchString(c) {
				nums = append(nums, c)
				continue
			}
			for _, w := range strings.Fields(c) {
				if !strings.Contains(words, w) {
					t.Errorf("%s: the PDF lacks the word %q of the row %q", what, w, r)
				}
			}
		}
		if seq := squeeze(strings.Join(nums, "")); !strings.Contains(flat, seq) {
			t.Errorf("%s: the PDF lacks the figures %q of the row %q", what, nums, r)
		}
	}
}

func TestEstablishmentDashboardAndPDF(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		head := s.client(t)
		head.login("direction@demo.test")
		r := head.get("/establishments")
		if r.Status != http.StatusSeeOther || r.Location != "/establishments/"+jaures.UAI {
			t.Fatalf("/establishments: %d %s", r.Status, r.Location)
		}
		page := head.get("/establishments/" + jaures.UAI)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Synthèse de l&#39;établissement") && !strings.Contains(page.Body, "Collège Jean Jaurès") {
			t.Fatalf("dashboard: %d %s", page.Status, excerpt(page.Body))
		}
		for _, want := range []string{"Dossiers suivis par statut et niveau de risque", "Voir les chiffres du graphique", "<svg class=\"chart\"",
			"Télécharger le PDF", "Élèves suivis"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		pdf := head.get("/establishments/" + jaures.UAI + "/report.pdf")
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatalf("PDF: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		var audited int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = ? AND record_id = ?", models.AuditPDFExported, "establishment", jaures.UAI).Count(&audited).Error)
		if audited != 1 {
			t.Errorf("%d audit events for the PDF, want 1", audited)
		}
		text := pdfText(t, []byte(pdf.Body))
		for _, want := range []string{"Synthèse de l'établissement", "Collège Jean Jaurès", "Année scolaire 2026-2027", "Page 1 sur", "Généré le 25/11/2026 à 10:00",
			"Élèves suivis", "Dossiers suivis"} {
			if !strings.Contains(fold(text), want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
		samePage(t, "establishment", page.Body, text)
		// The school-life figures (issue 14), on the page and in the PDF, as the records count them.
		for _, want := range []string{"Vie scolaire", "Actions collectives par type", "Conflits traités par nature et par issue",
			"Groupe de prévention du décrochage", "Taux de résolution"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the dashboard lacks %q", want)
			}
			if !strings.Contains(fold(text), want) {
				t.Errorf("the PDF lacks %q", want)
			}
		}
		var actions, conflicts int64
		y := calendar.SchoolYearOf(s.Clock.Now())
		dbtest.Must(t, db.Model(&models.Activity{}).Where("establishment_id = ? AND held_on >= ? AND held_on <= ?", jaures.ID,
			calendar.Date(y.Start()), calendar.Date(y.LastDay())).Count(&actions).Error)
		dbtest.Must(t, db.Model(&models.Conflict{}).Where("establishment_id = ? AND occurred_on >= ? AND occurred_on <= ?", jaures.ID,
			calendar.Date(y.Start()), calendar.Date(y.LastDay())).Count(&conflicts).Error)
		if actions == 0 || conflicts == 0 {
			t.Fatalf("the demo has %d actions and %d conflicts at Jaurès this year: the test proves nothing", actions, conflicts)
		}
		for what, n := range map[string]int64{"Actions collectives": actions, "Conflits traités": conflicts} {
			if !regexp.MustCompile(`<dt>` + what + `</dt><dd class="figure">` + fmt.Sprint(n) + `</dd>`).MatchString(page.Body) {
				t.Errorf("the dashboard does not show %d for %q", n, what)
			}
		}

		// A year without data, a malformed year, a year in the future.
		if r := head.get("/establishments/" + jaures.UAI + "?year=2015-2016"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Aucune donnée pour l&#39;année scolaire 2015-2016") {
			t.Errorf("year without data: %d %s", r.Status, excerpt(r.Body))
		}
		if r := head.get("/establishments/" + jaures.UAI + "/report.pdf?year=2015-2016"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Aucune donnée") {
			t.Errorf("PDF of a year without data: %d", r.Status)
		}
		if r := head.get("/establishments/" + jaures.UAI + "?year=2026"); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "écrivez-la sous la forme 2025-2026") {
			t.Errorf("malformed year: %d %s", r.Status, excerpt(r.Body))
		}
		if r := head.get("/establishments/0000000A"); r.Status != http.StatusNotFound {
			t.Errorf("unknown establishment: %d", r.Status)
		}
		other := s.client(t)
		other.login("mediation2@demo.test")
		for _, path := range []string{"/establishments/" + jaures.UAI, "/establishments/" + jaures.UAI + "/report.pdf"} {
			if r := other.get(path); r.Status != http.StatusNotFound {
				t.Errorf("%s by another establishment's mediator: %d", path, r.Status)
			}
		}
	})
}

// pupilNames are the last names of the demo pupils, to look for in anonymised reports.
func pupilNames(t *testing.T, db *gorm.DB) []string {
	var names []string
	must(t, db.Model(&models.Pupil{}).Where("anonymised_at IS NULL").Distinct().Pluck("last_name", &names).Error)
	return names
}

func TestAnonymisedReports(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		names := pupilNames(t, db)
		var caf, dep models.PartnerOrganisation
		must(t, db.Where("kind = ?", models.PartnerCAF).Order("id").Take(&caf).Error)
		must(t, db.Where("kind <> ?", models.PartnerCAF).Order("id").Take(&dep).Error)
		noNames := func(what, text string) {
			t.Helper()
			for _, n := range names {
				if regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(n) + `\b`).MatchString(text) {
					t.Errorf("%s names the pupil %q", what, n)
				}
			}
		}

		coord := s.client(t)
		coord.login("coordination@demo.test")
		for _, by := range []string{"type", "priority", "commune", "establishment"} {
			r := coord.get("/reports/metropolitan?by=" + by)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, "Rapport métropolitain") {
				t.Fatalf("overview by %s: %d %s", by, r.Status, excerpt(r.Body))
			}
			noNames("overview by "+by, r.Body)
		}
		page := coord.get("/reports/metropolitan?by=establishment")
		if !strings.Contains(page.Body, "&lt; 5") {
			t.Errorf("the overview by establishment shows no small count masked")
		}
		pdf := coord.get("/reports/metropolitan.pdf")
		if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatalf("metropolitan PDF: %d", pdf.Status)
		}
		text := pdfText(t, []byte(pdf.Body))
		for _, want := range []string{"Rapport métropolitain de la médiation scolaire", "Annexe : méthode", "Secret statistique", "< 5",
			"par établissement", "par commune", "par type d'établissement", "par label d'éducation prioritaire"} {
			if !strings.Contains(fold(text), want) {
				t.Errorf("metropolitan PDF lacks %q", want)
			}
		}
		noNames("metropolitan PDF", text)
		samePage(t, "metropolitan by establishment", page.Body, text)
		for _, want := range []string{"Vie scolaire", "Conflits par issue", "Actions collectives, par établissement",
			"Conflits traités par nature, par établissement"} {
			if !strings.Contains(html.UnescapeString(page.Body), want) || !strings.Contains(fold(text), want) {
				t.Errorf("the overview or the metropolitan PDF lacks %q", want)
			}
		}
		if want := "Conflits traités par nature, par commune"; !strings.Contains(fold(text), want) {
			t.Errorf("the metropolitan PDF lacks %q", want)
		}
		if r := coord.get("/reports/metropolitan?by=class"); r.Status != http.StatusNotFound {
			t.Errorf("unknown grouping: %d", r.Status)
		}

		agent := s.client(t)
		agent.login("caf@demo.test")
		r := agent.get(fmt.Sprintf("/partners/%d/report", caf.ID))
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Orientations par motif") {
			t.Fatalf("partner report page: %d %s", r.Status, excerpt(r.Body))
		}
		noNames("partner report page", r.Body)
		pdf = agent.get(fmt.Sprintf("/partners/%d/report.pdf", caf.ID))
		if pdf.Status != http.StatusOK {
			t.Fatalf("partner PDF: %d", pdf.Status)
		}
		text = pdfText(t, []byte(pdf.Body))
		if !strings.Contains(fold(text), "Rapport des orientations reçues") || !strings.Contains(text, caf.Name) {
			t.Errorf("partner PDF text: %s", text[:min(len(text), 400)])
		}
		noNames("partner PDF", text)
		samePage(t, "partner", r.Body, text)
		if want := "Actions collectives avec l'organisme"; !strings.Contains(html.UnescapeString(r.Body), want) || !strings.Contains(fold(text), want) {
			t.Errorf("the partner report or its PDF lacks %q", want)
		}
		if r := agent.get(fmt.Sprintf("/partners/%d/report.pdf", dep.ID)); r.Status != http.StatusNotFound {
			t.Errorf("another partner's report: %d", r.Status)
		}
		var audited int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type IN ?", models.AuditPDFExported, []string{"report", "partner"}).Count(&audited).Error)
		if audited != 2 {
			t.Errorf("%d audit events for the anonymised PDFs, want 2", audited)
		}
	})
}

func TestPupilDossierPDF(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var fu models.FollowUp
		must(t, db.Joins("JOIN pupils ON pupils.id = follow_ups.pupil_id").
			Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
			Where("follow_ups.restricted = ? AND establishments.name = ? AND pupils.anonymised_at IS NULL AND follow_ups.occurred_on >= ?",
				true, "Collège Jean Jaurès", calendar.Date(calendar.SchoolYearOf(fixedNow).Start())).
			Order("follow_ups.id").Take(&fu).Error)
		var p models.Pupil
		must(t, db.Take(&p, fu.PupilID).Error)
		path := fmt.Sprintf("/pupils/%d/dossier.pdf", p.ID)
		words := strings.Fields(fu.Note)
		restricted := strings.Join(words[:min(len(words), 4)], " ")

		med := s.client(t)
		med.login("mediation@demo.test")
		r := med.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("dossier as mediator: %d", r.Status)
		}
		text := fold(pdfText(t, []byte(r.Body)))
		for _, want := range []string{"Dossier de l'élève", strings.ToUpper(p.LastName), "Historique des statuts", "[restreinte]", restricted} {
			if !strings.Contains(text, want) {
				t.Errorf("mediator's dossier lacks %q", want)
			}
		}
		head := s.client(t)
		head.login("direction@demo.test")
		r = head.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("dossier as head teacher: %d", r.Status)
		}
		text = fold(pdfText(t, []byte(r.Body)))
		if strings.Contains(text, restricted) || strings.Contains(text, "[restreinte]") {
			t.Errorf("the head teacher's dossier shows a restricted note")
		}
		if !strings.Contains(text, "ne figurent pas dans ce document") {
			t.Errorf("the head teacher's dossier does not say restricted notes are left out")
		}
		if r := head.get(path + "?year=20-21"); r.Status != http.StatusBadRequest {
			t.Errorf("malformed year: %d", r.Status)
		}
	})
}

// TestConcurrentPDFs generates the four kinds of PDF at once (run it with -race).
func TestConcurrentPDFs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		var jaures models.Establishment
		must(t, s.App.DB.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		var caf models.PartnerOrganisation
		must(t, s.App.DB.Where("kind = ?", models.PartnerCAF).Order("id").Take(&caf).Error)
		var p models.Pupil
		must(t, s.App.DB.Where("establishment_id = ? AND anonymised_at IS NULL", jaures.ID).Order("id").Take(&p).Error)
		jobs := []struct{ email, path string }{
			{"direction@demo.test", "/establishments/" + jaures.UAI + "/report.pdf"},
			{"coordination@demo.test", "/reports/metropolitan.pdf"},
			{"caf@demo.test", fmt.Sprintf("/partners/%d/report.pdf", caf.ID)},
			{"mediation@demo.test", fmt.Sprintf("/pupils/%d/dossier.pdf", p.ID)},
		}
		clients := make([]*client, len(jobs))
		for i, j := range jobs {
			clients[i] = s.client(t)
			clients[i].login(j.email)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for round := 0; round < 3; round++ {
			for i, j := range jobs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := clients[i].get(j.path)
					if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s: %d", j.path, r.Status))
						mu.Unlock()
					}
				}()
			}
		}
		wg.Wait()
		for _, f := range failures {
			t.Error(f)
		}
	})
}

func TestSmallCountThresholdSetting(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		coord := s.client(t)
		coord.login("coordination@demo.test")
		coord.get("/settings/reports")
		if r := coord.post("/settings/reports", map[string][]string{"threshold": {"1"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Choisissez un seuil de 2 à 20.") {
			t.Fatalf("threshold 1: %d %s", r.Status, excerpt(r.Body))
		}
		if n, _ := models.LoadSmallCountThreshold(t.Context(), s.App.DB); n != models.DefaultSmallCount {
			t.Errorf("a refused threshold changed the setting to %d", n)
		}
		if r := coord.post("/settings/reports", map[string][]string{"threshold": {"11"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("threshold 11: %d %s", r.Status, excerpt(r.Body))
		}
		if r := coord.get("/reports/metropolitan?by=establishment"); !strings.Contains(r.Body, "&lt; 11") {
			t.Errorf("the overview does not use the new threshold")
		}
	})
}
