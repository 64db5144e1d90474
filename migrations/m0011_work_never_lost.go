package migrations

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// indicatorCounts are the monthly counts that a form may leave empty: "not entered" is NULL,
// never a zero that the risk rules would read as a month without absence.
var indicatorCounts = []string{"unjustified_half_days", "justified_half_days", "temporary_exclusions", "incidents"}

// m0011WorkNeverLost protects work from being lost or silently rewritten:
//   - follow_ups.version: optimistic locking of a follow-up's edit, as the identity has;
//   - monthly_indicators' counts become nullable without default: an empty field is "not
//     entered", not zero;
//   - drafts: what a form sent after its session expired held, kept for the account whose
//     session it was, until it signs in again and finds it in the form (or a day has passed).
func m0011WorkNeverLost() *gormigrate.Migration {
	type user struct {
		ID uint `gorm:"primaryKey"`
	}
	type draft struct {
		ID        uint      `gorm:"primaryKey"`
		Token     string    `gorm:"size:64;not null;uniqueIndex"`
		UserID    uint      `gorm:"not null;index"`
		User      *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Page      string    `gorm:"size:300;not null"`
		Form      string    `gorm:"size:30;not null"`
		Values    string    `gorm:"type:text;not null"`
		CreatedAt time.Time `gorm:"not null;index"`
	}
	return &gormigrate.Migration{
		ID: "0011_work_never_lost",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Exec("ALTER TABLE follow_ups ADD COLUMN version integer NOT NULL DEFAULT 1").Error; err != nil {
				return err
			}
			if err := tx.Migrator().CreateTable(&draft{}); err != nil {
				return err
			}
			return setIndicatorCountsNullable(tx, true)
		},
		Rollback: func(tx *gorm.DB) error {
			for _, col := range indicatorCounts {
				if err := tx.Exec(fmt.Sprintf("UPDATE monthly_indicators SET %s = 0 WHERE %s IS NULL", col, col)).Error; err != nil {
					return err
				}
			}
			if err := setIndicatorCountsNullable(tx, false); err != nil {
				return err
			}
			if err := tx.Migrator().DropTable(&draft{}); err != nil {
				return err
			}
			return tx.Exec("ALTER TABLE follow_ups DROP COLUMN version").Error
		},
	}
}

// setIndicatorCountsNullable drops (or restores) NOT NULL DEFAULT 0 on the indicator counts.
// PostgreSQL alters the columns; SQLite, which cannot, rebuilds the table from its own DDL with
// the constraint edited, then its indexes and triggers.
func setIndicatorCountsNullable(tx *gorm.DB, nullable bool) error {
	if tx.Dialector.Name() == "postgres" {
		for _, col := range indicatorCounts {
			stmt := fmt.Sprintf("ALTER TABLE monthly_indicators ALTER COLUMN %s DROP NOT NULL, ALTER COLUMN %s DROP DEFAULT", col, col)
			if !nullable {
				stmt = fmt.Sprintf("ALTER TABLE monthly_indicators ALTER COLUMN %s SET NOT NULL, ALTER COLUMN %s SET DEFAULT 0", col, col)
			}
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		return nil
	}
	var ddl string
	if err := tx.Raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'monthly_indicators'").Scan(&ddl).Error; err != nil {
		return err
	}
	for _, col := range indicatorCounts {
		if nullable {
			re := regexp.MustCompile("(`" + col + "` integer) NOT NULL DEFAULT 0")
			if !re.MatchString(ddl) {
				return fmt.Errorf("migrations: monthly_indicators.%s: unexpected definition in %s", col, ddl)
			}
			ddl = re.ReplaceAllString(ddl, "$1")
		} else {
			ddl = strings.Replace(ddl, "`"+col+"` integer", "`"+col+"` integer NOT NULL DEFAULT 0", 1)
		}
	}
	var others []string
	if err := tx.Raw("SELECT sql FROM sqlite_master WHERE tbl_name = 'monthly_indicators' AND type IN ('index', 'trigger') AND sql IS NOT NULL").
		Scan(&others).Error; err != nil {
		return err
	}
	stmts := []string{
		strings.Replace(ddl, "`monthly_indicators`", "`monthly_indicators_m0011`", 1),
		"INSERT INTO monthly_indicators_m0011 SELECT * FROM monthly_indicators",
		"DROP TABLE monthly_indicators",
		"ALTER TABLE monthly_indicators_m0011 RENAME TO monthly_indicators",
	}
	for _, s := range append(stmts, others...) {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%w: %s", err, s)
		}
	}
	return nil
}
