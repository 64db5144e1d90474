package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models/calendar"
	"mediation/models/risk"
)

// ValidateRiskRules checks that the rules make sense, with a French message per field: the
// rules are a form of the administrator's, and its errors a ValidationError.
func ValidateRiskRules(r risk.Rules) error {
	v := ValidationError{}
	// A month has at most 62 half-days (the database refuses more).
	if r.MonthlyAlertHalfDays < 1 || r.MonthlyAlertHalfDays > 62 {
		v.Add("monthly_alert_half_days", "risk_rules.alert_range")
	}
	if r.MonthlyWatchHalfDays < 1 {
		v.Add("monthly_watch_half_days", "risk_rules.watch_min")
	} else if r.MonthlyAlertHalfDays >= 1 && r.MonthlyWatchHalfDays >= r.MonthlyAlertHalfDays {
		v.Add("monthly_watch_half_days", "risk_rules.watch_below_alert")
	}
	if !(r.ChronicAbsenceRate > 0 && r.ChronicAbsenceRate <= 1) {
		v.Add("chronic_absence_rate", "risk_rules.chronic_rate_range")
	}
	if r.Exclusions < 1 {
		v.Add("exclusions", "risk_rules.exclusions_min")
	}
	if r.Incidents < 1 {
		v.Add("incidents", "risk_rules.incidents_min")
	}
	if !(r.LowAverage > 0 && r.LowAverage <= 20) {
		v.Add("low_average", "risk_rules.low_average_range")
	}
	if !(r.AverageDrop > 0 && r.AverageDrop <= 20) {
		v.Add("average_drop", "risk_rules.average_drop_range")
	}
	for field, points := range map[string]int{
		"monthly_alert_points": r.MonthlyAlertPoints, "monthly_watch_points": r.MonthlyWatchPoints,
		"chronic_absence_points": r.ChronicAbsencePoints, "exclusion_points": r.ExclusionPoints,
		"incident_points": r.IncidentPoints, "low_average_points": r.LowAveragePoints,
		"average_drop_points": r.AverageDropPoints,
	} {
		if points < 0 || points > risk.MaxRulePoints {
			v.Add(field, "risk_rules.points_range", "Max", risk.MaxRulePoints)
		}
	}
	if r.MediumFrom < 1 {
		v.Add("medium_from", "risk_rules.medium_from_min")
	}
	if r.HighFrom <= r.MediumFrom {
		v.Add("high_from", "risk_rules.high_above_medium")
	}
	return v.OrNil()
}

// RiskRulesKey is the setting that holds the rules as JSON.
const RiskRulesKey = "risk.rules"

// LoadRiskRules reads the rules from the settings, or DefaultRiskRules when none are stored.
// A threshold missing from the stored JSON (one added after it was saved) keeps its default.
func LoadRiskRules(ctx context.Context, db *gorm.DB) (risk.Rules, error) {
	var s Setting
	err := db.WithContext(ctx).Where(&Setting{Key: RiskRulesKey}).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return risk.DefaultRules, nil
	}
	if err != nil {
		return risk.Rules{}, fmt.Errorf("models: load setting %s: %w", RiskRulesKey, err)
	}
	rules := risk.DefaultRules
	if err := json.Unmarshal([]byte(s.Value), &rules); err != nil {
		return risk.Rules{}, fmt.Errorf("models: setting %s is not readable: %w", RiskRulesKey, err)
	}
	if err := ValidateRiskRules(rules); err != nil {
		return risk.Rules{}, fmt.Errorf("models: setting %s is invalid: %w", RiskRulesKey, err)
	}
	return rules, nil
}

// SaveRiskRules validates and stores the rules, and recomputes every pupil's stored risk as of
// the month of now, in one transaction: lists never show levels from the former rules. Invalid
// rules come back as a ValidationError and change nothing.
func SaveRiskRules(ctx context.Context, db *gorm.DB, now time.Time, rules risk.Rules) error {
	if err := ValidateRiskRules(rules); err != nil {
		return err
	}
	value, err := json.Marshal(rules)
	if err != nil {
		return fmt.Errorf("models: encode risk rules: %w", err)
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "key"}},
			DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"}),
		}).Create(&Setting{Key: RiskRulesKey, Value: string(value), UpdatedAt: now.UTC()}).Error
		if err != nil {
			return fmt.Errorf("models: save setting %s: %w", RiskRulesKey, err)
		}
		return RecomputeRisk(ctx, tx, rules, calendar.MonthOf(now))
	})
}

// riskBatch is how many pupils RecomputeRisk handles per query: small enough for any
// database's limit on parameters, large enough to keep the round trips few.
const riskBatch = 500

