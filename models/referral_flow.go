package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// ReferralAction is a step someone takes on a referral. Every action but feedback moves the
// referral to another status; see referralMachine.
type ReferralAction string

// The referral actions.
const (
	ActionSend        ReferralAction = "send"
	ActionWithdraw    ReferralAction = "withdraw"
	ActionAcknowledge ReferralAction = "acknowledge"
	ActionAccept      ReferralAction = "accept"
	ActionDecline     ReferralAction = "decline"
	ActionClose       ReferralAction = "close"
	ActionFeedback    ReferralAction = "feedback"
)

// ReferralActions lists the actions in the order the interface offers them.
var ReferralActions = []ReferralAction{ActionSend, ActionWithdraw, ActionAcknowledge, ActionAccept, ActionDecline,
	ActionClose, ActionFeedback}

// Valid tells whether a is one of ReferralActions.
func (a ReferralAction) Valid() bool { return oneOf(a, ReferralActions) }

// referralMove is a row key of the state machine: from a status, an action by a role.
type referralMove struct {
	from   ReferralStatus
	action ReferralAction
	role   Role
}

// referralMachine is the referral lifecycle of DESIGN.md, and the whole of it: a move that is
// not in this table is refused. The mediators of the pupil's establishment (the sender's side)
// send and withdraw; the agents of the addressed organisation answer.
//
//   - A referral is withdrawn by the sender's side as long as the partner has not answered
//     (draft, sent, acknowledged); once accepted or declined, the partner closes it with an
//     outcome (family_declined when the family changed its mind).
//   - A partner accepts or declines only what it has acknowledged: the acknowledgement is the
//     date the reply time is measured to.
//   - A declined referral may be closed, by the partner only, with an outcome (not_eligible,
//     usually), so that every answered referral can end with an outcome in the partner report.
//   - Feedback is written by the partner on an acknowledged, accepted or declined referral; it
//     does not change the status and is recorded as a transition from the status to itself.
//   - Closed and withdrawn are final.
//
// Head teachers read referrals and never act on them; coordinators and administrators do not
// see them at all.
var referralMachine = map[referralMove]ReferralStatus{
	{ReferralDraft, ActionSend, RoleMediator}:            ReferralSent,
	{ReferralDraft, ActionWithdraw, RoleMediator}:        ReferralWithdrawn,
	{ReferralSent, ActionWithdraw, RoleMediator}:         ReferralWithdrawn,
	{ReferralAcknowledged, ActionWithdraw, RoleMediator}: ReferralWithdrawn,
	{ReferralSent, ActionAcknowledge, RolePartner}:       ReferralAcknowledged,
	{ReferralAcknowledged, ActionAccept, RolePartner}:    ReferralAccepted,
	{ReferralAcknowledged, ActionDecline, RolePartner}:   ReferralDeclined,
	{ReferralAccepted, ActionClose, RolePartner}:         ReferralClosed,
	{ReferralDeclined, ActionClose, RolePartner}:         ReferralClosed,
	{ReferralAcknowledged, ActionFeedback, RolePartner}:  ReferralAcknowledged,
	{ReferralAccepted, ActionFeedback, RolePartner}:      ReferralAccepted,
	{ReferralDeclined, ActionFeedback, RolePartner}:      ReferralDeclined,
}

// NextReferralStatus tells where a referral in status from goes when role takes action, and
// whether the move is allowed at all.
func NextReferralStatus(from ReferralStatus, action ReferralAction, role Role) (ReferralStatus, bool) {
	to, ok := referralMachine[referralMove{from, action, role}]
	return to, ok
}

// ReferralActionsFor lists the actions role may take on a referral in status, in the order of
// ReferralActions.
func ReferralActionsFor(status ReferralStatus, role Role) []ReferralAction {
	var out []ReferralAction
	for _, a := range ReferralActions {
		if _, ok := NextReferralStatus(status, a, role); ok {
			out = append(out, a)
		}
	}
	return out
}

// takesReferralAction tells whether role takes action from some status: an action a role never
// takes (a partner sending, a head teacher accepting) is answered as not found, like its route.
func takesReferralAction(action ReferralAction, role Role) bool {
	for m := range referralMachine {
		if m.action == action && m.role == role {
			return true
		}
	}
	return false
}

