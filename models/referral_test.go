package models_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// referralWorld adds to world two organisations (CAF, 15 days; Département, 10 days), two
// agents of the CAF and one of the Département, a coordinator and an administrator.
type referralWorld struct {
	*world
	caf, dep               models.PartnerOrganisation
	cafA, cafB, depAgent   models.Scope
	cafActorA, cafActorB   models.Actor
	depActor               models.Actor
	coordinator, admin     models.Scope
	coordActor, adminActor models.Actor
	headActor              models.Actor
	pupilA                 models.Pupil
}

func newReferralWorld(t *testing.T, db *gorm.DB) *referralWorld {
	t.Helper()
	w := &referralWorld{world: newWorld(t, db)}
	var err error
	w.caf, err = models.CreatePartner(w.ctx, db, models.Actor{Email: "test"}, w.now, models.PartnerInput{Name: "CAF du Nord",
		Kind: models.PartnerCAF, ResponseDays: 15, Active: true})
	must(t, err)
	w.dep, err = models.CreatePartner(w.ctx, db, models.Actor{Email: "test"}, w.now, models.PartnerInput{Name: "Département du Nord",
		Kind: models.PartnerDepartementSocial, ResponseDays: 10, Active: true})
	must(t, err)
	account := func(email string, role models.Role, partner *uint) (models.Scope, models.Actor) {
		u, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: email, DisplayName: email, Role: role,
			PartnerOrganisationID: partner, Active: true}, "h", false)
		must(t, err)
		id := u.ID
		return models.ScopeOf(u), models.Actor{UserID: &id, Email: email}
	}
	w.cafA, w.cafActorA = account("caf1@x.fr", models.RolePartner, &w.caf.ID)
	w.cafB, w.cafActorB = account("caf2@x.fr", models.RolePartner, &w.caf.ID)
	w.depAgent, w.depActor = account("dep@x.fr", models.RolePartner, &w.dep.ID)
	w.coordinator, w.coordActor = account("coord@x.fr", models.RoleCoordinator, nil)
	w.admin, w.adminActor = account("admin@x.fr", models.RoleAdmin, nil)
	id := w.headA.UserID
	w.headActor = models.Actor{UserID: &id, Email: "h@x.fr"}
	w.pupilA = w.pupil(t, true)
	return w
}

const requestText = "Accompagner la famille dans sa demande d'allocation de rentrée scolaire."

// draft makes a draft to the CAF on pupilA, with the family's consent when consent is true.
func (w *referralWorld) draft(t *testing.T, consent bool) models.Referral {
	t.Helper()
	r, err := models.CreateReferral(w.ctx, w.db, w.scopeA, w.actorA, w.now, w.pupilA.ID,
		models.ReferralInput{PartnerOrganisationID: w.caf.ID, Reason: models.ReasonSocialRights, Request: requestText})
	must(t, err)
	if consent {
		r, err = models.RecordConsent(w.ctx, w.db, w.scopeA, w.actorA, w.now, r.ID, r.Version, models.ConsentInput{
			GivenBy: "Mme Nom, mère", GivenOn: calendar.Today(w.now).AddDate(0, 0, -1), Method: models.ConsentPhone})
		must(t, err)
	}
	return r
}

// step takes an action that must go through.
func (w *referralWorld) step(t *testing.T, r models.Referral, s models.Scope, a models.Actor, action models.ReferralAction) models.Referral {
	t.Helper()
	r, err := models.ActOnReferral(w.ctx, w.db, s, a, w.now, r.ID, r.Version, action,
		models.StepInput{Comment: "Commentaire", Outcome: models.OutcomeSupportInPlace})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return r
}

// referralIn drives a new referral to status through the allowed path.
func (w *referralWorld) referralIn(t *testing.T, status models.ReferralStatus) models.Referral {
	t.Helper()
	r := w.draft(t, true)
	paths := map[models.ReferralStatus][]models.ReferralAction{
		models.ReferralDraft:        nil,
		models.ReferralSent:         {models.ActionSend},
		models.ReferralAcknowledged: {models.ActionSend, models.ActionAcknowledge},
		models.ReferralAccepted:     {models.ActionSend, models.ActionAcknowledge, models.ActionAccept},
		models.ReferralDeclined:     {models.ActionSend, models.ActionAcknowledge, models.ActionDecline},
		models.ReferralClosed:       {models.ActionSend, models.ActionAcknowledge, models.ActionAccept, models.ActionClose},
		models.ReferralWithdrawn:    {models.ActionSend, models.ActionWithdraw},
	}
	for _, a := range paths[status] {
		if a == models.ActionSend || a == models.ActionWithdraw {
			r = w.step(t, r, w.scopeA, w.actorA, a)
		} else {
			r = w.step(t, r, w.cafA, w.cafActorA, a)
		}
	}
	if r.Status != status {
		t.Fatalf("referralIn(%s) gave %s", status, r.Status)
	}
	return r
}

// snapshot is what a refused step must leave untouched.
type snapshot struct {
	r           models.Referral
	transitions int64
	audits      int64
}

