package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CostBasis is the result of the annual review that a unit value values: the review multiplies
// the unit value by that result, with the formula reports.avoidedCosts documents for each.
// The empty basis ties the value to no result: the review lists it and computes nothing.
type CostBasis string

// The results a unit value may value.
const (
	// BasisReengaged: the files closed because the pupil went back to regular attendance
	// (exit « raccroché »), valued at, for example, the yearly cost of a young person out of
	// education, training and employment.
	BasisReengaged CostBasis = "reengaged"
	// BasisAbsenceHalfDays: the unjustified half-days of absence that the follow-up avoided,
	// from the difference of the differences and its interval, valued per half-day.
	BasisAbsenceHalfDays CostBasis = "absence_half_days"
	// BasisConflictResolved: the conflict mediations that ended in an agreement, valued at, for
	// example, the cost of a disciplinary procedure.
	BasisConflictResolved CostBasis = "conflict_resolved"
	// BasisReferralDelivered: the referrals closed with a support in place.
	BasisReferralDelivered CostBasis = "referral_delivered"
)

// CostBases lists the bases, in the order the form offers them.
var CostBases = []CostBasis{BasisReengaged, BasisAbsenceHalfDays, BasisConflictResolved, BasisReferralDelivered}

// Valid tells whether b is one of CostBases, or empty (tied to no result).
func (b CostBasis) Valid() bool { return b == "" || oneOf(b, CostBases) }

// UnitCost is a unit value of the avoided costs (the yearly public cost of a young person out
// of education, training and employment; the cost of an exclusion procedure, of a
// placement…): a setting the coordination enters with its source, never a constant of the
// code. The annual review prints each one with its source and values its results as a range,
// from LowCents to HighCents when they are given.
type UnitCost struct {
	ID          uint
	Label       string
	AmountCents int64
	// Unit says what the amount is for: « par jeune et par an », « par procédure ».
	Unit       string
	Source     string
	SourceYear int
	LowCents   *int64
	HighCents  *int64
	// Basis is the result the value values, empty for none.
	Basis CostBasis
	// Version protects an edit against overwriting a change made in between.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UnitCostChange is a version of a unit value: what it was after a change, who made the change
// and when. The history of a value is the list of its changes.
type UnitCostChange struct {
	ID          uint
	UnitCostID  uint
	Version     int
	ChangedAt   time.Time
	ChangedByID *uint
	// ChangedByName is the name of the account at the time, kept when the account is gone.
	ChangedByName string
	Label         string
	AmountCents   int64
	Unit          string
	Source        string
	SourceYear    int
	LowCents      *int64
	HighCents     *int64
	Basis         CostBasis
}

// Bounds of a unit value, as the columns hold them.
const (
	MaxUnitCostLabel  = 200
	MaxUnitCostUnit   = 100
	MaxUnitCostSource = 1000
	// MinSourceYear is the oldest year a source may have: older figures are out of date.
	MinSourceYear = 1990
)

// UnitCostInput is a unit value as the form gives it.
type UnitCostInput struct {
	Label       string
	AmountCents int64
	Unit        string
	Source      string
	SourceYear  int
	LowCents    *int64
	HighCents   *int64
	Basis       CostBasis
}

// validate checks a unit value: a label, an amount, a unit, a source and its year (not to
// come), and a range that holds the amount.
func (in *UnitCostInput) validate(now time.Time) ValidationError {
	v := ValidationError{}
	in.Label = strings.Join(strings.Fields(in.Label), " ")
	in.Unit = strings.Join(strings.Fields(in.Unit), " ")
	in.Source = strings.TrimSpace(in.Source)
	switch {
	case in.Label == "":
		v.Add("label", "impact.unit_cost.label_required")
	case len([]rune(in.Label)) > MaxUnitCostLabel:
		v.Put("label", TooLong(MaxUnitCostLabel))
	}
	if in.AmountCents < 0 || in.AmountCents > MaxAmountCents {
		v.Add("amount", "impact.agreement.amount_invalid")
	}
	switch {
	case in.Unit == "":
		v.Add("unit", "impact.unit_cost.unit_required")
	case len([]rune(in.Unit)) > MaxUnitCostUnit:
		v.Put("unit", TooLong(MaxUnitCostUnit))
	}
	switch {
	case in.Source == "":
		v.Add("source", "impact.unit_cost.source_required")
	case len([]rune(in.Source)) > MaxUnitCostSource:
		v.Put("source", TooLong(MaxUnitCostSource))
	}
	if in.SourceYear < MinSourceYear || in.SourceYear > now.Year() {
		v.Add("source_year", "impact.unit_cost.source_year_range", "Min", MinSourceYear, "Max", now.Year())
	}
	if in.LowCents != nil && (*in.LowCents < 0 || *in.LowCents > in.AmountCents) {
		v.Add("low", "impact.unit_cost.low_above")
	}
	if in.HighCents != nil && (*in.HighCents > MaxAmountCents || *in.HighCents < in.AmountCents) {
		v.Add("high", "impact.unit_cost.high_below")
	}
	if !in.Basis.Valid() {
		v.Add("basis", "impact.unit_cost.basis_invalid")
	}
	return v
}

// Validate checks a unit value as the form gives it, without the database: the handler merges
// its messages with those of the fields it could not read, so that a form shows all at once.
func (in UnitCostInput) Validate(now time.Time) ValidationError { return in.validate(now) }

// recordUnitCostChange writes the version of a unit value just saved into its history, with
// the name the account has now.
func recordUnitCostChange(tx *gorm.DB, actor Actor, now time.Time, c UnitCost) error {
	ch := UnitCostChange{UnitCostID: c.ID, Version: c.Version, ChangedAt: now.UTC(), ChangedByID: actor.UserID, ChangedByName: actor.Email,
		Label: c.Label, AmountCents: c.AmountCents, Unit: c.Unit, Source: c.Source, SourceYear: c.SourceYear, LowCents: c.LowCents,
		HighCents: c.HighCents, Basis: c.Basis}
	if actor.UserID != nil {
		var names []string
		if err := tx.Model(&User{}).Where("id = ?", *actor.UserID).Pluck("display_name", &names).Error; err != nil {
			return err
		}
		if len(names) > 0 && names[0] != "" {
			ch.ChangedByName = names[0]
		}
	}
	return tx.Create(&ch).Error
}

// CreateUnitCost records a unit value, its first version in the history and its audit event.
// Only the coordination enters unit values.
func CreateUnitCost(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, in UnitCostInput) (UnitCost, error) {
	v := in.validate(now)
	var c UnitCost
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !s.EditsAgreements() {
			return ErrNotFound
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		c = UnitCost{Label: in.Label, AmountCents: in.AmountCents, Unit: in.Unit, Source: in.Source, SourceYear: in.SourceYear,
			LowCents: in.LowCents, HighCents: in.HighCents, Basis: in.Basis, Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if err := recordUnitCostChange(tx, actor, now, c); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "unit_cost", fmt.Sprint(c.ID), fmt.Sprintf("%d cents", c.AmountCents))
	})
	return c, wrapEdit(err, "create unit cost")
}

