package handlers

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/views"
)

// AuditPage is the administrator's view of the audit log.
type AuditPage struct {
	views.Page
	Events   []models.AuditEvent
	Total    int64
	Filter   models.AuditFilter
	From, To string
	Actions  []string
	Query    string
	PrevPage string
	NextPage string
}

func bindAuditFilter(c echo.Context) (models.AuditFilter, string, string) {
	f := models.AuditFilter{Actor: c.QueryParam("actor"), RecordType: c.QueryParam("record_type"), RecordID: c.QueryParam("record_id")}
	for _, a := range models.AuditActions {
		if c.QueryParam("action") == a {
			f.Action = a
		}
	}
	from, to := c.QueryParam("from"), c.QueryParam("to")
	if t, ok := parseQueryDate(from); ok {
		f.From = t
	} else {
		from = ""
	}
	if t, ok := parseQueryDate(to); ok {
		f.To = t
	} else {
		to = ""
	}
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	f.Page = max(f.Page, 1)
	return f, from, to
}

// AuditLog lists the audit events with filters by user, action, record and dates.
func (h *Handlers) AuditLog(c echo.Context) error {
	f, from, to := bindAuditFilter(c)
	events, total, err := models.ListAuditEvents(c.Request().Context(), h.DB, f)
	if err != nil {
		return err
	}
	p := AuditPage{Page: h.page(c, "audit.title"), Events: events, Total: total, Filter: f, From: from, To: to, Actions: models.AuditActions}
	params := map[string]string{"actor": f.Actor, "action": f.Action, "record_type": f.RecordType, "record_id": f.RecordID, "from": from, "to": to}
	v := url.Values{}
	for k, val := range params {
		if val != "" {
			v.Set(k, val)
		}
	}
	p.Query = v.Encode()
	p.PrevPage, p.NextPage = pageLinks("/admin/audit", params, f.Page, models.AuditPerPage, total)
	return h.render(c, http.StatusOK, "admin_audit", p)
}

// AuditCSV exports the matching events as CSV (semicolons, UTF-8 with BOM for spreadsheets),
// streamed, oldest first.
func (h *Handlers) AuditCSV(c echo.Context) error {
	f, _, _ := bindAuditFilter(c)
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="journal-audit-%s.csv"`, h.Now().In(models.Paris).Format("2006-01-02")))
	res.WriteHeader(http.StatusOK)
	res.Write([]byte("\ufeff"))
	w := csv.NewWriter(res)
	w.Comma = ';'
	w.Write([]string{"date", "utilisateur", "adresse", "action", "type", "identifiant", "détail", "requête"})
	err := models.EachAuditEvent(c.Request().Context(), h.DB, f, func(e models.AuditEvent) error {
		return w.Write([]string{e.At.In(models.Paris).Format("2006-01-02 15:04:05"), cell(e.ActorEmail), e.RemoteIP, e.Action,
			e.RecordType, cell(e.RecordID), cell(e.Detail), e.RequestID})
	})
	w.Flush()
	if err != nil {
		h.Log.Error("audit export interrupted", "request_id", requestID(c), "error", err)
	}
	return nil
}

// cell keeps a value from being read as a formula by a spreadsheet.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// parseQueryDate reads a date input's value (2026-11-25).
func parseQueryDate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	return t, err == nil
}
