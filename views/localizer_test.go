package views

import (
	"fmt"
	"sync"
	"testing"
)

// One voice per language serves every request: asking for a language builds nothing, and the
// voices, with what they keep (translations without arguments, parsed message templates), give
// each language its own words and digit grouping however many requests use them at once.
func TestLocalizersAreSharedAndKeepTheirLanguage(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if v.Localizer("en") != v.Localizer("en-GB,en;q=0.8") || v.Localizer("fr") != v.Localizer("de-DE") || v.Localizer("fr") == v.Localizer("en") {
		t.Fatal("a language has more than one voice, or two languages share one")
	}
	want := map[string]func(n int) string{
		"fr": func(n int) string {
			return fmt.Sprintf("%s caractères au plus.", map[int]string{1500: "1 500", 20000: "20 000"}[n])
		},
		"en": func(n int) string {
			return fmt.Sprintf("%s characters at most.", map[int]string{1500: "1,500", 20000: "20,000"}[n])
		},
	}
	title := map[string]string{"fr": v.Localizer("fr").T("nav.home"), "en": v.Localizer("en").T("nav.home")}
	if title["fr"] == title["en"] || title["fr"] == "nav.home" {
		t.Fatalf("home in both languages: %q", title)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				for lang, text := range want {
					l := v.Localizer(lang)
					n := []int{1500, 20000}[(i+k)%2]
					if got := l.T("field.too_long", "Count", n); got != text(n) {
						errs <- fmt.Sprintf("%s %d: %q, want %q", lang, n, got, text(n))
					}
					if got := l.T("nav.home"); got != title[lang] {
						errs <- fmt.Sprintf("%s home: %q, want %q", lang, got, title[lang])
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
		break
	}
}

// BenchmarkLocalizerT measures a message with arguments and one without, as a page asks them
// in its loops.
func BenchmarkLocalizerT(b *testing.B) {
	v, err := New()
	if err != nil {
		b.Fatal(err)
	}
	l := v.Localizer("fr")
	b.ReportAllocs()
	for b.Loop() {
		l.T("field.too_long", "Count", 1500)
		l.T("nav.home")
	}
}
