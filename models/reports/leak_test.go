package reports

// Attacks on the anonymised reports: an exact search for masked counts that the printed
// figures of one report pin down, across all its tables and key figures.

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/disclosure/attacker"
)

func partner(byStatus map[models.ReferralStatus]int, byOutcome map[models.ReferralOutcome]int, reason map[models.ReferralReason]int, month [12]int, onTime, overdue, ack, answered int) PartnerFigures {
	f := PartnerFigures{Partner: models.PartnerOrganisation{Name: "CAF", ResponseDays: 10}, Year: calendar.SchoolYear{StartYear: 2025}, Elapsed: 12,
		ByStatus: byStatus, ByOutcome: byOutcome, ByReason: reason, SentByMonth: month, OnTime: onTime, Overdue: overdue}
	for _, n := range byStatus {
		f.Sent += n
	}
	f.ByEstablishment = []KeyCount{{Key: "A", N: f.Sent}}
	f.ReplyTime = ReplyTime{Acknowledged: ack, MedianDays: 3}
	f.AnswerMedian = ReplyTime{Acknowledged: answered, MedianDays: 8}
	return f
}

// attackPartner: exact range of each masked status cell given the status table, the total,
// overdue, on time and the two medians' secrecy.
func attackPartner(t *testing.T, name string, f PartnerFigures, threshold int) {
	labels, flat := partnerStatusRows(f)
	cells := make([][]int, len(flat))
	for i, n := range flat {
		cells[i] = []int{n}
	}
	r := ProtectPartner(f, threshold)
	// What the report prints, as the views write it: a count, "< threshold", the secret
	// mark, or a dash for a median over nothing.
	secret, lt := "s", "<\u00a0"+itoa(threshold)
	printed := func(n int, m disclosure.Mask) string {
		switch m {
		case disclosure.MaskPrimary:
			return lt
		case disclosure.MaskComplementary:
			return secret
		}
		return itoa(n)
	}
	median := func(m Median) string {
		rt, ok := m.Value()
		switch {
		case !ok:
			return secret
		case rt.Acknowledged == 0:
			return "–"
		}
		return strconv.FormatFloat(rt.MedianDays, 'f', 1, 64)
	}
	figure := func(f Figure) string { return printed(f.Value()) }
	statuses := r.Statuses().Counts()
	st := struct{ Rows, Totals [][]string }{}
	for i := range statuses.Cells {
		st.Rows = append(st.Rows, []string{"", printed(statuses.Cells[i][0], statuses.Masks[i][0])})
	}
	st.Totals = [][]string{{"", printed(statuses.ColTotals[0], statuses.ColTotalMasks[0])}}
	type vr struct{ lo, hi int }
	n := len(cells)
	val := make([]int, n)
	rng := make([]vr, n)
	masked := []int{}
	for i := range n {
		c := st.Rows[i][1]
		switch c {
		case secret:
			rng[i] = vr{0, f.Sent}
			masked = append(masked, i)
		case lt:
			rng[i] = vr{1, threshold - 1}
			masked = append(masked, i)
		default:
			rng[i] = vr{cells[i][0], cells[i][0]}
		}
	}
	if len(masked) == 0 {
		return
	}
	totalShown := st.Totals[0][1] != secret && st.Totals[0][1] != lt
	if !totalShown {
		return // keep it simple
	}
	overdue, onTime := figure(r.Overdue()), figure(r.OnTime())
	ackMed, ansMed := median(r.ReplyTime()), median(r.AnswerTime())
	num := func(s string) (int, bool) {
		if s == secret || s == lt {
			return 0, false
		}
		n := 0
		for _, c := range s {
			if c >= '0' && c <= '9' {
				n = n*10 + int(c-'0')
			}
		}
		return n, true
	}
	// rows: 0 sent 1 ack 2 acc 3 dec 4 wd 5.. closed
	ok := func() bool {
		closed := 0
		for i := 5; i < n; i++ {
			closed += val[i]
		}
		if o, sh := num(overdue); sh && val[0] < o {
			return false
		} else if overdue == lt && val[0] < 1 {
			return false
		}
		if o, sh := num(onTime); sh && val[1]+val[2]+val[3]+val[4]+closed < o {
			return false
		}
		ans := val[2] + val[3] + closed
		if false || ansMed == "–" && ans != 0 || ansMed != secret && ansMed != "–" && ans < threshold {
			return false
		}
		lo, hi := val[1]+ans, val[1]+ans+val[4]
		if false || ackMed == "–" && lo != 0 || ackMed != secret && ackMed != "–" && hi < threshold {
			return false
		}
		return true
	}
	sols := make([]map[int]bool, n)
	for i := range sols {
		sols[i] = map[int]bool{}
	}
	count := 0
	var dfs func(k, left int)
	dfs = func(k, left int) {
		if count > 2000000 {
			return
		}
		i := masked[k]
		if k == len(masked)-1 {
			if left < rng[i].lo || left > rng[i].hi {
				return
			}
			val[i] = left
			count++
			if ok() {
				for _, j := range masked {
					sols[j][val[j]] = true
				}
			}
			return
		}
		for x := rng[i].lo; x <= min(rng[i].hi, left); x++ {
			val[i] = x
			dfs(k+1, left-x)
		}
	}
	left := f.Sent
	for i := range n {
		if len(masked) > 0 && !contains(masked, i) {
			val[i] = cells[i][0]
			left -= cells[i][0]
		}
	}
	dfs(0, left)
	for _, i := range masked {
		if len(sols[i]) == 1 {
			t.Errorf("%s: status row %v (printed %q) is pinned to %v (true %d); overdue=%s onTime=%s ackMed=%s ansMed=%s",
				name, labels[i], st.Rows[i][1], sols[i], cells[i][0], overdue, onTime, ackMed, ansMed)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestLeakPartnerAttacker(t *testing.T) {
	t.Parallel()
	// the hand-made cases
	r0 := models.ReferralReasons[0]
	attackPartner(t, "A", partner(map[models.ReferralStatus]int{models.ReferralSent: 9, models.ReferralAcknowledged: 1, models.ReferralAccepted: 10},
		map[models.ReferralOutcome]int{}, map[models.ReferralReason]int{r0: 20}, [12]int{20}, 11, 9, 11, 10), 5)
	attackPartner(t, "B", partner(map[models.ReferralStatus]int{models.ReferralSent: 6, models.ReferralAcknowledged: 4, models.ReferralAccepted: 10},
		map[models.ReferralOutcome]int{}, map[models.ReferralReason]int{r0: 20}, [12]int{20}, 14, 0, 14, 10), 5)
	attackPartner(t, "C", partner(map[models.ReferralStatus]int{models.ReferralSent: 20, models.ReferralAccepted: 1, models.ReferralDeclined: 1, models.ReferralClosed: 2},
		map[models.ReferralOutcome]int{models.ReferralOutcomes[0]: 1, models.ReferralOutcomes[1]: 1}, map[models.ReferralReason]int{r0: 24}, [12]int{24}, 0, 0, 4, 4), 5)
}

// bounds of a shared total from one line of a protected table: shown sum plus the masked cells' ranges.
func lineBounds(vals []int, masks []disclosure.Mask, th int) (lo, hi int) {
	inf := false
	for i, v := range vals {
		switch masks[i] {
		case disclosure.MaskShown:
			lo += v
			hi += v
		case disclosure.MaskPrimary:
			lo++
			hi += th - 1
		default:
			inf = true
		}
	}
	if inf {
		hi = 1 << 30
	}
	return
}

// TestLeakMetroRandom: the hidden total of new files (or follow-ups) cannot be pinned by the
// months table and the activity table together.
func TestLeakMetroRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 5))
	leaks, rounds := 0, 2000
	for range rounds {
		m := randomMetro(r, 1+r.IntN(6))
		th := 3 + r.IntN(4)
		tb := ProtectMetropolitan(m, th)
		for k := range 2 {
			if !tb.activity.ColTotalMasks[k].Masked() {
				continue
			}
			lo1, hi1 := lineBounds(tb.month.Cells[k], tb.month.Masks[k], th)
			var col []int
			var cm []disclosure.Mask
			for e := range tb.activity.Cells {
				col = append(col, tb.activity.Cells[e][k])
				cm = append(cm, tb.activity.Masks[e][k])
			}
			lo2, hi2 := lineBounds(col, cm, th)
			lo, hi := max(lo1, lo2), min(hi1, hi2)
			if tb.activity.ColTotalMasks[k] == disclosure.MaskPrimary {
				lo, hi = max(lo, 1), min(hi, th-1)
			}
			if lo == hi {
				leaks++
				if leaks <= 3 {
					t.Errorf("k=%d th=%d total %d pinned: months %v %v, activity col %v %v", k, th, tb.activity.ColTotals[k], tb.month.Cells[k], tb.month.Masks[k], col, cm)
				}
			}
		}
	}
	t.Logf("%d pinned shared totals in %d rounds", leaks, rounds)
}

