package handlers

import (
	"fmt"
	"slices"
)

// ErrorLink is a line of a failed form's error summary: the message and the field it links to.
type ErrorLink struct {
	Href, Message string
}

// formFields describes a form for its error summary (GOV.UK pattern: a box at the top of the
// failed form lists its messages, each a link to its field): in the order of the form, the keys
// of its messages, the prefix of its fields' ids, the ids that are not prefix+key, and the
// anchor a message about no field in particular links to (the form or its section).
type formFields struct {
	anchor string
	prefix string
	fields []string
	ids    map[string]string
}

// summary lists the messages of errs in the order of the form's fields, each linking to its
// field; the others (sorted by key) link to the form's anchor.
func (f formFields) summary(errs map[string]string) []ErrorLink {
	if len(errs) == 0 {
		return nil
	}
	var out []ErrorLink
	seen := map[string]bool{}
	for _, k := range f.fields {
		msg, ok := errs[k]
		if !ok || seen[k] {
			continue
		}
		seen[k] = true
		id := f.prefix + k
		if x, ok := f.ids[k]; ok {
			id = x
		}
		out = append(out, ErrorLink{Href: "#" + id, Message: msg})
	}
	var rest []string
	for k := range errs {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, ErrorLink{Href: "#" + f.anchor, Message: errs[k]})
	}
	return out
}

// ErrorSummary lists the messages of the activity form, each linking to its field.
func (p ActivityPage) ErrorSummary() []ErrorLink {
	f := formFields{anchor: "activity-form", fields: []string{"establishment_id", "kind_id", "held_on", "duration_minutes",
		"participants", "pupils", "parents", "staff", "themes", "partner_ids", "note"}, ids: map[string]string{"participants": "pupils"}}
	if len(p.ThemeCodes) > 0 {
		f.ids["themes"] = fmt.Sprintf("theme-%s", p.ThemeCodes[0])
	}
	if len(p.PartnerOptions) > 0 {
		f.ids["partner_ids"] = fmt.Sprintf("partner-%d", p.PartnerOptions[0].ID)
	}
	return f.summary(p.Errors)
}

// ErrorSummary lists the messages of the form of an activity kind.
func (p ActivityKindPage) ErrorSummary() []ErrorLink {
	return formFields{anchor: "activity-kind-form", fields: []string{"label_fr", "label_en"}}.summary(p.Errors)
}

// ErrorSummary lists the messages of the conflict form in the order of its fields, the party
// rows' among them; the message about the parties as a whole links to the first party's role.
func (f ConflictForm) ErrorSummary() []ErrorLink {
	fields := []string{"establishment_id", "occurred_on", "place", "kind", "relation", "parties"}
	for _, i := range f.Rows {
		fields = append(fields, partyKey(i, "role"), partyKey(i, "pupil_id"), partyKey(i, "description"))
	}
	fields = append(fields, "listened_on", "meeting_on", "agreement_on", "outcome", "follow_up_on", "notes")
	return formFields{anchor: "conflict-form", fields: fields, ids: map[string]string{"parties": partyKey(0, "role")}}.summary(f.Errors)
}

func partyKey(row int, name string) string { return fmt.Sprintf("party%d_%s", row, name) }

// ErrorSummary lists the messages of the session form; the message about the participants as a
// whole links to the first headcount.
func (p CaseReviewFormPage) ErrorSummary() []ErrorLink {
	fields := []string{"establishment_id", "held_on", "kind", "participants"}
	for _, r := range p.Roles {
		fields = append(fields, p.CountField(r))
	}
	ids := map[string]string{"staff": "staff-0"}
	if len(p.Roles) > 0 {
		ids["participants"] = p.CountField(p.Roles[0])
	}
	return formFields{anchor: "review-form", fields: append(fields, "staff"), ids: ids}.summary(p.Errors)
}

// ErrorSummary lists the messages of the session page's failed sub-form (a pupil added, a
// pupil named on the spot, a decision), each linking to its field.
func (p CaseReviewPage) ErrorSummary() []ErrorLink {
	var f formFields
	switch {
	case p.Form == "add":
		f = formFields{anchor: "add", fields: []string{"pupil_id"}}
	case p.Form == "new-pupil":
		f = formFields{anchor: "new-pupil", prefix: "np-", fields: []string{"last_name", "first_name", "birth_date", "class_level", "class_name"}}
	default:
		var pupilID uint
		if _, err := fmt.Sscanf(p.Form, "decision-%d", &pupilID); err != nil {
			return nil
		}
		f = formFields{anchor: fmt.Sprintf("pupil-%d", pupilID), prefix: fmt.Sprintf("d%d-", pupilID),
			fields: []string{"decision", "due_on", "owner", "owner_label", "note"}}
	}
	return f.summary(p.Errors)
}

// ErrorSummary lists the messages of the file's form, the guardians' fields (on a new file)
// among them.
func (p PupilFormPage) ErrorSummary() []ErrorLink {
	fields := []string{"establishment_id", "last_name", "first_name", "birth_date", "ine", "class_level", "class_name", "referent_id"}
	for _, g := range []string{"guardian0_", "guardian1_"} {
		for _, f := range guardianFields {
			fields = append(fields, g+f)
		}
	}
	return formFields{anchor: "pupil-form", fields: fields}.summary(p.Errors)
}

// ErrorSummary lists the messages of the follow-up's edit form.
func (p FollowUpPage) ErrorSummary() []ErrorLink {
	return formFields{anchor: "followup-form", fields: []string{"occurred_on", "duration_minutes", "kind", "note"}}.summary(p.Errors)
}

// ErrorSummary lists the messages of the establishment's form.
func (p EstablishmentFormPage) ErrorSummary() []ErrorLink {
	return formFields{anchor: "establishment-form", fields: []string{"name"}}.summary(p.Errors)
}

// ErrorSummary lists the messages of the partner organisation's form.
func (p PartnerFormPage) ErrorSummary() []ErrorLink {
	return formFields{anchor: "partner-form", fields: []string{"name", "kind", "contact_name", "contact_email", "contact_phone",
		"response_days"}}.summary(p.Errors)
}

// ErrorSummary lists the messages of the account's form; the establishments' message links to
// the first establishment's box.
func (p UserFormPage) ErrorSummary() []ErrorLink {
	f := formFields{anchor: "user-form", fields: []string{"email", "display_name", "phone", "role", "establishments", "partner",
		"locale", "active"}, ids: map[string]string{"establishments": "user-form"}}
	if len(p.Establishments) > 0 {
		f.ids["establishments"] = fmt.Sprintf("est-%d", p.Establishments[0].ID)
	}
	return f.summary(p.Errors)
}
