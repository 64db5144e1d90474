package views

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/impact"
	"mediation/models/reports"
)

// ImpactReport is the annual review of school mediation (« Bilan annuel », issue 15), for the
// metropolis or one funding agreement: reach, activity, outcomes with their method, exits,
// families, referrals, conflicts, the agreement's objectives, the avoided costs, the previous
// years beside the year reviewed, and the methodology annex. The review comes protected from
// models/reports: a masked count prints as the other anonymised reports print it.
func (l *Localizer) ImpactReport(r reports.Impact) Report {
	years := r.Years()
	out := Report{Title: l.T("impact.review.title"), Year: r.Year.String(), Scope: l.impactScope(r)}
	if len(years) == 0 {
		return out
	}
	y := years[0]
	t := r.Threshold()
	out.Sections = append(out.Sections,
		l.impactSummary(r, y),
		l.impactReach(y, t),
		l.impactActivity(y, t),
		l.impactOutcomes(y, t),
		l.impactEffect(y, t),
		l.impactExits(y),
		l.impactFamilies(y),
		l.impactReferrals(y, t),
		l.impactConflicts(y, t))
	if r.Agreement != nil {
		out.Sections = append(out.Sections, l.impactObjectives(y, t))
	}
	out.Sections = append(out.Sections, l.impactAvoided(y, r.UnitCosts), l.impactYears(years, t), l.impactMethod(r))
	return out
}

// impactScope says what the review covers: the metropolis, or the agreement and its funder.
func (l *Localizer) impactScope(r reports.Impact) string {
	if r.Agreement == nil {
		return l.T("impact.review.scope_metropolis")
	}
	return l.T("impact.review.scope_agreement", "Title", r.Agreement.Title, "Funder", funderOf(l, r.Agreement))
}

// share writes a protected share: « 66,7 % (12 sur 18) », or the secret mark.
func (l *Localizer) share(s reports.Share) string {
	num, den, p, ok := s.Value()
	switch {
	case !ok && den == 0 && !maskedShare(s):
		return "–"
	case !ok:
		return l.T("report.secret")
	}
	return l.T("impact.review.share", "Percent", l.percent(p), "Num", l.Number(num), "Den", l.Number(den))
}

// shareOnly writes a protected share as a percentage alone (the table of the years).
func (l *Localizer) shareOnly(s reports.Share) string {
	_, _, p, ok := s.Value()
	switch {
	case !ok && !maskedShare(s):
		return "–"
	case !ok:
		return l.T("report.secret")
	}
	return l.percent(p)
}

// halfDays writes a mean number of unjustified half-days per month, two decimals at most.
func (l *Localizer) halfDays(v float64) string { return l.decimals(v, 2) }

// interval writes an estimate with its 95 % interval.
func (l *Localizer) interval(i impact.Interval, write func(float64) string) string {
	return l.T("impact.review.interval", "Estimate", write(i.Estimate), "Low", write(i.Low), "High", write(i.High))
}

func (l *Localizer) impactSummary(r reports.Impact, y reports.ImpactYearReview) ReportSection {
	s := ReportSection{ID: "summary", Heading: l.T("impact.review.section.summary")}
	s.Text = append(s.Text, l.T("impact.review.intro"))
	if a := r.Agreement; a != nil {
		years := calendar.SchoolYear{StartYear: a.FirstYear}.String()
		if a.LastYear != a.FirstYear {
			years += " → " + calendar.SchoolYear{StartYear: a.LastYear}.String()
		}
		s.Figures = append(s.Figures,
			ReportFigure{l.T("impact.agreement.funder"), funderOf(l, a)},
			ReportFigure{l.T("impact.review.agreement_years"), years},
			ReportFigure{l.T("impact.review.agreement_amount"), l.Euros(a.AmountCents)})
	}
	if y.Elapsed < 12 {
		s.Text = append(s.Text, l.T("impact.review.partial", "Count", y.Elapsed, "Months", y.Elapsed))
	}
	if !r.ComputedAt.IsZero() {
		at := r.ComputedAt.In(calendar.Paris)
		s.Text = append(s.Text, l.T("overview.computed_at", "Date", at.Format("02/01/2006"), "Time", at.Format("15:04")))
	}
	return s
}

func funderOf(l *Localizer, a *models.AgreementDetail) string {
	if a.FunderKind == models.FunderPartner {
		return a.PartnerName
	}
	return l.T("impact.funder." + string(a.FunderKind))
}

