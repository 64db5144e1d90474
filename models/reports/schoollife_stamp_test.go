package reports

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// TestSchoolLifeMovesTheStamps: the triggers of migration 0020 raise the change stamp of the
// year of a collective action, a conflict or a prevention-group session when a column the
// figures read changes, and of no other year; a note does not; a session's pupils and the
// kinds of actions, which carry no date, raise every year's.
func TestSchoolLifeMovesTheStamps(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		e := models.Establishment{UAI: "0590101" + "X", Name: "Collège", Type: models.TypeCollege, Sector: models.SectorPublic,
			Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
		if l, ok := models.UAICheckLetter("0590101"); ok {
			e.UAI = "0590101" + string(l)
		}
		must(db.Create(&e).Error)
		author := models.User{Email: "m@x.fr", DisplayName: "Médiatrice", Role: models.RoleMediator, PasswordHash: "h", Locale: "fr", Active: true}
		must(db.Create(&author).Error)
		pupil := models.Pupil{EstablishmentID: e.ID, LastName: "Aubert", FirstName: "Camille", BirthDate: time.Date(2011, 5, 4, 0, 0, 0, 0, time.UTC),
			ClassLevel: models.Level4e, Status: models.StatusIdentified, IdentifiedOn: time.Date(2023, 9, 10, 0, 0, 0, 0, time.UTC), Version: 1}
		must(db.Create(&pupil).Error)
		y, before := calendar.SchoolYear{StartYear: 2025}, calendar.SchoolYear{StartYear: 2024}
		stamps := func() (int64, int64) {
			t.Helper()
			a, err := changeStamp(ctx, db, y)
			must(err)
			b, err := changeStamp(ctx, db, before)
			must(err)
			return a, b
		}
		// expect runs the change and checks which years' stamps moved.
		expect := func(what string, moves, movesBefore bool, change func(tx *gorm.DB) error) {
			t.Helper()
			a0, b0 := stamps()
			must(change(db))
			a1, b1 := stamps()
			if (a1 != a0) != moves || (b1 != b0) != movesBefore {
				t.Errorf("%s: 2025-2026 %d → %d, 2024-2025 %d → %d; want moved %v and %v", what, a0, a1, b0, b1, moves, movesBefore)
			}
		}
		var kind models.ActivityKind
		must(db.Where("code = ?", "prevention_session").Take(&kind).Error)
		a := models.Activity{EstablishmentID: e.ID, KindID: kind.ID, AuthorID: &author.ID, HeldOn: time.Date(2025, 10, 6, 0, 0, 0, 0, time.UTC),
			DurationMinutes: 60, Themes: "respect", Pupils: 25, Version: 1}
		expect("a new action", true, false, func(tx *gorm.DB) error { return tx.Create(&a).Error })
		expect("an action's note", false, false, func(tx *gorm.DB) error { return tx.Model(&a).Update("note", "Bien passé").Error })
		expect("an action's parents", true, false, func(tx *gorm.DB) error { return tx.Model(&a).Update("parents", 3).Error })
		expect("an action moved to the year before", true, true, func(tx *gorm.DB) error {
			return tx.Model(&a).Update("held_on", time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)).Error
		})
		expect("a kind made a presence slot", true, true, func(tx *gorm.DB) error { return tx.Model(&kind).Update("presence", true).Error })

		c := models.Conflict{EstablishmentID: e.ID, AuthorID: author.ID, OccurredOn: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Place: models.PlaceYard,
			Kind: models.ConflictVerbal, Relation: models.BetweenPupils, Version: 1}
		expect("a new conflict", true, false, func(tx *gorm.DB) error { return tx.Omit("Parties").Create(&c).Error })
		expect("a conflict's notes", false, false, func(tx *gorm.DB) error { return tx.Model(&c).Update("notes", "Réservé").Error })
		expect("a conflict's outcome", true, false, func(tx *gorm.DB) error { return tx.Model(&c).Update("outcome", models.OutcomeAgreement).Error })
		expect("a conflict deleted", true, false, func(tx *gorm.DB) error { return tx.Delete(&c).Error })

		r := models.CaseReview{EstablishmentID: e.ID, HeldOn: time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC), Kind: models.ReviewGPDS, Version: 1}
		expect("a new session", true, false, func(tx *gorm.DB) error { return tx.Create(&r).Error })
		rp := models.CaseReviewPupil{CaseReviewID: r.ID, PupilID: pupil.ID}
		expect("a pupil to review", true, true, func(tx *gorm.DB) error { return tx.Create(&rp).Error })
		expect("a decision", false, false, func(tx *gorm.DB) error { return tx.Model(&rp).Update("decision", models.DecisionKeepWatching).Error })
	})
}
