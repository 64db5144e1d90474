package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"mediation/handlers"
	"mediation/models"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// draftCase is a form whose typed text must survive an expired session: who fills it, the page
// that shows it (where the user is brought back, at the form's section on the long pupil file),
// the route it posts to, what the browser sends (read when the case runs: versions are the
// current ones) and what the page must show again.
type draftCase struct {
	name, email string
	page, post  string
	form        func() url.Values
	want        []string
}

// next is where signing in again leads: the page, at the form's section on the pupil file.
func (c draftCase) next(file string) string {
	if c.page != file {
		return c.page
	}
	anchors := map[string]string{"/followups": "followup-form", "/indicators": "indicators", "/status": "status", "/guardians": "identity",
		"/meetings": "meeting-form", "/referrals": "referral-form"}
	for suffix, anchor := range anchors {
		if strings.HasPrefix(c.post, file+suffix) {
			return c.page + "#" + anchor
		}
	}
	return c.page
}

// Every form where typing is work, sent 31 idle minutes after its page was read: nothing is
// applied; the login page says why; signing in again leads back to the page, which gives the
// text back in the form, with the version it was typed on, the word saying why, and the
// warning before expiry; sending it again from there records it.
func TestExpiredSessionKeepsEveryForm(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		// The records the forms change, made as a mediator would.
		s, mp, med := signedInMediator(t, u)
		db := s.App.DB
		agreementPage := fmt.Sprintf("/conventions/%d", demoAgreement(t, db, "CAF du Nord").ID)
		var cost models.UnitCost
		dbtest.Must(t, db.Order("id").Take(&cost).Error)
		costPage := fmt.Sprintf("/settings/unit-costs/%d", cost.ID)
		file := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		draftPage, caf := newReferralDraft(t, med, mp)
		r := med.post(file+"/meetings", scheduleForm(mp, "2026-12-10", "14:00"))
		if r.Status != http.StatusSeeOther || !meetingLocation.MatchString(r.Location) {
			t.Fatalf("meeting: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		planned := r.Location
		past := scheduleForm(mp, "2026-11-20", "16:00")
		past.Set("already_held", "on")
		r = med.post(file+"/meetings", past)
		if r.Status != http.StatusSeeOther || !meetingLocation.MatchString(r.Location) {
			t.Fatalf("meeting held: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		heldPage := r.Location
		var came models.MeetingParticipant
		dbtest.Must(t, db.Where("meeting_id = ? AND role = ?", meetingLocation.FindStringSubmatch(heldPage)[1], models.ParticipantGuardian).Take(&came).Error)
		var recapped models.Meeting
		dbtest.Must(t, db.Joins("JOIN pupils p ON p.id = meetings.pupil_id").
			Where("p.establishment_id = ? AND p.anonymised_at IS NULL AND meetings.status = ? AND meetings.recap = ''", mp.pupil.EstablishmentID, models.MeetingHeld).
			Order("meetings.id").Take(&recapped).Error)
		var acknowledged models.Referral
		dbtest.Must(t, db.Joins("JOIN pupils p ON p.id = referrals.pupil_id AND p.anonymised_at IS NULL").
			Where("referrals.partner_organisation_id = ? AND referrals.status = ?", caf.ID, models.ReferralAcknowledged).
			Order("referrals.id").Take(&acknowledged).Error)
		answered := fmt.Sprintf("/referrals/%d", acknowledged.ID)
		var fu models.FollowUp
		dbtest.Must(t, db.Joins("JOIN pupils p ON p.id = follow_ups.pupil_id AND p.anonymised_at IS NULL").
			Where("follow_ups.author_id = ?", mp.mediator.ID).Order("follow_ups.id").Take(&fu).Error)

		// The current version of a record, as its page shows it.
		version := func(model any, path string) string {
			t.Helper()
			var v int
			id := path[strings.LastIndex(path, "/")+1:]
			dbtest.Must(t, db.Model(model).Where("id = ?", id).Pluck("version", &v).Error)
			return fmt.Sprint(v)
		}
		pupil := func() models.Pupil {
			t.Helper()
			var p models.Pupil
			dbtest.Must(t, db.Take(&p, mp.pupil.ID).Error)
			return p
		}
		var action models.Activity
		dbtest.Must(t, db.Where("establishment_id = ?", mp.pupil.EstablishmentID).Order("id").Take(&action).Error)
		actionPage := fmt.Sprintf("/activities/%d", action.ID)
		var conflict models.Conflict
		dbtest.Must(t, db.Where("establishment_id = ?", mp.pupil.EstablishmentID).Order("id").Take(&conflict).Error)
		conflictPage := fmt.Sprintf("/conflicts/%d", conflict.ID)
		var reviewed models.CaseReviewPupil
		dbtest.Must(t, db.Joins("JOIN case_reviews ON case_reviews.id = case_review_pupils.case_review_id").
			Where("case_reviews.establishment_id = ?", mp.pupil.EstablishmentID).Order("case_review_pupils.id").Take(&reviewed).Error)
		reviewPage := fmt.Sprintf("/case-reviews/%d", reviewed.CaseReviewID)
		esc := html.EscapeString
		cases := []draftCase{
			{"follow-up", mp.mediator.Email, file, file + "/followups", func() url.Values {
				return url.Values{"occurred_on": {"2026-11-24"}, "kind": {"family_phone"}, "duration_minutes": {"25"},
					"note": {"La mère rappellera le CPE jeudi."}, "action_description": {"Rappeler la famille"}, "action_due_on": {"2026-12-04"}}
			}, []string{esc("La mère rappellera le CPE jeudi.") + "</textarea>", `value="Rappeler la famille"`, `value="2026-12-04"`}},
			{"indicators", mp.mediator.Email, file, file + "/indicators", func() url.Values {
				return url.Values{"month": {"2026-10"}, "unjustified_half_days": {"7"}, "school_half_days": {"38"}, "term_average": {"11,5"}}
			}, []string{`name="unjustified_half_days" type="number" inputmode="numeric" min="0" value="7"`, `value="11,5"`}},
			{"status and its comment", mp.mediator.Email, file, file + "/status", func() url.Values {
				return url.Values{"version": {fmt.Sprint(pupil().Version)}, "status": {"monitoring"}, "exit_reason": {""},
					"comment": {"Assiduité revenue depuis la rentrée des vacances."}}
			}, []string{`<option value="monitoring" selected>`, `value="` + esc("Assiduité revenue depuis la rentrée des vacances.") + `"`}},
			{"new guardian", mp.mediator.Email, file, file + "/guardians", func() url.Values {
				return url.Values{"name": {"Mme Durand-Lefèvre"}, "relation": {"tante"}, "phone": {"06 12 34 56 78"}, "interpreter_needed": {"on"}}
			}, []string{`id="new-name" name="name" type="text" value="Mme Durand-Lefèvre"`, `id="new-phone" name="phone" type="tel" value="06 12 34 56 78"`,
				`id="new-interpreter_needed" name="interpreter_needed" checked`}},
			{"guardian edit", mp.mediator.Email, file, fmt.Sprintf("%s/guardians/%d", file, mp.guardian.ID), func() url.Values {
				return url.Values{"name": {mp.guardian.Name}, "relation": {"mère"}, "phone": {"07 98 76 54 32"}, "home_language": {"arabe"}}
			}, []string{fmt.Sprintf(`id="g%d-phone" name="phone" type="tel" value="07 98 76 54 32"`, mp.guardian.ID),
				fmt.Sprintf(`id="g%d-home_language" name="home_language" type="text" value="arabe"`, mp.guardian.ID)}},
			{"new meeting", mp.mediator.Email, file, file + "/meetings", func() url.Values {
				v := scheduleForm(mp, "2026-12-15", "09:30")
				v.Set("purpose", "Point sur les retards du matin avec la famille.")
				return v
			}, []string{esc("Point sur les retards du matin avec la famille.") + "</textarea>", `value="2026-12-15"`, `value="09:30"`}},
			{"new referral", mp.mediator.Email, file, file + "/referrals", func() url.Values {
				return url.Values{"partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"},
					"request": {"Aider la famille à constituer le dossier d'aide au logement."}}
			}, []string{esc("Aider la famille à constituer le dossier d'aide au logement.") + "</textarea>"}},
			{"identity", mp.mediator.Email, file + "/edit", file, func() url.Values {
				p := pupil()
				v := url.Values{"version": {fmt.Sprint(p.Version)}, "establishment_id": {fmt.Sprint(p.EstablishmentID)}, "last_name": {p.LastName},
					"first_name": {p.FirstName}, "birth_date": {p.BirthDate.Format("2006-01-02")}, "class_level": {string(p.ClassLevel)},
					"class_name": {p.ClassName}, "ine": {"123456789AB"}}
				if p.ReferentMediatorID != nil {
					v.Set("referent_id", fmt.Sprint(*p.ReferentMediatorID))
				}
				return v
			}, []string{`value="123456789AB"`}},
			{"follow-up edit", mp.mediator.Email, fmt.Sprintf("/followups/%d/edit", fu.ID), fmt.Sprintf("/followups/%d", fu.ID), func() url.Values {
				return followUpForm(fu, atoi(version(&models.FollowUp{}, fmt.Sprint(fu.ID))), "Note corrigée après relecture avec le CPE.")
			}, []string{esc("Note corrigée après relecture avec le CPE.") + "</textarea>"}},
			{"meeting edit", mp.mediator.Email, planned, planned, func() url.Values {
				v := scheduleForm(mp, "2026-12-11", "16:00")
				v.Set("version", version(&models.Meeting{}, planned))
				v.Set("place", "Salle des parents, bâtiment B")
				return v
			}, []string{`value="` + esc("Salle des parents, bâtiment B") + `"`, `value="2026-12-11"`}},
			{"recap", mp.mediator.Email, fmt.Sprintf("/meetings/%d", recapped.ID), fmt.Sprintf("/meetings/%d/recap", recapped.ID), func() url.Values {
				return url.Values{"version": {version(&models.Meeting{}, fmt.Sprint(recapped.ID))}, "decisions": {"Un point mensuel avec le CPE."},
					"action0_description": {"Appeler la famille"}, "action0_due_on": {"2026-12-09"}, "action0_owner": {"label"}, "action0_owner_label": {"CPE"}}
			}, []string{"Un point mensuel avec le CPE.</textarea>", `value="Appeler la famille"`, `value="CPE"`}},
			{"attendance", mp.mediator.Email, heldPage, heldPage + "/attendance", func() url.Values {
				return url.Values{"version": {version(&models.Meeting{}, heldPage)}, "present": {fmt.Sprint(came.ID)}}
			}, []string{fmt.Sprintf(`id="present-%d" name="present" value="%d" checked`, came.ID, came.ID)}},
			{"referral draft edit", mp.mediator.Email, draftPage, draftPage, func() url.Values {
				return url.Values{"version": {version(&models.Referral{}, draftPage)}, "partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"},
					"request": {"Demande d'aide au logement, loyer impayé depuis octobre."}}
			}, []string{esc("Demande d'aide au logement, loyer impayé depuis octobre.") + "</textarea>"}},
			{"consent", mp.mediator.Email, draftPage, draftPage + "/consent", func() url.Values {
				return url.Values{"version": {version(&models.Referral{}, draftPage)}, "consent_given_by": {"M. Diallo, père"},
					"consent_given_on": {"2026-11-24"}, "consent_method": {"phone"}}
			}, []string{`value="M. Diallo, père"`, `<option value="phone" selected>`}},
			{"withdrawal", mp.mediator.Email, draftPage, draftPage + "/withdraw", func() url.Values {
				return url.Values{"version": {version(&models.Referral{}, draftPage)}, "comment": {"La famille préfère attendre la rentrée."}}
			}, []string{esc("La famille préfère attendre la rentrée.") + "</textarea>"}},
			{"partner feedback", "caf@demo.test", answered, answered + "/feedback", func() url.Values {
				return url.Values{"version": {version(&models.Referral{}, answered)}, "comment": {"Rendez-vous fixé le 8 décembre."}}
			}, []string{"Rendez-vous fixé le 8 décembre.</textarea>"}},
			{"partner decline", "caf@demo.test", answered, answered + "/decline", func() url.Values {
				return url.Values{"version": {version(&models.Referral{}, answered)}, "comment": {"Ressources au-dessus du plafond."}}
			}, []string{"Ressources au-dessus du plafond.</textarea>"}},
			{"partner outcome", "caf@demo.test", answered, answered + "/close", func() url.Values {
				return url.Values{"version": {version(&models.Referral{}, answered)}, "outcome": {"not_eligible"}, "comment": {"Orientée vers le CCAS."}}
			}, []string{`<option value="not_eligible" selected>`, "Orientée vers le CCAS.</textarea>"}},
			{"new collective action", mp.mediator.Email, "/activities/new", "/activities", func() url.Values {
				return activityDraftForm(t, db, mp.pupil.EstablishmentID, "", "Atelier sur le harcèlement en 5e B, très bonne écoute.")
			}, []string{esc("Atelier sur le harcèlement en 5e B, très bonne écoute.") + "</textarea>", `value="2026-11-23"`}},
			{"collective action edit", mp.mediator.Email, actionPage, actionPage, func() url.Values {
				return activityDraftForm(t, db, mp.pupil.EstablishmentID, version(&models.Activity{}, actionPage), "Café des parents : huit familles, thème des écrans.")
			}, []string{esc("Café des parents : huit familles, thème des écrans.") + "</textarea>"}},
			{"new conflict", mp.mediator.Email, "/conflicts/new", "/conflicts", func() url.Values {
				v := conflictForm(mp)
				v.Set("notes", "Bousculade au portail, les deux élèves ont été écoutés.")
				return v
			}, []string{esc("Bousculade au portail, les deux élèves ont été écoutés.") + "</textarea>", `value="` + esc("élève de 3e") + `"`}},
			{"conflict edit", mp.mediator.Email, conflictPage, conflictPage, func() url.Values {
				v := conflictForm(mp)
				v.Set("version", version(&models.Conflict{}, conflictPage))
				v.Set("notes", "Accord trouvé après la rencontre de médiation.")
				return v
			}, []string{esc("Accord trouvé après la rencontre de médiation.") + "</textarea>"}},
			{"new funding agreement", "coordination@demo.test", "/conventions/new", "/conventions", func() url.Values {
				return conventionForm(t, db, url.Values{"reference": {"Arrêté du préfet, signé le 3 novembre."}})
			}, []string{esc("Arrêté du préfet, signé le 3 novembre.") + "</textarea>", `value="` + esc("Familles rencontrées") + `"`,
				`<option value="collective_actions_count" selected>`}},
			{"funding agreement edit", "coordination@demo.test", agreementPage + "/edit", agreementPage, func() url.Values {
				return conventionForm(t, db, url.Values{"version": {"1"}, "reference": {"Avenant n° 2 : montant révisé."}})
			}, []string{esc("Avenant n° 2 : montant révisé.") + "</textarea>"}},
			{"unit value edit", "coordination@demo.test", costPage, costPage, func() url.Values {
				return url.Values{"version": {"1"}, "label": {"Coût d'un placement"}, "amount": {"40 000"}, "unit": {"par enfant et par an"},
					"source": {"DREES, rapport 2024, tableau 3."}, "source_year": {"2024"}, "basis": {string(models.BasisConflictResolved)}}
			}, []string{esc("DREES, rapport 2024, tableau 3.") + "</textarea>",
				`value="conflict_resolved" aria-describedby="basis-conflict_resolved-hint" checked`}},
			{"family letter text", "coordination@demo.test", "/settings/letters/invitation/es", "/settings/letters/invitation/es", func() url.Values {
				return url.Values{"based_on": {"0"}, "body": {"# Invitación\n\nHola, familia de {{prenom}}: les esperamos el {{date}}."}}
			}, []string{esc("Hola, familia de {{prenom}}: les esperamos el {{date}}.") + "</textarea>", `name="based_on" value="0"`}},
			{"prevention group decision", mp.mediator.Email, reviewPage, fmt.Sprintf("%s/pupils/%d/decision", reviewPage, reviewed.PupilID), func() url.Values {
				return url.Values{"decision": {"family_meeting"}, "owner": {"label"}, "owner_label": {"CPE"}, "due_on": {"2026-12-11"},
					"note": {"Inviter les deux parents avec l'interprète."}}
			}, []string{esc("Inviter les deux parents avec l'interprète.") + "</textarea>", `value="2026-12-11"`}},
		}
		// What a change leaves in the audit log; views and logins are not changes.
		changes := func() int64 {
			t.Helper()
			var n int64
			dbtest.Must(t, db.Model(&models.AuditEvent{}).Where("action IN ?", []string{models.AuditCreated, models.AuditChanged, models.AuditDeleted}).Count(&n).Error)
			return n
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				cl := s.client(t)
				cl.login(c.email)
				if r := cl.get(c.page); r.Status != http.StatusOK {
					t.Fatalf("%s: %d", c.page, r.Status)
				}
				before := changes()
				s.Clock.Advance(31 * time.Minute)
				sent := c.form()
				r := cl.post(c.post, c.form())
				next := c.next(file)
				if r.Status != http.StatusSeeOther || r.Location != "/login?next="+url.QueryEscape(next) {
					t.Fatalf("post after expiry: %d → %q", r.Status, r.Location)
				}
				if n := changes(); n != before {
					t.Fatalf("the post after expiry was applied: %d changes", n-before)
				}
				if login := cl.get(r.Location); !strings.Contains(login.Body, "Ce que vous aviez saisi est conservé 24 heures") {
					t.Fatalf("the login page does not say why: %s", excerpt(login.Body))
				}
				r = cl.post("/login", url.Values{"email": {c.email}, "password": {demodata.Password}, "next": {next}})
				if r.Status != http.StatusSeeOther || r.Location != next {
					t.Fatalf("sign in again: %d → %q", r.Status, r.Location)
				}
				page := cl.get(c.page)
				want := append([]string{"Voici ce que vous aviez saisi", `id="session-warning"`, `src="/static/session.js"`}, c.want...)
				if i := strings.Index(next, "#"); i > 0 {
					// The word saying why stands in the form's section, after its id.
					want = append(want, `id="`+next[i+1:]+`"`)
					if at, word := strings.Index(page.Body, want[len(want)-1]), strings.Index(page.Body, "Voici ce que vous aviez saisi"); word < at {
						t.Errorf("the word saying why is not in the section %s", next[i:])
					}
				}
				if v := sent.Get("version"); v != "" {
					want = append(want, `name="version" value="`+v+`"`)
				}
				for _, w := range want {
					if !strings.Contains(page.Body, w) {
						t.Errorf("the page given back lacks %s", w)
					}
				}
				if strings.Contains(page.Body, "Le formulaire contient des erreurs") || strings.Contains(page.Body, "data-error-summary") {
					t.Error("the draft given back is shown as a failed form")
				}
				if t.Failed() {
					t.Fatalf("page: %d %s", page.Status, excerpt(page.Body))
				}
				// Sent again from the page given back, it is recorded.
				if r := cl.post(c.post, sent); r.Status != http.StatusSeeOther || changes() == before {
					t.Fatalf("sending it again: %d, %d changes %s", r.Status, changes()-before, excerpt(r.Body))
				}
			})
		}
		var left int64
		dbtest.Must(t, db.Model(&models.Draft{}).Count(&left).Error)
		if left != 0 {
			t.Errorf("%d drafts left after use", left)
		}
	})
}

