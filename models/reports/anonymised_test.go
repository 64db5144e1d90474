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

// BenchmarkProtectMetropolitan protects a metropolis of 200 establishments with small,
// random figures, as a refresh of the overview does after its queries.
func BenchmarkProtectMetropolitan(b *testing.B) {
	m := randomMetro(rand.New(rand.NewPCG(1, 2)), 200)
	for b.Loop() {
		ProtectMetropolitan(m, 5)
	}
}
