package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/reports"
	"mediation/reporting"
	"mediation/views"
)

// ReportRequest is a report asked from the command line.
type ReportRequest struct {
	// Kind is establishment, metropolitan, partner, pupil or impact.
	Kind    string
	UAI     string
	Partner string
	PupilID uint
	// Convention is the funding agreement of an annual review, 0 for the metropolis's.
	Convention uint
	// Year is the school year, "2025-2026"; empty means the current one.
	Year string
	// Output is the PDF file to write; empty gives a name in the current directory.
	Output string
}

// ReportKinds are the reports the command line produces.
var ReportKinds = []string{string(reporting.Establishment), string(reporting.Metropolitan), string(reporting.Partner), string(reporting.Pupil),
	string(reporting.Impact)}

// cliActor is who the audit log records for the command line.
var cliActor = models.Actor{Email: "cli"}

// Report writes one of the PDF reports to a file, for scheduled sending. The command line
// acts for the server's operator: the establishment report is nominative (it stays inside the
// establishment), and the pupil's dossier leaves restricted notes out, as for a head teacher.
func Report(ctx context.Context, cfg Config, r ReportRequest, out io.Writer) error {
	cfg.setDefaults()
	v, err := views.New()
	if err != nil {
		return err
	}
	loc := v.Localizer("fr")
	y := calendar.SchoolYearOf(cfg.Now())
	if r.Year != "" {
		if y, err = calendar.ParseSchoolYear(r.Year); err != nil {
			return &frenchError{text: loc.T("command.bad_school_year", "Year", r.Year), err: err}
		}
	}
	db, _, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer models.Close(db)
	now := cfg.Now()
	req, err := reportTarget(ctx, db, r)
	if err != nil {
		return err
	}
	req.Year, req.Now = y, now
	snapshots := reports.NewSnapshots(db, cfg.Now, cfg.ReportMaxAge, cfg.Logger)
	defer snapshots.Wait()
	req.Snapshots, req.Fresh = snapshots, true
	a, err := reporting.Assemble(ctx, db, loc, req)
	var b []byte
	if err == nil {
		b, err = a.PDF(ctx, db, loc, cliActor, now)
	}
	switch {
	case errors.Is(err, reports.ErrNoData):
		return fmt.Errorf("aucune donnée pour l'année scolaire %s : choisissez une autre année avec --year", y)
	case err != nil:
		return err
	}
	if r.Output == "" {
		r.Output = a.File
	}
	if err := writeFileAtomic(r.Output, b); err != nil {
		return fmt.Errorf("écriture de %s impossible : %w", r.Output, err)
	}
	fmt.Fprintf(out, "Rapport écrit : %s (%s Ko)\n", r.Output, loc.Number((len(b)+1023)/1024))
	return nil
}

// reportTarget resolves what the command line asked for, and the scope it reads with: it
// acts for the server's operator, as a head teacher of the establishment for the
// establishment summary and the pupil's dossier, as the coordination for a partner and the
// annual review.
func reportTarget(ctx context.Context, db *gorm.DB, r ReportRequest) (reporting.Request, error) {
	req := reporting.Request{Kind: reporting.Kind(r.Kind)}
	switch req.Kind {
	case reporting.Establishment:
		req.UAI = models.NormalizeUAI(r.UAI)
		e, err := reports.EstablishmentByUAI(ctx, db, req.UAI)
		if errors.Is(err, models.ErrNotFound) {
			return req, fmt.Errorf("établissement « %s » inconnu : vérifiez le code UAI", r.UAI)
		}
		if err != nil {
			return req, err
		}
		req.Scope = models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{e.ID}}
	case reporting.Metropolitan:
		req.Scope = models.Scope{Role: models.RoleCoordinator}
	case reporting.Partner:
		p, err := reports.PartnerByName(ctx, db, r.Partner)
		if errors.Is(err, models.ErrNotFound) {
			return req, fmt.Errorf("organisme partenaire « %s » inconnu : donnez son nom exact", r.Partner)
		}
		if err != nil {
			return req, err
		}
		req.ID, req.Scope = p.ID, models.Scope{Role: models.RoleCoordinator}
	case reporting.Impact:
		// The annual review, as the coordination reads it.
		req.ID, req.Scope = r.Convention, models.Scope{Role: models.RoleCoordinator}
		if r.Convention != 0 {
			if _, err := models.LoadFundingAgreement(ctx, db, req.Scope, r.Convention); errors.Is(err, models.ErrNotFound) {
				return req, fmt.Errorf("convention de financement n° %d introuvable : voyez la liste sur la page Conventions", r.Convention)
			} else if err != nil {
				return req, err
			}
		}
	case reporting.Pupil:
		var p models.Pupil
		err := db.WithContext(ctx).Select("id, establishment_id").Where("anonymised_at IS NULL").Take(&p, r.PupilID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return req, fmt.Errorf("dossier élève n° %d introuvable", r.PupilID)
		}
		if err != nil {
			return req, err
		}
		req.ID, req.Scope = p.ID, models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{p.EstablishmentID}}
	default:
		return req, fmt.Errorf("rapport « %s » inconnu", r.Kind)
	}
	return req, nil
}

// writeFileAtomic writes the file through a temporary file in the same directory, so that a
// failure never leaves half a PDF behind.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mediation-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
