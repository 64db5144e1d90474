package reports

import (
	"maps"

	"mediation/models"
	"mediation/models/disclosure"
)

// The school-life tables of the metropolitan report. What they protect, and why:
//   - conflicts by kind and the pupils reviewed by the prevention group concern minors (a kind
//     of conflict in one establishment can point to the pupils involved): by establishment,
//     they are protected together with the same tables by type, label and commune
//     (disclosure.ProtectGrouped), as the status and exits tables are; the conflicts of the
//     metropolis by outcome share their total with the conflicts table only, and are masked
//     whole when that total is;
//   - collective actions, their participant headcounts (a class, the parents at a workshop),
//     their hours and the prevention-group sessions held count the teams' work, not persons:
//     no one is described by them, and they are printed as counted (disclosure.Plain).

// lifeEventColumns are the columns of the events table: actions, pupils, parents and staff
// who took part, minutes of actions, minutes of presence, sessions held.
const lifeEventColumns = 7

// metroLife are the school-life tables of the metropolitan report, protected.
type metroLife struct {
	Kinds         []models.ActivityKind
	ActionsByKind map[string]ActionFigures
	// Events, Conflicts (columns: models.ConflictKinds) and Reviewed (one column) by
	// establishment; Outcomes: one row, the metropolis's conflicts by ConflictOutcomes.
	Events, Conflicts, Reviewed, Outcomes disclosure.Protected
	Grouped                               map[Grouping]lifeGrouped
}

// lifeGrouped are the school-life tables of one grouping other than by establishment.
type lifeGrouped struct{ Events, Conflicts, Reviewed disclosure.Protected }

// protectSchoolLife protects the school-life tables of the establishments (in the order of
// m.Groups[ByEstablishment]), grouped as groupings says (rows of crossGroupings).
func protectSchoolLife(m MetropolitanFigures, groupings [][]int, threshold int) *metroLife {
	life := &metroLife{Kinds: m.Kinds, ActionsByKind: maps.Clone(m.Total.SchoolLife.ActionsByKind), Grouped: map[Grouping]lifeGrouped{}}
	var events, conflicts, reviewed [][]int
	for _, ag := range m.Groups[ByEstablishment] {
		sl := &ag.SchoolLife
		a := sl.Actions()
		events = append(events, []int{a.Actions, a.Pupils, a.Parents, a.Staff, a.Minutes, sl.PresenceMinutes, sl.Sessions})
		var row []int
		for _, k := range models.ConflictKinds {
			row = append(row, sl.ConflictsByKind(k))
		}
		conflicts = append(conflicts, row)
		reviewed = append(reviewed, []int{sl.PupilsReviewed})
	}
	life.Events = disclosure.Plain(disclosure.CountTable{Cells: events, ColTotals: true})
	var groupedConflicts, groupedReviewed []disclosure.Protected
	life.Conflicts, groupedConflicts = disclosure.ProtectGrouped(disclosure.CountTable{Cells: conflicts, RowTotals: true, ColTotals: true}, groupings, threshold)
	life.Reviewed, groupedReviewed = disclosure.ProtectGrouped(disclosure.CountTable{Cells: reviewed, ColTotals: true}, groupings, threshold)
	for g, grouping := range crossGroupings {
		cells := make([][]int, len(groupedConflicts[g].Cells))
		for i := range cells {
			cells[i] = make([]int, lifeEventColumns)
		}
		for e, group := range groupings[g] {
			for j, n := range events[e] {
				cells[group][j] += n
			}
		}
		life.Grouped[grouping] = lifeGrouped{Events: disclosure.Plain(disclosure.CountTable{Cells: cells, ColTotals: true}),
			Conflicts: groupedConflicts[g], Reviewed: groupedReviewed[g]}
	}
	var outcomes []int
	for _, o := range ConflictOutcomes {
		outcomes = append(outcomes, m.Total.SchoolLife.ConflictsByOutcome(o))
	}
	life.Outcomes = disclosure.Protect(disclosure.CountTable{Cells: [][]int{outcomes}, RowTotals: true}, threshold)
	if life.Conflicts.TotalMask.Masked() || life.Outcomes.RowTotalMasks[0].Masked() {
		// The total is the conflicts table's: masked there, nothing of its breakdown prints.
		mask := life.Conflicts.TotalMask
		if !mask.Masked() {
			mask = life.Outcomes.RowTotalMasks[0]
		}
		for j := range life.Outcomes.Masks[0] {
			if outcomes[j] > 0 || !life.Outcomes.Masks[0][j].Masked() {
				life.Outcomes.Masks[0][j] = disclosure.MaskComplementary
			}
		}
		life.Outcomes.RowTotalMasks[0] = mask
		life.Conflicts.TotalMask = mask
		for g, lg := range life.Grouped {
			lg.Conflicts.TotalMask = mask
			life.Grouped[g] = lg
		}
	}
	return life
}

