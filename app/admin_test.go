package app_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// upload posts a file with the form, as a browser sends a multipart form.
func (c *client) upload(path string, fields map[string]string, filename string, data []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if filename != "" {
		part, _ := w.CreateFormFile("file", filename)
		part.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.site.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

var applyForm = regexp.MustCompile(`action="(/admin/imports/[0-9a-f]+/apply)"`)

func TestAdministratorImportsAFile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/imports")
		directory := "\ufeffIdentifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;etat\n" +
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n" +
			"0595333B;Ecole Les Lilas;Ecole;Public;59160;Lomme;OUVERT\n"
		// Bad input: no kind, no file; then a file that is not the directory.
		if r := admin.upload("/admin/imports", nil, "", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="file-error"`) || !strings.Contains(r.Body, `id="kind-error"`) {
			t.Errorf("empty form: %d", r.Status)
		}
		r := admin.upload("/admin/imports", map[string]string{"kind": "establishments"}, "notes.csv", []byte("a;b\n1;2\n"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "colonne introuvable") {
			t.Errorf("wrong file: %d %s", r.Status, excerpt(r.Body))
		}
		var before int64
		dbtest.Must(t, db.Model(&models.Establishment{}).Count(&before).Error)
		r = admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto"}, "annuaire.csv", []byte(directory))
		m := applyForm.FindStringSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil || !strings.Contains(r.Body, "Ce que l&#39;import de annuaire.csv ferait") ||
			!strings.Contains(r.Body, "<li>type « Ecole », non retenu : 1</li>") {
			t.Fatalf("preview: %d %s", r.Status, excerpt(r.Body))
		}
		var after int64
		dbtest.Must(t, db.Model(&models.Establishment{}).Count(&after).Error)
		if after != before {
			t.Fatal("the preview stored establishments")
		}
		// Another role cannot apply the upload.
		coord := s.client(t)
		coord.login("coordination@demo.test")
		if r := coord.post(m[1], nil); r.Status != http.StatusNotFound {
			t.Errorf("coordinator applies: %d", r.Status)
		}
		r = admin.post(m[1], nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "appliqué") {
			t.Fatalf("apply: %d %s", r.Status, excerpt(r.Body))
		}
		dbtest.Must(t, db.Model(&models.Establishment{}).Count(&after).Error)
		if after != before+1 {
			t.Errorf("%d establishments after the import, want %d", after, before+1)
		}
		if r := admin.post(m[1], nil); r.Status != http.StatusNotFound {
			t.Errorf("applying twice: %d", r.Status)
		}
		// The import is in the audit log; the log filters and exports.
		r = admin.get("/admin/audit?action=imported")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "1 évènement") || !strings.Contains(r.Body, "created 1") {
			t.Errorf("audit filtered on imports: %s", excerpt(r.Body))
		}
		if r := admin.get("/admin/audit?actor=mediation@demo.test&from=2020-01-01&to=2020-01-02"); !strings.Contains(r.Body, "0 évènement") {
			t.Errorf("audit by dates: %s", excerpt(r.Body))
		}
		r = admin.get("/admin/audit.csv?action=login")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "\ufeffdate;utilisateur;adresse;action") || !strings.Contains(r.Body, "admin@demo.test;127.0.0.1;login") {
			t.Errorf("audit CSV: %d %.300s", r.Status, r.Body)
		}
		if !strings.Contains(r.Header.Get("Content-Disposition"), "journal-audit-") {
			t.Error("the export is not a download")
		}
	})
}

// adminRoutes lists the routes of this file for the authorization matrix.
func adminRoutes() []route {
	admin := []models.Role{models.RoleAdmin}
	return []route{
		{"GET", "/admin/imports", admin},
		{"POST", "/admin/imports", admin},
		{"GET", "/admin/audit", admin},
		{"GET", "/admin/audit.csv", admin},
		{"GET", fmt.Sprintf("/admin/audit?record_id=%s", url.QueryEscape("1")), admin},
	}
}
