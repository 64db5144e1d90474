package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// countingSite serves the same application on a second server that counts the bytes the
// application reads from each request body, so that a test sees what a refusal cost.
func countingSite(t *testing.T, s *site) (*site, *atomic.Int64) {
	t.Helper()
	var read atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = countingBody{r.Body, &read}
		s.App.Echo.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &site{App: s.App, URL: srv.URL, Clock: s.Clock}, &read
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// filler is an endless source of bytes, so that a large upload costs the test no memory.
type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// bigUpload posts a multipart import of size bytes of file, with the client's CSRF token, its
// length declared or not (chunked), and returns the answer.
func (c *client) bigUpload(size int64, declared bool) response {
	c.t.Helper()
	boundary := "edgeboundary"
	head := fmt.Sprintf("--%[1]s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%[2]s\r\n"+
		"--%[1]s\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nestablishments\r\n"+
		"--%[1]s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n", boundary, c.csrf)
	tail := fmt.Sprintf("\r\n--%s--\r\n", boundary)
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(filler{}, size), strings.NewReader(tail))
	req, _ := http.NewRequest(http.MethodPost, c.site.URL+"/admin/imports", body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if declared {
		req.ContentLength = int64(len(head)+len(tail)) + size
	} else {
		req.ContentLength = -1
	}
	return c.do(req)
}

// TestUploadsAreRefusedBeforeTheirBodyIsRead: a visitor's or another role's upload is refused
// without its body being read, an oversize one at once, and a normal one still works.
func TestUploadsAreRefusedBeforeTheirBodyIsRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s, read := countingSite(t, newDemoSite(t, u))
		const few = 4 << 10
		check := func(what string, r response, status int, maxRead int64) {
			t.Helper()
			if r.Status != status {
				t.Errorf("%s: %d, want %d (%s)", what, r.Status, status, excerpt(r.Body))
			}
			if n := read.Swap(0); n > maxRead {
				t.Errorf("%s: the application read %d bytes of the body (at most %d)", what, n, maxRead)
			}
		}

		visitor := s.client(t)
		visitor.get("/login")
		read.Store(0)
		r := visitor.bigUpload(20<<20, false)
		check("anonymous chunked upload of 20 MiB", r, http.StatusSeeOther, few)
		if r.Location != "/login" {
			t.Errorf("anonymous upload sent to %q, not to the login page", r.Location)
		}
		check("anonymous upload of 1 GiB", visitor.bigUpload(1<<30, true), http.StatusRequestEntityTooLarge, few)

		mediator := s.client(t)
		mediator.login("mediation@demo.test")
		read.Store(0)
		check("a mediator's upload to the administration", mediator.bigUpload(20<<20, false), http.StatusNotFound, few)

		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/imports")
		read.Store(0)
		r = admin.bigUpload(60<<20, true)
		check("declared upload of 60 MiB", r, http.StatusRequestEntityTooLarge, few)
		if !strings.Contains(r.Body, "dépasse la taille permise (51 Mo au plus)") {
			t.Errorf("oversize upload: no French message with the limit: %s", excerpt(r.Body))
		}
		r = admin.bigUpload(60<<20, false)
		check("chunked upload of 60 MiB", r, http.StatusRequestEntityTooLarge, 52<<20)
		if !strings.Contains(r.Body, "dépasse la taille permise (51 Mo au plus)") {
			t.Errorf("oversize chunked upload: no French message: %s", excerpt(r.Body))
		}

		admin.get("/admin/imports")
		directory := "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;etat\n" +
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n"
		r = admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto"}, "annuaire.csv", []byte(directory))
		if r.Status != http.StatusOK || !applyForm.MatchString(r.Body) {
			t.Errorf("normal upload: %d %s", r.Status, excerpt(r.Body))
		}
	})
}
