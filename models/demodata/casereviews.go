package demodata

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// reviewSessions are the prevention group's sessions of an autumn term, in days from today: two
// past sessions whose decisions are mostly carried out, the last one a week ago whose decisions
// wait on the worklists, and the next one prepared, its pupils listed, no decision yet.
var reviewSessions = []struct {
	days    int
	kind    models.CaseReviewKind
	pupils  int
	decided bool
}{
	{-63, models.ReviewGPDS, 5, true},
	{-35, models.ReviewCelluleVeille, 4, true},
	{-7, models.ReviewGPDS, 6, true},
	{10, models.ReviewGPDS, 3, false},
}

// reviewDecisions is the decisions in the order the pupils of a session get them, with who
// acts (a label, or "" for the establishment's mediator) and the days until the due date.
var reviewDecisions = []struct {
	d     models.ReviewDecision
	label string
	days  int
	note  string
}{
	{models.DecisionFamilyMeeting, "", 5, "Absences répétées le lundi matin ; la famille n'a pas répondu aux appels de la vie scolaire."},
	{models.DecisionKeepWatching, "CPE", 28, "Assiduité en progrès depuis les vacances ; à revoir au prochain GPDS."},
	{models.DecisionMediatorFollowUp, "", 3, "Isolement en classe signalé par le professeur principal."},
	{models.DecisionPartnerReferral, "Assistante sociale", 14, "Difficultés de la famille à faire valoir ses droits : orientation vers la CAF à proposer."},
	{models.DecisionCIOPSAD, "Psychologue de l'Éducation nationale", 21, "Projet d'orientation à retravailler ; élève de plus de 16 ans sans solution."},
	{models.DecisionNothingMore, "", 0, "Situation réglée : l'élève a retrouvé une scolarité régulière."},
}

// caseReviews gives each establishment with a mediator a term of prevention-group sessions
// (reviewSessions) on its open files, with one decision per pupil reviewed and the next
// actions they make, like the web does. The files and accounts are read back in the order of
// their insertion, so that the set is the same at every load. It returns the sessions made.
func caseReviews(tx *gorm.DB, now time.Time) (int, error) {
	today := calendar.Today(now)
	var staff []struct {
		UserID          uint
		EstablishmentID uint
		Role            models.Role
	}
	err := tx.Table("user_establishments ue").Select("ue.user_id, ue.establishment_id, users.role").
		Joins("JOIN users ON users.id = ue.user_id").Where("users.role IN ? AND users.active = ?",
		[]models.Role{models.RoleMediator, models.RoleHeadTeacher}, true).Order("ue.establishment_id, users.id").Scan(&staff).Error
	if err != nil {
		return 0, fmt.Errorf("staff of the establishments: %w", err)
	}
	mediator, head := map[uint]uint{}, map[uint]uint{}
	var order []uint
	for _, s := range staff {
		switch {
		case s.Role == models.RoleMediator && mediator[s.EstablishmentID] == 0:
			mediator[s.EstablishmentID] = s.UserID
			order = append(order, s.EstablishmentID)
		case s.Role == models.RoleHeadTeacher && head[s.EstablishmentID] == 0:
			head[s.EstablishmentID] = s.UserID
		}
	}
	made := 0
	for ei, est := range order {
		var pupils []models.Pupil
		err := tx.Where("establishment_id = ? AND status <> ? AND anonymised_at IS NULL", est, models.StatusClosed).
			Order("id").Find(&pupils).Error
		if err != nil {
			return made, fmt.Errorf("files of establishment %d: %w", est, err)
		}
		next := ei // where the next session starts in the establishment's files
		for si, sess := range reviewSessions {
			held := today.AddDate(0, 0, sess.days)
			author := mediator[est]
			if si%2 == 1 && head[est] != 0 {
				author = head[est] // the head teacher prepares some of them
			}
			created := at(held.AddDate(0, 0, -3), 16, 30)
			if created.After(now) {
				created = now.Add(-time.Hour)
			}
			r := models.CaseReview{EstablishmentID: est, HeldOn: held, Kind: sess.kind, CreatedByID: &author, Version: 1,
				CreatedAt: created, UpdatedAt: created}
			if err := tx.Create(&r).Error; err != nil {
				return made, fmt.Errorf("case review: %w", err)
			}
			made++
			parts := []models.CaseReviewParticipant{
				{CaseReviewID: r.ID, Role: models.ReviewCPE, Headcount: 1}, {CaseReviewID: r.ID, Role: models.ReviewNurse, Headcount: 1},
				{CaseReviewID: r.ID, Role: models.ReviewSocialWorker, Headcount: 1}, {CaseReviewID: r.ID, Role: models.ReviewTeacher, Headcount: 1 + si%3},
				{CaseReviewID: r.ID, Role: models.ReviewMediator, Headcount: 1},
				{CaseReviewID: r.ID, Role: models.ReviewMediator, UserID: ref([]uint{mediator[est]}, 0)},
			}
			if h := head[est]; h != 0 {
				parts = append(parts, models.CaseReviewParticipant{CaseReviewID: r.ID, Role: models.ReviewHeadTeacher, Headcount: 1},
					models.CaseReviewParticipant{CaseReviewID: r.ID, Role: models.ReviewHeadTeacher, UserID: &h})
			} else {
				parts = append(parts, models.CaseReviewParticipant{CaseReviewID: r.ID, Role: models.ReviewHeadTeacher, Headcount: 1})
			}
			if err := tx.Create(&parts).Error; err != nil {
				return made, fmt.Errorf("case review participants: %w", err)
			}
			var listed []models.CaseReviewPupil
			var actions []models.NextAction
			seen := map[uint]bool{}
			for k := 0; k < sess.pupils && k < len(pupils); k++ {
				p := pupils[(next+k*3)%len(pupils)]
				if p.IdentifiedOn.After(held) || seen[p.ID] {
					continue // not identified yet on the day, or already listed
				}
				seen[p.ID] = true
				row := models.CaseReviewPupil{CaseReviewID: r.ID, PupilID: p.ID, CreatedAt: created, UpdatedAt: created}
				if sess.decided {
					dec := reviewDecisions[(k+si)%len(reviewDecisions)]
					decidedAt := at(held, 18, 0)
					row.Decision, row.Note, row.DecidedByID, row.DecidedAt = dec.d, dec.note, &author, &decidedAt
					row.Restricted = k == 2 // a confidential remark, for the mediators only
					if dec.d.Acts() {
						a := models.NextAction{PupilID: p.ID, CaseReviewID: &r.ID, DueOn: held.AddDate(0, 0, dec.days), OwnerLabel: dec.label,
							CreatedByID: &author, CreatedAt: decidedAt, UpdatedAt: decidedAt,
							Description: models.ReviewActionText(sess.kind, held, dec.d)}
						if dec.label == "" {
							a.OwnerUserID = ref([]uint{mediator[est]}, 0)
						}
						// What was due more than a week ago is done, mostly.
						if due := a.DueOn; due.Before(today.AddDate(0, 0, -7)) && (k+ei)%4 != 0 {
							done := at(due, 17, 0)
							a.DoneAt = &done
						}
						actions = append(actions, a)
					}
				}
				listed = append(listed, row)
			}
			next += sess.pupils
			if err := create(tx, "case review pupils", listed); err != nil {
				return made, err
			}
			if err := create(tx, "case review actions", actions); err != nil {
				return made, err
			}
		}
	}
	return made, nil
}
