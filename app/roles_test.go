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

// TestHeadTeacherDashboardLinksFilesAndReadsRisk: on the establishment dashboard the
// nominative list opens each file (and the head teacher can open it), and the risk chart
// draws high risk in red, never in green.
func TestHeadTeacherDashboardLinksFilesAndReadsRisk(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		head := s.client(t)
		head.login("direction@demo.test")
		var uai string
		must(t, s.App.DB.Raw(`SELECT e.uai FROM establishments e JOIN user_establishments ue ON ue.establishment_id = e.id
			JOIN users u ON u.id = ue.user_id WHERE u.email = ?`, "direction@demo.test").Scan(&uai).Error)
		r := head.get("/establishments/" + uai)
		if r.Status != http.StatusOK {
			t.Fatalf("dashboard: %d", r.Status)
		}
		links := regexp.MustCompile(`<th scope="row"><a href="(/pupils/\d+)">`).FindAllStringSubmatch(r.Body, -1)
		if len(links) == 0 {
			t.Fatal("the nominative list links to no file")
		}
		if f := head.get(links[0][1]); f.Status != http.StatusOK {
			t.Errorf("the first file of the list answers %d", f.Status)
		}
		legend := regexp.MustCompile(`<rect width="12" height="12" fill="(#[0-9a-f]{6})"/></svg> (Faible|Modéré|Élevé)</li>`).FindAllStringSubmatch(r.Body, -1)
		colours := map[string]string{}
		for _, m := range legend {
			colours[m[2]] = m[1]
		}
		if colours["Élevé"] != "#b3261e" || colours["Faible"] != "#2e7d32" {
			t.Errorf("risk colours in the legend: %v, want high red and low green", colours)
		}
	})
}

// TestRoleHomesWording: a partner has one "Rapports" entry that reaches both of its reports;
// counts agree with their number; the coordinator's home no longer promises dashboards to come.
func TestRoleHomesWording(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		partner := s.client(t)
		partner.login("caf@demo.test")
		home := partner.get("/")
		nav := home.Body[strings.Index(home.Body, `<nav class="site-nav"`):]
		nav = nav[:strings.Index(nav, "</nav>")]
		if n := strings.Count(nav, "Rapport"); n != 1 || !strings.Contains(nav, ">Rapports</a>") {
			t.Errorf("the partner's navigation has %d report entries: %s", n, nav)
		}
		var org uint
		must(t, s.App.DB.Raw(`SELECT partner_organisation_id FROM users WHERE email = ?`, "caf@demo.test").Scan(&org).Error)
		own := fmt.Sprintf("/partners/%d/report", org)
		for _, path := range []string{own, "/reports/metropolitan"} {
			r := partner.get(path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, r.Status)
			}
			if !strings.Contains(r.Body, `aria-current="page">Rapports</a>`) {
				t.Errorf("%s: the Rapports entry is not marked current", path)
			}
			if !strings.Contains(r.Body, `href="`+own+`"`) || !strings.Contains(r.Body, `href="/reports/metropolitan"`) {
				t.Errorf("%s does not offer both reports", path)
			}
		}
		// Counts of referrals by status: "1 Acceptée", "2 Acceptées", never "1 Acceptées".
		counts := regexp.MustCompile(`<span class="figure">(\d+)</span> ([^<]+)</a>`).FindAllStringSubmatch(home.Body, -1)
		if len(counts) == 0 {
			t.Fatal("the partner's home shows no count by status")
		}
		for _, m := range counts {
			if plural := strings.HasSuffix(m[2], "s"); (m[1] == "1" || m[1] == "0") == plural {
				t.Errorf("partner home: %q %q", m[1], m[2])
			}
		}

		// Each answered referral of the worklist is one referral: « · Acceptée », not « · Acceptées ».
		med := s.client(t)
		med.login("mediation@demo.test")
		worklist := med.get("/").Body
		if !regexp.MustCompile(`· (Reçue par le partenaire|Acceptée|Refusée|Clôturée)</(?:div|span)>`).MatchString(worklist) ||
			regexp.MustCompile(`· (Reçues|Acceptées|Refusées|Clôturées)</(?:div|span)>`).MatchString(worklist) {
			t.Error("the worklist's answered referrals are not in the singular")
		}

		coord := s.client(t)
		coord.login("coordination@demo.test")
		if r := coord.get("/"); strings.Contains(r.Body, "viendront") {
			t.Error("the coordinator's home still says the figures will come with the dashboards")
		}

		head := s.client(t)
		head.login("direction@demo.test")
		found := regexp.MustCompile(`<span class="figure">(\d+)</span> (Repérés?)</li>`).FindAllStringSubmatch(head.get("/").Body, -1)
		if len(found) == 0 {
			t.Error("the head teacher's home does not count the files identified")
		}
		for _, m := range found {
			if (m[1] == "1") != (m[2] == "Repéré") {
				t.Errorf("head teacher home: %s %s", m[1], m[2])
			}
		}
	})
}

