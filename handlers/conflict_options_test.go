package handlers

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"mediation/models"
	"mediation/views"
)

// formerFileOptions is how the partial "conflict-fields" wrote a party row's file options with
// html/template, before ConflictForm.FileOptions.
const formerFileOptions = `{{define "former"}}{{$f := .F}}{{$i := .I}}<select>
{{range $f.Files}}{{if .Files}}<optgroup label="{{.Establishment}}">
{{range .Files}}<option value="{{.ID}}"{{if eq (print .ID) ($f.Party $i "pupil_id")}} selected{{end}}>{{.LastName}} {{.FirstName}}{{if .ClassName}} ({{.ClassName}}){{end}}</option>
{{end}}</optgroup>{{end}}
{{end}}</select>{{end}}
{{define "fast"}}{{$f := .F}}{{$i := .I}}<select>
{{$f.FileOptions $i}}</select>{{end}}`

// TestConflictFileOptionsWriteWhatTheTemplateWrote compares FileOptions with the former
// template on 3,000 random forms: establishments with and without files, names and classes full
// of what html/template escapes, the row's file chosen among the options, outside them, typed
// as text, or none. It fails when one byte differs.
func TestConflictFileOptionsWriteWhatTheTemplateWrote(t *testing.T) {
	tmpl, err := views.ParsePage(formerFileOptions)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 2026))
	text, _ := escapeProne(r)
	shown := map[string]bool{}
	for n := range 3000 {
		f := ConflictForm{Values: map[string]string{}}
		var ids []uint
		for range r.IntN(4) {
			g := FileGroup{Establishment: text()}
			for range r.IntN(5) {
				id := uint(r.IntN(100000))
				ids = append(ids, id)
				g.Files = append(g.Files, models.PartyFileOption{ID: id, LastName: text(), FirstName: text(), ClassName: text()})
			}
			f.Files = append(f.Files, g)
		}
		row := r.IntN(4)
		switch k := r.IntN(4); {
		case k == 0 && len(ids) > 0:
			f.Values[fmt.Sprintf("party%d_pupil_id", row)] = fmt.Sprint(ids[r.IntN(len(ids))])
		case k == 1:
			f.Values[fmt.Sprintf("party%d_pupil_id", row)] = text()
		case k == 2 && len(ids) > 0: // another row's choice
			f.Values[fmt.Sprintf("party%d_pupil_id", (row+1)%4)] = fmt.Sprint(ids[r.IntN(len(ids))])
		}
		data := struct {
			F ConflictForm
			I int
		}{f, row}
		var want, got strings.Builder
		if err := tmpl.ExecuteTemplate(&want, "former", data); err != nil {
			t.Fatal(err)
		}
		if err := tmpl.ExecuteTemplate(&got, "fast", data); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("case %d: %s", n, firstDifference(got.String(), want.String()))
		}
		for _, s := range []string{"<optgroup", " selected", "> </option>", "&lt;", "&#43;", "&#34;", "&#39;", "&amp;", "\uFFFD"} {
			shown[s] = shown[s] || strings.Contains(want.String(), s)
		}
	}
	for s, ok := range shown {
		if !ok {
			t.Errorf("no random form showed %q", s)
		}
	}
}
