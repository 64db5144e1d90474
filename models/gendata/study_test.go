package gendata

import (
	"testing"

	"mediation/models"
)

// studyChunk draws the rows of every file of the tiny scale in a study with the effect, without
// a database.
func studyChunk(t *testing.T, study *Study) (*planner, *chunk) {
	t.Helper()
	size, _ := scaleTiny.Size()
	p := newPlanner(Options{Scale: scaleTiny, Seed: 3, Now: genDays[0].now.UTC(), Study: study}, size)
	p.plan()
	ids := refs{ests: make([]uint, len(p.ests)), partners: make([]uint, len(partnerSpecs)), users: make([]uint, len(p.users))}
	return p, p.chunk(ids, p.pupils)
}

// activation is the day the file's active follow-up first started, 0 for none.
func activation(pp *pupilPlan) day {
	for _, st := range pp.steps {
		if st.status == models.StatusActive {
			return st.on
		}
	}
	return 0
}

func TestStudyShapesTheAbsences(t *testing.T) {
	t.Parallel()
	p, none := studyChunk(t, &Study{})
	_, halved := studyChunk(t, &Study{Effect: 0.5})

	// Each file brings its months before the opening, and the month before it is a peak.
	var peak, history, nPeak, nHistory, before int
	byPupil := map[uint][]models.MonthlyIndicator{}
	for _, ind := range none.indicators {
		byPupil[ind.PupilID] = append(byPupil[ind.PupilID], ind)
	}
	for i, pp := range p.pupils {
		opened := pp.identified().monthStart()
		peakMonth := p.schoolMonthBefore(opened)
		hasBefore := false
		for _, ind := range byPupil[uint(i)] {
			switch m := ind.Month; {
			case m == peakMonth.month():
				peak += *ind.UnjustifiedHalfDays
				nPeak++
				hasBefore = true
			case m < peakMonth.month():
				history += *ind.UnjustifiedHalfDays
				nHistory++
				hasBefore = true
			}
		}
		if hasBefore || peakMonth < p.first {
			before++
		}
	}
	if before != len(p.pupils) || nPeak == 0 || nHistory == 0 {
		t.Fatalf("%d of %d files have months before their opening (%d peaks, %d earlier months)", before, len(p.pupils), nPeak, nHistory)
	}
	if ratio := (float64(peak) / float64(nPeak)) / (float64(history) / float64(nHistory)); ratio < 1.5 {
		t.Errorf("the peak month holds %.2f times the absences of the months before it, want about 2", ratio)
	}

	// A share of the files waits for active follow-up, as on a waiting list.
	waited, activated := 0, 0
	for _, pp := range p.pupils {
		if a := activation(pp); a != 0 && pp.steps[1].status == models.StatusActive {
			activated++
			if a-pp.identified() >= studyWaitMin {
				waited++
			}
		}
	}
	if share := float64(waited) / float64(activated); share < studyWaiting-0.15 || share > studyWaiting+0.15 {
		t.Errorf("%d of %d files waited for active follow-up, want about %.0f %%", waited, activated, 100*studyWaiting)
	}

	// The planted effect: the same months, the same absences before the follow-up starts,
	// half of them after (the monthly draws diverge once an exclusion depends on the level).
	if len(halved.indicators) != len(none.indicators) {
		t.Fatalf("%d indicators with the effect, %d without", len(halved.indicators), len(none.indicators))
	}
	var after0, afterHalved int
	for k, ind := range none.indicators {
		h := halved.indicators[k]
		if h.PupilID != ind.PupilID || h.Month != ind.Month {
			t.Fatalf("indicator %d: pupil %d %s with the effect, %d %s without", k, h.PupilID, h.Month, ind.PupilID, ind.Month)
		}
		a := activation(p.pupils[ind.PupilID])
		switch {
		case a == 0 || ind.Month <= a.month():
			if *h.UnjustifiedHalfDays != *ind.UnjustifiedHalfDays {
				t.Fatalf("pupil %d, %s, before its follow-up: %d with the effect, %d without", ind.PupilID, ind.Month,
					*h.UnjustifiedHalfDays, *ind.UnjustifiedHalfDays)
			}
		default:
			after0 += *ind.UnjustifiedHalfDays
			afterHalved += *h.UnjustifiedHalfDays
		}
	}
	if ratio := float64(afterHalved) / float64(after0); ratio < 0.4 || ratio > 0.6 {
		t.Errorf("after the start of follow-up: %d half-days with an effect of 50 %%, %d without (%.2f)", afterHalved, after0, ratio)
	}
}
