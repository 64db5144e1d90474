package views

import (
	"strconv"

	"mediation/models/risk"
)

// RiskReason explains one rule of a risk level in the page's language, with its figures, such
// as « 5 demi-journées d'absence non justifiées en novembre 2026 (seuil d'alerte : 4) : +2 ».
// Each rule has its message ("risk.rule.<rule>"); the temporary exclusions name their
// threshold only above one, as any exclusion counts otherwise.
func (l *Localizer) RiskReason(r risk.Reason) string {
	key := "risk.rule." + r.Rule
	args := []any{"Value", l.decimals(r.Value, 2), "Threshold", l.decimals(r.Threshold, 2), "Points", r.Points}
	switch {
	case r.Rule == risk.RuleChronicAbsence:
		return l.T(key, append(args, "Percent", l.percent(r.Value*100), "ThresholdPercent", l.percent(r.Threshold*100),
			"Year", r.Year.String())...)
	case r.Rule == risk.RuleLowAverage:
		// The month says which term: a June average still counts in November.
		return l.T(key, append(args, "Month", l.MonthName(r.Month))...)
	case r.Rule == risk.RuleAverageDrop:
		args = append(args, "Previous", l.decimals(r.Previous, 2), "PreviousMonth", l.MonthName(r.PreviousMonth),
			"Current", l.decimals(r.Previous-r.Value, 2))
	case r.Rule == risk.RuleExclusions && r.Threshold > 1:
		key += "_threshold"
	}
	// The figure chooses the plural of the words after it (under 2 is singular in French): it
	// goes to the plural rules unrounded.
	return l.T(key, append(args, "Count", strconv.FormatFloat(r.Value, 'f', -1, 64), "Month", l.MonthName(r.Month))...)
}