func (w *referralWorld) snapshot(t *testing.T, id uint) snapshot {
	t.Helper()
	var s snapshot
	must(t, w.db.Take(&s.r, id).Error)
	dbtest.Must(t, w.db.Model(&models.ReferralTransition{}).Where("referral_id = ?", id).Count(&s.transitions).Error)
	dbtest.Must(t, w.db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ?", "referral", fmt.Sprint(id)).Count(&s.audits).Error)
	return s
}

// TestReferralStateMachine tries every action by every role on a referral in every status:
// the moves of the lifecycle go through, dated, attributed and audited; every other one is
// refused and changes nothing.
func TestReferralStateMachine(t *testing.T) {
	t.Parallel()
	type move struct {
		from   models.ReferralStatus
		action models.ReferralAction
		role   models.Role
	}
	// The lifecycle of DESIGN.md, written out: (from, action, role) → to.
	allowed := map[move]models.ReferralStatus{
		{models.ReferralDraft, models.ActionSend, models.RoleMediator}:            models.ReferralSent,
		{models.ReferralDraft, models.ActionWithdraw, models.RoleMediator}:        models.ReferralWithdrawn,
		{models.ReferralSent, models.ActionWithdraw, models.RoleMediator}:         models.ReferralWithdrawn,
		{models.ReferralAcknowledged, models.ActionWithdraw, models.RoleMediator}: models.ReferralWithdrawn,
		{models.ReferralSent, models.ActionAcknowledge, models.RolePartner}:       models.ReferralAcknowledged,
		{models.ReferralAcknowledged, models.ActionAccept, models.RolePartner}:    models.ReferralAccepted,
		{models.ReferralAcknowledged, models.ActionDecline, models.RolePartner}:   models.ReferralDeclined,
		{models.ReferralAccepted, models.ActionClose, models.RolePartner}:         models.ReferralClosed,
		{models.ReferralDeclined, models.ActionClose, models.RolePartner}:         models.ReferralClosed,
		{models.ReferralAcknowledged, models.ActionFeedback, models.RolePartner}:  models.ReferralAcknowledged,
		{models.ReferralAccepted, models.ActionFeedback, models.RolePartner}:      models.ReferralAccepted,
		{models.ReferralDeclined, models.ActionFeedback, models.RolePartner}:      models.ReferralDeclined,
	}
	// The state machine of the package says the same, and offers the same actions.
	for _, st := range models.ReferralStatuses {
		for _, role := range models.Roles {
			var want []models.ReferralAction
			for _, a := range models.ReferralActions {
				to, ok := allowed[move{st, a, role}]
				got, gotOK := models.NextReferralStatus(st, a, role)
				if ok != gotOK || to != got {
					t.Errorf("NextReferralStatus(%s, %s, %s) = %s %v, want %s %v", st, a, role, got, gotOK, to, ok)
				}
				if ok {
					want = append(want, a)
				}
			}
			if got := models.ReferralActionsFor(st, role); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("ReferralActionsFor(%s, %s) = %v, want %v", st, role, got, want)
			}
		}
	}
	stamp := map[models.ReferralAction]func(r models.Referral) *time.Time{
		models.ActionSend:        func(r models.Referral) *time.Time { return r.SentAt },
		models.ActionWithdraw:    func(r models.Referral) *time.Time { return r.WithdrawnAt },
		models.ActionAcknowledge: func(r models.Referral) *time.Time { return r.AcknowledgedAt },
		models.ActionAccept:      func(r models.Referral) *time.Time { return r.AnsweredAt },
		models.ActionDecline:     func(r models.Referral) *time.Time { return r.AnsweredAt },
		models.ActionClose:       func(r models.Referral) *time.Time { return r.ClosedAt },
	}
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		who := map[models.Role]struct {
			scope models.Scope
			actor models.Actor
		}{
			models.RoleMediator: {w.scopeA, w.actorA}, models.RoleHeadTeacher: {w.headA, w.headActor},
			models.RolePartner: {w.cafA, w.cafActorA}, models.RoleCoordinator: {w.coordinator, w.coordActor},
			models.RoleAdmin: {w.admin, w.adminActor},
		}
		for _, st := range models.ReferralStatuses {
			for _, action := range models.ReferralActions {
				for _, role := range models.Roles {
					name := fmt.Sprintf("%s × %s × %s", st, action, role)
					r := w.referralIn(t, st)
					before := w.snapshot(t, r.ID)
					w.now = w.now.Add(time.Minute)
					who := who[role]
					got, err := models.ActOnReferral(w.ctx, db, who.scope, who.actor, w.now, r.ID, r.Version, action,
						models.StepInput{Comment: "Un commentaire", Outcome: models.OutcomeNotEligible})
					after := w.snapshot(t, r.ID)
					to, ok := allowed[move{st, action, role}]
					if !ok {
						var v models.ValidationError
						if err == nil || !(errors.Is(err, models.ErrNotFound) || errors.As(err, &v)) {
							t.Errorf("%s: accepted or odd error (%v)", name, err)
						}
						if after.r.Status != st || after.r.Version != before.r.Version || after.transitions != before.transitions ||
							after.audits != before.audits || !after.r.UpdatedAt.Equal(before.r.UpdatedAt) {
							t.Errorf("%s: refused but changed the referral: %+v → %+v", name, before, after)
						}
						continue
					}
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					if got.Status != to || after.r.Status != to || after.r.Version != before.r.Version+1 {
						t.Errorf("%s: status %s (stored %s) version %d, want %s version %d", name, got.Status, after.r.Status,
							after.r.Version, to, before.r.Version+1)
					}
					if after.transitions != before.transitions+1 || after.audits != before.audits+1 {
						t.Errorf("%s: %d transitions and %d audit events added, want 1 and 1", name,
							after.transitions-before.transitions, after.audits-before.audits)
					}
					var last models.ReferralTransition
					dbtest.Must(t, db.Where("referral_id = ?", r.ID).Order("id DESC").Take(&last).Error)
					if last.FromStatus != st || last.ToStatus != to || last.ActorID == nil || *last.ActorID != *who.actor.UserID ||
						!last.At.Equal(w.now) || last.Comment != "Un commentaire" {
						t.Errorf("%s: transition %+v", name, last)
					}
					if f, ok := stamp[action]; ok {
						if at := f(after.r); at == nil || !at.Equal(w.now) {
							t.Errorf("%s: timestamp %v, want %v", name, at, w.now)
						}
					}
					switch action {
					case models.ActionDecline:
						if after.r.DeclineReason != "Un commentaire" {
							t.Errorf("%s: decline reason %q", name, after.r.DeclineReason)
						}
					case models.ActionClose:
						if after.r.Outcome == nil || *after.r.Outcome != models.OutcomeNotEligible {
							t.Errorf("%s: outcome %v", name, after.r.Outcome)
						}
					case models.ActionFeedback:
						if after.r.Feedback != "Un commentaire" {
							t.Errorf("%s: feedback %q", name, after.r.Feedback)
						}
					}
				}
			}
		}
		// What the audit log says of a referral never holds what is asked of the partner.
		var leaked int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND detail LIKE ?", "referral", "%allocation%").Count(&leaked).Error)
		if leaked != 0 {
			t.Error("the request text is in the audit log")
		}
	})
}

