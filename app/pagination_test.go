package app_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// pageNav is the page links of a list.
var pageNav = regexp.MustCompile(`(?s)<nav class="actions" aria-label="Pages">.*?</nav>`)

// TestPageLinksOfEveryList: the paged lists (pupils, referrals, accounts, audit log) share one
// pagination helper and one partial; their links keep the filters, and the pupil and referral
// lists say which page of how many is shown. Pinned as they were before the lists shared them.
func TestPageLinksOfEveryList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		for _, tc := range []struct {
			email, path string
			want        string // the links, one per line; "" for none
		}{
			{"mediation@demo.test", "/pupils", `<span>Page 1 sur 2</span>|<a href="/pupils?page=2">Page suivante</a>`},
			{"mediation@demo.test", "/pupils?page=3", `<a href="/pupils?page=2">Page précédente</a>|<span>Page 3 sur 2</span>`},
			{"mediation@demo.test", "/pupils?page=2&sort=risk&status=active",
				`<a href="/pupils?page=1&amp;sort=risk&amp;status=active">Page précédente</a>|<span>Page 2 sur 1</span>`},
			{"mediation@demo.test", "/referrals", ""},
			{"mediation@demo.test", "/referrals?page=2&overdue=1", `<a href="/referrals?overdue=1&amp;page=1">Page précédente</a>|<span>Page 2 sur 1</span>`},
			{"admin@demo.test", "/admin/users", ""},
			{"admin@demo.test", "/admin/users?page=2", `<a href="/admin/users?page=1">Page précédente</a>`},
			{"admin@demo.test", "/admin/audit?page=2&action=created", `<a href="/admin/audit?action=created&amp;page=1">Page précédente</a>`},
		} {
			c := s.client(t)
			c.login(tc.email)
			r := c.get(tc.path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", tc.path, r.Status)
			}
			var got []string
			for _, nav := range pageNav.FindAllString(r.Body, -1) {
				for _, line := range strings.Split(nav, "\n") {
					if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "<nav") && line != "</nav>" {
						got = append(got, line)
					}
				}
			}
			if strings.Join(got, "|") != tc.want {
				t.Errorf("%s: links %q, want %q", tc.path, strings.Join(got, "|"), tc.want)
			}
		}
	})
}

// TestListFiltersStaySelected: the filter forms of the lists (drawn by one partial) show the
// choices the list is filtered by, translated.
func TestListFiltersStaySelected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		for _, tc := range []struct {
			email, path string
			want        []string
		}{
			{"mediation@demo.test", "/pupils?status=active&risk=high&level=4e", []string{
				`<option value="active" selected>Suivi actif</option>`, `<option value="high" selected>Élevé</option>`, `<option value="4e" selected>4e</option>`}},
			{"mediation@demo.test", "/meetings?status=held", []string{`<option value="held" selected>Tenue</option>`}},
			{"caf@demo.test", "/referrals?status=accepted", []string{`<option value="accepted" selected>Acceptée</option>`}},
			{"admin@demo.test", "/admin/users?role=partner", []string{`<option value="partner" selected>Partenaire</option>`}},
			{"admin@demo.test", "/admin/audit?action=created", []string{`<option value="created" selected>Création</option>`}},
		} {
			c := s.client(t)
			c.login(tc.email)
			r := c.get(tc.path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", tc.path, r.Status)
			}
			for _, want := range tc.want {
				if !strings.Contains(r.Body, want) {
					t.Errorf("%s: no %s", tc.path, want)
				}
			}
		}
	})
}
