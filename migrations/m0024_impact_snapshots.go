package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0024ImpactSnapshots lets the annual review (issue 15) be served from report_snapshots, as
// the metropolitan report is:
//   - report_snapshots.inputs: the version of what the review reads besides the year's data
//     (the unit values of the avoided costs, the agreement reviewed, the partners' names and
//     response times), which no change stamp follows: a snapshot computed from other inputs is
//     never shown, as one protected with another threshold is not (empty for the metropolitan
//     report, which reads none of them);
//   - change-stamp triggers on monthly_indicators, whose unjustified half-days the review's
//     absence outcome measures: a change appends a row to its month's school year (own
//     changes only: the metropolitan figures do not read them, and the review adds up the
//     stamps of the years its windows reach).
func m0024ImpactSnapshots() *gormigrate.Migration {
	type reportSnapshot struct {
		Inputs string `gorm:"size:64;not null;default:''"`
	}
	return &gormigrate.Migration{
		ID: "0024_impact_snapshots",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().AddColumn(&reportSnapshot{}, "Inputs"); err != nil {
				return err
			}
			if tx.Dialector.Name() == "postgres" {
				return execEach(tx, m0024PostgresFunction,
					"CREATE TRIGGER report_stamp_monthly_indicators_insert AFTER INSERT ON monthly_indicators REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stamp_monthly_indicators()",
					"CREATE TRIGGER report_stamp_monthly_indicators_delete AFTER DELETE ON monthly_indicators REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stamp_monthly_indicators()",
					"CREATE TRIGGER report_stamp_monthly_indicators_update AFTER UPDATE ON monthly_indicators REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stamp_monthly_indicators()")
			}
			appendRow := func(row string) string {
				return `INSERT INTO report_change_stamps (year_start, own_changes, later_changes) SELECT ` +
					`CAST(strftime('%Y', ` + row + `.month || '-01', '-8 months') AS INTEGER), 1, 0 WHERE ` + row + `.month IS NOT NULL;`
			}
			return execEach(tx,
				"CREATE TRIGGER report_stamp_monthly_indicators_insert AFTER INSERT ON monthly_indicators BEGIN "+appendRow("NEW")+" END",
				"CREATE TRIGGER report_stamp_monthly_indicators_delete AFTER DELETE ON monthly_indicators BEGIN "+appendRow("OLD")+" END",
				"CREATE TRIGGER report_stamp_monthly_indicators_update AFTER UPDATE ON monthly_indicators WHEN "+
					"OLD.pupil_id IS NOT NEW.pupil_id OR OLD.month IS NOT NEW.month OR OLD.unjustified_half_days IS NOT NEW.unjustified_half_days "+
					"BEGIN "+appendRow("OLD")+" "+appendRow("NEW")+" END")
		},
		Rollback: func(tx *gorm.DB) error {
			var stmts []string
			for _, op := range []string{"insert", "update", "delete"} {
				stmt := "DROP TRIGGER IF EXISTS report_stamp_monthly_indicators_" + op
				if tx.Dialector.Name() == "postgres" {
					stmt += " ON monthly_indicators"
				}
				stmts = append(stmts, stmt)
			}
			if tx.Dialector.Name() == "postgres" {
				stmts = append(stmts, "DROP FUNCTION IF EXISTS report_stamp_monthly_indicators()")
			}
			if err := execEach(tx, stmts...); err != nil {
				return err
			}
			return tx.Migrator().DropColumn(&reportSnapshot{}, "Inputs")
		},
	}
}

// m0024PostgresFunction appends one row per statement and school year it touches, as the
// functions of migration 0019 do; a month "2025-09" belongs to the school year 2025-2026.
const m0024PostgresFunction = `CREATE FUNCTION report_stamp_monthly_indicators() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
		SELECT y, 1, 0 FROM (SELECT EXTRACT(YEAR FROM to_date(n.month || '-01', 'YYYY-MM-DD') - interval '8 months')::int AS y
			FROM new_rows n WHERE n.month IS NOT NULL) AS ys GROUP BY y;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
		SELECT y, 1, 0 FROM (SELECT EXTRACT(YEAR FROM to_date(o.month || '-01', 'YYYY-MM-DD') - interval '8 months')::int AS y
			FROM old_rows o WHERE o.month IS NOT NULL) AS ys GROUP BY y;
	ELSE
		INSERT INTO report_change_stamps (year_start, own_changes, later_changes)
		SELECT y, 1, 0 FROM (
			SELECT EXTRACT(YEAR FROM to_date(o.month || '-01', 'YYYY-MM-DD') - interval '8 months')::int AS y
			FROM old_rows o JOIN new_rows n ON n.id = o.id
			WHERE (o.pupil_id, o.month, o.unjustified_half_days) IS DISTINCT FROM (n.pupil_id, n.month, n.unjustified_half_days)
			UNION ALL
			SELECT EXTRACT(YEAR FROM to_date(n.month || '-01', 'YYYY-MM-DD') - interval '8 months')::int AS y
			FROM old_rows o JOIN new_rows n ON n.id = o.id
			WHERE (o.pupil_id, o.month, o.unjustified_half_days) IS DISTINCT FROM (n.pupil_id, n.month, n.unjustified_half_days)) AS ys
		GROUP BY y;
	END IF;
	RETURN NULL;
END $$`
