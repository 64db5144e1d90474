package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// goodReview is a GPDS of establishment A a week ago: a CPE, a nurse and medA by name.
func (w *world) goodReview() models.CaseReviewInput {
	return models.CaseReviewInput{EstablishmentID: w.a.ID, HeldOn: calendar.Today(w.now).AddDate(0, 0, -7), Kind: models.ReviewGPDS,
		Headcounts: map[models.ReviewRole]int{models.ReviewCPE: 1, models.ReviewNurse: 1}, StaffIDs: []uint{w.medA.ID}}
}

func TestCreateCaseReview(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		cases := []struct {
			name  string
			edit  func(*models.CaseReviewInput)
			field string
		}{
			{"no date", func(in *models.CaseReviewInput) { in.HeldOn = time.Time{} }, "held_on"},
			{"two years ago", func(in *models.CaseReviewInput) { in.HeldOn = w.now.AddDate(-2, 0, 0) }, "held_on"},
			{"next year", func(in *models.CaseReviewInput) { in.HeldOn = w.now.AddDate(1, 0, 0) }, "held_on"},
			{"unknown kind", func(in *models.CaseReviewInput) { in.Kind = "conseil" }, "kind"},
			{"negative headcount", func(in *models.CaseReviewInput) { in.Headcounts[models.ReviewTeacher] = -1 }, "count_teacher"},
			{"nobody", func(in *models.CaseReviewInput) { in.Headcounts, in.StaffIDs = nil, nil }, "participants"},
			{"account of another establishment", func(in *models.CaseReviewInput) { in.StaffIDs = []uint{w.medB.ID} }, "staff"},
			{"establishment out of scope", func(in *models.CaseReviewInput) { in.EstablishmentID = w.b.ID }, "establishment_id"},
		}
		for _, c := range cases {
			in := w.goodReview()
			c.edit(&in)
			_, err := models.CreateCaseReview(w.ctx, db, w.scopeA, w.actorA, w.now, in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: got %v, want a message on %s", c.name, err, c.field)
			}
		}
		var n int64
		must(t, db.Model(&models.CaseReview{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("refused sessions stored: %d", n)
		}
		r, err := models.CreateCaseReview(w.ctx, db, w.scopeA, w.actorA, w.now, w.goodReview())
		must(t, err)
		d, err := models.LoadCaseReview(w.ctx, db, w.scopeA, r.ID)
		must(t, err)
		// The mediator named counts in the mediators' headcount: three people.
		if d.Headcount() != 3 || d.Establishment.ID != w.a.ID || d.CreatedByName != w.medA.DisplayName {
			t.Errorf("session: headcount %d, establishment %d, author %q", d.Headcount(), d.Establishment.ID, d.CreatedByName)
		}
		named := false
		for _, p := range d.Participants {
			named = named || p.UserID != nil && *p.UserID == w.medA.ID && p.AccountName == w.medA.DisplayName
		}
		if !named {
			t.Errorf("the mediator's account is not among the participants: %+v", d.Participants)
		}
		if _, err := models.LoadCaseReview(w.ctx, db, w.scopeB, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another establishment's mediator loads the session: %v", err)
		}
		if _, err := models.LoadCaseReview(w.ctx, db, models.Scope{Role: models.RoleCoordinator}, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the coordination loads the session: %v", err)
		}
		// An edit from a stale page is refused and changes nothing.
		in := w.goodReview()
		in.Kind = models.ReviewCelluleVeille
		r2, err := models.UpdateCaseReview(w.ctx, db, w.headA, w.actorA, w.now, r.ID, r.Version, in)
		must(t, err)
		if r2.Version != r.Version+1 || r2.Kind != models.ReviewCelluleVeille {
			t.Errorf("updated: %+v", r2)
		}
		in.Kind = models.ReviewGPDS
		if _, err := models.UpdateCaseReview(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version, in); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale edit: %v", err)
		}
		var stored models.CaseReview
		must(t, db.Take(&stored, r.ID).Error)
		if stored.Kind != models.ReviewCelluleVeille {
			t.Errorf("the stale edit changed the kind: %s", stored.Kind)
		}
	})
}

