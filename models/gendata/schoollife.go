package gendata

import (
	"fmt"
	"math/rand/v2"

	"gorm.io/gorm"

	"mediation/models"
)

// activitiesPerYear is how many collective actions an establishment holds in a school year, at
// every scale (the figure for the metropolis): a year still running has those of its
// days gone by.
const activitiesPerYear = 40

// activityKindWeights are the kinds of collective actions (codes seeded by migration 0014) and
// their shares: presence slots most often, then sessions in class, parents' cafés, training and
// information meetings.
var activityKindWeights = []struct {
	code                   string
	weight                 int
	minutes                []int
	pupils, parents, staff [2]int
	themes                 []models.ActivityTheme
	partnerOdds            float64
}{
	{"recess_presence", 30, []int{30, 45, 60}, [2]int{60, 200}, [2]int{0, 0}, [2]int{1, 2},
		[]models.ActivityTheme{models.ThemeSchoolClimate, models.ThemeRespect}, 0},
	{"school_gate_presence", 20, []int{45, 60, 90}, [2]int{80, 250}, [2]int{5, 25}, [2]int{0, 1},
		[]models.ActivityTheme{models.ThemeSchoolClimate}, 0},
	{"prevention_session", 25, []int{55, 110}, [2]int{20, 32}, [2]int{0, 0}, [2]int{1, 2},
		[]models.ActivityTheme{models.ThemeBullying, models.ThemeScreens, models.ThemeRespect, models.ThemeCitizenship}, 0.3},
	{"parents_workshop", 12, []int{90, 120}, [2]int{0, 0}, [2]int{4, 18}, [2]int{1, 3},
		[]models.ActivityTheme{models.ThemeParenting, models.ThemeScreens, models.ThemeOrientation}, 0.6},
	{"peer_mediation_training", 8, []int{120, 180}, [2]int{8, 16}, [2]int{0, 0}, [2]int{2, 3},
		[]models.ActivityTheme{models.ThemeRespect, models.ThemeSchoolClimate}, 0.2},
	{"family_information", 5, []int{60, 90}, [2]int{0, 10}, [2]int{15, 80}, [2]int{2, 6},
		[]models.ActivityTheme{models.ThemeOrientation, models.ThemeParenting, models.ThemeOther}, 0.4},
}

// activityPartner draws the partner organisation (index in partnerSpecs) an action involves.
func activityPartner(r *rand.Rand) int { return r.IntN(len(partnerSpecs)) }

// streamActivities offsets the index of the random stream of an establishment's collective
// actions beyond any pupil file's, so that adding them changes no other row.
const streamActivities = 1 << 24

// activityRows draws the collective actions of every establishment and school year, each
// establishment from a stream of its own: recorded by one of its mediators, on school days
// before today.
func (p *planner) activityRows(ids refs) ([]models.Activity, [][]int) {
	weights := make([]int, len(activityKindWeights))
	for i, k := range activityKindWeights {
		weights[i] = k.weight
	}
	var acts []models.Activity
	var partners [][]int
	for e := range p.ests {
		mediators := p.estMediators[e]
		if len(mediators) == 0 {
			continue
		}
		r := newRand(p.opt.Seed, streamActivities+e, streamRows)
		for y := 0; y < 5; y++ {
			start := dayOf(p.year.StartYear-4+y, 9, 1)
			end := dayOf(p.year.StartYear-3+y, 7, 4)
			for range activitiesPerYear {
				drawn := start + day(r.IntN(int(end-start)))
				d := p.cal.nextSchoolDay(drawn)
				if d >= end { // the summer holidays: the last school day before
					d = p.cal.prevSchoolDay(drawn)
				}
				if d >= p.today {
					continue
				}
				k := activityKindWeights[weighted(r, weights)]
				count := func(b [2]int) int { return between(r, b[0], b[1]) }
				a := models.Activity{EstablishmentID: ids.ests[e], AuthorID: &ids.users[pick(r, mediators)], HeldOn: d.date(),
					DurationMinutes: pick(r, k.minutes), Pupils: count(k.pupils), Parents: count(k.parents), Staff: count(k.staff),
					Themes: models.JoinThemes([]models.ActivityTheme{pick(r, k.themes), pick(r, k.themes)}), Version: 1}
				if a.Pupils+a.Parents+a.Staff == 0 {
					a.Staff = 1
				}
				a.CreatedAt = d.at(17, between(r, 0, 59))
				a.UpdatedAt = a.CreatedAt
				// The kind is resolved at insertion; its index waits in KindID.
				a.KindID = uint(indexOfKind(k.code))
				var ps []int
				if chance(r, k.partnerOdds) {
					ps = append(ps, activityPartner(r))
				}
				acts = append(acts, a)
				partners = append(partners, ps)
			}
		}
	}
	return acts, partners
}

func indexOfKind(code string) int {
	for i, k := range activityKindWeights {
		if k.code == code {
			return i
		}
	}
	return -1
}

// insertActivities inserts the collective actions and the partners they involve, in one
// transaction, the kinds found by their codes.
func (p *planner) insertActivities(db *gorm.DB, ids refs, sum *Summary) error {
	acts, partners := p.activityRows(ids)
	return db.Transaction(func(tx *gorm.DB) error {
		var kinds []models.ActivityKind
		if err := tx.Find(&kinds).Error; err != nil {
			return fmt.Errorf("activity kinds: %w", err)
		}
		byCode := map[string]uint{}
		for _, k := range kinds {
			byCode[k.Code] = k.ID
		}
		for i := range acts {
			code := activityKindWeights[acts[i].KindID].code
			if acts[i].KindID = byCode[code]; acts[i].KindID == 0 {
				return fmt.Errorf("activity kind %s is not in the catalogue", code)
			}
		}
		if err := create(tx, "activities", acts); err != nil {
			return err
		}
		var links []models.ActivityPartner
		for i, ps := range partners {
			for _, o := range ps {
				links = append(links, models.ActivityPartner{ActivityID: acts[i].ID, PartnerOrganisationID: ids.partners[o]})
			}
		}
		if err := create(tx, "activity partners", links); err != nil {
			return err
		}
		sum.Activities, sum.ActivityPartners = len(acts), len(links)
		return nil
	})
}
