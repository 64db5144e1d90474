package reports_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/reports"
	"mediation/models/risk"
	"mediation/views"
)

// reportWorld is a small fixed data set whose figures for 2025-2026 are worked out by hand in
// the comments of newReportWorld. Today is 15 March 2026.
type reportWorld struct {
	ctx        context.Context
	db         *gorm.DB
	now        time.Time
	e1, e2, e3 models.Establishment
	p1, p2     models.PartnerOrganisation
	mediator   models.User
	scope1     models.Scope
	names      []string
}

func uai(t *testing.T, seven string) string {
	t.Helper()
	l, ok := models.UAICheckLetter(seven)
	if !ok {
		t.Fatalf("bad UAI digits %s", seven)
	}
	return seven + string(l)
}

func paris(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, calendar.Paris)
}
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newReportWorld(t *testing.T, db *gorm.DB) *reportWorld {
	t.Helper()
	w := &reportWorld{ctx: context.Background(), db: db, now: paris(2026, time.March, 15, 10)}
	w.e1 = models.Establishment{UAI: uai(t, "0590101"), Name: "Collège Jean Macé", Type: models.TypeCollege, Sector: models.SectorPublic,
		Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityREPPlus, Active: true}
	w.e2 = models.Establishment{UAI: uai(t, "0590102"), Name: "Lycée professionnel Turgot", Type: models.TypeLyceePro, Sector: models.SectorPublic,
		Commune: "Roubaix", PostalCode: "59100", PriorityEducation: models.PriorityNone, Active: true}
	w.e3 = models.Establishment{UAI: uai(t, "0590103"), Name: "Collège fermé", Type: models.TypeCollege, Sector: models.SectorPrivate,
		Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: false}
	for _, e := range []*models.Establishment{&w.e1, &w.e2, &w.e3} {
		must(t, db.Create(e).Error)
	}
	w.p1 = models.PartnerOrganisation{Name: "CAF du Nord", Kind: models.PartnerCAF, ResponseDays: 15, Active: true}
	w.p2 = models.PartnerOrganisation{Name: "Département du Nord", Kind: models.PartnerDepartementSocial, ResponseDays: 10, Active: true}
	must(t, db.Create(&w.p1).Error)
	must(t, db.Create(&w.p2).Error)
	var err error
	w.mediator, err = models.SaveAccount(w.ctx, db, 0, models.Account{Email: "m@x.fr", DisplayName: "Médiatrice Une", Role: models.RoleMediator,
		EstablishmentIDs: []uint{w.e1.ID, w.e2.ID}, Active: true}, "h", false)
	must(t, err)
	w.scope1 = models.ScopeOf(w.mediator)
	author := w.mediator.ID

	type step struct {
		to     models.PupilStatus
		at     time.Time
		reason models.ExitReason
	}
	pupil := func(e models.Establishment, name string, risk risk.Level, steps ...step) models.Pupil {
		last := steps[len(steps)-1]
		p := models.Pupil{EstablishmentID: e.ID, LastName: name, FirstName: "Camille", BirthDate: day(2011, 5, 4),
			ClassLevel: models.Level4e, ClassName: "4e B", Status: last.to, IdentifiedOn: calendar.Date(steps[0].at),
			RiskLevel: risk, Version: 1, ReferentMediatorID: &author}
		if last.to == models.StatusClosed {
			at := last.at.UTC()
			p.ClosedAt, p.ExitReason = &at, &last.reason
		}
		must(t, db.Create(&p).Error)
		var from *models.PupilStatus
		for _, s := range steps {
			c := models.PupilStatusChange{PupilID: p.ID, FromStatus: from, ToStatus: s.to, ChangedAt: s.at.UTC(), ChangedByID: &author}
			if s.reason != "" {
				r := s.reason
				c.ExitReason = &r
			}
			must(t, db.Create(&c).Error)
			to := s.to
			from = &to
		}
		w.names = append(w.names, name)
		return p
	}
	id, act, mon, clo := models.StatusIdentified, models.StatusActive, models.StatusMonitoring, models.StatusClosed
	// Followed in 2025-2026: Aubert (active), Caron (closed in December), Dupont (identified in
	// February), Evrard (closed in November then reopened: active) in E1; Fournier (monitoring)
	// in E2. Bernard was closed before the year began.
	aubert := pupil(w.e1, "Aubert", risk.High, step{id, paris(2025, 9, 10, 9), ""}, step{act, paris(2025, 10, 1, 9), ""})
	pupil(w.e1, "Bernard", risk.Low, step{id, paris(2024, 5, 1, 9), ""}, step{act, paris(2024, 5, 2, 9), ""},
		step{clo, paris(2025, 6, 30, 9), models.ExitEndOfSchooling})
	caron := pupil(w.e1, "Caron", risk.Low, step{id, paris(2024, 10, 1, 9), ""}, step{clo, paris(2025, 12, 1, 9), models.ExitReEngaged})
	dupont := pupil(w.e1, "Dupont", risk.Medium, step{id, paris(2026, 2, 3, 9), ""})
	evrard := pupil(w.e1, "Evrard", risk.Low, step{id, paris(2025, 9, 20, 9), ""}, step{clo, paris(2025, 11, 5, 9), models.ExitMovedAway},
		step{act, paris(2026, 1, 10, 9), ""})
	fournier := pupil(w.e2, "Fournier", risk.Medium, step{id, paris(2025, 11, 15, 9), ""}, step{act, paris(2025, 11, 20, 9), ""},
		step{mon, paris(2026, 1, 5, 9), ""})

	followUp := func(p models.Pupil, on time.Time, kind models.FollowUpKind, minutes int, restricted bool) {
		must(t, db.Create(&models.FollowUp{PupilID: p.ID, AuthorID: author, OccurredOn: on, Kind: kind, DurationMinutes: minutes,
			Note: "Note de suivi", Restricted: restricted}).Error)
	}
	// E1: September, October, November, March: 4 follow-ups, 125 minutes. E2: January, 45 min.
	followUp(aubert, day(2025, 9, 15), models.FollowUpPupilInterview, 30, false)
	followUp(aubert, day(2025, 10, 2), models.FollowUpFamilyPhone, 15, true)
	followUp(aubert, day(2026, 3, 1), models.FollowUpHomeVisit, 60, false)
	followUp(caron, day(2025, 8, 31), models.FollowUpPupilInterview, 20, false) // the year before
	followUp(caron, day(2025, 11, 20), models.FollowUpPupilInterview, 20, false)
	followUp(fournier, day(2026, 1, 6), models.FollowUpGPDSMeeting, 45, false)

	meeting := func(p models.Pupil, at time.Time, status models.MeetingStatus) {
		must(t, db.Create(&models.Meeting{PupilID: p.ID, OrganiserID: author, ScheduledAt: at.UTC(), DurationMinutes: 45,
			Place: "Bureau", Purpose: "Point", Status: status, Version: 1}).Error)
	}
	// E1: held 2, family absent 1 (attendance 2 of 3); E2: one planned.
	meeting(aubert, paris(2025, 10, 10, 17), models.MeetingHeld)
	meeting(aubert, paris(2026, 1, 12, 17), models.MeetingFamilyAbsent)
	meeting(evrard, paris(2026, 2, 2, 17), models.MeetingHeld)
	meeting(evrard, paris(2025, 8, 30, 17), models.MeetingHeld) // the year before
	meeting(fournier, paris(2026, 3, 20, 17), models.MeetingPlanned)

	referral := func(p models.Pupil, partner models.PartnerOrganisation, reason models.ReferralReason, status models.ReferralStatus,
		sent, ack, answered, closed *time.Time, outcome *models.ReferralOutcome) {
		r := models.Referral{PupilID: p.ID, PartnerOrganisationID: partner.ID, SenderID: author, Reason: reason,
			Request: "Demande", Status: status, Outcome: outcome, Version: 1}
		utc := func(t *time.Time) *time.Time {
			if t == nil {
				return nil
			}
			u := t.UTC()
			return &u
		}
		r.SentAt, r.AcknowledgedAt, r.AnsweredAt, r.ClosedAt = utc(sent), utc(ack), utc(answered), utc(closed)
		if status != models.ReferralDraft {
			method := models.ConsentWritten
			on := day(2025, 9, 1)
			r.ConsentGivenBy, r.ConsentGivenOn, r.ConsentMethod = "Mère", &on, &method
		}
		must(t, db.Create(&r).Error)
	}
	at := func(y int, m time.Month, d int) *time.Time { v := paris(y, m, d, 11); return &v }
	support := models.OutcomeSupportInPlace
	// Reply times: 5 days (CAF, E1), 1 day (Département, E1), 20 days (CAF, E2); one CAF
	// referral still unacknowledged after 23 days (overdue); one draft that never counts.
	referral(aubert, w.p1, models.ReasonSocialRights, models.ReferralAccepted, at(2025, 10, 3), at(2025, 10, 8), at(2025, 10, 20), nil, nil)
	referral(caron, w.p2, models.ReasonParenting, models.ReferralDeclined, at(2025, 11, 10), at(2025, 11, 11), at(2025, 11, 15), nil, nil)
	referral(evrard, w.p1, models.ReasonSocialRights, models.ReferralSent, at(2026, 2, 20), nil, nil, nil, nil)
	referral(dupont, w.p1, models.ReasonHealth, models.ReferralDraft, nil, nil, nil, nil, nil)
	referral(fournier, w.p1, models.ReasonHousing, models.ReferralClosed, at(2026, 1, 7), at(2026, 1, 27), at(2026, 1, 28), at(2026, 2, 15), &support)
	return w
}

