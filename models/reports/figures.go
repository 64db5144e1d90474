package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
)

// The figures of the reports and dashboards. Every count is an aggregate computed by SQL,
// grouped by establishment; a report over several establishments adds the per-establishment
// rows up (a few hundred at most), so that the dashboard, the establishment PDF and the
// metropolitan report come from the same queries and agree to the unit.
//
// Definitions, for a school year Y (1 September to 31 August):
//   - a file is followed in Y when it was opened before the end of Y and was not closed
//     before Y began; it is counted under its status at the end of Y (or today, for the
//     current year), read from the status history, and under its current risk level;
//   - new files: files opened (identified_on) in Y, by month;
//   - follow-ups: follow-ups dated in Y, by kind and by month, restricted ones included (a
//     count reveals no note);
//   - meetings: meetings scheduled in Y, by status; the family attendance rate is held / (held
//     + family absent);
//   - referrals: referrals sent in Y (drafts never count), by partner and current status;
//     the reply time is the number of calendar days (Paris) from sending to acknowledgement;
//   - exits: files closed in Y (status changes to closed), by exit reason.

// ErrNoData is returned for a school year with nothing to report in the scope asked.
var ErrNoData = errors.New("reports: no data for this school year")

// Activity is the set of figures of one school year over one or several establishments.
type Activity struct {
	// StatusRisk counts the files followed by status at the end of the year and risk level.
	StatusRisk        map[models.PupilStatus]map[risk.Level]int
	NewFilesByMonth   [12]int
	FollowUpsByKind   map[models.FollowUpKind]int
	FollowUpsByMonth  [12]int
	FollowUpMinutes   int
	MeetingsByStatus  map[models.MeetingStatus]int
	ReferralsByStatus map[models.ReferralStatus]int
	ExitsByReason     map[models.ExitReason]int
	// SchoolLife are the collective actions, conflicts and prevention-group sessions.
	SchoolLife SchoolLife
}

func newActivity() *Activity {
	a := &Activity{
		StatusRisk:        map[models.PupilStatus]map[risk.Level]int{},
		FollowUpsByKind:   map[models.FollowUpKind]int{},
		MeetingsByStatus:  map[models.MeetingStatus]int{},
		ReferralsByStatus: map[models.ReferralStatus]int{},
		ExitsByReason:     map[models.ExitReason]int{},
		SchoolLife:        newSchoolLife(),
	}
	for _, s := range models.PupilStatuses {
		a.StatusRisk[s] = map[risk.Level]int{}
	}
	return a
}

// Add adds the figures of b to a.
func (a *Activity) Add(b *Activity) {
	for s, byRisk := range b.StatusRisk {
		if a.StatusRisk[s] == nil {
			a.StatusRisk[s] = map[risk.Level]int{}
		}
		for r, n := range byRisk {
			a.StatusRisk[s][r] += n
		}
	}
	for i := range a.NewFilesByMonth {
		a.NewFilesByMonth[i] += b.NewFilesByMonth[i]
		a.FollowUpsByMonth[i] += b.FollowUpsByMonth[i]
	}
	for k, n := range b.FollowUpsByKind {
		a.FollowUpsByKind[k] += n
	}
	a.FollowUpMinutes += b.FollowUpMinutes
	for k, n := range b.MeetingsByStatus {
		a.MeetingsByStatus[k] += n
	}
	for k, n := range b.ReferralsByStatus {
		a.ReferralsByStatus[k] += n
	}
	for k, n := range b.ExitsByReason {
		a.ExitsByReason[k] += n
	}
	a.SchoolLife.add(b.SchoolLife)
}

// FilesByStatus counts the files followed by their status at the end of the year.
func (a *Activity) FilesByStatus(s models.PupilStatus) int {
	n := 0
	for _, c := range a.StatusRisk[s] {
		n += c
	}
	return n
}

// FilesByRisk counts the files followed by risk level.
func (a *Activity) FilesByRisk(r risk.Level) int {
	n := 0
	for _, byRisk := range a.StatusRisk {
		n += byRisk[r]
	}
	return n
}