// signedInMediator is the demo site on u, with findMeetingPupil's pupil and its mediator signed
// in.
func signedInMediator(t *testing.T, u models.DatabaseURL) (*site, meetingPupil, *client) {
	t.Helper()
	s := newDemoSite(t, u)
	mp := findMeetingPupil(t, s.App.DB)
	med := s.client(t)
	med.login(mp.mediator.Email)
	return s, mp, med
}

// newReferralDraft drafts, as cl (a signed-in mediator), a referral of mp's pupil to the CAF
// through the file's form, and returns its page and the CAF.
func newReferralDraft(t *testing.T, cl *client, mp meetingPupil) (string, models.PartnerOrganisation) {
	t.Helper()
	var caf models.PartnerOrganisation
	dbtest.Must(t, cl.site.App.DB.Where("name = ?", "CAF du Nord").Take(&caf).Error)
	r := cl.post(fmt.Sprintf("/pupils/%d/referrals", mp.pupil.ID), url.Values{"partner_organisation_id": {fmt.Sprint(caf.ID)},
		"reason": {"housing"}, "request": {"Demande d'aide au logement."}})
	if r.Status != http.StatusSeeOther || !referralLocation.MatchString(r.Location) {
		t.Fatalf("referral draft: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
	}
	return r.Location, caf
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// A referral draft corrected in two tabs: the second save is refused (409) with who changed it,
// the text typed kept in the form at the current version; nothing is overwritten; saving again
// from that page, knowingly, replaces it.
func TestReferralEditInTwoTabs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s, mp, med := signedInMediator(t, u)
		db := s.App.DB
		path, caf := newReferralDraft(t, med, mp)
		var ref models.Referral
		dbtest.Must(t, db.Take(&ref, referralLocation.FindStringSubmatch(path)[1]).Error)
		edit := func(version int, request string) url.Values {
			return url.Values{"version": {fmt.Sprint(version)}, "partner_organisation_id": {fmt.Sprint(caf.ID)}, "reason": {"housing"}, "request": {request}}
		}
		if r := med.post(path, edit(ref.Version, "Version de l'onglet A")); r.Status != http.StatusSeeOther {
			t.Fatalf("tab A: %d %s", r.Status, excerpt(r.Body))
		}
		r := med.post(path, edit(ref.Version, "Version de l'onglet B"))
		for _, want := range []string{html.EscapeString("L'orientation a été modifiée entre-temps"), "Dernière modification : " + mp.mediator.DisplayName,
			html.EscapeString("Version de l'onglet B") + "</textarea>", "Votre saisie est restée dans le formulaire",
			fmt.Sprintf(`name="version" value="%d"`, ref.Version+1)} {
			if r.Status != http.StatusConflict || !strings.Contains(r.Body, want) {
				t.Errorf("tab B: %d, lacks %s", r.Status, want)
			}
		}
		var got models.Referral
		dbtest.Must(t, db.Take(&got, ref.ID).Error)
		if got.Request != "Version de l'onglet A" || got.Version != ref.Version+1 {
			t.Fatalf("after the stale save: %q v%d", got.Request, got.Version)
		}
		if r := med.post(path, edit(got.Version, "Version de l'onglet B")); r.Status != http.StatusSeeOther {
			t.Fatalf("saving again: %d %s", r.Status, excerpt(r.Body))
		}
		dbtest.Must(t, db.Take(&got, ref.ID).Error)
		if got.Request != "Version de l'onglet B" {
			t.Errorf("after saving again: %q", got.Request)
		}
	})
}

