package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// AccountNames gives the current display names of the accounts a page of the audit log
// mentions (its actors, and the accounts it is about), in one query.
func AccountNames(ctx context.Context, db *gorm.DB, ids []uint) (map[uint]string, error) {
	names := make(map[uint]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	var rows []struct {
		ID          uint
		DisplayName string
	}
	if err := db.WithContext(ctx).Model(&User{}).Select("id", "display_name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: account names: %w", err)
	}
	for _, r := range rows {
		names[r.ID] = r.DisplayName
	}
	return names, nil
}
