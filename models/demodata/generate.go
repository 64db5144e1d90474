package demodata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/internal/sampledata"
)

// The generator builds every row in memory first, with foreign keys given as indexes into the
// other slices; dataset.insert turns them into IDs table by table. Nothing here touches the
// database, so that the whole set is a pure function of `now` (and of the password hashes).

type dataset struct {
	establishments []models.Establishment
	partners       []models.PartnerOrganisation
	users          []userRow
	links          []linkRow
	pupils         []pupilRow
	guardians      []guardianRow
	changes        []changeRow
	indicators     []indicatorRow
	followUps      []followUpRow
	meetings       []meetingRow
	participants   []participantRow
	actions        []actionRow
	referrals      []referralRow
	transitions    []transitionRow
	activities     []activityRow
	conflicts      []conflictRow
}

// Rows with their references; -1 stands for a NULL reference.
type (
	userRow struct {
		u       models.User
		partner int
	}
	linkRow  struct{ user, est int }
	pupilRow struct {
		p             models.Pupil
		est, mediator int
	}
	guardianRow struct {
		g     models.Guardian
		pupil int
	}
	changeRow struct {
		c         models.PupilStatusChange
		pupil, by int
	}
	indicatorRow struct {
		m         models.MonthlyIndicator
		pupil, by int
	}
	followUpRow struct {
		f             models.FollowUp
		pupil, author int
	}
	meetingRow struct {
		m                models.Meeting
		pupil, organiser int
	}
	participantRow struct {
		p             models.MeetingParticipant
		meeting, user int
	}
	actionRow struct {
		a                                          models.NextAction
		pupil, followUp, meeting, owner, createdBy int
	}
	referralRow struct {
		r                      models.Referral
		pupil, partner, sender int
	}
	transitionRow struct {
		t               models.ReferralTransition
		referral, actor int
	}
)

// scenario is the life of one pupil file, chosen before its dates are drawn.
type scenario struct {
	final    models.PupilStatus
	exit     models.ExitReason // for a closed file, or the closure before a reopening
	prevYear bool              // closed during the previous school year
	reopened bool              // closed, then reopened: ends active
	stale    bool              // active, but no follow-up for 21 days or more
}

// plan is a pupil file being generated, with what later steps need to know about it.
type plan struct {
	idx       int // index in dataset.pupils
	est       int
	mediator  int
	scn       scenario
	girl      bool
	first     string
	last      string
	guardians []guardianPlan
	// Days of the status changes; activated is zero for a file still identified.
	identified, activated, monitoring, closed, reopened time.Time
	// phases are the periods of active follow-up (gap in days between contacts).
	phases []phase
}

type guardianPlan struct {
	first, last        string
	relation, language string
	interpreter        bool
}

type phase struct {
	from, to     time.Time
	gapLo, gapHi int
}

// open tells whether the file is still followed today.
func (p *plan) open() bool { return p.scn.final != models.StatusClosed }

// end is the last day the file was followed: its closure, or yesterday.
func (p *plan) end(g *gen) time.Time {
	if p.scn.final == models.StatusClosed {
		return p.closed
	}
	return g.yesterday
}

// consentBy is how a referral records who consented: « Mme Benali, mère ».
func (p *plan) consentBy() string {
	gp := p.guardians[0]
	return sampledata.ConsentBy(gp.relation, gp.last)
}

// text fills the templates of sampledata for the file's pupil and first guardian.
func (p *plan) text() sampledata.Text {
	gp := p.guardians[0]
	return sampledata.NewText(p.first, p.girl, gp.relation, gp.last)
}

type gen struct {
	r         *rand.Rand
	now       time.Time
	today     time.Time
	yesterday time.Time
	year      calendar.SchoolYear
	// floor is the first day of the story: a week into the previous school year.
	floor time.Time
	// yearStart is 1 September of the current school year; prevLastDay the last school day
	// of the previous one.
	yearStart, prevLastDay time.Time
	d                      dataset
	plans                  []*plan
	names                  map[string]bool
	ines                   map[string]bool
	halfDays               map[time.Time]int // school half-days of each month, up to today
}

