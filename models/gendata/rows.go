package gendata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/internal/sampledata"
	"mediation/models/risk"
)

// chunk holds the rows of a few hundred pupil files. Until insert, the foreign keys to rows of
// the same chunk hold indexes into the chunk's slices (PupilID the index of the pupil,
// MeetingID of the meeting…); keys to establishments and accounts hold their ids already.
type chunk struct {
	pupils       []models.Pupil
	guardians    []models.Guardian
	changes      []models.PupilStatusChange
	indicators   []models.MonthlyIndicator
	followUps    []models.FollowUp
	meetings     []models.Meeting
	participants []models.MeetingParticipant
	actions      []models.NextAction
	referrals    []models.Referral
	transitions  []models.ReferralTransition
}

// insert writes the chunk table by table, turning its indexes into the ids just inserted.
func (c *chunk) insert(tx *gorm.DB) error {
	if err := create(tx, "pupils", c.pupils); err != nil {
		return err
	}
	pupil := func(local uint) uint { return c.pupils[local].ID }
	for i := range c.guardians {
		c.guardians[i].PupilID = pupil(c.guardians[i].PupilID)
	}
	for i := range c.changes {
		c.changes[i].PupilID = pupil(c.changes[i].PupilID)
	}
	for i := range c.indicators {
		c.indicators[i].PupilID = pupil(c.indicators[i].PupilID)
	}
	for i := range c.followUps {
		c.followUps[i].PupilID = pupil(c.followUps[i].PupilID)
	}
	for i := range c.meetings {
		c.meetings[i].PupilID = pupil(c.meetings[i].PupilID)
	}
	for i := range c.referrals {
		c.referrals[i].PupilID = pupil(c.referrals[i].PupilID)
	}
	if err := create(tx, "guardians", c.guardians); err != nil {
		return err
	}
	if err := create(tx, "pupil status changes", c.changes); err != nil {
		return err
	}
	if err := create(tx, "monthly indicators", c.indicators); err != nil {
		return err
	}
	if err := create(tx, "follow-ups", c.followUps); err != nil {
		return err
	}
	if err := create(tx, "meetings", c.meetings); err != nil {
		return err
	}
	for i := range c.participants {
		c.participants[i].MeetingID = c.meetings[c.participants[i].MeetingID].ID
	}
	if err := create(tx, "meeting participants", c.participants); err != nil {
		return err
	}
	for i := range c.actions {
		a := &c.actions[i]
		a.PupilID = pupil(a.PupilID)
		if a.FollowUpID != nil {
			a.FollowUpID = &c.followUps[*a.FollowUpID].ID
		}
		if a.MeetingID != nil {
			a.MeetingID = &c.meetings[*a.MeetingID].ID
		}
	}
	if err := create(tx, "next actions", c.actions); err != nil {
		return err
	}
	if err := create(tx, "referrals", c.referrals); err != nil {
		return err
	}
	for i := range c.transitions {
		c.transitions[i].ReferralID = c.referrals[c.transitions[i].ReferralID].ID
	}
	return create(tx, "referral transitions", c.transitions)
}

func (c *chunk) count(sum *Summary) {
	sum.Pupils += len(c.pupils)
	sum.Guardians += len(c.guardians)
	sum.StatusChanges += len(c.changes)
	sum.Indicators += len(c.indicators)
	sum.FollowUps += len(c.followUps)
	sum.Meetings += len(c.meetings)
	sum.Participants += len(c.participants)
	sum.NextActions += len(c.actions)
	sum.Referrals += len(c.referrals)
	sum.Transitions += len(c.transitions)
}

// chunk draws the rows of the files.
func (p *planner) chunk(ids refs, plans []*pupilPlan) *chunk {
	c := &chunk{}
	for _, pp := range plans {
		f := &file{p: p, ids: ids, c: c, pp: pp, r: newRand(p.opt.Seed, pp.idx, streamRows), local: uint(len(c.pupils))}
		f.identity()
		f.history()
		f.indicators()
		fus := f.followUps()
		mts := f.meetings()
		f.actions(fus, mts)
		f.referrals()
	}
	return c
}

// file draws the rows of one pupil file from the file's own stream.
type file struct {
	p     *planner
	ids   refs
	c     *chunk
	pp    *pupilPlan
	r     *rand.Rand
	local uint // index of the pupil in the chunk

	first, last string
	guardians   []guardianPlan
	interpreter bool
	text        sampledata.Text
}

