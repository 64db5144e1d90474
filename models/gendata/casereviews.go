package gendata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"mediation/models"
)

// ReviewsPerYear is how many prevention-group sessions each establishment holds in a school
// year (the volume), spread over the months of the year; the pupils reviewed at each
// are between reviewMinPupils and reviewMaxPupils.
const (
	ReviewsPerYear  = 6
	reviewMinPupils = 4
	reviewMaxPupils = 8
)

// reviewMonthDays are the days (month, day) the sessions of a school year are held around:
// one a month or so, outside the holidays.
var reviewMonthDays = [ReviewsPerYear][2]int{{10, 9}, {11, 20}, {12, 11}, {2, 5}, {3, 26}, {5, 21}}

// reviewDecisions are drawn with these weights: most pupils stay watched or get the
// mediator's follow-up.
var reviewDecisions = []struct {
	d      models.ReviewDecision
	weight int
	label  string
}{
	{models.DecisionKeepWatching, 30, "CPE"}, {models.DecisionMediatorFollowUp, 25, ""}, {models.DecisionFamilyMeeting, 20, ""},
	{models.DecisionPartnerReferral, 10, "Assistante sociale"}, {models.DecisionCIOPSAD, 5, "Psychologue de l'Éducation nationale"},
	{models.DecisionNothingMore, 10, ""},
}

// insertCaseReviews gives every establishment ReviewsPerYear sessions in each of the five
// school years, those held up to yesterday, with the files of the establishment identified by
// then: one decision per pupil reviewed. The decisions of the current school year make next
// actions, done for every session but the establishment's last; older years keep their
// decisions only (their actions would long be done). One draw of its own, from the seed, in
// the order of the establishments: the same rows whatever the chunks. One transaction.
func (p *planner) insertCaseReviews(ctx context.Context, db *gorm.DB, ids refs, sum *Summary) error {
	r := rand.New(rand.NewPCG(p.opt.Seed, 0x6_7d5))
	var files []struct {
		ID              uint
		EstablishmentID uint
		IdentifiedOn    time.Time
		Status          models.PupilStatus
	}
	if err := db.WithContext(ctx).Table("pupils").Select("id, establishment_id, identified_on, status").Order("id").Scan(&files).Error; err != nil {
		return fmt.Errorf("gendata: files for the case reviews: %w", err)
	}
	byEst := map[uint][]int{}
	for i, f := range files {
		byEst[f.EstablishmentID] = append(byEst[f.EstablishmentID], i)
	}
	var sessions []models.CaseReview
	var parts []models.CaseReviewParticipant
	type listed struct {
		session int
		row     models.CaseReviewPupil
		action  *models.NextAction
	}
	var rows []listed
	currentStart := p.year.StartYear
	for ei := range p.ests {
		estID := ids.ests[ei]
		mediators := p.estMediators[ei]
		if len(mediators) == 0 {
			continue
		}
		first, last := len(rows), -1
		for y := p.first.schoolYearStart(); y <= currentStart; y++ {
			for _, md := range reviewMonthDays {
				year := y
				if md[0] < 9 {
					year++
				}
				held := p.cal.nextSchoolDay(dayOf(year, time.Month(md[0]), md[1]+r.IntN(5)))
				if held > p.yesterday {
					continue
				}
				author := ids.users[mediators[r.IntN(len(mediators))]]
				if r.IntN(3) == 0 {
					author = ids.users[p.headTeachers[ei]]
				}
				created := (held - 3).at(16, 30)
				kind := models.ReviewGPDS
				if r.IntN(5) == 0 {
					kind = models.ReviewCelluleVeille
				}
				sessions = append(sessions, models.CaseReview{EstablishmentID: estID, HeldOn: held.date(), Kind: kind, CreatedByID: &author,
					Version: 1, CreatedAt: created, UpdatedAt: created})
				s := len(sessions) - 1
				last = s
				parts = append(parts, reviewParticipants(r, s, ids.users[mediators[0]], ids.users[p.headTeachers[ei]])...)
				pool := byEst[estID]
				want := reviewMinPupils + r.IntN(reviewMaxPupils-reviewMinPupils+1)
				seen := map[uint]bool{}
				for try := 0; try < want*3 && len(seen) < want && len(pool) > 0; try++ {
					f := files[pool[r.IntN(len(pool))]]
					if seen[f.ID] || civilDay(f.IdentifiedOn) > held {
						continue
					}
					seen[f.ID] = true
					dec := drawDecision(r)
					decided := held.at(18, 0)
					row := models.CaseReviewPupil{PupilID: f.ID, Decision: dec.d, DecidedByID: &author, DecidedAt: &decided,
						CreatedAt: created, UpdatedAt: decided}
					var action *models.NextAction
					if dec.d.Acts() && y == currentStart {
						a := models.NextAction{PupilID: f.ID, Description: models.ReviewActionText(kind, held.date(), dec.d),
							DueOn: (held + day(7+r.IntN(28))).date(), OwnerLabel: dec.label, CreatedByID: &author, CreatedAt: decided, UpdatedAt: decided}
						if dec.label == "" {
							owner := ids.users[mediators[r.IntN(len(mediators))]]
							a.OwnerUserID = &owner
						}
						if f.Status == models.StatusClosed {
							// Closed since: what the group asked was done before the file closed.
							done := a.DueOn.Add(-12 * time.Hour)
							if done.After(p.lastMinute) {
								done = p.lastMinute
							}
							a.DoneAt = &done
						}
						action = &a
					}
					rows = append(rows, listed{session: s, row: row, action: action})
				}
			}
		}
		// Every session but the establishment's last has its actions done.
		for i := first; i < len(rows); i++ {
			if a := rows[i].action; a != nil && a.DoneAt == nil && rows[i].session != last {
				done := a.DueOn.Add(time.Duration(10+r.IntN(8)) * time.Hour)
				if done.After(p.lastMinute) {
					done = p.lastMinute
				}
				a.DoneAt = &done
			}
		}
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := create(tx, "case reviews", sessions); err != nil {
			return err
		}
		for i := range parts {
			parts[i].CaseReviewID = sessions[parts[i].CaseReviewID].ID
		}
		if err := create(tx, "case review participants", parts); err != nil {
			return err
		}
		pupils := make([]models.CaseReviewPupil, len(rows))
		var actions []models.NextAction
		for i, l := range rows {
			id := sessions[l.session].ID
			pupils[i] = l.row
			pupils[i].CaseReviewID = id
			if l.action != nil {
				a := *l.action
				a.CaseReviewID = &id
				actions = append(actions, a)
			}
		}
		if err := create(tx, "case review pupils", pupils); err != nil {
			return err
		}
		if err := create(tx, "case review actions", actions); err != nil {
			return err
		}
		sum.CaseReviews, sum.CaseReviewPupils, sum.CaseReviewActions = len(sessions), len(pupils), len(actions)
		return nil
	})
}

