package disclosure

import "fmt"

// Mask says how a count of an anonymised table is shown. DESIGN.md asks every anonymised
// report to hide small counts (primary suppression) and to hide enough other figures that no
// hidden count can be recomputed from the totals and the cells the same table prints
// (complementary suppression); Protect decides which.
type Mask uint8

// The masks, from the most to the least informative for the reader.
const (
	// MaskShown: the figure is printed.
	MaskShown Mask = iota
	// MaskPrimary: a small count, 1 ≤ n < threshold, printed as "< threshold".
	MaskPrimary
	// MaskComplementary: the figure is replaced by a secret mark that says nothing of its
	// size. Protect uses it for a figure hidden so that a small count cannot be recomputed,
	// and, rarely, for a small count whose "< threshold" would itself give the value away
	// (a total "< 3" made of two cells "< 3" can only be 1 + 1).
	MaskComplementary
)

// Masked tells whether the figure is hidden, whatever the mark.
func (m Mask) Masked() bool { return m != MaskShown }

// CountTable is a table of counts as a report prints it: Cells[row][col] (every row has the
// same length, no count is negative), and which margins are printed.
type CountTable struct {
	Cells [][]int
	// RowTotals: a total column is printed (the sum of each row).
	RowTotals bool
	// ColTotals: a total row is printed (the sum of each column); with RowTotals, the grand
	// total too.
	ColTotals bool
}

// Protected is a CountTable after suppression: every value (the cells as given, the margins
// computed) with its mask. The values are the true figures; a view prints a value only when
// its mask is MaskShown, "< Threshold" for MaskPrimary and a secret mark for
// MaskComplementary.
type Protected struct {
	Cells [][]int
	Masks [][]Mask
	// RowTotals and RowTotalMasks are nil when the table prints no total column.
	RowTotals     []int
	RowTotalMasks []Mask
	// ColTotals and ColTotalMasks are nil when the table prints no total row.
	ColTotals     []int
	ColTotalMasks []Mask
	// Total and TotalMask are the grand total, printed only with both margins; otherwise
	// Total is 0 (summing the printed margins is no substitute when some are masked).
	Total     int
	TotalMask Mask
	// Threshold is the one given to Protect: views print MaskPrimary as "< Threshold".
	Threshold int
}

// Protect applies primary and complementary suppression to t.
//
// Primary: every printed count (cell, row total, column total, grand total) with
// 1 ≤ n < threshold gets MaskPrimary. Zero is printed. A threshold ≤ 1 masks nothing.
//
// Complementary: a reader knows the printed figures, that the cells of each printed line add
// up to its printed total (and the margins to the grand total), that a "< threshold" count
// lies in [1, threshold-1] and that every count is a whole number ≥ 0. Protect masks more
// figures until, for every masked figure, at least two whole-number tables consistent with
// all that give it different values. The guarantee is exact, for tables of any size: the
// table is a flow network (source → row → column → sink, the grand total closing the loop),
// whose constraints are totally unimodular, so a masked figure is determined exactly when no
// cycle of the residual network of the true figures goes through it, which a graph search
// decides. Figures are checked margins first (grand total, row totals, column totals), then
// cells row by row; a determined figure gets the cheapest cycle through it, masking along
// it, by order of preference: no small count turned into a secret mark, as few margins as
// possible, as few zero cells as possible, the smallest sum of masked values, the fewest
// cells. Because masking only adds cycles, a protected figure stays protected and the loop
// ends (at worst with everything masked).
//
// The protection is non-uniqueness, as asked by DESIGN.md, not a width: a reader may still
// learn that a masked count is, say, 3 or 4. The output depends only on t and threshold.
// Protect panics if the rows of t have different lengths or a count is negative: both are
// bugs of the caller.
func Protect(t CountTable, threshold int) Protected {
	rows, cols := checkTable(t)
	s := newSuppression(t, rows, cols, threshold)
	s.protect()
	return s.result(t, rows, cols)
}