func TestCaseReviewDecisions(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		r, err := models.CreateCaseReview(w.ctx, db, w.scopeA, w.actorA, w.now, w.goodReview())
		must(t, err)
		p1, p2 := w.pupil(t, true), w.pupil(t, false)
		must(t, models.AddPupilToReview(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p1.ID))
		var v models.ValidationError
		if err := models.AddPupilToReview(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p1.ID); !errors.As(err, &v) || v["pupil_id"].Key != "reviews.pupil_already_listed" {
			t.Errorf("listed twice: %v", err)
		}
		// A file of another establishment is not a candidate.
		var bPupil models.Pupil
		bPupil, err = models.CreatePupil(w.ctx, db, w.scopeB, w.actorA, w.now, models.PupilInput{EstablishmentID: w.b.ID, LastName: "Autre",
			FirstName: "Élève", BirthDate: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level4e}, nil)
		must(t, err)
		if err := models.AddPupilToReview(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, bPupil.ID); !errors.As(err, &v) || v["pupil_id"].Key != "reviews.pupil_choose" {
			t.Errorf("file of another establishment: %v", err)
		}
		cands, err := models.ReviewCandidates(w.ctx, db, w.scopeA, r)
		must(t, err)
		if len(cands) != 1 || cands[0].ID != p2.ID {
			t.Errorf("candidates: %+v, want only %d", cands, p2.ID)
		}
		// A new pupil named at the session: the file's creation path and its duplicate warning.
		newcomer := models.PupilInput{LastName: "Prénom", FirstName: "Nom1", BirthDate: time.Date(2013, 4, 2, 0, 0, 0, 0, time.UTC),
			ClassLevel: models.Level5e, ClassName: "5e B"}
		_, err = models.AddNewPupilToReview(w.ctx, db, w.headA, w.actorA, w.now, r.ID, newcomer)
		var dup *models.DuplicateError
		if !errors.As(err, &dup) || len(dup.Matches) != 1 || dup.Matches[0].ID != p1.ID {
			t.Fatalf("same name and birth date as %d: %v", p1.ID, err)
		}
		newcomer.Homonym = true
		p3, err := models.AddNewPupilToReview(w.ctx, db, w.headA, w.actorA, w.now, r.ID, newcomer)
		must(t, err)
		if p3.Status != models.StatusIdentified || p3.EstablishmentID != w.a.ID {
			t.Errorf("new file: status %s, establishment %d", p3.Status, p3.EstablishmentID)
		}
		// Decisions: bad input first.
		due := calendar.Today(w.now).AddDate(0, 0, 3)
		bad := []struct {
			in    models.DecisionInput
			field string
		}{
			{models.DecisionInput{Decision: "expel", DueOn: due, OwnerLabel: "CPE"}, "decision"},
			{models.DecisionInput{Decision: models.DecisionFamilyMeeting, OwnerLabel: "CPE"}, "due_on"},
			{models.DecisionInput{Decision: models.DecisionFamilyMeeting, DueOn: r.HeldOn.AddDate(0, 0, -1), OwnerLabel: "CPE"}, "due_on"},
			{models.DecisionInput{Decision: models.DecisionFamilyMeeting, DueOn: due}, "owner"},
			{models.DecisionInput{Decision: models.DecisionFamilyMeeting, DueOn: due, OwnerUserID: &w.medB.ID}, "owner"},
		}
		for _, c := range bad {
			err := models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p1.ID, c.in)
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%+v: %v, want a message on %s", c.in, err, c.field)
			}
		}
		if err := models.RecordDecision(w.ctx, db, w.scopeB, w.actorA, w.now, r.ID, p1.ID,
			models.DecisionInput{Decision: models.DecisionNothingMore}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("decision by another establishment's mediator: %v", err)
		}
		must(t, models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p1.ID, models.DecisionInput{
			Decision: models.DecisionFamilyMeeting, DueOn: due, OwnerUserID: &w.medA.ID, Note: "Absences le lundi, famille à rencontrer", Restricted: true}))
		must(t, models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p3.ID, models.DecisionInput{
			Decision: models.DecisionKeepWatching, DueOn: due.AddDate(0, 1, 0), OwnerLabel: "CPE", Note: "Revoir au prochain GPDS"}))
		// The decision is a next action on the owner's worklist, in the pupil's words of the history.
		wl, err := models.LoadWorklist(w.ctx, db, w.scopeA, w.medA.ID, w.now, 4)
		must(t, err)
		want := "Décision du GPDS du " + r.HeldOn.Format("02/01") + " : rencontre avec la famille"
		found := false
		for _, a := range wl.Actions {
			found = found || a.PupilID == p1.ID && a.Description == want && a.CaseReviewID != nil && *a.CaseReviewID == r.ID
		}
		if !found {
			t.Errorf("worklist actions %+v lack %q", wl.Actions, want)
		}
		open, err := models.OpenDecisionsOfLastReviews(w.ctx, db, w.scopeA, w.now)
		must(t, err)
		if len(open) != 2 || open[0].PupilID != p1.ID || open[0].Owner() != w.medA.DisplayName || open[1].Owner() != "CPE" {
			t.Errorf("open decisions of the last session: %+v", open)
		}
		// The head teacher reads the decisions without the restricted note, and may not change
		// the decision it hides.
		d, err := models.LoadCaseReview(w.ctx, db, w.headA, r.ID)
		must(t, err)
		for _, p := range d.Pupils {
			if strings.Contains(p.Note, "lundi") {
				t.Errorf("the head teacher reads the restricted note of %d", p.PupilID)
			}
		}
		if d.Decided() != 2 || len(d.Pupils) != 2 {
			t.Errorf("decided %d of %d", d.Decided(), len(d.Pupils))
		}
		hist, err := models.ReviewsOfPupil(w.ctx, db, w.headA, p1.ID)
		must(t, err)
		if len(hist) != 1 || hist[0].Note != "" || hist[0].Decision != models.DecisionFamilyMeeting {
			t.Errorf("history for the head teacher: %+v", hist)
		}
		if err := models.RecordDecision(w.ctx, db, w.headA, w.actorA, w.now, r.ID, p1.ID,
			models.DecisionInput{Decision: models.DecisionNothingMore}); !errors.As(err, &v) || v["decision"].Key != "reviews.restricted_decision" {
			t.Errorf("head teacher over a restricted note: %v", err)
		}
		// A decision taken again after its action was done: the done action stays in the pupil's
		// history, but the file, the session and the dossier show the new decision's own action
		// (or none), never the old one under the new decision.
		must(t, db.Model(&models.NextAction{}).Where("case_review_id = ? AND pupil_id = ?", r.ID, p3.ID).
			Update("done_at", w.now).Error)
		later1 := w.now.Add(time.Hour)
		must(t, models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, later1, r.ID, p3.ID, models.DecisionInput{
			Decision: models.DecisionFamilyMeeting, DueOn: due, OwnerUserID: &w.medA.ID}))
		hist, err = models.ReviewsOfPupil(w.ctx, db, w.scopeA, p3.ID)
		must(t, err)
		if len(hist) != 1 || hist[0].Decision != models.DecisionFamilyMeeting || hist[0].Owner() != w.medA.DisplayName || hist[0].DoneAt.Valid {
			t.Errorf("history after a decision taken again: %+v", hist)
		}
		d, err = models.LoadCaseReview(w.ctx, db, w.scopeA, r.ID)
		must(t, err)
		for _, p := range d.Pupils {
			if p.PupilID == p3.ID && (p.Owner() != w.medA.DisplayName || p.DoneAt.Valid) {
				t.Errorf("the session shows the earlier action under the new decision: %+v", p)
			}
		}
		if len(d.Pupils) != 2 {
			t.Errorf("%d pupils on the session after a decision taken again", len(d.Pupils))
		}
		must(t, models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, later1.Add(time.Hour), r.ID, p3.ID,
			models.DecisionInput{Decision: models.DecisionNothingMore}))
		hist, err = models.ReviewsOfPupil(w.ctx, db, w.scopeA, p3.ID)
		must(t, err)
		if len(hist) != 1 || hist[0].ActionID != nil {
			t.Errorf("history after « nothing more » over a done action: %+v", hist)
		}
		// Changing a decision replaces its open action; "nothing more" leaves none.
		must(t, models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p1.ID, models.DecisionInput{Decision: models.DecisionNothingMore}))
		var actions int64
		must(t, db.Model(&models.NextAction{}).Where("case_review_id = ? AND pupil_id = ?", r.ID, p1.ID).Count(&actions).Error)
		if actions != 0 {
			t.Errorf("actions left after 'nothing more': %d", actions)
		}
		// A later session becomes the last one: the earlier one's decisions leave the worklist.
		later := w.goodReview()
		later.HeldOn = calendar.Today(w.now)
		r2, err := models.CreateCaseReview(w.ctx, db, w.scopeA, w.actorA, w.now, later)
		must(t, err)
		open, err = models.OpenDecisionsOfLastReviews(w.ctx, db, w.scopeA, w.now)
		must(t, err)
		if len(open) != 0 {
			t.Errorf("decisions of an earlier session still shown: %+v", open)
		}
		// Figures of the year: two sessions, two pupils reviewed (one had two reviews after
		// the second session lists it too).
		must(t, models.AddPupilToReview(w.ctx, db, w.scopeA, w.actorA, w.now, r2.ID, p3.ID))
		figs, err := models.CaseReviewFiguresOf(w.ctx, db, calendar.SchoolYearOf(w.now), []uint{w.a.ID, w.b.ID}, w.now)
		must(t, err)
		if len(figs) != 1 || figs[0].EstablishmentID != w.a.ID || figs[0].Sessions != 2 || figs[0].PupilsReviewed != 2 || figs[0].Reviews != 3 {
			t.Errorf("figures: %+v", figs)
		}
		figs, err = models.CaseReviewFiguresOf(w.ctx, db, calendar.SchoolYearOf(w.now).Previous(), []uint{w.a.ID}, w.now)
		must(t, err)
		if len(figs) != 0 {
			t.Errorf("figures of last year: %+v", figs)
		}
		list, err := models.ListCaseReviews(w.ctx, db, w.scopeA, models.CaseReviewFilter{Kind: models.ReviewGPDS})
		must(t, err)
		if list.Total != 2 || list.Rows[0].ID != r2.ID || list.Rows[1].PupilCount != 2 || list.Rows[1].DecidedCount != 2 {
			t.Errorf("list: %d %+v", list.Total, list.Rows)
		}
		list, err = models.ListCaseReviews(w.ctx, db, w.scopeB, models.CaseReviewFilter{})
		must(t, err)
		if list.Total != 0 {
			t.Errorf("another establishment's mediator lists %d sessions", list.Total)
		}
	})
}

