package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Scope is what one user may see. It is built once per request from the account and is the
// single place that decides access: every query that returns nominative data takes it and
// filters on it in SQL, so that a record outside it is simply not found.
type Scope struct {
	UserID           uint
	Role             Role
	EstablishmentIDs []uint
	PartnerID        uint
	// FundsAgreement tells, for a partner's agent, that its organisation funds at least one
	// funding agreement, which the agent then reads (SignedIn fills it in; ScopeOf does not).
	FundsAgreement bool
	// UnreadNotifications is how many notifications the user has not read, for the bell of the
	// header (SignedIn fills it in; ScopeOf does not). It decides no access.
	UnreadNotifications int
}

// ScopeOf builds the scope of an active account from its role and assignments.
func ScopeOf(u User) Scope {
	var ids []uint
	for _, e := range u.Establishments {
		ids = append(ids, e.ID)
	}
	return scopeOf(u, ids)
}

// scopeOf builds the scope of an active account from its role and the ids of the
// establishments it is assigned to.
func scopeOf(u User, establishmentIDs []uint) Scope {
	s := Scope{UserID: u.ID, Role: u.Role}
	if !u.Active {
		return Scope{}
	}
	switch u.Role {
	case RoleMediator, RoleHeadTeacher:
		s.EstablishmentIDs = establishmentIDs
	case RolePartner:
		if u.PartnerOrganisationID != nil {
			s.PartnerID = *u.PartnerOrganisationID
		}
	}
	return s
}

// signedInRow is one row of SignedIn's query: the account and one of its assignments.
type signedInRow struct {
	User                `gorm:"embedded"`
	EstablishmentID     *uint
	FundsAgreement      bool
	UnreadNotifications int
}

// SignedIn loads an account and its scope in one query, the account's row joined with its
// assignments: it is what every signed-in request reads, so it costs one statement and no
// preloading. Nothing is cached between requests, so that a role, an assignment or a
// deactivation takes effect on the account's next request, on every instance. Whether a
// partner's organisation funds an agreement (the header then offers them) rides along in a
// subquery of the same statement, and so does the count of unread notifications (the bell),
// on the partial index idx_notifications_unread. The account's
// Establishments stay empty (the scope holds their ids); ErrNotFound for an unknown id.
func SignedIn(ctx context.Context, db *gorm.DB, id uint) (User, Scope, error) {
	var rows []signedInRow
	err := db.WithContext(ctx).Table("users").Select("users.*, ue.establishment_id, EXISTS (SELECT 1 FROM funding_agreements fa "+
		"WHERE fa.partner_organisation_id = users.partner_organisation_id) AS funds_agreement, "+
		"(SELECT COUNT(*) FROM notifications n WHERE n.user_id = users.id AND n.read_at IS NULL) AS unread_notifications").
		Joins("LEFT JOIN user_establishments ue ON ue.user_id = users.id").
		Where("users.id = ?", id).Order("ue.establishment_id").Scan(&rows).Error
	if err != nil {
		return User{}, Scope{}, fmt.Errorf("models: load signed-in user %d: %w", id, err)
	}
	if len(rows) == 0 {
		return User{}, Scope{}, ErrNotFound
	}
	var ids []uint
	for _, r := range rows {
		if r.EstablishmentID != nil {
			ids = append(ids, *r.EstablishmentID)
		}
	}
	u := rows[0].User
	s := scopeOf(u, ids)
	s.FundsAgreement = s.Role == RolePartner && s.PartnerID != 0 && rows[0].FundsAgreement
	s.UnreadNotifications = rows[0].UnreadNotifications
	return u, s, nil
}

// SeesPupilFiles tells whether the scope reads nominative pupil files of its establishments.
// Coordinators and administrators never do; partners see only what a referral carries.
func (s Scope) SeesPupilFiles() bool {
	return (s.Role == RoleMediator || s.Role == RoleHeadTeacher) && len(s.EstablishmentIDs) > 0
}

