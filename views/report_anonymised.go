package views

import "mediation/models"

// The anonymised reports hide small counts in every table (models.Protect), and make sure no
// hidden count can be recomputed from another table of the same report:
//   - the metropolitan figures are protected once, by establishment; the other groupings
//     (commune, type, label) are derived from those protected tables, a group's figure being
//     printed only when every establishment figure behind it is, so that they tell nothing
//     the establishment tables do not;
//   - a figure printed in several places (a total in a table and among the key figures, the
//     year's new files in the activity table and in the months table) has the same mask
//     everywhere: the tables that share it are protected again with it hidden until they agree;
//   - a median is printed only over a number of referrals at least the threshold.

// metroActivityColumns are the columns of the activity tables: new files, follow-ups, meetings
// held, meetings where the family was absent, referrals.
const metroActivityColumns = 5

// metroTables are the protected tables of the metropolitan report, by establishment.
type metroTables struct {
	threshold int
	// establishments are the rows, in the order of m.Groups[ByEstablishment].
	establishments                 []models.ActivityGroup
	status, activity, exits, month models.Protected
}

// protectMetro protects the establishment tables and the months table together.
func protectMetro(m models.MetropolitanFigures, threshold int) metroTables {
	t := metroTables{threshold: threshold, establishments: m.Groups[models.ByEstablishment]}
	var status, activity, exits [][]int
	for _, ag := range t.establishments {
		var row []int
		for _, st := range models.PupilStatuses {
			row = append(row, ag.FilesByStatus(st))
		}
		status = append(status, row)
		held, expected := ag.FamilyAttendance()
		activity = append(activity, []int{ag.NewFiles(), ag.FollowUps(), held, expected - held, ag.Referrals()})
		row = nil
		for _, reason := range models.ExitReasons {
			row = append(row, ag.ExitsByReason[reason])
		}
		exits = append(exits, row)
	}
	t.status = models.Protect(models.CountTable{Cells: status, RowTotals: true, ColTotals: true}, threshold)
	t.exits = models.Protect(models.CountTable{Cells: exits, RowTotals: true, ColTotals: true}, threshold)
	// The months table's row totals are the activity table's first two column totals.
	hideActivity, hideMonths := make([]bool, metroActivityColumns), make([]bool, 2)
	for {
		t.activity = models.Protect(models.CountTable{Cells: activity, ColTotals: true, HideColTotals: hideActivity}, threshold)
		t.month = models.Protect(models.CountTable{Cells: monthCells(m.Total.NewFilesByMonth, m.Total.FollowUpsByMonth),
			RowTotals: true, HideRowTotals: hideMonths}, threshold)
		changed := false
		for k := range hideMonths {
			if t.month.RowTotalMasks[k].Masked() && !hideActivity[k] {
				hideActivity[k], changed = true, true
			}
			if t.activity.ColTotalMasks[k].Masked() && !hideMonths[k] {
				hideMonths[k], changed = true, true
			}
		}
		if !changed {
			for k := range hideMonths {
				mark := max(t.month.RowTotalMasks[k], t.activity.ColTotalMasks[k])
				t.month.RowTotalMasks[k], t.activity.ColTotalMasks[k] = mark, mark
			}
			return t
		}
	}
}

// derive sums the establishment rows of a protected table into the groups of a grouping. A
// group's figure is printed only when every figure it adds up is; the totals are the
// establishment table's, masks included.
func (t metroTables) derive(p models.Protected, m models.MetropolitanFigures, g models.Grouping) models.Protected {
	if g == models.ByEstablishment {
		return p
	}
	groups := m.Groups[g]
	index := make(map[string]int, len(groups))
	for i, ag := range groups {
		index[ag.Key] = i
	}
	cols := 0
	if len(p.Cells) > 0 {
		cols = len(p.Cells[0])
	}
	out := models.Protected{Threshold: p.Threshold, Cells: make([][]int, len(groups)), Masks: make([][]models.Mask, len(groups)),
		ColTotals: p.ColTotals, ColTotalMasks: p.ColTotalMasks, Total: p.Total, TotalMask: p.TotalMask}
	for i := range groups {
		out.Cells[i], out.Masks[i] = make([]int, cols), make([]models.Mask, cols)
	}
	if p.RowTotals != nil {
		out.RowTotals, out.RowTotalMasks = make([]int, len(groups)), make([]models.Mask, len(groups))
	}
	for e, ag := range t.establishments {
		gi := index[m.GroupOf[ag.Key][g]]
		for j := range cols {
			out.Cells[gi][j] += p.Cells[e][j]
			if p.Masks[e][j].Masked() {
				out.Masks[gi][j] = models.MaskComplementary
			}
		}
		if p.RowTotals != nil {
			out.RowTotals[gi] += p.RowTotals[e]
			if p.RowTotalMasks[e].Masked() {
				out.RowTotalMasks[gi] = models.MaskComplementary
			}
		}
	}
	return out
}

// shown writes a figure with its mask.
func (t metroTables) shown(l *Localizer, n int, m models.Mask) string {
	return l.cell(n, m, t.threshold)
}

