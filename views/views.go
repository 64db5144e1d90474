// Package views holds the templates, static files and message catalogs of the interface,
// embedded in the binary and parsed once at start: a broken template stops the start, not a
// request.
package views

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
)

//go:embed templates/*.html templates/pages templates/partials locales
var files embed.FS

//go:embed static
var static embed.FS

// Static is the tree of static files (CSS, icons, scripts), served under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	return sub
}

// Views is the template cache and the message catalog.
type Views struct {
	pages  map[string]*template.Template
	bundle *i18n.Bundle
	// voices holds one Localizer per language of the interface, built at start and shared by
	// every request: a page asks for its language, it builds nothing.
	voices map[string]*Localizer
	// buffers are the buffers pages are rendered into, used again from one page to the next
	// rather than grown from nothing each time.
	buffers sync.Pool
}

// maxPooledBuffer bounds the buffers kept for the next page: a rare huge page does not keep
// its memory.
const maxPooledBuffer = 1 << 20

// Buffer is an empty buffer to render a page into; give it back with Release once written.
func (v *Views) Buffer() *bytes.Buffer {
	if b, ok := v.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// Release keeps a buffer for another page; the caller no longer uses it.
func (v *Views) Release(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		v.buffers.Put(b)
	}
}

// Languages the interface is written in, French first: it is the default.
var Languages = []language.Tag{language.French, language.English}