func (l *Localizer) impactReach(y reports.ImpactYearReview, t int) ReportSection {
	p := y.Priority().Counts()
	priority := l.T("report.secret")
	rep, repPlus := slices.Index(models.PriorityLabels, models.PriorityREP), slices.Index(models.PriorityLabels, models.PriorityREPPlus)
	if !p.Masks[0][rep].Masked() && !p.Masks[0][repPlus].Masked() && !p.RowTotalMasks[0].Masked() {
		n := p.Cells[0][rep] + p.Cells[0][repPlus]
		priority = l.T("impact.review.share", "Percent", l.Percent(n, p.RowTotals[0]), "Num", l.Number(n), "Den", l.Number(p.RowTotals[0]))
		if p.RowTotals[0] == 0 {
			priority = "–"
		}
	}
	title := l.T("impact.review.priority_table")
	return ReportSection{ID: "reach", Heading: l.T("impact.review.section.reach"),
		Figures: []ReportFigure{
			{l.T("impact.review.fig.pupils_followed"), l.figure(y.PupilsFollowed(), t)},
			{l.T("impact.review.fig.families_met"), l.share(y.FamiliesMet())},
			{l.T("impact.review.fig.establishments"), l.Number(y.Establishments)},
			{l.T("impact.review.fig.communes"), l.Number(y.Communes)},
			{l.T("impact.review.fig.priority"), priority},
		},
		Table: l.protectedTable(title, append([]string{l.T("report.col.indicator")}, enumLabels(l, "priority.", models.PriorityLabels)...),
			[]string{l.T("impact.review.fig.pupils_followed")}, p)}
}

func (l *Localizer) impactActivity(y reports.ImpactYearReview, t int) ReportSection {
	hours := l.T("report.secret")
	if h, ok := y.Hours(); ok {
		hours = l.Number(int(math.Round(h)))
	}
	return ReportSection{ID: "activity", Heading: l.T("impact.review.section.activity"),
		Text: []string{l.T("impact.review.activity_text")},
		Figures: []ReportFigure{
			{l.T("report.fig.follow_ups"), l.figure(y.FollowUps(), t)},
			{l.T("report.fig.hours"), hours},
			{l.T("impact.review.fig.meetings"), l.figure(y.Meetings(), t)},
			{l.T("report.fig.referrals"), l.figure(y.Referrals(), t)},
			{l.T("report.fig.actions"), l.figure(y.Actions(), t)},
			{l.T("report.fig.conflicts"), l.figure(y.Conflicts(), t)},
		}}
}

func (l *Localizer) impactOutcomes(y reports.ImpactYearReview, t int) ReportSection {
	o := y.Outcome()
	s := ReportSection{ID: "outcomes", Heading: l.T("impact.review.section.outcomes"),
		Text: []string{l.T("impact.review.outcomes_text", "Months", impact.WindowMonths)},
		Figures: []ReportFigure{
			{l.T("impact.review.fig.started"), l.figure(o.Started, t)},
			{l.T("impact.review.fig.measured"), l.figure(o.Measured, t)},
			{l.T("impact.review.fig.fell"), l.share(o.Fell)},
		}}
	naive, ok := o.Naive()
	if n, m := o.Measured.Value(); n == 0 && !m.Masked() {
		s.Notes = append(s.Notes, l.T("impact.review.naive_none"))
	} else if !ok {
		s.Notes = append(s.Notes, l.T("impact.review.naive_hidden"))
	} else {
		title := l.T("impact.review.before_after")
		s.Table = &ReportTable{Caption: title, Headers: []string{l.T("impact.review.col.measure"), l.T("impact.review.col.value")},
			Numeric: []bool{false, true}, Rows: [][]string{
				{l.T("impact.review.row.pupils"), l.Number(naive.N)},
				{l.T("impact.review.row.before"), l.halfDays(naive.Before)},
				{l.T("impact.review.row.after"), l.halfDays(naive.After)},
				{l.T("impact.review.row.change"), l.interval(naive.Change, l.halfDays)},
				{l.T("impact.review.row.quartiles"), l.T("impact.review.quartiles", "Q1", l.halfDays(naive.Quartiles[0]),
					"Median", l.halfDays(naive.Quartiles[1]), "Q3", l.halfDays(naive.Quartiles[2]))},
			}}
		s.Notes = append(s.Notes, l.T("impact.review.naive_note"))
	}
	return s
}

