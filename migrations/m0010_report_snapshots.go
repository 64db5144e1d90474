package migrations

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0010ReportSnapshots makes the metropolitan overview cheap to serve:
//   - indexes that start with the date of the rows a school year's figures count (follow-ups,
//     meetings, referrals, status changes, new files), covering the columns those queries read;
//   - report_snapshots: the protected figures of a report for a school year, computed once and
//     shared by every instance, with when they were computed and a refresh lease;
//   - report_change_stamps: per school year, counters that triggers raise in the same
//     transaction as any change that can alter that year's figures (own_changes: that year
//     only; later_changes: that year and every later one, as a status change or a file's
//     establishment or risk level does). A snapshot records the stamp it was computed from;
//     a different stamp means the figures may have changed. Triggers catch every writer:
//     pages, imports, the purge, the generator, an operator's SQL.
func m0010ReportSnapshots() *gormigrate.Migration {
	type reportSnapshot struct {
		ID              uint      `gorm:"primaryKey"`
		Report          string    `gorm:"size:30;not null;uniqueIndex:idx_report_snapshots_key,priority:1"`
		Year            string    `gorm:"size:9;not null;uniqueIndex:idx_report_snapshots_key,priority:2"`
		Variant         string    `gorm:"size:60;not null;default:'';uniqueIndex:idx_report_snapshots_key,priority:3"`
		Threshold       int       `gorm:"not null"`
		Stamp           int64     `gorm:"not null"`
		Elapsed         int       `gorm:"not null"`
		ComputedAt      time.Time `gorm:"not null"`
		Payload         string    `gorm:"type:text;not null;default:''"`
		RefreshingUntil *time.Time
	}
	type reportChangeStamp struct {
		YearStart    int   `gorm:"primaryKey;autoIncrement:false"`
		OwnChanges   int64 `gorm:"not null;default:0"`
		LaterChanges int64 `gorm:"not null;default:0"`
	}
	return &gormigrate.Migration{
		ID: "0010_report_snapshots",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&reportSnapshot{}, &reportChangeStamp{}); err != nil {
				return err
			}
			stmts := reportIndexes
			if tx.Dialector.Name() == "postgres" {
				stmts = append(stmts, postgresStampTriggers()...)
			} else {
				stmts = append(stmts, sqliteStampTriggers()...)
			}
			for _, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return fmt.Errorf("%w: %s", err, s)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			var stmts []string
			for _, s := range stampSources {
				if tx.Dialector.Name() == "postgres" {
					for _, op := range []string{"insert", "update", "delete"} {
						stmts = append(stmts, fmt.Sprintf("DROP TRIGGER IF EXISTS report_stamp_%s_%s ON %s", s.table, op, s.table))
					}
					stmts = append(stmts, fmt.Sprintf("DROP FUNCTION IF EXISTS report_stamp_%s()", s.table))
				} else {
					for _, op := range []string{"insert", "update", "delete"} {
						stmts = append(stmts, fmt.Sprintf("DROP TRIGGER IF EXISTS report_stamp_%s_%s", s.table, op))
					}
				}
			}
			for _, name := range reportIndexNames {
				stmts = append(stmts, "DROP INDEX IF EXISTS "+name)
			}
			for _, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return err
				}
			}
			return tx.Migrator().DropTable(&reportSnapshot{}, &reportChangeStamp{})
		},
	}
}

// reportIndexes start with the date the figures of a year filter on, and cover what the
// grouped queries read, so that a year is a range of one index instead of a scan of the table.
// Referrals have none: an index on their sending time, correlated with the table's order, drew
// the partner inbox's plan away from its organisation's index (TestCaseworkPlansFollowTheCaseload),
// and a year's referrals are a small table's scan in a background refresh.
var reportIndexes = []string{
	"CREATE INDEX idx_follow_ups_date_cover ON follow_ups (occurred_on, pupil_id, kind, duration_minutes)",
	"CREATE INDEX idx_meetings_time_cover ON meetings (scheduled_at, pupil_id, status)",
	"CREATE INDEX idx_pupil_status_changes_time ON pupil_status_changes (changed_at, pupil_id, to_status)",
	"CREATE INDEX idx_pupils_identified_on ON pupils (identified_on, establishment_id)",
}

var reportIndexNames = []string{"idx_follow_ups_date_cover", "idx_meetings_time_cover",
	"idx_pupil_status_changes_time", "idx_pupils_identified_on"}

// stampSource is a table whose rows count in the figures of the school year of one of their
// dates (column; empty: every year), and the columns whose change can alter those figures.
type stampSource struct {
	table, column string
	// timestamp: the column is an instant (its Paris date decides the year), else a date.
	timestamp bool
	// later: a change also alters the figures of every later year.
	later   bool
	columns []string
}