// A partner's answer kept after its session expired, while the mediator withdrew the referral:
// the answer's form is gone from the page, the text typed is shown to copy, nothing applied.
func TestDraftOfAFormGoneMeanwhile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		// The mediator drafts, records the consent and sends; the CAF acknowledges.
		s, mp, med := signedInMediator(t, u)
		db := s.App.DB
		path, _ := newReferralDraft(t, med, mp)
		var ref models.Referral
		current := func() models.Referral {
			t.Helper()
			dbtest.Must(t, db.Take(&ref, referralLocation.FindStringSubmatch(path)[1]).Error)
			return ref
		}
		steps := []struct {
			cl   *client
			step string
			form url.Values
		}{
			{med, "/consent", url.Values{"consent_given_by": {"Mme Martin, mère"}, "consent_given_on": {"2026-11-24"}, "consent_method": {"phone"}}},
			{med, "/send", url.Values{}},
			{nil, "/acknowledge", url.Values{}},
		}
		agent := s.client(t)
		agent.login("caf@demo.test")
		for _, st := range steps {
			cl := st.cl
			if cl == nil {
				cl = agent
			}
			st.form.Set("version", fmt.Sprint(current().Version))
			if r := cl.post(path+st.step, st.form); r.Status != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", st.step, r.Status, excerpt(r.Body))
			}
		}
		ref = current()
		if r := agent.get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, `action="`+path+`/decline"`) {
			t.Fatalf("the CAF's page has no decline form: %d", r.Status)
		}
		s.Clock.Advance(31 * time.Minute)
		reason := "Ressources au-dessus du plafond ; orienter vers le CCAS."
		if r := agent.post(path+"/decline", url.Values{"version": {fmt.Sprint(ref.Version)}, "comment": {reason}}); r.Location != "/login?next="+url.QueryEscape(path) {
			t.Fatalf("decline after expiry: %d → %q", r.Status, r.Location)
		}
		med.login(mp.mediator.Email)
		med.get(path)
		if r := med.post(path+"/withdraw", url.Values{"version": {fmt.Sprint(ref.Version)}, "comment": {""}}); r.Status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d %s", r.Status, excerpt(r.Body))
		}
		agent.get("/login")
		if r := agent.post("/login", url.Values{"email": {"caf@demo.test"}, "password": {demodata.Password}, "next": {path}}); r.Location != path {
			t.Fatalf("sign in again: %d → %q", r.Status, r.Location)
		}
		page := agent.get(path)
		if page.Status != http.StatusOK || strings.Contains(page.Body, `action="`+path+`/decline"`) ||
			!strings.Contains(page.Body, html.EscapeString("Ce formulaire n'est plus proposé")) ||
			!strings.Contains(page.Body, `<p class="note">`+html.EscapeString(reason)+`</p>`) {
			t.Fatalf("the typed answer is not given back: %d %s", page.Status, excerpt(page.Body))
		}
		var got models.Referral
		dbtest.Must(t, db.Take(&got, ref.ID).Error)
		if got.Status != models.ReferralWithdrawn || got.DeclineReason != "" {
			t.Errorf("after the draft: %s %q", got.Status, got.DeclineReason)
		}
	})
}

