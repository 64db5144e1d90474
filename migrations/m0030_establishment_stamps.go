package migrations

import (
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0030EstablishmentStamps adds establishment_change_stamps: a change stamp per establishment,
// which lets each instance keep the establishment dashboard's figures in memory and know, by
// one indexed sum, whether they still hold (reports.Snapshots.EstablishmentSummary). Triggers
// append a row for each establishment a changing statement touches, on every table whose rows
// the summary reads, for the columns it reads: its figures and its nominative list (names,
// class, risk, referent, follow-up counts). A file moved to another establishment raises both;
// what every establishment prints (the names of the partner organisations and of the users,
// the kinds of collective actions) raises establishment 0, which every stamp adds. The stamp
// is the sum of the rows, as the school years' of migration 0019: writers never wait on a
// shared counter, and reports.CompactChangeStamps adds the rows of an establishment up.
//
// On PostgreSQL a statement on the files' records (follow-ups, meetings, referrals, status
// changes) takes a share lock on their files first, as migration 0027 does for referrals: a
// file moving to another establishment at the same time waits for it to commit (or it for the
// move), so that the change is stamped where the file is and no dashboard keeps figures a
// commit changed. The users' trigger is a row trigger on the display name alone: users are
// updated at every sign-in.
func m0030EstablishmentStamps() *gormigrate.Migration {
	type establishmentChangeStamp struct {
		ID              uint64 `gorm:"primaryKey"`
		EstablishmentID uint   `gorm:"not null;index:idx_establishment_change_stamps,priority:1"`
		Changes         int64  `gorm:"not null;default:1;index:idx_establishment_change_stamps,priority:2"`
	}
	return &gormigrate.Migration{
		ID: "0030_establishment_stamps",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&establishmentChangeStamp{}); err != nil {
				return err
			}
			if tx.Dialector.Name() == "postgres" {
				return execEach(tx, m0030PostgresTriggers()...)
			}
			return execEach(tx, m0030SQLiteTriggers()...)
		},
		Rollback: func(tx *gorm.DB) error {
			var stmts []string
			for _, s := range m0030Sources {
				for _, op := range []string{"insert", "update", "delete"} {
					stmt := fmt.Sprintf("DROP TRIGGER IF EXISTS establishment_stamp_%s_%s", s.table, op)
					if tx.Dialector.Name() == "postgres" {
						stmt += " ON " + s.table
					}
					stmts = append(stmts, stmt)
				}
				if tx.Dialector.Name() == "postgres" {
					stmts = append(stmts, fmt.Sprintf("DROP FUNCTION IF EXISTS establishment_stamp_%s()", s.table))
				}
			}
			if err := execEach(tx, stmts...); err != nil {
				return err
			}
			return tx.Migrator().DropTable(&establishmentChangeStamp{})
		},
	}
}

// How a row reaches the establishment whose stamp it raises.
const (
	m0030ViaPupil  = "pupil"  // through its file (pupil_id)
	m0030ViaColumn = "column" // its establishment_id
	m0030ViaReview = "review" // through its prevention-group session (case_review_id)
	m0030ViaSelf   = "self"   // the row is the establishment
	m0030ViaAll    = "all"    // printed by every establishment: establishment 0
)

// m0030Source is a table the establishment summary reads, how its rows reach their
// establishment, and the columns whose change can alter the summary.
type m0030Source struct {
	table, via string
	columns    []string
}

var m0030Sources = []m0030Source{
	{"follow_ups", m0030ViaPupil, []string{"pupil_id", "occurred_on", "kind", "duration_minutes", "restricted"}},
	{"meetings", m0030ViaPupil, []string{"pupil_id", "scheduled_at", "status"}},
	{"referrals", m0030ViaPupil, []string{"pupil_id", "sent_at", "status", "acknowledged_at", "partner_organisation_id"}},
	{"pupil_status_changes", m0030ViaPupil, []string{"pupil_id", "changed_at", "to_status", "exit_reason"}},
	{"pupils", m0030ViaColumn, []string{"establishment_id", "identified_on", "risk_level", "last_name", "first_name",
		"class_level", "class_name", "referent_mediator_id", "search_name", "anonymised_at"}},
	{"activities", m0030ViaColumn, []string{"establishment_id", "held_on", "kind_id", "pupils", "parents", "staff", "duration_minutes"}},
	{"conflicts", m0030ViaColumn, []string{"establishment_id", "occurred_on", "kind", "outcome"}},
	{"case_reviews", m0030ViaColumn, []string{"establishment_id", "held_on"}},
	{"case_review_pupils", m0030ViaReview, []string{"case_review_id", "pupil_id", "decision"}},
	{"establishments", m0030ViaSelf, []string{"uai", "name", "type", "sector", "commune", "postal_code", "priority_education", "active"}},
	{"activity_kinds", m0030ViaAll, []string{"code", "label_fr", "label_en", "presence", "active", "position"}},
	{"partner_organisations", m0030ViaAll, []string{"name"}},
	{"users", m0030ViaAll, []string{"display_name"}},
}

