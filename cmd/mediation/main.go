// Command mediation runs the school-mediation application and its administration commands.
// It reads flags and environment, then calls package app; nothing else happens here.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"mediation/app"
	"mediation/models"
	"mediation/models/gendata"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks an error in the command's words; the usage has been printed already.
var errUsage = errors.New("usage")

// env is how the command reads its environment, so that tests give their own.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

const usage = `mediation — médiation scolaire, Lille Métropole

Usage : mediation COMMANDE [options]

Commandes :
  serve      lance le serveur web (--demo charge d'abord les données de démonstration)
  migrate    applique les migrations du schéma (--status les liste)
  user add   crée un compte
  user reset-2fa --email ADRESSE
             supprime la double authentification d'un compte (téléphone perdu)
  demo       charge les données de démonstration dans une base vide
  generate   remplit une base vide d'une métropole synthétique pour les mesures (--scale metro|small, --seed N, --effect X)
  import establishments FICHIER
             importe l'annuaire de l'éducation (CSV open data) : collèges et lycées
  import pupils FICHIER --uai UAI
             importe une liste d'élèves (nom, prénom, date de naissance, classe, INE)
  import indicators FICHIER --uai UAI
             importe un export d'absences mensuelles des élèves suivis
  purge      anonymise les dossiers clos dont la durée de conservation est passée (--dry-run : compter)
  report establishment --uai UAI | metropolitan | partner --partner NOM | pupil --pupil N | impact [--convention N]
             écrit un rapport PDF (--year 2025-2026, -o FICHIER.pdf)
  loadtest   rejoue le travail des utilisateurs contre un serveur en marche et mesure (--duration, --clients)
  version    affiche la version

Configuration (les options l'emportent sur l'environnement) :
  MEDIATION_DATABASE_URL   postgres://… ou sqlite:CHEMIN (défaut sqlite:data/mediation.db)
  MEDIATION_ADDR           adresse d'écoute (défaut 127.0.0.1:8080)
  MEDIATION_TRUSTED_PROXIES  adresses ou plages CIDR des proxys inverses de confiance, séparées par des virgules
  MEDIATION_SECURE_COOKIES true derrière TLS : cookies marqués Secure
  MEDIATION_SESSION_IDLE   durée d'inactivité qui ferme une session (défaut 30m)
  MEDIATION_SESSION_LIFETIME  durée maximale d'une session (défaut 12h)
  MEDIATION_REPORT_MAX_AGE âge au-delà duquel les chiffres métropolitains et les bilans annuels de l'année en cours sont recalculés s'ils ont changé (défaut 5m)
  MEDIATION_LOG_FORMAT     text (défaut) ou json
  MEDIATION_LOG_LEVEL      debug, info (défaut), warn ou error
  MEDIATION_DB_CONNS       connexions PostgreSQL au plus par instance (défaut 20)
  MEDIATION_SMTP_URL       envoi des e-mails : smtp://utilisateur:motdepasse@serveur:587 (STARTTLS exigé),
                           smtps://… (TLS direct), smtp://127.0.0.1:25?tls=none (relais local) ou file:data/mail
                           (fichiers .eml) ; vide : aucun e-mail, les notifications restent dans le produit
  MEDIATION_MAIL_FROM      expéditeur des e-mails
  MEDIATION_PUBLIC_URL     adresse publique du produit, pour les liens des e-mails (défaut http:// + l'adresse d'écoute)
  GOGC, GOMEMLIMIT         réglages du ramasse-miettes de Go (serve : défaut 200 et 256MiB)

« mediation COMMANDE --help » détaille chaque commande.
`

// run executes one command line and returns the exit status: 0 done, 1 failed, 2 misused.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	err := dispatch(ctx, args, e)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintln(stderr, "mediation : "+oneLine(err))
		return 1
	}
}

