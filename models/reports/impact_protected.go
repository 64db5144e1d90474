package reports

import (
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/impact"
)

// The printable annual review. Every count goes through the small-count protection of the
// other anonymised reports (disclosure), year by year:
//   - a key figure alone (follow-ups, meetings, referrals, collective actions, conflicts, the
//     pupils the outcome rests on) is masked when 1 ≤ n < threshold;
//   - a breakdown printed with its total (pupils followed by priority-education label, exits
//     by reason, closed referrals by outcome) is one protected table, with complementary
//     suppression;
//   - a share (families met, family attendance, absences fell, referrals in time, conflicts
//     resolved) is protected as the two counts it splits its denominator into, with that
//     denominator: it is printed only when all three are, since a share and its denominator
//     give both counts away;
//   - a median is printed only over enough referrals (protectedMedian), the hours given only
//     with the follow-ups they come from, an effect only when impact.Load gives one (groups of
//     at least impact.MinGroup pupils), and an avoided cost only when every count of its
//     formula is printed.
//
// Nothing in the review names a pupil: it holds counts, means and intervals only.

// Share is a protected share: a numerator out of a denominator.
type Share struct {
	num, den         int
	numMask, denMask disclosure.Mask
	shown            bool
}

// Value is the numerator, the denominator and the share in percent; ok is false when the share
// may not be printed (then every value is 0), or has no denominator.
func (s Share) Value() (num, den int, percent float64, ok bool) {
	if !s.shown || s.den == 0 {
		return 0, 0, 0, false
	}
	return s.num, s.den, 100 * float64(s.num) / float64(s.den), true
}

// Masks are the masks of the numerator and of the denominator, for a view that prints them.
func (s Share) Masks() (num, den disclosure.Mask) { return s.numMask, s.denMask }

// protectShare protects num out of den as the one-row table [num, den − num] with its total.
func protectShare(num, den, threshold int) Share {
	if num > den {
		// Not a split of den (a bug of the caller): print nothing rather than a wrong share.
		return Share{numMask: disclosure.MaskComplementary, denMask: disclosure.MaskComplementary}
	}
	p := disclosure.Protect(disclosure.CountTable{Cells: [][]int{{num, den - num}}, RowTotals: true}, threshold)
	s := Share{num: num, den: den, numMask: p.Masks[0][0], denMask: p.RowTotalMasks[0]}
	s.shown = !p.Masks[0][0].Masked() && !p.Masks[0][1].Masked() && !p.RowTotalMasks[0].Masked()
	return s
}

// figure protects a key figure printed alone: masked when 1 ≤ n < threshold.
func figure(n, threshold int) Figure {
	f := Figure{n: n}
	if n >= 1 && n < threshold {
		f.mask = disclosure.MaskPrimary
	}
	return f
}

// protectConflicts protects the year's conflicts and their resolution rate together, as one
// row: agreements, other outcomes, still pending, and the total. Printed apart, the total and
// the rate's denominator (the conflicts with an outcome) would give the pending ones away,
// however few; so the rate prints only when every cell of the row and the total do.
func protectConflicts(l SchoolLife, threshold int) (Figure, Share) {
	agreements, decided := l.Resolution()
	total := l.ConflictsHandled()
	if agreements > decided || decided > total {
		// Not a split of the total (a bug of the caller): print nothing rather than a wrong figure.
		return Figure{n: total, mask: disclosure.MaskComplementary}, Share{numMask: disclosure.MaskComplementary, denMask: disclosure.MaskComplementary}
	}
	p := disclosure.Protect(disclosure.CountTable{Cells: [][]int{{agreements, decided - agreements, total - decided}}, RowTotals: true}, threshold)
	share := Share{num: agreements, den: decided, numMask: p.Masks[0][0], denMask: disclosure.MaskShown}
	share.shown = !p.RowTotalMasks[0].Masked()
	for _, m := range p.Masks[0] {
		share.shown = share.shown && !m.Masked()
	}
	if !share.shown {
		share.denMask = disclosure.MaskComplementary
	}
	return Figure{n: total, mask: p.RowTotalMasks[0]}, share
}

// ProtectedOutcome is the absence outcome as it may be printed.
type ProtectedOutcome struct {
	// Started, Measured and Matched are the files whose active follow-up started in the year,
	// those with figures enough, and those that found a comparison pupil.
	Started, Measured, Matched Figure
	// Fell is the share of the measured pupils whose absences fell (their own before/after).
	Fell      Share
	naive     impact.BeforeAfter
	effect    impact.Effect
	hasEffect bool
	measured  bool
}

// Naive is the measured pupils' own before/after, printed only when their number is. Its count
// of pupils whose absences fell is left out (zero): that count is printed, protected, as Fell.
func (o ProtectedOutcome) Naive() (impact.BeforeAfter, bool) {
	if !o.measured {
		return impact.BeforeAfter{}, false
	}
	n := o.naive
	n.Fell = 0
	return n, true
}

