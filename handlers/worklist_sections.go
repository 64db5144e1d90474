package handlers

import (
	"context"
	"slices"
	"strings"
	"time"

	"mediation/models"
	"mediation/models/calendar"
)

// WorkSection is a part of the worklist, most urgent first: its anchor (the counts at the top
// link to it), its title's catalog key and its lines.
type WorkSection struct {
	ID    string
	Title string
	Lines []WorkLine
}

// WorkLine is a compact line of the worklist: one of its rows, with the name of the
// establishment it belongs to.
type WorkLine struct {
	Establishment string
	Late          bool
	Action        *models.ActionRow
	Meeting       *models.MeetingRow
	Referral      *models.ReferralRow
	Absence       *models.AbsenceAlert
	Silent        *models.WorkPupil
	Conflict      *models.ConflictRow
	Review        *models.ReviewWorkRow
	when          time.Time
}

// workSections groups the worklist by urgency — overdue, today, absence alerts, conflicts to
// review, this week, no contact, open decisions of the last prevention group, meetings without
// recap, referrals to chase, answers — and, within a part, by
// establishment (then soonest first). Empty parts are left out.
func (h *Handlers) workSections(ctx context.Context, p WorklistPage) ([]WorkSection, error) {
	var ids []uint
	for _, a := range p.Actions {
		ids = append(ids, a.PupilID)
	}
	for _, a := range p.Absences {
		ids = append(ids, a.ID)
	}
	for _, s := range p.Silent {
		ids = append(ids, s.ID)
	}
	names, err := models.EstablishmentNamesOfPupils(ctx, h.DB, ids)
	if err != nil {
		return nil, err
	}
	today := p.Today
	overdue := WorkSection{ID: "wl-overdue", Title: "worklist.group.overdue"}
	now := WorkSection{ID: "wl-today", Title: "worklist.group.today"}
	week := WorkSection{ID: "wl-week", Title: "worklist.group.week"}
	for i := range p.Actions {
		a := &p.Actions[i]
		l := WorkLine{Establishment: names[a.PupilID], Action: a, Late: p.Overdue(*a), when: a.DueOn}
		switch {
		case l.Late:
			overdue.Lines = append(overdue.Lines, l)
		case a.DueOn.Equal(today):
			now.Lines = append(now.Lines, l)
		default:
			week.Lines = append(week.Lines, l)
		}
	}
	for i := range p.Upcoming {
		m := &p.Upcoming[i]
		l := WorkLine{Establishment: m.EstablishmentName, Meeting: m, when: m.ScheduledAt}
		if calendar.Today(m.ScheduledAt).After(today) {
			week.Lines = append(week.Lines, l)
		} else {
			now.Lines = append(now.Lines, l)
		}
	}
	absences := WorkSection{ID: "wl-absences", Title: "worklist.absences"}
	for i := range p.Absences {
		absences.Lines = append(absences.Lines, WorkLine{Establishment: names[p.Absences[i].ID], Absence: &p.Absences[i]})
	}
	silent := WorkSection{ID: "wl-silent", Title: "worklist.silent"}
	for i := range p.Silent {
		silent.Lines = append(silent.Lines, WorkLine{Establishment: names[p.Silent[i].ID], Silent: &p.Silent[i]})
	}
	recap := WorkSection{ID: "wl-recap", Title: "worklist.without_recap"}
	for i := range p.WithoutRecap {
		recap.Lines = append(recap.Lines, WorkLine{Establishment: p.WithoutRecap[i].EstablishmentName, Meeting: &p.WithoutRecap[i]})
	}
	chase := WorkSection{ID: "wl-overdue-referrals", Title: "worklist.overdue_referrals"}
	for i := range p.OverdueReferrals {
		chase.Lines = append(chase.Lines, WorkLine{Establishment: p.OverdueReferrals[i].EstablishmentName, Referral: &p.OverdueReferrals[i], Late: true})
	}
	answered := WorkSection{ID: "wl-answered", Title: "worklist.answered"}
	for i := range p.Answered {
		answered.Lines = append(answered.Lines, WorkLine{Establishment: p.Answered[i].EstablishmentName, Referral: &p.Answered[i]})
	}
	conflicts := WorkSection{ID: "wl-conflicts", Title: "conflicts.worklist.title"}
	for i := range p.Conflicts {
		c := &p.Conflicts[i]
		conflicts.Lines = append(conflicts.Lines, WorkLine{Establishment: c.EstablishmentName, Conflict: c, Late: c.FollowUpOn.Before(today),
			when: *c.FollowUpOn})
	}
	reviews := WorkSection{ID: "wl-reviews", Title: "reviews.worklist.open"}
	for i := range p.Reviews {
		r := &p.Reviews[i]
		reviews.Lines = append(reviews.Lines, WorkLine{Establishment: r.EstablishmentName, Review: r, Late: r.DueOn.Before(today), when: r.DueOn})
	}
	var out []WorkSection
	key := models.FrenchOrder() // establishments in the order a French reader expects
	keys := map[string]string{}
	frenchKey := func(name string) string {
		k, ok := keys[name]
		if !ok {
			k = key(name)
			keys[name] = k
		}
		return k
	}
	for _, s := range []WorkSection{overdue, now, absences, conflicts, week, silent, reviews, recap, chase, answered} {
		if len(s.Lines) == 0 {
			continue
		}
		// Within a part, by establishment; within one, the lists' own order (soonest first),
		// the merged actions and meetings by date.
		slices.SortStableFunc(s.Lines, func(a, b WorkLine) int {
			if c := strings.Compare(frenchKey(a.Establishment), frenchKey(b.Establishment)); c != 0 {
				return c
			}
			return a.when.Compare(b.when)
		})
		out = append(out, s)
	}
	return out, nil
}
