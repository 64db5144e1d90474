package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/reporting"
)

// TestPupilDossierSchoolLifeRecords prints the dossier of a pupil who is a party to a conflict
// with another pupil's file, and whom the prevention group reviewed: the dossier gives the
// pupil's part of the conflict with the other parties by role only and none of the notes, the
// group's decision with who acts, and leaves out the records of another year. The PDF holds
// every row of the report the page builds.
func TestPupilDossierSchoolLifeRecords(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		ctx := context.Background()
		var jaures models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		var pupils []models.Pupil
		must(t, db.Where("establishment_id = ? AND anonymised_at IS NULL", jaures.ID).Order("id").Limit(2).Find(&pupils).Error)
		if len(pupils) < 2 {
			t.Fatalf("%d pupils in the establishment", len(pupils))
		}
		p, other := pupils[0], pupils[1]
		const otherName, description = "Zébulonnière", "témoin de 3e au portail"
		must(t, db.Model(&models.Pupil{}).Where("id = ?", other.ID).Update("last_name", otherName).Error)

		year := calendar.SchoolYearOf(fixedNow)
		day := func(t time.Time, days int) *time.Time { d := calendar.Date(t).AddDate(0, 0, days); return &d }
		med := mustUser(t, db, "mediation@demo.test")
		const note, oldNote = "Insultes répétées échangées devant la classe", "Bousculade ancienne notée"
		outcome := models.OutcomeAgreement
		conflict := models.Conflict{EstablishmentID: jaures.ID, AuthorID: med.ID, OccurredOn: *day(fixedNow, -20), Place: models.PlaceYard,
			Kind: models.ConflictHarassment, Relation: models.BetweenPupils, ListenedOn: day(fixedNow, -19), MeetingOn: day(fixedNow, -15),
			AgreementOn: day(fixedNow, -15), Outcome: &outcome, ClosedOn: day(fixedNow, -2), Notes: note, NotesRestricted: true,
			Parties: []models.ConflictParty{{Role: models.PartyPupil, PupilID: &p.ID}, {Role: models.PartyPupil, PupilID: &other.ID},
				{Role: models.PartyGuardian, Description: description}}}
		must(t, db.Create(&conflict).Error)
		old := models.Conflict{EstablishmentID: jaures.ID, AuthorID: med.ID, OccurredOn: *day(year.Start(), -40), Place: models.PlaceOnline,
			Kind: models.ConflictOnline, Relation: models.BetweenPupils, Notes: oldNote,
			Parties: []models.ConflictParty{{Role: models.PartyPupil, PupilID: &p.ID}, {Role: models.PartyTeacher, Description: "enseignant"}}}
		must(t, db.Create(&old).Error)

		const remark, restrictedRemark, owner, pastRemark = "Assiduité en progrès depuis la rentrée", "Situation familiale délicate évoquée",
			"Professeur principal", "Rétroviseur"
		review := func(held time.Time, decision models.ReviewDecision, note string, restricted bool) models.CaseReview {
			r := models.CaseReview{EstablishmentID: jaures.ID, HeldOn: held, Kind: models.ReviewGPDS, CreatedByID: &med.ID, Version: 1}
			must(t, db.Create(&r).Error)
			must(t, db.Create(&models.CaseReviewPupil{CaseReviewID: r.ID, PupilID: p.ID, Decision: decision, Note: note, Restricted: restricted}).Error)
			return r
		}
		session := review(*day(fixedNow, -10), models.DecisionFamilyMeeting, remark, false)
		must(t, db.Create(&models.NextAction{PupilID: p.ID, CaseReviewID: &session.ID, Description: "rencontre avec la famille",
			DueOn: *day(fixedNow, -3), OwnerLabel: owner, CreatedByID: &med.ID}).Error)
		review(*day(fixedNow, -5), models.DecisionCIOPSAD, restrictedRemark, true)
		review(*day(year.Start(), -30), models.DecisionPartnerReferral, pastRemark, false)

		var theirs models.Pupil
		must(t, db.Take(&theirs, other.ID).Error)
		if theirs.LastName != otherName {
			t.Fatalf("the other pupil is called %q", theirs.LastName)
		}
		path := fmt.Sprintf("/pupils/%d/dossier.pdf", p.ID)
		for _, email := range []string{"mediation@demo.test", "direction@demo.test"} {
			c := s.client(t)
			c.login(email)
			r := c.get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: dossier %d", email, r.Status)
			}
			text := fold(pdfText(t, []byte(r.Body)))
			// Table cells wrap: a phrase of a cell is looked for word by word.
			for _, want := range []string{"Médiations de conflit de l'année", "Harcèlement", "Rencontre avec la famille", owner, "en retard",
				remark, "remarque restreinte, non imprimée", "non communiquées", "1 médiation a des notes"} {
				for _, w := range strings.Fields(want) {
					if !strings.Contains(text, w) {
						t.Errorf("%s: the dossier lacks %q of %q", email, w, want)
					}
				}
			}
			// Single words, so that no wrapping hides them: the other pupil's name, the notes of
			// both conflicts, the description of a party, the restricted remark, the remark of
			// another year's session.
			for _, leak := range []string{otherName, "Insultes", "échangées", "Bousculade", "portail", "enseignant", "délicate", pastRemark} {
				if strings.Contains(text, leak) {
					t.Errorf("%s: the dossier shows %q", email, leak)
				}
			}

			// The page's report and the PDF agree on the new sections, row by row.
			a, err := reporting.Assemble(ctx, db, s.App.Views.Localizer("fr"), reporting.Request{Kind: reporting.Pupil, ID: p.ID, Year: year,
				Scope: models.ScopeOf(mustUser(t, db, email)), Now: fixedNow})
			must(t, err)
			seen := 0
			for _, sec := range a.Page().Sections {
				if sec.ID != "conflicts" && sec.ID != "reviews" {
					continue
				}
				seen++
				want := map[string]int{"conflicts": 1, "reviews": 2}[sec.ID]
				if len(sec.Table.Rows) != want {
					t.Errorf("%s: %d rows in the section %s, want %d", email, len(sec.Table.Rows), sec.ID, want)
				}
				for _, row := range sec.Table.Rows {
					for _, cell := range row {
						for _, w := range strings.Fields(cell) {
							if !strings.Contains(text, w) {
								t.Errorf("%s: the PDF lacks %q of the %s row %q", email, w, sec.ID, row)
							}
						}
					}
				}
				for _, n := range sec.Notes {
					if !strings.Contains(text, fold(n)) {
						t.Errorf("%s: the PDF lacks the note %q", email, n)
					}
				}
			}
			if seen != 2 {
				t.Errorf("%s: %d of the two new sections in the report", email, seen)
			}
		}
	})
}
