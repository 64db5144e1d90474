package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/reports"
	"mediation/models/risk"
)

// Report is a report as both the web page and the PDF show it: the builders below turn the
// figures of models into one Report, and the dashboard template and ReportPDF render the same
// sections, so that the page and the document agree to the unit.
type Report struct {
	Title string
	// Scope says what the figures cover; Year is the school year, "2025-2026".
	Scope    string
	Year     string
	Sections []ReportSection
}

// ReportSection is a heading followed by paragraphs, key figures, a chart and a table (each
// optional, in that order).
type ReportSection struct {
	ID      string
	Heading string
	// Annex sections start on a new page in the PDF.
	Annex   bool
	Text    []string
	Figures []ReportFigure
	Chart   *ReportChart
	Table   *ReportTable
	Notes   []string
}

// ReportFigure is a key figure: a label and its value, already written out.
type ReportFigure struct {
	Label string
	Value string
}

// ReportChart is a bar or line chart. A masked value is NaN: it is not drawn, and the data
// table (Data) shows its mark.
type ReportChart struct {
	Title      string
	Line       bool
	Horizontal bool
	Categories []string
	Series     []ChartSeries
	// Data is the chart's figures as a table, for screen readers and for print.
	Data ReportTable
}

// ChartSeries is a named series of a chart.
type ChartSeries struct {
	Name   string
	Values []float64
	// Tone, when set ("good", "warn", "bad"), colours a series by what it means rather than by
	// its rank: the risk levels read low in green, medium in amber, high in red.
	Tone string
}

// ReportTable is a table of text cells. The first column is the row header; Numeric marks the
// columns aligned right.
type ReportTable struct {
	Caption string
	Headers []string
	Numeric []bool
	Rows    [][]string
	Totals  [][]string
	Empty   string
	// Links, when set, holds for each row the address its row header opens (the pupil file of
	// a nominative list); the PDF prints the text alone.
	Links []string
	// Masked tells that some figures are hidden by small-count protection: the legend of the
	// marks goes under the table.
	Masked bool
}

// cell writes a count of a protected table: the figure, "< threshold" or the secret mark.
func (l *Localizer) cell(n int, m disclosure.Mask, threshold int) string {
	switch m {
	case disclosure.MaskPrimary:
		return "<\u00a0" + strconv.Itoa(threshold)
	case disclosure.MaskComplementary:
		return l.T("report.secret")
	}
	return l.Number(n)
}

// value is a count for a chart: NaN when masked.
func value(n int, m disclosure.Mask) float64 {
	if m.Masked() {
		return math.NaN()
	}
	return float64(n)
}

// protectedTable writes a protected table with its row labels and column headers; the first
// header names the rows. A total column and a total row are added when the table has them.
func (l *Localizer) protectedTable(caption string, headers, rowLabels []string, p disclosure.Protected) *ReportTable {
	t := &ReportTable{Caption: caption, Headers: headers, Numeric: make([]bool, len(headers))}
	for i := 1; i < len(headers); i++ {
		t.Numeric[i] = true
	}
	if p.RowTotals != nil {
		t.Headers = append(t.Headers, l.T("report.total"))
		t.Numeric = append(t.Numeric, true)
	}
	for i, label := range rowLabels {
		row := []string{label}
		for j, n := range p.Cells[i] {
			row = append(row, l.cell(n, p.Masks[i][j], p.Threshold))
			t.Masked = t.Masked || p.Masks[i][j].Masked()
		}
		if p.RowTotals != nil {
			row = append(row, l.cell(p.RowTotals[i], p.RowTotalMasks[i], p.Threshold))
		}
		t.Rows = append(t.Rows, row)
	}
	if p.ColTotals != nil && len(rowLabels) > 0 {
		row := []string{l.T("report.total")}
		for j, n := range p.ColTotals {
			row = append(row, l.cell(n, p.ColTotalMasks[j], p.Threshold))
		}
		if p.RowTotals != nil {
			row = append(row, l.cell(p.Total, p.TotalMask, p.Threshold))
		}
		t.Totals = [][]string{row}
	}
	return t
}

