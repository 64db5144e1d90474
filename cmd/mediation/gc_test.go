package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// serve collects when the heap triples, under a soft limit, unless GOGC or GOMEMLIMIT are given:
// then the operator's values stand. (Not parallel: the settings are the process's.)
func TestServeTunesTheCollectorUnlessTold(t *testing.T) {
	gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })
	for _, c := range []struct {
		vars              map[string]string
		wantGC, wantLimit int64
	}{
		{map[string]string{}, serveGCPercent, serveMemoryGoal},
		{map[string]string{"GOGC": "100"}, 100, serveMemoryGoal},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, serveGCPercent, math.MaxInt64},
	} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGC(env{getenv: func(k string) string { return c.vars[k] }})
		if got := debug.SetGCPercent(100); int64(got) != c.wantGC {
			t.Errorf("%v: GC percent %d, want %d", c.vars, got, c.wantGC)
		}
		if got := debug.SetMemoryLimit(-1); got != c.wantLimit {
			t.Errorf("%v: memory limit %d, want %d", c.vars, got, c.wantLimit)
		}
	}
}

// MEDIATION_DB_CONNS sizes the PostgreSQL pool; anything but a number from 1 to 500 is refused.
func TestDatabaseConnectionsFromTheEnvironment(t *testing.T) {
	for v, want := range map[string]int{"": 0, "8": 8, "500": 500} {
		cfg, err := config(env{getenv: func(k string) string { return map[string]string{"MEDIATION_DB_CONNS": v}[k] }}, "", "")
		if err != nil || cfg.MaxDBConns != want {
			t.Errorf("MEDIATION_DB_CONNS=%q: %d, %v; want %d", v, cfg.MaxDBConns, err, want)
		}
	}
	for _, v := range []string{"0", "-3", "501", "vingt"} {
		if _, err := config(env{getenv: func(k string) string { return map[string]string{"MEDIATION_DB_CONNS": v}[k] }}, "", ""); err == nil {
			t.Errorf("MEDIATION_DB_CONNS=%q accepted", v)
		}
	}
}
