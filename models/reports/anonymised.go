package reports

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
)

// The anonymised reports (metropolitan, partner, and the metropolitan overview) leave this
// package protected, never as raw counts: LoadMetropolitan and LoadPartner read the
// small-count threshold themselves, protect every table, and return types whose fields are
// unexported, so that no caller (a page, a PDF, a later CSV or JSON export) can print an
// unprotected count about minors. The raw figures are read by unexported loaders only.
//
// Across the tables of one report:
//   - the metropolitan tables by establishment are protected together with the same tables
//     by commune, type and label (disclosure.ProtectGrouped, ProtectLinked): every masked
//     figure, of any grouping, has a move of the establishment figures that changes it and
//     keeps everything the report prints as printed, so that nothing masked can be worked
//     out from all the tables at once; a group's figure is masked only where such a move
//     needs it, not wherever one of its establishments' figures is;
//   - tables that break one total down in different ways (the new files by establishment and
//     by month, a partner's referrals by status, reason, month and establishment) are
//     protected together, as one network (protectBreakdowns), so that a figure printed in
//     several places has one mask and nothing can be worked out from the tables together;
//   - a median is printed only over a number of referrals at least the threshold.

// Table is a protected table of an anonymised report. It is made in this package only.
type Table struct{ p disclosure.Protected }

// Counts is the table as it may be printed: the masked values are zero, so that a masked count
// cannot travel further than this package even by mistake.
func (t Table) Counts() disclosure.Protected {
	p := t.p
	p.Cells = make([][]int, len(t.p.Cells))
	for i, row := range t.p.Cells {
		p.Cells[i] = hide(row, t.p.Masks[i])
	}
	p.RowTotals = hide(t.p.RowTotals, t.p.RowTotalMasks)
	p.ColTotals = hide(t.p.ColTotals, t.p.ColTotalMasks)
	if p.TotalMask.Masked() {
		p.Total = 0
	}
	return p
}

// hide copies values, zero where masked; nil stays nil (no such margin).
func hide(values []int, masks []disclosure.Mask) []int {
	if values == nil {
		return nil
	}
	out := make([]int, len(values))
	for i, v := range values {
		if !masks[i].Masked() {
			out[i] = v
		}
	}
	return out
}

// Figure is a protected key figure: a count with its mask.
type Figure struct {
	n    int
	mask disclosure.Mask
}

// Value is the count (0 when masked) and its mask.
func (f Figure) Value() (int, disclosure.Mask) {
	if f.mask.Masked() {
		return 0, f.mask
	}
	return f.n, f.mask
}

// Median is a protected median reply time: printed only over enough referrals that it
// describes no one in particular, and only when the figures it is drawn from are printed.
type Median struct {
	rt    ReplyTime
	shown bool
}

// Value is the median, and whether it may be printed (the zero ReplyTime when not).
func (m Median) Value() (ReplyTime, bool) {
	if !m.shown {
		return ReplyTime{}, false
	}
	return m.rt, true
}

// protectedMedian hides a median over fewer referrals than the threshold.
func protectedMedian(rt ReplyTime, threshold int) Median {
	return Median{rt: rt, shown: rt.Acknowledged == 0 || rt.Acknowledged >= threshold}
}

// metroActivityColumns are the columns of the activity tables: new files, follow-ups, meetings
// held, meetings where the family was absent, referrals.
const metroActivityColumns = 5

// Metropolitan is the anonymised metropolitan report, protected: counts only, small counts
// hidden across all its tables.
type Metropolitan struct {
	Year  calendar.SchoolYear
	Years []calendar.SchoolYear
	// Elapsed is the number of months of the year begun at the time of the report.
	Elapsed int
	// Establishments counts the establishments in the report; Reporting those with any figure.
	Establishments int
	Reporting      int
	// Names gives an establishment's name and commune by UAI, for the rows of ByEstablishment.
	Names map[string]string

	// ComputedAt is when the figures were computed (zero when computed for this request only).
	ComputedAt time.Time

	threshold int
	// keys are the groups of each grouping in the report's order (by establishment: the rows
	// of the tables, UAIs).
	keys                           map[Grouping][]string
	followUpMinutes                int
	status, activity, exits, month disclosure.Protected
	// grouped are the tables by commune, type and label, protected with those by
	// establishment.
	grouped   map[Grouping]groupedTables
	replyTime Median
	// life are the school-life tables (nil in a snapshot stored before them).
	life *metroLife
}

