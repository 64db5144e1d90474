package models_test

import (
	"testing"

	"mediation/models"
)

// One strict address check serves accounts, guardians and partners: a plain mailbox, never
// something a browser would read as another URL scheme or as markup.
func TestValidEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"mediation@demo.test", true},
		{"jean.dupont+ecole@ac-lille.fr", true},
		{"o'brien@exemple.fr", true},
		{"élodie@école.fr", true},
		{"javascript:alert(1)//@x.test", false},
		{"javascript:alert(1)@x.test", false},
		{"data:text/html@x.test", false},
		{"a@b", false},
		{"a@localhost", false},
		{"a@x.t3st", false},
		{"a@-x.test", false},
		{"a@x..test", false},
		{"a@@x.test", false},
		{"a@b@x.test", false},
		{"a b@x.test", false},
		{"a\tb@x.test", false},
		{"a\x00@x.test", false},
		{"a\u00a0@x.test", false},
		{"<a>@x.test", false},
		{`"a"@x.test`, false},
		{".a@x.test", false},
		{"a.@x.test", false},
		{"a..b@x.test", false},
		{"@x.test", false},
		{"a@", false},
		{"", false},
		{"a@x.test\n", false},
	} {
		if got := models.ValidEmail(tc.addr); got != tc.ok {
			t.Errorf("ValidEmail(%q) = %v, want %v", tc.addr, got, tc.ok)
		}
	}
}
