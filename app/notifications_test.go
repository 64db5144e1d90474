package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// notificationsOf lists a user's notifications, oldest first.
func notificationsOf(t *testing.T, db *gorm.DB, userID uint) []models.Notification {
	t.Helper()
	var out []models.Notification
	must(t, db.Where("user_id = ?", userID).Order("id").Find(&out).Error)
	return out
}

// demoUser loads a demo account with its establishments, and its scope.
func demoUser(t *testing.T, db *gorm.DB, email string) (models.User, models.Scope, models.Actor) {
	t.Helper()
	var u models.User
	must(t, db.Preload("Establishments").Where("email = ?", email).Take(&u).Error)
	id := u.ID
	return u, models.ScopeOf(u), models.Actor{UserID: &id, Email: u.Email}
}

// A referral sent reaches the partner's agents as a notification that names the organisation
// and the establishment, never the pupil; the bell counts it; the agent marks it read, the
// partner's answer reaches the sender. Nobody marks another's notification.
func TestReferralNotificationsOverHTTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		ctx := context.Background()
		now := s.Clock.Now()
		target := findCAFPupil(t, db)
		med, medScope, medActor := demoUser(t, db, "mediation@demo.test")
		cafAgent, _, _ := demoUser(t, db, "caf@demo.test")
		var caf models.PartnerOrganisation
		must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)

		agent := s.client(t)
		agent.login("caf@demo.test")
		if r := agent.get("/notifications"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Aucune notification") ||
			strings.Contains(r.Body, `class="bell-count"`) {
			t.Fatalf("before anything: %d, %s", r.Status, excerpt(r.Body))
		}

		ref, err := models.CreateReferral(ctx, db, medScope, medActor, now, target.pupil.ID,
			models.ReferralInput{PartnerOrganisationID: caf.ID, Reason: models.ReasonHousing, Request: "Aide au logement."})
		must(t, err)
		if n := notificationsOf(t, db, cafAgent.ID); len(n) != 0 {
			t.Fatalf("a draft notified the CAF: %v", n)
		}
		ref, err = models.RecordConsent(ctx, db, medScope, medActor, now, ref.ID, ref.Version,
			models.ConsentInput{GivenBy: "Mme Martin, mère", GivenOn: calendar.Today(now), Method: models.ConsentWritten})
		must(t, err)
		ref, err = models.ActOnReferral(ctx, db, medScope, medActor, now, ref.ID, ref.Version, models.ActionSend, models.StepInput{})
		must(t, err)
		got := notificationsOf(t, db, cafAgent.ID)
		if len(got) != 1 || got[0].Kind != models.NotifyReferralSent || got[0].Link != fmt.Sprintf("/referrals/%d", ref.ID) {
			t.Fatalf("the CAF's notifications after the send: %+v", got)
		}
		if n := notificationsOf(t, db, med.ID); len(n) != 0 {
			t.Errorf("the sender was told of their own send: %+v", n)
		}

		home := agent.get("/")
		if !strings.Contains(home.Body, `href="/notifications"`) || !strings.Contains(home.Body, "1 non lue") {
			t.Errorf("the bell does not count the notification: %s", excerpt(home.Body))
		}
		page := agent.get("/notifications")
		want := html.EscapeString("Une nouvelle orientation a été adressée à CAF du Nord par le Collège Jean Jaurès.")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, want) || !strings.Contains(page.Body, fmt.Sprintf(`href="/referrals/%d"`, ref.ID)) {
			t.Errorf("the notifications page: %d, no %q: %s", page.Status, want, excerpt(page.Body))
		}
		for _, name := range []string{target.pupil.LastName, target.pupil.FirstName, "Martin"} {
			if strings.Contains(page.Body, html.EscapeString(name)) {
				t.Errorf("the notifications page names %q", name)
			}
		}

		// Nobody else marks it: another user's notification is not found.
		other := s.client(t)
		other.login("departement@demo.test")
		if r := other.post(fmt.Sprintf("/notifications/%d/read", got[0].ID), nil); r.Status != http.StatusNotFound {
			t.Errorf("another partner marks the CAF's notification: %d", r.Status)
		}
		if r := agent.post("/notifications/abc/read", nil); r.Status != http.StatusNotFound {
			t.Errorf("a malformed id: %d", r.Status)
		}
		agent.get("/notifications")
		if r := agent.post(fmt.Sprintf("/notifications/%d/read", got[0].ID), nil); r.Status != http.StatusSeeOther || r.Location != "/notifications" {
			t.Errorf("mark read: %d %s", r.Status, r.Location)
		}
		if n := notificationsOf(t, db, cafAgent.ID); n[0].ReadAt == nil {
			t.Error("the notification is still unread")
		}
		if home := agent.get("/"); strings.Contains(home.Body, `class="bell-count"`) {
			t.Error("the bell still counts a read notification")
		}

		// The partner acknowledges, then accepts with a word: the sender learns both.
		path := fmt.Sprintf("/referrals/%d", ref.ID)
		agent.get(path)
		if r := agent.post(path+"/acknowledge", url.Values{"version": {fmt.Sprint(ref.Version)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", r.Status, excerpt(r.Body))
		}
		agent.get(path)
		if r := agent.post(path+"/accept", url.Values{"version": {fmt.Sprint(ref.Version + 1)}, "comment": {"Rendez-vous fixé avec la famille Martin."}}); r.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", r.Status, excerpt(r.Body))
		}
		mine := notificationsOf(t, db, med.ID)
		if len(mine) != 2 || mine[0].Kind != models.NotifyReferralAcknowledged || mine[1].Kind != models.NotifyReferralAccepted {
			t.Fatalf("the sender's notifications: %+v", mine)
		}
		mc := s.client(t)
		mc.login("mediation@demo.test")
		page = mc.get("/notifications")
		if !strings.Contains(page.Body, "CAF du Nord a accepté votre orientation (Collège Jean Jaurès).") || strings.Contains(page.Body, "Martin") {
			t.Errorf("the sender's page: %s", excerpt(page.Body))
		}
		if !strings.Contains(page.Body, "2 non lues") {
			t.Errorf("the sender's bell: %s", excerpt(page.Body))
		}
		if r := mc.post("/notifications/read", nil); r.Status != http.StatusSeeOther {
			t.Errorf("mark all read: %d", r.Status)
		}
		page = mc.get("/notifications")
		if !strings.Contains(page.Body, "2 notifications marquées comme lues.") || strings.Contains(page.Body, `class="bell-count"`) {
			t.Errorf("after mark all read: %s", excerpt(page.Body))
		}
		// A form without its token changes nothing.
		if r := s.client(t).post("/notifications/read", nil); r.Status == http.StatusSeeOther && r.Location == "/notifications" {
			t.Error("a visitor marked notifications read")
		}
	})
}

