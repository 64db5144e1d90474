package demodata

import (
	"time"

	"mediation/models"
	"mediation/models/internal/sampledata"
	"mediation/models/internal/schoolcal"
)

// followUps logs contacts through the file's phases, a closing note for a closed file, and the
// next actions some of them set.
func (g *gen) followUps(p *plan) {
	var days []time.Time
	for _, ph := range p.phases {
		d := addDays(ph.from, g.between(0, 2))
		for {
			d = nextWorkday(d)
			if d.After(ph.to) || d.After(g.yesterday) {
				break
			}
			days = append(days, d)
			d = addDays(d, g.between(ph.gapLo, ph.gapHi))
		}
	}
	if len(days) > 0 && p.open() && !p.scn.stale {
		// A file in active follow-up has had a contact in the last two weeks.
		if recent := prevWorkday(addDays(g.today, -g.between(1, 7))); days[len(days)-1].Before(addDays(g.today, -14)) &&
			recent.After(days[len(days)-1]) {
			days = append(days, recent)
		}
	}
	if p.scn.final == models.StatusClosed && (len(days) == 0 || days[len(days)-1].Before(p.closed)) {
		days = append(days, p.closed)
	}
	for i, d := range days {
		kind, minutes := sampledata.FollowUpKind(g.r)
		note := pick(g, sampledata.FollowUpNotes[kind])
		restricted := false
		switch {
		case p.scn.final == models.StatusClosed && d.Equal(p.closed) && i == len(days)-1:
			kind, minutes, note = models.FollowUpPupilInterview, 30, sampledata.ClosingNotes[p.scn.exit]
		case g.chance(0.1):
			kind = pick(g, []models.FollowUpKind{models.FollowUpPupilInterview, models.FollowUpFamilyPhone, models.FollowUpHomeVisit})
			note, restricted = pick(g, sampledata.RestrictedNotes), true
		}
		created := at(d, 17, g.between(0, 59))
		fi := len(g.d.followUps)
		g.d.followUps = append(g.d.followUps, followUpRow{f: models.FollowUp{
			OccurredOn: d, Kind: kind, DurationMinutes: minutes, Note: p.text().Fill(note), Restricted: restricted,
			Version: 1, CreatedAt: created, UpdatedAt: created,
		}, pupil: p.idx, author: p.mediator})
		chance := 0.3
		if i == len(days)-1 && p.open() {
			chance = 0.7 // the latest contact of an open file usually leaves something to do
		}
		if g.chance(chance) {
			a := pick(g, sampledata.NextActions)
			g.nextAction(p, fi, -1, d, created, g.between(3, 14), a.Owner, a.Text)
		}
	}
}

// ensureDueSoon makes sure the worklist has an action due in the coming days, even in the
// summer, when the drawn ones all wait for the start of the school year: the latest contact
// of an open file in the demo mediator's establishments sets one.
func (g *gen) ensureDueSoon() {
	week := addDays(g.today, 7)
	for _, a := range g.d.actions {
		if a.a.DoneAt == nil && !a.a.DueOn.Before(g.today) && a.a.DueOn.Before(week) {
			return
		}
	}
	for i := len(g.d.followUps) - 1; i >= 0; i-- {
		f := g.d.followUps[i]
		p := g.plans[f.pupil]
		if !p.open() || p.est > 1 {
			continue
		}
		due := nextWeekday(addDays(g.today, g.between(0, 3)))
		g.d.actions = append(g.d.actions, actionRow{a: models.NextAction{
			Description: p.text().Fill("Rappeler {g} pour faire le point sur l'assiduité"), DueOn: due,
			CreatedAt: f.f.CreatedAt, UpdatedAt: f.f.CreatedAt,
		}, pupil: p.idx, followUp: i, meeting: -1, owner: p.mediator, createdBy: p.mediator})
		return
	}
}

