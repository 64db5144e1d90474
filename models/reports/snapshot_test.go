package reports_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/reports"
)

// printed is what a report prints of its figures: every table of every grouping, the months,
// the time spent and the median.
func printed(m reports.Metropolitan) map[string]any {
	out := map[string]any{"establishments": m.Establishments, "reporting": m.Reporting, "elapsed": m.Elapsed,
		"threshold": m.Threshold(), "months": m.Months().Counts()}
	for _, g := range reports.Groupings {
		out["keys "+string(g)] = m.Keys(g)
		out["status "+string(g)] = m.Status(g).Counts()
		out["activity "+string(g)] = m.Activity(g).Counts()
		out["exits "+string(g)] = m.Exits(g).Counts()
		out["life events "+string(g)] = m.LifeEvents(g).Counts()
		out["conflicts "+string(g)] = m.Conflicts(g).Counts()
		out["reviewed "+string(g)] = m.PupilsReviewed(g).Counts()
	}
	out["school life"] = m.HasSchoolLife()
	out["conflict outcomes"] = m.ConflictOutcomes().Counts()
	kinds, actions := m.ActionKinds()
	var codes []string
	for _, k := range kinds {
		codes = append(codes, k.Code+" "+k.LabelFr)
	}
	out["action kinds"], out["actions"] = codes, actions
	minutes, shown := m.FollowUpMinutes()
	out["minutes"], out["minutes shown"] = minutes, shown
	rt, ok := m.ReplyTime().Value()
	out["reply"], out["reply shown"] = rt, ok
	return out
}

// followUps is the number of follow-ups the report prints (-1 when masked).
func followUps(m reports.Metropolitan) int {
	c := m.Activity(reports.ByEstablishment).Counts()
	if c.ColTotalMasks[1].Masked() {
		return -1
	}
	return c.ColTotals[1]
}

// snapshotWorld is the report world with a threshold of 2 (its counts are small), served by
// snapshots on a clock the test moves.
func snapshotWorld(t *testing.T, db *gorm.DB) (*reportWorld, *dbtest.Clock, *reports.Snapshots) {
	w := newReportWorld(t, db)
	must(t, models.SaveSmallCountThreshold(w.ctx, db, models.Actor{Email: "test"}, w.now, 2))
	clk := dbtest.NewClock(w.now)
	return w, clk, reports.NewSnapshots(db, clk.Now, 5*time.Minute, nil)
}