// plainTable is protectedTable without protection, for the nominative reports.
func (l *Localizer) plainTable(caption string, headers, rowLabels []string, cells [][]int, rowTotals, colTotals bool) *ReportTable {
	return l.protectedTable(caption, headers, rowLabels, disclosure.Plain(disclosure.CountTable{Cells: cells, RowTotals: rowTotals, ColTotals: colTotals}))
}

// monthLabels are the short names of the months of a school year.
func (l *Localizer) monthLabels(y calendar.SchoolYear) []string {
	out := make([]string, 12)
	for i, m := range y.Months() {
		out[i] = l.T("report.month." + strconv.Itoa(int(m.First().Month())))
	}
	return out
}

// monthCells turns series of twelve monthly counts into table rows.
func monthCells(series ...[12]int) [][]int {
	cells := make([][]int, len(series))
	for i := range series {
		cells[i] = append([]int(nil), series[i][:]...)
	}
	return cells
}

// monthChart draws the rows of a protected table of twelve months as lines, with their table;
// the months not begun yet (from elapsed on) are left out of the lines.
func (l *Localizer) monthChart(title string, y calendar.SchoolYear, elapsed int, names []string, p disclosure.Protected) *ReportChart {
	months := l.monthLabels(y)
	c := &ReportChart{Title: title, Line: true, Categories: months}
	for i, name := range names {
		s := ChartSeries{Name: name, Values: make([]float64, 12)}
		for j := range 12 {
			s.Values[j] = value(p.Cells[i][j], p.Masks[i][j])
			if j >= elapsed {
				s.Values[j] = math.NaN()
			}
		}
		c.Series = append(c.Series, s)
	}
	c.Data = *(l.protectedTable(title, append([]string{l.T("report.col.indicator")}, months...), names, p))
	for _, row := range c.Data.Rows {
		for j := elapsed; j < 12; j++ {
			row[1+j] = "–"
		}
	}
	return c
}

// barChart draws the columns of a protected table as series over its rows.
func barChart(title string, categories, names []string, p disclosure.Protected, data *ReportTable, horizontal bool) *ReportChart {
	c := &ReportChart{Title: title, Categories: categories, Horizontal: horizontal}
	for j, name := range names {
		s := ChartSeries{Name: name, Values: make([]float64, len(categories))}
		for i := range categories {
			s.Values[i] = value(p.Cells[i][j], p.Masks[i][j])
		}
		c.Series = append(c.Series, s)
	}
	c.Data = *data
	return c
}

// riskTone is the colour meaning of a risk level.
func riskTone(l risk.Level) string {
	switch l {
	case risk.High:
		return "bad"
	case risk.Medium:
		return "warn"
	}
	return "good"
}

// enumLabels translates enumeration values with a catalog prefix, as the first cells of table
// rows (capitalised: some labels are written for the middle of a sentence).
func enumLabels[T ~string](l *Localizer, prefix string, values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = upperFirst(l.T(prefix + string(v)))
	}
	return out
}

// column reads one count per value from a map, as a one-column table.
func column[T comparable](values []T, counts map[T]int) [][]int {
	out := make([][]int, len(values))
	for i, v := range values {
		out[i] = []int{counts[v]}
	}
	return out
}

// referralStatuses are the statuses of a sent referral.
var referralStatuses = []models.ReferralStatus{models.ReferralSent, models.ReferralAcknowledged, models.ReferralAccepted,
	models.ReferralDeclined, models.ReferralClosed, models.ReferralWithdrawn}

// activityFigures are the key figures common to the establishment and metropolitan reports,
// already written out.
type activityFigures struct {
	files, newFiles, followUps, hours, held, attendance, referrals, reply, exits string
}

func (l *Localizer) figureList(k activityFigures) []ReportFigure {
	return []ReportFigure{
		{l.T("report.fig.files"), k.files},
		{l.T("report.fig.new_files"), k.newFiles},
		{l.T("report.fig.follow_ups"), k.followUps},
		{l.T("report.fig.hours"), k.hours},
		{l.T("report.fig.meetings_held"), k.held},
		{l.T("report.fig.attendance"), k.attendance},
		{l.T("report.fig.referrals"), k.referrals},
		{l.T("report.fig.reply"), k.reply},
		{l.T("report.fig.exits"), k.exits},
	}
}

