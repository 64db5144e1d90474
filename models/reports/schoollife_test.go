package reports_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/disclosure"
	"mediation/models/reports"
)

// addSchoolLife records the school life of the report world, worked out by hand for 2025-2026
// (today 15 March 2026):
//   - E1: a prevention session (October, 120 min, 28 pupils, 2 staff, with the CAF), a parents'
//     workshop (November, 90 min, 8 parents, 2 staff), two school-gate presence slots
//     (January, 60 min, 40 pupils; February, 45 min, 30 pupils, 1 staff): 4 actions, 98
//     pupils, 8 parents, 5 staff, 315 minutes, 105 of presence; a session of June 2025 is the
//     year before. E2: a recess presence slot (March, 30 min, 100 pupils, 1 staff, with the CAF
//     and the Département).
//   - E1 conflicts: verbal × agreement, verbal × partial, physical × agreement, harassment ×
//     none, online still going on (5; 2 agreements of 4 decided: 50 %), and a verbal one of
//     May 2025. E2: physical × passed on to discipline.
//   - E1 prevention group: 20 November (Aubert, Caron), 12 February (Aubert, Dupont), and one
//     prepared for 10 April, not held yet: 2 sessions, 3 pupils reviewed, 4 reviews (the first
//     of each session kept under watch, the second a family meeting: 2 and 2). E2: 8
//     January (Fournier).
func addSchoolLife(t *testing.T, w *reportWorld) {
	t.Helper()
	db := w.db
	kind := func(code string) uint {
		var k models.ActivityKind
		must(t, db.Where("code = ?", code).Take(&k).Error)
		return k.ID
	}
	author := w.mediator.ID
	action := func(e models.Establishment, code string, on time.Time, minutes, pupils, parents, staff int, partners ...models.PartnerOrganisation) {
		a := models.Activity{EstablishmentID: e.ID, KindID: kind(code), AuthorID: &author, HeldOn: on, DurationMinutes: minutes,
			Themes: "respect", Pupils: pupils, Parents: parents, Staff: staff, Version: 1}
		must(t, db.Create(&a).Error)
		for _, p := range partners {
			must(t, db.Create(&models.ActivityPartner{ActivityID: a.ID, PartnerOrganisationID: p.ID}).Error)
		}
	}
	action(w.e1, "prevention_session", day(2025, 10, 6), 120, 28, 0, 2, w.p1)
	action(w.e1, "parents_workshop", day(2025, 11, 13), 90, 0, 8, 2)
	action(w.e1, "school_gate_presence", day(2026, 1, 15), 60, 40, 0, 0)
	action(w.e1, "school_gate_presence", day(2026, 2, 5), 45, 30, 0, 1)
	action(w.e1, "prevention_session", day(2025, 6, 10), 60, 25, 0, 1, w.p1) // the year before
	action(w.e2, "recess_presence", day(2026, 3, 2), 30, 100, 0, 1, w.p1, w.p2)

	conflict := func(e models.Establishment, on time.Time, k models.ConflictKind, outcome models.ConflictOutcome) {
		c := models.Conflict{EstablishmentID: e.ID, AuthorID: author, OccurredOn: on, Place: models.PlaceYard, Kind: k,
			Relation: models.BetweenPupils, Notes: "Note réservée", NotesRestricted: true, Version: 1}
		if outcome != models.OutcomePending {
			c.Outcome = &outcome
		}
		must(t, db.Omit("Parties").Create(&c).Error)
	}
	conflict(w.e1, day(2025, 10, 1), models.ConflictVerbal, models.OutcomeAgreement)
	conflict(w.e1, day(2025, 11, 1), models.ConflictVerbal, models.OutcomePartial)
	conflict(w.e1, day(2025, 12, 1), models.ConflictPhysical, models.OutcomeAgreement)
	conflict(w.e1, day(2026, 1, 10), models.ConflictHarassment, models.OutcomeNone)
	conflict(w.e1, day(2026, 3, 1), models.ConflictOnline, models.OutcomePending)
	conflict(w.e1, day(2025, 5, 1), models.ConflictVerbal, models.OutcomeAgreement) // the year before
	conflict(w.e2, day(2026, 2, 1), models.ConflictPhysical, models.OutcomeDiscipline)

	var pupils []models.Pupil
	must(t, db.Order("last_name").Find(&pupils).Error)
	byName := map[string]uint{}
	for _, p := range pupils {
		byName[p.LastName] = p.ID
	}
	session := func(e models.Establishment, on time.Time, names ...string) {
		r := models.CaseReview{EstablishmentID: e.ID, HeldOn: on, Kind: models.ReviewGPDS, CreatedByID: &author, Version: 1}
		must(t, db.Create(&r).Error)
		for i, n := range names {
			// The first pupil of a session is kept under watch, the second gets a family meeting.
			decision := []models.ReviewDecision{models.DecisionKeepWatching, models.DecisionFamilyMeeting}[i%2]
			must(t, db.Create(&models.CaseReviewPupil{CaseReviewID: r.ID, PupilID: byName[n], Decision: decision, Note: "Remarque"}).Error)
		}
	}
	session(w.e1, day(2025, 11, 20), "Aubert", "Caron")
	session(w.e1, day(2026, 2, 12), "Aubert", "Dupont")
	session(w.e1, day(2026, 4, 10), "Evrard") // prepared, not held yet
	session(w.e2, day(2026, 1, 8), "Fournier")
}