func dispatch(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, usage)
		return nil
	case "serve":
		return serve(ctx, rest, e)
	case "migrate":
		return migrate(ctx, rest, e)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return userAdd(ctx, rest[1:], e)
		}
		if len(rest) > 0 && rest[0] == "reset-2fa" {
			return userResetSecondFactor(ctx, rest[1:], e)
		}
		if len(rest) > 0 && (rest[0] == "--help" || rest[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage : mediation user add [options]   (mediation user add --help)\n"+
				"        mediation user reset-2fa --email ADRESSE   (mediation user reset-2fa --help)")
			return nil
		}
		fmt.Fprintln(e.stderr, "mediation : sous-commande attendue : mediation user add|reset-2fa [options]")
		return errUsage
	case "demo":
		return demo(ctx, rest, e)
	case "generate":
		return generate(ctx, rest, e)
	case "import":
		if len(rest) > 0 && (rest[0] == "establishments" || rest[0] == "pupils" || rest[0] == "indicators") {
			return importFile(ctx, rest[0], rest[1:], e)
		}
		if len(rest) > 0 && (rest[0] == "--help" || rest[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage : mediation import establishments FICHIER [options]   (mediation import establishments --help)")
			return nil
		}
		fmt.Fprintln(e.stderr, "mediation : que faut-il importer ? mediation import establishments|pupils|indicators FICHIER")
		return errUsage
	case "report":
		return report(ctx, rest, e)
	case "loadtest":
		return loadtestCommand(ctx, rest, e)
	case "purge":
		fs := newFlags("purge", "purge [--dry-run] [--database URL]\n\nAnonymise les dossiers clos depuis plus longtemps que la durée de conservation\n"+
			"(par défaut : jusqu'à la fin de l'année scolaire qui suit la clôture), efface après la même durée les notes des\n"+
			"conflits clos et les remarques des groupes de prévention, et supprime les brouillons de formulaires\n"+
			"gardés après une session expirée depuis plus de 24 heures. « serve » le fait aussi chaque jour.", e)
		dryRun := fs.Bool("dry-run", false, "compter les dossiers concernés sans rien changer")
		database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
		if err := parse(fs, rest, e); err != nil {
			return err
		}
		cfg, err := config(e, *database, "")
		if err != nil {
			return err
		}
		return app.Purge(ctx, cfg, *dryRun, e.stdout)
	case "version", "--version":
		fmt.Fprintln(e.stdout, "mediation "+buildVersion())
		return nil
	default:
		fmt.Fprintf(e.stderr, "mediation : commande inconnue « %s »\n\n%s", cmd, usage)
		return errUsage
	}
}

// newFlags makes a flag set that prints its usage in French on --help and on misuse.
func newFlags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage : mediation %s\n\nOptions :\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse reads the flags; --help prints the usage on stdout and is not an error.
func parse(fs *flag.FlagSet, args []string, e env) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "mediation %s : argument inattendu « %s »\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}

// Garbage collection of the server, unless GOGC or GOMEMLIMIT say otherwise. A request's garbage
// dies with it and the live heap is small (about 30 MiB under 32 saturating clients at metro
// scale), so that Go's default (a collection each time the heap doubles) spent a tenth of the
// server's CPU collecting; a collection each time it triples halves that for a few tens of MiB
// more, and the soft limit makes the collector work harder rather than pass it.
const (
	serveGCPercent  = 200
	serveMemoryGoal = 256 << 20
)

func tuneGC(e env) {
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryGoal)
	}
}

