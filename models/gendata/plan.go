package gendata

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// The planner draws everything that spans several pupil files first: establishments, partners,
// accounts and, for each file, its establishment, referent, status history and how many
// follow-ups, meetings, referrals and next actions it gets, so that the totals are exactly
// those of the scale. The rows of each file are drawn later, chunk by chunk (rows.go).

type planner struct {
	opt       Options
	size      Size
	r         *rand.Rand
	today     day
	yesterday day
	// lastMinute is the last minute of yesterday in Paris: nothing of the past is dated after
	// it, so that the rows depend on the day they are generated for, not on its hour.
	lastMinute time.Time
	year       calendar.SchoolYear
	// first is 1 September of the first of the five school years.
	first day
	cal   *schoolCalendar

	ests         []estPlan
	users        []userPlan
	estMediators [][]int // user indexes, per establishment
	headTeachers []int   // user index, per establishment
	partnerUsers [][]int // user indexes, per partner
	pupils       []*pupilPlan
}

type estPlan struct {
	e       models.Establishment
	commune int
	weight  float64 // share of the pupil files
}

type userPlan struct {
	u           models.User
	partner     int // index in partnerSpecs, -1 for none
	ests        []int
	description string
}

// pupilPlan is a pupil file as planned: enough to draw its rows later from its own stream.
type pupilPlan struct {
	idx      int // draw order, which names the file's random streams
	est      int
	referent int // user index
	track    track
	start    int // position in the track in the school year of identification
	pos      int // position in the track in the school year of the last change
	steps    []step
	// Counts of the rows to draw.
	followUps, meetings, referrals, actions int
}

// step is one change of the file's status, on a workday.
type step struct {
	on     day
	status models.PupilStatus
	exit   models.ExitReason
}

// phase is a span of days during which the file stays in one status, both ends included.
type phase struct {
	from, to day
	status   models.PupilStatus
}

func (pp *pupilPlan) identified() day { return pp.steps[0].on }

func (pp *pupilPlan) last() step { return pp.steps[len(pp.steps)-1] }

func (pp *pupilPlan) open() bool { return pp.last().status != models.StatusClosed }

// phases are the spans in which the file was not closed, up to yesterday.
func (pp *pupilPlan) phases(yesterday day) []phase {
	var out []phase
	for i, st := range pp.steps {
		if st.status == models.StatusClosed {
			continue
		}
		to := yesterday
		if i+1 < len(pp.steps) {
			to = pp.steps[i+1].on - 1
		}
		if to >= st.on {
			out = append(out, phase{st.on, to, st.status})
		}
	}
	return out
}

// track is the sequence of class levels a pupil goes through in one establishment, with the
// class names' prefixes.
type track struct {
	levels []models.ClassLevel
	names  []string // "4e", "2nde pro"…
	starts []int    // weights of the level a file starts in
}

var (
	trackCollege = track{[]models.ClassLevel{models.Level6e, models.Level5e, models.Level4e, models.Level3e},
		[]string{"6e", "5e", "4e", "3e"}, []int{20, 28, 29, 23}}
	trackLyceeGT = track{[]models.ClassLevel{models.Level2nde, models.Level1re, models.LevelTle},
		[]string{"2nde", "1re", "Tle"}, []int{50, 33, 17}}
	trackCAP = track{[]models.ClassLevel{models.LevelCAP1, models.LevelCAP2},
		[]string{"1re CAP", "2e CAP"}, []int{60, 40}}
	trackBacPro = track{[]models.ClassLevel{models.LevelBacPro, models.LevelBacPro, models.LevelBacPro},
		[]string{"2nde pro", "1re pro", "Tle pro"}, []int{50, 30, 20}}
)

// age is the usual age, at the start of the school year, at a position of the track: 11 in
// 6e, 15 in 2nde, 2nde pro or 1re année de CAP.
func (t track) age(pos int) int {
	if t.levels[0] == models.Level6e {
		return 11 + pos
	}
	return 15 + pos
}

func newPlanner(opt Options, size Size) *planner {
	now := opt.Now
	today := civilDay(now)
	year := calendar.SchoolYearOf(now)
	first := dayOf(year.StartYear-4, time.September, 1)
	return &planner{
		opt: opt, size: size, today: today, yesterday: today - 1, lastMinute: today.at(0, 0).Add(-time.Minute),
		year: year, first: first,
		r:   newRand(opt.Seed, 0, streamPlanner),
		cal: newCalendar(first-62, today+400, today),
	}
}

