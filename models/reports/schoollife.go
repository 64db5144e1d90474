package reports

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// The school-life figures of a school year (issue 14), counted per establishment like the rest
// of Activity so that the establishment summary, the metropolitan groupings and their totals
// come from the same rows:
//   - collective actions held in the year, by kind of the catalogue, with their participants
//     (pupils, parents, staff: headcounts, never names) and their duration; the duration of the
//     presence kinds (school gate, recess) is the time of presence;
//   - conflicts that occurred in the year, by kind and outcome (models.OutcomePending for those
//     still going on); the resolution rate is agreements ÷ conflicts with an outcome, a partial
//     agreement counting as not resolved;
//   - prevention-group sessions held in the year up to the report's day, the pupils they
//     reviewed (each once per establishment), the reviews (a pupil at a session) and their
//     decisions by kind (the establishment summary prints them; the anonymised reports do not:
//     they are decisions about pupils).

// ActionFigures are the collective actions of one kind.
type ActionFigures struct {
	Actions, Pupils, Parents, Staff, Minutes int
}

func (a *ActionFigures) add(b ActionFigures) {
	a.Actions += b.Actions
	a.Pupils += b.Pupils
	a.Parents += b.Parents
	a.Staff += b.Staff
	a.Minutes += b.Minutes
}

// SchoolLife are the school-life figures of a school year over one or several establishments.
type SchoolLife struct {
	// ActionsByKind is keyed by the code of the kind (models.ActivityKind.Code).
	ActionsByKind map[string]ActionFigures
	// PresenceMinutes is the duration of the actions of presence kinds.
	PresenceMinutes int
	// Conflicts counts the conflicts by kind and outcome.
	Conflicts map[models.ConflictKind]map[models.ConflictOutcome]int
	// Sessions held, pupils reviewed, reviews of the prevention group.
	Sessions, PupilsReviewed, Reviews int
	// Decisions counts the reviews by the group's decision (those without one yet left out).
	Decisions map[models.ReviewDecision]int
}

func newSchoolLife() SchoolLife {
	return SchoolLife{ActionsByKind: map[string]ActionFigures{}, Conflicts: map[models.ConflictKind]map[models.ConflictOutcome]int{},
		Decisions: map[models.ReviewDecision]int{}}
}

// add adds the figures of b to s.
func (s *SchoolLife) add(b SchoolLife) {
	if s.ActionsByKind == nil {
		s.ActionsByKind = map[string]ActionFigures{}
	}
	for k, f := range b.ActionsByKind {
		a := s.ActionsByKind[k]
		a.add(f)
		s.ActionsByKind[k] = a
	}
	s.PresenceMinutes += b.PresenceMinutes
	for k, byOutcome := range b.Conflicts {
		for o, n := range byOutcome {
			s.addConflicts(k, o, n)
		}
	}
	s.Sessions += b.Sessions
	s.PupilsReviewed += b.PupilsReviewed
	s.Reviews += b.Reviews
	for d, n := range b.Decisions {
		if s.Decisions == nil {
			s.Decisions = map[models.ReviewDecision]int{}
		}
		s.Decisions[d] += n
	}
}

func (s *SchoolLife) addConflicts(k models.ConflictKind, o models.ConflictOutcome, n int) {
	if s.Conflicts == nil {
		s.Conflicts = map[models.ConflictKind]map[models.ConflictOutcome]int{}
	}
	if s.Conflicts[k] == nil {
		s.Conflicts[k] = map[models.ConflictOutcome]int{}
	}
	s.Conflicts[k][o] += n
}

// Actions sums the actions of every kind.
func (s *SchoolLife) Actions() ActionFigures {
	var t ActionFigures
	for _, f := range s.ActionsByKind {
		t.add(f)
	}
	return t
}

// ConflictsByKind is the number of conflicts of a kind.
func (s *SchoolLife) ConflictsByKind(k models.ConflictKind) int { return sumMap(s.Conflicts[k]) }

// ConflictsByOutcome is the number of conflicts of an outcome (models.OutcomePending: still
// going on).
func (s *SchoolLife) ConflictsByOutcome(o models.ConflictOutcome) int {
	n := 0
	for _, byOutcome := range s.Conflicts {
		n += byOutcome[o]
	}
	return n
}

// ConflictsHandled is the number of conflicts of the year.
func (s *SchoolLife) ConflictsHandled() int {
	n := 0
	for _, byOutcome := range s.Conflicts {
		n += sumMap(byOutcome)
	}
	return n
}

// Resolution is the number of agreements reached and of conflicts with an outcome: the
// resolution rate is agreements ÷ decided (a partial agreement is decided, not resolved).
func (s *SchoolLife) Resolution() (agreements, decided int) {
	return s.ConflictsByOutcome(models.OutcomeAgreement), s.ConflictsHandled() - s.ConflictsByOutcome(models.OutcomePending)
}

// Empty tells whether no action, conflict or session happened.
func (s *SchoolLife) Empty() bool {
	return len(s.ActionsByKind) == 0 && s.ConflictsHandled() == 0 && s.Sessions == 0
}