// config gathers the configuration: flags first, then the environment, then the defaults.
func config(e env, database, addr string) (app.Config, error) {
	// Production's password hashing, said here rather than inherited: Argon2id at
	// ProductionArgon2, a few computations at once, a bounded wait for a turn.
	cfg := app.Config{DatabaseURL: database, Addr: addr, Hashing: models.HasherConfig{
		Params: models.ProductionArgon2(), Concurrency: models.DefaultHashConcurrency, Wait: models.DefaultHashWait}}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = e.getenv("MEDIATION_DATABASE_URL")
	}
	if cfg.Addr == "" {
		cfg.Addr = e.getenv("MEDIATION_ADDR")
	}
	if p := strings.TrimSpace(e.getenv("MEDIATION_TRUSTED_PROXIES")); p != "" {
		cfg.TrustedProxies = strings.Split(p, ",")
	}
	if v := e.getenv("MEDIATION_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("MEDIATION_SECURE_COOKIES « %s » invalide : true ou false", v)
		}
		cfg.SecureCookies = b
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"MEDIATION_SESSION_IDLE", &cfg.SessionIdle}, {"MEDIATION_SESSION_LIFETIME", &cfg.SessionLifetime},
		{"MEDIATION_REPORT_MAX_AGE", &cfg.ReportMaxAge},
		{"MEDIATION_HASH_WAIT", &cfg.Hashing.Wait}} {
		if v := e.getenv(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return cfg, fmt.Errorf("%s « %s » invalide : une durée comme 30m ou 12h", d.name, v)
			}
			*d.dst = dur
		}
	}
	if v := e.getenv("MEDIATION_HASH_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return cfg, fmt.Errorf("MEDIATION_HASH_CONCURRENCY « %s » invalide : un nombre de 1 à 64", v)
		}
		cfg.Hashing.Concurrency = n
	}
	if v := e.getenv("MEDIATION_DB_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return cfg, fmt.Errorf("MEDIATION_DB_CONNS « %s » invalide : un nombre de 1 à 500", v)
		}
		cfg.MaxDBConns = n
	}
	if v := e.getenv("MEDIATION_MAX_INFLIGHT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10000 {
			return cfg, fmt.Errorf("MEDIATION_MAX_INFLIGHT « %s » invalide : un nombre de 1 à 10000, ou 0 pour aucune limite", v)
		}
		cfg.MaxInFlight = n
		if n == 0 {
			cfg.MaxInFlight = -1
		}
	}
	cfg.Mail = app.MailConfig{URL: e.getenv("MEDIATION_SMTP_URL"), From: e.getenv("MEDIATION_MAIL_FROM"),
		PublicURL: e.getenv("MEDIATION_PUBLIC_URL")}
	if _, err := app.NewMailer(cfg.Mail.URL); err != nil {
		return cfg, err
	}
	// E-mails sent to people elsewhere need the address they can reach the product at: the
	// listening address (127.0.0.1:8080 by default) would give them dead links.
	if u := cfg.Mail.URL; (strings.HasPrefix(u, "smtp://") || strings.HasPrefix(u, "smtps://")) && strings.TrimSpace(cfg.Mail.PublicURL) == "" {
		return cfg, fmt.Errorf("MEDIATION_PUBLIC_URL manque : avec MEDIATION_SMTP_URL, donnez l'adresse publique du produit pour les liens des e-mails (par exemple https://mediation.example.fr)")
	}
	log, err := logger(e)
	if err != nil {
		return cfg, err
	}
	cfg.Logger = log
	return cfg, nil
}

