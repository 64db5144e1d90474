package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
	"mediation/models/risk"
)

// seeded is an establishment filled in bulk with pupils and follow-ups, for query counts and
// benchmarks.
type seeded struct {
	site     *site
	mediator string
	pupils   []uint
}

// seedEstablishment builds an application on u with one establishment of n pupils and m
// follow-ups spread over them (the first pupil gets exactly firstFollowUps of them), indicators
// for the last 12 months, and next actions.
func seedEstablishment(tb testing.TB, u models.DatabaseURL, n, m, firstFollowUps int) *seeded {
	tb.Helper()
	ctx := context.Background()
	clk := dbtest.NewClock(fixedNow)
	db := dbtest.OpenMigrated(tb, u)
	hash, err := models.NewHasher(testHashing).Hash(ctx, demodata.Password)
	if err != nil {
		tb.Fatal(err)
	}
	e := models.Establishment{UAI: "0590117G", Name: "Lycée Bench", Type: models.TypeLyceePro, Sector: models.SectorPublic,
		Commune: "Roubaix", PostalCode: "59100", PriorityEducation: models.PriorityREPPlus, Active: true}
	must(tb, db.Create(&e).Error)
	med, err := models.SaveAccount(ctx, db, 0, models.Account{Email: "bench@demo.test", DisplayName: "Médiatrice Bench",
		Role: models.RoleMediator, EstablishmentIDs: []uint{e.ID}, Active: true}, hash, false)
	must(tb, err)
	rng := rand.New(rand.NewPCG(1, 2))
	today := calendar.Today(fixedNow)
	statuses := []models.PupilStatus{models.StatusActive, models.StatusActive, models.StatusMonitoring, models.StatusIdentified}
	pupils := make([]models.Pupil, n)
	for i := range pupils {
		pupils[i] = models.Pupil{EstablishmentID: e.ID, LastName: fmt.Sprintf("Nom%04d", i), FirstName: "Prénom",
			BirthDate: time.Date(2009+i%4, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level2nde,
			ClassName: "2nde B", ReferentMediatorID: &med.ID, Status: statuses[i%len(statuses)],
			IdentifiedOn: today.AddDate(0, 0, -rng.IntN(600)), Version: 1}
	}
	must(tb, db.CreateInBatches(&pupils, 500).Error)
	ids := make([]uint, n)
	for i, p := range pupils {
		ids[i] = p.ID
	}
	var fus []models.FollowUp
	for i := 0; i < m; i++ {
		pid := ids[1+rng.IntN(n-1)]
		if i < firstFollowUps {
			pid = ids[0]
		}
		fus = append(fus, models.FollowUp{PupilID: pid, AuthorID: med.ID, OccurredOn: today.AddDate(0, 0, -rng.IntN(700)),
			Kind: models.FollowUpKinds[rng.IntN(len(models.FollowUpKinds))], DurationMinutes: 15 + rng.IntN(90), Note: "Note de suivi.",
			Restricted: rng.IntN(10) == 0})
	}
	if len(fus) > 0 {
		must(tb, db.CreateInBatches(&fus, 1000).Error)
	}
	var inds []models.MonthlyIndicator
	var actions []models.NextAction
	school := 36
	for i, id := range ids {
		for k := 0; k < 12; k++ {
			inds = append(inds, models.MonthlyIndicator{PupilID: id, Month: calendar.MonthOf(fixedNow.AddDate(0, -k, 0)),
				UnjustifiedHalfDays: ptr(rng.IntN(6)), JustifiedHalfDays: ptr(rng.IntN(4)), SchoolHalfDays: &school, Source: models.SourceImport})
		}
		if i%3 == 0 {
			actions = append(actions, models.NextAction{PupilID: id, Description: "Rappeler la famille", DueOn: today.AddDate(0, 0, rng.IntN(20)-10),
				OwnerUserID: &med.ID})
		}
	}
	must(tb, db.CreateInBatches(&inds, 1000).Error)
	if len(actions) > 0 {
		must(tb, db.CreateInBatches(&actions, 1000).Error)
	}
	must(tb, models.RecomputeRisk(ctx, db, risk.DefaultRules, calendar.MonthOf(fixedNow)))
	a, err := app.New(ctx, app.Config{DatabaseURL: dbURLString(u), Now: clk.Now, Hashing: testHashing,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Echo)
	tb.Cleanup(srv.Close)
	return &seeded{site: &site{App: a, URL: srv.URL, Clock: clk}, mediator: med.Email, pupils: ids}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// The number of SQL statements of a page does not depend on how many rows it shows: the
// casework pages, the meeting and referral lists, and the dashboards of each report.
func TestQueriesDoNotGrowWithRows(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			counts := map[string][]int64{}
			shows := map[string]string{"/meetings": `href="/meetings/`, "/referrals": `href="/referrals/`,
				"/reports/metropolitan?by=establishment": "Collège Test "}
			for _, size := range []struct{ pupils, followUps, first, meetings, referrals, establishments int }{
				{3, 6, 1, 2, 2, 1}, {120, 1500, 60, 60, 80, 8}} {
				s := seedEstablishment(t, b.New(t), size.pupils, size.followUps, size.first)
				readers := seedMeetingsAndReferrals(t, s, size.meetings, size.referrals, size.establishments)
				counter := dbtest.CountQueries(s.site.App.DB)
				pages := []struct {
					who   string
					paths []string
				}{
					{s.mediator, []string{"/pupils", "/pupils?sort=contact", fmt.Sprintf("/pupils/%d", s.pupils[0]), "/",
						"/meetings", "/referrals", "/establishments/" + readers.uai}},
					{readers.coordinator, []string{"/reports/metropolitan?by=establishment", "/reports/metropolitan?by=commune",
						"/reports/metropolitan?by=type", fmt.Sprintf("/partners/%d/report", readers.partnerID)}},
					{readers.partner, []string{"/referrals", fmt.Sprintf("/partners/%d/report", readers.partnerID)}},
				}
				for _, p := range pages {
					cl := s.site.client(t)
					cl.login(p.who)
					for _, path := range p.paths {
						counter.Reset()
						r := cl.get(path)
						if r.Status != http.StatusOK {
							t.Fatalf("%s GET %s: %d", p.who, path, r.Status)
						}
						// With many rows, the lists show many of them: the guard counts real work.
						if want, ok := shows[path]; ok && size.meetings > 10 && strings.Count(r.Body, want) < 10 {
							t.Errorf("%s GET %s: %d × %q, want many", p.who, path, strings.Count(r.Body, want), want)
						}
						key := p.who[:4] + " " + path
						counts[key] = append(counts[key], counter.Count())
					}
				}
			}
			for path, c := range counts {
				if c[0] != c[1] {
					t.Errorf("GET %s: %d queries with few rows, %d with many", path, c[0], c[1])
				}
			}
		})
	}
}