func newGen(now time.Time) *gen {
	now = now.UTC()
	year := calendar.SchoolYearOf(now)
	today := civil(now)
	return &gen{
		r:           rand.New(rand.NewPCG(2026, 11)),
		now:         now,
		today:       today,
		yesterday:   addDays(today, -1),
		year:        year,
		floor:       addDays(civil(year.Previous().Start()), 7),
		yearStart:   civil(year.Start()),
		prevLastDay: prevSchoolDay(date(year.StartYear, time.July, 3)),
		names:       map[string]bool{},
		ines:        map[string]bool{},
		halfDays:    map[time.Time]int{},
	}
}

// between draws an integer in [lo, hi].
func (g *gen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// dayIn draws a civil day in [lo, hi].
func (g *gen) dayIn(lo, hi time.Time) time.Time {
	return addDays(lo, g.between(0, daysBetween(lo, hi)))
}

// clampNow keeps an instant of the past from crossing into the future.
func (g *gen) clampNow(t time.Time) time.Time {
	if t.After(g.now) {
		return g.now.Add(-time.Minute)
	}
	return t
}

// generate builds the whole demo set for the day `now`; hashes holds one password hash per
// account of accountSpecs.
func generate(now time.Time, hashes []string) dataset {
	g := newGen(now)
	g.establishments()
	g.partners()
	g.accounts(hashes)
	deck := g.deck()
	for e, spec := range establishmentSpecs {
		for range spec.pupils {
			scn := deck[0]
			deck = deck[1:]
			if !spec.active {
				// A closed establishment keeps only the files it closed last year.
				scn = scenario{final: models.StatusClosed, exit: pick(g, []models.ExitReason{models.ExitMovedAway,
					models.ExitReEngaged, models.ExitReoriented, models.ExitOther}), prevYear: true}
			}
			g.pupil(e, scn)
		}
	}
	for _, p := range g.plans {
		g.indicators(p)
		g.followUps(p)
		g.meetings(p)
	}
	g.upcomingMeetings()
	g.ensureDueSoon()
	g.referrals()
	g.activities()
	g.conflicts()
	return g.d
}

func (g *gen) establishments() {
	for _, s := range establishmentSpecs {
		digits := fmt.Sprintf("0599%03d", s.seq)
		letter, _ := models.UAICheckLetter(digits)
		created := at(g.floor, 8, 0)
		g.d.establishments = append(g.d.establishments, models.Establishment{
			UAI: digits + string(letter), Name: s.name, Type: s.typ, Sector: s.sector, Commune: s.commune,
			PostalCode: s.postal, PriorityEducation: s.priority, Active: s.active, CreatedAt: created,
			UpdatedAt: created,
		})
	}
}

func (g *gen) partners() {
	created := at(g.floor, 8, 5)
	for _, s := range partnerSpecs {
		g.d.partners = append(g.d.partners, models.PartnerOrganisation{
			Name: s.name, Kind: s.kind, ContactName: s.contact, ContactEmail: s.email, ContactPhone: s.phone,
			ResponseDays: s.responseDays, Active: true, CreatedAt: created, UpdatedAt: created,
		})
	}
}

func (g *gen) accounts(hashes []string) {
	created := at(g.floor, 8, 10)
	for i, a := range accountSpecs {
		phone := ""
		if a.role == models.RoleMediator {
			// Numbers of the range reserved for fiction, so that no real line is called.
			phone = fmt.Sprintf("03 53 01 00 %02d", 10+i)
		}
		g.d.users = append(g.d.users, userRow{u: models.User{
			Email: a.email, DisplayName: a.name, Phone: phone, Role: a.role, Locale: models.LocaleFrench, Active: true,
			PasswordHash: hashes[i], CreatedAt: created, UpdatedAt: created,
		}, partner: a.partner})
		for _, e := range a.establishments {
			g.d.links = append(g.d.links, linkRow{user: i, est: e})
		}
	}
}

// deck lists the scenarios of all files. The first ones go to the first establishment and cover
// every status and exit reason, so that the demo mediator sees them all; the rest are shuffled.
func (g *gen) deck() []scenario {
	active := scenario{final: models.StatusActive}
	closed := func(r models.ExitReason, prev bool) scenario {
		return scenario{final: models.StatusClosed, exit: r, prevYear: prev}
	}
	cover := []scenario{
		{final: models.StatusIdentified}, active, {final: models.StatusActive, stale: true},
		{final: models.StatusMonitoring}, {final: models.StatusActive, reopened: true, exit: models.ExitReEngaged},
		closed(models.ExitReEngaged, false), closed(models.ExitReoriented, true), closed(models.ExitMovedAway, false),
		closed(models.ExitNoDiploma, true), closed(models.ExitEndOfSchooling, true), closed(models.ExitOther, false),
		{final: models.StatusIdentified}, active, active,
	}
	var rest []scenario
	add := func(s scenario, n int) {
		for range n {
			rest = append(rest, s)
		}
	}
	add(scenario{final: models.StatusIdentified}, 12)
	add(active, 36)
	add(scenario{final: models.StatusActive, stale: true}, 9)
	add(scenario{final: models.StatusActive, reopened: true, exit: models.ExitReEngaged}, 5)
	add(scenario{final: models.StatusActive, reopened: true, exit: models.ExitOther}, 2)
	add(scenario{final: models.StatusMonitoring}, 22)
	for _, r := range models.ExitReasons {
		add(closed(r, true), 4)
		if r != models.ExitEndOfSchooling {
			add(closed(r, false), 2)
		}
	}
	add(closed(models.ExitReEngaged, true), 2)
	add(closed(models.ExitReEngaged, false), 2)
	total := 0
	for _, e := range establishmentSpecs {
		total += e.pupils
	}
	add(active, total-len(cover)-len(rest)) // the files in ongoing follow-up make up the rest
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append(cover, rest...)
}

// chain lays days back from last, separated by gaps, squeezing the gaps when the first day would
// fall before floor, then moves each day back to a working day without breaking the order.
func chain(last, floor time.Time, gaps ...int) []time.Time {
	total := 0
	for _, gap := range gaps {
		total += gap
	}
	if avail := daysBetween(floor, last); total > avail {
		for i := range gaps {
			gaps[i] = gaps[i] * max(avail, 0) / total
		}
	}
	days := make([]time.Time, len(gaps)+1)
	days[len(gaps)] = last
	for i := len(gaps) - 1; i >= 0; i-- {
		days[i] = addDays(days[i+1], -gaps[i])
	}
	for i := range days {
		days[i] = prevWorkday(days[i])
		if i > 0 && days[i].Before(days[i-1]) {
			days[i] = days[i-1]
		}
	}
	return days
}

// timeline draws the days of the file's status changes.
func (g *gen) timeline(p *plan) {
	s := p.scn
	curDays := daysBetween(g.yearStart, g.yesterday) // days of the current school year so far
	switch {
	case s.final == models.StatusIdentified:
		p.identified = maxDay(prevSchoolDay(addDays(g.today, -g.between(2, 40))), g.floor)
	case s.reopened:
		reopen := g.dayIn(maxDay(addDays(g.floor, 150), addDays(g.today, -80)), g.yesterday)
		d := chain(reopen, g.floor, g.between(2, 15), g.between(40, 150), g.between(20, 80))
		p.identified, p.activated, p.closed, p.reopened = d[0], d[1], d[2], d[3]
	case s.final == models.StatusActive:
		var act time.Time
		switch {
		case s.stale:
			act = g.dayIn(addDays(g.floor, 20), addDays(g.today, -50))
		case curDays >= 30 && g.chance(0.55):
			act = g.dayIn(addDays(g.yearStart, 5), addDays(g.today, -5))
		default:
			act = g.dayIn(addDays(g.floor, 10), minDay(g.prevLastDay, addDays(g.today, -5)))
		}
		d := chain(act, g.floor, g.between(2, 15))
		p.identified, p.activated = d[0], d[1]
	case s.final == models.StatusMonitoring:
		mon := g.dayIn(addDays(g.floor, 60), addDays(g.today, -3))
		d := chain(mon, g.floor, g.between(2, 15), g.between(30, 150))
		p.identified, p.activated, p.monitoring = d[0], d[1], d[2]
	default: // closed
		var end time.Time
		switch {
		case s.exit == models.ExitEndOfSchooling:
			end = g.prevLastDay
		case !s.prevYear && curDays >= 40:
			end = g.dayIn(addDays(g.yearStart, 20), g.yesterday)
		default:
			end = g.dayIn(addDays(g.floor, 60), g.prevLastDay)
		}
		if g.chance(0.5) {
			d := chain(end, g.floor, g.between(2, 15), g.between(30, 120), g.between(20, 90))
			p.identified, p.activated, p.monitoring, p.closed = d[0], d[1], d[2], d[3]
		} else {
			d := chain(end, g.floor, g.between(2, 15), g.between(30, 180))
			p.identified, p.activated, p.closed = d[0], d[1], d[2]
		}
	}
	// Follow-up phases: active from activation, sparser once in monitoring.
	switch {
	case p.activated.IsZero():
	case s.reopened:
		p.phases = []phase{{p.activated, p.closed, 7, 25}, {p.reopened, g.yesterday, 5, 16}}
	case !p.monitoring.IsZero():
		p.phases = []phase{{p.activated, p.monitoring, 7, 22}, {p.monitoring, p.end(g), 20, 45}}
	default:
		p.phases = []phase{{p.activated, p.end(g), 7, 25}}
	}
	if s.stale {
		p.phases[len(p.phases)-1].to = addDays(g.today, -g.between(21, 45))
	}
}

// levelAge is the usual age, at the start of the school year, of a pupil of each level.
var levelAge = map[models.ClassLevel]int{
	models.Level6e: 11, models.Level5e: 12, models.Level4e: 13, models.Level3e: 14, models.Level2nde: 15,
	models.Level1re: 16, models.LevelTle: 17, models.LevelCAP1: 15, models.LevelCAP2: 16, models.LevelBacPro: 15,
}

var levelsOf = map[models.EstablishmentType][]models.ClassLevel{
	models.TypeCollege:  {models.Level6e, models.Level5e, models.Level4e, models.Level3e},
	models.TypeLyceeGT:  {models.Level2nde, models.Level1re, models.LevelTle},
	models.TypeLyceePro: {models.LevelCAP1, models.LevelCAP2, models.LevelBacPro},
}

// className writes the class as schools do: « 4e B », « 1re G2 », « 2e CAP EPC », « Tle pro MELEC ».
func (g *gen) className(l models.ClassLevel, bacProYear int) string {
	letter := string(rune('A' + g.r.IntN(6)))
	switch l {
	case models.Level2nde:
		return fmt.Sprintf("2nde %d", g.between(1, 9))
	case models.Level1re, models.LevelTle:
		return fmt.Sprintf("%s G%d", map[models.ClassLevel]string{models.Level1re: "1re", models.LevelTle: "Tle"}[l], g.between(1, 6))
	case models.LevelCAP1, models.LevelCAP2:
		year := map[models.ClassLevel]string{models.LevelCAP1: "1re", models.LevelCAP2: "2e"}[l]
		return year + " CAP " + pick(g, []string{"EPC", "ECMS", "PSR", "MIS"})
	case models.LevelBacPro:
		return []string{"2nde", "1re", "Tle"}[bacProYear] + " pro " + pick(g, []string{"MRC", "AGORA", "MELEC", "MSPC", "ASSP", "HCR"})
	}
	return string(l) + " " + letter
}

func (g *gen) pupil(est int, scn scenario) {
	p := &plan{idx: len(g.d.pupils), est: est, mediator: mediatorOf(est), scn: scn}
	g.timeline(p)
	spec := establishmentSpecs[est]

	// The level is the one of the school year the file was last followed in.
	ref := g.year
	if scn.final == models.StatusClosed {
		ref = calendar.SchoolYearOf(at(p.closed, 12, 0))
	}
	spans := calendar.SchoolYearOf(at(p.identified, 12, 0)) != ref
	levels := levelsOf[spec.typ]
	if spans {
		levels = levels[1:] // a file that spans two years cannot start in the first level
	}
	level := pick(g, levels)
	switch scn.exit {
	case models.ExitEndOfSchooling, models.ExitNoDiploma:
		if scn.final == models.StatusClosed {
			level = levelsOf[spec.typ][len(levelsOf[spec.typ])-1]
		}
	}
	bacProYear := g.r.IntN(3)
	age := levelAge[level]
	if level == models.LevelBacPro {
		age += bacProYear
	}
	switch {
	case scn.exit == models.ExitNoDiploma && scn.final == models.StatusClosed:
		age += g.between(1, 2)
	case g.chance(0.22):
		age++ // a year behind
	case g.chance(0.03):
		age += 2
	}
	birth := date(ref.StartYear-age, time.Month(g.between(1, 12)), g.between(1, 28))

	o := g.origin()
	p.girl = g.chance(0.45)
	for {
		p.last = pick(g, o.last)
		if p.girl {
			p.first = pick(g, o.girls)
		} else {
			p.first = pick(g, o.boys)
		}
		if !g.names[p.first+" "+p.last] {
			g.names[p.first+" "+p.last] = true
			break
		}
	}
	var ine *string
	if g.chance(0.85) {
		for {
			n := g.r.Int64N(9_000_000_000) + 1_000_000_000
			s := fmt.Sprintf("%010d%c", n, "ABCDEFGHJKLMNPRSTUVWXYZ"[n%23])
			if !g.ines[s] {
				g.ines[s] = true
				ine = &s
				break
			}
		}
	}

	pu := models.Pupil{
		LastName: p.last, FirstName: p.first, BirthDate: birth, ClassLevel: level,
		ClassName: g.className(level, bacProYear), INE: ine, Status: scn.final, IdentifiedOn: p.identified,
		Version: 1,
	}
	p.guardians = g.guardianPlans(o, p.last)

	// Status history: one change per step, each two hours after the previous one.
	type step struct {
		day    time.Time
		status models.PupilStatus
		exit   *models.ExitReason
	}
	steps := []step{{p.identified, models.StatusIdentified, nil}}
	if !p.activated.IsZero() {
		steps = append(steps, step{p.activated, models.StatusActive, nil})
	}
	if !p.monitoring.IsZero() {
		steps = append(steps, step{p.monitoring, models.StatusMonitoring, nil})
	}
	if !p.closed.IsZero() {
		exit := scn.exit
		steps = append(steps, step{p.closed, models.StatusClosed, &exit})
	}
	if !p.reopened.IsZero() {
		steps = append(steps, step{p.reopened, models.StatusActive, nil})
	}
	var from *models.PupilStatus
	var last time.Time
	for i, st := range steps {
		changed := at(st.day, 9+2*i, g.between(0, 59))
		if i == 0 {
			pu.CreatedAt = changed
		}
		comment := pick(g, sampledata.StatusComments[st.status])
		switch {
		case st.status == models.StatusClosed:
			comment = "Clôture : " + sampledata.ExitLabels[*st.exit] + "."
		case from != nil && *from == models.StatusClosed:
			comment = pick(g, sampledata.ReopenComments)
		}
		g.d.changes = append(g.d.changes, changeRow{c: models.PupilStatusChange{
			FromStatus: from, ToStatus: st.status, ExitReason: st.exit, Comment: comment, ChangedAt: changed,
		}, pupil: p.idx, by: p.mediator})
		status := st.status
		from = &status
		last = changed
	}
	pu.UpdatedAt = last
	if scn.final == models.StatusClosed {
		exit := scn.exit
		pu.ExitReason = &exit
		pu.ClosedAt = &last
	}
	g.d.pupils = append(g.d.pupils, pupilRow{p: pu, est: est, mediator: p.mediator})
	for _, gp := range p.guardians {
		g.d.guardians = append(g.d.guardians, guardianRow{g: models.Guardian{
			Name: gp.first + " " + gp.last, Relation: gp.relation,
			Phone:        fmt.Sprintf("06 39 98 %02d %02d", g.r.IntN(100), g.r.IntN(100)),
			Email:        sampledata.GuardianEmail(g.r, gp.first, gp.last),
			HomeLanguage: gp.language, InterpreterNeeded: gp.interpreter,
			CreatedAt: pu.CreatedAt, UpdatedAt: pu.CreatedAt,
		}, pupil: p.idx})
	}
	g.plans = append(g.plans, p)
}

func (g *gen) origin() origin {
	total := 0
	for _, o := range origins {
		total += o.weight
	}
	n := g.r.IntN(total)
	for _, o := range origins {
		if n < o.weight {
			return o
		}
		n -= o.weight
	}
	return origins[0]
}

func (g *gen) guardianPlans(o origin, last string) []guardianPlan {
	lang := o.languages[0]
	total := 0
	for _, l := range o.languages {
		total += l.weight
	}
	n := g.r.IntN(total)
	for _, l := range o.languages {
		if n < l.weight {
			lang = l
			break
		}
		n -= l.weight
	}
	var gs []guardianPlan
	for _, rel := range sampledata.Relations(g.r) {
		gp := guardianPlan{last: last, relation: rel, language: lang.name}
		switch rel {
		case "père", "tuteur":
			gp.first = pick(g, o.fathers)
		default:
			gp.first = pick(g, o.mothers)
			if rel != "grand-mère" && !g.chance(o.sameNameForMothers) {
				gp.last = pick(g, o.last)
			}
		}
		gp.interpreter = g.chance(lang.interpreter)
		gs = append(gs, gp)
	}
	return gs
}

// indicators writes one row per school month from identification to the file's last month.
// Absences follow a per-pupil rate that improves once the follow-up starts (or worsens for a
// pupil who drops out); identified and stale files end above the alert threshold.
func (g *gen) indicators(p *plan) {
	last := g.today
	if p.scn.final == models.StatusClosed {
		last = p.closed
	}
	rate := 0.04 + g.r.Float64()*0.2
	improve := p.scn.exit == models.ExitReEngaged || p.scn.final == models.StatusMonitoring || g.chance(0.4)
	worsen := p.scn.exit == models.ExitNoDiploma
	alert := p.scn.final == models.StatusIdentified || p.scn.stale || (p.open() && g.chance(0.12))
	graded := g.chance(0.65)
	average := 6 + g.r.Float64()*7
	manual := g.chance(0.3)

	type row struct {
		month calendar.Month
		m     models.MonthlyIndicator
	}
	var rows []row
	// The first month is the one whose absences led to the identification.
	first := monthStart(p.identified)
	if schoolHalfDays(first, p.identified) < 8 {
		first = first.AddDate(0, -1, 0)
	}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		to := minDay(m.AddDate(0, 1, 0), g.today)
		school, ok := g.halfDays[m]
		if !ok {
			school = schoolHalfDays(m, to)
			g.halfDays[m] = school
		}
		if school < 8 {
			continue // August, July, a month that has barely begun
		}
		r := rate
		if !p.activated.IsZero() && m.After(p.activated) {
			k := float64(daysBetween(p.activated, m)) / 30
			switch {
			case improve:
				r *= math.Max(math.Pow(0.8, k), 0.25)
			case worsen:
				r *= math.Min(math.Pow(1.15, k), 3)
			}
		}
		unjust := int(math.Round(float64(school) * r * (0.6 + 0.8*g.r.Float64())))
		just := int(math.Round(float64(school) * 0.08 * g.r.Float64()))
		unjust = min(unjust, school)
		just = min(just, school-unjust)
		exclusions, incidents := 0, 0
		ind := models.MonthlyIndicator{
			Month: monthOfDay(m), UnjustifiedHalfDays: &unjust, JustifiedHalfDays: &just, SchoolHalfDays: &school,
			TemporaryExclusions: &exclusions, Incidents: &incidents, Source: models.SourceImport,
		}
		if g.chance(0.04 + r*0.3) {
			exclusions = 1
		}
		switch x := g.r.Float64(); {
		case x < 0.03:
			incidents = 3
		case x < 0.09:
			incidents = 2
		case x < 0.22:
			incidents = 1
		}
		if graded && (m.Month() == time.December || m.Month() == time.March || m.Month() == time.June) {
			average += g.r.Float64()*2 - 1
			if g.chance(0.15) {
				average -= 3 + g.r.Float64()*1.5 // a drop the risk rules flag
			}
			average = math.Max(2, math.Min(17.5, average))
			avg := math.Round(average*10) / 10
			ind.TermAverage = &avg
		}
		// Figures are imported in the first days of the next month, or last night for this one.
		entered := at(nextWeekday(addDays(m.AddDate(0, 1, 0), g.between(0, 3))), 7, g.between(0, 59))
		if !to.Before(g.today) {
			entered = at(g.yesterday, 19, g.between(0, 59))
		}
		ind.CreatedAt = g.clampNow(entered)
		ind.UpdatedAt = ind.CreatedAt
		if manual {
			ind.Source = models.SourceManual
		}
		rows = append(rows, row{ind.Month, ind})
	}
	if n := len(rows); n > 0 && alert {
		m := &rows[n-1].m
		school := *m.SchoolHalfDays
		want := min(g.between(4, 9), school-1)
		unjust := max(*m.UnjustifiedHalfDays, want)
		just := min(*m.JustifiedHalfDays, school-unjust)
		m.UnjustifiedHalfDays, m.JustifiedHalfDays = &unjust, &just
	}
	by := -1
	if manual {
		by = p.mediator
	}
	for _, r := range rows {
		g.d.indicators = append(g.d.indicators, indicatorRow{m: r.m, pupil: p.idx, by: by})
	}
}

// sortedPlans returns the plans that match keep, in a stable order.
func (g *gen) sortedPlans(keep func(*plan) bool) []*plan {
	var out []*plan
	for _, p := range g.plans {
		if keep(p) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *plan) int { return a.idx - b.idx })
	return out
}