// The random streams: the planner's, and three per pupil file (its history, the weights of its
// rows, its rows).
const (
	streamPlanner = iota
	streamPlan
	streamWeights
	streamRows
)

// newRand returns a random stream seeded from the seed and a hash of the file's index and the
// stream: neighbouring files draw unrelated numbers.
func newRand(seed uint64, idx, stream int) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^0x6d65646961746f72), splitmix(uint64(idx)<<2|uint64(stream))))
}

// splitmix is SplitMix64's finaliser: neighbouring inputs give unrelated outputs.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// between draws an integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted draws an index with probability proportional to its weight.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// allocate shares total among the weights, in proportion and exactly: each share is the
// difference of the rounded running totals, so that the shares add up to total.
func allocate(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if sum <= 0 {
		return out
	}
	running, prev := 0.0, 0
	for i, w := range weights {
		running += w
		cur := int(math.Round(float64(total) * running / sum))
		if i == len(weights)-1 {
			cur = total
		}
		out[i] = cur - prev
		prev = cur
	}
	return out
}

func (p *planner) plan() {
	p.establishments()
	p.accounts()
	p.pupilPlans()
}

func (p *planner) establishments() {
	n := p.size.Establishments
	weights := make([]int, len(communes))
	for i, c := range communes {
		weights[i] = c.weight
	}
	seqs := p.r.Perm(9999)[:n]
	used := map[string]bool{}
	created := p.first.at(8, 0)
	for i := range n {
		typ := typePattern[i%len(typePattern)]
		ci := weighted(p.r, weights)
		c := communes[ci]
		sector := models.SectorPublic
		if chance(p.r, 0.2) {
			sector = models.SectorPrivate
		}
		priority := models.PriorityNone
		if typ == models.TypeCollege && sector == models.SectorPublic && chance(p.r, c.priority) {
			priority = models.PriorityREP
			if chance(p.r, 0.3+0.2*c.priority) {
				priority = models.PriorityREPPlus
			}
		}
		var name string
		for try := 0; ; try++ {
			name = establishmentName(p.r, typ, sector)
			if try >= 50 {
				name += " II"
			}
			if !used[name+"|"+c.name] {
				used[name+"|"+c.name] = true
				break
			}
		}
		digits := fmt.Sprintf("059%04d", seqs[i]+1)
		letter, _ := models.UAICheckLetter(digits)
		weight := map[models.EstablishmentType]float64{models.TypeCollege: 1, models.TypeLyceeGT: 0.7, models.TypeLyceePro: 1.1}[typ]
		switch priority {
		case models.PriorityREP:
			weight *= 1.5
		case models.PriorityREPPlus:
			weight *= 2
		}
		if sector == models.SectorPrivate {
			weight *= 0.5
		}
		weight *= 0.6 + 0.8*p.r.Float64()
		p.ests = append(p.ests, estPlan{e: models.Establishment{
			UAI: digits + string(letter), Name: name, Type: typ, Sector: sector, Commune: c.name, PostalCode: c.postal,
			PriorityEducation: priority, Active: true, CreatedAt: created, UpdatedAt: created,
		}, commune: ci, weight: weight})
	}
}

func establishmentName(r *rand.Rand, typ models.EstablishmentType, sector models.Sector) string {
	namesake := pick(r, publicNamesakes)
	if sector == models.SectorPrivate {
		namesake = pick(r, privateNamesakes)
	}
	switch typ {
	case models.TypeLyceeGT:
		return "Lycée " + namesake
	case models.TypeLyceePro:
		return "Lycée professionnel " + namesake
	}
	return "Collège " + namesake
}

func (p *planner) staffName() string {
	return pick(p.r, staffFirst) + " " + pick(p.r, staffLast)
}

func (p *planner) addUser(email, name string, role models.Role, partner int, ests []int, description string) int {
	created := p.first.at(8, 10)
	p.users = append(p.users, userPlan{u: models.User{
		Email: email, DisplayName: name, Role: role, Locale: models.LocaleFrench, Active: true,
		CreatedAt: created, UpdatedAt: created,
	}, partner: partner, ests: ests, description: description})
	return len(p.users) - 1
}

func (p *planner) estLabel(e int) string {
	return p.ests[e].e.Name + " (" + p.ests[e].e.Commune + ")"
}