var year2526 = calendar.SchoolYear{StartYear: 2025}

func TestEstablishmentSummaryFigures(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		s, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, year2526, w.now, true)
		must(t, err)
		checks := []struct {
			name      string
			got, want int
		}{
			{"files followed", s.FilesFollowed(), 4},
			{"active", s.FilesByStatus(models.StatusActive), 2},
			{"closed", s.FilesByStatus(models.StatusClosed), 1},
			{"identified", s.FilesByStatus(models.StatusIdentified), 1},
			{"monitoring", s.FilesByStatus(models.StatusMonitoring), 0},
			{"high risk", s.FilesByRisk(risk.High), 1},
			{"low risk", s.FilesByRisk(risk.Low), 2},
			{"active and low risk", s.StatusRisk[models.StatusActive][risk.Low], 1},
			{"new files", s.NewFiles(), 3},
			{"new files in September", s.NewFilesByMonth[0], 2},
			{"new files in February", s.NewFilesByMonth[5], 1},
			{"follow-ups", s.FollowUps(), 4},
			{"follow-ups in March", s.FollowUpsByMonth[6], 1},
			{"interviews", s.FollowUpsByKind[models.FollowUpPupilInterview], 2},
			{"minutes", s.FollowUpMinutes, 125},
			{"meetings", s.Meetings(), 3},
			{"meetings held", s.MeetingsHeld(), 2},
			{"referrals", s.Referrals(), 3},
			{"referrals still sent", s.ReferralsByStatus[models.ReferralSent], 1},
			{"exits", s.Exits(), 2},
			{"exits re-engaged", s.ExitsByReason[models.ExitReEngaged], 1},
			{"acknowledged", s.ReplyTime.Acknowledged, 2},
			{"pupils listed", len(s.Pupils), 4},
			{"partners", len(s.ReferralsByPartner), 2},
			{"CAF referrals", s.ReferralsByPartner[0].Total(), 2},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
			}
		}
		if held, expected := s.FamilyAttendance(); held != 2 || expected != 3 {
			t.Errorf("attendance %d/%d, want 2/3", held, expected)
		}
		if s.ReplyTime.MedianDays != 3 {
			t.Errorf("median reply %v days, want 3", s.ReplyTime.MedianDays)
		}
		if s.Pupils[0].LastName != "Aubert" || s.Pupils[0].FollowUps != 3 || s.Pupils[0].Status != models.StatusActive {
			t.Errorf("first pupil %+v", s.Pupils[0])
		}
		if got := s.Pupils[1]; got.LastName != "Caron" || got.Status != models.StatusClosed || got.FollowUps != 1 {
			t.Errorf("second pupil %+v", got)
		}
		// A head teacher's list does not count Aubert's restricted follow-up of October.
		head := models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{w.e1.ID}}
		hs, err := reports.LoadEstablishmentSummary(w.ctx, db, head, w.e1.UAI, year2526, w.now, true)
		must(t, err)
		if hs.Pupils[0].FollowUps != 2 || hs.FollowUps() != s.FollowUps() {
			t.Errorf("head teacher: Aubert has %d follow-ups listed (want 2), %d counted (want %d)", hs.Pupils[0].FollowUps, hs.FollowUps(), s.FollowUps())
		}
		if len(s.Years) != 3 || s.Years[0] != year2526 || s.Years[2].StartYear != 2023 {
			t.Errorf("years %v", s.Years)
		}

		prev, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, year2526.Previous(), w.now, false)
		must(t, err)
		if prev.FilesFollowed() != 2 || prev.Exits() != 1 || prev.ExitsByReason[models.ExitEndOfSchooling] != 1 || prev.MeetingsHeld() != 1 {
			t.Errorf("2024-2025: files %d exits %v held %d", prev.FilesFollowed(), prev.ExitsByReason, prev.MeetingsHeld())
		}
		if _, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, calendar.SchoolYear{StartYear: 2019}, w.now, false); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("2019-2020: %v, want ErrNoData", err)
		}
		if _, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, "0000000A", year2526, w.now, false); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown UAI: %v", err)
		}
		if _, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e3.UAI, year2526, w.now, false); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("establishment outside the scope: %v", err)
		}
		e2, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e2.UAI, year2526, w.now, false)
		must(t, err)
		if e2.FilesByStatus(models.StatusMonitoring) != 1 || e2.ReplyTime.MedianDays != 20 || e2.Meetings() != 1 || e2.MeetingsByStatus[models.MeetingPlanned] != 1 {
			t.Errorf("E2: %+v", e2.Activity)
		}
	})
}

