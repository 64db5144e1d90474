package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"gorm.io/gorm/clause"
	"mediation/models"

	"mediation/models/calendar"
	"mediation/models/imports/csvimport"
	"mediation/models/risk"
)

// Column names of class lists and attendance exports (SIECLE, Pronote…), with their variants.
var (
	colLastName  = []string{"nom", "nom_de_famille", "nom_d_usage", "nom_eleve", "nom_de_l_eleve"}
	colFirstName = []string{"prenom", "prenom_1", "premier_prenom", "prenom_eleve", "prenom_de_l_eleve"}
	colBirth     = []string{"date_de_naissance", "ne_e_le", "nee_le", "ne_le", "date_naissance", "naissance"}
	colClass     = []string{"classe", "division", "classe_division", "libelle_classe"}
	colLevel     = []string{"niveau", "niveau_classe", "mef", "libelle_mef"}
	colINE       = []string{"ine", "n_ine", "numero_ine", "identifiant_national", "numero_national"}
	colPupilUAI  = []string{"uai", "rne", "code_uai", "etablissement_uai", "uai_etablissement"}
	colMonth     = []string{"mois", "periode", "mois_concerne"}
	colMonthDate = []string{"date_debut", "debut_periode", "date"}
	colUnjust    = []string{"demi_journees_non_justifiees", "absences_non_justifiees", "dj_non_justifiees", "nb_demi_journees_non_justifiees", "absences_injustifiees"}
	colJust      = []string{"demi_journees_justifiees", "absences_justifiees", "dj_justifiees", "nb_demi_journees_justifiees"}
	colSchool    = []string{"demi_journees_de_cours", "demi_journees_ouvrees", "demi_journees_scolaires", "dj_de_cours"}
	colExcl      = []string{"exclusions_temporaires", "exclusions", "nb_exclusions"}
	colIncidents = []string{"incidents", "nb_incidents"}
	colAverage   = []string{"moyenne", "moyenne_trimestre", "moyenne_generale"}
	// colPupilRef is what identifies a pupil in an attendance export: the INE or the name.
	colPupilRef = append(append([]string{}, colINE...), colLastName...)
)

// parseCivilDate reads the dates of exports: 03/10/2012, 3/10/2012, 03-10-2012, 03.10.2012,
// 2012-10-03.
func parseCivilDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006", "2006-01-02", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return calendar.Date(t), true
		}
	}
	return time.Time{}, false
}

// classLevelOf reads a level from a "niveau" column or, failing that, from the class name:
// "4EME B" → 4e, "2NDE 3" → 2nde, "1ERE G2" → 1re, "TLE" → tle, "CAP 1" → cap1, "1 BAC PRO" → bac_pro.
func classLevelOf(level, class string) (models.ClassLevel, bool) {
	for _, raw := range []string{level, class} {
		v := strings.ReplaceAll(csvimport.Normalize(raw), "_", "")
		switch {
		case v == "":
			continue
		case strings.Contains(v, "cap") && strings.Contains(v, "2"):
			return models.LevelCAP2, true
		case strings.Contains(v, "cap"):
			return models.LevelCAP1, true
		case strings.Contains(v, "bacpro") || strings.Contains(v, "pro"):
			return models.LevelBacPro, true
		case strings.HasPrefix(v, "6"), strings.HasPrefix(v, "sixieme"):
			return models.Level6e, true
		case strings.HasPrefix(v, "5"), strings.HasPrefix(v, "cinquieme"):
			return models.Level5e, true
		case strings.HasPrefix(v, "4"), strings.HasPrefix(v, "quatrieme"):
			return models.Level4e, true
		case strings.HasPrefix(v, "3"), strings.HasPrefix(v, "troisieme"):
			return models.Level3e, true
		case strings.HasPrefix(v, "2"), strings.HasPrefix(v, "seconde"):
			return models.Level2nde, true
		case strings.HasPrefix(v, "1"), strings.HasPrefix(v, "premiere"):
			return models.Level1re, true
		case strings.HasPrefix(v, "t"):
			return models.LevelTle, true
		}
	}
	return "", false
}

// pupilKey identifies a pupil without INE within an establishment.
func pupilKey(establishmentID uint, last, first string, birth time.Time) string {
	return fmt.Sprintf("%d|%s|%s|%s", establishmentID, csvimport.Normalize(last), csvimport.Normalize(first), birth.Format(time.DateOnly))
}

