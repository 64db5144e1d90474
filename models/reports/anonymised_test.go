package reports

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/disclosure"
	"mediation/models/risk"
)

// randomMetro is a metropolis of n establishments with small, random figures.
func randomMetro(r *rand.Rand, n int) MetropolitanFigures {
	m := MetropolitanFigures{Year: calendar.SchoolYear{StartYear: 2025}, Elapsed: 12, Groups: map[Grouping][]ActivityGroup{},
		Names: map[string]string{}, GroupOf: map[string]map[Grouping]string{}}
	total := Activity{}
	groups := map[Grouping]map[string]*ActivityGroup{}
	for _, g := range Groupings {
		groups[g] = map[string]*ActivityGroup{}
	}
	small := func() int { return [...]int{0, 0, 1, 2, 3, 4, 5, 6, 9, 14}[r.IntN(10)] }
	for i := range n {
		a := Activity{StatusRisk: map[models.PupilStatus]map[risk.Level]int{}, FollowUpsByKind: map[models.FollowUpKind]int{},
			MeetingsByStatus:  map[models.MeetingStatus]int{models.MeetingHeld: small(), models.MeetingFamilyAbsent: small()},
			ReferralsByStatus: map[models.ReferralStatus]int{models.ReferralSent: small()}, ExitsByReason: map[models.ExitReason]int{}}
		for _, st := range models.PupilStatuses {
			a.StatusRisk[st] = map[risk.Level]int{risk.Low: small()}
		}
		for _, e := range models.ExitReasons[:3] {
			a.ExitsByReason[e] = small()
		}
		for j := range 12 {
			a.NewFilesByMonth[j], a.FollowUpsByMonth[j] = small()%3, small()
		}
		a.SchoolLife = randomSchoolLife(small)
		uai := fmt.Sprintf("E%03d", i)
		keys := map[Grouping]string{ByEstablishment: uai, ByCommune: []string{"Lille", "Roubaix", "Hem"}[r.IntN(3)],
			ByType: string(models.EstablishmentTypes[r.IntN(3)]), ByPriority: string(models.PriorityLabels[r.IntN(3)])}
		m.Names[uai], m.GroupOf[uai] = uai, keys
		for g, k := range keys {
			if groups[g][k] == nil {
				groups[g][k] = &ActivityGroup{Key: k, Activity: Activity{StatusRisk: map[models.PupilStatus]map[risk.Level]int{},
					FollowUpsByKind: map[models.FollowUpKind]int{}, MeetingsByStatus: map[models.MeetingStatus]int{},
					ReferralsByStatus: map[models.ReferralStatus]int{}, ExitsByReason: map[models.ExitReason]int{}}}
				m.Groups[g] = append(m.Groups[g], ActivityGroup{Key: k})
			}
			groups[g][k].Activity.Add(&a)
		}
		if total.StatusRisk == nil {
			total = Activity{StatusRisk: map[models.PupilStatus]map[risk.Level]int{}, FollowUpsByKind: map[models.FollowUpKind]int{},
				MeetingsByStatus: map[models.MeetingStatus]int{}, ReferralsByStatus: map[models.ReferralStatus]int{}, ExitsByReason: map[models.ExitReason]int{}}
		}
		total.Add(&a)
	}
	for g, list := range m.Groups {
		for i := range list {
			list[i] = *groups[g][list[i].Key]
		}
	}
	m.Total, m.Establishments, m.Reporting = total, n, n
	return m
}

// randomSchoolLife is an establishment's school life with small, random figures.
func randomSchoolLife(small func() int) SchoolLife {
	s := newSchoolLife()
	for _, code := range []string{"class_prevention", "parents_workshop", "gate_presence"} {
		if n := small(); n > 0 {
			s.ActionsByKind[code] = ActionFigures{Actions: n, Pupils: 20 * n, Parents: small(), Staff: small(), Minutes: 60 * n}
			if code == "gate_presence" {
				s.PresenceMinutes += 60 * n
			}
		}
	}
	for _, k := range models.ConflictKinds[:3] {
		for _, o := range ConflictOutcomes[:2] {
			if n := small(); n > 0 {
				s.addConflicts(k, o, n)
			}
		}
	}
	s.addConflicts(models.ConflictOnline, models.OutcomePending, small())
	s.Sessions, s.PupilsReviewed = small()%3, small()
	s.Reviews = s.PupilsReviewed + small()
	return s
}

