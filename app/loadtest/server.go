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

// Server is what was read of the server's process: its resident memory, in KiB, and the CPU
// time it spent during the timed phase (its own, not the database's).
type Server struct {
	PID int
	// StartKiB is the resident set when the timed phase began, PeakLoadKiB the highest sampled
	// during it (every 100 ms), HighWaterKiB the kernel's peak since the process started
	// (VmHWM: the sign-ins' password hashing included).
	StartKiB, PeakLoadKiB, HighWaterKiB int
	Samples                             int
	CPU                                 time.Duration
}

// serverSampler reads /proc/PID/status every 100 ms once the load begins.
type serverSampler struct {
	mu       sync.Mutex
	m        Server
	path     string
	statPath string
	cpuStart time.Duration
	loading  bool // the timed phase began
	started  chan struct{}
	done     chan struct{}
	stopped  sync.Once
	wg       sync.WaitGroup
}

// sampleEvery is how often the resident memory is read during the load.
const sampleEvery = 100 * time.Millisecond

func watchServer(pid int) (*serverSampler, error) {
	s := &serverSampler{m: Server{PID: pid}, path: fmt.Sprintf("/proc/%d/status", pid), statPath: fmt.Sprintf("/proc/%d/stat", pid),
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
func (s *serverSampler) startLoad() {
	kib, _ := statusKiB(s.path, "VmRSS")
	cpu, _ := cpuTime(s.statPath)
	s.mu.Lock()
	s.m.StartKiB, s.cpuStart, s.loading = kib, cpu, true
	s.mu.Unlock()
	close(s.started)
}

func (s *serverSampler) sample() {
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
func (s *serverSampler) stop() Server {
	s.stopped.Do(func() {
		close(s.done)
		s.wg.Wait()
		if s.m.Samples > 0 {
			s.sample()
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if kib, err := statusKiB(s.path, "VmHWM"); err == nil {
			s.m.HighWaterKiB = kib
		}
		if cpu, err := cpuTime(s.statPath); err == nil && s.loading {
			s.m.CPU = cpu - s.cpuStart
		}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m
}

// clockTick is the unit of the CPU times of /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTime reads the user and system CPU time a process has used from its /proc/PID/stat.
func cpuTime(path string) (time.Duration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// "pid (command) state ppid …": the command may hold spaces; utime and stime are the 14th
	// and 15th fields, the 12th and 13th after it.
	_, rest, ok := strings.Cut(string(b), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("%s illisible", path)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("%s illisible", path)
	}
	return time.Duration(utime+stime) * clockTick, nil
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
