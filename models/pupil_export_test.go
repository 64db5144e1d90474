package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

func TestExportPupilFile(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		must(t, models.AddGuardian(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.GuardianInput{Name: "Mme Nom", Phone: "06 12 34 56 78", HomeLanguage: "arabe"}))
		_, err := models.CreateFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.FollowUpInput{OccurredOn: calendar.Today(w.now),
			Kind: models.FollowUpHomeVisit, DurationMinutes: 60, Note: "Note réservée", Restricted: true})
		must(t, err)
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(2)}))
		must(t, models.RecordFileAudit(w.ctx, db, w.now, w.actorA, p.ID, models.AuditPupilViewed, "pupil", fmt.Sprint(p.ID), ""))
		out, err := models.ExportPupilFile(w.ctx, db, w.scopeA, p.ID, w.now)
		must(t, err)
		b, _ := json.Marshal(out)
		for _, want := range []string{p.LastName, "Mme Nom", "arabe", "Note réservée", "2026-11", "identified", "active", "pupil_viewed", "droit d'accès"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("export lacks %q", want)
			}
		}
		head, err := models.ExportPupilFile(w.ctx, db, w.headA, p.ID, w.now)
		must(t, err)
		if len(head.FollowUps) != 0 {
			t.Error("the head teacher's export holds the restricted note")
		}
		// The conflicts: the pupil's part, the other parties by role, no notes.
		other := w.pupil(t, true)
		in := w.conflictInput(p)
		in.Parties[1] = models.PartyInput{Role: models.PartyPupil, PupilID: &other.ID}
		in.Outcome, in.AgreementOn = models.OutcomeAgreement, in.ListenedOn
		_, err = models.CreateConflict(w.ctx, db, w.scopeA, w.actorA, w.now, in)
		must(t, err)
		_, err = models.CreateConflict(w.ctx, db, w.scopeA, w.actorA, w.now, w.conflictInput(other)) // p is no party
		must(t, err)
		for _, sc := range []models.Scope{w.scopeA, w.headA} {
			out, err := models.ExportPupilFile(w.ctx, db, sc, p.ID, w.now)
			must(t, err)
			if len(out.Conflicts) != 1 {
				t.Fatalf("export for %s: %d conflicts, want 1", sc.Role, len(out.Conflicts))
			}
			c := out.Conflicts[0]
			listened := calendar.Today(w.now).AddDate(0, 0, -2).Format("2006-01-02")
			if c.Kind != models.ConflictVerbal || c.Place != models.PlaceYard || c.OccurredOn != listened || c.ListenedOn == nil ||
				*c.ListenedOn != listened || c.Outcome == nil || *c.Outcome != models.OutcomeAgreement || c.MeetingOn != nil ||
				!c.NotesWithheld || len(c.OtherParties) != 2 || c.OtherParties[0] != models.PartyPupil || c.OtherParties[1] != models.PartyPupil {
				t.Errorf("export for %s: %+v", sc.Role, c)
			}
			b, _ := json.Marshal(out)
			for _, never := range []string{other.LastName, "élève de 3e", "Insultes répétées"} {
				if strings.Contains(string(b), never) {
					t.Errorf("the export for %s holds %q, which is about someone else", sc.Role, never)
				}
			}
		}
		if _, err := models.ExportPupilFile(w.ctx, db, w.scopeB, p.ID, w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other establishment: %v", err)
		}
	})
}
