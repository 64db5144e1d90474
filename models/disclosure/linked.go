package disclosure

import "fmt"

// Sum is a figure printed beside a network that adds up some of its edges: a group's count,
// when a table by establishment is also printed by commune, by type and by label. Edges are
// indices of the network's edges, each at most once; Margin marks a total, which protection
// prefers not to mask. A sum is always printed.
type Sum struct {
	Edges  []int
	Margin bool
	// Weight is what masking the sum costs next to masking an edge (at least 1): the number
	// of rows a group stands for, so that each printed table counts the same.
	Weight int
}

// ProtectLinked is ProtectNetwork for a network printed together with sums of its edges (the
// same figures grouped in other ways), protected as one: no masked figure, of the network or
// of the sums, can be worked out from all of them at once.
//
// Groupings that cross (a commune holds establishments of several types) do not make one
// network, so the exact criterion of ProtectNetwork does not apply to them as a whole. The
// guarantee is given by a witness instead: for every masked figure, ProtectLinked holds a
// move, a cycle of the network (a change of the establishment figures by ±1 along it) that
// changes that figure, keeps every printed figure and every printed sum as printed, keeps
// each "< threshold" in [1, threshold-1] and every count ≥ 0. Two whole-number reports
// consistent with everything printed then give the figure two values, as Protect asks. The
// network is protected first as ProtectNetwork does; a small sum is printed "< threshold";
// then each masked figure gets its move, the one that changes the fewest printed sums, and
// the sums that move changes are masked too (the move is their witness as well). Masking
// only widens what the reader must consider, so a witness found stays one and the work ends.
// A sum is therefore masked only where a move needs it, not wherever one of its edges is.
//
// It returns the masks of the edges (MaskShown for the edges not printed) and of the sums.
// The output depends only on its arguments. Every edge must lie on a directed cycle.
func ProtectLinked(nodes int, edges []NetworkEdge, sums []Sum, threshold int) (edgeMasks, sumMasks []Mask) {
	s := newGraph(threshold, nodes, len(edges))
	var margins, cells []int
	for i, e := range edges {
		if e.Value < 0 || e.From < 0 || e.From >= nodes || e.To < 0 || e.To >= nodes {
			panic(fmt.Sprintf("disclosure: protect network: bad edge %d %+v", i, e))
		}
		ce := countEdge{from: e.From, to: e.To, value: e.Value, inner: !e.Margin, printed: e.Printed}
		if e.Printed && e.Value >= 1 && e.Value < threshold {
			ce.mask = MaskPrimary
		}
		s.incident[e.From] = append(s.incident[e.From], i)
		s.incident[e.To] = append(s.incident[e.To], i)
		s.edges = append(s.edges, ce)
		if e.Margin {
			margins = append(margins, i)
		} else {
			cells = append(cells, i)
		}
	}
	order := append(margins, cells...)
	l := s.link(sums)
	l.arrange(order)
	s.protectIn(order)
	l.protect(order)
	edgeMasks = make([]Mask, len(edges))
	for i, e := range s.edges {
		if e.printed {
			edgeMasks[i] = e.mask
		}
	}
	return edgeMasks, l.masks()
}

