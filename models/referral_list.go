package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// ReferralRow is a referral as a list shows it: the pupil, the establishment, the organisation,
// the sender, and whether it is overdue, all joined in the list's query.
type ReferralRow struct {
	Referral
	PupilLastName     string
	PupilFirstName    string
	PupilClassLevel   ClassLevel
	PupilClassName    string
	EstablishmentID   uint
	EstablishmentName string
	PartnerName       string
	ResponseDays      int
	SenderName        string
	// Overdue is computed by the query; see OverdueSQL.
	Overdue bool
	// LastAnswerAt is when the partner last acted (worklist's answered list only).
	LastAnswerAt calendar.DBTime
}

// ReplyDue is the last day on which a sent referral is acknowledged in time, or nil when it is
// not waiting for an acknowledgement.
func (r ReferralRow) ReplyDue() *time.Time {
	if r.Status != ReferralSent || r.SentAt == nil {
		return nil
	}
	d := ReplyDueOn(*r.SentAt, r.ResponseDays)
	return &d
}

// ReplyDueOn is the last day (a civil date, midnight UTC) on which a referral sent at sentAt is
// acknowledged in time: responseDays calendar days after the Paris date it was sent on.
func ReplyDueOn(sentAt time.Time, responseDays int) time.Time {
	return calendar.Date(sentAt.In(calendar.Paris)).AddDate(0, 0, responseDays)
}

// ReferralOverdue tells whether a referral is overdue on the Paris date of now: sent, not
// acknowledged, and past the last day of its organisation's response time. A referral sent on
// 2 November to an organisation that answers in 15 days is on time until 17 November included,
// overdue from 18 November. OverdueSQL is the same rule for lists.
func ReferralOverdue(status ReferralStatus, sentAt *time.Time, responseDays int, now time.Time) bool {
	return status == ReferralSent && sentAt != nil && calendar.Today(now).After(ReplyDueOn(*sentAt, responseDays))
}

// ParisDateSQL is the SQL for the Paris civil date of a timestamp column, as 'YYYY-MM-DD' text
// on SQLite and a date on PostgreSQL. SQLite has no time zones: the offset follows the EU rule
// (summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC).
func ParisDateSQL(dialect, column string) string {
	if dialect == DialectPostgres {
		return "(" + column + " AT TIME ZONE 'Europe/Paris')::date"
	}
	summer := func(month string) string {
		return "datetime(date(strftime('%Y', " + column + ") || '-" + month + "-25', 'weekday 0'), '+1 hour')"
	}
	return "date(" + column + ", CASE WHEN datetime(" + column + ") >= " + summer("03") +
		" AND datetime(" + column + ") < " + summer("10") + " THEN '+2 hours' ELSE '+1 hours' END)"
}

// OverdueSQL is a boolean SQL expression, true for an overdue referral (the rule of
// ReferralOverdue) on the Paris date of now; it needs the referral's organisation joined as
// partner_organisations, and takes its argument from the returned slice.
func OverdueSQL(db *gorm.DB, now time.Time) (string, []any) {
	sent := ParisDateSQL(db.Dialector.Name(), "referrals.sent_at")
	today := calendar.Today(now).Format(time.DateOnly)
	if db.Dialector.Name() == DialectPostgres {
		return "(referrals.status = 'sent' AND " + sent + " + CAST(partner_organisations.response_days AS integer) < CAST(? AS date))", []any{today}
	}
	return "(referrals.status = 'sent' AND date(" + sent + ", '+' || partner_organisations.response_days || ' days') < ?)", []any{today}
}

// referralColumns are the columns of a ReferralRow, from the joins of referralRows.
const referralColumns = "referrals.*, pupils.last_name AS pupil_last_name, pupils.first_name AS pupil_first_name, " +
	"pupils.class_level AS pupil_class_level, pupils.class_name AS pupil_class_name, pupils.establishment_id, " +
	"establishments.name AS establishment_name, partner_organisations.name AS partner_name, " +
	"partner_organisations.response_days, users.display_name AS sender_name"