func TestSnapshotServesTheProtectedFiguresAndRefreshes(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, clk, s := snapshotWorld(t, db)
		first, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		fresh, err := reports.LoadMetropolitan(w.ctx, db, year2526, w.now)
		must(t, err)
		if !reflect.DeepEqual(printed(first), printed(fresh)) {
			t.Fatalf("the snapshot prints\n%v\nfresh figures print\n%v", printed(first), printed(fresh))
		}
		if !first.ComputedAt.Equal(w.now) || s.Computed() != 1 {
			t.Fatalf("computed at %v, %d computations; want %v, 1", first.ComputedAt, s.Computed(), w.now)
		}
		if n := followUps(first); n != 5 {
			t.Fatalf("follow-ups: %d, want 5", n)
		}

		// A new follow-up of the current year: the snapshot is younger than MaxAge, it stays.
		var aubert models.Pupil
		must(t, db.Where("last_name = ?", "Aubert").Take(&aubert).Error)
		must(t, db.Create(&models.FollowUp{PupilID: aubert.ID, AuthorID: w.mediator.ID, OccurredOn: day(2026, 3, 14),
			Kind: models.FollowUpPupilInterview, DurationMinutes: 10}).Error)
		clk.Advance(time.Minute)
		again, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		s.Wait()
		if followUps(again) != 5 || s.Computed() != 1 || !again.ComputedAt.Equal(w.now) {
			t.Fatalf("a young snapshot was refreshed: %d follow-ups, %d computations", followUps(again), s.Computed())
		}
		// Older than MaxAge and its data changed: this request still gets the snapshot, a
		// background refresh computes the new figures, the next request gets them.
		clk.Advance(5 * time.Minute)
		stale, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		s.Wait()
		if followUps(stale) != 5 {
			t.Errorf("the stale snapshot was not served while refreshing: %d follow-ups", followUps(stale))
		}
		after, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		if followUps(after) != 6 || s.Computed() != 2 || !after.ComputedAt.Equal(clk.Now()) {
			t.Fatalf("after the refresh: %d follow-ups, %d computations, computed at %v", followUps(after), s.Computed(), after.ComputedAt)
		}
		// Nothing changed since: however old, it is not computed again.
		clk.Advance(time.Hour)
		if _, err := s.Metropolitan(w.ctx, year2526); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if s.Computed() != 2 {
			t.Errorf("an unchanged snapshot was computed again: %d computations", s.Computed())
		}

		// A new threshold: never a figure protected with the old one, computed at once.
		must(t, models.SaveSmallCountThreshold(w.ctx, db, models.Actor{Email: "test"}, w.now, 7))
		m, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		if m.Threshold() != 7 || s.Computed() != 3 {
			t.Errorf("after a new threshold: threshold %d, %d computations", m.Threshold(), s.Computed())
		}
		// The command's recomputation replaces the snapshot, which others then read.
		clk.Advance(time.Minute)
		r, err := s.Recompute(w.ctx, year2526)
		must(t, err)
		other := reports.NewSnapshots(db, clk.Now, time.Hour, nil)
		read, err := other.Metropolitan(w.ctx, year2526)
		must(t, err)
		if !read.ComputedAt.Equal(clk.Now()) || !reflect.DeepEqual(printed(read), printed(r)) || other.Computed() != 0 {
			t.Errorf("another instance reads %v (%d computations), want the command's figures of %v", read.ComputedAt, other.Computed(), clk.Now())
		}
		// And the other way round: the first instance, which decoded older figures, reads
		// those the other one stored.
		must(t, db.Create(&models.FollowUp{PupilID: aubert.ID, AuthorID: w.mediator.ID, OccurredOn: day(2026, 3, 15),
			Kind: models.FollowUpPupilInterview, DurationMinutes: 10}).Error)
		clk.Advance(time.Minute)
		if _, err := other.Recompute(w.ctx, year2526); err != nil {
			t.Fatal(err)
		}
		last, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		if followUps(last) != 7 || !last.ComputedAt.Equal(clk.Now()) {
			t.Errorf("the first instance reads %d follow-ups computed at %v, want 7 at %v", followUps(last), last.ComputedAt, clk.Now())
		}
	})
}

