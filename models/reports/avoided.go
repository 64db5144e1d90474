package reports

import (
	"math"

	"mediation/models"
	"mediation/models/impact"
)

// The avoided costs, in the manner of France Médiation: a result of the year (files closed
// because the pupil went back to school, half-days of absence avoided, conflicts resolved,
// referrals that delivered a service) times a unit value the coordination entered with its
// source (models.UnitCost). No amount is a constant of the code: every figure of a formula is a
// unit value or a result of the review. Each result is a range, never a single figure:
//
//	low  = result's low  × unit value's low  (LowCents, or the value when no bound is given)
//	high = result's high × unit value's high (HighCents, or the value)
//
// A count's low and high are the count itself; the half-days avoided take theirs from the
// interval of the difference of the differences. The formulas, by basis (models.CostBasis):
//
//	reengaged:          reengaged_exits × unit_value
//	absence_half_days:  −effect_per_month × measured_pupils × window_months × unit_value
//	                    (effect_per_month: the difference of the differences in unjustified
//	                    half-days per pupil and month, over the window_months after the start of
//	                    follow-up; measured_pupils: the followed pupils it rests on; nothing is
//	                    computed when the groups are too small to give an effect, and a bound
//	                    where the effect could be an increase counts no half-day avoided)
//	conflict_resolved:  conflicts_resolved × unit_value
//	referral_delivered: referrals_delivered × unit_value
//
// What the figures cannot show, which the annex says: that each re-engaged pupil would
// otherwise have left school, or each resolved conflict would otherwise have led to a
// procedure; the range is an order of magnitude of what the results are worth, not a saving
// booked anywhere.

// The names of the inputs of the formulas: the view prints them through the catalog.
const (
	InputUnitValue          = "unit_value"
	InputReengagedExits     = "reengaged_exits"
	InputEffectPerMonth     = "effect_per_month"
	InputMeasuredPupils     = "measured_pupils"
	InputWindowMonths       = "window_months"
	InputConflictsResolved  = "conflicts_resolved"
	InputReferralsDelivered = "referrals_delivered"
)

// FormulaInputs lists the names of the inputs, for the views that write a formula in words.
var FormulaInputs = []string{InputUnitValue, InputReengagedExits, InputEffectPerMonth, InputMeasuredPupils, InputWindowMonths,
	InputConflictsResolved, InputReferralsDelivered}

// Formulas are the formulas of the bases, written with the names of their inputs.
var Formulas = map[models.CostBasis]string{
	models.BasisReengaged:         InputReengagedExits + " × " + InputUnitValue,
	models.BasisAbsenceHalfDays:   "−" + InputEffectPerMonth + " × " + InputMeasuredPupils + " × " + InputWindowMonths + " × " + InputUnitValue,
	models.BasisConflictResolved:  InputConflictsResolved + " × " + InputUnitValue,
	models.BasisReferralDelivered: InputReferralsDelivered + " × " + InputUnitValue,
}

// FormulaInput is a named input of a formula with its range (a count's Low and High are the
// count; the unit value's are in euros). Count tells that it counts pupils, files or events:
// the protection hides the result when such a count is masked.
type FormulaInput struct {
	Name      string
	Low, High float64
	Count     bool
}

// Why an avoided cost was not computed.
const (
	// MissingBasis: the unit value is tied to no result.
	MissingBasis = "no_basis"
	// MissingEffect: the groups were too small to give an effect on absences.
	MissingEffect = "no_effect"
)

// AvoidedCost is the valuation of a result with one unit value.
type AvoidedCost struct {
	UnitCost models.UnitCost
	// Formula is the formula with the names of its inputs (Formulas), empty without a basis.
	Formula string
	Inputs  []FormulaInput
	// LowCents and HighCents are the range, in euro cents, when Computed.
	LowCents, HighCents int64
	Computed            bool
	// Missing says why it was not computed (MissingBasis, MissingEffect).
	Missing string
}

// unitBounds are a unit value's low and high, in cents: its bounds, or the value itself.
func unitBounds(c models.UnitCost) (low, high int64) {
	low, high = c.AmountCents, c.AmountCents
	if c.LowCents != nil {
		low = *c.LowCents
	}
	if c.HighCents != nil {
		high = *c.HighCents
	}
	return low, high
}

// avoidedCosts values the year's results with every unit value.
func avoidedCosts(costs []models.UnitCost, iy ImpactYear) []AvoidedCost {
	out := make([]AvoidedCost, 0, len(costs))
	for _, c := range costs {
		out = append(out, avoidedCost(c, iy))
	}
	return out
}

// avoidedCost values one result with one unit value, by its basis.
func avoidedCost(c models.UnitCost, iy ImpactYear) AvoidedCost {
	a := AvoidedCost{UnitCost: c, Formula: Formulas[c.Basis]}
	low, high := unitBounds(c)
	unit := FormulaInput{Name: InputUnitValue, Low: float64(low) / 100, High: float64(high) / 100}
	countInput := func(name string, n int) FormulaInput {
		return FormulaInput{Name: name, Low: float64(n), High: float64(n), Count: true}
	}
	agreements, _ := iy.Activity.SchoolLife.Resolution()
	var result FormulaInput
	switch c.Basis {
	case models.BasisReengaged:
		result = countInput(InputReengagedExits, iy.Activity.ExitsByReason[models.ExitReEngaged])
		a.Inputs = []FormulaInput{result, unit}
	case models.BasisConflictResolved:
		result = countInput(InputConflictsResolved, agreements)
		a.Inputs = []FormulaInput{result, unit}
	case models.BasisReferralDelivered:
		result = countInput(InputReferralsDelivered, iy.Referrals.Delivered)
		a.Inputs = []FormulaInput{result, unit}
	case models.BasisAbsenceHalfDays:
		o := iy.Outcome
		if !o.HasEffect {
			a.Missing = MissingEffect
			return a
		}
		d := o.Effect.Difference
		pupils := countInput(InputMeasuredPupils, o.Matched)
		months := FormulaInput{Name: InputWindowMonths, Low: impact.WindowMonths, High: impact.WindowMonths}
		a.Inputs = []FormulaInput{{Name: InputEffectPerMonth, Low: d.Low, High: d.High}, pupils, months, unit}
		// The fewest half-days avoided come from the interval's bound nearest an increase.
		perPupil := float64(o.Matched) * impact.WindowMonths
		result = FormulaInput{Low: math.Max(0, -d.High) * perPupil, High: math.Max(0, -d.Low) * perPupil}
	default:
		a.Missing = MissingBasis
		return a
	}
	a.LowCents = int64(math.Round(result.Low * float64(low)))
	a.HighCents = int64(math.Round(result.High * float64(high)))
	a.Computed = true
	return a
}
