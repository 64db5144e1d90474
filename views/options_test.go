package views

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestOptionsWritesWhatTheTemplateWrites compares Options with the template loop it replaces,
// on labels and values full of what html/template escapes (and invalid UTF-8, NUL, accents).
func TestOptionsWritesWhatTheTemplateWrites(t *testing.T) {
	loop := template.Must(template.New("loop").Parse(`<select name="x">` +
		`{{$sel := .Selected}}{{range .Choices}}<option value="{{.Value}}"{{if eq .Value $sel}} selected{{end}}>{{.Label}}</option>
{{end}}</select>`))
	fast := template.Must(template.New("fast").Funcs(template.FuncMap{"options": Options}).Parse(
		`<select name="x">{{options .Choices .Selected}}</select>`))
	alphabet := []string{"a", "Z", "9", " ", "é", "·", "\u202f", "<", ">", "&", "'", "\"", "+", "=", "`", "\x00", "\xff", "\xc3", "&amp;", "<script>", "javascript:", "\n", "\t", "/", "?"}
	random := func(r *rand.Rand) string {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	r := rand.New(rand.NewPCG(18, 2026))
	for i := range 2000 {
		var data struct {
			Choices  []Choice
			Selected string
		}
		for range r.IntN(6) {
			data.Choices = append(data.Choices, Choice{random(r), random(r)})
		}
		if len(data.Choices) > 0 && r.IntN(2) == 0 {
			data.Selected = data.Choices[r.IntN(len(data.Choices))].Value
		}
		sameOutput(t, fmt.Sprintf("options %q selected %q", data.Choices, data.Selected), i, loop, fast, data)
	}
}
