package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/risk"
)

// world is a small metropolis: establishments A and B, a mediator of each, and the clock.
type world struct {
	db           *gorm.DB
	now          time.Time
	a, b         models.Establishment
	medA, medB   models.User
	scopeA       models.Scope
	scopeB       models.Scope
	actorA       models.Actor
	headA        models.Scope
	ctx          context.Context
	pupilCounter int
}

func newWorld(t *testing.T, db *gorm.DB) *world {
	t.Helper()
	w := &world{db: db, now: time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris), ctx: context.Background()}
	w.a = models.Establishment{UAI: "0750654D", Name: "Collège A", Type: models.TypeCollege, Sector: models.SectorPublic, Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityREP, Active: true}
	w.b = models.Establishment{UAI: "0590001F", Name: "Collège B", Type: models.TypeCollege, Sector: models.SectorPublic, Commune: "Roubaix", PostalCode: "59100", PriorityEducation: models.PriorityNone, Active: true}
	must(t, db.Create(&w.a).Error)
	must(t, db.Create(&w.b).Error)
	var err error
	w.medA, err = models.SaveAccount(w.ctx, db, 0, models.Account{Email: "a@x.fr", DisplayName: "Médiatrice A", Role: models.RoleMediator, EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
	must(t, err)
	w.medB, err = models.SaveAccount(w.ctx, db, 0, models.Account{Email: "b@x.fr", DisplayName: "Médiateur B", Role: models.RoleMediator, EstablishmentIDs: []uint{w.b.ID}, Active: true}, "h", false)
	must(t, err)
	head, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "h@x.fr", DisplayName: "Principal A", Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
	must(t, err)
	w.scopeA, w.scopeB, w.headA = models.ScopeOf(w.medA), models.ScopeOf(w.medB), models.ScopeOf(head)
	id := w.medA.ID
	w.actorA = models.Actor{UserID: &id, Email: w.medA.Email}
	return w
}

// pupil opens a file in A, referent medA, and makes it active.
func (w *world) pupil(t *testing.T, active bool) models.Pupil {
	t.Helper()
	w.pupilCounter++
	ref := w.medA.ID
	p, err := models.CreatePupil(w.ctx, w.db, w.scopeA, w.actorA, w.now, models.PupilInput{
		EstablishmentID: w.a.ID, LastName: fmt.Sprintf("Nom%d", w.pupilCounter), FirstName: "Prénom",
		BirthDate: time.Date(2013, 4, 2, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level4e, ReferentID: &ref,
	}, nil)
	must(t, err)
	if active {
		p, err = models.ChangeStatus(w.ctx, w.db, w.scopeA, w.actorA, w.now, p.ID, p.Version, models.StatusActive, "", "Suivi engagé")
		must(t, err)
	}
	return p
}

func (w *world) followUp(t *testing.T, p models.Pupil, daysAgo int, action models.ActionInput) {
	t.Helper()
	_, err := models.CreateFollowUp(w.ctx, w.db, w.scopeA, w.actorA, w.now, p.ID, models.FollowUpInput{
		OccurredOn: calendar.Today(w.now).AddDate(0, 0, -daysAgo), Kind: models.FollowUpPupilInterview, DurationMinutes: 30, Note: "note", Action: action,
	})
	must(t, err)
}

func TestStatusTransitions(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		cases := []struct {
			from, to models.PupilStatus
			exit     models.ExitReason
			ok       bool
		}{
			{models.StatusIdentified, models.StatusActive, "", true},
			{models.StatusIdentified, models.StatusIdentified, "", false},
			{models.StatusIdentified, models.StatusMonitoring, "", true},
			{models.StatusActive, models.StatusIdentified, "", false},
			{models.StatusActive, models.StatusClosed, "", false}, // no exit reason
			{models.StatusActive, models.StatusClosed, models.ExitReEngaged, true},
			{models.StatusMonitoring, models.StatusActive, "", true},
			{models.StatusClosed, models.StatusMonitoring, "", false},
			{models.StatusClosed, models.StatusActive, "", true}, // reopened
			{models.StatusActive, "lost", "", false},
		}
		for _, c := range cases {
			p := w.pupil(t, false)
			var err error
			if c.from != models.StatusIdentified {
				exit := models.ExitReason("")
				if c.from == models.StatusClosed {
					exit = models.ExitMovedAway
				}
				if c.from == models.StatusClosed {
					p, err = models.ChangeStatus(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version, models.StatusActive, "", "x")
					must(t, err)
				}
				p, err = models.ChangeStatus(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version, c.from, exit, "vers "+string(c.from))
				must(t, err)
			}
			got, err := models.ChangeStatus(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version, c.to, c.exit, "raison")
			var v models.ValidationError
			switch {
			case c.ok && err != nil:
				t.Errorf("%s → %s: %v", c.from, c.to, err)
			case !c.ok && !errors.As(err, &v):
				t.Errorf("%s → %s accepted (%v)", c.from, c.to, err)
			case c.ok && (got.Status != c.to || got.Version != p.Version+1):
				t.Errorf("%s → %s: status %s version %d", c.from, c.to, got.Status, got.Version)
			case c.ok && c.to == models.StatusClosed && (got.ExitReason == nil || got.ClosedAt == nil):
				t.Errorf("closed without reason or date: %+v", got)
			case c.ok && c.from == models.StatusClosed && (got.ExitReason != nil || got.ClosedAt != nil):
				t.Errorf("reopened file keeps its exit: %+v", got)
			}
			if !c.ok {
				var now models.Pupil
				dbtest.Must(t, db.Take(&now, p.ID).Error)
				if now.Status != c.from || now.Version != p.Version {
					t.Errorf("%s → %s refused but changed the file: %s v%d", c.from, c.to, now.Status, now.Version)
				}
			}
		}
		// A comment is required, and a stale version changes nothing.
		p := w.pupil(t, false)
		if _, err := models.ChangeStatus(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version, models.StatusActive, "", " "); err == nil {
			t.Error("status change without a reason accepted")
		}
		if _, err := models.ChangeStatus(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version-1, models.StatusActive, "", "x"); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale version: %v", err)
		}
		// Another establishment's mediator does not find the file.
		if _, err := models.ChangeStatus(w.ctx, db, w.scopeB, w.actorA, w.now, p.ID, p.Version, models.StatusActive, "", "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other establishment: %v", err)
		}
		var steps int64
		dbtest.Must(t, db.Model(&models.PupilStatusChange{}).Where("pupil_id = ?", p.ID).Count(&steps).Error)
		if steps != 1 {
			t.Errorf("%d history steps after refused changes, want 1", steps)
		}
	})
}

