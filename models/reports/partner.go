package reports

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// KeyCount is one line of a breakdown: a key (an enumeration value or a name) and its count.
type KeyCount struct {
	Key string
	N   int
}

// PartnerFigures are the anonymised figures of the referrals addressed to one partner
// organisation and sent in a school year.
type PartnerFigures struct {
	Partner models.PartnerOrganisation
	Year    calendar.SchoolYear
	Years   []calendar.SchoolYear
	// Elapsed is the number of months of the year begun at the time of the report.
	Elapsed int
	// Sent counts the referrals sent in the year (every status).
	Sent        int
	SentByMonth [12]int
	ByStatus    map[models.ReferralStatus]int
	ByReason    map[models.ReferralReason]int
	// ByOutcome counts the closed referrals by outcome.
	ByOutcome    map[models.ReferralOutcome]int
	ReplyTime    ReplyTime
	OnTime       int // acknowledged within the partner's response time
	Overdue      int // still waiting for acknowledgement past the response time today
	AnswerMedian ReplyTime
	// ByEstablishment counts the referrals by sending establishment, by name.
	ByEstablishment []KeyCount
	// Actions counts the collective actions of the year the partner took part in, by kind code
	// (ActionKinds: the catalogue, in its order), every establishment together.
	Actions     map[string]ActionFigures
	ActionKinds []models.ActivityKind
	// Anonymised is the part of these counts (statuses, outcomes, reasons, months,
	// establishments with the same keys, on time, overdue) made of the referrals whose file has
	// since been anonymised: the partner no longer sees them one by one in its inbox. Nil when
	// there is none.
	Anonymised *PartnerFigures
}

// anonymisedPart returns f.Anonymised, made on first use with the same keys as f.
func (f *PartnerFigures) anonymisedPart() *PartnerFigures {
	if f.Anonymised == nil {
		f.Anonymised = &PartnerFigures{Partner: f.Partner, Year: f.Year, Elapsed: f.Elapsed, ByStatus: map[models.ReferralStatus]int{},
			ByReason: map[models.ReferralReason]int{}, ByOutcome: map[models.ReferralOutcome]int{}}
	}
	return f.Anonymised
}

// PartnerByName finds a partner organisation by its exact name (case-insensitive), or
// models.ErrNotFound.
func PartnerByName(ctx context.Context, db *gorm.DB, name string) (models.PartnerOrganisation, error) {
	var p models.PartnerOrganisation
	err := db.WithContext(ctx).Where("LOWER(name) = ?", strings.ToLower(strings.TrimSpace(name))).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, models.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("reports: partner %q: %w", name, err)
	}
	return p, nil
}

// partnerScope tells whether the scope may read the anonymised report of the partner: its own
// agents, and the coordination.
func partnerScope(s models.Scope, partnerID uint) bool {
	return s.Role == models.RoleCoordinator || (s.Role == models.RolePartner && s.PartnerID == partnerID)
}