// Effect is the difference of the differences, printed only when the groups are large enough;
// the groups' counts of pupils whose absences fell are left out (zero), as in Naive.
func (o ProtectedOutcome) Effect() (impact.Effect, bool) {
	if !o.hasEffect {
		return impact.Effect{}, false
	}
	e := o.effect
	e.Followed.Fell, e.Comparison.Fell = 0, 0
	return e, true
}

// ProtectedObjective is an objective against the figure reached, as it may be printed.
type ProtectedObjective struct {
	Objective models.FundingAgreementObjective
	// Reached is the share reached (for a share indicator), Count the count (for a count).
	Reached Share
	Count   Figure
	met     bool
	shown   bool
}

// Met tells whether the target is reached; ok is false when the figure may not be printed.
func (o ProtectedObjective) Met() (met, ok bool) { return o.met, o.shown }

// ImpactYearReview is one school year of the printable review.
type ImpactYearReview struct {
	Year        calendar.SchoolYear
	Elapsed     int
	InAgreement bool
	// Establishments and Communes reached: counts of places, not of people.
	Establishments, Communes int

	priority, exits, outcomes Table
	familiesMet, attendance   Share
	onTime, resolved          Share
	followUps, meetings       Figure
	referrals, actions        Figure
	conflicts                 Figure
	minutes                   int
	replyTime                 Median
	outcome                   ProtectedOutcome
	objectives                []ProtectedObjective
	avoided                   []AvoidedCost
}

// PupilsFollowed is the number of pupils followed (the total of Priority).
func (r ImpactYearReview) PupilsFollowed() Figure {
	p := r.priority.p
	return Figure{n: p.RowTotals[0], mask: p.RowTotalMasks[0]}
}

// Priority is the one-row table of the pupils followed by the priority-education label of
// their establishment (columns: models.PriorityLabels), with its total.
func (r ImpactYearReview) Priority() Table { return r.priority }

// FamiliesMet is the share of the pupils followed whose family was met.
func (r ImpactYearReview) FamiliesMet() Share { return r.familiesMet }

// FollowUps, Meetings, Referrals, Actions and Conflicts are the activity of the year.
func (r ImpactYearReview) FollowUps() Figure { return r.followUps }

// Meetings is the number of meetings scheduled in the year.
func (r ImpactYearReview) Meetings() Figure { return r.meetings }

// Referrals is the number of referrals sent in the year.
func (r ImpactYearReview) Referrals() Figure { return r.referrals }

// Actions is the number of collective actions held in the year.
func (r ImpactYearReview) Actions() Figure { return r.actions }

// Conflicts is the number of conflict mediations of the year.
func (r ImpactYearReview) Conflicts() Figure { return r.conflicts }

// Hours is the time given in follow-ups, in hours, printed only with their count.
func (r ImpactYearReview) Hours() (float64, bool) {
	if r.followUps.mask.Masked() {
		return 0, false
	}
	return float64(r.minutes) / 60, true
}

// Exits is the one-row table of the files closed by reason (columns: models.ExitReasons).
func (r ImpactYearReview) Exits() Table { return r.exits }

// Attendance is the share of the meetings where the family was expected that it attended.
func (r ImpactYearReview) Attendance() Share { return r.attendance }

// ReferralOutcomes is the one-row table of the closed referrals by outcome (columns:
// models.ReferralOutcomes); its support-in-place cell is the referrals with a service delivered.
func (r ImpactYearReview) ReferralOutcomes() Table { return r.outcomes }

// OnTime is the share of the referrals sent that their partner acknowledged in time.
func (r ImpactYearReview) OnTime() Share { return r.onTime }

// ReplyTime is the median time from sending a referral to its acknowledgement.
func (r ImpactYearReview) ReplyTime() Median { return r.replyTime }

// Resolved is the share of the conflicts with an outcome that ended in an agreement.
func (r ImpactYearReview) Resolved() Share { return r.resolved }

// Outcome is the absence outcome.
func (r ImpactYearReview) Outcome() ProtectedOutcome { return r.outcome }

// Objectives are the agreement's objectives against what was reached.
func (r ImpactYearReview) Objectives() []ProtectedObjective { return r.objectives }

// AvoidedCosts are the valuations; one whose counts may not be printed is not computed
// (Missing is MissingProtected) and keeps none of its inputs.
func (r ImpactYearReview) AvoidedCosts() []AvoidedCost { return r.avoided }

// MissingProtected: a count of the formula is masked, so is the result.
const MissingProtected = "protected"

// Impact is the printable annual review.
type Impact struct {
	Year calendar.SchoolYear
	// Agreement is the agreement reviewed (nil for the metropolis): its funder, years,
	// coverage, amount and objectives, nothing about a person.
	Agreement *models.AgreementDetail
	UnitCosts []models.UnitCost
	threshold int
	years     []ImpactYearReview
	// ComputedAt is when the figures were computed (the snapshot's time).
	ComputedAt time.Time
	// pickable are the years the review may be asked for (Snapshots.Impact).
	pickable []calendar.SchoolYear
}

// Threshold is the small-count threshold the figures were protected with.
func (r Impact) Threshold() int { return r.threshold }

