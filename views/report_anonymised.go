package views

import (
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/reports"
)

// The anonymised reports come protected from models/reports (reports.Metropolitan,
// reports.Partner): the views only print them, a masked count as "< threshold" or the secret
// mark, and call no protection function.

// figure writes a protected key figure.
func (l *Localizer) figure(f reports.Figure, threshold int) string {
	n, m := f.Value()
	return l.cell(n, m, threshold)
}

// protectedMedian writes a protected median: the secret mark when it may not be printed.
func (l *Localizer) protectedMedian(m reports.Median) string {
	rt, ok := m.Value()
	if !ok {
		return l.T("report.secret")
	}
	return l.median(rt)
}

// MetropolitanOverview is the metropolitan report as the overview page shows it: the key
// figures, the months, and the tables of the grouping chosen.
func (l *Localizer) MetropolitanOverview(m reports.Metropolitan, g reports.Grouping) Report {
	r := l.metropolitanReport(m, []reports.Grouping{g})
	r.Sections = r.Sections[:len(r.Sections)-2] // neither the exits by type nor the annex
	return r
}

func (l *Localizer) metropolitanSections(m reports.Metropolitan, g reports.Grouping) []ReportSection {
	labels := l.groupLabels(g, m.Keys(g), m.Names)
	by := l.T("report.by." + string(g))
	first := l.T("report.group." + string(g))

	title := l.T("report.section.status_by", "By", by)
	p := m.Status(g).Counts()
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
			l.T("report.col.held"), l.T("report.col.family_absent"), l.T("report.fig.referrals")}, labels, m.Activity(g).Counts())})
	if m.HasSchoolLife() {
		sections = append(sections, l.metropolitanLifeSections(m, g, labels, by, first)...)
	}
	return sections
}

// MetropolitanReport is the anonymised metropolitan report: counts only, small counts
// protected across all its tables, with its methodology annex.
func (l *Localizer) MetropolitanReport(m reports.Metropolitan) Report {
	return l.metropolitanReport(m, reports.Groupings)
}

func (l *Localizer) metropolitanReport(m reports.Metropolitan, groupings []reports.Grouping) Report {
	threshold := m.Threshold()
	r := Report{Title: l.T("report.metropolitan.title"), Year: m.Year.String(),
		Scope: l.T("report.metropolitan.scope", "Count", m.Establishments, "N", l.Number(m.Establishments))}
	status, act, exits := m.Status(reports.ByEstablishment).Counts(), m.Activity(reports.ByEstablishment).Counts(),
		m.Exits(reports.ByEstablishment).Counts()
	shown := func(n int, mask disclosure.Mask) string { return l.cell(n, mask, threshold) }
	secret := l.T("report.secret")
	k := activityFigures{
		files:     shown(status.Total, status.TotalMask),
		newFiles:  shown(act.ColTotals[0], act.ColTotalMasks[0]),
		followUps: shown(act.ColTotals[1], act.ColTotalMasks[1]),
		held:      shown(act.ColTotals[2], act.ColTotalMasks[2]),
		referrals: shown(act.ColTotals[4], act.ColTotalMasks[4]),
		reply:     l.protectedMedian(m.ReplyTime()),
		exits:     shown(exits.Total, exits.TotalMask),
	}
	k.hours = secret
	if minutes, ok := m.FollowUpMinutes(); ok {
		k.hours = l.hours(minutes)
	}
	held, absent := act.ColTotals[2], act.ColTotals[3]
	k.attendance = l.Percent(held, held+absent)
	if act.ColTotalMasks[2].Masked() || act.ColTotalMasks[3].Masked() {
		k.attendance = secret
	}
	text := []string{l.T("report.text.reporting", "Reporting", l.Number(m.Reporting), "Count", m.Establishments, "N", l.Number(m.Establishments))}
	if !m.ComputedAt.IsZero() {
		// The page and the PDF print the same snapshot, and say when it was computed.
		at := m.ComputedAt.In(calendar.Paris)
		text = append(text, l.T("overview.computed_at", "Date", at.Format("02/01/2006"), "Time", at.Format("15:04")))
	}
	r.Sections = append(r.Sections, ReportSection{ID: "figures", Heading: l.T("report.section.figures"), Text: text, Figures: l.figureList(k)})
	title := l.T("report.section.months")
	r.Sections = append(r.Sections, ReportSection{ID: "months", Heading: title,
		Chart: l.monthChart(title, m.Year, m.Elapsed, []string{l.T("report.fig.new_files"), l.T("report.fig.follow_ups")}, m.Months().Counts())})
	if m.HasSchoolLife() {
		r.Sections = append(r.Sections, l.metropolitanSchoolLife(m))
		r.Sections = append(r.Sections, l.metropolitanLifeTotals(m)...)
	}
	for _, g := range groupings {
		r.Sections = append(r.Sections, l.metropolitanSections(m, g)...)
	}
	title = l.T("report.section.exits_by_type")
	r.Sections = append(r.Sections, ReportSection{ID: "exits", Heading: title,
		Table: l.protectedTable(title, append([]string{l.T("report.group.type")}, enumLabels(l, "exit.", models.ExitReasons)...),
			l.groupLabels(reports.ByType, m.Keys(reports.ByType), m.Names), m.Exits(reports.ByType).Counts())})
	r.Sections = append(r.Sections, l.methodology(threshold, true, l.T("report.method.school_life"), l.T("report.method.school_life_protection")))
	return r
}

