package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// TestSearchAndSortNamesAsAFrenchReader follows a mediator who opens files through the form,
// then types names in the list's search box as people type them (no accents, any case, no
// hyphen), sorts by name, and renames a file: the list finds them and shows them in French
// order, on both databases.
func TestSearchAndSortNamesAsAFrenchReader(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		var jaures models.Establishment
		dbtest.Must(t, s.App.DB.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		med := s.client(t)
		med.login("mediation@demo.test")
		// Created in an order that is not the alphabetical one; « Ébrard » would follow
		// « Keïta » in byte order, « Aydin » would precede « Aït-Ahmed ».
		names := []string{"Keïta", "Ébrard", "Aydin", "BENAÏSSA", "Aït-Ahmed", "N’Diaye"}
		ids := map[string]string{}
		for i, last := range names {
			med.get("/pupils/new")
			r := med.post("/pupils", url.Values{"establishment_id": {fmt.Sprint(jaures.ID)}, "last_name": {last},
				"first_name": {"Zéphyrine"}, "birth_date": {fmt.Sprintf("%02d/03/2012", i+1)}, "class_level": {"4e"}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("create %s: %d %s", last, r.Status, excerpt(r.Body))
			}
			ids[last] = r.Location
		}
		found := func(query string) []string {
			t.Helper()
			r := med.get("/pupils?" + url.Values{"q": {query}, "sort": {"name"}}.Encode())
			if r.Status != http.StatusOK {
				t.Fatalf("search %q: %d", query, r.Status)
			}
			type hit struct {
				name string
				at   int
			}
			var hits []hit
			for name, path := range ids {
				if at := strings.Index(r.Body, `href="`+path+`"`); at >= 0 {
					hits = append(hits, hit{name, at})
				}
			}
			for i := range hits {
				for j := i + 1; j < len(hits); j++ {
					if hits[j].at < hits[i].at {
						hits[i], hits[j] = hits[j], hits[i]
					}
				}
			}
			out := make([]string, len(hits))
			for i, h := range hits {
				out[i] = h.name
			}
			return out
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"zephyrine", []string{"Aït-Ahmed", "Aydin", "BENAÏSSA", "Ébrard", "Keïta", "N’Diaye"}},
			{"keita", []string{"Keïta"}},
			{"Benaissa", []string{"BENAÏSSA"}},
			{"ait ahmed", []string{"Aït-Ahmed"}},
			{"AIT-AHM", []string{"Aït-Ahmed"}},
			{"zéphyrine aït", []string{"Aït-Ahmed"}},
			{"n'diaye", []string{"N’Diaye"}},
			{"ndiaye", []string{"N’Diaye"}},
			{"aitahmed", []string{"Aït-Ahmed"}},
			{"ebr", []string{"Ébrard"}},
			{"hmed", nil},       // words match from their start, not inside
			{"'-", nil},         // no letter: nothing, not everything
			{"keita 100%", nil}, // LIKE's signs are plain characters
			{"ydin zephyrine", nil},
		} {
			if got := found(c.query); strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("search %q shows %q, want %q", c.query, got, c.want)
			}
		}
		// The establishment report's nominative list is in the same order.
		pdf := med.get("/establishments/" + jaures.UAI + "/report.pdf")
		if pdf.Status != http.StatusOK {
			t.Fatalf("establishment report: %d", pdf.Status)
		}
		text, last := fold(pdfText(t, []byte(pdf.Body))), -1
		for _, name := range []string{"AÏT-AHMED", "AYDIN", "BENAÏSSA", "ÉBRARD", "KEÏTA", "N’DIAYE"} {
			at := strings.Index(text, name+" Zéphyrine")
			if at <= last {
				t.Errorf("the report lists %s at %d, after the previous name (%d)", name, at, last)
			}
			last = at
		}
		// Renaming a file: the search follows the new name, not the old one.
		edit := med.get(ids["Keïta"] + "/edit")
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(edit.Body)
		if m == nil {
			t.Fatalf("edit form without version: %d %s", edit.Status, excerpt(edit.Body))
		}
		version := m[1]
		r := med.post(ids["Keïta"], url.Values{"version": {version}, "establishment_id": {fmt.Sprint(jaures.ID)}, "last_name": {"Le Hénaff"},
			"first_name": {"Zéphyrine"}, "birth_date": {"01/03/2012"}, "class_level": {"4e"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("rename: %d %s", r.Status, excerpt(r.Body))
		}
		ids["Le Hénaff"] = ids["Keïta"]
		delete(ids, "Keïta")
		if got := found("henaff"); strings.Join(got, "|") != "Le Hénaff" {
			t.Errorf("search for the new name shows %q", got)
		}
		if got := found("keita zephyrine"); len(got) != 0 {
			t.Errorf("search for the old name shows %q", got)
		}
	})
}
