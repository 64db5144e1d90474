package disclosure_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mediation/models/disclosure"
	"mediation/models/disclosure/attacker"
)

// maskGrid draws the masks of p as a report would print them: one line per row, "." for a
// printed figure, "P" for "< threshold", "C" for the secret mark, then "| " and the row
// total when printed; the total row last, when printed.
func maskGrid(p disclosure.Protected) []string {
	letter := func(m disclosure.Mask) string {
		switch m {
		case disclosure.MaskShown:
			return "."
		case disclosure.MaskPrimary:
			return "P"
		case disclosure.MaskComplementary:
			return "C"
		}
		return "?"
	}
	line := func(masks []disclosure.Mask, total *disclosure.Mask) string {
		var b []string
		for _, m := range masks {
			b = append(b, letter(m))
		}
		if total != nil {
			b = append(b, "|", letter(*total))
		}
		return strings.Join(b, " ")
	}
	var lines []string
	for i, masks := range p.Masks {
		var total *disclosure.Mask
		if p.RowTotalMasks != nil {
			total = &p.RowTotalMasks[i]
		}
		lines = append(lines, line(masks, total))
	}
	if p.ColTotalMasks != nil {
		var total *disclosure.Mask
		if p.RowTotalMasks != nil {
			total = &p.TotalMask
		}
		lines = append(lines, line(p.ColTotalMasks, total))
	}
	return lines
}

