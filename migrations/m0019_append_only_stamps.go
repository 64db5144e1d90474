package migrations

import (
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0019AppendOnlyStamps frees the writers of the year's figures from a shared row. Until now
// the triggers of migration 0010 kept one counter row per school year, raised by an upsert in
// the transaction of every change: every follow-up of the year updated the same row, so two
// mediators posting at once waited for each other's commit (45 ms on average under load).
// Now each changing statement appends its own rows (one per school year it touches) and a
// year's stamp is the sum of the rows, which only grows: inserts take no lock that another
// writer holds. The rows of a year are added up into one by reports.CompactChangeStamps, in one
// statement that never loses a change in flight, so the table stays a few rows per year.
//
// It also adds the index by which the partner inbox's establishment filter
// (models.ReferralEstablishments) probes each establishment's files for one referral sent to
// the organisation, instead of hashing the whole pupils table to join the organisation's whole
// history (plain SQL both databases accept).
//
// PostgreSQL: the table gains an id as its key (year_start is no longer unique) and the
// trigger functions are replaced in place. SQLite cannot change a key: the table is rebuilt,
// its triggers dropped before and created again after.
func m0019AppendOnlyStamps() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0019_append_only_stamps",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Exec(m0019ReferralProbeIndex).Error; err != nil {
				return err
			}
			if tx.Dialector.Name() == "postgres" {
				return execEach(tx, append([]string{
					`ALTER TABLE report_change_stamps DROP CONSTRAINT report_change_stamps_pkey`,
					`ALTER TABLE report_change_stamps ADD COLUMN id bigserial PRIMARY KEY`,
				}, m0019PostgresFunctions()...)...)
			}
			stmts := m0019DropSQLiteTriggers()
			stmts = append(stmts,
				`CREATE TABLE report_change_stamps_rows (id integer PRIMARY KEY, year_start integer NOT NULL, `+
					`own_changes integer NOT NULL DEFAULT 0, later_changes integer NOT NULL DEFAULT 0)`,
				`INSERT INTO report_change_stamps_rows (year_start, own_changes, later_changes) `+
					`SELECT year_start, own_changes, later_changes FROM report_change_stamps ORDER BY year_start`,
				`DROP TABLE report_change_stamps`,
				`ALTER TABLE report_change_stamps_rows RENAME TO report_change_stamps`)
			return execEach(tx, append(stmts, m0019SQLiteTriggers()...)...)
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("DROP INDEX idx_referrals_pupil_partner_sent").Error; err != nil {
				return err
			}
			// Back to one row per year: the rows of a year added up, then the upserts of 0010.
			if tx.Dialector.Name() == "postgres" {
				var stmts []string
				for _, s := range stampSources {
					for _, op := range []string{"insert", "update", "delete"} {
						stmts = append(stmts, fmt.Sprintf("DROP TRIGGER report_stamp_%s_%s ON %s", s.table, op, s.table))
					}
					stmts = append(stmts, fmt.Sprintf("DROP FUNCTION report_stamp_%s()", s.table))
				}
				stmts = append(stmts,
					`WITH gone AS (DELETE FROM report_change_stamps RETURNING year_start, own_changes, later_changes)
					INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
					SELECT year_start, SUM(own_changes), SUM(later_changes) FROM gone GROUP BY year_start`,
					`ALTER TABLE report_change_stamps DROP COLUMN id`,
					`ALTER TABLE report_change_stamps ADD PRIMARY KEY (year_start)`)
				return execEach(tx, append(stmts, postgresStampTriggers()...)...)
			}
			stmts := m0019DropSQLiteTriggers()
			stmts = append(stmts,
				`CREATE TABLE report_change_stamps_years (year_start integer PRIMARY KEY, `+
					`own_changes integer NOT NULL DEFAULT 0, later_changes integer NOT NULL DEFAULT 0)`,
				`INSERT INTO report_change_stamps_years (year_start, own_changes, later_changes) `+
					`SELECT year_start, SUM(own_changes), SUM(later_changes) FROM report_change_stamps GROUP BY year_start`,
				`DROP TABLE report_change_stamps`,
				`ALTER TABLE report_change_stamps_years RENAME TO report_change_stamps`)
			return execEach(tx, append(stmts, sqliteStampTriggers()...)...)
		},
	}
}

// m0019ReferralProbeIndex finds, for a file, whether it has a referral sent to an organisation.
const m0019ReferralProbeIndex = `CREATE INDEX idx_referrals_pupil_partner_sent ON referrals (pupil_id, partner_organisation_id) ` +
	`WHERE sent_at IS NOT NULL`

