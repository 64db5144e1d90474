package gendata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"mediation/models"
)

// ConflictsPerYear is how many conflict mediations an establishment records in a whole school
// year (issue 14: about sixty); the current year has its share of the school days gone by.
const ConflictsPerYear = 60

// conflictFile is a pupil file as the conflicts draw their parties from it.
type conflictFile struct {
	ID           uint
	IdentifiedOn time.Time
	ClosedAt     *time.Time
}

// openOn tells whether the file was followed on the day.
func (f conflictFile) openOn(d day) bool {
	return civilDay(f.IdentifiedOn) <= d && (f.ClosedAt == nil || civilDay(*f.ClosedAt) >= d)
}

// conflictDescriptions are the parties described by role, without a name.
var conflictDescriptions = map[models.PartyRole][]string{
	models.PartyPupil:    {"élève de 6e", "élève de 5e", "élève de 4e", "élève de 3e", "élève de 2nde", "groupe d'élèves"},
	models.PartyGuardian: {"mère d'un élève", "père d'un élève", "parents d'une élève"},
	models.PartyTeacher:  {"professeur principal", "professeure de mathématiques", "professeur d'EPS"},
	models.PartyStaff:    {"assistant d'éducation", "CPE", "agent d'accueil"},
}

// insertConflicts draws, for every establishment and school year, its conflict mediations with
// their parties (files of the establishment followed that day, or roles described), from a
// stream of its own per establishment and year, and inserts them in batches, in one
// transaction after the pupil files.
func (p *planner) insertConflicts(ctx context.Context, db *gorm.DB, ids refs, sum *Summary) error {
	var files []struct {
		ID              uint
		EstablishmentID uint
		IdentifiedOn    time.Time
		ClosedAt        *time.Time
	}
	if err := db.WithContext(ctx).Table("pupils").Select("id, establishment_id, identified_on, closed_at").Order("id").
		Scan(&files).Error; err != nil {
		return fmt.Errorf("gendata: files for the conflicts: %w", err)
	}
	byEst := map[uint][]conflictFile{}
	for _, f := range files {
		byEst[f.EstablishmentID] = append(byEst[f.EstablishmentID], conflictFile{ID: f.ID, IdentifiedOn: f.IdentifiedOn, ClosedAt: f.ClosedAt})
	}
	var conflicts []models.Conflict
	var parties [][]models.ConflictParty
	for y := p.first.schoolYearStart(); y <= p.year.StartYear; y++ {
		start, end := dayOf(y, time.September, 1), min(dayOf(y+1, time.July, 4), p.yesterday)
		if end < start {
			continue
		}
		share := float64(p.cal.schoolDays(start, end)) / float64(max(1, p.cal.schoolDays(start, dayOf(y+1, time.July, 4))))
		for e := range p.ests {
			if len(p.estMediators[e]) == 0 {
				continue
			}
			r := rand.New(rand.NewPCG(splitmix(p.opt.Seed^0x636f6e666c696374), splitmix(uint64(e)<<8|uint64(y-p.first.schoolYearStart()))))
			n := int(float64(ConflictsPerYear-5+r.IntN(11))*share + 0.5)
			for range n {
				c, cp := p.conflict(r, start, end, byEst[ids.ests[e]])
				c.EstablishmentID = ids.ests[e]
				c.AuthorID = ids.users[p.estMediators[e][r.IntN(len(p.estMediators[e]))]]
				conflicts = append(conflicts, c)
				parties = append(parties, cp)
			}
		}
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := create(tx, "conflicts", conflicts); err != nil {
			return err
		}
		var all []models.ConflictParty
		for i, ps := range parties {
			for _, cp := range ps {
				cp.ConflictID = conflicts[i].ID
				all = append(all, cp)
			}
		}
		sum.Conflicts, sum.ConflictParties = len(conflicts), len(all)
		return create(tx, "conflict parties", all)
	})
	if err != nil {
		return fmt.Errorf("gendata: conflicts: %w", err)
	}
	return nil
}

