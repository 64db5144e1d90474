package app_test

import (
	"fmt"
	"testing"

	"mediation/models/dbtest"
)

// BenchmarkCaseworkPages measures the mediator's daily pages on an establishment of 500
// pupil files and 20,000 follow-ups (12 months of indicators each, a next action for a third
// of them), through the real router over HTTP with a signed-in session, and the password form,
// which is what any signed-in request costs (benchRequests: p95-ms, queries and cpu-ms per
// request). Run on PostgreSQL with:
//
//	MEDIATION_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_bench?sslmode=disable \
//	  go test ./app/ -run '^$' -bench CaseworkPages -benchtime 300x -benchmem
func BenchmarkCaseworkPages(b *testing.B) {
	for _, backend := range dbtest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			s := seedEstablishment(b, backend.New(b), 500, 20000, 40)
			cl := s.site.client(b)
			cl.login(s.mediator)
			benchRequests(b, s.site.App.DB, cl, casework(fmt.Sprintf("/pupils/%d", s.pupils[0])))
		})
	}
}
