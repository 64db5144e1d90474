package impact

import (
	"math"
	"slices"
	"testing"

	"mediation/models/calendar"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func month(t *testing.T, s string) int {
	t.Helper()
	m, ok := calendar.MonthIndex(calendar.Month(s))
	if !ok {
		t.Fatalf("month %q", s)
	}
	return m
}

func TestQuartiles(t *testing.T) {
	for _, c := range []struct {
		values []float64
		want   [3]float64
	}{
		{[]float64{5, 1, 4, 2, 3}, [3]float64{2, 3, 4}},
		{[]float64{4, 3, 2, 1}, [3]float64{1.75, 2.5, 3.25}},
		{[]float64{7}, [3]float64{7, 7, 7}},
		{nil, [3]float64{0, 0, 0}},
	} {
		got := Quartiles(c.values)
		for i := range got {
			if !near(got[i], c.want[i]) {
				t.Errorf("Quartiles(%v) = %v, want %v", c.values, got, c.want)
			}
		}
	}
}

func TestBootstrap(t *testing.T) {
	values := make([]float64, 100)
	for i := range values {
		values[i] = float64(i)
	}
	mean := func(idx []int) float64 {
		s := 0.0
		for _, i := range idx {
			s += values[i]
		}
		return s / float64(len(idx))
	}
	got := Bootstrap(len(values), mean)
	if !near(got.Estimate, 49.5) {
		t.Errorf("estimate %v, want the mean 49.5", got.Estimate)
	}
	// The standard error of the mean is 29/√100 ≈ 2.9: a 95 % interval about 11 wide.
	if !got.Contains(49.5) || got.High-got.Low < 8 || got.High-got.Low > 15 {
		t.Errorf("interval [%v, %v]: want about 49.5 ± 5.7", got.Low, got.High)
	}
	if again := Bootstrap(len(values), mean); again != got {
		t.Errorf("the same data gave %+v then %+v: the draw is not seeded", got, again)
	}
	constant := Bootstrap(30, func(idx []int) float64 { return 2 })
	if constant != (Interval{2, 2, 2}) {
		t.Errorf("a constant gives %+v", constant)
	}
	if empty := Bootstrap(0, mean); empty != (Interval{}) {
		t.Errorf("no observation gives %+v", empty)
	}
}

func TestNearest(t *testing.T) {
	at := func(id, est uint, before float64) Candidate {
		return Candidate{ID: id, Establishment: est, Window: Window{Before: before}}
	}
	for _, c := range []struct {
		name       string
		before     float64
		candidates []Candidate
		want       uint // 0: none
	}{
		{"nearest", 4, []Candidate{at(1, 1, 3.2), at(2, 1, 4.4), at(3, 1, 5)}, 2},
		{"beyond the caliper", 4, []Candidate{at(1, 1, 2.9), at(2, 1, 5.01)}, 0},
		{"on the caliper", 4, []Candidate{at(1, 1, 5)}, 1},
		{"a tie goes to the same establishment", 4, []Candidate{at(1, 2, 4.5), at(9, 1, 3.5), at(5, 2, 3.5)}, 9},
		{"then to the lower id", 4, []Candidate{at(8, 1, 4.5), at(3, 1, 3.5), at(5, 2, 4)}, 5},
		{"none", 4, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			reversed := slices.Clone(c.candidates)
			slices.Reverse(reversed)
			for _, order := range [][]Candidate{c.candidates, reversed} {
				got, ok := Nearest(c.before, 1, order)
				if ok != (c.want != 0) || got.ID != c.want {
					t.Errorf("Nearest = %d, %v; want %d", got.ID, ok, c.want)
				}
			}
		})
	}
}

// pairs builds n pairs: the followed pupils from 5 to 3 half-days a month, the comparison ones
// from 5 to 4, with distinct comparison pupils among them.
func pairs(n, distinct int) []Pair {
	out := make([]Pair, n)
	for i := range out {
		out[i] = Pair{
			Followed:   Window{Before: 5, After: 3, MonthsBefore: 3, MonthsAfter: 3},
			Comparison: Window{Before: 5, After: 4, MonthsBefore: 3, MonthsAfter: 3},
			FollowedID: uint(i + 1), ComparisonID: uint(1000 + i%distinct),
		}
	}
	return out
}

