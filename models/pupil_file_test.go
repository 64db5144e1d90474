package models_test

import (
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// The file's parts read together come apart as before: the referent's name with the
// establishment, the follow-ups' page with the count of them all (for each scope, restricted
// ones left out for the head teacher; past the last page the count is still there), the open
// actions soonest first and the done ones latest first, at most DoneActionsOnFile.
func TestPupilFilePartsReadTogether(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		for i := range models.FollowUpsPerPage + 5 {
			w.followUp(t, p, i, models.ActionInput{Description: fmt.Sprintf("action %02d", i), DueOn: calendar.Today(w.now).AddDate(0, 0, 30-i)})
		}
		_, err := models.CreateFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.FollowUpInput{OccurredOn: calendar.Today(w.now),
			Kind: models.FollowUpFamilyPhone, Note: "restreint", Restricted: true})
		must(t, err)
		var actions []models.NextAction
		must(t, db.Where("pupil_id = ?", p.ID).Order("id").Find(&actions).Error)
		// Done one after the other, the earliest-created last: their done order is not their id order.
		for i := len(actions) - 1; i >= len(actions)-models.DoneActionsOnFile-2; i-- {
			if _, err := models.CompleteAction(w.ctx, db, w.scopeA, w.actorA, w.now.Add(time.Duration(len(actions)-i)*time.Minute), actions[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		file, err := models.LoadPupilFilePage(w.ctx, db, w.scopeA, p.ID, 1)
		must(t, err)
		if file.ReferentName != w.medA.DisplayName || file.Establishment.ID != w.a.ID || file.Establishment.Name != w.a.Name {
			t.Errorf("referent %q, establishment %d %q", file.ReferentName, file.Establishment.ID, file.Establishment.Name)
		}
		if len(file.FollowUps) != models.FollowUpsPerPage || file.FollowUpTotal != models.FollowUpsPerPage+6 {
			t.Errorf("mediator: %d follow-ups of %d, want %d of %d", len(file.FollowUps), file.FollowUpTotal, models.FollowUpsPerPage, models.FollowUpsPerPage+6)
		}
		open := len(actions) - models.DoneActionsOnFile - 2
		if len(file.Actions) != open || len(file.DoneActions) != models.DoneActionsOnFile {
			t.Fatalf("%d open and %d done actions, want %d and %d", len(file.Actions), len(file.DoneActions), open, models.DoneActionsOnFile)
		}
		for i := 1; i < len(file.Actions); i++ {
			if file.Actions[i].DueOn.Before(file.Actions[i-1].DueOn) {
				t.Errorf("open actions out of order at %d: %v after %v", i, file.Actions[i].DueOn, file.Actions[i-1].DueOn)
			}
		}
		for i := 1; i < len(file.DoneActions); i++ {
			if file.DoneActions[i].DoneAt.After(*file.DoneActions[i-1].DoneAt) {
				t.Errorf("done actions out of order at %d", i)
			}
		}
		// The latest done is the one marked last, the earliest created.
		if file.DoneActions[0].ID != actions[len(actions)-models.DoneActionsOnFile-2].ID || file.DoneActions[0].OwnerName != w.medA.DisplayName {
			t.Errorf("latest done action %d (%q), want %d", file.DoneActions[0].ID, file.DoneActions[0].OwnerName, actions[len(actions)-models.DoneActionsOnFile-2].ID)
		}
		head, err := models.LoadPupilFilePage(w.ctx, db, w.headA, p.ID, 2)
		must(t, err)
		if len(head.FollowUps) != 5 || head.FollowUpTotal != models.FollowUpsPerPage+5 {
			t.Errorf("head teacher, page 2: %d follow-ups of %d, want 5 of %d", len(head.FollowUps), head.FollowUpTotal, models.FollowUpsPerPage+5)
		}
		past, err := models.LoadPupilFilePage(w.ctx, db, w.headA, p.ID, 3)
		must(t, err)
		if len(past.FollowUps) != 0 || past.FollowUpTotal != models.FollowUpsPerPage+5 {
			t.Errorf("past the last page: %d follow-ups of %d", len(past.FollowUps), past.FollowUpTotal)
		}
	})
}