func TestProtect(t *testing.T) {
	t.Parallel()
	both := func(cells ...[]int) disclosure.CountTable {
		return disclosure.CountTable{Cells: cells, RowTotals: true, ColTotals: true}
	}
	cases := []struct {
		name      string
		table     disclosure.CountTable
		threshold int
		want      []string
	}{
		{
			name:      "no small counts",
			table:     both([]int{10, 20}, []int{30, 40}),
			threshold: 5,
			want:      []string{". . | .", ". . | .", ". . | ."},
		},
		{
			// The 2 is pinned by its row and its column; the cheapest rectangle through it
			// is 2, 10, 5, 6 (21 against 23, 25 and 26 for the others), margins untouched.
			name: "one small cell",
			table: both(
				[]int{10, 2, 8},
				[]int{7, 9, 6},
				[]int{5, 6, 11}),
			threshold: 5,
			want: []string{
				"C P . | .",
				". . . | .",
				"C C . | .",
				". . . | .",
			},
		},
		{
			// Row 0 totals 3: its cells and its total are small. Margins go first: the
			// total 3 lies on the total column, whose other members are margins, so one
			// more must go; the cheapest cycle is 3 → 2 → 7 → 21 (28, against 5 + 25 in
			// row 2). The 1 then needs the 8 under it: 1 → 8 → 7 → 2 closes.
			name: "small row total",
			table: both(
				[]int{1, 2, 0},
				[]int{8, 7, 6},
				[]int{9, 5, 11}),
			threshold: 5,
			want: []string{
				"P P . | P",
				"C C . | C",
				". . . | .",
				". . . | .",
			},
		},
		{
			name:      "all zeros",
			table:     both([]int{0, 0, 0}, []int{0, 0, 0}),
			threshold: 5,
			want:      []string{". . . | .", ". . . | .", ". . . | ."},
		},
		{
			name:      "threshold 3",
			table:     disclosure.CountTable{Cells: [][]int{{2, 4, 7, 9}}, RowTotals: true},
			threshold: 3,
			want:      []string{"P C . . | ."},
		},
		{
			// 2 + 4 = 22 - 16 = 6 with both in [1, 4]: (2, 4), (3, 3) or (4, 2).
			name:      "threshold 5",
			table:     disclosure.CountTable{Cells: [][]int{{2, 4, 7, 9}}, RowTotals: true},
			threshold: 5,
			want:      []string{"P P . . | ."},
		},
		{
			name:      "threshold 10",
			table:     disclosure.CountTable{Cells: [][]int{{2, 4, 7, 9}}, RowTotals: true},
			threshold: 10,
			want:      []string{"P P P P | ."},
		},
		{
			// "< 2" can only mean 1: the 1 gets the secret mark, and its partner too.
			name:      "threshold 2",
			table:     disclosure.CountTable{Cells: [][]int{{1, 5}}, RowTotals: true},
			threshold: 2,
			want:      []string{"C C | ."},
		},
		{
			name:      "threshold 1 masks nothing",
			table:     both([]int{1, 5}, []int{0, 2}),
			threshold: 1,
			want:      []string{". . | .", ". . | .", ". . | ."},
		},
		{
			name:      "no margins: primary only",
			table:     disclosure.CountTable{Cells: [][]int{{1, 10}, {20, 3}}},
			threshold: 5,
			want:      []string{"P .", ". P"},
		},
		{
			name:      "only row totals",
			table:     disclosure.CountTable{Cells: [][]int{{3, 8, 9}, {6, 7, 0}}, RowTotals: true},
			threshold: 5,
			want:      []string{"P C . | .", ". . . | ."},
		},
		{
			// Column 0 is 1 + 1 = "< 3", so both cells are 1: no mask around them helps,
			// the column total loses its "< 3" for the secret mark.
			name:      "only column totals, bounds pin the small counts",
			table:     disclosure.CountTable{Cells: [][]int{{1, 9}, {1, 8}}, ColTotals: true},
			threshold: 3,
			want:      []string{"P .", "P .", "C ."},
		},
		{
			name:      "1×1 small",
			table:     both([]int{3}),
			threshold: 5,
			want:      []string{"P | P", "P | P"},
		},
		{
			name:      "1×1 large",
			table:     both([]int{7}),
			threshold: 5,
			want:      []string{". | .", ". | ."},
		},
		{
			// The row total 4 needs a partner on the total column, all margins: the
			// cheapest cycle is 4 (total) → 4 → 5 → 18 (row 1's total), which frees the
			// cell 4 as well. (A masked zero cannot go lower: the cycle must raise it.)
			name: "row [4 0 0]",
			table: both(
				[]int{4, 0, 0},
				[]int{5, 6, 7}),
			threshold: 5,
			want: []string{
				"P . . | P",
				"C . . | C",
				". . . | .",
			},
		},
		{
			// The 3 is alone in a column of zeros whose total (3) is small too, which
			// lies on the total row: the cycle goes through column 1's total and the 8
			// (28 against 34 for column 2) and frees the 3 as well.
			name: "column of zeros around a small cell",
			table: both(
				[]int{0, 5, 6},
				[]int{3, 8, 9},
				[]int{0, 7, 10}),
			threshold: 5,
			want: []string{
				". . . | .",
				"P C . | .",
				". . . | .",
				"P C . | .",
			},
		},
		{
			name:      "empty table",
			table:     both(),
			threshold: 5,
			want:      []string{"| ."},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := disclosure.Protect(c.table, c.threshold)
			if got := maskGrid(p); !reflect.DeepEqual(got, c.want) {
				t.Errorf("masks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			checkValues(t, c.table, p)
			if p.Threshold != c.threshold {
				t.Errorf("Threshold = %d, want %d", p.Threshold, c.threshold)
			}
			if err := attack(p); err != "" {
				t.Error(err)
			}
		})
	}
}

func TestProtectKeepsTheFigures(t *testing.T) {
	t.Parallel()
	table := disclosure.CountTable{Cells: [][]int{{4, 0, 0}, {5, 6, 7}}, RowTotals: true, ColTotals: true}
	p := disclosure.Protect(table, 5)
	if !reflect.DeepEqual(p.RowTotals, []int{4, 18}) || !reflect.DeepEqual(p.ColTotals, []int{9, 6, 7}) || p.Total != 22 {
		t.Errorf("margins = %v, %v, %d; want [4 18], [9 6 7], 22", p.RowTotals, p.ColTotals, p.Total)
	}
	table.Cells[0][0] = 40 // the result does not share the caller's slices
	if p.Cells[0][0] != 4 {
		t.Errorf("Cells[0][0] = %d after the caller changed its table, want 4", p.Cells[0][0])
	}
	only := disclosure.Protect(disclosure.CountTable{Cells: [][]int{{1, 2}}, RowTotals: true}, 5)
	if only.ColTotals != nil || only.ColTotalMasks != nil || only.Total != 0 {
		t.Errorf("no total row printed, got %v %v, total %d", only.ColTotals, only.ColTotalMasks, only.Total)
	}
}

func TestMaskMasked(t *testing.T) {
	t.Parallel()
	for m, want := range map[disclosure.Mask]bool{
		disclosure.MaskShown: false, disclosure.MaskPrimary: true, disclosure.MaskComplementary: true,
	} {
		if m.Masked() != want {
			t.Errorf("Mask(%d).Masked() = %v, want %v", m, !want, want)
		}
	}
}

func TestProtectPanicsOnBadTables(t *testing.T) {
	t.Parallel()
	for name, cells := range map[string][][]int{
		"ragged":   {{1, 2}, {3}},
		"negative": {{1, -2}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			disclosure.Protect(disclosure.CountTable{Cells: cells, RowTotals: true}, 5)
		})
	}
}