// FilesFollowed is the number of files followed in the year.
func (a *Activity) FilesFollowed() int {
	n := 0
	for _, s := range models.PupilStatuses {
		n += a.FilesByStatus(s)
	}
	return n
}

// NewFiles is the number of files opened in the year.
func (a *Activity) NewFiles() int { return sum(a.NewFilesByMonth[:]) }

// FollowUps is the number of follow-ups of the year.
func (a *Activity) FollowUps() int { return sum(a.FollowUpsByMonth[:]) }

// Meetings is the number of meetings scheduled in the year, every status together.
func (a *Activity) Meetings() int { return sumMap(a.MeetingsByStatus) }

// MeetingsHeld is the number of meetings held (the family came).
func (a *Activity) MeetingsHeld() int { return a.MeetingsByStatus[models.MeetingHeld] }

// FamilyAttendance is the number of meetings where the family was expected and whether it came:
// held and family absent. The rate is Held / Expected.
func (a *Activity) FamilyAttendance() (held, expected int) {
	held = a.MeetingsByStatus[models.MeetingHeld]
	return held, held + a.MeetingsByStatus[models.MeetingFamilyAbsent]
}

// Referrals is the number of referrals sent in the year.
func (a *Activity) Referrals() int { return sumMap(a.ReferralsByStatus) }

// Exits is the number of files closed in the year.
func (a *Activity) Exits() int { return sumMap(a.ExitsByReason) }