// OverdueSentBefore is ReferralOverdue's rule for one organisation as a bound on the sending
// time: on the Paris date of now, a referral to an organisation that answers in responseDays
// days is overdue when it is still sent (not acknowledged) and was sent before the returned
// instant, midnight in Paris responseDays days before today.
func OverdueSentBefore(now time.Time, responseDays int) time.Time {
	y, m, d := calendar.Today(now).Date()
	return time.Date(y, m, d-responseDays, 0, 0, 0, 0, calendar.Paris).UTC()
}

// referralJoins joins to referrals what a ReferralRow shows.
const referralJoins = "JOIN pupils ON pupils.id = referrals.pupil_id " +
	"JOIN establishments ON establishments.id = pupils.establishment_id " +
	"JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id " +
	"LEFT JOIN users ON users.id = referrals.sender_id"

// referralRows selects the rows of a referral list from the scope's referrals, with everything
// a row shows joined once, and the overdue mark computed by the query; extra (with its
// arguments) adds columns. Referrals of anonymised files are left out.
func referralRows(db *gorm.DB, s Scope, now time.Time, extra string, extraArgs ...any) *gorm.DB {
	overdue, args := OverdueSQL(db, now)
	return s.ReferralsJoined(db.Table("referrals")).
		Select(referralColumns+", "+overdue+" AS overdue"+extra, append(args, extraArgs...)...).
		Joins(referralJoins).
		Where("pupils.anonymised_at IS NULL")
}

// ReferralFilter narrows the referral list.
type ReferralFilter struct {
	Status          ReferralStatus
	EstablishmentID uint
	// Overdue keeps only the overdue referrals.
	Overdue bool
	Page    int
}

// ReferralsPerPage is the length of a page of the referral list.
const ReferralsPerPage = 50

// ReferralList is a page of referrals and the number that match.
type ReferralList struct {
	Rows  []ReferralRow
	Total int64
}