// impactEffect is the difference of the differences against the matched comparison group, or
// why there is none.
func (l *Localizer) impactEffect(y reports.ImpactYearReview, t int) ReportSection {
	o := y.Outcome()
	s := ReportSection{ID: "effect", Heading: l.T("impact.review.section.effect"), Text: []string{l.T("impact.review.effect_text")}}
	e, ok := o.Effect()
	if !ok {
		s.Text = append(s.Text, l.T("impact.review.no_effect", "Min", impact.MinGroup))
		return s
	}
	s.Figures = []ReportFigure{
		{l.T("impact.review.fig.effect"), l.T("impact.review.effect_value", "Value", l.interval(e.Difference, l.halfDays))},
		{l.T("impact.review.fig.relative"), l.interval(e.Relative, func(v float64) string { return l.percent(100 * v) })},
		{l.T("impact.review.fig.groups"), l.T("impact.review.groups", "Followed", l.figure(o.Matched, t), "Controls", l.Number(e.Controls))},
	}
	title := l.T("impact.review.did_table")
	s.Table = &ReportTable{Caption: title, Headers: []string{l.T("impact.review.col.group"), l.T("impact.review.row.pupils"),
		l.T("impact.review.row.before"), l.T("impact.review.row.after"), l.T("impact.review.row.change")},
		Numeric: []bool{false, true, true, true, true}, Rows: [][]string{
			{l.T("impact.review.group.followed"), l.figure(o.Matched, t), l.halfDays(e.Followed.Before), l.halfDays(e.Followed.After),
				l.halfDays(e.Followed.After - e.Followed.Before)},
			{l.T("impact.review.group.comparison"), l.Number(e.Controls), l.halfDays(e.Comparison.Before), l.halfDays(e.Comparison.After),
				l.halfDays(e.Comparison.After - e.Comparison.Before)},
		}}
	s.Notes = []string{l.T("impact.review.effect_note", "Min", impact.MinGroup)}
	return s
}

func (l *Localizer) impactExits(y reports.ImpactYearReview) ReportSection {
	title := l.T("impact.review.section.exits")
	return ReportSection{ID: "exits", Heading: title, Text: []string{l.T("impact.review.exits_text")},
		Table: l.protectedTable(title, append([]string{l.T("report.col.indicator")}, enumLabels(l, "exit.", models.ExitReasons)...),
			[]string{l.T("impact.review.closed_files")}, y.Exits().Counts())}
}

func (l *Localizer) impactFamilies(y reports.ImpactYearReview) ReportSection {
	return ReportSection{ID: "families", Heading: l.T("impact.review.section.families"),
		Text: []string{l.T("impact.review.families_text")},
		Figures: []ReportFigure{
			{l.T("impact.review.fig.families_met"), l.share(y.FamiliesMet())},
			{l.T("impact.review.fig.attendance"), l.share(y.Attendance())},
		}}
}

func (l *Localizer) impactReferrals(y reports.ImpactYearReview, t int) ReportSection {
	p := y.ReferralOutcomes().Counts()
	i := slices.Index(models.ReferralOutcomes, models.OutcomeSupportInPlace)
	title := l.T("impact.review.referral_outcomes")
	return ReportSection{ID: "referrals", Heading: l.T("impact.review.section.referrals"),
		Figures: []ReportFigure{
			{l.T("report.fig.referrals"), l.figure(y.Referrals(), t)},
			{l.T("impact.review.fig.delivered"), l.cell(p.Cells[0][i], p.Masks[0][i], t)},
			{l.T("impact.review.fig.on_time"), l.share(y.OnTime())},
			{l.T("report.fig.reply"), l.protectedMedian(y.ReplyTime())},
		},
		Table: l.protectedTable(title, append([]string{l.T("report.col.indicator")}, enumLabels(l, "referral.outcome.", models.ReferralOutcomes)...),
			[]string{l.T("impact.review.closed_referrals")}, p)}
}

func (l *Localizer) impactConflicts(y reports.ImpactYearReview, t int) ReportSection {
	return ReportSection{ID: "conflicts", Heading: l.T("impact.review.section.conflicts"),
		Figures: []ReportFigure{
			{l.T("report.fig.conflicts"), l.figure(y.Conflicts(), t)},
			{l.T("impact.review.fig.resolved"), l.share(y.Resolved())},
		}}
}

