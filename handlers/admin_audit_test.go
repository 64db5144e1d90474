package handlers

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"mediation/models"
)

// An export cut while streaming does not look complete: its last line says it is incomplete,
// and only a complete one ends with the final marker. A failure before the first row sends
// nothing, so that the error page can be shown instead.
func TestAuditCSVSaysWhetherItIsComplete(t *testing.T) {
	t.Parallel()
	events := []models.AuditEvent{
		{At: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), ActorEmail: "a@x.test", Action: "login", RequestID: "-1+1-calc"},
		{At: time.Date(2026, 11, 25, 9, 1, 0, 0, time.UTC), ActorEmail: "=cmd@x.test", Action: "login", RemoteIP: "@ip", RecordID: "+1", Detail: "\tx"},
	}
	cut := errors.New("connection lost")
	for _, tc := range []struct {
		name      string
		failAfter int // -1: never
		wantSent  bool
		wantErr   bool
		wantLast  string
	}{
		{"complete", -1, true, false, "# FIN"},
		{"cut after one row", 1, true, true, "# INCOMPLET"},
		{"cut before any row", 0, false, true, ""},
	} {
		var buf bytes.Buffer
		started := false
		each := func(fn func(models.AuditEvent) error) error {
			for i, e := range events {
				if i == tc.failAfter {
					return cut
				}
				if err := fn(e); err != nil {
					return err
				}
			}
			return nil
		}
		sent, err := writeAuditCSV(&buf, func() { started = true }, each, "FIN", "INCOMPLET")
		if sent != tc.wantSent || started != tc.wantSent || (err != nil) != tc.wantErr {
			t.Errorf("%s: sent %v, started %v, err %v", tc.name, sent, started, err)
			continue
		}
		if !tc.wantSent {
			if buf.Len() != 0 {
				t.Errorf("%s: %q written before the first row", tc.name, buf.String())
			}
			continue
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if last := lines[len(lines)-1]; last != tc.wantLast {
			t.Errorf("%s: last line %q, want %q", tc.name, last, tc.wantLast)
		}
		if strings.Count(buf.String(), "# FIN") > 0 && tc.wantErr {
			t.Errorf("%s: a cut export carries the final marker", tc.name)
		}
	}
	// Every cell that a spreadsheet would read as a formula is neutralised, the request id too.
	row := strings.Join(auditCSVRow(events[1]), ";")
	for _, want := range []string{"'=cmd@x.test", "'@ip", "'+1", "'\tx"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	if got := auditCSVRow(events[0])[7]; got != "'-1+1-calc" {
		t.Errorf("request id cell %q", got)
	}
}