// hours writes follow-up minutes as whole hours.
func (l *Localizer) hours(minutes int) string {
	return l.Number(int(math.Round(float64(minutes) / 60)))
}

// median writes a median number of days, or a dash when nothing was counted.
func (l *Localizer) median(rt reports.ReplyTime) string {
	if rt.Acknowledged == 0 {
		return "–"
	}
	return l.days(rt.MedianDays)
}

// EstablishmentReport is the establishment summary, with the nominative list of the files
// followed when the figures hold it.
func (l *Localizer) EstablishmentReport(s reports.EstablishmentSummary) Report {
	e := s.Establishment
	kind := l.T("establishment.type." + string(e.Type))
	if e.PriorityEducation == models.PriorityREP || e.PriorityEducation == models.PriorityREPPlus {
		kind += ", " + l.T("priority."+string(e.PriorityEducation)) // the label says what the reader compares it with
	}
	r := Report{Title: l.T("report.establishment.title"), Year: s.Year.String(),
		Scope: fmt.Sprintf("%s — %s, %s, UAI %s", e.Name, e.Commune, kind, e.UAI)}
	a := &s.Activity
	held, expected := a.FamilyAttendance()
	r.Sections = append(r.Sections, ReportSection{ID: "figures", Heading: l.T("report.section.figures"),
		Figures: l.figureList(activityFigures{files: l.Number(a.FilesFollowed()), newFiles: l.Number(a.NewFiles()),
			followUps: l.Number(a.FollowUps()), hours: l.hours(a.FollowUpMinutes), held: l.Number(held),
			attendance: l.Percent(held, expected), referrals: l.Number(a.Referrals()), reply: l.median(s.ReplyTime),
			exits: l.Number(a.Exits())})})

	statuses := enumLabels(l, "report.status.", models.PupilStatuses)
	risks := enumLabels(l, "risk.", risk.Levels)
	cells := make([][]int, len(models.PupilStatuses))
	for i, st := range models.PupilStatuses {
		for _, rk := range risk.Levels {
			cells[i] = append(cells[i], a.StatusRisk[st][rk])
		}
	}
	p := disclosure.Plain(disclosure.CountTable{Cells: cells, RowTotals: true, ColTotals: true})
	title := l.T("report.section.status_risk")
	table := l.protectedTable(title, append([]string{l.T("report.col.status")}, risks...), statuses, p)
	chart := barChart(title, statuses, risks, p, table, false)
	for i, rk := range risk.Levels {
		chart.Series[i].Tone = riskTone(rk)
	}
	r.Sections = append(r.Sections, ReportSection{ID: "status", Heading: title, Text: []string{l.T("report.text.status_risk")},
		Chart: chart})

	title = l.T("report.section.months")
	r.Sections = append(r.Sections, ReportSection{ID: "months", Heading: title,
		Chart: l.monthChart(title, s.Year, s.Elapsed, []string{l.T("report.fig.new_files"), l.T("report.fig.follow_ups")},
			disclosure.Plain(disclosure.CountTable{Cells: monthCells(a.NewFilesByMonth, a.FollowUpsByMonth), RowTotals: true}))})

	title = l.T("report.section.kinds")
	r.Sections = append(r.Sections, ReportSection{ID: "kinds", Heading: title,
		Table: l.plainTable(title, []string{l.T("report.col.kind"), l.T("report.col.count")},
			enumLabels(l, "kind.", models.FollowUpKinds), column(models.FollowUpKinds, a.FollowUpsByKind), false, true)})

	title = l.T("report.section.meetings")
	r.Sections = append(r.Sections, ReportSection{ID: "meetings", Heading: title,
		Text: []string{l.T("report.text.attendance", "Held", l.Number(held), "Expected", l.Number(expected), "Rate", l.Percent(held, expected))},
		Table: l.plainTable(title, []string{l.T("report.col.meeting_status"), l.T("report.col.count")},
			enumLabels(l, "meeting.status.", models.MeetingStatuses), column(models.MeetingStatuses, a.MeetingsByStatus), false, true)})

	title = l.T("report.section.referrals")
	var partners []string
	var pcells [][]int
	for _, pr := range s.ReferralsByPartner {
		partners = append(partners, pr.Partner)
		var row []int
		for _, st := range referralStatuses {
			row = append(row, pr.ByStatus[st])
		}
		pcells = append(pcells, row)
	}
	rt := l.plainTable(title, append([]string{l.T("report.col.partner")}, enumLabels(l, "referral.status.", referralStatuses)...),
		partners, pcells, true, true)
	rt.Empty = l.T("report.empty.referrals")
	r.Sections = append(r.Sections, ReportSection{ID: "referrals", Heading: title, Text: []string{l.replyText(s.ReplyTime)}, Table: rt})

	title = l.T("report.section.exits")
	reasons := enumLabels(l, "exit.", models.ExitReasons)
	p = disclosure.Plain(disclosure.CountTable{Cells: column(models.ExitReasons, a.ExitsByReason), ColTotals: true})
	table = l.protectedTable(title, []string{l.T("report.col.exit_reason"), l.T("report.col.count")}, reasons, p)
	r.Sections = append(r.Sections, ReportSection{ID: "exits", Heading: title,
		Chart: barChart(title, reasons, []string{l.T("report.col.count")}, p, table, true)})

	r.Sections = append(r.Sections, l.establishmentSchoolLife(s)...)

	if s.Pupils != nil {
		title = l.T("report.section.pupils")
		t := &ReportTable{Caption: title, Headers: []string{l.T("report.col.pupil"), l.T("report.col.class"), l.T("report.col.status"),
			l.T("report.col.risk"), l.T("report.col.referent"), l.T("report.col.follow_ups"), l.T("report.col.last_follow_up")},
			Numeric: []bool{false, false, false, false, false, true, false}}
		for _, p := range s.Pupils {
			last := ""
			if p.LastFollowUp.Valid {
				last = p.LastFollowUp.Time.Format("02/01/2006")
			}
			class := l.T("level." + string(p.ClassLevel))
			if p.ClassName != "" {
				class += " (" + p.ClassName + ")"
			}
			t.Rows = append(t.Rows, []string{strings.ToUpper(p.LastName) + " " + p.FirstName, class, l.T("report.status." + string(p.Status)),
				l.T("risk." + string(p.RiskLevel)), p.ReferentName, l.Number(p.FollowUps), last})
			t.Links = append(t.Links, "/pupils/"+strconv.FormatUint(uint64(p.ID), 10))
		}
		r.Sections = append(r.Sections, ReportSection{ID: "pupils", Heading: title, Annex: true,
			Text: []string{l.T("report.text.nominative")}, Table: t})
	}
	return r
}

