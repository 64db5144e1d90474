// Package attacker is the exact attacker of the property tests of the small-count protection:
// a reader who knows every printed figure of a report, the lines they lie on (a total is the
// sum of its cells, a group's figure the sum of its establishments') and that each hidden
// count is a whole number within its bounds, and who searches, by bounds propagation and
// branching, a report consistent with all that where a hidden figure differs from the truth.
// It is complete: a figure it cannot move is pinned. It serves the tests.
package attacker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"mediation/models/disclosure"
)

// Cap bounds a secret mark that no printed line bounds; it is far above any figure of the
// tests, so it hides no solution that matters.
const Cap = 100000

// Term is Sign × figure V in a line whose terms add up to 0.
type Term struct{ V, Sign int }

// Pinned returns the figures of masked that every whole-number solution gives their true
// value: each figure k lies in [lo[k], hi[k]], each line adds up to 0, and truth is one
// solution (an error if it is not: the attacker would then be reading another report).
func Pinned(lines [][]Term, lo, hi, truth []int, masked []int) ([]int, error) {
	n := len(truth)
	for k := range n {
		if truth[k] < lo[k] || truth[k] > hi[k] {
			return nil, errors.New("the true value of a figure is outside what the reader assumes")
		}
	}
	for _, line := range lines {
		sum := 0
		for _, tm := range line {
			sum += tm.Sign * truth[tm.V]
		}
		if sum != 0 {
			return nil, errors.New("a printed line does not add up")
		}
	}
	s := &solver{lines: lines, varLines: make([][]int, n), truth: truth}
	for li, line := range lines {
		for _, tm := range line {
			s.varLines[tm.V] = append(s.varLines[tm.V], li)
		}
	}
	if s.lo, s.hi = clone(lo), clone(hi); !s.propagate(-1) {
		return nil, errors.New("the printed lines contradict each other")
	}
	lo, hi = s.lo, s.hi
	var pinned []int
	for _, k := range masked {
		if !s.alternative(lo, hi, k) {
			pinned = append(pinned, k)
		}
	}
	return pinned, nil
}

func clone(s []int) []int { return append([]int(nil), s...) }

// alternative tells whether some table within the domains gives figure k another value than
// the truth.
func (s *solver) alternative(lo, hi []int, k int) bool {
	for _, up := range []bool{false, true} {
		s.lo, s.hi, s.trail = clone(lo), clone(hi), s.trail[:0]
		if up {
			s.lo[k] = s.truth[k] + 1
		} else {
			s.hi[k] = s.truth[k] - 1
		}
		if s.lo[k] <= s.hi[k] && s.solve(k) {
			return true
		}
	}
	return false
}

type solver struct {
	lines    [][]Term
	varLines [][]int // per figure, the lines it is on
	truth    []int   // only to try the truth first
	lo, hi   []int   // the domains being searched
	trail    []undo  // how to restore them on backtracking
}

type undo struct{ v, lo, hi int }

func (s *solver) narrow(v, lo, hi int) {
	s.trail = append(s.trail, undo{v, s.lo[v], s.hi[v]})
	s.lo[v], s.hi[v] = lo, hi
}

func (s *solver) backtrack(mark int) {
	for len(s.trail) > mark {
		u := s.trail[len(s.trail)-1]
		s.trail = s.trail[:len(s.trail)-1]
		s.lo[u.v], s.hi[u.v] = u.lo, u.hi
	}
}

// propagate narrows the domains until every line agrees with them, starting from the lines
// of figure changed (all lines if -1); false if a domain gets empty.
func (s *solver) propagate(changed int) bool {
	lo, hi := s.lo, s.hi
	queued := make([]bool, len(s.lines))
	var queue []int
	enqueue := func(v int) {
		for _, li := range s.varLines[v] {
			if !queued[li] {
				queued[li] = true
				queue = append(queue, li)
			}
		}
	}
	if changed < 0 {
		for li := range s.lines {
			queued[li] = true
			queue = append(queue, li)
		}
	} else {
		enqueue(changed)
	}
	for len(queue) > 0 {
		line := s.lines[queue[0]]
		queued[queue[0]] = false
		queue = queue[1:]
		minSum, maxSum := 0, 0
		for _, tm := range line {
			if tm.Sign > 0 {
				minSum, maxSum = minSum+lo[tm.V], maxSum+hi[tm.V]
			} else {
				minSum, maxSum = minSum-hi[tm.V], maxSum-lo[tm.V]
			}
		}
		for _, tm := range line {
			// sign·x = −(rest), rest in [minSum − min(sign·x), maxSum − max(sign·x)]; the
			// sums may be stale after a narrowing, which only makes them looser.
			var l, h int
			if tm.Sign > 0 {
				l, h = -(maxSum - hi[tm.V]), -(minSum - lo[tm.V])
			} else {
				l, h = minSum+hi[tm.V], maxSum+lo[tm.V]
			}
			if l <= lo[tm.V] && h >= hi[tm.V] {
				continue
			}
			s.narrow(tm.V, max(lo[tm.V], l), min(hi[tm.V], h))
			if lo[tm.V] > hi[tm.V] {
				return false
			}
			enqueue(tm.V)
		}
	}
	return true
}

