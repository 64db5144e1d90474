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

// kindByCode finds a seeded kind of collective action.
func kindByCode(t *testing.T, db *gorm.DB, code string) models.ActivityKind {
	t.Helper()
	var k models.ActivityKind
	must(t, db.Where("code = ?", code).Take(&k).Error)
	return k
}

// session is a prevention session in a class of A, a week before the world's now.
func (w *world) session(t *testing.T) models.ActivityInput {
	t.Helper()
	return models.ActivityInput{EstablishmentID: w.a.ID, KindID: kindByCode(t, w.db, "prevention_session").ID,
		HeldOn: calendar.Today(w.now).AddDate(0, 0, -7), DurationMinutes: 55, Themes: []models.ActivityTheme{models.ThemeScreens, models.ThemeBullying},
		Pupils: 26, Staff: 1, Note: "Classe de 5e B, débat après le film."}
}

func TestActivitySeededKinds(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		kinds, err := models.ActivityKinds(w.ctx, db, true)
		must(t, err)
		var codes []string
		presence := 0
		for _, k := range kinds {
			codes = append(codes, k.Code)
			if k.Presence {
				presence++
			}
			if k.LabelFr == "" || k.LabelEn == "" {
				t.Errorf("kind %s lacks a label: %+v", k.Code, k)
			}
		}
		want := []string{"prevention_session", "parents_workshop", "peer_mediation_training", "family_information", "school_gate_presence", "recess_presence"}
		if len(codes) != len(want) {
			t.Fatalf("kinds %v, want %v", codes, want)
		}
		for i := range want {
			if codes[i] != want[i] {
				t.Errorf("kind %d is %s, want %s", i, codes[i], want[i])
			}
		}
		if presence != 2 {
			t.Errorf("%d presence kinds, want 2", presence)
		}
	})
}

func TestCreateActivity(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		caf := models.PartnerOrganisation{Name: "CAF du Nord", Kind: models.PartnerCAF, ResponseDays: 15, Active: true}
		gone := models.PartnerOrganisation{Name: "Ancienne asso", Kind: models.PartnerAssociation, ResponseDays: 15}
		must(t, db.Create(&caf).Error)
		must(t, db.Create(&gone).Error)
		must(t, db.Model(&gone).Update("active", false).Error)
		retired := kindByCode(t, db, "recess_presence")
		must(t, db.Model(&retired).Update("active", false).Error)
		cases := []struct {
			name  string
			edit  func(*models.ActivityInput)
			field string
		}{
			{"no establishment", func(in *models.ActivityInput) { in.EstablishmentID = 0 }, "establishment_id"},
			{"another establishment", func(in *models.ActivityInput) { in.EstablishmentID = w.b.ID }, "establishment_id"},
			{"no kind", func(in *models.ActivityInput) { in.KindID = 0 }, "kind_id"},
			{"unknown kind", func(in *models.ActivityInput) { in.KindID = 9999 }, "kind_id"},
			{"inactive kind", func(in *models.ActivityInput) { in.KindID = retired.ID }, "kind_id"},
			{"no date", func(in *models.ActivityInput) { in.HeldOn = time.Time{} }, "held_on"},
			{"tomorrow", func(in *models.ActivityInput) { in.HeldOn = calendar.Today(w.now).AddDate(0, 0, 1) }, "held_on"},
			{"two years ago", func(in *models.ActivityInput) { in.HeldOn = calendar.Today(w.now).AddDate(-2, 0, 0) }, "held_on"},
			{"no duration", func(in *models.ActivityInput) { in.DurationMinutes = 0 }, "duration_minutes"},
			{"too long", func(in *models.ActivityInput) { in.DurationMinutes = 800 }, "duration_minutes"},
			{"unknown theme", func(in *models.ActivityInput) { in.Themes = append(in.Themes, "football") }, "themes"},
			{"negative pupils", func(in *models.ActivityInput) { in.Pupils = -1 }, "pupils"},
			{"too many parents", func(in *models.ActivityInput) { in.Parents = models.MaxActivityCount + 1 }, "parents"},
			{"nobody", func(in *models.ActivityInput) { in.Pupils, in.Parents, in.Staff = 0, 0, 0 }, "participants"},
			{"long note", func(in *models.ActivityInput) { in.Note = string(make([]rune, 1001)) }, "note"},
			{"inactive partner", func(in *models.ActivityInput) { in.PartnerIDs = []uint{gone.ID} }, "partner_ids"},
			{"unknown partner", func(in *models.ActivityInput) { in.PartnerIDs = []uint{caf.ID, 9999} }, "partner_ids"},
		}
		for _, c := range cases {
			in := w.session(t)
			c.edit(&in)
			_, err := models.CreateActivity(w.ctx, db, w.scopeA, w.actorA, w.now, in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: got %v, want a message on %s", c.name, err, c.field)
			}
		}
		var n int64
		must(t, db.Model(&models.Activity{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d actions recorded by refused forms", n)
		}

		in := w.session(t)
		in.PartnerIDs = []uint{caf.ID, caf.ID}
		a, err := models.CreateActivity(w.ctx, db, w.scopeA, w.actorA, w.now, in)
		must(t, err)
		if a.Themes != "bullying,screens" || a.Version != 1 || a.AuthorID == nil || *a.AuthorID != w.medA.ID {
			t.Errorf("stored %+v", a)
		}
		d, err := models.LoadActivity(w.ctx, db, w.headA, a.ID)
		must(t, err)
		if len(d.Partners) != 1 || d.Partners[0].Name != "CAF du Nord" || d.EstablishmentName != "Collège A" ||
			d.AuthorName != "Médiatrice A" || d.KindLabel("en") != "Prevention session in class" || d.Participants() != 27 {
			t.Errorf("loaded %+v", d)
		}
		if _, err := models.LoadActivity(w.ctx, db, w.scopeB, a.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("mediator of B loads A's action: %v", err)
		}
		for _, s := range []models.Scope{w.headA, {Role: models.RoleCoordinator}, {}} {
			if _, err := models.CreateActivity(w.ctx, db, s, w.actorA, w.now, w.session(t)); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("scope %v records an action: %v", s.Role, err)
			}
		}
		var audits int64
		must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = ? AND record_id = ?", models.AuditCreated, "activity", fmt.Sprint(a.ID)).Count(&audits).Error)
		if audits != 1 {
			t.Errorf("%d audit events for the creation", audits)
		}
	})
}