// groupRows lists, for each group of grouping g in the report's order, its establishment
// rows.
func groupRows(m MetropolitanFigures, tables Metropolitan, g Grouping) [][]int {
	rows := make([][]int, len(tables.keys[g]))
	for e, uai := range tables.keys[ByEstablishment] {
		for gi, key := range tables.keys[g] {
			if key == m.GroupOf[uai][g] {
				rows[gi] = append(rows[gi], e)
			}
		}
	}
	return rows
}

// TestMetropolitanTablesAgree: every grouping adds up the establishments' figures, a figure
// printed in two tables (a column total, the grand total, a month total) has one mask, and no
// small count is printed anywhere.
func TestMetropolitanTablesAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	printed, grouped := 0, 0
	for round := range 200 {
		m := randomMetro(r, 1+r.IntN(12))
		threshold := 3 + r.IntN(4)
		tables := ProtectMetropolitan(m, threshold)
		for k := range 2 {
			if tables.month.RowTotalMasks[k] != disclosure.MaskShown != tables.activity.ColTotalMasks[k].Masked() {
				t.Fatalf("round %d: the months total %d and the activity total disagree on their mask", round, k)
			}
		}
		for _, g := range Groupings {
			rows := groupRows(m, tables, g)
			for _, pair := range [][2]disclosure.Protected{{tables.status, tables.Status(g).p}, {tables.activity, tables.Activity(g).p},
				{tables.exits, tables.Exits(g).p}} {
				est, d := pair[0], pair[1]
				if len(d.Cells) != len(rows) {
					t.Fatalf("round %d: %d groups by %s, want %d", round, len(d.Cells), g, len(rows))
				}
				for gi, members := range rows {
					for j := range d.Cells[gi] {
						sum := 0
						for _, e := range members {
							sum += est.Cells[e][j]
						}
						if d.Cells[gi][j] != sum {
							t.Fatalf("round %d: group %s, column %d: %d, its establishments add up to %d", round, tables.keys[g][gi], j, d.Cells[gi][j], sum)
						}
						if g != ByEstablishment {
							grouped++
							if !d.Masks[gi][j].Masked() {
								printed++
							}
						}
					}
				}
				if !slices.Equal(d.ColTotals, est.ColTotals) || !slices.Equal(d.ColTotalMasks, est.ColTotalMasks) || d.Total != est.Total || d.TotalMask != est.TotalMask {
					t.Fatalf("round %d: the totals by %s differ from the establishments'", round, g)
				}
				for i := range d.Cells {
					for j, v := range d.Cells[i] {
						if v >= 1 && v < threshold && !d.Masks[i][j].Masked() {
							t.Fatalf("round %d: a small count %d is printed in clear", round, v)
						}
					}
				}
				for i, v := range d.RowTotals {
					if v >= 1 && v < threshold && !d.RowTotalMasks[i].Masked() {
						t.Fatalf("round %d: a small total %d is printed in clear", round, v)
					}
				}
			}
		}
	}
	if printed == 0 || printed == grouped {
		t.Fatalf("%d of %d grouped cells printed: the test proves nothing", printed, grouped)
	}
}