func TestDiffInDiff(t *testing.T) {
	e, ok := DiffInDiff(pairs(MinGroup, MinGroup))
	if !ok {
		t.Fatal("no effect for groups of MinGroup")
	}
	// Followed −2, comparison −1: the difference is −1; without follow-up the followed pupils
	// would have had 5 − 1 = 4, and had 3: −25 %.
	if e.Difference != (Interval{-1, -1, -1}) || !near(e.Relative.Estimate, -0.25) || !near(e.Relative.Low, -0.25) {
		t.Errorf("difference %+v, relative %+v; want −1 and −25 %% exactly (no spread)", e.Difference, e.Relative)
	}
	if e.Followed.N != MinGroup || e.Comparison.N != MinGroup || e.Controls != MinGroup || e.Followed.Fell != MinGroup {
		t.Errorf("counts: %+v", e)
	}

	for _, c := range []struct {
		name         string
		n, distinct  int
		wantControls int
	}{
		{"too few followed", MinGroup - 1, MinGroup - 1, MinGroup - 1},
		{"too few comparison pupils", 3 * MinGroup, MinGroup - 1, MinGroup - 1},
	} {
		if e, ok := DiffInDiff(pairs(c.n, c.distinct)); ok || e.Controls != c.wantControls || e.Difference != (Interval{}) {
			t.Errorf("%s: %+v, %v; want no effect", c.name, e, ok)
		}
	}

	// With spread, the interval holds the estimate, and reusing comparison pupils widens it.
	spread := func(distinct int) Effect {
		ps := pairs(200, distinct)
		for i := range ps {
			ps[i].Followed.After = float64(i % 7)
			ps[i].Comparison.After = float64((i*3)%5 + 2)
		}
		e, ok := DiffInDiff(ps)
		if !ok {
			t.Fatal("no effect on 200 pairs")
		}
		return e
	}
	distinct, reused := spread(200), spread(25)
	if !distinct.Difference.Contains(distinct.Difference.Estimate) || !distinct.Relative.Contains(distinct.Relative.Estimate) {
		t.Errorf("interval without its estimate: %+v", distinct)
	}
	if reused.Difference.High-reused.Difference.Low <= distinct.Difference.High-distinct.Difference.Low {
		t.Errorf("25 comparison pupils for 200 pairs give %+v, no wider than 200 distinct ones %+v", reused.Difference, distinct.Difference)
	}
}

func TestWindowMonths(t *testing.T) {
	for _, c := range []struct {
		month0        string
		before, after []string
	}{
		{"2025-11", []string{"2025-10", "2025-09", "2025-06"}, []string{"2025-12", "2026-01", "2026-02"}},
		{"2025-09", []string{"2025-06", "2025-05", "2025-04"}, []string{"2025-10", "2025-11", "2025-12"}},
		{"2026-05", []string{"2026-04", "2026-03", "2026-02"}, []string{"2026-06", "2026-09", "2026-10"}},
	} {
		m0 := month(t, c.month0)
		for _, w := range []struct {
			step int
			want []string
		}{{-1, c.before}, {1, c.after}} {
			var want []int
			for _, s := range w.want {
				want = append(want, month(t, s))
			}
			if got := windowMonths(m0, w.step); !slices.Equal(got, want) {
				t.Errorf("windowMonths(%s, %d) = %v, want %v", c.month0, w.step, got, w.want)
			}
		}
	}
}

func TestHistoryWindow(t *testing.T) {
	h := History{ID: 1, Absences: map[int]int{
		month(t, "2025-09"): 6, month(t, "2025-10"): 9, month(t, "2025-11"): 40, // month 0 itself is not read
		month(t, "2025-12"): 2, month(t, "2026-02"): 3, month(t, "2026-03"): 50,
	}}
	w := h.Window(month(t, "2025-11"))
	if w != (Window{Before: 7.5, After: 2.5, MonthsBefore: 2, MonthsAfter: 2}) || !w.complete() || w.Change() != -5 {
		t.Errorf("window %+v", w)
	}
	if w := h.Window(month(t, "2025-10")); w.MonthsBefore != 1 || w.complete() {
		t.Errorf("one month before is not enough: %+v", w)
	}
}

func TestComparable(t *testing.T) {
	m0 := month(t, "2025-11")
	for _, c := range []struct {
		name    string
		opened  int
		started int
		want    bool
	}{
		{"open, never followed", m0 - 2, never, true},
		{"opened in month 0", m0, never, true},
		{"opened after month 0", m0 + 1, never, false},
		{"followed after the after window", m0, m0 + 4, true},
		{"followed in the after window", m0, m0 + 3, false},
		{"followed before", m0 - 5, m0 - 4, false},
	} {
		if got := (History{Opened: c.opened, Started: c.started}).comparable(m0); got != c.want {
			t.Errorf("%s: comparable %v, want %v", c.name, got, c.want)
		}
	}
}

