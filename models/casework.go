package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models/calendar"
)

// IndicatorInput is one month of a pupil's indicators as a form gives it. A field left empty
// is nil: "not entered", stored as NULL and ignored by the risk rules, never a zero.
type IndicatorInput struct {
	Month               calendar.Month
	UnjustifiedHalfDays *int
	JustifiedHalfDays   *int
	SchoolHalfDays      *int
	TemporaryExclusions *int
	Incidents           *int
	TermAverage         *float64
}

// Empty says whether no figure at all was entered: such a month would record nothing.
func (in IndicatorInput) Empty() bool {
	return in.UnjustifiedHalfDays == nil && in.JustifiedHalfDays == nil && in.SchoolHalfDays == nil &&
		in.TemporaryExclusions == nil && in.Incidents == nil && in.TermAverage == nil
}

// Validate checks a month of indicators, in French, field by field: the form and the importer
// share it.
func (in IndicatorInput) Validate(now time.Time) ValidationError {
	v := ValidationError{}
	if _, err := calendar.ParseMonth(string(in.Month)); err != nil {
		v.Add("month", "indicator.month_invalid")
		return v
	}
	if in.Month > calendar.MonthOf(now) {
		v.Add("month", "indicator.month_future")
	}
	if in.Month < calendar.MonthOf(now.AddDate(-5, 0, 0)) {
		v.Add("month", "indicator.month_too_old")
	}
	if in.Empty() {
		v.Add("indicators", "indicator.nothing_entered")
		return v
	}
	limit := in.Month.MaxHalfDays()
	if in.SchoolHalfDays != nil {
		switch {
		case *in.SchoolHalfDays < 1:
			v.Add("school_half_days", "indicator.school_half_days_positive")
		case *in.SchoolHalfDays > limit:
			v.Add("school_half_days", "indicator.school_half_days_max", "Max", limit)
		default:
			limit = *in.SchoolHalfDays
		}
	}
	for field, n := range map[string]*int{"unjustified_half_days": in.UnjustifiedHalfDays, "justified_half_days": in.JustifiedHalfDays,
		"temporary_exclusions": in.TemporaryExclusions, "incidents": in.Incidents} {
		if n != nil && *n < 0 {
			v.Add(field, "field.non_negative_expected")
		}
	}
	unjustified, justified := countOf(in.UnjustifiedHalfDays), countOf(in.JustifiedHalfDays)
	switch {
	case unjustified > limit:
		v.Add("unjustified_half_days", "indicator.unjustified_over_school", "Value", unjustified, "Max", limit)
	case justified > limit: // before the sum, which a huge figure overflows
		v.Add("justified_half_days", "indicator.justified_over_school", "Value", justified, "Max", limit)
	case unjustified+justified > limit:
		v.Add("justified_half_days", "indicator.absences_over_school", "Value", unjustified+justified, "Max", limit)
	}
	if countOf(in.TemporaryExclusions) > 31 {
		v.Add("temporary_exclusions", "indicator.exclusions_implausible")
	}
	if countOf(in.Incidents) > 200 {
		v.Add("incidents", "indicator.incidents_implausible")
	}
	if in.TermAverage != nil && !(*in.TermAverage >= 0 && *in.TermAverage <= 20) { // NaN too
		v.Add("term_average", "indicator.average_range")
	}
	return v
}