func TestSnapshotOfAClosedYearIgnoresOtherYears(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, clk, s := snapshotWorld(t, db)
		closed := calendar.SchoolYear{StartYear: 2024}
		if _, err := s.Metropolitan(w.ctx, closed); err != nil {
			t.Fatal(err)
		}
		var aubert, caron models.Pupil
		must(t, db.Where("last_name = ?", "Aubert").Take(&aubert).Error)
		must(t, db.Where("last_name = ?", "Caron").Take(&caron).Error)
		// Changes of the current year only: a follow-up, a meeting, a referral sent, a status
		// change, a new file, a follow-up edited and one deleted, all in 2025-2026.
		fu := models.FollowUp{PupilID: aubert.ID, AuthorID: w.mediator.ID, OccurredOn: day(2026, 3, 14), Kind: models.FollowUpOther, DurationMinutes: 5}
		must(t, db.Create(&fu).Error)
		must(t, db.Model(&fu).Update("kind", models.FollowUpHomeVisit).Error)
		must(t, db.Delete(&fu).Error)
		must(t, db.Create(&models.Meeting{PupilID: aubert.ID, OrganiserID: w.mediator.ID, ScheduledAt: paris(2026, 3, 14, 9).UTC(),
			DurationMinutes: 30, Place: "Bureau", Purpose: "Point", Status: models.MeetingHeld, Version: 1}).Error)
		from := models.StatusActive
		must(t, db.Create(&models.PupilStatusChange{PupilID: aubert.ID, FromStatus: &from, ToStatus: models.StatusMonitoring,
			ChangedAt: paris(2026, 3, 14, 9).UTC()}).Error)
		must(t, db.Create(&models.Pupil{EstablishmentID: w.e1.ID, LastName: "Nouveau", FirstName: "Sam", BirthDate: day(2012, 1, 1),
			ClassLevel: models.Level4e, Status: models.StatusIdentified, IdentifiedOn: day(2026, 3, 14), RiskLevel: "low", Version: 1}).Error)
		// Changes that alter nothing a report counts: a follow-up's note, a pupil's class.
		must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ?", caron.ID).Update("note", "Autre note").Error)
		must(t, db.Model(&caron).Update("class_name", "3e A").Error)
		clk.Advance(24 * time.Hour)
		if _, err := s.Metropolitan(w.ctx, closed); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if s.Computed() != 1 {
			t.Fatalf("the closed year was computed again after changes of another year: %d computations", s.Computed())
		}
		// Changes of the closed year each bring a recomputation: a back-dated follow-up, a
		// status change back-dated into it, the risk level of a file followed then.
		for i, change := range []func() error{
			func() error {
				return db.Create(&models.FollowUp{PupilID: caron.ID, AuthorID: w.mediator.ID, OccurredOn: day(2025, 6, 2),
					Kind: models.FollowUpOther, DurationMinutes: 5}).Error
			},
			func() error {
				from := models.StatusIdentified
				return db.Create(&models.PupilStatusChange{PupilID: caron.ID, FromStatus: &from, ToStatus: models.StatusActive,
					ChangedAt: paris(2025, 2, 1, 9).UTC()}).Error
			},
			func() error { return db.Model(&caron).Update("risk_level", "high").Error },
		} {
			must(t, change())
			if _, err := s.Metropolitan(w.ctx, closed); err != nil {
				t.Fatal(err)
			}
			s.Wait()
			if s.Computed() != int64(i+2) {
				t.Fatalf("change %d of the closed year: %d computations, want %d", i, s.Computed(), i+2)
			}
		}
	})
}

func TestSnapshotFirstLoadComputesOnce(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		clk := dbtest.NewClock(w.now)
		// Two instances sharing the database, eight requests each, all at once.
		instances := []*reports.Snapshots{reports.NewSnapshots(db, clk.Now, time.Minute, nil), reports.NewSnapshots(db, clk.Now, time.Minute, nil)}
		var wg sync.WaitGroup
		results := make([]reports.Metropolitan, 16)
		errs := make([]error, 16)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = instances[i%2].Metropolitan(w.ctx, year2526)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			must(t, err)
			if !reflect.DeepEqual(printed(results[i]), printed(results[0])) {
				t.Errorf("request %d got other figures", i)
			}
		}
		if n := instances[0].Computed() + instances[1].Computed(); n != 1 {
			t.Errorf("%d computations for a concurrent first load, want 1", n)
		}
	})
}

// TestSnapshotWarmComputesAhead: the housekeeping's warm-up computes a year nobody asked for
// yet, in the background, and leaves a fresh snapshot alone.
func TestSnapshotWarmComputesAhead(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, _, s := snapshotWorld(t, db)
		must(t, s.Warm(w.ctx, year2526))
		s.Wait()
		if s.Computed() != 1 {
			t.Fatalf("%d computations after warming up, want 1", s.Computed())
		}
		must(t, s.Warm(w.ctx, year2526))
		s.Wait()
		m, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		if s.Computed() != 1 || !m.ComputedAt.Equal(w.now) {
			t.Errorf("%d computations, figures of %v: the warmed-up snapshot was not used", s.Computed(), m.ComputedAt)
		}
	})
}

