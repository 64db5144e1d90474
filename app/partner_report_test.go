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

		// The coordination's status chart has only masked values and zeros: the PDF says so,
		// as the page does, rather than drawing an empty frame.
		masked := "Toutes les valeurs de ce graphique sont masquées"
		if !strings.Contains(strings.Join(strings.Fields(coordText), " "), masked) || !strings.Contains(coordPage, masked) {
			t.Errorf("the coordination's partner report does not say a chart is masked")
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

// TestEstablishmentPDFTitleBlock: the head teacher's establishment PDF names the
// establishment's priority-education label in its title block.
func TestEstablishmentPDFTitleBlock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		var jaures models.Establishment
		must(t, s.App.DB.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		if jaures.PriorityEducation != models.PriorityREPPlus {
			t.Fatalf("the demo's Collège Jean Jaurès is %q, the test expects REP+", jaures.PriorityEducation)
		}
		head := s.client(t)
		head.login("direction@demo.test")
		pdf := head.get("/establishments/" + jaures.UAI + "/report.pdf")
		if pdf.Status != http.StatusOK {
			t.Fatalf("establishment PDF: %d", pdf.Status)
		}
		first := strings.SplitN(pdfText(t, []byte(pdf.Body)), "\f", 2)[0]
		if want := "Collège Jean Jaurès — " + jaures.Commune + ", Collège, REP+, UAI " + jaures.UAI; !strings.Contains(strings.Join(strings.Fields(first), " "), want) {
			t.Errorf("the title block lacks %q:\n%s", want, first[:min(len(first), 500)])
		}
	})
}