// replyText says how fast partners acknowledged referrals.
func (l *Localizer) replyText(rt reports.ReplyTime) string {
	if rt.Acknowledged == 0 {
		return l.T("report.text.no_reply")
	}
	return l.T("report.text.reply", "Count", rt.Acknowledged, "N", l.Number(rt.Acknowledged), "Days", l.Fixed(rt.MedianDays))
}

// groupLabels writes the keys of the groups of a grouping.
func (l *Localizer) groupLabels(g reports.Grouping, keys []string, names map[string]string) []string {
	out := make([]string, len(keys))
	for i, key := range keys {
		switch g {
		case reports.ByType:
			out[i] = l.T("establishment.type." + key)
		case reports.ByPriority:
			out[i] = l.T("priority." + key)
		case reports.ByEstablishment:
			out[i] = names[key]
		default:
			out[i] = key
		}
	}
	return out
}

// methodology is the annex that says how the figures are counted and protected.
func (l *Localizer) methodology(threshold int, activity bool, extra ...string) ReportSection {
	s := ReportSection{ID: "methodology", Heading: l.T("report.section.methodology"), Annex: true}
	if activity {
		for _, k := range []string{"files", "new_files", "follow_ups", "meetings", "referrals", "exits", "groups"} {
			s.Text = append(s.Text, l.T("report.method."+k))
		}
	} else {
		s.Text = append(s.Text, l.T("report.method.partner"), l.T("report.method.reply"))
	}
	s.Text = append(s.Text, extra...)
	s.Text = append(s.Text, l.T("report.method.suppression", "Threshold", threshold, "Below", threshold-1))
	if activity {
		s.Text = append(s.Text, l.T("report.method.groupings", "Threshold", threshold))
	}
	s.Text = append(s.Text, l.T("report.method.anonymous"))
	return s
}

