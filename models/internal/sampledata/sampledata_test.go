package sampledata

import (
	"math/rand/v2"
	"strings"
	"testing"

	"mediation/models"
)

func TestText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		first          string
		girl           bool
		relation, last string
		tmpl, want     string
	}{
		{"Inès", true, "mère", "Benali", "{g} évoque la situation de {p}, {il} est absent{e}.",
			"La mère évoque la situation d'Inès, elle est absente."},
		{"Lucas", false, "tuteur", "Dupont", "Appel à {g} : ce que {p} dit.", "Appel à M. Dupont : ce que Lucas dit."},
		{"Ilyes", false, "grand-mère", "Saïdi", "{p} et {g}", "Ilyes et la grand-mère"},
	} {
		if got := NewText(c.first, c.girl, c.relation, c.last).Fill(c.tmpl); got != c.want {
			t.Errorf("%s: %q, want %q", c.first, got, c.want)
		}
	}
	if got := ConsentBy("tutrice", "Kaya"); got != "Mme Kaya, tutrice" {
		t.Errorf("ConsentBy: %q", got)
	}
	if got := DeclineFeedback("Demande hors de notre champ."); got != "Nous ne pouvons pas donner suite : demande hors de notre champ." {
		t.Errorf("DeclineFeedback: %q", got)
	}
}

// Every kind, reason and status the generators draw has texts: a missing key would panic on
// an empty list.
func TestEveryKeyHasTexts(t *testing.T) {
	t.Parallel()
	for _, k := range models.FollowUpKinds {
		if len(FollowUpNotes[k]) == 0 {
			t.Errorf("no note for the follow-up kind %s", k)
		}
	}
	for _, r := range models.ExitReasons {
		if ClosingNotes[r] == "" || ExitLabels[r] == "" {
			t.Errorf("no closing note or label for the exit reason %s", r)
		}
	}
	for _, r := range models.ReferralReasons {
		if len(ReferralRequests[r]) == 0 {
			t.Errorf("no request for the referral reason %s", r)
		}
	}
	for _, o := range models.ReferralOutcomes {
		if OutcomeFeedback[o] == "" {
			t.Errorf("no feedback for the outcome %s", o)
		}
	}
	for _, s := range []models.PupilStatus{models.StatusIdentified, models.StatusActive, models.StatusMonitoring} {
		if len(StatusComments[s]) == 0 {
			t.Errorf("no comment for the status %s", s)
		}
	}
}

func TestDraws(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	kinds := map[models.FollowUpKind]bool{}
	statuses := map[models.MeetingStatus]bool{}
	for range 2000 {
		k, minutes := FollowUpKind(r)
		kinds[k] = true
		if minutes < 10 || minutes > 120 || minutes%5 != 0 {
			t.Fatalf("%s of %d minutes", k, minutes)
		}
		statuses[PastMeetingStatus(r)] = true
		if rel := Relations(r); len(rel) == 0 || len(rel) > 2 {
			t.Fatalf("guardians %v", rel)
		}
		if e := GuardianEmail(r, "Ayşe Nur", "Çelik"); e != "" && e != "ayse-nur.celik@exemple.test" {
			t.Fatalf("email %q", e)
		}
		if rec := Recap(r, NewText("Emma", true, "mère", "Dupont")); !strings.Contains(rec, "\nDécisions : ") {
			t.Fatalf("recap %q", rec)
		}
	}
	if len(kinds) != len(models.FollowUpKinds) || len(statuses) != 4 {
		t.Errorf("drew the kinds %v and the meeting statuses %v", kinds, statuses)
	}
}