type guardianPlan struct {
	first, last        string
	relation, language string
	interpreter        bool
}

// A follow-up or meeting drawn, for the next actions it may set.
type (
	followUpRef struct {
		idx    uint
		on     day
		at     time.Time
		author int
	}
	meetingRef struct {
		idx       uint
		on        day
		recapAt   time.Time
		organiser int
	}
)

func (f *file) userID(u int) *uint { return &f.ids.users[u] }

// mediator is the file's referent most of the time, now and then another mediator of the
// establishment.
func (f *file) mediator(odds float64) int {
	if chance(f.r, odds) {
		return pick(f.r, f.p.estMediators[f.pp.est])
	}
	return f.pp.referent
}

var originWeights = func() []int {
	w := make([]int, len(origins))
	for i, o := range origins {
		w[i] = o.weight
	}
	return w
}()

func (f *file) identity() {
	p, pp, r := f.p, f.pp, f.r
	o := origins[weighted(r, originWeights)]
	girl := chance(r, 0.45)
	f.last = pick(r, o.last)
	if girl {
		f.first = pick(r, o.girls)
	} else {
		f.first = pick(r, o.boys)
	}
	lw := make([]int, len(o.languages))
	for i, l := range o.languages {
		lw[i] = l.weight
	}
	lang := o.languages[weighted(r, lw)]
	for _, rel := range sampledata.Relations(r) {
		g := guardianPlan{last: f.last, relation: rel, language: lang.name, interpreter: chance(r, lang.interpreter)}
		switch rel {
		case "père", "tuteur":
			g.first = pick(r, o.fathers)
		default:
			g.first = pick(r, o.mothers)
			if rel != "grand-mère" && chance(r, 0.4) {
				g.last = pick(r, o.last)
			}
		}
		f.interpreter = f.interpreter || g.interpreter
		f.guardians = append(f.guardians, g)
	}
	f.text = sampledata.NewText(f.first, girl, f.guardians[0].relation, f.guardians[0].last)

	// The class is the one of the school year the file was last changed in.
	lastYear := p.year.StartYear
	if !pp.open() {
		lastYear = pp.last().on.schoolYearStart()
	}
	age := pp.track.age(pp.pos)
	switch {
	case chance(r, 0.22):
		age++ // a year behind
	case chance(r, 0.03):
		age += 2
	}
	birth := dayOf(lastYear-age, time.Month(between(r, 1, 12)), between(r, 1, 28))
	class := pp.track.names[pp.pos]
	switch pp.track.levels[0] {
	case models.Level6e:
		class += " " + string(rune('A'+r.IntN(6)))
	case models.Level2nde:
		if pp.pos == 0 {
			class += fmt.Sprintf(" %d", between(r, 1, 9))
		} else {
			class += fmt.Sprintf(" G%d", between(r, 1, 6))
		}
	case models.LevelCAP1:
		class += " " + pick(r, []string{"EPC", "ECMS", "PSR", "MIS"})
	default:
		class += " " + pick(r, []string{"MRC", "AGORA", "MELEC", "MSPC", "ASSP", "HCR"})
	}
	var ine *string
	if chance(r, 0.7) {
		// Unique without a lookup: the file's index times a number prime to 9×10⁹, shifted by
		// the seed, is a different number for every file.
		n := 1_000_000_000 + ((uint64(pp.idx)+1)*999_983+p.opt.Seed%9_000_000_000)%9_000_000_000
		s := fmt.Sprintf("%010d%c", n, "ABCDEFGHJKLMNPRSTUVWXYZ"[n%23])
		ine = &s
	}
	f.c.pupils = append(f.c.pupils, models.Pupil{
		EstablishmentID: f.ids.ests[pp.est], LastName: f.last, FirstName: f.first, BirthDate: birth.date(),
		ClassLevel: pp.track.levels[pp.pos], ClassName: class, INE: ine, ReferentMediatorID: f.userID(pp.referent),
		Status: pp.last().status, IdentifiedOn: pp.identified().date(), RiskLevel: risk.Low, Version: len(pp.steps),
	})
}