// The bad inputs of the issue, each refused with a French message that says why.
func TestReferralRefusals(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		field := func(err error, name string) string {
			t.Helper()
			var v models.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("want a validation error on %s, got %v", name, err)
			}
			return v[name].Key
		}
		draft := w.draft(t, false)
		if _, err := models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, w.now, draft.ID, draft.Version, models.ActionClose,
			models.StepInput{Outcome: models.OutcomeNoFollowUp}); err == nil {
			t.Error("a draft closed")
		}
		withdrawn := w.referralIn(t, models.ReferralWithdrawn)
		_, err := models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, w.now, withdrawn.ID, withdrawn.Version, models.ActionAccept, models.StepInput{})
		if msg := field(err, "action"); msg != "referral.accept_not_acknowledged" {
			t.Errorf("accepting a withdrawn referral: %q", msg)
		}
		ack := w.referralIn(t, models.ReferralAcknowledged)
		_, err = models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, w.now, ack.ID, ack.Version, models.ActionDecline, models.StepInput{Comment: "  "})
		if msg := field(err, "comment"); msg != "referral.decline_reason_required" {
			t.Errorf("decline without reason: %q", msg)
		}
		acc := w.referralIn(t, models.ReferralAccepted)
		_, err = models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, w.now, acc.ID, acc.Version, models.ActionClose, models.StepInput{Outcome: "lost"})
		if msg := field(err, "outcome"); msg != "referral.outcome_required" {
			t.Errorf("close without outcome: %q", msg)
		}
		_, err = models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, w.now, acc.ID, acc.Version, models.ActionFeedback, models.StepInput{})
		if msg := field(err, "comment"); msg == "" {
			t.Error("empty feedback accepted")
		}
		// A partner of another organisation, another establishment's mediator, a coordinator:
		// the referral does not exist for them.
		sent := w.referralIn(t, models.ReferralSent)
		for name, c := range map[string]struct {
			s      models.Scope
			a      models.Actor
			action models.ReferralAction
		}{
			"other organisation": {w.depAgent, w.depActor, models.ActionAcknowledge},
			"other mediator":     {w.scopeB, w.actorA, models.ActionWithdraw},
			"coordinator":        {w.coordinator, w.coordActor, models.ActionAcknowledge},
			"head teacher":       {w.headA, w.headActor, models.ActionWithdraw},
		} {
			if _, err := models.ActOnReferral(w.ctx, db, c.s, c.a, w.now, sent.ID, sent.Version, c.action, models.StepInput{}); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s: %v, want not found", name, err)
			}
			if _, err := models.LoadReferral(w.ctx, db, c.s, w.now, sent.ID); name != "head teacher" && !errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s reads the referral: %v", name, err)
			}
		}
		// A partner never sees a draft, even its own organisation's.
		if _, err := models.LoadReferral(w.ctx, db, w.cafA, w.now, draft.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("partner reads a draft: %v", err)
		}
		if _, err := models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, w.now, draft.ID, draft.Version, models.ActionAcknowledge, models.StepInput{}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("partner acts on a draft: %v", err)
		}
		// A draft's fields are checked; a referral no longer a draft is not edited.
		_, err = models.CreateReferral(w.ctx, db, w.scopeA, w.actorA, w.now, w.pupilA.ID, models.ReferralInput{Reason: "bogus", Request: " "})
		for _, f := range []string{"partner_organisation_id", "reason", "request"} {
			if field(err, f) == "" {
				t.Errorf("draft without %s accepted", f)
			}
		}
		if _, err := models.CreateReferral(w.ctx, db, w.scopeB, w.actorA, w.now, w.pupilA.ID,
			models.ReferralInput{PartnerOrganisationID: w.caf.ID, Reason: models.ReasonHealth, Request: "x"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("draft on another establishment's pupil: %v", err)
		}
		if _, err := models.CreateReferral(w.ctx, db, w.headA, w.headActor, w.now, w.pupilA.ID,
			models.ReferralInput{PartnerOrganisationID: w.caf.ID, Reason: models.ReasonHealth, Request: "x"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("draft by a head teacher: %v", err)
		}
		_, err = models.UpdateReferralDraft(w.ctx, db, w.scopeA, w.actorA, w.now, sent.ID, sent.Version,
			models.ReferralInput{PartnerOrganisationID: w.dep.ID, Reason: models.ReasonHealth, Request: "Autre chose"})
		if msg := field(err, "request"); msg != "referral.not_draft" {
			t.Errorf("edit of a sent referral: %q", msg)
		}
		edited, err := models.UpdateReferralDraft(w.ctx, db, w.scopeA, w.actorA, w.now, draft.ID, draft.Version,
			models.ReferralInput{PartnerOrganisationID: w.dep.ID, Reason: models.ReasonHousing, Request: "Relogement"})
		must(t, err)
		if edited.PartnerOrganisationID != w.dep.ID || edited.Reason != models.ReasonHousing || edited.Version != draft.Version+1 {
			t.Errorf("edited draft: %+v", edited)
		}
		if _, err := models.UpdateReferralDraft(w.ctx, db, w.scopeA, w.actorA, w.now, draft.ID, draft.Version,
			models.ReferralInput{PartnerOrganisationID: w.caf.ID, Reason: models.ReasonHousing, Request: "x"}); !errors.Is(err, models.ErrStale) {
			t.Errorf("edit on a stale version: %v", err)
		}
		// An inactive organisation is not offered to new drafts.
		_, err = models.UpdatePartner(w.ctx, db, w.coordActor, w.now, w.dep.ID, models.PartnerInput{Name: w.dep.Name, Kind: w.dep.Kind,
			ResponseDays: 10, Active: false})
		must(t, err)
		_, err = models.CreateReferral(w.ctx, db, w.scopeA, w.actorA, w.now, w.pupilA.ID,
			models.ReferralInput{PartnerOrganisationID: w.dep.ID, Reason: models.ReasonHealth, Request: "x"})
		if msg := field(err, "partner_organisation_id"); msg != "referral.partner_inactive" {
			t.Errorf("draft to an inactive organisation: %q", msg)
		}
	})
}

