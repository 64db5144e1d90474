package views

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/views/letterpdf"
)

// The texts of the family letters shipped with the application, one file per document and
// language (letters/invitation.ar.txt): the coordination validates them or writes its own on
// /settings/letters. Until then a translation is marked for a professional reread.
//
//go:embed letters
var letterFiles embed.FS

// ShippedLetter is the text shipped for a document in a language, "" when there is none.
func ShippedLetter(doc models.LetterDocument, lang string) string {
	b, err := letterFiles.ReadFile("letters/" + string(doc) + "." + lang + ".txt")
	if err != nil {
		return ""
	}
	return string(b)
}

// A template's placeholders are written {{name}}: these are the names each document knows.
// donnees and etapes are lists: each alone on its line, they print one bullet per item.
var (
	letterCommonFields = []string{"prenom", "nom", "etablissement", "mediateur", "contact", "date_courrier"}
	letterFields       = map[models.LetterDocument][]string{
		models.LetterInvitation: {"date", "heure", "lieu", "objet", "interprete"},
		models.LetterConsent:    {"partenaire", "motif", "demande", "donnees"},
		models.LetterSummary:    {"date", "decisions", "etapes"},
	}
	letterListFields = map[string]bool{"donnees": true, "etapes": true}
)

// LetterFields lists the placeholders a document's template may use.
func LetterFields(doc models.LetterDocument) []string {
	return append(append([]string{}, letterCommonFields...), letterFields[doc]...)
}

// letterLine is a line of a template: its kind, its text with placeholders, or a list
// placeholder alone on its line.
type letterLine struct {
	kind letterpdf.Kind
	text string
	list string
}

// CheckLetter checks a template of a document: nil when it can be printed.
func CheckLetter(doc models.LetterDocument, body string) models.ValidationError {
	_, v := parseLetter(doc, body)
	return v
}

// parseLetter checks a template and splits it into blocks: a line "# …" is a heading, "- …" a
// bullet, "! …" a framed notice, a list placeholder alone on its line its bullets; other lines
// make paragraphs, which a blank line ends. Unknown or unclosed placeholders, a list placeholder
// inside a sentence and an empty text are refused, with a message naming the line.
func parseLetter(doc models.LetterDocument, body string) ([]letterLine, models.ValidationError) {
	v := models.ValidationError{}
	known := map[string]bool{}
	for _, f := range LetterFields(doc) {
		known[f] = true
	}
	var out []letterLine
	para := ""
	flush := func() {
		if para != "" {
			out = append(out, letterLine{kind: letterpdf.Paragraph, text: para})
			para = ""
		}
	}
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for n, raw := range lines {
		line := strings.TrimSpace(raw)
		rest := line
		for {
			open := strings.Index(rest, "{{")
			close := strings.Index(rest, "}}")
			if open < 0 && close < 0 {
				break
			}
			if open < 0 || (close >= 0 && close < open) {
				v.Add("body", "letters.unopened", "Line", n+1)
				break
			}
			end := strings.Index(rest[open+2:], "}}")
			if end < 0 {
				v.Add("body", "letters.unclosed", "Line", n+1)
				break
			}
			name := strings.TrimSpace(rest[open+2 : open+2+end])
			switch {
			case !known[name]:
				v.Add("body", "letters.unknown_field", "Name", name, "Line", n+1, "Known", strings.Join(LetterFields(doc), ", "))
			case letterListFields[name] && line != "{{"+name+"}}":
				v.Add("body", "letters.list_alone", "Name", name, "Line", n+1)
			}
			rest = rest[open+2+end+2:]
		}
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "# "):
			flush()
			out = append(out, letterLine{kind: letterpdf.Heading, text: strings.TrimSpace(line[2:])})
		case strings.HasPrefix(line, "- "):
			flush()
			out = append(out, letterLine{kind: letterpdf.Bullet, text: strings.TrimSpace(line[2:])})
		case strings.HasPrefix(line, "! "):
			flush()
			out = append(out, letterLine{kind: letterpdf.Notice, text: strings.TrimSpace(line[2:])})
		case strings.HasPrefix(line, "{{") && strings.HasSuffix(line, "}}") && letterListFields[strings.TrimSpace(line[2:len(line)-2])]:
			flush()
			out = append(out, letterLine{list: strings.TrimSpace(line[2 : len(line)-2])})
		default:
			if para != "" {
				para += " "
			}
			para += line
		}
	}
	flush()
	if len(out) == 0 {
		v.Add("body", "letters.empty")
	}
	if len(v) > 0 {
		return nil, v
	}
	return out, nil
}

// LetterStep is a next step of a meeting's summary.
type LetterStep struct {
	What string
	Who  string
	Due  time.Time
}

// LetterData is what a letter says, whatever its language: the values of the placeholders.
// Free texts (purpose, place, recap, request) are the mediator's words, printed as written.
type LetterData struct {
	Document      models.LetterDocument
	FirstName     string
	LastName      string
	Establishment string
	Commune       string
	Mediator      string
	Contact       string
	Written       time.Time
	When          time.Time
	Place         string
	Purpose       string
	Interpreter   bool
	Partner       string
	Reason        string
	Request       string
	Decisions     string
	Steps         []LetterStep
}

