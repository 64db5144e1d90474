package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/imports"
	"mediation/models/reports"
)

// Listen opens the listening socket, saying plainly when the port is taken. The command opens
// it before the database, so that a taken port fails at once.
func Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("l'adresse %s est déjà utilisée par un autre programme : arrêtez-le ou choisissez une autre adresse avec --addr", addr)
	case errors.Is(err, syscall.EACCES):
		return nil, fmt.Errorf("écoute sur %s refusée : ce port demande des droits d'administration, choisissez-en un au-dessus de 1024", addr)
	case err != nil:
		return nil, fmt.Errorf("écoute sur %s impossible : %s", addr, err)
	}
	return ln, nil
}

// Serve answers requests on ln until ctx ends, then shuts down gracefully: it stops accepting
// connections and lets in-flight requests finish, waiting at most ShutdownTimeout.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// The jobs (the daily purge, the hourly risk levels) run beside the requests; stopping lets
	// the running ones finish within the shutdown delay, and what was queued waits in the database.
	jobs, err := a.NewJobs()
	if err != nil {
		return err
	}
	if err := jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("moteur de tâches : %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		defer cancel()
		if err := jobs.Stop(stopCtx); err != nil {
			a.Log.Warn("jobs: stop", "error", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.housekeeping(ctx, time.Hour)
	a.Log.Info("listening", "addr", ln.Addr().String(), "database", a.DBURL.String())
	select {
	case err := <-errc:
		return fmt.Errorf("serveur arrêté : %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout", a.Config.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("arrêt : des requêtes n'ont pas fini dans le délai de %s", a.Config.ShutdownTimeout)
	}
	a.Log.Info("stopped")
	return nil
}

// housekeeping forgets expired sessions, old login throttling counters and other leftovers,
// now and then every interval, until ctx ends. Several instances may do it at once: each step
// is idempotent. The daily purge and the hourly risk levels are jobs (jobs.go), run once
// whichever instance takes them.
func (a *App) housekeeping(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		now := a.Config.Now()
		if _, err := (models.SessionStore{DB: a.DB, Now: a.Config.Now}).DeleteExpired(ctx, now); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: sessions", "error", models.RedactedError(err))
		}
		if err := models.DeleteOldLoginThrottles(ctx, a.DB, now); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: login attempts", "error", models.RedactedError(err))
		}
		if err := imports.DeleteOldUploads(ctx, a.DB, now); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: import uploads", "error", models.RedactedError(err))
		}
		if err := models.DeleteOldSubmissions(ctx, a.DB, now); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: form submissions", "error", models.RedactedError(err))
		}
		if err := models.DeleteOldDrafts(ctx, a.DB, now); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: drafts", "error", models.RedactedError(err))
		}
		if err := models.DeleteOldNotifications(ctx, a.DB, now); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: notifications", "error", models.RedactedError(err))
		}
		// Every change appends a row to its year's change stamp: added up here, the table
		// stays a few rows per year.
		if err := reports.CompactChangeStamps(ctx, a.DB); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: change stamps", "error", models.RedactedError(err))
		}
		// The current year's metropolitan figures, computed before anyone asks (in the
		// background: another instance may be doing it).
		if err := a.Snapshots.Warm(ctx, calendar.SchoolYearOf(now)); err != nil && ctx.Err() == nil {
			a.Log.Warn("housekeeping: metropolitan figures", "error", models.RedactedError(err))
		}
		// The metropolis's annual review of this year and of the last one, likewise.
		for _, y := range []calendar.SchoolYear{calendar.SchoolYearOf(now), calendar.SchoolYearOf(now).Previous()} {
			if err := a.Snapshots.WarmImpact(ctx, y); err != nil && ctx.Err() == nil {
				a.Log.Warn("housekeeping: annual review", "error", models.RedactedError(err))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
