package views

import (
	"mediation/models"
	"mediation/models/disclosure"
	"mediation/models/reports"
)

// The school-life sections of the reports (issue 14): collective actions, conflicts handled
// and the prevention group's sessions. The establishment summary prints them as counted;
// the anonymised reports print them as models/reports protected them.

// hoursOf writes minutes as hours with one decimal at most ("1,5").
func (l *Localizer) hoursOf(minutes int) string { return l.Fixed(float64(minutes) / 60) }

// actionsTable is the table of the collective actions by kind (the kinds that have actions, in
// the catalogue's order) with their participants and hours, and their totals.
func (l *Localizer) actionsTable(title string, kinds []models.ActivityKind, byKind map[string]reports.ActionFigures) *ReportTable {
	t := &ReportTable{Caption: title, Headers: []string{l.T("report.col.action_kind"), l.T("report.col.actions"), l.T("report.col.pupils"),
		l.T("report.col.parents"), l.T("report.col.staff"), l.T("report.col.hours")},
		Numeric: []bool{false, true, true, true, true, true}, Empty: l.T("report.empty.actions")}
	var total reports.ActionFigures
	row := func(label string, f reports.ActionFigures) []string {
		return []string{label, l.Number(f.Actions), l.Number(f.Pupils), l.Number(f.Parents), l.Number(f.Staff), l.hoursOf(f.Minutes)}
	}
	for _, k := range kinds {
		f, ok := byKind[k.Code]
		if !ok {
			continue
		}
		label := k.Label(l.Lang())
		if k.Presence {
			label += " " + l.T("report.presence_mark")
		}
		t.Rows = append(t.Rows, row(label, f))
		total.Actions, total.Pupils, total.Parents = total.Actions+f.Actions, total.Pupils+f.Pupils, total.Parents+f.Parents
		total.Staff, total.Minutes = total.Staff+f.Staff, total.Minutes+f.Minutes
	}
	if len(t.Rows) > 0 {
		t.Totals = [][]string{row(l.T("report.total"), total)}
	}
	return t
}

// conflictOutcomeLabels name the outcome columns of the conflict tables.
func (l *Localizer) conflictOutcomeLabels() []string {
	return enumLabels(l, "conflicts.outcome.", reports.ConflictOutcomes)
}

// resolutionText says how many conflicts ended in an agreement, of those with an outcome.
func (l *Localizer) resolutionText(agreements, decided int) string {
	if decided == 0 {
		return l.T("report.text.no_resolution")
	}
	return l.T("report.text.resolution", "Agreements", l.Number(agreements), "Decided", l.Number(decided), "Rate", l.Percent(agreements, decided))
}

// establishmentSchoolLife are the school-life sections of the establishment summary: counts
// only, never a name, a party or a note (a head teacher reads the same).
func (l *Localizer) establishmentSchoolLife(s reports.EstablishmentSummary) []ReportSection {
	sl := &s.Activity.SchoolLife
	actions := sl.Actions()
	agreements, decided := sl.Resolution()
	figures := ReportSection{ID: "school-life", Heading: l.T("report.section.school_life"), Figures: []ReportFigure{
		{l.T("report.fig.actions"), l.Number(actions.Actions)},
		{l.T("report.fig.participants_pupils"), l.Number(actions.Pupils)},
		{l.T("report.fig.participants_parents"), l.Number(actions.Parents)},
		{l.T("report.fig.participants_staff"), l.Number(actions.Staff)},
		{l.T("report.fig.action_hours"), l.hoursOf(actions.Minutes)},
		{l.T("report.fig.presence_hours"), l.hoursOf(sl.PresenceMinutes)},
		{l.T("report.fig.conflicts"), l.Number(sl.ConflictsHandled())},
		{l.T("report.fig.resolution"), l.Percent(agreements, decided)},
		{l.T("report.fig.sessions"), l.Number(sl.Sessions)},
		{l.T("report.fig.pupils_reviewed"), l.Number(sl.PupilsReviewed)},
	}}
	title := l.T("report.section.actions")
	actionsSection := ReportSection{ID: "actions", Heading: title, Table: l.actionsTable(title, s.ActivityKinds, sl.ActionsByKind),
		Notes: []string{l.T("report.note.presence")}}

	title = l.T("report.section.conflicts")
	cells := make([][]int, len(models.ConflictKinds))
	for i, k := range models.ConflictKinds {
		for _, o := range reports.ConflictOutcomes {
			cells[i] = append(cells[i], sl.Conflicts[k][o])
		}
	}
	table := l.protectedTable(title, append([]string{l.T("report.col.conflict_kind")}, l.conflictOutcomeLabels()...),
		enumLabels(l, "conflicts.kind.", models.ConflictKinds), disclosure.Plain(disclosure.CountTable{Cells: cells, RowTotals: true, ColTotals: true}))
	conflicts := ReportSection{ID: "conflicts", Heading: title, Text: []string{l.resolutionText(agreements, decided)}, Table: table}

	title = l.T("report.section.reviews")
	decisions := l.plainTable(title, []string{l.T("report.col.decision"), l.T("report.col.count")},
		enumLabels(l, "reviews.decision.", models.ReviewDecisions), column(models.ReviewDecisions, sl.Decisions), false, true)
	reviews := ReportSection{ID: "reviews", Heading: title, Text: []string{l.T("report.text.reviews",
		"Sessions", l.Number(sl.Sessions), "Pupils", l.Number(sl.PupilsReviewed), "Reviews", l.Number(sl.Reviews))}, Table: decisions}
	return []ReportSection{figures, actionsSection, conflicts, reviews}
}