// No consent, no referral: a draft without the family's consent is not sent, and says why.
func TestReferralConsent(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		r := w.draft(t, false)
		before := w.snapshot(t, r.ID)
		_, err := models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version, models.ActionSend, models.StepInput{})
		var v models.ValidationError
		if !errors.As(err, &v) || v["action"].Key != models.MsgNoConsent {
			t.Fatalf("send without consent: %v", err)
		}
		if after := w.snapshot(t, r.ID); after.r.Status != models.ReferralDraft || after.transitions != before.transitions || after.r.SentAt != nil {
			t.Error("a refused send changed the referral")
		}
		today := calendar.Today(w.now)
		cases := []struct {
			in    models.ConsentInput
			field string
		}{
			{models.ConsentInput{GivenOn: today, Method: models.ConsentWritten}, "consent_given_by"},
			{models.ConsentInput{GivenBy: "M. Nom", Method: models.ConsentWritten}, "consent_given_on"},
			{models.ConsentInput{GivenBy: "M. Nom", GivenOn: today.AddDate(0, 0, 1), Method: models.ConsentWritten}, "consent_given_on"},
			{models.ConsentInput{GivenBy: "M. Nom", GivenOn: today.AddDate(-2, 0, 0), Method: models.ConsentWritten}, "consent_given_on"},
			{models.ConsentInput{GivenBy: "M. Nom", GivenOn: today, Method: "pigeon"}, "consent_method"},
		}
		for _, c := range cases {
			_, err := models.RecordConsent(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version, c.in)
			if !errors.As(err, &v) || v[c.field].Key == "" {
				t.Errorf("consent %+v: %v, want a message on %s", c.in, err, c.field)
			}
		}
		// Consent given today is not in the future; who gave it is trimmed.
		r, err = models.RecordConsent(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version,
			models.ConsentInput{GivenBy: " Mme Nom, mère ", GivenOn: today, Method: models.ConsentInPerson})
		must(t, err)
		if !r.HasConsent() || r.ConsentGivenBy != "Mme Nom, mère" || r.Status != models.ReferralDraft {
			t.Fatalf("consent stored: %+v", r)
		}
		r = w.step(t, r, w.scopeA, w.actorA, models.ActionSend)
		if r.Status != models.ReferralSent || r.SentAt == nil {
			t.Errorf("sent with consent: %+v", r)
		}
		// Consent is fixed once sent.
		_, err = models.RecordConsent(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version,
			models.ConsentInput{GivenBy: "Autre", GivenOn: today, Method: models.ConsentEmail})
		if !errors.As(err, &v) {
			t.Errorf("consent changed after sending: %v", err)
		}
		// A withdrawn draft never needed consent.
		d := w.draft(t, false)
		if d = w.step(t, d, w.scopeA, w.actorA, models.ActionWithdraw); d.Status != models.ReferralWithdrawn {
			t.Errorf("withdrawn draft: %s", d.Status)
		}
	})
}

