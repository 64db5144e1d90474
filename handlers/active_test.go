package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestLimitActive: with one slot taken, another request waits for it and gets it when it is
// given back; one that waits longer than allowed gets ErrServerBusy; one whose client goes
// away stops waiting; the probes and the static files never wait.
func TestLimitActive(t *testing.T) {
	t.Parallel()
	e := echo.New()
	limit := LimitActive(1, 50*time.Millisecond)
	entered, release := make(chan struct{}), make(chan struct{})
	blocking := limit(func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return nil
	})
	quick := limit(func(c echo.Context) error { return nil })
	serve := func(h echo.HandlerFunc, ctx context.Context, path string) error {
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		return h(e.NewContext(req, httptest.NewRecorder()))
	}

	first := make(chan error, 1)
	go func() { first <- serve(blocking, context.Background(), "/") }()
	<-entered // the only slot is taken

	if err := serve(quick, context.Background(), "/pupils"); !errors.Is(err, ErrServerBusy) {
		t.Fatalf("a request waiting past its wait: %v, want ErrServerBusy", err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if err := serve(quick, gone, "/pupils"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a request whose client went away: %v, want context.Canceled", err)
	}
	for _, path := range []string{"/healthz", "/readyz", "/static/app.css"} {
		if err := serve(quick, context.Background(), path); err != nil {
			t.Fatalf("%s while the server is full: %v", path, err)
		}
	}

	// A request that comes while the slot is taken gets it once it is given back.
	waiting := make(chan error, 1)
	go func() {
		waiting <- serve(limit(func(c echo.Context) error { return nil }), context.Background(), "/pupils")
	}()
	release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// The waiting request may have given up before the slot was given back (50 ms is short
	// on a busy machine); then the slot must be free for the next one.
	if err := <-waiting; err != nil && !errors.Is(err, ErrServerBusy) {
		t.Fatal(err)
	}
	if err := serve(quick, context.Background(), "/pupils"); err != nil {
		t.Fatalf("after the slot was given back: %v", err)
	}
}

// TestLimitActiveOff: n <= 0 lets every request through at once.
func TestLimitActiveOff(t *testing.T) {
	t.Parallel()
	e := echo.New()
	entered, release := make(chan struct{}), make(chan struct{})
	h := LimitActive(0, time.Millisecond)(func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return nil
	})
	done := make(chan error, 3)
	for range 3 {
		go func() { done <- h(e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())) }()
	}
	for range 3 {
		<-entered // all three are in at once
	}
	close(release)
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
