package demodata

import (
	"fmt"
	"time"
)

// checkActivities checks the collective actions of a data set: held before today on a
// midnight UTC date, with at least one participant, and presence slots or sessions in the
// demo mediator's first establishment.
func checkActivities(d dataset, now time.Time) []string {
	var problems []string
	today := civil(now)
	kinds := map[string]int{}
	for _, r := range d.activities {
		a := r.a
		switch {
		case !a.HeldOn.Before(today) || a.HeldOn.Before(today.AddDate(0, 0, -7*activityWeeks-7)):
			problems = append(problems, fmt.Sprintf("activity held on %v, today %v", a.HeldOn, today))
		case a.HeldOn.Location() != time.UTC || a.HeldOn.Hour() != 0:
			problems = append(problems, fmt.Sprintf("activity date is not a midnight UTC date: %v", a.HeldOn))
		case a.Pupils+a.Parents+a.Staff == 0:
			problems = append(problems, "activity without participant")
		case a.CreatedAt.After(now):
			problems = append(problems, fmt.Sprintf("activity recorded in the future: %v", a.CreatedAt))
		}
		if r.est == 0 {
			kinds[r.kind]++
		}
	}
	// Past the first weeks of the school year, the demo mediator has actions to show (the
	// summer holidays draw nothing).
	if rentree := time.Date(today.Year(), time.September, 21, 0, 0, 0, 0, time.UTC); (today.Before(rentree.AddDate(0, -2, -20)) || !today.Before(rentree)) &&
		kinds["recess_presence"]+kinds["prevention_session"] == 0 {
		problems = append(problems, "no presence slot nor session in the demo mediator's establishment")
	}
	return problems
}
