package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// EstablishmentNamesOfPupils maps each of the pupils ids to the name of its establishment, in
// one query: the worklist shows it on every line. The ids come from lists already bounded by
// the reader's scope.
func EstablishmentNamesOfPupils(ctx context.Context, db *gorm.DB, ids []uint) (map[uint]string, error) {
	out := make(map[uint]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   uint
		Name string
	}
	err := db.WithContext(ctx).Table("pupils").Select("pupils.id, establishments.name").
		Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Where("pupils.id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: establishments of %d pupils: %w", len(ids), err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
