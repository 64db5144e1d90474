package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models"

	"mediation/models/imports/csvimport"
)

// ImportOptions say how an import runs.
type ImportOptions struct {
	// DryRun reads and checks everything, then changes nothing.
	DryRun bool
	// SkipInvalid imports the valid lines and lists the others; by default one invalid line
	// stops the import and nothing is imported.
	SkipInvalid bool
	CSV         csvimport.Options
}

// LineError is an invalid line of an imported file: its number, the field and the reason.
type LineError struct {
	Line int
	// Field names the field by an identifier ("birth_date", "postal_code"): the catalog has
	// its label ("import.field.<field>").
	Field string
	// Message is the reason, a key of the message catalog and its arguments: the page and the
	// command write it in their language.
	Message models.Message
}

// String writes the line, the field and the reason's key, for logs and test failures.
func (e LineError) String() string {
	return fmt.Sprintf("line %d, %s: %s", e.Line, e.Field, e.Message)
}

// MaxListedErrors bounds the invalid lines an import lists; the others are only counted.
const MaxListedErrors = 200

// ImportResult counts what an import did (or, dry, would do).
type ImportResult struct {
	Created, Updated, Unchanged int
	// Skipped counts the lines left out on purpose, by reason.
	Skipped map[Skip]int
	// Changes lists the first lines that create or update a record (MaxListedErrors of them),
	// so that the preview says which; Created and Updated count them all.
	Changes []LineChange
	// Invalid lists the first invalid lines; InvalidCount counts them all.
	Invalid      []LineError
	InvalidCount int
	DryRun       bool
	Applied      bool
	Encoding     string
}

// LineChange is a line of the file that creates a record or updates one: its number, what
// it names (as the file writes it: a UAI and name, a pupil's name, a month) and which.
type LineChange struct {
	Line    int
	Label   string
	Created bool
}

// Unlisted counts the created or updated records whose line Changes does not list.
func (r ImportResult) Unlisted() int { return r.Created + r.Updated - len(r.Changes) }

// change counts a created or updated record and lists its line while the list is short.
func (r *ImportResult) change(line int, label string, created bool) {
	if created {
		r.Created++
	} else {
		r.Updated++
	}
	if len(r.Changes) < MaxListedErrors {
		r.Changes = append(r.Changes, LineChange{Line: line, Label: label, Created: created})
	}
}

func (r *ImportResult) invalid(line int, field string, msg models.Message) {
	r.InvalidCount++
	if len(r.Invalid) < MaxListedErrors {
		r.Invalid = append(r.Invalid, LineError{Line: line, Field: field, Message: msg})
	}
}

// Skip is why lines were left out on purpose: a key of the message catalog and, for the
// directory's other types of establishment, the type as the file writes it.
type Skip struct {
	Key  string
	Type string
}

// The reasons lines are left out.
const (
	// SkipType is an establishment of another type than collège and lycée.
	SkipType = "import.skip.type"
	// SkipNoType is an establishment without a type.
	SkipNoType = "import.skip.no_type"
	// SkipNoFile is a line of indicators for a pupil without a file.
	SkipNoFile = "import.skip.no_file"
)

// Message is the reason as the page and the command write it.
func (s Skip) Message() models.Message { return models.Msg(s.Key, "Type", s.Type) }

// ErrInvalidLines stops an all-or-nothing import that met invalid lines: nothing was imported.
// The page and the command say it in their own words (the command suggests --skip-invalid).
var ErrInvalidLines = errors.New("imports: invalid lines, nothing imported")

// errRollback ends a dry run's transaction without an error for the caller.
var errRollback = errors.New("dry run")

// Column names of the national directory's export, and the variants met in other files.
var (
	colUAI      = []string{"identifiant_de_l_etablissement", "uai", "code_uai", "numero_uai", "rne", "code_rne"}
	colName     = []string{"nom_etablissement", "appellation_officielle", "nom", "denomination_principale", "libelle"}
	colType     = []string{"type_etablissement", "type"}
	colNature   = []string{"libelle_nature", "nature_uai_libe", "nature"}
	colSector   = []string{"statut_public_prive", "secteur_public_prive", "secteur", "statut"}
	colPostal   = []string{"code_postal", "cp", "code_postal_uai"}
	colCommune  = []string{"nom_commune", "commune", "libelle_commune", "localite_acheminement_uai"}
	colPriority = []string{"appartenance_education_prioritaire", "education_prioritaire"}
	colState    = []string{"etat", "etat_etablissement"}
)

var postalPattern = regexp.MustCompile(`^[0-9]{4,5}$`)

