package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

var summaryLink = regexp.MustCompile(`href="#([^"]+)"`)

// Every form of the school-life pages, and the full-page forms of the casework and the
// settings, refused, shows at the top of the form the summary « Il y a un problème » (one, with
// the script that focuses it) whose links lead to fields that exist on the page, below the
// summary, in the order of the form.
func TestFormsErrorSummary(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		mp := findMeetingPupil(t, db)
		est := mp.pupil.EstablishmentID
		var activity models.Activity
		dbtest.Must(t, db.Where("establishment_id = ?", est).Order("id").Take(&activity).Error)
		var conflict models.Conflict
		dbtest.Must(t, db.Where("establishment_id = ?", est).Order("id").Take(&conflict).Error)
		var reviewed models.CaseReviewPupil
		dbtest.Must(t, db.Joins("JOIN case_reviews ON case_reviews.id = case_review_pupils.case_review_id").
			Joins("JOIN pupils ON pupils.id = case_review_pupils.pupil_id").
			Where("case_reviews.establishment_id = ? AND pupils.anonymised_at IS NULL", est).Order("case_review_pupils.id").Take(&reviewed).Error)
		var review models.CaseReview
		dbtest.Must(t, db.Take(&review, reviewed.CaseReviewID).Error)

		badActivity := activityForm(t, db, url.Values{"kind_id": {""}, "pupils": {"0"}, "parents": {"0"}, "staff": {"0"}})
		badConflict := conflictForm(mp)
		badConflict.Set("place", "")
		badConflict.Set("party1_description", "Mme Durand")
		editConflict := conflictForm(mp)
		editConflict.Set("occurred_on", "")
		editConflict.Set("version", fmt.Sprint(conflict.Version))
		editActivity := activityForm(t, db, url.Values{"duration_minutes": {"0"}, "version": {fmt.Sprint(activity.Version)}})
		editReview := reviewForm(est, "")
		editReview.Set("version", fmt.Sprint(review.Version))
		reviewPath := fmt.Sprintf("/case-reviews/%d", review.ID)
		var followUp models.FollowUp
		dbtest.Must(t, db.Where("pupil_id = ? AND author_id = ?", mp.pupil.ID, mp.mediator.ID).Order("id").Take(&followUp).Error)
		var jaures, firstEstablishment models.Establishment
		dbtest.Must(t, db.Take(&jaures, est).Error)
		dbtest.Must(t, db.Order("commune, name").Take(&firstEstablishment).Error) // the form lists them so
		cases := []struct {
			name, who, path string
			form            url.Values
			links           []string
		}{
			{"new activity", "mediation@demo.test", "/activities", badActivity, []string{"kind_id", "pupils"}},
			{"activity edited", "mediation@demo.test", fmt.Sprintf("/activities/%d", activity.ID), editActivity, []string{"duration_minutes"}},
			{"activity kind", "coordination@demo.test", "/settings/activity-kinds", url.Values{"label_fr": {""}, "label_en": {""}},
				[]string{"label_fr", "label_en"}},
			{"new conflict", "mediation@demo.test", "/conflicts", badConflict, []string{"place", "party1_description"}},
			{"conflict edited", "mediation@demo.test", fmt.Sprintf("/conflicts/%d", conflict.ID), editConflict, []string{"occurred_on"}},
			{"new session", "mediation@demo.test", "/case-reviews", reviewForm(est, "2024-01-10"), []string{"held_on"}},
			{"session edited", "mediation@demo.test", reviewPath, editReview, []string{"held_on"}},
			{"pupil named on the spot", "mediation@demo.test", reviewPath + "/new-pupil", url.Values{"last_name": {""}, "first_name": {""},
				"birth_date": {""}, "class_level": {""}}, []string{"np-birth_date"}},
			{"decision", "mediation@demo.test", fmt.Sprintf("%s/pupils/%d/decision", reviewPath, reviewed.PupilID),
				url.Values{"decision": {"family_meeting"}, "owner": {"label"}, "owner_label": {"CPE"}, "due_on": {""}},
				[]string{fmt.Sprintf("d%d-due_on", reviewed.PupilID)}},
			{"new file", "mediation@demo.test", "/pupils", url.Values{"establishment_id": {fmt.Sprint(est)}, "last_name": {""},
				"first_name": {""}, "birth_date": {""}, "class_level": {"4e"}, "guardian0_email": {"pas-un-courriel"}},
				[]string{"last_name", "first_name", "birth_date", "guardian0_email"}},
			{"file edited", "mediation@demo.test", fmt.Sprintf("/pupils/%d", mp.pupil.ID), url.Values{"version": {fmt.Sprint(mp.pupil.Version)},
				"establishment_id": {fmt.Sprint(est)}, "last_name": {mp.pupil.LastName}, "first_name": {mp.pupil.FirstName},
				"birth_date": {"2090-01-01"}, "class_level": {string(mp.pupil.ClassLevel)}}, []string{"birth_date"}},
			{"follow-up edited", "mediation@demo.test", fmt.Sprintf("/followups/%d", followUp.ID), url.Values{"version": {fmt.Sprint(followUp.Version)},
				"occurred_on": {followUp.OccurredOn.Format("2006-01-02")}, "kind": {string(followUp.Kind)}, "duration_minutes": {"1000"}},
				[]string{"duration_minutes"}},
			{"establishment", "coordination@demo.test", "/establishments/" + jaures.UAI + "/edit", url.Values{"name": {""}}, []string{"name"}},
			{"partner", "coordination@demo.test", "/partners", url.Values{"name": {""}, "kind": {""}, "response_days": {"15"}}, []string{"name", "kind"}},
			{"account", "admin@demo.test", "/admin/users", url.Values{"email": {"pas-un-courriel"}, "display_name": {""}, "role": {"mediator"},
				"locale": {"fr"}}, []string{"email", "display_name"}},
			{"mediator without establishment", "admin@demo.test", "/admin/users", url.Values{"email": {"nouvelle@demo.test"},
				"display_name": {"Nouvelle Médiatrice"}, "role": {"mediator"}, "locale": {"fr"}, "active": {"on"}},
				[]string{fmt.Sprintf("est-%d", firstEstablishment.ID)}},
		}
		clients := map[string]*client{}
		for _, c := range cases {
			cl := clients[c.who]
			if cl == nil {
				cl = s.client(t)
				cl.login(c.who)
				clients[c.who] = cl
			}
			r := cl.post(c.path, c.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422: %s", c.name, r.Status, excerpt(r.Body))
				continue
			}
			if n := strings.Count(r.Body, "data-error-summary"); n != 1 {
				t.Errorf("%s: %d error summaries, want 1", c.name, n)
				continue
			}
			at := strings.Index(r.Body, `class="error-summary"`)
			summary := section(r.Body, `class="error-summary"`)
			if end := strings.Index(summary, "</div>"); end >= 0 {
				summary = summary[:end]
			}
			if !strings.Contains(summary, `role="alert"`) || !strings.Contains(summary, "Il y a un problème") ||
				!strings.Contains(r.Body, `<script src="/static/errors.js" defer></script>`) {
				t.Errorf("%s: no summary with its title and script: %s", c.name, summary)
			}
			links := summaryLink.FindAllStringSubmatch(summary, -1)
			if len(links) == 0 {
				t.Errorf("%s: the summary links to no field: %s", c.name, summary)
			}
			var ids []string
			for _, l := range links {
				ids = append(ids, l[1])
				field := strings.Index(r.Body, `id="`+l[1]+`"`)
				if field < 0 || field < at {
					t.Errorf("%s: the summary links to #%s, which is not a field below it (at %d, summary at %d)", c.name, l[1], field, at)
				}
			}
			last := -1
			for _, want := range c.links {
				i := strings.Index(summary, `href="#`+want+`"`)
				if i < 0 || i < last {
					t.Errorf("%s: the summary lacks #%s or has it out of order: %v", c.name, want, ids)
				}
				last = i
			}
		}
	})
}
