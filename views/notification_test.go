package views

import (
	"strings"
	"testing"

	"mediation/models"
)

// Every kind of notification reads as a whole sentence in both languages: each name and date
// filled in (dates the French way), no placeholder left, no message ID shown instead.
func TestEveryNotificationReads(t *testing.T) {
	t.Parallel()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	params := `{"Partner":"CAF du Nord","Establishment":"Collège Jean Jaurès","Due":"2026-12-04","Day":"2026-12-01","Time":"14:30"}`
	for _, lang := range []string{"fr", "en"} {
		loc := v.Localizer(lang)
		for _, kind := range models.NotificationKinds {
			text := loc.NotificationText(models.Notification{Kind: kind, Params: params})
			if strings.HasPrefix(text, "notify.") || strings.Contains(text, "<no value>") || strings.Contains(text, "{{") ||
				strings.Contains(text, "2026-12") || !strings.HasSuffix(text, ".") {
				t.Errorf("%s %s: %q", lang, kind, text)
			}
		}
	}
	fr := v.Localizer("fr").NotificationText(models.Notification{Kind: models.NotifyMeetingMoved, Params: params})
	if fr != "Une rencontre famille–école à laquelle vous participez a été déplacée au 01/12/2026 à 14:30 (Collège Jean Jaurès)." {
		t.Errorf("a meeting moved: %q", fr)
	}
}