// TestSchoolLifeTablesAgree: the school-life tables of every grouping add up the
// establishments' figures, share their totals, print no small count of conflicts or pupils
// reviewed, and the metropolis's conflicts by outcome agree with the conflicts table.
func TestSchoolLifeTablesAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	masked, printed := 0, 0
	for round := range 200 {
		m := randomMetro(r, 1+r.IntN(12))
		threshold := 3 + r.IntN(4)
		tables := ProtectMetropolitan(m, threshold)
		if !tables.HasSchoolLife() {
			t.Fatal("no school-life tables")
		}
		// The establishments' rows are their figures.
		for e, ag := range m.Groups[ByEstablishment] {
			sl := ag.SchoolLife
			a := sl.Actions()
			if got, want := tables.LifeEvents(ByEstablishment).p.Cells[e], []int{a.Actions, a.Pupils, a.Parents, a.Staff, a.Minutes,
				sl.PresenceMinutes, sl.Sessions}; !slices.Equal(got, want) {
				t.Fatalf("round %d: events of %s %v, want %v", round, ag.Key, got, want)
			}
			if got := tables.PupilsReviewed(ByEstablishment).p.Cells[e][0]; got != sl.PupilsReviewed {
				t.Fatalf("round %d: pupils reviewed of %s %d, want %d", round, ag.Key, got, sl.PupilsReviewed)
			}
			for j, k := range models.ConflictKinds {
				if got := tables.Conflicts(ByEstablishment).p.Cells[e][j]; got != sl.ConflictsByKind(k) {
					t.Fatalf("round %d: %s conflicts of %s %d, want %d", round, k, ag.Key, got, sl.ConflictsByKind(k))
				}
			}
		}
		for _, g := range Groupings {
			rows := groupRows(m, tables, g)
			for _, pair := range []struct {
				protected bool
				est, d    disclosure.Protected
			}{{false, tables.life.Events, tables.LifeEvents(g).p}, {true, tables.life.Conflicts, tables.Conflicts(g).p},
				{true, tables.life.Reviewed, tables.PupilsReviewed(g).p}} {
				est, d := pair.est, pair.d
				if len(d.Cells) != len(rows) {
					t.Fatalf("round %d: %d groups by %s, want %d", round, len(d.Cells), g, len(rows))
				}
				for gi, members := range rows {
					for j := range d.Cells[gi] {
						sum := 0
						for _, e := range members {
							sum += est.Cells[e][j]
						}
						if d.Cells[gi][j] != sum {
							t.Fatalf("round %d: group %s, column %d: %d, its establishments add up to %d", round, tables.keys[g][gi], j, d.Cells[gi][j], sum)
						}
						if !pair.protected {
							if d.Masks[gi][j].Masked() {
								t.Fatalf("round %d: an action or session count is masked", round)
							}
							continue
						}
						if v := d.Cells[gi][j]; v >= 1 && v < threshold && !d.Masks[gi][j].Masked() {
							t.Fatalf("round %d: a small count %d is printed in clear by %s", round, v, g)
						}
						if d.Masks[gi][j].Masked() {
							masked++
						} else {
							printed++
						}
					}
				}
				for i, v := range d.RowTotals {
					if pair.protected && v >= 1 && v < threshold && !d.RowTotalMasks[i].Masked() {
						t.Fatalf("round %d: a small total %d is printed in clear", round, v)
					}
				}
				if !slices.Equal(d.ColTotals, est.ColTotals) || !slices.Equal(d.ColTotalMasks, est.ColTotalMasks) || d.Total != est.Total || d.TotalMask != est.TotalMask {
					t.Fatalf("round %d: the totals by %s differ from the establishments'", round, g)
				}
			}
		}
		o, c := tables.ConflictOutcomes().p, tables.life.Conflicts
		if o.RowTotals[0] != c.Total || o.RowTotalMasks[0].Masked() != c.TotalMask.Masked() {
			t.Fatalf("round %d: the conflicts by outcome total %d (%v), the conflicts table %d (%v)", round, o.RowTotals[0], o.RowTotalMasks[0], c.Total, c.TotalMask)
		}
		for j, out := range ConflictOutcomes {
			if o.Cells[0][j] != m.Total.SchoolLife.ConflictsByOutcome(out) {
				t.Fatalf("round %d: %s conflicts %d, want %d", round, out, o.Cells[0][j], m.Total.SchoolLife.ConflictsByOutcome(out))
			}
			if v := o.Cells[0][j]; v >= 1 && v < threshold && !o.Masks[0][j].Masked() {
				t.Fatalf("round %d: a small count of conflicts by outcome %d is printed", round, v)
			}
		}
	}
	if masked == 0 || printed == 0 {
		t.Fatalf("%d masked, %d printed: the test proves nothing", masked, printed)
	}
}

// BenchmarkProtectMetropolitan protects a metropolis of 200 establishments with small,
// random figures, as a refresh of the overview does after its queries.
func BenchmarkProtectMetropolitan(b *testing.B) {
	m := randomMetro(rand.New(rand.NewPCG(1, 2)), 200)
	for b.Loop() {
		ProtectMetropolitan(m, 5)
	}
}