// TestProtectAgainstAttacker protects thousands of random small tables and lets an attacker
// who sees only the printed table search every consistent table: each masked figure must take
// at least two values.
func TestProtectAgainstAttacker(t *testing.T) {
	t.Parallel()
	tables, escalated := 0, 0
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 2025))
		for range 1000 {
			table, threshold := randomTable(r, 1+r.IntN(5), 1+r.IntN(5))
			p := disclosure.Protect(table, threshold)
			tables++
			if !reflect.DeepEqual(p, disclosure.Protect(table, threshold)) {
				t.Fatalf("Protect(%v, %d) is not deterministic", table, threshold)
			}
			checkValues(t, table, p)
			if err := attack(p); err != "" {
				t.Fatalf("threshold %d, table %+v:\n%s\n%s", threshold, table,
					strings.Join(maskGrid(p), "\n"), err)
			}
			escalated += countEscalated(p)
		}
	}
	// Fewer, taller tables, as in a report by establishment.
	r := rand.New(rand.NewPCG(99, 2025))
	for range 300 {
		table, threshold := randomTable(r, 6+r.IntN(20), 2+r.IntN(5))
		p := disclosure.Protect(table, threshold)
		tables++
		checkValues(t, table, p)
		if err := attack(p); err != "" {
			t.Fatalf("threshold %d, table %+v:\n%s\n%s", threshold, table,
				strings.Join(maskGrid(p), "\n"), err)
		}
		escalated += countEscalated(p)
	}
	t.Logf("%d tables, %d small counts shown as a secret mark", tables, escalated)
}

// TestProtectAttackerFindsLeaks makes sure the attacker of TestProtectAgainstAttacker is not
// blind: with one complementary cell printed again, it recomputes the small count.
func TestProtectAttackerFindsLeaks(t *testing.T) {
	t.Parallel()
	table := disclosure.CountTable{Cells: [][]int{{10, 2, 8}, {7, 9, 6}, {5, 6, 11}}, RowTotals: true, ColTotals: true}
	p := disclosure.Protect(table, 5)
	if err := attack(p); err != "" {
		t.Fatalf("protected table leaks:\n%s", err)
	}
	p.Masks[2][1] = disclosure.MaskShown
	err := attack(p)
	if !strings.Contains(err, "cell 0,1 = 2 can be recomputed") {
		t.Errorf("attacker missed the 2 with the 6 below it printed; it found:\n%s", err)
	}
	only := disclosure.Protect(disclosure.CountTable{Cells: [][]int{{3, 9}}}, 5)
	only.RowTotals, only.RowTotalMasks = []int{12}, []disclosure.Mask{disclosure.MaskShown}
	if err := attack(only); !strings.Contains(err, "cell 0,0 = 3") {
		t.Errorf("attacker missed 12 - 9 = 3; it found:\n%s", err)
	}
}

// TestProtectLargeTable is the size of a metropolitan report by establishment: 200 rows,
// 5 columns and both margins, with many small counts: the values add up and the attacker
// recovers no masked cell.
func TestProtectLargeTable(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	table := disclosure.CountTable{RowTotals: true, ColTotals: true}
	for range 200 {
		row := make([]int, 5)
		for j := range row {
			row[j] = r.IntN(15)
		}
		table.Cells = append(table.Cells, row)
	}
	p := disclosure.Protect(table, 5)
	masked, primary := 0, 0
	for _, masks := range p.Masks {
		for _, m := range masks {
			if m.Masked() {
				masked++
			}
			if m == disclosure.MaskPrimary {
				primary++
			}
		}
	}
	// Its time is BenchmarkProtect200x5's to measure, not a unit test's (a loaded machine or the
	// race detector would make it fail for nothing).
	t.Logf("200×5: %d small cells, %d cells masked in all", primary, masked)
	checkValues(t, table, p)
	if err := attack(p); err != "" {
		t.Error(err)
	}
}

