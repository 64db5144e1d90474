package handlers

import (
	"strings"

	"mediation/views"
)

// SchoolLifeTab is a tab of the school-life pages (« Vie scolaire »): collective actions,
// conflicts, the prevention group's sessions.
type SchoolLifeTab struct {
	Href    string
	Label   string
	Current bool
}

// schoolLifePages are the school-life pages whose routes are registered, in the tabs' order;
// the navigation's « Vie scolaire » entry leads to the first. Only pages that exist are listed,
// so that no tab leads to a 404.
var schoolLifePages = []struct{ href, label string }{
	{"/case-reviews", "schoollife.case_reviews"},
}

// schoolLifeTabs are the tabs, the one of path marked current.
func schoolLifeTabs(loc *views.Localizer, path string) []SchoolLifeTab {
	out := make([]SchoolLifeTab, len(schoolLifePages))
	for i, p := range schoolLifePages {
		out[i] = SchoolLifeTab{Href: p.href, Label: loc.T(p.label), Current: path == p.href || strings.HasPrefix(path, p.href+"/")}
	}
	return out
}

// schoolLifeHome is where the navigation's « Vie scolaire » entry leads, and the other pages
// it stays current on.
func schoolLifeHome() (href string, also []string) {
	for i, p := range schoolLifePages {
		if i == 0 {
			href = p.href
		} else {
			also = append(also, p.href)
		}
	}
	return href, also
}
