package reports

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
)

// PartnerReferrals counts the referrals of the year addressed to one partner, by status.
type PartnerReferrals struct {
	PartnerID uint
	Partner   string
	ByStatus  map[models.ReferralStatus]int
}

// Total is the number of referrals to the partner.
func (p PartnerReferrals) Total() int { return sumMap(p.ByStatus) }

// SummaryPupil is a line of the list of pupils followed in the establishment summary.
type SummaryPupil struct {
	ID           uint
	LastName     string
	FirstName    string
	ClassLevel   models.ClassLevel
	ClassName    string
	Status       models.PupilStatus
	RiskLevel    risk.Level
	ReferentName string
	FollowUps    int
	LastFollowUp calendar.DBTime
}

// EstablishmentSummary is the establishment's dashboard and summary report for a school year.
type EstablishmentSummary struct {
	Establishment models.Establishment
	Year          calendar.SchoolYear
	// Years are the school years that can be chosen, newest first.
	Years []calendar.SchoolYear
	// Elapsed is the number of months of the year begun at the time of the report.
	Elapsed int
	Activity
	ReferralsByPartner []PartnerReferrals
	ReplyTime          ReplyTime
	// ActivityKinds is the catalogue of the kinds of collective actions, in its order.
	ActivityKinds []models.ActivityKind
	// Pupils is the nominative list of the files followed in the year (the PDF prints it;
	// it stays inside the establishment).
	Pupils []SummaryPupil
}

// EstablishmentByUAI loads an establishment by its UAI, or models.ErrNotFound.
func EstablishmentByUAI(ctx context.Context, db *gorm.DB, uai string) (models.Establishment, error) {
	var e models.Establishment
	err := db.WithContext(ctx).Where("uai = ?", uai).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, models.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("reports: establishment %s: %w", uai, err)
	}
	return e, nil
}

// LoadEstablishmentSummary computes the figures of an establishment the scope covers for the
// year, or models.ErrNotFound (unknown, or outside the scope), or ErrNoData (nothing that year).
// withPupils adds the nominative list of files followed.
//
// On PostgreSQL its statements are planned for their values every time (plan_cache_mode =
// force_custom_plan, for this transaction only): a plan made for any establishment and any
// year reads the year's rows of the whole metropolis through the date indexes of the
// metropolitan figures, 7 ms instead of 1 ms for the busiest establishment at metro scale.
func LoadEstablishmentSummary(ctx context.Context, db *gorm.DB, s models.Scope, uai string, y calendar.SchoolYear, now time.Time, withPupils bool) (EstablishmentSummary, error) {
	if db.Dialector.Name() != "postgres" {
		return loadEstablishmentSummary(ctx, db, s, uai, y, now, withPupils)
	}
	var sum EstablishmentSummary
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return err
		}
		var err error
		sum, err = loadEstablishmentSummary(ctx, tx, s, uai, y, now, withPupils)
		return err
	})
	return sum, err
}

func loadEstablishmentSummary(ctx context.Context, db *gorm.DB, s models.Scope, uai string, y calendar.SchoolYear, now time.Time, withPupils bool) (EstablishmentSummary, error) {
	var sum EstablishmentSummary
	e, err := EstablishmentByUAI(ctx, db, uai)
	if err != nil {
		return sum, err
	}
	if !s.CoversEstablishment(e.ID) {
		return sum, models.ErrNotFound
	}
	sum.Establishment, sum.Year, sum.Elapsed = e, y, monthsElapsed(y, now)
	ids := []uint{e.ID}
	sum.Years, err = reportYears(ctx, db, now, func(q *gorm.DB) *gorm.DB { return q.Where("pupils.establishment_id = ?", e.ID) })
	if err != nil {
		return sum, err
	}
	if err := checkYear(y, now); err != nil {
		return sum, err
	}
	acts, err := activityOf(ctx, db, ids, y, now, countedApart{files: withPupils, referrals: true})
	if err != nil {
		return sum, err
	}
	if a := acts[e.ID]; a != nil {
		sum.Activity = *a
	} else {
		sum.Activity = *newActivity()
	}
	if withPupils {
		// The list of files followed and their count by status and risk, from one statement.
		files, err := pupilsFollowed(ctx, db, s, e.ID, y)
		if err != nil {
			return sum, err
		}
		for _, f := range files {
			sum.StatusRisk[f.Status][f.RiskLevel]++
			if !f.Anonymised {
				sum.Pupils = append(sum.Pupils, f.SummaryPupil)
			}
		}
	}
	sum.ReferralsByStatus, sum.ReferralsByPartner, sum.ReplyTime, err = establishmentReferrals(ctx, db, ids, y)
	if err != nil {
		return sum, err
	}
	if sum.Activity.Empty() {
		return sum, ErrNoData
	}
	if sum.ActivityKinds, err = ActivityKinds(ctx, db); err != nil {
		return sum, err
	}
	return sum, nil
}

