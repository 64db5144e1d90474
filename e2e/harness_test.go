package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// fixedNow is the clock of the application under test, as in the other packages' tests.
var fixedNow = time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)

// Widths of the checks: axe-core runs on a desktop window, the overflow check on a phone.
const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 375, 800
	actionTimeout               = 20 * time.Second
)

// wcagTags are the axe-core rule tags of WCAG 2.0 and 2.1, levels A and AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// tools says where the programs and files that the checks need are; an empty or missing one
// makes its check skip.
type tools struct {
	chromium string
	axe      string // axe.min.js
	java     string
	vnu      string // vnu.jar
}

// findTools locates Chromium, axe-core, java and vnu.jar. The node packages live in
// .ci/node_modules at the root of the module; MEDIATION_CHROMIUM, MEDIATION_AXE, MEDIATION_JAVA
// and MEDIATION_VNU_JAR name other files.
func findTools(t *testing.T) tools {
	t.Helper()
	root := moduleRoot(t)
	modules := filepath.Join(root, ".ci", "node_modules")
	tl := tools{
		chromium: envOr("MEDIATION_CHROMIUM", "/usr/bin/chromium"),
		axe:      envOr("MEDIATION_AXE", filepath.Join(modules, "axe-core", "axe.min.js")),
		vnu:      envOr("MEDIATION_VNU_JAR", filepath.Join(modules, "vnu-jar", "build", "dist", "vnu.jar")),
	}
	if tl.java = os.Getenv("MEDIATION_JAVA"); tl.java == "" {
		tl.java, _ = exec.LookPath("java")
	}
	return tl
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// moduleRoot walks up from the test's directory to the one that holds go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// isFile reports whether path names a regular file (or an executable, with exec).
func isFile(path string, exec bool) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return !exec || fi.Mode().Perm()&0o111 != 0
}

// demoImage is a SQLite database on which the application loaded the demo data set, with the
// production configuration but for the fixed clock: loading the demo once, every site of the
// test starts from a copy of it.
func demoImage(t *testing.T) []byte {
	t.Helper()
	image, err := dbtest.SQLiteImage(func(ctx context.Context, u models.DatabaseURL) error {
		a, err := app.New(ctx, app.Config{DatabaseURL: "sqlite:" + u.Path, Now: func() time.Time { return fixedNow }})
		if err != nil {
			return err
		}
		defer a.Close()
		return a.LoadDemo(ctx, io.Discard)
	})
	if err != nil {
		t.Fatalf("demo data: %v", err)
	}
	return image
}

// newDemoSite runs the application on a copy of the demo database, a fresh SQLite file of its
// own, over real HTTP, and returns its base URL. Each site is as the demo leaves it: what one
// part of the test changes, no other part sees.
func newDemoSite(t *testing.T, image []byte) string {
	t.Helper()
	u := models.DatabaseURL{Dialect: models.DialectSQLite, Path: filepath.Join(t.TempDir(), "e2e.db")}
	dbtest.WriteSQLite(t, u, image)
	a, err := app.New(context.Background(), app.Config{
		DatabaseURL: "sqlite:" + u.Path,
		Now:         func() time.Time { return fixedNow },
	})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(srv.Close)
	return srv.URL
}

// nobody is who the messages say is signed in when nobody is.
const nobody = "signed out"

// chromium is the test's headless browser. Each part of the test works in a tab of its own
// (newTab), in a browser context of its own: its own cookies, as in a browser of its own.
type chromium struct {
	ctx context.Context // the browser's first tab, which keeps it running
	axe string          // the axe-core source; empty when axe-core is missing
}

// browser is one tab of the headless Chromium, used sequentially by one part of the test. It
// checks every page it is asked to, and keeps the HTML of each for the Nu HTML checker.
type browser struct {
	ctx  context.Context
	base string // the site's URL
	axe  string // the axe-core source; empty when axe-core is missing
	who  string // the account signed in, for the messages
	html *checkedHTML

	mu       sync.Mutex        // guards what the event listener writes
	document network.RequestID // the request of the last HTML document received
	console  []consoleEntry    // errors logged by the page since the last action
}

// checkedHTML keeps the HTML of the pages checked by every tab, as the server sent it, for the
// Nu HTML checker.
type checkedHTML struct {
	dir string

	mu     sync.Mutex
	saved  int         // files written to dir
	pages  []savedPage // the pages checked
	canary string      // the HTML file of the canary page, once checked
}

