package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
)

// Healthz tells that the process is alive; it touches nothing else.
func (h *Handlers) Healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// Readyz tells whether the database answers. It pings on every call, so that the answer goes
// back to 200 by itself once the database returns.
func (h *Handlers) Readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	sqlDB, err := h.DB.DB()
	if err == nil {
		err = sqlDB.PingContext(ctx)
	}
	if err == nil {
		err = h.DB.WithContext(ctx).Exec("SELECT 1").Error
	}
	if err != nil {
		h.Log.Warn("readiness: database unreachable", "error", models.RedactedError(err))
		c.Response().Header().Set("Retry-After", RetryAfterSeconds)
		return c.String(http.StatusServiceUnavailable, "indisponible : base de données injoignable\n")
	}
	return c.String(http.StatusOK, "prêt\n")
}
