package app_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// maskedMark is a masked figure as the report page prints it.
var maskedMark = regexp.MustCompile(`^(< ?\d+|s)$`)

// maskedOnPage counts the masked key figures and table cells of a report page.
func maskedOnPage(page string) int {
	figures, rows := pageFigures(page)
	n := 0
	for _, f := range append(figures, func() (all []string) {
		for _, r := range rows {
			all = append(all, r...)
		}
		return all
	}()...) {
		if maskedMark.MatchString(f) {
			n++
		}
	}
	return n
}

// TestPartnerReadsItsOwnReferralsUnmasked: a partner's agent reads the report of its own
// referrals without small counts masked, since it sees them one by one; the coordination
// reads the same report protected; once a referred pupil's file is anonymised, the partner no
// longer sees that referral and the figures it counts in are protected again.
func TestPartnerReadsItsOwnReferralsUnmasked(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var caf models.PartnerOrganisation
		must(t, db.Where("kind = ?", models.PartnerCAF).Order("id").Take(&caf).Error)
		path := fmt.Sprintf("/partners/%d/report", caf.ID)
		agent, coord := s.client(t), s.client(t)
		agent.login("caf@demo.test")
		coord.login("coordination@demo.test")
		read := func(c *client, what string) (page, text string) {
			r := c.get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: partner report page: %d %s", what, r.Status, excerpt(r.Body))
			}
			pdf := c.get(path + ".pdf")
			if pdf.Status != http.StatusOK {
				t.Fatalf("%s: partner PDF: %d", what, pdf.Status)
			}
			text = pdfText(t, []byte(pdf.Body))
			samePage(t, what, r.Body, text)
			return r.Body, text
		}
		ownPage, ownText := read(agent, "partner")
		coordPage, coordText := read(coord, "coordination")
		if n := maskedOnPage(ownPage); n != 0 {
			t.Errorf("the partner's own report masks %d figures, want none", n)
		}
		if n := maskedOnPage(coordPage); n == 0 {
			t.Errorf("the coordination's partner report masks nothing")
		}
		for _, c := range []struct{ what, text, want string }{
			{"partner", ownText, "Lecture par l'organisme lui-même"},
			{"partner page", ownPage, "Lecture par l&#39;organisme lui-même"},
			{"coordination", coordText, "Lecture par la coordination"},
		} {
			if !strings.Contains(fold(c.text), c.want) {
				t.Errorf("%s: the annex lacks %q", c.what, c.want)
			}
		}

		// One referred pupil's file is anonymised: the partner no longer sees that referral.
		var ref models.Referral
		must(t, db.Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
			Where("referrals.partner_organisation_id = ? AND referrals.sent_at >= ? AND pupils.anonymised_at IS NULL",
				caf.ID, calendar.SchoolYearOf(fixedNow).Start().UTC()).Order("referrals.id").Take(&ref).Error)
		dbtest.Must(t, db.Model(&models.Pupil{}).Where("id = ?", ref.PupilID).Update("anonymised_at", fixedNow).Error)
		page, _ := read(agent, "partner after anonymisation")
		if maskedOnPage(page) == 0 {
			t.Errorf("a referral the partner no longer sees is counted unprotected in its report")
		}
	})
}