// savedPage is the HTML of a page checked, as the server sent it.
type savedPage struct {
	label, file string
}

type consoleEntry struct {
	request network.RequestID
	text    string
}

// startChromium starts Chromium for the test, or skips the test when there is none. Nothing
// is ever downloaded: the browser is the machine's.
func startChromium(t *testing.T, tl tools) *chromium {
	t.Helper()
	if !isFile(tl.chromium, true) {
		t.Skipf("browser tests skipped: no Chromium at %s (install the chromium package, or set MEDIATION_CHROMIUM)", tl.chromium)
	}
	profile := t.TempDir() // made before the browser starts, so removed after it stops
	var output bytes.Buffer
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(tl.chromium),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		// Several tabs work at once: none of them may be slowed down as a tab in the background.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.CombinedOutput(&output),
	)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first action starts the browser; it gets no timeout, which would stop the browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v\n%s", tl.chromium, err, output.String())
	}
	c := &chromium{ctx: ctx}
	if isFile(tl.axe, false) {
		src, err := os.ReadFile(tl.axe)
		if err != nil {
			t.Fatal(err)
		}
		c.axe = string(src)
	}
	return c
}

// newTab opens a tab in a new browser context, closed when the test ends.
func (c *chromium) newTab(t *testing.T, html *checkedHTML) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(c.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{ctx: ctx, axe: c.axe, who: nobody, html: html}
	// The first action opens the tab; it gets no timeout, which would close the tab.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	b.do(t, "set up the tab", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// A French reader, as the product's users are; the language switch is tested apart.
		if _, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders,
			network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "fr-FR,fr;q=0.9"}}); err != nil {
			return err
		}
		return setWidth(ctx, t, desktopWidth, desktopHeight)
	}))
	return b
}

// listen runs on the browser's reading goroutine: it only records.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument {
			b.document = ev.RequestID
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			text := ev.Entry.Text
			if ev.Entry.URL != "" && !strings.Contains(text, ev.Entry.URL) {
				text += " (" + ev.Entry.URL + ")"
			}
			b.console = append(b.console, consoleEntry{request: ev.Entry.NetworkRequestID, text: text})
		}
	case *runtime.EventExceptionThrown:
		b.console = append(b.console, consoleEntry{text: "exception: " + ev.ExceptionDetails.Text})
	}
}

func setWidth(ctx context.Context, t *chromedp.Target, width, height int64) error {
	_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: width, Height: height, DeviceScaleFactor: 1})
	return err
}

// do runs an action on the tab within the action timeout, and stops the test if it fails.
func (b *browser) do(t *testing.T, what string, action chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, action); err != nil {
		t.Fatalf("%s (%s): %v", what, b.who, err)
	}
}

// eval evaluates a script on the page and decodes its result.
func eval[T any](t *testing.T, b *browser, script string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, opts...))
	if err != nil {
		t.Fatalf("evaluating %.60q (%s): %v", script, b.who, err)
	}
	return v
}

// load runs the steps, which navigate (a link, a form), waits for the page to load and checks
// its HTTP status.
func (b *browser) load(t *testing.T, what string, wantStatus int, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	b.mu.Lock()
	b.console, b.document = nil, ""
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s (%s): %v", what, b.who, err)
	}
	if resp == nil {
		t.Fatalf("%s (%s): no HTML document received", what, b.who)
	}
	if int(resp.Status) != wantStatus {
		t.Fatalf("%s (%s): HTTP %d at %s, want %d", what, b.who, resp.Status, resp.URL, wantStatus)
	}
}

// visit opens the path, which must answer 200, and checks the page.
func (b *browser) visit(t *testing.T, path string) {
	t.Helper()
	b.open(t, path)
	b.check(t, path)
}

// open opens the path, which must answer 200, without checking it.
func (b *browser) open(t *testing.T, path string) {
	t.Helper()
	b.load(t, "GET "+path, 200, chromedp.Navigate(b.base+path))
}

// fill sets the value of the form fields, by CSS selector.
func (b *browser) fill(t *testing.T, fields map[string]string) {
	t.Helper()
	for sel, v := range fields {
		b.do(t, "fill "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
	}
}

// click clicks the element, which must lead to a page with the status.
func (b *browser) click(t *testing.T, sel string, wantStatus int) {
	t.Helper()
	b.load(t, "click "+sel, wantStatus, chromedp.Click(chromedp.CSS(sel)))
}

// location is the path of the page shown.
func (b *browser) location(t *testing.T) string {
	t.Helper()
	return eval[string](t, b, `location.pathname`)
}

// text is the text of the first element that matches the CSS selector, "" if none.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return eval[string](t, b, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent.trim()`, sel))
}

