package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models/calendar"
)

// RiskLevel is the dropout risk of a pupil, computed from the monthly indicators by the rules
// of RiskRules: faible, modéré or élevé. It is stored on the pupil so that lists filter and
// sort by it, and always shown with its reasons (RiskAssessment).
type RiskLevel string

// The risk levels.
const (
	RiskLow    RiskLevel = "low"
	RiskMedium RiskLevel = "medium"
	RiskHigh   RiskLevel = "high"
)

// RiskLevels lists the levels from the lowest to the highest.
var RiskLevels = []RiskLevel{RiskLow, RiskMedium, RiskHigh}

// Valid tells whether l is one of RiskLevels.
func (l RiskLevel) Valid() bool { return oneOf(l, RiskLevels) }

// The rule codes of RiskReason.Rule. They are stable and in English so that the interface may
// translate them later; the French sentence is RiskReason.Text.
const (
	// RuleMonthlyAlert: unjustified half-days of the month at or over the alert threshold.
	RuleMonthlyAlert = "monthly_unjustified_alert"
	// RuleMonthlyWatch: unjustified half-days of the month between the two thresholds.
	RuleMonthlyWatch = "monthly_unjustified_watch"
	// RuleChronicAbsence: absence rate over the school year at or over the threshold.
	RuleChronicAbsence = "chronic_absence"
	// RuleExclusions: temporary exclusions this school year.
	RuleExclusions = "temporary_exclusions"
	// RuleIncidents: incidents this school year.
	RuleIncidents = "incidents"
	// RuleLowAverage: the term average under the threshold.
	RuleLowAverage = "low_term_average"
	// RuleAverageDrop: the term average fell since the previous term.
	RuleAverageDrop = "term_average_drop"
)

// RiskRules holds every threshold and weight of the risk level. DefaultRiskRules are those of
// DESIGN.md; an administrator may change them (SaveRiskRules), and they are stored as JSON
// under the setting RiskRulesKey. The JSON names are also the field names of ValidationError.
// A rule worth 0 points is switched off.
type RiskRules struct {
	// MonthlyAlertHalfDays: unjustified half-days in one calendar month from which the DASEN
	// must be alerted (legal threshold: 4).
	MonthlyAlertHalfDays int `json:"monthly_alert_half_days"`
	MonthlyAlertPoints   int `json:"monthly_alert_points"`
	// MonthlyWatchHalfDays: unjustified half-days in one month that already count, under the
	// alert threshold.
	MonthlyWatchHalfDays int `json:"monthly_watch_half_days"`
	MonthlyWatchPoints   int `json:"monthly_watch_points"`
	// ChronicAbsenceRate: share of the school half-days missed over the school year, justified
	// or not, from which absence is chronic (0.10 = 10 %).
	ChronicAbsenceRate   float64 `json:"chronic_absence_rate"`
	ChronicAbsencePoints int     `json:"chronic_absence_points"`
	// Exclusions: temporary exclusions this school year from which the rule applies.
	Exclusions      int `json:"exclusions"`
	ExclusionPoints int `json:"exclusion_points"`
	// Incidents: incidents this school year from which the rule applies.
	Incidents      int `json:"incidents"`
	IncidentPoints int `json:"incident_points"`
	// LowAverage: a term average strictly under it counts (out of 20).
	LowAverage       float64 `json:"low_average"`
	LowAveragePoints int     `json:"low_average_points"`
	// AverageDrop: a fall of at least so many points since the previous term counts.
	AverageDrop       float64 `json:"average_drop"`
	AverageDropPoints int     `json:"average_drop_points"`
	// MediumFrom and HighFrom: the scores from which the level is medium, then high.
	MediumFrom int `json:"medium_from"`
	HighFrom   int `json:"high_from"`
}

// DefaultRiskRules are the rules of DESIGN.md.
var DefaultRiskRules = RiskRules{
	MonthlyAlertHalfDays: 4, MonthlyAlertPoints: 2,
	MonthlyWatchHalfDays: 2, MonthlyWatchPoints: 1,
	ChronicAbsenceRate: 0.10, ChronicAbsencePoints: 2,
	Exclusions: 1, ExclusionPoints: 2,
	Incidents: 3, IncidentPoints: 1,
	LowAverage: 8, LowAveragePoints: 1,
	AverageDrop: 3, AverageDropPoints: 1,
	MediumFrom: 2, HighFrom: 4,
}