// randomPartner draws small random partner figures (possibly none).
func randomPartner(r *rand.Rand) PartnerFigures {
	small := func() int { return [...]int{0, 0, 1, 2, 3, 4, 6, 9}[r.IntN(8)] }
	st := map[models.ReferralStatus]int{models.ReferralSent: small(), models.ReferralAcknowledged: small(),
		models.ReferralAccepted: small(), models.ReferralDeclined: small()}
	out := map[models.ReferralOutcome]int{models.ReferralOutcomes[0]: small(), models.ReferralOutcomes[1]: small()}
	st[models.ReferralClosed] = out[models.ReferralOutcomes[0]] + out[models.ReferralOutcomes[1]]
	sent := 0
	for _, n := range st {
		sent += n
	}
	acknowledged := sent - st[models.ReferralSent]
	answered := acknowledged - st[models.ReferralAcknowledged]
	return partner(st, out, map[models.ReferralReason]int{models.ReferralReasons[0]: sent}, [12]int{sent},
		r.IntN(acknowledged+1), r.IntN(st[models.ReferralSent]+1), acknowledged, answered)
}

// TestLeakPartnerRandom attacks random small partner
func TestLeakPartnerRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 5))
	for round := range 150 {
		f := randomPartner(r)
		if f.Sent == 0 {
			continue
		}
		attackPartner(t, "round "+strconv.Itoa(round), f, 3+r.IntN(3))
	}
}