// count is the number of elements that match the CSS selector.
func (b *browser) count(t *testing.T, sel string) int {
	t.Helper()
	return eval[int](t, b, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// login signs in through the login form, from a browser without cookies.
func (b *browser) login(t *testing.T, email, password string) {
	t.Helper()
	b.clearCookies(t)
	b.open(t, "/login")
	b.fill(t, map[string]string{"#email": email, "#password": password})
	b.click(t, `form[action="/login"] button[type="submit"]`, 200)
	if p := b.location(t); p != "/" {
		t.Fatalf("login as %s ended on %s, want /", email, p)
	}
	b.who = email
}

// start points the tab at the site at base, for the test t, as a browser that never saw it:
// without cookies (a cookie is for a host, whatever its port). When t ends, the tab leaves the
// site for an empty page, so that nothing of it still loads when the next test starts.
func (b *browser) start(t *testing.T, base string) {
	t.Helper()
	b.base = base
	b.clearCookies(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			t.Errorf("leaving %s (%s): %v", base, b.who, err)
		}
	})
}

// clearCookies forgets every cookie of the tab: nobody is signed in any more.
func (b *browser) clearCookies(t *testing.T) {
	t.Helper()
	b.do(t, "clear cookies", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
	b.who = nobody
}

// logout signs out with the header's button.
func (b *browser) logout(t *testing.T) {
	t.Helper()
	b.click(t, `form[action="/logout"] button`, 200)
	if p := b.location(t); p != "/login" {
		t.Errorf("logout of %s ended on %s, want /login", b.who, p)
	}
	b.who = nobody
}

// check runs every check on the page shown: errors in the console, axe-core on a desktop
// window, then on a phone's screen axe-core again and the overflow check; and keeps the page's
// HTML for the Nu HTML checker. The label names the page in messages.
func (b *browser) check(t *testing.T, label string) {
	t.Helper()
	label = b.who + " · " + label
	// The console first: axe-core logs errors of its own on a page whose style sheet failed
	// to load (it fetches the sheet again and is refused an inline style), which that page
	// has already logged.
	problems := b.consoleProblems()
	problems = append(problems, b.accessibilityProblems(t, label)...)
	b.resize(t, phoneWidth, phoneHeight)
	problems = append(problems, b.overflowProblems(t)...)
	// A table that scrolls on a phone, for one, must be reachable with the keyboard there.
	for _, p := range b.accessibilityProblems(t, label) {
		if !slices.Contains(problems, p) {
			problems = append(problems, fmt.Sprintf("at %d px: %s", phoneWidth, p))
		}
	}
	b.resize(t, desktopWidth, desktopHeight)
	b.consoleProblems()
	for _, p := range problems {
		t.Errorf("%s: %s", label, p)
	}
	file := b.saveHTML(t, label)
	b.html.mu.Lock()
	b.html.pages = append(b.html.pages, savedPage{label: label, file: file})
	b.html.mu.Unlock()
}

// resize sets the size of the window that the page is laid out in.
func (b *browser) resize(t *testing.T, width, height int64) {
	t.Helper()
	b.do(t, fmt.Sprintf("resize to %d×%d", width, height), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		return setWidth(ctx, t, width, height)
	}))
}

// axeResult is what the axe script below returns.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  []string `json:"target"`
			Summary string   `json:"summary"`
		} `json:"nodes"`
	} `json:"violations"`
	Incomplete []string `json:"incomplete"`
}

