package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
)

// The metropolitan figures are computed once per school year and kept as a snapshot in the
// database (table report_snapshots), shared by every instance: the overview page, its PDF and
// `mediation report metropolitan` read the same snapshot, so they always agree, and each says
// when its figures were computed.
//
// The snapshot holds the protected figures only, as they may be printed (a masked count is
// stored as zero): it is another way out of this package, so nothing unprotected goes into it.
//
// When it is refreshed: triggers raise the change stamp of a school year (table
// report_change_stamps, migrations 0010 and 0019) in the transaction of any change that can
// alter its figures, by appending a row (no row shared by the writers, so none waits for
// another's commit); the stamp is the sum of the rows; a snapshot remembers the stamp it was
// computed from. A closed year is recomputed
// only when its stamp moved; the current year when its stamp moved and the snapshot is older
// than MaxAge; either when the small-count threshold changed (at once: a snapshot protected
// with another threshold is never shown) or a new month began (the chart of the months). A
// request never waits for a refresh but the first computation of a year: the refresh runs in
// the background, one at a time per year in a process, and across instances the one that takes
// the snapshot's lease (a conditional update) computes while the others keep serving the
// previous figures.

// snapshotMetropolitan is the name of the metropolitan report in report_snapshots.
const snapshotMetropolitan = "metropolitan"

// reportSnapshot is a row of report_snapshots.
type reportSnapshot struct {
	ID     uint
	Report string
	Year   string
	// Variant distinguishes snapshots of one report and year (none for the metropolitan one).
	Variant   string
	Threshold int
	// Stamp is the year's change stamp the figures were computed from; -1 before the first
	// computation.
	Stamp      int64
	Elapsed    int
	ComputedAt time.Time
	Payload    string
	// Inputs is the version of what a report reads besides the year's data, which no change
	// stamp follows (the annual review's unit values and agreement; empty for the metropolitan
	// report): a snapshot of other inputs is not shown.
	Inputs string
	// RefreshingUntil is the lease of the instance computing the figures.
	RefreshingUntil *time.Time
}

func (reportSnapshot) TableName() string { return "report_snapshots" }

// metroPayload is what a snapshot of the metropolitan report stores: the protected figures as
// they may be printed, masked counts zeroed.
type metroPayload struct {
	NoData                         bool `json:",omitempty"`
	Establishments, Reporting      int
	Names                          map[string]string
	Keys                           map[Grouping][]string
	FollowUpMinutes                int
	Status, Activity, Exits, Month disclosure.Protected
	// Grouped are the tables by type, label and commune (absent from the snapshots stored
	// before they were protected with the establishments').
	Grouped    map[Grouping]groupedTables `json:",omitempty"`
	ReplyTime  ReplyTime
	ReplyShown bool
	// SchoolLife are the school-life tables (absent from the snapshots stored before them).
	SchoolLife *metroLife `json:",omitempty"`
}

// payload keeps of the protected report what may be printed.
func (t Metropolitan) payload() metroPayload {
	minutes, _ := t.FollowUpMinutes()
	reply, shown := t.replyTime.Value()
	grouped := map[Grouping]groupedTables{}
	for g, gt := range t.grouped {
		grouped[g] = groupedTables{Status: Table{gt.Status}.Counts(), Activity: Table{gt.Activity}.Counts(), Exits: Table{gt.Exits}.Counts()}
	}
	return metroPayload{Grouped: grouped, Establishments: t.Establishments, Reporting: t.Reporting, Names: t.Names, Keys: t.keys,
		FollowUpMinutes: minutes, Status: Table{t.status}.Counts(), Activity: Table{t.activity}.Counts(),
		Exits: Table{t.exits}.Counts(), Month: Table{t.month}.Counts(), ReplyTime: reply, ReplyShown: shown,
		SchoolLife: t.life.printed()}
}

