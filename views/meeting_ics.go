package views

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mediation/models"
)

// The calendar file (RFC 5545) of a meeting leaves our system: it lands in mail boxes, phones
// and shared agendas. It therefore carries only what a diary needs — when, where, what about —
// and names the pupil by first name and initial (« Inès V. »). No surname, no guardian, no
// participant list, no recap. The family's names typed in the place or purpose are masked by
// models.NameMask: that is a privacy rule of the domain, kept beside the data; the file's
// layout is this view's.

// icsDomain makes the UID of a meeting unique worldwide and stable across downloads, so that a
// calendar updates the event (by its SEQUENCE, the meeting's version) instead of adding one.
const icsDomain = "mediation.lille-metropole"

// icsTime writes an instant in UTC, as DTSTART:20261125T130000Z.
const icsTime = "20060102T150405Z"

// MeetingICS writes a meeting as an iCalendar file with one event: UID
// meeting-<id>@mediation.lille-metropole, SEQUENCE the meeting's version, DTSTAMP the time of
// the download, DTSTART and DTEND in UTC, SUMMARY « Rencontre famille–école — Inès V. »,
// LOCATION the place, DESCRIPTION the purpose, and STATUS CONFIRMED, or CANCELLED for a
// postponed or cancelled meeting (the new date of a postponed meeting is another event). Lines
// end with CRLF, text is escaped and lines are folded at 75 octets, never inside a UTF-8
// character. otherNames are the names of the family (the guardians'), masked in free text too.
func MeetingICS(m models.Meeting, pupilFirstName, pupilLastName string, otherNames []string, stamp time.Time) []byte {
	short := models.PupilShortName(pupilFirstName, pupilLastName)
	mask := models.NewNameMask(append([]string{pupilLastName}, otherNames...)...)
	summary := "Rencontre famille–école — " + short
	status := "CONFIRMED"
	switch m.Status {
	case models.MeetingCancelled:
		status, summary = "CANCELLED", summary+" (annulée)"
	case models.MeetingPostponed:
		status, summary = "CANCELLED", summary+" (reportée)"
	}
	var b bytes.Buffer
	line := func(name, value string) { foldLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Mediation scolaire//Lille Metropole//FR")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", fmt.Sprintf("meeting-%d@%s", m.ID, icsDomain))
	line("SEQUENCE", fmt.Sprint(max(m.Version, 0)))
	line("DTSTAMP", stamp.UTC().Format(icsTime))
	line("DTSTART", m.ScheduledAt.UTC().Format(icsTime))
	line("DTEND", m.Ends().UTC().Format(icsTime))
	line("SUMMARY", icsText(summary))
	if m.Place != "" {
		line("LOCATION", icsText(mask.Apply(m.Place)))
	}
	if m.Purpose != "" {
		line("DESCRIPTION", icsText(mask.Apply(m.Purpose)))
	}
	line("STATUS", status)
	line("TRANSP", "OPAQUE")
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return b.Bytes()
}

// icsText escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma get a
// backslash, a line break becomes \n, other control characters are dropped.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldLine writes a content line ended by CRLF, folded (RFC 5545, 3.1) so that no line is
// longer than 75 octets: each continuation starts with a space, and a fold never falls inside
// a UTF-8 character.
func foldLine(b *bytes.Buffer, s string) {
	const limit = 75
	first := true
	for {
		room := limit
		if !first {
			room-- // the leading space counts
			b.WriteByte(' ')
		}
		if len(s) <= room {
			b.WriteString(s)
			b.WriteString("\r\n")
			return
		}
		cut := room
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n")
		s = s[cut:]
		first = false
	}
}
