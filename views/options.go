package views

import (
	"html/template"
	"strconv"
	"strings"

	"mediation/models"
)

// Choice is an option of a select list: the value sent and the label shown.
type Choice struct{ Value, Label string }

// Options writes the options of a select list, the one whose value is selected marked so, each
// on its line: what the template
//
//	{{range .}}<option value="{{.Value}}"{{if eq .Value $selected}} selected{{end}}>{{.Label}}</option>
//	{{end}}
//
// writes, byte for byte, escaped as html/template escapes a quoted attribute and text. A form
// that repeats a long list in each of its rows (a meeting's participants: six rows of staff
// and roles) spent most of its page's rendering in that loop, four calls through reflection
// per option.
func Options(choices []Choice, selected string) template.HTML {
	var b strings.Builder
	WriteOptions(&b, choices, selected)
	return template.HTML(b.String())
}

// WriteOptions writes to b what Options returns, for the writers that build a page in one
// buffer.
func WriteOptions(b *strings.Builder, choices []Choice, selected string) {
	for _, c := range choices {
		b.WriteString(`<option value="`)
		escapeHTML(b, c.Value)
		b.WriteByte('"')
		if c.Value == selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		escapeHTML(b, c.Label)
		b.WriteString("</option>\n")
	}
}

// escapeHTML writes s as html/template writes a string in text or in a quoted attribute value
// (its htmlReplacementTable): the five HTML specials, '+' (for UTF-7 sniffing) and NUL. Every
// other byte, invalid UTF-8 included, is written as it is.
func escapeHTML(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// PartnerChoices are the options of a list of partner organisations.
func PartnerChoices(ps []models.PartnerOrganisation) []Choice {
	out := make([]Choice, len(ps))
	for i, p := range ps {
		out[i] = Choice{Value: strconv.FormatUint(uint64(p.ID), 10), Label: p.Name}
	}
	return out
}
