package views

import (
	"mediation/models"
	"mediation/models/disclosure"
	"mediation/models/reports"
)

// The anonymised reports hide small counts in every table (disclosure.Protect), and make sure no
// hidden count can be recomputed from another table of the same report:
//   - the metropolitan figures are protected once, by establishment; the other groupings
//     (commune, type, label) are derived from those protected tables, a group's figure being
//     printed only when every establishment figure behind it is, so that they tell nothing
//     the establishment tables do not;
//   - tables that break one total down in different ways (the new files by establishment and
//     by month, a partner's referrals by status, reason, month and establishment) are
//     protected together, as one network (protectBreakdowns), so that a figure printed in
//     several places has one mask and nothing can be worked out from the tables together;
//   - a median is printed only over a number of referrals at least the threshold.

// metroActivityColumns are the columns of the activity tables: new files, follow-ups, meetings
// held, meetings where the family was absent, referrals.
const metroActivityColumns = 5

// metroTables are the protected tables of the metropolitan report, by establishment.
type metroTables struct {
	threshold int
	// establishments are the rows, in the order of m.Groups[ByEstablishment].
	establishments                 []reports.ActivityGroup
	status, activity, exits, month disclosure.Protected
}

// protectMetro protects the establishment tables, the activity columns with the months that
// break the same totals down.
func protectMetro(m reports.MetropolitanFigures, threshold int) metroTables {
	t := metroTables{threshold: threshold, establishments: m.Groups[reports.ByEstablishment]}
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
	t.status = disclosure.Protect(disclosure.CountTable{Cells: status, RowTotals: true, ColTotals: true}, threshold)
	t.exits = disclosure.Protect(disclosure.CountTable{Cells: exits, RowTotals: true, ColTotals: true}, threshold)
	// Meetings and referrals: each column on its own. New files and follow-ups: each column
	// with the months that break the same total down, as one network.
	rest := make([][]int, len(activity))
	for i, row := range activity {
		rest[i] = row[2:]
	}
	p := disclosure.Protect(disclosure.CountTable{Cells: rest, ColTotals: true}, threshold)
	t.activity = disclosure.Protected{Threshold: threshold, Cells: activity, Masks: make([][]disclosure.Mask, len(activity)),
		ColTotals: make([]int, metroActivityColumns), ColTotalMasks: make([]disclosure.Mask, metroActivityColumns)}
	for i := range activity {
		t.activity.Masks[i] = append(make([]disclosure.Mask, 2), p.Masks[i]...)
	}
	copy(t.activity.ColTotals[2:], p.ColTotals)
	copy(t.activity.ColTotalMasks[2:], p.ColTotalMasks)
	t.month = disclosure.Protected{Threshold: threshold, Cells: make([][]int, 2), Masks: make([][]disclosure.Mask, 2),
		RowTotals: make([]int, 2), RowTotalMasks: make([]disclosure.Mask, 2)}
	for k, months := range [][12]int{m.Total.NewFilesByMonth, m.Total.FollowUpsByMonth} {
		col := make([]int, len(activity))
		total := 0
		for i, row := range activity {
			col[i] = row[k]
			total += row[k]
		}
		masks, totalMask := protectBreakdowns(total, [][]int{col, months[:]}, threshold)
		for i := range activity {
			t.activity.Masks[i][k] = masks[0][i]
		}
		t.activity.ColTotals[k], t.activity.ColTotalMasks[k] = total, totalMask
		t.month.Cells[k], t.month.Masks[k] = months[:], masks[1]
		t.month.RowTotals[k], t.month.RowTotalMasks[k] = total, totalMask
	}
	return t
}