// establishmentReferrals reads the referrals sent in the year from the establishments' files
// once, counted by partner, status and number of days to acknowledgement, and derives from
// these counts the three figures that were three statements, each reading the files and their
// referrals again: the referrals by status (as activityByEstablishment counts them), by
// partner and status, and the median reply time (as medianReplyTime computes it: the mean of
// the one or two middle values of the sorted days).
func establishmentReferrals(ctx context.Context, db *gorm.DB, ids []uint, y calendar.SchoolYear) (map[models.ReferralStatus]int, []PartnerReferrals, ReplyTime, error) {
	db = db.WithContext(ctx)
	var rows []struct {
		PartnerID uint
		Partner   string
		Status    models.ReferralStatus
		Days      *int
		N         int
	}
	days := replyDaysSQL(db.Dialector.Name(), "referrals.acknowledged_at")
	counts := recordCounts{table: "referrals",
		keys:  []column{{"referrals.partner_organisation_id", "partner_id"}, {"referrals.status", "status"}, {days, "days"}},
		sums:  []column{{"COUNT(*)", "n"}},
		where: "referrals.sent_at >= ? AND referrals.sent_at < ?", args: []any{y.Start().UTC(), y.End().UTC()},
	}.query(db, ids)
	err := db.Table("(?) AS c", counts).
		Select("c.partner_id, partner_organisations.name AS partner, c.status, c.days, c.n").
		Joins("JOIN partner_organisations ON partner_organisations.id = c.partner_id").
		Scan(&rows).Error
	if err != nil {
		return nil, nil, ReplyTime{}, fmt.Errorf("reports: referrals in %s: %w", y, err)
	}
	byStatus := map[models.ReferralStatus]int{}
	var byPartner []PartnerReferrals
	index := map[uint]int{}
	var acknowledged []struct{ d, n int }
	var rt ReplyTime
	for _, r := range rows {
		byStatus[r.Status] += r.N
		i, ok := index[r.PartnerID]
		if !ok {
			i = len(byPartner)
			index[r.PartnerID] = i
			byPartner = append(byPartner, PartnerReferrals{PartnerID: r.PartnerID, Partner: r.Partner, ByStatus: map[models.ReferralStatus]int{}})
		}
		byPartner[i].ByStatus[r.Status] += r.N
		if r.Days != nil {
			acknowledged = append(acknowledged, struct{ d, n int }{*r.Days, r.N})
			rt.Acknowledged += r.N
		}
	}
	sort.Slice(acknowledged, func(i, j int) bool { return acknowledged[i].d < acknowledged[j].d })
	if c := rt.Acknowledged; c > 0 {
		rt.MedianDays = float64(nth(acknowledged, (c+1)/2)+nth(acknowledged, (c+2)/2)) / 2
	}
	french := models.FrenchOrder()
	sort.Slice(byPartner, func(i, j int) bool {
		if byPartner[i].Total() != byPartner[j].Total() {
			return byPartner[i].Total() > byPartner[j].Total()
		}
		return french(byPartner[i].Partner) < french(byPartner[j].Partner)
	})
	return byStatus, byPartner, rt, nil
}

// nth is the k-th value (from 1) of a sorted list given as values and their counts.
func nth(values []struct{ d, n int }, k int) int {
	for _, v := range values {
		if k <= v.n {
			return v.d
		}
		k -= v.n
	}
	return 0
}

// fileFollowed is a file followed in the year, as the establishment summary counts it (all
// of them) and lists it (those not anonymised).
type fileFollowed struct {
	SummaryPupil
	Anonymised bool
}

