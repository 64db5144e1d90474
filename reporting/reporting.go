// Package reporting is the one path from a request for a report to its page or its PDF,
// shared by the HTTP handlers and the `mediation report` command: it picks the loader of
// the kind asked, lays the figures out, names the file and records the export in the audit
// log. The caller resolves who reads (the scope and the actor) and what (the target).
//
// It sits between the handlers and the views (cmd → app → handlers → reporting → views →
// models): the views only lay figures out, and app is above the handlers, so neither could
// be shared by both callers.
package reporting

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/reports"
	"mediation/views"
)

// Kind is one of the four reports.
type Kind string

// The four reports.
const (
	Establishment Kind = "establishment"
	Metropolitan  Kind = "metropolitan"
	Partner       Kind = "partner"
	Pupil         Kind = "pupil"
	// Impact is the annual review (« Bilan annuel »), of the metropolis or of an agreement (ID).
	Impact Kind = "impact"
)

// Kinds lists the reports, in the order the command's usage gives them.
var Kinds = []Kind{Establishment, Metropolitan, Partner, Pupil, Impact}

// Valid tells whether k is a known report.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Request says which report, for whom.
type Request struct {
	Kind Kind
	// Scope is what the reader may see; the loaders filter on it (anything outside is
	// models.ErrNotFound).
	Scope models.Scope
	Year  calendar.SchoolYear
	Now   time.Time
	// The target: UAI for the establishment summary, ID for a partner, a pupil or the funding
	// agreement of an annual review (0: the metropolis's).
	UAI string
	ID  uint
	// Grouping is the grouping the metropolitan overview page shows (the PDF shows them all).
	Grouping reports.Grouping
	// Snapshots serves the metropolitan figures and the annual reviews, and the establishment
	// summaries from its cache; Fresh computes them now (the command line): the metropolitan
	// figures and the reviews are stored as the year's snapshot, the summary is not cached.
	Snapshots *reports.Snapshots
	Fresh     bool
}

// Assembled is a report loaded and ready to lay out, as a page or a PDF.
type Assembled struct {
	Kind Kind
	Year calendar.SchoolYear
	// Years are the school years with figures, for the year picker.
	Years []calendar.SchoolYear
	// Name names the target for a page title: the establishment's name, the agreement's title
	// (empty otherwise).
	Name string
	// Note is the legend of the small-count marks of the anonymised reports.
	Note string
	// File is the PDF's file name; RecordType and RecordID the audit log's record.
	File, RecordType, RecordID string
	// PupilID is the file a dossier is about (0 for the other reports): its PDF's export is in
	// the file's access history.
	PupilID uint
	// Link is the address of the PDF of the page.
	Link string

	full, page func() views.Report
}

// Full lays the whole report out, as the PDF prints it.
func (a Assembled) Full() views.Report { return a.full() }

// Page lays out the part of the report its web page shows: the metropolitan overview shows
// one grouping, without the exits by type and the annex.
func (a Assembled) Page() views.Report { return a.page() }

