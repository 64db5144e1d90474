package main

import (
	"math"
	"runtime/debug"
	"strings"
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

// MEDIATION_MAX_INFLIGHT bounds the requests at work (0: no bound, said -1 to the application;
// unset: the application's default); anything but a number from 0 to 10000 is refused.
func TestInFlightBoundFromTheEnvironment(t *testing.T) {
	for v, want := range map[string]int{"": 0, "0": -1, "6": 6, "10000": 10000} {
		cfg, err := config(env{getenv: func(k string) string { return map[string]string{"MEDIATION_MAX_INFLIGHT": v}[k] }}, "", "")
		if err != nil || cfg.MaxInFlight != want {
			t.Errorf("MEDIATION_MAX_INFLIGHT=%q: %d, %v; want %d", v, cfg.MaxInFlight, err, want)
		}
	}
	for _, v := range []string{"-1", "10001", "huit"} {
		if _, err := config(env{getenv: func(k string) string { return map[string]string{"MEDIATION_MAX_INFLIGHT": v}[k] }}, "", ""); err == nil {
			t.Errorf("MEDIATION_MAX_INFLIGHT=%q accepted", v)
		}
	}
}

// MEDIATION_SMTP_URL, MEDIATION_MAIL_FROM and MEDIATION_PUBLIC_URL reach the configuration; a
// URL that would send unencrypted to another host, or SMTP without the public address for the
// links, is refused before anything starts.
func TestMailFromTheEnvironment(t *testing.T) {
	vars := map[string]string{"MEDIATION_SMTP_URL": "smtp://u:p@smtp.example.org:587", "MEDIATION_MAIL_FROM": "mediation@example.org",
		"MEDIATION_PUBLIC_URL": "https://mediation.example.org"}
	cfg, err := config(env{getenv: func(k string) string { return vars[k] }}, "", "")
	if err != nil || cfg.Mail.URL != vars["MEDIATION_SMTP_URL"] || cfg.Mail.From != vars["MEDIATION_MAIL_FROM"] || cfg.Mail.PublicURL != vars["MEDIATION_PUBLIC_URL"] {
		t.Errorf("mail configuration %+v, %v", cfg.Mail, err)
	}
	delete(vars, "MEDIATION_PUBLIC_URL")
	if _, err := config(env{getenv: func(k string) string { return vars[k] }}, "", ""); err == nil || !strings.Contains(err.Error(), "MEDIATION_PUBLIC_URL manque") {
		t.Errorf("SMTP without a public address: %v", err)
	}
	vars["MEDIATION_PUBLIC_URL"] = "https://mediation.example.org"
	vars["MEDIATION_SMTP_URL"] = "smtp://smtp.example.org:25?tls=none"
	if _, err := config(env{getenv: func(k string) string { return vars[k] }}, "", ""); err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("tls=none to another host: %v", err)
	}
}