// derive sums the establishment rows of a protected table into the groups of a grouping. A
// group's figure is printed only when every figure it adds up is; the totals are the
// establishment table's, masks included.
func (t metroTables) derive(p disclosure.Protected, m reports.MetropolitanFigures, g reports.Grouping) disclosure.Protected {
	if g == reports.ByEstablishment {
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
	out := disclosure.Protected{Threshold: p.Threshold, Cells: make([][]int, len(groups)), Masks: make([][]disclosure.Mask, len(groups)),
		ColTotals: p.ColTotals, ColTotalMasks: p.ColTotalMasks, Total: p.Total, TotalMask: p.TotalMask}
	for i := range groups {
		out.Cells[i], out.Masks[i] = make([]int, cols), make([]disclosure.Mask, cols)
	}
	if p.RowTotals != nil {
		out.RowTotals, out.RowTotalMasks = make([]int, len(groups)), make([]disclosure.Mask, len(groups))
	}
	for e, ag := range t.establishments {
		gi := index[m.GroupOf[ag.Key][g]]
		for j := range cols {
			out.Cells[gi][j] += p.Cells[e][j]
			if p.Masks[e][j].Masked() {
				out.Masks[gi][j] = disclosure.MaskComplementary
			}
		}
		if p.RowTotals != nil {
			out.RowTotals[gi] += p.RowTotals[e]
			if p.RowTotalMasks[e].Masked() {
				out.RowTotalMasks[gi] = disclosure.MaskComplementary
			}
		}
	}
	return out
}

// shown writes a figure with its mask.
func (t metroTables) shown(l *Localizer, n int, m disclosure.Mask) string {
	return l.cell(n, m, t.threshold)
}

// MetropolitanOverview is the metropolitan report as the overview page shows it: the key
// figures, the months, and the tables of the grouping chosen.
func (l *Localizer) MetropolitanOverview(m reports.MetropolitanFigures, g reports.Grouping, threshold int) Report {
	r := l.metropolitanReport(m, threshold, []reports.Grouping{g})
	r.Sections = r.Sections[:len(r.Sections)-2] // neither the exits by type nor the annex
	return r
}

func (l *Localizer) metropolitanSections(m reports.MetropolitanFigures, t metroTables, g reports.Grouping) []ReportSection {
	labels := l.groupLabels(g, m.Groups[g], m.Names)
	by := l.T("report.by." + string(g))
	first := l.T("report.group." + string(g))

	title := l.T("report.section.status_by", "By", by)
	p := t.derive(t.status, m, g)
	statuses := enumLabels(l, "report.status.", models.PupilStatuses)
	table := l.protectedTable(title, append([]string{first}, statuses...), labels, p)
	sections := []ReportSection{{ID: "status-" + string(g), Heading: title, Table: table}}
	if g == reports.ByType || g == reports.ByPriority {
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
func (l *Localizer) MetropolitanReport(m reports.MetropolitanFigures, threshold int) Report {
	return l.metropolitanReport(m, threshold, reports.Groupings)
}

func (l *Localizer) metropolitanReport(m reports.MetropolitanFigures, threshold int, groupings []reports.Grouping) Report {
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
			l.groupLabels(reports.ByType, m.Groups[reports.ByType], m.Names), t.derive(t.exits, m, reports.ByType))})
	r.Sections = append(r.Sections, l.methodology(threshold, true))
	return r
}

// protectedMedian writes a median only over enough referrals that it describes no one in
// particular.
func (l *Localizer) protectedMedian(rt reports.ReplyTime, threshold int) string {
	if rt.Acknowledged > 0 && rt.Acknowledged < threshold {
		return l.T("report.secret")
	}
	return l.median(rt)
}