// statusLabels names the rows of a partner's status table.
func (l *Localizer) statusLabels(rows []reports.StatusRow) []string {
	out := make([]string, len(rows))
	for i, row := range rows {
		switch {
		case row.Outcome != "":
			out[i] = l.T("report.closed_with", "Outcome", l.T("referral.outcome."+string(row.Outcome)))
		case row.Status == models.ReferralClosed:
			out[i] = l.T("report.closed_unknown")
		default:
			out[i] = l.T("referral.status." + string(row.Status))
		}
	}
	return out
}

// PartnerReport is the anonymised report of the referrals addressed to one partner. Its
// tables all add up to the referrals received, and come protected together.
func (l *Localizer) PartnerReport(f reports.Partner) Report {
	threshold := f.Threshold()
	r := Report{Title: l.T("report.partner.title"), Year: f.Year.String(), Scope: f.Partner.Name}
	r.Sections = append(r.Sections, ReportSection{ID: "figures", Heading: l.T("report.section.figures"), Figures: []ReportFigure{
		{l.T("report.fig.received"), l.figure(f.Received(), threshold)},
		{l.T("report.fig.reply"), l.protectedMedian(f.ReplyTime())},
		{l.T("report.fig.on_time", "Days", f.Partner.ResponseDays), l.figure(f.OnTime(), threshold)},
		{l.T("report.fig.overdue"), l.figure(f.Overdue(), threshold)},
		{l.T("report.fig.answer"), l.protectedMedian(f.AnswerTime())},
	}})
	title := l.T("report.section.received_months")
	r.Sections = append(r.Sections, ReportSection{ID: "months", Heading: title,
		Chart: l.monthChart(title, f.Year, f.Elapsed, []string{l.T("report.fig.received")}, f.Months().Counts())})
	count := []string{l.T("report.col.count")}
	section := func(id, title, first string, labels []string, t reports.Table, chart bool) ReportSection {
		p := t.Counts()
		table := l.protectedTable(title, append([]string{first}, count...), labels, p)
		if !chart {
			return ReportSection{ID: id, Heading: title, Table: table}
		}
		return ReportSection{ID: id, Heading: title, Chart: barChart(title, labels, count, p, table, true)}
	}
	r.Sections = append(r.Sections,
		section("reasons", l.T("report.section.reasons"), l.T("referral.reason"), enumLabels(l, "referral.reason.", models.ReferralReasons), f.Reasons(), true),
		section("statuses", l.T("report.section.statuses"), l.T("referral.status"), l.statusLabels(f.StatusRows()), f.Statuses(), true),
		section("establishments", l.T("report.section.by_establishment"), l.T("report.group.establishment"), f.EstablishmentKeys(), f.Establishments(), false))
	kinds, actions := f.Actions()
	title = l.T("report.section.partner_actions")
	r.Sections = append(r.Sections, ReportSection{ID: "actions", Heading: title, Text: []string{l.T("report.text.partner_actions")},
		Table: l.actionsTable(title, kinds, actions), Notes: []string{l.T("report.note.presence")}},
		l.methodology(threshold, false, l.partnerRule(f)))
	return r
}

// partnerRule says in the annex whom the partner report's figures are protected against: the
// partner's own agents see unmasked what they already see referral by referral.
func (l *Localizer) partnerRule(f reports.Partner) string {
	if f.OwnReader() {
		return l.T("partnerreport.rule.own")
	}
	return l.T("partnerreport.rule.coordination")
}