func (p *planner) accounts() {
	p.addUser("admin@metro.test", "Administration technique", models.RoleAdmin, -1, nil, "comptes et journal d'audit, aucun dossier élève")
	for i := range 2 {
		p.addUser(fmt.Sprintf("coordination%d@metro.test", i+1), p.staffName(), models.RoleCoordinator, -1, nil,
			"coordination métropolitaine : chiffres anonymisés de tous les établissements")
	}

	// Mediators: the first ones take one establishment each, so that every establishment has
	// one; each has one to three, the others near the first.
	nEst := len(p.ests)
	byCommune := map[int][]int{}
	estWeights := make([]int, nEst)
	for e, est := range p.ests {
		byCommune[est.commune] = append(byCommune[est.commune], e)
		estWeights[e] = max(1, int(est.weight*100))
	}
	p.estMediators = make([][]int, nEst)
	width := max(3, len(fmt.Sprint(p.size.Mediators)))
	for m := range p.size.Mediators {
		primary := m
		if m >= nEst {
			primary = weighted(p.r, estWeights)
		}
		ests := []int{primary}
		k := 1
		switch x := p.r.Float64(); {
		case x < 0.15:
			k = 3
		case x < 0.45:
			k = 2
		}
		for len(ests) < min(k, nEst) {
			near := byCommune[p.ests[primary].commune]
			var e int
			if chance(p.r, 0.7) && len(near) > len(ests) {
				e = pick(p.r, near)
			} else {
				e = weighted(p.r, estWeights)
			}
			if !slices.Contains(ests, e) {
				ests = append(ests, e)
			}
		}
		labels := make([]string, len(ests))
		for i, e := range ests {
			labels[i] = p.estLabel(e)
		}
		u := p.addUser(fmt.Sprintf("mediateur%0*d@metro.test", width, m+1), p.staffName(), models.RoleMediator, -1, ests,
			"médiateur·rice : "+strings.Join(labels, ", "))
		for _, e := range ests {
			p.estMediators[e] = append(p.estMediators[e], u)
		}
	}
	p.headTeachers = make([]int, nEst)
	for e, est := range p.ests {
		title := "principal"
		if est.e.Type != models.TypeCollege {
			title = "proviseur"
		}
		p.headTeachers[e] = p.addUser("direction-"+strings.ToLower(est.e.UAI)+"@metro.test", p.staffName(),
			models.RoleHeadTeacher, -1, []int{e}, title+" : "+p.estLabel(e))
	}
	p.partnerUsers = make([][]int, len(partnerSpecs))
	for i, s := range partnerSpecs {
		for k := range s.accounts {
			email := "partenaire-" + s.slug + "@metro.test"
			if k > 0 {
				email = fmt.Sprintf("partenaire-%s-%d@metro.test", s.slug, k+1)
			}
			p.partnerUsers[i] = append(p.partnerUsers[i], p.addUser(email, p.staffName(), models.RolePartner, i, nil,
				"partenaire : "+s.name))
		}
	}
}

