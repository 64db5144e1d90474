package demodata

import (
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
)

// TestDemoConflicts checks the demo's conflicts for loading days over a year: in the past,
// steps in order, parties' files of the conflict's establishment, at least two parties, and for
// the demo mediator's establishments a conflict to review today, one closed and one ongoing.
func TestDemoConflicts(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, time.June, 1, 9, 30, 0, 0, calendar.Paris)
	for i := 0; i < 365; i += 9 {
		now := start.AddDate(0, 0, i)
		d := generate(now, fakeHashes())
		today := civil(now)
		due, closed, ongoing := 0, 0, 0
		for _, c := range d.conflicts {
			if c.c.OccurredOn.After(today) || c.c.ListenedOn.Before(c.c.OccurredOn) || c.c.ListenedOn.After(today) {
				t.Errorf("%s: conflict dates: %v heard %v", now.Format(time.DateOnly), c.c.OccurredOn, c.c.ListenedOn)
			}
			if c.c.MeetingOn != nil && (c.c.MeetingOn.Before(*c.c.ListenedOn) || c.c.MeetingOn.After(today)) {
				t.Errorf("%s: meeting on %v", now.Format(time.DateOnly), c.c.MeetingOn)
			}
			if c.c.ClosedOn != nil && (c.c.Outcome == nil || c.c.ClosedOn.After(today)) {
				t.Errorf("%s: closed without outcome or in the future", now.Format(time.DateOnly))
			}
			if len(c.parties) < models.MinConflictParties {
				t.Errorf("%s: %d parties", now.Format(time.DateOnly), len(c.parties))
			}
			for _, p := range c.parties {
				if p.pupil >= 0 && d.pupils[p.pupil].est != c.est {
					t.Errorf("%s: a party's file is of another establishment", now.Format(time.DateOnly))
				}
				if p.pupil < 0 && (p.p.Description == "" || models.LooksLikeName(p.p.Description)) {
					t.Errorf("%s: party described as %q", now.Format(time.DateOnly), p.p.Description)
				}
			}
			if c.est > 1 {
				continue
			}
			switch {
			case conflictsDue(c.c, today):
				due++
			case c.c.ClosedOn != nil:
				closed++
			case c.c.Outcome == nil:
				ongoing++
			}
		}
		if due == 0 || closed == 0 || ongoing == 0 {
			t.Errorf("%s: the demo mediator has %d conflicts due, %d closed, %d ongoing", now.Format(time.DateOnly), due, closed, ongoing)
		}
	}
}