// A referral is overdue from the day after its organisation's response time, counted in
// calendar days from the Paris date it was sent on; the lists (SQL) and ReferralOverdue (Go)
// agree, across midnight and the summer-time changes.
func TestReferralOverdue(t *testing.T) {
	t.Parallel()
	paris := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, calendar.Paris)
	}
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		cases := []struct {
			sent      time.Time
			parisDate string
		}{
			{paris(2026, 11, 3, 0, 30), "2026-11-03"},  // 2 November 23:30 UTC
			{paris(2026, 11, 2, 23, 59), "2026-11-02"}, // 22:59 UTC
			{paris(2026, 7, 1, 0, 30), "2026-07-01"},   // summer time: 30 June 22:30 UTC
			{paris(2026, 3, 29, 0, 30), "2026-03-29"},  // the night summer time begins, before
			{paris(2026, 3, 29, 3, 30), "2026-03-29"},  // and after 02:00
			{paris(2026, 10, 25, 0, 30), "2026-10-25"}, // the night it ends, before
			{paris(2026, 10, 25, 4, 0), "2026-10-25"},  // and after 03:00
			{paris(2026, 1, 1, 0, 0), "2026-01-01"},
		}
		for _, c := range cases {
			r := w.draft(t, true)
			r, err := models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, c.sent, r.ID, r.Version, models.ActionSend, models.StepInput{})
			must(t, err)
			day, _ := time.ParseInLocation(time.DateOnly, c.parisDate, calendar.Paris)
			due := models.ReplyDueOn(*r.SentAt, w.caf.ResponseDays)
			if got := due.Format(time.DateOnly); got != day.AddDate(0, 0, 15).Format(time.DateOnly) {
				t.Errorf("sent %s: due %s", c.sent, got)
			}
			for _, k := range []struct {
				now  time.Time
				want bool
			}{
				{day.AddDate(0, 0, 15).Add(23*time.Hour + 59*time.Minute), false}, // the last day, 23:59 in Paris
				{day.AddDate(0, 0, 16), true},                                     // midnight the day after
				{day.AddDate(0, 0, 1), false},
			} {
				if got := models.ReferralOverdue(r.Status, r.SentAt, w.caf.ResponseDays, k.now); got != k.want {
					t.Errorf("sent %s, now %s: ReferralOverdue = %v, want %v", c.sent, k.now, got, k.want)
				}
				list, err := models.ListReferrals(w.ctx, db, w.scopeA, k.now, models.ReferralFilter{})
				must(t, err)
				found := false
				for _, row := range list.Rows {
					if row.ID == r.ID {
						found = true
						if row.Overdue != k.want {
							t.Errorf("sent %s, now %s: list says overdue %v, want %v", c.sent, k.now, row.Overdue, k.want)
						}
					}
				}
				if !found {
					t.Fatalf("referral %d not in the list", r.ID)
				}
				only, err := models.ListReferrals(w.ctx, db, w.scopeA, k.now, models.ReferralFilter{Overdue: true})
				must(t, err)
				in := false
				for _, row := range only.Rows {
					in = in || row.ID == r.ID
				}
				if in != k.want {
					t.Errorf("sent %s, now %s: in the overdue filter %v, want %v", c.sent, k.now, in, k.want)
				}
			}
			// Acknowledged, it is no longer overdue, however late.
			ackAt := day.AddDate(0, 0, 30)
			r, err = models.ActOnReferral(w.ctx, db, w.cafA, w.cafActorA, ackAt, r.ID, r.Version, models.ActionAcknowledge, models.StepInput{})
			must(t, err)
			if models.ReferralOverdue(r.Status, r.SentAt, 15, ackAt) {
				t.Error("an acknowledged referral is overdue")
			}
		}
	})
}

// Two agents of the organisation answering at once leave one consistent state; a double click
// on "send" sends once.
func TestReferralConcurrency(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		for round := range 4 {
			r := w.referralIn(t, models.ReferralAcknowledged)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, c := range []struct {
				s      models.Scope
				a      models.Actor
				action models.ReferralAction
			}{{w.cafA, w.cafActorA, models.ActionAccept}, {w.cafB, w.cafActorB, models.ActionDecline}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = models.ActOnReferral(w.ctx, db, c.s, c.a, w.now, r.ID, r.Version, c.action, models.StepInput{Comment: "Réponse"})
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				var stale *models.StaleError
				switch {
				case err == nil:
					ok++
				case !errors.As(err, &stale) || stale.Message == "":
					t.Errorf("round %d: the losing answer fails with %v, want a stale error with a message", round, err)
				}
			}
			var got models.Referral
			must(t, db.Take(&got, r.ID).Error)
			var answers int64
			dbtest.Must(t, db.Model(&models.ReferralTransition{}).Where("referral_id = ? AND from_status = ?", r.ID, models.ReferralAcknowledged).Count(&answers).Error)
			consistent := (got.Status == models.ReferralAccepted && got.DeclineReason == "") ||
				(got.Status == models.ReferralDeclined && got.DeclineReason == "Réponse")
			if ok != 1 || answers != 1 || got.Version != r.Version+1 || got.AnsweredAt == nil || !consistent {
				t.Errorf("round %d: %d answers went through, %d transitions, %+v", round, ok, answers, got)
			}
		}
		// A double click: the same form twice, at once, then once more.
		r := w.draft(t, true)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version, models.ActionSend, models.StepInput{})
			}()
		}
		wg.Wait()
		_, again := models.ActOnReferral(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version, models.ActionSend, models.StepInput{})
		failed := 0
		for _, err := range append(errs, again) {
			var stale *models.StaleError
			if err == nil {
				continue
			}
			failed++
			if !errors.As(err, &stale) || stale.Message != "referral.already.sent" || stale.Current.(models.Referral).Status != models.ReferralSent {
				t.Errorf("second send: %v", err)
			}
		}
		var sends int64
		dbtest.Must(t, db.Model(&models.ReferralTransition{}).Where("referral_id = ? AND to_status = ?", r.ID, models.ReferralSent).Count(&sends).Error)
		if failed != 2 || sends != 1 {
			t.Errorf("double send: %d refused, %d transitions, want 2 and 1", failed, sends)
		}
	})
}