// A next action given to a colleague, a meeting planned with them, moved and cancelled, and
// their account changed by an administrator: each tells them once; what one does oneself tells
// nobody.
func TestCaseworkAndAccountNotifications(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		ctx := context.Background()
		now := s.Clock.Now()
		target := findCAFPupil(t, db)
		_, medScope, medActor := demoUser(t, db, "mediation@demo.test")
		_, _, adminActor := demoUser(t, db, "admin@demo.test")
		colleague, err := models.SaveAccount(ctx, db, 0, models.Account{Email: "collegue@demo.test", DisplayName: "Collègue",
			Role: models.RoleMediator, EstablishmentIDs: []uint{target.pupil.EstablishmentID}, Active: true}, mustHash(t), false)
		must(t, err)
		kinds := func() []models.NotificationKind {
			var out []models.NotificationKind
			for _, n := range notificationsOf(t, db, colleague.ID) {
				out = append(out, n.Kind)
			}
			return out
		}

		due := calendar.Today(now).AddDate(0, 0, 7)
		_, err = models.CreateFollowUp(ctx, db, medScope, medActor, now, target.pupil.ID, models.FollowUpInput{OccurredOn: calendar.Today(now),
			Kind: models.FollowUpFamilyPhone, DurationMinutes: 15, Note: "Appel à Mme Martin.",
			Action: models.ActionInput{Description: "Rappeler la famille", DueOn: due, OwnerUserID: &colleague.ID}})
		must(t, err)
		// An action one keeps for oneself tells nobody.
		_, err = models.CreateFollowUp(ctx, db, medScope, medActor, now, target.pupil.ID, models.FollowUpInput{OccurredOn: calendar.Today(now),
			Kind: models.FollowUpFamilyPhone, DurationMinutes: 15, Action: models.ActionInput{Description: "Relancer", DueOn: due}})
		must(t, err)
		if got := notificationsOf(t, db, *medActor.UserID); len(got) != 0 {
			t.Errorf("the author was told of their own action: %+v", got)
		}

		// A prevention group's decision given to the colleague: told once, however often it is
		// recorded again.
		var listed struct{ CaseReviewID, PupilID uint }
		must(t, db.Table("case_review_pupils").Select("case_review_pupils.case_review_id, case_review_pupils.pupil_id").
			Joins("JOIN case_reviews ON case_reviews.id = case_review_pupils.case_review_id").
			Joins("JOIN pupils ON pupils.id = case_review_pupils.pupil_id").
			Where("case_reviews.establishment_id = ? AND pupils.anonymised_at IS NULL", target.pupil.EstablishmentID).
			Order("case_reviews.held_on DESC, case_review_pupils.id").Take(&listed).Error)
		var review models.CaseReview
		must(t, db.Take(&review, listed.CaseReviewID).Error)
		decision := models.DecisionInput{Decision: models.DecisionFamilyMeeting, OwnerUserID: &colleague.ID, DueOn: review.HeldOn.AddDate(0, 0, 14)}
		must(t, models.RecordDecision(ctx, db, medScope, medActor, now, listed.CaseReviewID, listed.PupilID, decision))
		must(t, models.RecordDecision(ctx, db, medScope, medActor, now, listed.CaseReviewID, listed.PupilID, decision))

		in := models.MeetingInput{ScheduledAt: now.Add(48 * time.Hour), DurationMinutes: 45, Place: "Bureau", Purpose: "Bilan",
			Participants: []models.ParticipantInput{{Role: models.ParticipantGuardian, Name: "Mme Martin"},
				{Role: models.ParticipantMediator, UserID: &colleague.ID}}}
		m, err := models.ScheduleMeeting(ctx, db, medScope, medActor, now, target.pupil.ID, in)
		must(t, err)
		in.ScheduledAt = now.Add(72 * time.Hour)
		m, err = models.UpdateMeeting(ctx, db, medScope, medActor, now, m.ID, m.Version, in)
		must(t, err)
		in.Place = "Salle 2" // the same time: nobody is told
		m, err = models.UpdateMeeting(ctx, db, medScope, medActor, now, m.ID, m.Version, in)
		must(t, err)
		_, err = models.ChangeMeetingStatus(ctx, db, medScope, medActor, now, m.ID, m.Version, models.MeetingCancelled)
		must(t, err)

		a := models.Account{Email: colleague.Email, DisplayName: colleague.DisplayName, Role: models.RoleMediator,
			EstablishmentIDs: []uint{target.pupil.EstablishmentID}, Active: true}
		_, err = models.UpdateAccount(ctx, db, adminActor, now, colleague.ID, a, func(models.User) string { return "" })
		must(t, err)
		a.EstablishmentIDs = append(a.EstablishmentIDs, medScope.EstablishmentIDs...)
		_, err = models.UpdateAccount(ctx, db, adminActor, now, colleague.ID, a, func(models.User) string { return "establishments" })
		must(t, err)
		must(t, models.SetPasswordAudited(ctx, db, adminActor, now, colleague.ID, mustHash(t), true, "by=admin temporary", ""))

		want := []models.NotificationKind{models.NotifyActionAssigned, models.NotifyReviewDecision, models.NotifyMeetingCreated, models.NotifyMeetingMoved,
			models.NotifyMeetingCancelled, models.NotifyEstablishmentsChanged, models.NotifyPasswordReset}
		if got := kinds(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the colleague's notifications: %v, want %v", got, want)
		}
		var texts []string
		for _, n := range notificationsOf(t, db, colleague.ID) {
			texts = append(texts, n.Params)
		}
		all := strings.Join(texts, " ")
		for _, name := range []string{target.pupil.LastName, target.pupil.FirstName, "Martin", "Rappeler", "Bilan", "Bureau"} {
			if strings.Contains(all, name) {
				t.Errorf("a notification holds %q: %s", name, all)
			}
		}
		if !strings.Contains(all, `"Due":"`+due.Format(time.DateOnly)+`"`) {
			t.Errorf("the action's notification lacks its due date: %s", all)
		}
	})
}

