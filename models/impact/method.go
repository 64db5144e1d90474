// Package impact measures what active follow-up changes in a pupil's unjustified absences, with
// a method that does not claim more than the data supports: the pupils' own before/after, shown
// as such, and beside it the difference of the differences against comparable pupils of the
// same establishments who were not, or not yet, followed in the same months, with a bootstrap
// interval and the number of pupils each figure rests on.
//
// The start of active follow-up is the first change of the file's status to « suivi actif »
// (pupil_status_changes.to_status = 'active'), in Paris time; its month is month 0. A file
// reopened after a closure or a watch does not start again: its earlier follow-up already acted
// on the months before. The before window is the three school months before month 0, the after
// window the three after it (July and August, without school, are skipped); a pupil's level in a
// window is the mean of its unjustified half-days over the months of the window that have a
// figure, and a window with fewer than MinMonths figures leaves the pupil out.
//
// The absences that make a file open are a peak: measured from a peak, the absences of the
// months after fall even if nothing is done (regression to the mean). The pupils of the
// comparison group were picked the same way and at the same time — their file opened the same
// month, with the same level of absences before — but their active follow-up had not started
// by the end of the after window (never followed, or waiting): what their absences do over the
// same months is what the followed pupils' would have done without it.
package impact

import (
	"math"
	"math/rand/v2"
	"slices"
)

// MinGroup is the fewest pupils in either group for which an effect is given. Below it, a
// bootstrap interval is itself unreliable (it resamples too few values to show the spread) and
// a single pupil moves the estimate by several half-days: the report says the groups are too
// small rather than print a figure nobody should rely on.
const MinGroup = 20

// MinMonths is the fewest months with a figure in each window: one month alone is too noisy
// (a week of illness doubles it), and a window crossing the summer may hold only one.
const MinMonths = 2

// WindowMonths is the length of each window, in school months.
const WindowMonths = 3

// Caliper is the widest gap, in unjustified half-days per month before the start, between a
// followed pupil and its comparison pupil: wider, the two were not similar before.
const Caliper = 1.0

// Resamples is the number of bootstrap resamples: enough for a stable 95 % interval (its
// bounds move by a few hundredths of a half-day from one seed to another).
const Resamples = 1000

// Confidence is the level of the intervals.
const Confidence = 0.95

// bootstrapSeed makes the intervals reproducible: the same data gives the same interval.
const bootstrapSeed = 15

// Window is one pupil's levels around a month 0: mean unjustified half-days per month before
// and after, and how many months each mean rests on.
type Window struct {
	Before, After             float64
	MonthsBefore, MonthsAfter int
}

// Change is After − Before: negative when the absences fell.
func (w Window) Change() float64 { return w.After - w.Before }

// complete says whether both means rest on enough months.
func (w Window) complete() bool { return w.MonthsBefore >= MinMonths && w.MonthsAfter >= MinMonths }

// Interval is an estimate with its bootstrap percentile interval.
type Interval struct {
	Estimate, Low, High float64
}

// Contains says whether x lies within the interval.
func (i Interval) Contains(x float64) bool { return i.Low <= x && x <= i.High }

// BeforeAfter summarises a group's own before/after: the mean levels, the mean per-pupil change
// with its interval, the quartiles of the per-pupil change, and how many pupils' absences fell.
type BeforeAfter struct {
	// N is the number of pupils the figures rest on.
	N             int
	Before, After float64
	Change        Interval
	// Quartiles of the per-pupil change (After − Before): first, median, third.
	Quartiles [3]float64
	Fell      int
}

// FellShare is the share of the pupils whose absences fell, 0 for no pupil.
func (b BeforeAfter) FellShare() float64 {
	if b.N == 0 {
		return 0
	}
	return float64(b.Fell) / float64(b.N)
}