func TestMetropolitanFigures(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		m, err := reports.LoadMetropolitanFigures(w.ctx, db, year2526, w.now)
		must(t, err)
		if m.Total.FilesFollowed() != 5 || m.Total.NewFiles() != 4 || m.Total.FollowUps() != 5 || m.Total.Referrals() != 4 || m.Total.Exits() != 2 {
			t.Errorf("totals: files %d new %d follow-ups %d referrals %d exits %d", m.Total.FilesFollowed(), m.Total.NewFiles(),
				m.Total.FollowUps(), m.Total.Referrals(), m.Total.Exits())
		}
		if m.Establishments != 2 || m.Reporting != 2 || m.ReplyTime.MedianDays != 5 || m.ReplyTime.Acknowledged != 3 {
			t.Errorf("establishments %d reporting %d reply %+v", m.Establishments, m.Reporting, m.ReplyTime)
		}
		types := m.Groups[reports.ByType]
		if len(types) != 2 || types[0].Key != string(models.TypeCollege) || types[0].FilesFollowed() != 4 || types[1].FilesFollowed() != 1 {
			t.Errorf("by type %+v", types)
		}
		labels := m.Groups[reports.ByPriority]
		if len(labels) != 2 || labels[0].Key != string(models.PriorityREPPlus) || labels[0].Exits() != 2 {
			t.Errorf("by label %+v", labels)
		}
		communes := m.Groups[reports.ByCommune]
		if len(communes) != 2 || communes[0].Key != "Lille" || communes[1].Key != "Roubaix" {
			t.Errorf("by commune %+v", communes)
		}
		if est := m.Groups[reports.ByEstablishment]; len(est) != 2 || est[0].Key != w.e1.UAI {
			t.Errorf("by establishment %+v", est)
		}
		if _, err := reports.LoadMetropolitanFigures(w.ctx, db, calendar.SchoolYear{StartYear: 2030}, w.now); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("2030-2031: %v", err)
		}
	})
}