// countOf is a count as the checks read it: one not entered is none.
func countOf(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// SaveIndicators records a month of indicators of a file of the scope, then recomputes the
// pupil's risk level, in one transaction. For a month already recorded, the figures entered
// replace the stored ones and a field left empty keeps its stored value: entering the term
// average later in the month never erases the absences entered before.
func SaveIndicators(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID uint, in IndicatorInput) error {
	if err := in.Validate(now).OrNil(); err != nil {
		return err
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := pupilInScope(ctx, tx, s, pupilID); err != nil {
			return err
		}
		row := MonthlyIndicator{PupilID: pupilID, Month: in.Month, UnjustifiedHalfDays: in.UnjustifiedHalfDays,
			JustifiedHalfDays: in.JustifiedHalfDays, SchoolHalfDays: in.SchoolHalfDays, TemporaryExclusions: in.TemporaryExclusions,
			Incidents: in.Incidents, TermAverage: in.TermAverage, Source: SourceManual, UpdatedByID: actor.UserID,
			CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		set := clause.AssignmentColumns([]string{"source", "updated_by_id", "updated_at"})
		for _, col := range []string{"unjustified_half_days", "justified_half_days", "school_half_days", "temporary_exclusions", "incidents", "term_average"} {
			set = append(set, clause.Assignment{Column: clause.Column{Name: col},
				Value: gorm.Expr(fmt.Sprintf("COALESCE(excluded.%s, monthly_indicators.%s)", col, col))})
		}
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "pupil_id"}, {Name: "month"}}, DoUpdates: set}).
			Create(&row).Error
		if err != nil {
			return err
		}
		rules, err := LoadRiskRules(ctx, tx)
		if err != nil {
			return err
		}
		if err := RecomputeRisk(ctx, tx, rules, calendar.MonthOf(now), pupilID); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, pupilID, AuditChanged, "pupil", fmt.Sprint(pupilID), "indicators "+string(in.Month))
	})
	return wrapEdit(err, "save indicators")
}

// ActionInput is a next action as a form gives it; an empty description means none.
type ActionInput struct {
	Description string
	DueOn       time.Time
	OwnerUserID *uint
	OwnerLabel  string
}

// FollowUpInput is a follow-up as a form gives it, with an optional next action.
type FollowUpInput struct {
	OccurredOn      time.Time
	Kind            FollowUpKind
	DurationMinutes int
	Note            string
	Restricted      bool
	Action          ActionInput
}

// MaxFollowUpMinutes bounds a follow-up's duration: more than a working day is a typing error.
const MaxFollowUpMinutes = 720

func (in *FollowUpInput) validate(now time.Time) ValidationError {
	v := ValidationError{}
	today := calendar.Today(now)
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.OccurredOn.IsZero():
		v.Add("occurred_on", "field.date_required")
	case in.OccurredOn.After(today):
		v.Add("occurred_on", "followup.date_future")
	case in.OccurredOn.Before(today.AddDate(-1, 0, 0)):
		v.Add("occurred_on", "followup.date_too_old")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "followup.kind_required")
	}
	if in.DurationMinutes < 0 || in.DurationMinutes > MaxFollowUpMinutes {
		v.Add("duration_minutes", "followup.duration_range")
	}
	if len([]rune(in.Note)) > 10000 {
		v.Put("note", TooLong(10_000))
	}
	in.Action.validate(in.OccurredOn, v)
	return v
}

func (a *ActionInput) validate(from time.Time, v ValidationError) {
	a.Description = strings.TrimSpace(a.Description)
	a.OwnerLabel = strings.TrimSpace(a.OwnerLabel)
	if a.Description == "" {
		if !a.DueOn.IsZero() {
			v.Add("action_description", "followup.next_action_required")
		}
		return
	}
	if len([]rune(a.Description)) > 500 {
		v.Put("action_description", TooLong(500))
	}
	switch {
	case a.DueOn.IsZero():
		v.Add("action_due_on", "followup.next_action_due_required")
	case !from.IsZero() && a.DueOn.Before(from):
		v.Add("action_due_on", "followup.due_before_date")
	case !from.IsZero() && a.DueOn.After(from.AddDate(1, 0, 0)):
		v.Add("action_due_on", "followup.due_too_far")
	}
	if len([]rune(a.OwnerLabel)) > 100 {
		v.Put("action_owner_label", TooLong(100))
	}
}

// checkOwner verifies that an account named as owner is an active mediator of the pupil's
// establishment.
func (a ActionInput) checkOwner(tx *gorm.DB, establishmentID uint, v ValidationError) error {
	if a.Description == "" || a.OwnerUserID == nil {
		return nil
	}
	var n int64
	err := tx.Table("users").Joins("JOIN user_establishments ue ON ue.user_id = users.id").
		Where("users.id = ? AND users.active = ? AND users.role = ? AND ue.establishment_id = ?",
			*a.OwnerUserID, true, RoleMediator, establishmentID).Count(&n).Error
	if err != nil {
		return err
	}
	if n == 0 {
		v.Add("action_owner", "followup.owner_not_mediator")
	}
	return nil
}

