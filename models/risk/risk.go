// Package risk is the dropout risk of a pupil: the transparent rules of DESIGN.md and the
// assessment they make of a pupil's monthly indicators, as pure functions. Reading the
// indicators, storing the rules and the levels stay in models (RecomputeRisk, SaveRiskRules).
package risk

import (
	"fmt"
	"math"
	"slices"

	"mediation/models/calendar"
)

// Indicator is one month of a pupil's indicators, as the rules read them.
// A count left empty is nil: "not entered", which the rules ignore (never read as zero).
type Indicator struct {
	Month               calendar.Month
	UnjustifiedHalfDays *int
	JustifiedHalfDays   *int
	// SchoolHalfDays is the number of half-days of school of the month, when known.
	SchoolHalfDays      *int
	TemporaryExclusions *int
	Incidents           *int
	// TermAverage is the term average (/20) entered that month, if any.
	TermAverage *float64
}

// MaxRulePoints bounds the weight of one rule: beyond it, one rule alone would swamp the others.
const MaxRulePoints = 10

// Level is the dropout risk of a pupil, computed from the monthly indicators by the rules
// of Rules: faible, modéré or élevé. It is stored on the pupil so that lists filter and
// sort by it, and always shown with its reasons (Assessment).
type Level string

// The risk levels.
const (
	Low    Level = "low"
	Medium Level = "medium"
	High   Level = "high"
)

// Levels lists the levels from the lowest to the highest.
var Levels = []Level{Low, Medium, High}

// Valid tells whether l is one of Levels.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// The rule codes of Reason.Rule. They are stable and in English so that the interface may
// translate them later; the French sentence is Reason.Text.
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

