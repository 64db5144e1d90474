package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/impact"
)

// The annual review of school mediation (« Bilan annuel », issue 15), for the whole metropolis
// or for one funding agreement. Its figures are those of the other reports, over the
// agreement's establishments: the activity comes from activityByEstablishment and the reply
// time from medianReplyTime, exactly as the metropolitan and establishment reports compute
// them, so that the three agree to the unit; the absence outcome is impact.Load's. What it adds:
//   - reach: the pupils followed (the reports' files followed), the families met (pupils
//     whose file had, in the year, a meeting held, that is with the family present), the establishments
//     with any figure and their communes, the pupils followed in priority education;
//   - referrals: those sent in the year that were closed, by outcome, those closed with a
//     support in place (a service delivered), those acknowledged within the partner's time;
//   - the indicators an agreement's objectives are set on (models.ObjectiveIndicators), each
//     with its numerator and denominator, against the targets;
//   - the avoided costs, from the unit values the coordination entered (avoided.go).
//
// Like the other anonymised reports, the figures leave this package protected: loadImpact,
// unexported, returns them raw (for ProtectImpact and the cross-checks of the tests), and
// LoadImpactReview, the entry point of the pages and PDFs, returns ProtectImpact's version.

// MaxPreviousYears is how many school years before the review's the comparison goes back,
// within the data: the generator and the funders' multi-year agreements span five years.
const MaxPreviousYears = 5

// ImpactFigures are the annual review's figures, unprotected: the year reviewed and the
// previous ones within the data, newest first.
type ImpactFigures struct {
	Year calendar.SchoolYear
	// Agreement is the agreement reviewed, nil for the whole metropolis.
	Agreement *models.AgreementDetail
	// Years holds the year reviewed first, then up to MaxPreviousYears previous ones.
	Years []ImpactYear
	// UnitCosts are the unit values the avoided costs were computed from.
	UnitCosts []models.UnitCost
}

// Current is the year reviewed.
func (f ImpactFigures) Current() ImpactYear { return f.Years[0] }

// ImpactYear are the figures of one school year over the review's establishments.
type ImpactYear struct {
	Year calendar.SchoolYear
	// Elapsed is the number of months of the year begun at the time of the review.
	Elapsed int
	// InAgreement tells whether the year is one of the agreement's (always for the metropolis).
	InAgreement bool
	Reach       Reach
	// Activity is the sum of the establishments' activity, as the other reports count it.
	Activity Activity
	// ReplyTime is the median time from sending a referral to its acknowledgement.
	ReplyTime ReplyTime
	Referrals ReferralResults
	// Outcome is the absence outcome of the active follow-ups started in the year.
	Outcome impact.Outcome
	// Indicators are the figures the objectives are set on, each of them.
	Indicators map[models.ObjectiveIndicator]IndicatorValue
	// Objectives are the agreement's objectives against what was reached (none for the
	// metropolis).
	Objectives []ObjectiveResult
	// AvoidedCosts value the year's results with each unit value.
	AvoidedCosts []AvoidedCost
}

// Reach says whom the mediation reached in the year.
type Reach struct {
	PupilsFollowed int
	// FamiliesMet counts the pupils whose file had, in the year, a meeting held (the family
	// came): one family per file.
	FamiliesMet int
	// Establishments counts the establishments of the scope with any figure in the year, and
	// Communes their communes.
	Establishments, Communes int
	// FollowedByPriority counts the pupils followed by the priority-education label of their
	// establishment.
	FollowedByPriority map[models.PriorityLabel]int
}

// PriorityFollowed is the number of pupils followed in priority education (REP and REP+).
func (r Reach) PriorityFollowed() int {
	return r.FollowedByPriority[models.PriorityREP] + r.FollowedByPriority[models.PriorityREPPlus]
}

// ReferralResults are what became of the referrals sent in the year.
type ReferralResults struct {
	// Sent is the number of referrals sent in the year (Activity.Referrals()).
	Sent int
	// Closed counts the closed ones by outcome; Delivered those closed with a support in place.
	ByOutcome map[models.ReferralOutcome]int
	Closed    int
	Delivered int
	// OnTime counts the referrals acknowledged within their partner's response time.
	OnTime int
}