// MetropolitanOverview is the metropolitan report as the overview page shows it: the key
// figures, the months, and the tables of the grouping chosen.
func (l *Localizer) MetropolitanOverview(m models.MetropolitanFigures, g models.Grouping, threshold int) Report {
	r := l.metropolitanReport(m, threshold, []models.Grouping{g})
	r.Sections = r.Sections[:len(r.Sections)-2] // neither the exits by type nor the annex
	return r
}

func (l *Localizer) metropolitanSections(m models.MetropolitanFigures, t metroTables, g models.Grouping) []ReportSection {
	labels := l.groupLabels(g, m.Groups[g], m.Names)
	by := l.T("report.by." + string(g))
	first := l.T("report.group." + string(g))

	title := l.T("report.section.status_by", "By", by)
	p := t.derive(t.status, m, g)
	statuses := enumLabels(l, "report.status.", models.PupilStatuses)
	table := l.protectedTable(title, append([]string{first}, statuses...), labels, p)
	sections := []ReportSection{{ID: "status-" + string(g), Heading: title, Table: table}}
	if g == models.ByType || g == models.ByPriority {
		sections[0].Chart = barChart(title, labels, statuses, p, table, false)
		sections[0].Table = nil
	}
	title = l.T("report.section.activity_by", "By", by)
	sections = append(sections, ReportSection{ID: "activity-" + string(g), Heading: title,
		Table: l.protectedTable(title, []string{first, l.T("report.fig.new_files"), l.T("report.fig.follow_ups"),
			l.T("report.col.held"), l.T("report.col.family_absent"), l.T("report.fig.referrals")}, labels, t.derive(t.activity, m, g))})
	return sections
}

// MetropolitanReport is the anonymised metropolitan report: counts only, small counts
// protected across all its tables, with its methodology annex.
func (l *Localizer) MetropolitanReport(m models.MetropolitanFigures, threshold int) Report {
	return l.metropolitanReport(m, threshold, models.Groupings)
}

func (l *Localizer) metropolitanReport(m models.MetropolitanFigures, threshold int, groupings []models.Grouping) Report {
	t := protectMetro(m, threshold)
	r := Report{Title: l.T("report.metropolitan.title"), Year: m.Year.String(),
		Scope: l.T("report.metropolitan.scope", "Count", m.Establishments, "N", l.Number(m.Establishments))}
	a, act := &m.Total, t.activity
	secret := l.T("report.secret")
	k := activityFigures{
		files:     t.shown(l, t.status.Total, t.status.TotalMask),
		newFiles:  t.shown(l, act.ColTotals[0], act.ColTotalMasks[0]),
		followUps: t.shown(l, act.ColTotals[1], act.ColTotalMasks[1]),
		hours:     l.hours(a.FollowUpMinutes),
		held:      t.shown(l, act.ColTotals[2], act.ColTotalMasks[2]),
		referrals: t.shown(l, act.ColTotals[4], act.ColTotalMasks[4]),
		reply:     l.protectedMedian(m.ReplyTime, threshold),
		exits:     t.shown(l, t.exits.Total, t.exits.TotalMask),
	}
	if act.ColTotalMasks[1].Masked() {
		k.hours = secret
	}
	held, absent := act.ColTotals[2], act.ColTotals[3]
	k.attendance = l.Percent(held, held+absent)
	if act.ColTotalMasks[2].Masked() || act.ColTotalMasks[3].Masked() {
		k.attendance = secret
	}
	r.Sections = append(r.Sections, ReportSection{ID: "figures", Heading: l.T("report.section.figures"),
		Text:    []string{l.T("report.text.reporting", "Reporting", l.Number(m.Reporting), "Count", m.Establishments, "N", l.Number(m.Establishments))},
		Figures: l.figureList(k)})
	title := l.T("report.section.months")
	r.Sections = append(r.Sections, ReportSection{ID: "months", Heading: title,
		Chart: l.monthChart(title, m.Year, m.Elapsed, []string{l.T("report.fig.new_files"), l.T("report.fig.follow_ups")}, t.month)})
	for _, g := range groupings {
		r.Sections = append(r.Sections, l.metropolitanSections(m, t, g)...)
	}
	title = l.T("report.section.exits_by_type")
	r.Sections = append(r.Sections, ReportSection{ID: "exits", Heading: title,
		Table: l.protectedTable(title, append([]string{l.T("report.group.type")}, enumLabels(l, "exit.", models.ExitReasons)...),
			l.groupLabels(models.ByType, m.Groups[models.ByType], m.Names), t.derive(t.exits, m, models.ByType))})
	r.Sections = append(r.Sections, l.methodology(threshold, true))
	return r
}

// protectedMedian writes a median only over enough referrals that it describes no one in
// particular.
func (l *Localizer) protectedMedian(rt models.ReplyTime, threshold int) string {
	if rt.Acknowledged > 0 && rt.Acknowledged < threshold {
		return l.T("report.secret")
	}
	return l.median(rt)
}

