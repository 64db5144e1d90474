package app_test

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/views"
)

// letterRecords are a planned meeting, a held meeting with its recap and a referral of the
// first mediator's Collège Jean Jaurès, for the letters.
type letterRecords struct {
	planned, held models.Meeting
	referral      models.Referral
}

func findLetterRecords(t *testing.T, db *gorm.DB) letterRecords {
	t.Helper()
	var jaures models.Establishment
	must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	var out letterRecords
	meeting := func(q string, args ...any) *gorm.DB {
		return db.Joins("JOIN pupils ON pupils.id = meetings.pupil_id").
			Where("pupils.establishment_id = ? AND pupils.anonymised_at IS NULL", jaures.ID).Where(q, args...).
			Order("meetings.id").Select("meetings.*")
	}
	must(t, meeting("meetings.status = ?", models.MeetingPlanned).Take(&out.planned).Error)
	must(t, meeting("meetings.status = ? AND meetings.recap <> ''", models.MeetingHeld).
		Where("EXISTS (SELECT 1 FROM follow_ups fu WHERE fu.pupil_id = pupils.id AND fu.restricted AND fu.note <> '')").
		Take(&out.held).Error)
	out.referral = findCAFPupil(t, db).referral
	return out
}

// letterRoutes are the family letters and their settings for the authorization matrix: the
// letters for the roles that read the file (never a partner, even one the referral reached;
// never the coordination), the settings for the coordination.
func letterRoutes(t *testing.T, db *gorm.DB) []route {
	r := findLetterRecords(t, db)
	staff := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	coord := []models.Role{models.RoleCoordinator}
	return []route{
		{"GET", fmt.Sprintf("/meetings/%d/letter.pdf?lang=tr", r.planned.ID), staff},
		{"GET", fmt.Sprintf("/meetings/%d/summary.pdf?lang=ru", r.held.ID), staff},
		{"GET", fmt.Sprintf("/referrals/%d/consent-form.pdf?lang=uk", r.referral.ID), staff},
		{"GET", "/settings/letters", coord},
		{"GET", "/settings/letters/invitation/tr", coord},
		{"POST", "/settings/letters/invitation/tr", coord},
		{"POST", "/settings/letters/invitation/tr/validate", coord},
		{"GET", "/settings/letters/invitation/tr/preview.pdf", coord},
	}
}

// pdfTools tells whether qpdf, pdffonts and pdftotext are installed; where they are not, the
// tests check the PDFs' status, access and audit, and say that their text went unchecked.
func pdfTools(t *testing.T) bool {
	t.Helper()
	for _, tool := range []string{"qpdf", "pdffonts", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s is not installed: the letters' text is not checked", tool)
			return false
		}
	}
	return true
}

