package reports

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"mediation/models/disclosure"
)

// TestSnapshotHoldsOnlyPrintedFigures: what a snapshot stores is what the protected report
// prints, nothing more (a masked count is stored as zero, a hidden median or time spent not at
// all), and the report read back prints exactly the same: the attacks on ProtectMetropolitan
// (leak_test.go) hold for the figures served from snapshots.
func TestSnapshotHoldsOnlyPrintedFigures(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 8))
	masked := 0
	for round := range 300 {
		m := randomMetro(r, 1+r.IntN(8))
		th := 3 + r.IntN(4)
		protected := ProtectMetropolitan(m, th)
		b, err := json.Marshal(protected.payload())
		if err != nil {
			t.Fatal(err)
		}
		var stored metroPayload
		if err := json.Unmarshal(b, &stored); err != nil {
			t.Fatal(err)
		}
		tables := map[string]disclosure.Protected{"status": stored.Status, "activity": stored.Activity, "exits": stored.Exits, "months": stored.Month}
		if len(stored.Grouped) != len(crossGroupings) {
			t.Fatalf("round %d: the snapshot holds %d groupings", round, len(stored.Grouped))
		}
		for g, gt := range stored.Grouped {
			tables["status by "+string(g)], tables["activity by "+string(g)], tables["exits by "+string(g)] = gt.Status, gt.Activity, gt.Exits
		}
		if stored.SchoolLife == nil {
			t.Fatalf("round %d: the snapshot holds no school-life table", round)
		}
		tables["conflicts"], tables["reviewed"], tables["outcomes"] = stored.SchoolLife.Conflicts, stored.SchoolLife.Reviewed, stored.SchoolLife.Outcomes
		for g, lg := range stored.SchoolLife.Grouped {
			tables["conflicts by "+string(g)], tables["reviewed by "+string(g)] = lg.Conflicts, lg.Reviewed
		}
		for name, p := range tables {
			for i, row := range p.Cells {
				for j, v := range row {
					if p.Masks[i][j].Masked() {
						masked++
						if v != 0 {
							t.Fatalf("round %d: the snapshot stores the masked %s cell %d,%d: %d", round, name, i, j, v)
						}
					}
				}
			}
			for _, margin := range []struct {
				values []int
				masks  []disclosure.Mask
			}{{p.RowTotals, p.RowTotalMasks}, {p.ColTotals, p.ColTotalMasks}} {
				for i, v := range margin.values {
					if margin.masks[i].Masked() && v != 0 {
						t.Fatalf("round %d: the snapshot stores a masked %s total: %d", round, name, v)
					}
				}
			}
			if p.TotalMask.Masked() && p.Total != 0 {
				t.Fatalf("round %d: the snapshot stores the masked %s grand total", round, name)
			}
		}
		if _, shown := protected.FollowUpMinutes(); !shown && stored.FollowUpMinutes != 0 {
			t.Fatalf("round %d: the snapshot stores the time spent in masked follow-ups", round)
		}
		if _, shown := protected.ReplyTime().Value(); !shown && stored.ReplyTime != (ReplyTime{}) {
			t.Fatalf("round %d: the snapshot stores a hidden median", round)
		}
		back, err := reportSnapshot{Year: m.Year.String(), Threshold: th, Elapsed: m.Elapsed, Payload: string(b)}.metropolitan(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range Groupings {
			for name, pair := range map[string][2]Table{"status": {protected.Status(g), back.Status(g)},
				"activity": {protected.Activity(g), back.Activity(g)}, "exits": {protected.Exits(g), back.Exits(g)},
				"life events": {protected.LifeEvents(g), back.LifeEvents(g)}, "conflicts": {protected.Conflicts(g), back.Conflicts(g)},
				"reviewed": {protected.PupilsReviewed(g), back.PupilsReviewed(g)}} {
				if !reflect.DeepEqual(pair[0].Counts(), pair[1].Counts()) {
					t.Fatalf("round %d: the %s table by %s read back prints otherwise", round, name, g)
				}
			}
			if !reflect.DeepEqual(protected.Keys(g), back.Keys(g)) {
				t.Fatalf("round %d: the groups by %s read back differ", round, g)
			}
		}
		if !reflect.DeepEqual(protected.ConflictOutcomes().Counts(), back.ConflictOutcomes().Counts()) {
			t.Fatalf("round %d: the conflicts by outcome read back print otherwise", round)
		}
		if !reflect.DeepEqual(protected.Months().Counts(), back.Months().Counts()) || protected.ReplyTime() != back.ReplyTime() {
			t.Fatalf("round %d: the months or the median read back print otherwise", round)
		}
		mp, sp := protected.FollowUpMinutes()
		mb, sb := back.FollowUpMinutes()
		if mp != mb || sp != sb {
			t.Fatalf("round %d: the time spent read back differs", round)
		}
	}
	if masked == 0 {
		t.Fatal("no masked cell in any round: the test proves nothing")
	}
}
