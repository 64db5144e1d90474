package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"mediation/models"
)

// client is one simulated user: a browser without script, with its own cookies (session, CSRF,
// trusted device), and what it learnt from the pages it read (files, referrals, pages).
type client struct {
	root     string // the server's address, without a final slash
	http     *http.Client
	account  Account
	password string
	weights  map[Page]int
	rng      *rand.Rand
	csrf     string

	// What the client can ask for next, learnt from the pages it read.
	pupils, active, referrals *pool
	pupilPages, inboxPages    int
	dashboards                []string
	// round counts the pages of the first round taken.
	round int
}

// pool keeps a bounded sample of record ids seen in lists.
type pool struct {
	ids []uint
	set map[uint]bool
}

const poolSize = 500

func newPool() *pool { return &pool{set: map[uint]bool{}} }

func (p *pool) add(rng *rand.Rand, ids []uint) {
	for _, id := range ids {
		if p.set[id] {
			continue
		}
		if len(p.ids) < poolSize {
			p.ids = append(p.ids, id)
		} else {
			i := rng.IntN(len(p.ids))
			delete(p.set, p.ids[i])
			p.ids[i] = id
		}
		p.set[id] = true
	}
}

func (p *pool) pick(rng *rand.Rand) (uint, bool) {
	if len(p.ids) == 0 {
		return 0, false
	}
	return p.ids[rng.IntN(len(p.ids))], true
}

// newClients makes the clients of every role, each signing in with the next of its role's
// accounts (several clients share an account when there are fewer accounts than clients).
func newClients(o Options, base *url.URL, transport http.RoundTripper, res Result) []*client {
	var out []*client
	for _, r := range Roles {
		accounts := res.Accounts[r]
		for i := range res.Clients[r] {
			jar, _ := cookiejar.New(nil)
			seed := o.Seed*1000 + uint64(len(out))
			out = append(out, &client{root: strings.TrimRight(base.String(), "/"), account: accounts[i%len(accounts)], password: o.Password, weights: o.Weights,
				rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
				http: &http.Client{Transport: transport, Jar: jar, Timeout: o.Timeout,
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
				pupils: newPool(), active: newPool(), referrals: newPool(), pupilPages: 1, inboxPages: 1})
		}
	}
	return out
}

// reply is what one request gave.
type reply struct {
	status   int
	location string
	body     string
	took     time.Duration
}

var (
	csrfField       = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
	submissionField = regexp.MustCompile(`name="_submission" value="([^"]*)"`)
	pupilLink       = regexp.MustCompile(`href="/pupils/(\d+)"`)
	referralLink    = regexp.MustCompile(`href="/referrals/(\d+)"`)
	dashboardLink   = regexp.MustCompile(`href="/establishments/([0-9A-Za-z]+)"`)
	pageCount       = regexp.MustCompile(`<span>Page \d+ (?:sur|of) (\d+)</span>`)
	followUpDate    = regexp.MustCompile(`name="occurred_on" type="date" max="([0-9-]+)"`)
	kindOption      = regexp.MustCompile(`<option value="([a-z_]+)"`)
	answerForm      = regexp.MustCompile(`action="/referrals/\d+/(acknowledge|accept|feedback)"[^>]*>\s*` +
		`<input type="hidden" name="_csrf" value="[^"]*">\s*<input type="hidden" name="version" value="(\d+)">`)
)

// do sends one request and reads the whole answer; took runs until its last byte.
func (c *client) do(ctx context.Context, method, path string, form url.Values) (reply, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.root+path, body)
	if err != nil {
		return reply{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{took: time.Since(start)}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b), took: time.Since(start)}
	if err != nil {
		return r, err
	}
	if m := csrfField.FindStringSubmatch(r.body); m != nil {
		c.csrf = m[1]
	}
	return r, nil
}