// metropolitanSchoolLife are the school-life key figures of the metropolitan report, as
// protected: the conflicts and pupils reviewed with their marks, the rest as counted.
func (l *Localizer) metropolitanSchoolLife(m reports.Metropolitan) ReportSection {
	threshold := m.Threshold()
	events, conflicts, reviewed := m.LifeEvents(reports.ByEstablishment).Counts(), m.Conflicts(reports.ByEstablishment).Counts(),
		m.PupilsReviewed(reports.ByEstablishment).Counts()
	rate := l.T("report.secret")
	if agreements, decided, ok := l.protectedResolution(m); ok {
		rate = l.Percent(agreements, decided)
	}
	return ReportSection{ID: "school-life", Heading: l.T("report.section.school_life"), Figures: []ReportFigure{
		{l.T("report.fig.actions"), l.Number(events.ColTotals[0])},
		{l.T("report.fig.participants_pupils"), l.Number(events.ColTotals[1])},
		{l.T("report.fig.participants_parents"), l.Number(events.ColTotals[2])},
		{l.T("report.fig.participants_staff"), l.Number(events.ColTotals[3])},
		{l.T("report.fig.action_hours"), l.hoursOf(events.ColTotals[4])},
		{l.T("report.fig.presence_hours"), l.hoursOf(events.ColTotals[5])},
		{l.T("report.fig.conflicts"), l.cell(conflicts.Total, conflicts.TotalMask, threshold)},
		{l.T("report.fig.resolution"), rate},
		{l.T("report.fig.sessions"), l.Number(events.ColTotals[6])},
		{l.T("report.fig.pupils_reviewed"), l.cell(reviewed.ColTotals[0], reviewed.ColTotalMasks[0], threshold)},
	}}
}

// protectedResolution is the agreements and the conflicts with an outcome of the metropolis,
// when the cells they are drawn from are printed.
func (l *Localizer) protectedResolution(m reports.Metropolitan) (agreements, decided int, ok bool) {
	o := m.ConflictOutcomes().Counts()
	pending := len(reports.ConflictOutcomes) - 1
	if o.Masks[0][0].Masked() || o.Masks[0][pending].Masked() || o.RowTotalMasks[0].Masked() {
		return 0, 0, false
	}
	return o.Cells[0][0], o.RowTotals[0] - o.Cells[0][pending], true
}

// metropolitanLifeSections are the school-life tables of one grouping: the actions and sessions
// with the pupils reviewed, and the conflicts by kind.
func (l *Localizer) metropolitanLifeSections(m reports.Metropolitan, g reports.Grouping, labels []string, by, first string) []ReportSection {
	threshold := m.Threshold()
	events, reviewed := m.LifeEvents(g).Counts(), m.PupilsReviewed(g).Counts()
	title := l.T("report.section.actions_by", "By", by)
	t := &ReportTable{Caption: title, Headers: []string{first, l.T("report.col.actions"), l.T("report.col.pupils"), l.T("report.col.parents"),
		l.T("report.col.staff"), l.T("report.col.hours"), l.T("report.col.presence_hours"), l.T("report.col.sessions"),
		l.T("report.col.pupils_reviewed")}, Numeric: []bool{false, true, true, true, true, true, true, true, true}}
	row := func(label string, e []int, reviewed string) []string {
		return []string{label, l.Number(e[0]), l.Number(e[1]), l.Number(e[2]), l.Number(e[3]), l.hoursOf(e[4]), l.hoursOf(e[5]),
			l.Number(e[6]), reviewed}
	}
	for i, label := range labels {
		t.Rows = append(t.Rows, row(label, events.Cells[i], l.cell(reviewed.Cells[i][0], reviewed.Masks[i][0], threshold)))
		t.Masked = t.Masked || reviewed.Masks[i][0].Masked()
	}
	if len(labels) > 0 {
		t.Totals = [][]string{row(l.T("report.total"), events.ColTotals, l.cell(reviewed.ColTotals[0], reviewed.ColTotalMasks[0], threshold))}
	}
	title2 := l.T("report.section.conflicts_by", "By", by)
	return []ReportSection{{ID: "actions-" + string(g), Heading: title, Table: t},
		{ID: "conflicts-" + string(g), Heading: title2, Table: l.protectedTable(title2,
			append([]string{first}, enumLabels(l, "conflicts.kind.", models.ConflictKinds)...), labels, m.Conflicts(g).Counts())}}
}

// metropolitanLifeTotals are the metropolis's actions by kind and conflicts by outcome.
func (l *Localizer) metropolitanLifeTotals(m reports.Metropolitan) []ReportSection {
	kinds, byKind := m.ActionKinds()
	title := l.T("report.section.actions")
	actions := ReportSection{ID: "actions", Heading: title, Table: l.actionsTable(title, kinds, byKind), Notes: []string{l.T("report.note.presence")}}
	title = l.T("report.section.conflict_outcomes")
	text := l.T("report.text.no_resolution")
	if agreements, decided, ok := l.protectedResolution(m); !ok {
		text = l.T("report.text.resolution_masked")
	} else if decided > 0 {
		text = l.resolutionText(agreements, decided)
	}
	outcomes := ReportSection{ID: "conflict-outcomes", Heading: title, Text: []string{text},
		Table: l.protectedTable(title, append([]string{l.T("report.col.indicator")}, l.conflictOutcomeLabels()...),
			[]string{l.T("report.col.conflicts")}, m.ConflictOutcomes().Counts())}
	return []ReportSection{actions, outcomes}
}