// TestSnapshotOnlyForYearsWithFiles: a year before the first file says so, and leaves no
// snapshot behind (a reader cannot fill the table by trying years).
func TestSnapshotOnlyForYearsWithFiles(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, _, s := snapshotWorld(t, db)
		for _, y := range []calendar.SchoolYear{{StartYear: 1990}, {StartYear: 2015}} {
			if _, err := s.Metropolitan(w.ctx, y); !errors.Is(err, reports.ErrNoData) {
				t.Errorf("%s: %v, want no data", y, err)
			}
			if _, err := s.Recompute(w.ctx, y); !errors.Is(err, reports.ErrNoData) {
				t.Errorf("recompute %s: %v, want no data", y, err)
			}
		}
		var n int64
		dbtest.Must(t, db.Table("report_snapshots").Count(&n).Error)
		if n != 0 || s.Computed() != 0 {
			t.Errorf("%d snapshots, %d computations for years without files", n, s.Computed())
		}
	})
}

// TestSnapshotStoredBeforeGroupingsIsComputedAgain: a snapshot stored before the groupings
// were protected with the establishments holds no grouped table; it is served with every
// figure of its groupings masked but the shared totals, and computed again at once.
func TestSnapshotStoredBeforeGroupingsIsComputedAgain(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, clk, s := snapshotWorld(t, db)
		fresh, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		var payload string
		must(t, db.Raw("SELECT payload FROM report_snapshots WHERE year = ?", year2526.String()).Scan(&payload).Error)
		var fields map[string]json.RawMessage
		must(t, json.Unmarshal([]byte(payload), &fields))
		if _, ok := fields["Grouped"]; !ok {
			t.Fatal("the snapshot stores no grouped table")
		}
		delete(fields, "Grouped")
		old, err := json.Marshal(fields)
		must(t, err)
		must(t, db.Exec("UPDATE report_snapshots SET payload = ? WHERE year = ?", string(old), year2526.String()).Error)

		other := reports.NewSnapshots(db, clk.Now, time.Hour, nil)
		legacy, err := other.Metropolitan(w.ctx, year2526)
		must(t, err)
		other.Wait()
		for _, g := range []reports.Grouping{reports.ByCommune, reports.ByType, reports.ByPriority} {
			c := legacy.Status(g).Counts()
			for i, row := range c.Masks {
				for j, m := range row {
					if !m.Masked() || c.Cells[i][j] != 0 {
						t.Fatalf("the old snapshot prints the status by %s, cell %d,%d", g, i, j)
					}
				}
			}
			if !reflect.DeepEqual(c.ColTotals, fresh.Status(g).Counts().ColTotals) {
				t.Errorf("the old snapshot's shared totals by %s differ", g)
			}
		}
		if !reflect.DeepEqual(legacy.Status(reports.ByEstablishment).Counts(), fresh.Status(reports.ByEstablishment).Counts()) {
			t.Error("the old snapshot's establishment table differs")
		}
		if other.Computed() != 1 {
			t.Fatalf("the old snapshot was computed %d times, want once", other.Computed())
		}
		again, err := other.Metropolitan(w.ctx, year2526)
		must(t, err)
		if !reflect.DeepEqual(printed(again), printed(fresh)) {
			t.Errorf("after its computation the snapshot prints\n%v\nwant\n%v", printed(again), printed(fresh))
		}
	})
}