func TestUpdateAndDeleteActivity(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		a, err := models.CreateActivity(w.ctx, db, w.scopeA, w.actorA, w.now, w.session(t))
		must(t, err)
		// The kind is deactivated afterwards: the action keeps it through an edit.
		must(t, db.Model(&models.ActivityKind{}).Where("id = ?", a.KindID).Update("active", false).Error)
		in := w.session(t)
		in.Parents, in.Themes = 4, []models.ActivityTheme{models.ThemeParenting}
		updated, err := models.UpdateActivity(w.ctx, db, w.scopeA, w.actorA, w.now, a.ID, 1, in)
		must(t, err)
		if updated.Version != 2 || updated.Parents != 4 || updated.Themes != "parenting" {
			t.Errorf("updated %+v", updated)
		}
		var stale *models.StaleError
		if _, err := models.UpdateActivity(w.ctx, db, w.scopeA, w.actorA, w.now, a.ID, 1, in); !errors.As(err, &stale) || stale.Version != 2 {
			t.Errorf("edit of version 1 after 2: %v", err)
		}
		if _, err := models.UpdateActivity(w.ctx, db, w.headA, w.actorA, w.now, a.ID, 2, in); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("head teacher edits: %v", err)
		}
		if _, err := models.UpdateActivity(w.ctx, db, w.scopeB, w.actorA, w.now, a.ID, 2, in); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("mediator of B edits: %v", err)
		}

		// Another mediator of A may edit but not delete.
		other, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "c@x.fr", DisplayName: "Médiateur C", Role: models.RoleMediator,
			EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
		must(t, err)
		oid := other.ID
		if err := models.DeleteActivity(w.ctx, db, models.ScopeOf(other), models.Actor{UserID: &oid}, w.now, a.ID, 2); !errors.Is(err, models.ErrNotAuthor) {
			t.Errorf("another mediator deletes: %v", err)
		}
		if err := models.DeleteActivity(w.ctx, db, w.scopeA, w.actorA, w.now, a.ID, 1); !errors.As(err, &stale) {
			t.Errorf("delete of a stale version: %v", err)
		}
		must(t, models.DeleteActivity(w.ctx, db, w.scopeA, w.actorA, w.now, a.ID, 2))
		var n, audits int64
		must(t, db.Model(&models.Activity{}).Count(&n).Error)
		must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = ?", models.AuditDeleted, "activity").Count(&audits).Error)
		if n != 0 || audits != 1 {
			t.Errorf("after delete: %d actions, %d audit events", n, audits)
		}
	})
}

func TestActivityKindCatalogue(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		k, err := models.CreateActivityKind(w.ctx, db, w.actorA, w.now, models.ActivityKindInput{LabelFr: " Théâtre  forum ", LabelEn: "Forum theatre", Active: true})
		must(t, err)
		if k.Code != "theatre_forum" || k.LabelFr != "Théâtre forum" || k.Position != 7 {
			t.Errorf("created %+v", k)
		}
		_, err = models.CreateActivityKind(w.ctx, db, w.actorA, w.now, models.ActivityKindInput{LabelFr: "théâtre forum", LabelEn: ""})
		var v models.ValidationError
		if !errors.As(err, &v) || v["label_fr"].Key != "activities.kind_label_taken" || v["label_en"].Key != "activities.kind_label_required" {
			t.Errorf("duplicate and empty labels: %v", err)
		}
		k, err = models.UpdateActivityKind(w.ctx, db, w.actorA, w.now, k.ID, models.ActivityKindInput{LabelFr: "Théâtre-forum", LabelEn: "Forum theatre", Presence: false, Active: false})
		must(t, err)
		if k.Active || k.Code != "theatre_forum" || k.LabelFr != "Théâtre-forum" {
			t.Errorf("updated %+v", k)
		}
		active, err := models.ActivityKinds(w.ctx, db, true)
		must(t, err)
		all, err := models.ActivityKinds(w.ctx, db, false)
		must(t, err)
		if len(active) != 6 || len(all) != 7 {
			t.Errorf("%d active kinds of %d", len(active), len(all))
		}
		if _, err := models.UpdateActivityKind(w.ctx, db, w.actorA, w.now, 9999, models.ActivityKindInput{LabelFr: "x", LabelEn: "y"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown kind: %v", err)
		}
	})
}

