package models_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// conflictInput is a verbal conflict in the yard of A, last Monday, between a file of A and a
// pupil described by role, listened to the same day.
func (w *world) conflictInput(p models.Pupil) models.ConflictInput {
	today := calendar.Today(w.now)
	return models.ConflictInput{EstablishmentID: w.a.ID, OccurredOn: today.AddDate(0, 0, -2), Place: models.PlaceYard,
		Kind: models.ConflictVerbal, Relation: models.BetweenPupils, ListenedOn: today.AddDate(0, 0, -2),
		Notes: "Insultes répétées à la récréation.", NotesRestricted: true,
		Parties: []models.PartyInput{{Role: models.PartyPupil, PupilID: &p.ID}, {}, {Role: models.PartyPupil, Description: "élève de 3e"}}}
}

func TestLooksLikeName(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"élève de 4e": false, "élève de 4e B": false, "parent": false, "enseignante de SVT": false, "CPE": false,
		"professeur d'EPS": false, "élève de Tle": false, "mère d'un élève de 5e": false, "AED": false,
		"Mme Durand": true, "M. Leroy": true, "monsieur le professeur": true, "élève Lucas": true, "parent de Chloé Martin": true,
	} {
		if got := models.LooksLikeName(s); got != want {
			t.Errorf("LooksLikeName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestConflictValidation(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		other, err := models.CreatePupil(w.ctx, db, w.scopeB, models.Actor{UserID: &w.medB.ID}, w.now, models.PupilInput{
			EstablishmentID: w.b.ID, LastName: "Ailleurs", FirstName: "Jean", BirthDate: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC),
			ClassLevel: models.Level4e}, nil)
		must(t, err)
		today := calendar.Today(w.now)
		cases := []struct {
			name  string
			edit  func(*models.ConflictInput)
			field string
		}{
			{"no date", func(in *models.ConflictInput) { in.OccurredOn = time.Time{} }, "occurred_on"},
			{"tomorrow", func(in *models.ConflictInput) { in.OccurredOn = today.AddDate(0, 0, 1) }, "occurred_on"},
			{"no place", func(in *models.ConflictInput) { in.Place = "" }, "place"},
			{"unknown kind", func(in *models.ConflictInput) { in.Kind = "theft" }, "kind"},
			{"no relation", func(in *models.ConflictInput) { in.Relation = "" }, "relation"},
			{"listening before the conflict", func(in *models.ConflictInput) { in.ListenedOn = today.AddDate(0, 0, -5) }, "listened_on"},
			{"meeting in the future", func(in *models.ConflictInput) { in.MeetingOn = today.AddDate(0, 0, 1) }, "meeting_on"},
			{"agreement without its date", func(in *models.ConflictInput) { in.Outcome = models.OutcomeAgreement }, "agreement_on"},
			{"closed without outcome", func(in *models.ConflictInput) { in.Closed = true }, "outcome"},
			{"follow-up before the conflict", func(in *models.ConflictInput) { in.FollowUpOn = today.AddDate(0, 0, -3) }, "follow_up_on"},
			{"one party", func(in *models.ConflictInput) { in.Parties = in.Parties[:1] }, "parties"},
			{"party without role", func(in *models.ConflictInput) { in.Parties[2].Role = "" }, "party2_role"},
			{"party named", func(in *models.ConflictInput) { in.Parties[2].Description = "Mme Durand" }, "party2_description"},
			{"party undescribed", func(in *models.ConflictInput) { in.Parties[2].Description = " " }, "party2_description"},
			{"file of a guardian", func(in *models.ConflictInput) { in.Parties[0].Role = models.PartyGuardian }, "party0_pupil_id"},
			{"file of another establishment", func(in *models.ConflictInput) { in.Parties[2].PupilID = &other.ID }, "party2_pupil_id"},
			{"same file twice", func(in *models.ConflictInput) { in.Parties[2].PupilID = &p.ID }, "party2_pupil_id"},
			{"establishment out of scope", func(in *models.ConflictInput) { in.EstablishmentID = w.b.ID }, "establishment_id"},
		}
		for _, c := range cases {
			in := w.conflictInput(p)
			c.edit(&in)
			_, err := models.CreateConflict(w.ctx, db, w.scopeA, w.actorA, w.now, in)
			var v models.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("%s: want a validation error, got %v", c.name, err)
			}
			if _, ok := v[c.field]; !ok {
				t.Errorf("%s: no message on %s: %v", c.name, c.field, v)
			}
		}
		var n int64
		must(t, db.Model(&models.Conflict{}).Count(&n).Error)
		if n != 0 {
			t.Errorf("refused conflicts were saved: %d", n)
		}
		if _, err := models.CreateConflict(w.ctx, db, w.headA, w.actorA, w.now, w.conflictInput(p)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a head teacher recorded a conflict: %v", err)
		}
	})
}

func TestConflictLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		today := calendar.Today(w.now)
		in := w.conflictInput(p)
		in.FollowUpOn = today.AddDate(0, 0, 3)
		c, err := models.CreateConflict(w.ctx, db, w.scopeA, w.actorA, w.now, in)
		must(t, err)
		if len(c.Parties) != 2 || c.Version != 1 || !c.NotesRestricted {
			t.Fatalf("created: %+v", c)
		}

		// The mediator sees names and notes; the head teacher neither; B nothing at all.
		d, err := models.LoadConflict(w.ctx, db, w.scopeA, c.ID)
		must(t, err)
		if d.Parties[0].PupilLastName != p.LastName || !d.Parties[0].HasFile() || d.Conflict.Notes == "" || d.EstablishmentName != "Collège A" {
			t.Errorf("mediator's view: %+v", d)
		}
		d, err = models.LoadConflict(w.ctx, db, w.headA, c.ID)
		must(t, err)
		if d.Parties[0].PupilLastName != "" || d.Parties[0].HasFile() || d.Conflict.Notes != "" || !d.NotesHidden || !d.NamesHidden {
			t.Errorf("head teacher's view shows names or notes: %+v", d)
		}
		if d.Parties[0].PupilClassLevel != models.Level4e {
			t.Errorf("head teacher's view lost the class: %+v", d.Parties[0])
		}
		if _, err := models.LoadConflict(w.ctx, db, w.scopeB, c.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another establishment's mediator: %v", err)
		}

		// On the file's history, for both roles of A; not for B.
		rows, err := models.ConflictsOfPupil(w.ctx, db, w.headA, p.ID)
		must(t, err)
		if len(rows) != 1 || rows[0].ID != c.ID || rows[0].PartyCount != 2 {
			t.Errorf("history: %+v", rows)
		}
		rows, err = models.ConflictsOfPupil(w.ctx, db, w.scopeB, p.ID)
		must(t, err)
		if len(rows) != 0 {
			t.Errorf("B sees A's conflicts: %+v", rows)
		}

		// Not on the worklist before its follow-up date; on it from that day until closed.
		review, err := models.ConflictsToReview(w.ctx, db, w.scopeA, w.medA.ID, w.now)
		must(t, err)
		if len(review) != 0 {
			t.Errorf("to review before the date: %+v", review)
		}
		later := w.now.AddDate(0, 0, 3)
		review, err = models.ConflictsToReview(w.ctx, db, w.scopeA, w.medA.ID, later)
		must(t, err)
		if len(review) != 1 || review[0].ID != c.ID {
			t.Fatalf("to review on the date: %+v", review)
		}

		// An agreement closes it; a stale edit changes nothing.
		in.Outcome, in.AgreementOn, in.Closed = models.OutcomeAgreement, today, true
		in.Parties = append(in.Parties, models.PartyInput{Role: models.PartyGuardian, Description: "mère de l'élève de 3e"})
		closed, err := models.UpdateConflict(w.ctx, db, w.scopeA, w.actorA, later, c.ID, c.Version, in)
		must(t, err)
		if closed.Version != 2 || closed.ClosedOn == nil || !closed.ClosedOn.Equal(calendar.Today(later)) || len(closed.Parties) != 3 {
			t.Errorf("closed: %+v", closed)
		}
		in.Notes = "écrasement"
		_, err = models.UpdateConflict(w.ctx, db, w.scopeA, w.actorA, later, c.ID, c.Version, in)
		var stale *models.StaleError
		if !errors.As(err, &stale) || stale.Version != 2 {
			t.Errorf("stale edit: %v", err)
		}
		var parties int64
		must(t, db.Model(&models.ConflictParty{}).Where("conflict_id = ?", c.ID).Count(&parties).Error)
		if parties != 3 {
			t.Errorf("parties after edits: %d", parties)
		}
		review, err = models.ConflictsToReview(w.ctx, db, w.scopeA, w.medA.ID, later)
		must(t, err)
		if len(review) != 0 {
			t.Errorf("closed conflict still to review: %+v", review)
		}
		if _, err := models.UpdateConflict(w.ctx, db, w.headA, w.actorA, later, c.ID, 2, in); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a head teacher edited a conflict: %v", err)
		}
		var audits int64
		must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ?", "conflict", fmt.Sprint(c.ID)).Count(&audits).Error)
		if audits != 2 {
			t.Errorf("audit events: %d", audits)
		}
	})
}

