package models

import (
	"time"

	"gorm.io/gorm"
)

// referralsOfMediator selects the ids of the referrals a mediator sent or whose file they are
// referent of that meet cond (on referrals r, with its arguments). It starts from the user's own
// referrals, through the index on the sender and the files through the index on the referent
// (341 referrals for the busiest metro mediator), where the worklist read every referral of
// the scope's files first (875) and kept the user's after.
func referralsOfMediator(db *gorm.DB, userID uint, cond string, args ...any) *gorm.DB {
	vars := append([]any{userID}, args...)
	vars = append(append(vars, userID), args...)
	return db.Session(&gorm.Session{NewDB: true}).Raw("SELECT r.id FROM referrals r WHERE r.sender_id = ? AND "+cond+
		" UNION ALL SELECT r.id FROM pupils p JOIN referrals r ON r.pupil_id = p.id WHERE p.referent_mediator_id = ? AND "+cond, vars...)
}

// referralRowsByID is referralRows for a few referrals chosen by ids (a subquery): the scope is
// the joined file's establishment, and the ids are read first, as an array on PostgreSQL (its
// subquery is planned apart; the planner then reads each referral by its key) instead of beside
// the probe of the scope's files, which read every referral of the scope.
func referralRowsByID(db *gorm.DB, s Scope, now time.Time, ids *gorm.DB, extra string, extraArgs ...any) *gorm.DB {
	overdue, args := OverdueSQL(db, now)
	q := s.Pupils(db.Table("referrals")).
		Select(referralColumns+", "+overdue+" AS overdue"+extra, append(args, extraArgs...)...).
		Joins(referralJoins).
		Where("pupils.anonymised_at IS NULL")
	return WhereIn(q, "referrals.id", ids)
}