func TestPupilValidation(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		good := models.PupilInput{EstablishmentID: w.a.ID, LastName: "Martin", FirstName: "Léa", BirthDate: time.Date(2013, 1, 5, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level4e}
		cases := []struct {
			name  string
			edit  func(*models.PupilInput)
			field string
		}{
			{"future birth date", func(in *models.PupilInput) { in.BirthDate = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }, "birth_date"},
			{"too young", func(in *models.PupilInput) { in.BirthDate = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) }, "birth_date"},
			{"too old", func(in *models.PupilInput) { in.BirthDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) }, "birth_date"},
			{"unknown level", func(in *models.PupilInput) { in.ClassLevel = "CM2" }, "class_level"},
			{"bad INE", func(in *models.PupilInput) { in.INE = "12345" }, "ine"},
			{"no name", func(in *models.PupilInput) { in.LastName = " " }, "last_name"},
			{"establishment out of scope", func(in *models.PupilInput) { in.EstablishmentID = w.b.ID }, "establishment_id"},
			{"referent of another establishment", func(in *models.PupilInput) { id := w.medB.ID; in.ReferentID = &id }, "referent_id"},
		}
		for _, c := range cases {
			in := good
			c.edit(&in)
			_, err := models.CreatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, in, nil)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
			}
		}
		_, err := models.CreatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, good, []models.GuardianInput{{Name: "", Phone: "06"}})
		var v models.ValidationError
		if !errors.As(err, &v) || v["guardian0_name"].Key == "" {
			t.Errorf("guardian without name: %v", err)
		}
		var n int64
		dbtest.Must(t, db.Model(&models.Pupil{}).Count(&n).Error)
		if n != 0 {
			t.Errorf("%d files stored after refused input", n)
		}
		good.INE = "1234567890A"
		if _, err := models.CreatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, good, []models.GuardianInput{{Name: "Mme Martin", HomeLanguage: "arabe", InterpreterNeeded: true}, {}}); err != nil {
			t.Fatal(err)
		}
		good.LastName = "Autre"
		if _, err := models.CreatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, good, nil); !errors.As(err, &v) || v["ine"].Key == "" {
			t.Errorf("duplicate INE: %v", err)
		}
	})
}

