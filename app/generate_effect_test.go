package app

import "testing"

func TestPlantedEffect(t *testing.T) {
	for _, c := range []struct {
		effect float64
		want   string
	}{{0, "aucun"}, {0.3, "−30\u00a0% des absences injustifiées"}, {0.125, "−12,5\u00a0% des absences injustifiées"}} {
		if got := plantedEffect(c.effect); got != c.want {
			t.Errorf("plantedEffect(%v) = %q, want %q", c.effect, got, c.want)
		}
	}
}