// TestSnapshotFollowsSchoolLife: the overview's school-life figures come from the snapshot,
// and a new conflict, action or reviewed pupil reaches it through the change stamp and a
// refresh; a snapshot stored before the school-life tables is served without them and
// computed again at once.
func TestSnapshotFollowsSchoolLife(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, clk, s := snapshotWorld(t, db)
		addSchoolLife(t, w)
		first, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		// The conflicts as counted (the report prints them protected, at threshold 2 here).
		conflicts := func(m reports.Metropolitan) int {
			n := 0
			for _, row := range m.Conflicts(reports.ByEstablishment).Counts().Cells {
				for _, v := range row {
					n += v
				}
			}
			return n
		}
		actions := func(m reports.Metropolitan) int { return m.LifeEvents(reports.ByEstablishment).Counts().ColTotals[0] }
		if !first.HasSchoolLife() || actions(first) != 5 {
			t.Fatalf("first snapshot: school life %v, %d actions", first.HasSchoolLife(), actions(first))
		}
		before := conflicts(first)
		author := w.mediator.ID
		must(t, db.Omit("Parties").Create(&models.Conflict{EstablishmentID: w.e2.ID, AuthorID: author, OccurredOn: day(2026, 3, 10),
			Place: models.PlaceClass, Kind: models.ConflictVerbal, Relation: models.BetweenPupils, Version: 1}).Error)
		var kind models.ActivityKind
		must(t, db.Where("code = ?", "parents_workshop").Take(&kind).Error)
		must(t, db.Create(&models.Activity{EstablishmentID: w.e2.ID, KindID: kind.ID, AuthorID: &author, HeldOn: day(2026, 3, 12),
			DurationMinutes: 60, Themes: "parenting", Parents: 12, Version: 1}).Error)
		clk.Advance(6 * time.Minute)
		if _, err := s.Metropolitan(w.ctx, year2526); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		after, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		fresh, err := reports.LoadMetropolitan(w.ctx, db, year2526, clk.Now())
		must(t, err)
		if actions(after) != 6 || s.Computed() != 2 || !reflect.DeepEqual(printed(after), printed(fresh)) {
			t.Fatalf("after the refresh: %d actions, %d computations; prints\n%v\nfresh figures print\n%v", actions(after), s.Computed(),
				printed(after), printed(fresh))
		}
		if reflect.DeepEqual(after.Conflicts(reports.ByEstablishment).Counts(), first.Conflicts(reports.ByEstablishment).Counts()) {
			t.Errorf("the conflicts table prints the same after a new conflict (%d counted before, %d after)", before, conflicts(after))
		}

		// A snapshot stored before the school-life tables.
		var payload string
		must(t, db.Raw("SELECT payload FROM report_snapshots WHERE year = ?", year2526.String()).Scan(&payload).Error)
		var fields map[string]json.RawMessage
		must(t, json.Unmarshal([]byte(payload), &fields))
		if _, ok := fields["SchoolLife"]; !ok {
			t.Fatal("the snapshot stores no school-life table")
		}
		delete(fields, "SchoolLife")
		old, err := json.Marshal(fields)
		must(t, err)
		must(t, db.Exec("UPDATE report_snapshots SET payload = ? WHERE year = ?", string(old), year2526.String()).Error)
		other := reports.NewSnapshots(db, clk.Now, time.Hour, nil)
		legacy, err := other.Metropolitan(w.ctx, year2526)
		must(t, err)
		other.Wait()
		if legacy.HasSchoolLife() || other.Computed() != 1 {
			t.Fatalf("the old snapshot: school life %v, %d computations, want none and one", legacy.HasSchoolLife(), other.Computed())
		}
		again, err := other.Metropolitan(w.ctx, year2526)
		must(t, err)
		if !reflect.DeepEqual(printed(again), printed(after)) {
			t.Errorf("after its computation the snapshot prints\n%v\nwant\n%v", printed(again), printed(after))
		}
	})
}