// msgUnitCostChanged refuses a change based on a unit value shown before someone else changed it.
const msgUnitCostChanged = "impact.unit_cost.changed_meanwhile"

// UpdateUnitCost changes a unit value if version is still the current one (otherwise a
// *StaleError), and adds the new version to its history.
func UpdateUnitCost(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in UnitCostInput) (UnitCost, error) {
	v := in.validate(now)
	var updated UnitCost
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !s.EditsAgreements() {
			return ErrNotFound
		}
		current, err := unitCostByID(tx, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleError(ctx, tx, "unit_cost", id, current.Version, current, msgUnitCostChanged)
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		res := tx.Model(&UnitCost{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"label": in.Label, "amount_cents": in.AmountCents, "unit": in.Unit, "source": in.Source, "source_year": in.SourceYear,
			"low_cents": in.LowCents, "high_cents": in.HighCents, "basis": in.Basis, "version": version + 1, "updated_at": now.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := unitCostByID(tx, id)
			if err != nil {
				return err
			}
			return staleError(ctx, tx, "unit_cost", id, latest.Version, latest, msgUnitCostChanged)
		}
		if updated, err = unitCostByID(tx, id); err != nil {
			return err
		}
		if err := recordUnitCostChange(tx, actor, now, updated); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "unit_cost", fmt.Sprint(id),
			fmt.Sprintf("%d → %d cents", current.AmountCents, updated.AmountCents))
	})
	return updated, wrapEdit(err, "update unit cost")
}

func unitCostByID(tx *gorm.DB, id uint) (UnitCost, error) {
	var c UnitCost
	err := tx.Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("load unit cost %d: %w", id, err)
	}
	return c, nil
}

// UnitCostRow is a line of the list of unit values: the value, and who changed it last, when.
type UnitCostRow struct {
	UnitCost
	ChangedByName string
	// ChangedAt is when the last version was made (nil if the history lacks it: then UpdatedAt).
	ChangedAt *time.Time
}

// ListUnitCosts lists the unit values by label, each with its last change, in one query.
func ListUnitCosts(ctx context.Context, db *gorm.DB) ([]UnitCostRow, error) {
	var rows []UnitCostRow
	err := db.WithContext(ctx).Table("unit_costs").Select("unit_costs.*, COALESCE(ch.changed_by_name, '') AS changed_by_name, " +
		"ch.changed_at").
		Joins("LEFT JOIN unit_cost_changes ch ON ch.unit_cost_id = unit_costs.id AND ch.version = unit_costs.version").
		Order("unit_costs.label, unit_costs.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: list unit costs: %w", err)
	}
	return rows, nil
}

// UnitCostWithHistory is a unit value and its versions, the latest first.
type UnitCostWithHistory struct {
	UnitCost
	History []UnitCostChange
}

// LoadUnitCost loads a unit value with its history, or ErrNotFound.
func LoadUnitCost(ctx context.Context, db *gorm.DB, id uint) (UnitCostWithHistory, error) {
	db = db.WithContext(ctx)
	c, err := unitCostByID(db, id)
	if err != nil {
		return UnitCostWithHistory{}, wrapEdit(err, "load unit cost")
	}
	out := UnitCostWithHistory{UnitCost: c}
	if err := db.Where("unit_cost_id = ?", id).Order("version DESC, id DESC").Find(&out.History).Error; err != nil {
		return out, fmt.Errorf("models: history of unit cost %d: %w", id, err)
	}
	return out, nil
}