// summarise computes a group's before/after from its windows; without interval, the change's
// bounds are its estimate.
func summarise(ws []Window, interval bool) BeforeAfter {
	b := BeforeAfter{N: len(ws)}
	if len(ws) == 0 {
		return b
	}
	changes := make([]float64, len(ws))
	for i, w := range ws {
		b.Before += w.Before
		b.After += w.After
		changes[i] = w.Change()
		if w.After < w.Before {
			b.Fell++
		}
	}
	b.Before /= float64(len(ws))
	b.After /= float64(len(ws))
	mean := func(idx []int) float64 {
		s := 0.0
		for _, i := range idx {
			s += changes[i]
		}
		return s / float64(len(idx))
	}
	if interval {
		b.Change = Bootstrap(len(ws), mean)
	} else {
		m := b.After - b.Before
		b.Change = Interval{m, m, m}
	}
	b.Quartiles = Quartiles(changes)
	return b
}

// Pair is a followed pupil and the comparison pupil matched to it, over the same months.
type Pair struct {
	Followed, Comparison     Window
	FollowedID, ComparisonID uint
}

// Effect is the difference of the differences on the matched pairs.
type Effect struct {
	// Followed and Comparison are each group's own before/after over the pairs (the comparison
	// pupils counted once per pair they are in), without interval: the interval that matters
	// is the difference's.
	Followed, Comparison BeforeAfter
	// Controls is the number of distinct comparison pupils: one may serve several followed
	// pupils (matching with replacement).
	Controls int
	// Difference is the mean of (followed change − comparison change), in unjustified
	// half-days per month: negative when follow-up reduced absences.
	Difference Interval
	// Relative is Difference over what the followed pupils' absences would have been after
	// without follow-up (their level before plus the comparison pupils' change): −0.3 is a
	// reduction by 30 %.
	Relative Interval
}

// DiffInDiff estimates the effect on matched pairs. Its intervals come from a bootstrap that
// resamples both the followed pupils (the pairs) and, apart, the distinct comparison pupils
// (as weights), since one comparison pupil may stand in several pairs: resampling the pairs
// alone would take its chance for as many independent ones, and narrow the interval.
// It returns false when the pairs or the distinct comparison pupils are fewer than MinGroup.
func DiffInDiff(pairs []Pair) (Effect, bool) {
	control := make([]int, len(pairs)) // index of each pair's comparison pupil among the distinct ones
	distinct := map[uint]int{}
	for i, p := range pairs {
		k, ok := distinct[p.ComparisonID]
		if !ok {
			k = len(distinct)
			distinct[p.ComparisonID] = k
		}
		control[i] = k
	}
	if len(pairs) < MinGroup || len(distinct) < MinGroup {
		return Effect{Controls: len(distinct)}, false
	}
	followed := make([]Window, len(pairs))
	comparison := make([]Window, len(pairs))
	for i, p := range pairs {
		followed[i], comparison[i] = p.Followed, p.Comparison
	}
	e := Effect{Followed: summarise(followed, false), Comparison: summarise(comparison, false), Controls: len(distinct)}
	// stats computes both figures from the same draw: the pairs idx, and a weight per
	// distinct comparison pupil.
	stats := func(idx []int, weight []float64) (diff, rel float64) {
		var change, before, after, compChange, compWeight float64
		for _, i := range idx {
			p := pairs[i]
			change += p.Followed.Change()
			before += p.Followed.Before
			after += p.Followed.After
			w := weight[control[i]]
			compChange += w * p.Comparison.Change()
			compWeight += w
		}
		n := float64(len(idx))
		if compWeight > 0 {
			compChange /= compWeight
		}
		diff = change/n - compChange
		counterfactual := before/n + compChange
		if counterfactual <= 0 {
			return diff, 0
		}
		return diff, (after/n - counterfactual) / counterfactual
	}
	all := make([]int, len(pairs))
	for i := range all {
		all[i] = i
	}
	ones := make([]float64, len(distinct))
	for k := range ones {
		ones[k] = 1
	}
	e.Difference.Estimate, e.Relative.Estimate = stats(all, ones)
	diffs, rels := make([]float64, Resamples), make([]float64, Resamples)
	draw := newDrawer(len(pairs))
	idx := make([]int, len(pairs))
	weight := make([]float64, len(distinct))
	for k := range Resamples {
		draw.fill(idx, len(pairs))
		clear(weight)
		for range weight {
			weight[draw.index(len(weight))]++
		}
		diffs[k], rels[k] = stats(idx, weight)
	}
	e.Difference.Low, e.Difference.High = percentiles(diffs)
	e.Relative.Low, e.Relative.High = percentiles(rels)
	return e, true
}