// metropolitan is the report of a snapshot, with the years of the picker.
func (s reportSnapshot) metropolitan(years []calendar.SchoolYear) (Metropolitan, error) {
	y, err := calendar.ParseSchoolYear(s.Year)
	if err != nil {
		return Metropolitan{}, fmt.Errorf("reports: snapshot %d: %w", s.ID, err)
	}
	t := Metropolitan{Year: y, Years: years, Elapsed: s.Elapsed, ComputedAt: s.ComputedAt, threshold: s.Threshold}
	var p metroPayload
	if err := json.Unmarshal([]byte(s.Payload), &p); err != nil {
		return t, fmt.Errorf("reports: snapshot %d: %w", s.ID, err)
	}
	if p.NoData {
		return t, ErrNoData
	}
	t.Establishments, t.Reporting, t.Names, t.keys = p.Establishments, p.Reporting, p.Names, p.Keys
	t.followUpMinutes, t.status, t.activity, t.exits, t.month = p.FollowUpMinutes, p.Status, p.Activity, p.Exits, p.Month
	t.grouped, t.life = p.Grouped, p.SchoolLife
	t.replyTime = Median{rt: p.ReplyTime, shown: p.ReplyShown}
	return t, nil
}

// Snapshots serves the metropolitan figures from their snapshots, and refreshes them; and the
// establishment summaries from this process's memory while their stamps stand.
type Snapshots struct {
	DB *gorm.DB
	// Now is the clock (the computed-at time of the snapshots).
	Now func() time.Time
	// MaxAge: the current year's figures are refreshed when their data changed and they are
	// older than that.
	MaxAge time.Duration
	// Lease is how long an instance may take to compute before another may take over.
	Lease time.Duration
	// Log receives the failures of the background refreshes.
	Log *slog.Logger

	flight     singleflight.Group
	background sync.WaitGroup
	mu         sync.Mutex
	refreshing map[string]bool
	// cache holds the last report decoded of each snapshot row.
	cache map[uint]decodedSnapshot
	// computed counts the computations of this process, for the tests.
	computed atomic.Int64
	// summaries are the establishment summaries of this process (EstablishmentSummary);
	// summariesComputed counts their computations, for the tests.
	summaries         *summaryCache
	summariesComputed atomic.Int64
}

// Defaults of Snapshots.
const (
	DefaultSnapshotMaxAge = 5 * time.Minute
	defaultSnapshotLease  = 2 * time.Minute
	// snapshotPoll is how often a request waiting for another instance's first computation
	// looks again.
	snapshotPoll = 50 * time.Millisecond
)