// accessibilityProblems runs axe-core on the page with the WCAG 2.0 and 2.1 A and AA rules and
// describes each violation: rule, impact, elements and what to fix.
func (b *browser) accessibilityProblems(t *testing.T, label string) []string {
	t.Helper()
	if b.axe == "" {
		return nil
	}
	// Evaluated through the protocol, the script is not subject to the page's CSP.
	if !eval[bool](t, b, `typeof window.axe === "object"`) {
		eval[chromedp.Void](t, b, b.axe)
	}
	tags, _ := json.Marshal(wcagTags)
	script := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r => ({
  violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)), summary: n.failureSummary || ""}))})),
  incomplete: r.incomplete.map(v => v.id)}))`, tags)
	res := eval[axeResult](t, b, script, chromedp.EvalAwaitPromise)
	var problems []string
	for _, v := range res.Violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("%s\n      %s", strings.Join(n.Target, " "), strings.ReplaceAll(n.Summary, "\n", "\n      ")))
		}
		problems = append(problems, fmt.Sprintf("axe-core %s [%s] %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(nodes, "\n    ")))
	}
	if len(res.Incomplete) > 0 {
		t.Logf("%s: axe-core could not decide, to review by hand: %s", label, strings.Join(res.Incomplete, ", "))
	}
	return problems
}

// overflowScript measures the page and names the elements that stick out on the right: those
// that overflow a parent that does not, and those whose own text runs past the edge.
const overflowScript = `(() => {
  const limit = document.documentElement.clientWidth, out = [];
  const one = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const name = el => [el.parentElement.parentElement, el.parentElement, el].filter(e => e && e !== document.body).map(one).join(" > ");
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect(), parent = el.parentElement.getBoundingClientRect();
    const text = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const right = Math.max(r.right, text ? r.left + el.scrollWidth : 0);
    if (r.width > 0 && right > limit + 0.5 && (parent.right <= limit + 0.5 || right > r.right + 0.5)) {
      out.push(name(el) + " (right edge at " + Math.round(right) + " px)");
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, culprits: out.slice(0, 5)};
})()`

// overflowProblems reports a page wider than the window, which scrolls sideways. The window
// is a phone's when it is called.
func (b *browser) overflowProblems(t *testing.T) []string {
	t.Helper()
	m := eval[struct {
		ScrollWidth int      `json:"scrollWidth"`
		Culprits    []string `json:"culprits"`
	}](t, b, overflowScript)
	if m.ScrollWidth <= phoneWidth {
		return nil
	}
	return []string{fmt.Sprintf("scrolls sideways at %d px (scrollWidth %d px): %s", phoneWidth, m.ScrollWidth, strings.Join(m.Culprits, ", "))}
}

// consoleProblems lists the script errors, refused resources (a CSP violation, a missing style
// sheet) and other errors that the page logged; the document's own status (401, 422) is
// expected, not a problem.
func (b *browser) consoleProblems() []string {
	b.mu.Lock()
	entries, doc := b.console, b.document
	b.console = nil
	b.mu.Unlock()
	var problems []string
	for _, e := range entries {
		if (e.request == "" || e.request != doc) && !slices.Contains(problems, "console: "+e.text) {
			problems = append(problems, "console: "+e.text)
		}
	}
	return problems
}

// saveHTML writes the HTML of the page as the server sent it (also for a page that answered a
// form) to a file for the Nu HTML checker, and returns the file's name.
func (b *browser) saveHTML(t *testing.T, label string) string {
	t.Helper()
	b.mu.Lock()
	doc := b.document
	b.mu.Unlock()
	if doc == "" {
		t.Fatalf("%s: no HTML document recorded", label)
	}
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	body, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: doc})
	if err != nil {
		t.Fatalf("%s: reading the HTML: %v", label, err)
	}
	b.html.mu.Lock()
	b.html.saved++
	file := filepath.Join(b.html.dir, fmt.Sprintf("%03d-%s.html", b.html.saved, slug(label)))
	b.html.mu.Unlock()
	if err := os.WriteFile(file, body.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(notSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// vnuReport is the JSON that the Nu HTML checker writes.
type vnuReport struct {
	Messages []struct {
		Type      string `json:"type"`
		SubType   string `json:"subType"`
		URL       string `json:"url"`
		LastLine  int    `json:"lastLine"`
		FirstCol  int    `json:"firstColumn"`
		LastCol   int    `json:"lastColumn"`
		Message   string `json:"message"`
		Extract   string `json:"extract"`
		HiliteLen int    `json:"hiliteLength"`
	} `json:"messages"`
}

// validate runs the Nu HTML checker once over the HTML of every page checked, and of the
// canary page, in which it must find errors. It skips when java or vnu.jar is missing. It runs
// when every tab is done.
func (h *checkedHTML) validate(t *testing.T, tl tools) {
	t.Helper()
	if tl.java == "" || !isFile(tl.java, true) {
		t.Skip("Nu HTML checker skipped: no java on PATH (install a JRE, e.g. default-jre-headless, or set MEDIATION_JAVA)")
	}
	if !isFile(tl.vnu, false) {
		t.Skipf("Nu HTML checker skipped: no vnu.jar at %s (run: npm ci --prefix .ci)", tl.vnu)
	}
	if len(h.pages) == 0 {
		t.Fatal("no page to check")
	}
	// The checker runs a few seconds: the JVM's first compiler alone starts it in half the
	// CPU time of both. Its code then needs the larger stack that vnu asks for (512 KiB at least).
	args := []string{"-XX:TieredStopAtLevel=1", "-Xss8m", "-jar", tl.vnu, "--errors-only", "--format", "json"}
	byFile := map[string]string{}
	for _, p := range h.pages {
		args = append(args, p.file)
		byFile[filepath.Base(p.file)] = p.label
	}
	if h.canary != "" {
		args = append(args, h.canary)
	}
	cmd := exec.Command(tl.java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		t.Fatalf("running the Nu HTML checker: %v", runErr)
	}
	var rep vnuReport
	out := bytes.TrimSpace(stderr.Bytes()) // where vnu writes its report
	if len(out) == 0 {
		out = bytes.TrimSpace(stdout.Bytes())
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("Nu HTML checker: unreadable report (%v, %v):\n%s\n%s", err, runErr, stderr.String(), stdout.String())
	}
	canaryErrors := 0
	for _, m := range rep.Messages {
		if m.Type == "info" { // a warning or a note, not an error
			continue
		}
		file := path.Base(m.URL)
		if h.canary != "" && file == filepath.Base(h.canary) {
			canaryErrors++
			continue
		}
		page := byFile[file]
		if page == "" {
			page = m.URL
		}
		t.Errorf("Nu HTML checker: %s — line %d: %s\n    %s", page, m.LastLine, m.Message, strings.TrimSpace(m.Extract))
	}
	if h.canary != "" && canaryErrors == 0 {
		t.Errorf("Nu HTML checker found no error in the canary page, which has some: is it checking anything?\n%s", stderr.String())
	}
	if runErr != nil && len(rep.Messages) == 0 {
		t.Errorf("Nu HTML checker failed without a message: %v\n%s", runErr, stderr.String())
	}
	if !t.Failed() {
		t.Logf("Nu HTML checker: %d pages, no error", len(h.pages))
	}
}

// canaryPage has a fault of each kind that the checks look for: no language, an image without
// a text alternative, a block that is too wide for a phone, invalid nesting, a script error.
const canaryPage = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Canary</title><link rel="icon" href="data:,"></head>
<body>
<main>
<img src="data:,">
<div style="width: 600px">Trop large pour un téléphone.</div>
<span><div>Un bloc dans un élément en ligne.</div></span>
<script>throw new Error("canary");</script>
</main>
</body>
</html>`