// Bootstrap is the percentile interval of stat over Resamples resamples, with replacement, of n
// observations (stat reads the indexes it is given), and stat of the observations themselves.
// The draw is seeded: the same data gives the same interval.
func Bootstrap(n int, stat func(idx []int) float64) Interval {
	if n == 0 {
		return Interval{}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	values := make([]float64, Resamples)
	resample(n, func(k int, idx []int) { values[k] = stat(idx) })
	low, high := percentiles(values)
	return Interval{Estimate: stat(all), Low: low, High: high}
}

// resample calls f with Resamples draws of n indexes with replacement, from a fixed seed.
func resample(n int, f func(k int, idx []int)) {
	draw := newDrawer(n)
	idx := make([]int, n)
	for k := range Resamples {
		draw.fill(idx, n)
		f(k, idx)
	}
}

// drawer draws indexes for the bootstrap from a seeded stream, two per 64-bit number (a
// resample of the metropolis draws millions of them): each half is mapped onto [0, n) by a
// multiplication, whose bias (at most n / 2³²) is far below what a bootstrap can tell.
type drawer struct {
	r     *rand.PCG
	spare uint64
	has   bool
}

// newDrawer seeds the stream from the number of observations: the same data, the same draws.
func newDrawer(n int) *drawer { return &drawer{r: rand.NewPCG(bootstrapSeed, uint64(n))} }

// index draws an index in [0, n).
func (d *drawer) index(n int) int {
	if !d.has {
		d.spare, d.has = d.r.Uint64(), true
		return int((d.spare & 0xffffffff) * uint64(n) >> 32)
	}
	d.has = false
	return int((d.spare >> 32) * uint64(n) >> 32)
}

// fill draws len(idx) indexes in [0, n).
func (d *drawer) fill(idx []int, n int) {
	for i := range idx {
		idx[i] = d.index(n)
	}
}

// percentiles are the bounds of the central Confidence share of the values.
func percentiles(values []float64) (low, high float64) {
	s := slices.Clone(values)
	slices.Sort(s)
	tail := (1 - Confidence) / 2
	return quantile(s, tail), quantile(s, 1-tail)
}

// Quartiles are the first quartile, the median and the third quartile of the values.
func Quartiles(values []float64) [3]float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	return [3]float64{quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75)}
}

// quantile interpolates linearly between the closest ranks of sorted values (the usual
// definition of spreadsheets and R's default), 0 for none.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// Candidate is a pupil who may stand for a followed pupil: its establishment and its levels
// over the followed pupil's months.
type Candidate struct {
	ID, Establishment uint
	Window            Window
}

// Nearest picks the candidate whose level before is nearest to before, within Caliper; of
// equally near ones, a pupil of the same establishment, then the lower id, so that the choice
// does not depend on the candidates' order. It returns false when none is near enough.
func Nearest(before float64, establishment uint, candidates []Candidate) (Candidate, bool) {
	best, found := Candidate{}, false
	bestGap := math.Inf(1)
	better := func(c Candidate, gap float64) bool {
		switch {
		case !found || gap < bestGap:
			return true
		case gap > bestGap:
			return false
		case (c.Establishment == establishment) != (best.Establishment == establishment):
			return c.Establishment == establishment
		}
		return c.ID < best.ID
	}
	for _, c := range candidates {
		gap := math.Abs(c.Window.Before - before)
		if gap <= Caliper && better(c, gap) {
			best, bestGap, found = c, gap, true
		}
	}
	return best, found
}
