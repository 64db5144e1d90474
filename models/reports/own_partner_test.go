package reports

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"mediation/models"
	"mediation/models/disclosure"
)

// TestOwnPartnerSeesItsReferrals: the partner's own agents get unmasked the figures of the
// referrals they see one by one; the coordination gets the same figures protected.
func TestOwnPartnerSeesItsReferrals(t *testing.T) {
	t.Parallel()
	r0, r1 := models.ReferralReasons[0], models.ReferralReasons[1]
	f := partner(map[models.ReferralStatus]int{models.ReferralSent: 2, models.ReferralAcknowledged: 1, models.ReferralAccepted: 3, models.ReferralDeclined: 1},
		map[models.ReferralOutcome]int{}, map[models.ReferralReason]int{r0: 4, r1: 3}, [12]int{2, 1, 4}, 2, 1, 5, 4)
	own, coordination := ProtectOwnPartner(f, 5), ProtectPartner(f, 5)
	if !own.OwnReader() || coordination.OwnReader() {
		t.Fatalf("own reader: %v, coordination: %v", own.OwnReader(), coordination.OwnReader())
	}
	masked := func(r Partner) (n int) {
		for _, tb := range []Table{r.Statuses(), r.Reasons(), r.Months(), r.Establishments()} {
			p := tb.Counts()
			for i := range p.Masks {
				for _, m := range p.Masks[i] {
					if m.Masked() {
						n++
					}
				}
			}
			for _, m := range append(append([]disclosure.Mask(nil), p.RowTotalMasks...), p.ColTotalMasks...) {
				if m.Masked() {
					n++
				}
			}
		}
		for _, fig := range []Figure{r.Received(), r.OnTime(), r.Overdue()} {
			if _, m := fig.Value(); m.Masked() {
				n++
			}
		}
		for _, md := range []Median{r.ReplyTime(), r.AnswerTime()} {
			if _, ok := md.Value(); !ok {
				n++
			}
		}
		return n
	}
	if n := masked(own); n != 0 {
		t.Errorf("own reader, no anonymised file: %d figures masked, want 0", n)
	}
	if n := masked(coordination); n == 0 {
		t.Errorf("coordination: nothing masked in a report of 7 referrals")
	}
	if n, _ := own.Received().Value(); n != 7 {
		t.Errorf("own reader: %d received, want 7", n)
	}
	if own.Threshold() != 5 {
		t.Errorf("threshold %d", own.Threshold())
	}
}

// TestLeakOwnPartnerRandom: for the partner's own agents, who know the part of every figure
// made of the referrals they still see, the printed figures tell exactly the anonymised part
// of the shown figures, and a figure is masked exactly where the anonymised part's own
// protection masks it; the anonymised part then withstands the exact attacker.
func TestLeakOwnPartnerRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	for round := range 150 {
		visible, gone := randomPartner(r), randomPartner(r)
		if gone.Sent == 0 {
			continue
		}
		whole := partner(map[models.ReferralStatus]int{}, map[models.ReferralOutcome]int{}, map[models.ReferralReason]int{}, [12]int{}, 0, 0, 0, 0)
		for _, part := range []PartnerFigures{visible, gone} {
			for k, n := range part.ByStatus {
				whole.ByStatus[k] += n
			}
			for k, n := range part.ByOutcome {
				whole.ByOutcome[k] += n
			}
			for k, n := range part.ByReason {
				whole.ByReason[k] += n
			}
			for i, n := range part.SentByMonth {
				whole.SentByMonth[i] += n
			}
			whole.Sent += part.Sent
			whole.OnTime += part.OnTime
			whole.Overdue += part.Overdue
		}
		whole.ByEstablishment = []KeyCount{{Key: "A", N: whole.Sent}}
		whole.Anonymised = &gone
		th := 3 + r.IntN(3)
		name := "round " + strconv.Itoa(round)
		own, alone := protectSeenReferrals(whole, th), ProtectPartner(gone, th)
		chosen, coordination := ProtectOwnPartner(whole, th), ProtectPartner(whole, th)
		if want := min(own.maskedFigures(), coordination.maskedFigures()); chosen.maskedFigures() != want || !chosen.OwnReader() {
			t.Errorf("%s: the partner gets %d figures masked, want %d (its rule: %d, the coordination's: %d)", name,
				chosen.maskedFigures(), want, own.maskedFigures(), coordination.maskedFigures())
		}
		_, visibleCells := partnerStatusRows(visible)
		_, goneCells := partnerStatusRows(gone)
		printed, want := own.Statuses().Counts(), alone.Statuses().Counts()
		for i := range printed.Cells {
			switch {
			case want.Masks[i][0].Masked() != printed.Masks[i][0].Masked():
				t.Errorf("%s: status row %d masked %v for the partner, %v for its anonymised part", name, i, printed.Masks[i][0], want.Masks[i][0])
			case printed.Masks[i][0].Masked() && printed.Masks[i][0] != disclosure.MaskComplementary:
				t.Errorf("%s: status row %d printed %v, want the secret mark", name, i, printed.Masks[i][0])
			case !printed.Masks[i][0].Masked() && printed.Cells[i][0]-visibleCells[i] != goneCells[i]:
				t.Errorf("%s: status row %d: %d printed, %d visible, %d anonymised", name, i, printed.Cells[i][0], visibleCells[i], goneCells[i])
			}
		}
		for _, pair := range [][2]Figure{{own.Received(), alone.Received()}, {own.OnTime(), alone.OnTime()}, {own.Overdue(), alone.Overdue()}} {
			_, got := pair[0].Value()
			_, w := pair[1].Value()
			if got.Masked() != w.Masked() {
				t.Errorf("%s: key figure masked %v for the partner, %v for its anonymised part", name, got, w)
			}
		}
		if _, ok := own.ReplyTime().Value(); ok {
			if _, shown := ProtectPartner(whole, th).ReplyTime().Value(); !shown {
				t.Errorf("%s: a median hidden from the coordination is printed for the partner", name)
			}
		}
		attackPartner(t, name+" (anonymised part)", gone, th)
	}
}
