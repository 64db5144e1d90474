package imports_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/imports"
	"mediation/models/risk"
)

func TestImportPupilsAndIndicators(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		opts := imports.PupilImportOptions{UAI: w.a.UAI}
		classList := "Nom;Prénom;Né(e) le;Classe;INE\r\n" +
			"MARTIN;Léa;03/10/2012;4EME B;1234567890A\r\n" +
			"\"DUPONT, dit \"\"Jo\"\"\";Jonathan;2011-01-15;3E A;\r\n" +
			"\r\n" +
			"BENALI;Yasmine;12.05.2009;2NDE 3;\r\n"
		imp := func(data string, o imports.PupilImportOptions) (imports.ImportResult, error) {
			return imports.ImportPupils(ctx, db, strings.NewReader(data), o, models.Actor{Email: "test"}, w.now)
		}
		res, err := imp(classList, opts)
		if err != nil || res.Created != 3 {
			t.Fatalf("class list: %+v %v", res, err)
		}
		var lea models.Pupil
		must(t, db.Where("ine = ?", "1234567890A").Take(&lea).Error)
		if lea.ClassLevel != models.Level4e || lea.ClassName != "4EME B" || lea.Status != models.StatusIdentified || lea.EstablishmentID != w.a.ID {
			t.Errorf("Léa: %+v", lea)
		}
		var steps int64
		dbtest.Must(t, db.Model(&models.PupilStatusChange{}).Where("pupil_id = ?", lea.ID).Count(&steps).Error)
		if steps != 1 {
			t.Errorf("%d history steps for an imported file, want 1", steps)
		}
		// Twice: nothing changes. A new class: one update, matched by name and birth date.
		if res, err := imp(classList, opts); err != nil || res.Unchanged != 3 || res.Created+res.Updated != 0 {
			t.Errorf("second import: %+v %v", res, err)
		}
		moved := strings.Replace(classList, "2NDE 3", "2NDE 5", 1)
		if res, err := imp(moved, opts); err != nil || res.Updated != 1 || res.Unchanged != 2 {
			t.Errorf("class change: %+v %v", res, err)
		}
		// Bad lines: all or nothing, each with its line and field.
		bad := "Nom;Prénom;Date de naissance;Classe\nX;Y;31/02/2012;4A\nZ;W;01/01/2030;5B\nV;U;01/01/2012;CM2\n"
		res, err = imp(bad, opts)
		if !errors.Is(err, imports.ErrInvalidLines) || res.InvalidCount != 3 || res.Invalid[0].Line != 2 {
			t.Errorf("bad lines: %+v %v", res, err)
		}
		if _, err := imp("Nom;Prénom;Naissance\nA;B;01/01/2012\n", imports.PupilImportOptions{}); !errors.Is(err, imports.ErrInvalidLines) {
			t.Errorf("no establishment: %v", err)
		}
		// Attendance: two known pupils, one without a file (skipped), then the same file again.
		attendance := "INE;Nom;Prénom;Date de naissance;Mois;Demi-journées non justifiées;Demi-journées justifiées;Demi-journées de cours\n" +
			"1234567890A;MARTIN;Léa;03/10/2012;2026-11;6;2;36\n" +
			";BENALI;Yasmine;12/05/2009;novembre 2026;1;0;36\n" +
			";INCONNU;Paul;01/01/2012;11/2026;9;0;36\n"
		impInd := func(data string) (imports.ImportResult, error) {
			return imports.ImportIndicators(ctx, db, strings.NewReader(data), opts, models.Actor{Email: "test"}, w.now)
		}
		res, err = impInd(attendance)
		if err != nil || res.Created != 2 || res.Skipped[imports.Skip{Key: imports.SkipNoFile}] != 1 {
			t.Fatalf("attendance: %+v %v", res, err)
		}
		must(t, db.Take(&lea, lea.ID).Error)
		if lea.RiskLevel != risk.Medium && lea.RiskLevel != risk.High {
			t.Errorf("Léa's risk after 6 unjustified half-days: %s", lea.RiskLevel)
		}
		if res, err := impInd(attendance); err != nil || res.Unchanged != 2 || res.Created+res.Updated != 0 {
			t.Errorf("attendance again: %+v %v", res, err)
		}
		contradiction := "INE;Mois;Demi-journées non justifiées;Demi-journées de cours\n1234567890A;2026-11;40;36\n1234567890A;2027-01;1;36\n"
		if res, err := impInd(contradiction); !errors.Is(err, imports.ErrInvalidLines) || res.InvalidCount != 2 {
			t.Errorf("contradictory figures: %+v %v", res, err)
		}
	})
}
