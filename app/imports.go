package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/imports"
	"mediation/views"
)

// Importers are the imports the command and the upload page offer, by name.
var Importers = map[string]func(ctx context.Context, db *gorm.DB, r io.Reader, opts imports.PupilImportOptions, actor models.Actor, now time.Time) (imports.ImportResult, error){
	"establishments": func(ctx context.Context, db *gorm.DB, r io.Reader, opts imports.PupilImportOptions, actor models.Actor, now time.Time) (imports.ImportResult, error) {
		return imports.ImportEstablishments(ctx, db, r, opts.ImportOptions, actor, now)
	},
	"pupils":     imports.ImportPupils,
	"indicators": imports.ImportIndicators,
}

// Import reads a file with the named importer and prints what it created, updated, left
// unchanged and skipped, and every invalid line (or, dry, what it would).
func Import(ctx context.Context, cfg Config, kind, path string, opts imports.PupilImportOptions, out io.Writer) error {
	run, ok := Importers[kind]
	if !ok {
		return fmt.Errorf("import « %s » inconnu : establishments, pupils ou indicators", kind)
	}
	cfg.setDefaults()
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("fichier %s introuvable", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("lecture de %s refusée : droits insuffisants", path)
	case err != nil:
		return fmt.Errorf("impossible d'ouvrir %s : %w", path, plainErr(err))
	}
	defer f.Close()
	db, _, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer models.Close(db)
	v, err := views.New()
	if err != nil {
		return err
	}
	loc := v.Localizer("fr")
	res, err := run(ctx, db, f, opts, models.Actor{Email: "cli"}, cfg.Now())
	if err == nil || res.InvalidCount > 0 {
		PrintImportResult(out, path, res, loc)
	}
	if err != nil {
		return fmt.Errorf("%s : %w", path, inLanguage(loc, err))
	}
	return nil
}

// PrintImportResult writes an import's figures and its invalid lines in loc's language (the
// command speaks French).
func PrintImportResult(out io.Writer, path string, res imports.ImportResult, loc *views.Localizer) {
	switch {
	case res.DryRun && res.InvalidCount == 0:
		fmt.Fprintf(out, "Essai (--dry-run) : rien n'a été enregistré. L'import de %s ferait :\n", path)
	case !res.Applied && (res.InvalidCount > 0 || res.Created+res.Updated+res.Unchanged == 0):
		fmt.Fprintf(out, "%s : rien n'a été importé.\n", path)
	default:
		fmt.Fprintf(out, "Import de %s (encodage %s) :\n", path, res.Encoding)
	}
	fmt.Fprintf(out, "  créés       %d\n  mis à jour  %d\n  inchangés   %d\n", res.Created, res.Updated, res.Unchanged)
	for _, s := range loc.SkippedLines(res.Skipped) {
		fmt.Fprintf(out, "  ignorés     %d (%s)\n", s.Count, s.Text)
	}
	if res.InvalidCount > 0 {
		fmt.Fprintf(out, "  invalides   %d :\n", res.InvalidCount)
		for _, e := range res.Invalid {
			fmt.Fprintf(out, "    ligne %d, %s : %s\n", e.Line, loc.T("import.field."+e.Field), loc.Reason(e.Message))
		}
		if res.InvalidCount > len(res.Invalid) {
			fmt.Fprintf(out, "    … et %d autres\n", res.InvalidCount-len(res.Invalid))
		}
	}
}

func plainErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