func TestSchoolLifeFigures(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		addSchoolLife(t, w)
		s, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, year2526, w.now, false)
		must(t, err)
		sl := &s.SchoolLife
		a := sl.Actions()
		agreements, decided := sl.Resolution()
		checks := []struct {
			name      string
			got, want int
		}{
			{"actions", a.Actions, 4},
			{"pupils", a.Pupils, 98},
			{"parents", a.Parents, 8},
			{"staff", a.Staff, 5},
			{"minutes", a.Minutes, 315},
			{"presence minutes", sl.PresenceMinutes, 105},
			{"prevention sessions", sl.ActionsByKind["prevention_session"].Actions, 1},
			{"school-gate slots", sl.ActionsByKind["school_gate_presence"].Actions, 2},
			{"conflicts", sl.ConflictsHandled(), 5},
			{"verbal", sl.ConflictsByKind(models.ConflictVerbal), 2},
			{"verbal agreements", sl.Conflicts[models.ConflictVerbal][models.OutcomeAgreement], 1},
			{"pending", sl.ConflictsByOutcome(models.OutcomePending), 1},
			{"agreements", agreements, 2},
			{"decided", decided, 4},
			{"sessions", sl.Sessions, 2},
			{"pupils reviewed", sl.PupilsReviewed, 3},
			{"reviews", sl.Reviews, 4},
			{"kept under watch", sl.Decisions[models.DecisionKeepWatching], 2},
			{"family meetings", sl.Decisions[models.DecisionFamilyMeeting], 2},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("E1: %s = %d, want %d", c.name, c.got, c.want)
			}
		}
		if len(s.ActivityKinds) != 6 || s.ActivityKinds[0].Code != "prevention_session" {
			t.Errorf("activity kinds %+v", s.ActivityKinds)
		}
		// A head teacher's summary counts the same (counts only: no note in it).
		head := models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{w.e1.ID}}
		hs, err := reports.LoadEstablishmentSummary(w.ctx, db, head, w.e1.UAI, year2526, w.now, false)
		must(t, err)
		if hs.SchoolLife.ConflictsHandled() != 5 || hs.SchoolLife.Actions() != a || hs.SchoolLife.PupilsReviewed != 3 {
			t.Errorf("head teacher: %+v", hs.SchoolLife)
		}
		prev, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, year2526.Previous(), w.now, false)
		must(t, err)
		if prev.SchoolLife.Actions().Actions != 1 || prev.SchoolLife.ConflictsHandled() != 1 || prev.SchoolLife.Sessions != 0 {
			t.Errorf("2024-2025: %+v", prev.SchoolLife)
		}

		// The metropolis: its total is the sum of the establishments'.
		m, err := reports.LoadMetropolitanFigures(w.ctx, db, year2526, w.now)
		must(t, err)
		var actions, conflicts, reviewed, sessions, presence int
		for _, ag := range m.Groups[reports.ByEstablishment] {
			sl := &ag.SchoolLife
			actions, conflicts, reviewed = actions+sl.Actions().Actions, conflicts+sl.ConflictsHandled(), reviewed+sl.PupilsReviewed
			sessions, presence = sessions+sl.Sessions, presence+sl.PresenceMinutes
		}
		tl := &m.Total.SchoolLife
		if tl.Actions().Actions != actions || tl.ConflictsHandled() != conflicts || tl.PupilsReviewed != reviewed || tl.Sessions != sessions ||
			tl.PresenceMinutes != presence {
			t.Errorf("metropolitan total %+v, the establishments add up to %d actions, %d conflicts, %d reviewed, %d sessions, %d min of presence",
				*tl, actions, conflicts, reviewed, sessions, presence)
		}
		if tl.Actions().Actions != 5 || tl.Actions().Pupils != 198 || tl.PresenceMinutes != 135 || tl.ConflictsHandled() != 6 ||
			tl.Sessions != 3 || tl.PupilsReviewed != 4 || tl.Reviews != 5 {
			t.Errorf("metropolitan school life %+v", *tl)
		}

		// Protected: the conflicts by kind are counts about minors (E1's 2 verbal ones are
		// masked at threshold 5); actions and sessions print as counted.
		tables, err := reports.LoadMetropolitan(w.ctx, db, year2526, w.now)
		must(t, err)
		keys := tables.Keys(reports.ByEstablishment)
		if keys[0] != w.e1.UAI {
			t.Fatalf("rows %v", keys)
		}
		c := tables.Conflicts(reports.ByEstablishment).Counts()
		if c.Masks[0][0] != disclosure.MaskPrimary || c.Cells[0][0] != 0 {
			t.Errorf("E1's verbal conflicts: %d %v, want masked", c.Cells[0][0], c.Masks[0][0])
		}
		// E2's single conflict is masked, and cannot be worked out from E1's 5 and the 6 in all.
		if c.RowTotalMasks[1] != disclosure.MaskPrimary || !c.RowTotalMasks[0].Masked() && !c.TotalMask.Masked() {
			t.Errorf("conflicts by establishment %v %v, in all %d %v", c.RowTotals, c.RowTotalMasks, c.Total, c.TotalMask)
		}
		e := tables.LifeEvents(reports.ByEstablishment).Counts()
		if e.Cells[0][0] != 4 || e.Cells[0][1] != 98 || e.Cells[0][6] != 2 || e.Masks[0][0].Masked() || e.ColTotals[0] != 5 {
			t.Errorf("E1's events %v %v, totals %v", e.Cells[0], e.Masks[0], e.ColTotals)
		}
		r := tables.PupilsReviewed(reports.ByEstablishment).Counts()
		if !r.Masks[0][0].Masked() || !r.Masks[1][0].Masked() {
			t.Errorf("pupils reviewed %v %v: 3 and 1 should be masked", r.Cells, r.Masks)
		}
		o := tables.ConflictOutcomes().Counts()
		for j, mask := range o.Masks[0] {
			if v := o.Cells[0][j]; v > 0 || !mask.Masked() {
				t.Errorf("conflicts by outcome %d: %d %v (every outcome is a small count)", j, v, mask)
			}
		}

		// The partner: the actions it took part in, every establishment together.
		coordinator := models.Scope{Role: models.RoleCoordinator, UserID: 99}
		f, err := reports.LoadPartnerFigures(w.ctx, db, coordinator, w.p1.ID, year2526, w.now)
		must(t, err)
		if got := f.Actions["prevention_session"]; got != (reports.ActionFigures{Actions: 1, Pupils: 28, Staff: 2, Minutes: 120}) {
			t.Errorf("CAF's prevention sessions %+v", got)
		}
		if got := f.Actions["recess_presence"]; got.Actions != 1 || got.Pupils != 100 || len(f.Actions) != 2 {
			t.Errorf("CAF's actions %+v", f.Actions)
		}
		p2, err := reports.LoadPartnerFigures(w.ctx, db, coordinator, w.p2.ID, year2526, w.now)
		must(t, err)
		if len(p2.Actions) != 1 || p2.Actions["recess_presence"].Actions != 1 {
			t.Errorf("Département's actions %+v", p2.Actions)
		}
		// An organisation with actions and no referral has a report.
		p3 := models.PartnerOrganisation{Name: "Association Trait d'union", Kind: models.PartnerAssociation, ResponseDays: 15, Active: true}
		must(t, db.Create(&p3).Error)
		must(t, db.Create(&models.ActivityPartner{ActivityID: firstActivity(t, db, w.e1), PartnerOrganisationID: p3.ID}).Error)
		only, err := reports.LoadPartner(w.ctx, db, coordinator, p3.ID, year2526, w.now)
		must(t, err)
		if n, _ := only.Received().Value(); n != 0 {
			t.Errorf("the association received %d referrals", n)
		}
		if _, actions := only.Actions(); len(actions) != 1 {
			t.Errorf("the association's actions %+v", actions)
		}
		protected, err := reports.LoadPartner(w.ctx, db, coordinator, w.p1.ID, year2526, w.now)
		must(t, err)
		if _, actions := protected.Actions(); actions["prevention_session"].Pupils != 28 {
			t.Errorf("the partner report's actions %+v", actions)
		}
	})
}

// firstActivity is the first action recorded in the establishment in 2025-2026.
func firstActivity(t *testing.T, db *gorm.DB, e models.Establishment) uint {
	t.Helper()
	var a models.Activity
	must(t, db.Where("establishment_id = ? AND held_on >= ?", e.ID, day(2025, 9, 1)).Order("held_on, id").Take(&a).Error)
	return a.ID
}
