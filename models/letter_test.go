package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// A letter printed is listed on the file for its readers only, and the purge deletes it with the
// guardians (the language is the family's); template versions are added, validated once, and a
// form based on a replaced version is refused.
func TestFamilyLettersAndTemplates(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		p := w.pupil(t, true)
		must(t, models.RecordFamilyLetter(ctx, db, w.actorA, w.now, p.ID, models.LetterInvitation, "ar", "", "meeting", 7))
		must(t, models.RecordFamilyLetter(ctx, db, w.actorA, w.now.Add(time.Minute), p.ID, models.LetterConsent, "tr", "tr", "referral", 8))
		rows, err := models.FamilyLettersOfPupil(ctx, db, w.scopeA, p.ID)
		must(t, err)
		if len(rows) != 2 || rows[0].Document != models.LetterConsent || rows[0].Printed != "tr" || rows[1].Printed != "" {
			t.Fatalf("letters on the file: %+v", rows)
		}
		if rows, err := models.FamilyLettersOfPupil(ctx, db, w.scopeB, p.ID); err != nil || len(rows) != 0 {
			t.Errorf("another establishment reads %d letters (%v)", len(rows), err)
		}
		var audited int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = 'referral' AND record_id = '8'", models.AuditPDFExported).Count(&audited).Error)
		if audited != 1 {
			t.Errorf("%d audit events for the consent form", audited)
		}

		// Templates: a version, then a second based on it; a form based on the first is stale.
		v1, err := models.SaveLetterTemplate(ctx, db, w.actorA, "A", w.now, models.LetterSummary, "pt", "Olá {{prenom}}", 0)
		must(t, err)
		if _, err := models.SaveLetterTemplate(ctx, db, w.actorA, "A", w.now, models.LetterSummary, "pt", "Outra", 0); err == nil {
			t.Error("a save based on the shipped text after a version: accepted")
		}
		must(t, models.ValidateLetterTemplate(ctx, db, w.actorA, "A", w.now, models.LetterSummary, "pt", v1.ID, ""))
		cur, err := models.CurrentLetterTemplates(ctx, db)
		must(t, err)
		if c := cur[models.LetterSummary]["pt"]; c.ID != v1.ID || !c.Validated() || c.ValidatedName != "A" {
			t.Errorf("current: %+v", c)
		}
		v2, err := models.SaveLetterTemplate(ctx, db, w.actorA, "B", w.now.Add(time.Hour), models.LetterSummary, "pt", "Olá de novo {{prenom}}", v1.ID)
		must(t, err)
		cur, err = models.CurrentLetterTemplates(ctx, db)
		must(t, err)
		if c := cur[models.LetterSummary]["pt"]; c.ID != v2.ID || c.Validated() {
			t.Errorf("a new version is in force, not validated: %+v", c)
		}
		hist, err := models.LetterTemplateHistory(ctx, db, models.LetterSummary, "pt")
		must(t, err)
		if len(hist) != 2 || !hist[1].Validated() {
			t.Errorf("history: %+v", hist)
		}

		// The purge deletes the letters of an anonymised file.
		must(t, db.Model(&models.Pupil{}).Where("id = ?", p.ID).Updates(map[string]any{
			"status": models.StatusClosed, "exit_reason": models.ExitReEngaged,
			"closed_at": time.Date(2025, 6, 1, 12, 0, 0, 0, calendar.Paris).UTC()}).Error)
		if _, err := models.Purge(ctx, db, time.Date(2027, 9, 1, 0, 0, 0, 0, calendar.Paris), false, models.Actor{Email: "test"}); err != nil {
			t.Fatal(err)
		}
		var left int64
		dbtest.Must(t, db.Model(&models.FamilyLetter{}).Where("pupil_id = ?", p.ID).Count(&left).Error)
		if left != 0 {
			t.Errorf("%d letters left after the purge", left)
		}
	})
}