// ProtectGrouped protects a table together with the same table grouped in other ways:
// groupings[g][i] is the group of row i in grouping g (groups numbered from 0). Each grouping
// is printed as a table of its groups, with the same columns, a group's cells and row total
// adding up its rows', and the table's column totals and grand total. It returns the table
// and, for each grouping, its grouped table, protected as one by ProtectLinked (the table's
// own figures first, in Protect's order).
func ProtectGrouped(t CountTable, groupings [][]int, threshold int) (Protected, []Protected) {
	rows, cols := checkTable(t)
	var sums []Sum
	type layout struct{ groups, first int }
	layouts := make([]layout, len(groupings))
	for g, groupOf := range groupings {
		if len(groupOf) != rows {
			panic(fmt.Sprintf("disclosure: protect grouped: grouping %d has %d rows, the table %d", g, len(groupOf), rows))
		}
		n := 0
		for _, k := range groupOf {
			n = max(n, k+1)
		}
		layouts[g] = layout{n, len(sums)}
		// The cells of each group, row by row, then the groups' row totals.
		for k := range n {
			for j := range cols {
				sum := Sum{Weight: max(1, rows/n)}
				for i, gk := range groupOf {
					if gk == k {
						sum.Edges = append(sum.Edges, i*cols+j)
					}
				}
				sums = append(sums, sum)
			}
		}
		if t.RowTotals {
			for k := range n {
				sum := Sum{Margin: true, Weight: max(1, rows/n)}
				for i, gk := range groupOf {
					if gk == k {
						sum.Edges = append(sum.Edges, rows*cols+i)
					}
				}
				sums = append(sums, sum)
			}
		}
	}
	s := newSuppression(t, rows, cols, threshold)
	order := s.tableOrder()
	l := s.link(sums)
	l.arrange(order)
	s.protectIn(order)
	l.protect(order)
	base := s.result(t, rows, cols)
	masks := l.masks()
	grouped := make([]Protected, len(groupings))
	for g, lay := range layouts {
		p := Protected{Threshold: threshold, Cells: make([][]int, lay.groups), Masks: make([][]Mask, lay.groups),
			Total: base.Total, TotalMask: base.TotalMask}
		if base.ColTotals != nil {
			p.ColTotals, p.ColTotalMasks = append([]int(nil), base.ColTotals...), append([]Mask(nil), base.ColTotalMasks...)
		}
		next := lay.first
		for k := range lay.groups {
			p.Cells[k], p.Masks[k] = make([]int, cols), make([]Mask, cols)
			for j := range cols {
				p.Cells[k][j], p.Masks[k][j] = l.sums[next].value, masks[next]
				next++
			}
		}
		if t.RowTotals {
			p.RowTotals, p.RowTotalMasks = make([]int, lay.groups), make([]Mask, lay.groups)
			for k := range lay.groups {
				p.RowTotals[k], p.RowTotalMasks[k] = l.sums[next].value, masks[next]
				next++
			}
		}
		grouped[g] = p
	}
	return base, grouped
}

// linked is a protected network with the sums printed beside it, during ProtectLinked.
type linked struct {
	s    *suppression
	sums []sumFigure
	of   [][]int // per edge, the sums it is in
	// witnessed: the figure has its move (edges, then sums after them).
	witnessed []bool
	// buffers of a move's changes
	delta   []int
	touched []int
	score   []int
	onPath  []bool
}

type sumFigure struct {
	edges  []int
	value  int
	margin bool
	weight int
	mask   Mask
}

// link attaches the sums to s, a small sum getting "< threshold".
func (s *suppression) link(sums []Sum) *linked {
	l := &linked{s: s, of: make([][]int, len(s.edges)), delta: make([]int, len(sums))}
	for k, sum := range sums {
		f := sumFigure{edges: sum.Edges, margin: sum.Margin, weight: max(1, sum.Weight)}
		for _, e := range sum.Edges {
			if e < 0 || e >= len(s.edges) {
				panic(fmt.Sprintf("disclosure: protect linked: sum %d has no edge %d", k, e))
			}
			f.value += s.edges[e].value
			l.of[e] = append(l.of[e], k)
		}
		if f.value >= 1 && f.value < s.threshold {
			f.mask = MaskPrimary
		}
		l.sums = append(l.sums, f)
	}
	l.witnessed = make([]bool, len(s.edges)+len(sums))
	return l
}

func (l *linked) masks() []Mask {
	out := make([]Mask, len(l.sums))
	for k, f := range l.sums {
		out[k] = f.mask
	}
	return out
}