// selfCheck opens the canary page and makes sure that every check finds its fault, so that a
// check that stopped working cannot let every page pass unnoticed. The canary names its icon
// inline: the browser's own request for /favicon.ico could otherwise reach the canary server
// after it closed, and its refusal be reported on the next page.
func (b *browser) selfCheck(t *testing.T) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, canaryPage)
	}))
	defer srv.Close()
	b.load(t, "GET the canary page", http.StatusOK, chromedp.Navigate(srv.URL+"/canary"))
	if b.axe != "" {
		if p := b.accessibilityProblems(t, "canary"); len(p) < 2 {
			t.Errorf("axe-core found %d problems in the canary page, want at least 2 (html-has-lang, image-alt): %q", len(p), p)
		}
	}
	b.resize(t, phoneWidth, phoneHeight)
	if p := b.overflowProblems(t); len(p) == 0 {
		t.Error("the 375 px check found no overflow in the canary page, which has a 600 px block")
	}
	b.resize(t, desktopWidth, desktopHeight)
	if p := b.consoleProblems(); len(p) == 0 {
		t.Error("no console error recorded in the canary page, which throws one")
	}
	canary := b.saveHTML(t, "canary")
	b.html.mu.Lock()
	b.html.canary = canary
	b.html.mu.Unlock()
}

// demoAccount returns the demo account of that email, or fails.
func demoAccount(t *testing.T, email string) demodata.Account {
	t.Helper()
	for _, a := range demodata.Accounts() {
		if a.Email == email {
			return a
		}
	}
	t.Fatalf("%s is not a demo account", email)
	return demodata.Account{}
}
