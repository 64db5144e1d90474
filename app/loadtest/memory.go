package loadtest

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory is what was read of the server's resident memory, in KiB.
type Memory struct {
	PID int
	// StartKiB is the resident set when the timed phase began, PeakLoadKiB the highest sampled
	// during it (every 100 ms), HighWaterKiB the kernel's peak since the process started
	// (VmHWM: the sign-ins' password hashing included).
	StartKiB, PeakLoadKiB, HighWaterKiB int
	Samples                             int
}

// memorySampler reads /proc/PID/status every 100 ms once the load begins.
type memorySampler struct {
	mu      sync.Mutex
	m       Memory
	path    string
	started chan struct{}
	done    chan struct{}
	stopped sync.Once
	wg      sync.WaitGroup
}

// sampleEvery is how often the resident memory is read during the load.
const sampleEvery = 100 * time.Millisecond

func startMemorySampler(pid int) (*memorySampler, error) {
	s := &memorySampler{m: Memory{PID: pid}, path: fmt.Sprintf("/proc/%d/status", pid),
		started: make(chan struct{}), done: make(chan struct{})}
	if _, err := statusKiB(s.path, "VmRSS"); err != nil {
		return nil, fmt.Errorf("mémoire du processus %d illisible (Linux seulement, même machine) : %w", pid, err)
	}
	s.wg.Go(func() {
		select {
		case <-s.started:
		case <-s.done:
			return
		}
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	})
	return s, nil
}

// startLoad marks the beginning of the timed phase.
func (s *memorySampler) startLoad() {
	if kib, err := statusKiB(s.path, "VmRSS"); err == nil {
		s.mu.Lock()
		s.m.StartKiB = kib
		s.mu.Unlock()
	}
	close(s.started)
}

func (s *memorySampler) sample() {
	kib, err := statusKiB(s.path, "VmRSS")
	if err != nil {
		return // the server ended: its requests fail and say so
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.Samples++
	s.m.PeakLoadKiB = max(s.m.PeakLoadKiB, kib)
}

// stop ends the sampling (once) and returns what it read.
func (s *memorySampler) stop() Memory {
	s.stopped.Do(func() {
		close(s.done)
		s.wg.Wait()
		if s.m.Samples > 0 {
			s.sample()
		}
		if kib, err := statusKiB(s.path, "VmHWM"); err == nil {
			s.m.HighWaterKiB = kib
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m
}

// statusKiB reads a field of a /proc/PID/status file, in KiB.
func statusKiB(path, field string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), ":"); ok && name == field {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(value), " kB"))
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("pas de %s dans %s", field, path)
}
