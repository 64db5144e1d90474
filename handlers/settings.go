package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mediation/models"
	"mediation/models/risk"
	"mediation/views"
)

// RiskRulesPage is the form of the risk thresholds and weights.
type RiskRulesPage struct {
	views.Page
	Values map[string]string
	Errors map[string]string
}

// Get returns a value of the form.
func (p RiskRulesPage) Get(name string) string { return p.Values[name] }

func riskRuleValues(r risk.Rules) map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	i := strconv.Itoa
	return map[string]string{
		"monthly_alert_half_days": i(r.MonthlyAlertHalfDays), "monthly_alert_points": i(r.MonthlyAlertPoints),
		"monthly_watch_half_days": i(r.MonthlyWatchHalfDays), "monthly_watch_points": i(r.MonthlyWatchPoints),
		"chronic_absence_rate": f(r.ChronicAbsenceRate * 100), "chronic_absence_points": i(r.ChronicAbsencePoints),
		"exclusions": i(r.Exclusions), "exclusion_points": i(r.ExclusionPoints), "incidents": i(r.Incidents),
		"incident_points": i(r.IncidentPoints), "low_average": f(r.LowAverage), "low_average_points": i(r.LowAveragePoints),
		"average_drop": f(r.AverageDrop), "average_drop_points": i(r.AverageDropPoints), "medium_from": i(r.MediumFrom),
		"high_from": i(r.HighFrom),
	}
}

// RiskRulesForm shows the thresholds in force.
func (h *Handlers) RiskRulesForm(c echo.Context) error {
	rules, err := models.LoadRiskRules(c.Request().Context(), h.DB)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "risk_rules", RiskRulesPage{Page: h.page(c, "risk_rules.title"), Values: riskRuleValues(rules)})
}

// SaveRiskRules stores new thresholds and recomputes every pupil's risk level.
func (h *Handlers) SaveRiskRules(c echo.Context) error {
	v := models.ValidationError{}
	num := func(name string) float64 {
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(c.FormValue(name)), ",", "."), 64)
		if err != nil {
			v.Add(name, "field.number_expected")
		}
		return f
	}
	whole := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
		if err != nil {
			v.Add(name, "field.integer_expected")
		}
		return n
	}
	r := risk.Rules{
		MonthlyAlertHalfDays: whole("monthly_alert_half_days"), MonthlyAlertPoints: whole("monthly_alert_points"),
		MonthlyWatchHalfDays: whole("monthly_watch_half_days"), MonthlyWatchPoints: whole("monthly_watch_points"),
		ChronicAbsenceRate: num("chronic_absence_rate") / 100, ChronicAbsencePoints: whole("chronic_absence_points"),
		Exclusions: whole("exclusions"), ExclusionPoints: whole("exclusion_points"), Incidents: whole("incidents"),
		IncidentPoints: whole("incident_points"), LowAverage: num("low_average"), LowAveragePoints: whole("low_average_points"),
		AverageDrop: num("average_drop"), AverageDropPoints: whole("average_drop_points"), MediumFrom: whole("medium_from"),
		HighFrom: whole("high_from"),
	}
	// Every field gets its message at once: what does not parse, and what the rules refuse.
	var ruleErrs models.ValidationError
	if errors.As(models.ValidateRiskRules(r), &ruleErrs) {
		for field, msg := range ruleErrs {
			v.Put(field, msg)
		}
	}
	err := v.OrNil()
	if err == nil {
		err = models.SaveRiskRulesAudited(c.Request().Context(), h.DB, actor(c), h.Now(), r)
	}
	var ve models.ValidationError
	if errors.As(err, &ve) {
		p := RiskRulesPage{Page: h.page(c, "risk_rules.title"), Values: formValues(c)}
		p.Errors = fieldErrors(p.Localizer, ve)
		return h.render(c, http.StatusUnprocessableEntity, "risk_rules", p)
	} else if err != nil {
		return err
	}
	h.flash(c, "flash.risk_rules_saved")
	return redirect(c, "/settings/risk")
}
