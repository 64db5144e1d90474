package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/impact"
)

// The annual review is served from snapshots too (report "impact" in report_snapshots, Variant
// the agreement's id, empty for the metropolis): computing it reads five years of figures and
// every pupil's monthly absences (seconds at metro scale), so the page, its PDF and
// `mediation report impact` print the same snapshot and say when it was computed. The refresh
// rules are the metropolitan report's, over what the review reads:
//   - its data: the change stamps of the years it shows and of the next one (the absence
//     windows reach three months on each side of the year, and the monthly indicators raise
//     their year's stamp, migration 0024), added up into one stamp (each only grows, so their
//     sum moves whenever one does); a closed review is refreshed when it moved, a live one
//     (the current year or the one before, whose windows reach into it) when it moved and the
//     snapshot is older than MaxAge, in the background;
//   - what no stamp follows: the unit values of the avoided costs, the agreement reviewed, the
//     partners' names and response times, written as a version (Inputs); a snapshot of other
//     inputs, or of another threshold, is never shown: the next read computes it first, so
//     that an edit shows at once.
//
// The snapshot holds the protected review only (masked counts zeroed), like the metropolitan
// one.

// snapshotImpact is the name of the annual review in report_snapshots.
const snapshotImpact = "impact"

// impactPayload is what a snapshot of the annual review stores: the protected review as it may
// be printed.
type impactPayload struct {
	NoData    bool `json:",omitempty"`
	Agreement *models.AgreementDetail
	UnitCosts []models.UnitCost
	Years     []impactYearPayload
}

type sharePayload struct {
	Num, Den         int
	NumMask, DenMask disclosure.Mask
	Shown            bool
}

type figurePayload struct {
	N    int
	Mask disclosure.Mask
}

type outcomePayload struct {
	Started, Measured, Matched figurePayload
	Fell                       sharePayload
	Naive                      impact.BeforeAfter
	NaiveShown                 bool
	Effect                     impact.Effect
	HasEffect                  bool
}

type objectivePayload struct {
	Objective  models.FundingAgreementObjective
	Reached    sharePayload
	Count      figurePayload
	Met, Shown bool
}

type impactYearPayload struct {
	Year                                      string
	Elapsed                                   int
	InAgreement                               bool
	Establishments, Communes                  int
	Priority, Exits, Outcomes                 disclosure.Protected
	FamiliesMet, Attendance, OnTime, Resolved sharePayload
	FollowUps, Meetings, Referrals, Actions   figurePayload
	Conflicts                                 figurePayload
	Minutes                                   int
	ReplyTime                                 ReplyTime
	ReplyShown                                bool
	Outcome                                   outcomePayload
	Objectives                                []objectivePayload
	Avoided                                   []AvoidedCost
}

func (s Share) payload() sharePayload {
	num, den, _, ok := s.Value()
	return sharePayload{Num: num, Den: den, NumMask: s.numMask, DenMask: s.denMask, Shown: ok}
}

func (p sharePayload) share() Share {
	return Share{num: p.Num, den: p.Den, numMask: p.NumMask, denMask: p.DenMask, shown: p.Shown}
}

func (f Figure) payload() figurePayload {
	n, m := f.Value()
	return figurePayload{N: n, Mask: m}
}

func (p figurePayload) figure() Figure { return Figure{n: p.N, mask: p.Mask} }

// payload keeps of the protected review what may be printed.
func (r Impact) payload() impactPayload {
	p := impactPayload{Agreement: r.Agreement, UnitCosts: r.UnitCosts}
	for _, y := range r.years {
		yp := impactYearPayload{Year: y.Year.String(), Elapsed: y.Elapsed, InAgreement: y.InAgreement,
			Establishments: y.Establishments, Communes: y.Communes,
			Priority: y.priority.Counts(), Exits: y.exits.Counts(), Outcomes: y.outcomes.Counts(),
			FamiliesMet: y.familiesMet.payload(), Attendance: y.attendance.payload(), OnTime: y.onTime.payload(),
			Resolved: y.resolved.payload(), FollowUps: y.followUps.payload(), Meetings: y.meetings.payload(),
			Referrals: y.referrals.payload(), Actions: y.actions.payload(), Conflicts: y.conflicts.payload(),
			Avoided: y.avoided}
		if !y.followUps.mask.Masked() {
			yp.Minutes = y.minutes
		}
		yp.ReplyTime, yp.ReplyShown = y.replyTime.Value()
		o := y.outcome
		yp.Outcome = outcomePayload{Started: o.Started.payload(), Measured: o.Measured.payload(), Matched: o.Matched.payload(),
			Fell: o.Fell.payload()}
		yp.Outcome.Naive, yp.Outcome.NaiveShown = o.Naive()
		yp.Outcome.Effect, yp.Outcome.HasEffect = o.Effect()
		for _, obj := range y.objectives {
			met, shown := obj.Met()
			yp.Objectives = append(yp.Objectives, objectivePayload{Objective: obj.Objective, Reached: obj.Reached.payload(),
				Count: obj.Count.payload(), Met: met, Shown: shown})
		}
		p.Years = append(p.Years, yp)
	}
	return p
}