var pupilLink = regexp.MustCompile(`href="/pupils/(\d+)"`)

func TestPupilPagesAndScope(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures models.Establishment
		dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		var restricted models.FollowUp
		must(t, db.Joins("JOIN pupils ON pupils.id = follow_ups.pupil_id").
			Where("follow_ups.restricted = ? AND pupils.establishment_id = ? AND pupils.anonymised_at IS NULL", true, jaures.ID).
			Order("follow_ups.id").Take(&restricted).Error)
		filePath := fmt.Sprintf("/pupils/%d", restricted.PupilID)

		med := s.client(t)
		med.login("mediation@demo.test")
		list := med.get("/pupils")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, "Collège Louise Michel") {
			t.Fatalf("list: %d", list.Status)
		}
		for _, q := range []string{"?sort=risk", "?sort=contact", "?sort=status", "?sort=identified", "?status=closed", "?risk=high", "?level=4e",
			fmt.Sprintf("?establishment=%d", jaures.ID), "?q=zz-nobody", "?page=2", "?status=bogus&page=-3"} {
			if r := med.get("/pupils" + q); r.Status != http.StatusOK {
				t.Errorf("GET /pupils%s: %d", q, r.Status)
			}
		}
		if r := med.get("/pupils?q=zz-nobody"); !strings.Contains(r.Body, "0 dossier") {
			t.Error("a search that matches nothing does not say so")
		}
		// The mediator reads the restricted note; the head teacher does not, anywhere.
		if r := med.get(filePath); r.Status != http.StatusOK || !strings.Contains(r.Body, restricted.Note) {
			t.Errorf("mediator file: %d, restricted note shown: %v", r.Status, strings.Contains(r.Body, restricted.Note))
		}
		head := s.client(t)
		head.login("direction@demo.test")
		r := head.get(filePath)
		if r.Status != http.StatusOK || strings.Contains(r.Body, restricted.Note) || strings.Contains(r.Body, `id="followup-form"`) {
			t.Errorf("head teacher file: %d; restricted note shown: %v", r.Status, strings.Contains(r.Body, restricted.Note))
		}
		// Every view of a file is in the audit log, without any note.
		var views int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_id = ?", models.AuditPupilViewed, fmt.Sprint(restricted.PupilID)).Count(&views).Error)
		if views != 2 {
			t.Errorf("%d views audited, want 2", views)
		}
		var leaked int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("detail LIKE ?", "%"+restricted.Note[:min(20, len(restricted.Note))]+"%").Count(&leaked).Error)
		if leaked != 0 {
			t.Error("a note is in the audit log")
		}
		// Another establishment's mediator, the partner, the coordinator, the admin: 404.
		for _, email := range []string{"mediation2@demo.test", "caf@demo.test", "coordination@demo.test", "admin@demo.test"} {
			cl := s.client(t)
			cl.login(email)
			if r := cl.get(filePath); r.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", email, filePath, r.Status)
			}
		}
		// The head teacher's list holds only their establishment.
		var other models.Pupil
		dbtest.Must(t, db.Where("establishment_id <> ? AND anonymised_at IS NULL", jaures.ID).Take(&other).Error)
		body := head.get("/pupils").Body
		for _, m := range pupilLink.FindAllStringSubmatch(body, -1) {
			if m[1] == fmt.Sprint(other.ID) {
				t.Error("the head teacher's list shows another establishment's pupil")
			}
		}
	})
}

