package app

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/demodata"
	"mediation/models/gendata"
	"mediation/models/risk"
)

// shownPerRole is how many accounts of a numerous role PrintGenerated lists before "… et N autres".
const shownPerRole = 3

// PrintGenerated writes what the generator made and the accounts to log in with.
func PrintGenerated(w io.Writer, s gendata.Summary) {
	fmt.Fprintf(w, "Données de test « %s » générées (graine %d, au %s) en %s :\n", s.Scale, s.Seed,
		s.Now.In(calendar.Paris).Format("02/01/2006"), frenchDuration(s.Elapsed))
	open := 0
	for _, n := range s.OpenByRisk {
		open += n
	}
	rows := []struct {
		label string
		n     int
		note  string
	}{
		{"établissements", s.Establishments, ""},
		{"organismes partenaires", s.Partners, ""},
		{"comptes", s.Users, fmt.Sprintf("rattachements à un établissement : %s", intText(s.UserEstablishments))},
		{"dossiers élèves", s.Pupils, fmt.Sprintf("ouverts : %s (risque faible %s, modéré %s, élevé %s)", intText(open),
			intText(s.OpenByRisk[risk.Low]), intText(s.OpenByRisk[risk.Medium]), intText(s.OpenByRisk[risk.High]))},
		{"responsables légaux", s.Guardians, ""},
		{"changements de statut", s.StatusChanges, ""},
		{"indicateurs mensuels", s.Indicators, ""},
		{"suivis", s.FollowUps, ""},
		{"actions à mener", s.NextActions, ""},
		{"rencontres", s.Meetings, ""},
		{"participants", s.Participants, ""},
		{"orientations", s.Referrals, ""},
		{"étapes d'orientation", s.Transitions, ""},
		{"actions collectives", s.Activities, fmt.Sprintf("avec un partenaire : %s", intText(s.ActivityPartners))},
		{"médiations de conflits", s.Conflicts, fmt.Sprintf("parties : %s", intText(s.ConflictParties))},
		{"séances GPDS / veille", s.CaseReviews, fmt.Sprintf("élèves examinés : %s, actions décidées : %s",
			intText(s.CaseReviewPupils), intText(s.CaseReviewActions))},
	}
	for _, r := range rows {
		line := fmt.Sprintf("  %-24s %10s", r.label, intText(r.n))
		if r.note != "" {
			line += "   " + r.note
		}
		fmt.Fprintln(w, line)
	}

	fmt.Fprintf(w, "\nComptes créés, tous avec le mot de passe « %s » :\n", demodata.Password)
	for _, role := range []models.Role{models.RoleAdmin, models.RoleCoordinator, models.RoleMediator, models.RoleHeadTeacher, models.RolePartner} {
		var accounts []gendata.Account
		for _, a := range s.Accounts {
			if a.Role == role {
				accounts = append(accounts, a)
			}
		}
		if len(accounts) == 0 {
			continue
		}
		label := roleLabel(role)
		shown := accounts
		if len(accounts) > shownPerRole+1 {
			shown = accounts[:shownPerRole]
		}
		for _, a := range shown {
			fmt.Fprintf(w, "  %-22s %s — %s\n", label, a.Email, a.Description)
			label = ""
		}
		if rest := len(accounts) - len(shown); rest > 0 {
			fmt.Fprintf(w, "  %-22s … et %s autres, jusqu'à %s\n", "", intText(rest), accounts[len(accounts)-1].Email)
		}
	}
}

// printProgress writes how far the generator is, for a progress line now and then.
func printProgress(w io.Writer) func(gendata.Summary, int) {
	return func(s gendata.Summary, pupils int) {
		fmt.Fprintf(w, "  %s dossiers élèves sur %s, %s suivis, %s rencontres, %s orientations…\n",
			intText(s.Pupils), intText(pupils), intText(s.FollowUps), intText(s.Meetings), intText(s.Referrals))
	}
}

// intText writes 1000000 as "1 000 000", with plain spaces for any terminal.
func intText(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// frenchDuration writes "2 min 41 s" or "8,4 s".
func frenchDuration(d time.Duration) string {
	if d < time.Minute {
		return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".", ",", 1) + " s"
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
}

// roleLabel names a role in French, for what the command prints (the web uses the catalog).
func roleLabel(r models.Role) string {
	switch r {
	case models.RoleMediator:
		return "médiateur·rice"
	case models.RoleHeadTeacher:
		return "chef d'établissement"
	case models.RolePartner:
		return "partenaire"
	case models.RoleCoordinator:
		return "coordination"
	case models.RoleAdmin:
		return "administration"
	}
	return string(r)
}
