package views

import (
	"time"

	"mediation/models"
)

// NotificationText writes what a notification tells, in the page's language: its kind's
// message filled with its params, dates written the French way (25/11/2026).
func (l *Localizer) NotificationText(n models.Notification) string {
	args := n.Values()
	for i := 1; i < len(args); i += 2 {
		if s, ok := args[i].(string); ok {
			if d, err := time.Parse(time.DateOnly, s); err == nil {
				args[i] = d.Format("02/01/2006")
			}
		}
	}
	return l.T("notify."+string(n.Kind), args...)
}