// values fills the placeholders in a language: dates in its convention, its own sentences.
func (d LetterData) values(l LetterLang) (map[string]string, map[string][]string) {
	dash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	}
	when := d.When.In(calendar.Paris)
	interp := l.Interpreter[0]
	if d.Interpreter {
		interp = l.Interpreter[1]
	}
	text := map[string]string{
		"prenom": d.FirstName, "nom": d.LastName, "etablissement": d.Establishment, "mediateur": d.Mediator,
		"contact": dash(d.Contact), "date_courrier": l.Date(d.Written.In(calendar.Paris)),
		"date": l.Date(when), "heure": l.Time(when), "lieu": dash(d.Place), "objet": dash(d.Purpose), "interprete": interp,
		"partenaire": d.Partner, "motif": dash(d.Reason), "demande": dash(d.Request), "decisions": dash(d.Decisions),
	}
	var steps []string
	for _, s := range d.Steps {
		steps = append(steps, fmt.Sprintf("%s — %s, %s", s.What, s.Who, l.Date(s.Due)))
	}
	if len(steps) == 0 {
		steps = []string{"—"}
	}
	return text, map[string][]string{"donnees": l.Shared, "etapes": steps}
}

// fill replaces the placeholders of parsed lines by the values.
func fill(lines []letterLine, text map[string]string, lists map[string][]string) []letterpdf.Block {
	var out []letterpdf.Block
	pairs := make([]string, 0, 2*len(text))
	for k, v := range text {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	r := strings.NewReplacer(pairs...)
	for _, ln := range lines {
		if ln.list != "" {
			for _, item := range lists[ln.list] {
				out = append(out, letterpdf.Block{Kind: letterpdf.Bullet, Text: item})
			}
			continue
		}
		// Spaces around a name ({{ prenom }}) are allowed: normalise before replacing.
		t := ln.text
		for strings.Contains(t, "{{ ") || strings.Contains(t, " }}") {
			t = strings.ReplaceAll(strings.ReplaceAll(t, "{{ ", "{{"), " }}", "}}")
		}
		out = append(out, letterpdf.Block{Kind: ln.kind, Text: typography(r.Replace(t))})
	}
	return out
}

// typography replaces the narrow no-break space, which the fonts may lack, by a no-break space.
func typography(s string) string { return strings.ReplaceAll(s, "\u202f", "\u00a0") }

// LetterText is a template to print in one language: its text, and whether the coordination
// validated it (an unvalidated one prints with a notice, in previews only).
type LetterText struct {
	Lang      LetterLang
	Body      string
	Validated bool
}

// LetterPDF prints a letter: the letterhead, the French text, then the translation when there
// is one (nil: French alone). A translation not validated (previews) starts with the notice
// that it needs a professional reread. It gives the PDF and its number of pages.
func (l *Localizer) LetterPDF(d LetterData, french LetterText, translation *LetterText, generated time.Time) ([]byte, int, error) {
	doc := letterpdf.Letter{
		Title:     l.T("letters.doc." + string(d.Document)),
		Author:    l.T("app.name"),
		Generated: generated,
		PageText:  "%d / %s",
	}
	head := d.Establishment
	if d.Commune != "" {
		head += " — " + d.Commune
	}
	doc.Letterhead = []string{head, l.T("letters.pdf.mediator", "Name", d.Mediator), l.T("letters.pdf.contact", "Contact", orDash(d.Contact))}
	for _, t := range []*LetterText{&french, translation} {
		if t == nil {
			continue
		}
		lines, verr := parseLetter(d.Document, t.Body)
		if verr != nil {
			return nil, 0, fmt.Errorf("views: letter %s/%s: %w", d.Document, t.Lang.Code, verr)
		}
		text, lists := d.values(t.Lang)
		s := letterpdf.Section{Lang: t.Lang.Code, RTL: t.Lang.RTL, Blocks: fill(lines, text, lists)}
		if !t.Validated && t.Lang.Code != "fr" {
			s.Blocks = append([]letterpdf.Block{{Kind: letterpdf.Notice, LTR: true, Text: l.T("letters.pdf.unreviewed", "Lang", t.Lang.Name)}}, s.Blocks...)
		}
		doc.Sections = append(doc.Sections, s)
	}
	return letterpdf.Render(doc)
}

// MaxLetterPages is how long a letter may be: one sheet, both sides.
const MaxLetterPages = 2

// SampleLetterData is the file the settings page previews a template with and checks its
// length on: long values, as a real file may have.
func SampleLetterData(doc models.LetterDocument, now time.Time) LetterData {
	when := calendar.Today(now).AddDate(0, 0, 9).Add(14*time.Hour + 30*time.Minute)
	return LetterData{Document: doc, FirstName: "Inès-Marie", LastName: "Benali-Fernandes", Establishment: "Collège Jean-Baptiste Lebas",
		Commune: "Roubaix", Mediator: "Camille Durand-Lefebvre", Contact: "camille.durand@exemple.fr — 06\u00a012\u00a034\u00a056\u00a078",
		Written: now, When: when, Place: "Salle de réunion du rez-de-chaussée, bâtiment B",
		Purpose:     "Faire le point sur les absences du mois dernier et chercher ensemble comment aider Inès-Marie à revenir en cours le matin.",
		Interpreter: true, Partner: "Programme de réussite éducative de Roubaix", Reason: "Soutien à la parentalité",
		Request:   "Accompagnement de la famille dans les démarches et soutien scolaire deux fois par semaine après les cours.",
		Decisions: "Inès-Marie viendra au collège à 8 h chaque matin avec sa sœur. Le CPE appellera la famille chaque vendredi pour faire le point. Une rencontre aura lieu dans un mois.",
		Steps: []LetterStep{{What: "Appeler la famille pour faire le point sur la semaine", Who: "le CPE", Due: when.AddDate(0, 0, 4)},
			{What: "Prendre rendez-vous avec l'orthophoniste", Who: "la famille", Due: when.AddDate(0, 0, 14)},
			{What: "Présenter le programme de réussite éducative", Who: "Camille Durand-Lefebvre", Due: when.AddDate(0, 0, 21)}}}
}