// IndicatorValue is an indicator's figure: a share Numerator ÷ Denominator (in percent), or a
// count (Numerator). Known is false for a share over no denominator.
type IndicatorValue struct {
	Indicator              models.ObjectiveIndicator
	Numerator, Denominator int
	Value                  float64
	Known                  bool
}

// ObjectiveResult is an objective of the agreement against the figure reached.
type ObjectiveResult struct {
	Objective models.FundingAgreementObjective
	Reached   IndicatorValue
	// Met tells whether the figure reaches the target (false when it is not known).
	Met bool
}

// loadImpact computes the annual review of the year for the funding agreement agreementID, or
// for the whole metropolis when it is 0, with the year's previous ones within the data. The
// caller checks that the reader may read the agreement. It returns models.ErrNotFound for an
// unknown agreement, ErrNoData for a year after the current one or outside the agreement's.
// The figures are unprotected: print only ProtectImpact's.
func loadImpact(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, agreementID uint, now time.Time) (ImpactFigures, error) {
	f := ImpactFigures{Year: y}
	if err := checkYear(y, now); err != nil {
		return f, err
	}
	var ids []uint
	if agreementID != 0 {
		a, err := models.LoadFundingAgreement(ctx, db, models.Scope{Role: models.RoleCoordinator}, agreementID)
		if err != nil {
			return f, err
		}
		f.Agreement = &a
		if y.StartYear < a.FirstYear || y.StartYear > a.LastYear {
			return f, ErrNoData
		}
		if ids, err = agreementEstablishments(ctx, db, a); err != nil {
			return f, err
		}
	}
	var establishments []models.Establishment
	q := db.WithContext(ctx).Order("id")
	if ids != nil {
		q = q.Where("id IN ?", nonEmpty(ids))
	}
	if err := q.Find(&establishments).Error; err != nil {
		return f, fmt.Errorf("reports: establishments of the review: %w", err)
	}
	if err := db.WithContext(ctx).Order("label, id").Find(&f.UnitCosts).Error; err != nil {
		return f, fmt.Errorf("reports: unit costs: %w", err)
	}
	years, err := reportYears(ctx, db, now, func(q *gorm.DB) *gorm.DB {
		if ids == nil {
			return q
		}
		return q.Where("pupils.establishment_id IN ?", nonEmpty(ids))
	})
	if err != nil {
		return f, err
	}
	for _, year := range append([]calendar.SchoolYear{y}, previousYears(y, years)...) {
		iy, err := loadImpactYear(ctx, db, year, ids, establishments, now)
		if err != nil {
			return f, err
		}
		iy.InAgreement = f.Agreement == nil || year.StartYear >= f.Agreement.FirstYear && year.StartYear <= f.Agreement.LastYear
		if f.Agreement != nil {
			iy.Objectives = objectiveResults(f.Agreement.Objectives, iy.Indicators)
		}
		iy.AvoidedCosts = avoidedCosts(f.UnitCosts, iy)
		f.Years = append(f.Years, iy)
	}
	return f, nil
}

// previousYears are the years before y among those with data (newest first), up to
// MaxPreviousYears.
func previousYears(y calendar.SchoolYear, years []calendar.SchoolYear) []calendar.SchoolYear {
	var out []calendar.SchoolYear
	for _, year := range years {
		if year.StartYear < y.StartYear && len(out) < MaxPreviousYears {
			out = append(out, year)
		}
	}
	return out
}

// agreementEstablishments lists the establishments an agreement covers: its list, those of its
// communes (today's establishments of those communes), or nil for the whole metropolis.
func agreementEstablishments(ctx context.Context, db *gorm.DB, a models.AgreementDetail) ([]uint, error) {
	switch a.Coverage {
	case models.CoverEstablishments:
		return append([]uint{}, a.EstablishmentIDs()...), nil
	case models.CoverCommunes:
		ids := []uint{}
		if err := db.WithContext(ctx).Model(&models.Establishment{}).Where("commune IN ?", nonEmptyStrings(a.Communes)).
			Order("id").Pluck("id", &ids).Error; err != nil {
			return nil, fmt.Errorf("reports: establishments of agreement %d: %w", a.ID, err)
		}
		return ids, nil
	}
	return nil, nil
}

// nonEmpty keeps an empty list of ids an empty set in SQL (IN (NULL) matches nothing).
func nonEmpty(ids []uint) any {
	if len(ids) == 0 {
		return []any{nil}
	}
	return ids
}