// maxRulePoints bounds the weight of one rule: beyond it, one rule alone would swamp the others.
const maxRulePoints = 10

// Validate checks that the rules make sense, with a French message per field.
func (r RiskRules) Validate() error {
	v := ValidationError{}
	// A month has at most 62 half-days (the database refuses more).
	if r.MonthlyAlertHalfDays < 1 || r.MonthlyAlertHalfDays > 62 {
		v.Add("monthly_alert_half_days", "le seuil d'alerte doit être un nombre de demi-journées entre 1 et 62")
	}
	if r.MonthlyWatchHalfDays < 1 {
		v.Add("monthly_watch_half_days", "le seuil de vigilance doit être d'au moins 1 demi-journée")
	} else if r.MonthlyAlertHalfDays >= 1 && r.MonthlyWatchHalfDays >= r.MonthlyAlertHalfDays {
		v.Add("monthly_watch_half_days", "le seuil de vigilance doit être inférieur au seuil d'alerte")
	}
	if !(r.ChronicAbsenceRate > 0 && r.ChronicAbsenceRate <= 1) {
		v.Add("chronic_absence_rate", "le taux d'absence doit être supérieur à 0 % et au plus de 100 %")
	}
	if r.Exclusions < 1 {
		v.Add("exclusions", "le nombre d'exclusions temporaires doit être d'au moins 1")
	}
	if r.Incidents < 1 {
		v.Add("incidents", "le nombre d'incidents doit être d'au moins 1")
	}
	if !(r.LowAverage > 0 && r.LowAverage <= 20) {
		v.Add("low_average", "la moyenne doit être supérieure à 0 et au plus de 20")
	}
	if !(r.AverageDrop > 0 && r.AverageDrop <= 20) {
		v.Add("average_drop", "la baisse doit être supérieure à 0 et au plus de 20 points")
	}
	for field, points := range map[string]int{
		"monthly_alert_points": r.MonthlyAlertPoints, "monthly_watch_points": r.MonthlyWatchPoints,
		"chronic_absence_points": r.ChronicAbsencePoints, "exclusion_points": r.ExclusionPoints,
		"incident_points": r.IncidentPoints, "low_average_points": r.LowAveragePoints,
		"average_drop_points": r.AverageDropPoints,
	} {
		if points < 0 || points > maxRulePoints {
			v.Add(field, fmt.Sprintf("les points doivent être compris entre 0 et %d", maxRulePoints))
		}
	}
	if r.MediumFrom < 1 {
		v.Add("medium_from", "le niveau modéré doit commencer à un score d'au moins 1")
	}
	if r.HighFrom <= r.MediumFrom {
		v.Add("high_from", "le niveau élevé doit commencer à un score supérieur à celui du niveau modéré")
	}
	return v.OrNil()
}

// Level turns a score into a level.
func (r RiskRules) Level(score int) RiskLevel {
	switch {
	case score >= r.HighFrom:
		return RiskHigh
	case score >= r.MediumFrom:
		return RiskMedium
	}
	return RiskLow
}

// RiskReason is one rule that applied, with the figures that made it apply, so that the level
// is never shown without what it comes from.
type RiskReason struct {
	// Rule is one of the Rule… codes.
	Rule   string
	Points int
	// Month is the month of the figure: the month of the half-days (monthly rules) or of the
	// term average (average rules). Empty for the school-year rules.
	Month calendar.Month
	// Year is the school year of the school-year rules.
	Year calendar.SchoolYear
	// Value is the figure: half-days, rate (0.12), exclusions, incidents, average, or the drop
	// in points.
	Value float64
	// Threshold is the rule's threshold, in the unit of Value.
	Threshold float64
	// Previous and PreviousMonth are the previous term's average and month (RuleAverageDrop).
	Previous      float64
	PreviousMonth calendar.Month
}