// A status change kept after expiry while the file was closed from another browser: given back
// at the version it was typed on, it is refused as stale (409) with the comment kept at the
// current version, and the file stays closed: a draft never changes a file behind its author.
func TestStatusDraftOnAFileChangedMeanwhile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s, mp, med := signedInMediator(t, u)
		db := s.App.DB
		file := fmt.Sprintf("/pupils/%d", mp.pupil.ID)
		med.get(file)
		var p models.Pupil
		dbtest.Must(t, db.Take(&p, mp.pupil.ID).Error)
		comment := "Assiduité revenue, on passe en veille."
		typed := func(version int) url.Values {
			return url.Values{"version": {fmt.Sprint(version)}, "status": {"monitoring"}, "exit_reason": {""}, "comment": {comment}}
		}
		s.Clock.Advance(31 * time.Minute)
		if r := med.post(file+"/status", typed(p.Version)); r.Location != "/login?next="+url.QueryEscape(file+"#status") {
			t.Fatalf("status after expiry: %d → %q", r.Status, r.Location)
		}
		other := s.client(t)
		other.login(mp.mediator.Email)
		if r := other.post(file+"/status", url.Values{"version": {fmt.Sprint(p.Version)}, "status": {"closed"}, "exit_reason": {"moved_away"},
			"comment": {"Déménagement."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("closing from the other browser: %d %s", r.Status, excerpt(r.Body))
		}
		med.get("/login")
		med.post("/login", url.Values{"email": {mp.mediator.Email}, "password": {demodata.Password}, "next": {file}})
		page := med.get(file)
		if !strings.Contains(page.Body, `name="version" value="`+fmt.Sprint(p.Version)+`"`) || !strings.Contains(page.Body, html.EscapeString(comment)) {
			t.Fatalf("the status draft is not given back at its version: %s", excerpt(page.Body))
		}
		r := med.post(file+"/status", typed(p.Version))
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, html.EscapeString("Le dossier a été modifié entre-temps")) ||
			!strings.Contains(r.Body, html.EscapeString(comment)) || !strings.Contains(r.Body, `name="version" value="`+fmt.Sprint(p.Version+1)+`"`) {
			t.Fatalf("the stale status change: %d %s", r.Status, excerpt(r.Body))
		}
		var got models.Pupil
		dbtest.Must(t, db.Take(&got, p.ID).Error)
		if got.Status != models.StatusClosed || got.Version != p.Version+1 {
			t.Errorf("after the stale status change: %s v%d", got.Status, got.Version)
		}
	})
}