func TestIndicatorValidation(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		ten := 10
		cases := []struct {
			name  string
			in    models.IndicatorInput
			field string
		}{
			{"future month", models.IndicatorInput{Month: "2026-12"}, "month"},
			{"malformed month", models.IndicatorInput{Month: "2026-13"}, "month"},
			{"more unjustified than school half-days", models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(12), SchoolHalfDays: &ten}, "unjustified_half_days"},
			{"more absences than school half-days", models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(6), JustifiedHalfDays: ptr(6), SchoolHalfDays: &ten}, "justified_half_days"},
			{"more than the calendar holds", models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(50)}, "unjustified_half_days"},
			{"negative", models.IndicatorInput{Month: "2026-11", Incidents: ptr(-1)}, "incidents"},
			{"average out of 20", models.IndicatorInput{Month: "2026-11", TermAverage: ptr(21.0)}, "term_average"},
		}
		for _, c := range cases {
			err := models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, c.in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
			}
		}
		var n int64
		dbtest.Must(t, db.Model(&models.MonthlyIndicator{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d months stored after refused input", n)
		}
		// A valid month raises the stored risk, a second save of the month replaces it.
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(5), TemporaryExclusions: ptr(1)}))
		var got models.Pupil
		dbtest.Must(t, db.Take(&got, p.ID).Error)
		if got.RiskLevel != risk.High || got.RiskScore != 4 {
			t.Errorf("risk after 5 unjustified half-days and an exclusion: %s %d", got.RiskLevel, got.RiskScore)
		}
		// A correction replaces what it enters; a field left empty keeps its value.
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(1)}))
		dbtest.Must(t, db.Take(&got, p.ID).Error)
		if got.RiskLevel != risk.Medium || got.RiskScore != 2 {
			t.Errorf("risk after 1 unjustified half-day, the exclusion kept: %s %d", got.RiskLevel, got.RiskScore)
		}
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", TemporaryExclusions: ptr(0)}))
		dbtest.Must(t, db.Take(&got, p.ID).Error)
		dbtest.Must(t, db.Model(&models.MonthlyIndicator{}).Count(&n).Error)
		if n != 1 || got.RiskLevel != risk.Low {
			t.Errorf("after correction: %d months, risk %s", n, got.RiskLevel)
		}
		if err := models.SaveIndicators(w.ctx, db, w.scopeB, w.actorA, w.now, p.ID, models.IndicatorInput{Month: "2026-11", Incidents: ptr(1)}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other establishment: %v", err)
		}
	})
}

