package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestInFlightRequestsTakeTurns: with two turns, a third request waits until one ends, in the
// order requests came; a waiting request whose client leaves gives up at once; one that waits
// too long gets a 503 with Retry-After; static files, the probes and a sign-in never wait.
func TestInFlightRequestsTakeTurns(t *testing.T) {
	release := make(chan struct{})
	var working, most atomic.Int32
	handler := func(c echo.Context) error {
		n := working.Add(1)
		defer working.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if c.Request().URL.Path == "/slow" {
			<-release
		}
		return c.String(http.StatusOK, "ok")
	}
	limit := limitInFlight(2, 200*time.Millisecond)(handler)
	serve := func(ctx context.Context, method, path string) (int, error) {
		e := echo.New()
		req := httptest.NewRequestWithContext(ctx, method, path, nil)
		rec := httptest.NewRecorder()
		err := limit(e.NewContext(req, rec))
		var he *echo.HTTPError
		if errors.As(err, &he) {
			if rec.Header().Get("Retry-After") == "" {
				t.Errorf("%s %s: %d without Retry-After", method, path, he.Code)
			}
			return he.Code, nil
		}
		return rec.Code, err
	}
	type result struct {
		status int
		err    error
	}
	slow := make(chan result, 2)
	for range 2 {
		go func() {
			s, err := serve(context.Background(), http.MethodGet, "/slow")
			slow <- result{s, err}
		}()
	}
	for working.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	// Both turns are taken: a request waits, then gets a 503.
	if s, err := serve(context.Background(), http.MethodGet, "/pupils"); s != http.StatusServiceUnavailable || err != nil {
		t.Errorf("a request beyond the turns: %d, %v; want 503", s, err)
	}
	// A client that leaves while waiting gives its place up at once.
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() {
		_, err := serve(ctx, http.MethodGet, "/pupils")
		gone <- err
	}()
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Errorf("a client gone while waiting: %v", err)
	}
	// Static files, the probes and a sign-in do not wait for a turn.
	for _, r := range []struct{ method, path string }{{http.MethodGet, "/static/app.css"}, {http.MethodGet, "/healthz"},
		{http.MethodGet, "/readyz"}, {http.MethodPost, "/login"}} {
		if s, err := serve(context.Background(), r.method, r.path); s != http.StatusOK || err != nil {
			t.Errorf("%s %s while the turns are taken: %d, %v", r.method, r.path, s, err)
		}
	}
	// A request waiting gets the turn a slow one leaves.
	waited := make(chan result, 1)
	go func() {
		s, err := serve(context.Background(), http.MethodGet, "/pupils")
		waited <- result{s, err}
	}()
	time.Sleep(20 * time.Millisecond)
	release <- struct{}{}
	if r := <-waited; r.status != http.StatusOK || r.err != nil {
		t.Errorf("the request that waited: %d, %v", r.status, r.err)
	}
	close(release)
	for range 2 {
		if r := <-slow; r.status != http.StatusOK || r.err != nil {
			t.Errorf("a slow request: %d, %v", r.status, r.err)
		}
	}
	// The turns held: never more than two at work, but for the ones that never wait.
	if m := most.Load(); m > 3 {
		t.Errorf("%d requests at work at once, for two turns (and one that does not wait)", m)
	}
}