// pupilPlans shares the files among the establishments by weight, draws each file's history,
// shares the rows among the files, and orders the files by identification day, the order in
// which they would have been opened.
func (p *planner) pupilPlans() {
	weights := make([]float64, len(p.ests))
	for e, est := range p.ests {
		weights[e] = est.weight
	}
	perEst := allocate(p.size.Pupils, weights)
	idx := 0
	for e, n := range perEst {
		for range n {
			p.pupils = append(p.pupils, p.pupilPlan(idx, e))
			idx++
		}
	}

	// Weights of each kind of row: follow-ups by workday, meetings by school day, more while
	// in active follow-up than in monitoring; referrals once the follow-up is active.
	density := func(s models.PupilStatus, identified, active, monitoring float64) float64 {
		switch s {
		case models.StatusIdentified:
			return identified
		case models.StatusActive:
			return active
		case models.StatusMonitoring:
			return monitoring
		}
		return 0
	}
	fw := make([]float64, len(p.pupils))
	mw := make([]float64, len(p.pupils))
	rw := make([]float64, len(p.pupils))
	for i, pp := range p.pupils {
		r := newRand(p.opt.Seed, pp.idx, streamWeights)
		intensity := func(sigma float64) float64 { return math.Exp(r.NormFloat64() * sigma) }
		fi, mi, ri := intensity(0.5), intensity(0.5), intensity(0.7)
		for _, ph := range pp.phases(p.yesterday) {
			work, school := float64(p.cal.workdays(ph.from, ph.to)), float64(p.cal.schoolDays(ph.from, ph.to))
			fw[i] += fi * work * density(ph.status, 0.15, 1, 0.35)
			mw[i] += mi * school * density(ph.status, 0.3, 1, 0.5)
			rw[i] += ri * work * density(ph.status, 0, 1, 0.4)
		}
	}
	fu, me, re := allocate(p.size.FollowUps, fw), allocate(p.size.Meetings, mw), allocate(p.size.Referrals, rw)
	aw := make([]float64, len(p.pupils))
	for i, pp := range p.pupils {
		pp.followUps, pp.meetings, pp.referrals = fu[i], me[i], re[i]
		if fu[i] > 0 {
			aw[i] = math.Sqrt(float64(fu[i]))
			if pp.open() {
				aw[i] *= 6 // the open files hold most of the actions still to do
			}
		}
	}
	for i, n := range allocate(p.size.NextActions, aw) {
		p.pupils[i].actions = n
	}
	slices.SortStableFunc(p.pupils, func(a, b *pupilPlan) int {
		return cmp.Or(cmp.Compare(a.identified(), b.identified()), cmp.Compare(a.idx, b.idx))
	})
}

// pupilPlan draws a file's establishment track, referent and status history. The history is a
// walk through the statuses, from a school day of the five years, that stops at yesterday; the
// file closes at the latest on the last school day of the pupil's last year in the
// establishment.
func (p *planner) pupilPlan(idx, est int) *pupilPlan {
	r := newRand(p.opt.Seed, idx, streamPlan)
	pp := &pupilPlan{idx: idx, est: est, referent: pick(r, p.estMediators[est])}
	typ := p.ests[est].e.Type
	switch {
	case typ == models.TypeCollege:
		pp.track = trackCollege
	case typ == models.TypeLyceeGT:
		pp.track = trackLyceeGT
	case chance(r, 0.35):
		pp.track = trackCAP
	default:
		pp.track = trackBacPro
	}
	pp.start = weighted(r, pp.track.starts)

	// Mediation grows over the five years: three times as many files are opened at the end as
	// at the start (a density that rises linearly, drawn by inverting its distribution).
	span := float64(p.yesterday-p.first) + 1
	drawDay := func() day {
		return p.first + day(span*(math.Sqrt(1+8*r.Float64())-1)/2)
	}
	d0 := drawDay()
	for !p.cal.schoolDay(d0) {
		d0 = drawDay()
	}
	y0 := d0.schoolYearStart()
	hardEnd := p.cal.lastSchoolDay(y0 + len(pp.track.levels) - 1 - pp.start)
	lycee := typ != models.TypeCollege

	pp.steps = []step{{d0, models.StatusIdentified, ""}}
	cur := pp.steps[0]
	for len(pp.steps) < 10 {
		next := step{}
		var gap int
		switch cur.status {
		case models.StatusIdentified:
			switch x := r.Float64(); {
			case x < 0.05:
				gap, next.status = between(r, 10, 45), models.StatusClosed
				next.exit = pick(r, []models.ExitReason{models.ExitMovedAway, models.ExitOther, models.ExitOther, models.ExitReEngaged})
			case x < 0.09:
				gap, next.status = between(r, 5, 30), models.StatusMonitoring
			default:
				gap, next.status = between(r, 2, 20), models.StatusActive
				if p.opt.Study != nil && chance(r, studyWaiting) {
					gap = between(r, studyWaitMin, studyWaitMax)
				}
			}
		case models.StatusActive:
			gap = 40 + min(int(r.ExpFloat64()*160), 480)
			next.status = models.StatusMonitoring
			if chance(r, 0.3) {
				next.status, next.exit = models.StatusClosed, closingReason(r, lycee)
			}
		case models.StatusMonitoring:
			gap = between(r, 20, 40) + min(int(r.ExpFloat64()*80), 250)
			next.status = models.StatusActive
			if chance(r, 0.65) {
				next.status, next.exit = models.StatusClosed, closingReason(r, lycee)
			}
		case models.StatusClosed:
			if cur.exit == models.ExitEndOfSchooling || cur.exit == models.ExitMovedAway || !chance(r, 0.07) {
				break
			}
			gap, next.status = between(r, 30, 250), models.StatusActive
		}
		if next.status == "" {
			break
		}
		next.on = p.cal.nextWorkday(cur.on + day(gap))
		if next.on > hardEnd {
			if cur.status == models.StatusClosed {
				break // the pupil has left the establishment: no reopening
			}
			// The pupil leaves the establishment at the end of the last year.
			next = step{p.cal.nextWorkday(max(hardEnd, cur.on+1)), models.StatusClosed, leavingReason(r, typ)}
		}
		if next.on > p.yesterday {
			break
		}
		pp.steps = append(pp.steps, next)
		cur = next
		if next.status == models.StatusClosed && next.exit == models.ExitEndOfSchooling {
			break
		}
	}
	lastYear := p.year.StartYear
	if !pp.open() {
		lastYear = pp.last().on.schoolYearStart()
	}
	pp.pos = min(pp.start+lastYear-y0, len(pp.track.levels)-1)
	return pp
}

