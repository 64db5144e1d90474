package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// The reports from the command line, and each of their failures as one clear line.
func TestReportCommand(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect == models.DialectPostgres {
			dbtest.OpenMigrated(t, u)
		}
		if code, _, errOut := mediation(t, "", nil, "demo", dbFlag(u)); code != 0 {
			t.Fatalf("demo: %s", errOut)
		}
		db := dbtest.Open(t, u)
		var e models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&e).Error)
		var p models.Pupil
		must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL", e.ID).Order("id").Take(&p).Error)
		var caf models.PartnerOrganisation
		must(t, db.Where("kind = ?", models.PartnerCAF).Order("id").Take(&caf).Error)
		dir := t.TempDir()
		for _, c := range []struct {
			name string
			args []string
		}{
			{"establishment", []string{"report", "establishment", "--uai", strings.ToLower(e.UAI)}},
			{"metropolitan", []string{"report", "metropolitan"}},
			{"partner", []string{"report", "partner", "--partner", strings.ToUpper(caf.Name)}},
			{"pupil", []string{"report", "pupil", "--pupil", strconv.Itoa(int(p.ID))}},
			{"impact", []string{"report", "impact"}},
		} {
			out := filepath.Join(dir, c.name+".pdf")
			code, stdout, errOut := mediation(t, "", nil, append(c.args, "-o", out, dbFlag(u))...)
			if code != 0 || !strings.Contains(stdout, "Rapport écrit : "+out) {
				t.Errorf("%s: exit %d %q %q", c.name, code, stdout, errOut)
				continue
			}
			b, err := os.ReadFile(out)
			if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("%s: not a PDF (%v)", c.name, err)
			}
		}
		var audited int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND actor_email = ?", models.AuditPDFExported, "cli").Count(&audited).Error)
		if audited != 5 {
			t.Errorf("%d audit events, want 5", audited)
		}
		// The annual review of an agreement, as the brief writes it: --convention and --out.
		var agreement models.FundingAgreement
		must(t, db.Order("id").Take(&agreement).Error)
		out := filepath.Join(dir, "bilan.pdf")
		year := strconv.Itoa(agreement.FirstYear) + "-" + strconv.Itoa(agreement.FirstYear+1)
		if code, stdout, errOut := mediation(t, "", nil, "report", "impact", "--year", year, "--convention", strconv.Itoa(int(agreement.ID)),
			"--out", out, dbFlag(u)); code != 0 || !strings.Contains(stdout, "Rapport écrit : "+out) {
			t.Errorf("impact of agreement %d: exit %d %q %q", agreement.ID, code, stdout, errOut)
		} else if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("impact of agreement %d: not a PDF (%v)", agreement.ID, err)
		} else if _, err := exec.LookPath("qpdf"); err == nil {
			if msg, err := exec.Command("qpdf", "--check", out).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, msg)
			}
		}
		for _, c := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"report", "establishment", "--uai", "0000000A"}, 1, "établissement « 0000000A » inconnu"},
			{[]string{"report", "partner", "--partner", "Personne"}, 1, "organisme partenaire « Personne » inconnu"},
			{[]string{"report", "pupil", "--pupil", "999999"}, 1, "dossier élève n° 999999 introuvable"},
			{[]string{"report", "impact", "--convention", "999999"}, 1, "convention de financement n° 999999 introuvable"},
			{[]string{"report", "impact", "--year", "2010-2011"}, 1, "aucune donnée pour l'année scolaire 2010-2011"},
			{[]string{"report", "metropolitan", "--year", "2010-2011"}, 1, "aucune donnée pour l'année scolaire 2010-2011"},
			{[]string{"report", "metropolitan", "--year", "2010"}, 1, "année scolaire « 2010 » invalide"},
			{[]string{"report", "establishment"}, 2, "l'option --uai est obligatoire"},
			{[]string{"report", "weekly"}, 2, "quel rapport ?"},
		} {
			code, _, errOut := mediation(t, "", nil, append(c.args, "-o", filepath.Join(dir, "x.pdf"), dbFlag(u))...)
			if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 && c.code == 1 {
				t.Errorf("%v: exit %d %q, want %d and %q", c.args, code, errOut, c.code, c.want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
			t.Error("a failed report left a file behind")
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