func nonEmptyStrings(s []string) any {
	if len(s) == 0 {
		return []any{nil}
	}
	return s
}

// loadImpactYear computes one year's figures over the establishments (ids nil: all of them).
func loadImpactYear(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, ids []uint, establishments []models.Establishment, now time.Time) (ImpactYear, error) {
	iy := ImpactYear{Year: y, Elapsed: monthsElapsed(y, now)}
	scoped := ids
	if scoped != nil && len(scoped) == 0 {
		// An agreement covering nothing: no figure, and no query with an empty list.
		scoped = []uint{0}
	}
	acts, err := activityByEstablishment(ctx, db, scoped, y, now)
	if err != nil {
		return iy, err
	}
	total := newActivity()
	communes := map[string]bool{}
	iy.Reach.FollowedByPriority = map[models.PriorityLabel]int{}
	for _, e := range establishments {
		a := acts[e.ID]
		if a == nil {
			continue
		}
		total.Add(a)
		if !a.Empty() {
			iy.Reach.Establishments++
			communes[e.Commune] = true
		}
		iy.Reach.FollowedByPriority[e.PriorityEducation] += a.FilesFollowed()
	}
	iy.Activity = *total
	iy.Reach.Communes = len(communes)
	iy.Reach.PupilsFollowed = total.FilesFollowed()

	filter := func(q *gorm.DB) *gorm.DB { return establishmentFilter(q, scoped) }
	if iy.ReplyTime, err = medianReplyTime(ctx, db, y, filter); err != nil {
		return iy, err
	}
	if iy.Reach.FamiliesMet, err = familiesMet(ctx, db, y, scoped); err != nil {
		return iy, err
	}
	if iy.Referrals, err = referralResults(ctx, db, y, scoped); err != nil {
		return iy, err
	}
	iy.Referrals.Sent = total.Referrals()
	if iy.Outcome, err = impact.Load(ctx, db, y, scoped); err != nil {
		return iy, err
	}
	iy.Indicators = indicators(iy)
	return iy, nil
}

// familiesMet counts the files of the establishments that had, in the year, a meeting held: a
// meeting is « held » when the family came (otherwise it is « family absent »), the definition
// of the reports' family attendance rate, so that the two agree.
func familiesMet(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, ids []uint) (int, error) {
	var n int
	q := db.WithContext(ctx).Table("meetings").Select("COUNT(DISTINCT meetings.pupil_id)").
		Joins("JOIN pupils ON pupils.id = meetings.pupil_id").
		Where("meetings.status = ? AND meetings.scheduled_at >= ? AND meetings.scheduled_at < ?", models.MeetingHeld, y.Start().UTC(), y.End().UTC())
	if err := filesOf(q, "meetings.pupil_id", ids).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("reports: families met in %s: %w", y, err)
	}
	return n, nil
}

// referralResults counts the referrals sent in the year from the establishments that were
// closed, by outcome, and those acknowledged within their partner's response time.
func referralResults(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, ids []uint) (ReferralResults, error) {
	r := ReferralResults{ByOutcome: map[models.ReferralOutcome]int{}}
	db = db.WithContext(ctx)
	sent := func() *gorm.DB {
		q := db.Table("referrals").Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
			Where("referrals.sent_at >= ? AND referrals.sent_at < ?", y.Start().UTC(), y.End().UTC())
		return filesOf(q, "referrals.pupil_id", ids)
	}
	var closed []struct {
		Outcome models.ReferralOutcome
		N       int
	}
	if err := sent().Select("referrals.outcome, COUNT(*) AS n").
		Where("referrals.status = ? AND referrals.outcome IS NOT NULL", models.ReferralClosed).
		Group("referrals.outcome").Scan(&closed).Error; err != nil {
		return r, fmt.Errorf("reports: referral outcomes in %s: %w", y, err)
	}
	for _, c := range closed {
		r.ByOutcome[c.Outcome] += c.N
		r.Closed += c.N
	}
	r.Delivered = r.ByOutcome[models.OutcomeSupportInPlace]
	onTime := replyDaysSQL(db.Dialector.Name(), "referrals.acknowledged_at") + " <= partner_organisations.response_days"
	if err := sent().Joins("JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id").
		Select("COUNT(*)").Where("referrals.acknowledged_at IS NOT NULL AND " + onTime).Scan(&r.OnTime).Error; err != nil {
		return r, fmt.Errorf("reports: referrals answered in time in %s: %w", y, err)
	}
	return r, nil
}