// ConflictOutcomes are the outcome columns of the conflict tables: the outcomes, then the
// conflicts still going on.
var ConflictOutcomes = append(append([]models.ConflictOutcome(nil), models.ConflictOutcomes...), models.OutcomePending)

// ActivityKinds lists the kinds of collective actions of the catalogue in its order, inactive
// ones too (past actions keep theirs): the rows of the actions tables.
func ActivityKinds(ctx context.Context, db *gorm.DB) ([]models.ActivityKind, error) {
	var kinds []models.ActivityKind
	if err := db.WithContext(ctx).Order("position, id").Find(&kinds).Error; err != nil {
		return nil, fmt.Errorf("reports: activity kinds: %w", err)
	}
	return kinds, nil
}

// addSchoolLife adds to the activity of each establishment of ids (nil: all) its school-life
// figures of the year: one grouped query for the actions, one for the conflicts, one for the
// prevention group's sessions (held up to now).
func addSchoolLife(ctx context.Context, db *gorm.DB, ids []uint, y calendar.SchoolYear, now time.Time, get func(uint) *Activity) error {
	db = db.WithContext(ctx)
	first, last := calendar.Date(y.Start()), calendar.Date(y.LastDay())
	var actions []struct {
		EstablishmentID uint
		Code            string
		Presence        bool
		ActionFigures
	}
	q := db.Table("activities").
		Select("activities.establishment_id, activity_kinds.code, activity_kinds.presence, COUNT(*) AS actions, "+
			"COALESCE(SUM(activities.pupils), 0) AS pupils, COALESCE(SUM(activities.parents), 0) AS parents, "+
			"COALESCE(SUM(activities.staff), 0) AS staff, COALESCE(SUM(activities.duration_minutes), 0) AS minutes").
		Joins("JOIN activity_kinds ON activity_kinds.id = activities.kind_id").
		Where("activities.held_on >= ? AND activities.held_on <= ?", first, last)
	if ids != nil {
		q = q.Where("activities.establishment_id IN ?", ids)
	}
	if err := q.Group("activities.establishment_id, activity_kinds.code, activity_kinds.presence").Scan(&actions).Error; err != nil {
		return fmt.Errorf("reports: collective actions in %s: %w", y, err)
	}
	for _, r := range actions {
		s := &get(r.EstablishmentID).SchoolLife
		f := s.ActionsByKind[r.Code]
		f.add(r.ActionFigures)
		s.ActionsByKind[r.Code] = f
		if r.Presence {
			s.PresenceMinutes += r.Minutes
		}
	}

	var conflicts []struct {
		EstablishmentID uint
		Kind            models.ConflictKind
		Outcome         *models.ConflictOutcome
		N               int
	}
	q = db.Table("conflicts").Select("establishment_id, kind, outcome, COUNT(*) AS n").
		Where("occurred_on >= ? AND occurred_on <= ?", first, last)
	if ids != nil {
		q = q.Where("establishment_id IN ?", ids)
	}
	if err := q.Group("establishment_id, kind, outcome").Scan(&conflicts).Error; err != nil {
		return fmt.Errorf("reports: conflicts in %s: %w", y, err)
	}
	for _, r := range conflicts {
		o := models.OutcomePending
		if r.Outcome != nil {
			o = *r.Outcome
		}
		get(r.EstablishmentID).SchoolLife.addConflicts(r.Kind, o, r.N)
	}

	reviewIDs := ids
	if reviewIDs == nil {
		if err := db.Table("establishments").Order("id").Pluck("id", &reviewIDs).Error; err != nil {
			return fmt.Errorf("reports: establishments: %w", err)
		}
	}
	reviews, err := models.CaseReviewFiguresOf(ctx, db, y, reviewIDs, now)
	if err != nil {
		return err
	}
	for _, r := range reviews {
		s := &get(r.EstablishmentID).SchoolLife
		s.Sessions += r.Sessions
		s.PupilsReviewed += r.PupilsReviewed
		s.Reviews += r.Reviews
	}

	// The decisions of the sessions counted above (held up to now).
	if today := calendar.Today(now); today.Before(last) {
		last = today
	}
	var decisions []struct {
		EstablishmentID uint
		Decision        models.ReviewDecision
		N               int
	}
	q = db.Table("case_review_pupils crp").Select("cr.establishment_id, crp.decision, COUNT(*) AS n").
		Joins("JOIN case_reviews cr ON cr.id = crp.case_review_id").
		Where("cr.held_on >= ? AND cr.held_on <= ? AND crp.decision <> ''", first, last)
	if ids != nil {
		q = q.Where("cr.establishment_id IN ?", ids)
	}
	if err := q.Group("cr.establishment_id, crp.decision").Scan(&decisions).Error; err != nil {
		return fmt.Errorf("reports: prevention-group decisions in %s: %w", y, err)
	}
	for _, r := range decisions {
		s := &get(r.EstablishmentID).SchoolLife
		if s.Decisions == nil {
			s.Decisions = map[models.ReviewDecision]int{}
		}
		s.Decisions[r.Decision] += r.N
	}
	return nil
}