// TestAdminResetAsksConfirmationAndPDFFilter: from an account's page, the password reset is
// a link to a confirmation page that says what will happen; nothing changes until it is
// confirmed. The "Export PDF" filter of the audit log finds the PDF a head teacher downloaded,
// and "Export des données" does not.
func TestAdminResetAsksConfirmationAndPDFFilter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var target models.User
		must(t, db.Where("email = ?", "mediation2@demo.test").Take(&target).Error)
		admin := s.client(t)
		admin.login("admin@demo.test")
		confirm := fmt.Sprintf("/admin/users/%d/password", target.ID)
		if r := admin.get(fmt.Sprintf("/admin/users/%d", target.ID)); !strings.Contains(r.Body, `href="`+confirm+`"`) {
			t.Fatal("the account page does not lead to the reset confirmation")
		}
		r := admin.get(confirm)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, target.Email) || !strings.Contains(r.Body, "Oui, générer un mot de passe provisoire") ||
			shownPassword.MatchString(r.Body) {
			t.Fatalf("confirmation page: %d %s", r.Status, excerpt(r.Body))
		}
		var after models.User
		must(t, db.Take(&after, target.ID).Error)
		if after.PasswordHash != target.PasswordHash || after.MustChangePassword {
			t.Error("showing the confirmation changed the password")
		}
		if r := admin.post(confirm, nil); r.Status != http.StatusOK || !shownPassword.MatchString(r.Body) {
			t.Errorf("confirmed reset: %d", r.Status)
		}

		head := s.client(t)
		head.login("direction@demo.test")
		var uai string
		must(t, db.Raw(`SELECT e.uai FROM establishments e JOIN user_establishments ue ON ue.establishment_id = e.id
			JOIN users u ON u.id = ue.user_id WHERE u.email = ?`, "direction@demo.test").Scan(&uai).Error)
		if r := head.get("/establishments/" + uai + "/report.pdf"); r.Status != http.StatusOK {
			t.Fatalf("PDF: %d", r.Status)
		}
		pdfs := admin.get("/admin/audit?action=pdf_exported&record_id=" + uai)
		if !strings.Contains(pdfs.Body, "direction@demo.test") || !strings.Contains(pdfs.Body, "<td>Export PDF</td>") {
			t.Errorf("the Export PDF filter does not find the establishment PDF: %s", excerpt(pdfs.Body))
		}
		if data := admin.get("/admin/audit?action=exported&record_id=" + uai); strings.Contains(data.Body, "direction@demo.test") {
			t.Error("the data export filter lists a PDF")
		}
	})
}