// SuppressionNote is the legend of the marks of protected tables.
func (l *Localizer) SuppressionNote(threshold int) string {
	return l.T("report.note.suppression", "Threshold", threshold, "Secret", l.T("report.secret"))
}

// DossierReport is a pupil's dossier. Restricted follow-ups are already left out of d by its
// loader when the reader may not see them.
func (l *Localizer) DossierReport(d reports.PupilDossier) Report {
	p := d.Pupil
	r := Report{Title: l.T("report.dossier.title"), Year: d.Year.String(),
		Scope: fmt.Sprintf("%s %s — %s", strings.ToUpper(p.LastName), p.FirstName, d.Establishment.Name)}
	ine := "–"
	if p.INE != nil {
		ine = *p.INE
	}
	class := l.T("level." + string(p.ClassLevel))
	if p.ClassName != "" {
		class += " (" + p.ClassName + ")"
	}
	figures := []ReportFigure{
		{l.T("report.col.pupil"), strings.ToUpper(p.LastName) + " " + p.FirstName},
		{l.T("report.dossier.birth"), p.BirthDate.Format("02/01/2006")},
		{l.T("report.col.class"), class},
		{l.T("report.dossier.ine"), ine},
		{l.T("report.col.status"), l.T("report.status." + string(p.Status))},
		{l.T("report.col.risk"), l.T("risk." + string(p.RiskLevel))},
		{l.T("report.col.referent"), orDash(d.ReferentName)},
		{l.T("report.dossier.opened"), p.IdentifiedOn.Format("02/01/2006")},
	}
	r.Sections = append(r.Sections, ReportSection{ID: "identity", Heading: l.T("report.dossier.identity"), Figures: figures})

	g := &ReportTable{Caption: l.T("report.dossier.guardians"), Headers: []string{l.T("report.dossier.guardian"), l.T("report.dossier.relation"),
		l.T("report.dossier.phone"), l.T("report.dossier.language")}, Empty: l.T("report.empty.none")}
	for _, gu := range p.Guardians {
		lang := gu.HomeLanguage
		if gu.InterpreterNeeded {
			lang = strings.TrimSpace(lang + " " + l.T("report.dossier.interpreter"))
		}
		g.Rows = append(g.Rows, []string{gu.Name, gu.Relation, gu.Phone, lang})
	}
	r.Sections = append(r.Sections, ReportSection{ID: "guardians", Heading: g.Caption, Table: g})

	h := &ReportTable{Caption: l.T("report.dossier.history"), Headers: []string{l.T("report.col.date"), l.T("report.col.status"),
		l.T("report.col.exit_reason"), l.T("report.dossier.by")}}
	for i := len(d.History) - 1; i >= 0; i-- {
		c := d.History[i]
		reason := ""
		if c.ExitReason != nil {
			reason = l.T("exit." + string(*c.ExitReason))
		}
		h.Rows = append(h.Rows, []string{c.ChangedAt.In(calendar.Paris).Format("02/01/2006"), l.T("report.status." + string(c.ToStatus)), reason, c.ChangedByName})
	}
	r.Sections = append(r.Sections, ReportSection{ID: "history", Heading: h.Caption, Table: h})

	in := &ReportTable{Caption: l.T("report.dossier.indicators"), Headers: []string{l.T("report.col.month"), l.T("report.dossier.unjustified"),
		l.T("report.dossier.justified"), l.T("report.dossier.exclusions"), l.T("report.dossier.incidents"), l.T("report.dossier.average")},
		Numeric: []bool{false, true, true, true, true, true}, Empty: l.T("report.empty.none")}
	for i := len(d.Indicators) - 1; i >= 0; i-- {
		x := d.Indicators[i]
		in.Rows = append(in.Rows, []string{l.MonthName(x.Month), l.Count(x.UnjustifiedHalfDays), l.Count(x.JustifiedHalfDays),
			l.Count(x.TemporaryExclusions), l.Count(x.Incidents), orDash(l.Decimal(x.TermAverage))})
	}
	r.Sections = append(r.Sections, ReportSection{ID: "indicators", Heading: in.Caption, Table: in})

	fu := &ReportTable{Caption: l.T("report.dossier.follow_ups"), Headers: []string{l.T("report.col.date"), l.T("report.col.kind"),
		l.T("report.dossier.by"), l.T("report.dossier.note")}, Empty: l.T("report.empty.none")}
	for _, f := range d.FollowUps {
		note := f.Note
		if f.Restricted {
			note = l.T("report.dossier.restricted") + " " + note
		}
		fu.Rows = append(fu.Rows, []string{f.OccurredOn.Format("02/01/2006"), l.T("kind." + string(f.Kind)), f.AuthorName, note})
	}
	notes := []string{l.T("report.dossier.restricted_included")}
	if !d.Restricted {
		notes = []string{l.T("report.dossier.restricted_excluded")}
	}
	r.Sections = append(r.Sections, ReportSection{ID: "follow-ups", Heading: fu.Caption, Table: fu, Notes: notes})

	mt := &ReportTable{Caption: l.T("report.dossier.meetings"), Headers: []string{l.T("report.col.date"), l.T("report.col.meeting_status"),
		l.T("report.dossier.purpose")}, Empty: l.T("report.empty.none")}
	for _, m := range d.Meetings {
		mt.Rows = append(mt.Rows, []string{m.ScheduledAt.In(calendar.Paris).Format("02/01/2006 15:04"), l.T("meeting.status." + string(m.Status)), m.Purpose})
	}
	r.Sections = append(r.Sections, ReportSection{ID: "meetings", Heading: mt.Caption, Table: mt})

	rf := &ReportTable{Caption: l.T("report.dossier.referrals"), Headers: []string{l.T("report.col.partner"), l.T("referral.reason"),
		l.T("referral.status"), l.T("report.dossier.sent")}, Empty: l.T("report.empty.none")}
	for _, x := range d.Referrals {
		sent := ""
		if x.SentAt != nil {
			sent = x.SentAt.In(calendar.Paris).Format("02/01/2006")
		}
		rf.Rows = append(rf.Rows, []string{x.PartnerName, l.T("referral.reason." + string(x.Reason)), l.T("referral.status." + string(x.Status)), sent})
	}
	r.Sections = append(r.Sections, ReportSection{ID: "referrals", Heading: rf.Caption, Table: rf})
	r.Sections = append(r.Sections, l.dossierConflicts(d.Conflicts), l.dossierReviews(d.Reviews))
	return r
}