// pupilsFollowed reads the files of the establishment followed in the year, with their status
// at the end of the year and the follow-ups of the year the scope may see, by name: the
// summary counts them by status and risk, and lists those not anonymised (anonymised files
// are counted in the figures but not listed: what is left of them could still point to a
// pupil). It selects the files as the count by status of activityByEstablishment does.
//
// On PostgreSQL each file reads its last status change before the end of the year (one index
// row, read backwards) and counts its own follow-ups of the year: the anti-join probed every
// change of every file for a later one, and the counts grouped the follow-ups of all the
// establishment's files, closed ones too (the busiest establishment at metro scale: 2,455
// buffers for the list and 758 for the count by status before, 1,082 for both now). SQLite
// has no LATERAL: the anti-join and the grouped counts.
func pupilsFollowed(ctx context.Context, db *gorm.DB, s models.Scope, establishmentID uint, y calendar.SchoolYear) ([]fileFollowed, error) {
	dayStart, dayEnd := calendar.Date(y.Start()), calendar.Date(y.End())
	start, end := y.Start().UTC(), y.End().UTC()
	fresh := db.Session(&gorm.Session{NewDB: true})
	var q *gorm.DB
	if db.Dialector.Name() == models.DialectPostgres {
		counts := models.VisibleFollowUps(fresh.Table("follow_ups"), s).
			Select("COUNT(*) AS n, MAX(follow_ups.occurred_on) AS last_on").
			Where("follow_ups.pupil_id = pupils.id AND follow_ups.occurred_on >= ? AND follow_ups.occurred_on < ?", dayStart, dayEnd)
		q = db.WithContext(ctx).Table("pupils").
			Select("pupils.id, pupils.last_name, pupils.first_name, pupils.class_level, pupils.class_name, "+
				"s.to_status AS status, pupils.risk_level, users.display_name AS referent_name, "+
				"f.n AS follow_ups, f.last_on AS last_follow_up, pupils.anonymised_at IS NOT NULL AS anonymised").
			Joins(`JOIN LATERAL (SELECT c.to_status, c.changed_at FROM pupil_status_changes c
				WHERE c.pupil_id = pupils.id AND c.changed_at < ? ORDER BY c.changed_at DESC, c.id DESC LIMIT 1) AS s ON true`, end).
			Joins("LEFT JOIN users ON users.id = pupils.referent_mediator_id").
			Joins("CROSS JOIN LATERAL (?) AS f", counts).
			Where("pupils.establishment_id = ?", establishmentID).
			Where("s.to_status <> ? OR s.changed_at >= ?", models.StatusClosed, start)
	} else {
		counts := models.VisibleFollowUps(fresh.Table("follow_ups"), s).
			Select("follow_ups.pupil_id, COUNT(*) AS n, MAX(follow_ups.occurred_on) AS last_on").
			Where("follow_ups.occurred_on >= ? AND follow_ups.occurred_on < ?", dayStart, dayEnd).
			Where("follow_ups.pupil_id IN (?)", fresh.Table("pupils").Select("id").Where("establishment_id = ?", establishmentID)).
			Group("follow_ups.pupil_id")
		q = statusAtEnd(db.WithContext(ctx).Table("pupils").
			Select("pupils.id, pupils.last_name, pupils.first_name, pupils.class_level, pupils.class_name, "+
				"pupil_status_changes.to_status AS status, pupils.risk_level, users.display_name AS referent_name, "+
				"COALESCE(f.n, 0) AS follow_ups, f.last_on AS last_follow_up, pupils.anonymised_at IS NOT NULL AS anonymised").
			Joins("JOIN pupil_status_changes ON pupil_status_changes.pupil_id = pupils.id").
			Joins("LEFT JOIN users ON users.id = pupils.referent_mediator_id").
			Joins("LEFT JOIN (?) AS f ON f.pupil_id = pupils.id", counts).
			Where("pupils.establishment_id = ?", establishmentID), end).
			Where("pupil_status_changes.to_status <> ? OR pupil_status_changes.changed_at >= ?", models.StatusClosed, start)
	}
	var out []fileFollowed
	if err := q.Order("pupils.search_name, pupils.last_name, pupils.first_name, pupils.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("reports: pupils followed in %s: %w", y, err)
	}
	return out, nil
}