// reviewParticipants are the roles present at session s (its index until the sessions have
// ids): the CPE, the nurse, often the social worker, teachers, the head teacher and the
// mediator by their accounts.
func reviewParticipants(r *rand.Rand, s int, mediator, head uint) []models.CaseReviewParticipant {
	id := uint(s)
	out := []models.CaseReviewParticipant{
		{CaseReviewID: id, Role: models.ReviewCPE, Headcount: 1}, {CaseReviewID: id, Role: models.ReviewNurse, Headcount: 1},
		{CaseReviewID: id, Role: models.ReviewTeacher, Headcount: 1 + r.IntN(3)},
		{CaseReviewID: id, Role: models.ReviewHeadTeacher, Headcount: 1}, {CaseReviewID: id, Role: models.ReviewMediator, Headcount: 1},
		{CaseReviewID: id, Role: models.ReviewHeadTeacher, UserID: &head}, {CaseReviewID: id, Role: models.ReviewMediator, UserID: &mediator},
	}
	if r.IntN(3) > 0 {
		out = append(out, models.CaseReviewParticipant{CaseReviewID: id, Role: models.ReviewSocialWorker, Headcount: 1})
	}
	return out
}

func drawDecision(r *rand.Rand) struct {
	d      models.ReviewDecision
	weight int
	label  string
} {
	total := 0
	for _, d := range reviewDecisions {
		total += d.weight
	}
	n := r.IntN(total)
	for _, d := range reviewDecisions {
		if n < d.weight {
			return d
		}
		n -= d.weight
	}
	return reviewDecisions[len(reviewDecisions)-1]
}