func TestFollowUpRules(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, true)
		today := calendar.Today(w.now)
		cases := []struct {
			name  string
			in    models.FollowUpInput
			field string
		}{
			{"negative duration", models.FollowUpInput{OccurredOn: today, Kind: models.FollowUpHomeVisit, DurationMinutes: -5}, "duration_minutes"},
			{"absurd duration", models.FollowUpInput{OccurredOn: today, Kind: models.FollowUpHomeVisit, DurationMinutes: 1000}, "duration_minutes"},
			{"future date", models.FollowUpInput{OccurredOn: today.AddDate(0, 0, 1), Kind: models.FollowUpHomeVisit}, "occurred_on"},
			{"unknown kind", models.FollowUpInput{OccurredOn: today, Kind: "party"}, "kind"},
			{"due before the follow-up", models.FollowUpInput{OccurredOn: today, Kind: models.FollowUpHomeVisit,
				Action: models.ActionInput{Description: "Rappeler", DueOn: today.AddDate(0, 0, -1)}}, "action_due_on"},
			{"action without due date", models.FollowUpInput{OccurredOn: today, Kind: models.FollowUpHomeVisit,
				Action: models.ActionInput{Description: "Rappeler"}}, "action_due_on"},
			{"owner of another establishment", models.FollowUpInput{OccurredOn: today, Kind: models.FollowUpHomeVisit,
				Action: models.ActionInput{Description: "Rappeler", DueOn: today, OwnerUserID: &w.medB.ID}}, "action_owner"},
		}
		for _, c := range cases {
			_, err := models.CreateFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, c.in)
			var v models.ValidationError
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
			}
		}
		var n int64
		dbtest.Must(t, db.Model(&models.FollowUp{}).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d follow-ups stored after refused input", n)
		}
		fu, err := models.CreateFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, models.FollowUpInput{OccurredOn: today, Kind: models.FollowUpFamilyPhone,
			DurationMinutes: 20, Note: "Secret de famille", Restricted: true, Action: models.ActionInput{Description: "Rappeler la mère", DueOn: today.AddDate(0, 0, 3)}})
		must(t, err)
		var a models.NextAction
		must(t, db.Where("follow_up_id = ?", fu.ID).Take(&a).Error)
		if a.OwnerUserID == nil || *a.OwnerUserID != w.medA.ID {
			t.Errorf("the action is not the author's: %+v", a)
		}
		// The head teacher does not see the restricted follow-up; the mediator does.
		file, err := models.LoadPupilFile(w.ctx, db, w.headA, p.ID)
		must(t, err)
		if len(file.FollowUps) != 0 || file.FollowUpTotal != 0 {
			t.Errorf("head teacher sees %d restricted follow-ups", len(file.FollowUps))
		}
		file, err = models.LoadPupilFile(w.ctx, db, w.scopeA, p.ID)
		must(t, err)
		if len(file.FollowUps) != 1 || !file.FollowUps[0].Restricted {
			t.Errorf("mediator sees %d follow-ups", len(file.FollowUps))
		}
		// Only the author edits or deletes.
		other, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "c@x.fr", DisplayName: "Collègue", Role: models.RoleMediator, EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
		must(t, err)
		otherActor := models.Actor{UserID: &other.ID}
		if _, err := models.DeleteFollowUp(w.ctx, db, models.ScopeOf(other), otherActor, w.now, fu.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another mediator deletes: %v", err)
		}
		if _, err := models.DeleteFollowUp(w.ctx, db, w.scopeA, w.actorA, w.now, fu.ID); err != nil {
			t.Fatal(err)
		}
		var audit models.AuditEvent
		must(t, db.Where("action = ? AND record_type = ?", models.AuditDeleted, "follow_up").Take(&audit).Error)
		if audit.Detail == "" || contains(audit.Detail, "Secret") {
			t.Errorf("deletion audit detail %q", audit.Detail)
		}
		dbtest.Must(t, db.Model(&models.NextAction{}).Count(&n).Error)
		if n != 0 {
			t.Errorf("the deleted follow-up's action survives")
		}
	})
}

// The worklist's actions are those the mediator owns, and those no account owns on the files
// they are referent of, whoever else works in the establishment.
func TestWorklistActionsFollowTheirOwner(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		today := calendar.Today(w.now)
		colleague, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "a2@x.fr", DisplayName: "Médiateur A2", Role: models.RoleMediator,
			EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
		must(t, err)
		mine := w.pupil(t, true) // referent medA
		theirs, err := models.CreatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, models.PupilInput{
			EstablishmentID: w.a.ID, LastName: "Autre", FirstName: "Prénom", BirthDate: time.Date(2013, 4, 2, 0, 0, 0, 0, time.UTC),
			ClassLevel: models.Level4e, ReferentID: &colleague.ID,
		}, nil)
		must(t, err)
		// An action without an account for owner is someone else's (« la famille »).
		action := func(p models.Pupil, what string, owner *uint, due int) {
			in := models.ActionInput{Description: what, DueOn: today.AddDate(0, 0, due), OwnerUserID: owner}
			if owner == nil {
				in.OwnerLabel = "la famille"
			}
			w.followUp(t, p, 1, in)
		}
		action(mine, "sans responsable, mon dossier", nil, 0)
		action(mine, "à A2, mon dossier", &colleague.ID, 1)
		action(theirs, "à moi, dossier de A2", &w.medA.ID, 2)
		action(theirs, "sans responsable, dossier de A2", nil, 3)
		action(mine, "à moi, dans un mois", &w.medA.ID, 30)
		for _, c := range []struct {
			user models.User
			want []string
		}{
			{w.medA, []string{"sans responsable, mon dossier", "à moi, dossier de A2"}},
			{colleague, []string{"à A2, mon dossier", "sans responsable, dossier de A2"}},
		} {
			wl, err := models.LoadWorklist(w.ctx, db, models.ScopeOf(c.user), c.user.ID, w.now, 4)
			must(t, err)
			var got []string
			for _, a := range wl.Actions {
				got = append(got, a.Description)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s's actions: %q, want %q", c.user.Email, got, c.want)
			}
		}
	})
}