// protect gives every masked figure its move: the edges in the given order, then the sums.
func (l *linked) protect(order []int) {
	if len(l.sums) == 0 {
		return
	}
	for _, e := range order {
		if l.s.edges[e].printed && l.s.edges[e].mask.Masked() && !l.witnessed[e] {
			l.witnessEdge(e)
		}
	}
	for k := range l.sums {
		if l.sums[k].mask.Masked() && !l.witnessed[len(l.s.edges)+k] {
			l.witnessSum(k)
		}
	}
}

// witnessEdge finds the move of masked edge e among the free cycles through it (there is one:
// the network is protected), the one that breaks the fewest printed sums, and masks those.
func (l *linked) witnessEdge(e int) {
	var best []pathStep
	bestBroken := -1
	for _, forward := range []bool{true, false} {
		cycle, ok := l.freeCycle(e, forward, -1)
		if !ok {
			continue
		}
		if broken := l.broken(cycle, -1); bestBroken < 0 || broken < bestBroken {
			best, bestBroken = cycle, broken
		}
		if bestBroken == 0 {
			break
		}
	}
	if bestBroken < 0 {
		panic(fmt.Sprintf("disclosure: protect linked: masked edge %d has no free cycle", e)) // protectIn saw to it
	}
	l.apply(best)
}

// witnessSum finds the move of masked sum k: a free cycle through one of its masked edges that
// leaves its other edges alone (so the sum changes by one), breaking the fewest printed sums;
// failing that, the cheapest cycle through one of its edges that does, opening what it must.
func (l *linked) witnessSum(k int) {
	f := l.sums[k]
	s := l.s
	s.blocked = make([]bool, len(s.edges))
	for _, e := range f.edges {
		s.blocked[e] = true
	}
	defer func() { s.blocked = nil }()
	var best []pathStep
	bestBroken := -1
	for _, e := range f.edges {
		if !s.edges[e].mask.Masked() {
			continue
		}
		for _, forward := range []bool{true, false} {
			cycle, ok := l.freeCycle(e, forward, k)
			if !ok {
				continue
			}
			if broken := l.broken(cycle, k); bestBroken < 0 || broken < bestBroken {
				best, bestBroken = cycle, broken
			}
		}
		if bestBroken == 0 {
			break
		}
	}
	if bestBroken < 0 {
		var bestCost suppressCost
		for _, e := range f.edges {
			c, cycle, ok := s.cheapestCycle(e)
			if ok && (best == nil || c.less(bestCost)) {
				best, bestCost = cycle, c
			}
		}
		if best == nil {
			panic(fmt.Sprintf("disclosure: protect linked: no cycle through sum %d", k)) // the margins always close one
		}
		for _, st := range best {
			s.open(st.edge, st.forward)
			l.witnessed[st.edge] = true
		}
	}
	l.apply(best)
}

// freeCycle is a cycle of free residual arcs that moves edge e (raising it when forward),
// found breadth first, preferring at each node the edges that share the most sums with e
// (other than sum skip), so that the move cancels out in the groups: a move between two
// establishments of the same commune leaves the commune's figures as printed.
func (l *linked) freeCycle(e int, forward bool, skip int) ([]pathStep, bool) {
	s := l.s
	c, ok := s.arc(e, forward)
	if !ok || !c.free() {
		return nil, false
	}
	ed := s.edges[e]
	from, to := ed.to, ed.from
	if !forward {
		from, to = ed.from, ed.to
	}
	top := 0
	if len(l.score) < len(s.edges) {
		l.score = make([]int, len(s.edges))
	}
	clear(s.seen)
	s.seen[from] = true
	s.queue = append(s.queue[:0], from)
	for len(s.queue) > 0 && !s.seen[to] {
		x := s.queue[0]
		s.queue = s.queue[1:]
		incident := s.incident[x]
		top = 0
		for _, b := range incident {
			l.score[b] = l.shared(b, e, skip)
			top = max(top, l.score[b])
		}
		for tier := top; tier >= 0 && !s.seen[to]; tier-- {
			for _, b := range incident {
				if b != e && l.score[b] == tier && (s.blocked == nil || !s.blocked[b]) {
					s.visit(x, b)
				}
			}
		}
	}
	if !s.seen[to] {
		return nil, false
	}
	cycle := []pathStep{{e, forward}}
	for x := to; x != from; {
		st := s.via[x]
		cycle = append(cycle, st)
		x, _ = s.other(st.edge, x)
	}
	return cycle, true
}