// CreateFollowUp logs a follow-up on a file of the scope, with its next action if any, in one
// transaction. The action is the author's unless another mediator or a label is named.
func CreateFollowUp(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID uint, in FollowUpInput) (FollowUp, error) {
	v := in.validate(now)
	var fu FollowUp
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := pupilInScope(ctx, tx, s, pupilID)
		if err != nil {
			return err
		}
		if err := in.Action.checkOwner(tx, p.EstablishmentID, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		fu = FollowUp{PupilID: pupilID, AuthorID: *actor.UserID, OccurredOn: calendar.Date(in.OccurredOn), Kind: in.Kind,
			DurationMinutes: in.DurationMinutes, Note: in.Note, Restricted: in.Restricted && s.SeesRestrictedNotes(), Version: 1}
		if err := tx.Create(&fu).Error; err != nil {
			return err
		}
		if in.Action.Description != "" {
			a := NextAction{PupilID: pupilID, FollowUpID: &fu.ID, Description: in.Action.Description, DueOn: calendar.Date(in.Action.DueOn),
				OwnerUserID: in.Action.OwnerUserID, OwnerLabel: in.Action.OwnerLabel, CreatedByID: actor.UserID}
			if a.OwnerUserID == nil && a.OwnerLabel == "" {
				a.OwnerUserID = actor.UserID
			}
			if err := tx.Create(&a).Error; err != nil {
				return err
			}
			if err := notifyActionOwner(tx, now, actor, a); err != nil {
				return err
			}
		}
		return RecordFileAudit(ctx, tx, now, actor, pupilID, AuditCreated, "follow_up", fmt.Sprint(fu.ID), fmt.Sprintf("pupil %d", pupilID))
	})
	return fu, wrapEdit(err, "create follow-up")
}

// FollowUpOf loads a follow-up its author may edit: within the scope and written by actorID.
// Anything else is not found.
func FollowUpOf(ctx context.Context, db *gorm.DB, s Scope, actorID, id uint) (FollowUp, error) {
	var fu FollowUp
	err := db.WithContext(ctx).Where("follow_ups.id = ? AND follow_ups.author_id = ?", id, actorID).
		Where("follow_ups.pupil_id IN (?)", s.Pupils(db.Session(&gorm.Session{NewDB: true}).Table("pupils").Select("pupils.id")).
			Where("pupils.anonymised_at IS NULL")).
		Take(&fu).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fu, ErrNotFound
	}
	if err != nil {
		return fu, fmt.Errorf("models: load follow-up %d: %w", id, err)
	}
	return fu, nil
}

// msgFollowUpChanged refuses a change based on a follow-up shown before it was changed.
const msgFollowUpChanged = "followup.changed_meanwhile"

// UpdateFollowUp lets the author correct a follow-up if version is still the current one;
// otherwise it changes nothing and returns a *StaleError with the current follow-up (the same
// author in another tab, whose text would be silently overwritten).
func UpdateFollowUp(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in FollowUpInput) (FollowUp, error) {
	in.Action = ActionInput{}
	v := in.validate(now)
	var fu FollowUp
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if fu, err = FollowUpOf(ctx, tx, s, *actor.UserID, id); err != nil {
			return err
		}
		if fu.Version != version {
			return staleError(ctx, tx, "follow_up", fu.ID, fu.Version, fu, msgFollowUpChanged)
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		fu.OccurredOn, fu.Kind, fu.DurationMinutes, fu.Note = calendar.Date(in.OccurredOn), in.Kind, in.DurationMinutes, in.Note
		fu.Restricted = in.Restricted && s.SeesRestrictedNotes()
		fu.Version, fu.UpdatedAt = version+1, now.UTC()
		res := tx.Model(&FollowUp{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"occurred_on": fu.OccurredOn, "kind": fu.Kind, "duration_minutes": fu.DurationMinutes, "note": fu.Note,
			"restricted": fu.Restricted, "version": fu.Version, "updated_at": fu.UpdatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := FollowUpOf(ctx, tx, s, *actor.UserID, id)
			if err != nil {
				return err
			}
			return staleError(ctx, tx, "follow_up", latest.ID, latest.Version, latest, msgFollowUpChanged)
		}
		return RecordFileAudit(ctx, tx, now, actor, fu.PupilID, AuditChanged, "follow_up", fmt.Sprint(id), fmt.Sprintf("pupil %d", fu.PupilID))
	})
	return fu, wrapEdit(err, "update follow-up")
}

