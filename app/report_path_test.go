package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// TestReportCommandAndWebGiveOnePDF: the web and `mediation report` go through one assembly
// path, so that for the same data, reader and clock they give the same PDF byte for byte,
// under the same file name, and record the export against the same record.
func TestReportCommandAndWebGiveOnePDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		ctx := context.Background()
		var jaures models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		var caf models.PartnerOrganisation
		must(t, db.Where("kind = ?", models.PartnerCAF).Order("id").Take(&caf).Error)
		var p models.Pupil
		must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL", jaures.ID).Order("id").Take(&p).Error)
		agreement := demoAgreement(t, db, "CAF du Nord")
		head := s.client(t)
		head.login("direction@demo.test")
		coord := s.client(t)
		coord.login("coordination@demo.test")
		dir := t.TempDir()
		y := calendar.SchoolYearOf(fixedNow).String()
		for _, c := range []struct {
			web        *client
			path       string
			req        app.ReportRequest
			recordType string
			recordID   string
			file       string
		}{
			{head, "/establishments/" + jaures.UAI + "/report.pdf", app.ReportRequest{Kind: "establishment", UAI: jaures.UAI}, "establishment", jaures.UAI, "synthese-" + jaures.UAI + "-" + y + ".pdf"},
			{coord, "/reports/metropolitan.pdf", app.ReportRequest{Kind: "metropolitan"}, "report", "metropolitan", "rapport-metropolitain-" + y + ".pdf"},
			{coord, fmt.Sprintf("/partners/%d/report.pdf", caf.ID), app.ReportRequest{Kind: "partner", Partner: caf.Name}, "partner", strconv.Itoa(int(caf.ID)), fmt.Sprintf("rapport-partenaire-%d-%s.pdf", caf.ID, y)},
			{head, fmt.Sprintf("/pupils/%d/dossier.pdf", p.ID), app.ReportRequest{Kind: "pupil", PupilID: p.ID}, "pupil", strconv.Itoa(int(p.ID)), fmt.Sprintf("dossier-%d-%s.pdf", p.ID, y)},
			{coord, "/reports/impact.pdf", app.ReportRequest{Kind: "impact"}, "report", "impact", "bilan-annuel-" + y + ".pdf"},
			{coord, fmt.Sprintf("/reports/impact.pdf?convention=%d", agreement.ID), app.ReportRequest{Kind: "impact", Convention: agreement.ID},
				"funding_agreement", strconv.Itoa(int(agreement.ID)), fmt.Sprintf("bilan-annuel-convention-%d-%s.pdf", agreement.ID, y)},
		} {
			r := c.web.get(c.path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", c.path, r.Status)
			}
			c.req.Output = filepath.Join(dir, c.req.Kind+".pdf")
			cfg := app.Config{DatabaseURL: dbURLString(u), Now: s.Clock.Now, Hashing: testHashing}
			if err := app.Report(ctx, cfg, c.req, io.Discard); err != nil {
				t.Fatalf("report %s: %v", c.req.Kind, err)
			}
			b, err := os.ReadFile(c.req.Output)
			must(t, err)
			if string(b) != r.Body {
				t.Errorf("%s: the command's PDF (%d bytes) differs from the web's (%d bytes)", c.req.Kind, len(b), len(r.Body))
			}
			var names []string
			must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = ? AND record_id = ?",
				models.AuditPDFExported, c.recordType, c.recordID).Order("id").Pluck("actor_email", &names).Error)
			if len(names) != 2 || names[1] != "cli" {
				t.Errorf("%s: exports recorded by %v, want the web reader's then the command's", c.req.Kind, names)
			}
			if got, want := r.Header.Get("Content-Disposition"), fmt.Sprintf(`attachment; filename="%s"`, c.file); got != want {
				t.Errorf("%s: web file %q, want %q", c.req.Kind, got, want)
			}
		}
	})
}