// TestClassMustMatchLevel: a class « 4e D » for a 3e pupil is refused beside the class field,
// nothing is stored; « 3e D » is accepted.
func TestClassMustMatchLevel(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		med := s.client(t)
		med.login("mediation@demo.test")
		med.get("/pupils/new")
		form := func(class string) url.Values {
			return url.Values{"establishment_id": {fmt.Sprint(jaures.ID)}, "last_name": {"Delcourt"}, "first_name": {"Léna"},
				"birth_date": {"03/10/2011"}, "class_level": {"3e"}, "class_name": {class}}
		}
		r := med.post("/pupils", form("4e D"))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="class_name-error"`) ||
			!strings.Contains(r.Body, "La classe « 4e D » ne correspond pas au niveau choisi") {
			t.Fatalf("4e D for a 3e pupil: %d %s", r.Status, excerpt(r.Body))
		}
		var n int64
		must(t, db.Model(&models.Pupil{}).Where("last_name = ?", "Delcourt").Count(&n).Error)
		if n != 0 {
			t.Fatal("a refused file was stored")
		}
		if r := med.post("/pupils", form("3e D")); r.Status != http.StatusSeeOther {
			t.Fatalf("3e D for a 3e pupil: %d %s", r.Status, excerpt(r.Body))
		}
	})
}

// TestCoordinationEditsAnEstablishment: the coordination opens an establishment from its home,
// changes its name, sector, label and state; the change and its audit event land together;
// bad input is refused with 422 and changes nothing; other roles get 404 or 403.
func TestCoordinationEditsAnEstablishment(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var e models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&e).Error)
		coord := s.client(t)
		coord.login("coordination@demo.test")
		home := coord.get("/")
		edit := "/establishments/" + e.UAI + "/edit"
		if !strings.Contains(home.Body, `href="`+edit+`"`) || !strings.Contains(home.Body, "<td>Public</td>") {
			t.Fatal("the coordinator's home neither links to the form nor shows the sector")
		}
		if r := coord.get(edit); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="Collège Jean Jaurès"`) {
			t.Fatalf("form: %d", r.Status)
		}
		r := coord.post(edit, url.Values{"name": {"  "}, "type": {"college"}, "sector": {"moon"}, "priority_education": {"rep"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="name-error"`) || !strings.Contains(r.Body, `id="sector-error"`) {
			t.Fatalf("bad input: %d %s", r.Status, excerpt(r.Body))
		}
		var same models.Establishment
		must(t, db.Take(&same, e.ID).Error)
		if same.Name != e.Name || same.Sector != e.Sector || same.Active != e.Active {
			t.Fatal("refused input changed the establishment")
		}
		r = coord.post(edit, url.Values{"name": {"Collège  Jean-Jaurès"}, "type": {"college"}, "sector": {"private"}, "priority_education": {"none"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
		}
		var after models.Establishment
		must(t, db.Take(&after, e.ID).Error)
		if after.Name != "Collège Jean-Jaurès" || after.Sector != models.SectorPrivate || after.PriorityEducation != models.PriorityNone || after.Active {
			t.Errorf("saved: %+v", after)
		}
		var ev models.AuditEvent
		must(t, db.Where("record_type = ? AND record_id = ? AND action = ?", "establishment", e.UAI, models.AuditChanged).Order("id DESC").Take(&ev).Error)
		if ev.ActorEmail != "coordination@demo.test" || ev.Detail != "name, sector, priority_education, active" {
			t.Errorf("audit event: %+v", ev)
		}
		if page := coord.get("/"); !strings.Contains(page.Body, "Établissement enregistré.") || !strings.Contains(page.Body, "Privé sous contrat") {
			t.Error("the home does not confirm the change nor show the new sector")
		}
		for _, who := range []string{"mediation@demo.test", "direction@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(who)
			if r := cl.get(edit); r.Status == http.StatusOK {
				t.Errorf("%s opens the establishment form", who)
			}
			if r := cl.post(edit, url.Values{"name": {"X"}, "type": {"college"}, "sector": {"public"}, "priority_education": {"none"}, "active": {"on"}}); r.Status < 400 {
				t.Errorf("%s saves an establishment: %d", who, r.Status)
			}
		}
	})
}

// TestPartnerCallsTheMediatorBack: a mediator sets a work phone on their account page (a bad
// number is refused and changes nothing; the change is audited without the number); the
// partner's referral then shows the mediator's name, phone and e-mail. The administrator edits
// the phone on the account form.
func TestPartnerCallsTheMediatorBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var med models.User
		must(t, db.Where("email = ?", "mediation@demo.test").Take(&med).Error)
		var referral models.Referral
		must(t, db.Joins("JOIN users ON users.partner_organisation_id = referrals.partner_organisation_id").
			Where("users.email = ? AND referrals.sender_id = ? AND referrals.status <> ?", "caf@demo.test", med.ID, models.ReferralDraft).
			Order("referrals.id").Take(&referral).Error)

		mc := s.client(t)
		mc.login("mediation@demo.test")
		if r := mc.get("/account/password"); !strings.Contains(r.Body, `name="phone"`) {
			t.Fatal("the account page has no phone field")
		}
		if r := mc.post("/account/phone", url.Values{"phone": {"appelez-moi"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="phone-error"`) {
			t.Fatalf("bad phone: %d", r.Status)
		}
		if r := mc.post("/account/phone", url.Values{"phone": {" 03 53 01 99 99 "}}); r.Status != http.StatusSeeOther {
			t.Fatalf("phone: %d", r.Status)
		}
		var ev models.AuditEvent
		must(t, db.Where("action = ? AND record_id = ?", models.AuditUserChanged, fmt.Sprint(med.ID)).Order("id DESC").Take(&ev).Error)
		if ev.Detail != "phone" {
			t.Errorf("audit detail %q", ev.Detail)
		}

		partner := s.client(t)
		partner.login("caf@demo.test")
		r := partner.get(fmt.Sprintf("/referrals/%d", referral.ID))
		for _, want := range []string{med.DisplayName, `">03 53 01 99 99</a>`, `href="mailto:` + med.Email + `"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the partner's referral lacks %q", want)
			}
		}

		admin := s.client(t)
		admin.login("admin@demo.test")
		form := admin.get(fmt.Sprintf("/admin/users/%d", med.ID))
		if !strings.Contains(form.Body, `value="03 53 01 99 99"`) {
			t.Fatal("the admin's account form does not show the phone")
		}
		edit := url.Values{"email": {med.Email}, "display_name": {med.DisplayName}, "phone": {"03 53 01 11 11"}, "role": {"mediator"},
			"locale": {"fr"}, "active": {"on"}}
		var links []uint
		must(t, db.Model(&models.UserEstablishment{}).Where("user_id = ?", med.ID).Pluck("establishment_id", &links).Error)
		for _, id := range links {
			edit.Add("establishments", fmt.Sprint(id))
		}
		if r := admin.post(fmt.Sprintf("/admin/users/%d", med.ID), edit); r.Status != http.StatusSeeOther {
			t.Fatalf("admin edit: %d %s", r.Status, excerpt(r.Body))
		}
		var after models.User
		must(t, db.Take(&after, med.ID).Error)
		if after.Phone != "03 53 01 11 11" {
			t.Errorf("phone after the admin's edit: %q", after.Phone)
		}
	})
}

// TestHeadTeacherHomeShowsTheirMeetings: a planned meeting of the coming week to which a
// mediator invited the head teacher's account is on the head teacher's home, with a link to
// it (and its date with the year in the meetings list); one without them is not.
func TestHeadTeacherHomeShowsTheirMeetings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var head models.User
		must(t, db.Where("email = ?", "direction@demo.test").Take(&head).Error)
		var planned []models.Meeting
		must(t, db.Joins("JOIN pupils ON pupils.id = meetings.pupil_id").
			Joins("JOIN user_establishments ue ON ue.establishment_id = pupils.establishment_id AND ue.user_id = ?", head.ID).
			Where("meetings.status = ? AND meetings.scheduled_at > ? AND meetings.scheduled_at < ? AND pupils.anonymised_at IS NULL",
				models.MeetingPlanned, s.Clock.Now(), s.Clock.Now().AddDate(0, 0, 7)).
			Where("NOT EXISTS (SELECT 1 FROM meeting_participants mp WHERE mp.meeting_id = meetings.id AND mp.user_id = ?)", head.ID).
			Where("meetings.organiser_id <> ?", head.ID).Order("meetings.id").Limit(2).Find(&planned).Error)
		if len(planned) < 2 {
			t.Fatalf("the demo has %d planned meetings this week at the head teacher's establishment", len(planned))
		}
		invited, other := planned[0], planned[1]
		must(t, db.Create(&models.MeetingParticipant{MeetingID: invited.ID, Role: models.ParticipantHeadTeacher, Name: head.DisplayName, UserID: &head.ID}).Error)
		cl := s.client(t)
		cl.login("direction@demo.test")
		home := cl.get("/")
		if !strings.Contains(home.Body, "Mes rencontres des 7 prochains jours") || !strings.Contains(home.Body, fmt.Sprintf(`href="/meetings/%d"`, invited.ID)) {
			t.Errorf("the invitation is not on the head teacher's home")
		}
		if strings.Contains(home.Body, fmt.Sprintf(`href="/meetings/%d"`, other.ID)) {
			t.Error("a meeting without the head teacher is on their home")
		}
		if r := cl.get(fmt.Sprintf("/meetings/%d", invited.ID)); r.Status != http.StatusOK {
			t.Errorf("the invited meeting answers %d", r.Status)
		}
		list := cl.get("/meetings")
		day := regexp.MustCompile(`(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{2}/\d{2}(/\d{4})?`).FindAllStringSubmatch(list.Body, -1)
		if len(day) == 0 {
			t.Fatal("the meetings list shows no day")
		}
		for _, d := range day {
			if d[2] == "" {
				t.Errorf("a day without its year in the meetings list: %q", d[0])
			}
		}
	})
}

// TestEnglishWording: in English, labels take their colon without a space, and the dashboard's
// scope names the type once, without nested parentheses.
func TestEnglishWording(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		cl := s.client(t)
		cl.login("mediation@demo.test")
		if r := cl.post("/language", url.Values{"lang": {"en"}, "next": {"/"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("language: %d", r.Status)
		}
		var p models.Pupil
		must(t, db.Joins("JOIN user_establishments ue ON ue.establishment_id = pupils.establishment_id JOIN users ON users.id = ue.user_id").
			Where("users.email = ? AND pupils.anonymised_at IS NULL", "mediation@demo.test").Order("pupils.id").Take(&p).Error)
		file := cl.get(fmt.Sprintf("/pupils/%d", p.ID))
		if !strings.Contains(file.Body, "Status: <strong>") || strings.Contains(file.Body, "Status : ") {
			t.Errorf("English file page: %s", excerpt(file.Body))
		}
		var uai string
		must(t, db.Raw(`SELECT e.uai FROM establishments e JOIN user_establishments ue ON ue.establishment_id = e.id
			JOIN users u ON u.id = ue.user_id WHERE u.email = ? ORDER BY e.id LIMIT 1`, "mediation@demo.test").Scan(&uai).Error)
		dash := cl.get("/establishments/" + uai)
		if strings.Contains(dash.Body, "(Collège (") || !strings.Contains(dash.Body, ", Collège (lower secondary)") {
			t.Error("the dashboard's scope nests the type in parentheses")
		}
	})
}

// TestAuditLogInWords: the administrator reads « Nadia Berrada a consulté le dossier n° N »
// with a link to that file's events (never to the file, nor with the pupil's name), and an
// account change links to the account.
func TestAuditLogInWords(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var p models.Pupil
		must(t, db.Joins("JOIN user_establishments ue ON ue.establishment_id = pupils.establishment_id JOIN users ON users.id = ue.user_id").
			Where("users.email = ? AND pupils.anonymised_at IS NULL", "mediation@demo.test").Order("pupils.id").Take(&p).Error)
		med := s.client(t)
		med.login("mediation@demo.test")
		if r := med.get(fmt.Sprintf("/pupils/%d", p.ID)); r.Status != http.StatusOK {
			t.Fatalf("file: %d", r.Status)
		}
		admin := s.client(t)
		admin.login("admin@demo.test")
		r := admin.get(fmt.Sprintf("/admin/audit?action=pupil_viewed&record_id=%d", p.ID))
		link := fmt.Sprintf(`<a href="/admin/audit?record_id=%d&amp;record_type=pupil">le dossier n° %d</a>`, p.ID, p.ID)
		if !strings.Contains(r.Body, "<strong>Nadia Berrada</strong> <span class=\"muted\">(mediation@demo.test)</span> a consulté "+link) {
			t.Errorf("the view is not said in words: %s", excerpt(r.Body))
		}
		if strings.Contains(r.Body, p.LastName) || strings.Contains(r.Body, fmt.Sprintf(`href="/pupils/%d"`, p.ID)) {
			t.Error("the audit log names the pupil or links to the file")
		}
		if r := admin.get(fmt.Sprintf("/admin/audit?record_id=%d&record_type=pupil", p.ID)); !strings.Contains(r.Body, "a consulté") {
			t.Error("the file's link does not list its events")
		}

		if home := admin.get("/"); !strings.Contains(home.Body, `<strong>Nadia Berrada</strong> <span class="muted">(mediation@demo.test)</span> s&#39;est connecté·e`) {
			t.Error("the administrator's home does not say the sign-in in words")
		}

		var target models.User
		must(t, db.Where("email = ?", "mediation2@demo.test").Take(&target).Error)
		if r := admin.post(fmt.Sprintf("/admin/users/%d/password", target.ID), nil); r.Status != http.StatusOK {
			t.Fatalf("reset: %d", r.Status)
		}
		r = admin.get("/admin/audit?action=password_changed")
		want := fmt.Sprintf(`a changé le mot de passe de <a href="/admin/users/%d">%s</a>`, target.ID, target.DisplayName)
		if !strings.Contains(r.Body, want) {
			t.Errorf("the reset is not said in words: %s", excerpt(r.Body))
		}
	})
}

