package handlers

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"

	"mediation/views"
)

// TestPupilLinesWriteWhatTheTemplatesWrote compares the follow-up timeline and the access
// history written in Go with the template loops they replaced, in both languages, on lines
// full of what html/template escapes, with and without the optional parts. It fails when one
// byte differs.
func TestPupilLinesWriteWhatTheTemplatesWrote(t *testing.T) {
	loops := template.Must(template.New("loops").Parse(`<ol class="timeline">
{{$restricted := .T "followup.restricted_badge"}}{{$edit := .T "followup.edit"}}{{range .FollowUps}}<li class="card">
<p><strong>{{.On}}</strong> · {{.Kind}}{{with .Minutes}} · {{.}}{{end}} · {{.AuthorName}}{{if .Restricted}} <span class="badge">{{$restricted}}</span>{{end}}</p>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{if .Mine}}<p class="actions"><a href="/followups/{{.ID}}/edit">{{$edit}}<span class="visually-hidden"> ({{.On}})</span></a></p>{{end}}
</li>
{{end}}</ol>
<tbody>{{range .Accesses}}<tr><th scope="row"><time datetime="{{.UTC}}">{{.At}}</time></th><td>{{.Who}}{{with .Role}} <span class="muted">({{.}})</span>{{end}}</td><td>{{.Kind}}</td></tr>
{{end}}</tbody>`))
	fast := template.Must(template.New("fast").Parse(`<ol class="timeline">
{{.FollowUpItems}}</ol>
<tbody>{{.AccessRows}}</tbody>`))
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	alphabet := []string{"a", "Z", "9", " ", "é", "·", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "&amp;", "<b>", "\n", "/"}
	r := rand.New(rand.NewPCG(18, 2026))
	text := func() string {
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for i := range 1000 {
		p := PupilPage{Page: views.Page{Localizer: v.Localizer([]string{"fr", "en"}[i%2])}}
		for range r.IntN(5) {
			p.FollowUps = append(p.FollowUps, FollowUpLine{ID: uint(r.IntN(100000)), On: text(), Kind: text(), Minutes: text(),
				AuthorName: text(), Restricted: r.IntN(2) == 0, Note: text(), Mine: r.IntN(2) == 0})
			p.Accesses = append(p.Accesses, AccessLine{UTC: text(), At: text(), Who: text(), Role: text(), Kind: text()})
		}
		var want, got strings.Builder
		if err := loops.Execute(&want, p); err != nil {
			t.Fatal(err)
		}
		if err := fast.Execute(&got, p); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("case %d:\n got %q\nwant %q", i, got.String(), want.String())
		}
	}
}
