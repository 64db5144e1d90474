package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/demodata"
)

// reportReaders are the accounts that read the anonymised dashboards of a seeded site.
type reportReaders struct {
	coordinator, partner string
	partnerID            uint
	uai                  string
}

// seedMeetingsAndReferrals adds to a seeded establishment meetings (with participants and
// actions) and referrals to one partner in every status, and others establishments with a few
// pupils each, so that the meeting and referral lists and the dashboards have rows to show; it
// returns a coordinator and a partner account.
func seedMeetingsAndReferrals(tb testing.TB, s *seeded, meetings, referrals, establishments int) reportReaders {
	tb.Helper()
	ctx := context.Background()
	db := s.site.App.DB
	rng := rand.New(rand.NewPCG(3, 4))
	var med models.User
	dbtest.Must(tb, db.Where("email = ?", s.mediator).Take(&med).Error)
	var est models.Establishment
	dbtest.Must(tb, db.Where("uai = ?", "0590117G").Take(&est).Error)
	hash, err := models.NewHasher(testHashing).Hash(ctx, demodata.Password)
	dbtest.Must(tb, err)

	partner := models.PartnerOrganisation{Name: "CAF du Nord", Kind: models.PartnerCAF, ResponseDays: 15, Active: true}
	dbtest.Must(tb, db.Create(&partner).Error)
	coord, err := models.SaveAccount(ctx, db, 0, models.Account{Email: "coordination-bench@demo.test", DisplayName: "Coordination",
		Role: models.RoleCoordinator, Active: true}, hash, false)
	dbtest.Must(tb, err)
	agent, err := models.SaveAccount(ctx, db, 0, models.Account{Email: "caf-bench@demo.test", DisplayName: "Agent CAF",
		Role: models.RolePartner, PartnerOrganisationID: &partner.ID, Active: true}, hash, false)
	dbtest.Must(tb, err)

	// Other establishments, in other communes, with a few files each.
	for i := 0; i < establishments; i++ {
		e := models.Establishment{UAI: validUAI(tb, 5900200+i), Name: fmt.Sprintf("Collège Test %d", i), Type: models.TypeCollege,
			Sector: models.SectorPublic, Commune: fmt.Sprintf("Commune %d", i%5), PostalCode: "59000",
			PriorityEducation: []models.PriorityLabel{models.PriorityNone, models.PriorityREP}[i%2], Active: true}
		dbtest.Must(tb, db.Create(&e).Error)
		for k := 0; k < 3; k++ {
			p := models.Pupil{EstablishmentID: e.ID, LastName: fmt.Sprintf("Autre%d", k), FirstName: "Prénom",
				BirthDate: time.Date(2012, 3, 1+k, 0, 0, 0, 0, time.UTC), ClassLevel: models.Level2nde, ClassName: "2nde A",
				Status: models.StatusActive, IdentifiedOn: calendar.Today(fixedNow).AddDate(0, -k-1, 0), Version: 1}
			dbtest.Must(tb, db.Create(&p).Error)
		}
	}

	statuses := models.MeetingStatuses
	for i := 0; i < meetings; i++ {
		at := fixedNow.AddDate(0, 0, rng.IntN(60)-40).UTC()
		m := models.Meeting{PupilID: s.pupils[rng.IntN(len(s.pupils))], OrganiserID: med.ID, ScheduledAt: at, DurationMinutes: 45,
			Place: "Bureau de la vie scolaire", Purpose: "Point sur l'assiduité", Status: statuses[i%len(statuses)], Version: 1,
			Participants: []models.MeetingParticipant{{Role: models.ParticipantGuardian, Name: "Parent"}, {Role: models.ParticipantCPE, Name: "CPE"}}}
		dbtest.Must(tb, db.Create(&m).Error)
		dbtest.Must(tb, db.Create(&models.NextAction{PupilID: m.PupilID, MeetingID: &m.ID, Description: "Rappeler la famille",
			DueOn: calendar.Today(fixedNow).AddDate(0, 0, rng.IntN(20)-5), OwnerUserID: &med.ID}).Error)
	}

	for i := 0; i < referrals; i++ {
		st := models.ReferralStatuses[i%len(models.ReferralStatuses)]
		sent := fixedNow.AddDate(0, 0, -rng.IntN(200)-20).UTC()
		r := models.Referral{PupilID: s.pupils[rng.IntN(len(s.pupils))], PartnerOrganisationID: partner.ID, SenderID: med.ID,
			Reason: models.ReferralReasons[rng.IntN(len(models.ReferralReasons))], Request: "Accompagnement de la famille",
			Status: st, Version: 1}
		if st != models.ReferralDraft {
			method := models.ConsentMethods[0]
			r.ConsentGivenBy, r.ConsentGivenOn, r.ConsentMethod, r.SentAt = "Parent", &sent, &method, &sent
		}
		ack := sent.AddDate(0, 0, 1+rng.IntN(20))
		switch st {
		case models.ReferralAcknowledged:
			r.AcknowledgedAt = &ack
		case models.ReferralAccepted, models.ReferralDeclined:
			r.AcknowledgedAt, r.AnsweredAt = &ack, &ack
			if st == models.ReferralDeclined {
				r.DeclineReason = "Hors critères"
			}
		case models.ReferralClosed:
			outcome := models.ReferralOutcomes[rng.IntN(len(models.ReferralOutcomes))]
			r.AcknowledgedAt, r.AnsweredAt, r.ClosedAt, r.Outcome = &ack, &ack, &ack, &outcome
		case models.ReferralWithdrawn:
			r.WithdrawnAt = &ack
		}
		dbtest.Must(tb, db.Create(&r).Error)
		if r.SentAt != nil {
			dbtest.Must(tb, db.Create(&models.ReferralTransition{ReferralID: r.ID, FromStatus: models.ReferralDraft,
				ToStatus: models.ReferralSent, ActorID: &med.ID, At: sent}).Error)
		}
	}
	return reportReaders{coordinator: coord.Email, partner: agent.Email, partnerID: partner.ID, uai: est.UAI}
}

// validUAI builds the UAI of a seven-digit number with its check letter.
func validUAI(tb testing.TB, n int) string {
	tb.Helper()
	code := fmt.Sprintf("%07d", n)
	return code + string("ABCDEFGHJKLMNPRSTUVWXYZ"[n%23])
}