// checkTable returns the size of t, and panics if its rows have different lengths or a count
// is negative.
func checkTable(t CountTable) (rows, cols int) {
	rows = len(t.Cells)
	if rows > 0 {
		cols = len(t.Cells[0])
	}
	for i, row := range t.Cells {
		if len(row) != cols {
			panic(fmt.Sprintf("disclosure: protect counts: row %d has %d cells, row 0 has %d", i, len(row), cols))
		}
		for j, n := range row {
			if n < 0 {
				panic(fmt.Sprintf("disclosure: protect counts: cell (%d, %d) is negative: %d", i, j, n))
			}
		}
	}
	return rows, cols
}

// Plain is t with every count printed and its margins computed: the form of the tables of the
// nominative reports, which stay inside the establishment and hide nothing. It gives what
// Protect gives with a threshold of 0, without the search.
func Plain(t CountTable) Protected {
	rows := len(t.Cells)
	cols := 0
	if rows > 0 {
		cols = len(t.Cells[0])
	}
	rowSums, colSums, total := tableSums(t.Cells, rows, cols)
	p := Protected{Cells: make([][]int, rows), Masks: make([][]Mask, rows)}
	for i := range rows {
		p.Cells[i] = append([]int(nil), t.Cells[i]...)
		p.Masks[i] = make([]Mask, cols)
	}
	if t.RowTotals {
		p.RowTotals, p.RowTotalMasks = rowSums, make([]Mask, rows)
	}
	if t.ColTotals {
		p.ColTotals, p.ColTotalMasks = colSums, make([]Mask, cols)
	}
	if t.RowTotals && t.ColTotals {
		p.Total = total
	}
	return p
}

// suppression is a CountTable as a circulation. Nodes: the source 0, row i at 1+i, column j
// at 1+rows+j, the sink at 1+rows+cols. Edges: cell (i, j) from row i to column j (index
// i*cols+j), row total i from the source to row i, column total j from column j to the sink,
// and the grand total from the sink back to the source. Flow conservation at each node is
// exactly a line of the table; a margin that is not printed is an edge free in [0, ∞).
type suppression struct {
	threshold int
	cells     int // the first edges, before the margins
	edges     []countEdge
	incident  [][]int // per node, the edges that touch it

	// buffers of reaches and cheapestPath, reused
	seen, reached, done []bool
	queue               []int
	dist                []suppressCost
	via                 []pathStep
	heap                costQueue
	// blocked: edges that cheapestPath may not use (nil: none), for ProtectLinked.
	blocked []bool
}

type countEdge struct {
	from, to int
	value    int
	inner    bool // a cell, not a margin
	printed  bool
	mask     Mask
}

// newGraph is an empty suppression graph of the given size, with its search buffers.
func newGraph(threshold, nodes, edges int) *suppression {
	return &suppression{
		threshold: threshold,
		edges:     make([]countEdge, 0, edges),
		incident:  make([][]int, nodes),
		seen:      make([]bool, nodes),
		reached:   make([]bool, nodes),
		done:      make([]bool, nodes),
		queue:     make([]int, 0, nodes),
		dist:      make([]suppressCost, nodes),
		via:       make([]pathStep, nodes),
	}
}

func newSuppression(t CountTable, rows, cols, threshold int) *suppression {
	nodes := rows + cols + 2
	source, sink := 0, rows+cols+1
	s := newGraph(threshold, nodes, rows*cols+rows+cols+1)
	s.cells = rows * cols
	add := func(from, to, value int, inner, printed bool) {
		e := countEdge{from: from, to: to, value: value, inner: inner, printed: printed}
		if printed && value >= 1 && value < threshold {
			e.mask = MaskPrimary
		}
		s.incident[from] = append(s.incident[from], len(s.edges))
		s.incident[to] = append(s.incident[to], len(s.edges))
		s.edges = append(s.edges, e)
	}
	rowSums, colSums, total := tableSums(t.Cells, rows, cols)
	for i := range rows {
		for j := range cols {
			add(1+i, 1+rows+j, t.Cells[i][j], true, true)
		}
	}
	for i := range rows {
		add(source, 1+i, rowSums[i], false, t.RowTotals)
	}
	for j := range cols {
		add(1+rows+j, sink, colSums[j], false, t.ColTotals)
	}
	add(sink, source, total, false, t.RowTotals && t.ColTotals)
	return s
}