// TestImportPreviewOffersWhatWillWork: with an invalid line and the box unticked, the preview
// says the import would not apply as it is and offers only to import the valid lines; that
// button imports them. With the box ticked, it says the invalid line will be left out.
func TestImportPreviewOffersWhatWillWork(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/imports")
		directory := "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;etat\n" +
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n" +
			"0595111A;Collège Mauvaise Clé;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n"
		r := admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto"}, "annuaire.csv", []byte(directory))
		m := applyForm.FindStringSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil {
			t.Fatalf("preview: %d %s", r.Status, excerpt(r.Body))
		}
		if strings.Contains(r.Body, "Appliquer l&#39;import") || !strings.Contains(r.Body, "Une ligne est invalide : telle quelle, l&#39;import ne s&#39;appliquerait pas") ||
			!strings.Contains(r.Body, "Importer les lignes valides et ignorer la ligne invalide") {
			t.Errorf("the preview offers what would fail: %s", excerpt(r.Body))
		}
		if r := admin.post(m[1], url.Values{"skip_invalid": {"on"}}); r.Status != http.StatusOK {
			t.Fatalf("apply the valid lines: %d %s", r.Status, excerpt(r.Body))
		}
		var n int64
		must(t, db.Model(&models.Establishment{}).Where("uai IN ?", []string{"0595111K", "0595111A"}).Count(&n).Error)
		if n != 1 {
			t.Errorf("%d establishments imported, want the valid one", n)
		}

		r = admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto", "skip_invalid": "on"}, "annuaire.csv", []byte(directory))
		if !strings.Contains(r.Body, "La ligne invalide sera ignorée ; les autres seront importées.") || strings.Contains(r.Body, "telle quelle") {
			t.Errorf("the ticked box is not reflected: %s", excerpt(r.Body))
		}
	})
}