// conflict draws one conflict of [start, end] and its parties. Those of the last three weeks
// are often still going on; of the others, a few are left open past their follow-up date, so
// that worklists show conflicts to review.
func (p *planner) conflict(r *rand.Rand, start, end day, files []conflictFile) (models.Conflict, []models.ConflictParty) {
	d := start + day(r.IntN(int(end-start)+1))
	for i := 0; i < 10 && !p.cal.schoolDay(d); i++ {
		d = start + day(r.IntN(int(end-start)+1))
	}
	c := models.Conflict{OccurredOn: d.date(), Version: 1, NotesRestricted: r.IntN(10) > 0}
	c.Kind = []models.ConflictKind{models.ConflictVerbal, models.ConflictVerbal, models.ConflictVerbal, models.ConflictPhysical,
		models.ConflictPhysical, models.ConflictHarassment, models.ConflictOnline, models.ConflictOther}[r.IntN(8)]
	c.Place = []models.ConflictPlace{models.PlaceClass, models.PlaceYard, models.PlaceYard, models.PlaceSurroundings, models.PlaceOther}[r.IntN(5)]
	if c.Kind == models.ConflictOnline {
		c.Place = models.PlaceOnline
	}
	c.Relation = []models.ConflictRelation{models.BetweenPupils, models.BetweenPupils, models.BetweenPupils, models.BetweenPupils,
		models.BetweenPupilAdult, models.BetweenFamilySchool}[r.IntN(6)]
	listened := min(d+day(r.IntN(3)), p.yesterday)
	c.ListenedOn = ptrDate(listened)
	c.Notes = "Écoute des parties et rencontre de médiation."
	if p.yesterday-d < 21 && r.IntN(2) == 0 {
		c.FollowUpOn = ptrDate(p.today + day(r.IntN(15)) - 4)
	} else {
		meeting := min(listened+day(1+r.IntN(6)), p.yesterday)
		c.MeetingOn = ptrDate(meeting)
		o := []models.ConflictOutcome{models.OutcomeAgreement, models.OutcomeAgreement, models.OutcomeAgreement, models.OutcomeAgreement,
			models.OutcomePartial, models.OutcomePartial, models.OutcomeNone, models.OutcomeDiscipline, models.OutcomePartner}[r.IntN(9)]
		c.Outcome = &o
		if o == models.OutcomeAgreement || o == models.OutcomePartial {
			c.AgreementOn = ptrDate(meeting)
		}
		follow := meeting + 14
		c.FollowUpOn = ptrDate(follow)
		if follow <= p.yesterday && r.IntN(40) > 0 {
			c.ClosedOn = ptrDate(follow)
		}
	}
	created := d.at(17, r.IntN(60))
	if created.After(p.lastMinute) {
		created = p.lastMinute
	}
	c.CreatedAt, c.UpdatedAt = created, created
	parties := []models.ConflictParty{p.conflictParty(r, d, files, models.PartyPupil, nil)}
	switch c.Relation {
	case models.BetweenPupils:
		parties = append(parties, p.conflictParty(r, d, files, models.PartyPupil, parties[0].PupilID))
	case models.BetweenPupilAdult:
		parties = append(parties, p.conflictParty(r, d, files, []models.PartyRole{models.PartyTeacher, models.PartyStaff}[r.IntN(2)], nil))
	case models.BetweenFamilySchool:
		parties = append(parties, p.conflictParty(r, d, files, models.PartyGuardian, nil), p.conflictParty(r, d, files, models.PartyTeacher, nil))
	}
	return c, parties
}

// conflictParty is a party of the role: for a pupil, a file followed that day when a few draws
// find one (not the other side's), else the role described.
func (p *planner) conflictParty(r *rand.Rand, d day, files []conflictFile, role models.PartyRole, not *uint) models.ConflictParty {
	if role == models.PartyPupil && len(files) > 0 {
		for range 4 {
			f := files[r.IntN(len(files))]
			if f.openOn(d) && (not == nil || *not != f.ID) {
				id := f.ID
				return models.ConflictParty{Role: role, PupilID: &id}
			}
		}
	}
	ds := conflictDescriptions[role]
	return models.ConflictParty{Role: role, Description: ds[r.IntN(len(ds))]}
}

func ptrDate(d day) *time.Time {
	t := d.date()
	return &t
}