// letterText checks a PDF with qpdf and pdffonts (every font embedded) and gives its text
// (pdftotext, NFKC); call it only where pdfTools.
func letterText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		var out bytes.Buffer
		cmd := exec.Command(name, args...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out.String())
		}
		return out.String()
	}
	if out := run("qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	fonts := strings.Split(strings.TrimSpace(run("pdffonts", path)), "\n")
	for _, l := range fonts[2:] {
		if f := strings.Fields(l); len(f) < 6 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	if len(fonts) < 3 {
		t.Error("no font in the PDF")
	}
	return strings.Join(strings.Fields(norm.NFKC.String(run("pdftotext", "-enc", "UTF-8", path, "-"))), " ")
}

// The issue over HTTP, on both databases: the meeting page offers the letters in the guardian's
// home language; an unknown language is a 400 in French; an unvalidated translation prints French
// alone; once the coordination validates, every document prints in every language with the
// pupil's first name and the date; the summary prints no restricted note and no other pupil; the
// file lists each letter; partners, the coordination and another establishment never get one.
func TestFamilyLettersOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		r := findLetterRecords(t, db)
		var pupil models.Pupil
		must(t, db.Take(&pupil, r.planned.PupilID).Error)
		must(t, db.Model(&models.Guardian{}).Where("pupil_id = ?", pupil.ID).Update("home_language", "Arabe").Error)

		med := s.client(t)
		med.login("mediation@demo.test")
		page := med.get(fmt.Sprintf("/meetings/%d", r.planned.ID))
		if page.Status != http.StatusOK || !strings.Contains(page.Body, `<option value="ar" selected>`) ||
			!strings.Contains(page.Body, fmt.Sprintf(`formaction="/meetings/%d/letter.pdf"`, r.planned.ID)) ||
			!strings.Contains(page.Body, `id="letters-unready"`) {
			t.Fatalf("meeting page: %d, no letter form with Arabic chosen:\n%s", page.Status, excerpt(page.Body))
		}
		letter := fmt.Sprintf("/meetings/%d/letter.pdf", r.planned.ID)
		if bad := med.get(letter + "?lang=xx"); bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, "Langue inconnue") {
			t.Errorf("unknown lang: %d %s", bad.Status, excerpt(bad.Body))
		}
		// Not validated yet: French alone.
		frOnly := med.get(letter)
		if frOnly.Status != http.StatusOK || frOnly.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("letter: %d %s", frOnly.Status, excerpt(frOnly.Body))
		}
		tools := pdfTools(t)
		if tools {
			text := letterText(t, []byte(frOnly.Body))
			if !strings.Contains(text, "Invitation à une rencontre") || strings.Contains(text, "دعوة") {
				t.Errorf("unvalidated Arabic: want French alone, got %s", text)
			}
		}

		// The coordination validates every shipped translation.
		coord := s.client(t)
		coord.login("coordination@demo.test")
		for _, doc := range models.LetterDocuments {
			for _, l := range views.LetterLangs()[1:] {
				p := fmt.Sprintf("/settings/letters/%s/%s/validate", doc, l.Code)
				if res := coord.post(p, url.Values{"seen": {"0"}}); res.Status != http.StatusSeeOther {
					t.Fatalf("POST %s: %d %s", p, res.Status, excerpt(res.Body))
				}
			}
		}

		var restricted []string
		must(t, db.Model(&models.FollowUp{}).Where("pupil_id = ? AND restricted AND note <> ''", r.held.PupilID).Pluck("note", &restricted).Error)
		var others []models.Pupil
		must(t, db.Where("establishment_id = ? AND id <> ? AND anonymised_at IS NULL", pupil.EstablishmentID, r.held.PupilID).
			Order("id").Limit(30).Find(&others).Error)
		for _, doc := range []struct {
			path  string
			pupil uint
			day   func() string
		}{
			{letter, r.planned.PupilID, nil},
			{fmt.Sprintf("/meetings/%d/summary.pdf", r.held.ID), r.held.PupilID, nil},
			{fmt.Sprintf("/referrals/%d/consent-form.pdf", r.referral.ID), r.referral.PupilID, nil},
		} {
			var p models.Pupil
			must(t, db.Take(&p, doc.pupil).Error)
			for _, l := range views.LetterLangs() {
				res := med.get(doc.path + "?lang=" + l.Code)
				if res.Status != http.StatusOK {
					t.Errorf("GET %s?lang=%s: %d %s", doc.path, l.Code, res.Status, excerpt(res.Body))
					continue
				}
				if !tools {
					continue
				}
				text := letterText(t, []byte(res.Body))
				if !strings.Contains(text, p.FirstName) {
					t.Errorf("%s?lang=%s: no first name %q in %s", doc.path, l.Code, p.FirstName, text)
				}
				// The letter's date, French then the translation's convention (the month name).
				today := s.Clock.Now().In(calendar.Paris)
				fr, _ := views.LetterLangByCode("fr")
				for _, lang := range []views.LetterLang{fr, l} {
					want := strings.Join(strings.Fields(norm.NFKC.String(lang.Date(today))), " ")
					if lang.RTL { // read back right to left: the month's name, which is a word of its own
						want = strings.Fields(want)[2]
					}
					if !strings.Contains(text, want) {
						t.Errorf("%s?lang=%s: no %s date %q in %s", doc.path, l.Code, lang.Code, want, text)
					}
				}
				if l.Code == "ar" && !strings.Contains(text, "التلميذ") && !strings.Contains(text, "دعوة") {
					t.Errorf("%s?lang=ar: no Arabic in %s", doc.path, text)
				}
				for _, n := range restricted {
					if strings.Contains(text, strings.Join(strings.Fields(n), " ")) {
						t.Errorf("%s: a restricted note is printed", doc.path)
					}
				}
				for _, o := range others {
					if o.FirstName != p.FirstName && strings.Contains(text, o.FirstName+" "+o.LastName) {
						t.Errorf("%s: another pupil %s %s is printed", doc.path, o.FirstName, o.LastName)
					}
				}
			}
		}

		// Each letter is on the file and in the audit log.
		var n int64
		must(t, db.Model(&models.FamilyLetter{}).Where("pupil_id = ? AND document = ? AND lang = 'ar' AND printed = 'ar'",
			r.planned.PupilID, models.LetterInvitation).Count(&n).Error)
		if n != 1 {
			t.Errorf("%d Arabic invitations recorded, want 1", n)
		}
		must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = 'meeting' AND record_id = ?",
			models.AuditPDFExported, fmt.Sprint(r.planned.ID)).Count(&n).Error)
		if n != 10 { // French alone, then the nine languages; the 400 printed nothing
			t.Errorf("%d letters of the meeting audited, want 10", n)
		}
		file := med.get(fmt.Sprintf("/pupils/%d", r.planned.PupilID))
		if !strings.Contains(file.Body, `id="letters"`) || !strings.Contains(file.Body, "français et arabe") ||
			!strings.Contains(file.Body, "français seul") || !strings.Contains(html.UnescapeString(file.Body), "Impression d'un courrier pour la famille") {
			t.Errorf("the file does not list the letters:\n%s", excerpt(file.Body))
		}

		// Who never gets a letter: the CAF (the referral reached it), the coordination, another
		// establishment's mediator. The head teacher of the establishment does.
		for _, who := range []string{"caf@demo.test", "coordination@demo.test", "mediation2@demo.test"} {
			cl := s.client(t)
			cl.login(who)
			for _, p := range []string{letter, fmt.Sprintf("/referrals/%d/consent-form.pdf?lang=ar", r.referral.ID)} {
				if res := cl.get(p); res.Status != http.StatusNotFound {
					t.Errorf("GET %s as %s: %d, want 404", p, who, res.Status)
				}
			}
		}
		head := s.client(t)
		head.login("direction@demo.test")
		if res := head.get(fmt.Sprintf("/referrals/%d/consent-form.pdf", r.referral.ID)); res.Status != http.StatusOK {
			t.Errorf("head teacher's consent form: %d", res.Status)
		}
		if res := med.get(fmt.Sprintf("/meetings/%d/summary.pdf", r.planned.ID)); res.Status != http.StatusBadRequest ||
			!strings.Contains(res.Body, "compte rendu écrit") {
			t.Errorf("summary of a planned meeting: %d", res.Status)
		}
		if res := med.get(fmt.Sprintf("/meetings/%d/letter.pdf", r.held.ID)); res.Status != http.StatusBadRequest ||
			!strings.Contains(html.UnescapeString(res.Body), "rencontre prévue ou reportée") {
			t.Errorf("invitation to a held meeting: %d", res.Status)
		}
	})
}

