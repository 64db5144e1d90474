package handlers

import (
	"context"
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

// RetryAfterSeconds is what a 503 asks the client to wait: a database restart or failover
// takes about that long.
const RetryAfterSeconds = "30"

// HandleError is Echo's error handler: it logs server errors once, with the request id and
// without any value (models.RedactedError), and answers with a French page (or plain text for
// the probes and non-HTML clients). A database that cannot be reached or is busy gives 503
// with Retry-After, not 500: nothing is wrong with the request, it can be sent again.
//
// A request whose client went away (its context canceled: the browser closed the tab or
// followed another link) is no failure of ours: nobody reads the answer, so none is rendered;
// its status is StatusClientClosedRequest, which the request log records at info level.
func (h *Handlers) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if ClientGone(c.Request()) {
		c.Response().WriteHeader(StatusClientClosedRequest)
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	var pe pageError
	busy := errors.Is(err, models.ErrHasherBusy)
	outage := false
	retryAfter := RetryAfterSeconds
	switch {
	case busy:
		// Too many password checks at once: the client tries again in a moment.
		status, retryAfter = http.StatusServiceUnavailable, "5"
	case errors.As(err, &pe):
		status = pe.status
	case errors.As(err, &he):
		status = he.Code
	case models.IsUnavailable(err):
		status, outage = http.StatusServiceUnavailable, true
	}
	if busy {
		h.Log.Warn("password hasher busy", "request_id", requestID(c), "path", c.Request().URL.Path)
	} else if status >= 500 {
		h.Log.Error("request failed", "request_id", requestID(c), "method", c.Request().Method,
			"route", c.Path(), "status", status, "error", models.RedactedError(err))
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	key := errorKey(status)
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	p := ErrorPage{Page: h.page(c, key+".title")}
	p.Heading = p.T(key + ".title")
	p.Message = p.T(key + ".message")
	if outage {
		p.Message = p.T("hygiene.unavailable")
	}
	if pe.message != "" {
		p.Message = pe.message
	}
	if busy {
		p.Message = p.T("login.busy")
	}
	if rerr := h.render(c, status, "error", p); rerr != nil {
		h.Log.Error("render error page", "request_id", requestID(c), "error", models.RedactedError(rerr))
	}
}

// StatusClientClosedRequest is the status a request whose client went away is logged with
// (nginx's 499): it is not sent to anybody.
const StatusClientClosedRequest = 499

// ClientGone tells whether the client of a request went away before its answer: the server
// cancels a request's context when its connection closes, and only then (it gives requests a
// context that shutdown does not cancel, and sets no deadline on them). Whatever error a
// request met after that (context.Canceled, an interrupted SQLite statement…) is its
// consequence.
func ClientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
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