// pupilIndex finds the files of an establishment by INE or by name and birth date; it is
// loaded once per establishment met in the file.
type pupilIndex struct {
	tx     *gorm.DB
	byUAI  map[string]uint // establishment id by UAI, 0 when unknown
	loaded map[uint]bool
	byINE  map[string]models.Pupil
	byKey  map[string]models.Pupil
	defUAI string
}

func newPupilIndex(tx *gorm.DB, defaultUAI string) *pupilIndex {
	return &pupilIndex{tx: tx, byUAI: map[string]uint{}, loaded: map[uint]bool{}, byINE: map[string]models.Pupil{}, byKey: map[string]models.Pupil{},
		defUAI: models.NormalizeUAI(defaultUAI)}
}

// establishment resolves the line's establishment (its UAI column, else the default).
func (ix *pupilIndex) establishment(rec csvimport.Record) (uint, string, error) {
	code := models.NormalizeUAI(rec.Get(colPupilUAI...))
	if code == "" {
		code = ix.defUAI
	}
	if code == "" {
		return 0, "", nil
	}
	id, ok := ix.byUAI[code]
	if !ok {
		var e models.Establishment
		err := ix.tx.Where("uai = ?", code).Take(&e).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return 0, code, err
		}
		id = e.ID
		ix.byUAI[code] = id
	}
	if id != 0 && !ix.loaded[id] {
		var ps []models.Pupil
		if err := ix.tx.Where("establishment_id = ? AND anonymised_at IS NULL", id).Find(&ps).Error; err != nil {
			return 0, code, err
		}
		for _, p := range ps {
			ix.remember(p)
		}
		ix.loaded[id] = true
	}
	return id, code, nil
}

func (ix *pupilIndex) remember(p models.Pupil) {
	if p.INE != nil {
		ix.byINE[*p.INE] = p
	}
	ix.byKey[pupilKey(p.EstablishmentID, p.LastName, p.FirstName, p.BirthDate)] = p
}

// find returns the file of the line: by INE, else by name and birth date.
func (ix *pupilIndex) find(establishmentID uint, ine, last, first string, birth time.Time) (models.Pupil, bool, error) {
	if ine != "" {
		if p, ok := ix.byINE[ine]; ok {
			return p, true, nil
		}
		// The INE may be on a file of an establishment not loaded.
		var p models.Pupil
		err := ix.tx.Where("ine = ?", ine).Take(&p).Error
		if err == nil {
			return p, true, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return p, false, err
		}
	}
	p, ok := ix.byKey[pupilKey(establishmentID, last, first, birth)]
	return p, ok, nil
}

// PupilImportOptions add to ImportOptions the establishment of a class list without UAI column.
type PupilImportOptions struct {
	ImportOptions
	UAI string
}