func TestMediatorWorksOnAFile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		var jaures models.Establishment
		dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
		med := s.client(t)
		med.login("mediation@demo.test")
		med.get("/pupils/new")
		// Bad input: 422, messages beside the fields, nothing stored.
		var before int64
		dbtest.Must(t, db.Model(&models.Pupil{}).Count(&before).Error)
		r := med.post("/pupils", url.Values{"establishment_id": {fmt.Sprint(jaures.ID)}, "last_name": {"Vanhoutte"}, "first_name": {"Inès"},
			"birth_date": {"2031-02-03"}, "class_level": {"CM2"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="birth_date-error"`) || !strings.Contains(r.Body, `id="class_level-error"`) {
			t.Fatalf("bad pupil: %d %s", r.Status, excerpt(r.Body))
		}
		if !strings.Contains(r.Body, `value="Vanhoutte"`) {
			t.Error("what was typed is lost")
		}
		var after int64
		dbtest.Must(t, db.Model(&models.Pupil{}).Count(&after).Error)
		if after != before {
			t.Fatal("a refused file was stored")
		}
		r = med.post("/pupils", url.Values{"establishment_id": {fmt.Sprint(jaures.ID)}, "last_name": {"Vanhoutte"}, "first_name": {"Inès"},
			"birth_date": {"03/10/2012"}, "class_level": {"4e"}, "class_name": {"4e B"}, "guardian0_name": {"Mme Vanhoutte"},
			"guardian0_home_language": {"néerlandais"}, "guardian0_interpreter_needed": {"on"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.Status, excerpt(r.Body))
		}
		path := r.Location
		page := med.get(path)
		for _, want := range []string{"Inès Vanhoutte", "Mme Vanhoutte", "néerlandais", "interprète", "Repéré"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("new file lacks %q", want)
			}
		}
		var p models.Pupil
		dbtest.Must(t, db.Where("last_name = ?", "Vanhoutte").Take(&p).Error)
		// A follow-up with a next action due in two days, then bad ones.
		today := calendar.Today(fixedNow)
		r = med.post(path+"/followups", url.Values{"occurred_on": {today.Format("2006-01-02")}, "kind": {"family_phone"}, "duration_minutes": {"1000"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="duration_minutes-error"`) {
			t.Errorf("absurd duration: %d", r.Status)
		}
		r = med.post(path+"/followups", url.Values{"occurred_on": {today.Format("2006-01-02")}, "kind": {"family_phone"}, "duration_minutes": {"20"},
			"action_description": {"Rappeler"}, "action_due_on": {today.AddDate(0, 0, -2).Format("2006-01-02")}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "L&#39;échéance ne peut pas précéder") {
			t.Errorf("due before the follow-up: %d", r.Status)
		}
		r = med.post(path+"/followups", url.Values{"occurred_on": {today.Format("2006-01-02")}, "kind": {"family_phone"}, "duration_minutes": {"20"},
			"note": {"Appel à la mère, rendez-vous pris."}, "action_description": {"Recevoir Mme Vanhoutte"}, "action_due_on": {today.AddDate(0, 0, 2).Format("2006-01-02")}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("follow-up: %d %s", r.Status, excerpt(r.Body))
		}
		if home := med.get("/"); !strings.Contains(home.Body, "Recevoir Mme Vanhoutte") {
			t.Error("the next action is not on the worklist")
		}
		// Status: active, then closed without reason (refused), then closed, then reopened.
		steps := []struct {
			form url.Values
			want int
		}{
			{url.Values{"status": {"active"}, "comment": {"Suivi engagé avec la famille"}}, http.StatusSeeOther},
			{url.Values{"status": {"identified"}, "comment": {"retour"}}, http.StatusUnprocessableEntity},
			{url.Values{"status": {"closed"}, "comment": {"fin"}}, http.StatusUnprocessableEntity},
			{url.Values{"status": {"closed"}, "exit_reason": {"re_engaged"}, "comment": {"Assiduité retrouvée"}}, http.StatusSeeOther},
			{url.Values{"status": {"active"}, "comment": {"Nouvelles absences"}}, http.StatusSeeOther},
		}
		for i, st := range steps {
			dbtest.Must(t, db.Take(&p, p.ID).Error)
			st.form.Set("version", fmt.Sprint(p.Version))
			if r := med.post(path+"/status", st.form); r.Status != st.want {
				t.Errorf("status step %d (%v): %d, want %d", i, st.form, r.Status, st.want)
			}
		}
		dbtest.Must(t, db.Take(&p, p.ID).Error)
		if p.Status != models.StatusActive || p.ExitReason != nil {
			t.Errorf("after reopening: %s %v", p.Status, p.ExitReason)
		}
		// Indicators that contradict themselves are refused; valid ones raise the risk.
		if r := med.post(path+"/indicators", url.Values{"month": {"2026-11"}, "unjustified_half_days": {"20"}, "school_half_days": {"12"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("contradictory indicators: %d", r.Status)
		}
		if r := med.post(path+"/indicators", url.Values{"month": {"2026-11"}, "unjustified_half_days": {"5"}, "school_half_days": {"36"}, "term_average": {"7,5"}}); r.Status != http.StatusSeeOther {
			t.Errorf("indicators: %d", r.Status)
		}
		page = med.get(path)
		for _, want := range []string{"Risque Élevé", "5 demi-journées d&#39;absence non justifiées en novembre 2026", "moyenne trimestrielle de 7,5/20, saisie en"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("file after indicators lacks %q", want)
			}
		}
		// Two edits of the identity on the same version: the second is refused and says why.
		dbtest.Must(t, db.Take(&p, p.ID).Error)
		identity := url.Values{"version": {fmt.Sprint(p.Version)}, "establishment_id": {fmt.Sprint(jaures.ID)}, "last_name": {"Vanhoutte"},
			"first_name": {"Inès"}, "birth_date": {"2012-10-03"}, "class_level": {"3e"}, "class_name": {"3e A"}}
		if r := med.post(path, identity); r.Status != http.StatusSeeOther {
			t.Fatalf("first edit: %d %s", r.Status, excerpt(r.Body))
		}
		identity.Set("class_name", "3e C")
		r = med.post(path, identity)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "a été modifié par") || !strings.Contains(r.Body, "3e A") {
			t.Errorf("stale edit: %d %s", r.Status, excerpt(r.Body))
		}
		dbtest.Must(t, db.Take(&p, p.ID).Error)
		if p.ClassName != "3e A" {
			t.Errorf("the stale edit overwrote: %q", p.ClassName)
		}
		// The author edits and deletes a follow-up; another mediator of the establishment cannot.
		var fu models.FollowUp
		dbtest.Must(t, db.Where("pupil_id = ?", p.ID).Take(&fu).Error)
		colleague, err := models.SaveAccount(context.Background(), db, 0, models.Account{Email: "collegue@demo.test", DisplayName: "Collègue",
			Role: models.RoleMediator, EstablishmentIDs: []uint{jaures.ID}, Active: true}, mustHash(t), false)
		must(t, err)
		cl := s.client(t)
		cl.login(colleague.Email)
		if r := cl.get(fmt.Sprintf("/followups/%d/edit", fu.ID)); r.Status != http.StatusNotFound {
			t.Errorf("a colleague opens another's follow-up: %d", r.Status)
		}
		if r := cl.post(fmt.Sprintf("/followups/%d/delete", fu.ID), nil); r.Status != http.StatusNotFound {
			t.Errorf("a colleague deletes another's follow-up: %d", r.Status)
		}
		if r := med.get(fmt.Sprintf("/followups/%d/edit", fu.ID)); r.Status != http.StatusOK {
			t.Errorf("the author opens the follow-up: %d", r.Status)
		}
		if r := med.post(fmt.Sprintf("/followups/%d", fu.ID), url.Values{"version": {fmt.Sprint(fu.Version)}, "occurred_on": {today.Format("2006-01-02")}, "kind": {"home_visit"}, "duration_minutes": {"60"}, "note": {"Corrigé."}}); r.Status != http.StatusSeeOther {
			t.Errorf("the author corrects: %d", r.Status)
		}
		if r := med.post(fmt.Sprintf("/followups/%d/delete", fu.ID), nil); r.Status != http.StatusSeeOther {
			t.Errorf("the author deletes: %d", r.Status)
		}
		var deleted int64
		dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action = ? AND record_type = ? AND record_id = ?", models.AuditDeleted, "follow_up", fmt.Sprint(fu.ID)).Count(&deleted).Error)
		if deleted != 1 {
			t.Error("the deletion is not audited")
		}
	})
}

func mustHash(t *testing.T) string {
	h, err := models.NewHasher(testHashing).Hash(context.Background(), demodata.Password)
	must(t, err)
	return h
}

// casework routes for the authorization matrix: reader routes for mediators and head teachers,
// the others for mediators only.
func caseworkRoutes(t *testing.T, db *gorm.DB) []route {
	var jaures models.Establishment
	dbtest.Must(t, db.Where("name = ?", "Collège Jean Jaurès").Take(&jaures).Error)
	var author models.User
	dbtest.Must(t, db.Where("email = ?", "mediation@demo.test").Take(&author).Error)
	var fu models.FollowUp
	must(t, db.Joins("JOIN pupils ON pupils.id = follow_ups.pupil_id").
		Where("pupils.establishment_id = ? AND pupils.anonymised_at IS NULL AND follow_ups.author_id = ?", jaures.ID, author.ID).
		Order("follow_ups.id").Take(&fu).Error)
	var p models.Pupil
	must(t, db.Take(&p, fu.PupilID).Error)
	var g models.Guardian
	dbtest.Must(t, db.Where("pupil_id = ?", p.ID).Take(&g).Error)
	var a models.NextAction
	dbtest.Must(t, db.Where("pupil_id = ?", p.ID).Take(&a).Error)
	read := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	work := []models.Role{models.RoleMediator}
	id := p.ID
	return []route{
		{"GET", "/pupils", read},
		{"GET", fmt.Sprintf("/pupils/%d", id), read},
		{"GET", fmt.Sprintf("/pupils/%d/dossier.pdf", id), read},
		{"GET", "/pupils/new", work},
		{"POST", "/pupils", work},
		{"GET", fmt.Sprintf("/pupils/%d/edit", id), work},
		{"POST", fmt.Sprintf("/pupils/%d", id), work},
		{"POST", fmt.Sprintf("/pupils/%d/status", id), work},
		{"POST", fmt.Sprintf("/pupils/%d/guardians", id), work},
		{"POST", fmt.Sprintf("/pupils/%d/guardians/%d", id, g.ID), work},
		{"POST", fmt.Sprintf("/pupils/%d/indicators", id), work},
		{"POST", fmt.Sprintf("/pupils/%d/followups", id), work},
		{"GET", fmt.Sprintf("/followups/%d/edit", fu.ID), work},
		{"POST", fmt.Sprintf("/followups/%d", fu.ID), work},
	}
}

func TestRiskRulesAreConfigurable(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		count := func(level risk.Level) int64 {
			var n int64
			dbtest.Must(t, db.Model(&models.Pupil{}).Where("risk_level = ?", level).Count(&n).Error)
			return n
		}
		highBefore := count(risk.High)
		coord := s.client(t)
		coord.login("coordination@demo.test")
		form := coord.get("/settings/risk")
		if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="4"`) {
			t.Fatalf("risk rules form: %d", form.Status)
		}
		values := url.Values{}
		for k, v := range map[string]string{"monthly_alert_half_days": "4", "monthly_alert_points": "2", "monthly_watch_half_days": "2",
			"monthly_watch_points": "1", "chronic_absence_rate": "10", "chronic_absence_points": "2", "exclusions": "1", "exclusion_points": "2",
			"incidents": "3", "incident_points": "1", "low_average": "8", "low_average_points": "1", "average_drop": "3",
			"average_drop_points": "1", "medium_from": "2", "high_from": "4"} {
			values.Set(k, v)
		}
		bad := url.Values{}
		for k, v := range values {
			bad[k] = v
		}
		bad.Set("monthly_watch_half_days", "5")
		bad.Set("high_from", "abc")
		if r := coord.post("/settings/risk", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="monthly_watch_half_days-error"`) ||
			!strings.Contains(r.Body, `id="high_from-error"`) {
			t.Errorf("bad rules: %d", r.Status)
		}
		values.Set("high_from", "9") // almost nobody is high any more
		if r := coord.post("/settings/risk", values); r.Status != http.StatusSeeOther {
			t.Fatalf("save rules: %d %s", r.Status, excerpt(r.Body))
		}
		if after := count(risk.High); after >= highBefore {
			t.Errorf("high-risk pupils %d → %d after raising the threshold", highBefore, after)
		}
		rules, err := models.LoadRiskRules(context.Background(), db)
		must(t, err)
		if rules.HighFrom != 9 {
			t.Errorf("stored rules: %+v", rules)
		}
	})
}

// The worklist gathers meetings and referrals too; answers are new only once.
func TestWorklistMeetingsAndReferrals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		med := s.client(t)
		med.login("mediation@demo.test")
		first := med.get("/")
		for _, want := range []string{"Cette semaine (", `<span class="muted">Rencontre`, "sans compte rendu", "sans réponse dans le délai", "depuis votre dernière visite"} {
			if !strings.Contains(first.Body, want) {
				t.Errorf("worklist lacks %q", want)
			}
		}
		if again := med.get("/"); strings.Contains(again.Body, "depuis votre dernière visite") {
			t.Error("answers already seen are shown again")
		}
	})
}
