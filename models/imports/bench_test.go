package imports_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/imports"
)

// writeDirectory writes a national directory of n lines in the export's shape: all the
// columns, three in four schools of other types, some closed, quoted names with separators.
func writeDirectory(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "annuaire.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("\ufeffIdentifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Adresse_1;Adresse_2;Adresse_3;Code_postal;Code_commune;Nom_commune;Code_departement;Code_academie;Code_region;Ecole_maternelle;Ecole_elementaire;Voie_generale;Voie_technologique;Voie_professionnelle;Telephone;Fax;Web;Mail;Restauration;Hebergement;ULIS;Apprentissage;Segpa;Section_arts;Section_cinema;Section_theatre;Section_sport;Section_internationale;Section_europeenne;Lycee_Agricole;Lycee_militaire;Lycee_des_metiers;Post_BAC;Appartenance_Education_Prioritaire;GRETA;SIREN_SIRET;Nombre_d_eleves;Fiche_onisep;position;type_contrat_prive;Libelle_departement;Libelle_academie;Libelle_region;coordX_origine;coordY_origine;epsg_origine;nom_circonscription;latitude;longitude;precision_localisation;date_ouverture;date_maj_ligne;etat;ministere_tutelle;multi_uai;rpi_concentre;rpi_disperse;code_nature;libelle_nature;Code_type_contrat_prive;PIAL;etablissement_mere;type_rattachement_etablissement_mere;code_circonscription;code_zone_animation_pedagogique;libelle_zone_animation_pedagogique;code_bassin_formation;libelle_bassin_formation\r\n")
	types := []struct{ kind, nature string }{{"Ecole", "ECOLE ELEMENTAIRE"}, {"Ecole", "ECOLE MATERNELLE"}, {"Ecole", "ECOLE PRIMAIRE"},
		{"Collège", "COLLEGE"}, {"Lycée", "LYCEE PROFESSIONNEL"}, {"Lycée", "LYCEE D ENSEIGNEMENT GENERAL ET TECHNOLOGIQUE"}, {"Ecole", "ECOLE ELEMENTAIRE"}, {"Ecole", "ECOLE ELEMENTAIRE"}}
	for i := 0; i < n; i++ {
		digits := fmt.Sprintf("%07d", 1000000+i)
		letter, _ := models.UAICheckLetter(digits)
		t := types[i%len(types)]
		state := "OUVERT"
		if i%50 == 0 {
			state = "FERME"
		}
		sector, prio := "Public", ""
		if i%5 == 0 {
			sector = "Privé"
		}
		if i%7 == 0 {
			prio = "REP"
		}
		fmt.Fprintf(w, "%s%c;\"%s n°%d; annexe\";%s;%s;12 rue de la République;;;59%03d;59%03d;Commune %d;059;09;32;;;;;;03 20 00 00 00;;;;1;0;0;0;0;0;0;0;0;0;0;0;0;0;0;%s;0;1234;123;;;;Nord;Lille;Hauts-de-France;1;2;2154;;50.6;3.06;NUMERO;2000-09-01;2026-10-01;%s;MEN;;;;;;%s;;;;;;;;;;\r\n",
			digits, letter, t.nature, i, t.kind, sector, i%1000, i%1000, i%1000, prio, state, t.nature)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkImportDirectory imports a national directory of 70,000 lines into an empty database
// and reports the peak heap in use during the import. On PostgreSQL:
//
//	MEDIATION_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_bench?sslmode=disable \
//	  go test ./models/ -run '^$' -bench ImportDirectory -benchtime 1x
func BenchmarkImportDirectory(b *testing.B) {
	path := writeDirectory(b, 70000)
	info, _ := os.Stat(path)
	for _, backend := range dbtest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := dbtest.OpenMigrated(b, backend.New(b))
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var peak atomic.Uint64
				done := make(chan struct{})
				go func() {
					var m runtime.MemStats
					for {
						runtime.ReadMemStats(&m)
						if m.HeapInuse > peak.Load() {
							peak.Store(m.HeapInuse)
						}
						select {
						case <-done:
							return
						case <-time.After(20 * time.Millisecond):
						}
					}
				}()
				b.StartTimer()
				res, err := imports.ImportEstablishments(context.Background(), db, f, imports.ImportOptions{}, models.Actor{Email: "bench"}, importNow)
				b.StopTimer()
				close(done)
				f.Close()
				if err != nil || res.Created != 70000*3/8 {
					b.Fatalf("import: %+v %v", res.Created, err)
				}
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(info.Size())/(1<<20), "file-MiB")
			}
		})
	}
}

// BenchmarkImportPupils imports a class list of 15,000 pupils over 50 establishments (UAI
// column) into a database that has the establishments, then the same file again (nothing
// changes). Same command as BenchmarkImportDirectory, with -bench ImportPupils.
func BenchmarkImportPupils(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "eleves.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("UAI;Nom;Prénom;Date de naissance;Classe;INE\r\n")
	var codes []string
	for e := 0; e < 50; e++ {
		digits := fmt.Sprintf("%07d", 5900000+e)
		letter, _ := models.UAICheckLetter(digits)
		codes = append(codes, digits+string(letter))
	}
	levels := []string{"6E", "5E", "4E", "3E", "2NDE", "1ERE", "TLE"}
	for i := 0; i < 15000; i++ {
		ine := ""
		if i%3 != 0 {
			ine = fmt.Sprintf("%010dK", 100000000+i)
		}
		fmt.Fprintf(w, "%s;NOM%05d;Prénom;%02d/%02d/%d;%s %c;%s\r\n", codes[i%50], i, 1+i%28, 1+i%12, 2009+i%6, levels[i%7], 'A'+rune(i%5), ine)
	}
	w.Flush()
	f.Close()
	for _, backend := range dbtest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := dbtest.OpenMigrated(b, backend.New(b))
				for _, code := range codes {
					e := models.Establishment{UAI: code, Name: "Collège " + code, Type: models.TypeCollege, Sector: models.SectorPublic,
						Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
					if err := db.Create(&e).Error; err != nil {
						b.Fatal(err)
					}
				}
				for round, want := range []int{15000, 0} {
					in, _ := os.Open(path)
					b.StartTimer()
					res, err := imports.ImportPupils(context.Background(), db, in, imports.PupilImportOptions{}, models.Actor{Email: "bench"}, importNow)
					b.StopTimer()
					in.Close()
					if err != nil || res.Created != want {
						b.Fatalf("round %d: created %d, want %d (%v; %d invalid: %v)", round, res.Created, want, err, res.InvalidCount, res.Invalid[:min(3, len(res.Invalid))])
					}
				}
			}
		})
	}
}
