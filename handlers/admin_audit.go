package handlers

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views"
)

// AuditPage is the administrator's view of the audit log.
type AuditPage struct {
	views.Page
	Events []models.AuditEvent
	// Lines say each event in words, in the same order as Events.
	Lines    []AuditLine
	Total    int64
	Filter   models.AuditFilter
	From, To string
	Actions  []string
	Query    string
	Pages    Pagination
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
	f.Page = pageParam(c)
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
	if p.Lines, err = h.auditLines(c, p.Localizer, events); err != nil {
		return err
	}
	params := map[string]string{"actor": f.Actor, "action": f.Action, "record_type": f.RecordType, "record_id": f.RecordID, "from": from, "to": to}
	v := url.Values{}
	for k, val := range params {
		if val != "" {
			v.Set(k, val)
		}
	}
	p.Query = v.Encode()
	p.Pages = paginate("/admin/audit", params, f.Page, models.AuditPerPage, total)
	return h.render(c, http.StatusOK, "admin_audit", p)
}

// AuditCSV exports the matching events as CSV (semicolons, UTF-8 with BOM for spreadsheets),
// streamed, oldest first. Every cell is neutralised against formulas, and the file ends with a
// line that says whether it is complete: a reader (or a script) that does not find the final
// « # fin de l'export » knows the file was cut. A failure before the first line is sent gets an
// error page instead (503 during an outage).
func (h *Handlers) AuditCSV(c echo.Context) error {
	f, _, _ := bindAuditFilter(c)
	loc := h.localizer(c)
	res := c.Response()
	start := func() {
		res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="journal-audit-%s.csv"`, h.Now().In(calendar.Paris).Format("2006-01-02")))
		res.WriteHeader(http.StatusOK)
	}
	each := func(fn func(models.AuditEvent) error) error {
		return models.EachAuditEvent(c.Request().Context(), h.DB, f, fn)
	}
	started, err := writeAuditCSV(res, start, each, loc.T("hygiene.audit_csv.end"), loc.T("hygiene.audit_csv.incomplete"))
	if err != nil && !started {
		return err
	}
	if err != nil {
		h.Log.Error("audit export interrupted", "request_id", requestID(c), "error", models.RedactedError(err))
	}
	return nil
}

// writeAuditCSV writes the export to w, calling start before the first byte: the first row is
// read before anything is sent, so that a database that does not answer gets an error page and
// not an empty file. It reports whether anything was sent, and the error that cut the export;
// after a cut the last line is incomplete, otherwise end.
func writeAuditCSV(w io.Writer, start func(), each func(func(models.AuditEvent) error) error, end, incomplete string) (bool, error) {
	var cw *csv.Writer
	begin := func() error {
		if cw != nil {
			return nil
		}
		start()
		if _, err := w.Write([]byte("\ufeff")); err != nil {
			return err
		}
		cw = csv.NewWriter(w)
		cw.Comma = ';'
		return cw.Write([]string{"date", "utilisateur", "adresse", "action", "type", "identifiant", "détail", "requête"})
	}
	err := each(func(e models.AuditEvent) error {
		if err := begin(); err != nil {
			return err
		}
		return cw.Write(auditCSVRow(e))
	})
	if err != nil && cw == nil {
		return false, err
	}
	if berr := begin(); berr != nil {
		return true, berr
	}
	last := end
	if err != nil {
		last = incomplete
	}
	// A comment line of its own, never a cell: it cannot be confused with an event.
	cw.Flush()
	if _, werr := io.WriteString(w, "# "+last+"\n"); werr != nil && err == nil {
		err = werr
	}
	if ferr := cw.Error(); ferr != nil && err == nil {
		err = ferr
	}
	return true, err
}

// auditCSVRow is one event as CSV cells, each neutralised: the request id and the address may
// come from the client, and the record ids and details from anywhere.
func auditCSVRow(e models.AuditEvent) []string {
	row := []string{e.At.In(calendar.Paris).Format("2006-01-02 15:04:05"), e.ActorEmail, e.RemoteIP, e.Action,
		e.RecordType, e.RecordID, e.Detail, e.RequestID}
	for i := range row {
		row[i] = cell(row[i])
	}
	return row
}

// cell keeps a value from being read as a formula by a spreadsheet: a cell that starts with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe.
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

// AuditLine is an audit event in words: « Nadia Berrada a consulté le dossier n° 58 ». The
// administrator sees no pupil file: a record of a file (a file, its follow-ups, meetings and
// referrals) is named by its number and links to the events about it, not to the file;
// an account links to its page.
type AuditLine struct {
	Who, Email string
	Verb       string
	Record     string
	Link       string
}

// auditRecordTypes are the records that have a phrase of their own; others are written as
// their type and id.
var auditRecordTypes = map[string]bool{"pupil": true, "follow_up": true, "meeting": true, "referral": true, "user": true,
	"establishment": true, "partner_organisation": true, "partner": true, "report": true, "setting": true, "pupils": true}

// auditSelfActions are about the actor's own session: the record (their account) goes unsaid.
var auditSelfActions = map[string]bool{models.AuditLogin: true, models.AuditLoginFailed: true, models.AuditLogout: true}

func (h *Handlers) auditLines(c echo.Context, loc *views.Localizer, events []models.AuditEvent) ([]AuditLine, error) {
	var ids []uint
	for _, e := range events {
		if e.UserID != nil {
			ids = append(ids, *e.UserID)
		}
		if id, err := strconv.ParseUint(e.RecordID, 10, 32); err == nil && e.RecordType == "user" {
			ids = append(ids, uint(id))
		}
	}
	names, err := models.AccountNames(c.Request().Context(), h.DB, ids)
	if err != nil {
		return nil, err
	}
	lines := make([]AuditLine, len(events))
	for i, e := range events {
		l := AuditLine{Who: e.ActorEmail, Email: e.ActorEmail}
		if e.UserID != nil && names[*e.UserID] != "" {
			l.Who = names[*e.UserID]
		}
		l.Verb = loc.T("roles.audit.verb." + e.Action)
		if l.Verb == "roles.audit.verb."+e.Action {
			l.Verb = loc.T("audit.action." + e.Action)
		}
		if !auditSelfActions[e.Action] && (e.RecordType != "" || e.RecordID != "") {
			l.Record, l.Link = auditRecord(loc, e, names)
		}
		lines[i] = l
	}
	return lines, nil
}

// auditRecord names the record of an event and where its link goes.
func auditRecord(loc *views.Localizer, e models.AuditEvent, names map[uint]string) (string, string) {
	events := "/admin/audit?" + url.Values{"record_type": {e.RecordType}, "record_id": {e.RecordID}}.Encode()
	if !auditRecordTypes[e.RecordType] {
		return strings.TrimSpace(e.RecordType + " " + e.RecordID), events
	}
	if e.RecordType == "user" {
		if id, err := strconv.ParseUint(e.RecordID, 10, 32); err == nil && names[uint(id)] != "" {
			return loc.T("roles.audit.record.user_named", "Name", names[uint(id)]), "/admin/users/" + e.RecordID
		}
	}
	return loc.T("roles.audit.record."+e.RecordType, "ID", e.RecordID), events
}
