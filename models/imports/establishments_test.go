package imports_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
)

var importNow = time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)

const directoryHeader = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;Appartenance_Education_Prioritaire;etat;libelle_nature\n"

func importDirectory(t *testing.T, db *gorm.DB, data string, opts imports.ImportOptions) (imports.ImportResult, error) {
	t.Helper()
	return imports.ImportEstablishments(context.Background(), db, strings.NewReader(data), opts, models.Actor{Email: "test"}, importNow)
}

func TestImportTheDirectorySample(t *testing.T) {
	t.Parallel()
	// The national directory's layout, as shared/samples gives it (UTF-8 with BOM, ';').
	sample, err := os.ReadFile("testdata/annuaire-education-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		res, err := imports.ImportEstablishments(context.Background(), db, bytes.NewReader(sample), imports.ImportOptions{}, models.Actor{Email: "test"}, importNow)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 3 || res.Skipped[imports.Skip{Key: imports.SkipType, Type: "Ecole"}] != 1 || res.InvalidCount != 0 {
			t.Fatalf("result %+v", res)
		}
		var lycee, rabelais models.Establishment
		must(t, db.Where("uai = ?", "0595222F").Take(&lycee).Error)
		must(t, db.Where("uai = ?", "0595444X").Take(&rabelais).Error)
		if lycee.Type != models.TypeLyceeGT || lycee.Commune != "Villeneuve-d'Ascq" || !lycee.Active {
			t.Errorf("lycée: %+v", lycee)
		}
		if rabelais.PriorityEducation != models.PriorityREPPlus || rabelais.Commune != "Mons-en-Barœul" {
			t.Errorf("Rabelais: %+v", rabelais)
		}
		again, err := imports.ImportEstablishments(context.Background(), db, bytes.NewReader(sample), imports.ImportOptions{}, models.Actor{Email: "test"}, importNow)
		if err != nil || again.Created != 0 || again.Updated != 0 || again.Unchanged != 3 {
			t.Errorf("second import: %+v %v", again, err)
		}
	})
}

func TestImportEstablishmentsCases(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		count := func() int64 {
			var n int64
			dbtest.Must(t, db.Model(&models.Establishment{}).Count(&n).Error)
			return n
		}
		good := directoryHeader +
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;REP;OUVERT;COLLEGE\n" +
			"\"0595222F\";\"Lycée professionnel \"\"Les Hauts\"\"; site 2\";Lycée;Privé;59650;Villeneuve-d'Ascq;;OUVERT;LYCEE PROFESSIONNEL\n" +
			"0595444X;Collège Rabelais;Collège;Public;59370;Mons-en-Barœul;REP+;FERME;COLLEGE\n" +
			"0595333B;Ecole Les Lilas;Ecole;Public;59160;Lomme;;OUVERT;ECOLE MATERNELLE\n"
		// A wrong check letter: all or nothing by default.
		bad := good + "0595555A;Collège Faux;Collège;Public;59000;Lille;;OUVERT;COLLEGE\n"
		res, err := importDirectory(t, db, bad, imports.ImportOptions{})
		if !errors.Is(err, imports.ErrInvalidLines) || res.InvalidCount != 1 || res.Invalid[0].Line != 6 || res.Invalid[0].Field != "uai" {
			t.Fatalf("invalid line: %+v %v", res, err)
		}
		if count() != 0 {
			t.Fatal("an import with an invalid line half-applied")
		}
		// Dry run: the figures, nothing stored.
		res, err = importDirectory(t, db, good, imports.ImportOptions{DryRun: true})
		if err != nil || res.Created != 3 || res.Applied || count() != 0 {
			t.Fatalf("dry run: %+v %v, %d stored", res, err, count())
		}
		// Skip the invalid line, import the rest.
		res, err = importDirectory(t, db, bad, imports.ImportOptions{SkipInvalid: true})
		if err != nil || res.Created != 3 || res.InvalidCount != 1 || count() != 3 {
			t.Fatalf("skip invalid: %+v %v", res, err)
		}
		var pro, closed models.Establishment
		dbtest.Must(t, db.Where("uai = ?", "0595222F").Take(&pro).Error)
		dbtest.Must(t, db.Where("uai = ?", "0595444X").Take(&closed).Error)
		if pro.Type != models.TypeLyceePro || pro.Sector != models.SectorPrivate || pro.Name != `Lycée professionnel "Les Hauts"; site 2` {
			t.Errorf("quoted line: %+v", pro)
		}
		if closed.Active {
			t.Error("a closed establishment came in active")
		}
		// Re-import in Windows-1252 with CRLF and one change: one update, the rest unchanged.
		changed := strings.ReplaceAll(strings.Replace(good, "Collège Anne Frank", "Collège Anne-Frank", 1), "\n", "\r\n")
		latin, err := charmap.Windows1252.NewEncoder().String(changed)
		if err != nil {
			t.Fatal(err)
		}
		res, err = importDirectory(t, db, latin, imports.ImportOptions{})
		if err != nil || res.Updated != 1 || res.Unchanged != 2 || res.Created != 0 || res.Encoding != csvimport.EncodingWindows1252 {
			t.Errorf("re-import: %+v %v", res, err)
		}
		// Files that are not the directory: one message, nothing imported.
		for _, data := range []string{"", "nom;prenom\nDupont;Léa\n", "\x00\x01\x02"} {
			if _, err := importDirectory(t, db, data, imports.ImportOptions{}); err == nil {
				t.Errorf("%q accepted", data)
			}
		}
		var audits int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ?", models.AuditImported).Count(&audits).Error)
		if audits != 2 {
			t.Errorf("%d imports audited, want 2 (the applied ones)", audits)
		}
	})
}

// FuzzImportEstablishments: no input, however malformed, crashes the importer; each run is
// rolled back (dry run).
func FuzzImportEstablishments(f *testing.F) {
	f.Add([]byte(directoryHeader + "0595111K;Collège;Collège;Public;59390;Lys;REP;OUVERT;COLLEGE\n"))
	f.Add([]byte(directoryHeader + "0595111K;;Lycée;Privé;5939;;REP+;;\n0595111K;x;Collège;Public;59390;y;;;\n"))
	f.Add([]byte("\xef\xbb\xbfIdentifiant_de_l_etablissement,Nom_etablissement,Type_etablissement\r\n\"a\"\"b\",c,d\r\n"))
	u := models.DatabaseURL{Dialect: models.DialectSQLite, Path: f.TempDir() + "/fuzz.db"}
	db := dbtest.OpenMigrated(f, u)
	f.Fuzz(func(t *testing.T, data []byte) {
		imports.ImportEstablishments(context.Background(), db, bytes.NewReader(data), imports.ImportOptions{DryRun: true}, models.Actor{}, importNow)
		var n int64
		dbtest.Must(t, db.Model(&models.Establishment{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("a dry run stored %d establishments", n)
		}
	})
}