// Empty tells whether nothing at all happened in the year.
func (a *Activity) Empty() bool {
	return a.FilesFollowed() == 0 && a.NewFiles() == 0 && a.FollowUps() == 0 && a.Meetings() == 0 &&
		a.Referrals() == 0 && a.Exits() == 0 && a.SchoolLife.Empty()
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func sumMap[K comparable](m map[K]int) int {
	n := 0
	for _, x := range m {
		n += x
	}
	return n
}

// yearMonth returns the position of a 'YYYY-MM' month in the school year (0 for September), or
// -1 outside it.
func yearMonth(y calendar.SchoolYear, month string) int {
	i, ok := calendar.MonthIndex(calendar.Month(month))
	if !ok || i < y.StartYear*12+8 || i >= y.StartYear*12+20 {
		return -1
	}
	return i - (y.StartYear*12 + 8)
}

// monthOfDateSQL is the SQL for the 'YYYY-MM' month of a date column (stored as midnight UTC).
func monthOfDateSQL(dialect, column string) string {
	if dialect == models.DialectPostgres {
		return "to_char(" + column + ", 'YYYY-MM')"
	}
	return "substr(" + column + ", 1, 7)"
}

// establishmentFilter restricts a query joined with pupils to some establishments; nil means
// every establishment.
func establishmentFilter(q *gorm.DB, ids []uint) *gorm.DB {
	if ids == nil {
		return q
	}
	return q.Where("pupils.establishment_id IN ?", ids)
}

// filesOf narrows, on PostgreSQL, a query on a table of the files' records (referrals,
// meetings) to the files of the establishments through the table's index by pupil
// (column = ANY(ARRAY(…))): filtered by date alone, the planner estimates a year of the
// metropolis's rows and reads the whole table to keep an establishment's (a dashboard's reply
// time: 57 ms → 3 ms on the metro data). All the files count, anonymised ones too, as in the
// reports; SQLite plans from the establishment's files already.
func filesOf(q *gorm.DB, column string, ids []uint) *gorm.DB {
	q = establishmentFilter(q, ids)
	if ids == nil || q.Dialector.Name() != "postgres" {
		return q
	}
	return q.Where(column+" = ANY(ARRAY(SELECT p.id FROM pupils p WHERE p.establishment_id IN ?))", ids)
}

// column is an SQL expression and the name it is selected as.
type column struct{ expr, name string }

// recordCounts counts rows of a table of the files' records (follow-ups, meetings, referrals,
// status changes) dated in a period, by establishment and keys, with sums of additive
// aggregates (COUNT, SUM).
type recordCounts struct {
	table      string
	keys, sums []column
	where      string
	args       []any
}

// query groups the rows of the files of the establishments of ids (nil: all) by establishment
// and keys. On PostgreSQL, for some establishments, each file counts its own rows in a LATERAL
// subquery (read through the table's index on the pupil and date) and the counts are added up
// by establishment: the files are read once, where filesOf read them twice (its array, then
// the join that gives each row's establishment: one index probe of pupils per row counted).
// An establishment's records are read through its files: by the date alone, the planner read a
// year of the metropolis's rows to keep the establishment's (a closed year's dashboard at the
// broad scale: 35,000 of 100,000 follow-ups).
func (c recordCounts) query(db *gorm.DB, ids []uint) *gorm.DB {
	var keys, names, sums, outer []string
	for _, k := range c.keys {
		keys = append(keys, k.expr)
		names = append(names, "x."+k.name)
	}
	if ids == nil || db.Dialector.Name() != models.DialectPostgres {
		sel := []string{"pupils.establishment_id"}
		for _, k := range c.keys {
			sel = append(sel, k.expr+" AS "+k.name)
		}
		for _, a := range c.sums {
			sel = append(sel, a.expr+" AS "+a.name)
		}
		q := db.Table(c.table).Select(strings.Join(sel, ", ")).
			Joins("JOIN pupils ON pupils.id = "+c.table+".pupil_id").Where(c.where, c.args...)
		return filesOf(q, c.table+".pupil_id", ids).Group("pupils.establishment_id, " + strings.Join(keys, ", "))
	}
	inner := []string{}
	for _, k := range c.keys {
		inner = append(inner, k.expr+" AS "+k.name)
	}
	for _, a := range c.sums {
		sums = append(sums, a.expr+" AS "+a.name)
		outer = append(outer, "CAST(SUM(x."+a.name+") AS bigint) AS "+a.name)
	}
	perFile := db.Session(&gorm.Session{NewDB: true}).Table(c.table).
		Select(strings.Join(append(inner, sums...), ", ")).
		Where(c.table+".pupil_id = pupils.id").Where(c.where, c.args...).
		Group(strings.Join(keys, ", "))
	return db.Table("pupils").
		Select("pupils.establishment_id, "+strings.Join(append(names, outer...), ", ")).
		Joins("CROSS JOIN LATERAL (?) AS x", perFile).
		Where("pupils.establishment_id IN ?", ids).
		Group("pupils.establishment_id, " + strings.Join(names, ", "))
}

// statusAtEnd keeps, of a query joining pupils with pupil_status_changes, each pupil's last
// status change before the cutoff (the latest, then the highest id): the one with no later
// change before the cutoff. Written as an anti-join rather than a comparison with a correlated
// subquery, so that the planner reads the changes of the selected files through the index on
// the pupil, from the first execution on (the subquery's estimate made PostgreSQL's custom plans
// hash the whole table).
func statusAtEnd(q *gorm.DB, cutoff time.Time) *gorm.DB {
	return q.Where(`pupil_status_changes.changed_at < ? AND NOT EXISTS (SELECT 1 FROM pupil_status_changes s2
	WHERE s2.pupil_id = pupil_status_changes.pupil_id AND s2.changed_at < ?
	AND (s2.changed_at > pupil_status_changes.changed_at OR (s2.changed_at = pupil_status_changes.changed_at AND s2.id > pupil_status_changes.id)))`,
		cutoff, cutoff)
}

// lastStatusBefore is, for each file of the establishments of ids (nil: all), its last status
// change before the cutoff: one pass over the status history numbered by a window function,
// instead of a subquery per file.
func lastStatusBefore(db *gorm.DB, ids []uint, cutoff time.Time) *gorm.DB {
	q := db.Table("pupil_status_changes").
		Select("pupil_id, to_status, changed_at, ROW_NUMBER() OVER (PARTITION BY pupil_id ORDER BY changed_at DESC, id DESC) AS rn").
		Where("changed_at < ?", cutoff)
	if ids != nil {
		q = q.Where("pupil_id IN (?)", db.Table("pupils").Select("id").Where("establishment_id IN ?", ids))
	}
	return q
}

// activityByEstablishment computes the Activity of each establishment of ids (nil: all) for
// the year, with one grouped query per kind of figure; now bounds the prevention-group
// sessions held.
func activityByEstablishment(ctx context.Context, db *gorm.DB, ids []uint, y calendar.SchoolYear, now time.Time) (map[uint]*Activity, error) {
	return activityOf(ctx, db, ids, y, now, countedApart{})
}

// countedApart names the figures of activityOf that its caller counts itself, in a statement
// that reads them with others: the establishment summary counts its referrals by status with
// its other referral figures (establishmentReferrals), and its files by status at the end of
// the year with the list of files followed (pupilsFollowed).
type countedApart struct{ files, referrals bool }

// activityOf is activityByEstablishment without the figures counted apart.
func activityOf(ctx context.Context, db *gorm.DB, ids []uint, y calendar.SchoolYear, now time.Time, apart countedApart) (map[uint]*Activity, error) {
	db = db.WithContext(ctx)
	dialect := db.Dialector.Name()
	out := map[uint]*Activity{}
	get := func(id uint) *Activity {
		a := out[id]
		if a == nil {
			a = newActivity()
			out[id] = a
		}
		return a
	}
	start, end := y.Start().UTC(), y.End().UTC()
	dayStart, dayEnd := calendar.Date(y.Start()), calendar.Date(y.End())

	if !apart.files {
		if err := countFilesFollowed(db, dialect, ids, y, get); err != nil {
			return nil, err
		}
	}

	var opened []struct {
		EstablishmentID uint
		Month           string
		N               int
	}
	month := monthOfDateSQL(dialect, "pupils.identified_on")
	q := db.Table("pupils").Select("pupils.establishment_id, "+month+" AS month, COUNT(*) AS n").
		Where("pupils.identified_on >= ? AND pupils.identified_on < ?", dayStart, dayEnd)
	if err := establishmentFilter(q, ids).Group("pupils.establishment_id, " + month).Scan(&opened).Error; err != nil {
		return nil, fmt.Errorf("reports: new files in %s: %w", y, err)
	}
	for _, r := range opened {
		if i := yearMonth(y, r.Month); i >= 0 {
			get(r.EstablishmentID).NewFilesByMonth[i] += r.N
		}
	}

	var followUps []struct {
		EstablishmentID uint
		Kind            models.FollowUpKind
		Month           string
		N               int
		Minutes         int
	}
	month = monthOfDateSQL(dialect, "follow_ups.occurred_on")
	q = recordCounts{table: "follow_ups",
		keys:  []column{{"follow_ups.kind", "kind"}, {month, "month"}},
		sums:  []column{{"COUNT(*)", "n"}, {"COALESCE(SUM(follow_ups.duration_minutes), 0)", "minutes"}},
		where: "follow_ups.occurred_on >= ? AND follow_ups.occurred_on < ?", args: []any{dayStart, dayEnd},
	}.query(db, ids)
	if err := q.Scan(&followUps).Error; err != nil {
		return nil, fmt.Errorf("reports: follow-ups in %s: %w", y, err)
	}
	for _, r := range followUps {
		a := get(r.EstablishmentID)
		a.FollowUpsByKind[r.Kind] += r.N
		a.FollowUpMinutes += r.Minutes
		if i := yearMonth(y, r.Month); i >= 0 {
			a.FollowUpsByMonth[i] += r.N
		}
	}

	// Meetings by status, referrals by status, exits by reason: one count per establishment and
	// key, over the rows of table dated in the year.
	counts := []struct {
		what, table, key, where string
		args                    []any
		add                     func(a *Activity, key string, n int)
	}{
		{"meetings", "meetings", "meetings.status", "meetings.scheduled_at >= ? AND meetings.scheduled_at < ?", []any{start, end},
			func(a *Activity, k string, n int) { a.MeetingsByStatus[models.MeetingStatus(k)] += n }},
		{"referrals", "referrals", "referrals.status", "referrals.sent_at >= ? AND referrals.sent_at < ?", []any{start, end},
			func(a *Activity, k string, n int) { a.ReferralsByStatus[models.ReferralStatus(k)] += n }},
		{"exits", "pupil_status_changes", "COALESCE(pupil_status_changes.exit_reason, '" + string(models.ExitOther) + "')",
			"pupil_status_changes.to_status = ? AND pupil_status_changes.changed_at >= ? AND pupil_status_changes.changed_at < ?",
			[]any{models.StatusClosed, start, end},
			func(a *Activity, k string, n int) { a.ExitsByReason[models.ExitReason(k)] += n }},
	}
	for _, c := range counts {
		if c.what == "referrals" && apart.referrals {
			continue
		}
		var rows []struct {
			EstablishmentID uint
			Key             string
			N               int
		}
		q = recordCounts{table: c.table, keys: []column{{c.key, "key"}}, sums: []column{{"COUNT(*)", "n"}},
			where: c.where, args: c.args}.query(db, ids)
		if err := q.Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("reports: %s in %s: %w", c.what, y, err)
		}
		for _, r := range rows {
			c.add(get(r.EstablishmentID), r.Key, r.N)
		}
	}
	if err := addSchoolLife(ctx, db, ids, y, now, get); err != nil {
		return nil, err
	}
	return out, nil
}