// Changes append their rows to the year's change stamp: two writers of the same year do not
// wait for each other, a compaction in between loses neither change, and a snapshot computed
// while they were in flight is refreshed once they are committed.
func TestSnapshotChangesAppendWithoutWaiting(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w, clk, s := snapshotWorld(t, db)
		first, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		if followUps(first) != 5 {
			t.Fatalf("follow-ups: %d, want 5", followUps(first))
		}
		var aubert models.Pupil
		must(t, db.Where("last_name = ?", "Aubert").Take(&aubert).Error)
		add := func(tx *gorm.DB, d int) error {
			return tx.Create(&models.FollowUp{PupilID: aubert.ID, AuthorID: w.mediator.ID, OccurredOn: day(2026, 3, d),
				Kind: models.FollowUpPupilInterview, DurationMinutes: 10}).Error
		}
		stamps := func() map[int]int64 {
			out := map[int]int64{}
			for y := 2023; y <= 2026; y++ {
				st, err := reports.ChangeStamp(w.ctx, db, calendar.SchoolYear{StartYear: y})
				must(t, err)
				out[y] = st
			}
			return out
		}
		rows := func() (n int64) {
			must(t, db.Table("report_change_stamps").Where("year_start = ?", 2025).Count(&n).Error)
			return n
		}
		before := stamps()

		if db.Dialector.Name() == "postgres" {
			// The first writer has not committed; the second does not wait for it.
			tx1, tx2 := writersInFlight(t, db, add, 10)
			// Neither the compaction nor a computation waits for them, and neither counts them.
			ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
			defer cancel()
			must(t, reports.CompactChangeStamps(ctx, db))
			clk.Advance(time.Minute)
			during, err := s.Recompute(ctx, year2526)
			must(t, err)
			if followUps(during) != 5 {
				t.Fatalf("follow-ups while the writers are in flight: %d, want 5", followUps(during))
			}
			must(t, tx2.Commit().Error)
			must(t, tx1.Commit().Error)
		} else {
			// SQLite has one writer at a time: the changes follow each other.
			must(t, add(db, 10))
			must(t, add(db, 11))
		}
		changed := stamps()
		if changed[2025] != before[2025]+2 || changed[2024] != before[2024] || changed[2026] != before[2026] {
			t.Fatalf("stamps %v after two follow-ups of 2025-2026, were %v", changed, before)
		}
		if n := rows(); n < 2 {
			t.Fatalf("%d rows for 2025-2026 before the compaction, want the appended ones", n)
		}
		must(t, reports.CompactChangeStamps(w.ctx, db))
		if n := rows(); n != 1 {
			t.Errorf("%d rows for 2025-2026 after the compaction, want 1", n)
		}
		if got := stamps(); !reflect.DeepEqual(got, changed) {
			t.Errorf("stamps after the compaction %v, want %v", got, changed)
		}

		// The snapshot, computed before the commits, is stale: refreshed, it counts both.
		clk.Advance(6 * time.Minute)
		_, err = s.Metropolitan(w.ctx, year2526)
		must(t, err)
		s.Wait()
		after, err := s.Metropolitan(w.ctx, year2526)
		must(t, err)
		if followUps(after) != 7 {
			t.Errorf("follow-ups after the refresh: %d, want 7", followUps(after))
		}
		// And a change after the compaction still moves the stamp.
		must(t, add(db, 12))
		if got := stamps(); got[2025] != changed[2025]+1 {
			t.Errorf("stamp after a change that follows the compaction: %d, want %d", got[2025], changed[2025]+1)
		}
	})
}

// writersInFlight begins two transactions that each write (with the day d, then d+1) and
// leaves them uncommitted; it fails when the second waits for the first (a shared row would
// hold it until the first commits: the lock timeout would end it). Both are rolled back at the
// end of the test unless committed.
func writersInFlight(t *testing.T, db *gorm.DB, write func(tx *gorm.DB, d int) error, d int) (*gorm.DB, *gorm.DB) {
	t.Helper()
	tx1 := db.Begin()
	must(t, tx1.Error)
	t.Cleanup(func() { tx1.Rollback() })
	must(t, write(tx1, d))
	tx2 := db.Begin()
	must(t, tx2.Error)
	t.Cleanup(func() { tx2.Rollback() })
	must(t, tx2.Exec("SET LOCAL lock_timeout = '2s'").Error)
	if err := write(tx2, d+1); err != nil {
		t.Fatalf("the second writer waited for the first: %v", err)
	}
	return tx1, tx2
}