// groupedTables are the tables of one grouping other than by establishment.
type groupedTables struct{ Status, Activity, Exits disclosure.Protected }

// crossGroupings are the groupings printed beside the establishments.
var crossGroupings = []Grouping{ByType, ByPriority, ByCommune}

// LoadMetropolitan loads and protects the metropolitan figures of the year, with the
// small-count threshold in force, or ErrNoData (with the years that have data).
func LoadMetropolitan(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, now time.Time) (Metropolitan, error) {
	threshold, err := models.LoadSmallCountThreshold(ctx, db)
	if err != nil {
		return Metropolitan{Year: y}, err
	}
	m, err := loadMetropolitanFigures(ctx, db, y, now)
	if err != nil {
		return Metropolitan{Year: y, Years: m.Years, threshold: threshold}, err
	}
	return ProtectMetropolitan(m, threshold), nil
}

// ProtectMetropolitan protects metropolitan figures with a threshold: the establishment
// tables, the activity columns with the months that break the same totals down.
func ProtectMetropolitan(m MetropolitanFigures, threshold int) Metropolitan {
	t := Metropolitan{Year: m.Year, Years: m.Years, Elapsed: m.Elapsed, Establishments: m.Establishments, Reporting: m.Reporting,
		Names: m.Names, threshold: threshold, keys: map[Grouping][]string{},
		followUpMinutes: m.Total.FollowUpMinutes, replyTime: protectedMedian(m.ReplyTime, threshold)}
	for _, g := range Groupings {
		for _, ag := range m.Groups[g] {
			t.keys[g] = append(t.keys[g], ag.Key)
		}
	}
	var status, activity, exits [][]int
	for _, ag := range m.Groups[ByEstablishment] {
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
	// groupings[g][e]: the group of establishment e in crossGroupings[g], by the keys' order.
	groupings := make([][]int, len(crossGroupings))
	for g, grouping := range crossGroupings {
		index := map[string]int{}
		for i, k := range t.keys[grouping] {
			index[k] = i
		}
		for _, uai := range t.keys[ByEstablishment] {
			groupings[g] = append(groupings[g], index[m.GroupOf[uai][grouping]])
		}
	}
	t.grouped = map[Grouping]groupedTables{}
	var groupedStatus, groupedExits []disclosure.Protected
	t.status, groupedStatus = disclosure.ProtectGrouped(disclosure.CountTable{Cells: status, RowTotals: true, ColTotals: true}, groupings, threshold)
	t.exits, groupedExits = disclosure.ProtectGrouped(disclosure.CountTable{Cells: exits, RowTotals: true, ColTotals: true}, groupings, threshold)
	// Meetings and referrals: each column on its own. New files and follow-ups: each column
	// with the months that break the same total down, as one network.
	rest := make([][]int, len(activity))
	for i, row := range activity {
		rest[i] = row[2:]
	}
	p, groupedRest := disclosure.ProtectGrouped(disclosure.CountTable{Cells: rest, ColTotals: true}, groupings, threshold)
	t.activity = activityTable(len(activity), p, threshold)
	groupedActivity := make([]disclosure.Protected, len(crossGroupings))
	for g := range crossGroupings {
		groupedActivity[g] = activityTable(len(groupedRest[g].Cells), groupedRest[g], threshold)
	}
	t.month = disclosure.Protected{Threshold: threshold, Cells: make([][]int, 2), Masks: make([][]disclosure.Mask, 2),
		RowTotals: make([]int, 2), RowTotalMasks: make([]disclosure.Mask, 2)}
	for k, months := range [][12]int{m.Total.NewFilesByMonth, m.Total.FollowUpsByMonth} {
		col := make([]int, len(activity))
		total := 0
		for i, row := range activity {
			col[i] = row[k]
			total += row[k]
		}
		masks, totalMask, sumMasks := protectBreakdowns(total, [][]int{col, months[:]}, groupings, threshold)
		for i := range activity {
			t.activity.Cells[i][k], t.activity.Masks[i][k] = col[i], masks[0][i]
		}
		t.activity.ColTotals[k], t.activity.ColTotalMasks[k] = total, totalMask
		t.month.Cells[k], t.month.Masks[k] = months[:], masks[1]
		t.month.RowTotals[k], t.month.RowTotalMasks[k] = total, totalMask
		for g := range crossGroupings {
			q := &groupedActivity[g]
			for i, group := range groupings[g] {
				q.Cells[group][k] += col[i]
			}
			for group := range q.Cells {
				q.Masks[group][k] = sumMasks[g][group]
			}
			q.ColTotals[k], q.ColTotalMasks[k] = total, totalMask
		}
	}
	for g, grouping := range crossGroupings {
		t.grouped[grouping] = groupedTables{Status: groupedStatus[g], Activity: groupedActivity[g], Exits: groupedExits[g]}
	}
	t.life = protectSchoolLife(m, groupings, threshold)
	return t
}

// activityTable is an activity table of rows rows whose meetings and referrals columns are p's;
// the new files and follow-ups columns are filled after.
func activityTable(rows int, p disclosure.Protected, threshold int) disclosure.Protected {
	out := disclosure.Protected{Threshold: threshold, Cells: make([][]int, rows), Masks: make([][]disclosure.Mask, rows),
		ColTotals: make([]int, metroActivityColumns), ColTotalMasks: make([]disclosure.Mask, metroActivityColumns)}
	for i := range rows {
		out.Cells[i] = append(make([]int, 2), p.Cells[i]...)
		out.Masks[i] = append(make([]disclosure.Mask, 2), p.Masks[i]...)
	}
	copy(out.ColTotals[2:], p.ColTotals)
	copy(out.ColTotalMasks[2:], p.ColTotalMasks)
	return out
}

// Threshold is the small-count threshold the figures were protected with.
func (t Metropolitan) Threshold() int { return t.threshold }

// Keys are the keys of the groups of a grouping, in the report's order: UAIs, communes,
// establishment types or priority labels.
func (t Metropolitan) Keys(g Grouping) []string { return slices.Clone(t.keys[g]) }

// Status is the table of the files followed by status (columns: models.PupilStatuses), by
// group of the grouping, with its totals.
func (t Metropolitan) Status(g Grouping) Table {
	return t.table(g, t.status, func(gt groupedTables) disclosure.Protected { return gt.Status })
}

// Activity is the table of new files, follow-ups, meetings held, meetings the family missed
// and referrals, by group of the grouping, with its column totals.
func (t Metropolitan) Activity(g Grouping) Table {
	return t.table(g, t.activity, func(gt groupedTables) disclosure.Protected { return gt.Activity })
}

// Exits is the table of the exits by reason (columns: models.ExitReasons), by group of the
// grouping, with its totals.
func (t Metropolitan) Exits(g Grouping) Table {
	return t.table(g, t.exits, func(gt groupedTables) disclosure.Protected { return gt.Exits })
}

// table is the establishment table, or the grouping's. A snapshot stored before the
// groupings were protected with the establishments holds none: every figure of its groupings
// but the shared totals is then masked, until it is computed again.
func (t Metropolitan) table(g Grouping, byEstablishment disclosure.Protected, pick func(groupedTables) disclosure.Protected) Table {
	if g == ByEstablishment {
		return Table{byEstablishment}
	}
	if gt, ok := t.grouped[g]; ok {
		return Table{pick(gt)}
	}
	p := byEstablishment
	out := disclosure.Protected{Threshold: p.Threshold, Cells: make([][]int, len(t.keys[g])), Masks: make([][]disclosure.Mask, len(t.keys[g])),
		ColTotals: p.ColTotals, ColTotalMasks: p.ColTotalMasks, Total: p.Total, TotalMask: p.TotalMask}
	cols := len(p.ColTotals)
	for i := range out.Cells {
		out.Cells[i], out.Masks[i] = make([]int, cols), make([]disclosure.Mask, cols)
		for j := range out.Masks[i] {
			out.Masks[i][j] = disclosure.MaskComplementary
		}
	}
	if p.RowTotals != nil {
		out.RowTotals, out.RowTotalMasks = make([]int, len(out.Cells)), make([]disclosure.Mask, len(out.Cells))
		for i := range out.RowTotalMasks {
			out.RowTotalMasks[i] = disclosure.MaskComplementary
		}
	}
	return Table{out}
}

// Months is the table of the new files (row 0) and follow-ups (row 1) by month of the year,
// with their totals.
func (t Metropolitan) Months() Table { return Table{t.month} }

// FollowUpMinutes is the time spent in follow-ups, printed only when their count is.
func (t Metropolitan) FollowUpMinutes() (int, bool) {
	if t.activity.ColTotalMasks[1].Masked() {
		return 0, false
	}
	return t.followUpMinutes, true
}

// ReplyTime is the median reply time of the partners.
func (t Metropolitan) ReplyTime() Median { return t.replyTime }

// StatusRow is a row of the partner's status table: a status, or for closed referrals an
// outcome (Status ReferralClosed and an empty Outcome: closed with no outcome recorded).
type StatusRow struct {
	Status  models.ReferralStatus
	Outcome models.ReferralOutcome
}

// Partner is the anonymised report of the referrals addressed to one partner, protected: its
// tables all add up to the referrals received, and are protected together.
type Partner struct {
	Partner models.PartnerOrganisation
	Year    calendar.SchoolYear
	Years   []calendar.SchoolYear
	// Elapsed is the number of months of the year begun at the time of the report.
	Elapsed int

	threshold                                 int
	statusRows                                []StatusRow
	establishmentKeys                         []string
	statuses, reasons, months, establishments disclosure.Protected
	received, onTime, overdue                 Figure
	reply, answer                             Median
	// ownReader: protected for the partner's own agents (ProtectOwnPartner).
	ownReader bool
	// actions, actionKinds: the collective actions the partner took part in, printed as
	// counted (headcounts of group events, see anonymised_schoollife.go).
	actions     map[string]ActionFigures
	actionKinds []models.ActivityKind
}

// Actions are the kinds of collective actions of the catalogue, in its order, and the actions
// of the year the partner took part in by kind code, every establishment together.
func (r Partner) Actions() ([]models.ActivityKind, map[string]ActionFigures) {
	return r.actionKinds, r.actions
}

// LoadPartner loads and protects the figures of the referrals sent to the partner in the
// year, with the small-count threshold in force, for a scope allowed to read them (else
// models.ErrNotFound), or ErrNoData (with the years that have data).
func LoadPartner(ctx context.Context, db *gorm.DB, s models.Scope, partnerID uint, y calendar.SchoolYear, now time.Time) (Partner, error) {
	threshold, err := models.LoadSmallCountThreshold(ctx, db)
	if err != nil {
		return Partner{Year: y}, err
	}
	f, err := loadPartnerFigures(ctx, db, s, partnerID, y, now)
	if err != nil {
		return Partner{Year: y, Years: f.Years, Partner: f.Partner, threshold: threshold}, err
	}
	if s.Role == models.RolePartner && s.PartnerID == partnerID {
		return ProtectOwnPartner(f, threshold), nil
	}
	return ProtectPartner(f, threshold), nil
}

// ProtectOwnPartner protects a partner's figures for the partner's own agents. They see every
// referral that reached them one by one, with its status, reason, outcome, date and
// establishment, in their inbox, as long as its file is not anonymised: a count of those
// referrals tells them nothing they cannot count themselves, so small counts need no masking
// against them. What they do not see any more are the referrals whose file has been
// anonymised: since they know the visible part of every figure, the printed figure gives the
// anonymised part away, which is therefore protected as the coordination's report protects
// everything (f.Anonymised through ProtectPartner), and a figure is masked wherever its
// anonymised part is. A masked figure always gets the secret mark: knowing the visible part,
// "< threshold" would bound the anonymised part more tightly than its own protection allows.
// The medians are printed as for the coordination unless no referral is anonymised. The
// partner never gets more hidden than the coordination: when the rule would hide more figures
// than the coordination's report, it gets that report.
func ProtectOwnPartner(f PartnerFigures, threshold int) Partner {
	r := protectSeenReferrals(f, threshold)
	// The anonymised part is small next to the whole, so its protection may hide more than
	// the coordination's report does: the partner then gets the coordination's report, which
	// is what it received before this rule, whole (mixing the two table by table would
	// break the protection across tables).
	if coordination := ProtectPartner(f, threshold); r.maskedFigures() > coordination.maskedFigures() {
		coordination.ownReader = true
		return coordination
	}
	return r
}

// protectSeenReferrals is ProtectOwnPartner's rule before the comparison with the
// coordination's report: unmasked but where the anonymised part is masked.
func protectSeenReferrals(f PartnerFigures, threshold int) Partner {
	r := ProtectPartner(f, 0)
	r.threshold, r.statuses.Threshold, r.reasons.Threshold = threshold, threshold, threshold
	r.months.Threshold, r.establishments.Threshold = threshold, threshold
	r.ownReader = true
	if f.Anonymised == nil || f.Anonymised.Sent == 0 {
		return r
	}
	a := ProtectPartner(*f.Anonymised, threshold)
	overlay := func(dst *disclosure.Protected, src disclosure.Protected) {
		for i := range dst.Masks {
			for j := range dst.Masks[i] {
				if src.Masks[i][j].Masked() {
					dst.Masks[i][j] = disclosure.MaskComplementary
				}
			}
		}
		for i, m := range src.RowTotalMasks {
			if m.Masked() {
				dst.RowTotalMasks[i] = disclosure.MaskComplementary
			}
		}
		for i, m := range src.ColTotalMasks {
			if m.Masked() {
				dst.ColTotalMasks[i] = disclosure.MaskComplementary
			}
		}
	}
	overlay(&r.statuses, a.statuses)
	overlay(&r.reasons, a.reasons)
	overlay(&r.months, a.months)
	overlay(&r.establishments, a.establishments)
	figure := func(dst *Figure, src Figure) {
		if src.mask.Masked() {
			dst.mask = disclosure.MaskComplementary
		}
	}
	figure(&r.received, a.received)
	figure(&r.onTime, a.onTime)
	figure(&r.overdue, a.overdue)
	coordination := ProtectPartner(f, threshold)
	r.reply, r.answer = coordination.reply, coordination.answer
	return r
}

// maskedFigures counts the figures the report hides: cells, totals, key figures, medians.
func (r Partner) maskedFigures() int {
	n := 0
	for _, p := range []disclosure.Protected{r.statuses, r.reasons, r.months, r.establishments} {
		for _, row := range p.Masks {
			for _, m := range row {
				if m.Masked() {
					n++
				}
			}
		}
		for _, m := range append(append([]disclosure.Mask(nil), p.RowTotalMasks...), p.ColTotalMasks...) {
			if m.Masked() {
				n++
			}
		}
	}
	for _, f := range []Figure{r.received, r.onTime, r.overdue} {
		if f.mask.Masked() {
			n++
		}
	}
	for _, m := range []Median{r.reply, r.answer} {
		if !m.shown {
			n++
		}
	}
	return n
}

// partnerStatusRows are the rows of the partner's status table: the statuses, the closed ones
// split by outcome, with their counts.
func partnerStatusRows(f PartnerFigures) ([]StatusRow, []int) {
	var rows []StatusRow
	var cells []int
	for _, st := range []models.ReferralStatus{models.ReferralSent, models.ReferralAcknowledged, models.ReferralAccepted,
		models.ReferralDeclined, models.ReferralWithdrawn} {
		rows = append(rows, StatusRow{Status: st})
		cells = append(cells, f.ByStatus[st])
	}
	closed := f.ByStatus[models.ReferralClosed]
	for _, o := range models.ReferralOutcomes {
		rows = append(rows, StatusRow{Status: models.ReferralClosed, Outcome: o})
		cells = append(cells, f.ByOutcome[o])
		closed -= f.ByOutcome[o]
	}
	if closed > 0 {
		rows = append(rows, StatusRow{Status: models.ReferralClosed})
		cells = append(cells, closed)
	}
	return rows, cells
}

// ProtectPartner protects a partner's figures with a threshold. The timing figures are
// subsets of status cells (overdue referrals are still sent; the others were acknowledged,
// answered or closed): each is printed only when the cells it is drawn from are, so that it
// cannot pin a masked one.
func ProtectPartner(f PartnerFigures, threshold int) Partner {
	r := Partner{Partner: f.Partner, Year: f.Year, Years: f.Years, Elapsed: f.Elapsed, threshold: threshold,
		actions: f.Actions, actionKinds: f.ActionKinds}
	var statusFlat []int
	r.statusRows, statusFlat = partnerStatusRows(f)
	var estFlat []int
	for _, kc := range f.ByEstablishment {
		r.establishmentKeys = append(r.establishmentKeys, kc.Key)
		estFlat = append(estFlat, kc.N)
	}
	// Every table breaks the referrals received down: they are protected together.
	reasonCells := make([]int, len(models.ReferralReasons))
	for i, reason := range models.ReferralReasons {
		reasonCells[i] = f.ByReason[reason]
	}
	parts := [][]int{statusFlat, reasonCells, f.SentByMonth[:]}
	if len(estFlat) > 0 {
		parts = append(parts, estFlat)
	}
	masks, mark, _ := protectBreakdowns(f.Sent, parts, nil, threshold)
	r.statuses = columnTable(statusFlat, masks[0], f.Sent, mark, threshold)
	r.reasons = columnTable(reasonCells, masks[1], f.Sent, mark, threshold)
	r.months = rowTable(f.SentByMonth[:], masks[2], f.Sent, mark, threshold)
	r.establishments = disclosure.Protected{Threshold: threshold}
	if len(estFlat) > 0 {
		r.establishments = columnTable(estFlat, masks[3], f.Sent, mark, threshold)
	}
	r.received = Figure{f.Sent, mark}
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
	single := func(n int, ok bool) Figure {
		if !ok {
			return Figure{mask: disclosure.MaskComplementary}
		}
		p := disclosure.Protect(disclosure.CountTable{Cells: [][]int{{n}}}, threshold)
		return Figure{n, p.Masks[0][0]}
	}
	median := func(rt ReplyTime, ok bool) Median {
		if !ok {
			return Median{}
		}
		return protectedMedian(rt, threshold)
	}
	acknowledged := shownRows(acknowledgedRows...)
	r.reply = median(f.ReplyTime, acknowledged)
	r.onTime = single(f.OnTime, acknowledged)
	r.overdue = single(f.Overdue, shownRows(0))
	r.answer = median(f.AnswerMedian, shownRows(answeredRows...))
	return r
}

// Threshold is the small-count threshold the figures were protected with.
func (r Partner) Threshold() int { return r.threshold }

// OwnReader tells whether the figures were protected for the partner's own agents, who see
// the referrals that make them one by one (ProtectOwnPartner), rather than for the
// coordination.
func (r Partner) OwnReader() bool { return r.ownReader }

// StatusRows are the rows of Statuses.
func (r Partner) StatusRows() []StatusRow { return r.statusRows }

// Statuses is the one-column table of the referrals received by StatusRows, with its total.
func (r Partner) Statuses() Table { return Table{r.statuses} }

// Reasons is the one-column table of the referrals received by reason (rows:
// models.ReferralReasons), with its total.
func (r Partner) Reasons() Table { return Table{r.reasons} }

// Months is the one-row table of the referrals received by month of the year, with its total.
func (r Partner) Months() Table { return Table{r.months} }

// EstablishmentKeys are the rows of Establishments: the names of the sending establishments.
func (r Partner) EstablishmentKeys() []string { return r.establishmentKeys }

// Establishments is the one-column table of the referrals received by sending establishment,
// with its total.
func (r Partner) Establishments() Table { return Table{r.establishments} }

// Received is the number of referrals received in the year.
func (r Partner) Received() Figure { return r.received }

// OnTime is the number of referrals acknowledged within the partner's response time.
func (r Partner) OnTime() Figure { return r.onTime }

// Overdue is the number of referrals still waiting for acknowledgement past the response time.
func (r Partner) Overdue() Figure { return r.overdue }

// ReplyTime is the median time from sending to acknowledgement.
func (r Partner) ReplyTime() Median { return r.reply }

// AnswerTime is the median time from sending to the partner's answer.
func (r Partner) AnswerTime() Median { return r.answer }

// protectBreakdowns protects together several breakdowns of one printed total (each part
// adds up to total): the cells of one part cannot be worked out from the others. The parts
// form a chain network, each cell an edge, consecutive parts joined by edges not printed.
// groupings[g][i] (may be nil) puts cell i of the first part in a group of grouping g, whose
// sums are printed too and protected with the parts (disclosure.ProtectLinked). It returns
// the masks of each part's cells, of the total, and of each grouping's groups.
func protectBreakdowns(total int, parts [][]int, groupings [][]int, threshold int) ([][]disclosure.Mask, disclosure.Mask, [][]disclosure.Mask) {
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
	var sums []disclosure.Sum
	first := make([]int, len(groupings))
	for g, groupOf := range groupings {
		first[g] = len(sums)
		for i, group := range groupOf {
			for len(sums) <= first[g]+group {
				sums = append(sums, disclosure.Sum{})
			}
			sums[first[g]+group].Edges = append(sums[first[g]+group].Edges, cellEdge[0][i])
		}
	}
	masks, sumMasks := disclosure.ProtectLinked(nodes, edges, sums, threshold)
	out := make([][]disclosure.Mask, len(parts))
	for k := range parts {
		for _, e := range cellEdge[k] {
			out[k] = append(out[k], masks[e])
		}
	}
	groups := make([][]disclosure.Mask, len(groupings))
	for g := range groupings {
		end := len(sums)
		if g+1 < len(groupings) {
			end = first[g+1]
		}
		groups[g] = sumMasks[first[g]:end]
	}
	return out, masks[totalEdge], groups
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
