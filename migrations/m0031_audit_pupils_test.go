package migrations_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/dbtest"
)

// TestM0031GivesTheEventsTheirFile: on the demo's files, with events written as the binaries
// before 0031 wrote them (about the files, their follow-ups, meetings and referrals, a follow-up
// deleted since; about no file), the migration gives each event the file that the rows say,
// worked out here in Go; its rollback takes the column and its index away, and migrating again
// brings them back.
func TestM0031GivesTheEventsTheirFile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		db, before := demoBefore(t, u, "0031_audit_pupils")
		ctx := context.Background()
		shape := columnAndIndex(t, db, &models.AuditEvent{}, "pupil_id", "idx_audit_events_pupil_at")
		shape("rolled back", false)

		var gone uint
		dbtest.Must(t, db.Raw(`SELECT MIN(id) FROM follow_ups WHERE id NOT IN
			(SELECT follow_up_id FROM next_actions WHERE follow_up_id IS NOT NULL)`).Scan(&gone).Error)
		insert := `INSERT INTO audit_events (at, actor_email, action, record_type, record_id, detail) `
		for _, s := range []string{
			insert + `SELECT created_at, 'm@x.fr', 'created', 'pupil', CAST(id AS VARCHAR(40)), '' FROM pupils`,
			insert + `SELECT created_at, 'm@x.fr', 'created', 'follow_up', CAST(id AS VARCHAR(40)), 'pupil ' || pupil_id FROM follow_ups`,
			insert + `SELECT created_at, 'm@x.fr', 'deleted', 'follow_up', CAST(id AS VARCHAR(40)),
				'pupil ' || pupil_id || ', ' || kind || ' of 2026-11-02' FROM follow_ups WHERE id = ` + fmt.Sprint(gone),
			insert + `SELECT created_at, 'm@x.fr', 'pupil_viewed', 'meeting', CAST(id AS VARCHAR(40)), 'pupil ' || pupil_id || ', calendar file' FROM meetings`,
			insert + `SELECT created_at, 'm@x.fr', 'changed', 'referral', CAST(id AS VARCHAR(40)), 'consent recorded: phone' FROM referrals`,
			// About no file, though the records have the files' numbers; a file that is not there.
			insert + `SELECT created_at, email, 'login', 'user', CAST(id AS VARCHAR(40)), 'password' FROM users`,
			insert + `VALUES (CURRENT_TIMESTAMP, 'cli', 'changed', 'pupil', '999999', '')`,
			insert + `VALUES (CURRENT_TIMESTAMP, 'cli', 'changed', 'follow_up', '999998', 'pupil 999999')`,
			insert + `VALUES (CURRENT_TIMESTAMP, 'cli', 'changed', 'follow_up', '999997', 'edited')`,
			`DELETE FROM follow_ups WHERE id = ` + fmt.Sprint(gone),
		} {
			dbtest.Must(t, db.Exec(s).Error)
		}
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		shape("migrated", true)

		files := map[string]map[string]uint{"pupil": {}, "follow_up": {}, "meeting": {}, "referral": {}}
		for recordType, table := range map[string]string{"pupil": "pupils", "follow_up": "follow_ups", "meeting": "meetings", "referral": "referrals"} {
			var rows []struct{ ID, PupilID uint }
			column := "pupil_id"
			if table == "pupils" {
				column = "id"
			}
			dbtest.Must(t, db.Table(table).Select("id, "+column+" AS pupil_id").Scan(&rows).Error)
			for _, r := range rows {
				files[recordType][strconv.Itoa(int(r.ID))] = r.PupilID
			}
		}
		var events []models.AuditEvent
		dbtest.Must(t, db.Order("id").Find(&events).Error)
		named := map[string]int{}
		for _, e := range events {
			var want *uint
			if id, ok := files[e.RecordType][e.RecordID]; ok {
				want = &id
			} else if _, ok := files[e.RecordType]; ok && e.RecordType != "pupil" {
				var n uint
				if _, err := fmt.Sscanf(e.Detail, "pupil %d", &n); err == nil && files["pupil"][strconv.Itoa(int(n))] != 0 {
					want = &n
				}
			}
			if (want == nil) != (e.PupilID == nil) || want != nil && *want != *e.PupilID {
				t.Errorf("event %d (%s %s %q): file %v, want %v", e.ID, e.RecordType, e.RecordID, e.Detail, ptrText(e.PupilID), ptrText(want))
			}
			if e.PupilID != nil {
				named[e.RecordType]++
			}
			if e.RecordID == fmt.Sprint(gone) && e.RecordType == "follow_up" && e.PupilID == nil {
				t.Errorf("the deleted follow-up's event %d has no file", e.ID)
			}
		}
		if named["pupil"] < 100 || named["follow_up"] < 100 || named["meeting"] == 0 || named["referral"] == 0 || len(events)-sum(named) < 10 {
			t.Errorf("events given a file: %v of %d: the demo no longer exercises the migration", named, len(events))
		}

		if err := migrations.RollbackTo(db, before); err != nil {
			t.Fatal(err)
		}
		shape("rolled back again", false)
		if _, err := migrations.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		shape("migrated again", true)
	})
}

func ptrText(p *uint) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