// The lists: each role sees its referrals, with the related rows joined; the worklist's two
// parts follow their rules.
func TestReferralLists(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		draft := w.draft(t, true)
		sent := w.referralIn(t, models.ReferralSent)
		accepted := w.referralIn(t, models.ReferralAccepted)
		toDep, err := models.CreateReferral(w.ctx, db, w.scopeA, w.actorA, w.now, w.pupilA.ID,
			models.ReferralInput{PartnerOrganisationID: w.dep.ID, Reason: models.ReasonHousing, Request: "Logement"})
		must(t, err)
		toDep, err = models.RecordConsent(w.ctx, db, w.scopeA, w.actorA, w.now, toDep.ID, toDep.Version,
			models.ConsentInput{GivenBy: "Père", GivenOn: calendar.Today(w.now), Method: models.ConsentWritten})
		must(t, err)
		toDep = w.step(t, toDep, w.scopeA, w.actorA, models.ActionSend)
		ids := func(s models.Scope, f models.ReferralFilter) []uint {
			t.Helper()
			list, err := models.ListReferrals(w.ctx, db, s, w.now, f)
			must(t, err)
			if int(list.Total) != len(list.Rows) {
				t.Errorf("total %d, %d rows", list.Total, len(list.Rows))
			}
			var out []uint
			for _, r := range list.Rows {
				out = append(out, r.ID)
				if r.PupilLastName != w.pupilA.LastName || r.EstablishmentName != w.a.Name || r.PartnerName == "" || r.SenderName != w.medA.DisplayName {
					t.Errorf("row lacks its joins: %+v", r)
				}
			}
			return out
		}
		has := func(list []uint, id uint) bool {
			for _, x := range list {
				if x == id {
					return true
				}
			}
			return false
		}
		caf := ids(w.cafA, models.ReferralFilter{})
		if has(caf, draft.ID) || !has(caf, sent.ID) || !has(caf, accepted.ID) || has(caf, toDep.ID) {
			t.Errorf("CAF inbox: %v", caf)
		}
		if got := ids(w.cafA, models.ReferralFilter{Status: models.ReferralAccepted}); len(got) != 1 || got[0] != accepted.ID {
			t.Errorf("CAF inbox, accepted: %v", got)
		}
		if got := ids(w.cafA, models.ReferralFilter{EstablishmentID: w.b.ID}); len(got) != 0 {
			t.Errorf("CAF inbox, establishment B: %v", got)
		}
		if got := ids(w.depAgent, models.ReferralFilter{}); len(got) != 1 || got[0] != toDep.ID {
			t.Errorf("Département inbox: %v", got)
		}
		if got := ids(w.scopeA, models.ReferralFilter{}); len(got) != 4 || !has(got, draft.ID) {
			t.Errorf("mediator A: %v", got)
		}
		if got := ids(w.headA, models.ReferralFilter{}); len(got) != 4 {
			t.Errorf("head teacher A: %v", got)
		}
		for name, s := range map[string]models.Scope{"mediator B": w.scopeB, "coordinator": w.coordinator, "admin": w.admin} {
			if got := ids(s, models.ReferralFilter{}); len(got) != 0 {
				t.Errorf("%s sees %v", name, got)
			}
		}
		es, err := models.ReferralEstablishments(w.ctx, db, w.cafA)
		must(t, err)
		if len(es) != 1 || es[0].ID != w.a.ID {
			t.Errorf("establishments of the CAF inbox: %+v", es)
		}
		rows, err := models.ReferralsOfPupil(w.ctx, db, w.scopeA, w.now, w.pupilA.ID)
		must(t, err)
		if len(rows) != 4 {
			t.Errorf("%d referrals on the file", len(rows))
		}
		d, err := models.LoadReferral(w.ctx, db, w.cafA, w.now, sent.ID)
		must(t, err)
		if d.Pupil.LastName != w.pupilA.LastName || d.Pupil.EstablishmentName != w.a.Name || d.Partner.ID != w.caf.ID ||
			len(d.History) != 2 || d.History[1].ActorName != w.medA.DisplayName || d.Request != requestText {
			t.Errorf("detail: %+v", d)
		}

		// Worklist: the sent one becomes overdue after 15 days; the accepted one was answered.
		later := w.now.AddDate(0, 0, 16)
		overdue, answered, err := models.ReferralsForWorklist(w.ctx, db, w.scopeA, w.medA.ID, later, w.now.Add(-time.Hour))
		must(t, err)
		if len(overdue) != 2 || !has([]uint{overdue[0].ID, overdue[1].ID}, sent.ID) || !overdue[0].Overdue {
			t.Errorf("overdue: %+v", overdue)
		}
		if len(answered) != 1 || answered[0].ID != accepted.ID || !answered[0].LastAnswerAt.Valid {
			t.Errorf("answered: %+v", answered)
		}
		// Nothing answered since the last visit; the partner's feedback counts as an answer.
		_, answered, err = models.ReferralsForWorklist(w.ctx, db, w.scopeA, w.medA.ID, later, w.now.Add(time.Hour))
		must(t, err)
		if len(answered) != 0 {
			t.Errorf("answered since later: %+v", answered)
		}
		w.now = w.now.Add(2 * time.Hour)
		w.step(t, accepted, w.cafB, w.cafActorB, models.ActionFeedback)
		_, answered, err = models.ReferralsForWorklist(w.ctx, db, w.scopeA, w.medA.ID, later, w.now.Add(-time.Minute))
		must(t, err)
		if len(answered) != 1 || answered[0].ID != accepted.ID {
			t.Errorf("answered after feedback: %+v", answered)
		}
		// Another mediator of the establishment, neither sender nor referent, has none of them.
		other, err := models.SaveAccount(w.ctx, db, 0, models.Account{Email: "a2@x.fr", DisplayName: "Collègue A", Role: models.RoleMediator,
			EstablishmentIDs: []uint{w.a.ID}, Active: true}, "h", false)
		must(t, err)
		overdue, answered, err = models.ReferralsForWorklist(w.ctx, db, models.ScopeOf(other), other.ID, later, time.Time{})
		must(t, err)
		if len(overdue)+len(answered) != 0 {
			t.Errorf("a colleague's worklist: %d overdue, %d answered", len(overdue), len(answered))
		}
		// The partner's home and the worklist of other roles are empty of them.
		overdue, answered, err = models.ReferralsForWorklist(w.ctx, db, w.cafA, w.cafA.UserID, later, time.Time{})
		must(t, err)
		if len(overdue)+len(answered) != 0 {
			t.Error("a partner has a referral worklist")
		}
	})
}

