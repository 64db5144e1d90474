package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// mediation runs one command line with an empty environment but for vars, and returns its exit
// status and what it printed.
func mediation(t *testing.T, stdin string, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	code := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func dbFlag(u models.DatabaseURL) string {
	if u.Dialect == models.DialectSQLite {
		return "--database=sqlite:" + u.Path
	}
	return "--database=" + u.DSN
}

func TestHelpEverywhere(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help"}, {"serve", "--help"}, {"migrate", "--help"},
		{"user", "add", "--help"}, {"user", "reset-2fa", "--help"}, {"demo", "--help"}, {"purge", "--help"}, {"import", "pupils", "--help"},
		{"loadtest", "--help"}} {
		code, out, _ := mediation(t, "", nil, args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
	}
	if code, out, _ := mediation(t, "", nil, "version"); code != 0 || !strings.HasPrefix(out, "mediation ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestMisuseExitsWithTwo(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"frobnicate"}, {"migrate", "--nope"}, {"user"}, {"serve", "extra"},
		{"loadtest", "--weights", "nope=1"}, {"loadtest", "--roles", "admin=1"}, {"loadtest", "--clients", "-1"}} {
		if code, _, errOut := mediation(t, "", nil, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

// Each failure is one clear line on stderr and a non-zero exit, never a stack trace.
func TestFailuresAreOneClearLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		name string
		args []string
		vars map[string]string
		want string
	}{
		{"unknown scheme", []string{"migrate", "--database", "mysql://root@localhost/x"}, nil,
			"mediation : type de base de données « mysql » non pris en charge : utilisez postgres://… ou sqlite:CHEMIN"},
		{"SQLite without a path", []string{"migrate", "--database", "sqlite:"}, nil,
			"mediation : adresse de base de données « sqlite: » invalide : écrivez sqlite:CHEMIN, par exemple sqlite:data/mediation.db"},
		{"unknown scheme from the environment", []string{"migrate"}, map[string]string{"MEDIATION_DATABASE_URL": "mongodb://x"}, "« mongodb » non pris en charge"},
		{"unreachable PostgreSQL", []string{"migrate", "--database", "postgres://postgres@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=2"}, nil, "mediation : PostgreSQL injoignable (postgres://postgres@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=2) : "},
		{"SQLite path that cannot be written", []string{"migrate", "--database", "sqlite:/dev/null/sub/x.db"}, nil, "SQLite"},
		{"port in use", []string{"serve", "--addr", busy.Addr().String(), "--database", "sqlite:" + filepath.Join(dir, "p.db")}, nil, "déjà utilisée"},
		{"bad log level", []string{"migrate", "--database", "sqlite:" + filepath.Join(dir, "l.db")}, map[string]string{"MEDIATION_LOG_LEVEL": "loud"}, "MEDIATION_LOG_LEVEL"},
		{"load test of a remote server", []string{"loadtest", "--url", "http://192.0.2.10:8080"}, nil, "--allow-remote"},
		{"load test without accounts", []string{"loadtest", "--url", "http://127.0.0.1:1"}, nil, "aucun compte médiateur"},
		{"bad school year", []string{"report", "metropolitan", "--year", "2026", "-o", filepath.Join(dir, "r.pdf"), "--database", "sqlite:" + filepath.Join(dir, "y.db")}, nil,
			"mediation : année scolaire « 2026 » invalide : écrivez-la sous la forme 2025-2026"},
		{"bad trusted proxy", []string{"serve", "--addr", "127.0.0.1:0", "--database", "sqlite:" + filepath.Join(dir, "t.db")}, map[string]string{"MEDIATION_TRUSTED_PROXIES": "not-an-ip"}, "proxy de confiance"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := mediation(t, "", c.vars, c.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			var lines []string // what is not a log line
			for _, l := range strings.Split(strings.TrimRight(errOut, "\n"), "\n") {
				if !strings.HasPrefix(l, "time=") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "mediation : ") || !strings.Contains(lines[0], c.want) {
				t.Errorf("stderr %q: want one line with %q", errOut, c.want)
			}
			if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
				t.Errorf("stack trace on stderr: %s", errOut)
			}
		})
	}
}

func TestReadOnlySQLiteDirectory(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere: the /dev/null case of TestFailuresAreOneClearLine covers an unwritable path")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	code, _, errOut := mediation(t, "", nil, "migrate", "--database", "sqlite:"+filepath.Join(dir, "ro.db"))
	if code != 1 || !strings.Contains(errOut, "écriture") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestMigrateTwiceAndStatus(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		code, out, errOut := mediation(t, "", nil, "migrate", "--status", dbFlag(u))
		if code != 0 || !strings.Contains(out, "en attente  0001_initial") {
			t.Fatalf("status on an empty base: %d %q %q", code, out, errOut)
		}
		if code, out, errOut = mediation(t, "", nil, "migrate", dbFlag(u)); code != 0 || !strings.Contains(out, "0001_initial") {
			t.Fatalf("first migrate: %d %q %q", code, out, errOut)
		}
		if code, out, _ = mediation(t, "", nil, "migrate", dbFlag(u)); code != 0 || !strings.Contains(out, "déjà à jour") {
			t.Fatalf("second migrate: %d %q", code, out)
		}
		if code, out, _ = mediation(t, "", nil, "migrate", "--status", dbFlag(u)); code != 0 ||
			!strings.Contains(out, "appliquée   0001_initial") || !strings.Contains(out, "à jour") {
			t.Fatalf("status after migrate: %d %q", code, out)
		}
	})
}