// Years are the year reviewed and the previous ones, newest first.
func (r Impact) Years() []ImpactYearReview { return r.years }

// ProtectImpact protects the review's figures with a threshold: the only version to print.
func ProtectImpact(f ImpactFigures, threshold int) Impact {
	r := Impact{Year: f.Year, Agreement: f.Agreement, UnitCosts: f.UnitCosts, threshold: threshold}
	for _, y := range f.Years {
		r.years = append(r.years, protectImpactYear(y, threshold))
	}
	return r
}

// rowOf protects a one-row breakdown with its total.
func rowOf(cells []int, threshold int) Table {
	return Table{disclosure.Protect(disclosure.CountTable{Cells: [][]int{cells}, RowTotals: true}, threshold)}
}

func protectImpactYear(y ImpactYear, threshold int) ImpactYearReview {
	a := &y.Activity
	r := ImpactYearReview{Year: y.Year, Elapsed: y.Elapsed, InAgreement: y.InAgreement,
		Establishments: y.Reach.Establishments, Communes: y.Reach.Communes, minutes: a.FollowUpMinutes,
		replyTime: protectedMedian(y.ReplyTime, threshold)}
	var cells []int
	for _, l := range models.PriorityLabels {
		cells = append(cells, y.Reach.FollowedByPriority[l])
	}
	r.priority = rowOf(cells, threshold)
	cells = nil
	for _, e := range models.ExitReasons {
		cells = append(cells, a.ExitsByReason[e])
	}
	r.exits = rowOf(cells, threshold)
	cells = nil
	for _, o := range models.ReferralOutcomes {
		cells = append(cells, y.Referrals.ByOutcome[o])
	}
	r.outcomes = rowOf(cells, threshold)

	r.familiesMet = protectShare(y.Reach.FamiliesMet, y.Reach.PupilsFollowed, threshold)
	held, expected := a.FamilyAttendance()
	r.attendance = protectShare(held, expected, threshold)
	r.onTime = protectShare(y.Referrals.OnTime, y.Referrals.Sent, threshold)
	r.conflicts, r.resolved = protectConflicts(a.SchoolLife, threshold)
	r.followUps, r.meetings, r.referrals = figure(a.FollowUps(), threshold), figure(a.Meetings(), threshold), figure(a.Referrals(), threshold)
	r.actions = figure(a.SchoolLife.Actions().Actions, threshold)

	o := y.Outcome
	r.outcome = ProtectedOutcome{Started: figure(o.Started, threshold), Measured: figure(o.Measured, threshold),
		Matched: figure(o.Matched, threshold), Fell: protectShare(o.Naive.Fell, o.Naive.N, threshold),
		naive: o.Naive, effect: o.Effect, hasEffect: o.HasEffect, measured: o.Measured >= threshold}

	shares := map[models.ObjectiveIndicator]Share{
		models.IndicatorFamiliesMet:       r.familiesMet,
		models.IndicatorAbsencesFell:      r.outcome.Fell,
		models.IndicatorReferralsInTime:   r.onTime,
		models.IndicatorConflictsResolved: r.resolved,
	}
	counts := map[models.ObjectiveIndicator]Figure{
		models.IndicatorCollectiveActions: r.actions,
		models.IndicatorPupilsFollowed:    r.PupilsFollowed(),
	}
	for _, obj := range y.Objectives {
		p := ProtectedObjective{Objective: obj.Objective, met: obj.Met}
		if s, ok := shares[obj.Objective.Indicator]; ok {
			p.Reached = s
			_, _, _, p.shown = s.Value()
		} else if c, ok := counts[obj.Objective.Indicator]; ok {
			p.Count = c
			p.shown = !c.mask.Masked()
		}
		if !p.shown {
			p.met = false
		}
		r.objectives = append(r.objectives, p)
	}

	// The masks of the counts the formulas use, as the tables above print them.
	exitMask := r.exits.p.Masks[0][indexOf(models.ExitReasons, models.ExitReEngaged)]
	deliveredMask := r.outcomes.p.Masks[0][indexOf(models.ReferralOutcomes, models.OutcomeSupportInPlace)]
	// A resolved count is printed with the conflicts decided, as the share: hidden with it.
	resolvedMask := disclosure.MaskComplementary
	if _, _, _, ok := r.resolved.Value(); ok || r.resolved.num == 0 {
		resolvedMask = disclosure.MaskShown
	}
	masks := map[string]disclosure.Mask{InputReengagedExits: exitMask, InputReferralsDelivered: deliveredMask,
		InputConflictsResolved: resolvedMask, InputMeasuredPupils: r.outcome.Matched.mask}
	for _, c := range y.AvoidedCosts {
		if c.Computed {
			for _, in := range c.Inputs {
				if in.Count && masks[in.Name].Masked() {
					c = AvoidedCost{UnitCost: c.UnitCost, Formula: c.Formula, Missing: MissingProtected}
					break
				}
			}
		}
		r.avoided = append(r.avoided, c)
	}
	return r
}
