package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// ErrServerBusy says that a request waited for its turn longer than the server lets it
// (LimitActive): it is answered 503 with Retry-After, as the password hasher's busy is.
var ErrServerBusy = errors.New("handlers: too many requests in progress")

// LimitActive lets at most n requests work at once in this process; the others wait for their
// turn, in the order they came, at most wait, then get a 503 saying the service is busy.
// The health probes and the static files never wait.
//
// Why: a page's work is mostly CPU (the database's and ours) on a few cores. With every request
// of a busy hour worked on at once, each one's time is stretched by all the others (a file read
// beside thirty others takes thirty times its own time) and the database runs dozens of
// backends on two cores. In turn, a request waits in a queue, then is served at the pace of
// a quiet machine: the mean is the same, the slow requests are far fewer, and the database
// works on a few statements at a time. n <= 0 lets every request work at once.
func LimitActive(n int, wait time.Duration) echo.MiddlewareFunc {
	if n <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	slots := make(chan struct{}, n)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if neverWaits(c.Request().URL.Path) {
				return next(c)
			}
			select {
			case slots <- struct{}{}:
			default:
				if err := takeTurn(c.Request().Context(), slots, wait); err != nil {
					return err
				}
			}
			defer func() { <-slots }()
			return next(c)
		}
	}
}

// takeTurn waits for a free slot, at most wait, or until the client goes away.
func takeTurn(ctx context.Context, slots chan struct{}, wait time.Duration) error {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrServerBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// neverWaits: the probes answer whether the process is alive however busy it is, and the
// static files cost nothing.
func neverWaits(path string) bool {
	return path == "/healthz" || path == "/readyz" || strings.HasPrefix(path, "/static/")
}

// busyStatus is the status and Retry-After of a request that found the server too busy.
func busyStatus() (int, string) { return http.StatusServiceUnavailable, "5" }
