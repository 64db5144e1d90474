package migrations

import (
	"testing"

	"mediation/models"
)

// TestM0013FoldsAsTheModels checks that the frozen fold with which m0013 fills the existing
// files agrees with the one every write uses now, so that a file migrated and a file created
// are found by the same words.
func TestM0013FoldsAsTheModels(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ last, first, want string }{
		{"Aït-Ahmed", "Sarah", " ait ahmed sarah aitahmed"},
		{"BENAÏSSA", "Inès", " benaissa ines"},
		{"N’Diaye", "Œdipe", " n diaye oedipe ndiaye"},
		{"  Le  Hénaff ", "Jean-Luc", " le henaff jean luc lehenaff jeanluc"},
		{"", "", " "},
		{"O'Brien", "Zoë 2", " o brien zoe 2 obrien zoe2"},
	} {
		got, model := m0013SearchName(c.last, c.first), models.SearchName(c.last, c.first)
		if got != model || got != c.want {
			t.Errorf("%q %q: migration %q, models %q, want %q", c.last, c.first, got, model, c.want)
		}
	}
}
