package app

import (
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// DefaultInFlightWait is how long a request waits for its turn before a 503.
const DefaultInFlightWait = 10 * time.Second

// defaultMaxInFlight is how many requests work at once by default: four per core. Two cores
// are shared by the application and PostgreSQL; beyond a few requests per core, more at once
// only share the processors more thinly (each of 32 requests then waited for the processor
// and for a database connection at each of its statements, and the costliest pages' times
// stretched the most).
func defaultMaxInFlight() int { return 4 * runtime.GOMAXPROCS(0) }

// limitInFlight lets at most n requests do their work at once; the others wait their turn in
// the order they came (a request keeps the connection it gets for all its statements instead
// of queueing for one at each), until their client goes away (logged as 499, like any request
// whose client left) or for wait at most (503, « try again in a moment »). Static files and the
// health probes never wait, nor does a sign-in: its password hashing has its own bounded turns
// (MEDIATION_HASH_CONCURRENCY), and a burst of sign-ins waiting for them must not hold the
// turns of the requests of those already signed in.
func limitInFlight(n int, wait time.Duration) echo.MiddlewareFunc {
	turns := make(chan struct{}, n)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if p := r.URL.Path; strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" ||
				(p == "/login" && r.Method == http.MethodPost) {
				return next(c)
			}
			select {
			case turns <- struct{}{}:
			default:
				timer := time.NewTimer(wait)
				defer timer.Stop()
				select {
				case turns <- struct{}{}:
				case <-r.Context().Done():
					return r.Context().Err()
				case <-timer.C:
					c.Response().Header().Set("Retry-After", "5")
					return echo.NewHTTPError(http.StatusServiceUnavailable)
				}
			}
			defer func() { <-turns }()
			return next(c)
		}
	}
}