// Rules holds every threshold and weight of the risk level. DefaultRules are those of
// DESIGN.md; an administrator may change them (models.SaveRiskRules), and they are stored as JSON
// under the setting models.RiskRulesKey. The JSON names are also the fields of the errors of
// models.ValidateRiskRules.
// A rule worth 0 points is switched off.
type Rules struct {
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

// DefaultRules are the rules of DESIGN.md.
var DefaultRules = Rules{
	MonthlyAlertHalfDays: 4, MonthlyAlertPoints: 2,
	MonthlyWatchHalfDays: 2, MonthlyWatchPoints: 1,
	ChronicAbsenceRate: 0.10, ChronicAbsencePoints: 2,
	Exclusions: 1, ExclusionPoints: 2,
	Incidents: 3, IncidentPoints: 1,
	LowAverage: 8, LowAveragePoints: 1,
	AverageDrop: 3, AverageDropPoints: 1,
	MediumFrom: 2, HighFrom: 4,
}

// Level turns a score into a level.
func (r Rules) Level(score int) Level {
	switch {
	case score >= r.HighFrom:
		return High
	case score >= r.MediumFrom:
		return Medium
	}
	return Low
}

// Reason is one rule that applied, with the figures that made it apply, so that the level
// is never shown without what it comes from.
type Reason struct {
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

// Assessment is a pupil's risk as of a month: the level, the score it comes from, and the
// reasons that make up the score, in the order of the rules.
type Assessment struct {
	Level   Level
	Score   int
	Reasons []Reason
	// Month is the month the assessment is made for (asOf).
	Month calendar.Month
}

// Assess computes a pupil's risk as of the month asOf from their monthly indicators, given in
// any order (one row per month, as the database guarantees; rows after asOf are ignored). It
// reads nothing else, so that the same figures always give the same level.
//
// How the rules of DESIGN.md are read:
//   - A count not entered (nil) is ignored: it neither adds nor resets anything.
//   - Unjustified half-days in one calendar month: the latest month up to asOf whose
//     unjustified half-days were entered, provided it is asOf itself or the month before (the figures of a month are
//     entered in the first days of the next one). An older month no longer alerts: it has been
//     dealt with, or the pupil has left. The alert tier and the watch tier do not add up.
//   - "This school year" is the months of asOf's school year (September to August) up to asOf:
//     exclusions and incidents are summed over them, and start again from zero on 1 September.
//   - The absence rate is (unjustified + justified half-days) / school half-days, both summed
//     over the months of the school year (up to asOf) whose school half-days and unjustified
//     half-days are known (justified ones not entered count none); other months are left out of
//     both, and with no such month the rule does not apply.
//   - The term average is the latest one entered in a month up to asOf and within the last 12
//     months (asOf and the 11 before): under the threshold (strictly) it counts. The previous
//     term is the latest average entered before it, within the 12 months before its month; a
//     fall of at least the threshold counts. Averages are kept to the hundredth, and so are
//     the drops compared.
func (r Rules) Assess(indicators []Indicator, asOf calendar.Month) Assessment {
	out := Assessment{Month: asOf}
	now, ok := calendar.MonthIndex(asOf)
	if !ok {
		out.Level = r.Level(0)
		return out
	}
	yearStart := now - (now%12+4)%12 // the September of asOf's school year
	year := calendar.SchoolYear{StartYear: yearStart / 12}

	latest := -1 // month index of the latest row up to asOf
	var latestRow *Indicator
	var absent, school, exclusions, incidents int
	// Rows with a term average within 24 months: the term and the previous term are among them.
	var averaged []*Indicator
	var averagedMonths []int
	for i := range indicators {
		ind := &indicators[i]
		m, ok := calendar.MonthIndex(ind.Month)
		if !ok || m > now {
			continue
		}
		if m > latest && ind.UnjustifiedHalfDays != nil {
			latest, latestRow = m, ind
		}
		if m >= yearStart {
			exclusions += entered(ind.TemporaryExclusions)
			incidents += entered(ind.Incidents)
			if ind.SchoolHalfDays != nil && ind.UnjustifiedHalfDays != nil {
				absent += *ind.UnjustifiedHalfDays + entered(ind.JustifiedHalfDays)
				school += *ind.SchoolHalfDays
			}
		}
		if ind.TermAverage != nil && m > now-24 {
			averaged = append(averaged, ind)
			averagedMonths = append(averagedMonths, m)
		}
	}
	add := func(reason Reason) {
		if reason.Points > 0 {
			out.Score += reason.Points
			out.Reasons = append(out.Reasons, reason)
		}
	}

	if latestRow != nil && latest >= now-1 {
		u := *latestRow.UnjustifiedHalfDays
		switch {
		case u >= r.MonthlyAlertHalfDays:
			add(Reason{Rule: RuleMonthlyAlert, Points: r.MonthlyAlertPoints, Month: latestRow.Month,
				Value: float64(u), Threshold: float64(r.MonthlyAlertHalfDays)})
		case u >= r.MonthlyWatchHalfDays:
			add(Reason{Rule: RuleMonthlyWatch, Points: r.MonthlyWatchPoints, Month: latestRow.Month,
				Value: float64(u), Threshold: float64(r.MonthlyWatchHalfDays)})
		}
	}
	// The tolerance absorbs the binary representation of the rate: 10 of 100 half-days is 10 %.
	if school > 0 && float64(absent) >= r.ChronicAbsenceRate*float64(school)-1e-9 {
		add(Reason{Rule: RuleChronicAbsence, Points: r.ChronicAbsencePoints, Year: year,
			Value: float64(absent) / float64(school), Threshold: r.ChronicAbsenceRate})
	}
	if exclusions >= r.Exclusions {
		add(Reason{Rule: RuleExclusions, Points: r.ExclusionPoints, Year: year,
			Value: float64(exclusions), Threshold: float64(r.Exclusions)})
	}
	if incidents >= r.Incidents {
		add(Reason{Rule: RuleIncidents, Points: r.IncidentPoints, Year: year,
			Value: float64(incidents), Threshold: float64(r.Incidents)})
	}

	// latestAverage is the latest averaged row in the months (lo, hi], or nil.
	latestAverage := func(lo, hi int) (*Indicator, int) {
		var row *Indicator
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
			add(Reason{Rule: RuleLowAverage, Points: r.LowAveragePoints, Month: term.Month,
				Value: average, Threshold: r.LowAverage})
		}
		if prev, _ := latestAverage(termMonth-12, termMonth-1); prev != nil {
			previous := hundredths(*prev.TermAverage)
			if drop := hundredths(previous - average); drop >= hundredths(r.AverageDrop) {
				add(Reason{Rule: RuleAverageDrop, Points: r.AverageDropPoints, Month: term.Month,
					Value: drop, Threshold: r.AverageDrop, Previous: previous, PreviousMonth: prev.Month})
			}
		}
	}
	out.Level = r.Level(out.Score)
	return out
}

// Window is the range of months Assess reads for asOf: the average rules look back at most
// 22 months (a previous term up to 11 months before a term up to 11 months before asOf), further
// than the school year and the month before. models.RecomputeRisk loads only these months.
func Window(asOf calendar.Month) (from, to calendar.Month, ok bool) {
	now, ok := calendar.MonthIndex(asOf)
	if !ok {
		return "", "", false
	}
	return monthAt(now - 22), asOf, true
}

// History assesses the pupil as of each month of the school year, up to upTo, that has
// indicators: the risk history shown on a pupil's file, oldest first.
func (r Rules) History(indicators []Indicator, year calendar.SchoolYear, upTo calendar.Month) []Assessment {
	has := make(map[calendar.Month]bool, len(indicators))
	for _, ind := range indicators {
		has[ind.Month] = true
	}
	var out []Assessment
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

func monthAt(i int) calendar.Month {
	return calendar.Month(fmt.Sprintf("%04d-%02d", i/12, i%12+1))
}

func hundredths(v float64) float64 { return math.Round(v*100) / 100 }

// entered is a count as the sums read it: one not entered adds nothing.
func entered(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
