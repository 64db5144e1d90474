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
		admin := s.client(t)
		admin.login("admin@demo.test")
		upload(admin, "fr")
		must(t, s.App.DB.Model(&models.User{}).Where("email = ?", "admin@demo.test").Update("locale", "en").Error)
		english := s.client(t)
		english.login("admin@demo.test")
		if r := english.get("/admin/imports"); !strings.Contains(r.Body, `<html lang="en">`) {
			t.Fatalf("the account's language is not English: %s", excerpt(r.Body))
		}
		upload(english, "en")
	})
}