// partnerStatusRows are the rows of the partner's status table: the statuses, the closed ones
// split by outcome.
func partnerStatusRows(l *Localizer, f models.PartnerFigures) ([]string, [][]int) {
	var labels []string
	var cells [][]int
	for _, st := range []models.ReferralStatus{models.ReferralSent, models.ReferralAcknowledged, models.ReferralAccepted,
		models.ReferralDeclined, models.ReferralWithdrawn} {
		labels = append(labels, l.T("referral.status."+string(st)))
		cells = append(cells, []int{f.ByStatus[st]})
	}
	closed := f.ByStatus[models.ReferralClosed]
	for _, o := range models.ReferralOutcomes {
		labels = append(labels, l.T("report.closed_with", "Outcome", l.T("referral.outcome."+string(o))))
		cells = append(cells, []int{f.ByOutcome[o]})
		closed -= f.ByOutcome[o]
	}
	if closed > 0 {
		labels = append(labels, l.T("report.closed_unknown"))
		cells = append(cells, []int{closed})
	}
	return labels, cells
}

// PartnerReport is the anonymised report of the referrals addressed to one partner. Its
// tables all add up to the referrals received, whose mask they share.
func (l *Localizer) PartnerReport(f models.PartnerFigures, threshold int) Report {
	r := Report{Title: l.T("report.partner.title"), Year: f.Year.String(), Scope: f.Partner.Name}
	statusLabels, statusCells := partnerStatusRows(l, f)
	reasonLabels := enumLabels(l, "referral.reason.", models.ReferralReasons)
	var estLabels []string
	var estCells [][]int
	for _, kc := range f.ByEstablishment {
		estLabels = append(estLabels, kc.Key)
		estCells = append(estCells, []int{kc.N})
	}
	var statuses, reasons, establishments, months models.Protected
	hide := false
	for {
		one := func(cells [][]int) models.Protected {
			return models.Protect(models.CountTable{Cells: cells, ColTotals: true, HideColTotals: []bool{hide}}, threshold)
		}
		statuses, reasons, establishments = one(statusCells), one(column(models.ReferralReasons, f.ByReason)), one(estCells)
		months = models.Protect(models.CountTable{Cells: monthCells(f.SentByMonth), RowTotals: true, HideRowTotals: []bool{hide}}, threshold)
		masked := statuses.ColTotalMasks[0].Masked() || reasons.ColTotalMasks[0].Masked() || months.RowTotalMasks[0].Masked() ||
			len(estCells) > 0 && establishments.ColTotalMasks[0].Masked()
		if !masked || hide {
			break
		}
		hide = true
	}
	// The total shows one mark everywhere: the most secret any table gave it.
	mark := max(statuses.ColTotalMasks[0], reasons.ColTotalMasks[0], months.RowTotalMasks[0])
	if len(estCells) > 0 {
		mark = max(mark, establishments.ColTotalMasks[0])
	}
	statuses.ColTotalMasks[0], reasons.ColTotalMasks[0], months.RowTotalMasks[0] = mark, mark, mark
	if len(estCells) > 0 {
		establishments.ColTotalMasks[0] = mark
	}
	received := l.cell(f.Sent, mark, threshold)
	single := func(n int) string {
		p := models.Protect(models.CountTable{Cells: [][]int{{n}}}, threshold)
		return l.cell(n, p.Masks[0][0], threshold)
	}
	r.Sections = append(r.Sections, ReportSection{ID: "figures", Heading: l.T("report.section.figures"), Figures: []ReportFigure{
		{l.T("report.fig.received"), received},
		{l.T("report.fig.reply"), l.protectedMedian(f.ReplyTime, threshold)},
		{l.T("report.fig.on_time", "Days", f.Partner.ResponseDays), single(f.OnTime)},
		{l.T("report.fig.overdue"), single(f.Overdue)},
		{l.T("report.fig.answer"), l.protectedMedian(f.AnswerMedian, threshold)},
	}})
	title := l.T("report.section.received_months")
	r.Sections = append(r.Sections, ReportSection{ID: "months", Heading: title,
		Chart: l.monthChart(title, f.Year, f.Elapsed, []string{l.T("report.fig.received")}, months)})
	count := []string{l.T("report.col.count")}
	section := func(id, title, first string, labels []string, p models.Protected, chart bool) ReportSection {
		t := l.protectedTable(title, append([]string{first}, count...), labels, p)
		if !chart {
			return ReportSection{ID: id, Heading: title, Table: t}
		}
		return ReportSection{ID: id, Heading: title, Chart: barChart(title, labels, count, p, t, true)}
	}
	r.Sections = append(r.Sections,
		section("reasons", l.T("report.section.reasons"), l.T("referral.reason"), reasonLabels, reasons, true),
		section("statuses", l.T("report.section.statuses"), l.T("referral.status"), statusLabels, statuses, true),
		section("establishments", l.T("report.section.by_establishment"), l.T("report.group.establishment"), estLabels, establishments, false),
		l.methodology(threshold, false))
	return r
}