func TestPartnerOrganisations(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		var v models.ValidationError
		_, err := models.CreatePartner(w.ctx, db, w.coordActor, w.now, models.PartnerInput{Name: " ", Kind: "bogus",
			ContactEmail: "pas une adresse", ContactPhone: "abc", ResponseDays: 0})
		if !errors.As(err, &v) || len(v) != 5 {
			t.Errorf("bad organisation: %v", err)
		}
		for _, days := range []int{0, 366, -3} {
			_, err := models.CreatePartner(w.ctx, db, w.coordActor, w.now, models.PartnerInput{Name: "PRE", Kind: models.PartnerPRE, ResponseDays: days})
			if !errors.As(err, &v) || v["response_days"].Key == "" {
				t.Errorf("%d response days accepted", days)
			}
		}
		_, err = models.CreatePartner(w.ctx, db, w.coordActor, w.now, models.PartnerInput{Name: "caf  du   NORD", Kind: models.PartnerCAF, ResponseDays: 15})
		if !errors.As(err, &v) || v["name"].Key != "partner.name_taken" {
			t.Errorf("duplicate name: %v", err)
		}
		p, err := models.CreatePartner(w.ctx, db, w.coordActor, w.now, models.PartnerInput{Name: "Mission locale de Lille", Kind: models.PartnerMissionLocale,
			ContactName: "Accueil", ContactEmail: "accueil@ml.fr", ContactPhone: "03 20 00 00 00", ResponseDays: 365, Active: false})
		must(t, err)
		if p.Active || p.ResponseDays != 365 {
			t.Errorf("created: %+v", p)
		}
		p, err = models.UpdatePartner(w.ctx, db, w.coordActor, w.now, p.ID, models.PartnerInput{Name: "Mission locale de Lille", Kind: models.PartnerMissionLocale,
			ResponseDays: 1, Active: true})
		must(t, err)
		if !p.Active || p.ResponseDays != 1 || p.ContactName != "" {
			t.Errorf("updated: %+v", p)
		}
		if _, err := models.UpdatePartner(w.ctx, db, w.coordActor, w.now, p.ID, models.PartnerInput{Name: "CAF du Nord", Kind: models.PartnerCAF, ResponseDays: 5}); !errors.As(err, &v) {
			t.Errorf("rename to an existing name: %v", err)
		}
		if _, err := models.UpdatePartner(w.ctx, db, w.coordActor, w.now, 9999, models.PartnerInput{Name: "X", Kind: models.PartnerCAF, ResponseDays: 5}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("update of a missing organisation: %v", err)
		}
		active, err := models.ActivePartners(w.ctx, db)
		must(t, err)
		if len(active) != 3 {
			t.Errorf("%d active organisations, want 3", len(active))
		}
		var audits int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("record_type = ?", "partner_organisation").Count(&audits).Error)
		if audits != 4 {
			t.Errorf("%d audit events on organisations, want 4", audits)
		}
	})
}