// dossierConflicts is the pupil's part of the conflict mediations of the year: the other
// parties by their role only, and the notes said to exist, never printed (they concern several
// minors).
func (l *Localizer) dossierConflicts(cs []models.PupilConflictPart) ReportSection {
	t := &ReportTable{Caption: l.T("report.dossier.conflicts"), Headers: []string{l.T("report.col.date"), l.T("report.dossier.conflict_place"),
		l.T("report.dossier.conflict_kind"), l.T("report.dossier.other_parties"), l.T("report.dossier.conflict_steps"),
		l.T("report.dossier.conflict_outcome"), l.T("report.dossier.conflict_next"), l.T("report.dossier.conflict_notes")},
		Empty: l.T("report.empty.none")}
	withheld := 0
	for _, c := range cs {
		roles := make([]string, len(c.OtherParties))
		for i, role := range c.OtherParties {
			roles[i] = l.T("conflicts.role." + string(role))
		}
		var steps []string
		for _, st := range []struct {
			key string
			on  *time.Time
		}{{"report.dossier.step_listened", c.ListenedOn}, {"report.dossier.step_meeting", c.MeetingOn}, {"report.dossier.step_agreement", c.AgreementOn}} {
			if st.on != nil {
				steps = append(steps, l.T(st.key, "Date", st.on.Format("02/01/2006")))
			}
		}
		outcome := l.T("conflicts.outcome.pending")
		if c.Outcome != nil {
			outcome = l.T("conflicts.outcome." + string(*c.Outcome))
		}
		next := ""
		switch {
		case c.ClosedOn != nil:
			next = l.T("report.dossier.conflict_closed", "Date", c.ClosedOn.Format("02/01/2006"))
		case c.FollowUpOn != nil:
			next = l.T("report.dossier.conflict_follow_up", "Date", c.FollowUpOn.Format("02/01/2006"))
		}
		notes := "–"
		if c.NotesWithheld {
			withheld++
			notes = l.T("report.dossier.notes_withheld")
		}
		t.Rows = append(t.Rows, []string{c.OccurredOn.Format("02/01/2006"), l.T("conflicts.place." + string(c.Place)),
			upperFirst(l.T("conflicts.kind." + string(c.Kind))), orDash(strings.Join(roles, ", ")), orDash(strings.Join(steps, " ; ")), outcome, orDash(next), notes})
	}
	notes := []string{l.T("report.dossier.conflicts_rule")}
	if withheld > 0 {
		notes = append(notes, l.T("report.dossier.conflicts_withheld", "Count", withheld, "N", l.Number(withheld)))
	}
	return ReportSection{ID: "conflicts", Heading: t.Caption, Table: t, Notes: notes}
}