// NewSnapshots serves snapshots from db with the clock now.
func NewSnapshots(db *gorm.DB, now func() time.Time, maxAge time.Duration, log *slog.Logger) *Snapshots {
	if maxAge <= 0 {
		maxAge = DefaultSnapshotMaxAge
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Snapshots{DB: db, Now: now, MaxAge: maxAge, Lease: defaultSnapshotLease, Log: log, refreshing: map[string]bool{},
		cache: map[uint]decodedSnapshot{}, summaries: newSummaryCache(DefaultSummaryEntries)}
}

// Metropolitan returns the metropolitan figures of the year from its snapshot, computing it
// first when there is none usable (none yet, or protected with another threshold), and asking
// for a refresh in the background when it is stale. ErrNoData as LoadMetropolitan.
func (s *Snapshots) Metropolitan(ctx context.Context, y calendar.SchoolYear) (Metropolitan, error) {
	now := s.Now()
	threshold, err := models.LoadSmallCountThreshold(ctx, s.DB)
	if err != nil {
		return Metropolitan{Year: y}, err
	}
	years, err := reportYears(ctx, s.DB, now, func(q *gorm.DB) *gorm.DB { return q })
	if err != nil {
		return Metropolitan{Year: y}, err
	}
	if err := checkYear(y, now); err != nil {
		return Metropolitan{Year: y, Years: years, threshold: threshold}, err
	}
	if !slices.Contains(years, y) {
		// Before the first file: nothing to keep (and no row for every year anyone types).
		return LoadMetropolitan(ctx, s.DB, y, now)
	}
	snap, found, err := s.read(ctx, y, false)
	if err != nil {
		return Metropolitan{Year: y, Years: years}, err
	}
	if !found || snap.Stamp < 0 || snap.Threshold != threshold {
		v, err, _ := s.flight.Do(y.String(), func() (any, error) { return s.firstComputation(ctx, y, threshold) })
		if err != nil {
			return Metropolitan{Year: y, Years: years, threshold: threshold}, err
		}
		snap = v.(reportSnapshot)
	} else {
		stale, err := s.stale(ctx, snap, y, now)
		if err != nil {
			return Metropolitan{Year: y, Years: years}, err
		}
		if stale {
			s.refreshLater(y)
		}
	}
	return s.decoded(ctx, snap, years)
}

// decodedSnapshot is a snapshot's report as last read by this process.
type decodedSnapshot struct {
	computedAt time.Time
	stamp      int64
	report     Metropolitan
	err        error
}

// decoded is the report of a snapshot, read from the database and decoded only when this
// process has not done it yet for that computation: the figures are 50 KB at metro scale.
func (s *Snapshots) decoded(ctx context.Context, snap reportSnapshot, years []calendar.SchoolYear) (Metropolitan, error) {
	s.mu.Lock()
	d, ok := s.cache[snap.ID]
	s.mu.Unlock()
	// A snapshot stored before the groupings were protected with the establishments is read
	// again until its computation replaces it, whatever its stamp.
	legacy := ok && d.err == nil && (d.report.grouped == nil || d.report.life == nil)
	if !ok || legacy || !d.computedAt.Equal(snap.ComputedAt) || d.stamp != snap.Stamp || d.report.threshold != snap.Threshold {
		if snap.Payload == "" {
			// The whole row again: a refresh may have stored newer figures in between.
			if err := s.DB.WithContext(ctx).Take(&snap, snap.ID).Error; err != nil {
				return Metropolitan{Years: years}, fmt.Errorf("reports: read the snapshot %d: %w", snap.ID, err)
			}
		}
		d = decodedSnapshot{computedAt: snap.ComputedAt, stamp: snap.Stamp}
		d.report, d.err = snap.metropolitan(nil)
		s.mu.Lock()
		s.cache[snap.ID] = d
		s.mu.Unlock()
	}
	m := d.report
	m.Years = years
	if d.err == nil && (m.grouped == nil || m.life == nil) {
		// Stored before the groupings were protected with the establishments, or before the
		// school-life tables: served with its groupings masked and without school life, and
		// computed again at once.
		s.refreshLater(m.Year)
	}
	return m, d.err
}

// Recompute computes the year's figures now and stores them as its snapshot, whoever holds
// the lease: `mediation report metropolitan` prints fresh figures, which the page then shows.
func (s *Snapshots) Recompute(ctx context.Context, y calendar.SchoolYear) (Metropolitan, error) {
	years, err := reportYears(ctx, s.DB, s.Now(), func(q *gorm.DB) *gorm.DB { return q })
	if err != nil {
		return Metropolitan{Year: y}, err
	}
	if err := checkYear(y, s.Now()); err != nil {
		return Metropolitan{Year: y, Years: years}, err
	}
	if !slices.Contains(years, y) {
		return LoadMetropolitan(ctx, s.DB, y, s.Now())
	}
	snap, err := s.ensure(ctx, y)
	if err != nil {
		return Metropolitan{Year: y, Years: years}, err
	}
	snap, err = s.compute(ctx, snap)
	if err != nil {
		return Metropolitan{Year: y, Years: years}, err
	}
	return s.decoded(ctx, snap, years)
}

// Warm refreshes the year's snapshot in the background when there is none usable or it is
// stale, without waiting: the housekeeping calls it, so that figures are ready before anyone
// asks and follow the data even when nobody reads them.
func (s *Snapshots) Warm(ctx context.Context, y calendar.SchoolYear) error {
	threshold, err := models.LoadSmallCountThreshold(ctx, s.DB)
	if err != nil {
		return err
	}
	snap, found, err := s.read(ctx, y, false)
	if err != nil {
		return err
	}
	stale := !found || snap.Stamp < 0 || snap.Threshold != threshold
	if !stale {
		if stale, err = s.stale(ctx, snap, y, s.Now()); err != nil {
			return err
		}
	}
	if stale {
		s.refreshLater(y)
	}
	return nil
}

// Wait waits for the background refreshes started so far.
func (s *Snapshots) Wait() { s.background.Wait() }

// stale tells whether a usable snapshot should be refreshed.
func (s *Snapshots) stale(ctx context.Context, snap reportSnapshot, y calendar.SchoolYear, now time.Time) (bool, error) {
	if snap.Elapsed != monthsElapsed(y, now) {
		return true, nil
	}
	closed := y.StartYear < calendar.SchoolYearOf(now).StartYear
	if !closed && now.Sub(snap.ComputedAt) < s.MaxAge {
		return false, nil
	}
	stamp, err := changeStamp(ctx, s.DB, y)
	return stamp != snap.Stamp, err
}

// refreshLater refreshes the year's snapshot in the background, unless this process is
// already doing it; another instance holding the lease does it instead.
func (s *Snapshots) refreshLater(y calendar.SchoolYear) {
	s.runLater(y.String(), "metropolitan figures not refreshed", func(ctx context.Context) error {
		snap, err := s.ensure(ctx, y)
		if err != nil {
			return err
		}
		took, err := s.takeLease(ctx, snap)
		if took {
			_, err = s.compute(ctx, snap)
		}
		return err
	})
}

// runLater runs a refresh in the background under key, unless this process is already running
// one under that key; its failure is logged with the message failed.
func (s *Snapshots) runLater(key, failed string, refresh func(ctx context.Context) error) {
	s.mu.Lock()
	if s.refreshing[key] {
		s.mu.Unlock()
		return
	}
	s.refreshing[key] = true
	s.background.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.background.Done()
		defer func() {
			s.mu.Lock()
			delete(s.refreshing, key)
			s.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), s.Lease)
		defer cancel()
		if err := refresh(ctx); err != nil {
			s.Log.Error(failed, "key", key, "error", err)
		}
	}()
}