func TestServeRefusesAnOutdatedPostgresSchema(t *testing.T) {
	t.Parallel()
	b := dbtest.PostgresOnly(t)
	u := b.New(t)
	code, _, errOut := mediation(t, "", nil, "serve", "--addr", "127.0.0.1:0", dbFlag(u))
	if code != 1 || !strings.Contains(errOut, "mediation migrate") {
		t.Errorf("serve on an unmigrated PostgreSQL: exit %d, %q", code, errOut)
	}
}

func TestUserAdd(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect == models.DialectPostgres {
			dbtest.OpenMigrated(t, u)
		}
		code, out, errOut := mediation(t, "une phrase de passe assez longue\n", nil,
			"user", "add", "--email", "Admin@Example.org", "--name", "Administration", "--role", "admin", dbFlag(u))
		if code != 0 || !strings.Contains(out, "admin@example.org") {
			t.Fatalf("user add: %d %q %q", code, out, errOut)
		}
		code, _, errOut = mediation(t, "une autre phrase longue\n", nil,
			"user", "add", "--email", "admin@example.org", "--name", "Doublon", "--role", "admin", dbFlag(u))
		if code != 1 || !strings.Contains(errOut, "existe déjà") {
			t.Errorf("duplicate email: %d %q", code, errOut)
		}
		code, _, errOut = mediation(t, "court\n", nil,
			"user", "add", "--email", "x@example.org", "--name", "X", "--role", "admin", dbFlag(u))
		if code != 1 || !strings.Contains(errOut, "12 caractères") {
			t.Errorf("short password: %d %q", code, errOut)
		}
		code, _, errOut = mediation(t, "qwertyuiopas\n", nil,
			"user", "add", "--email", "x@example.org", "--name", "X", "--role", "admin", dbFlag(u))
		if code != 1 || !strings.Contains(errOut, "trop facile à deviner") {
			t.Errorf("keyboard-row password: %d %q", code, errOut)
		}
		code, _, errOut = mediation(t, "une phrase de passe assez longue\n", nil,
			"user", "add", "--email", "m@example.org", "--name", "M", "--role", "mediator", "--establishment", "0599999X", dbFlag(u))
		if code != 1 || !strings.Contains(errOut, "0599999X inconnu") {
			t.Errorf("unknown establishment: %d %q", code, errOut)
		}
		code, out, errOut = mediation(t, "", nil,
			"user", "add", "--email", "c@example.org", "--name", "Coordination", "--role", "coordinator", "--generate-password", dbFlag(u))
		if code != 0 || !strings.Contains(out, "Mot de passe provisoire") {
			t.Errorf("generated password: %d %q %q", code, out, errOut)
		}
		if code, _, errOut = mediation(t, "", nil, "user", "add", "--role", "admin", dbFlag(u)); code != 1 ||
			!strings.Contains(errOut, "--email, --name") {
			t.Errorf("missing options: %d %q", code, errOut)
		}
	})
}

func TestDemoTwice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect == models.DialectPostgres {
			dbtest.OpenMigrated(t, u)
		}
		code, out, errOut := mediation(t, "", nil, "demo", dbFlag(u))
		if code != 0 || !strings.Contains(out, "mediation@demo.test") || !strings.Contains(out, "mediation-demo") {
			t.Fatalf("demo: %d %q %q", code, out, errOut)
		}
		code, out, _ = mediation(t, "", nil, "demo", dbFlag(u))
		if code != 0 || !strings.Contains(out, "déjà chargées") {
			t.Fatalf("demo again: %d %q", code, out)
		}
	})
}