// referralNotAllowed says, per action, from which statuses it may be taken: the message of a move
// refused because of the referral's current status.
var referralNotAllowed = map[ReferralAction]string{
	ActionSend:        "referral.send_not_draft",
	ActionWithdraw:    "referral.withdraw_after_answer",
	ActionAcknowledge: "referral.acknowledge_not_sent",
	ActionAccept:      "referral.accept_not_acknowledged",
	ActionDecline:     "referral.decline_not_acknowledged",
	ActionClose:       "referral.close_not_answered",
	ActionFeedback:    "referral.feedback_not_allowed",
}

// referralAlreadyDone is the message of a second identical step (a double click): the first one
// went through, the second changes nothing.
var referralAlreadyDone = map[ReferralAction]string{
	ActionSend:        "referral.already.sent",
	ActionWithdraw:    "referral.already.withdrawn",
	ActionAcknowledge: "referral.already.acknowledged",
	ActionAccept:      "referral.already.accepted",
	ActionDecline:     "referral.already.declined",
	ActionClose:       "referral.already.closed",
}

// MsgNoConsent is why a referral without the family's consent cannot be sent.
const MsgNoConsent = "referral.no_consent"

// msgReferralChanged refuses a step based on a page shown before someone else acted.
const msgReferralChanged = "referral.changed_meanwhile"

// staleReferral refuses a change based on another version than current's: someone acted in
// between (msgReferralChanged), or the same step was sent twice, when the referral already
// stands where action leads (a double click: referralAlreadyDone says so).
func staleReferral(ctx context.Context, tx *gorm.DB, current Referral, action ReferralAction, role Role) error {
	message := msgReferralChanged
	if msg, ok := referralAlreadyDone[action]; ok {
		for m, to := range referralMachine {
			if m.action == action && m.role == role && to == current.Status {
				message = msg
			}
		}
	}
	return staleError(ctx, tx, "referral", current.ID, current.Version, current, message)
}

// HasConsent tells whether the family's consent is recorded in full: who, when and how.
func (r Referral) HasConsent() bool {
	return strings.TrimSpace(r.ConsentGivenBy) != "" && r.ConsentGivenOn != nil && r.ConsentMethod != nil && r.ConsentMethod.Valid()
}

// ReferralInput is a draft as the mediator's form gives it.
type ReferralInput struct {
	PartnerOrganisationID uint
	Reason                ReferralReason
	Request               string
}

// MaxReferralRequest bounds what is asked of a partner: a few paragraphs.
const MaxReferralRequest = 4000

func (in *ReferralInput) validate() ValidationError {
	in.Request = strings.TrimSpace(in.Request)
	v := ValidationError{}
	if in.PartnerOrganisationID == 0 {
		v.Add("partner_organisation_id", "referral.partner_required")
	}
	if !in.Reason.Valid() {
		v.Add("reason", "referral.reason_required")
	}
	switch {
	case in.Request == "":
		v.Add("request", "referral.request_required")
	case len([]rune(in.Request)) > MaxReferralRequest:
		v.Put("request", TooLong(4_000))
	}
	return v
}

// checkPartner verifies that the organisation exists and is active.
func (in ReferralInput) checkPartner(tx *gorm.DB, v ValidationError) error {
	if in.PartnerOrganisationID == 0 {
		return nil
	}
	var p PartnerOrganisation
	err := tx.Take(&p, in.PartnerOrganisationID).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		v.Add("partner_organisation_id", "referral.partner_required")
	case err != nil:
		return err
	case !p.Active:
		v.Add("partner_organisation_id", "referral.partner_inactive")
	}
	return nil
}

// CreateReferral drafts a referral of a pupil of the scope to a partner organisation. Only a
// mediator drafts; the draft reaches nobody until it is sent with the family's consent. The
// draft's creation is the first step of its history ("" → draft).
func CreateReferral(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID uint, in ReferralInput) (Referral, error) {
	v := in.validate()
	var r Referral
	if s.Role != RoleMediator {
		return r, ErrNotFound
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := pupilInScope(ctx, tx, s, pupilID)
		if err != nil {
			return err
		}
		if p.Status == StatusClosed {
			v.Add("partner_organisation_id", "referral.pupil_closed")
		}
		if err := in.checkPartner(tx, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		r = Referral{PupilID: pupilID, PartnerOrganisationID: in.PartnerOrganisationID, SenderID: *actor.UserID,
			Reason: in.Reason, Request: in.Request, Status: ReferralDraft, Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		step := ReferralTransition{ReferralID: r.ID, ToStatus: ReferralDraft, ActorID: actor.UserID, At: now.UTC()}
		if err := tx.Create(&step).Error; err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, pupilID, AuditCreated, "referral", fmt.Sprint(r.ID),
			fmt.Sprintf("pupil %d, partner %d, reason %s", pupilID, in.PartnerOrganisationID, in.Reason))
	})
	return r, wrapEdit(err, "create referral")
}

