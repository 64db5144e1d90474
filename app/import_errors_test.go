package app_test

import (
	"net/http"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// A file that cannot be imported is explained in the administrator's language: French by
// default, English for an account set to English.
func TestImportFileErrorsInTheAccountsLanguage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		files := []struct {
			name, kind string
			data       []byte
			fr, en     string
		}{
			{"vide.csv", "pupils", nil, "vide.csv : le fichier est vide", "the file is empty"},
			{"classeur.csv", "establishments", []byte("PK\x03\x04\x14\x00\x06\x00garbage"),
				"ce fichier n&#39;est pas un CSV (classeur ou PDF ?) : enregistrez-le au format CSV",
				"this file is not a CSV (a workbook or a PDF?): save it as CSV"},
			{"melange.csv", "pupils", []byte("Nom;Prenom;Date de naissance\nLef\xe8vre;Chlo\xe9;01/01/2012\nDupont;Élise;01/01/2012\n"),
				"ligne 3 : accents codés en UTF-8 dans un fichier en Windows-1252", "line 3: accents encoded in UTF-8 in a Windows-1252 file"},
			{"notes.csv", "indicators", []byte("a;b\n1;2\n"),
				"colonne introuvable pour le nom ou l&#39;INE", "no column for the last name or the INE"},
		}
		upload := func(c *client, lang string) {
			t.Helper()
			c.get("/admin/imports")
			for _, f := range files {
				r := c.upload("/admin/imports", map[string]string{"kind": f.kind, "encoding": "auto"}, f.name, f.data)
				want, unwanted := f.fr, f.en
				if lang == "en" {
					want, unwanted = f.en, f.fr
				}
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) || strings.Contains(r.Body, unwanted) {
					t.Errorf("%s, %s: %d, want %q: %s", lang, f.name, r.Status, want, excerpt(r.Body))
				}
			}
		}
		inFrenchThenEnglish(t, s, upload)
	})
}

// The preview of a file with invalid and skipped lines names the fields and the reasons in
// the administrator's language.
func TestImportLinesInTheAccountsLanguage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		directory := []byte("Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune\n" +
			"0595111K;Collège Anne Frank;Collège;Public;5939;Lys-lez-Lannoy\n" +
			"0595333B;Ecole Les Lilas;Ecole;Public;59160;Lomme\n" +
			"0595111K;Collège Anne Frank;Collège;Privé;A9390;Lys-lez-Lannoy\n" +
			"0595111K;Collège Anne Frank;Collège;Privé;59390;Lys-lez-Lannoy\n")
		want := map[string][]string{
			"fr": {"<td>5</td><td>UAI</td>", "<td>4</td><td>code postal</td><td>« A9390 » n&#39;est pas un code postal",
				"<li>type « Ecole », non retenu : 1</li>"},
			"en": {"<td>5</td><td>UAI</td>", "<td>4</td><td>postal code</td><td>“A9390” is not a postal code",
				"<li>type “Ecole”, not kept: 1</li>"},
		}
		upload := func(c *client, lang string) {
			t.Helper()
			c.get("/admin/imports")
			r := c.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto"}, "annuaire.csv", directory)
			for _, w := range want[lang] {
				if r.Status != http.StatusOK || !strings.Contains(r.Body, w) {
					t.Errorf("%s: %d, want %q: %s", lang, r.Status, w, excerpt(r.Body))
				}
			}
		}
		inFrenchThenEnglish(t, s, upload)
	})
}

// inFrenchThenEnglish runs use with the administrator signed in, in French, then again with
// the account set to English.
func inFrenchThenEnglish(t *testing.T, s *site, use func(c *client, lang string)) {
	t.Helper()
	admin := s.client(t)
	admin.login("admin@demo.test")
	use(admin, "fr")
	must(t, s.App.DB.Model(&models.User{}).Where("email = ?", "admin@demo.test").Update("locale", "en").Error)
	english := s.client(t)
	english.login("admin@demo.test")
	if r := english.get("/admin/imports"); !strings.Contains(r.Body, `<html lang="en">`) {
		t.Fatalf("the account's language is not English: %s", excerpt(r.Body))
	}
	use(english, "en")
}