func TestImportEstablishments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect == models.DialectPostgres {
			dbtest.OpenMigrated(t, u)
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "annuaire.csv")
		os.WriteFile(file, []byte("\ufeffIdentifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;etat\n"+
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n"+
			"0595333B;Ecole Les Lilas;Ecole;Public;59160;Lomme;OUVERT\n"+
			"0595555A;Collège Faux;Collège;Public;59000;Lille;OUVERT\n"), 0o600)
		code, out, errOut := mediation(t, "", nil, "import", "establishments", file, "--dry-run", dbFlag(u))
		if code != 1 || !strings.Contains(out, "ligne 4, UAI") ||
			!strings.Contains(errOut, "annuaire.csv : des lignes sont invalides : rien n'a été importé (corrigez-les, ou importez les lignes valides avec --skip-invalid)") {
			t.Errorf("invalid line: %d %q %q", code, out, errOut)
		}
		code, out, _ = mediation(t, "", nil, "import", "establishments", file, "--skip-invalid", dbFlag(u))
		if code != 0 || !strings.Contains(out, "créés       1") || !strings.Contains(out, "ignorés     1 (type « Ecole », non retenu)\n") {
			t.Errorf("skip invalid: %d %q", code, out)
		}
		// The demo set never mixes with the imported establishment.
		if code, _, errOut := mediation(t, "", nil, "demo", dbFlag(u)); code != 1 || errOut != "mediation : chargement des données de démonstration impossible : "+
			"la base contient déjà des données qui ne sont pas celles de la démonstration : le jeu de démonstration ne se charge que dans une base vide\n" {
			t.Errorf("demo on imported data: %d %q", code, errOut)
		}
		// A file that is not the directory is explained in French.
		notes := filepath.Join(dir, "notes.csv")
		os.WriteFile(notes, []byte("a;b\n1;2\n"), 0o600)
		code, _, errOut = mediation(t, "", nil, "import", "establishments", notes, dbFlag(u))
		if code != 1 || !strings.Contains(errOut, "notes.csv : colonne introuvable pour l'UAI (Identifiant_de_l_etablissement) : est-ce bien l'export de l'annuaire de l'éducation ?") {
			t.Errorf("not the directory: %d %q", code, errOut)
		}
		code, _, errOut = mediation(t, "", nil, "import", "establishments", filepath.Join(dir, "absent.csv"), dbFlag(u))
		if code != 1 || !strings.Contains(errOut, "introuvable") {
			t.Errorf("missing file: %d %q", code, errOut)
		}
		if code, _, _ := mediation(t, "", nil, "import", "establishments", dbFlag(u)); code != 2 {
			t.Errorf("no file: exit %d, want 2", code)
		}
	})
}

func TestPurgeCommand(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect == models.DialectPostgres {
			dbtest.OpenMigrated(t, u)
		}
		code, out, errOut := mediation(t, "", nil, "purge", "--dry-run", dbFlag(u))
		if code != 0 || !strings.Contains(out, "Dossiers clos avant le 01/09/") || !strings.Contains(out, "essai") ||
			!strings.Contains(out, "Brouillons de plus de 24 heures à supprimer : 0") ||
			!strings.Contains(out, "conflits dont les notes sont effacées      0") {
			t.Errorf("purge --dry-run: %d %q %q", code, out, errOut)
		}
		if code, out, _ := mediation(t, "", nil, "purge", dbFlag(u)); code != 0 || !strings.Contains(out, "anonymisés : 0") ||
			!strings.Contains(out, "Brouillons de plus de 24 heures supprimés : 0") {
			t.Errorf("purge: %d %q", code, out)
		}
	})
}