func BenchmarkProtect200x5(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	table := disclosure.CountTable{RowTotals: true, ColTotals: true}
	for range 200 {
		row := make([]int, 5)
		for j := range row {
			row[j] = r.IntN(15)
		}
		table.Cells = append(table.Cells, row)
	}
	for b.Loop() {
		disclosure.Protect(table, 5)
	}
}

// randomTable draws a table with counts skewed towards small numbers, random margins and a
// threshold from 2 to 6.
func randomTable(r *rand.Rand, rows, cols int) (disclosure.CountTable, int) {
	table := disclosure.CountTable{RowTotals: r.IntN(4) != 0, ColTotals: r.IntN(4) != 0}
	for range rows {
		row := make([]int, cols)
		for j := range row {
			switch r.IntN(3) {
			case 0:
				row[j] = r.IntN(3)
			case 1:
				row[j] = r.IntN(6)
			default:
				row[j] = r.IntN(13)
			}
		}
		table.Cells = append(table.Cells, row)
	}
	return table, 2 + r.IntN(5)
}

func countEscalated(p disclosure.Protected) int {
	n := 0
	for _, e := range entries(p) {
		if e.Mask == disclosure.MaskComplementary && e.Value >= 1 && e.Value < p.Threshold {
			n++
		}
	}
	return n
}

// checkValues checks the figures of p against the table and the rule of primary suppression:
// every printed count from 1 to threshold-1 is masked, and "< threshold" is never a lie.
func checkValues(t *testing.T, table disclosure.CountTable, p disclosure.Protected) {
	t.Helper()
	if len(p.Cells) != len(table.Cells) {
		t.Fatalf("%d rows, want %d", len(p.Cells), len(table.Cells))
	}
	total := 0
	var rowSums, colSums []int
	for i, row := range table.Cells {
		if !reflect.DeepEqual(p.Cells[i], row) || len(p.Masks[i]) != len(row) {
			t.Fatalf("row %d = %v (%d masks), want %v", i, p.Cells[i], len(p.Masks[i]), row)
		}
		rowSums = append(rowSums, 0)
		for j, n := range row {
			if j >= len(colSums) {
				colSums = append(colSums, 0)
			}
			rowSums[i] += n
			colSums[j] += n
			total += n
		}
	}
	if table.RowTotals != (p.RowTotals != nil) || table.RowTotals && !slices.Equal(p.RowTotals, rowSums) {
		t.Errorf("RowTotals = %v, want %v (printed: %v)", p.RowTotals, rowSums, table.RowTotals)
	}
	if len(table.Cells) > 0 && len(table.Cells[0]) > 0 &&
		(table.ColTotals != (p.ColTotals != nil) || table.ColTotals && !slices.Equal(p.ColTotals, colSums)) {
		t.Errorf("ColTotals = %v, want %v (printed: %v)", p.ColTotals, colSums, table.ColTotals)
	}
	if table.RowTotals && table.ColTotals && p.Total != total {
		t.Errorf("Total = %d, want %d", p.Total, total)
	}
	for _, e := range entries(p) {
		small := e.Value >= 1 && e.Value < p.Threshold
		if small && !e.Mask.Masked() {
			t.Errorf("%s = %d is printed, threshold %d", e.Name, e.Value, p.Threshold)
		}
		if e.Mask == disclosure.MaskPrimary && !small {
			t.Errorf("%s = %d is printed as < %d", e.Name, e.Value, p.Threshold)
		}
	}
}

// entries lists the printed figures of p: the cells row by row, the row totals, the column
// totals, the grand total.
func entries(p disclosure.Protected) []attacker.Figure { return attacker.Figures(p) }

// attack plays the reader of p. It knows each printed figure, that a "< t" count is in
// [1, t-1], that a secret mark hides a whole number ≥ 0, and the printed lines: the cells
// of a row add up to the printed row total, those of a column to the column total, the row
// totals and the column totals to the grand total. For every masked figure it searches, by
// bounds propagation and branching, a table consistent with all that where the figure
// differs from the truth; it reports the figures it can pin, or "" if none.
func attack(p disclosure.Protected) string { return attackGrouped(p, nil, nil) }