// DeleteFollowUp lets the author delete a follow-up and its next actions; the deletion is in
// the audit log, without the note.
func DeleteFollowUp(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint) (uint, error) {
	var pupilID uint
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fu, err := FollowUpOf(ctx, tx, s, *actor.UserID, id)
		if err != nil {
			return err
		}
		pupilID = fu.PupilID
		if err := tx.Where("follow_up_id = ?", id).Delete(&NextAction{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&FollowUp{}, id).Error; err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, fu.PupilID, AuditDeleted, "follow_up", fmt.Sprint(id),
			fmt.Sprintf("pupil %d, %s of %s", fu.PupilID, fu.Kind, fu.OccurredOn.Format(time.DateOnly)))
	})
	return pupilID, wrapEdit(err, "delete follow-up")
}

// CompleteAction marks a next action of a file of the scope as done and returns its pupil.
func CompleteAction(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint) (uint, error) {
	var a NextAction
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if a, err = actionInScope(tx, s, id, "next_actions.done_at IS NULL"); err != nil {
			return err
		}
		if err := tx.Model(&NextAction{}).Where("id = ?", id).Updates(map[string]any{"done_at": now.UTC(), "updated_at": now.UTC()}).Error; err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, a.PupilID, AuditChanged, "pupil", fmt.Sprint(a.PupilID), fmt.Sprintf("action %d done", id))
	})
	return a.PupilID, wrapEdit(err, "complete action")
}

// ActionUndoWindow is how long an action marked done may be taken back with "Annuler".
const ActionUndoWindow = 10 * time.Minute

// ErrUndoTooLate refuses to reopen an action done more than ActionUndoWindow ago.
var ErrUndoTooLate = errors.New("models: action done too long ago to undo")

// ReopenAction takes back the completion of an action of a file of the scope, done less than
// ActionUndoWindow ago, and returns its pupil. An action done earlier is ErrUndoTooLate (its
// pupil is returned, so that the page can go back to it); one not done, or outside the scope,
// is not found.
func ReopenAction(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint) (uint, error) {
	var a NextAction
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if a, err = actionInScope(tx, s, id, "next_actions.done_at IS NOT NULL"); err != nil {
			return err
		}
		if now.Sub(*a.DoneAt) > ActionUndoWindow {
			return ErrUndoTooLate
		}
		if err := tx.Model(&NextAction{}).Where("id = ?", id).Updates(map[string]any{"done_at": nil, "updated_at": now.UTC()}).Error; err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, a.PupilID, AuditChanged, "pupil", fmt.Sprint(a.PupilID), fmt.Sprintf("action %d reopened", id))
	})
	if errors.Is(err, ErrUndoTooLate) {
		return a.PupilID, err
	}
	return a.PupilID, wrapEdit(err, "reopen action")
}

// actionInScope loads a next action of a file of the scope in the state the condition says
// (done or not); anything else is not found.
func actionInScope(tx *gorm.DB, s Scope, id uint, state string) (NextAction, error) {
	var a NextAction
	err := tx.Where("next_actions.id = ?", id).Where(state).
		Where("next_actions.pupil_id IN (?)", s.Pupils(tx.Session(&gorm.Session{NewDB: true}).Table("pupils").Select("pupils.id"))).
		Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, ErrNotFound
	}
	return a, err
}