// history writes the status changes, each on its day between 9:00 and 17:59, and dates the file
// by them.
func (f *file) history() {
	pu := &f.c.pupils[f.local]
	var from *models.PupilStatus
	for i, st := range f.pp.steps {
		at := st.on.at(between(f.r, 9, 17), f.r.IntN(60))
		var exit *models.ExitReason
		var comment string
		switch {
		case st.status == models.StatusClosed:
			e := st.exit
			exit = &e
			comment = "Clôture : " + sampledata.ExitLabels[e] + "."
		case from != nil && *from == models.StatusClosed:
			comment = pick(f.r, sampledata.ReopenComments)
		default:
			comment = pick(f.r, sampledata.StatusComments[st.status])
		}
		f.c.changes = append(f.c.changes, models.PupilStatusChange{
			PupilID: f.local, FromStatus: from, ToStatus: st.status, ExitReason: exit, Comment: comment,
			ChangedByID: f.userID(f.pp.referent), ChangedAt: at,
		})
		if i == 0 {
			pu.CreatedAt = at
		}
		pu.UpdatedAt = at
		if st.status == models.StatusClosed {
			pu.ExitReason, pu.ClosedAt = exit, &at
		} else {
			pu.ExitReason, pu.ClosedAt = nil, nil
		}
		status := st.status
		from = &status
	}
	for _, g := range f.guardians {
		f.c.guardians = append(f.c.guardians, models.Guardian{
			PupilID: f.local, Name: g.first + " " + g.last, Relation: g.relation,
			Phone:        fmt.Sprintf("06 39 98 %02d %02d", f.r.IntN(100), f.r.IntN(100)),
			Email:        sampledata.GuardianEmail(f.r, g.first, g.last),
			HomeLanguage: g.language, InterpreterNeeded: g.interpreter, CreatedAt: pu.CreatedAt, UpdatedAt: pu.CreatedAt,
		})
	}
}

// indicators writes one row per month the file is open, from the month whose absences led to
// the identification; months with fewer than 8 school half-days (summer, a month barely begun)
// have none. Absences follow a per-pupil rate, skewed so that a fifth of the pupils miss a lot,
// that improves once the follow-up starts for most and worsens for some.
func (f *file) indicators() {
	p, pp, r := f.p, f.pp, f.r
	var rate float64
	switch x := r.Float64(); {
	case x < 0.5:
		rate = 0.01 + 0.05*r.Float64()
	case x < 0.8:
		rate = 0.06 + 0.09*r.Float64()
	default:
		rate = 0.15 + 0.25*r.Float64()
	}
	trend := r.Float64() // < 0.55 improves, > 0.85 worsens
	unruly := chance(r, 0.2)
	graded := chance(r, 0.65)
	average := 6 + r.Float64()*7
	manual := chance(r, 0.3)
	var activated day
	for _, st := range pp.steps {
		if st.status == models.StatusActive {
			activated = st.on
			break
		}
	}
	phases := pp.phases(p.yesterday)
	openDuring := func(from, to day) bool {
		for _, ph := range phases {
			if ph.from <= to && ph.to+1 >= from {
				return true
			}
		}
		return false
	}
	d0 := pp.identified()
	first := d0.monthStart()
	if p.cal.schoolHalfDays(first, d0) < 8 {
		first = (first - 1).monthStart()
	}
	study := p.opt.Study
	// In a study, the file opens on the previous school month's peak and brings the months
	// before it.
	var peak day = -1
	if study != nil {
		peak = p.schoolMonthBefore(d0.monthStart())
		first = peak
		for range studyHistory {
			first = p.schoolMonthBefore(first)
		}
		first = max(first, p.first)
	}
	last := p.today
	if !pp.open() {
		last = pp.last().on
	}
	start := len(f.c.indicators)
	for m := first; m <= last; m = m.nextMonth() {
		school := p.cal.halfDays[m]
		history := study != nil && m < d0.monthStart()
		if school < 8 || (m != first && !history && !openDuring(m, m.nextMonth()-1)) {
			continue
		}
		k := rate
		noise := 0.5 + r.Float64()
		if study != nil {
			if m == peak {
				noise++
			}
			if activated != 0 && m > activated {
				k *= 1 - study.Effect
			}
		} else if activated != 0 && m > activated {
			months := float64(m-activated) / 30
			switch {
			case trend < 0.55:
				k *= math.Max(math.Pow(0.8, months), 0.25)
			case trend > 0.85:
				k *= math.Min(math.Pow(1.12, months), 2.5)
			}
		}
		unjust := min(int(math.Round(float64(school)*k*noise)), school)
		just := min(int(math.Round(float64(school)*0.06*r.Float64())), school-unjust)
		exclusions, incidents := 0, 0
		ind := models.MonthlyIndicator{PupilID: f.local, Month: m.month(), UnjustifiedHalfDays: &unjust,
			JustifiedHalfDays: &just, SchoolHalfDays: &school, TemporaryExclusions: &exclusions, Incidents: &incidents,
			Source: models.SourceImport}
		if chance(r, 0.02+k*0.25) {
			exclusions = 1
			if chance(r, 0.1) {
				exclusions = 2
			}
		}
		x := r.Float64()
		if unruly {
			x /= 2.5
		}
		switch {
		case x < 0.03:
			incidents = 3
		case x < 0.09:
			incidents = 2
		case x < 0.22:
			incidents = 1
		}
		if mo := m.date().Month(); graded && (mo == time.December || mo == time.March || mo == time.June) {
			average += r.Float64()*2 - 1
			if chance(r, 0.12) {
				average -= 3 + r.Float64()*1.5 // a drop the risk rules flag
			}
			average = math.Max(2, math.Min(17.5, average))
			avg := math.Round(average*10) / 10
			ind.TermAverage = &avg
		}
		// Figures are imported in the first days of the next month, or last night for this one.
		entered := nextWeekday(m.nextMonth() + day(between(r, 0, 3)))
		at := entered.at(7, r.IntN(60))
		if entered >= p.today {
			at = p.yesterday.at(19, r.IntN(60))
		}
		ind.CreatedAt, ind.UpdatedAt = at, at
		if manual {
			ind.Source, ind.UpdatedByID = models.SourceManual, f.userID(pp.referent)
		}
		f.c.indicators = append(f.c.indicators, ind)
	}
	// A file still identified was opened for its absences: its latest month shows them.
	if n := len(f.c.indicators); n > start && pp.last().status == models.StatusIdentified && study == nil {
		ind := &f.c.indicators[n-1]
		school := *ind.SchoolHalfDays
		unjust := max(*ind.UnjustifiedHalfDays, min(between(r, 4, 9), school-1))
		just := min(*ind.JustifiedHalfDays, school-unjust)
		ind.UnjustifiedHalfDays, ind.JustifiedHalfDays = &unjust, &just
	}
}