// attackGrouped is attack on a table printed with its groupings (ProtectGrouped): the reader
// knows every printed figure of all the tables at once, each table's lines, and that a
// group's cells, row total and column totals add up its rows' figures.
func attackGrouped(p disclosure.Protected, grouped []disclosure.Protected, groupings [][]int) string {
	var r attacker.Report
	base := r.Add("", p)
	for g, groupOf := range groupings {
		q := r.Add("grouping "+strconv.Itoa(g)+": ", grouped[g])
		for k := range grouped[g].Cells {
			var rows []int
			for i, gk := range groupOf {
				if gk == k {
					rows = append(rows, i)
				}
			}
			for j := range grouped[g].Cells[k] {
				var parts []int
				for _, i := range rows {
					parts = append(parts, base.Cell(i, j))
				}
				r.Sum(q.Cell(k, j), parts...)
			}
			if grouped[g].RowTotals != nil {
				var parts []int
				for _, i := range rows {
					parts = append(parts, base.RowTotal(i))
				}
				r.Sum(q.RowTotal(k), parts...)
			}
		}
		for j := range grouped[g].ColTotals {
			r.Sum(q.ColTotal(j), base.ColTotal(j))
		}
	}
	out, err := r.Attack(p.Threshold)
	if err != nil {
		return err.Error()
	}
	return out
}

func TestTransport(t *testing.T) {
	t.Parallel()
	flow := disclosure.Transport([]int{3, 0, 4}, []int{2, 5})
	want := [][]int{{2, 1}, {0, 0}, {0, 4}}
	for i := range want {
		for j := range want[i] {
			if flow[i][j] != want[i][j] {
				t.Fatalf("Transport = %v, want %v", flow, want)
			}
		}
	}
}

// Two breakdowns of one printed total, 4 = 4 (one cell) = 1 + 1 + 1 + 1: with every cell and
// the total printed "< 5", the four months could only be 1 each and the total 4. As one
// network, a secret mark must free them: a month is no longer known to be at least 1.
func TestProtectNetworkLinksBreakdowns(t *testing.T) {
	t.Parallel()
	// hub 0, sink 1; part A: one cell 2→3; part B: four cells 4→5, 6→7, 8→9, 10→11.
	edges := []disclosure.NetworkEdge{
		{From: 2, To: 3, Value: 4, Printed: true},
		{From: 4, To: 5, Value: 1, Printed: true}, {From: 6, To: 7, Value: 1, Printed: true},
		{From: 8, To: 9, Value: 1, Printed: true}, {From: 10, To: 11, Value: 1, Printed: true},
		{From: 0, To: 2, Value: 4},
		{From: 3, To: 4, Value: 1}, {From: 3, To: 6, Value: 1}, {From: 3, To: 8, Value: 1}, {From: 3, To: 10, Value: 1},
		{From: 5, To: 1, Value: 1}, {From: 7, To: 1, Value: 1}, {From: 9, To: 1, Value: 1}, {From: 11, To: 1, Value: 1},
		{From: 1, To: 0, Value: 4, Printed: true, Margin: true},
	}
	masks := disclosure.ProtectNetwork(12, edges, 5)
	secret := 0
	for i, m := range masks {
		if !edges[i].Printed && m != disclosure.MaskShown {
			t.Errorf("edge %d is not printed but got mask %v", i, m)
		}
		if edges[i].Printed && m == disclosure.MaskShown {
			t.Errorf("edge %d holds a small count but is printed", i)
		}
		if m == disclosure.MaskComplementary {
			secret++
		}
	}
	if secret == 0 {
		t.Errorf("no secret mark: every figure is pinned (%v)", masks)
	}
}

// TestPlainIsProtectWithoutThreshold: the nominative tables are what Protect gives with a
// threshold of 0, every figure printed.
func TestPlainIsProtectWithoutThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 200 {
		table, _ := randomTable(r, r.IntN(6), 1+r.IntN(6))
		table.RowTotals, table.ColTotals = r.IntN(2) == 0, r.IntN(2) == 0
		if got, want := disclosure.Plain(table), disclosure.Protect(table, 0); !reflect.DeepEqual(got, want) {
			t.Fatalf("Plain(%v) = %+v, Protect with threshold 0 gives %+v", table, got, want)
		}
	}
}