func logger(e env) (*slog.Logger, error) {
	var level slog.Level
	if l := e.getenv("MEDIATION_LOG_LEVEL"); l != "" {
		if err := level.UnmarshalText([]byte(l)); err != nil {
			return nil, fmt.Errorf("MEDIATION_LOG_LEVEL « %s » inconnu : debug, info, warn ou error", l)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f := e.getenv("MEDIATION_LOG_FORMAT"); f {
	case "", "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	default:
		return nil, fmt.Errorf("MEDIATION_LOG_FORMAT « %s » inconnu : text ou json", f)
	}
}

func serve(ctx context.Context, args []string, e env) error {
	fs := newFlags("serve", "serve [--addr ADRESSE] [--database URL] [--demo]", e)
	addr := fs.String("addr", "", "adresse d'écoute (défaut : MEDIATION_ADDR, sinon 127.0.0.1:8080)")
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	withDemo := fs.Bool("demo", false, "charger les données de démonstration si la base est vide")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	cfg, err := config(e, *database, *addr)
	if err != nil {
		return err
	}
	tuneGC(e)
	ln, err := app.Listen(cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *withDemo {
		if err := a.LoadDemo(ctx, e.stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "Médiation scolaire : http://%s/ (Ctrl+C pour arrêter)\n", ln.Addr())
	return a.Serve(ctx, ln)
}

func migrate(ctx context.Context, args []string, e env) error {
	fs := newFlags("migrate", "migrate [--database URL] [--status]", e)
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	status := fs.Bool("status", false, "lister les migrations appliquées et en attente, sans rien changer")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	return app.Migrate(ctx, cfg, *status, e.stdout)
}

func demo(ctx context.Context, args []string, e env) error {
	fs := newFlags("demo", "demo [--database URL]", e)
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.LoadDemo(ctx, e.stdout)
}

// generate fills an empty database with the synthetic metropolis of the benchmarks.
func generate(ctx context.Context, args []string, e env) error {
	fs := newFlags("generate", "generate [--scale metro|small] [--seed N] [--effect X] [--database URL]\n\n"+
		"Remplit une base vide (migrée d'abord) d'une métropole synthétique et déterministe, pour les mesures de performance :\n"+
		"metro : 200 établissements, 700 médiateurs, 15 000 dossiers élèves, 1 000 000 de suivis, 100 000 rencontres,\n"+
		"50 000 orientations et cinq années scolaires d'indicateurs mensuels jusqu'à aujourd'hui ; small : le dixième.\n"+
		"La même graine donne les mêmes données. Tous les comptes ont le mot de passe de démonstration.\n"+
		"--effect prépare les absences pour la mesure des effets (mois avant l'ouverture du dossier, pic d'absences,\n"+
		"liste d'attente) et réduit de X (0,3 : 30 %) les absences injustifiées des élèves après le début du suivi actif ;\n"+
		"--effect 0 : les mêmes données, sans effet.", e)
	scale := fs.String("scale", string(gendata.ScaleMetro), "taille : metro ou small")
	seed := fs.Uint64("seed", 1, "graine du tirage : une autre graine, d'autres données")
	effect := fs.Float64("effect", 0, "effet planté du suivi actif : réduction relative des absences injustifiées, de 0 à moins de 1")
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	sc, err := gendata.ParseScale(*scale)
	if err != nil {
		fmt.Fprintf(e.stderr, "mediation generate : %v\n", app.InFrench(err))
		return errUsage
	}
	opt := gendata.Options{Scale: sc, Seed: *seed}
	// Only a given --effect, even 0, shapes the data for the measure: without it, the data is
	// what it always was.
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "effect" {
			opt.Study = &gendata.Study{Effect: *effect}
		}
	})
	if opt.Study != nil && !(*effect >= 0 && *effect < 1) {
		fmt.Fprintf(e.stderr, "mediation generate : effet « %v » impossible : une réduction de 0 à moins de 1\n", *effect)
		return errUsage
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	return app.Generate(ctx, cfg, opt, e.stdout)
}

// importSynopses explain each import's file.
var importSynopses = map[string]string{
	"establishments": "Le fichier est l'export CSV de l'annuaire de l'éducation : collèges et lycées créés ou mis à jour par UAI,\n" +
		"autres types ignorés et comptés, établissements fermés inactifs.",
	"pupils": "Le fichier est une liste d'élèves (colonnes Nom, Prénom, Date de naissance, Classe ou Niveau, INE facultatif,\n" +
		"UAI facultatif si --uai est donné) : un dossier est ouvert pour chaque nouvel élève, la classe des autres est mise à jour\n" +
		"(élève retrouvé par INE, sinon par nom, prénom et date de naissance dans l'établissement).",
	"indicators": "Le fichier est un export d'absences (INE ou Nom, Prénom, Date de naissance ; Mois ; Demi-journées non justifiées,\n" +
		"justifiées, de cours ; Exclusions ; Incidents ; Moyenne) : les lignes des élèves sans dossier sont ignorées et comptées.",
}

func importFile(ctx context.Context, kind string, args []string, e env) error {
	fs := newFlags("import "+kind, "import "+kind+" FICHIER.csv [--dry-run] [--skip-invalid] [--encoding auto|utf-8|windows-1252]\n\n"+importSynopses[kind], e)
	dryRun := fs.Bool("dry-run", false, "montrer ce que l'import ferait, sans rien enregistrer")
	skipInvalid := fs.Bool("skip-invalid", false, "importer les lignes valides et lister les autres (sinon : tout ou rien)")
	encoding := fs.String("encoding", "auto", "encodage du fichier : auto, utf-8 ou windows-1252")
	maxMB := fs.Int64("max-size", 200, "taille maximale du fichier, en Mo")
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	var uai *string
	if kind != "establishments" {
		uai = fs.String("uai", "", "établissement des lignes sans colonne UAI")
	}
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if file == "" {
		fmt.Fprintf(e.stderr, "mediation import %s : indiquez le fichier CSV à importer\n", kind)
		return errUsage
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	opts := imports.PupilImportOptions{ImportOptions: imports.ImportOptions{DryRun: *dryRun, SkipInvalid: *skipInvalid,
		CSV: csvimport.Options{Encoding: *encoding, MaxBytes: *maxMB << 20}}}
	if uai != nil {
		opts.UAI = *uai
	}
	return app.Import(ctx, cfg, kind, file, opts, e.stdout)
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}

func userAdd(ctx context.Context, args []string, e env) error {
	fs := newFlags("user add", "user add --email ADRESSE --name NOM --role RÔLE [--establishment UAI]… [--partner ORGANISME] [--generate-password]\n\n"+
		"Le mot de passe est demandé au terminal, lu sur l'entrée standard (première ligne), ou généré et affiché une fois\navec --generate-password.", e)
	email := fs.String("email", "", "adresse électronique, identifiant de connexion (obligatoire)")
	name := fs.String("name", "", "nom affiché (obligatoire)")
	role := fs.String("role", "", "rôle : mediator, head_teacher, partner, coordinator ou admin (obligatoire)")
	var establishments stringList
	fs.Var(&establishments, "establishment", "code UAI d'un établissement (médiateur, chef d'établissement ; répétable)")
	partner := fs.String("partner", "", "nom de l'organisme partenaire (rôle partner)")
	locale := fs.String("locale", "fr", "langue de l'interface : fr ou en")
	generate := fs.Bool("generate-password", false, "générer un mot de passe et l'afficher une fois")
	mustChange := fs.Bool("must-change-password", false, "obliger à changer le mot de passe à la première connexion")
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	var missing []string
	for _, f := range []struct{ name, value string }{{"--email", *email}, {"--name", *name}, {"--role", *role}} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("options obligatoires manquantes : %s", strings.Join(missing, ", "))
	}
	password, err := readPassword(e, *generate)
	if err != nil {
		return err
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	u, err := app.AddUser(ctx, cfg, app.NewAccount{Password: password, NewUser: models.NewUser{
		Email: *email, DisplayName: *name, Role: models.Role(*role), EstablishmentUAIs: establishments,
		PartnerName: *partner, Locale: *locale, MustChangePassword: *mustChange || *generate,
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Compte créé : %s (%s), n° %d.\n", u.Email, u.Role, u.ID)
	if *generate {
		fmt.Fprintf(e.stdout, "Mot de passe provisoire (affiché une seule fois, à changer à la première connexion) : %s\n", password)
	}
	return nil
}

// userResetSecondFactor removes an account's second factor, for someone who lost their phone
// and recovery codes.
func userResetSecondFactor(ctx context.Context, args []string, e env) error {
	fs := newFlags("user reset-2fa", "user reset-2fa --email ADRESSE [--database URL]\n\n"+
		"Supprime la clé de double authentification et les codes de secours du compte (inscrit au journal d'audit) :\n"+
		"il se connecte ensuite avec son seul mot de passe, et doit réactiver la double authentification si son rôle l'exige.", e)
	email := fs.String("email", "", "adresse électronique du compte (obligatoire)")
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	if strings.TrimSpace(*email) == "" {
		return errors.New("option obligatoire manquante : --email")
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	return app.ResetSecondFactor(ctx, cfg, *email, e.stdout)
}

// readPassword generates a password, asks for one twice at a terminal, or reads the first line
// of standard input.
func readPassword(e env, generate bool) (string, error) {
	if generate {
		return models.GeneratePassword()
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Mot de passe : ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("lecture du mot de passe impossible : %w", err)
		}
		fmt.Fprint(e.stderr, "Confirmez le mot de passe : ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("lecture du mot de passe impossible : %w", err)
		}
		if string(first) != string(second) {
			return "", errors.New("les deux mots de passe saisis diffèrent")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("lecture du mot de passe sur l'entrée standard impossible : %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("aucun mot de passe sur l'entrée standard : donnez-le sur la première ligne, ou utilisez --generate-password")
	}
	return line, nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		v := info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		if v != "" {
			return v
		}
	}
	return "dev"
}

// oneLine keeps an error on one line, so that a failure is one clear line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// report writes one of the PDF reports.
func report(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || !slices.Contains(app.ReportKinds, args[0]) {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage : mediation report establishment|metropolitan|partner|pupil|impact [options]   (mediation report establishment --help)")
			return nil
		}
		fmt.Fprintln(e.stderr, "mediation : quel rapport ? mediation report establishment|metropolitan|partner|pupil|impact [options]")
		return errUsage
	}
	kind := args[0]
	synopsis := map[string]string{
		"establishment": "report establishment --uai UAI [--year 2025-2026] [-o FICHIER.pdf]\n\nSynthèse d'un établissement (nominative : elle reste dans l'établissement).",
		"metropolitan":  "report metropolitan [--year 2025-2026] [-o FICHIER.pdf]\n\nRapport métropolitain anonymisé, avec son annexe de méthode.",
		"partner":       "report partner --partner NOM [--year 2025-2026] [-o FICHIER.pdf]\n\nRapport anonymisé des orientations reçues par un organisme partenaire.",
		"pupil":         "report pupil --pupil N [--year 2025-2026] [-o FICHIER.pdf]\n\nDossier d'un élève (sans les notes restreintes).",
		"impact":        "report impact [--year 2025-2026] [--convention N] [--out FICHIER.pdf]\n\nBilan annuel de la médiation scolaire (anonymisé, avec son annexe de méthode), de toute la métropole ou d'une convention de financement.",
	}[kind]
	fs := newFlags("report "+kind, synopsis, e)
	r := app.ReportRequest{Kind: kind}
	switch kind {
	case "establishment":
		fs.StringVar(&r.UAI, "uai", "", "code UAI de l'établissement (obligatoire)")
	case "partner":
		fs.StringVar(&r.Partner, "partner", "", "nom exact de l'organisme partenaire (obligatoire)")
	case "pupil":
		fs.UintVar(&r.PupilID, "pupil", 0, "numéro du dossier élève (obligatoire)")
	case "impact":
		fs.UintVar(&r.Convention, "convention", 0, "numéro de la convention de financement (défaut : toute la métropole)")
	}
	fs.StringVar(&r.Year, "year", "", "année scolaire, par exemple 2025-2026 (défaut : l'année en cours)")
	fs.StringVar(&r.Output, "o", "", "fichier PDF à écrire (défaut : un nom dans le répertoire courant)")
	fs.StringVar(&r.Output, "out", "", "comme -o")
	database := fs.String("database", "", "base de données (défaut : MEDIATION_DATABASE_URL, sinon sqlite:data/mediation.db)")
	if err := parse(fs, args[1:], e); err != nil {
		return err
	}
	missing := map[string]bool{"establishment": r.UAI == "", "partner": r.Partner == "", "pupil": r.PupilID == 0}[kind]
	if missing {
		flagName := map[string]string{"establishment": "--uai", "partner": "--partner", "pupil": "--pupil"}[kind]
		fmt.Fprintf(e.stderr, "mediation report %s : l'option %s est obligatoire\n", kind, flagName)
		return errUsage
	}
	cfg, err := config(e, *database, "")
	if err != nil {
		return err
	}
	return app.Report(ctx, cfg, r, e.stdout)
}
