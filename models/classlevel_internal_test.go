package models

import "testing"

// TestLevelOfClassName: the level a class name states, as schools write it; vocational
// classes and names without a level state none.
func TestLevelOfClassName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		level ClassLevel
		ok    bool
	}{
		{"4e D", Level4e, true}, {"401", Level4e, true}, {"3ème A", Level3e, true}, {"6e", Level6e, true},
		{"2nde 3", Level2nde, true}, {"Seconde 2", Level2nde, true}, {"1re G2", Level1re, true}, {"Première", Level1re, true},
		{"Tle STMG", LevelTle, true}, {"T1", LevelTle, true}, {"Terminale", LevelTle, true},
		{"Théâtre", "", false}, {"B", "", false}, {"", "", false}, {"1CAP EPC", "", false}, {"2nde PRO MELEC", "", false},
	} {
		got, ok := levelOfClassName(c.name)
		if got != c.level || ok != c.ok {
			t.Errorf("%q: %q %v, want %q %v", c.name, got, ok, c.level, c.ok)
		}
	}
}
