// Package csvimport reads the CSV files that French school systems export, with what they
// really contain: UTF-8 with or without a BOM or Windows-1252, ';' or ',' or tab separators,
// quoted fields holding separators and line breaks, CRLF, blank lines, extra columns, and
// header names with accents, case or spacing variants. It streams: memory does not grow with
// the file.
package csvimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Encoding names accepted by Options.Encoding.
const (
	EncodingAuto        = "auto"
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
)

// Options tune the reader.
type Options struct {
	// Encoding is auto (default), utf-8 or windows-1252 (also latin-1, iso-8859-1).
	Encoding string
	// MaxBytes refuses a larger file (0: no limit).
	MaxBytes int64
}

// Code names a kind of problem with a file as a whole. It is also how the problem is said to
// a person: the views' catalogs hold one message per code ("import.file.<code>"), with the
// Line and the Value of the Error as arguments.
type Code string

// The problems a file as a whole may have.
const (
	CodeEmpty           Code = "empty"
	CodeNotText         Code = "not_text"
	CodeNotCSV          Code = "not_csv"
	CodeUnknownEncoding Code = "unknown_encoding"
	CodeNoHeader        Code = "no_header"
	// CodeMixedInUTF8 is a line that is not UTF-8 in a file that starts in UTF-8.
	CodeMixedInUTF8 Code = "mixed_encodings_utf8"
	// CodeMixedInWindows1252 is a line with UTF-8 accents in a file in Windows-1252.
	CodeMixedInWindows1252 Code = "mixed_encodings_windows_1252"
	CodeQuotes             Code = "quotes"
	CodeSyntax             Code = "syntax"
	CodeUnreadable         Code = "unreadable"
	CodeTooLarge           Code = "too_large"
	// CodeMissingColumn is for the importers: the file lacks a column they need. Their codes
	// name the column after it ("missing_column.pupils_birth_date"), as each needs its own
	// explanation.
	CodeMissingColumn Code = "missing_column"
)

// Error is a problem with the file as a whole: its code, and the line and the value the
// message names (0 and "" when it names none). The views write it in the reader's language.
type Error struct {
	Code  Code
	Line  int
	Value string
}

// Error says the code, the line and the value, for logs and test failures: what a person
// reads comes from the catalogs.
func (e *Error) Error() string {
	s := "csvimport: " + string(e.Code)
	if e.Line > 0 {
		s += " at line " + strconv.Itoa(e.Line)
	}
	if e.Value != "" {
		s += ": " + e.Value
	}
	return s
}

// Reader yields the records of a CSV file as maps from normalized header names to values.
type Reader struct {
	csv      *csv.Reader
	header   []string
	line     int
	sniffed  *sniffer
	Encoding string
	Comma    rune
}

// NewReader reads the header line and prepares to stream the records. It fails with an
// *Error on an empty file, an unknown encoding or a file that is not CSV.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.MaxBytes > 0 {
		r = &limitReader{r: r, left: opts.MaxBytes, max: opts.MaxBytes}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err)
	}
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, &Error{Code: CodeEmpty}
	}
	// A workbook (a zip) holds null bytes too: its signature comes first, for the clearer message.
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("%PDF")) {
		return nil, &Error{Code: CodeNotCSV}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, &Error{Code: CodeNotText}
	}
	enc := strings.ToLower(strings.TrimSpace(opts.Encoding))
	switch enc {
	case "", EncodingAuto:
		enc = EncodingUTF8
		if !utf8.Valid(trimPartialRune(head)) {
			enc = EncodingWindows1252
		}
	case "utf8", EncodingUTF8:
		enc = EncodingUTF8
	case "latin-1", "latin1", "iso-8859-1", "iso-8859-15", "cp1252", "windows1252", EncodingWindows1252:
		enc = EncodingWindows1252
	default:
		return nil, &Error{Code: CodeUnknownEncoding, Value: opts.Encoding}
	}
	// Skip a BOM, then decode.
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	s := &sniffer{r: br, encoding: enc, line: 1}
	var text io.Reader = s
	if enc == EncodingWindows1252 {
		text = charmap.Windows1252.NewDecoder().Reader(s)
	}
	tr := bufio.NewReader(text)
	firstLine, err := tr.Peek(min(tr.Size(), len(head)))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, readError(err)
	}
	comma := detectComma(string(firstLine))
	c := csv.NewReader(tr)
	c.Comma = comma
	c.FieldsPerRecord = -1
	c.ReuseRecord = true
	rec, err := c.Read()
	if err != nil {
		return nil, csvError(err, s)
	}
	header := make([]string, len(rec))
	known := 0
	for i, h := range rec {
		header[i] = Normalize(h)
		if header[i] != "" {
			known++
		}
	}
	if known == 0 {
		return nil, &Error{Code: CodeNoHeader}
	}
	return &Reader{csv: c, header: header, line: 1, sniffed: s, Encoding: enc, Comma: comma}, nil
}

// Header lists the normalized column names.
func (r *Reader) Header() []string { return r.header }