// shared counts the sums edges a and b are both in, other than skip.
func (l *linked) shared(a, b, skip int) int {
	n := 0
	for _, x := range l.of[a] {
		if x == skip {
			continue
		}
		for _, y := range l.of[b] {
			if x == y {
				n++
			}
		}
	}
	return n
}

// change adds up what a move does to each sum, in l.delta over l.touched.
func (l *linked) change(cycle []pathStep) {
	for _, k := range l.touched {
		l.delta[k] = 0
	}
	l.touched = l.touched[:0]
	for _, st := range cycle {
		d := 1
		if !st.forward {
			d = -1
		}
		for _, k := range l.of[st.edge] {
			if l.delta[k] == 0 {
				l.touched = append(l.touched, k)
			}
			l.delta[k] += d
		}
	}
}

// breaks tells whether a change d of sum k goes beyond what the reader is told of it.
func (l *linked) breaks(k, d int) bool {
	f := l.sums[k]
	switch {
	case d == 0:
		return false
	case f.mask == MaskShown:
		return true
	case f.mask == MaskPrimary:
		return f.value+d < 1 || f.value+d > l.s.threshold-1
	}
	return false // a secret mark: the sum of counts that stay ≥ 0 does too
}

// broken counts the sums the move breaks; a move for sum target must change it, or it counts
// as breaking everything.
func (l *linked) broken(cycle []pathStep, target int) int {
	l.change(cycle)
	if target >= 0 && l.delta[target] == 0 {
		return len(l.sums) + 1
	}
	n := 0
	for _, k := range l.touched {
		if l.breaks(k, l.delta[k]) {
			n++
		}
	}
	return n
}

// apply takes a move as the witness of the figures it changes, masking the sums it breaks.
func (l *linked) apply(cycle []pathStep) {
	l.change(cycle)
	for _, k := range l.touched {
		if l.delta[k] == 0 {
			continue
		}
		if l.breaks(k, l.delta[k]) {
			l.sums[k].mask = MaskComplementary
		}
		if l.sums[k].mask.Masked() {
			l.witnessed[len(l.s.edges)+k] = true
		}
	}
	for _, st := range cycle {
		if l.s.edges[st.edge].mask.Masked() {
			l.witnessed[st.edge] = true
		}
	}
}

// The prices of arrange, in units of a shown cell masked.
const (
	priceCell       = 2
	priceZero       = 4 // a zero masked looks odd and hides nothing
	priceMargin     = 40
	priceEscalation = 1000
	priceSum        = 4 // × the sum's weight
	priceSumMargin  = 8 // × the sum's weight
	shortCycle      = 4 // a move between two rows of a table
	longCycle       = 6 // a move through one more line, or through a chain of breakdowns
	searchBudget    = 5000
)

// arrange chooses, before the network's own protection, the move of each masked edge so
// that the sums stay printed: among the short cycles through the edge, the cheapest, opening
// what the cycle needs and masking the sums it breaks, priced so that masking a sum costs
// what masking the rows it stands for would. A move between two establishments of the same
// commune, type and label leaves every grouping as printed; one between two establishments
// of the same type and label only breaks the communes'. The moves chosen are witnesses: the
// network's own protection and protect then only complete them.
func (l *linked) arrange(order []int) {
	if len(l.sums) == 0 {
		return
	}
	for _, e := range order {
		if !l.s.edges[e].printed || !l.s.edges[e].mask.Masked() || l.witnessed[e] {
			continue
		}
		if cycle, ok := l.bestCycle(e); ok {
			for _, st := range cycle {
				l.s.open(st.edge, st.forward)
			}
			l.apply(cycle)
		}
	}
}