// m0019DropSQLiteTriggers drops the stamp triggers of every source table.
func m0019DropSQLiteTriggers() []string {
	var out []string
	for _, s := range stampSources {
		for _, op := range []string{"insert", "update", "delete"} {
			out = append(out, fmt.Sprintf("DROP TRIGGER report_stamp_%s_%s", s.table, op))
		}
	}
	return out
}

// m0019SQLiteTriggers append one row per changed row: its school year, and whether the change
// alters that year only (own) or every later one too (later).
func m0019SQLiteTriggers() []string { return m0019SQLiteTriggersOf(stampSources) }

// m0019SQLiteTriggersOf are the appending triggers of the given tables (migration 0020 adds
// the school-life tables' with it).
func m0019SQLiteTriggersOf(sources []stampSource) []string {
	var out []string
	for _, s := range sources {
		appendRow := func(row string) string {
			year, cond := "0", "1"
			if s.column != "" {
				modifiers := "'-8 months'"
				if s.timestamp {
					// 1 September begins at 22:00 UTC the day before (Paris summer time).
					modifiers = "'+2 hours', '-8 months'"
				}
				year = fmt.Sprintf("CAST(strftime('%%Y', %s.%s, %s) AS INTEGER)", row, s.column, modifiers)
				cond = row + "." + s.column + " IS NOT NULL"
			}
			own, later := 1, 0
			if s.later {
				own, later = 0, 1
			}
			return fmt.Sprintf(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes) SELECT %s, %d, %d WHERE %s;`,
				year, own, later, cond)
		}
		var changed []string
		for _, c := range s.columns {
			changed = append(changed, fmt.Sprintf("OLD.%s IS NOT NEW.%s", c, c))
		}
		out = append(out,
			fmt.Sprintf("CREATE TRIGGER report_stamp_%s_insert AFTER INSERT ON %s BEGIN %s END", s.table, s.table, appendRow("NEW")),
			fmt.Sprintf("CREATE TRIGGER report_stamp_%s_delete AFTER DELETE ON %s BEGIN %s END", s.table, s.table, appendRow("OLD")),
			fmt.Sprintf("CREATE TRIGGER report_stamp_%s_update AFTER UPDATE ON %s WHEN %s BEGIN %s %s END",
				s.table, s.table, strings.Join(changed, " OR "), appendRow("OLD"), appendRow("NEW")))
	}
	return out
}

// m0019PostgresFunctions replace the bodies of the statement triggers' functions: one row
// appended per statement and school year it touches (a bulk insert still costs one row per
// batch), no upsert.
func m0019PostgresFunctions() []string { return m0019PostgresFunctionsOf(stampSources) }

// m0019PostgresFunctionsOf are the appending functions of the given tables.
func m0019PostgresFunctionsOf(sources []stampSource) []string {
	var out []string
	for _, s := range sources {
		year := func(row string) string {
			switch {
			case s.column == "":
				return "0"
			case s.timestamp:
				return fmt.Sprintf("EXTRACT(YEAR FROM (%s.%s AT TIME ZONE 'Europe/Paris') - interval '8 months')::int", row, s.column)
			}
			return fmt.Sprintf("EXTRACT(YEAR FROM %s.%s - interval '8 months')::int", row, s.column)
		}
		notNull := func(row string) string {
			if s.column == "" {
				return "true"
			}
			return row + "." + s.column + " IS NOT NULL"
		}
		var oldCols, newCols []string
		for _, c := range s.columns {
			oldCols, newCols = append(oldCols, "o."+c), append(newCols, "n."+c)
		}
		changed := fmt.Sprintf("(%s) IS DISTINCT FROM (%s)", strings.Join(oldCols, ", "), strings.Join(newCols, ", "))
		own, later := "1", "0"
		if s.later {
			own, later = "0", "1"
		}
		appendRows := func(years string) string {
			return fmt.Sprintf(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
		SELECT y, %s, %s FROM (%s) AS ys GROUP BY y;`, own, later, years)
		}
		out = append(out, fmt.Sprintf(`CREATE OR REPLACE FUNCTION report_stamp_%[1]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		%[2]s
	ELSIF TG_OP = 'DELETE' THEN
		%[3]s
	ELSE
		%[4]s
	END IF;
	RETURN NULL;
END $$`, s.table,
			appendRows(fmt.Sprintf("SELECT %s AS y FROM new_rows n WHERE %s", year("n"), notNull("n"))),
			appendRows(fmt.Sprintf("SELECT %s AS y FROM old_rows o WHERE %s", year("o"), notNull("o"))),
			appendRows(fmt.Sprintf(`SELECT %s AS y FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %s AND %s
			UNION ALL SELECT %s AS y FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %s AND %s`,
				year("o"), changed, notNull("o"), year("n"), changed, notNull("n")))))
	}
	return out
}
