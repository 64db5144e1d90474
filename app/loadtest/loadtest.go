// Package loadtest replays a realistic mix of requests against a running server, as its users
// would (issue 18): mediators read their worklist, the pupil list and files and log follow-ups;
// head teachers read their establishment's dashboard; partner agents read their inbox and answer
// referrals. It is a client: it speaks HTTP to the server, and reads the database only to choose
// the busiest accounts, with read-only queries.
package loadtest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mediation/models"
)

// Page is a kind of request the load test makes and measures.
type Page string

// The pages of the mix, in the order they are printed.
const (
	Worklist  Page = "worklist"  // GET / of a mediator
	Pupils    Page = "pupils"    // GET /pupils, with pages, filters and sorts
	Pupil     Page = "pupil"     // GET /pupils/{id}, also the form read before a follow-up
	FollowUp  Page = "followup"  // POST /pupils/{id}/followups
	Dashboard Page = "dashboard" // GET /establishments/{uai}
	Inbox     Page = "inbox"     // GET /referrals of a partner, with filters and pages
	Referral  Page = "referral"  // GET /referrals/{id}, also read before an answer
	Answer    Page = "answer"    // POST /referrals/{id}/acknowledge|accept|feedback
)

// Pages lists every page of the mix.
var Pages = []Page{Worklist, Pupils, Pupil, FollowUp, Dashboard, Inbox, Referral, Answer}

// rolePages says which pages each role's clients choose from; a page's weight says how often.
var rolePages = map[models.Role][]Page{
	models.RoleMediator:    {Worklist, Pupils, Pupil, FollowUp},
	models.RoleHeadTeacher: {Dashboard},
	models.RolePartner:     {Inbox, Referral, Answer},
}

// Roles are the roles that take part, in the order clients are given to them.
var Roles = []models.Role{models.RoleMediator, models.RoleHeadTeacher, models.RolePartner}

// DefaultWeights is the default mix within each role: a mediator reads more than they write
// (one follow-up for about ten pages), a partner reads the inbox and referrals and answers one
// in six.
var DefaultWeights = map[Page]int{Worklist: 2, Pupils: 3, Pupil: 4, FollowUp: 1, Dashboard: 1, Inbox: 3, Referral: 2, Answer: 1}

// DefaultRoleWeights shares the clients between the roles: six mediators for one head teacher
// and one partner agent (32 clients: 24, 4 and 4).
var DefaultRoleWeights = map[models.Role]int{models.RoleMediator: 6, models.RoleHeadTeacher: 1, models.RolePartner: 1}

// DefaultPassword is the password of every generated and demo account.
const DefaultPassword = "mediation-demo"

// Options is what the command line says.
type Options struct {
	// URL is the server's address, http://127.0.0.1:8080 by default.
	URL string
	// AllowRemote lets URL name a host other than the loopback interface.
	AllowRemote bool
	// Duration and Requests bound the timed phase, whichever comes first (Requests 0: no bound).
	Duration time.Duration
	Requests int
	// Clients is how many simulated users run at once, each with its own session.
	Clients int
	// RoleWeights shares the clients between the roles; Weights is the mix of pages within a role.
	RoleWeights map[models.Role]int
	Weights     map[Page]int
	// Accounts are the emails to sign in with, per role; a role without any takes the busiest
	// accounts from Database.
	Accounts map[models.Role][]string
	Password string
	// Database is read (read-only) to choose the busiest accounts.
	Database string
	// PID is the server's process, whose resident memory is sampled (0: none).
	PID int
	// MaxRSSMiB fails the run when the server's resident memory goes above it (0: no limit).
	MaxRSSMiB int
	// LoginConcurrency is how many sign-ins run at once: the server's hasher has two slots.
	LoginConcurrency int
	// Seed makes the clients' random choices repeatable.
	Seed uint64
	// Timeout bounds each request.
	Timeout time.Duration
	// Think is the mean pause of a client between two actions (drawn from an exponential
	// distribution, at most four times the mean): 0 sends the next action at once, which
	// measures the server saturated; a pause measures a pace of users.
	Think time.Duration
}