// Text is the reason as one French sentence, e.g. « 5 demi-journées d'absence non justifiées
// en novembre 2026 (seuil d'alerte : 4) : +2 ».
func (r RiskReason) Text() string {
	var s string
	switch r.Rule {
	case RuleMonthlyAlert, RuleMonthlyWatch:
		threshold := "seuil d'alerte"
		if r.Rule == RuleMonthlyWatch {
			threshold = "seuil de vigilance"
		}
		s = fmt.Sprintf("%s d'absence %s en %s (%s : %s)", plural(r.Value, "demi-journée", "demi-journées"),
			pluralWord(r.Value, "non justifiée", "non justifiées"), monthText(r.Month), threshold, FrenchNumber(r.Threshold, 2))
	case RuleChronicAbsence:
		s = fmt.Sprintf("taux d'absence de %s sur l'année scolaire %s (seuil : %s)",
			frenchPercent(r.Value), r.Year, frenchPercent(r.Threshold))
	case RuleExclusions:
		s = plural(r.Value, "exclusion temporaire", "exclusions temporaires") + " cette année scolaire"
		if r.Threshold > 1 {
			s += fmt.Sprintf(" (seuil : %s)", FrenchNumber(r.Threshold, 2))
		}
	case RuleIncidents:
		s = fmt.Sprintf("%s cette année scolaire (seuil : %s)", plural(r.Value, "incident", "incidents"),
			FrenchNumber(r.Threshold, 2))
	case RuleLowAverage:
		s = fmt.Sprintf("moyenne du trimestre %s/20 (sous %s/20)", FrenchNumber(r.Value, 2), FrenchNumber(r.Threshold, 2))
	case RuleAverageDrop:
		s = fmt.Sprintf("baisse de %s depuis le trimestre précédent", plural(r.Value, "point", "points"))
	default:
		s = r.Rule
	}
	// French typography: a non-breaking space before the colon, so that « : +2 » never wraps
	// onto a line of its own.
	return strings.ReplaceAll(fmt.Sprintf("%s : +%d", s, r.Points), " : ", "\u00a0: ")
}

// RiskAssessment is a pupil's risk as of a month: the level, the score it comes from, and the
// reasons that make up the score, in the order of the rules.
type RiskAssessment struct {
	Level   RiskLevel
	Score   int
	Reasons []RiskReason
	// Month is the month the assessment is made for (asOf).
	Month calendar.Month
}

