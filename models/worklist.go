package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
	"mediation/models/risk"
)

// Worklist thresholds of DESIGN.md.
const (
	// SilenceDays: an actively followed pupil with no follow-up for that long needs a contact.
	SilenceDays = 21
	// ActionHorizonDays: next actions due within that many days are listed with the overdue ones.
	ActionHorizonDays = 7
)

// WorkPupil is a pupil line of the worklist.
type WorkPupil struct {
	ID              uint
	LastName        string
	FirstName       string
	ClassName       string
	EstablishmentID uint
	RiskLevel       risk.Level
	// LastContact is the date of the latest recorded contact (LastContactSQL), if any.
	LastContact  calendar.DBTime
	IdentifiedOn time.Time
}

// AbsenceAlert is a pupil whose latest month crosses the absence threshold with no contact
// recorded since that month began.
type AbsenceAlert struct {
	WorkPupil
	Month               calendar.Month
	UnjustifiedHalfDays int
}

// Worklist is what a mediator has to do, soonest first.
type Worklist struct {
	Today    time.Time
	Actions  []ActionRow
	Silent   []WorkPupil
	Absences []AbsenceAlert
	// Conflicts are the conflicts the mediator recorded whose follow-up date has come and that
	// are still open (ConflictsToReview).
	Conflicts []ConflictRow
	// Reviews are the decisions of each establishment's last prevention-group session whose
	// action is still open, whoever acts (OpenDecisionsOfLastReviews).
	Reviews []ReviewWorkRow
}

// Overdue tells whether an action's due date has passed.
func (w Worklist) Overdue(a ActionRow) bool { return a.DueOn.Before(w.Today) }

// LoadWorklist gathers a mediator's worklist: the open next actions they own (or that nobody
// owns on the files they are referent of) due within ActionHorizonDays or overdue; their actively
// followed pupils without contact for SilenceDays; their pupils whose latest month (this month
// or the last) reaches the absence threshold with no contact since that month began (a contact
// is any of LastContactSQL: a follow-up, a family meeting held, a partner's answer); the
// conflicts they recorded that are due for review; the open decisions of the last
// prevention-group session of each establishment. Each part is one query, whatever its length.
func LoadWorklist(ctx context.Context, db *gorm.DB, s Scope, userID uint, now time.Time, absenceThreshold int) (Worklist, error) {
	w := Worklist{Today: calendar.Today(now)}
	if !s.SeesPupilFiles() {
		return w, nil
	}
	db = db.WithContext(ctx)
	mine := func(q *gorm.DB) *gorm.DB {
		return s.Pupils(q).Where("pupils.anonymised_at IS NULL").
			Where("(pupils.referent_mediator_id = ? OR pupils.referent_mediator_id IS NULL)", userID)
	}
	horizon := w.Today.AddDate(0, 0, ActionHorizonDays)
	err := s.Pupils(db.Table("next_actions")).
		Select("next_actions.*, users.display_name AS owner_name, pupils.last_name AS pupil_last_name, pupils.first_name AS pupil_first_name").
		Joins("JOIN pupils ON pupils.id = next_actions.pupil_id").
		Joins("LEFT JOIN users ON users.id = next_actions.owner_user_id").
		Where("pupils.anonymised_at IS NULL AND pupils.status <> ?", StatusClosed).
		// The user's actions, and those nobody owns on the files they are referent of, each
		// found through its own index: a single condition with OR read every open action
		// without owner of the metropolis (817 at metro scale, for 8 kept).
		Where("next_actions.id IN (SELECT na.id FROM next_actions na WHERE na.owner_user_id = ? AND na.done_at IS NULL AND na.due_on <= ? "+
			"UNION ALL SELECT na.id FROM pupils p JOIN next_actions na ON na.pupil_id = p.id AND na.done_at IS NULL "+
			"WHERE p.referent_mediator_id = ? AND na.owner_user_id IS NULL AND na.due_on <= ?)",
			userID, horizon, userID, horizon).
		Order("next_actions.due_on, next_actions.id").Scan(&w.Actions).Error
	if err != nil {
		return w, fmt.Errorf("models: worklist actions: %w", err)
	}
	lastContact := LastContactSQL(db.Dialector.Name(), "pupils.id")
	silentSince := w.Today.AddDate(0, 0, -SilenceDays)
	err = mine(db.Table("pupils")).
		Select("pupils.id, pupils.last_name, pupils.first_name, pupils.class_name, pupils.establishment_id, pupils.risk_level, "+
			"pupils.identified_on, "+lastContact+" AS last_contact").
		Where("pupils.status = ?", StatusActive).
		Where("COALESCE("+lastContact+", pupils.identified_on) <= ?", silentSince).
		Order("last_contact ASC NULLS FIRST, pupils.search_name, pupils.id").Scan(&w.Silent).Error
	if err != nil {
		return w, fmt.Errorf("models: worklist silent pupils: %w", err)
	}
	thisMonth := calendar.MonthOf(now)
	lastMonth := calendar.MonthOf(thisMonth.First().AddDate(0, -1, 0))
	var rows []struct {
		WorkPupil
		Month               calendar.Month
		UnjustifiedHalfDays int
		MonthStart          string
	}
	err = mine(db.Table("pupils")).
		Select("pupils.id, pupils.last_name, pupils.first_name, pupils.class_name, pupils.establishment_id, pupils.risk_level, "+
			"pupils.identified_on, mi.month, mi.unjustified_half_days, "+lastContact+" AS last_contact").
		Joins("JOIN monthly_indicators mi ON mi.pupil_id = pupils.id AND mi.month = "+
			"(SELECT MAX(m2.month) FROM monthly_indicators m2 WHERE m2.pupil_id = pupils.id)").
		Where("pupils.status <> ? AND mi.month IN ? AND mi.unjustified_half_days >= ?", StatusClosed, []calendar.Month{thisMonth, lastMonth}, absenceThreshold).
		Order("mi.unjustified_half_days DESC, pupils.search_name, pupils.id").Scan(&rows).Error
	if err != nil {
		return w, fmt.Errorf("models: worklist absences: %w", err)
	}
	for _, r := range rows {
		start := calendar.Date(r.Month.First())
		if r.LastContact.Valid && !calendar.Date(r.LastContact.Time).Before(start) {
			continue
		}
		w.Absences = append(w.Absences, AbsenceAlert{WorkPupil: r.WorkPupil, Month: r.Month, UnjustifiedHalfDays: r.UnjustifiedHalfDays})
	}
	if w.Conflicts, err = ConflictsToReview(ctx, db, s, userID, now); err != nil {
		return w, err
	}
	if w.Reviews, err = OpenDecisionsOfLastReviews(ctx, db, s, now); err != nil {
		return w, err
	}
	return w, nil
}