// nextAction adds an action set on day `from` (by a follow-up or a meeting), due `in` days
// later. Past due dates are mostly done; those of a closed file were all settled by its closure.
func (g *gen) nextAction(p *plan, followUp, meeting int, from time.Time, created time.Time, in int, owner, text string) {
	due := nextWeekday(addDays(from, in))
	if !schoolcal.Workday(due) {
		// Due in the summer break: it waits for the start of the school year.
		due = nextWeekday(date(due.Year(), time.September, 1+g.between(0, 3)))
		owner, text = "", "Faire le point avec {g} à la rentrée"
	}
	a := models.NextAction{Description: p.text().Fill(text), DueOn: due, OwnerLabel: owner, CreatedAt: created, UpdatedAt: created}
	ownerIdx := -1
	if owner == "" {
		ownerIdx = p.mediator
	}
	var done time.Time
	switch {
	case p.scn.final == models.StatusClosed:
		done = minDay(due, p.closed)
	case due.Before(g.today):
		odds := 0.5
		if due.Before(addDays(g.today, -21)) {
			odds = 0.9
		}
		if g.chance(odds) {
			done = minDay(addDays(due, g.between(-3, 2)), g.yesterday)
		}
	}
	if !done.IsZero() {
		t := at(maxDay(done, from), 16, g.between(0, 59))
		if t.Before(created) {
			t = created.Add(30 * time.Minute)
		}
		t = g.clampNow(t)
		a.DoneAt, a.UpdatedAt = &t, t
	}
	g.d.actions = append(g.d.actions, actionRow{a: a, pupil: p.idx, followUp: followUp, meeting: meeting,
		owner: ownerIdx, createdBy: p.mediator})
}

// meetings holds the past family–school meetings of a file: most held, some with the family
// absent, postponed (and then held) or cancelled; a few recent ones still wait for their recap.
func (g *gen) meetings(p *plan) {
	if len(p.phases) == 0 {
		return
	}
	n := 0
	switch x := g.r.Float64(); {
	case x < 0.3:
	case x < 0.7:
		n = 1
	case x < 0.9:
		n = 2
	default:
		n = 3
	}
	var days []time.Time
	for range n {
		ph := pick(g, p.phases)
		from, to := addDays(ph.from, 1), minDay(ph.to, g.yesterday)
		if to.Before(from) {
			continue
		}
		// Meetings take place at school, on school days.
		d := prevSchoolDay(g.dayIn(from, to))
		if d.Before(from) {
			continue
		}
		days = append(days, d)
	}
	for _, d := range days {
		status := sampledata.PastMeetingStatus(g.r)
		g.meeting(p, d, status, false)
		if status == models.MeetingPostponed {
			// The postponed meeting takes place two or three weeks later, or is still to come.
			later := nextSchoolDay(addDays(d, g.between(7, 21)))
			switch {
			case !later.After(minDay(p.end(g), g.yesterday)):
				g.meeting(p, later, models.MeetingHeld, false)
			case p.open():
				g.meeting(p, nextWeekday(maxDay(later, addDays(g.today, 1))), models.MeetingPlanned, false)
			}
		}
	}
}

// upcomingMeetings plans meetings for open files: several in the coming seven days among the
// first establishments' pupils (the worklist's "meetings of the week"), others later.
func (g *gen) upcomingMeetings() {
	open := g.sortedPlans(func(p *plan) bool { return p.open() && len(p.phases) > 0 })
	// And at least one meeting held this week whose recap is still to write.
	pending := false
	for _, m := range g.d.meetings {
		pending = pending || (m.m.Status == models.MeetingHeld && m.m.RecapAt == nil)
	}
	if !pending {
		d := prevWeekday(addDays(g.today, -g.between(1, 4)))
		for _, p := range open {
			if p.est <= 1 && p.activated.Before(d) && !p.scn.stale {
				g.meeting(p, d, models.MeetingHeld, true)
				break
			}
		}
	}
	week := 0
	for _, p := range open {
		switch {
		case p.est <= 2 && week < 6 && g.chance(0.3):
			g.meeting(p, nextWeekday(addDays(g.today, g.between(1, 6))), models.MeetingPlanned, false)
			week++
		case g.chance(0.15):
			g.meeting(p, nextWeekday(addDays(g.today, g.between(8, 35))), models.MeetingPlanned, false)
		}
	}
}

