package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

var fixedNow = time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)

// newApp builds the application on a fresh database of the backend.
func newApp(t *testing.T, u models.DatabaseURL) *app.App {
	t.Helper()
	if u.Dialect == models.DialectPostgres {
		dbtest.OpenMigrated(t, u) // PostgreSQL is migrated by the operator, not by serve.
	}
	a, err := app.New(context.Background(), app.Config{DatabaseURL: dbURLString(u), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func dbURLString(u models.DatabaseURL) string {
	if u.Dialect == models.DialectSQLite {
		return "sqlite:" + u.Path
	}
	return u.DSN
}

func get(t *testing.T, a *app.App, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.Echo.ServeHTTP(rec, req)
	return rec
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		a := newApp(t, u)
		for _, path := range []string{"/healthz", "/readyz"} {
			if rec := get(t, a, path); rec.Code != http.StatusOK {
				t.Errorf("GET %s = %d, want 200: %s", path, rec.Code, rec.Body)
			}
		}
	})
}

func TestPagesAreFrenchWithSecurityHeaders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		a := newApp(t, u)
		rec := get(t, a, "/login")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /login = %d", rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{`<html lang="fr">`, "Connexion", `name="_csrf"`, `name="email"`, `name="password"`, `href="#main"`} {
			if !strings.Contains(body, want) {
				t.Errorf("login page lacks %q", want)
			}
		}
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
			"Cache-Control": "no-store",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if h.Get(echo.HeaderXRequestID) == "" {
			t.Error("no X-Request-ID on the response")
		}
		if rec := get(t, a, "/login", "Accept-Language", "en-GB,en;q=0.9"); !strings.Contains(rec.Body.String(), `<html lang="en">`) ||
			!strings.Contains(rec.Body.String(), "Sign in") {
			t.Error("Accept-Language: en does not give the English page")
		}
		if rec := get(t, a, "/"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2F" {
			t.Errorf("GET / = %d → %q, want 303 to /login", rec.Code, rec.Header().Get("Location"))
		}
		if rec := get(t, a, "/static/app.css"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), ":focus-visible") {
			t.Errorf("GET /static/app.css = %d", rec.Code)
		}
	})
}

func TestErrorPagesShowRequestIDAndNoInternals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		a := newApp(t, u)
		a.Echo.GET("/boom", func(c echo.Context) error {
			panic("secret internal detail")
		})
		rec := get(t, a, "/static/nowhere.css")
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Page introuvable") {
			t.Errorf("GET /static/nowhere.css = %d, body lacks the French 404", rec.Code)
		}
		id := rec.Header().Get(echo.HeaderXRequestID)
		if id == "" || !strings.Contains(rec.Body.String(), id) {
			t.Errorf("404 page does not show request id %q", id)
		}
		rec = get(t, a, "/boom")
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("panic answered %d, want 500", rec.Code)
		}
		body := rec.Body.String()
		if !strings.Contains(body, "Erreur du serveur") || strings.Contains(body, "secret internal detail") || strings.Contains(body, "goroutine") {
			t.Errorf("500 page: %s", body)
		}
		if !strings.Contains(body, rec.Header().Get(echo.HeaderXRequestID)) {
			t.Error("500 page does not show the request id")
		}
		// A forged request id with odd characters is replaced, so that it cannot reach the logs.
		rec = get(t, a, "/login", echo.HeaderXRequestID, "evil\nline")
		if strings.ContainsAny(rec.Header().Get(echo.HeaderXRequestID), "\n ") {
			t.Error("a forged request id was kept")
		}
	})
}