// ListReferrals returns a page of the referrals the scope may read that match the filter: a
// partner's inbox (its organisation's referrals, never drafts), or the referrals of an
// establishment role's pupils. Overdue ones come first, then the most recently sent.
//
// An organisation's inbox holds its whole history, so neither query reads it whole when it can
// help it. A partner's inbox without a filter, or by establishment, is counted in
// referral_sources (see ReferralEstablishments). Other counts, and the choice of the page's 50
// referrals, go through the referrals alone: each carries whether its file is anonymised
// (file_anonymised, migration 0034), where each of them used to be looked up among the
// anonymised files. The page's 50 are chosen as the union of the overdue referrals and of the
// others, each read in its order (for a partner, the index of its organisation's referrals on
// live files, by sending time, holds everything they need) and cut after the page. Only
// then are the 50 joined with their files, establishments and senders (a deferred join): a deep
// page skips its offset's referrals in the index, where it used to join each of them.
func ListReferrals(ctx context.Context, db *gorm.DB, s Scope, now time.Time, f ReferralFilter) (ReferralList, error) {
	var out ReferralList
	db = db.WithContext(ctx)
	fresh := db.Session(&gorm.Session{NewDB: true})
	overdue, args := OverdueSQL(db, now)
	byOrganisation := false
	if s.Role == RolePartner && s.PartnerID != 0 {
		// A partner's referrals all go to one organisation: the overdue ones are those still
		// sent before one instant, a bound on the index's sending time instead of a Paris date
		// computed for every referral of the history, and no join to plan.
		var days int
		err := db.Table("partner_organisations").Select("response_days").Where("id = ?", s.PartnerID).Take(&days).Error
		if err != nil {
			return out, fmt.Errorf("models: response time of organisation %d: %w", s.PartnerID, err)
		}
		overdue, args = "(referrals.status = ? AND referrals.sent_at < ?)", []any{ReferralSent, OverdueSentBefore(now, days)}
		byOrganisation = true
	}
	// matching selects the referrals of the scope that match the filter, without their files.
	matching := func() *gorm.DB {
		q := fresh.Table("referrals")
		if !byOrganisation {
			q = q.Joins("JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id")
		}
		if s.Role != RolePartner && s.SeesPupilFiles() && db.Dialector.Name() == DialectPostgres {
			// The scope's live files probed one by one through the index on the pupil: with the
			// subquery on the files and the anti-join on the anonymised ones, PostgreSQL read every
			// referral of the metropolis (50,000 at metro scale) to count a mediator's 850.
			q = s.ProbeFiles(q, "referrals.pupil_id")
		} else {
			// The flag is written literally, so that every plan of the statement, generic ones too,
			// may read a partner's referrals from idx_referrals_partner_live (migration 0034).
			q = s.Referrals(q).Where("NOT referrals.file_anonymised")
		}
		if f.Status != "" {
			q = q.Where("referrals.status = ?", f.Status)
		}
		if f.EstablishmentID != 0 {
			// The establishment's files probed one by one (WhereIn): with a plain subquery, the
			// generic plan PostgreSQL keeps after five runs read the organisation's referrals
			// from the most recent and looked each one's file up (10,000 buffers for a page).
			q = WhereIn(q, "referrals.pupil_id", fresh.Table("pupils").Select("id").Where("establishment_id = ?", f.EstablishmentID))
		}
		if f.Overdue {
			q = q.Where(overdue, args...)
		}
		return q
	}
	var err error
	if byOrganisation && f.Status == "" && !f.Overdue {
		// The inbox without a filter, or by establishment, counts what referral_sources keeps
		// (the referrals sent to the organisation on live files, by establishment): a few rows,
		// where the referrals were read with every anonymised file of the metropolis.
		sum := fresh.Table("referral_sources").Select("COALESCE(SUM(referrals), 0)").Where("partner_organisation_id = ?", s.PartnerID)
		if f.EstablishmentID != 0 {
			sum = sum.Where("establishment_id = ?", f.EstablishmentID)
		}
		err = sum.Scan(&out.Total).Error
	} else {
		err = matching().Count(&out.Total).Error
	}
	if err != nil {
		return out, fmt.Errorf("models: count referrals: %w", err)
	}
	// A partner sees only sent referrals: their sending time is their recency, which its index
	// gives in order.
	recency := "COALESCE(referrals.sent_at, referrals.created_at)"
	if s.Role == RolePartner {
		recency = "referrals.sent_at"
	}
	perPage := ReferralsPerPage
	offset := (max(f.Page, 1) - 1) * perPage
	part := func(cond string) *gorm.DB {
		return matching().Select("referrals.id, "+overdue+" AS overdue, "+recency+" AS recency", args...).Where(cond, args...).
			Order(recency + " DESC, referrals.id DESC").Limit(offset + perPage)
	}
	page := fresh.Raw("SELECT * FROM (?) AS overdue_part UNION ALL SELECT * FROM (?) AS other_part "+
		"ORDER BY overdue DESC, recency DESC, id DESC LIMIT ? OFFSET ?",
		part(overdue), part("NOT COALESCE("+overdue+", FALSE)"), perPage, offset)
	err = fresh.Raw("SELECT "+referralColumns+", page.overdue FROM (?) AS page "+
		"JOIN referrals ON referrals.id = page.id "+referralJoins+" ORDER BY page.overdue DESC, page.recency DESC, page.id DESC", page).Scan(&out.Rows).Error
	if err != nil {
		return out, fmt.Errorf("models: list referrals: %w", err)
	}
	return out, nil
}

// ReferralsOfPupil lists the referrals of a pupil of the scope, newest first, in one query.
func ReferralsOfPupil(ctx context.Context, db *gorm.DB, s Scope, now time.Time, pupilID uint) ([]ReferralRow, error) {
	var rows []ReferralRow
	err := referralRows(db.WithContext(ctx), s, now, "").Where("referrals.pupil_id = ?", pupilID).
		Order("referrals.created_at DESC, referrals.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: referrals of pupil %d: %w", pupilID, err)
	}
	return rows, nil
}

