package models

import (
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// FrenchOrder returns a function that gives each text its sort key in the order a French reader
// expects: accents and case set aside first (« Émile » between « Denis » and « Fanny », not
// after « Zoé »), then used to break ties. Keys compare as plain strings. The function is not
// safe for concurrent use: take one per sort.
func FrenchOrder() func(string) string {
	c := collate.New(language.French)
	var buf collate.Buffer
	return func(s string) string {
		buf.Reset()
		return string(c.KeyFromString(&buf, s))
	}
}