// Every form post of the router checks the CSRF token: each POST route, sent by a signed-in
// administrator without a token, is refused (the administrator's group checks the role first,
// the others the token before their route's role).
func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		admin := s.client(t)
		admin.login("admin@demo.test")
		posts := 0
		for _, rt := range s.App.Echo.Routes() {
			if rt.Method != http.MethodPost {
				continue
			}
			posts++
			path := regexp.MustCompile(`:[a-z]+`).ReplaceAllString(rt.Path, "1")
			r := admin.post(path, url.Values{"_csrf": {""}, "x": {"1"}})
			if r.Status != http.StatusForbidden {
				t.Errorf("POST %s without a token: %d, want 403", rt.Path, r.Status)
			}
		}
		if posts < 20 {
			t.Errorf("only %d POST routes checked", posts)
		}
	})
}

func TestClientCannotSpoofItsAddress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		a := newApp(t, u)
		a.Echo.GET("/ip", func(c echo.Context) error { return c.String(http.StatusOK, c.RealIP()) })
		rec := get(t, a, "/ip", "X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.9")
		if strings.Contains(rec.Body.String(), "203.0.113.9") {
			t.Errorf("client address taken from a header: %q", rec.Body)
		}
	})
}

// Readiness answers 503 while the database is unreachable and 200 again once it is back,
// without a restart. The database is reached through a proxy that the test cuts.
func TestReadinessFollowsTheDatabase(t *testing.T) {
	t.Parallel()
	b := dbtest.PostgresOnly(t)
	t.Run(b.Name, func(t *testing.T) {
		u := b.New(t)
		dbtest.OpenMigrated(t, u)
		target, _ := url.Parse(u.DSN)
		proxy := startProxy(t, target.Host)
		target.Host = proxy.addr
		a, err := app.New(context.Background(), app.Config{DatabaseURL: target.String()})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if rec := get(t, a, "/readyz"); rec.Code != http.StatusOK {
			t.Fatalf("readyz = %d before the cut", rec.Code)
		}
		proxy.cut()
		rec := get(t, a, "/readyz")
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "base de données") {
			t.Fatalf("readyz = %d %q while the database is unreachable, want 503 with the reason", rec.Code, rec.Body)
		}
		if rec := get(t, a, "/healthz"); rec.Code != http.StatusOK {
			t.Errorf("healthz = %d while the database is unreachable, want 200", rec.Code)
		}
		proxy.restore(t)
		deadline := time.Now().Add(10 * time.Second)
		for get(t, a, "/readyz").Code != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatal("readyz did not come back to 200 after the database returned")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// Graceful shutdown: once the context ends, the server lets the in-flight request finish and
// refuses new connections.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, err := app.New(context.Background(), app.Config{DatabaseURL: "sqlite:" + dir + "/g.db", Addr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	started := make(chan struct{})
	a.Echo.GET("/slow", func(c echo.Context) error {
		close(started)
		time.Sleep(500 * time.Millisecond)
		return c.String(http.StatusOK, "finished")
	})
	ln, err := app.Listen(a.Config.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{string(b), err}
	}()
	<-started
	cancel()
	r := <-slow
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("a new connection was accepted after shutdown")
	}
}

// proxy forwards TCP connections to a target until cut.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: ln.Addr().String(), target: target}
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy listen again: %v", err)
	}
	p.serve(ln)
}

// Behind a configured proxy, the client address comes from X-Forwarded-For; the same header
// from anyone else is ignored.
func TestTrustedProxy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, err := app.New(context.Background(), app.Config{DatabaseURL: "sqlite:" + dir + "/p.db", TrustedProxies: []string{"192.0.2.10"}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Echo.GET("/ip", func(c echo.Context) error { return c.String(http.StatusOK, c.RealIP()) })
	for _, c := range []struct{ peer, want string }{{"192.0.2.10:4000", "203.0.113.9"}, {"198.51.100.7:4000", "198.51.100.7"}} {
		req := httptest.NewRequest(http.MethodGet, "/ip", nil)
		req.RemoteAddr = c.peer
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		rec := httptest.NewRecorder()
		a.Echo.ServeHTTP(rec, req)
		if rec.Body.String() != c.want {
			t.Errorf("from %s: client %q, want %q", c.peer, rec.Body, c.want)
		}
	}
}
