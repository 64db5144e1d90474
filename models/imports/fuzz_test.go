package imports_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
)

// fuzzUAI is the establishment the fuzzed files import into when they have no UAI column.
const fuzzUAI = "0750654D"

// importState sums up what the pupil and indicator imports write, to tell whether a failed
// import left anything behind.
type importState struct {
	Pupils, Steps, Indicators, Audits int64
	Versions, Figures, Levels         int64
}

func readImportState(t *testing.T, db *gorm.DB) importState {
	t.Helper()
	var s importState
	err := db.Raw(`SELECT
		(SELECT COUNT(*) FROM pupils),
		(SELECT COUNT(*) FROM pupil_status_changes),
		(SELECT COUNT(*) FROM monthly_indicators),
		(SELECT COUNT(*) FROM audit_events),
		(SELECT COALESCE(SUM(version), 0) FROM pupils),
		(SELECT COALESCE(SUM(unjustified_half_days + justified_half_days + temporary_exclusions + incidents), 0) FROM monthly_indicators),
		(SELECT COUNT(*) FROM pupils WHERE risk_level <> 'low')`).
		Row().Scan(&s.Pupils, &s.Steps, &s.Indicators, &s.Audits, &s.Versions, &s.Figures, &s.Levels)
	if err != nil {
		t.Fatalf("read state: %v", err)
	}
	return s
}

// fuzzImportDB is a SQLite database with one establishment and two files, so that the
// fuzzed lines can match pupils and reach the writes.
func fuzzImportDB(f *testing.F) *gorm.DB {
	u := models.DatabaseURL{Dialect: models.DialectSQLite, Path: f.TempDir() + "/fuzz.db"}
	db := dbtest.OpenMigrated(f, u)
	e := models.Establishment{UAI: fuzzUAI, Name: "Collège A", Type: models.TypeCollege, Sector: models.SectorPublic,
		Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
	if err := db.Create(&e).Error; err != nil {
		f.Fatal(err)
	}
	list := "Nom;Prénom;Date de naissance;Classe;INE\nMARTIN;Léa;03/10/2012;4EME B;1234567890A\nBENALI;Yasmine;12/05/2009;2NDE 3;\n"
	if _, err := imports.ImportPupils(context.Background(), db, strings.NewReader(list), imports.PupilImportOptions{UAI: fuzzUAI},
		models.Actor{Email: "test"}, importNow); err != nil {
		f.Fatal(err)
	}
	return db
}

type importFunc func(ctx context.Context, db *gorm.DB, r io.Reader, opts imports.PupilImportOptions, actor models.Actor, now time.Time) (imports.ImportResult, error)

// fuzzImport checks the properties every import keeps whatever the file: it does not panic,
// it answers with figures or with an error that a person can act on (invalid lines, or a
// problem with the file), and an error or a dry run leaves the database as it was.
func fuzzImport(f *testing.F, run importFunc) {
	db := fuzzImportDB(f)
	f.Fuzz(func(t *testing.T, data []byte, skipInvalid, dryRun bool) {
		before := readImportState(t, db)
		opts := imports.PupilImportOptions{UAI: fuzzUAI, ImportOptions: imports.ImportOptions{
			SkipInvalid: skipInvalid, DryRun: dryRun, CSV: csvimport.Options{MaxBytes: 1 << 20}}}
		res, err := run(context.Background(), db, bytes.NewReader(data), opts, models.Actor{Email: "fuzz"}, importNow)
		after := readImportState(t, db)
		var fe *csvimport.Error
		switch {
		case errors.Is(err, imports.ErrInvalidLines):
			if skipInvalid || res.InvalidCount == 0 {
				t.Fatalf("invalid lines refused with skipInvalid=%v and %d invalid lines", skipInvalid, res.InvalidCount)
			}
		case errors.As(err, &fe):
			if fe.Code == "" {
				t.Fatalf("a file error without a code: %#v", fe)
			}
		case err != nil:
			t.Fatalf("internal error on a user's file: %v", err)
		case !dryRun && !res.Applied:
			t.Fatalf("no error, yet not applied: %+v", res)
		case !skipInvalid && res.InvalidCount > 0:
			t.Fatalf("%d invalid lines, yet applied", res.InvalidCount)
		}
		if (err != nil || dryRun) && after != before {
			t.Fatalf("err=%v dry=%v, yet the database changed: %+v → %+v", err, dryRun, before, after)
		}
		if err != nil && res.Created+res.Updated+res.Unchanged != 0 {
			t.Fatalf("failed import reports figures: %+v", res)
		}
	})
}

// FuzzImportPupils: no class list, however malformed, crashes the importer or half-applies;
// the seeds are in testdata/fuzz/FuzzImportPupils.
func FuzzImportPupils(f *testing.F) {
	f.Add([]byte("Nom;Prénom;Né(e) le;Classe;INE\r\nDURAND;Théo;14/02/2013;5E A;\r\n"), false, false)
	f.Add([]byte("Nom;Prénom;Naissance;Classe\nX;Y;31/02/2012;4A\nZ;W;01/01/2012;4A\n"), true, false)
	fuzzImport(f, imports.ImportPupils)
}

// FuzzImportIndicators: no attendance export, however malformed, crashes the importer or
// half-applies; the seeds are in testdata/fuzz/FuzzImportIndicators.
func FuzzImportIndicators(f *testing.F) {
	f.Add([]byte("INE;Mois;Demi-journées non justifiées;Demi-journées de cours\n1234567890A;2026-10;3;40\n"), false, false)
	f.Add([]byte("Nom;Prénom;Date de naissance;Mois;Absences non justifiées;Moyenne\nBENALI;Yasmine;12/05/2009;octobre 2026;1;12,5\nBENALI;Yasmine;12/05/2009;2026-10;x;NaN\n"), true, false)
	fuzzImport(f, imports.ImportIndicators)
}