// signIn signs the clients in, a few at a time, and has each read what it starts from.
func signIn(ctx context.Context, clients []*client, concurrency int) error {
	sem := make(chan struct{}, concurrency)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			mu.Lock()
			failed := first != nil
			mu.Unlock()
			if failed {
				return
			}
			if err := c.signIn(ctx); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

// signIn goes through the login form (retrying while the server's hasher is busy), then reads
// the page each role starts from.
func (c *client) signIn(ctx context.Context) error {
	email := c.account.Email
	for attempt := 0; ; attempt++ {
		if _, err := c.do(ctx, http.MethodGet, "/login", nil); err != nil {
			return fmt.Errorf("connexion de %s : %w", email, err)
		}
		r, err := c.do(ctx, http.MethodPost, "/login", url.Values{"email": {email}, "password": {c.password}, "_csrf": {c.csrf}})
		if err != nil {
			return fmt.Errorf("connexion de %s : %w", email, err)
		}
		switch {
		case r.status == http.StatusServiceUnavailable && attempt < 10:
			// Every hashing slot was taken for longer than the server waits: try again.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
			continue
		case r.status == http.StatusUnauthorized:
			return fmt.Errorf("connexion de %s refusée : mauvais mot de passe (les comptes générés ont %q, sinon --password)", email, DefaultPassword)
		case r.status != http.StatusSeeOther:
			return fmt.Errorf("connexion de %s : réponse %d", email, r.status)
		case strings.HasPrefix(r.location, "/login/code"), strings.HasPrefix(r.location, "/account/"):
			return fmt.Errorf("le compte %s demande un second facteur ou un nouveau mot de passe (%s) : choisissez-en un autre", email, r.location)
		}
		break
	}
	return c.prepare(ctx)
}

// prepare reads, before the clock starts, the page each client starts from: the mediator's open
// files (where follow-ups go), the head teacher's establishments, the partner's inbox.
func (c *client) prepare(ctx context.Context) error {
	var path string
	switch c.account.Role {
	case models.RoleMediator:
		path = "/pupils?status=active"
	case models.RoleHeadTeacher:
		path = "/"
	case models.RolePartner:
		path = "/referrals"
	}
	r, err := c.do(ctx, http.MethodGet, path, nil)
	if err == nil && r.status != http.StatusOK {
		err = fmt.Errorf("réponse %d", r.status)
	}
	if err != nil {
		return fmt.Errorf("%s de %s : %w", path, c.account.Email, err)
	}
	switch c.account.Role {
	case models.RoleMediator:
		c.active.add(c.rng, ids(pupilLink, r.body))
		c.pupils.add(c.rng, ids(pupilLink, r.body))
	case models.RoleHeadTeacher:
		for _, m := range dashboardLink.FindAllStringSubmatch(r.body, -1) {
			c.dashboards = append(c.dashboards, m[1])
		}
		if len(c.dashboards) == 0 {
			return fmt.Errorf("%s n'a aucun tableau de bord d'établissement", c.account.Email)
		}
	case models.RolePartner:
		c.referrals.add(c.rng, ids(referralLink, r.body))
	}
	return nil
}

func ids(re *regexp.Regexp, body string) []uint {
	var out []uint
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if id, err := strconv.ParseUint(m[1], 10, 32); err == nil {
			out = append(out, uint(id))
		}
	}
	return out
}

// errStop says that the run is over: its time or its count of requests is spent, or it was interrupted.
var errStop = errors.New("stop")

// step takes one action of the client's role, chosen by the weights. take asks for a ticket
// before each request; step returns false when none is left.
func (c *client) step(ctx context.Context, rec *recorder, take func() bool) bool {
	s := session{c: c, ctx: ctx, rec: rec, take: take}
	var err error
	switch c.choose() {
	case Worklist:
		_, err = s.get(Worklist, "/")
	case Pupils:
		err = s.pupilList()
	case Pupil:
		err = s.pupilFile()
	case FollowUp:
		err = s.followUp()
	case Dashboard:
		_, err = s.get(Dashboard, "/establishments/"+c.dashboards[c.rng.IntN(len(c.dashboards))])
	case Inbox:
		err = s.inbox()
	case Referral:
		err = s.referral()
	case Answer:
		err = s.answer()
	}
	return !errors.Is(err, errStop)
}