// Assemble loads the figures of the report asked, within the request's scope. The error is
// reports.ErrNoData for a year without figures (the Assembled still has the years, note and
// names, and a page with the title alone for the metropolitan report), models.ErrNotFound for
// a target unknown or outside the scope, or a failure of the database.
func Assemble(ctx context.Context, db *gorm.DB, loc *views.Localizer, r Request) (Assembled, error) {
	y := r.Year
	a := Assembled{Kind: r.Kind, Year: y}
	switch r.Kind {
	case Establishment:
		uai := models.NormalizeUAI(r.UAI)
		var sum reports.EstablishmentSummary
		var err error
		if r.Snapshots != nil && !r.Fresh {
			sum, err = r.Snapshots.EstablishmentSummary(ctx, r.Scope, uai, y, r.Now, true)
		} else {
			sum, err = reports.LoadEstablishmentSummary(ctx, db, r.Scope, uai, y, r.Now, true)
		}
		a.Years, a.Name = sum.Years, sum.Establishment.Name
		a.File, a.RecordType, a.RecordID = fmt.Sprintf("synthese-%s-%s.pdf", uai, y), "establishment", uai
		a.Link = fmt.Sprintf("/establishments/%s/report.pdf?year=%s", url.PathEscape(uai), y)
		a.full = func() views.Report { return loc.EstablishmentReport(sum) }
		a.page = a.full
		return a, err
	case Metropolitan:
		var m reports.Metropolitan
		var err error
		if r.Fresh {
			m, err = r.Snapshots.Recompute(ctx, y)
		} else {
			m, err = r.Snapshots.Metropolitan(ctx, y)
		}
		a.Years, a.Note = m.Years, loc.SuppressionNote(m.Threshold())
		a.File, a.RecordType, a.RecordID = fmt.Sprintf("rapport-metropolitain-%s.pdf", y), "report", "metropolitan"
		a.Link = "/reports/metropolitan.pdf?year=" + y.String()
		a.full = func() views.Report { return loc.MetropolitanReport(m) }
		g := r.Grouping
		if g == "" {
			g = reports.ByType
		}
		a.page = func() views.Report {
			if err != nil { // no data: the title alone
				return views.Report{Title: loc.T("report.metropolitan.title")}
			}
			return loc.MetropolitanOverview(m, g)
		}
		return a, err
	case Partner:
		f, err := reports.LoadPartner(ctx, db, r.Scope, r.ID, y, r.Now)
		a.Years, a.Note = f.Years, loc.SuppressionNote(f.Threshold())
		a.File, a.RecordType, a.RecordID = fmt.Sprintf("rapport-partenaire-%d-%s.pdf", r.ID, y), "partner", strconv.Itoa(int(r.ID))
		a.Link = fmt.Sprintf("/partners/%d/report.pdf?year=%s", r.ID, y)
		a.full = func() views.Report { return loc.PartnerReport(f) }
		a.page = a.full
		return a, err
	case Impact:
		rv, err := r.Snapshots.Impact(ctx, r.Scope, y, r.ID, r.Fresh)
		a.Years, a.Note = rv.ImpactYears(), loc.SuppressionNote(rv.Threshold())
		a.File, a.RecordType, a.RecordID = fmt.Sprintf("bilan-annuel-%s.pdf", y), "report", "impact"
		a.Link = "/reports/impact.pdf?year=" + y.String()
		if r.ID != 0 {
			a.File, a.RecordType, a.RecordID = fmt.Sprintf("bilan-annuel-convention-%d-%s.pdf", r.ID, y), "funding_agreement", strconv.Itoa(int(r.ID))
			a.Link += "&convention=" + strconv.Itoa(int(r.ID))
		}
		if rv.Agreement != nil {
			a.Name = rv.Agreement.Title
		}
		a.full = func() views.Report { return loc.ImpactReport(rv) }
		a.page = a.full
		return a, err
	case Pupil:
		d, err := reports.LoadPupilDossier(ctx, db, r.Scope, r.ID, y, r.Now)
		a.File, a.RecordType, a.RecordID, a.PupilID = fmt.Sprintf("dossier-%d-%s.pdf", r.ID, y), "pupil", strconv.Itoa(int(r.ID)), r.ID
		a.full = func() views.Report { return loc.DossierReport(d) }
		a.page = a.full
		return a, err
	}
	return a, fmt.Errorf("reporting: unknown report %q", r.Kind)
}

// PDF lays the whole report out as a PDF, generated at now, and records the export in the
// audit log before handing it over: no PDF leaves without its record.
func (a Assembled) PDF(ctx context.Context, db *gorm.DB, loc *views.Localizer, actor models.Actor, now time.Time) ([]byte, error) {
	b, err := loc.ReportPDF(a.Full(), now, a.Note)
	if err != nil {
		return nil, err
	}
	detail := "pdf " + a.Year.String()
	if a.PupilID != 0 {
		err = models.RecordFileAudit(ctx, db, now, actor, a.PupilID, models.AuditPDFExported, a.RecordType, a.RecordID, detail)
	} else {
		err = models.RecordAudit(ctx, db, now, actor, models.AuditPDFExported, a.RecordType, a.RecordID, detail)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}