// meeting adds one meeting on day d; a held one gets its recap unless it is recent (then half
// the time it still waits for it) or noRecap is set.
func (g *gen) meeting(p *plan, d time.Time, status models.MeetingStatus, noRecap bool) {
	scheduled := at(d, g.between(8, 16), 30*g.r.IntN(2))
	if status == models.MeetingPlanned && !scheduled.After(g.now) {
		scheduled = at(addDays(g.today, 1), 10, 0)
	}
	duration := g.between(6, 18) * 5
	interpreter := false
	for _, gp := range p.guardians {
		interpreter = interpreter || gp.interpreter
	}
	created := at(maxDay(addDays(d, -g.between(4, 15)), p.activated), 8, 0)
	if created.After(g.now) {
		created = g.now.Add(-time.Hour)
	}
	if status == models.MeetingPlanned {
		created = g.clampNow(at(maxDay(addDays(g.today, -g.between(1, 10)), p.activated), 11, g.between(0, 59)))
	}
	m := models.Meeting{
		ScheduledAt: scheduled, DurationMinutes: duration, Place: pick(g, sampledata.MeetingPlaces),
		Purpose: p.text().Fill(pick(g, sampledata.MeetingPurposes)), InterpreterNeeded: interpreter, Status: status, Version: 1,
		CreatedAt: created, UpdatedAt: created,
	}
	over := scheduled.Add(time.Duration(duration) * time.Minute)
	switch status {
	case models.MeetingHeld:
		recent := daysBetween(d, g.today) <= 10
		if noRecap || (recent && g.chance(0.5)) || g.chance(0.04) {
			m.UpdatedAt = g.clampNow(over.Add(10 * time.Minute)) // held, recap still to write
		} else {
			recapAt := g.clampNow(over.Add(time.Duration(g.between(30, 30*60)) * time.Minute))
			m.Recap, m.RecapAt, m.UpdatedAt = sampledata.Recap(g.r, p.text()), &recapAt, recapAt
		}
	case models.MeetingFamilyAbsent:
		m.UpdatedAt = g.clampNow(over)
	case models.MeetingPostponed, models.MeetingCancelled:
		m.UpdatedAt = maxTime(created, at(addDays(d, -g.between(0, 2)), 9, 0))
	}
	mi := len(g.d.meetings)
	g.d.meetings = append(g.d.meetings, meetingRow{m: m, pupil: p.idx, organiser: p.mediator})
	g.participants(p, mi, status, interpreter)

	switch {
	case m.RecapAt != nil:
		for _, k := range g.r.Perm(len(sampledata.MeetingActions))[:g.between(1, 2)] {
			a := sampledata.MeetingActions[k]
			g.nextAction(p, -1, mi, d, *m.RecapAt, g.between(7, 21), a.Owner, a.Text)
		}
	case status == models.MeetingFamilyAbsent:
		g.nextAction(p, -1, mi, d, m.UpdatedAt, g.between(2, 7), "", "Recontacter {g} pour fixer un nouveau rendez-vous")
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (g *gen) participants(p *plan, mi int, status models.MeetingStatus, interpreter bool) {
	over := status == models.MeetingHeld || status == models.MeetingFamilyAbsent
	came := func(family bool) *bool {
		if !over {
			return nil
		}
		v := true
		switch {
		case status == models.MeetingFamilyAbsent && family:
			v = false
		case status == models.MeetingHeld && g.chance(0.12):
			v = false
		}
		return &v
	}
	add := func(role models.ParticipantRole, name string, user int, family bool) {
		g.d.participants = append(g.d.participants, participantRow{p: models.MeetingParticipant{
			Role: role, Name: name, Attended: came(family),
		}, meeting: mi, user: user})
	}
	for i, gp := range p.guardians {
		if i == 0 || g.chance(0.6) {
			add(models.ParticipantGuardian, gp.first+" "+gp.last+" ("+gp.relation+")", -1, true)
		}
	}
	if g.chance(0.7) {
		add(models.ParticipantPupil, p.first+" "+p.last, -1, true)
	}
	add(models.ParticipantMediator, accountSpecs[p.mediator].name, p.mediator, false)
	if g.chance(0.7) {
		add(models.ParticipantCPE, sampledata.CPENames[p.est]+", CPE", -1, false)
	}
	if g.chance(0.5) {
		add(models.ParticipantPrincipalTeacher, pick(g, sampledata.TeacherNames)+", professeur principal", -1, false)
	}
	if g.chance(0.25) {
		if p.est == 0 {
			add(models.ParticipantHeadTeacher, accountSpecs[uHeadTeacher].name, uHeadTeacher, false)
		} else {
			add(models.ParticipantHeadTeacher, "Direction de l'établissement", -1, false)
		}
	}
	if g.chance(0.15) {
		add(models.ParticipantSocialWorker, "Assistante sociale scolaire", -1, false)
	}
	if g.chance(0.1) {
		add(models.ParticipantNurse, "Infirmière scolaire", -1, false)
	}
	if interpreter {
		add(models.ParticipantInterpreter, "Interprète ("+p.guardians[0].language+")", -1, false)
	}
	if g.chance(0.08) {
		add(models.ParticipantPartner, "Conseillère du Programme de réussite éducative", -1, false)
	}
}