// impact is the review of a payload.
func (p impactPayload) impact(y calendar.SchoolYear, threshold int) (Impact, error) {
	r := Impact{Year: y, Agreement: p.Agreement, UnitCosts: p.UnitCosts, threshold: threshold}
	for _, yp := range p.Years {
		year, err := calendar.ParseSchoolYear(yp.Year)
		if err != nil {
			return r, err
		}
		o := yp.Outcome
		r.years = append(r.years, ImpactYearReview{Year: year, Elapsed: yp.Elapsed, InAgreement: yp.InAgreement,
			Establishments: yp.Establishments, Communes: yp.Communes,
			priority: Table{yp.Priority}, exits: Table{yp.Exits}, outcomes: Table{yp.Outcomes},
			familiesMet: yp.FamiliesMet.share(), attendance: yp.Attendance.share(), onTime: yp.OnTime.share(),
			resolved: yp.Resolved.share(), followUps: yp.FollowUps.figure(), meetings: yp.Meetings.figure(),
			referrals: yp.Referrals.figure(), actions: yp.Actions.figure(), conflicts: yp.Conflicts.figure(),
			minutes: yp.Minutes, replyTime: Median{rt: yp.ReplyTime, shown: yp.ReplyShown},
			outcome: ProtectedOutcome{Started: o.Started.figure(), Measured: o.Measured.figure(), Matched: o.Matched.figure(),
				Fell: o.Fell.share(), naive: o.Naive, effect: o.Effect, hasEffect: o.HasEffect, measured: o.NaiveShown},
			objectives: objectivesOf(yp.Objectives), avoided: yp.Avoided})
	}
	return r, nil
}

func objectivesOf(ps []objectivePayload) []ProtectedObjective {
	var out []ProtectedObjective
	for _, p := range ps {
		out = append(out, ProtectedObjective{Objective: p.Objective, Reached: p.Reached.share(), Count: p.Count.figure(),
			met: p.Met, shown: p.Shown})
	}
	return out
}

// impactVariant is the Variant of an agreement's review: its id, empty for the metropolis.
func impactVariant(agreementID uint) string {
	if agreementID == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(agreementID), 10)
}

// impactStamp is the stamp of the review of year y: the change stamps of the years it shows
// (up to MaxPreviousYears before) and of the next one, added up in one query. Each stamp is its
// year's own changes plus the later changes of every year up to it; the sum weighs each later
// change by the number of those years it reaches.
func impactStamp(ctx context.Context, db *gorm.DB, y calendar.SchoolYear) (int64, error) {
	lo, hi := y.StartYear-MaxPreviousYears, y.StartYear+1
	var stamp int64
	err := db.WithContext(ctx).Table("report_change_stamps").
		Select("COALESCE(SUM(CASE WHEN year_start >= ? THEN own_changes ELSE 0 END), 0) + "+
			"COALESCE(SUM(later_changes * (? - CASE WHEN year_start < ? THEN ? ELSE year_start END + 1)), 0)", lo, hi, lo, lo).
		Where("year_start <= ?", hi).Scan(&stamp).Error
	if err != nil {
		return 0, fmt.Errorf("reports: change stamp of the review of %s: %w", y, err)
	}
	return stamp, nil
}

// impactInputs is the version of what the review reads besides the year's data: the unit
// values (each one's version: they are never deleted), the partners' names and response times
// (the funder's name, the referrals answered in time), and the agreement reviewed (its
// version, which every edit raises, and its creation, should its id be used again).
func impactInputs(ctx context.Context, db *gorm.DB, agreementID uint) (string, error) {
	db = db.WithContext(ctx)
	h := fnv.New64a()
	var costs []struct{ ID, Version int64 }
	if err := db.Table("unit_costs").Select("id, version").Order("id").Scan(&costs).Error; err != nil {
		return "", fmt.Errorf("reports: version of the unit costs: %w", err)
	}
	for _, c := range costs {
		fmt.Fprintf(h, "c%d:%d;", c.ID, c.Version)
	}
	var partners []struct {
		ID           int64
		Name         string
		ResponseDays int
	}
	if err := db.Table("partner_organisations").Select("id, name, response_days").Order("id").Scan(&partners).Error; err != nil {
		return "", fmt.Errorf("reports: version of the partners: %w", err)
	}
	for _, p := range partners {
		fmt.Fprintf(h, "p%d:%q:%d;", p.ID, p.Name, p.ResponseDays)
	}
	if agreementID != 0 {
		var a models.FundingAgreement
		if err := db.Select("id, version, created_at").Take(&a, agreementID).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return "", fmt.Errorf("reports: version of agreement %d: %w", agreementID, err)
		}
		fmt.Fprintf(h, "a%d:%d:%d;", a.ID, a.Version, a.CreatedAt.UnixMicro())
	}
	return strconv.FormatUint(h.Sum64(), 16), nil
}