// ImportPupils imports a class list: each line opens a file (status identified) or updates the
// class of an existing one, found by INE, else by name and birth date within the establishment.
func ImportPupils(ctx context.Context, db *gorm.DB, r io.Reader, opts PupilImportOptions, actor models.Actor, now time.Time) (ImportResult, error) {
	var ix *pupilIndex
	var created []models.Pupil
	seen := map[string]int{}
	flush := func(tx *gorm.DB) error {
		if len(created) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(&created, 500).Error; err != nil {
			return err
		}
		steps := make([]models.PupilStatusChange, len(created))
		for i, p := range created {
			steps[i] = models.PupilStatusChange{PupilID: p.ID, ToStatus: models.StatusIdentified, Comment: "Dossier ouvert par import", ChangedByID: actor.UserID, ChangedAt: now.UTC()}
			ix.remember(p)
		}
		created = created[:0]
		return tx.CreateInBatches(&steps, 500).Error
	}
	return runImport(ctx, db, r, opts.ImportOptions, actor, now, importer{
		record: "pupils",
		required: []requiredColumn{
			{colLastName, csvimport.CodeMissingColumn + ".pupils_last_name"},
			{colFirstName, csvimport.CodeMissingColumn + ".pupils_first_name"},
			{colBirth, csvimport.CodeMissingColumn + ".pupils_birth_date"},
		},
		line: func(tx *gorm.DB, rec csvimport.Record, res *ImportResult) error {
			if ix == nil {
				ix = newPupilIndex(tx, opts.UAI)
			}
			estID, code, err := ix.establishment(rec)
			if err != nil {
				return err
			}
			in := models.PupilInput{EstablishmentID: estID, LastName: rec.Get(colLastName...), FirstName: rec.Get(colFirstName...),
				ClassName: rec.Get(colClass...), INE: rec.Get(colINE...)}
			bad := false
			fail := func(field string, msg models.Message) { res.invalid(rec.Line, field, msg); bad = true }
			switch {
			case code == "":
				fail("uai", models.Msg("import.line.no_establishment"))
			case estID == 0:
				fail("uai", models.Msg("import.line.unknown_establishment_load_directory", "UAI", code))
			}
			birth, ok := parseCivilDate(rec.Get(colBirth...))
			if !ok {
				fail("birth_date", models.Msg("import.line.bad_date", "Value", rec.Get(colBirth...)))
			}
			in.BirthDate = birth
			if in.ClassLevel, ok = classLevelOf(rec.Get(colLevel...), in.ClassName); !ok {
				fail("class_level", models.Msg("import.line.no_class_level", "Level", rec.Get(colLevel...), "Class", in.ClassName))
			}
			if bad {
				return nil
			}
			for field, msg := range in.Validate(now) {
				fail(field, msg)
			}
			if bad {
				return nil
			}
			key := pupilKey(estID, in.LastName, in.FirstName, in.BirthDate)
			if in.INE != "" {
				key = "ine|" + in.INE
			}
			if first, dup := seen[key]; dup {
				fail("pupil", models.Msg("import.line.duplicate_pupil", "First", first))
				return nil
			}
			seen[key] = rec.Line
			p, found, err := ix.find(estID, in.INE, in.LastName, in.FirstName, in.BirthDate)
			if err != nil {
				return err
			}
			switch {
			case found && p.EstablishmentID != estID:
				fail("ine", models.Msg("import.line.ine_elsewhere"))
			case found:
				changes := map[string]any{}
				if p.ClassLevel != in.ClassLevel {
					changes["class_level"] = in.ClassLevel
				}
				if in.ClassName != "" && p.ClassName != in.ClassName {
					changes["class_name"] = in.ClassName
				}
				if p.INE == nil && in.INE != "" {
					changes["ine"] = in.INE
				}
				if len(changes) == 0 {
					res.Unchanged++
					return nil
				}
				changes["version"], changes["updated_at"] = gorm.Expr("version + 1"), now.UTC()
				if err := tx.Model(&models.Pupil{}).Where("id = ?", p.ID).Updates(changes).Error; err != nil {
					return err
				}
				res.change(rec.Line, strings.ToUpper(in.LastName)+" "+in.FirstName, false)
			default:
				created = append(created, models.Pupil{EstablishmentID: estID, LastName: in.LastName, FirstName: in.FirstName, BirthDate: in.BirthDate,
					ClassLevel: in.ClassLevel, ClassName: in.ClassName, INE: in.StoredINE(), Status: models.StatusIdentified, IdentifiedOn: calendar.Today(now),
					RiskLevel: risk.Low, Version: 1})
				res.change(rec.Line, strings.ToUpper(in.LastName)+" "+in.FirstName, true)
				if len(created) >= importBatch {
					return flush(tx)
				}
			}
			return nil
		},
		flush: func(tx *gorm.DB, res *ImportResult) error { return flush(tx) },
	})
}