// closingReason is why a file in follow-up is closed; leaving school without a diploma is for
// lycée pupils, past the age of compulsory schooling.
func closingReason(r *rand.Rand, lycee bool) models.ExitReason {
	reasons := []models.ExitReason{models.ExitReEngaged, models.ExitReoriented, models.ExitMovedAway, models.ExitOther, models.ExitNoDiploma}
	weights := []int{52, 12, 14, 10, 8}
	if !lycee {
		weights[4] = 0
	}
	return reasons[weighted(r, weights)]
}

// leavingReason is why a file closes when the pupil leaves the establishment after its last
// class.
func leavingReason(r *rand.Rand, typ models.EstablishmentType) models.ExitReason {
	reasons := []models.ExitReason{models.ExitEndOfSchooling, models.ExitReoriented, models.ExitNoDiploma}
	weights := map[models.EstablishmentType][]int{
		models.TypeCollege: {85, 15, 0}, models.TypeLyceeGT: {90, 5, 5}, models.TypeLyceePro: {70, 10, 20},
	}[typ]
	return reasons[weighted(r, weights)]
}

// refs are the ids of the rows inserted first, by index in the planner's slices.
type refs struct {
	ests, partners, users []uint
}

// insertFixed inserts the establishments, partners, accounts and their links.
func (p *planner) insertFixed(tx *gorm.DB, hash string, sum *Summary) (refs, error) {
	var ids refs
	ests := make([]models.Establishment, len(p.ests))
	for i, e := range p.ests {
		ests[i] = e.e
	}
	if err := create(tx, "establishments", ests); err != nil {
		return ids, err
	}
	created := p.first.at(8, 5)
	partners := make([]models.PartnerOrganisation, len(partnerSpecs))
	for i, s := range partnerSpecs {
		partners[i] = models.PartnerOrganisation{Name: s.name, Kind: s.kind, ContactName: s.contact,
			ContactEmail: "contact-" + s.slug + "@partenaires.test", ContactPhone: s.phone, ResponseDays: s.responseDays,
			Active: true, CreatedAt: created, UpdatedAt: created}
	}
	if err := create(tx, "partner organisations", partners); err != nil {
		return ids, err
	}
	for _, e := range ests {
		ids.ests = append(ids.ests, e.ID)
	}
	for _, o := range partners {
		ids.partners = append(ids.partners, o.ID)
	}
	users := make([]models.User, len(p.users))
	for i, u := range p.users {
		users[i] = u.u
		users[i].PasswordHash = hash
		if u.partner >= 0 {
			users[i].PartnerOrganisationID = &ids.partners[u.partner]
		}
	}
	if err := create(tx, "users", users); err != nil {
		return ids, err
	}
	var links []models.UserEstablishment
	for i, u := range users {
		ids.users = append(ids.users, u.ID)
		for _, e := range p.users[i].ests {
			links = append(links, models.UserEstablishment{UserID: u.ID, EstablishmentID: ids.ests[e]})
		}
	}
	if err := create(tx, "user establishments", links); err != nil {
		return ids, err
	}
	sum.Establishments, sum.Partners, sum.Users, sum.UserEstablishments = len(ests), len(partners), len(users), len(links)
	for _, u := range p.users {
		sum.Accounts = append(sum.Accounts, Account{Email: u.u.Email, Role: u.u.Role, Name: u.u.DisplayName, Description: u.description})
	}
	return ids, nil
}