// New parses every page with the layout and loads the catalogs.
func New() (*Views, error) {
	bundle := i18n.NewBundle(language.French)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	// One catalog file per area and language: locales/fr.json, locales/meetings.fr.json…
	catalogs, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range catalogs {
		if _, err := bundle.LoadMessageFileFS(files, name); err != nil {
			return nil, fmt.Errorf("views: catalog %s: %w", name, err)
		}
	}
	pages, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	// Partials (templates/partials/*.html) define blocks that pages share or include.
	partials, err := fs.Glob(files, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	v := &Views{pages: make(map[string]*template.Template), bundle: bundle, voices: make(map[string]*Localizer)}
	for _, tag := range Languages {
		lang := tag.String()
		l := &Localizer{l: i18n.NewLocalizer(bundle, lang), lang: lang}
		l.parser = &messageParser{funcs: texttemplate.FuncMap{"number": l.number}}
		v.voices[lang] = l
	}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(files, append([]string{"templates/layout.html", p}, partials...)...)
		if err != nil {
			return nil, fmt.Errorf("views: parse %s: %w", p, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// ParsePage parses text as New parses a page, with the layout, the partials and the pages'
// functions: for the tests that compare what a page's writers write with the template text
// they replaced.
func ParsePage(text string) (*template.Template, error) {
	partials, err := fs.Glob(files, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	t, err := template.New("page").Funcs(funcs).ParseFS(files, append([]string{"templates/layout.html"}, partials...)...)
	if err != nil {
		return nil, err
	}
	return t.Parse(text)
}

// FormToken is a fresh idempotency token for a creation form (models.SubmitOnce): random, so
// that each form rendered is one submission however often it is sent.
func FormToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("views: form token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Render executes the page into buf; the caller writes it out only when it succeeded, so that
// a failing template never sends half a page.
func (v *Views) Render(buf *bytes.Buffer, page string, data any) error {
	t, ok := v.pages[page]
	if !ok {
		return fmt.Errorf("views: no page %q", page)
	}
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("views: render %s: %w", page, err)
	}
	return nil
}

// Localizer returns the catalog's voice for the first of the given languages it knows
// (a user's preference, then the browser's Accept-Language), French otherwise. The messages
// and the page's lang attribute are in that one language.
func (v *Views) Localizer(langs ...string) *Localizer {
	return v.voices[matchLanguage(langs...)]
}

// matcher picks among the interface's languages.
var matcher = language.NewMatcher(Languages)

// matchLanguage picks fr or en from preferences such as "en-GB,en;q=0.9".
func matchLanguage(langs ...string) string {
	for _, l := range langs {
		tags, _, err := language.ParseAcceptLanguage(l)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := matcher.Match(tags...)
		if conf >= language.High {
			return Languages[i].String()
		}
	}
	return "fr"
}

// Localizer translates message IDs into one language. One per language serves every request
// (Views.Localizer): it keeps the messages without arguments once translated, and each
// message's template once parsed.
type Localizer struct {
	l      *i18n.Localizer
	lang   string
	parser *messageParser
	// plain holds the translations of the messages asked without arguments, by ID.
	plain sync.Map
}

// messageParser parses a message's template once, with the functions of its language: go-i18n
// parses it again on every call when it is given functions.
type messageParser struct {
	funcs  texttemplate.FuncMap
	parsed sync.Map // source and delimiters → i18ntemplate.ParsedTemplate
}

// Cacheable is false: the parser keeps the parsed templates itself (go-i18n would keep one
// per message, not per language's functions).
func (p *messageParser) Cacheable() bool { return false }

// Parse returns the parsed template of a message's source, parsing it the first time.
func (p *messageParser) Parse(src, leftDelim, rightDelim string) (i18ntemplate.ParsedTemplate, error) {
	key := leftDelim + "\x00" + rightDelim + "\x00" + src
	if t, ok := p.parsed.Load(key); ok {
		return t.(i18ntemplate.ParsedTemplate), nil
	}
	t, err := (&i18ntemplate.TextParser{Funcs: p.funcs}).Parse(src, leftDelim, rightDelim)
	if err != nil {
		return nil, err
	}
	p.parsed.Store(key, t)
	return t, nil
}

// Lang is the language code of the page ("fr" or "en"), for the html lang attribute.
func (l *Localizer) Lang() string { return l.lang }

// T translates a message. Arguments come in pairs, name then value; a "Count" argument
// chooses the plural form. A missing message shows its ID, so that it is seen and fixed.
// Messages may write a number with the language's digit grouping: {{number .Count}}.
func (l *Localizer) T(id string, args ...any) string {
	if len(args) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateParser: l.parser}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			key := fmt.Sprint(args[i])
			data[key] = args[i+1]
			if key == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return id
	}
	if len(args) == 0 {
		l.plain.Store(id, s)
	}
	return s
}

// Msg writes a message of the models (a validation error, a refusal) in the page's language.
func (l *Localizer) Msg(m models.Message) string { return l.T(m.Key, m.Args...) }

// Reason writes the reason of an invalid import line: a message without its final period,
// as it follows the line number and the field.
func (l *Localizer) Reason(m models.Message) string { return strings.TrimSuffix(l.Msg(m), ".") }

// FileProblem writes a problem with a whole imported file in the page's language: each code
// has its message ("import.file.<code>"), which may name the line and the value.
func (l *Localizer) FileProblem(fe *csvimport.Error) string {
	return l.T("import.file."+string(fe.Code), "Line", fe.Line, "Value", fe.Value)
}

// SkippedLine is one reason an import left lines out, written out, and how many it left out.
type SkippedLine struct {
	Text  string
	Count int
}

// SkippedLines writes why an import left lines out, each reason with its count, in the order of
// the reasons' text.
func (l *Localizer) SkippedLines(skipped map[imports.Skip]int) []SkippedLine {
	out := make([]SkippedLine, 0, len(skipped))
	for s, n := range skipped {
		out = append(out, SkippedLine{Text: l.Msg(s.Message()), Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}

// monthNames are the months in each language, January first.
var monthNames = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// MonthName writes a month as « novembre 2026 ».
func (l *Localizer) MonthName(m calendar.Month) string {
	t := m.First()
	if t.IsZero() {
		return string(m)
	}
	return fmt.Sprintf("%s %d", monthNames[l.lang][t.Month()-1], t.Year())
}

// Decimal writes a number with the language's decimal separator, or nothing for nil.
func (l *Localizer) Decimal(f *float64) string {
	if f == nil {
		return ""
	}
	s := strconv.FormatFloat(*f, 'f', -1, 64)
	if l.lang == "fr" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// Page is what every page's data embeds: the language, title, request id, CSRF token, the
// signed-in user and the navigation the layout needs, and T for the templates.
type Page struct {
	*Localizer
	Title     string
	RequestID string
	CSRFToken string
	// User is the signed-in user, nil on public pages.
	User *CurrentUser
	// Nav is the navigation of the user's role.
	Nav []NavItem
	// Flash is a one-time message carried over a redirect.
	Flash string
	// Idle is, for a signed-in user, how long the session lasts without a request: the page
	// warns before (static/session.js) when a form is being filled in. Nil for a visitor.
	Idle *IdleWarning
	// FlashUndo, with a flash, is where a button "Annuler" posts to take back what the flash
	// reports (an action marked done); empty for none.
	FlashUndo string
	// FlashAt, with a flash, is the id of the section of the page that shows it (the page then
	// shows it there, not at the top): the user sees it where they were.
	FlashAt string
	// Path is the current path, where the language switch comes back to.
	Path string
}

// IdleWarning is when a page warns that the session will expire for lack of activity.
type IdleWarning struct {
	// Seconds of inactivity end the session; the warning comes LeadSeconds before.
	Seconds     int
	LeadSeconds int
	Minutes     int
}

// NewIdleWarning warns 5 minutes before an idle timeout, or at a sixth of a shorter one.
func NewIdleWarning(idle time.Duration) *IdleWarning {
	if idle <= 0 {
		return nil
	}
	lead := min(5*time.Minute, idle/6)
	return &IdleWarning{Seconds: int(idle.Seconds()), LeadSeconds: int(lead.Seconds()), Minutes: int(idle.Minutes())}
}

// CurrentUser is what the layout shows of the signed-in user.
type CurrentUser struct {
	ID   uint
	Name string
	Role string
	// Unread is the count of unread notifications, on the bell.
	Unread int
}

// NavItem is one entry of the navigation; Current marks the page being shown.
type NavItem struct {
	Href  string
	Label string
	// Also lists other sections the entry stands for (a partner's one "Rapports" entry covers
	// its organisation's report and the metropolitan one).
	Also    []string
	Current bool
}

var funcs = template.FuncMap{
	"list": func(items ...string) []string { return items },
	// options writes a select's options (Options).
	"options":              Options,
	"establishmentOptions": EstablishmentOptions,
	// reportFigures writes a report section's key figures (FiguresHTML).
	"reportFigures":  FiguresHTML,
	"partnerChoices": PartnerChoices,
	// code writes an enumeration held by value or by pointer (nil gives "").
	"code": func(v any) string {
		r := reflect.ValueOf(v)
		for r.Kind() == reflect.Pointer {
			if r.IsNil() {
				return ""
			}
			r = r.Elem()
		}
		return fmt.Sprint(r.Interface())
	},
	// mailto is the href of a link to an address: "mailto:" and the address escaped, or nothing
	// when the address is not a plain one (stored before validation was strict, or imported),
	// so that no stored text ever becomes a link of another scheme.
	"mailto": func(addr string) template.URL {
		if !models.ValidEmail(addr) {
			return ""
		}
		return template.URL("mailto:" + url.PathEscape(addr))
	},
	"formToken": FormToken,
	"inc":       func(i int) int { return i + 1 },
	"minus":     func(a, b int) int { return a - b },
	// riskFields lists the fields of a group of the risk rules form, threshold then points.
	"riskFields": func(group string) []string {
		switch group {
		case "monthly_alert":
			return []string{"monthly_alert_half_days", "monthly_alert_points"}
		case "monthly_watch":
			return []string{"monthly_watch_half_days", "monthly_watch_points"}
		case "chronic_absence":
			return []string{"chronic_absence_rate", "chronic_absence_points"}
		case "exclusion":
			return []string{"exclusions", "exclusion_points"}
		case "incident":
			return []string{"incidents", "incident_points"}
		case "low_average":
			return []string{"low_average", "low_average_points"}
		case "average_drop":
			return []string{"average_drop", "average_drop_points"}
		}
		return []string{"medium_from", "high_from"}
	},
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m, nil
	},
	// fieldKey turns a form field name (home_language) into the key of a dict (HomeLanguage).
	"fieldKey": func(name string) string {
		parts := strings.Split(name, "_")
		for i, p := range parts {
			if p != "" {
				parts[i] = strings.ToUpper(p[:1]) + p[1:]
			}
		}
		return strings.Join(parts, "")
	},
	"dbdate": func(t calendar.DBTime) string {
		if !t.Valid {
			return ""
		}
		return t.Time.Format("02/01/2006")
	},
	"isodate":  func(t time.Time) string { return t.Format("2006-01-02") },
	"civil":    func(t time.Time) string { return t.Format("02/01/2006") },
	"datetime": func(t time.Time) string { return t.In(paris).Format("02/01/2006 15:04") },
	"date":     func(t time.Time) string { return t.In(paris).Format("02/01/2006") },
	"datePtr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(paris).Format("02/01/2006 15:04")
	},
}

// paris is where dates are read; the models package holds the same zone.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()