// establishmentOf is the SQL that selects, as e, the establishment of the rows of from (a
// transition table or a SELECT of rows, aliased r) that where keeps.
func (s m0030Source) establishmentOf(from, where string) string {
	switch s.via {
	case m0030ViaPupil:
		return fmt.Sprintf("SELECT p.establishment_id AS e FROM %s r JOIN pupils p ON p.id = r.pupil_id WHERE %s", from, where)
	case m0030ViaReview:
		return fmt.Sprintf("SELECT cr.establishment_id AS e FROM %s r JOIN case_reviews cr ON cr.id = r.case_review_id WHERE %s", from, where)
	case m0030ViaColumn:
		return fmt.Sprintf("SELECT r.establishment_id AS e FROM %s r WHERE %s", from, where)
	case m0030ViaSelf:
		return fmt.Sprintf("SELECT r.id AS e FROM %s r WHERE %s", from, where)
	}
	return fmt.Sprintf("SELECT 0 AS e FROM %s r WHERE %s", from, where)
}

// m0030Append appends one row per establishment that the union of selects names.
func m0030Append(selects ...string) string {
	return `INSERT INTO establishment_change_stamps (establishment_id, changes)
		SELECT DISTINCT x.e, 1 FROM (` + strings.Join(selects, " UNION ALL ") + `) x WHERE x.e IS NOT NULL`
}

// m0030PostgresTriggers are statement triggers over the transition tables (one row appended
// per statement and establishment: a bulk insert costs one row per batch), but for the users'.
func m0030PostgresTriggers() []string {
	var out []string
	for _, s := range m0030Sources {
		var o, n []string
		for _, c := range s.columns {
			o, n = append(o, "o."+c), append(n, "n."+c)
		}
		changedOld := fmt.Sprintf(`(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (%s) IS DISTINCT FROM (%s))`,
			strings.Join(o, ", "), strings.Join(n, ", "))
		changedNew := fmt.Sprintf(`(SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (%s) IS DISTINCT FROM (%s))`,
			strings.Join(o, ", "), strings.Join(n, ", "))
		lock := func(rows ...string) string {
			if s.via != m0030ViaPupil {
				return ""
			}
			var ids []string
			for _, r := range rows {
				ids = append(ids, "SELECT r.pupil_id FROM "+r+" r")
			}
			return "PERFORM 1 FROM pupils WHERE id IN (" + strings.Join(ids, " UNION ") + ") ORDER BY id FOR SHARE;\n\t\t"
		}
		if s.table == "users" {
			out = append(out, fmt.Sprintf(`CREATE FUNCTION establishment_stamp_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	%s;
	RETURN NULL;
END $$`, m0030Append("SELECT 0 AS e")),
				`CREATE TRIGGER establishment_stamp_users_update AFTER UPDATE OF display_name ON users FOR EACH ROW
			WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) EXECUTE FUNCTION establishment_stamp_users()`)
			continue
		}
		out = append(out, fmt.Sprintf(`CREATE FUNCTION establishment_stamp_%[1]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		%[2]s%[3]s;
	ELSIF TG_OP = 'DELETE' THEN
		%[4]s%[5]s;
	ELSE
		%[6]s%[7]s;
	END IF;
	RETURN NULL;
END $$`, s.table,
			lock("new_rows"), m0030Append(s.establishmentOf("new_rows", "true")),
			lock("old_rows"), m0030Append(s.establishmentOf("old_rows", "true")),
			lock(changedOld, changedNew), m0030Append(s.establishmentOf(changedOld, "true"), s.establishmentOf(changedNew, "true"))),
			fmt.Sprintf("CREATE TRIGGER establishment_stamp_%[1]s_insert AFTER INSERT ON %[1]s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION establishment_stamp_%[1]s()", s.table),
			fmt.Sprintf("CREATE TRIGGER establishment_stamp_%[1]s_delete AFTER DELETE ON %[1]s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION establishment_stamp_%[1]s()", s.table),
			fmt.Sprintf("CREATE TRIGGER establishment_stamp_%[1]s_update AFTER UPDATE ON %[1]s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION establishment_stamp_%[1]s()", s.table))
	}
	return out
}

// m0030SQLiteTriggers are row triggers (SQLite has one writer: nothing to lock); an update
// fires only when a column the summary reads changed.
func m0030SQLiteTriggers() []string {
	var out []string
	for _, s := range m0030Sources {
		// The row OLD or NEW as a one-row table.
		row := func(r string) string {
			cols := []string{r + ".id AS id"}
			for _, c := range s.columns {
				cols = append(cols, r+"."+c+" AS "+c)
			}
			return "(SELECT " + strings.Join(cols, ", ") + ")"
		}
		var changed []string
		for _, c := range s.columns {
			changed = append(changed, fmt.Sprintf("OLD.%s IS NOT NEW.%s", c, c))
		}
		when := strings.Join(changed, " OR ")
		if s.table != "users" {
			out = append(out,
				fmt.Sprintf("CREATE TRIGGER establishment_stamp_%s_insert AFTER INSERT ON %s BEGIN %s; END",
					s.table, s.table, m0030Append(s.establishmentOf(row("NEW"), "true"))),
				fmt.Sprintf("CREATE TRIGGER establishment_stamp_%s_delete AFTER DELETE ON %s BEGIN %s; END",
					s.table, s.table, m0030Append(s.establishmentOf(row("OLD"), "true"))))
		}
		out = append(out, fmt.Sprintf("CREATE TRIGGER establishment_stamp_%s_update AFTER UPDATE ON %s WHEN %s BEGIN %s; END",
			s.table, s.table, when, m0030Append(s.establishmentOf(row("OLD"), "true"), s.establishmentOf(row("NEW"), "true"))))
	}
	return out
}