// Assess computes a pupil's risk as of the month asOf from their monthly indicators, given in
// any order (one row per month, as the database guarantees; rows after asOf are ignored). It
// reads nothing else, so that the same figures always give the same level.
//
// How the rules of DESIGN.md are read:
//   - Unjustified half-days in one calendar month: the latest month up to asOf that has
//     indicators, provided it is asOf itself or the month before (the figures of a month are
//     entered in the first days of the next one). An older month no longer alerts: it has been
//     dealt with, or the pupil has left. The alert tier and the watch tier do not add up.
//   - "This school year" is the months of asOf's school year (September to August) up to asOf:
//     exclusions and incidents are summed over them, and start again from zero on 1 September.
//   - The absence rate is (unjustified + justified half-days) / school half-days, both summed
//     over the months of the school year (up to asOf) whose school half-days are known; months
//     without them are left out of both, and with no such month the rule does not apply.
//   - The term average is the latest one entered in a month up to asOf and within the last 12
//     months (asOf and the 11 before): under the threshold (strictly) it counts. The previous
//     term is the latest average entered before it, within the 12 months before its month; a
//     fall of at least the threshold counts. Averages are kept to the hundredth, and so are
//     the drops compared.
func (r RiskRules) Assess(indicators []MonthlyIndicator, asOf calendar.Month) RiskAssessment {
	out := RiskAssessment{Month: asOf}
	now, ok := calendar.MonthIndex(asOf)
	if !ok {
		out.Level = r.Level(0)
		return out
	}
	yearStart := now - (now%12+4)%12 // the September of asOf's school year
	year := calendar.SchoolYear{StartYear: yearStart / 12}

	latest := -1 // month index of the latest row up to asOf
	var latestRow *MonthlyIndicator
	var absent, school, exclusions, incidents int
	// Rows with a term average within 24 months: the term and the previous term are among them.
	var averaged []*MonthlyIndicator
	var averagedMonths []int
	for i := range indicators {
		ind := &indicators[i]
		m, ok := calendar.MonthIndex(ind.Month)
		if !ok || m > now {
			continue
		}
		if m > latest {
			latest, latestRow = m, ind
		}
		if m >= yearStart {
			exclusions += ind.TemporaryExclusions
			incidents += ind.Incidents
			if ind.SchoolHalfDays != nil {
				absent += ind.UnjustifiedHalfDays + ind.JustifiedHalfDays
				school += *ind.SchoolHalfDays
			}
		}
		if ind.TermAverage != nil && m > now-24 {
			averaged = append(averaged, ind)
			averagedMonths = append(averagedMonths, m)
		}
	}
	add := func(reason RiskReason) {
		if reason.Points > 0 {
			out.Score += reason.Points
			out.Reasons = append(out.Reasons, reason)
		}
	}

	if latestRow != nil && latest >= now-1 {
		u := latestRow.UnjustifiedHalfDays
		switch {
		case u >= r.MonthlyAlertHalfDays:
			add(RiskReason{Rule: RuleMonthlyAlert, Points: r.MonthlyAlertPoints, Month: latestRow.Month,
				Value: float64(u), Threshold: float64(r.MonthlyAlertHalfDays)})
		case u >= r.MonthlyWatchHalfDays:
			add(RiskReason{Rule: RuleMonthlyWatch, Points: r.MonthlyWatchPoints, Month: latestRow.Month,
				Value: float64(u), Threshold: float64(r.MonthlyWatchHalfDays)})
		}
	}
	// The tolerance absorbs the binary representation of the rate: 10 of 100 half-days is 10 %.
	if school > 0 && float64(absent) >= r.ChronicAbsenceRate*float64(school)-1e-9 {
		add(RiskReason{Rule: RuleChronicAbsence, Points: r.ChronicAbsencePoints, Year: year,
			Value: float64(absent) / float64(school), Threshold: r.ChronicAbsenceRate})
	}
	if exclusions >= r.Exclusions {
		add(RiskReason{Rule: RuleExclusions, Points: r.ExclusionPoints, Year: year,
			Value: float64(exclusions), Threshold: float64(r.Exclusions)})
	}
	if incidents >= r.Incidents {
		add(RiskReason{Rule: RuleIncidents, Points: r.IncidentPoints, Year: year,
			Value: float64(incidents), Threshold: float64(r.Incidents)})
	}

	// latestAverage is the latest averaged row in the months (lo, hi], or nil.
	latestAverage := func(lo, hi int) (*MonthlyIndicator, int) {
		var row *MonthlyIndicator
		month := lo
		for k, ind := range averaged {
			if m := averagedMonths[k]; m > month && m <= hi {
				row, month = ind, m
			}
		}
		return row, month
	}
	if term, termMonth := latestAverage(now-12, now); term != nil {
		average := hundredths(*term.TermAverage)
		if average < hundredths(r.LowAverage) {
			add(RiskReason{Rule: RuleLowAverage, Points: r.LowAveragePoints, Month: term.Month,
				Value: average, Threshold: r.LowAverage})
		}
		if prev, _ := latestAverage(termMonth-12, termMonth-1); prev != nil {
			previous := hundredths(*prev.TermAverage)
			if drop := hundredths(previous - average); drop >= hundredths(r.AverageDrop) {
				add(RiskReason{Rule: RuleAverageDrop, Points: r.AverageDropPoints, Month: term.Month,
					Value: drop, Threshold: r.AverageDrop, Previous: previous, PreviousMonth: prev.Month})
			}
		}
	}
	out.Level = r.Level(out.Score)
	return out
}

// riskWindow is the range of months Assess reads for asOf: the average rules look back at most
// 22 months (a previous term up to 11 months before a term up to 11 months before asOf), further
// than the school year and the month before. RecomputeRisk loads only these months.
func riskWindow(asOf calendar.Month) (from, to calendar.Month, ok bool) {
	now, ok := calendar.MonthIndex(asOf)
	if !ok {
		return "", "", false
	}
	return monthAt(now - 22), asOf, true
}

// History assesses the pupil as of each month of the school year, up to upTo, that has
// indicators: the risk history shown on a pupil's file, oldest first.
func (r RiskRules) History(indicators []MonthlyIndicator, year calendar.SchoolYear, upTo calendar.Month) []RiskAssessment {
	has := make(map[calendar.Month]bool, len(indicators))
	for _, ind := range indicators {
		has[ind.Month] = true
	}
	var out []RiskAssessment
	for _, m := range year.Months() {
		if m > upTo {
			break
		}
		if has[m] {
			out = append(out, r.Assess(indicators, m))
		}
	}
	return out
}

// RiskRulesKey is the setting that holds the rules as JSON.
const RiskRulesKey = "risk.rules"

