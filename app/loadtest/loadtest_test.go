package loadtest

import (
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"mediation/models"
)

func TestLoopbackOnlyUnlessAllowed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url    string
		remote bool
		ok     bool
	}{
		{"http://127.0.0.1:8080", false, true},
		{"http://localhost:8080/", false, true},
		{"http://[::1]:8080", false, true},
		{"http://127.0.0.2:8080", false, true},
		{"http://192.0.2.10:8080", false, false},
		{"https://mediation.example.org", false, false},
		{"https://mediation.example.org", true, true},
		{"ftp://127.0.0.1", false, false},
		{"127.0.0.1:8080", false, false},
	} {
		_, err := checkURL(tc.url, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("checkURL(%q, remote %v): %v, want ok %v", tc.url, tc.remote, err, tc.ok)
		}
	}
	// Refused before anything is sent or read: no database, no server.
	_, err := Run(context.Background(), Options{URL: "http://192.0.2.10:8080", Duration: time.Second}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--allow-remote") {
		t.Errorf("a remote server was not refused: %v", err)
	}
}

func TestShareClients(t *testing.T) {
	t.Parallel()
	m, h, p := models.RoleMediator, models.RoleHeadTeacher, models.RolePartner
	for _, tc := range []struct {
		clients int
		weights map[models.Role]int
		want    map[models.Role]int
	}{
		{32, DefaultRoleWeights, map[models.Role]int{m: 24, h: 4, p: 4}},
		{4, DefaultRoleWeights, map[models.Role]int{m: 2, h: 1, p: 1}},
		{10, DefaultRoleWeights, map[models.Role]int{m: 8, h: 1, p: 1}},
		{2, DefaultRoleWeights, map[models.Role]int{m: 2, h: 0, p: 0}},
		{5, map[models.Role]int{m: 0, h: 1, p: 1}, map[models.Role]int{h: 3, p: 2}},
	} {
		got := shareClients(tc.clients, tc.weights)
		total := 0
		for _, r := range Roles {
			total += got[r]
			if got[r] != tc.want[r] {
				t.Errorf("%d clients over %v: %v, want %v", tc.clients, tc.weights, got, tc.want)
				break
			}
		}
		if total != tc.clients {
			t.Errorf("%d clients over %v: %d given", tc.clients, tc.weights, total)
		}
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[int]time.Duration{50: 100 * time.Millisecond, 95: 190 * time.Millisecond,
		99: 198 * time.Millisecond, 100: 200 * time.Millisecond} {
		if got := percentile(d, q); got != want {
			t.Errorf("p%d of 1..200 ms = %v, want %v", q, got, want)
		}
	}
	if got := percentile(d[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one sample = %v", got)
	}
}

func TestParseWeights(t *testing.T) {
	t.Parallel()
	w, err := ParseWeights("followup=0, pupil=7")
	if err != nil || w[FollowUp] != 0 || w[Pupil] != 7 || w[Worklist] != DefaultWeights[Worklist] {
		t.Errorf("ParseWeights: %v %v", w, err)
	}
	for _, bad := range []string{"nope=1", "pupil", "pupil=-1", "pupil=x"} {
		if _, err := ParseWeights(bad); err == nil {
			t.Errorf("ParseWeights(%q) accepted", bad)
		}
	}
	if _, err := ParseRoleWeights("coordinator=1"); err == nil {
		t.Error("ParseRoleWeights accepted a role that has no mix")
	}
}

// A client pauses between two actions for an exponential time of the mean asked, never past
// the end of the run; without a mean it goes on at once.
func TestClientThinks(t *testing.T) {
	t.Parallel()
	c := &client{rng: rand.New(rand.NewPCG(1, 2))}
	ctx := context.Background()
	far := time.Now().Add(time.Hour)
	start := time.Now()
	if !c.think(ctx, 0, far) || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("no think time: paused %s", time.Since(start))
	}
	start = time.Now()
	for range 20 {
		if !c.think(ctx, 5*time.Millisecond, far) {
			t.Fatal("a pause ended the run before its end")
		}
	}
	if d := time.Since(start); d < 20*time.Millisecond || d > 2*time.Second {
		t.Errorf("20 pauses of 5 ms on average took %s", d)
	}
	if c.think(ctx, time.Hour, time.Now().Add(time.Millisecond)) {
		t.Error("a pause past the end of the run did not end it")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if c.think(cancelled, time.Hour, far) {
		t.Error("an interrupted run goes on pausing")
	}
}