// The minutes never carry a restricted remark, even for the mediator who reads it on the page;
// the purge clears the remarks of an anonymised file and keeps its decision, which still counts.
func TestCaseReviewMinutesAndPurge(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		r, err := models.CreateCaseReview(w.ctx, db, w.scopeA, w.actorA, w.now, w.goodReview())
		must(t, err)
		p := w.pupil(t, true)
		must(t, models.AddPupilToReview(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p.ID))
		must(t, models.RecordDecision(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, p.ID, models.DecisionInput{
			Decision: models.DecisionNothingMore, Note: "Violences intrafamiliales évoquées", Restricted: true}))
		page, err := models.LoadCaseReview(w.ctx, db, w.scopeA, r.ID)
		must(t, err)
		minutes, err := models.LoadCaseReviewMinutes(w.ctx, db, w.scopeA, r.ID)
		must(t, err)
		if len(page.Pupils) != 1 || page.Pupils[0].Note == "" {
			t.Fatalf("the mediator's page lacks the remark: %+v", page.Pupils)
		}
		if len(minutes.Pupils) != 1 || minutes.Pupils[0].Note != "" || !minutes.Pupils[0].Restricted {
			t.Errorf("minutes: %+v", minutes.Pupils)
		}
		// The right of access: the decision is in the file's export, its restricted remark only
		// for the mediator who hands it over.
		for _, c := range []struct {
			scope models.Scope
			note  bool
		}{{w.scopeA, true}, {w.headA, false}} {
			out, err := models.ExportPupilFile(w.ctx, db, c.scope, p.ID, w.now)
			must(t, err)
			if len(out.CaseReviews) != 1 || out.CaseReviews[0].Decision != models.DecisionNothingMore || (out.CaseReviews[0].Note != "") != c.note {
				t.Errorf("export for %s: %+v", c.scope.Role, out.CaseReviews)
			}
		}
		must(t, db.Model(&models.Pupil{}).Where("id = ?", p.ID).Updates(map[string]any{
			"status": models.StatusClosed, "exit_reason": models.ExitReEngaged, "closed_at": w.now.AddDate(-2, 0, 0).UTC()}).Error)
		if _, err := models.Purge(w.ctx, db, w.now, false, models.Actor{Email: "test"}); err != nil {
			t.Fatal(err)
		}
		var row models.CaseReviewPupil
		must(t, db.Where("case_review_id = ? AND pupil_id = ?", r.ID, p.ID).Take(&row).Error)
		if row.Note != "" || row.Decision != models.DecisionNothingMore {
			t.Errorf("after the purge: %+v", row)
		}
		figs, err := models.CaseReviewFiguresOf(w.ctx, db, calendar.SchoolYearOf(w.now), []uint{w.a.ID}, w.now)
		must(t, err)
		if len(figs) != 1 || figs[0].PupilsReviewed != 1 {
			t.Errorf("figures after the purge: %+v", figs)
		}
	})
}