// ImpactYears are the school years the review may be asked for, newest first: those with
// figures up to the current one (for an agreement, within its years).
func (r Impact) ImpactYears() []calendar.SchoolYear { return r.pickable }

// Impact returns the annual review of the year for the metropolis (agreementID 0) or an
// agreement, for a reader of scope s, from its snapshot: as LoadImpactReview, but computed once
// and shared (see above). fresh computes it now and stores it, whoever holds the lease (the
// command line). A review the reader may not read is models.ErrNotFound; a year after the
// current one or outside the agreement's is ErrNoData.
func (s *Snapshots) Impact(ctx context.Context, scope models.Scope, y calendar.SchoolYear, agreementID uint, fresh bool) (Impact, error) {
	now := s.Now()
	out := Impact{Year: y}
	if agreementID == 0 && scope.Role != models.RoleCoordinator && scope.Role != models.RoleAdmin {
		return out, models.ErrNotFound
	}
	var agreement *models.AgreementDetail
	if agreementID != 0 {
		a, err := models.LoadFundingAgreement(ctx, s.DB, scope, agreementID)
		if err != nil {
			return out, err
		}
		agreement, out.Agreement = &a, &a
	}
	threshold, err := models.LoadSmallCountThreshold(ctx, s.DB)
	if err != nil {
		return out, err
	}
	out.threshold = threshold
	years, err := reportYears(ctx, s.DB, now, func(q *gorm.DB) *gorm.DB { return q })
	if err != nil {
		return out, err
	}
	if agreement != nil {
		years = slices.DeleteFunc(years, func(y calendar.SchoolYear) bool {
			return y.StartYear < agreement.FirstYear || y.StartYear > agreement.LastYear
		})
	}
	out.pickable = years
	if err := checkYear(y, now); err != nil {
		return out, err
	}
	if agreement != nil && (y.StartYear < agreement.FirstYear || y.StartYear > agreement.LastYear) {
		return out, ErrNoData
	}
	if !slices.Contains(years, y) {
		// Before the first file: nothing to review (and no row for every year anyone types).
		return out, ErrNoData
	}
	variant := impactVariant(agreementID)
	inputs, err := impactInputs(ctx, s.DB, agreementID)
	if err != nil {
		return out, err
	}
	job := impactJob{s: s, y: y, agreementID: agreementID, variant: variant}
	var snap reportSnapshot
	if fresh {
		if snap, err = s.ensureKey(ctx, snapshotImpact, variant, y); err == nil {
			snap, err = job.compute(ctx, snap)
		}
	} else {
		var found bool
		if snap, found, err = s.readKey(ctx, snapshotImpact, variant, y, true); err != nil {
			return out, err
		}
		if !found || snap.Stamp < 0 || snap.Threshold != threshold || snap.Inputs != inputs {
			var v any
			v, err, _ = s.flight.Do(job.key(), func() (any, error) {
				return s.firstComputationOf(ctx, func(ctx context.Context) (reportSnapshot, error) {
					return s.ensureKey(ctx, snapshotImpact, variant, y)
				}, func(snap reportSnapshot) bool {
					return snap.Stamp >= 0 && snap.Threshold == threshold && snap.Inputs == inputs
				}, job.compute)
			})
			if err == nil {
				snap = v.(reportSnapshot)
			}
		} else {
			var stale bool
			if stale, err = job.stale(ctx, snap, now); err == nil && stale {
				s.runLater(job.key(), "annual review not refreshed", job.refresh)
			}
		}
	}
	if err != nil {
		return out, err
	}
	var p impactPayload
	if err := json.Unmarshal([]byte(snap.Payload), &p); err != nil {
		return out, fmt.Errorf("reports: snapshot %d: %w", snap.ID, err)
	}
	if p.NoData {
		return out, ErrNoData
	}
	r, err := p.impact(y, snap.Threshold)
	if err != nil {
		return out, fmt.Errorf("reports: snapshot %d: %w", snap.ID, err)
	}
	r.pickable, r.ComputedAt = years, snap.ComputedAt
	return r, nil
}

