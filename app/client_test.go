package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mediation/app"
	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// clock is a fixed clock that tests move forward.
type clock = dbtest.Clock

// testHashing is a cheap Argon2id (64 KiB, one pass) for the suite's many logins; production's
// cost is checked by TestProductionHashingIsAboveOWASP and used by the load test.
var testHashing = models.HasherConfig{Params: models.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}}

// site is the application with the demo data, served over real HTTP.
type site struct {
	App   *app.App
	URL   string
	Clock *clock
}

// newDemoSite builds the application on a fresh database of the backend, loads the demo data
// and serves it.
func newDemoSite(t *testing.T, u models.DatabaseURL) *site {
	t.Helper()
	return newDemoSiteWith(t, u, nil)
}

// newDemoSiteWith is newDemoSite with a configuration that configure may change first.
func newDemoSiteWith(t *testing.T, u models.DatabaseURL, configure func(*app.Config)) *site {
	t.Helper()
	clk := dbtest.NewClock(fixedNow)
	if u.Dialect == models.DialectPostgres {
		dbtest.OpenMigrated(t, u)
	}
	cfg := app.Config{DatabaseURL: dbURLString(u), Now: clk.Now, Hashing: testHashing,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))}
	if configure != nil {
		configure(&cfg)
	}
	// On SQLite the database starts as a copy of the demo loaded once (same clock, same
	// hashing); LoadDemo below then finds it loaded, as it would on a restart.
	if u.Dialect == models.DialectSQLite && cfg.Now().Equal(fixedNow) && cfg.Hashing.Params == testHashing.Params {
		image, err := demoSQLite()
		if err != nil {
			t.Fatalf("demo template: %v", err)
		}
		dbtest.WriteSQLite(t, u, image)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.LoadDemo(context.Background(), io.Discard); err != nil {
		t.Fatalf("demo: %v", err)
	}
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(srv.Close)
	return &site{App: a, URL: srv.URL, Clock: clk}
}

// demoSQLite is the image of a SQLite database on which the application loaded the demo at
// fixedNow with testHashing, made once per run of the package: loading the demo is most of a
// test's time, and a hundred tests start from it. PostgreSQL tests still load it each time.
var demoSQLite = sync.OnceValues(func() ([]byte, error) {
	return dbtest.SQLiteImage(func(ctx context.Context, u models.DatabaseURL) error {
		// The application is built on the template's database as on any other: its own
		// migrations and start, then the demo.
		a, err := app.New(ctx, app.Config{DatabaseURL: dbURLString(u), Now: func() time.Time { return fixedNow },
			Hashing: testHashing, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			return err
		}
		defer a.Close()
		return a.LoadDemo(ctx, io.Discard)
	})
})

// testLog sends the application's error logs to the test's log.
type testLog struct{ t *testing.T }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// client is a browser without script: a cookie jar, no automatic redirects, and the CSRF token
// of the last page it read.
type client struct {
	t    testing.TB
	site *site
	http *http.Client
	csrf string
}

func (s *site) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, site: s, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is what a request gave: status, location, body.
type response struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// badVerb is what fmt writes for a value it cannot format as asked.
var badVerb = regexp.MustCompile(`%!(?:[a-zA-Z]\(|\((?:EXTRA|MISSING|BADINDEX|NOVERB|BADWIDTH|BADPREC))[^<"]{0,60}`)

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b), Header: resp.Header}
	// Every page any test reads is checked for a value the template could not write: fmt's
	// « %!s(*models.ConflictOutcome=0x…) » for a pointer given to printf, which the catalog then
	// shows as its key.
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if m := badVerb.FindString(r.Body); m != "" {
			c.t.Errorf("%s %s: the page writes %q", req.Method, req.URL.Path, m)
		}
	}
	if m := csrfField.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	// The token is rotated at login and logout (its cookie cleared): the next form must be read
	// again, as a browser would.
	for _, ck := range resp.Cookies() {
		if ck.Name == "_csrf" && (ck.MaxAge < 0 || ck.Value == "") {
			c.csrf = ""
		}
	}
	return r
}

// readToken reads a form of the site for a fresh CSRF token: the login form for a visitor (or a
// sign-in waiting for its code), the password form for a signed-in account.
func (c *client) readToken() {
	c.t.Helper()
	if c.get("/login"); c.csrf == "" {
		c.get("/account/password")
	}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.site.URL+path, nil)
	return c.do(req)
}

// post sends a form with the CSRF token of the last page read, unless the form has its own.
func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		if c.csrf == "" {
			c.readToken()
		}
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.site.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// login signs in through the form, checks that it worked and reads the new CSRF token.
func (c *client) login(email string) {
	c.t.Helper()
	c.get("/login")
	r := c.post("/login", url.Values{"email": {email}, "password": {demodata.Password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", email, r.Status, excerpt(r.Body))
	}
	// The CSRF token is rotated at login: read it from a page without side effects (the home
	// page would mark the worklist as seen).
	c.readToken()
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.site.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (c *client) setCookie(name, value string) {
	u, _ := url.Parse(c.site.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// excerpt keeps the main part of a page for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 600 {
		body = body[:600]
	}
	return body
}