// The worklist, case by case, with a fixed clock.
func TestWorklist(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		today := calendar.Today(w.now)
		silent := w.pupil(t, true)
		w.followUp(t, silent, 22, models.ActionInput{})
		recent := w.pupil(t, true)
		w.followUp(t, recent, 20, models.ActionInput{})
		monitoring := w.pupil(t, false) // identified, not active: never silent
		w.followUp(t, monitoring, 40, models.ActionInput{})
		withAction := w.pupil(t, true)
		w.followUp(t, withAction, 2, models.ActionInput{Description: "Appeler la famille", DueOn: today.AddDate(0, 0, -1)})
		later := w.pupil(t, true)
		w.followUp(t, later, 1, models.ActionInput{Description: "Point dans un mois", DueOn: today.AddDate(0, 0, 30)})
		absent := w.pupil(t, true)
		w.followUp(t, absent, 30, models.ActionInput{})
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, absent.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(4)}))
		watched := w.pupil(t, true)
		w.followUp(t, watched, 3, models.ActionInput{})
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, watched.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(6)}))
		under := w.pupil(t, true)
		w.followUp(t, under, 30, models.ActionInput{})
		must(t, models.SaveIndicators(w.ctx, db, w.scopeA, w.actorA, w.now, under.ID, models.IndicatorInput{Month: "2026-11", UnjustifiedHalfDays: ptr(3)}))

		wl, err := models.LoadWorklist(w.ctx, db, w.scopeA, w.medA.ID, w.now, 4)
		must(t, err)
		ids := func(ps []models.WorkPupil) map[uint]bool {
			m := map[uint]bool{}
			for _, p := range ps {
				m[p.ID] = true
			}
			return m
		}
		s := ids(wl.Silent)
		if !s[silent.ID] || s[recent.ID] || s[monitoring.ID] {
			t.Errorf("silent pupils: %v (want %d only among %d, %d)", s, silent.ID, recent.ID, monitoring.ID)
		}
		if !s[absent.ID] || !s[under.ID] {
			t.Error("pupils without contact for 30 days are missing")
		}
		if len(wl.Actions) != 1 || wl.Actions[0].PupilID != withAction.ID || !wl.Overdue(wl.Actions[0]) {
			t.Errorf("actions: %+v", wl.Actions)
		}
		var alerts []uint
		for _, a := range wl.Absences {
			alerts = append(alerts, a.ID)
		}
		if len(alerts) != 1 || alerts[0] != absent.ID {
			t.Errorf("absence alerts %v, want [%d]", alerts, absent.ID)
		}
		// Acting clears the lines: a follow-up for the absent pupil, the action done.
		w.followUp(t, absent, 0, models.ActionInput{})
		_, err = models.CompleteAction(w.ctx, db, w.scopeA, w.actorA, w.now, wl.Actions[0].ID)
		must(t, err)
		wl, err = models.LoadWorklist(w.ctx, db, w.scopeA, w.medA.ID, w.now, 4)
		must(t, err)
		if len(wl.Absences) != 0 || len(wl.Actions) != 0 || ids(wl.Silent)[absent.ID] {
			t.Errorf("after acting: %d alerts, %d actions, absent silent=%v", len(wl.Absences), len(wl.Actions), ids(wl.Silent)[absent.ID])
		}
		// The other establishment's mediator sees none of it.
		other, err := models.LoadWorklist(w.ctx, db, w.scopeB, w.medB.ID, w.now, 4)
		must(t, err)
		if len(other.Actions)+len(other.Silent)+len(other.Absences) != 0 {
			t.Errorf("mediator B sees A's worklist: %+v", other)
		}
	})
}

func TestStaleIdentityEdit(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newWorld(t, db)
		p := w.pupil(t, false)
		in := models.PupilInput{EstablishmentID: w.a.ID, LastName: p.LastName, FirstName: "Corrigé", BirthDate: p.BirthDate, ClassLevel: models.Level3e}
		first, err := models.UpdatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version, in)
		must(t, err)
		in.FirstName = "Écrasé"
		_, err = models.UpdatePupil(w.ctx, db, w.scopeA, w.actorA, w.now, p.ID, p.Version, in)
		var stale *models.StaleError
		if !errors.As(err, &stale) || stale.Current.(models.Pupil).FirstName != "Corrigé" {
			t.Fatalf("stale edit: %v", err)
		}
		var now models.Pupil
		dbtest.Must(t, db.Take(&now, p.ID).Error)
		if now.FirstName != "Corrigé" || now.Version != first.Version {
			t.Errorf("the stale edit overwrote: %s v%d", now.FirstName, now.Version)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
