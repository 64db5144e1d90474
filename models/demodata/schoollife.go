package demodata

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/internal/schoolcal"
)

// activityRow is a collective action with its references: the establishment, the mediator who
// recorded it, the kind by its code (the kinds are seeded by the migrations) and the partners.
type activityRow struct {
	a        models.Activity
	est      int
	author   int
	kind     string
	partners []int
}

// activityPlan is how often a kind of action comes in a term, and what it draws.
type activityPlan struct {
	kind string
	// every is the number of school weeks between two actions of the kind (1: every week).
	every                  int
	minutes                []int
	pupils, parents, staff [2]int
	themes                 []models.ActivityTheme
	partners               []int
	notes                  []string
}

// activityPlans are a mediator's term in one establishment: recess presence every other week,
// the school gate every third week, a prevention session in a class most weeks, a parents' café
// every month, peer-mediation training and an information meeting once or twice.
var activityPlans = []activityPlan{
	{kind: "recess_presence", every: 2, minutes: []int{30, 45, 60}, pupils: [2]int{60, 180}, staff: [2]int{1, 2},
		themes: []models.ActivityTheme{models.ThemeSchoolClimate, models.ThemeRespect},
		notes:  []string{"", "", "Cour calme, deux bousculades apaisées.", "Tensions autour du préau : à suivre avec la vie scolaire."}},
	{kind: "school_gate_presence", every: 3, minutes: []int{45, 60, 90}, pupils: [2]int{80, 220}, parents: [2]int{5, 25},
		themes: []models.ActivityTheme{models.ThemeSchoolClimate},
		notes:  []string{"", "Échanges avec plusieurs parents à la sortie.", "Rassemblement dispersé sans incident devant l'arrêt de bus."}},
	{kind: "prevention_session", every: 2, minutes: []int{55}, pupils: [2]int{22, 30}, staff: [2]int{1, 1},
		themes:   []models.ActivityTheme{models.ThemeBullying, models.ThemeScreens, models.ThemeRespect, models.ThemeCitizenship},
		partners: []int{pAssociation},
		notes: []string{"Séance en classe de 5e, débat après un court film.", "Classe de 6e : jeu de rôle sur les moqueries.",
			"Classe de 4e : réseaux sociaux et droit à l'image.", ""}},
	{kind: "parents_workshop", every: 4, minutes: []int{90, 120}, parents: [2]int{5, 16}, staff: [2]int{1, 3},
		themes:   []models.ActivityTheme{models.ThemeParenting, models.ThemeScreens, models.ThemeOrientation},
		partners: []int{pCAF, pPRE},
		notes:    []string{"Café des parents : les écrans à la maison.", "Café des parents : suivre la scolarité avec l'ENT.", ""}},
	{kind: "peer_mediation_training", every: 6, minutes: []int{120, 180}, pupils: [2]int{8, 14}, staff: [2]int{2, 3},
		themes: []models.ActivityTheme{models.ThemeRespect, models.ThemeSchoolClimate},
		notes:  []string{"Formation des médiateurs élèves, premier module.", "Formation des médiateurs élèves : mises en situation."}},
	{kind: "family_information", every: 7, minutes: []int{90}, parents: [2]int{20, 60}, staff: [2]int{3, 6},
		themes: []models.ActivityTheme{models.ThemeOrientation, models.ThemeParenting}, partners: []int{pMissionLocale},
		notes: []string{"Réunion d'information des familles sur le rôle de la médiation et l'orientation."}},
}

// activityWeeks is the length of the term drawn: the thirteen school weeks before today.
const activityWeeks = 13

// activities draws the last term of collective actions of each active establishment that has a
// mediator, recorded by that mediator, on school days before today.
func (g *gen) activities() {
	for e, spec := range establishmentSpecs {
		author := mediatorOf(e)
		if !spec.active || author < 0 {
			continue
		}
		for _, ap := range activityPlans {
			start := g.between(0, ap.every-1)
			for w := start; w < activityWeeks; w += ap.every {
				// A day of a holiday week draws nothing: collective actions follow the pupils.
				if day := addDays(g.today, -7*w-g.between(1, 5)); schoolcal.SchoolDay(day) {
					g.activity(e, author, ap, day)
				}
			}
		}
	}
}

// activity draws one action of the plan's kind on day.
func (g *gen) activity(est, author int, ap activityPlan, day time.Time) {
	count := func(r [2]int) int {
		if r[1] == 0 {
			return 0
		}
		return g.between(r[0], r[1])
	}
	a := models.Activity{HeldOn: day, DurationMinutes: pick(g, ap.minutes), Pupils: count(ap.pupils), Parents: count(ap.parents),
		Staff: count(ap.staff), Note: pick(g, ap.notes), Version: 1}
	var themes []models.ActivityTheme
	for range g.between(1, min(2, len(ap.themes))) {
		themes = append(themes, pick(g, ap.themes))
	}
	a.Themes = models.JoinThemes(themes)
	a.CreatedAt = at(day, 17, g.between(0, 59))
	a.UpdatedAt = a.CreatedAt
	row := activityRow{a: a, est: est, author: author, kind: ap.kind}
	if len(ap.partners) > 0 && g.chance(0.5) {
		row.partners = []int{pick(g, ap.partners)}
	}
	g.d.activities = append(g.d.activities, row)
}

// insertActivities writes the collective actions and their partners, the kinds found by code.
func (d *dataset) insertActivities(tx *gorm.DB, estIDs, partnerIDs, userIDs []uint) (int, error) {
	var kinds []models.ActivityKind
	if err := tx.Find(&kinds).Error; err != nil {
		return 0, fmt.Errorf("activity kinds: %w", err)
	}
	kindIDs := map[string]uint{}
	for _, k := range kinds {
		kindIDs[k.Code] = k.ID
	}
	acts := rows(d.activities, func(r activityRow) models.Activity {
		r.a.EstablishmentID, r.a.AuthorID, r.a.KindID = estIDs[r.est], ref(userIDs, r.author), kindIDs[r.kind]
		return r.a
	})
	for _, a := range acts {
		if a.KindID == 0 {
			return 0, fmt.Errorf("activities: a kind of the demo is not in the catalogue")
		}
	}
	if err := create(tx, "activities", acts); err != nil {
		return 0, err
	}
	var links []models.ActivityPartner
	for i, r := range d.activities {
		for _, p := range r.partners {
			links = append(links, models.ActivityPartner{ActivityID: acts[i].ID, PartnerOrganisationID: partnerIDs[p]})
		}
	}
	if err := create(tx, "activity partners", links); err != nil {
		return 0, err
	}
	return len(acts), nil
}