// Every route a form posts to either keeps its draft after an expired session or is listed
// here with the reason why not, and every route of the drafts table exists: a new form cannot
// be added without deciding whether its typing is work to keep.
func TestEveryFormRouteDecidesOnDrafts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		if u.Dialect != models.DialectSQLite {
			t.Skip("the routes do not depend on the database")
		}
		const button, signIn, secret, admin = "a button, nothing typed", "signing in", "a secret is never kept", "a short administrative form, not casework"
		const schedule = "a date, a kind and who attends: nothing typed at length"
		noDraft := map[string]string{
			"/login": signIn, "/login/code": signIn, "/language": button, "/logout": button,
			"/account/password": secret, "/account/security": secret, "/account/security/disable": secret,
			"/account/security/recovery-codes": button, "/account/phone": admin,
			"/pupils/:id/guardians/:gid/delete": button, "/followups/:id/delete": button, "/actions/:id/done": button, "/actions/:id/undo": button,
			"/meetings/:id/status": button, "/referrals/:id/send": button, "/referrals/:id/acknowledge": button,
			"/settings/risk": admin, "/settings/security": admin, "/settings/reports": admin, "/reports/metropolitan/refresh": button,
			"/establishments/:uai/edit": admin, "/partners": admin, "/partners/:id": admin,
			"/admin/users": admin, "/admin/users/:id": admin, "/admin/users/:id/password": secret, "/admin/users/:id/second-factor/reset": button,
			"/admin/imports": "a file upload", "/admin/imports/:token/apply": button,
			"/case-reviews": schedule, "/case-reviews/:id": schedule, "/case-reviews/:id/pupils": button,
			"/activities/:id/delete": button, "/settings/activity-kinds": admin, "/settings/activity-kinds/:id": admin,
			"/conventions/:id/delete":               button,
			"/settings/letters/:doc/:lang/validate": button,
			"/notifications/read":                   button, "/notifications/:id/read": button, "/account/notifications": "a choice among three, nothing typed",
			"/admin/mail/:id/retry": button,
		}
		kept := map[string]bool{}
		for _, r := range handlers.DraftRoutes() {
			kept[r] = true
		}
		s := newDemoSite(t, u)
		posts := map[string]bool{}
		for _, rt := range s.App.Echo.Routes() {
			if rt.Method != http.MethodPost {
				continue
			}
			posts[rt.Path] = true
			_, listed := noDraft[rt.Path]
			switch {
			case kept[rt.Path] && listed:
				t.Errorf("POST %s keeps drafts and is listed as not keeping them", rt.Path)
			case !kept[rt.Path] && !listed:
				t.Errorf("POST %s: does its form keep a draft after an expired session? Add it to handlers.draftForms or to this list", rt.Path)
			}
		}
		for r := range kept {
			if !posts[r] {
				t.Errorf("the drafts table names %s, which is no POST route", r)
			}
		}
		if len(kept) < 20 {
			t.Errorf("only %d forms keep drafts", len(kept))
		}
	})
}

// activityDraftForm is a collective action's form in the establishment, of its first kind, at
// the version given ("" for a new one).
func activityDraftForm(t *testing.T, db *gorm.DB, establishment uint, version, note string) url.Values {
	t.Helper()
	var kind models.ActivityKind
	dbtest.Must(t, db.Where("active = ?", true).Order("position, id").Take(&kind).Error)
	v := url.Values{"establishment_id": {fmt.Sprint(establishment)}, "kind_id": {fmt.Sprint(kind.ID)}, "held_on": {"2026-11-23"},
		"duration_minutes": {"90"}, "pupils": {"24"}, "parents": {"0"}, "staff": {"2"}, "themes": {"bullying"}, "note": {note}}
	if version != "" {
		v.Set("version", version)
	}
	return v
}