func TestPartnerFigures(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		coordinator := models.Scope{Role: models.RoleCoordinator, UserID: 99}
		f, err := reports.LoadPartnerFigures(w.ctx, db, coordinator, w.p1.ID, year2526, w.now)
		must(t, err)
		if f.Sent != 3 || f.ByReason[models.ReasonSocialRights] != 2 || f.ByOutcome[models.OutcomeSupportInPlace] != 1 {
			t.Errorf("sent %d by reason %v outcomes %v", f.Sent, f.ByReason, f.ByOutcome)
		}
		if f.ReplyTime.MedianDays != 12.5 || f.AnswerMedian.MedianDays != 19 || f.OnTime != 1 || f.Overdue != 1 {
			t.Errorf("reply %+v answer %+v on time %d overdue %d", f.ReplyTime, f.AnswerMedian, f.OnTime, f.Overdue)
		}
		if len(f.ByEstablishment) != 2 || f.ByEstablishment[0].N != 2 || f.SentByMonth[1] != 1 || f.SentByMonth[5] != 1 {
			t.Errorf("by establishment %v by month %v", f.ByEstablishment, f.SentByMonth)
		}
		own := models.Scope{Role: models.RolePartner, PartnerID: w.p1.ID, UserID: 98}
		if _, err := reports.LoadPartnerFigures(w.ctx, db, own, w.p1.ID, year2526, w.now); err != nil {
			t.Errorf("own partner: %v", err)
		}
		if _, err := reports.LoadPartnerFigures(w.ctx, db, own, w.p2.ID, year2526, w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other partner: %v", err)
		}
		if _, err := reports.LoadPartnerFigures(w.ctx, db, w.scope1, w.p1.ID, year2526, w.now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("mediator: %v", err)
		}
		if _, err := reports.LoadPartnerFigures(w.ctx, db, coordinator, w.p2.ID, calendar.SchoolYear{StartYear: 2020}, w.now); !errors.Is(err, reports.ErrNoData) {
			t.Errorf("no data: %v", err)
		}
	})
}