func tableSums(cells [][]int, rows, cols int) (rowSums, colSums []int, total int) {
	rowSums, colSums = make([]int, rows), make([]int, cols)
	for i := range rows {
		for j := range cols {
			rowSums[i] += cells[i][j]
			colSums[j] += cells[i][j]
			total += cells[i][j]
		}
	}
	return rowSums, colSums, total
}

// protect masks until no masked figure is determined. A figure once free stays free (masking
// only adds residual arcs), so each masked figure is checked once and fixed if need be;
// passes repeat because a fix may mask figures already passed.
func (s *suppression) protect() { s.protectIn(s.tableOrder()) }

// tableOrder is the order in which a table's figures are checked: the grand total, the row
// totals, the column totals, then the cells (a small margin needs another margin, and the
// cycle chosen for it often frees its small cells too).
func (s *suppression) tableOrder() []int {
	order := make([]int, 0, len(s.edges))
	order = append(order, len(s.edges)-1)
	for e := s.cells; e < len(s.edges)-1; e++ {
		order = append(order, e)
	}
	for e := range s.cells {
		order = append(order, e)
	}
	return order
}

// protectIn checks the masked edges in the given order, as protect does.
func (s *suppression) protectIn(order []int) {
	free := make([]bool, len(s.edges))
	for again := true; again; {
		again = false
		for _, e := range order {
			if free[e] || !s.edges[e].printed || s.edges[e].mask == MaskShown {
				continue
			}
			if s.determined(e) {
				s.fix(e)
				again = true
			}
			free[e] = true
		}
	}
}

func (s *suppression) result(t CountTable, rows, cols int) Protected {
	p := Protected{
		Cells:     make([][]int, rows),
		Masks:     make([][]Mask, rows),
		Threshold: s.threshold,
	}
	for i := range rows {
		p.Cells[i] = append([]int(nil), t.Cells[i]...)
		p.Masks[i] = make([]Mask, cols)
		for j := range cols {
			p.Masks[i][j] = s.edges[i*cols+j].mask
		}
	}
	margins := s.edges[rows*cols:]
	if t.RowTotals {
		p.RowTotals, p.RowTotalMasks = make([]int, rows), make([]Mask, rows)
		for i := range rows {
			p.RowTotals[i], p.RowTotalMasks[i] = margins[i].value, margins[i].mask
		}
	}
	if t.ColTotals {
		p.ColTotals, p.ColTotalMasks = make([]int, cols), make([]Mask, cols)
		for j := range cols {
			p.ColTotals[j], p.ColTotalMasks[j] = margins[rows+j].value, margins[rows+j].mask
		}
	}
	if grand := margins[rows+cols]; grand.printed {
		p.Total, p.TotalMask = grand.value, grand.mask
	}
	return p
}

// suppressCost is the price of opening residual arcs, compared in the order of its fields.
type suppressCost struct {
	escalations int // small counts turned from "< threshold" into a secret mark
	margins     int
	zeros       int // zero cells masked
	value       int
	cells       int
}

func (a suppressCost) add(b suppressCost) suppressCost {
	return suppressCost{a.escalations + b.escalations, a.margins + b.margins, a.zeros + b.zeros,
		a.value + b.value, a.cells + b.cells}
}

func (a suppressCost) free() bool {
	return a.escalations == 0 && a.margins == 0 && a.zeros == 0 && a.value == 0 && a.cells == 0
}

func (a suppressCost) less(b suppressCost) bool {
	switch {
	case a.escalations != b.escalations:
		return a.escalations < b.escalations
	case a.margins != b.margins:
		return a.margins < b.margins
	case a.zeros != b.zeros:
		return a.zeros < b.zeros
	case a.value != b.value:
		return a.value < b.value
	}
	return a.cells < b.cells
}