// countFilesFollowed counts the files followed in the year by establishment, status at the
// end of the year and risk level.
func countFilesFollowed(db *gorm.DB, dialect string, ids []uint, y calendar.SchoolYear, get func(uint) *Activity) error {
	start, end := y.Start().UTC(), y.End().UTC()
	var files []struct {
		EstablishmentID uint
		Status          models.PupilStatus
		RiskLevel       risk.Level
		N               int
	}
	// One establishment's files: their history read through the index on the pupil, with the
	// same plan from the first execution on (PostgreSQL: each file's last change before the end,
	// read backwards, one index row per file, where the anti-join probed each of the file's
	// changes for a later one: 560 buffers instead of 1,600 for the busiest establishment at
	// metro scale; SQLite: the anti-join). The whole metropolis: one pass of the window function
	// over the status history beats 19,000 probes.
	var q *gorm.DB
	switch {
	case ids != nil && dialect == models.DialectPostgres:
		q = db.Table("pupils").
			Select("pupils.establishment_id, s.to_status AS status, pupils.risk_level, COUNT(*) AS n").
			Joins(`JOIN LATERAL (SELECT c.to_status, c.changed_at FROM pupil_status_changes c
				WHERE c.pupil_id = pupils.id AND c.changed_at < ? ORDER BY c.changed_at DESC, c.id DESC LIMIT 1) AS s ON true`, end).
			Where("s.to_status <> ? OR s.changed_at >= ?", models.StatusClosed, start).
			Group("pupils.establishment_id, s.to_status, pupils.risk_level")
	case ids != nil:
		q = statusAtEnd(db.Table("pupils").
			Select("pupils.establishment_id, pupil_status_changes.to_status AS status, pupils.risk_level, COUNT(*) AS n").
			Joins("JOIN pupil_status_changes ON pupil_status_changes.pupil_id = pupils.id"), end).
			Where("pupil_status_changes.to_status <> ? OR pupil_status_changes.changed_at >= ?", models.StatusClosed, start).
			Group("pupils.establishment_id, pupil_status_changes.to_status, pupils.risk_level")
	default:
		q = db.Table("pupils").
			Select("pupils.establishment_id, s.to_status AS status, pupils.risk_level, COUNT(*) AS n").
			Joins("JOIN (?) AS s ON s.pupil_id = pupils.id AND s.rn = 1", lastStatusBefore(db, ids, end)).
			Where("s.to_status <> ? OR s.changed_at >= ?", models.StatusClosed, start).
			Group("pupils.establishment_id, s.to_status, pupils.risk_level")
	}
	if err := establishmentFilter(q, ids).
		Scan(&files).Error; err != nil {
		return fmt.Errorf("reports: files followed in %s: %w", y, err)
	}
	for _, r := range files {
		get(r.EstablishmentID).StatusRisk[r.Status][r.RiskLevel] += r.N
	}
	return nil
}

