package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/reports"
	"mediation/views"
)

// ReportRequest is a report asked from the command line.
type ReportRequest struct {
	// Kind is establishment, metropolitan, partner or pupil.
	Kind    string
	UAI     string
	Partner string
	PupilID uint
	// Year is the school year, "2025-2026"; empty means the current one.
	Year string
	// Output is the PDF file to write; empty gives a name in the current directory.
	Output string
}

// ReportKinds are the reports the command line produces.
var ReportKinds = []string{"establishment", "metropolitan", "partner", "pupil"}

// cliActor is who the audit log records for the command line.
var cliActor = models.Actor{Email: "cli"}

// Report writes one of the four PDF reports to a file, for scheduled sending. The command line
// acts for the server's operator: the establishment report is nominative (it stays inside the
// establishment), and the pupil's dossier leaves restricted notes out, as for a head teacher.
func Report(ctx context.Context, cfg Config, r ReportRequest, out io.Writer) error {
	cfg.setDefaults()
	y := models.SchoolYearOf(cfg.Now())
	if r.Year != "" {
		var err error
		if y, err = models.ParseSchoolYear(r.Year); err != nil {
			return err
		}
	}
	v, err := views.New()
	if err != nil {
		return err
	}
	db, _, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer models.Close(db)
	loc := v.Localizer("fr")
	now := cfg.Now()
	b, name, record, err := buildReport(ctx, db, loc, r, y, now)
	switch {
	case errors.Is(err, reports.ErrNoData):
		return fmt.Errorf("aucune donnée pour l'année scolaire %s : choisissez une autre année avec --year", y)
	case err != nil:
		return err
	}
	if r.Output == "" {
		r.Output = name
	}
	if err := writeFileAtomic(r.Output, b); err != nil {
		return fmt.Errorf("écriture de %s impossible : %w", r.Output, err)
	}
	if err := models.RecordAudit(ctx, db, now, cliActor, models.AuditExported, record[0], record[1], "pdf "+y.String()); err != nil {
		return err
	}
	fmt.Fprintf(out, "Rapport écrit : %s (%s Ko)\n", r.Output, loc.Number((len(b)+1023)/1024))
	return nil
}

// buildReport loads the figures of one report and lays them out; it returns the PDF, a default
// file name and the audit record (type, id).
func buildReport(ctx context.Context, db *gorm.DB, loc *views.Localizer, r ReportRequest, y models.SchoolYear, now time.Time) ([]byte, string, [2]string, error) {
	var none [2]string
	switch r.Kind {
	case "establishment":
		uai := models.NormalizeUAI(r.UAI)
		e, err := reports.EstablishmentByUAI(ctx, db, uai)
		if errors.Is(err, models.ErrNotFound) {
			return nil, "", none, fmt.Errorf("établissement « %s » inconnu : vérifiez le code UAI", r.UAI)
		}
		if err != nil {
			return nil, "", none, err
		}
		s := models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{e.ID}}
		sum, err := reports.LoadEstablishmentSummary(ctx, db, s, uai, y, now, true)
		if err != nil {
			return nil, "", none, err
		}
		b, err := loc.ReportPDF(loc.EstablishmentReport(sum), now, "")
		return b, fmt.Sprintf("synthese-%s-%s.pdf", uai, y), [2]string{"establishment", uai}, err
	case "metropolitan":
		m, err := reports.LoadMetropolitan(ctx, db, y, now)
		if err != nil {
			return nil, "", none, err
		}
		b, err := loc.ReportPDF(loc.MetropolitanReport(m), now, loc.SuppressionNote(m.Threshold()))
		return b, fmt.Sprintf("rapport-metropolitain-%s.pdf", y), [2]string{"report", "metropolitan"}, err
	case "partner":
		p, err := reports.PartnerByName(ctx, db, r.Partner)
		if errors.Is(err, models.ErrNotFound) {
			return nil, "", none, fmt.Errorf("organisme partenaire « %s » inconnu : donnez son nom exact", r.Partner)
		}
		if err != nil {
			return nil, "", none, err
		}
		f, err := reports.LoadPartner(ctx, db, models.Scope{Role: models.RoleCoordinator}, p.ID, y, now)
		if err != nil {
			return nil, "", none, err
		}
		b, err := loc.ReportPDF(loc.PartnerReport(f), now, loc.SuppressionNote(f.Threshold()))
		return b, fmt.Sprintf("rapport-partenaire-%d-%s.pdf", p.ID, y), [2]string{"partner", strconv.Itoa(int(p.ID))}, err
	case "pupil":
		var p models.Pupil
		err := db.WithContext(ctx).Select("id, establishment_id").Where("anonymised_at IS NULL").Take(&p, r.PupilID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, "", none, fmt.Errorf("dossier élève n° %d introuvable", r.PupilID)
		}
		if err != nil {
			return nil, "", none, err
		}
		s := models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{p.EstablishmentID}}
		d, err := reports.LoadPupilDossier(ctx, db, s, p.ID, y, now)
		if err != nil {
			return nil, "", none, err
		}
		b, err := loc.ReportPDF(loc.DossierReport(d), now, "")
		return b, fmt.Sprintf("dossier-%d-%s.pdf", p.ID, y), [2]string{"pupil", strconv.Itoa(int(p.ID))}, err
	}
	return nil, "", none, fmt.Errorf("rapport « %s » inconnu", r.Kind)
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