// importBatch is how many lines are checked against the database at once.
const importBatch = 1000

// ImportEstablishments imports the national directory's CSV: collèges and lycées are created
// or updated by UAI, other types are skipped and counted, closed establishments come in
// inactive, a wrong UAI check letter makes a line invalid.
func ImportEstablishments(ctx context.Context, db *gorm.DB, r io.Reader, opts ImportOptions, actor models.Actor, now time.Time) (ImportResult, error) {
	seen := map[string]int{}
	var batch []models.Establishment
	return runImport(ctx, db, r, opts, actor, now, importer{
		record: "establishments",
		required: []requiredColumn{
			{colUAI, csvimport.CodeMissingColumn + ".establishments_uai"},
			{colName, csvimport.CodeMissingColumn + ".establishments_name"},
			{colType, csvimport.CodeMissingColumn + ".establishments_type"},
		},
		line: func(tx *gorm.DB, rec csvimport.Record, res *ImportResult) error {
			e, ok := establishmentOf(rec, res)
			if !ok {
				return nil
			}
			if first, dup := seen[e.UAI]; dup {
				res.invalid(rec.Line, "uai", models.Msg("import.line.duplicate_uai", "UAI", e.UAI, "First", first))
				return nil
			}
			seen[e.UAI] = rec.Line
			batch = append(batch, e)
			if len(batch) < importBatch {
				return nil
			}
			err := saveEstablishments(tx, batch, seen, now, res)
			batch = batch[:0]
			return err
		},
		flush: func(tx *gorm.DB, res *ImportResult) error { return saveEstablishments(tx, batch, seen, now, res) },
	})
}

// requiredColumn is a column an import cannot do without: the names it goes by, and the code
// of a file without it, whose message explains what the import expects (written as
// CodeMissingColumn + ".<import>_<column>", so that a test finds each and checks the catalogs).
type requiredColumn struct {
	names []string
	code  csvimport.Code
}

// importer is what differs between imports: the columns they need, how a line is read and
// buffered, how the last batch is written.
type importer struct {
	record   string
	required []requiredColumn
	line     func(tx *gorm.DB, rec csvimport.Record, res *ImportResult) error
	flush    func(tx *gorm.DB, res *ImportResult) error
}

// runImport streams a file through an importer in one transaction: all or nothing, unless
// opts.SkipInvalid; a dry run rolls back and keeps the figures. Applied imports are audited.
func runImport(ctx context.Context, db *gorm.DB, r io.Reader, opts ImportOptions, actor models.Actor, now time.Time, imp importer) (ImportResult, error) {
	res := ImportResult{Skipped: map[Skip]int{}, DryRun: opts.DryRun}
	in, err := csvimport.NewReader(r, opts.CSV)
	if err != nil {
		return res, err
	}
	res.Encoding = in.Encoding
	for _, need := range imp.required {
		if !in.HasColumn(need.names...) {
			return res, &csvimport.Error{Code: need.code}
		}
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for {
			rec, err := in.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if err := imp.line(tx, rec, &res); err != nil {
				return err
			}
		}
		if err := imp.flush(tx, &res); err != nil {
			return err
		}
		if res.InvalidCount > 0 && !opts.SkipInvalid {
			return ErrInvalidLines
		}
		if opts.DryRun {
			return errRollback
		}
		return models.RecordAudit(ctx, tx, now, actor, models.AuditImported, imp.record, "", fmt.Sprintf(
			"created %d, updated %d, unchanged %d, skipped %d, invalid %d", res.Created, res.Updated, res.Unchanged, sumCounts(res.Skipped), res.InvalidCount))
	})
	switch {
	case errors.Is(err, errRollback):
		return res, nil
	case err != nil:
		res.Created, res.Updated, res.Unchanged, res.Changes = 0, 0, 0, nil
		var fe *csvimport.Error
		if errors.Is(err, ErrInvalidLines) || errors.As(err, &fe) {
			return res, err
		}
		return res, fmt.Errorf("models: import %s: %w", imp.record, err)
	}
	res.Applied = true
	return res, nil
}