// replyDaysSQL is the number of Paris calendar days from sending a referral to the time in
// column (its acknowledgement, its answer).
func replyDaysSQL(dialect, column string) string {
	sent := models.ParisDateSQL(dialect, "referrals.sent_at")
	ack := models.ParisDateSQL(dialect, column)
	if dialect == models.DialectPostgres {
		return "(" + ack + " - " + sent + ")"
	}
	return "CAST(julianday(" + ack + ") - julianday(" + sent + ") AS INTEGER)"
}

// ReplyTime summarises how fast referrals were acknowledged.
type ReplyTime struct {
	// Acknowledged is the number of referrals sent in the year that were acknowledged.
	Acknowledged int
	// MedianDays is the median number of days to acknowledgement; valid when Acknowledged > 0.
	MedianDays float64
}

// medianReplyTime computes the reply time of the referrals sent in the year that the filter
// keeps (a query on referrals joined with pupils), with the median computed by SQL.
func medianReplyTime(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, filter func(*gorm.DB) *gorm.DB) (ReplyTime, error) {
	return medianDays(ctx, db, y, "referrals.acknowledged_at", filter)
}

// medianDays computes the median number of days from sending to the time in column, over the
// referrals sent in the year that the filter keeps and that have that time.
func medianDays(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, column string, filter func(*gorm.DB) *gorm.DB) (ReplyTime, error) {
	db = db.WithContext(ctx)
	inner := filter(db.Table("referrals").Select(replyDaysSQL(db.Dialector.Name(), column)+" AS d").
		Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
		Where("referrals.sent_at >= ? AND referrals.sent_at < ? AND "+column+" IS NOT NULL",
			y.Start().UTC(), y.End().UTC()))
	ranked := db.Table("(?) AS x", inner).
		Select("d, ROW_NUMBER() OVER (ORDER BY d) AS rn, COUNT(*) OVER () AS c")
	var row struct {
		Median *float64
		N      int
	}
	err := db.Table("(?) AS y", ranked).
		Select("AVG(CASE WHEN rn IN ((c + 1) / 2, (c + 2) / 2) THEN d END) AS median, MAX(c) AS n").
		Scan(&row).Error
	if err != nil {
		return ReplyTime{}, fmt.Errorf("reports: reply time in %s: %w", y, err)
	}
	rt := ReplyTime{Acknowledged: row.N}
	if row.Median != nil {
		rt.MedianDays = *row.Median
	}
	return rt, nil
}

