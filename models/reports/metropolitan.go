package reports

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// Grouping is how the metropolitan figures are broken down.
type Grouping string

// The groupings of the metropolitan overview and report.
const (
	ByEstablishment Grouping = "establishment"
	ByCommune       Grouping = "commune"
	ByType          Grouping = "type"
	ByPriority      Grouping = "priority"
)

// Groupings lists the groupings in the order the report prints them.
var Groupings = []Grouping{ByType, ByPriority, ByCommune, ByEstablishment}

// Valid tells whether g is a known grouping.
func (g Grouping) Valid() bool { return slices.Contains(Groupings, g) }

// ActivityGroup is the activity of a group of establishments. Key is the establishment's UAI,
// the commune, the type or the label; the view turns types and labels into words.
type ActivityGroup struct {
	Key string
	Activity
}

// MetropolitanFigures are the anonymised figures of every establishment for a school year.
type MetropolitanFigures struct {
	Year  calendar.SchoolYear
	Years []calendar.SchoolYear
	// Elapsed is the number of months of the year begun at the time of the report.
	Elapsed int
	Total   Activity
	// Establishments counts the establishments in the report (the active ones, and any closed
	// one with figures); Reporting those with any figure.
	Establishments int
	Reporting      int
	ReplyTime      ReplyTime
	Groups         map[Grouping][]ActivityGroup
	// Names gives an establishment's name and commune by UAI, for the rows of ByEstablishment.
	Names map[string]string
	// GroupOf gives, by UAI, the key of the establishment's group in each grouping: the
	// anonymised report protects every grouping together with the establishments' figures.
	GroupOf map[string]map[Grouping]string
	// Kinds is the catalogue of the kinds of collective actions, in its order.
	Kinds []models.ActivityKind
}

// loadMetropolitanFigures computes the metropolitan figures for the year, or ErrNoData.
// They hold counts only: no pupil's name, birth date or identifier.
func loadMetropolitanFigures(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, now time.Time) (MetropolitanFigures, error) {
	m := MetropolitanFigures{Year: y, Elapsed: monthsElapsed(y, now), Groups: map[Grouping][]ActivityGroup{}, Names: map[string]string{},
		GroupOf: map[string]map[Grouping]string{}}
	var err error
	m.Years, err = reportYears(ctx, db, now, func(q *gorm.DB) *gorm.DB { return q })
	if err != nil {
		return m, err
	}
	if err := checkYear(y, now); err != nil {
		return m, err
	}
	var establishments []models.Establishment
	if err := db.WithContext(ctx).Order("name, id").Find(&establishments).Error; err != nil {
		return m, fmt.Errorf("reports: establishments: %w", err)
	}
	acts, err := activityByEstablishment(ctx, db, nil, y, now)
	if err != nil {
		return m, err
	}
	total := newActivity()
	groups := map[Grouping]map[string]*ActivityGroup{}
	for _, g := range Groupings {
		groups[g] = map[string]*ActivityGroup{}
	}
	for _, e := range establishments {
		a := acts[e.ID]
		if a == nil {
			if !e.Active {
				continue
			}
			a = newActivity()
		} else if !a.Empty() {
			m.Reporting++
		}
		// Every establishment in the report: the active ones, and a closed one with figures.
		m.Establishments++
		total.Add(a)
		m.Names[e.UAI] = e.Name + " (" + e.Commune + ")"
		keys := map[Grouping]string{ByEstablishment: e.UAI, ByCommune: e.Commune,
			ByType: string(e.Type), ByPriority: string(e.PriorityEducation)}
		m.GroupOf[e.UAI] = keys
		for g, key := range keys {
			ag := groups[g][key]
			if ag == nil {
				ag = &ActivityGroup{Key: key, Activity: *newActivity()}
				groups[g][key] = ag
			}
			ag.Activity.Add(a)
		}
	}
	m.Total = *total
	if m.Total.Empty() {
		return m, ErrNoData
	}
	for g, byKey := range groups {
		list := make([]ActivityGroup, 0, len(byKey))
		for _, ag := range byKey {
			list = append(list, *ag)
		}
		order := groupOrder(g, m.Names)
		sort.Slice(list, func(i, j int) bool { return order(list[i].Key) < order(list[j].Key) })
		m.Groups[g] = list
	}
	m.ReplyTime, err = medianReplyTime(ctx, db, y, func(q *gorm.DB) *gorm.DB { return q })
	if err != nil {
		return m, err
	}
	if m.Kinds, err = ActivityKinds(ctx, db); err != nil {
		return m, err
	}
	return m, nil
}

// groupOrder gives the sort key of a group: types and labels in their declared order, the rest
// alphabetically (establishments by name).
func groupOrder(g Grouping, names map[string]string) func(string) string {
	switch g {
	case ByType:
		return func(k string) string {
			return fmt.Sprintf("%02d", indexOf(models.EstablishmentTypes, models.EstablishmentType(k)))
		}
	case ByPriority:
		// REP+ first, then REP, then none: the most prioritised first.
		return func(k string) string {
			return fmt.Sprintf("%02d", len(models.PriorityLabels)-indexOf(models.PriorityLabels, models.PriorityLabel(k)))
		}
	case ByEstablishment:
		key := models.FrenchOrder()
		return func(k string) string { return key(names[k]) + "\x00" + k }
	}
	return models.FrenchOrder()
}

func indexOf[T comparable](all []T, v T) int {
	for i, x := range all {
		if x == v {
			return i
		}
	}
	return len(all)
}