// loadPartnerFigures computes the figures of the referrals sent to the partner in the year,
// for a scope allowed to read them (else models.ErrNotFound), or ErrNoData.
func loadPartnerFigures(ctx context.Context, db *gorm.DB, s models.Scope, partnerID uint, y calendar.SchoolYear, now time.Time) (PartnerFigures, error) {
	f := PartnerFigures{Year: y, Elapsed: monthsElapsed(y, now), ByStatus: map[models.ReferralStatus]int{}, ByReason: map[models.ReferralReason]int{},
		ByOutcome: map[models.ReferralOutcome]int{}}
	if !partnerScope(s, partnerID) {
		return f, models.ErrNotFound
	}
	p, err := models.PartnerByID(ctx, db, partnerID)
	if err != nil {
		return f, err
	}
	f.Partner = p
	db = db.WithContext(ctx)
	start, end := y.Start().UTC(), y.End().UTC()
	sent := func() *gorm.DB {
		return db.Table("referrals").Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
			Where("referrals.partner_organisation_id = ? AND "+models.ReachedPartner+" AND referrals.sent_at >= ? AND referrals.sent_at < ?",
				partnerID, start, end)
	}
	f.Years, err = reportYears(ctx, db, now, func(q *gorm.DB) *gorm.DB {
		return q.Where("pupils.id IN (?)", db.Session(&gorm.Session{NewDB: true}).Table("referrals").Select("pupil_id").
			Where("referrals.partner_organisation_id = ? AND "+models.ReachedPartner, partnerID))
	})
	if err != nil {
		return f, err
	}
	if err := checkYear(y, now); err != nil {
		return f, err
	}

	var rows []struct {
		Status  models.ReferralStatus
		Reason  models.ReferralReason
		Outcome *models.ReferralOutcome
		Month   string
		Gone    int
		N       int
	}
	dialect := db.Dialector.Name()
	month := monthOfDateSQL(dialect, models.ParisDateSQL(dialect, "referrals.sent_at"))
	if err := sent().Select("referrals.status, referrals.reason, referrals.outcome, " + month + " AS month, " + goneSQL + " AS gone, COUNT(*) AS n").
		Group("referrals.status, referrals.reason, referrals.outcome, " + month + ", " + goneSQL).Scan(&rows).Error; err != nil {
		return f, fmt.Errorf("reports: referrals to partner %d in %s: %w", partnerID, y, err)
	}
	for _, r := range rows {
		f.addReferrals(y, r.Status, r.Reason, r.Outcome, r.Month, r.N)
		if r.Gone == 1 {
			f.anonymisedPart().addReferrals(y, r.Status, r.Reason, r.Outcome, r.Month, r.N)
		}
	}
	if f.Actions, err = partnerActions(ctx, db, partnerID, y); err != nil {
		return f, err
	}
	if f.Sent == 0 && len(f.Actions) == 0 {
		return f, ErrNoData
	}
	if f.ActionKinds, err = ActivityKinds(ctx, db); err != nil {
		return f, err
	}

	var byEst []struct {
		Name    string
		Commune string
		UAI     string
		N       int
		Gone    int
	}
	if err := sent().Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Select("establishments.name, establishments.commune, establishments.uai, COUNT(*) AS n, SUM(" + goneSQL + ") AS gone").
		Group("establishments.id, establishments.name, establishments.commune, establishments.uai").
		Scan(&byEst).Error; err != nil {
		return f, fmt.Errorf("reports: referrals to partner %d by establishment: %w", partnerID, err)
	}
	french := models.FrenchOrder()
	sort.SliceStable(byEst, func(i, j int) bool {
		return french(byEst[i].Name+" ("+byEst[i].Commune+", "+byEst[i].UAI+")") < french(byEst[j].Name+" ("+byEst[j].Commune+", "+byEst[j].UAI+")")
	})
	for _, r := range byEst {
		key := r.Name + " (" + r.Commune + ", " + r.UAI + ")"
		f.ByEstablishment = append(f.ByEstablishment, KeyCount{Key: key, N: r.N})
		if f.Anonymised != nil {
			f.Anonymised.ByEstablishment = append(f.Anonymised.ByEstablishment, KeyCount{Key: key, N: r.Gone})
		}
	}

	byPartner := func(q *gorm.DB) *gorm.DB { return q.Where("referrals.partner_organisation_id = ?", partnerID) }
	if f.ReplyTime, err = medianReplyTime(ctx, db, y, byPartner); err != nil {
		return f, err
	}
	if f.AnswerMedian, err = medianDays(ctx, db, y, "referrals.answered_at", byPartner); err != nil {
		return f, err
	}
	var timing struct {
		OnTime      int
		Overdue     int
		GoneOnTime  int
		GoneOverdue int
	}
	overdue, args := models.OverdueSQL(db, now)
	onTime := replyDaysSQL(db.Dialector.Name(), "referrals.acknowledged_at") + " <= partner_organisations.response_days"
	err = sent().Joins("JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id").
		Select("COALESCE(SUM(CASE WHEN referrals.acknowledged_at IS NOT NULL AND "+onTime+" THEN 1 ELSE 0 END), 0) AS on_time, "+
			"COALESCE(SUM(CASE WHEN "+overdue+" THEN 1 ELSE 0 END), 0) AS overdue, "+
			"COALESCE(SUM(CASE WHEN referrals.acknowledged_at IS NOT NULL AND "+onTime+" THEN "+goneSQL+" ELSE 0 END), 0) AS gone_on_time, "+
			"COALESCE(SUM(CASE WHEN "+overdue+" THEN "+goneSQL+" ELSE 0 END), 0) AS gone_overdue", append(args, args...)...).Scan(&timing).Error
	if err != nil {
		return f, fmt.Errorf("reports: reply times of partner %d: %w", partnerID, err)
	}
	f.OnTime, f.Overdue = timing.OnTime, timing.Overdue
	if f.Anonymised != nil {
		f.Anonymised.OnTime, f.Anonymised.Overdue = timing.GoneOnTime, timing.GoneOverdue
	}
	return f, nil
}

// goneSQL is 1 for a referral whose file has been anonymised, else 0 (pupils joined).
const goneSQL = "CASE WHEN pupils.anonymised_at IS NULL THEN 0 ELSE 1 END"

// addReferrals counts n referrals of one status, reason, outcome and month of year y.
func (f *PartnerFigures) addReferrals(y calendar.SchoolYear, st models.ReferralStatus, reason models.ReferralReason, outcome *models.ReferralOutcome, month string, n int) {
	f.Sent += n
	f.ByStatus[st] += n
	f.ByReason[reason] += n
	if outcome != nil {
		f.ByOutcome[*outcome] += n
	}
	if i := yearMonth(y, month); i >= 0 {
		f.SentByMonth[i] += n
	}
}

// partnerActions counts the collective actions held in the year that the partner took part in,
// by kind, with their participants and minutes.
func partnerActions(ctx context.Context, db *gorm.DB, partnerID uint, y calendar.SchoolYear) (map[string]ActionFigures, error) {
	var rows []struct {
		Code string
		ActionFigures
	}
	err := db.WithContext(ctx).Table("activities").
		Select("activity_kinds.code, COUNT(*) AS actions, COALESCE(SUM(activities.pupils), 0) AS pupils, "+
			"COALESCE(SUM(activities.parents), 0) AS parents, COALESCE(SUM(activities.staff), 0) AS staff, "+
			"COALESCE(SUM(activities.duration_minutes), 0) AS minutes").
		Joins("JOIN activity_kinds ON activity_kinds.id = activities.kind_id").
		Joins("JOIN activity_partners ON activity_partners.activity_id = activities.id").
		Where("activity_partners.partner_organisation_id = ? AND activities.held_on >= ? AND activities.held_on <= ?",
			partnerID, calendar.Date(y.Start()), calendar.Date(y.LastDay())).
		Group("activity_kinds.code").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reports: collective actions with partner %d in %s: %w", partnerID, y, err)
	}
	out := map[string]ActionFigures{}
	for _, r := range rows {
		out[r.Code] = r.ActionFigures
	}
	return out, nil
}