// arc tells what the residual arc of edge e costs: forward (from → to) raises its value,
// backward lowers it. A zero cost means the reader's bounds already allow the move; ok is
// false when no mask can allow it (a masked zero cannot go lower).
func (s *suppression) arc(e int, forward bool) (c suppressCost, ok bool) {
	ed := &s.edges[e]
	switch {
	case !ed.printed || ed.mask == MaskComplementary: // [0, ∞)
		return suppressCost{}, forward || ed.value > 0
	case ed.mask == MaskPrimary: // [1, threshold-1], or [0, ∞) once a secret mark
		if forward && ed.value < s.threshold-1 || !forward && ed.value > 1 {
			return suppressCost{}, true
		}
		return suppressCost{escalations: 1}, true
	default: // shown: masking it opens [0, ∞)
		if !forward && ed.value == 0 {
			return suppressCost{}, false
		}
		switch {
		case !ed.inner:
			return suppressCost{margins: 1, value: ed.value, cells: 1}, true
		case ed.value == 0:
			return suppressCost{zeros: 1, cells: 1}, true
		}
		return suppressCost{value: ed.value, cells: 1}, true
	}
}

// open pays for the residual arc of e: a shown figure is masked, a small count loses its
// "< threshold".
func (s *suppression) open(e int, forward bool) {
	if c, _ := s.arc(e, forward); !c.free() {
		s.edges[e].mask = MaskComplementary
	}
}

// other returns the end of edge e opposite node x, and whether going there follows e forward.
func (s *suppression) other(e, x int) (y int, forward bool) {
	if s.edges[e].from == x {
		return s.edges[e].to, true
	}
	return s.edges[e].from, false
}

// determined tells whether the reader can work out the value of masked edge e: no cycle of
// free residual arcs goes through e (without coming straight back along e).
func (s *suppression) determined(e int) bool {
	ed := s.edges[e]
	if c, ok := s.arc(e, true); ok && c.free() && s.reaches(ed.to, ed.from, e) {
		return false
	}
	if c, ok := s.arc(e, false); ok && c.free() && s.reaches(ed.from, ed.to, e) {
		return false
	}
	return true
}

// reaches tells whether free residual arcs lead from node a to node b without using edge skip.
func (s *suppression) reaches(a, b, skip int) bool {
	clear(s.seen)
	s.seen[a] = true
	s.queue = append(s.queue[:0], a)
	for len(s.queue) > 0 {
		x := s.queue[0]
		s.queue = s.queue[1:]
		if x == b {
			return true
		}
		for _, e := range s.incident[x] {
			if e != skip {
				s.visit(x, e)
			}
		}
	}
	return false
}

// visit is a step of a breadth-first search from node x along edge e: its far end is queued,
// reached through e, when its residual arc is free and the end not yet seen.
func (s *suppression) visit(x, e int) {
	y, forward := s.other(e, x)
	if s.seen[y] {
		return
	}
	if c, ok := s.arc(e, forward); ok && c.free() {
		s.seen[y] = true
		s.via[y] = pathStep{e, forward}
		s.queue = append(s.queue, y)
	}
}

// fix opens the cheapest cycle through masked edge e, raising its value (preferred on a tie)
// or lowering it. There always is one: raising every figure of source → row → column → sink
// → source keeps the table consistent.
func (s *suppression) fix(e int) {
	_, cycle, ok := s.cheapestCycle(e)
	if !ok {
		panic(fmt.Sprintf("disclosure: protect counts: no cycle through edge %d", e)) // cannot happen, see above
	}
	for _, st := range cycle {
		s.open(st.edge, st.forward)
	}
}

// cheapestCycle is the cheapest cycle through edge e, its own move first, and its price.
func (s *suppression) cheapestCycle(e int) (suppressCost, []pathStep, bool) {
	ed := s.edges[e]
	var (
		best     suppressCost
		bestPath []pathStep
		bestFwd  bool
		found    bool
	)
	for _, forward := range []bool{true, false} {
		own, ok := s.arc(e, forward)
		if !ok {
			continue
		}
		from, to := ed.to, ed.from // raising e: back from its head to its tail
		if !forward {
			from, to = ed.from, ed.to
		}
		c, path, ok := s.cheapestPath(from, to, e)
		if !ok {
			continue
		}
		if c = c.add(own); !found || c.less(best) {
			best, bestPath, bestFwd, found = c, path, forward, true
		}
	}
	if !found {
		return best, nil, false
	}
	return best, append([]pathStep{{e, bestFwd}}, bestPath...), true
}