// referralInScope loads a referral the scope may read, on a pupil file still in use, or
// ErrNotFound.
func referralInScope(ctx context.Context, db *gorm.DB, s Scope, id uint) (Referral, error) {
	var r Referral
	err := s.ReferralsJoined(db.WithContext(ctx).Model(&Referral{})).
		Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
		Where("referrals.id = ? AND pupils.anonymised_at IS NULL", id).
		Select("referrals.*").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("models: load referral %d: %w", id, err)
	}
	return r, nil
}

// referralDraftInScope loads a referral a mediator of the scope may edit: a draft. Anyone but a
// mediator does not find it; a referral no longer a draft is refused with a message.
func referralDraftInScope(ctx context.Context, tx *gorm.DB, s Scope, id uint, version int, field string) (Referral, error) {
	if s.Role != RoleMediator {
		return Referral{}, ErrNotFound
	}
	r, err := referralInScope(ctx, tx, s, id)
	if err != nil {
		return r, err
	}
	if r.Version != version {
		return r, staleError(ctx, tx, "referral", r.ID, r.Version, r, msgReferralChanged)
	}
	if r.Status != ReferralDraft {
		return r, ValidationError{field: Msg("referral.not_draft")}
	}
	return r, nil
}

// saveReferralDraft writes changes to a draft if it is still the given version and a draft.
func saveReferralDraft(tx *gorm.DB, current Referral, version int, now time.Time, changes map[string]any) error {
	changes["version"], changes["updated_at"] = version+1, now.UTC()
	res := tx.Model(&Referral{}).Where("id = ? AND version = ? AND status = ?", current.ID, version, ReferralDraft).Updates(changes)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return staleError(tx.Statement.Context, tx, "referral", current.ID, current.Version, current, msgReferralChanged)
	}
	return nil
}

// UpdateReferralDraft changes the organisation, reason and request of a draft, if version is
// still the current one.
func UpdateReferralDraft(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in ReferralInput) (Referral, error) {
	v := in.validate()
	var updated Referral
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := referralDraftInScope(ctx, tx, s, id, version, "request")
		if err != nil {
			return err
		}
		if err := in.checkPartner(tx, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		var changed []string
		if current.PartnerOrganisationID != in.PartnerOrganisationID {
			changed = append(changed, "partner")
		}
		if current.Reason != in.Reason {
			changed = append(changed, "reason")
		}
		if current.Request != in.Request {
			changed = append(changed, "request")
		}
		err = saveReferralDraft(tx, current, version, now, map[string]any{"partner_organisation_id": in.PartnerOrganisationID,
			"reason": in.Reason, "request": in.Request})
		if err != nil {
			return err
		}
		if updated, err = referralInScope(ctx, tx, s, id); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "referral", fmt.Sprint(id), "draft: "+strings.Join(changed, ", "))
	})
	return updated, wrapEdit(err, "update referral draft")
}

// ConsentInput is the family's consent as the mediator records it.
type ConsentInput struct {
	GivenBy string
	GivenOn time.Time
	Method  ConsentMethod
}

func (in *ConsentInput) validate(now time.Time) ValidationError {
	in.GivenBy = strings.TrimSpace(in.GivenBy)
	v := ValidationError{}
	switch {
	case in.GivenBy == "":
		v.Add("consent_given_by", "referral.consent_given_by_required")
	case len([]rune(in.GivenBy)) > 200:
		v.Put("consent_given_by", TooLong(200))
	}
	today := calendar.Today(now)
	switch {
	case in.GivenOn.IsZero():
		v.Add("consent_given_on", "referral.consent_date_required")
	case in.GivenOn.After(today):
		v.Add("consent_given_on", "referral.consent_date_future")
	case in.GivenOn.Before(today.AddDate(-1, 0, 0)):
		v.Add("consent_given_on", "referral.consent_too_old")
	}
	if !in.Method.Valid() {
		v.Add("consent_method", "referral.consent_method_required")
	}
	return v
}