func (l *Localizer) impactObjectives(y reports.ImpactYearReview, t int) ReportSection {
	s := ReportSection{ID: "objectives", Heading: l.T("impact.review.section.objectives")}
	objectives := y.Objectives()
	if len(objectives) == 0 {
		s.Text = []string{l.T("impact.review.no_objective")}
		return s
	}
	table := &ReportTable{Caption: s.Heading, Headers: []string{l.T("impact.review.col.objective"), l.T("impact.review.col.indicator"),
		l.T("impact.review.col.target"), l.T("impact.review.col.reached"), l.T("impact.review.col.met")},
		Numeric: []bool{false, false, true, true, false}}
	for _, o := range objectives {
		reached := l.share(o.Reached)
		if o.Objective.Indicator.Unit() == models.UnitCount {
			reached = l.figure(o.Count, t)
		}
		met, ok := o.Met()
		verdict := l.T("impact.review.met.unknown")
		switch {
		case ok && met:
			verdict = l.T("impact.review.met.yes")
		case ok:
			verdict = l.T("impact.review.met.no")
		}
		table.Rows = append(table.Rows, []string{o.Objective.Label, l.T("impact.indicator." + string(o.Objective.Indicator)),
			l.Target(o.Objective.Target, o.Objective.Unit), reached, verdict})
		table.Masked = table.Masked || !ok
	}
	s.Table = table
	return s
}

// formulaValues writes a formula in words with the value of each input: « nombre de dossiers
// clos par un raccrochage (12) × valeur unitaire (1 000,00 € à 1 500,00 €) ».
func (l *Localizer) formulaValues(c reports.AvoidedCost) string {
	values := map[string]reports.FormulaInput{}
	for _, in := range c.Inputs {
		values[in.Name] = in
	}
	words := strings.Fields(c.Formula)
	for i, w := range words {
		name, negated := strings.CutPrefix(w, "−")
		if !slices.Contains(reports.FormulaInputs, name) {
			continue
		}
		text := l.T("impact.formula." + name)
		if in, ok := values[name]; ok {
			text += " (" + l.inputValue(in) + ")"
		}
		if negated {
			text = "−(" + text + ")"
		}
		words[i] = text
	}
	return strings.Join(words, " ")
}

// inputValue writes an input's range: one figure when its bounds agree.
func (l *Localizer) inputValue(in reports.FormulaInput) string {
	write := func(v float64) string {
		switch {
		case in.Name == reports.InputUnitValue:
			return l.Euros(int64(math.Round(v * 100)))
		case in.Count:
			return l.Number(int(math.Round(v)))
		}
		return l.halfDays(v)
	}
	if in.Low == in.High {
		return write(in.Low)
	}
	return l.T("impact.review.range", "Low", write(in.Low), "High", write(in.High))
}

func (l *Localizer) impactAvoided(y reports.ImpactYearReview, costs []models.UnitCost) ReportSection {
	s := ReportSection{ID: "avoided", Heading: l.T("impact.review.section.avoided"), Text: []string{l.T("impact.review.avoided_text")}}
	avoided := y.AvoidedCosts()
	if len(avoided) == 0 {
		s.Text = append(s.Text, l.T("impact.review.no_unit_cost"))
		return s
	}
	table := &ReportTable{Caption: s.Heading, Headers: []string{l.T("impact.review.col.unit_cost"), l.T("impact.review.col.unit_value"),
		l.T("impact.review.col.source"), l.T("impact.review.col.formula"), l.T("impact.review.col.range")},
		Numeric: []bool{false, true, false, false, true}}
	for _, c := range avoided {
		u := c.UnitCost
		value := l.Euros(u.AmountCents)
		if u.LowCents != nil || u.HighCents != nil {
			low, high := u.AmountCents, u.AmountCents
			if u.LowCents != nil {
				low = *u.LowCents
			}
			if u.HighCents != nil {
				high = *u.HighCents
			}
			value = l.T("impact.review.unit_bounds", "Value", value, "Low", l.Euros(low), "High", l.Euros(high))
		}
		if u.Unit != "" {
			value += " " + u.Unit
		}
		result := l.T("impact.review.range", "Low", l.Euros(c.LowCents), "High", l.Euros(c.HighCents))
		formula := l.formulaValues(c)
		switch {
		case c.Computed:
		case c.Missing == reports.MissingProtected:
			result = l.T("report.secret")
			formula = l.formulaWords(c.Formula)
			table.Masked = true
		case c.Missing == reports.MissingEffect:
			result = l.T("impact.review.missing.no_effect", "Min", impact.MinGroup)
			formula = l.formulaWords(c.Formula)
		default:
			result, formula = l.T("impact.review.missing.no_basis"), "–"
		}
		table.Rows = append(table.Rows, []string{u.Label, value, l.T("impact.review.source", "Source", u.Source, "Year", strconv.Itoa(u.SourceYear)),
			formula, result})
	}
	s.Table = table
	s.Notes = append(s.Notes, l.T("impact.review.avoided_note"))
	return s
}

// formulaWords writes a formula in words, without values.
func (l *Localizer) formulaWords(formula string) string {
	return l.formulaValues(reports.AvoidedCost{Formula: formula})
}

