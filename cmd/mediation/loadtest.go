package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mediation/app/loadtest"
	"mediation/models"
)

const loadtestSynopsis = `loadtest [--url http://127.0.0.1:8080] [--duration 60s] [--requests N] [--clients 32] [--database URL] [--pid PID]

Rejoue contre un serveur en marche le travail de ses utilisateurs : des médiateurs lisent leur liste de travail,
la liste des élèves (pages, filtres, tris) et des dossiers, et enregistrent des suivis ; des chefs d'établissement
lisent le tableau de bord de leur établissement ; des agents partenaires lisent leurs orientations et y répondent
(accusé de réception, acceptation, retour). Tous les clients se connectent d'abord (Argon2id de production), puis
la mesure dure --duration ou --requests requêtes, au premier atteint. Affiche par page le nombre de requêtes,
req/s, p50/p95/p99 et les erreurs ; code de sortie 1 si une requête a échoué.
Les comptes sont les plus chargés de la base (--database, lue seulement), ou ceux donnés par
--mediators, --head-teachers, --partners. Adresse de boucle locale seulement, sauf --allow-remote.`

// loadtestCommand replays the users' mix against a running server (issue 18).
func loadtestCommand(ctx context.Context, args []string, e env) error {
	fs := newFlags("loadtest", loadtestSynopsis, e)
	addr := e.getenv("MEDIATION_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	var o loadtest.Options
	fs.StringVar(&o.URL, "url", "http://"+addr, "adresse du serveur (défaut : http:// + MEDIATION_ADDR, sinon 127.0.0.1:8080)")
	fs.BoolVar(&o.AllowRemote, "allow-remote", false, "accepter un serveur hors de la boucle locale")
	fs.DurationVar(&o.Duration, "duration", time.Minute, "durée de la mesure")
	fs.IntVar(&o.Requests, "requests", 0, "nombre de requêtes après lequel la mesure s'arrête (0 : pas de limite)")
	fs.IntVar(&o.Clients, "clients", 32, "clients simultanés, chacun avec sa session")
	fs.DurationVar(&o.Think, "think", 0, "pause moyenne d'un client entre deux actions (0 : aucune, le serveur est saturé)")
	roles := fs.String("roles", "", "répartition des clients entre les rôles (défaut : mediator=6,head_teacher=1,partner=1)")
	weights := fs.String("weights", "", "poids des pages dans chaque rôle (défaut : worklist=2,pupils=3,pupil=4,followup=1,"+
		"dashboard=1,inbox=3,referral=2,answer=1)")
	mediators := fs.String("mediators", "", "comptes médiateurs, séparés par des virgules (défaut : les plus chargés de la base)")
	heads := fs.String("head-teachers", "", "comptes chefs d'établissement, séparés par des virgules")
	partners := fs.String("partners", "", "comptes partenaires, séparés par des virgules")
	fs.StringVar(&o.Password, "password", loadtest.DefaultPassword, "mot de passe des comptes")
	fs.StringVar(&o.Database, "database", "", "base où choisir les comptes les plus chargés, lue seulement (défaut : MEDIATION_DATABASE_URL)")
	fs.IntVar(&o.PID, "pid", 0, "processus du serveur dont relever la mémoire résidente (/proc/PID/status)")
	fs.IntVar(&o.MaxRSSMiB, "max-rss", 0, "échouer si la mémoire résidente du serveur dépasse ce nombre de Mio pendant la charge (0 : pas de limite)")
	fs.Uint64Var(&o.Seed, "seed", 1, "graine des choix des clients")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	var err error
	if o.RoleWeights, err = loadtest.ParseRoleWeights(*roles); err != nil {
		fmt.Fprintf(e.stderr, "mediation loadtest : --roles %v\n", err)
		return errUsage
	}
	if o.Weights, err = loadtest.ParseWeights(*weights); err != nil {
		fmt.Fprintf(e.stderr, "mediation loadtest : --weights %v\n", err)
		return errUsage
	}
	o.Accounts = map[models.Role][]string{models.RoleMediator: emails(*mediators),
		models.RoleHeadTeacher: emails(*heads), models.RolePartner: emails(*partners)}
	if o.Database == "" {
		o.Database = e.getenv("MEDIATION_DATABASE_URL")
	}
	if o.Duration <= 0 || o.Clients <= 0 || o.Requests < 0 || o.Think < 0 {
		fmt.Fprintln(e.stderr, "mediation loadtest : --duration, --clients et --requests doivent être positifs")
		return errUsage
	}
	res, err := loadtest.Run(ctx, o, e.stdout)
	if err != nil {
		return err
	}
	if res.Total.Errors > 0 {
		return fmt.Errorf("%d requêtes en erreur sur %d", res.Total.Errors, res.Total.Count)
	}
	return nil
}

func emails(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