// firstComputation computes a year that has no usable snapshot, once across instances: the
// one that takes the lease computes, the others wait for its figures.
func (s *Snapshots) firstComputation(ctx context.Context, y calendar.SchoolYear, threshold int) (reportSnapshot, error) {
	return s.firstComputationOf(ctx, func(ctx context.Context) (reportSnapshot, error) { return s.ensure(ctx, y) },
		func(snap reportSnapshot) bool { return snap.Stamp >= 0 && snap.Threshold == threshold }, s.compute)
}

// firstComputationOf waits for a usable snapshot: the row from ensure, computed by compute
// when this process takes its lease, or by the instance that holds it.
func (s *Snapshots) firstComputationOf(ctx context.Context, ensure func(context.Context) (reportSnapshot, error),
	usable func(reportSnapshot) bool, compute func(context.Context, reportSnapshot) (reportSnapshot, error)) (reportSnapshot, error) {
	for {
		snap, err := ensure(ctx)
		if err != nil {
			return snap, err
		}
		if usable(snap) {
			return snap, nil // computed by another instance meanwhile
		}
		took, err := s.takeLease(ctx, snap)
		if err != nil {
			return snap, err
		}
		if took {
			return compute(ctx, snap)
		}
		select {
		case <-ctx.Done():
			return snap, ctx.Err()
		case <-time.After(snapshotPoll):
		}
	}
}

// read reads the year's snapshot, if any, with its figures or without (Payload empty).
func (s *Snapshots) read(ctx context.Context, y calendar.SchoolYear, payload bool) (reportSnapshot, bool, error) {
	return s.readKey(ctx, snapshotMetropolitan, "", y, payload)
}

