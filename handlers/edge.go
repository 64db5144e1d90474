package handlers

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// formMemory is what a multipart form may keep in memory before its files go to disk; the
// body limit, checked before, bounds the rest.
const formMemory = 32 << 20

// LimitBodies bounds every request body: limit by default, or the larger limit given for a
// route ("POST /admin/imports"). No route is exempt. A declared Content-Length over the limit
// is refused before a byte is read; a body without one (chunked) is cut off once it passes the
// limit, and the form parser's error then becomes the same 413 (see CheckInput).
func (h *Handlers) LimitBodies(limit int64, larger map[string]int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			max := limit
			if l, ok := larger[req.Method+" "+c.Path()]; ok {
				max = l
			}
			if req.ContentLength > max {
				return h.tooLarge(c, max)
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response(), req.Body, max)
			}
			return next(c)
		}
	}
}

// tooLarge is the 413 page, saying the limit in megabytes.
func (h *Handlers) tooLarge(c echo.Context, max int64) error {
	return pageError{status: http.StatusRequestEntityTooLarge,
		message: h.localizer(c).T("edge.too_large", "Max", (max+(1<<20)-1)>>20)}
}

// CheckInput refuses, with a 400 and one French sentence, a request whose path, path
// parameters, query or form (field names, text values and file names, not file contents)
// hold text that is not UTF-8, a NUL byte or another control character (tab, CR and LF pass in
// form values). PostgreSQL refuses such text with an error, SQLite would store it: refusing it
// here gives the same answer on both and keeps it out of the database and the logs.
//
// It parses the form, so it must run after the checks that refuse a visitor or a role (no body
// is read for them) and before CSRF, which would otherwise parse it first.
func (h *Handlers) CheckInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ok := cleanText(req.URL.Path, false)
		for _, v := range c.ParamValues() {
			if req.URL.RawPath != "" {
				unescaped, err := url.PathUnescape(v)
				if err != nil {
					return h.invalidInput(c)
				}
				v = unescaped
			}
			ok = ok && cleanText(v, false)
		}
		ok = ok && cleanValues(req.URL.Query(), false)
		if ok && req.Method != http.MethodGet && req.Method != http.MethodHead {
			form, files, err := parseForm(req)
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				return h.tooLarge(c, tooBig.Limit)
			case err != nil:
				return h.invalidInput(c)
			}
			ok = cleanValues(form, true)
			for _, name := range files {
				ok = ok && cleanText(name, false)
			}
		}
		if !ok {
			return h.invalidInput(c)
		}
		return next(c)
	}
}

func (h *Handlers) invalidInput(c echo.Context) error {
	return pageError{status: http.StatusBadRequest, message: h.localizer(c).T("edge.invalid_input")}
}

// parseForm reads an urlencoded or multipart body once (the handlers read the parsed form
// afterwards) and returns its text fields and the names of its files and their fields.
func parseForm(req *http.Request) (url.Values, []string, error) {
	ct, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if ct != echo.MIMEMultipartForm {
		err := req.ParseForm()
		return req.PostForm, nil, err
	}
	if err := req.ParseMultipartForm(formMemory); err != nil {
		return nil, nil, err
	}
	var names []string
	for field, fhs := range req.MultipartForm.File {
		names = append(names, field)
		for _, fh := range fhs {
			names = append(names, fh.Filename)
		}
	}
	return url.Values(req.MultipartForm.Value), names, nil
}

func cleanValues(vs url.Values, multiline bool) bool {
	for k, list := range vs {
		if !cleanText(k, false) {
			return false
		}
		for _, v := range list {
			if !cleanText(v, multiline) {
				return false
			}
		}
	}
	return true
}

// cleanText tells whether s is UTF-8 without control characters; a multi-line text (a form
// value) may hold tabs and line breaks.
func cleanText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		if multiline && (r == '\t' || r == '\r' || r == '\n') {
			return false
		}
		return r < 0x20 || r == 0x7f
	})
}

// CSRFCookie is the cookie that carries the CSRF token (echo's double-submit check).
const CSRFCookie = "_csrf"

// rotateCSRF drops the CSRF token at login and logout: the cookie the middleware is about to
// send is replaced by one that expires it, so the next page draws a fresh token and a token
// read before signing in (or by the previous user of the browser) no longer passes.
func (h *Handlers) rotateCSRF(c echo.Context) {
	header := c.Response().Header()
	kept := header.Values("Set-Cookie")[:0:0]
	for _, v := range header.Values("Set-Cookie") {
		if !strings.HasPrefix(v, CSRFCookie+"=") {
			kept = append(kept, v)
		}
	}
	header.Del("Set-Cookie")
	for _, v := range kept {
		header.Add("Set-Cookie", v)
	}
	c.SetCookie(&http.Cookie{Name: CSRFCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies})
}