var stampSources = []stampSource{
	{"follow_ups", "occurred_on", false, false, []string{"pupil_id", "occurred_on", "kind", "duration_minutes"}},
	{"meetings", "scheduled_at", true, false, []string{"pupil_id", "scheduled_at", "status"}},
	{"referrals", "sent_at", true, false, []string{"pupil_id", "sent_at", "status", "acknowledged_at"}},
	// A file's status at the end of every later year is read from its history.
	{"pupil_status_changes", "changed_at", true, true, []string{"pupil_id", "changed_at", "to_status", "exit_reason"}},
	// A file counts in every year it is followed, under its establishment and current risk.
	{"pupils", "identified_on", false, true, []string{"establishment_id", "identified_on", "risk_level"}},
	// Establishments name and group the rows of every year.
	{"establishments", "", false, true, []string{"uai", "name", "commune", "type", "priority_education", "active"}},
}

// sqliteStampTriggers are row triggers (SQLite has one writer: no contention on the counters).
func sqliteStampTriggers() []string { return sqliteStampTriggersOf(stampSources) }

// sqliteStampTriggersOf are the SQLite triggers of some stamp sources (migration 0020 adds the
// school-life tables').
func sqliteStampTriggersOf(sources []stampSource) []string {
	var out []string
	for _, s := range sources {
		bump := func(row string) string {
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
			return fmt.Sprintf(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes) SELECT %s, %d, %d WHERE %s
	ON CONFLICT (year_start) DO UPDATE SET own_changes = own_changes + excluded.own_changes, later_changes = later_changes + excluded.later_changes;`,
				year, own, later, cond)
		}
		var changed []string
		for _, c := range s.columns {
			changed = append(changed, fmt.Sprintf("OLD.%s IS NOT NEW.%s", c, c))
		}
		out = append(out,
			fmt.Sprintf("CREATE TRIGGER report_stamp_%s_insert AFTER INSERT ON %s BEGIN %s END", s.table, s.table, bump("NEW")),
			fmt.Sprintf("CREATE TRIGGER report_stamp_%s_delete AFTER DELETE ON %s BEGIN %s END", s.table, s.table, bump("OLD")),
			fmt.Sprintf("CREATE TRIGGER report_stamp_%s_update AFTER UPDATE ON %s WHEN %s BEGIN %s %s END",
				s.table, s.table, strings.Join(changed, " OR "), bump("OLD"), bump("NEW")))
	}
	return out
}

// postgresStampTriggers are statement triggers over the transition tables: one upsert per
// statement and year, in year order (so that concurrent writers lock the counters in the same
// order), and bulk inserts cost one upsert per batch.
func postgresStampTriggers() []string { return postgresStampTriggersOf(stampSources) }

// postgresStampTriggersOf are the PostgreSQL triggers of some stamp sources.
func postgresStampTriggersOf(sources []stampSource) []string {
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
		upsert := func(years string) string {
			return fmt.Sprintf(`INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
		SELECT y, %s, %s FROM (%s) AS ys GROUP BY y ORDER BY y
		ON CONFLICT (year_start) DO UPDATE SET own_changes = report_change_stamps.own_changes + EXCLUDED.own_changes,
			later_changes = report_change_stamps.later_changes + EXCLUDED.later_changes;`, own, later, years)
		}
		fn := fmt.Sprintf(`CREATE FUNCTION report_stamp_%[1]s() RETURNS trigger LANGUAGE plpgsql AS $$
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
			upsert(fmt.Sprintf("SELECT %s AS y FROM new_rows n WHERE %s", year("n"), notNull("n"))),
			upsert(fmt.Sprintf("SELECT %s AS y FROM old_rows o WHERE %s", year("o"), notNull("o"))),
			upsert(fmt.Sprintf(`SELECT %s AS y FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %s AND %s
			UNION ALL SELECT %s AS y FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE %s AND %s`,
				year("o"), changed, notNull("o"), year("n"), changed, notNull("n"))))
		out = append(out, fn,
			fmt.Sprintf("CREATE TRIGGER report_stamp_%[1]s_insert AFTER INSERT ON %[1]s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stamp_%[1]s()", s.table),
			fmt.Sprintf("CREATE TRIGGER report_stamp_%[1]s_delete AFTER DELETE ON %[1]s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stamp_%[1]s()", s.table),
			fmt.Sprintf("CREATE TRIGGER report_stamp_%[1]s_update AFTER UPDATE ON %[1]s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stamp_%[1]s()", s.table))
	}
	return out
}