// weightedFloat draws an index with probability proportional to its weight.
func weightedFloat(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	for i := len(weights) - 1; i >= 0; i-- {
		if weights[i] > 0 {
			return i
		}
	}
	return 0
}

// days draws n days of the phases, in proportion to their weights, that satisfy ok, in order.
func (f *file) days(n int, phases []phase, weights []float64, ok func(day) bool) []day {
	out := make([]day, n)
	for k := range out {
		ph := phases[weightedFloat(f.r, weights)]
		d := ph.from + day(f.r.IntN(int(ph.to-ph.from)+1))
		for try := 0; !ok(d) && try < 10; try++ {
			d = ph.from + day(f.r.IntN(int(ph.to-ph.from)+1))
		}
		if !ok(d) {
			for d = ph.from; !ok(d); d++ { // a phase with few good days: its first one
			}
		}
		out[k] = d
	}
	slices.Sort(out)
	return out
}

// followUps logs the file's contacts over its phases, most while in active follow-up; a closed
// file's last one is the closing interview. One open file in ten has had no contact for three
// weeks or more: the worklist's files to pick up again.
func (f *file) followUps() []followUpRef {
	p, pp := f.p, f.pp
	if pp.followUps == 0 {
		return nil
	}
	stale := pp.open() && chance(f.r, 0.1)
	weigh := func(phases []phase) ([]float64, float64) {
		weights := make([]float64, len(phases))
		total := 0.0
		for i, ph := range phases {
			weights[i] = float64(p.cal.workdays(ph.from, ph.to)) * map[models.PupilStatus]float64{
				models.StatusIdentified: 0.15, models.StatusActive: 1, models.StatusMonitoring: 0.35}[ph.status]
			total += weights[i]
		}
		return weights, total
	}
	phases := pp.phases(p.yesterday)
	weights, _ := weigh(phases)
	if stale {
		quiet := p.today - day(between(f.r, 21, 60))
		var kept []phase
		for _, ph := range phases {
			if ph.from <= quiet {
				ph.to = min(ph.to, quiet)
				kept = append(kept, ph)
			}
		}
		if w, total := weigh(kept); total > 0 {
			phases, weights = kept, w
		}
	}
	days := f.days(pp.followUps, phases, weights, p.cal.workday)
	closed := !pp.open()
	if closed {
		days[len(days)-1] = pp.last().on
	}
	refs := make([]followUpRef, len(days))
	for i, d := range days {
		kind, minutes := sampledata.FollowUpKind(f.r)
		note := pick(f.r, sampledata.FollowUpNotes[kind])
		restricted := false
		switch {
		case closed && i == len(days)-1:
			kind, minutes, note = models.FollowUpPupilInterview, 30, sampledata.ClosingNotes[pp.last().exit]
		case chance(f.r, 0.1):
			kind = pick(f.r, []models.FollowUpKind{models.FollowUpPupilInterview, models.FollowUpFamilyPhone, models.FollowUpHomeVisit})
			note, restricted = pick(f.r, sampledata.RestrictedNotes), true
		}
		author := f.mediator(0.15)
		at := d.at(between(f.r, 12, 18), f.r.IntN(60))
		refs[i] = followUpRef{idx: uint(len(f.c.followUps)), on: d, at: at, author: author}
		f.c.followUps = append(f.c.followUps, models.FollowUp{
			PupilID: f.local, AuthorID: f.ids.users[author], OccurredOn: d.date(), Kind: kind, DurationMinutes: minutes,
			Note: f.text.Fill(note), Restricted: restricted, Version: 1, CreatedAt: at, UpdatedAt: at,
		})
	}
	return refs
}