// failedMail stores an e-mail the server refused for good, to the CAF's agent.
func failedMail(t *testing.T, db *gorm.DB) models.MailMessage {
	t.Helper()
	agent, _, _ := demoUser(t, db, "caf@demo.test")
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	m := models.MailMessage{UserID: &agent.ID, ToAddress: agent.Email, Locale: "fr", Subject: "[Médiation scolaire] Une orientation",
		Body: "Bonjour,", Kind: models.MailKindNotification, Status: models.MailFailed, Queued: true, Attempts: 8,
		LastError: "550 5.1.1 Utilisateur inconnu", CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&m).Error)
	return m
}

// The e-mail preference: the role's default shown, a bad choice refused with a message and
// nothing changed, a choice saved and audited. The administrator reads the delivery states
// with the server's answer and sends a failed e-mail again, once.
func TestMailPreferenceAndAdminPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		s := newDemoSite(t, u)
		db := s.App.DB
		med := s.client(t)
		med.login("mediation@demo.test")
		r := med.get("/account/notifications")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="mail-digest" name="mail_preference" value="digest" aria-describedby="mail-digest-hint" checked`) ||
			!strings.Contains(r.Body, `id="mail-disabled"`) {
			t.Fatalf("the mediator's preference page: %d %s", r.Status, excerpt(r.Body))
		}
		if r := med.post("/account/notifications", url.Values{"mail_preference": {"sometimes"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, `id="mail_preference-error"`) {
			t.Errorf("a bad choice: %d %s", r.Status, excerpt(r.Body))
		}
		user, _, _ := demoUser(t, db, "mediation@demo.test")
		if user.MailPreference != "" {
			t.Errorf("a refused choice was stored: %q", user.MailPreference)
		}
		if r := med.post("/account/notifications", url.Values{"mail_preference": {"never"}}); r.Status != http.StatusSeeOther {
			t.Errorf("save: %d", r.Status)
		}
		user, _, _ = demoUser(t, db, "mediation@demo.test")
		var audited int64
		must(t, db.Model(&models.AuditEvent{}).Where("record_type = ? AND record_id = ? AND detail = ?", "user", fmt.Sprint(user.ID), "mail_preference=never").Count(&audited).Error)
		if user.MailPreference != models.MailNever || audited != 1 {
			t.Errorf("saved %q, %d audit events", user.MailPreference, audited)
		}
		partner := s.client(t)
		partner.login("caf@demo.test")
		if r := partner.get("/account/notifications"); !strings.Contains(r.Body, `value="immediate" aria-describedby="mail-immediate-hint" checked`) {
			t.Errorf("a partner's default is not immediate: %s", excerpt(r.Body))
		}

		failed := failedMail(t, db)
		admin := s.client(t)
		admin.login("admin@demo.test")
		r = admin.get("/admin/mail?status=failed")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "550 5.1.1 Utilisateur inconnu") ||
			!strings.Contains(r.Body, fmt.Sprintf(`action="/admin/mail/%d/retry"`, failed.ID)) {
			t.Fatalf("the failed e-mails: %d %s", r.Status, excerpt(r.Body))
		}
		path := fmt.Sprintf("/admin/mail/%d/retry", failed.ID)
		if r := admin.post(path, nil); r.Status != http.StatusSeeOther {
			t.Errorf("retry: %d", r.Status)
		}
		var m models.MailMessage
		must(t, db.Take(&m, failed.ID).Error)
		if m.Status != models.MailWaiting || m.Queued || m.Attempts != 0 {
			t.Errorf("after retry: %+v", m)
		}
		admin.post(path, nil)
		if r := admin.get("/admin/mail"); !strings.Contains(r.Body, html.EscapeString("Seul un message en échec peut être renvoyé.")) {
			t.Errorf("a second retry is not refused with a message: %s", excerpt(r.Body))
		}
		if r := admin.post("/admin/mail/999999/retry", nil); r.Status != http.StatusNotFound {
			t.Errorf("retry of an unknown e-mail: %d", r.Status)
		}
	})
}
