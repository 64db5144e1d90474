package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"gorm.io/gorm"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/calendar"
)

// Migrate applies the pending migrations, or with statusOnly lists applied and pending ones.
func Migrate(ctx context.Context, cfg Config, statusOnly bool, out io.Writer) error {
	cfg.setDefaults()
	db, u, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer models.Close(db)
	if statusOnly {
		st, err := migrations.CurrentStatus(ctx, db)
		if err != nil {
			return fmt.Errorf("lecture du schéma de %s impossible : %w", u, err)
		}
		fmt.Fprintf(out, "Base : %s\n", u)
		for _, id := range st.Applied {
			fmt.Fprintf(out, "  appliquée   %s\n", id)
		}
		for _, id := range st.Pending {
			fmt.Fprintf(out, "  en attente  %s\n", id)
		}
		for _, id := range st.Unknown {
			fmt.Fprintf(out, "  inconnue    %s (migrée par une version plus récente)\n", id)
		}
		if st.UpToDate() {
			fmt.Fprintln(out, "Le schéma est à jour.")
		} else {
			fmt.Fprintf(out, "%d migration(s) en attente.\n", len(st.Pending))
		}
		return nil
	}
	applied, err := migrations.Migrate(ctx, db)
	if err != nil {
		return fmt.Errorf("migration de %s impossible : %w", u, err)
	}
	if len(applied) == 0 {
		fmt.Fprintf(out, "Le schéma de %s est déjà à jour : rien à faire.\n", u)
		return nil
	}
	fmt.Fprintf(out, "Migrations appliquées à %s : %s\n", u, strings.Join(applied, ", "))
	return nil
}

// NewAccount is an account to create from the command line, with its password in clear; the
// password is checked against the policy and only its hash is stored.
type NewAccount struct {
	models.NewUser
	Password string
}

// AddUser creates an account and records it in the audit log, as done from the command line.
func AddUser(ctx context.Context, cfg Config, n NewAccount) (models.User, error) {
	cfg.setDefaults()
	if err := models.ValidatePassword(n.Password, n.Email); err != nil {
		return models.User{}, InFrench(err)
	}
	hash, err := models.NewHasher(cfg.Hashing).Hash(ctx, n.Password)
	if err != nil {
		return models.User{}, err
	}
	n.PasswordHash = hash
	db, _, err := openReady(ctx, cfg)
	if err != nil {
		return models.User{}, err
	}
	defer models.Close(db)
	var user models.User
	err = db.Transaction(func(tx *gorm.DB) error {
		if user, err = models.CreateUser(ctx, tx, n.NewUser); err != nil {
			return err
		}
		return models.RecordAudit(ctx, tx, cfg.Now(), models.Actor{Email: "cli"}, models.AuditUserCreated,
			"user", fmt.Sprint(user.ID), "role="+string(user.Role))
	})
	return user, InFrench(err)
}

// ResetSecondFactor removes the second factor and recovery codes of the account with that
// email, audited as done from the command line, and says what it did.
func ResetSecondFactor(ctx context.Context, cfg Config, email string, out io.Writer) error {
	cfg.setDefaults()
	db, _, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer models.Close(db)
	u, removed, err := models.ResetSecondFactorByEmail(ctx, db, models.Actor{Email: "cli"}, email, cfg.Now())
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("aucun compte n'a l'adresse %s", models.NormalizeEmail(email))
	}
	if err != nil {
		return fmt.Errorf("réinitialisation impossible : %w", err)
	}
	if !removed {
		fmt.Fprintf(out, "Le compte %s n'avait pas de double authentification : rien n'a changé.\n", u.Email)
		return nil
	}
	fmt.Fprintf(out, "Double authentification du compte %s réinitialisée : clé et codes de secours supprimés.\n", u.Email)
	return nil
}

// Purge anonymises the closed files past their retention period (or, dry, counts them) and
// prints what it did.
func Purge(ctx context.Context, cfg Config, dryRun bool, out io.Writer) error {
	cfg.setDefaults()
	db, _, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer models.Close(db)
	res, err := models.Purge(ctx, db, cfg.Now(), dryRun, models.Actor{Email: "cli"})
	if err != nil {
		return fmt.Errorf("purge impossible : %w", err)
	}
	verb := "anonymisés"
	if dryRun {
		verb = "à anonymiser (essai, rien n'a changé)"
	}
	fmt.Fprintf(out, "Dossiers clos avant le %s %s : %d\n", res.Cutoff.In(calendar.Paris).Format("02/01/2006"), verb, res.Pupils)
	fmt.Fprintf(out, "  responsables légaux supprimés  %d\n  notes de suivi effacées        %d\n  actions effacées               %d\n"+
		"  rencontres effacées            %d\n  orientations effacées          %d\n", res.Guardians, res.FollowUps, res.Actions, res.Meetings, res.Referrals)
	fmt.Fprintf(out, "Vie scolaire, conservation échue (clos avant le %s) ou dossier anonymisé :\n"+
		"  conflits dont les notes sont effacées      %d\n  remarques de groupe de prévention effacées %d\n",
		res.Cutoff.In(calendar.Paris).Format("02/01/2006"), res.Conflicts, res.ReviewRemarks)
	gone := "supprimés"
	if dryRun {
		gone = "à supprimer"
	}
	fmt.Fprintf(out, "Brouillons de plus de %d heures %s : %d\n", int(models.DraftLifetime.Hours()), gone, res.Drafts)
	return nil
}
