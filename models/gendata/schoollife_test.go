package gendata

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// checkActivities checks the collective actions generated for now: 40 per establishment in
// each past school year, no more in the current one, none from today on, each recorded by a
// mediator of its establishment, and the totals of the reports' function agree with the rows.
func checkActivities(t *testing.T, db *gorm.DB, now time.Time, size Size) {
	t.Helper()
	year := calendar.SchoolYearOf(now)
	today := calendar.Today(now)
	for y := year.StartYear - 4; y <= year.StartYear; y++ {
		sy := calendar.SchoolYear{StartYear: y}
		var rows []struct {
			EstablishmentID uint
			N               int
		}
		if err := db.Table("activities").Select("establishment_id, COUNT(*) AS n").
			Where("held_on >= ? AND held_on <= ?", calendar.Date(sy.Start()), calendar.Date(sy.LastDay())).
			Group("establishment_id").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, r := range rows {
			total += r.N
			if y < year.StartYear && r.N != activitiesPerYear || r.N > activitiesPerYear {
				t.Errorf("%s: establishment %d has %d collective actions", sy, r.EstablishmentID, r.N)
			}
		}
		if y < year.StartYear && len(rows) != size.Establishments {
			t.Errorf("%s: %d establishments with collective actions, want %d", sy, len(rows), size.Establishments)
		}
		var ids []uint
		if err := db.Model(&models.Establishment{}).Pluck("id", &ids).Error; err != nil {
			t.Fatal(err)
		}
		sum, err := models.SumActivities(context.Background(), db, sy, ids)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Actions != total {
			t.Errorf("%s: SumActivities counts %d actions, the table %d", sy, sum.Actions, total)
		}
	}
	if n := count(t, db, "SELECT COUNT(*) FROM activities WHERE held_on >= ?", today); n != 0 {
		t.Errorf("%d collective actions from today on", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM user_establishments ue "+
		"JOIN users u ON u.id = ue.user_id WHERE ue.user_id = a.author_id AND ue.establishment_id = a.establishment_id AND u.role = ?)",
		models.RoleMediator); n != 0 {
		t.Errorf("%d collective actions recorded by someone else than a mediator of the establishment", n)
	}
	if n := count(t, db, "SELECT COUNT(DISTINCT kind_id) FROM activities"); n != 6 {
		t.Errorf("%d kinds of collective actions, want the 6 seeded", n)
	}
}