// attackMetro is the exact attacker on a protected metropolitan report: it reads every table
// at once (by establishment, type, label and commune, the months) and knows that a group's
// figures add up its establishments', that the tables share their column totals and grand
// total, and that the months add up to the activity's totals. Tables that share no figure
// are attacked apart (the status table, the exits, the activity with the months), which is
// the same. It returns the masked figures it pins, or "".
func attackMetro(t *testing.T, m MetropolitanFigures, tb Metropolitan) string {
	t.Helper()
	var out []string
	for _, kind := range []struct {
		name  string
		table func(Grouping) Table
	}{{"status", tb.Status}, {"exits", tb.Exits}, {"activity", tb.Activity}, {"conflicts", tb.Conflicts}, {"reviewed", tb.PupilsReviewed}} {
		var r attacker.Report
		est := kind.table(ByEstablishment).p
		base := r.Add(kind.name+" by establishment: ", est)
		for _, g := range crossGroupings {
			p := kind.table(g).p
			q := r.Add(kind.name+" by "+string(g)+": ", p)
			for gi, members := range groupRows(m, tb, g) {
				for j := range p.Cells[gi] {
					var parts []int
					for _, e := range members {
						parts = append(parts, base.Cell(e, j))
					}
					r.Sum(q.Cell(gi, j), parts...)
				}
				if p.RowTotals != nil {
					var parts []int
					for _, e := range members {
						parts = append(parts, base.RowTotal(e))
					}
					r.Sum(q.RowTotal(gi), parts...)
				}
			}
			for j := range p.ColTotals {
				r.Sum(q.ColTotal(j), base.ColTotal(j))
			}
		}
		if kind.name == "conflicts" {
			// The metropolis's conflicts by outcome break the same grand total down.
			outcomes := r.Add("conflicts by outcome: ", tb.ConflictOutcomes().p)
			r.Sum(outcomes.RowTotal(0), base.Total())
		}
		if kind.name == "activity" {
			months := r.Add("months: ", tb.month)
			for k := range 2 {
				r.Sum(months.RowTotal(k), base.ColTotal(k))
			}
		}
		pinned, err := r.Attack(tb.threshold)
		if err != nil {
			t.Fatal(err)
		}
		if pinned != "" {
			out = append(out, pinned)
		}
	}
	return strings.Join(out, "\n")
}

// TestLeakMetroAllTablesRandom: random metropolises, protected; the exact attacker reads every
// table of each at once and pins no masked figure. The groupings print figures (the test is
// not empty) that the former rule, deriving them from the establishments' masks, hid.
func TestLeakMetroAllTablesRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(17, 13))
	printed, masked, gained := 0, 0, 0
	for round := range 150 {
		m := randomMetro(r, 1+r.IntN(5))
		th := 3 + r.IntN(4)
		tb := ProtectMetropolitan(m, th)
		if leak := attackMetro(t, m, tb); leak != "" {
			t.Fatalf("round %d, threshold %d:\n%s", round, th, leak)
		}
		for _, g := range crossGroupings {
			rows := groupRows(m, tb, g)
			for _, pair := range [][2]Table{{tb.Status(g), tb.Status(ByEstablishment)}, {tb.Activity(g), tb.Activity(ByEstablishment)},
				{tb.Exits(g), tb.Exits(ByEstablishment)}} {
				for gi, row := range pair[0].p.Masks {
					for j, mask := range row {
						if mask.Masked() {
							masked++
							continue
						}
						printed++
						for _, e := range rows[gi] {
							if pair[1].p.Masks[e][j].Masked() {
								gained++ // the former rule hid it
								break
							}
						}
					}
				}
			}
		}
	}
	t.Logf("grouped cells: %d printed (%d of them hidden by the former rule), %d masked", printed, gained, masked)
	if masked == 0 || gained == 0 {
		t.Fatal("no grouped cell masked, or none printed that the former rule hid: the test proves nothing")
	}
}

// TestLeakMetroAttackerSeesAcrossTables makes sure the attacker of attackMetro is not blind:
// the commune table printed in full next to the protected establishment table gives a masked
// count away.
func TestLeakMetroAttackerSeesAcrossTables(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(17, 13))
	for range 200 {
		m := randomMetro(r, 2+r.IntN(4))
		tb := ProtectMetropolitan(m, 5)
		gt := tb.grouped[ByCommune]
		for gi, row := range gt.Status.Masks {
			for j := range row {
				if v := gt.Status.Cells[gi][j]; v == 0 || v >= 5 {
					row[j] = disclosure.MaskShown
				} else {
					row[j] = disclosure.MaskPrimary
				}
			}
		}
		if attackMetro(t, m, tb) != "" {
			return
		}
	}
	t.Fatal("the commune table printed in full never gave a masked establishment count away: the attacker is blind")
}