// LoadRiskRules reads the rules from the settings, or DefaultRiskRules when none are stored.
// A threshold missing from the stored JSON (one added after it was saved) keeps its default.
func LoadRiskRules(ctx context.Context, db *gorm.DB) (RiskRules, error) {
	var s Setting
	err := db.WithContext(ctx).Where(&Setting{Key: RiskRulesKey}).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultRiskRules, nil
	}
	if err != nil {
		return RiskRules{}, fmt.Errorf("models: load setting %s: %w", RiskRulesKey, err)
	}
	rules := DefaultRiskRules
	if err := json.Unmarshal([]byte(s.Value), &rules); err != nil {
		return RiskRules{}, fmt.Errorf("models: setting %s is not readable: %w", RiskRulesKey, err)
	}
	if err := rules.Validate(); err != nil {
		return RiskRules{}, fmt.Errorf("models: setting %s is invalid: %w", RiskRulesKey, err)
	}
	return rules, nil
}

// SaveRiskRules validates and stores the rules, and recomputes every pupil's stored risk as of
// the month of now, in one transaction: lists never show levels from the former rules. Invalid
// rules come back as a ValidationError and change nothing.
func SaveRiskRules(ctx context.Context, db *gorm.DB, now time.Time, rules RiskRules) error {
	if err := rules.Validate(); err != nil {
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
func RecomputeRisk(ctx context.Context, db *gorm.DB, rules RiskRules, asOf calendar.Month, pupilIDs ...uint) error {
	from, to, ok := riskWindow(asOf)
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
func recomputeRiskBatch(tx *gorm.DB, rules RiskRules, asOf, from, to calendar.Month, pupils *gorm.DB) (uint, error) {
	var stored []struct {
		ID        uint
		RiskLevel RiskLevel
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
	type risk struct {
		level RiskLevel
		score int
	}
	changed := map[risk][]uint{}
	for _, p := range stored {
		a := rules.Assess(byPupil[p.ID], asOf)
		if a.Level != p.RiskLevel || a.Score != p.RiskScore {
			k := risk{a.Level, a.Score}
			changed[k] = append(changed[k], p.ID)
		}
	}
	// In a fixed order, so that two recomputations at once take their row locks in the same order.
	keys := make([]risk, 0, len(changed))
	for k := range changed {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b risk) int {
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
func loadRiskIndicators(tx *gorm.DB, ids []uint, first, last uint, from, to calendar.Month) (map[uint][]MonthlyIndicator, error) {
	rows, err := tx.Model(&MonthlyIndicator{}).
		Select("pupil_id, month, unjustified_half_days, justified_half_days, school_half_days, temporary_exclusions, incidents, term_average").
		Where("pupil_id IN ? AND pupil_id BETWEEN ? AND ? AND month BETWEEN ? AND ?", ids, first, last, from, to).
		Rows()
	if err != nil {
		return nil, fmt.Errorf("models: recompute risk: read indicators: %w", err)
	}
	defer rows.Close()
	out := make(map[uint][]MonthlyIndicator, len(ids))
	for rows.Next() {
		var m MonthlyIndicator
		var school sql.NullInt64
		var average sql.NullFloat64
		if err := rows.Scan(&m.PupilID, &m.Month, &m.UnjustifiedHalfDays, &m.JustifiedHalfDays, &school,
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
		out[m.PupilID] = append(out[m.PupilID], m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("models: recompute risk: read indicators: %w", err)
	}
	return out, nil
}

func monthAt(i int) calendar.Month {
	return calendar.Month(fmt.Sprintf("%04d-%02d", i/12, i%12+1))
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// monthText writes "novembre 2026".
func monthText(m calendar.Month) string {
	i, ok := calendar.MonthIndex(m)
	if !ok {
		return string(m)
	}
	return fmt.Sprintf("%s %d", frenchMonths[i%12], i/12)
}

func hundredths(v float64) float64 { return math.Round(v*100) / 100 }

// FrenchNumber writes v the French way, with at most decimals decimals and no trailing zero:
// a decimal comma and a non-breaking space between thousands ("1 234,5").
func FrenchNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(c)
	}
	whole = b.String()
	if sign != "" && whole == "0" && frac == "" {
		sign = "" // no "-0"
	}
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "," + frac
}

// frenchPercent writes a rate (0.125) as "12,5 %", with a non-breaking space before the sign.
func frenchPercent(rate float64) string {
	return FrenchNumber(rate*100, 1) + "\u00a0%"
}

// plural writes "1 exclusion temporaire" or "2 exclusions temporaires": in French, under 2 is
// singular.
func plural(n float64, one, many string) string {
	return FrenchNumber(n, 2) + " " + pluralWord(n, one, many)
}

func pluralWord(n float64, one, many string) string {
	if math.Abs(n) < 2 {
		return one
	}
	return many
}
