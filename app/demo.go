package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"mediation/models/demodata"
)

// LoadDemo loads the demo data set into the application's database unless it is there
// already, then prints the demo accounts. On a database holding other data it refuses:
// fictitious files must never mix with real ones.
func (a *App) LoadDemo(ctx context.Context, out io.Writer) error {
	sum, err := demodata.Load(ctx, a.DB, a.Hasher, a.Config.Now())
	if err != nil {
		return fmt.Errorf("chargement des données de démonstration impossible : %w", InFrench(err))
	}
	if sum.AlreadyLoaded {
		fmt.Fprintln(out, "Les données de démonstration sont déjà chargées : rien n'a été ajouté.")
	} else {
		fmt.Fprintf(out, "Données de démonstration chargées : %d établissements, %d organismes partenaires, %d comptes, "+
			"%d dossiers élèves, %d suivis, %d rencontres, %d orientations, %d actions collectives.\n",
			sum.Establishments, sum.Partners, sum.Users, sum.Pupils, sum.FollowUps, sum.Meetings, sum.Referrals, sum.Activities)
	}
	PrintDemoAccounts(out)
	return nil
}

// PrintDemoAccounts lists the demo accounts and their shared password.
func PrintDemoAccounts(out io.Writer) {
	fmt.Fprintf(out, "Comptes de démonstration (mot de passe commun : %s) :\n", demodata.Password)
	tw := tabwriter.NewWriter(out, 0, 2, 2, ' ', 0)
	for _, acc := range demodata.Accounts() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", acc.Email, roleLabel(acc.Role), acc.Description)
	}
	tw.Flush()
}