func TestListAndSumActivities(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		gate, workshop := kindByCode(t, db, "school_gate_presence"), kindByCode(t, db, "parents_workshop")
		today := calendar.Today(w.now) // 25 November 2026, school year 2026-2027
		add := func(s models.Scope, actor models.Actor, est uint, kind models.ActivityKind, held time.Time, minutes, pupils, parents, staff int) {
			t.Helper()
			_, err := models.CreateActivity(w.ctx, db, s, actor, w.now, models.ActivityInput{EstablishmentID: est, KindID: kind.ID,
				HeldOn: held, DurationMinutes: minutes, Pupils: pupils, Parents: parents, Staff: staff})
			must(t, err)
		}
		idB := w.medB.ID
		actorB := models.Actor{UserID: &idB}
		add(w.scopeA, w.actorA, w.a.ID, gate, today.AddDate(0, 0, -1), 90, 120, 10, 0)
		add(w.scopeA, w.actorA, w.a.ID, gate, today.AddDate(0, 0, -2), 45, 80, 0, 0)
		add(w.scopeA, w.actorA, w.a.ID, workshop, today.AddDate(0, 0, -3), 120, 0, 12, 2)
		add(w.scopeA, w.actorA, w.a.ID, workshop, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), 120, 0, 9, 1) // 2025-2026
		add(w.scopeB, actorB, w.b.ID, workshop, today.AddDate(0, 0, -1), 60, 0, 7, 1)

		year := calendar.SchoolYearOf(w.now)
		tot, err := models.SumActivities(w.ctx, db, year, []uint{w.a.ID})
		must(t, err)
		if tot.Actions != 3 || tot.Pupils != 200 || tot.Parents != 22 || tot.Staff != 2 || tot.PresenceMinutes != 135 || tot.PresenceHours() != 2.25 {
			t.Errorf("totals of A: %+v", tot)
		}
		if len(tot.Kinds) != 2 || tot.Kinds[0].Code != "parents_workshop" || tot.Kinds[0].Actions != 1 || tot.Kinds[0].PresenceHours() != 0 ||
			tot.Kinds[1].Code != "school_gate_presence" || tot.Kinds[1].Actions != 2 || tot.Kinds[1].PresenceHours() != 2.25 {
			t.Errorf("kinds of A: %+v", tot.Kinds)
		}
		both, err := models.SumActivities(w.ctx, db, year, []uint{w.a.ID, w.b.ID})
		must(t, err)
		if both.Actions != 4 || both.Parents != 29 {
			t.Errorf("totals of A and B: %+v", both)
		}
		last, err := models.SumActivities(w.ctx, db, year.Previous(), []uint{w.a.ID, w.b.ID})
		must(t, err)
		if last.Actions != 1 || last.Parents != 9 {
			t.Errorf("totals of last year: %+v", last)
		}
		none, err := models.SumActivities(w.ctx, db, year, nil)
		must(t, err)
		if none.Actions != 0 {
			t.Errorf("no establishment: %+v", none)
		}

		list, err := models.ListActivities(w.ctx, db, w.scopeA, models.ActivityFilter{Year: &year})
		must(t, err)
		if list.Total != 3 || len(list.Rows) != 3 || !list.Rows[0].HeldOn.Equal(today.AddDate(0, 0, -1)) || list.Rows[2].KindLabel("fr") != workshop.LabelFr {
			t.Errorf("list of A this year: %d %+v", list.Total, list.Rows)
		}
		list, err = models.ListActivities(w.ctx, db, w.headA, models.ActivityFilter{KindID: workshop.ID})
		must(t, err)
		if list.Total != 2 {
			t.Errorf("head teacher of A, workshops of every year: %d", list.Total)
		}
		list, err = models.ListActivities(w.ctx, db, w.scopeA, models.ActivityFilter{EstablishmentID: w.b.ID})
		must(t, err)
		if list.Total != 0 {
			t.Errorf("mediator of A filtering on B: %d", list.Total)
		}
		list, err = models.ListActivities(w.ctx, db, models.Scope{Role: models.RoleCoordinator}, models.ActivityFilter{})
		must(t, err)
		if list.Total != 0 {
			t.Errorf("coordinator lists %d actions", list.Total)
		}
	})
}
