//go:build pprof

// The profiling listener exists only in a binary built with -tags pprof, for measuring the
// server under load (README, Performance): it is never in the production build.

package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("MEDIATION_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(os.Stderr, "MEDIATION_PPROF_ADDR « %s » refusée : une adresse de bouclage seulement (127.0.0.1:PORT)\n", addr)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "profilage sur %s impossible : %s\n", addr, err)
		os.Exit(2)
	}
	go func() { _ = http.Serve(ln, mux) }()
}
