package loadtest

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// outcome is how a request ended.
type outcome int

const (
	outcomeOK outcome = iota
	// outcomeConflict is an expected refusal: the record changed since its page was read (409).
	outcomeConflict
	outcomeError
)

// recorder gathers every request's time and outcome, from all the clients at once.
type recorder struct {
	mu     sync.Mutex
	times  map[Page][]time.Duration
	counts map[Page]*PageStats
	errors map[string]int
	order  []string
}

func newRecorder() *recorder {
	return &recorder{times: map[Page][]time.Duration{}, counts: map[Page]*PageStats{}, errors: map[string]int{}}
}

func (r *recorder) stats(p Page) *PageStats {
	s := r.counts[p]
	if s == nil {
		s = &PageStats{Page: p}
		r.counts[p] = s
	}
	return s
}

// add records one request of page p that took took.
func (r *recorder) add(p Page, took time.Duration, o outcome, problem string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.times[p] = append(r.times[p], took)
	s := r.stats(p)
	s.Count++
	switch o {
	case outcomeConflict:
		s.Conflicts++
	case outcomeError:
		s.Errors++
		r.noteError(problem)
	}
}

// fail records an error of page p found without a request of its own (a form missing from the
// page read before it).
func (r *recorder) fail(p Page, problem string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats(p).Errors++
	r.noteError(problem)
}

func (r *recorder) noteError(problem string) {
	if r.errors[problem] == 0 {
		r.order = append(r.order, problem)
	}
	r.errors[problem]++
}

// PageStats are the figures of one page over the timed phase.
type PageStats struct {
	Page Page
	// Count is the number of requests; Errors those that failed (an unexpected status, a
	// transport error, a form missing); Conflicts the expected 409s.
	Count, Errors, Conflicts int
	// PerSecond is Count over the length of the timed phase.
	PerSecond          float64
	P50, P95, P99, Max time.Duration
}

// summary computes the figures of each page and of all of them.
func (r *recorder) summary(elapsed time.Duration) (pages []PageStats, total PageStats, errs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []time.Duration
	for _, p := range Pages {
		s, ok := r.counts[p]
		if !ok {
			continue
		}
		fill(s, r.times[p], elapsed)
		pages = append(pages, *s)
		all = append(all, r.times[p]...)
		total.Count += s.Count
		total.Errors += s.Errors
		total.Conflicts += s.Conflicts
	}
	total.Page = "total"
	fill(&total, all, elapsed)
	for _, e := range r.order {
		errs = append(errs, fmt.Sprintf("%d × %s", r.errors[e], e))
	}
	return pages, total, errs
}

func fill(s *PageStats, times []time.Duration, elapsed time.Duration) {
	if elapsed > 0 {
		s.PerSecond = float64(s.Count) / elapsed.Seconds()
	}
	if len(times) == 0 {
		return
	}
	sorted := append([]time.Duration(nil), times...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	s.P50, s.P95, s.P99 = percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)
	s.Max = sorted[len(sorted)-1]
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, q int) time.Duration {
	rank := (q*len(sorted) + 99) / 100 // ceil(q/100 × n)
	return sorted[max(rank, 1)-1]
}

// printResult writes the table of the figures, the errors and the server's memory.
func printResult(out io.Writer, res Result) {
	fmt.Fprintf(out, "\nPhase mesurée : %.1f s, %d requêtes, %.1f requêtes/s\n\n", res.Elapsed.Seconds(), res.Total.Count, res.Total.PerSecond)
	fmt.Fprintf(out, "%-10s %9s %8s %9s %9s %9s %9s %8s %9s\n", "page", "requêtes", "req/s", "p50", "p95", "p99", "max", "erreurs", "conflits")
	for _, s := range append(res.Pages, res.Total) {
		fmt.Fprintf(out, "%-10s %9d %8.1f %9s %9s %9s %9s %8d %9d\n", s.Page, s.Count, s.PerSecond,
			ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.Errors, s.Conflicts)
	}
	if len(res.ErrorSamples) > 0 {
		fmt.Fprintln(out, "\nErreurs :")
		for i, e := range res.ErrorSamples {
			if i == 10 {
				fmt.Fprintf(out, "  … et %d autres sortes\n", len(res.ErrorSamples)-10)
				break
			}
			fmt.Fprintln(out, "  "+e)
		}
	}
	if m := res.Server; m != nil {
		fmt.Fprintf(out, "\nMémoire résidente du serveur (PID %d) : %d Mio au début de la charge, pic %d Mio pendant la charge "+
			"(%d relevés) ; pic depuis son démarrage (VmHWM, connexions comprises) : %d Mio\n",
			m.PID, m.StartKiB/1024, m.PeakLoadKiB/1024, m.Samples, m.HighWaterKiB/1024)
		if res.Total.Count > 0 {
			fmt.Fprintf(out, "Temps processeur du serveur pendant la charge (hors base de données) : %.1f s, %.2f ms par requête\n",
				m.CPU.Seconds(), float64(m.CPU.Microseconds())/1000/float64(res.Total.Count))
		}
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
