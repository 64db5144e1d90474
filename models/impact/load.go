package impact

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// Load measures the absence outcome of the active follow-ups started in the school year, in the
// given establishments (nil: the whole metropolis). Its figures are counts and means, never a
// pupil: they are for the anonymised annual review, whose small-count protection applies to
// the counts it prints.
func Load(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, establishments []uint) (Outcome, error) {
	histories, err := LoadHistories(ctx, db, y, establishments)
	if err != nil {
		return Outcome{}, err
	}
	return Measure(y, histories), nil
}

// LoadHistories reads, for every pupil file of the establishments (nil: all), the months its
// file was opened and its active follow-up started, and its unjustified half-days over the
// months the year's windows can reach: two queries, whatever the number of files.
func LoadHistories(ctx context.Context, db *gorm.DB, y calendar.SchoolYear, establishments []uint) ([]History, error) {
	db = db.WithContext(ctx)
	var files []struct {
		ID              uint
		EstablishmentID uint
		Opened          calendar.DBTime
		Started         calendar.DBTime
	}
	q := db.Table("pupils").
		Select("pupils.id, pupils.establishment_id, MIN(c.changed_at) AS opened, "+
			"MIN(CASE WHEN c.to_status = ? THEN c.changed_at END) AS started", models.StatusActive).
		Joins("JOIN pupil_status_changes c ON c.pupil_id = pupils.id").
		Group("pupils.id, pupils.establishment_id").Order("pupils.id")
	if establishments != nil {
		q = q.Where("pupils.establishment_id IN ?", nonEmpty(establishments))
	}
	if err := q.Scan(&files).Error; err != nil {
		return nil, fmt.Errorf("impact: status histories for %s: %w", y, err)
	}

	// The windows of the year's follow-ups reach from three school months before September to
	// three after August.
	first, _ := calendar.MonthIndex(y.Months()[0])
	before, after := windowMonths(first, -1), windowMonths(first+11, 1)
	// Read row by row, without GORM's reflection: tens of thousands of rows at metro scale.
	q = db.Table("monthly_indicators").Select("monthly_indicators.pupil_id, monthly_indicators.month, monthly_indicators.unjustified_half_days").
		Where("monthly_indicators.unjustified_half_days IS NOT NULL AND monthly_indicators.month BETWEEN ? AND ?",
			monthOfIndex(before[len(before)-1]), monthOfIndex(after[len(after)-1]))
	if establishments != nil {
		q = q.Joins("JOIN pupils ON pupils.id = monthly_indicators.pupil_id").
			Where("pupils.establishment_id IN ?", nonEmpty(establishments))
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, fmt.Errorf("impact: monthly indicators for %s: %w", y, err)
	}
	defer rows.Close()
	type indicator struct {
		pupil uint
		month int
		n     int
	}
	var indicators []indicator
	for rows.Next() {
		var ind indicator
		var m string
		if err := rows.Scan(&ind.pupil, &m, &ind.n); err != nil {
			return nil, fmt.Errorf("impact: monthly indicators for %s: %w", y, err)
		}
		var ok bool
		if ind.month, ok = calendar.MonthIndex(calendar.Month(m)); ok {
			indicators = append(indicators, ind)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("impact: monthly indicators for %s: %w", y, err)
	}

	histories := make([]History, 0, len(files))
	index := make(map[uint]int, len(files))
	for _, f := range files {
		h := History{ID: f.ID, Establishment: f.EstablishmentID, Opened: never, Started: never, Absences: map[int]int{}}
		if f.Opened.Valid {
			h.Opened, _ = calendar.MonthIndex(calendar.MonthOf(f.Opened.Time))
		}
		if f.Started.Valid {
			h.Started, _ = calendar.MonthIndex(calendar.MonthOf(f.Started.Time))
		}
		index[f.ID] = len(histories)
		histories = append(histories, h)
	}
	for _, ind := range indicators {
		if i, ok := index[ind.pupil]; ok {
			histories[i].Absences[ind.month] = ind.n
		}
	}
	return histories, nil
}

// nonEmpty keeps an empty list of establishments an empty set in SQL (IN (NULL) matches
// nothing), where GORM would otherwise write an empty IN ().
func nonEmpty(ids []uint) any {
	if len(ids) == 0 {
		return []any{nil}
	}
	return ids
}

// monthOfIndex writes a month index as a month, "2025-09".
func monthOfIndex(m int) calendar.Month {
	return calendar.Month(fmt.Sprintf("%04d-%02d", m/12, m%12+1))
}