// ReferralEstablishments lists the establishments that the scope's referrals come from, by name:
// the establishment filter of the inbox. A partner's organisation receives referrals from the
// whole metropolis over the years (7,000 for the busiest at metro scale): its establishments
// are read from referral_sources (migration 0027), the number of referrals sent to each
// organisation on each establishment's live files, kept exact by triggers, so that the cost
// follows the organisation's few rows, not its history nor the files. It lists the
// establishments with referrals the inbox shows: those of files the purge anonymised are left
// out of the list, so they are out of its filter too. An establishment role's referrals are
// those of its few establishments' live files: each establishment of the scope is listed when
// one of its live files has a referral, the first one found (the list read every referral of
// the scope and then each one's file: 3,400 buffers for the busiest metro mediator's three
// establishments).
// Only the ID and the name are read (all a filter shows: scanning every column of 180
// establishments was most of an inbox's CPU in Go).
func ReferralEstablishments(ctx context.Context, db *gorm.DB, s Scope) ([]Establishment, error) {
	var es []Establishment
	var err error
	switch {
	case s.Role == RolePartner && s.PartnerID != 0:
		err = db.WithContext(ctx).Select("establishments.id, establishments.name").Where("establishments.id IN (?)",
			db.Session(&gorm.Session{NewDB: true}).Table("referral_sources").Select("establishment_id").
				Where("partner_organisation_id = ? AND referrals > 0", s.PartnerID)).
			Order("name").Find(&es).Error
	case !s.SeesPupilFiles():
		return nil, nil
	default:
		err = db.WithContext(ctx).Select("establishments.id, establishments.name").Where("establishments.id IN ? AND EXISTS (SELECT 1 FROM pupils p JOIN referrals r ON r.pupil_id = p.id "+
			"WHERE p.establishment_id = establishments.id AND p.anonymised_at IS NULL)", s.EstablishmentIDs).
			Order("name").Find(&es).Error
	}
	if err != nil {
		return nil, fmt.Errorf("models: establishments of referrals: %w", err)
	}
	return es, nil
}

// ReferralPupil is what a referral shows of the pupil: the identity a partner needs to act,
// and nothing else of the file (no status, risk, indicator, follow-up or note).
type ReferralPupil struct {
	ID                uint
	LastName          string
	FirstName         string
	BirthDate         time.Time
	ClassLevel        ClassLevel
	ClassName         string
	EstablishmentName string
	EstablishmentID   uint
}

// TransitionRow is a step of a referral's history with the name of who took it.
type TransitionRow struct {
	ReferralTransition
	ActorName string
}

// Feedback tells whether the step is a partner's feedback: the status stays the same.
func (t TransitionRow) Feedback() bool { return t.FromStatus == t.ToStatus }

// ReferralDetail is everything the referral page shows.
type ReferralDetail struct {
	ReferralRow
	Pupil     ReferralPupil
	Guardians []Guardian
	Partner   PartnerOrganisation
	History   []TransitionRow
}

