package imports_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// must fails the test on an error of its set-up.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// world is what the importers' tests need: an establishment to import into, and a fixed now.
type world struct {
	a   models.Establishment
	now time.Time
}

func newWorld(t *testing.T, db *gorm.DB) *world {
	t.Helper()
	w := &world{now: time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Paris)}
	w.a = models.Establishment{UAI: "0750654D", Name: "Collège A", Type: models.TypeCollege, Sector: models.SectorPublic, Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityREP, Active: true}
	must(t, db.Create(&w.a).Error)
	return w
}
