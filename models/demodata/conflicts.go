package demodata

import (
	"math/rand/v2"
	"time"

	"mediation/models"
)

// conflictRow is a conflict of the demo with its references, and its parties.
type conflictRow struct {
	c           models.Conflict
	est, author int
	parties     []partyRow
}

// partyRow is a party of a demo conflict: a file (pupil ≥ 0) or a role described.
type partyRow struct {
	p     models.ConflictParty
	pupil int
}

// conflictDescriptions are parties described by role, without a name.
var conflictDescriptions = map[models.PartyRole][]string{
	models.PartyPupil:    {"élève de 6e", "élève de 5e", "élève de 4e", "élève de 3e", "groupe d'élèves de 4e"},
	models.PartyGuardian: {"mère d'un élève de 5e", "père d'un élève de 3e", "parents d'une élève de 4e"},
	models.PartyTeacher:  {"professeure de mathématiques", "professeur d'EPS", "enseignante de SVT"},
	models.PartyStaff:    {"assistant d'éducation", "CPE", "agent d'accueil"},
}

// conflictNotes are what a mediator writes after a mediation (no names: notes of several
// minors).
var conflictNotes = []string{
	"Écoute séparée des deux parties, puis rencontre commune. Excuses réciproques, engagement à ne plus se provoquer en classe.",
	"Moqueries répétées sur un groupe de messagerie. Les messages ont été supprimés ; point avec la CPE prévu.",
	"Bousculade à la sortie de la cantine qui a dégénéré. Chacun a pu dire ce qu'il avait vécu ; accord sur un règlement à l'amiable.",
	"La famille conteste une sanction. Rencontre avec le professeur principal : la famille a compris la décision, le dialogue est renoué.",
	"Tensions persistantes depuis la rentrée. Pas d'accord à ce stade ; nouvelle rencontre à prévoir.",
	"Mise à l'écart d'une élève dans la cour. Signalement au protocole harcèlement de l'établissement.",
}

// conflicts gives each active establishment a term of conflict mediations, in the twelve
// weeks before today: about one a fortnight, between files of the establishment and parties
// described by role. The demo mediator's own establishments get one to review today, one to
// review later, and a mediation still going on. A generator of its own, so that the rest of the
// demo draws as before.
func (g *gen) conflicts() {
	r := rand.New(rand.NewPCG(2026, 14))
	between := func(lo, hi int) int { return lo + r.IntN(hi-lo+1) }
	files := map[int][]*plan{}
	for _, p := range g.plans {
		if p.open() && !p.identified.After(addDays(g.today, -90)) {
			files[p.est] = append(files[p.est], p)
		}
	}
	for e, spec := range establishmentSpecs {
		author := mediatorOf(e)
		if !spec.active || author < 0 || len(files[e]) < 2 {
			continue
		}
		n := between(5, 8)
		for i := range n {
			d := prevWorkday(addDays(g.today, -between(2+i*84/n, (i+1)*84/n)))
			row := conflictRow{est: e, author: author}
			c := &row.c
			c.OccurredOn, c.Version, c.NotesRestricted = d, 1, r.Float64() < 0.9
			c.Kind = []models.ConflictKind{models.ConflictVerbal, models.ConflictVerbal, models.ConflictPhysical,
				models.ConflictHarassment, models.ConflictOnline, models.ConflictOther}[r.IntN(6)]
			c.Place = map[models.ConflictKind]models.ConflictPlace{models.ConflictOnline: models.PlaceOnline}[c.Kind]
			if c.Place == "" {
				c.Place = []models.ConflictPlace{models.PlaceClass, models.PlaceYard, models.PlaceYard, models.PlaceSurroundings, models.PlaceOther}[r.IntN(5)]
			}
			c.Relation = []models.ConflictRelation{models.BetweenPupils, models.BetweenPupils, models.BetweenPupils,
				models.BetweenPupilAdult, models.BetweenFamilySchool}[r.IntN(5)]
			c.Notes = conflictNotes[r.IntN(len(conflictNotes))]
			listened := minDay(addDays(d, between(0, 2)), g.yesterday)
			c.ListenedOn = &listened
			// The latest ones are still going on; the others ended.
			ongoing := i == n-1 || (i == n-2 && e <= 1)
			if !ongoing {
				meeting := minDay(addDays(listened, between(1, 5)), g.yesterday)
				c.MeetingOn = &meeting
				o := []models.ConflictOutcome{models.OutcomeAgreement, models.OutcomeAgreement, models.OutcomeAgreement,
					models.OutcomePartial, models.OutcomeNone, models.OutcomeDiscipline, models.OutcomePartner}[r.IntN(7)]
				c.Outcome = &o
				if o == models.OutcomeAgreement || o == models.OutcomePartial {
					c.AgreementOn = &meeting
				}
				follow := addDays(meeting, 14)
				c.FollowUpOn = &follow
				if follow.Before(g.today) && !(i == n-3 && e <= 1) {
					c.ClosedOn = &follow
				}
			} else {
				follow := addDays(g.today, between(2, 10))
				if i == n-2 {
					follow = g.today
				}
				c.FollowUpOn = &follow
			}
			created := at(d, 17, between(0, 59))
			c.CreatedAt, c.UpdatedAt = created, created
			row.parties = g.conflictParties(r, files[e], c.Relation)
			g.d.conflicts = append(g.d.conflicts, row)
		}
	}
}

// conflictParties draws the two or three parties of a conflict: a file of the establishment,
// then the other side as the relation says, sometimes another file.
func (g *gen) conflictParties(r *rand.Rand, files []*plan, rel models.ConflictRelation) []partyRow {
	first := files[r.IntN(len(files))]
	parties := []partyRow{{p: models.ConflictParty{Role: models.PartyPupil}, pupil: first.idx}}
	describe := func(role models.PartyRole) partyRow {
		ds := conflictDescriptions[role]
		return partyRow{p: models.ConflictParty{Role: role, Description: ds[r.IntN(len(ds))]}, pupil: -1}
	}
	switch rel {
	case models.BetweenPupils:
		if other := files[r.IntN(len(files))]; other != first && r.Float64() < 0.6 {
			parties = append(parties, partyRow{p: models.ConflictParty{Role: models.PartyPupil}, pupil: other.idx})
		} else {
			parties = append(parties, describe(models.PartyPupil))
		}
	case models.BetweenPupilAdult:
		parties = append(parties, describe([]models.PartyRole{models.PartyTeacher, models.PartyStaff}[r.IntN(2)]))
	case models.BetweenFamilySchool:
		parties = append(parties, describe(models.PartyGuardian), describe(models.PartyTeacher))
	}
	return parties
}

// conflictsDue reports whether a conflict row waits for its author's review on day.
func conflictsDue(c models.Conflict, day time.Time) bool {
	return c.ClosedOn == nil && c.FollowUpOn != nil && !c.FollowUpOn.After(day)
}
