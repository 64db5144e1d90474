package app_test

import (
	"fmt"
	"testing"

	"mediation/models/dbtest"
)

// BenchmarkCaseworkPages measures the mediator's three daily pages on an establishment of 500
// pupil files and 20,000 follow-ups (12 months of indicators each, a next action for a third
// of them), through the real router over HTTP with a signed-in session. It reports the 95th
// percentile in ms. Run on PostgreSQL with:
//
//	MEDIATION_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_bench?sslmode=disable \
//	  go test ./app/ -run '^$' -bench CaseworkPages -benchtime 300x
func BenchmarkCaseworkPages(b *testing.B) {
	for _, backend := range dbtest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			s := seedEstablishment(b, backend.New(b), 500, 20000, 40)
			cl := s.site.client(b)
			cl.login(s.mediator)
			pages := []struct{ name, path string }{
				{"pupil-list", "/pupils"},
				{"pupil-list-by-last-contact", "/pupils?sort=contact"},
				{"pupil-file", fmt.Sprintf("/pupils/%d", s.pupils[0])},
				{"worklist", "/"},
			}
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					reportPercentiles(b, getTimes(b, cl, p.path))
				})
			}
		})
	}
}
