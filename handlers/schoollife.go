package handlers

import (
	"strings"

	"mediation/views"
)

// schoolLifePages are the pages of « Vie scolaire », in the order of their tabs, with the catalog
// key of each tab: the collective actions, the conflicts handled and the prevention group's
// sessions.
var schoolLifePages = []struct{ href, label string }{
	{"/activities", "schoollife.tab.activities"},
	{"/conflicts", "schoollife.tab.conflicts"},
	{"/case-reviews", "schoollife.tab.case_reviews"},
}

// schoolLifeTabs are the tabs of the school-life pages, the one of the section at path marked.
func schoolLifeTabs(loc *views.Localizer, path string) []views.NavItem {
	tabs := make([]views.NavItem, 0, len(schoolLifePages))
	for _, p := range schoolLifePages {
		tabs = append(tabs, views.NavItem{Href: p.href, Label: loc.T(p.label), Current: path == p.href || strings.HasPrefix(path, p.href+"/")})
	}
	return tabs
}

// schoolLifeNav is the one navigation entry of the three school-life pages, marked on each.
func schoolLifeNav(loc *views.Localizer) views.NavItem {
	item := views.NavItem{Href: schoolLifePages[0].href, Label: loc.T("nav.schoollife")}
	for _, p := range schoolLifePages[1:] {
		item.Also = append(item.Also, p.href)
	}
	return item
}