// TestReportsSurviveThePurge: anonymising closed files at the end of their retention changes
// no figure of past reports, and the anonymised metropolitan PDF stays the same byte for byte.
func TestReportsSurviveThePurge(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReportWorld(t, db)
		v, err := views.New()
		must(t, err)
		loc := v.Localizer("fr")
		later := paris(2027, time.October, 1, 10) // Bernard and Caron are past their retention
		type snapshot struct {
			metro   reports.MetropolitanFigures
			summary reports.EstablishmentSummary
			pdf     []byte
		}
		take := func(y calendar.SchoolYear) snapshot {
			m, err := reports.LoadMetropolitanFigures(w.ctx, db, y, later)
			must(t, err)
			s, err := reports.LoadEstablishmentSummary(w.ctx, db, w.scope1, w.e1.UAI, y, later, true)
			must(t, err)
			b, err := loc.ReportPDF(loc.MetropolitanReport(reports.ProtectMetropolitan(m, 5)), later, loc.SuppressionNote(5))
			must(t, err)
			return snapshot{m, s, b}
		}
		years := []calendar.SchoolYear{year2526.Previous(), year2526}
		before := map[calendar.SchoolYear]snapshot{}
		for _, y := range years {
			before[y] = take(y)
		}
		res, err := models.Purge(w.ctx, db, later, false, models.Actor{Email: "test"})
		must(t, err)
		if res.Pupils != 2 {
			t.Fatalf("purged %d files, want Bernard and Caron", res.Pupils)
		}
		for _, y := range years {
			after := take(y)
			b := before[y]
			if !reflect.DeepEqual(b.metro, after.metro) {
				t.Errorf("%s: metropolitan figures changed by the purge:\n%+v\n%+v", y, b.metro.Total, after.metro.Total)
			}
			if !reflect.DeepEqual(b.summary.Activity, after.summary.Activity) || b.summary.ReplyTime != after.summary.ReplyTime {
				t.Errorf("%s: establishment figures changed by the purge", y)
			}
			for _, p := range after.summary.Pupils {
				if p.LastName == "Bernard" || p.LastName == "Caron" || p.LastName == "Anonymisé" {
					t.Errorf("%s: the anonymised file %s is still listed", y, p.LastName)
				}
			}
			if !bytes.Equal(b.pdf, after.pdf) {
				t.Errorf("%s: the metropolitan PDF changed after the purge", y)
			}
		}
	})
}
