package e2e

import (
	"net/http"
	"testing"
)

// longPagesFlow: on a phone, the pupil list keeps its status and risk within the screen
// (stacked rows) and the header takes less than a quarter of it; on the file, a follow-up
// refused lands on its form, the summary of its errors taking the focus.
func longPagesFlow(t *testing.T, b *browser) {
	b.open(t, "/pupils")
	b.resize(t, phoneWidth, phoneHeight)
	m := eval[struct {
		Header float64 `json:"header"`
		Screen float64 `json:"screen"`
		Risk   float64 `json:"risk"`
		Width  float64 `json:"width"`
	}](t, b, `(() => {
  const risk = document.querySelector("table tbody .risk");
  return {header: document.querySelector(".site-header").getBoundingClientRect().height, screen: window.innerHeight,
    risk: risk ? risk.getBoundingClientRect().right : -1, width: document.documentElement.clientWidth};
})()`)
	b.resize(t, desktopWidth, desktopHeight)
	if m.Header <= 0 || m.Header > m.Screen/4 {
		t.Errorf("at %d px the header is %.0f px high, over a quarter of the %.0f px screen", phoneWidth, m.Header, m.Screen)
	}
	if m.Risk <= 0 || m.Risk > m.Width {
		t.Errorf("at %d px the first pupil's risk ends at %.0f px, off the %.0f px screen", phoneWidth, m.Risk, m.Width)
	}

	b.click(t, `table tbody a[href^="/pupils/"]`, http.StatusOK)
	logHeights(t, b, "the file")
	b.fill(t, map[string]string{"#duration_minutes": "1000"})
	b.click(t, `#followup-form button[type="submit"]`, http.StatusUnprocessableEntity)
	if hash := eval[string](t, b, `location.hash`); hash != "#followup-form" {
		t.Errorf("a refused follow-up lands at %q, want #followup-form", hash)
	}
	if focused := eval[bool](t, b, `document.activeElement.matches("#followup-form .error-summary")`); !focused {
		t.Errorf("the summary of the refused follow-up's errors does not have the focus (%s has it)", eval[string](t, b, `document.activeElement.tagName`))
	}
	if n := b.count(t, `#followup-form .error-summary a[href="#duration_minutes"]`); n != 1 {
		t.Errorf("the error summary has %d links to the duration, want 1", n)
	}
	b.check(t, "a file with a refused follow-up (error summary)")
	b.open(t, "/")
	b.check(t, "the worklist grouped by urgency")
	logHeights(t, b, "the worklist")
}

// checkErrorSummary: a refused form shows one error summary, which has the focus, and whose
// links all lead to an element of the page; one of them to the field target (a CSS selector
// of the field, matched against the link's fragment).
func checkErrorSummary(t *testing.T, b *browser, what, target string) {
	t.Helper()
	if n := b.count(t, ".error-summary"); n != 1 {
		t.Errorf("%s: %d error summaries, want 1", what, n)
		return
	}
	if !eval[bool](t, b, `document.activeElement.matches(".error-summary")`) {
		t.Errorf("%s: the error summary does not have the focus (%s has it)", what, eval[string](t, b, `document.activeElement.tagName`))
	}
	r := eval[struct {
		Links   int  `json:"links"`
		Broken  int  `json:"broken"`
		Targets bool `json:"targets"`
	}](t, b, `(() => {
  const links = [...document.querySelectorAll(".error-summary a")];
  const fields = links.map(a => document.getElementById(decodeURIComponent(a.hash.slice(1))));
  return {links: links.length, broken: fields.filter(f => !f).length,
    targets: fields.some(f => f && f.matches(`+"`"+target+"`"+`))};
})()`)
	if r.Links == 0 || r.Broken != 0 || !r.Targets {
		t.Errorf("%s: the summary has %d links, %d to nothing; one to %s: %v", what, r.Links, r.Broken, target, r.Targets)
	}
}

// logHeights writes down how high the page is on a desktop and on a phone.
func logHeights(t *testing.T, b *browser, what string) {
	for _, w := range []int64{desktopWidth, phoneWidth} {
		b.resize(t, w, phoneHeight)
		t.Logf("%s at %d px is %d px high", what, w, eval[int](t, b, `document.documentElement.scrollHeight`))
	}
	b.resize(t, desktopWidth, desktopHeight)
}

// chartLabelsFlow: on a phone, the report's charts keep labels of a readable size (they
// scroll sideways rather than shrink).
func chartLabelsFlow(t *testing.T, b *browser) {
	b.open(t, "/reports/metropolitan")
	b.resize(t, phoneWidth, phoneHeight)
	smallest := eval[float64](t, b, `(() => {
  let min = -1;
  for (const svg of document.querySelectorAll("svg.chart")) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll("text")) {
      const px = parseFloat(text.getAttribute("font-size")) * scale;
      if (min < 0 || px < min) { min = px; }
    }
  }
  return min;
})()`)
	b.resize(t, desktopWidth, desktopHeight)
	if smallest < 0 {
		t.Fatal("the report has no chart with labels")
	}
	if smallest < 9 {
		t.Errorf("at %d px the charts' smallest label is %.1f px high, want 9 px at least", phoneWidth, smallest)
	}
}