// TestImportPreviewListsTheLines: the preview of a directory says which line would create an
// establishment and which would update one; after applying, the page lists them as done.
func TestImportPreviewListsTheLines(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var e models.Establishment
		must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&e).Error)
		admin := s.client(t)
		admin.login("admin@demo.test")
		admin.get("/admin/imports")
		directory := "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code_postal;Nom_commune;etat\n" +
			"0595111K;Collège Anne Frank;Collège;Public;59390;Lys-lez-Lannoy;OUVERT\n" +
			e.UAI + ";Collège Jean Jaurès (nouveau nom);Collège;Public;" + e.PostalCode + ";" + e.Commune + ";OUVERT\n"
		r := admin.upload("/admin/imports", map[string]string{"kind": "establishments", "encoding": "auto"}, "annuaire.csv", []byte(directory))
		m := applyForm.FindStringSubmatch(r.Body)
		if r.Status != http.StatusOK || m == nil {
			t.Fatalf("preview: %d %s", r.Status, excerpt(r.Body))
		}
		for _, want := range []string{"Lignes qui créeraient ou mettraient à jour un enregistrement",
			"<tr><td>2</td><td>0595111K Collège Anne Frank</td><td>création</td></tr>",
			"<tr><td>3</td><td>" + e.UAI + " Collège Jean Jaurès (nouveau nom)</td><td>mise à jour</td></tr>"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		r = admin.post(m[1], nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Lignes qui ont créé ou mis à jour un enregistrement") ||
			!strings.Contains(r.Body, "<td>0595111K Collège Anne Frank</td><td>création</td>") {
			t.Errorf("applied: %d %s", r.Status, excerpt(r.Body))
		}
	})
}