// ImportIndicators imports an attendance export: for each line of a pupil who has a file (by
// INE, else name and birth date), the month's figures are recorded (replacing the month if it
// was there); lines of pupils without a file are skipped and counted. Risk levels of the pupils
// touched are recomputed at the end.
func ImportIndicators(ctx context.Context, db *gorm.DB, r io.Reader, opts PupilImportOptions, actor models.Actor, now time.Time) (ImportResult, error) {
	var ix *pupilIndex
	var rows []models.MonthlyIndicator
	touched := map[uint]bool{}
	seen := map[string]int{}
	labelOf := map[string]string{}
	write := func(tx *gorm.DB, res *ImportResult) error {
		if len(rows) == 0 {
			return nil
		}
		// One query reads the batch's months that are there already: those identical are
		// unchanged and not written again, the others updated.
		ids := make([]uint, 0, len(rows))
		months := make([]calendar.Month, 0, 12)
		for _, r := range rows {
			ids = append(ids, r.PupilID)
			if !slices.Contains(months, r.Month) {
				months = append(months, r.Month)
			}
		}
		var there []models.MonthlyIndicator
		if err := tx.Where("pupil_id IN ? AND month IN ?", ids, months).Find(&there).Error; err != nil {
			return err
		}
		old := make(map[string]models.MonthlyIndicator, len(there))
		for _, t := range there {
			old[fmt.Sprintf("%d|%s", t.PupilID, t.Month)] = t
		}
		changed := rows[:0]
		for _, r := range rows {
			key := fmt.Sprintf("%d|%s", r.PupilID, r.Month)
			o, ok := old[key]
			switch {
			case !ok:
				res.change(seen[key], labelOf[key], true)
			case sameFigures(o, r):
				res.Unchanged++
				continue
			default:
				res.change(seen[key], labelOf[key], false)
			}
			changed = append(changed, r)
		}
		rows = changed
		if len(rows) == 0 {
			return nil
		}
		err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "pupil_id"}, {Name: "month"}},
			DoUpdates: clause.AssignmentColumns([]string{"unjustified_half_days", "justified_half_days", "school_half_days",
				"temporary_exclusions", "incidents", "term_average", "source", "updated_by_id", "updated_at"}),
		}).CreateInBatches(&rows, 500).Error
		rows = rows[:0]
		return err
	}
	return runImport(ctx, db, r, opts.ImportOptions, actor, now, importer{
		record: "indicators",
		required: []requiredColumn{
			{colPupilRef, csvimport.CodeMissingColumn + ".indicators_pupil"},
			{colUnjust, csvimport.CodeMissingColumn + ".indicators_unjustified"},
		},
		line: func(tx *gorm.DB, rec csvimport.Record, res *ImportResult) error {
			if ix == nil {
				ix = newPupilIndex(tx, opts.UAI)
			}
			estID, code, err := ix.establishment(rec)
			if err != nil {
				return err
			}
			if estID == 0 && rec.Get(colINE...) == "" {
				if code == "" {
					res.invalid(rec.Line, "uai", models.Msg("import.line.no_establishment"))
				} else {
					res.invalid(rec.Line, "uai", models.Msg("import.line.unknown_establishment", "UAI", code))
				}
				return nil
			}
			birth, _ := parseCivilDate(rec.Get(colBirth...))
			p, found, err := ix.find(estID, strings.ToUpper(rec.Get(colINE...)), rec.Get(colLastName...), rec.Get(colFirstName...), birth)
			if err != nil {
				return err
			}
			if !found || p.AnonymisedAt != nil {
				res.Skipped[Skip{Key: SkipNoFile}]++
				return nil
			}
			in, lineErrs := indicatorOf(rec)
			for field, msg := range lineErrs {
				res.invalid(rec.Line, field, msg)
			}
			if len(lineErrs) > 0 {
				return nil
			}
			for field, msg := range in.Validate(now) {
				res.invalid(rec.Line, field, msg)
				lineErrs = models.ValidationError{field: msg}
			}
			if len(lineErrs) > 0 {
				return nil
			}
			key := fmt.Sprintf("%d|%s", p.ID, in.Month)
			if first, dup := seen[key]; dup {
				res.invalid(rec.Line, "month", models.Msg("import.line.duplicate_month", "First", first))
				return nil
			}
			seen[key] = rec.Line
			// Only the lines the preview can still list keep a label: a large file costs no more.
			if len(res.Changes)+len(rows) < MaxListedErrors {
				who := strings.TrimSpace(strings.ToUpper(rec.Get(colLastName...)) + " " + rec.Get(colFirstName...))
				if who == "" {
					who = rec.Get(colINE...)
				}
				labelOf[key] = who + " · " + string(in.Month)
			}
			touched[p.ID] = true
			rows = append(rows, models.MonthlyIndicator{PupilID: p.ID, Month: in.Month, UnjustifiedHalfDays: in.UnjustifiedHalfDays,
				JustifiedHalfDays: in.JustifiedHalfDays, SchoolHalfDays: in.SchoolHalfDays, TemporaryExclusions: in.TemporaryExclusions,
				Incidents: in.Incidents, TermAverage: in.TermAverage, Source: models.SourceImport, UpdatedByID: actor.UserID,
				CreatedAt: now.UTC(), UpdatedAt: now.UTC()})
			if len(rows) >= importBatch {
				return write(tx, res)
			}
			return nil
		},
		flush: func(tx *gorm.DB, res *ImportResult) error {
			if err := write(tx, res); err != nil {
				return err
			}
			ids := make([]uint, 0, len(touched))
			for id := range touched {
				ids = append(ids, id)
			}
			if len(ids) == 0 {
				return nil
			}
			rules, err := models.LoadRiskRules(ctx, tx)
			if err != nil {
				return err
			}
			return models.RecomputeRisk(ctx, tx, rules, calendar.MonthOf(now), ids...)
		},
	})
}

