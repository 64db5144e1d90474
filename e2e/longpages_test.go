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
}
