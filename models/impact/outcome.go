package impact

import (
	"cmp"
	"slices"

	"mediation/models/calendar"
)

// never is the start month of a file whose active follow-up has not started.
const never = -1

// History is what the measure reads of one pupil file: its establishment, the month its file
// was opened (its first status change), the month its active follow-up started (never if it
// has not), and its unjustified half-days by month. Months are calendar.MonthIndex values.
type History struct {
	ID            uint
	Establishment uint
	Opened        int
	Started       int
	Absences      map[int]int
}

// schoolMonth says whether a month index has school: July and August do not.
func schoolMonth(m int) bool { return m%12 != 6 && m%12 != 7 }

// windowMonths lists the WindowMonths school months before month0 (step −1) or after it
// (step +1), nearest first.
func windowMonths(month0, step int) []int {
	out := make([]int, 0, WindowMonths)
	for m := month0 + step; len(out) < WindowMonths; m += step {
		if schoolMonth(m) {
			out = append(out, m)
		}
	}
	return out
}

// mean is the mean absences over the months that have a figure, and how many do.
func (h History) mean(months []int) (float64, int) {
	sum, n := 0, 0
	for _, m := range months {
		if a, ok := h.Absences[m]; ok {
			sum += a
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(sum) / float64(n), n
}

// Window is the pupil's levels before and after month0.
func (h History) Window(month0 int) Window {
	var w Window
	w.Before, w.MonthsBefore = h.mean(windowMonths(month0, -1))
	w.After, w.MonthsAfter = h.mean(windowMonths(month0, 1))
	return w
}

// comparable says whether the pupil may stand for a pupil whose follow-up started at month0:
// its file was open by then, and its own active follow-up had not started by the end of the
// after window (so that neither window is touched by it).
func (h History) comparable(month0 int) bool {
	after := windowMonths(month0, 1)
	return h.Opened <= month0 && (h.Started == never || h.Started > after[len(after)-1])
}

// Outcome is the absence outcome of the active follow-ups started in a school year.
type Outcome struct {
	Year calendar.SchoolYear
	// Started is the number of files whose active follow-up started in the year; Measured how
	// many of them have figures enough in both windows.
	Started, Measured int
	// Naive is the followed pupils' own before/after. It is not an effect: pupils followed
	// because their absences peaked see them fall anyway (regression to the mean).
	Naive BeforeAfter
	// Matched is how many measured pupils found a comparison pupil.
	Matched int
	// Effect is the difference of the differences on the matched pairs; HasEffect is false
	// when either group is below MinGroup, and then nothing may be said of an effect.
	Effect    Effect
	HasEffect bool
}

// Measure computes the outcome of the follow-ups started in the year from the files'
// histories (those of the scope measured: the metropolis, or an agreement's establishments).
// Each followed pupil is matched, with replacement, to the comparable pupil whose file opened
// the same month and whose level before, over the same months, is nearest (within Caliper;
// of equals, one of the same establishment). Matching on the opening month is what cancels
// the regression to the mean: both were picked on the same peak.
func Measure(y calendar.SchoolYear, histories []History) Outcome {
	out := Outcome{Year: y}
	first, _ := calendar.MonthIndex(y.Months()[0])
	byOpening := map[int][]History{}
	for _, h := range histories {
		byOpening[h.Opened] = append(byOpening[h.Opened], h)
	}
	followed := slices.Clone(histories)
	slices.SortFunc(followed, func(a, b History) int { return cmp.Compare(a.ID, b.ID) })
	var measured []Window
	var pairs []Pair
	pools := map[[2]int][]Candidate{}
	for _, h := range followed {
		if h.Started == never || h.Started < first || h.Started >= first+12 {
			continue
		}
		out.Started++
		w := h.Window(h.Started)
		if !w.complete() {
			continue
		}
		measured = append(measured, w)
		// The pupils opened the same month are the same candidates for every follow-up started
		// the same month: their windows are computed once.
		key := [2]int{h.Opened, h.Started}
		candidates, seen := pools[key]
		if !seen {
			for _, c := range byOpening[h.Opened] {
				if !c.comparable(h.Started) {
					continue
				}
				if cw := c.Window(h.Started); cw.complete() {
					candidates = append(candidates, Candidate{ID: c.ID, Establishment: c.Establishment, Window: cw})
				}
			}
			pools[key] = candidates
		}
		if c, ok := Nearest(w.Before, h.Establishment, candidates); ok {
			pairs = append(pairs, Pair{Followed: w, Comparison: c.Window, FollowedID: h.ID, ComparisonID: c.ID})
		}
	}
	out.Measured, out.Matched = len(measured), len(pairs)
	out.Naive = summarise(measured, true)
	out.Effect, out.HasEffect = DiffInDiff(pairs)
	return out
}