// establishmentOf reads one line; false when the line is skipped or invalid (then counted).
func establishmentOf(rec csvimport.Record, res *ImportResult) (models.Establishment, bool) {
	kind := csvimport.Normalize(rec.Get(colType...))
	nature := csvimport.Normalize(rec.Get(colNature...))
	var t models.EstablishmentType
	switch {
	case kind == "college" || strings.HasPrefix(nature, "college"):
		t = models.TypeCollege
	case strings.HasPrefix(kind, "lycee") && (strings.Contains(kind, "professionnel") || strings.Contains(nature, "professionnel")):
		t = models.TypeLyceePro
	case strings.HasPrefix(kind, "lycee"):
		t = models.TypeLyceeGT
	default:
		if label := rec.Get(colType...); label != "" {
			res.Skipped[Skip{Key: SkipType, Type: label}]++
		} else {
			res.Skipped[Skip{Key: SkipNoType}]++
		}
		return models.Establishment{}, false
	}
	e := models.Establishment{Type: t, UAI: models.NormalizeUAI(rec.Get(colUAI...)), Name: rec.Get(colName...),
		Commune: rec.Get(colCommune...), PostalCode: rec.Get(colPostal...), Active: true}
	bad := false
	fail := func(field string, msg models.Message) {
		res.invalid(rec.Line, field, msg)
		bad = true
	}
	if err := models.ValidateUAI(e.UAI); err != nil {
		var v models.ValidationError
		errors.As(err, &v)
		fail("uai", v["uai"])
	}
	switch {
	case e.Name == "":
		fail("name", models.Msg("import.line.name_empty"))
	case len([]rune(e.Name)) > 200:
		fail("name", models.Msg("import.line.name_too_long", "Max", 200))
	}
	if e.Commune == "" {
		fail("commune", models.Msg("import.line.commune_empty"))
	}
	if !postalPattern.MatchString(e.PostalCode) {
		fail("postal_code", models.Msg("import.line.bad_postal_code", "Value", e.PostalCode))
	} else if len(e.PostalCode) == 4 { // a tableur dropped the leading zero
		e.PostalCode = "0" + e.PostalCode
	}
	switch sector := csvimport.Normalize(rec.Get(colSector...)); {
	case strings.HasPrefix(sector, "public"):
		e.Sector = models.SectorPublic
	case strings.HasPrefix(sector, "prive"):
		e.Sector = models.SectorPrivate
	default:
		fail("sector", models.Msg("import.line.bad_sector", "Value", rec.Get(colSector...)))
	}
	switch p := strings.ToUpper(strings.ReplaceAll(rec.Get(colPriority...), " ", "")); p {
	case "REP+", "REPPLUS":
		e.PriorityEducation = models.PriorityREPPlus
	case "REP":
		e.PriorityEducation = models.PriorityREP
	default:
		e.PriorityEducation = models.PriorityNone
	}
	if state := csvimport.Normalize(rec.Get(colState...)); state != "" && state != "ouvert" {
		e.Active = false
	}
	return e, !bad
}

// saveEstablishments creates the new establishments of a batch and updates the changed ones,
// with one query to read the batch's existing rows.
func saveEstablishments(tx *gorm.DB, batch []models.Establishment, lineOf map[string]int, now time.Time, res *ImportResult) error {
	if len(batch) == 0 {
		return nil
	}
	codes := make([]string, len(batch))
	for i, e := range batch {
		codes[i] = e.UAI
	}
	var existing []models.Establishment
	if err := tx.Where("uai IN ?", codes).Find(&existing).Error; err != nil {
		return err
	}
	byUAI := make(map[string]models.Establishment, len(existing))
	for _, e := range existing {
		byUAI[e.UAI] = e
	}
	var create []models.Establishment
	for _, e := range batch {
		old, ok := byUAI[e.UAI]
		if !ok {
			e.CreatedAt, e.UpdatedAt = now.UTC(), now.UTC()
			create = append(create, e)
			continue
		}
		if old.Name == e.Name && old.Type == e.Type && old.Sector == e.Sector && old.Commune == e.Commune &&
			old.PostalCode == e.PostalCode && old.PriorityEducation == e.PriorityEducation && old.Active == e.Active {
			res.Unchanged++
			continue
		}
		err := tx.Model(&models.Establishment{}).Where("id = ?", old.ID).Updates(map[string]any{
			"name": e.Name, "type": e.Type, "sector": e.Sector, "commune": e.Commune, "postal_code": e.PostalCode,
			"priority_education": e.PriorityEducation, "active": e.Active, "updated_at": now.UTC(),
		}).Error
		if err != nil {
			return err
		}
		res.change(lineOf[e.UAI], e.UAI+" "+e.Name, false)
	}
	if len(create) > 0 {
		if err := tx.CreateInBatches(&create, 500).Error; err != nil {
			return err
		}
		for _, e := range create {
			res.change(lineOf[e.UAI], e.UAI+" "+e.Name, true)
		}
	}
	return nil
}

func sumCounts(m map[Skip]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}