// absences is a history's figures: before in each of the three school months before month0,
// after in each of the three after.
func absences(month0, before, after int) map[int]int {
	out := map[int]int{}
	for _, m := range windowMonths(month0, -1) {
		out[m] = before
	}
	for _, m := range windowMonths(month0, 1) {
		out[m] = after
	}
	return out
}

func TestMeasure(t *testing.T) {
	y := calendar.SchoolYear{StartYear: 2025}
	m0 := month(t, "2025-11")
	var hs []History
	// n followed pupils, from 2i half-days a month to i; n comparison pupils opened in the same
	// month and never followed, from 2i to 2i − 1 (their absences fall a little anyway).
	add := func(n int) {
		for i := 1; i <= n; i++ {
			hs = append(hs,
				History{ID: uint(i), Establishment: uint(1 + i%2), Opened: m0, Started: m0, Absences: absences(m0, 2*i, i)},
				History{ID: uint(100 + i), Establishment: uint(1 + i%2), Opened: m0, Started: never, Absences: absences(m0, 2*i, 2*i-1)})
		}
	}
	add(25)
	hs = append(hs,
		// Started in another school year: not counted.
		History{ID: 200, Establishment: 1, Opened: m0 - 12, Started: m0 - 12, Absences: absences(m0-12, 4, 2)},
		// Started in the year, with one month of figures before: counted, not measured.
		History{ID: 201, Establishment: 1, Opened: m0, Started: m0, Absences: map[int]int{m0 - 1: 8, m0 + 1: 1, m0 + 2: 1}},
		// Would make a perfect match for pupil 1 (same level, same establishment, a lower id
		// than pupil 101), but its follow-up starts in the after window, or its file opened
		// later, or it was followed before.
		History{ID: 50, Establishment: 2, Opened: m0, Started: m0 + 2, Absences: absences(m0, 2, 2)},
		History{ID: 51, Establishment: 2, Opened: m0 + 1, Started: never, Absences: absences(m0, 2, 2)},
		History{ID: 52, Establishment: 2, Opened: m0 - 6, Started: m0 - 5, Absences: absences(m0, 2, 2)},
	)
	o := Measure(y, hs)
	// Pupil 50 started in the year too, without figures enough after its own start (one month).
	if o.Started != 27 || o.Measured != 25 || o.Matched != 25 {
		t.Fatalf("started %d, measured %d, matched %d; want 27, 25, 25", o.Started, o.Measured, o.Matched)
	}
	// The naive before/after: from 26 to 13 on average, every pupil's fell.
	if o.Naive.N != 25 || !near(o.Naive.Before, 26) || o.Naive.Fell != 25 || !near(o.Naive.Change.Estimate, -13) ||
		!o.Naive.Change.Contains(-13) || o.Naive.Quartiles != [3]float64{-19, -13, -7} {
		t.Errorf("naive %+v", o.Naive)
	}
	if !o.HasEffect {
		t.Fatal("no effect with 25 pairs")
	}
	// Followed change −i, comparison −1: mean −13 + 1 = −12; without follow-up the followed
	// pupils would have had 26 − 1 = 25 on average, and had 13: −48 %.
	if e := o.Effect; !near(e.Difference.Estimate, -12) || !near(e.Relative.Estimate, -0.48) || e.Controls != 25 ||
		!e.Difference.Contains(-12) || e.Comparison.Fell != 25 || !near(e.Comparison.Change.Estimate, -1) {
		t.Errorf("effect %+v", e)
	}

	// Fewer than MinGroup pairs: the before/after is given, no effect.
	hs = hs[:2*(MinGroup-1)]
	if o := Measure(y, hs); o.HasEffect || o.Naive.N != MinGroup-1 || o.Matched != MinGroup-1 {
		t.Errorf("with %d pairs: %+v", MinGroup-1, o)
	}
}

func TestDrawer(t *testing.T) {
	for _, n := range []int{1, 3, 7, 1000} {
		d := newDrawer(n)
		counts := make([]int, n)
		draws := 2000 * n
		for range draws {
			i := d.index(n)
			if i < 0 || i >= n {
				t.Fatalf("index %d out of [0, %d)", i, n)
			}
			counts[i]++
		}
		// Each index comes up about 2,000 times: ± 6 standard deviations (about 45).
		for i, c := range counts {
			if c < 2000-270 || c > 2000+270 {
				t.Errorf("n = %d: index %d drawn %d times of %d", n, i, c, draws)
			}
		}
	}
	a, b := newDrawer(50), newDrawer(50)
	for range 100 {
		if a.index(50) != b.index(50) {
			t.Fatal("two drawers for the same data draw differently")
		}
	}
}
