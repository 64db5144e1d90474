package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// SmallCountKey is the setting of the small-count threshold of the anonymised reports.
const SmallCountKey = "reports.small_count_threshold"

// DefaultSmallCount is the threshold DESIGN.md sets: counts 1 to 4 print as "< 5".
const DefaultSmallCount = 5

// LoadSmallCountThreshold reads the small-count threshold, or the default.
func LoadSmallCountThreshold(ctx context.Context, db *gorm.DB) (int, error) {
	return loadIntSetting(ctx, db, SmallCountKey, DefaultSmallCount, 2, 20)
}

// SaveSmallCountThreshold stores the small-count threshold (2 to 20), audited.
func SaveSmallCountThreshold(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, n int) error {
	if n < 2 || n > 20 {
		return ValidationError{"threshold": Msg("report_settings.threshold_range")}
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s := Setting{Key: SmallCountKey, Value: strconv.Itoa(n), UpdatedAt: now.UTC()}
		if err := tx.Save(&s).Error; err != nil {
			return fmt.Errorf("models: save %s: %w", SmallCountKey, err)
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "setting", SmallCountKey, strconv.Itoa(n))
	})
}