// meetings holds the file's family–school meetings on school days of its phases: most held,
// some with the family absent, postponed or cancelled; an open file may have one planned in the
// coming five weeks.
func (f *file) meetings() []meetingRef {
	p, pp, r := f.p, f.pp, f.r
	n := pp.meetings
	if n == 0 {
		return nil
	}
	planned := 0
	if pp.open() && chance(r, 0.35) {
		planned = 1
	}
	phases := pp.phases(p.yesterday)
	weights := make([]float64, len(phases))
	for i, ph := range phases {
		weights[i] = float64(p.cal.schoolDays(ph.from, ph.to)) * map[models.PupilStatus]float64{
			models.StatusIdentified: 0.3, models.StatusActive: 1, models.StatusMonitoring: 0.5}[ph.status]
	}
	var refs []meetingRef
	for _, d := range f.days(n-planned, phases, weights, p.cal.schoolDay) {
		if ref, ok := f.meeting(d, sampledata.PastMeetingStatus(r)); ok {
			refs = append(refs, ref)
		}
	}
	if planned > 0 {
		f.meeting(p.cal.nextSchoolDay(p.today+day(between(r, 1, 35))), models.MeetingPlanned)
	}
	return refs
}

// meeting adds a meeting on the day; it returns the meeting when it was held with a recap,
// for the next actions of the recap.
func (f *file) meeting(d day, status models.MeetingStatus) (meetingRef, bool) {
	p, pp, r := f.p, f.pp, f.r
	scheduled := d.at(between(r, 8, 16), 30*r.IntN(2))
	duration := between(r, 6, 18) * 5
	organiser := f.mediator(0.1)
	created := max(d-day(between(r, 4, 15)), pp.identified()).at(8, r.IntN(60))
	if status == models.MeetingPlanned {
		created = max(p.today-day(between(r, 1, 10)), pp.last().on).at(11, r.IntN(60))
	}
	if created.After(scheduled) {
		created = scheduled.Add(-time.Hour)
	}
	m := models.Meeting{
		PupilID: f.local, OrganiserID: f.ids.users[organiser], ScheduledAt: scheduled, DurationMinutes: duration,
		Place: pick(r, sampledata.MeetingPlaces), Purpose: f.text.Fill(pick(r, sampledata.MeetingPurposes)), InterpreterNeeded: f.interpreter,
		Status: status, Version: 1, CreatedAt: created, UpdatedAt: created,
	}
	over := scheduled.Add(time.Duration(duration) * time.Minute)
	clamp := func(t time.Time) time.Time {
		if t.After(p.lastMinute) {
			return p.lastMinute
		}
		return t
	}
	switch status {
	case models.MeetingHeld:
		recent := p.today-d <= 10
		if (recent && chance(r, 0.5)) || chance(r, 0.04) {
			m.UpdatedAt = clamp(over.Add(10 * time.Minute)) // held, recap still to write
		} else {
			recapAt := clamp(over.Add(time.Duration(between(r, 30, 30*60)) * time.Minute))
			m.Recap, m.RecapAt, m.UpdatedAt, m.Version = sampledata.Recap(r, f.text), &recapAt, recapAt, 2
		}
	case models.MeetingFamilyAbsent:
		m.UpdatedAt, m.Version = clamp(over), 2
	case models.MeetingPostponed, models.MeetingCancelled:
		m.UpdatedAt, m.Version = maxTime(created, (d-day(between(r, 0, 2))).at(9, 0)), 2
	}
	mi := uint(len(f.c.meetings))
	f.c.meetings = append(f.c.meetings, m)
	f.participants(mi, organiser, status)
	if m.RecapAt == nil {
		return meetingRef{}, false
	}
	return meetingRef{idx: mi, on: d, recapAt: *m.RecapAt, organiser: organiser}, true
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// participants invites the family, the pupil, the organiser and school staff; once the meeting
// is over, each came or not (the family not, when it was absent).
func (f *file) participants(mi uint, organiser int, status models.MeetingStatus) {
	p, r := f.p, f.r
	over := status == models.MeetingHeld || status == models.MeetingFamilyAbsent
	came := func(family bool) *bool {
		if !over {
			return nil
		}
		v := !(status == models.MeetingFamilyAbsent && family) && !(status == models.MeetingHeld && chance(r, 0.1))
		return &v
	}
	add := func(role models.ParticipantRole, name string, user *uint, family bool) {
		f.c.participants = append(f.c.participants, models.MeetingParticipant{
			MeetingID: mi, Role: role, Name: name, UserID: user, Attended: came(family)})
	}
	for i, g := range f.guardians {
		if i == 0 || chance(r, 0.6) {
			add(models.ParticipantGuardian, g.first+" "+g.last+" ("+g.relation+")", nil, true)
		}
	}
	if chance(r, 0.7) {
		add(models.ParticipantPupil, f.first+" "+f.last, nil, true)
	}
	add(models.ParticipantMediator, p.users[organiser].u.DisplayName, f.userID(organiser), false)
	if chance(r, 0.7) {
		add(models.ParticipantCPE, sampledata.CPENames[f.pp.est%len(sampledata.CPENames)]+", CPE", nil, false)
	}
	if chance(r, 0.5) {
		add(models.ParticipantPrincipalTeacher, pick(r, sampledata.TeacherNames)+", professeur principal", nil, false)
	}
	if chance(r, 0.2) {
		head := p.headTeachers[f.pp.est]
		add(models.ParticipantHeadTeacher, p.users[head].u.DisplayName, f.userID(head), false)
	}
	if chance(r, 0.15) {
		add(models.ParticipantSocialWorker, "Assistante sociale scolaire", nil, false)
	}
	if chance(r, 0.1) {
		add(models.ParticipantNurse, "Infirmière scolaire", nil, false)
	}
	if f.interpreter {
		add(models.ParticipantInterpreter, "Interprète ("+f.guardians[0].language+")", nil, false)
	}
	if chance(r, 0.08) {
		add(models.ParticipantPartner, "Conseillère du Programme de réussite éducative", nil, false)
	}
}

// actions sets the file's next actions from its follow-ups and meeting recaps. An open file's
// first one comes from its latest contact, so that it is often still to do; the others are
// mostly done, all of them by a file's closure.
func (f *file) actions(fus []followUpRef, mts []meetingRef) {
	p, pp, r := f.p, f.pp, f.r
	for i := range pp.actions {
		var from day
		var created time.Time
		var creator int
		var fuIdx, mtIdx *uint
		var owner, text string
		switch {
		case len(fus) > 0 && (i == 0 && pp.open() || len(mts) == 0 || !chance(r, 0.3)):
			fu := fus[len(fus)-1]
			if i > 0 || !pp.open() {
				fu = pick(r, fus)
			}
			from, created, creator = fu.on, fu.at, fu.author
			idx := fu.idx
			fuIdx = &idx
			a := pick(r, sampledata.NextActions)
			owner, text = a.Owner, a.Text
		case len(mts) > 0:
			mt := pick(r, mts)
			from, created, creator = mt.on, mt.recapAt, mt.organiser
			idx := mt.idx
			mtIdx = &idx
			a := pick(r, sampledata.MeetingActions)
			owner, text = a.Owner, a.Text
		default:
			return
		}
		due := nextWeekday(from + day(between(r, 3, 21)))
		if !p.cal.workday(due) {
			// Due in the summer break: it waits for the start of the school year.
			due = nextWeekday(dayOf(due.date().Year(), time.September, 1+between(r, 0, 3)))
			owner, text = "", "Faire le point avec {g} à la rentrée"
		}
		a := models.NextAction{PupilID: f.local, FollowUpID: fuIdx, MeetingID: mtIdx, Description: f.text.Fill(text),
			DueOn: due.date(), OwnerLabel: owner, CreatedByID: f.userID(creator), CreatedAt: created, UpdatedAt: created}
		if owner == "" {
			a.OwnerUserID = f.userID(pp.referent)
		}
		var done day
		switch {
		case !pp.open():
			done = max(from, min(due, pp.last().on))
		case due < p.today:
			odds := 0.5
			if due < p.today-21 {
				odds = 0.92
			}
			if chance(r, odds) {
				done = max(from, min(due+day(between(r, -3, 2)), p.yesterday))
			}
		}
		if done != 0 {
			t := done.at(16, r.IntN(60))
			if !t.After(created) {
				t = created.Add(30 * time.Minute)
			}
			if t.After(p.lastMinute) {
				t = p.lastMinute
			}
			a.DoneAt, a.UpdatedAt = &t, t
		}
		f.c.actions = append(f.c.actions, a)
	}
}

// referralEvent is a step of a referral's life: on a day, at an hour that keeps the steps of
// one day in order.
type referralEvent struct {
	on       day
	hour     int
	from, to models.ReferralStatus
	partner  bool // taken by the partner's agent, else by the sender
	comment  string
}

// referrals refers the family to partners while the file is followed. Each referral's life is
// drawn whole (sent within days, acknowledged within the partner's reply time or late,
// accepted or declined, closed with an outcome, or withdrawn) and cut at yesterday, so that the
// recent ones are still drafts, waiting, overdue or answered.
func (f *file) referrals() {
	p, pp, r := f.p, f.pp, f.r
	if pp.referrals == 0 {
		return
	}
	phases := pp.phases(p.yesterday)
	weights := make([]float64, len(phases))
	for i, ph := range phases {
		weights[i] = float64(p.cal.workdays(ph.from, ph.to)) * map[models.PupilStatus]float64{
			models.StatusActive: 1, models.StatusMonitoring: 0.4}[ph.status]
	}
	zone := communes[p.ests[pp.est].commune].zone
	lycee := p.ests[pp.est].e.Type != models.TypeCollege
	pw := make([]float64, len(partnerSpecs))
	for i, s := range partnerSpecs {
		w := float64(s.weight)
		switch {
		case s.lyceesOnly && !lycee:
			w = 0
		case s.zone != "" && s.zone == zone:
			w *= 3
		case s.zone != "":
			w *= 0.2
		}
		pw[i] = w
	}
	g0 := f.guardians[0]
	consentBy := sampledata.ConsentBy(g0.relation, g0.last)
	for _, c := range f.days(pp.referrals, phases, weights, p.cal.workday) {
		partner := weightedFloat(r, pw)
		spec := partnerSpecs[partner]
		sender := f.mediator(0.1)
		agent := pick(r, p.partnerUsers[partner])
		rd := spec.responseDays
		sent := p.cal.nextWorkday(c + day(between(r, 0, 6)))
		consent := c + day(between(r, 0, int(sent-c)))
		evs := []referralEvent{{c, 9, "", models.ReferralDraft, false, "Orientation préparée."}}
		sentEv := referralEvent{sent, 10, models.ReferralDraft, models.ReferralSent, false, "Envoyée avec l'accord de la famille."}
		var outcome models.ReferralOutcome
		declineReason := ""
		switch x := r.Float64(); {
		case x < 0.02:
			evs = append(evs, referralEvent{p.cal.nextWorkday(c + day(between(r, 1, 10))), 16, models.ReferralDraft,
				models.ReferralWithdrawn, false, "Retirée : la famille ne souhaite plus être orientée."})
		case x < 0.07:
			evs = append(evs, sentEv, referralEvent{p.cal.nextWorkday(sent + day(between(r, 1, max(1, rd-1)))), 16,
				models.ReferralSent, models.ReferralWithdrawn, false, "Retirée : la famille est déjà accompagnée par un autre service."})
		default:
			wait := between(r, 1, max(1, rd-2))
			if chance(r, 0.2) {
				wait = between(r, rd+1, rd+30) // late: overdue for a while
			}
			ack := p.cal.nextWorkday(sent + day(wait))
			answer := p.cal.nextWorkday(ack + day(between(r, 1, 15)))
			evs = append(evs, sentEv, referralEvent{ack, 11, models.ReferralSent, models.ReferralAcknowledged, true, "Demande reçue, en cours d'étude."})
			switch {
			case x < 0.09:
				evs = append(evs, referralEvent{p.cal.nextWorkday(ack + day(between(r, 1, 7))), 16, models.ReferralAcknowledged,
					models.ReferralWithdrawn, false, "Retirée : la situation s'est réglée entre-temps."})
			case x < 0.26:
				declineReason = pick(r, sampledata.DeclineReasons)
				evs = append(evs, referralEvent{answer, 14, models.ReferralAcknowledged, models.ReferralDeclined, true, declineReason})
				if chance(r, 0.6) {
					outcome = models.OutcomeNotEligible
					evs = append(evs, referralEvent{p.cal.nextWorkday(answer + day(between(r, 3, 40))), 15, models.ReferralDeclined,
						models.ReferralClosed, true, sampledata.OutcomeFeedback[outcome]})
				}
			default:
				evs = append(evs, referralEvent{answer, 14, models.ReferralAcknowledged, models.ReferralAccepted, true, "Prise en charge acceptée."})
				if chance(r, 0.9) {
					outcome = []models.ReferralOutcome{models.OutcomeSupportInPlace, models.OutcomeFamilyDeclined,
						models.OutcomeNoFollowUp}[weighted(r, []int{60, 20, 20})]
					evs = append(evs, referralEvent{p.cal.nextWorkday(answer + day(between(r, 20, 150))), 15, models.ReferralAccepted,
						models.ReferralClosed, true, sampledata.OutcomeFeedback[outcome]})
				}
			}
		}
		// A draft still waiting when the file is closed is withdrawn that day.
		if !pp.open() && evs[1].from == models.ReferralDraft && evs[1].on > pp.last().on {
			evs = append(evs[:1], referralEvent{pp.last().on, 16, models.ReferralDraft, models.ReferralWithdrawn, false, "Retirée : dossier clos."})
		}
		kept := evs[:1]
		for _, ev := range evs[1:] {
			if ev.on <= p.yesterday {
				kept = append(kept, ev)
			}
		}

		ref := models.Referral{PupilID: f.local, PartnerOrganisationID: f.ids.partners[partner], SenderID: f.ids.users[sender],
			Reason: pick(r, spec.reasons), Version: len(kept)}
		ref.Request = pick(r, sampledata.ReferralRequests[ref.Reason])
		ri := uint(len(f.c.referrals))
		for _, ev := range kept {
			at := ev.on.at(ev.hour, r.IntN(60))
			actor := f.userID(sender)
			if ev.partner {
				actor = f.userID(agent)
			}
			f.c.transitions = append(f.c.transitions, models.ReferralTransition{ReferralID: ri, FromStatus: ev.from,
				ToStatus: ev.to, ActorID: actor, At: at, Comment: ev.comment})
			ref.Status, ref.UpdatedAt = ev.to, at
			switch ev.to {
			case models.ReferralDraft:
				ref.CreatedAt = at
			case models.ReferralSent:
				method := pick(r, models.ConsentMethods)
				consentOn := consent.date()
				ref.SentAt, ref.ConsentGivenBy, ref.ConsentGivenOn, ref.ConsentMethod = &at, consentBy, &consentOn, &method
			case models.ReferralAcknowledged:
				ref.AcknowledgedAt = &at
			case models.ReferralAccepted:
				ref.AnsweredAt, ref.Feedback = &at, pick(r, sampledata.AcceptFeedback)
			case models.ReferralDeclined:
				ref.AnsweredAt, ref.DeclineReason = &at, declineReason
				ref.Feedback = sampledata.DeclineFeedback(declineReason)
			case models.ReferralClosed:
				o := outcome
				ref.ClosedAt, ref.Outcome, ref.Feedback = &at, &o, sampledata.OutcomeFeedback[o]
			case models.ReferralWithdrawn:
				ref.WithdrawnAt = &at
			}
		}
		f.c.referrals = append(f.c.referrals, ref)
	}
}

// schoolMonthBefore is the first day of the last month before the month starting on m that
// has school (eight half-days or more), or of the month before the generated period.
func (p *planner) schoolMonthBefore(m day) day {
	for prev := (m - 1).monthStart(); ; prev = (prev - 1).monthStart() {
		if prev < p.first || p.cal.halfDays[prev] >= 8 {
			return prev
		}
	}
}
