package models_test

import (
	"strings"
	"testing"

	"gorm.io/gorm"

	"mediation/models/dbtest"
)

// The bell's count, which every signed-in request runs inside SignedIn, reads the partial index
// of unread notifications on both databases, not the table.
func TestUnreadCountUsesItsIndex(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		const count = "SELECT COUNT(*) FROM notifications n WHERE n.user_id = 1 AND n.read_at IS NULL"
		var plan []string
		if db.Dialector.Name() == "postgres" {
			err := db.Transaction(func(tx *gorm.DB) error {
				// Tables this small are read whole; the question is whether the index serves.
				if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
					return err
				}
				return tx.Raw("EXPLAIN " + count).Scan(&plan).Error
			})
			dbtest.Must(t, err)
		} else {
			var rows []struct {
				ID, Parent, Notused int
				Detail              string
			}
			dbtest.Must(t, db.Raw("EXPLAIN QUERY PLAN "+count).Scan(&rows).Error)
			for _, r := range rows {
				plan = append(plan, r.Detail)
			}
		}
		if !strings.Contains(strings.Join(plan, "\n"), "idx_notifications_unread") {
			t.Errorf("the unread count does not use idx_notifications_unread:\n%s", strings.Join(plan, "\n"))
		}
	})
}