// RecordConsent records (or corrects) the family's consent on a draft: who gave it, on which
// day (not in the future), and how. Only then may the draft be sent.
func RecordConsent(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in ConsentInput) (Referral, error) {
	v := in.validate(now)
	var updated Referral
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := referralDraftInScope(ctx, tx, s, id, version, "consent_given_by")
		if err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		on := calendar.Date(in.GivenOn)
		err = saveReferralDraft(tx, current, version, now, map[string]any{"consent_given_by": in.GivenBy, "consent_given_on": on,
			"consent_method": in.Method})
		if err != nil {
			return err
		}
		if updated, err = referralInScope(ctx, tx, s, id); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "referral", fmt.Sprint(id), "consent recorded: "+string(in.Method))
	})
	return updated, wrapEdit(err, "record consent")
}

// StepInput is what an action carries besides itself: a comment (the decline reason when
// declining, the feedback text for feedback, optional otherwise) and, to close, the outcome.
type StepInput struct {
	Comment string
	Outcome ReferralOutcome
}

// MaxStepComment bounds a transition's comment, as the column does.
const MaxStepComment = 1000

func (in *StepInput) validate(action ReferralAction) ValidationError {
	in.Comment = strings.TrimSpace(in.Comment)
	v := ValidationError{}
	switch {
	case len([]rune(in.Comment)) > MaxStepComment:
		v.Put("comment", TooLong(1_000))
	case action == ActionDecline && in.Comment == "":
		v.Add("comment", "referral.decline_reason_required")
	case action == ActionFeedback && in.Comment == "":
		v.Add("comment", "referral.feedback_required")
	}
	if action == ActionClose && !in.Outcome.Valid() {
		v.Add("outcome", "referral.outcome_required")
	}
	return v
}

// ActOnReferral takes one step of the lifecycle: role (the scope's) takes action on referral id
// as shown at version. The move must be in the state machine; sending needs the family's
// consent. The step bumps the version with a conditional UPDATE (id, version and status), sets
// the step's timestamp, and is recorded as a dated, attributed transition and in the audit log,
// all in one transaction: of two identical or concurrent steps on one version, one goes
// through and the other gets a *StaleError that says why, and changes nothing.
//
// A referral outside the scope, or an action the role never takes, is ErrNotFound; a move not
// allowed from the current status, a missing reason, outcome or consent is a ValidationError
// on the field "action" (or the field at fault).
func ActOnReferral(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int,
	action ReferralAction, in StepInput) (Referral, error) {
	var updated Referral
	if !takesReferralAction(action, s.Role) {
		return updated, ErrNotFound
	}
	v := in.validate(action)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := referralInScope(ctx, tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleReferral(ctx, tx, current, action, s.Role)
		}
		to, ok := NextReferralStatus(current.Status, action, s.Role)
		if !ok {
			return ValidationError{"action": Msg(referralNotAllowed[action])}
		}
		if action == ActionSend && !current.HasConsent() {
			return ValidationError{"action": Msg(MsgNoConsent)}
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		at := now.UTC()
		changes := map[string]any{"status": to, "version": version + 1, "updated_at": at}
		switch action {
		case ActionSend:
			changes["sent_at"] = at
		case ActionWithdraw:
			changes["withdrawn_at"] = at
		case ActionAcknowledge:
			changes["acknowledged_at"] = at
		case ActionAccept:
			changes["answered_at"] = at
		case ActionDecline:
			changes["answered_at"], changes["decline_reason"] = at, in.Comment
		case ActionClose:
			changes["closed_at"], changes["outcome"] = at, in.Outcome
		}
		// The partner's word to the mediator: the latest feedback, or what came with an answer.
		if s.Role == RolePartner && action != ActionDecline && in.Comment != "" {
			changes["feedback"] = in.Comment
		}
		res := tx.Model(&Referral{}).Where("id = ? AND version = ? AND status = ?", id, version, current.Status).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := referralInScope(ctx, tx, s, id)
			if err != nil {
				return err
			}
			return staleReferral(ctx, tx, latest, action, s.Role)
		}
		step := ReferralTransition{ReferralID: id, FromStatus: current.Status, ToStatus: to, ActorID: actor.UserID, At: at,
			Comment: in.Comment}
		if err := tx.Create(&step).Error; err != nil {
			return err
		}
		if updated, err = referralInScope(ctx, tx, s, id); err != nil {
			return err
		}
		if err := notifyReferralStep(tx, now, actor, updated, action); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, updated.PupilID, AuditChanged, "referral", fmt.Sprint(id),
			fmt.Sprintf("%s: %s → %s", action, current.Status, to))
	})
	return updated, wrapEdit(err, string(action)+" referral")
}
