package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/dbtest"
)

// A guardian's address of « javascript:alert(1)//@x.test » is refused beside the field, and an
// address stored before the check (or by an import) never becomes a link of another scheme on
// the pages that link addresses: the referral page, seen by the mediator and the partner.
func TestGuardianEmailIsAPlainAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		target := findCAFPupil(t, db)
		med := s.client(t)
		med.login("mediation@demo.test")
		path := fmt.Sprintf("/pupils/%d", target.pupil.ID)
		med.get(path)
		var before int64
		must(t, db.Model(&models.Guardian{}).Where("pupil_id = ?", target.pupil.ID).Count(&before).Error)
		for _, bad := range []string{"javascript:alert(1)//@x.test", "a b@x.test", "x@y"} {
			r := med.post(path+"/guardians", url.Values{"name": {"Mme Test"}, "email": {bad}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Adresse électronique invalide.") {
				t.Errorf("guardian email %q: %d %s", bad, r.Status, excerpt(r.Body))
			}
		}
		var after int64
		must(t, db.Model(&models.Guardian{}).Where("pupil_id = ?", target.pupil.ID).Count(&after).Error)
		if after != before {
			t.Fatalf("a refused guardian was stored: %d → %d", before, after)
		}
		if r := med.post(path+"/guardians", url.Values{"name": {"Mme Test"}, "email": {"mme.test@exemple.fr"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("good guardian: %d %s", r.Status, excerpt(r.Body))
		}
		// An address stored as it was before the check.
		must(t, db.Create(&models.Guardian{PupilID: target.pupil.ID, Name: "Ancien", Email: "javascript:alert(1)//@x.test"}).Error)
		page := med.get(fmt.Sprintf("/referrals/%d", target.referral.ID))
		if page.Status != http.StatusOK {
			t.Fatalf("referral page: %d", page.Status)
		}
		if !strings.Contains(page.Body, `href="mailto:mme.test@exemple.fr"`) {
			t.Errorf("a plain address is not a mailto link: %s", excerpt(page.Body))
		}
		for _, bad := range []string{`href="javascript`, `mailto:javascript`, `href="mailto:javascript`} {
			if strings.Contains(page.Body, bad) {
				t.Errorf("the referral page links %q", bad)
			}
		}
	})
}