func (o *Options) setDefaults() {
	if o.URL == "" {
		o.URL = "http://127.0.0.1:8080"
	}
	if o.Duration <= 0 {
		o.Duration = 60 * time.Second
	}
	if o.Clients <= 0 {
		o.Clients = 32
	}
	if o.RoleWeights == nil {
		o.RoleWeights = DefaultRoleWeights
	}
	if o.Weights == nil {
		o.Weights = DefaultWeights
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	if o.LoginConcurrency <= 0 {
		o.LoginConcurrency = 2
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
}

// checkURL refuses anything but an http(s) address on the loopback interface, unless remote
// servers are allowed: a load test aimed at a production server by mistake would hurt its users.
func checkURL(raw string, allowRemote bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("adresse du serveur « %s » invalide : écrivez par exemple http://127.0.0.1:8080", raw)
	}
	if allowRemote {
		return u, nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || strings.EqualFold(host, "localhost") {
		return u, nil
	}
	return nil, fmt.Errorf("%s n'est pas une adresse de boucle locale (127.0.0.1, ::1, localhost) : "+
		"le test de charge ne vise un autre serveur qu'avec --allow-remote", host)
}

// shareClients gives each role its number of clients in proportion to its weight, at least one
// to each role that has a weight when there are enough clients.
func shareClients(clients int, weights map[models.Role]int) map[models.Role]int {
	var roles []models.Role
	total := 0
	for _, r := range Roles {
		if weights[r] > 0 {
			roles = append(roles, r)
			total += weights[r]
		}
	}
	out := map[models.Role]int{}
	if total == 0 {
		return out
	}
	given := 0
	for _, r := range roles {
		n := clients * weights[r] / total
		if n == 0 && clients >= len(roles) {
			n = 1
		}
		out[r] = n
		given += n
	}
	// What rounding left goes to the heaviest role first; what the minimums took comes back
	// from it.
	heaviest := roles[0]
	for _, r := range roles {
		if weights[r] > weights[heaviest] {
			heaviest = r
		}
	}
	out[heaviest] += clients - given
	return out
}

// Result is what a run measured.
type Result struct {
	// Elapsed is the length of the timed phase, until its last request ended.
	Elapsed time.Duration
	// Pages holds the figures of each page requested, in the order of Pages; Total all of them.
	Pages []PageStats
	Total PageStats
	// ErrorSamples are the first distinct errors, for the report.
	ErrorSamples []string
	// Clients per role and the accounts signed in.
	Clients  map[models.Role]int
	Accounts map[models.Role][]Account
	// Login is how long signing every client in took.
	Login time.Duration
	// Server is the server's resident memory and CPU time, when its PID was given.
	Server *Server
}

// Page returns the figures of page p (zero when it was never requested).
func (r Result) Page(p Page) PageStats {
	for _, s := range r.Pages {
		if s.Page == p {
			return s
		}
	}
	return PageStats{Page: p}
}

// Run signs every client in, then replays the mix until the duration or the number of requests
// is reached, and prints the figures to out. An error means the run could not take place; the
// errors of requests are in the result (Result.Total.Errors).
func Run(ctx context.Context, o Options, out io.Writer) (Result, error) {
	o.setDefaults()
	base, err := checkURL(o.URL, o.AllowRemote)
	if err != nil {
		return Result{}, err
	}
	for p, w := range o.Weights {
		if w < 0 || !knownPage(p) {
			return Result{}, fmt.Errorf("poids « %s=%d » invalide : pages %s, poids positifs", p, w, pageNames())
		}
	}
	res := Result{Clients: shareClients(o.Clients, o.RoleWeights), Accounts: map[models.Role][]Account{}}
	if len(res.Clients) == 0 {
		return Result{}, fmt.Errorf("aucun rôle de poids non nul : mediator, head_teacher ou partner")
	}
	for _, r := range Roles {
		if n := res.Clients[r]; n > 0 && !anyWeight(o.Weights, rolePages[r]) {
			return Result{}, fmt.Errorf("aucune page de poids non nul pour le rôle %s", r)
		}
	}
	if res.Accounts, err = chooseAccounts(ctx, o, res.Clients); err != nil {
		return Result{}, err
	}
	var server *serverSampler
	if o.PID > 0 {
		if server, err = watchServer(o.PID); err != nil {
			return Result{}, err
		}
		defer server.stop()
	}

	transport := &http.Transport{Proxy: nil, MaxIdleConns: o.Clients * 2, MaxIdleConnsPerHost: o.Clients * 2,
		IdleConnTimeout: 90 * time.Second, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer transport.CloseIdleConnections()
	fmt.Fprintf(out, "Test de charge de %s : %d clients (%s), %s", base.Redacted(), o.Clients, describeClients(res.Clients), o.Duration)
	if o.Requests > 0 {
		fmt.Fprintf(out, " ou %d requêtes", o.Requests)
	}
	if o.Think > 0 {
		fmt.Fprintf(out, ", pause moyenne de %s entre deux actions d'un client", o.Think)
	}
	fmt.Fprintln(out)
	for _, r := range Roles {
		if len(res.Accounts[r]) > 0 {
			fmt.Fprintf(out, "  %s : %s\n", roleLabels[r][1], describeAccounts(res.Accounts[r]))
		}
	}

	// Every client signs in before the clock starts: a login costs an Argon2id computation on
	// the server, which has two slots for them.
	clients := newClients(o, base, transport, res)
	start := time.Now()
	if err := signIn(ctx, clients, o.LoginConcurrency); err != nil {
		return res, err
	}
	res.Login = time.Since(start)
	fmt.Fprintf(out, "Connexion des %d clients : %.1f s\n", len(clients), res.Login.Seconds())
	if server != nil {
		server.startLoad()
	}

	rec := newRecorder()
	var tickets atomic.Int64
	deadline := time.Now().Add(o.Duration)
	start = time.Now()
	// No request starts after the deadline or beyond the count; those under way finish.
	take := func() bool {
		return time.Now().Before(deadline) && (o.Requests <= 0 || tickets.Add(1) <= int64(o.Requests))
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				if !c.step(ctx, rec, take) || !c.think(ctx, o.Think, deadline) {
					return
				}
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Pages, res.Total, res.ErrorSamples = rec.summary(res.Elapsed)
	if server != nil {
		m := server.stop()
		res.Server = &m
	}
	printResult(out, res)
	if server != nil && o.MaxRSSMiB > 0 && res.Server.PeakLoadKiB > o.MaxRSSMiB*1024 {
		return res, fmt.Errorf("la mémoire résidente du serveur a atteint %d Mio, au-delà de la limite de %d Mio",
			res.Server.PeakLoadKiB/1024, o.MaxRSSMiB)
	}
	return res, nil
}

func knownPage(p Page) bool {
	for _, q := range Pages {
		if p == q {
			return true
		}
	}
	return false
}

func pageNames() string {
	names := make([]string, len(Pages))
	for i, p := range Pages {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

func anyWeight(w map[Page]int, pages []Page) bool {
	for _, p := range pages {
		if w[p] > 0 {
			return true
		}
	}
	return false
}

// roleLabels name the roles in the report: one, several.
var roleLabels = map[models.Role][2]string{models.RoleMediator: {"médiateur", "médiateurs"},
	models.RoleHeadTeacher: {"chef d'établissement", "chefs d'établissement"}, models.RolePartner: {"partenaire", "partenaires"}}

func describeClients(n map[models.Role]int) string {
	var parts []string
	for _, r := range Roles {
		switch {
		case n[r] == 1:
			parts = append(parts, "1 "+roleLabels[r][0])
		case n[r] > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n[r], roleLabels[r][1]))
		}
	}
	return strings.Join(parts, ", ")
}

func describeAccounts(as []Account) string {
	const shown = 4
	var parts []string
	for i, a := range as {
		if i == shown {
			parts = append(parts, fmt.Sprintf("et %d autres", len(as)-shown))
			break
		}
		if a.Load > 0 {
			parts = append(parts, fmt.Sprintf("%s (%d)", a.Email, a.Load))
		} else {
			parts = append(parts, a.Email)
		}
	}
	return strings.Join(parts, ", ")
}

// ParseWeights reads "worklist=2,pupils=3" into weights over the defaults.
func ParseWeights(s string) (map[Page]int, error) {
	w := map[Page]int{}
	for p, n := range DefaultWeights {
		w[p] = n
	}
	err := parsePairs(s, func(k string, n int) error {
		if !knownPage(Page(k)) {
			return fmt.Errorf("page « %s » inconnue : %s", k, pageNames())
		}
		w[Page(k)] = n
		return nil
	})
	return w, err
}

// ParseRoleWeights reads "mediator=6,head_teacher=1,partner=1" into weights over the defaults.
func ParseRoleWeights(s string) (map[models.Role]int, error) {
	w := map[models.Role]int{}
	for r, n := range DefaultRoleWeights {
		w[r] = n
	}
	err := parsePairs(s, func(k string, n int) error {
		if _, ok := rolePages[models.Role(k)]; !ok {
			return fmt.Errorf("rôle « %s » inconnu : mediator, head_teacher ou partner", k)
		}
		w[models.Role(k)] = n
		return nil
	})
	return w, err
}

func parsePairs(s string, set func(string, int) error) error {
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || n < 0 {
			return fmt.Errorf("« %s » : écrivez nom=poids, un poids entier positif ou nul", pair)
		}
		if err := set(strings.TrimSpace(k), n); err != nil {
			return err
		}
	}
	return nil
}