// dossierReviews is the prevention group's decisions about the pupil at the sessions of the
// year, with who acts and the state of the next action; a restricted remark is said to be left
// out, never printed (the loader has blanked it).
func (l *Localizer) dossierReviews(rs []reports.DossierReview) ReportSection {
	t := &ReportTable{Caption: l.T("report.dossier.reviews"), Headers: []string{l.T("report.col.date"), l.T("reviews.kind"),
		l.T("reviews.decision"), l.T("reviews.owner"), l.T("report.dossier.action_state"), l.T("report.dossier.remark")},
		Empty: l.T("report.empty.none")}
	restricted := 0
	for _, r := range rs {
		decision := "–"
		if r.Decision != "" {
			decision = l.T("reviews.decision." + string(r.Decision))
		}
		owner, state := "", ""
		if r.ActionID != nil {
			owner = r.Owner()
			due := ""
			if r.DueOn.Valid {
				due = r.DueOn.Time.Format("02/01/2006")
			}
			switch {
			case r.DoneAt.Valid:
				state = l.T("report.dossier.action_done", "Date", r.DoneAt.Time.In(calendar.Paris).Format("02/01/2006"))
			case r.Overdue:
				state = l.T("report.dossier.action_overdue", "Date", due)
			default:
				state = l.T("report.dossier.action_due", "Date", due)
			}
		}
		remark := r.Note
		if r.Restricted {
			restricted++
			remark = l.T("report.dossier.remark_left_out")
		}
		t.Rows = append(t.Rows, []string{r.HeldOn.Format("02/01/2006"), l.T("reviews.kind." + string(r.Kind)), decision,
			orDash(owner), orDash(state), orDash(remark)})
	}
	var notes []string
	if restricted > 0 {
		notes = append(notes, l.T("report.dossier.remarks_left_out", "Count", restricted, "N", l.Number(restricted)))
	}
	return ReportSection{ID: "reviews", Heading: t.Caption, Table: t, Notes: notes}
}

// upperFirst capitalises a label the catalog writes for the middle of a sentence (the kinds of
// conflict), as a table cell starts.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// days writes a number of days ("3,5 jours").
func (l *Localizer) days(d float64) string {
	return l.T("report.days", "Count", strconv.FormatFloat(math.Round(d*10)/10, 'f', -1, 64), "Days", l.Fixed(d))
}

// GeneratedText says when a report was generated, in Paris time.
func (l *Localizer) GeneratedText(t time.Time) string {
	p := t.In(calendar.Paris)
	return l.T("report.generated", "Date", p.Format("02/01/2006"), "Time", p.Format("15:04"))
}