// A long list reads page after page in one order, whatever the scope: overdue referrals first,
// then the most recently sent (a draft by its creation), the highest id first among equals;
// pages neither repeat nor skip a referral, across the boundary between overdue and not.
func TestReferralPagesKeepTheirOrder(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		statuses := []models.ReferralStatus{models.ReferralSent, models.ReferralSent, models.ReferralAcknowledged,
			models.ReferralDraft, models.ReferralClosed, models.ReferralWithdrawn}
		method := models.ConsentPhone
		var rows []models.Referral
		for i := range 130 {
			// Sent from 130 days ago to today, two by two at the same time (ties on the time);
			// the CAF answers in 15 days, so the older half of those still sent is overdue.
			at := w.now.AddDate(0, 0, -(i / 2)).UTC()
			r := models.Referral{PupilID: w.pupilA.ID, PartnerOrganisationID: w.caf.ID, SenderID: w.medA.ID,
				Reason: models.ReasonSocialRights, Request: requestText, Status: statuses[i%len(statuses)],
				ConsentGivenBy: "Mère", ConsentGivenOn: &at, ConsentMethod: &method, Version: 1, CreatedAt: at.Add(-time.Hour), UpdatedAt: at}
			if r.Status != models.ReferralDraft {
				r.SentAt = &at
			}
			rows = append(rows, r)
		}
		must(t, db.CreateInBatches(&rows, 50).Error)
		for _, c := range []struct {
			name  string
			scope models.Scope
		}{{"mediator", w.scopeA}, {"partner", w.cafA}} {
			var want []uint
			all, err := models.ReferralsOfPupil(w.ctx, db, c.scope, w.now, w.pupilA.ID)
			must(t, err)
			sortAsLists(all)
			for _, r := range all {
				want = append(want, r.ID)
			}
			var got []uint
			overdue := 0
			for page := 1; ; page++ {
				list, err := models.ListReferrals(w.ctx, db, c.scope, w.now, models.ReferralFilter{Page: page})
				must(t, err)
				if int(list.Total) != len(want) {
					t.Fatalf("%s: total %d, want %d", c.name, list.Total, len(want))
				}
				if len(list.Rows) == 0 {
					break
				}
				for _, r := range list.Rows {
					got = append(got, r.ID)
					if r.Overdue {
						overdue++
					}
				}
			}
			if overdue < 10 || overdue > len(want)-models.ReferralsPerPage {
				t.Fatalf("%s: %d overdue referrals of %d: the pages do not cross from overdue to not", c.name, overdue, len(want))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: pages read\n%v\nwant\n%v", c.name, got, want)
			}
		}
	})
}

// TestReferralEstablishmentsOfEachScope: the inbox's establishment filter lists the
// establishments its reader's referrals come from, and no other: a partner's are those of the
// referrals sent to its organisation (a draft to it does not count, a referral sent to another
// organisation neither); an establishment role's, its own that have referrals.
func TestReferralEstablishmentsOfEachScope(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		c := models.Establishment{UAI: "0590002G", Name: "Collège C", Type: models.TypeCollege, Sector: models.SectorPublic,
			Commune: "Tourcoing", PostalCode: "59200", PriorityEducation: models.PriorityNone, Active: true}
		must(t, db.Create(&c).Error)
		w.referralIn(t, models.ReferralSent) // A → CAF
		idB := w.medB.ID
		actorB := models.Actor{UserID: &idB, Email: w.medB.Email}
		pupilB, err := models.CreatePupil(w.ctx, db, w.scopeB, actorB, w.now, models.PupilInput{EstablishmentID: w.b.ID,
			LastName: "Nom B", FirstName: "Prénom", BirthDate: time.Date(2013, 4, 2, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level4e}, nil)
		must(t, err)
		refer := func(partner uint, send bool) {
			t.Helper()
			r, err := models.CreateReferral(w.ctx, db, w.scopeB, actorB, w.now, pupilB.ID,
				models.ReferralInput{PartnerOrganisationID: partner, Reason: models.ReasonSocialRights, Request: requestText})
			must(t, err)
			if !send {
				return
			}
			r, err = models.RecordConsent(w.ctx, db, w.scopeB, actorB, w.now, r.ID, r.Version,
				models.ConsentInput{GivenBy: "Mère", GivenOn: calendar.Today(w.now), Method: models.ConsentWritten})
			must(t, err)
			w.step(t, r, w.scopeB, actorB, models.ActionSend)
		}
		refer(w.caf.ID, false) // B → CAF, a draft
		refer(w.dep.ID, true)  // B → Département
		for _, c := range []struct {
			name string
			s    models.Scope
			want []string
		}{
			{"CAF", w.cafA, []string{w.a.Name}},
			{"Département", w.depAgent, []string{w.b.Name}},
			{"mediator A", w.scopeA, []string{w.a.Name}},
			{"head teacher A", w.headA, []string{w.a.Name}},
			{"mediator B", w.scopeB, []string{w.b.Name}},
			{"coordinator", w.coordinator, nil},
			{"partner without an organisation", models.Scope{Role: models.RolePartner}, nil},
		} {
			es, err := models.ReferralEstablishments(w.ctx, db, c.s)
			must(t, err)
			var names []string
			for _, e := range es {
				names = append(names, e.Name)
			}
			if !reflect.DeepEqual(names, c.want) {
				t.Errorf("%s: establishments %v, want %v", c.name, names, c.want)
			}
		}
	})
}