// solve tells whether some whole-number table lies within the domains, which agree with
// every line except, maybe, those of figure changed. It leaves the domains as it found them
// when it fails.
func (s *solver) solve(changed int) bool {
	mark := len(s.trail)
	if !s.propagate(changed) {
		s.backtrack(mark)
		return false
	}
	pick := -1
	for v := range s.lo {
		if len(s.varLines[v]) > 0 && s.lo[v] < s.hi[v] && (pick < 0 || s.hi[v]-s.lo[v] < s.hi[pick]-s.lo[pick]) {
			pick = v
		}
	}
	if pick < 0 {
		return true // every figure fixed and every line adds up
	}
	// Split around the true value: [v, v], [lo, v-1], [v+1, hi] with v clamped into the
	// domain. Trying the truth first finds a nearby table fast; the search stays complete.
	propagated := len(s.trail)
	lo, hi := s.lo[pick], s.hi[pick]
	v := min(max(s.truth[pick], lo), hi)
	for _, part := range [][2]int{{v, v}, {lo, v - 1}, {v + 1, hi}} {
		if part[0] > part[1] {
			continue
		}
		s.narrow(pick, part[0], part[1])
		if s.solve(pick) {
			return true
		}
		s.backtrack(propagated)
	}
	s.backtrack(mark)
	return false
}

// Figure is a printed figure of a protected table, with its true value and its mask.
type Figure struct {
	Name  string
	Value int
	Mask  disclosure.Mask
}

// Figures lists the printed figures of p: the cells row by row, the row totals, the column
// totals, the grand total.
func Figures(p disclosure.Protected) []Figure {
	var fs []Figure
	for i, row := range p.Cells {
		for j, n := range row {
			fs = append(fs, Figure{Name: fmt.Sprintf("cell %d,%d", i, j), Value: n, Mask: p.Masks[i][j]})
		}
	}
	for i, n := range p.RowTotals {
		fs = append(fs, Figure{Name: "row total " + strconv.Itoa(i), Value: n, Mask: p.RowTotalMasks[i]})
	}
	for j, n := range p.ColTotals {
		fs = append(fs, Figure{Name: "column total " + strconv.Itoa(j), Value: n, Mask: p.ColTotalMasks[j]})
	}
	if p.RowTotals != nil && p.ColTotals != nil {
		fs = append(fs, Figure{Name: "grand total", Value: p.Total, Mask: p.TotalMask})
	}
	return fs
}

// Report is what a reader sees of several protected tables printed together: their figures
// and the lines that tie them.
type Report struct {
	figures []Figure
	lines   [][]Term
}

// Table is where a table's figures are in a Report.
type Table struct {
	off, rows, cols      int
	rowTotals, colTotals bool
}

// Cell is the figure of cell (i, j).
func (t Table) Cell(i, j int) int { return t.off + i*t.cols + j }

// RowTotal is the figure of row i's total.
func (t Table) RowTotal(i int) int { return t.off + t.rows*t.cols + i }

// ColTotal is the figure of column j's total.
func (t Table) ColTotal(j int) int {
	if t.rowTotals {
		return t.off + t.rows*t.cols + t.rows + j
	}
	return t.off + t.rows*t.cols + j
}

// Total is the figure of the grand total.
func (t Table) Total() int { return t.off + t.rows*t.cols + t.rows + t.cols }

// Add prints table p in the report, named name, with its own lines: each row adds up to its
// total, each column to its total, the row totals and the column totals to the grand total.
func (r *Report) Add(name string, p disclosure.Protected) Table {
	t := Table{off: len(r.figures), rows: len(p.Cells), rowTotals: p.RowTotals != nil, colTotals: p.ColTotals != nil}
	if t.rows > 0 {
		t.cols = len(p.Cells[0])
	}
	for _, f := range Figures(p) {
		f.Name = name + f.Name
		r.figures = append(r.figures, f)
	}
	for i := range t.rows {
		cells := make([]int, t.cols)
		for j := range cells {
			cells[j] = t.Cell(i, j)
		}
		if t.rowTotals {
			r.Sum(t.RowTotal(i), cells...)
		}
	}
	for j := range t.cols {
		cells := make([]int, t.rows)
		for i := range cells {
			cells[i] = t.Cell(i, j)
		}
		if t.colTotals {
			r.Sum(t.ColTotal(j), cells...)
		}
	}
	if t.rowTotals && t.colTotals {
		byRow, byCol := make([]int, t.rows), make([]int, t.cols)
		for i := range byRow {
			byRow[i] = t.RowTotal(i)
		}
		for j := range byCol {
			byCol[j] = t.ColTotal(j)
		}
		r.Sum(t.Total(), byRow...)
		r.Sum(t.Total(), byCol...)
	}
	return t
}

// Sum tells the reader that figure total is the sum of figures parts (a group's figure and
// its establishments', or the same total printed in two tables).
func (r *Report) Sum(total int, parts ...int) {
	line := []Term{{total, -1}}
	for _, p := range parts {
		line = append(line, Term{p, 1})
	}
	r.lines = append(r.lines, line)
}

// Attack reads the report as the exact attacker, with the threshold its "< threshold" marks
// stand for, and describes every masked figure it pins ("" if none).
func (r *Report) Attack(threshold int) (string, error) {
	n := len(r.figures)
	lo, hi, truth := make([]int, n), make([]int, n), make([]int, n)
	var masked []int
	for k, f := range r.figures {
		truth[k] = f.Value
		switch f.Mask {
		case disclosure.MaskShown:
			lo[k], hi[k] = f.Value, f.Value
		case disclosure.MaskPrimary:
			lo[k], hi[k] = 1, threshold-1
		default:
			lo[k], hi[k] = 0, Cap
		}
		if f.Mask.Masked() {
			masked = append(masked, k)
		}
	}
	pinned, err := Pinned(r.lines, lo, hi, truth, masked)
	if err != nil {
		return "", err
	}
	var out []string
	for _, k := range pinned {
		out = append(out, r.figures[k].Name+" = "+strconv.Itoa(r.figures[k].Value)+" can be recomputed")
	}
	return strings.Join(out, "\n"), nil
}