// HasColumn tells whether the header has one of the names (normalized).
func (r *Reader) HasColumn(names ...string) bool {
	for _, h := range r.header {
		for _, n := range names {
			if h == Normalize(n) {
				return true
			}
		}
	}
	return false
}

// Record is one line of data: its line number in the file and its fields by column name.
type Record struct {
	Line   int
	Fields map[string]string
}

// Get returns the first non-empty value among the given column names (normalized), trimmed.
func (rec Record) Get(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(rec.Fields[Normalize(n)]); v != "" {
			return v
		}
	}
	return ""
}

// Next returns the next non-blank record, or io.EOF at the end.
func (r *Reader) Next() (Record, error) {
	for {
		rec, err := r.csv.Read()
		if errors.Is(err, io.EOF) {
			if r.sniffed.mixErr != nil {
				return Record{}, r.sniffed.mixErr
			}
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, csvError(err, r.sniffed)
		}
		start, _ := r.csv.FieldPos(0)
		blank := true
		fields := make(map[string]string, len(r.header))
		for i, v := range rec {
			if strings.TrimSpace(v) != "" {
				blank = false
			}
			if i < len(r.header) && r.header[i] != "" {
				if _, dup := fields[r.header[i]]; !dup {
					fields[r.header[i]] = v
				}
			}
		}
		if blank {
			continue
		}
		return Record{Line: start, Fields: fields}, nil
	}
}

// Normalize turns a header name into its canonical form: no accents, lower case, words joined
// by underscores ("Date de naissance " → "date_de_naissance", "Nom_établissement" →
// "nom_etablissement").
func Normalize(s string) string {
	var b strings.Builder
	lastUnderscore := true
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
			lastUnderscore = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			lastUnderscore = false
		default:
			if !lastUnderscore {
				b.WriteByte('_')
				lastUnderscore = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// detectComma picks the separator that appears most in the first line, outside quotes.
func detectComma(text string) rune {
	first := text
	inQuotes := false
	for i, r := range text {
		if r == '"' {
			inQuotes = !inQuotes
		}
		if (r == '\n' || r == '\r') && !inQuotes {
			first = text[:i]
			break
		}
	}
	best, bestCount := ';', 0
	for _, c := range []rune{';', ',', '\t', '|'} {
		if n := strings.Count(first, string(c)); n > bestCount {
			best, bestCount = c, n
		}
	}
	return best
}

func trimPartialRune(b []byte) []byte {
	// The sample may end in the middle of a UTF-8 sequence.
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// sniffer passes the bytes through a line at a time, counting lines; in UTF-8 it refuses
// invalid sequences and in Windows-1252 sequences that are UTF-8 accents: either means the file
// mixes encodings.
type sniffer struct {
	r        *bufio.Reader
	encoding string
	line     int
	rest     []byte
	readErr  error // io.EOF or a read error, returned once rest is served
	mixErr   error
}

func (s *sniffer) Read(p []byte) (int, error) {
	if len(s.rest) == 0 {
		if s.mixErr != nil {
			return 0, s.mixErr
		}
		if s.readErr != nil {
			return 0, s.readErr
		}
		line, err := s.r.ReadSlice('\n')
		if len(line) > 0 {
			if e := s.check(line); e != nil {
				s.mixErr = e
				return 0, e
			}
			if line[len(line)-1] == '\n' {
				s.line++
			}
			s.rest = append(s.rest[:0], line...)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			s.readErr = err
		}
		if len(s.rest) == 0 {
			return 0, s.readErr
		}
	}
	n := copy(p, s.rest)
	s.rest = s.rest[n:]
	return n, nil
}

func (s *sniffer) check(line []byte) error {
	switch s.encoding {
	case EncodingUTF8:
		if !utf8.Valid(line) {
			return &Error{Code: CodeMixedInUTF8, Line: s.line}
		}
	case EncodingWindows1252:
		// "Ã©", "Ã‰"…: a Latin letter with an accent written in UTF-8 (0xC3 then a continuation
		// byte), inside a Windows-1252 file where "Ã" is all but unknown in French.
		for i := 0; i+1 < len(line); i++ {
			if line[i] == 0xC3 && line[i+1] >= 0x80 && line[i+1] <= 0xBF {
				return &Error{Code: CodeMixedInWindows1252, Line: s.line}
			}
		}
	}
	return nil
}

func csvError(err error, s *sniffer) error {
	if s.mixErr != nil {
		return s.mixErr
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			return &Error{Code: CodeQuotes, Line: pe.StartLine}
		}
		return &Error{Code: CodeSyntax, Line: pe.StartLine, Value: pe.Err.Error()}
	}
	return readError(err)
}

func readError(err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return &Error{Code: CodeUnreadable, Value: err.Error()}
}

// limitReader refuses a file larger than max (CodeTooLarge).
type limitReader struct {
	r         io.Reader
	left, max int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, &Error{Code: CodeTooLarge, Value: strconv.FormatInt(l.max>>20, 10)}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
