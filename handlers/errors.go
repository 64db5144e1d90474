package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// ErrorPage is the data of the error pages: a heading, a sentence, the request id; never an
// internal detail.
type ErrorPage struct {
	views.Page
	Heading string
	Message string
}

// HandleError is Echo's error handler: it logs server errors once, with the request id, and
// answers with a French page (or plain text for the probes and non-HTML clients).
func (h *Handlers) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	var pe pageError
	busy := errors.Is(err, models.ErrHasherBusy)
	switch {
	case busy:
		// Too many password checks at once: the client tries again in a moment.
		status = http.StatusServiceUnavailable
		c.Response().Header().Set("Retry-After", "5")
	case errors.As(err, &pe):
		status = pe.status
	case errors.As(err, &he):
		status = he.Code
	}
	if busy {
		h.Log.Warn("password hasher busy", "request_id", requestID(c), "path", c.Request().URL.Path)
	} else if status >= 500 {
		h.Log.Error("request failed", "request_id", requestID(c), "method", c.Request().Method,
			"path", c.Request().URL.Path, "error", err)
	}
	key := errorKey(status)
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	p := ErrorPage{Page: h.page(c, key+".title")}
	p.Heading = p.T(key + ".title")
	p.Message = p.T(key + ".message")
	if pe.message != "" {
		p.Message = pe.message
	}
	if busy {
		p.Message = p.T("login.busy")
	}
	if rerr := h.render(c, status, "error", p); rerr != nil {
		h.Log.Error("render error page", "request_id", requestID(c), "error", rerr)
	}
}

// pageError is a refusal that says more than its status: the error page shows its message,
// already in the reader's language.
type pageError struct {
	status  int
	message string
}

func (e pageError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.message) }

func errorKey(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return fmt.Sprintf("error.%d", status)
	case http.StatusUnauthorized:
		return "error.403"
	}
	if status >= 500 {
		return "error.500"
	}
	return "error.400"
}