// readKey reads the snapshot of a report, year and variant, if any.
func (s *Snapshots) readKey(ctx context.Context, report, variant string, y calendar.SchoolYear, payload bool) (reportSnapshot, bool, error) {
	var snap reportSnapshot
	q := s.DB.WithContext(ctx).Where("report = ? AND year = ? AND variant = ?", report, y.String(), variant)
	if !payload {
		q = q.Omit("payload")
	}
	err := q.Take(&snap).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return snap, false, nil
	}
	if err != nil {
		return snap, false, fmt.Errorf("reports: read the snapshot %s of %s: %w", report, y, err)
	}
	return snap, true, nil
}

// ensure returns the year's snapshot row, creating an empty one (stamp -1) if there is none.
func (s *Snapshots) ensure(ctx context.Context, y calendar.SchoolYear) (reportSnapshot, error) {
	return s.ensureKey(ctx, snapshotMetropolitan, "", y)
}

// ensureKey returns the snapshot row of a report, year and variant, creating an empty one
// (stamp -1) if there is none.
func (s *Snapshots) ensureKey(ctx context.Context, report, variant string, y calendar.SchoolYear) (reportSnapshot, error) {
	empty := reportSnapshot{Report: report, Year: y.String(), Variant: variant, Stamp: -1, ComputedAt: s.Now().UTC()}
	if err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&empty).Error; err != nil {
		return empty, fmt.Errorf("reports: create the snapshot %s of %s: %w", report, y, err)
	}
	snap, _, err := s.readKey(ctx, report, variant, y, true)
	return snap, err
}

