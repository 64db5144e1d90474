package views

import "testing"

// Money is written to the cent, with the language's grouping and sign: « 12 500,00 € » with
// no-break spaces in French, so that a line never breaks inside an amount.
func TestEuros(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := v.Localizer("fr"), v.Localizer("en")
	for _, c := range []struct {
		cents          int64
		fr, en, frForm string
	}{
		{1_250_000, "12\u00a0500,00\u00a0€", "€12,500.00", "12 500,00"},
		{7, "0,07\u00a0€", "€0.07", "0,07"},
		{15_000_000_050, "150\u00a0000\u00a0000,50\u00a0€", "€150,000,000.50", "150 000 000,50"},
		{-1_999, "-19,99\u00a0€", "-€19.99", ""},
	} {
		if got := fr.Euros(c.cents); got != c.fr {
			t.Errorf("fr %d: %q, want %q", c.cents, got, c.fr)
		}
		if got := en.Euros(c.cents); got != c.en {
			t.Errorf("en %d: %q, want %q", c.cents, got, c.en)
		}
		if c.frForm != "" {
			if got := fr.EurosValue(c.cents); got != c.frForm {
				t.Errorf("fr form %d: %q, want %q", c.cents, got, c.frForm)
			}
		}
	}
	if got := fr.Target(80, "percent"); got != "80\u00a0%" {
		t.Errorf("percent target: %q", got)
	}
	if got := fr.Target(1200, "count"); got != "1\u00a0200" {
		t.Errorf("count target: %q", got)
	}
}