// randomGroupings draws n groupings of rows: each row in one of up to 3 groups, as the
// establishments of a metropolis fall into communes, types and labels that cross.
func randomGroupings(r *rand.Rand, rows, n int) [][]int {
	groupings := make([][]int, n)
	for g := range groupings {
		groups := 1 + r.IntN(3)
		groupings[g] = make([]int, rows)
		for i := range rows {
			groupings[g][i] = r.IntN(groups)
		}
		// Number the groups in order of first row, without gaps.
		renumber := map[int]int{}
		for i, k := range groupings[g] {
			if _, ok := renumber[k]; !ok {
				renumber[k] = len(renumber)
			}
			groupings[g][i] = renumber[k]
		}
	}
	return groupings
}

// TestProtectGroupedAgainstAttacker protects random small tables with up to three crossing
// groupings and lets the exact attacker read every table at once: no masked figure, of the
// table or of a grouping, may be pinned; no small count is printed; the grouped figures are
// the sums of their rows'.
func TestProtectGroupedAgainstAttacker(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(13, 2026))
	printedGroups, groupFigures := 0, 0
	for round := range 600 {
		table, threshold := randomTable(r, 1+r.IntN(6), 1+r.IntN(4))
		threshold = max(threshold, 3)
		groupings := randomGroupings(r, len(table.Cells), 1+r.IntN(3))
		p, grouped := disclosure.ProtectGrouped(table, groupings, threshold)
		checkValues(t, table, p)
		for g, q := range grouped {
			sums := disclosure.CountTable{Cells: make([][]int, len(q.Cells)), RowTotals: table.RowTotals, ColTotals: table.ColTotals}
			for k := range q.Cells {
				sums.Cells[k] = make([]int, len(table.Cells[0]))
			}
			for i, k := range groupings[g] {
				for j, n := range table.Cells[i] {
					sums.Cells[k][j] += n
				}
			}
			checkValues(t, sums, q)
			for _, e := range entries(q) {
				groupFigures++
				if !e.Mask.Masked() {
					printedGroups++
				}
			}
			if !slices.Equal(q.ColTotalMasks, p.ColTotalMasks) || q.TotalMask != p.TotalMask {
				t.Fatalf("round %d: grouping %d masks the shared totals otherwise", round, g)
			}
		}
		if err := attackGrouped(p, grouped, groupings); err != "" {
			t.Fatalf("round %d, threshold %d, table %v, groupings %v:\n%s\n%v\n%s", round, threshold, table.Cells, groupings,
				strings.Join(maskGrid(p), "\n"), grouped, err)
		}
	}
	t.Logf("%d of %d grouped figures printed", printedGroups, groupFigures)
	if printedGroups == 0 {
		t.Fatal("no grouped figure printed: the test proves nothing")
	}
}

// TestGroupedAttackerSeesAcrossTables makes sure the attacker of grouped tables reads them
// together: a table protected alone, with its grouping printed in full (small counts as
// "< threshold"), gives away a masked count that neither table gives alone.
func TestGroupedAttackerSeesAcrossTables(t *testing.T) {
	t.Parallel()
	// Row 0 is a group of its own, rows 1 and 2 the other. The 2 and the 3 are masked with
	// the 7 and the 8 of the rectangle; the group of row 0 printed in full shows the 8 again,
	// which gives the 2 away with the row total.
	table := disclosure.CountTable{Cells: [][]int{{2, 8, 10}, {7, 3, 10}, {10, 10, 10}}, RowTotals: true, ColTotals: true}
	groupings := [][]int{{0, 1, 1}}
	p := disclosure.Protect(table, 5)
	if err := attack(p); err != "" {
		t.Fatalf("the table alone leaks:\n%s", err)
	}
	_, grouped := disclosure.ProtectGrouped(table, groupings, 5)
	naive := grouped[0]
	naive.Masks = [][]disclosure.Mask{{disclosure.MaskPrimary, 0, 0}, make([]disclosure.Mask, 3)}
	naive.RowTotalMasks = make([]disclosure.Mask, 2)
	naive.ColTotalMasks, naive.TotalMask = p.ColTotalMasks, p.TotalMask
	if err := attackGrouped(p, []disclosure.Protected{naive}, groupings); !strings.Contains(err, "can be recomputed") {
		t.Errorf("the attacker missed what the grouping printed in full gives away; it found:\n%q", err)
	}
	pj, grouped := disclosure.ProtectGrouped(table, groupings, 5)
	if err := attackGrouped(pj, grouped, groupings); err != "" {
		t.Errorf("protected together, the tables leak:\n%s", err)
	}
}
