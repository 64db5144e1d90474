package models_test

import (
	"encoding/json"
	"errors"
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
		must(t, models.RecordAudit(w.ctx, db, w.now, w.actorA, models.AuditPupilViewed, "pupil", "1", ""))
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
		if _, err := models.ExportPupilFile(w.ctx, db, w.scopeB, p.ID, w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other establishment: %v", err)
		}
	})
}