type pathStep struct {
	edge    int
	forward bool
}

// cheapestPath is Dijkstra from node a to node b over residual arcs priced by arc, without
// edge skip.
func (s *suppression) cheapestPath(a, b, skip int) (suppressCost, []pathStep, bool) {
	clear(s.reached)
	clear(s.done)
	s.dist[a], s.reached[a] = suppressCost{}, true
	q := s.heap[:0]
	q = q.push(costItem{node: a})
	for len(q) > 0 {
		var it costItem
		q, it = q.pop()
		x := it.node
		if s.done[x] {
			continue
		}
		s.done[x] = true
		if x == b {
			break
		}
		for _, e := range s.incident[x] {
			if e == skip || s.blocked != nil && s.blocked[e] {
				continue
			}
			y, forward := s.other(e, x)
			if s.done[y] {
				continue
			}
			c, ok := s.arc(e, forward)
			if !ok {
				continue
			}
			if d := s.dist[x].add(c); !s.reached[y] || d.less(s.dist[y]) {
				s.dist[y], s.reached[y], s.via[y] = d, true, pathStep{e, forward}
				q = q.push(costItem{node: y, cost: d})
			}
		}
	}
	s.heap = q
	if !s.done[b] {
		return suppressCost{}, nil, false
	}
	var path []pathStep
	for x := b; x != a; {
		st := s.via[x]
		path = append(path, st)
		x, _ = s.other(st.edge, x)
	}
	return s.dist[b], path, true
}

type costItem struct {
	node int
	cost suppressCost
}

// costQueue is a binary min-heap of costItem; equal costs pop by node, so that the result
// does not depend on the order of pushes.
type costQueue []costItem

func (q costQueue) less(i, j int) bool {
	switch {
	case q[i].cost.less(q[j].cost):
		return true
	case q[j].cost.less(q[i].cost):
		return false
	}
	return q[i].node < q[j].node
}

func (q costQueue) push(it costItem) costQueue {
	q = append(q, it)
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
	return q
}

func (q costQueue) pop() (costQueue, costItem) {
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(q) && q.less(l, small) {
			small = l
		}
		if r < len(q) && q.less(r, small) {
			small = r
		}
		if small == i {
			break
		}
		q[i], q[small] = q[small], q[i]
		i = small
	}
	return q, top
}

// NetworkEdge is a count of a Network: it flows From a node To another. Printed tells whether
// a report prints it (an edge not printed is a figure the reader does not know, free in
// [0, ∞)); Margin marks a total, which protection prefers not to mask.
type NetworkEdge struct {
	From, To, Value int
	Printed, Margin bool
}

// ProtectNetwork is Protect for counts tied by a network rather than by one table: at every
// node, what flows in equals what flows out. Several tables of one report that share a total,
// or that break the same figures down in different ways, are one network: joined through
// edges that are not printed (whose values need only be consistent: any flow with the true
// printed values will do), they are protected together, so that no masked figure can be
// worked out from all the tables at once. It returns the mask of each edge (MaskShown for the
// edges not printed). Every edge must lie on a directed cycle, as in a table's circulation.
func ProtectNetwork(nodes int, edges []NetworkEdge, threshold int) []Mask {
	masks, _ := ProtectLinked(nodes, edges, nil, threshold)
	return masks
}

// Transport returns a flow from supplies to demands of equal sums (the north-west corner
// rule): the values of the edges not printed that join two breakdowns of one total in a
// Network. flow[i][j] goes from supply i to demand j.
func Transport(supply, demand []int) [][]int {
	flow := make([][]int, len(supply))
	for i := range flow {
		flow[i] = make([]int, len(demand))
	}
	left := append([]int(nil), demand...)
	j := 0
	for i, n := range supply {
		for n > 0 && j < len(left) {
			m := min(n, left[j])
			flow[i][j] += m
			n -= m
			left[j] -= m
			if left[j] == 0 {
				j++
			}
		}
	}
	return flow
}