// monthsElapsed is the number of months of the school year begun by now: 12 for a past year.
func monthsElapsed(y calendar.SchoolYear, now time.Time) int {
	n := 0
	for _, m := range y.Months() {
		if !m.First().After(now) {
			n++
		}
	}
	return n
}

// checkYear refuses a school year after the current one: open files would count as followed
// in it, but nothing has happened there yet.
func checkYear(y calendar.SchoolYear, now time.Time) error {
	if y.StartYear > calendar.SchoolYearOf(now).StartYear {
		return ErrNoData
	}
	return nil
}

// reportYears lists the school years from the first file opened up to the current one, newest
// first, for the year pickers.
func reportYears(ctx context.Context, db *gorm.DB, now time.Time, filter func(*gorm.DB) *gorm.DB) ([]calendar.SchoolYear, error) {
	var first calendar.DBTime
	if err := filter(db.WithContext(ctx).Table("pupils").Select("MIN(pupils.identified_on)")).Scan(&first).Error; err != nil {
		return nil, fmt.Errorf("reports: first file: %w", err)
	}
	current := calendar.SchoolYearOf(now)
	from := current
	if first.Valid {
		from = calendar.SchoolYearOf(first.Time)
	}
	var years []calendar.SchoolYear
	for y := current; y.StartYear >= from.StartYear; y = y.Previous() {
		years = append(years, y)
	}
	return years, nil
}
