package dbtest

import (
	"sync"
	"time"
)

// Clock is a clock that tests set and move forward, safe for the concurrent requests of a
// test server.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock showing now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the time the clock shows.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
