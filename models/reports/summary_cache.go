package reports

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// The establishment summary (the head teachers' dashboard and its PDF) is served from a cache
// in each process, exact to the commit: its entries are those of LoadEstablishmentSummary
// with the change stamp of the establishment they were computed from (migration 0030: triggers
// append to establishment_change_stamps in the transaction of any change of what the summary
// reads, the nominative list included), and a request reads the stamp before anything else, in
// the statement that finds the establishment by its UAI. An entry of another stamp is computed
// again; the stamp is read before the figures, so a change committed in between makes the
// entry look older than it is, never fresher. Instances share the database, not the caches:
// each follows the same stamps.
//
// The key is what the summary depends on besides the data: the establishment, the school
// year, whether the nominative list is asked, whether the reader sees the restricted
// follow-ups (the list counts the follow-ups the reader may see), and the Paris day (the
// months elapsed, the current year, the prevention-group sessions held up to today). The scope
// is checked before the cache is read, on every request.

// DefaultSummaryEntries bounds the summaries a process keeps: the busiest establishment's at
// metro scale lists 124 files, a few tens of kB; 256 entries stay within about 10 MB.
const DefaultSummaryEntries = 256

// summaryKey is what an establishment summary depends on besides the data.
type summaryKey struct {
	establishment      uint
	year               int
	pupils, restricted bool
	day                int64
}

// summaryEntry is a summary computed from the data of one stamp: its figures, or ErrNoData.
type summaryEntry struct {
	key   summaryKey
	stamp int64
	sum   EstablishmentSummary
	err   error
}

// summaryCache is a least-recently-used set of summaries.
type summaryCache struct {
	mu      sync.Mutex
	max     int
	order   *list.List // of *summaryEntry, most recent first
	entries map[summaryKey]*list.Element
}

func newSummaryCache(max int) *summaryCache {
	return &summaryCache{max: max, order: list.New(), entries: map[summaryKey]*list.Element{}}
}

// get returns the entry of the key if it was computed from the stamp.
func (c *summaryCache) get(k summaryKey, stamp int64) (*summaryEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok || el.Value.(*summaryEntry).stamp != stamp {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*summaryEntry), true
}

// put keeps the entry unless one of a later stamp is there, and forgets the least recently
// used beyond the bound.
func (c *summaryCache) put(e *summaryEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		if el.Value.(*summaryEntry).stamp > e.stamp {
			return
		}
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.entries[e.key] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*summaryEntry).key)
	}
}

// len is the number of entries kept.
func (c *summaryCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// EstablishmentSummary is LoadEstablishmentSummary served from this process's cache when the
// establishment's data have not changed since it was computed (same errors). Concurrent
// requests for a summary missing from the cache compute it once. The summary returned is
// shared: its maps and slices are read, never written.
func (s *Snapshots) EstablishmentSummary(ctx context.Context, sc models.Scope, uai string, y calendar.SchoolYear, now time.Time, withPupils bool) (EstablishmentSummary, error) {
	e, stamp, err := establishmentStamp(ctx, s.DB, uai)
	if err != nil {
		return EstablishmentSummary{}, err
	}
	if !sc.CoversEstablishment(e.ID) {
		return EstablishmentSummary{}, models.ErrNotFound
	}
	k := summaryKey{establishment: e.ID, year: y.StartYear, pupils: withPupils,
		restricted: withPupils && sc.SeesRestrictedNotes(), day: calendar.Today(now).Unix()}
	if hit, ok := s.summaries.get(k, stamp); ok {
		return hit.sum, hit.err
	}
	v, err, _ := s.flight.Do(fmt.Sprintf("summary %v %d", k, stamp), func() (any, error) {
		s.summariesComputed.Add(1)
		// Other requests may be waiting for this computation: the client of the one that
		// started it leaving must not fail theirs (it takes what one computation takes).
		sum, err := LoadEstablishmentSummary(context.WithoutCancel(ctx), s.DB, sc, uai, y, now, withPupils)
		if err != nil && !errors.Is(err, ErrNoData) {
			return nil, err
		}
		entry := &summaryEntry{key: k, stamp: stamp, sum: sum, err: err}
		s.summaries.put(entry)
		return entry, nil
	})
	if err != nil {
		return EstablishmentSummary{}, err
	}
	entry := v.(*summaryEntry)
	return entry.sum, entry.err
}

// establishmentStamp finds the establishment of a UAI (models.ErrNotFound if none) and its
// change stamp, in one statement: the sum of its rows and of establishment 0's, read from the
// index of establishment_change_stamps.
func establishmentStamp(ctx context.Context, db *gorm.DB, uai string) (models.Establishment, int64, error) {
	var row struct {
		models.Establishment `gorm:"embedded"`
		Stamp                int64
	}
	err := db.WithContext(ctx).Table("establishments").
		Select("establishments.*, (SELECT COALESCE(SUM(s.changes), 0) FROM establishment_change_stamps s "+
			"WHERE s.establishment_id IN (0, establishments.id)) AS stamp").
		Where("establishments.uai = ?", uai).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row.Establishment, 0, models.ErrNotFound
	}
	if err != nil {
		return row.Establishment, 0, fmt.Errorf("reports: establishment %s and its stamp: %w", uai, err)
	}
	return row.Establishment, row.Stamp, nil
}