// bestCycle is the cheapest cycle through edge e of at most longCycle edges (the short ones
// first: the long ones only when there is no short one).
func (l *linked) bestCycle(e int) ([]pathStep, bool) {
	var best []pathStep
	bestPrice := -1
	for _, limit := range []int{shortCycle, longCycle} {
		for _, forward := range []bool{true, false} {
			own, ok := l.s.arc(e, forward)
			if !ok {
				continue
			}
			ed := l.s.edges[e]
			from, to := ed.to, ed.from
			if !forward {
				from, to = ed.from, ed.to
			}
			d := &cycleSearch{l: l, e: e, to: to, limit: limit, budget: searchBudget, best: best, bestPrice: bestPrice}
			d.dist = l.distances(to, e, limit)
			d.path = []pathStep{{e, forward}}
			if len(l.onPath) < len(l.s.incident) {
				l.onPath = make([]bool, len(l.s.incident))
			}
			d.onPath = l.onPath
			d.onPath[from] = true
			d.walk(from, arcPrice(own))
			d.onPath[from] = false
			best, bestPrice = d.best, d.bestPrice
		}
		if bestPrice >= 0 {
			break // the long cycles only where there is no short one: a chain of breakdowns
		}
	}
	return best, bestPrice >= 0
}

func arcPrice(c suppressCost) int {
	return c.escalations*priceEscalation + c.margins*priceMargin + c.zeros*priceZero + c.cells*priceCell
}

// brokenPrice is what masking the sums a move breaks costs.
func (l *linked) brokenPrice(cycle []pathStep) int {
	l.change(cycle)
	price := 0
	for _, k := range l.touched {
		if l.breaks(k, l.delta[k]) {
			if l.sums[k].margin {
				price += priceSumMargin * l.sums[k].weight
			} else {
				price += priceSum * l.sums[k].weight
			}
		}
	}
	return price
}

// distances are the numbers of edges from each node to node to, not through edge skip, up to
// limit (-1 beyond).
func (l *linked) distances(to, skip, limit int) []int {
	s := l.s
	dist := make([]int, len(s.incident))
	for i := range dist {
		dist[i] = -1
	}
	dist[to] = 0
	queue := []int{to}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if dist[x]+1 >= limit {
			continue
		}
		for _, b := range s.incident[x] {
			if b == skip {
				continue
			}
			if y, _ := s.other(b, x); dist[y] < 0 {
				dist[y] = dist[x] + 1
				queue = append(queue, y)
			}
		}
	}
	return dist
}

// cycleSearch is a depth-first search of the cycles through edge e back to node to.
type cycleSearch struct {
	l         *linked
	e, to     int
	limit     int
	budget    int
	dist      []int
	path      []pathStep
	onPath    []bool
	best      []pathStep
	bestPrice int
}

func (d *cycleSearch) walk(x, price int) {
	if d.bestPrice >= 0 && price >= d.bestPrice || d.budget <= 0 {
		return
	}
	d.budget--
	s := d.l.s
	if x == d.to {
		if total := price + d.l.brokenPrice(d.path); d.bestPrice < 0 || total < d.bestPrice {
			d.best, d.bestPrice = append([]pathStep(nil), d.path...), total
		}
		return
	}
	for _, b := range s.incident[x] {
		if b == d.e {
			continue
		}
		y, forward := s.other(b, x)
		if d.onPath[y] || d.dist[y] < 0 || len(d.path)+1+d.dist[y] > d.limit {
			continue
		}
		c, ok := s.arc(b, forward)
		if !ok {
			continue
		}
		d.onPath[y] = true
		d.path = append(d.path, pathStep{b, forward})
		d.walk(y, price+arcPrice(c))
		d.path = d.path[:len(d.path)-1]
		d.onPath[y] = false
	}
}