// sameFigures tells whether two rows of a month hold the same figures.
func sameFigures(a, b models.MonthlyIndicator) bool {
	eqInt := func(x, y *int) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	eqAvg := func(x, y *float64) bool {
		return (x == nil && y == nil) || (x != nil && y != nil && math.Abs(*x-*y) < 0.005)
	}
	return eqInt(a.UnjustifiedHalfDays, b.UnjustifiedHalfDays) && eqInt(a.JustifiedHalfDays, b.JustifiedHalfDays) &&
		eqInt(a.TemporaryExclusions, b.TemporaryExclusions) && eqInt(a.Incidents, b.Incidents) &&
		eqInt(a.SchoolHalfDays, b.SchoolHalfDays) && eqAvg(a.TermAverage, b.TermAverage)
}

var monthsByName = map[string]time.Month{"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
	"aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}

// monthOf reads a month as exports write it: 2026-11, 11/2026, « novembre 2026 », or the date
// a period starts.
func monthOf(rec csvimport.Record) (calendar.Month, bool) {
	v := rec.Get(colMonth...)
	if v == "" {
		if t, ok := parseCivilDate(rec.Get(colMonthDate...)); ok {
			return calendar.MonthOf(time.Date(t.Year(), t.Month(), 1, 12, 0, 0, 0, calendar.Paris)), true
		}
		return "", false
	}
	if m, err := calendar.ParseMonth(v); err == nil {
		return m, true
	}
	for _, layout := range []string{"01/2006", "1/2006", "01-2006", "2006/01"} {
		if t, err := time.Parse(layout, v); err == nil {
			return calendar.Month(t.Format("2006-01")), true
		}
	}
	parts := strings.Split(csvimport.Normalize(v), "_")
	if len(parts) == 2 {
		if m, ok := monthsByName[parts[0]]; ok {
			if y, err := strconv.Atoi(parts[1]); err == nil {
				return calendar.Month(fmt.Sprintf("%04d-%02d", y, m)), true
			}
		}
	}
	return "", false
}

// indicatorOf reads the figures of a line; messages are keyed by the field, named as the
// indicators form names it.
func indicatorOf(rec csvimport.Record) (models.IndicatorInput, models.ValidationError) {
	errs := models.ValidationError{}
	in := models.IndicatorInput{}
	m, ok := monthOf(rec)
	if !ok {
		errs["month"] = models.Msg("import.line.bad_month")
	}
	in.Month = m
	ints := []struct {
		field string
		names []string
		dst   **int
	}{{"unjustified_half_days", colUnjust, &in.UnjustifiedHalfDays}, {"justified_half_days", colJust, &in.JustifiedHalfDays},
		{"temporary_exclusions", colExcl, &in.TemporaryExclusions}, {"incidents", colIncidents, &in.Incidents}}
	for _, f := range ints {
		v := rec.Get(f.names...)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[f.field] = models.Msg("import.line.not_integer", "Value", v)
		}
		*f.dst = &n
	}
	if v := rec.Get(colSchool...); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs["school_half_days"] = models.Msg("import.line.not_integer", "Value", v)
		}
		in.SchoolHalfDays = &n
	}
	if v := rec.Get(colAverage...); v != "" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil {
			errs["term_average"] = models.Msg("import.line.not_average", "Value", v)
		}
		in.TermAverage = &f
	}
	return in, errs
}