// SeesRestrictedNotes tells whether the scope reads follow-up notes marked restricted: only
// the mediators of the pupil's establishment do.
func (s Scope) SeesRestrictedNotes() bool {
	return s.Role == RoleMediator
}

// SeesAccessHistory tells whether the scope reads who consulted or changed a file: only the
// mediators of its establishment, who answer for the file and for the family's right of
// access. A head teacher reads the file but not the log of its readers, which would make the
// page a way to watch the mediators' work.
func (s Scope) SeesAccessHistory() bool {
	return s.Role == RoleMediator && len(s.EstablishmentIDs) > 0
}

// CoversEstablishment tells whether the establishment's nominative data is within the scope.
func (s Scope) CoversEstablishment(id uint) bool {
	if !s.SeesPupilFiles() {
		return false
	}
	for _, e := range s.EstablishmentIDs {
		if e == id {
			return true
		}
	}
	return false
}

// Pupils restricts a query on the pupils table to the files the scope may read. Outside the
// roles that read files it matches nothing.
func (s Scope) Pupils(db *gorm.DB) *gorm.DB {
	if !s.SeesPupilFiles() {
		return db.Where("1 = 0")
	}
	return db.Where("pupils.establishment_id IN ?", s.EstablishmentIDs)
}

// ReachedPartner is the one rule of what a partner organisation may ever see of a referral: it
// was sent, which needs the family's consent. The status is not the rule: a draft withdrawn
// before sending is "withdrawn" like a sent one, and never reached anybody. Every query that
// shows partners referrals, their counts or figures filters on it.
const ReachedPartner = "referrals.sent_at IS NOT NULL"

// Referrals restricts a query on the referrals table to those the scope may read: a partner
// sees the referrals that reached its organisation (ReachedPartner: never a draft, even a
// withdrawn one), the establishment roles those of their pupils.
func (s Scope) Referrals(db *gorm.DB) *gorm.DB {
	switch {
	case s.Role == RolePartner && s.PartnerID != 0:
		return db.Where("referrals.partner_organisation_id = ? AND "+ReachedPartner, s.PartnerID)
	case s.SeesPupilFiles():
		return db.Where("referrals.pupil_id IN (?)",
			db.Session(&gorm.Session{NewDB: true}).Table("pupils").Select("id").
				Where("establishment_id IN ?", s.EstablishmentIDs))
	default:
		return db.Where("1 = 0")
	}
}

// ReferralsJoined is Referrals for a query that joins the referral's pupil as pupils: the
// establishment roles filter on the joined file, so that the database reads the scope's files
// once, by establishment, and their referrals through the index on the pupil (a subquery on
// pupils beside the join made PostgreSQL hash the whole pupils table).
func (s Scope) ReferralsJoined(db *gorm.DB) *gorm.DB {
	if s.Role != RolePartner && s.SeesPupilFiles() {
		return s.ProbeFiles(db.Where("pupils.establishment_id IN ?", s.EstablishmentIDs), "referrals.pupil_id")
	}
	return s.Referrals(db)
}

// ProbeFiles restricts rows of a table joined with its pupil to those of the scope's files
// that are not anonymised, in a form PostgreSQL reads file by file through the table's index
// on column (the pupil): an array computed once, pupil_id = ANY(ARRAY(…)). With the join alone,
// once the purge has anonymised the old files, the planner read every held meeting without
// recap of the metropolis (their recaps blanked: 20 ms instead of 2), or hashed the whole
// referrals table, for a few hundred files. SQLite already walks the files first: unchanged.
func (s Scope) ProbeFiles(q *gorm.DB, column string) *gorm.DB {
	if q.Dialector.Name() != "postgres" || !s.SeesPupilFiles() {
		return q
	}
	return q.Where(column+" = ANY(ARRAY(SELECT p.id FROM pupils p WHERE p.establishment_id IN ? AND p.anonymised_at IS NULL))",
		s.EstablishmentIDs)
}