func (l *Localizer) impactYears(years []reports.ImpactYearReview, t int) ReportSection {
	title := l.T("impact.review.section.years")
	headers := []string{l.T("report.col.indicator")}
	numeric := []bool{false}
	for _, y := range years {
		h := y.Year.String()
		if y.Elapsed < 12 {
			h = l.T("impact.review.year_partial", "Year", h)
		}
		if !y.InAgreement {
			h = l.T("impact.review.year_outside", "Year", h)
		}
		headers, numeric = append(headers, h), append(numeric, true)
	}
	table := &ReportTable{Caption: title, Headers: headers, Numeric: numeric}
	row := func(label string, value func(reports.ImpactYearReview) string) {
		r := []string{label}
		for _, y := range years {
			v := value(y)
			table.Masked = table.Masked || v == l.T("report.secret") || strings.HasPrefix(v, "<\u00a0")
			r = append(r, v)
		}
		table.Rows = append(table.Rows, r)
	}
	reengaged := slices.Index(models.ExitReasons, models.ExitReEngaged)
	delivered := slices.Index(models.ReferralOutcomes, models.OutcomeSupportInPlace)
	row(l.T("impact.review.fig.pupils_followed"), func(y reports.ImpactYearReview) string { return l.figure(y.PupilsFollowed(), t) })
	row(l.T("impact.review.fig.families_met"), func(y reports.ImpactYearReview) string { return l.shareOnly(y.FamiliesMet()) })
	row(l.T("report.fig.follow_ups"), func(y reports.ImpactYearReview) string { return l.figure(y.FollowUps(), t) })
	row(l.T("impact.review.fig.meetings"), func(y reports.ImpactYearReview) string { return l.figure(y.Meetings(), t) })
	row(l.T("report.fig.referrals"), func(y reports.ImpactYearReview) string { return l.figure(y.Referrals(), t) })
	row(l.T("impact.review.fig.delivered"), func(y reports.ImpactYearReview) string {
		p := y.ReferralOutcomes().Counts()
		return l.cell(p.Cells[0][delivered], p.Masks[0][delivered], t)
	})
	row(l.T("report.fig.actions"), func(y reports.ImpactYearReview) string { return l.figure(y.Actions(), t) })
	row(l.T("report.fig.conflicts"), func(y reports.ImpactYearReview) string { return l.figure(y.Conflicts(), t) })
	row(l.T("impact.review.fig.resolved"), func(y reports.ImpactYearReview) string { return l.shareOnly(y.Resolved()) })
	row(l.T("impact.review.fig.reengaged"), func(y reports.ImpactYearReview) string {
		p := y.Exits().Counts()
		return l.cell(p.Cells[0][reengaged], p.Masks[0][reengaged], t)
	})
	row(l.T("impact.review.fig.fell"), func(y reports.ImpactYearReview) string { return l.shareOnly(y.Outcome().Fell) })
	row(l.T("impact.review.fig.effect"), func(y reports.ImpactYearReview) string {
		e, ok := y.Outcome().Effect()
		if !ok {
			return "–"
		}
		return l.interval(e.Difference, l.halfDays)
	})
	return ReportSection{ID: "years", Heading: title, Text: []string{l.T("impact.review.years_text")}, Table: table}
}

// impactMethod is the methodology annex, in plain French: what is compared, why the pupils' own
// before/after is not an effect, the comparison group, the bootstrap, the minimum group size,
// the protection, the avoided costs, and what the figures cannot show.
func (l *Localizer) impactMethod(r reports.Impact) ReportSection {
	s := ReportSection{ID: "methodology", Heading: l.T("impact.review.section.method"), Annex: true}
	for _, k := range []string{"scope", "activity", "compared", "regression", "comparison", "bootstrap", "minimum", "avoided", "cannot"} {
		s.Text = append(s.Text, l.T("impact.method."+k, "Months", impact.WindowMonths, "MinMonths", impact.MinMonths,
			"Caliper", l.Fixed(impact.Caliper), "Resamples", l.Number(impact.Resamples), "Min", impact.MinGroup))
	}
	t := r.Threshold()
	s.Text = append(s.Text, l.T("report.method.suppression", "Threshold", t, "Below", t-1), l.T("impact.method.protection"),
		l.T("report.method.anonymous"))
	return s
}

// maskedShare tells whether a share is hidden by the protection (rather than over nothing).
func maskedShare(s reports.Share) bool {
	n, d := s.Masks()
	return n.Masked() || d.Masked()
}