// RecomputeRisk recomputes the risk of the given pupils (every pupil when none is given) as of
// asOf and stores the level and score on the pupil rows. Per batch of pupils it reads their
// stored risk in one query and their indicators in one more (only the months Assess reads),
// then writes only the rows whose risk changed, one UPDATE per distinct (level, score). It
// touches neither version nor updated_at: the risk is derived, not an edit, and must not make
// a form that is open on the file stale. It runs in one transaction (a savepoint inside the
// caller's).
func RecomputeRisk(ctx context.Context, db *gorm.DB, rules risk.Rules, asOf calendar.Month, pupilIDs ...uint) error {
	from, to, ok := risk.Window(asOf)
	if !ok {
		return fmt.Errorf("models: recompute risk: month %q is invalid", asOf)
	}
	ids := slices.Clone(pupilIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(pupilIDs) > 0 {
			for start := 0; start < len(ids); start += riskBatch {
				batch := ids[start:min(start+riskBatch, len(ids))]
				if _, err := recomputeRiskBatch(tx, rules, asOf, from, to, tx.Where("id IN ?", batch)); err != nil {
					return err
				}
			}
			return nil
		}
		// Every pupil, by ranges of ids so that no query holds them all.
		var after uint
		for {
			last, err := recomputeRiskBatch(tx, rules, asOf, from, to, tx.Where("id > ?", after).Order("id").Limit(riskBatch))
			if err != nil {
				return err
			}
			if last == 0 {
				return nil
			}
			after = last
		}
	})
}

// recomputeRiskBatch recomputes the pupils that pupils selects and returns the highest id seen
// (0 when there was none).
func recomputeRiskBatch(tx *gorm.DB, rules risk.Rules, asOf, from, to calendar.Month, pupils *gorm.DB) (uint, error) {
	var stored []struct {
		ID        uint
		RiskLevel risk.Level
		RiskScore int
	}
	if err := pupils.Model(&Pupil{}).Select("id, risk_level, risk_score").Find(&stored).Error; err != nil {
		return 0, fmt.Errorf("models: recompute risk: read pupils: %w", err)
	}
	if len(stored) == 0 {
		return 0, nil
	}
	ids := make([]uint, len(stored))
	first, last := stored[0].ID, stored[0].ID
	for i, p := range stored {
		ids[i] = p.ID
		first, last = min(first, p.ID), max(last, p.ID)
	}
	byPupil, err := loadRiskIndicators(tx, ids, first, last, from, to)
	if err != nil {
		return 0, err
	}
	type level struct {
		level risk.Level
		score int
	}
	changed := map[level][]uint{}
	for _, p := range stored {
		a := rules.Assess(byPupil[p.ID], asOf)
		if a.Level != p.RiskLevel || a.Score != p.RiskScore {
			k := level{a.Level, a.Score}
			changed[k] = append(changed[k], p.ID)
		}
	}
	// In a fixed order, so that two recomputations at once take their row locks in the same order.
	keys := make([]level, 0, len(changed))
	for k := range changed {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b level) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return strings.Compare(string(a.level), string(b.level))
	})
	for _, k := range keys {
		ids := changed[k]
		err := tx.Exec("UPDATE pupils SET risk_level = ?, risk_score = ? WHERE id IN ?", k.level, k.score, ids).Error
		if err != nil {
			return 0, fmt.Errorf("models: recompute risk: store %d pupils: %w", len(ids), err)
		}
	}
	return last, nil
}

// loadRiskIndicators reads, in one query, the indicators of the pupils ids (first and last
// being the lowest and highest) for the months from from to to, by pupil. The range of ids
// repeats the list on purpose: it leads the planner to the (pupil_id, month) index even
// before the table has statistics, instead of reading every pupil's months through the month
// index. It scans the columns itself: GORM's reflection took most of the time of a
// recomputation of every pupil.
func loadRiskIndicators(tx *gorm.DB, ids []uint, first, last uint, from, to calendar.Month) (map[uint][]risk.Indicator, error) {
	rows, err := tx.Model(&MonthlyIndicator{}).
		Select("pupil_id, month, unjustified_half_days, justified_half_days, school_half_days, temporary_exclusions, incidents, term_average").
		Where("pupil_id IN ? AND pupil_id BETWEEN ? AND ? AND month BETWEEN ? AND ?", ids, first, last, from, to).
		Rows()
	if err != nil {
		return nil, fmt.Errorf("models: recompute risk: read indicators: %w", err)
	}
	defer rows.Close()
	out := make(map[uint][]risk.Indicator, len(ids))
	for rows.Next() {
		var pupilID uint
		var m risk.Indicator
		var school sql.NullInt64
		var average sql.NullFloat64
		if err := rows.Scan(&pupilID, &m.Month, &m.UnjustifiedHalfDays, &m.JustifiedHalfDays, &school,
			&m.TemporaryExclusions, &m.Incidents, &average); err != nil {
			return nil, fmt.Errorf("models: recompute risk: read indicators: %w", err)
		}
		if school.Valid {
			n := int(school.Int64)
			m.SchoolHalfDays = &n
		}
		if average.Valid {
			m.TermAverage = &average.Float64
		}
		out[pupilID] = append(out[pupilID], m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: recompute risk: read indicators: %w", err)
	}
	return out, nil
}

// RiskIndicators gives stored indicators as the risk rules read them.
func RiskIndicators(rows []MonthlyIndicator) []risk.Indicator {
	out := make([]risk.Indicator, len(rows))
	for i, m := range rows {
		out[i] = risk.Indicator{Month: m.Month, UnjustifiedHalfDays: m.UnjustifiedHalfDays, JustifiedHalfDays: m.JustifiedHalfDays,
			SchoolHalfDays: m.SchoolHalfDays, TemporaryExclusions: m.TemporaryExclusions, Incidents: m.Incidents, TermAverage: m.TermAverage}
	}
	return out
}