// share is an indicator Numerator ÷ Denominator in percent.
func share(i models.ObjectiveIndicator, num, den int) IndicatorValue {
	v := IndicatorValue{Indicator: i, Numerator: num, Denominator: den, Known: den > 0}
	if den > 0 {
		v.Value = 100 * float64(num) / float64(den)
	}
	return v
}

// count is an indicator that counts things.
func count(i models.ObjectiveIndicator, n int) IndicatorValue {
	return IndicatorValue{Indicator: i, Numerator: n, Value: float64(n), Known: true}
}

// indicators computes every indicator an objective may be set on, from the year's figures:
//   - families met: FamiliesMet ÷ PupilsFollowed;
//   - absences fell: the measured pupils whose unjustified absences fell ÷ the measured pupils
//     (their own before/after, regression to the mean included: the annex says so, and the
//     effect is the difference of the differences, not this share);
//   - referrals in time: acknowledged within the partner's response time ÷ sent;
//   - conflicts resolved: agreements ÷ conflicts with an outcome (the reports' resolution rate);
//   - collective actions and pupils followed: counts.
func indicators(iy ImpactYear) map[models.ObjectiveIndicator]IndicatorValue {
	agreements, decided := iy.Activity.SchoolLife.Resolution()
	values := []IndicatorValue{
		share(models.IndicatorFamiliesMet, iy.Reach.FamiliesMet, iy.Reach.PupilsFollowed),
		share(models.IndicatorAbsencesFell, iy.Outcome.Naive.Fell, iy.Outcome.Naive.N),
		share(models.IndicatorReferralsInTime, iy.Referrals.OnTime, iy.Referrals.Sent),
		share(models.IndicatorConflictsResolved, agreements, decided),
		count(models.IndicatorCollectiveActions, iy.Activity.SchoolLife.Actions().Actions),
		count(models.IndicatorPupilsFollowed, iy.Reach.PupilsFollowed),
	}
	out := make(map[models.ObjectiveIndicator]IndicatorValue, len(values))
	for _, v := range values {
		out[v.Indicator] = v
	}
	return out
}

// objectiveResults sets the agreement's objectives against the indicators reached.
func objectiveResults(objectives []models.FundingAgreementObjective, values map[models.ObjectiveIndicator]IndicatorValue) []ObjectiveResult {
	out := make([]ObjectiveResult, 0, len(objectives))
	for _, o := range objectives {
		v, ok := values[o.Indicator]
		if !ok {
			v = IndicatorValue{Indicator: o.Indicator}
		}
		out = append(out, ObjectiveResult{Objective: o, Reached: v, Met: v.Known && v.Value >= o.Target})
	}
	return out
}

// IndicatorList lists the year's indicators in the order of models.ObjectiveIndicators.
func (y ImpactYear) IndicatorList() []IndicatorValue {
	out := make([]IndicatorValue, 0, len(y.Indicators))
	for _, i := range models.ObjectiveIndicators {
		if v, ok := y.Indicators[i]; ok {
			out = append(out, v)
		}
	}
	return slices.Clip(out)
}

// LoadImpactReview loads the annual review (loadImpact) for a reader of scope s and protects it
// with the small-count threshold in force: what a page or a PDF prints. A review the reader may
// not read is not found.
func LoadImpactReview(ctx context.Context, db *gorm.DB, s models.Scope, y calendar.SchoolYear, agreementID uint, now time.Time) (Impact, error) {
	// Who may read it: the metropolis's review, the coordination and the administrator; an
	// agreement's, whoever reads that agreement (its funder's agents for a partner).
	if agreementID == 0 && s.Role != models.RoleCoordinator && s.Role != models.RoleAdmin {
		return Impact{Year: y}, models.ErrNotFound
	}
	if agreementID != 0 {
		if _, err := models.LoadFundingAgreement(ctx, db, s, agreementID); err != nil {
			return Impact{Year: y}, err
		}
	}
	threshold, err := models.LoadSmallCountThreshold(ctx, db)
	if err != nil {
		return Impact{Year: y}, err
	}
	f, err := loadImpact(ctx, db, y, agreementID, now)
	if err != nil {
		return Impact{Year: y, Agreement: f.Agreement, threshold: threshold}, err
	}
	return ProtectImpact(f, threshold), nil
}