// The settings page refuses an unknown placeholder, an unclosed one and a text that would not
// fit on two pages, with a French message and the previous version kept; a correct text becomes
// a new version with its author, not validated, which the preview marks for a reread.
func TestLetterTemplateSettings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		coord := s.client(t)
		coord.login("coordination@demo.test")
		list := coord.get("/settings/letters")
		if list.Status != http.StatusOK || strings.Count(list.Body, "Relecture professionnelle nécessaire") != 27 {
			t.Fatalf("settings: %d, %d texts to reread", list.Status, strings.Count(list.Body, "Relecture professionnelle nécessaire"))
		}
		const path = "/settings/letters/summary/tr"
		versions := func() int64 {
			var n int64
			must(t, s.App.DB.Model(&models.LetterTemplate{}).Where("document = 'summary' AND lang = 'tr'").Count(&n).Error)
			return n
		}
		long := strings.Repeat("Bu satır çok uzun bir metin, {{prenom}} için yazıldı ve sayfayı taşırır.\n\n", 60)
		for _, c := range []struct{ body, want string }{
			{"# Özet\n\nMerhaba {{isim}}", "le champ « isim » n'existe pas"},
			{"# Özet\n\nMerhaba {{prenom", "Ligne 3 : un champ ouvert par deux accolades n'est pas refermé"},
			{"Adımlar: {{etapes}}", "est une liste"},
			{long, "pages A4 au lieu de 2 au plus"},
			{"", "Le texte est vide"},
		} {
			res := coord.post(path, url.Values{"based_on": {"0"}, "body": {c.body}})
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), c.want) {
				i := strings.Index(res.Body, `id="body-error"`)
				t.Errorf("%.30q: %d, want 422 with %q: %.400s", c.body, res.Status, c.want, res.Body[max(i, 0):])
			}
		}
		if n := versions(); n != 0 {
			t.Fatalf("%d versions after refusals", n)
		}
		good := "# Görüşme özeti: {{date}}\n\nSayın veli, {{prenom}} hakkında kararlar:\n\n{{decisions}}\n\n{{etapes}}"
		if res := coord.post(path, url.Values{"based_on": {"0"}, "body": {good}}); res.Status != http.StatusSeeOther || res.Location != path {
			t.Fatalf("save: %d %s %s", res.Status, res.Location, excerpt(res.Body))
		}
		// A form based on the shipped text, sent after this version, is refused: nothing lost.
		if res := coord.post(path, url.Values{"based_on": {"0"}, "body": {good + "\n\nek"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "modifié entre-temps") {
			t.Errorf("stale save: %d", res.Status)
		}
		if n := versions(); n != 1 {
			t.Fatalf("%d versions, want 1", n)
		}
		form := coord.get(path)
		if !strings.Contains(form.Body, "Görüşme özeti") || !strings.Contains(form.Body, "Relecture professionnelle nécessaire") ||
			!strings.Contains(form.Body, "Hélène Vandewalle") {
			t.Errorf("the form does not show the new version, its state and author:\n%s", excerpt(form.Body))
		}
		prev := coord.get(path + "/preview.pdf")
		if prev.Status != http.StatusOK {
			t.Fatalf("preview: %d", prev.Status)
		}
		if pdfTools(t) {
			text := letterText(t, []byte(prev.Body))
			if !strings.Contains(text, "Görüşme özeti") || !strings.Contains(text, "relecture professionnelle nécessaire") {
				t.Errorf("preview text: %s", text)
			}
		}
		if res := coord.get("/settings/letters/summary/xx"); res.Status != http.StatusNotFound {
			t.Errorf("unknown language in settings: %d", res.Status)
		}
	})
}