// impactJob computes and refreshes one review's snapshot.
type impactJob struct {
	s           *Snapshots
	y           calendar.SchoolYear
	agreementID uint
	variant     string
}

func (j impactJob) key() string { return snapshotImpact + "/" + j.y.String() + "/" + j.variant }

// stale tells whether a usable snapshot should be refreshed (see above).
func (j impactJob) stale(ctx context.Context, snap reportSnapshot, now time.Time) (bool, error) {
	if snap.Elapsed != monthsElapsed(j.y, now) {
		return true, nil
	}
	live := j.y.StartYear+1 >= calendar.SchoolYearOf(now).StartYear
	if live && now.Sub(snap.ComputedAt) < j.s.MaxAge {
		return false, nil
	}
	stamp, err := impactStamp(ctx, j.s.DB, j.y)
	return stamp != snap.Stamp, err
}

// refresh computes the snapshot in the background if this instance takes its lease.
func (j impactJob) refresh(ctx context.Context) error {
	snap, err := j.s.ensureKey(ctx, snapshotImpact, j.variant, j.y)
	if err != nil {
		return err
	}
	took, err := j.s.takeLease(ctx, snap)
	if took {
		_, err = j.compute(ctx, snap)
	}
	return err
}

// compute computes the review as the coordination reads it and stores it, releasing the
// lease. The stamp and the inputs are read before the figures: a change committed in between
// makes the snapshot look stale, never fresh.
func (j impactJob) compute(ctx context.Context, snap reportSnapshot) (out reportSnapshot, err error) {
	s := j.s
	defer func() {
		if err != nil {
			release := s.DB.WithContext(context.WithoutCancel(ctx)).Model(&reportSnapshot{}).Where("id = ?", snap.ID).
				Update("refreshing_until", nil)
			err = errors.Join(err, release.Error)
		}
	}()
	s.computed.Add(1)
	stamp, err := impactStamp(ctx, s.DB, j.y)
	if err != nil {
		return snap, err
	}
	inputs, err := impactInputs(ctx, s.DB, j.agreementID)
	if err != nil {
		return snap, err
	}
	threshold, err := models.LoadSmallCountThreshold(ctx, s.DB)
	if err != nil {
		return snap, err
	}
	now := s.Now()
	f, err := loadImpact(ctx, s.DB, j.y, j.agreementID, now)
	var p impactPayload
	switch {
	case errors.Is(err, ErrNoData):
		p = impactPayload{NoData: true}
	case err != nil:
		return snap, err
	default:
		p = ProtectImpact(f, threshold).payload()
	}
	b, err := json.Marshal(p)
	if err != nil {
		return snap, fmt.Errorf("reports: encode the review of %s: %w", j.y, err)
	}
	snap.Threshold, snap.Stamp, snap.Inputs, snap.Elapsed, snap.ComputedAt, snap.Payload, snap.RefreshingUntil =
		threshold, stamp, inputs, monthsElapsed(j.y, now), now.UTC().Truncate(time.Microsecond), string(b), nil
	err = s.DB.WithContext(ctx).Model(&reportSnapshot{}).Where("id = ?", snap.ID).Updates(map[string]any{
		"threshold": snap.Threshold, "stamp": snap.Stamp, "inputs": snap.Inputs, "elapsed": snap.Elapsed,
		"computed_at": snap.ComputedAt, "payload": snap.Payload, "refreshing_until": nil}).Error
	if err != nil {
		return snap, fmt.Errorf("reports: store the review of %s: %w", j.y, err)
	}
	return snap, nil
}

// WarmImpact refreshes the metropolis's review of the year in the background when its snapshot
// is missing, unusable or stale, without waiting: the housekeeping calls it for the current
// year and the one before (the one the funding round table reads), so that the first reader
// after a change of the data, of a unit value or of the threshold does not wait.
func (s *Snapshots) WarmImpact(ctx context.Context, y calendar.SchoolYear) error {
	now := s.Now()
	if checkYear(y, now) != nil {
		return nil
	}
	threshold, err := models.LoadSmallCountThreshold(ctx, s.DB)
	if err != nil {
		return err
	}
	inputs, err := impactInputs(ctx, s.DB, 0)
	if err != nil {
		return err
	}
	snap, found, err := s.readKey(ctx, snapshotImpact, "", y, false)
	if err != nil {
		return err
	}
	job := impactJob{s: s, y: y}
	stale := !found || snap.Stamp < 0 || snap.Threshold != threshold || snap.Inputs != inputs
	if !stale {
		if stale, err = job.stale(ctx, snap, now); err != nil {
			return err
		}
	}
	if stale {
		s.runLater(job.key(), "annual review not refreshed", job.refresh)
	}
	return nil
}