// think pauses the client between two actions, for a time drawn from an exponential
// distribution of the given mean (capped at four means); it returns false when the run ends
// during the pause.
func (c *client) think(ctx context.Context, mean time.Duration, deadline time.Time) bool {
	if mean <= 0 {
		return true
	}
	d := time.Duration(min(c.rng.ExpFloat64(), 4) * float64(mean))
	if time.Now().Add(d).After(deadline) {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// choose draws a page of the client's role by its weight, after a first round in which the
// client takes each page of its role once (so that even a short run requests every page).
func (c *client) choose() Page {
	pages := rolePages[c.account.Role]
	for c.round < len(pages) {
		p := pages[c.round]
		c.round++
		if c.weights[p] > 0 {
			return p
		}
	}
	total := 0
	for _, p := range pages {
		total += c.weights[p]
	}
	n := c.rng.IntN(total)
	for _, p := range pages {
		if n < c.weights[p] {
			return p
		}
		n -= c.weights[p]
	}
	return pages[0]
}

// session is one action of a client: its requests are counted and recorded.
type session struct {
	c    *client
	ctx  context.Context
	rec  *recorder
	take func() bool
}

// errFailed says that a request failed and was recorded as such: the action stops there.
var errFailed = errors.New("failed")

// expect is what answer a request of the mix must get: one of the statuses, and for a redirect,
// a location on the same record; a 409 is a conflict, not an error, when conflicts are expected.
type expect struct {
	status     int
	location   string
	conflictOK bool
}

// send makes one request of page p and records it as ok, a conflict or an error.
func (s session) send(p Page, method, path string, form url.Values, want expect) (reply, error) {
	if !s.take() {
		return reply{}, errStop
	}
	r, err := s.c.do(s.ctx, method, path, form)
	var problem string
	switch {
	case err != nil && s.ctx.Err() != nil:
		return r, errStop // interrupted: not a measure
	case err != nil:
		problem = err.Error()
	case want.conflictOK && r.status == http.StatusConflict:
		s.rec.add(p, r.took, outcomeConflict, "")
		return r, errFailed
	case r.status != want.status:
		problem = fmt.Sprintf("réponse %d%s", r.status, locationNote(r.location))
	case want.location != "" && !sameRecord(r.location, want.location):
		problem = "redirigé vers " + r.location
	default:
		s.rec.add(p, r.took, outcomeOK, "")
		return r, nil
	}
	s.rec.add(p, r.took, outcomeError, fmt.Sprintf("%s %s : %s", method, pathOnly(path), problem))
	return r, errFailed
}

// sameRecord tells whether a redirect leads to the page of path, maybe to an anchor of it.
func sameRecord(location, path string) bool {
	rest, ok := strings.CutPrefix(location, path)
	return ok && (rest == "" || rest[0] == '#' || rest[0] == '?')
}

func (s session) get(p Page, path string) (reply, error) {
	return s.send(p, http.MethodGet, path, nil, expect{status: http.StatusOK})
}

// pathOnly replaces the ids of a path by {id}, so that the same error on many records is one.
func pathOnly(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func locationNote(loc string) string {
	if loc == "" {
		return ""
	}
	return " vers " + loc
}

// browse reads a page of a list as its user does: the list itself, one of the filtered views,
// or another of its pages. It returns the records it links to; the unfiltered list tells how
// many pages there are.
func (s session) browse(p Page, list string, filters []string, pages *int, link *regexp.Regexp) (query string, found []uint, err error) {
	c := s.c
	paged := false
	switch i := c.rng.IntN(len(filters) + 2); {
	case i < len(filters):
		query = filters[i]
	case i == len(filters):
		paged = true
		query = fmt.Sprintf("?page=%d", 1+c.rng.IntN(*pages))
	default:
		paged = true
	}
	r, err := s.get(p, list+query)
	if err != nil {
		return query, nil, err
	}
	if m := pageCount.FindStringSubmatch(r.body); paged && m != nil {
		*pages, _ = strconv.Atoi(m[1])
	}
	return query, ids(link, r.body), nil
}

// pupilList reads the pupil list: the first page, another page, the active files by last
// contact, the high-risk files.
func (s session) pupilList() error {
	c := s.c
	query, found, err := s.browse(Pupils, "/pupils", []string{"?status=active&sort=contact", "?risk=high&sort=risk"}, &c.pupilPages, pupilLink)
	c.pupils.add(c.rng, found)
	if strings.Contains(query, "status=active") {
		c.active.add(c.rng, found)
	}
	return err
}

// pupilFile opens one of the files seen in the lists.
func (s session) pupilFile() error {
	id, ok := s.c.pupils.pick(s.c.rng)
	if !ok {
		return s.pupilList()
	}
	_, err := s.get(Pupil, fmt.Sprintf("/pupils/%d", id))
	return err
}

// followUp opens an active file, as the form is read, and logs a follow-up through it (with
// the form's one-time submission token); the answer is a redirect to the file, not followed.
func (s session) followUp() error {
	c := s.c
	id, ok := c.active.pick(c.rng)
	if !ok {
		return s.pupilFile()
	}
	path := fmt.Sprintf("/pupils/%d", id)
	r, err := s.get(Pupil, path)
	if err != nil {
		return err
	}
	token, date := submissionField.FindStringSubmatch(r.body), followUpDate.FindStringSubmatch(r.body)
	if token == nil || date == nil {
		s.rec.fail(FollowUp, fmt.Sprintf("GET %s : pas de formulaire de suivi", pathOnly(path)))
		return errFailed
	}
	kind := "interview_pupil"
	if _, sel, ok := strings.Cut(r.body, `name="kind"`); ok {
		sel, _, _ = strings.Cut(sel, "</select>")
		if kinds := kindOption.FindAllStringSubmatch(sel, -1); len(kinds) > 0 {
			kind = kinds[c.rng.IntN(len(kinds))][1]
		}
	}
	form := url.Values{"_csrf": {c.csrf}, "_submission": {token[1]}, "occurred_on": {date[1]}, "kind": {kind},
		"duration_minutes": {strconv.Itoa(15 * (1 + c.rng.IntN(4)))},
		"note":             {"Point d'étape avec l'élève et sa famille (test de charge)."}, "action_owner": {""}}
	_, err = s.send(FollowUp, http.MethodPost, path+"/followups", form, expect{status: http.StatusSeeOther, location: path})
	return err
}

// inbox reads the partner's inbox: everything, another page, the referrals waiting for
// acknowledgement, the overdue ones.
func (s session) inbox() error {
	c := s.c
	_, found, err := s.browse(Inbox, "/referrals", []string{"?status=sent", "?overdue=1"}, &c.inboxPages, referralLink)
	c.referrals.add(c.rng, found)
	return err
}

// referral opens one of the referrals seen in the inbox.
func (s session) referral() error {
	id, ok := s.c.referrals.pick(s.c.rng)
	if !ok {
		return s.inbox()
	}
	_, err := s.get(Referral, fmt.Sprintf("/referrals/%d", id))
	return err
}

// answerOrder is where a partner looks for something to answer: a referral to acknowledge, then
// one to accept, then an accepted one to give feedback on.
var answerOrder = []models.ReferralStatus{models.ReferralSent, models.ReferralAcknowledged, models.ReferralAccepted}

// answer takes the next step of a referral waiting for the organisation, through its page's form:
// acknowledge, accept, or give feedback. Two agents of an organisation may answer the same
// referral at once: the second gets the page again with a conflict (409), which is expected.
func (s session) answer() error {
	c := s.c
	var found []uint
	for _, st := range answerOrder {
		r, err := s.get(Inbox, "/referrals?status="+string(st))
		if err != nil {
			return err
		}
		if found = ids(referralLink, r.body); len(found) > 0 {
			break
		}
	}
	if len(found) == 0 {
		return nil
	}
	path := fmt.Sprintf("/referrals/%d", found[c.rng.IntN(len(found))])
	r, err := s.get(Referral, path)
	if err != nil {
		return err
	}
	m := answerForm.FindStringSubmatch(r.body)
	if m == nil {
		return nil // answered by another agent between the list and the page
	}
	form := url.Values{"_csrf": {c.csrf}, "version": {m[2]}}
	if m[1] != string(models.ActionAcknowledge) {
		form.Set("comment", "Famille reçue, accompagnement en place (test de charge).")
	}
	_, err = s.send(Answer, http.MethodPost, path+"/"+m[1], form, expect{status: http.StatusSeeOther, location: path, conflictOK: true})
	return err
}
