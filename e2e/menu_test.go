package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// menuHeight is the screen of the phone the folded menu is measured on: the header must leave
// three quarters of it to the page.
const menuHeight = 667

// navState is what the main navigation looks like: whether its "Menu" is shown and open, the
// links shown, and whether they stand on one line or one under the other within the screen.
type navState struct {
	Toggle  bool    `json:"toggle"`
	Open    bool    `json:"open"`
	Links   int     `json:"links"`
	Shown   int     `json:"shown"`
	OneLine bool    `json:"oneLine"`
	Stacked bool    `json:"stacked"`
	Inside  bool    `json:"inside"`
	Header  float64 `json:"header"`
	Screen  float64 `json:"screen"`
}

const navStateScript = `(() => {
  const toggle = document.querySelector(".site-nav .menu-toggle");
  const links = [...document.querySelectorAll(".site-nav ul a")];
  const shown = links.filter(a => a.getClientRects().length > 0).map(a => a.getBoundingClientRect());
  const width = document.documentElement.clientWidth;
  return {
    toggle: !!toggle && toggle.getClientRects().length > 0, open: !!toggle && toggle.open,
    links: links.length, shown: shown.length,
    oneLine: shown.length > 1 && shown.every(r => Math.abs(r.top - shown[0].top) < 1),
    stacked: shown.length > 1 && shown.every((r, i) => i === 0 || r.top >= shown[i - 1].bottom - 1),
    inside: shown.every(r => r.left >= 0 && r.right <= width),
    header: document.querySelector(".site-header").getBoundingClientRect().height, screen: window.innerHeight,
  };
})()`

// phoneMenuFlow: at 1280 px the main navigation is a line of links, as it always was; on a
// phone it folds under a "Menu" that the keyboard opens (a details element, no script), the
// links then one under the other, and the header takes less than a quarter of the screen. The
// file's in-page menu wraps within the screen instead of scrolling sideways.
func phoneMenuFlow(t *testing.T, b *browser) {
	b.open(t, "/pupils")
	wide := eval[navState](t, b, navStateScript)
	if wide.Toggle || wide.Links < 3 || wide.Shown != wide.Links || !wide.OneLine {
		t.Errorf("at %d px the navigation is not a line of its %d links: %+v", desktopWidth, wide.Links, wide)
	}
	b.resize(t, phoneWidth, menuHeight)
	defer b.resize(t, desktopWidth, desktopHeight)
	folded := eval[navState](t, b, navStateScript)
	if !folded.Toggle || folded.Open || folded.Shown != 0 {
		t.Errorf("at %d px the navigation is not folded under its menu: %+v", phoneWidth, folded)
	}
	if folded.Header <= 0 || folded.Header > folded.Screen/4 {
		t.Errorf("at %d×%d the header is %.0f px high, over a quarter of the screen", phoneWidth, menuHeight, folded.Header)
	}
	if name := eval[string](t, b, `document.querySelector(".site-nav .menu-toggle summary").textContent.trim()`); name != "Menu" {
		t.Errorf("the menu's button reads %q, want Menu", name)
	}
	// The keyboard: the summary takes the focus, visibly, and Enter opens the menu.
	b.do(t, "focus the menu", chromedp.Focus(chromedp.CSS(".site-nav .menu-toggle summary")))
	if outline := eval[string](t, b, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused menu button has no visible focus")
	}
	b.do(t, "open the menu with Enter", chromedp.KeyEvent("\r"))
	open := eval[navState](t, b, navStateScript)
	if !open.Open || open.Shown != open.Links || !open.Stacked || !open.Inside {
		t.Errorf("at %d px the open menu does not list its %d links one under the other within the screen: %+v", phoneWidth, open.Links, open)
	}
	b.check(t, "the main menu open on a phone")
	b.resize(t, phoneWidth, menuHeight)
	b.click(t, `.site-nav a[href="/meetings"]`, http.StatusOK)
	if p := b.location(t); p != "/meetings" {
		t.Errorf("the menu's link led to %s, want /meetings", p)
	}
	if again := eval[navState](t, b, navStateScript); again.Open || again.Shown != 0 {
		t.Errorf("on the next page the menu is not folded again: %+v", again)
	}
	// The file's in-page menu wraps on the phone's screen rather than scrolling sideways.
	b.open(t, "/pupils")
	b.click(t, `table tbody a[href^="/pupils/"]`, http.StatusOK)
	b.resize(t, phoneWidth, menuHeight)
	if scrolls := eval[bool](t, b, `(() => { const ul = document.querySelector(".page-menu ul");
  return !ul || ul.scrollWidth > ul.clientWidth || ul.getBoundingClientRect().right > document.documentElement.clientWidth; })()`); scrolls {
		t.Errorf("at %d px the file's in-page menu is missing or scrolls sideways", phoneWidth)
	}
}
