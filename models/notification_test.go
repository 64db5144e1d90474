package models_test

import (
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
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

// Two dispatches at once never take the same notification to send, nor the same e-mail to
// queue: on PostgreSQL the second skips the rows the first holds; on SQLite it waits for the
// first's commit and finds them taken.
func TestTwoDispatchesNeverTakeTheSameRow(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		u := newCoordinator(t, db, "dispatch@example.org")
		now := time.Now()
		for i := range 3 {
			dbtest.Must(t, db.Create(&models.Notification{UserID: u.ID, Kind: models.NotifyReferralSent, Link: "/referrals/1",
				Params: "{}", CreatedAt: now.Add(time.Duration(i) * time.Second).UTC(), MailPending: true}).Error)
			dbtest.Must(t, db.Create(&models.MailMessage{UserID: &u.ID, ToAddress: u.Email, Locale: "fr", Subject: "s",
				Body: "b", Kind: models.MailKindNotification, Status: models.MailWaiting, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}).Error)
		}
		first := db.Begin()
		dbtest.Must(t, first.Error)
		defer first.Rollback()
		taken, err := models.TakePendingMail(first, now, 10)
		dbtest.Must(t, err)
		queued, err := models.UnqueuedMail(first, 10)
		dbtest.Must(t, err)
		if len(taken) != 3 || len(queued) != 3 {
			t.Fatalf("the first dispatch took %d notifications and %d e-mails, want 3 and 3", len(taken), len(queued))
		}
		second := make(chan [2]int, 1)
		go func() {
			var got [2]int
			err := db.Transaction(func(tx *gorm.DB) error {
				taken, err := models.TakePendingMail(tx, now, 10)
				if err != nil {
					return err
				}
				queued, err := models.UnqueuedMail(tx, 10)
				got = [2]int{len(taken), len(queued)}
				return err
			})
			if err != nil {
				t.Error(err)
			}
			second <- got
		}()
		if db.Dialector.Name() == "postgres" {
			// The second does not wait for the first: it skips what the first holds.
			if got := <-second; got != [2]int{0, 0} {
				t.Errorf("the second dispatch took %d notifications and %d e-mails while the first held them", got[0], got[1])
			}
			dbtest.Must(t, first.Commit().Error)
			return
		}
		dbtest.Must(t, first.Commit().Error)
		if got := <-second; got != [2]int{0, 0} {
			t.Errorf("the second dispatch took %d notifications and %d e-mails the first had taken", got[0], got[1])
		}
	})
}
