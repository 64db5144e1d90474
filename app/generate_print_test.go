package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/gendata"
	"mediation/models/risk"
)

// The generator's summary says, in French, what it made and the accounts to log in with,
// without listing every mediator.
func TestPrintGenerated(t *testing.T) {
	t.Parallel()
	s := gendata.Summary{Scale: gendata.ScaleSmall, Seed: 4, Now: time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris), Elapsed: 83 * time.Second, Pupils: 1500, FollowUps: 100_000,
		OpenByRisk: map[risk.Level]int{risk.Low: 200, risk.Medium: 100, risk.High: 50}}
	s.Accounts = append(s.Accounts, gendata.Account{Email: "admin@metro.test", Role: models.RoleAdmin, Description: "comptes"})
	for i := range 70 {
		s.Accounts = append(s.Accounts, gendata.Account{Email: fmt.Sprintf("mediateur%03d@metro.test", i+1), Role: models.RoleMediator, Description: "médiation"})
	}
	var out bytes.Buffer
	app.PrintGenerated(&out, s)
	for _, want := range []string{"« small »", "graine 4", "25/11/2026", "1 min 23 s", "100 000", "ouverts : 350",
		"mediation-demo", "admin@metro.test", "mediateur003@metro.test", "… et 67 autres, jusqu'à mediateur070@metro.test"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("PrintGenerated does not say %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "mediateur004@") {
		t.Errorf("PrintGenerated lists every mediator:\n%s", out.String())
	}
}
