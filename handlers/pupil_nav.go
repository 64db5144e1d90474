package handlers

import (
	"strings"
)

// pupilForms describe the sub-forms of the file page for their error summaries; the anchor
// is the section that holds the form (where the page lands after a post).
var pupilForms = map[string]formFields{
	"followup": {anchor: "followup-form", fields: []string{"occurred_on", "duration_minutes", "kind", "note",
		"action_description", "action_due_on", "action_owner"}},
	"indicators": {anchor: "indicators", prefix: "ind-", fields: []string{"month", "unjustified_half_days",
		"justified_half_days", "school_half_days", "temporary_exclusions", "incidents", "term_average"}},
	"status": {anchor: "status", fields: []string{"status", "exit_reason", "comment"},
		ids: map[string]string{"status": "new-status", "comment": "status-comment"}},
	"meeting": {anchor: "meeting-form", prefix: "meeting-", fields: []string{"scheduled_at", "duration_minutes",
		"place", "purpose", "participants"}, ids: map[string]string{"scheduled_at": "meeting-date", "participants": "meeting-form"}},
	"referral": {anchor: "referral-form", prefix: "referral-", fields: []string{"partner_organisation_id", "reason", "request"},
		ids: map[string]string{"partner_organisation_id": "referral-partner"}},
	"guardian": {anchor: "identity", prefix: "new-", fields: guardianFields},
}

var guardianFields = []string{"name", "relation", "phone", "email", "home_language"}

// formAnchor is the id of the section of the file page that holds the sub-form form: the
// fragment of its action and of the redirect after it.
func formAnchor(form string) string {
	if f, ok := pupilForms[form]; ok {
		return f.anchor
	}
	if strings.HasPrefix(form, "guardian") {
		return "identity"
	}
	return ""
}

func pupilFormOf(form string) formFields {
	if f, ok := pupilForms[form]; ok {
		return f
	}
	if rest, ok := strings.CutPrefix(form, "guardian"); ok {
		return formFields{anchor: "identity", prefix: "g" + rest + "-", fields: guardianFields}
	}
	return formFields{}
}

// ErrorSummary lists the messages of the failed sub-form, in the order of its fields, each
// linking to its field; a message about no field in particular links to the form's section.
func (p PupilPage) ErrorSummary() []ErrorLink {
	if p.Form == "" {
		return nil
	}
	return pupilFormOf(p.Form).summary(p.Errors)
}

// Failed reports whether form is the sub-form that failed: its section opens and shows the
// summary.
func (p PupilPage) Failed(form string) bool { return p.Form == form && len(p.Errors) > 0 }

// withFragment adds #anchor to a link, "" staying "".
func withFragment(link, anchor string) string {
	if link == "" {
		return ""
	}
	return link + "#" + anchor
}