// takeLease takes the snapshot's refresh lease if nobody holds it and the snapshot is still the
// one read (same stamp, threshold and inputs: an instance that computed it meanwhile has released the
// lease, and its figures must not be computed again): one conditional update, which one
// instance wins. The lease runs on the real clock (how long a computation may take), not on
// the application's, which tests fix.
func (s *Snapshots) takeLease(ctx context.Context, snap reportSnapshot) (bool, error) {
	now := time.Now().UTC()
	res := s.DB.WithContext(ctx).Model(&reportSnapshot{}).
		Where("id = ? AND stamp = ? AND threshold = ? AND inputs = ? AND (refreshing_until IS NULL OR refreshing_until < ?)",
			snap.ID, snap.Stamp, snap.Threshold, snap.Inputs, now).
		Update("refreshing_until", now.Add(s.Lease))
	if res.Error != nil {
		return false, fmt.Errorf("reports: lease the snapshot of %s: %w", snap.Year, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// compute computes the snapshot's figures and stores them, releasing the lease. The stamp is
// read before the figures: a change committed in between makes the snapshot look stale, never
// fresh.
func (s *Snapshots) compute(ctx context.Context, snap reportSnapshot) (out reportSnapshot, err error) {
	defer func() {
		if err != nil {
			release := s.DB.WithContext(context.WithoutCancel(ctx)).Model(&reportSnapshot{}).Where("id = ?", snap.ID).
				Update("refreshing_until", nil)
			err = errors.Join(err, release.Error)
		}
	}()
	y, err := calendar.ParseSchoolYear(snap.Year)
	if err != nil {
		return snap, err
	}
	s.computed.Add(1)
	stamp, err := changeStamp(ctx, s.DB, y)
	if err != nil {
		return snap, err
	}
	now := s.Now()
	t, err := LoadMetropolitan(ctx, s.DB, y, now)
	var p metroPayload
	switch {
	case errors.Is(err, ErrNoData):
		p = metroPayload{NoData: true}
	case err != nil:
		return snap, err
	default:
		p = t.payload()
	}
	b, err := json.Marshal(p)
	if err != nil {
		return snap, fmt.Errorf("reports: encode the snapshot of %s: %w", y, err)
	}
	snap.Threshold, snap.Stamp, snap.Elapsed, snap.ComputedAt, snap.Payload, snap.RefreshingUntil =
		t.threshold, stamp, monthsElapsed(y, now), now.UTC().Truncate(time.Microsecond), string(b), nil
	err = s.DB.WithContext(ctx).Model(&reportSnapshot{}).Where("id = ?", snap.ID).Updates(map[string]any{
		"threshold": snap.Threshold, "stamp": snap.Stamp, "elapsed": snap.Elapsed, "computed_at": snap.ComputedAt,
		"payload": snap.Payload, "refreshing_until": nil}).Error
	if err != nil {
		return snap, fmt.Errorf("reports: store the snapshot of %s: %w", y, err)
	}
	return snap, nil
}

// changeStamp is the change stamp of the school year: the changes of that year, and those of
// it and every earlier year that alter the later ones too. It only grows: each changing
// statement appends its rows (migration 0019), and compacting replaces rows by their sum.
func changeStamp(ctx context.Context, db *gorm.DB, y calendar.SchoolYear) (int64, error) {
	var stamp int64
	err := db.WithContext(ctx).Table("report_change_stamps").
		Select("COALESCE(SUM(CASE WHEN year_start = ? THEN own_changes ELSE 0 END), 0) + COALESCE(SUM(later_changes), 0)", y.StartYear).
		Where("year_start <= ?", y.StartYear).Scan(&stamp).Error
	if err != nil {
		return 0, fmt.Errorf("reports: change stamp of %s: %w", y, err)
	}
	return stamp, nil
}

// CompactChangeStamps adds up the rows of each school year's change stamp into one, and those
// of each establishment's (migration 0030), so that the tables the triggers append to stay a
// few rows per key; every stamp keeps its value. The housekeeping calls it. A change committed
// meanwhile is either among the rows added up or left beside them, never lost: PostgreSQL
// deletes and inserts in one statement, which sees the rows of one snapshot; SQLite's
// transaction holds the write lock (_txlock=immediate) from its start.
func CompactChangeStamps(ctx context.Context, db *gorm.DB) error {
	stamps := []struct {
		table, key string
		sums       []string
	}{
		{"report_change_stamps", "year_start", []string{"own_changes", "later_changes"}},
		{"establishment_change_stamps", "establishment_id", []string{"changes"}},
	}
	for _, t := range stamps {
		if err := compactStamps(ctx, db, t.table, t.key, t.sums); err != nil {
			return fmt.Errorf("reports: compact the change stamps of %s: %w", t.table, err)
		}
	}
	return nil
}

// compactStamps replaces the rows of each key of a stamp table that has several by one row of
// their sums.
func compactStamps(ctx context.Context, db *gorm.DB, table, key string, sums []string) error {
	cols := key + ", " + strings.Join(sums, ", ")
	var summed []string
	for _, c := range sums {
		summed = append(summed, "SUM("+c+")")
	}
	added := key + ", " + strings.Join(summed, ", ")
	if db.Dialector.Name() == "postgres" {
		return db.WithContext(ctx).Exec(fmt.Sprintf(`WITH gone AS (DELETE FROM %[1]s
			WHERE %[2]s IN (SELECT %[2]s FROM %[1]s GROUP BY %[2]s HAVING COUNT(*) > 1)
			RETURNING %[3]s)
		INSERT INTO %[1]s (%[3]s) SELECT %[4]s FROM gone GROUP BY %[2]s`, table, key, cols, added)).Error
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var last int64
		if err := tx.Raw("SELECT COALESCE(MAX(id), 0) FROM " + table).Scan(&last).Error; err != nil {
			return err
		}
		if err := tx.Exec(fmt.Sprintf(`INSERT INTO %[1]s (%[3]s) SELECT %[4]s FROM %[1]s WHERE id <= ?
			GROUP BY %[2]s HAVING COUNT(*) > 1`, table, key, cols, added), last).Error; err != nil {
			return err
		}
		return tx.Exec(fmt.Sprintf(`DELETE FROM %[1]s WHERE id <= ? AND %[2]s IN
			(SELECT %[2]s FROM %[1]s WHERE id <= ? GROUP BY %[2]s HAVING COUNT(*) > 1)`, table, key), last, last).Error
	})
}