// LoadReferral loads a referral of the scope with the pupil's identity, the guardians' contact
// details, the organisation and the history, or ErrNotFound. It reads only the columns of the
// pupil file that a partner may see.
func LoadReferral(ctx context.Context, db *gorm.DB, s Scope, now time.Time, id uint) (ReferralDetail, error) {
	var d ReferralDetail
	db = db.WithContext(ctx)
	var rows []ReferralRow
	if err := referralRows(db, s, now, "").Where("referrals.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return d, fmt.Errorf("models: load referral %d: %w", id, err)
	}
	if len(rows) == 0 {
		return d, ErrNotFound
	}
	d.ReferralRow = rows[0]
	err := db.Table("pupils").
		Select("pupils.id, pupils.last_name, pupils.first_name, pupils.birth_date, pupils.class_level, pupils.class_name, "+
			"pupils.establishment_id, establishments.name AS establishment_name").
		Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Where("pupils.id = ?", d.PupilID).Take(&d.Pupil).Error
	if err != nil {
		return d, fmt.Errorf("models: pupil of referral %d: %w", id, err)
	}
	if err := db.Where("pupil_id = ?", d.PupilID).Order("id").Find(&d.Guardians).Error; err != nil {
		return d, fmt.Errorf("models: guardians of referral %d: %w", id, err)
	}
	if err := db.Take(&d.Partner, d.PartnerOrganisationID).Error; err != nil {
		return d, fmt.Errorf("models: organisation of referral %d: %w", id, err)
	}
	err = db.Table("referral_transitions").Select("referral_transitions.*, users.display_name AS actor_name").
		Joins("LEFT JOIN users ON users.id = referral_transitions.actor_id").
		Where("referral_transitions.referral_id = ?", id).
		Order("referral_transitions.at, referral_transitions.id").Scan(&d.History).Error
	if err != nil {
		return d, fmt.Errorf("models: history of referral %d: %w", id, err)
	}
	return d, nil
}

// partnerAnswers are the statuses a partner's steps lead to; every other step (draft, send,
// withdraw) is the sender's side. A feedback stays in one of them.
var partnerAnswers = []ReferralStatus{ReferralAcknowledged, ReferralAccepted, ReferralDeclined, ReferralClosed}

// WorklistSince is how far back the answered referrals go when the user has never looked.
const WorklistSince = 7 * 24 * time.Hour

// ReferralsForWorklist gives a mediator's worklist its two referral parts, one query each:
//
//   - overdue: the referrals of the scope that are overdue (ReferralOverdue: sent, not
//     acknowledged past the organisation's response time), sent by the user or on a pupil they
//     are referent of; oldest sending first;
//   - answered: the referrals of the scope, sent by the user or on a pupil they are referent
//     of, on which the partner acted (acknowledged, accepted, declined, closed, or wrote
//     feedback) after since; latest answer first, with LastAnswerAt. A zero since means the
//     last WorklistSince.
//
// Other roles than mediators get nothing.
func ReferralsForWorklist(ctx context.Context, db *gorm.DB, s Scope, userID uint, now, since time.Time) (overdue, answered []ReferralRow, err error) {
	if s.Role != RoleMediator || !s.SeesPupilFiles() {
		return nil, nil, nil
	}
	if since.IsZero() {
		since = now.Add(-WorklistSince)
	}
	db = db.WithContext(ctx)
	// Both lists start from the user's own referrals (referralsOfMediator), then read each
	// by its key with its file, establishment and organisation.
	expr, args := OverdueSQL(db, now)
	sent := referralsOfMediator(db, userID, "r.status = ?", ReferralSent)
	err = referralRowsByID(db, s, now, sent, "").Where(expr, args...).
		Order("referrals.sent_at, referrals.id").Scan(&overdue).Error
	if err != nil {
		return nil, nil, fmt.Errorf("models: overdue referrals: %w", err)
	}
	last := "(SELECT MAX(rt.at) FROM referral_transitions rt WHERE rt.referral_id = referrals.id AND rt.to_status IN ?)"
	answeredSince := referralsOfMediator(db, userID,
		"EXISTS (SELECT 1 FROM referral_transitions rt WHERE rt.referral_id = r.id AND rt.to_status IN ? AND rt.at > ?)", partnerAnswers, since.UTC())
	err = referralRowsByID(db, s, now, answeredSince, ", "+last+" AS last_answer_at", partnerAnswers).
		Order("last_answer_at DESC, referrals.id DESC").Scan(&answered).Error
	if err != nil {
		return nil, nil, fmt.Errorf("models: answered referrals: %w", err)
	}
	return overdue, answered, nil
}