func TestListConflictsAndFigures(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		today := calendar.Today(w.now)
		type spec struct {
			kind    models.ConflictKind
			outcome models.ConflictOutcome
			daysAgo int
			follow  bool
		}
		specs := []spec{
			{models.ConflictVerbal, models.OutcomeAgreement, 1, false},
			{models.ConflictVerbal, models.OutcomeAgreement, 2, false},
			{models.ConflictVerbal, models.OutcomeNone, 3, false},
			{models.ConflictPhysical, models.OutcomeDiscipline, 4, true},
			{models.ConflictHarassment, "", 5, true},
			// Last school year: outside the figures of this one.
			{models.ConflictOnline, models.OutcomeAgreement, 100, false},
		}
		for _, s := range specs {
			in := w.conflictInput(p)
			in.OccurredOn, in.ListenedOn, in.Kind, in.Outcome = today.AddDate(0, 0, -s.daysAgo), time.Time{}, s.kind, s.outcome
			if s.outcome == models.OutcomeAgreement {
				in.AgreementOn = in.OccurredOn
			}
			if s.follow {
				in.FollowUpOn = today
			}
			_, err := models.CreateConflict(w.ctx, db, w.scopeA, w.actorA, w.now, in)
			must(t, err)
		}
		list, err := models.ListConflicts(w.ctx, db, w.scopeA, models.ConflictFilter{})
		must(t, err)
		if list.Total != 6 || len(list.Rows) != 6 || !list.Rows[0].OccurredOn.Equal(today.AddDate(0, 0, -1)) || list.Rows[0].EstablishmentName != "Collège A" {
			t.Fatalf("list: %d %+v", list.Total, list.Rows)
		}
		for _, c := range []struct {
			f    models.ConflictFilter
			want int64
		}{
			{models.ConflictFilter{Kind: models.ConflictVerbal}, 3},
			{models.ConflictFilter{Outcome: models.OutcomeAgreement}, 3},
			{models.ConflictFilter{Outcome: models.OutcomePending}, 1},
			{models.ConflictFilter{OpenFollowUps: true}, 2},
			{models.ConflictFilter{EstablishmentID: w.b.ID}, 0},
		} {
			l, err := models.ListConflicts(w.ctx, db, w.scopeA, c.f)
			must(t, err)
			if l.Total != c.want || int64(len(l.Rows)) != c.want {
				t.Errorf("filter %+v: %d rows of %d, want %d", c.f, len(l.Rows), l.Total, c.want)
			}
		}
		l, err := models.ListConflicts(w.ctx, db, w.scopeB, models.ConflictFilter{})
		must(t, err)
		if l.Total != 0 {
			t.Errorf("B lists A's conflicts: %d", l.Total)
		}
		l, err = models.ListConflicts(w.ctx, db, w.scopeA, models.ConflictFilter{Page: 2})
		must(t, err)
		if l.Total != 6 || len(l.Rows) != 0 {
			t.Errorf("page 2: %d rows of %d", len(l.Rows), l.Total)
		}

		f, err := models.LoadConflictFigures(w.ctx, db, calendar.SchoolYearOf(w.now), []uint{w.a.ID, w.b.ID})
		must(t, err)
		if f.Total != 5 || f.ByKind[models.ConflictVerbal] != 3 || f.ByKindOutcome[models.ConflictVerbal][models.OutcomeAgreement] != 2 ||
			f.ByOutcome[models.OutcomePending] != 1 || f.Decided() != 4 || f.ByKind[models.ConflictOnline] != 0 {
			t.Errorf("figures: %+v", f)
		}
		if rate, ok := f.ResolutionRate(); !ok || rate != 0.5 {
			t.Errorf("resolution rate: %v %v, want 0.5 (2 agreements of 4 decided)", rate, ok)
		}
		last, err := models.LoadConflictFigures(w.ctx, db, calendar.SchoolYearOf(w.now).Previous(), []uint{w.a.ID})
		must(t, err)
		if rate, ok := last.ResolutionRate(); last.Total != 1 || !ok || rate != 1 {
			t.Errorf("last year's figures: %+v", last)
		}
		none, err := models.LoadConflictFigures(w.ctx, db, calendar.SchoolYearOf(w.now), []uint{w.b.ID})
		must(t, err)
		if _, ok := none.ResolutionRate(); none.Total != 0 || ok {
			t.Errorf("B's figures: %+v", none)
		}
	})
}