// printed is the school-life tables as they may be stored: masked counts zeroed.
func (l *metroLife) printed() *metroLife {
	if l == nil {
		return nil
	}
	out := &metroLife{Kinds: l.Kinds, ActionsByKind: l.ActionsByKind, Events: l.Events, Conflicts: Table{l.Conflicts}.Counts(),
		Reviewed: Table{l.Reviewed}.Counts(), Outcomes: Table{l.Outcomes}.Counts(), Grouped: map[Grouping]lifeGrouped{}}
	for g, lg := range l.Grouped {
		out.Grouped[g] = lifeGrouped{Events: lg.Events, Conflicts: Table{lg.Conflicts}.Counts(), Reviewed: Table{lg.Reviewed}.Counts()}
	}
	return out
}

// HasSchoolLife tells whether the report holds the school-life tables (a snapshot stored
// before them does not, until it is computed again).
func (t Metropolitan) HasSchoolLife() bool { return t.life != nil }

// ActionKinds are the kinds of collective actions of the catalogue, in its order, and the
// actions of the metropolis by kind code: printed as counted.
func (t Metropolitan) ActionKinds() ([]models.ActivityKind, map[string]ActionFigures) {
	if t.life == nil {
		return nil, nil
	}
	return t.life.Kinds, t.life.ActionsByKind
}

// lifeTable is a school-life table by establishment or by the grouping's groups.
func (t Metropolitan) lifeTable(g Grouping, pick func(lifeGrouped) disclosure.Protected, byEstablishment disclosure.Protected) Table {
	if t.life == nil {
		return Table{}
	}
	if g == ByEstablishment {
		return Table{byEstablishment}
	}
	return Table{pick(t.life.Grouped[g])}
}

// LifeEvents is the table of the collective actions, their participants (pupils, parents,
// staff), their minutes, the minutes of presence and the prevention-group sessions held, by
// group of the grouping, with its column totals; nothing in it is masked.
func (t Metropolitan) LifeEvents(g Grouping) Table {
	if t.life == nil {
		return Table{}
	}
	return t.lifeTable(g, func(lg lifeGrouped) disclosure.Protected { return lg.Events }, t.life.Events)
}

// Conflicts is the table of the conflicts handled by kind (columns: models.ConflictKinds), by
// group of the grouping, with its totals.
func (t Metropolitan) Conflicts(g Grouping) Table {
	if t.life == nil {
		return Table{}
	}
	return t.lifeTable(g, func(lg lifeGrouped) disclosure.Protected { return lg.Conflicts }, t.life.Conflicts)
}

// PupilsReviewed is the one-column table of the pupils reviewed by the prevention groups, by
// group of the grouping, with its total.
func (t Metropolitan) PupilsReviewed(g Grouping) Table {
	if t.life == nil {
		return Table{}
	}
	return t.lifeTable(g, func(lg lifeGrouped) disclosure.Protected { return lg.Reviewed }, t.life.Reviewed)
}

// ConflictOutcomes is the one-row table of the conflicts of the metropolis by outcome
// (columns: ConflictOutcomes), with its total.
func (t Metropolitan) ConflictOutcomes() Table {
	if t.life == nil {
		return Table{}
	}
	return Table{t.life.Outcomes}
}