func TestGenerateCommandUsage(t *testing.T) {
	t.Parallel()
	code, out, _ := mediation(t, "", nil, "generate", "--help")
	if code != 0 || !strings.Contains(out, "Usage : mediation generate") || !strings.Contains(out, "--scale") || !strings.Contains(out, "--seed") ||
		!strings.Contains(out, "--effect") {
		t.Errorf("generate --help: exit %d, %q", code, out)
	}
	if code, out, _ := mediation(t, "", nil, "--help"); code != 0 || !strings.Contains(out, "generate") {
		t.Errorf("the command list does not offer generate: %q", out)
	}
	for _, args := range [][]string{{"generate", "--scale", "huge"}, {"generate", "--scale", "tiny"}, {"generate", "--seed", "-1"}, {"generate", "extra"},
		{"generate", "--effect", "1"}, {"generate", "--effect", "-0.1"}, {"generate", "--effect", "fort"}} {
		code, _, errOut := mediation(t, "", nil, args...)
		if code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
	if _, _, errOut := mediation(t, "", nil, "generate", "--scale", "huge"); !strings.HasPrefix(errOut, "mediation generate : échelle « huge » inconnue : metro ou small\n") {
		t.Errorf("bad scale: %q", errOut)
	}
	if _, _, errOut := mediation(t, "", nil, "generate", "--effect", "1.5"); !strings.HasPrefix(errOut, "mediation generate : effet « 1.5 » impossible") {
		t.Errorf("bad effect: %q", errOut)
	}
}

// generate never mixes its data with other data: on the demo set it refuses, untouched.
func TestGenerateRefusesANonEmptyDatabase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect == models.DialectPostgres {
			dbtest.OpenMigrated(t, u)
		}
		if code, _, errOut := mediation(t, "", nil, "demo", dbFlag(u)); code != 0 {
			t.Fatalf("demo: %d %q", code, errOut)
		}
		db := dbtest.Open(t, u)
		var before int64
		dbtest.Must(t, db.Model(&models.Pupil{}).Count(&before).Error)
		code, _, errOut := mediation(t, "", nil, "generate", "--scale", "small", dbFlag(u))
		if code != 1 || errOut != "mediation : génération des données de test impossible : la base contient déjà des établissements, "+
			"des organismes partenaires ou des dossiers élèves : les données de test ne se génèrent que dans une base vide\n" {
			t.Errorf("generate on the demo set: exit %d, %q", code, errOut)
		}
		var after int64
		dbtest.Must(t, db.Model(&models.Pupil{}).Count(&after).Error)
		if after != before {
			t.Errorf("a refused generate changed the pupils: %d, then %d", before, after)
		}
	})
}

func TestUserResetSecondFactor(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db := dbtest.OpenMigrated(t, u)
		code, _, errOut := mediation(t, "une phrase de passe assez longue\n", nil,
			"user", "add", "--email", "c@example.org", "--name", "Coordination", "--role", "coordinator", dbFlag(u))
		if code != 0 {
			t.Fatalf("user add: %d %q", code, errOut)
		}
		var user models.User
		if err := db.Where("email = ?", "c@example.org").Take(&user).Error; err != nil {
			t.Fatal(err)
		}
		secret, err := models.NewTOTPSecret()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)
		totp, err := models.TOTPCode(secret, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := models.EnableSecondFactor(context.Background(), db, models.Actor{Email: "test"}, user.ID, secret, totp, now); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := mediation(t, "", nil, "user", "reset-2fa", "--email", "C@example.org", dbFlag(u))
		if code != 0 || !strings.Contains(out, "réinitialisée") {
			t.Fatalf("reset-2fa: %d %q %q", code, out, errOut)
		}
		if on, err := models.HasSecondFactor(context.Background(), db, user.ID); err != nil || on {
			t.Errorf("still on after reset-2fa (%v)", err)
		}
		var audited int64
		if err := db.Model(&models.AuditEvent{}).Where("action = ? AND record_id = ? AND actor_email = ? AND detail = ?",
			models.AuditTwoFactorDisabled, fmt.Sprint(user.ID), "cli", "by=cli").Count(&audited).Error; err != nil {
			t.Fatal(err)
		}
		if audited != 1 {
			t.Errorf("%d audit events for the reset, want 1", audited)
		}
		if code, out, _ := mediation(t, "", nil, "user", "reset-2fa", "--email", "c@example.org", dbFlag(u)); code != 0 || !strings.Contains(out, "rien n'a changé") {
			t.Errorf("reset-2fa again: %d %q", code, out)
		}
		if code, _, errOut := mediation(t, "", nil, "user", "reset-2fa", "--email", "nobody@example.org", dbFlag(u)); code != 1 ||
			!strings.Contains(errOut, "aucun compte") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("unknown email: %d %q", code, errOut)
		}
		if code, _, errOut := mediation(t, "", nil, "user", "reset-2fa", dbFlag(u)); code != 1 || !strings.Contains(errOut, "--email") {
			t.Errorf("no email: %d %q", code, errOut)
		}
	})
}