// partnerStatusRows are the rows of the partner's status table: the statuses, the closed ones
// split by outcome.
func partnerStatusRows(l *Localizer, f reports.PartnerFigures) ([]string, [][]int) {
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
// tables all add up to the referrals received, and are protected together.
func (l *Localizer) PartnerReport(f reports.PartnerFigures, threshold int) Report {
	r := Report{Title: l.T("report.partner.title"), Year: f.Year.String(), Scope: f.Partner.Name}
	statusLabels, statusCells := partnerStatusRows(l, f)
	reasonLabels := enumLabels(l, "referral.reason.", models.ReferralReasons)
	var estLabels []string
	var estCells [][]int
	for _, kc := range f.ByEstablishment {
		estLabels = append(estLabels, kc.Key)
		estCells = append(estCells, []int{kc.N})
	}
	// Every table breaks the referrals received down: they are protected together.
	reasonCells := make([]int, len(models.ReferralReasons))
	for i, reason := range models.ReferralReasons {
		reasonCells[i] = f.ByReason[reason]
	}
	flat := func(cells [][]int) []int {
		out := make([]int, len(cells))
		for i, c := range cells {
			out[i] = c[0]
		}
		return out
	}
	statusFlat, estFlat := flat(statusCells), flat(estCells)
	parts := [][]int{statusFlat, reasonCells, f.SentByMonth[:]}
	if len(estFlat) > 0 {
		parts = append(parts, estFlat)
	}
	masks, mark := protectBreakdowns(f.Sent, parts, threshold)
	statuses := columnTable(statusFlat, masks[0], f.Sent, mark, threshold)
	reasons := columnTable(reasonCells, masks[1], f.Sent, mark, threshold)
	months := rowTable(f.SentByMonth[:], masks[2], f.Sent, mark, threshold)
	establishments := disclosure.Protected{Threshold: threshold}
	if len(estFlat) > 0 {
		establishments = columnTable(estFlat, masks[3], f.Sent, mark, threshold)
	}
	received := l.cell(f.Sent, mark, threshold)
	// The timing figures are subsets of status cells (overdue referrals are still sent; the
	// others were acknowledged, answered or closed): each is printed only when the cells it
	// is drawn from are, so that it cannot pin a masked one.
	shownRows := func(rows ...int) bool {
		for _, r := range rows {
			if masks[0][r].Masked() {
				return false
			}
		}
		return true
	}
	var acknowledgedRows, answeredRows []int
	for i := 1; i < len(statusFlat); i++ {
		acknowledgedRows = append(acknowledgedRows, i)
		if i != 1 && i != 4 { // neither still acknowledged nor withdrawn
			answeredRows = append(answeredRows, i)
		}
	}
	secret := l.T("report.secret")
	single := func(n int, ok bool) string {
		if !ok {
			return secret
		}
		p := disclosure.Protect(disclosure.CountTable{Cells: [][]int{{n}}}, threshold)
		return l.cell(n, p.Masks[0][0], threshold)
	}
	median := func(rt reports.ReplyTime, ok bool) string {
		if !ok {
			return secret
		}
		return l.protectedMedian(rt, threshold)
	}
	r.Sections = append(r.Sections, ReportSection{ID: "figures", Heading: l.T("report.section.figures"), Figures: []ReportFigure{
		{l.T("report.fig.received"), received},
		{l.T("report.fig.reply"), median(f.ReplyTime, shownRows(acknowledgedRows...))},
		{l.T("report.fig.on_time", "Days", f.Partner.ResponseDays), single(f.OnTime, shownRows(acknowledgedRows...))},
		{l.T("report.fig.overdue"), single(f.Overdue, shownRows(0))},
		{l.T("report.fig.answer"), median(f.AnswerMedian, shownRows(answeredRows...))},
	}})
	title := l.T("report.section.received_months")
	r.Sections = append(r.Sections, ReportSection{ID: "months", Heading: title,
		Chart: l.monthChart(title, f.Year, f.Elapsed, []string{l.T("report.fig.received")}, months)})
	count := []string{l.T("report.col.count")}
	section := func(id, title, first string, labels []string, p disclosure.Protected, chart bool) ReportSection {
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

// protectBreakdowns protects together several breakdowns of one printed total (each part
// adds up to total): the cells of one part cannot be worked out from the others. The parts
// form a chain network, each cell an edge, consecutive parts joined by edges not printed.
// It returns the masks of each part's cells, and of the total.
func protectBreakdowns(total int, parts [][]int, threshold int) ([][]disclosure.Mask, disclosure.Mask) {
	const hub, sink = 0, 1
	nodes := 2
	var edges []disclosure.NetworkEdge
	type layer struct{ in, out int }
	layers := make([][]layer, len(parts))
	cellEdge := make([][]int, len(parts))
	for k, part := range parts {
		for _, v := range part {
			l := layer{nodes, nodes + 1}
			nodes += 2
			layers[k] = append(layers[k], l)
			cellEdge[k] = append(cellEdge[k], len(edges))
			edges = append(edges, disclosure.NetworkEdge{From: l.in, To: l.out, Value: v, Printed: true})
		}
	}
	// The hub feeds the first part, the last part drains to the sink, consecutive parts are
	// joined by a flow with the true values on both sides.
	for i, l := range layers[0] {
		edges = append(edges, disclosure.NetworkEdge{From: hub, To: l.in, Value: parts[0][i]})
	}
	for k := 0; k+1 < len(parts); k++ {
		flow := disclosure.Transport(parts[k], parts[k+1])
		for i, a := range layers[k] {
			for j, b := range layers[k+1] {
				edges = append(edges, disclosure.NetworkEdge{From: a.out, To: b.in, Value: flow[i][j]})
			}
		}
	}
	last := len(parts) - 1
	for i, l := range layers[last] {
		edges = append(edges, disclosure.NetworkEdge{From: l.out, To: sink, Value: parts[last][i]})
	}
	totalEdge := len(edges)
	edges = append(edges, disclosure.NetworkEdge{From: sink, To: hub, Value: total, Printed: true, Margin: true})
	masks := disclosure.ProtectNetwork(nodes, edges, threshold)
	out := make([][]disclosure.Mask, len(parts))
	for k := range parts {
		for _, e := range cellEdge[k] {
			out[k] = append(out[k], masks[e])
		}
	}
	return out, masks[totalEdge]
}

// columnTable is a one-column protected table with its total, from masks already decided.
func columnTable(cells []int, masks []disclosure.Mask, total int, totalMask disclosure.Mask, threshold int) disclosure.Protected {
	p := disclosure.Protected{Threshold: threshold, ColTotals: []int{total}, ColTotalMasks: []disclosure.Mask{totalMask}}
	for i, v := range cells {
		p.Cells = append(p.Cells, []int{v})
		p.Masks = append(p.Masks, []disclosure.Mask{masks[i]})
	}
	return p
}

// rowTable is a one-row protected table with its total, from masks already decided.
func rowTable(cells []int, masks []disclosure.Mask, total int, totalMask disclosure.Mask, threshold int) disclosure.Protected {
	return disclosure.Protected{Threshold: threshold, Cells: [][]int{cells}, Masks: [][]disclosure.Mask{masks},
		RowTotals: []int{total}, RowTotalMasks: []disclosure.Mask{totalMask}}
}
