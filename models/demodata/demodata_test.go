package demodata

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/risk"
)

// The fixed days the demo is loaded on: late November (a school year well under way) and the
// day after the start of the school year, when the current year holds almost nothing yet.
var loadDays = []struct {
	name string
	now  time.Time
}{
	{"november", time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)},
	{"rentree", time.Date(2026, time.September, 2, 10, 0, 0, 0, calendar.Paris)},
}

// tableCounts reads the row counts that Summary reports, and those it does not.
func tableCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"establishments", "partner_organisations", "users", "user_establishments",
		"pupils", "guardians", "pupil_status_changes", "monthly_indicators", "follow_ups", "next_actions",
		"meetings", "meeting_participants", "referrals", "referral_transitions", "settings", "audit_events", "activities"} {
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func distinct[T ~string](t *testing.T, db *gorm.DB, table, column string, where ...any) map[T]bool {
	t.Helper()
	var values []T
	q := db.Table(table).Distinct(column)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	if err := q.Pluck(column, &values).Error; err != nil {
		t.Fatalf("distinct %s.%s: %v", table, column, err)
	}
	out := map[T]bool{}
	for _, v := range values {
		out[v] = true
	}
	return out
}

func TestLoad(t *testing.T) {
	t.Parallel()
	for _, day := range loadDays {
		t.Run(day.name, func(t *testing.T) {
			dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
				ctx := context.Background()
				now := day.now
				start := time.Now()
				sum, err := Load(ctx, db, testHasher, now)
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				t.Logf("loaded in %v: %+v", time.Since(start).Round(time.Millisecond), sum)
				if sum.AlreadyLoaded {
					t.Fatal("first Load says AlreadyLoaded")
				}

				counts := tableCounts(t, db)
				for table, want := range map[string]int{
					"establishments": sum.Establishments, "partner_organisations": sum.Partners, "users": sum.Users,
					"pupils": sum.Pupils, "follow_ups": sum.FollowUps, "meetings": sum.Meetings,
					"referrals": sum.Referrals, "monthly_indicators": sum.Indicators, "activities": sum.Activities,
				} {
					if counts[table] != int64(want) {
						t.Errorf("%s: Summary says %d, the table holds %d", table, want, counts[table])
					}
				}
				if sum.Establishments != 12 || sum.Users != len(Accounts()) || sum.Pupils < 140 || sum.Pupils > 160 {
					t.Errorf("unexpected size: %+v", sum)
				}
				if counts["settings"] != 1 || counts["audit_events"] != 1 {
					t.Errorf("settings %d, audit events %d: want 1 and 1", counts["settings"], counts["audit_events"])
				}
				var audit models.AuditEvent
				if err := db.First(&audit).Error; err != nil || audit.Action != models.AuditDemoLoaded || audit.ActorEmail != "demo" ||
					!audit.At.Equal(now) || !strings.HasPrefix(audit.Detail, "demo set loaded: 12 establishments, ") {
					t.Errorf("audit event %+v, %v", audit, err)
				}

				for _, s := range models.PupilStatuses {
					if !distinct[models.PupilStatus](t, db, "pupils", "status")[s] {
						t.Errorf("no pupil file with status %s", s)
					}
				}
				exits := distinct[models.ExitReason](t, db, "pupils", "exit_reason", "status = ?", models.StatusClosed)
				for _, r := range models.ExitReasons {
					if !exits[r] {
						t.Errorf("no file closed with exit reason %s", r)
					}
				}
				for _, s := range models.MeetingStatuses {
					if !distinct[models.MeetingStatus](t, db, "meetings", "status")[s] {
						t.Errorf("no meeting with status %s", s)
					}
				}
				var partners []models.PartnerOrganisation
				dbtest.Must(t, db.Order("id").Find(&partners).Error)
				for _, p := range partners[:2] {
					statuses := distinct[models.ReferralStatus](t, db, "referrals", "status", "partner_organisation_id = ?", p.ID)
					for _, s := range models.ReferralStatuses {
						if !statuses[s] {
							t.Errorf("%s: no referral with status %s", p.Name, s)
						}
					}
					outcomes := distinct[models.ReferralOutcome](t, db, "referrals", "outcome", "partner_organisation_id = ? AND status = ?",
						p.ID, models.ReferralClosed)
					for _, o := range models.ReferralOutcomes {
						if !outcomes[o] {
							t.Errorf("%s: no referral closed with outcome %s", p.Name, o)
						}
					}
				}

				var ests []models.Establishment
				dbtest.Must(t, db.Find(&ests).Error)
				for _, e := range ests {
					if err := models.ValidateUAI(e.UAI); err != nil {
						t.Errorf("%s: UAI %s: %v", e.Name, e.UAI, err)
					}
					var mediators int64
					dbtest.Must(t, db.Table("user_establishments").Joins("JOIN users ON users.id = user_establishments.user_id").
						Where("user_establishments.establishment_id = ? AND users.role = ?", e.ID, models.RoleMediator).Count(&mediators).Error)
					if mediators == 0 {
						t.Errorf("%s has no mediator", e.Name)
					}
				}

				var referrals []models.Referral
				dbtest.Must(t, db.Find(&referrals).Error)
				for _, r := range referrals {
					consent := r.ConsentGivenBy != "" && r.ConsentGivenOn != nil && r.ConsentMethod != nil
					if r.Status != models.ReferralDraft && !consent {
						t.Errorf("referral %d (%s) has no consent", r.ID, r.Status)
					}
					if r.Status == models.ReferralDraft && consent {
						t.Errorf("draft referral %d already has consent", r.ID)
					}
				}

				overdue := 0
				for _, r := range referrals {
					for _, p := range partners {
						if p.ID == r.PartnerOrganisationID && r.Status == models.ReferralSent &&
							r.SentAt.AddDate(0, 0, p.ResponseDays).Before(now) {
							overdue++
						}
					}
				}
				if overdue == 0 {
					t.Error("no sent referral overdue for its acknowledgement")
				}

				exists := func(what string, q *gorm.DB) {
					t.Helper()
					var n int64
					if err := q.Count(&n).Error; err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					if n == 0 {
						t.Errorf("no %s", what)
					}
				}
				exists("meeting planned in the coming 7 days", db.Model(&models.Meeting{}).
					Where("status = ? AND scheduled_at > ? AND scheduled_at <= ?", models.MeetingPlanned, now, now.AddDate(0, 0, 7)))
				exists("meeting held without a recap", db.Model(&models.Meeting{}).
					Where("status = ? AND recap = '' AND recap_at IS NULL", models.MeetingHeld))
				exists("restricted follow-up", db.Model(&models.FollowUp{}).Where("restricted = ?", true))
				exists("reopened file", db.Model(&models.PupilStatusChange{}).
					Where("from_status = ? AND to_status = ?", models.StatusClosed, models.StatusActive))
				exists("referral answered in the last 5 days with feedback", db.Model(&models.Referral{}).
					Where("answered_at > ? AND feedback <> ''", now.AddDate(0, 0, -5)))
				exists("participant who did not come to a held meeting", db.Model(&models.MeetingParticipant{}).
					Joins("JOIN meetings ON meetings.id = meeting_participants.meeting_id").
					Where("meetings.status = ? AND meeting_participants.attended = ?", models.MeetingHeld, false))
				exists("next action from a meeting recap", db.Model(&models.NextAction{}).Where("meeting_id IS NOT NULL"))
				exists("done next action", db.Model(&models.NextAction{}).Where("done_at IS NOT NULL"))

				// Every file's status is the one its history ends with.
				var mismatched int64
				dbtest.Must(t, db.Table("pupils").Where(`status <> (SELECT c.to_status FROM pupil_status_changes c
					WHERE c.pupil_id = pupils.id ORDER BY c.changed_at DESC, c.id DESC LIMIT 1)`).Count(&mismatched).Error)
				if mismatched > 0 {
					t.Errorf("%d files whose status is not the last of their history", mismatched)
				}

				checkStoredRisk(t, db, now, day.name == "november")

				// Loading again changes nothing.
				again, err := Load(ctx, db, testHasher, now.Add(24*time.Hour))
				if err != nil || !again.AlreadyLoaded {
					t.Fatalf("second Load = %+v, %v; want AlreadyLoaded", again, err)
				}
				if after := tableCounts(t, db); !reflect.DeepEqual(after, counts) {
					t.Errorf("second Load changed the counts:\nbefore %v\nafter  %v", counts, after)
				}
			})
		})
	}
}

// checkStoredRisk checks that every pupil's stored risk is the assessment of their indicators
// as of the loading month, and, when allLevels, that the demo shows every level. At the start
// of the school year nobody is high: the school-year rules start again from zero and June's
// figures are too old for the monthly rule.
func checkStoredRisk(t *testing.T, db *gorm.DB, now time.Time, allLevels bool) {
	t.Helper()
	var pupils []models.Pupil
	if err := db.Order("id").Find(&pupils).Error; err != nil {
		t.Fatal(err)
	}
	var indicators []models.MonthlyIndicator
	if err := db.Find(&indicators).Error; err != nil {
		t.Fatal(err)
	}
	byPupil := map[uint][]models.MonthlyIndicator{}
	for _, m := range indicators {
		byPupil[m.PupilID] = append(byPupil[m.PupilID], m)
	}
	levels := map[risk.Level]int{}
	for _, p := range pupils {
		levels[p.RiskLevel]++
		a := risk.DefaultRules.Assess(models.RiskIndicators(byPupil[p.ID]), calendar.MonthOf(now))
		if p.RiskLevel != a.Level || p.RiskScore != a.Score {
			t.Errorf("pupil %d: stored %s (%d), Assess gives %s (%d): %v", p.ID, p.RiskLevel, p.RiskScore, a.Level, a.Score, a.Reasons)
		}
		if (a.Score == 0) != (len(a.Reasons) == 0) {
			t.Errorf("pupil %d: score %d with reasons %v", p.ID, a.Score, a.Reasons)
		}
	}
	t.Logf("risk levels: %v", levels)
	if levels[risk.Low] == 0 {
		t.Error("no pupil at low risk")
	}
	if allLevels {
		for _, l := range risk.Levels {
			if levels[l] == 0 {
				t.Errorf("no pupil at %s risk", l)
			}
		}
	}
}

func TestLoadRefusesOtherData(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		real := models.Establishment{UAI: "0590001Q", Name: "Collège réel", Type: models.TypeCollege,
			Sector: models.SectorPublic, Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
		if err := db.Create(&real).Error; err != nil {
			t.Fatal(err)
		}
		before := tableCounts(t, db)
		sum, err := Load(ctx, db, testHasher, loadDays[0].now)
		if !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("Load on a database with an establishment = %+v, %v; want ErrNotEmpty", sum, err)
		}
		if after := tableCounts(t, db); !reflect.DeepEqual(after, before) {
			t.Errorf("a refused Load wrote rows:\nbefore %v\nafter  %v", before, after)
		}
	})
}

// Two instances started with --demo on one database: one loads, the other finds it loaded.
// Not in parallel with the other tests, to keep its time short: on SQLite the second instance
// waits for the first's transaction, trying again each time the busy timeout (10 s) runs out,
// which a load slowed by the race detector and by every other test at once can pass.
func TestLoadTwiceAtOnce(t *testing.T) {
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		results := make(chan Summary, 2)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				sum, err := Load(context.Background(), db, testHasher, loadDays[0].now)
				results <- sum
				errs <- err
			}()
		}
		loaded := 0
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !(<-results).AlreadyLoaded {
				loaded++
			}
		}
		if loaded != 1 {
			t.Errorf("%d loads went through, want exactly 1", loaded)
		}
		if n := tableCounts(t, db)["establishments"]; n != int64(len(establishmentSpecs)) {
			t.Errorf("%d establishments, want %d", n, len(establishmentSpecs))
		}
	})
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	want := map[string]models.Role{
		"admin@demo.test": models.RoleAdmin, "coordination@demo.test": models.RoleCoordinator,
		"mediation@demo.test": models.RoleMediator, "mediation2@demo.test": models.RoleMediator,
		"direction@demo.test": models.RoleHeadTeacher, "caf@demo.test": models.RolePartner,
		"departement@demo.test": models.RolePartner,
	}
	got := map[string]models.Role{}
	for _, a := range Accounts() {
		got[a.Email] = a.Role
		if a.Description == "" {
			t.Errorf("%s has no description", a.Email)
		}
	}
	for email, role := range want {
		if got[email] != role {
			t.Errorf("%s: role %q, want %q", email, got[email], role)
		}
	}
	// The first mediator has the head teacher's establishment and another one.
	if m, h := accountSpecs[uMediator1].establishments, accountSpecs[uHeadTeacher].establishments; len(m) != 2 || m[0] != h[0] {
		t.Errorf("mediation@ has %v, direction@ %v", m, h)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	hashes := fakeHashes()
	a, b := generate(loadDays[0].now, hashes), generate(loadDays[0].now, hashes)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two generations for the same day differ")
	}
}

func fakeHashes() []string {
	h := make([]string, len(accountSpecs))
	for i := range h {
		h[i] = fmt.Sprintf("hash-%d", i)
	}
	return h
}

// TestGenerateEveryDay checks the rules of the data set for loading days spread over two years,
// in memory: what the database cannot check (dates in the past, histories that agree with the
// status, timestamps that follow the lifecycle), and that everything the demo must show is there.
func TestGenerateEveryDay(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, time.June, 1, 9, 30, 0, 0, calendar.Paris)
	for i := 0; i < 730; i += 4 {
		now := start.AddDate(0, 0, i).Add(time.Duration(i%11) * time.Hour)
		d := generate(now, fakeHashes())
		for _, problem := range checkDataset(d, now) {
			t.Errorf("%s: %s", now.Format("2006-01-02 15:04"), problem)
		}
		if t.Failed() {
			return
		}
	}
}

var inePattern = regexp.MustCompile(`^[0-9]{10}[A-Z]$`)

func checkDataset(d dataset, now time.Time) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	today := civil(now)
	past := func(what string, t time.Time) {
		if t.After(now) {
			fail("%s in the future: %v", what, t)
		}
		if t.Location() != time.UTC {
			fail("%s not in UTC: %v", what, t)
		}
	}
	dateOnly := func(what string, t time.Time) {
		if t.Location() != time.UTC || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
			fail("%s is not a midnight UTC date: %v", what, t)
		}
	}
	for _, e := range d.establishments {
		if err := models.ValidateUAI(e.UAI); err != nil {
			fail("UAI %s: %v", e.UAI, err)
		}
	}

	problems = append(problems, checkActivities(d, now)...)

	history := map[int][]models.PupilStatusChange{}
	for _, c := range d.changes {
		history[c.pupil] = append(history[c.pupil], c.c)
		past("status change", c.c.ChangedAt)
	}
	ines := map[string]bool{}
	reopened, stale := false, false
	statuses := map[models.PupilStatus]bool{}
	exits := map[models.ExitReason]bool{}
	lastFollowUp := map[int]time.Time{}
	for _, f := range d.followUps {
		if f.f.OccurredOn.After(lastFollowUp[f.pupil]) {
			lastFollowUp[f.pupil] = f.f.OccurredOn
		}
	}
	for i, r := range d.pupils {
		p := r.p
		statuses[p.Status] = true
		dateOnly("birth date", p.BirthDate)
		dateOnly("identification", p.IdentifiedOn)
		past("pupil created", p.CreatedAt)
		past("pupil updated", p.UpdatedAt)
		if p.INE != nil {
			if !inePattern.MatchString(*p.INE) || ines[*p.INE] {
				fail("INE %q malformed or repeated", *p.INE)
			}
			ines[*p.INE] = true
		}
		h := history[i]
		if len(h) == 0 || h[0].FromStatus != nil || h[0].ToStatus != models.StatusIdentified {
			fail("pupil %d: history does not start with identification: %+v", i, h)
			continue
		}
		if !civil(h[0].ChangedAt).Equal(p.IdentifiedOn) {
			fail("pupil %d: identified on %v, history says %v", i, p.IdentifiedOn, h[0].ChangedAt)
		}
		for k := 1; k < len(h); k++ {
			if h[k].FromStatus == nil || *h[k].FromStatus != h[k-1].ToStatus || !h[k].ChangedAt.After(h[k-1].ChangedAt) {
				fail("pupil %d: history out of order: %+v", i, h)
			}
			if *h[k].FromStatus == models.StatusClosed && h[k].ToStatus == models.StatusActive {
				reopened = true
			}
			if (h[k].ToStatus == models.StatusClosed) != (h[k].ExitReason != nil) {
				fail("pupil %d: closing step without reason or reason without closing", i)
			}
		}
		lastChange := h[len(h)-1]
		if p.Status != lastChange.ToStatus {
			fail("pupil %d: status %s, history ends with %s", i, p.Status, lastChange.ToStatus)
		}
		closed := p.Status == models.StatusClosed
		if closed != (p.ExitReason != nil) || closed != (p.ClosedAt != nil) {
			fail("pupil %d: status %s with exit reason %v and closed at %v", i, p.Status, p.ExitReason, p.ClosedAt)
		}
		if closed {
			exits[*p.ExitReason] = true
			if !p.ClosedAt.Equal(lastChange.ChangedAt) {
				fail("pupil %d: closed at %v, history says %v", i, p.ClosedAt, lastChange.ChangedAt)
			}
		}
		if p.Status == models.StatusActive && daysBetween(lastFollowUp[i], today) >= 21 {
			stale = true
		}
		// Age at the start of the school year of the file's level.
		ref := calendar.SchoolYearOf(now)
		if closed {
			ref = calendar.SchoolYearOf(*p.ClosedAt)
		}
		age := ref.StartYear - p.BirthDate.Year()
		if want := levelAge[p.ClassLevel]; age < want || age > want+4 {
			fail("pupil %d: %s aged %d in %s", i, p.ClassLevel, age, ref)
		}
		est := r.est
		assigned := false
		for _, e := range accountSpecs[r.mediator].establishments {
			assigned = assigned || e == est
		}
		if !assigned || accountSpecs[r.mediator].role != models.RoleMediator {
			fail("pupil %d: referent %d is not a mediator of establishment %d", i, r.mediator, est)
		}
	}
	for _, s := range models.PupilStatuses {
		if !statuses[s] {
			fail("no file with status %s", s)
		}
	}
	for _, r := range models.ExitReasons {
		if !exits[r] {
			fail("no file closed for %s", r)
		}
	}
	if !reopened {
		fail("no reopened file")
	}
	if !stale {
		fail("no active file without follow-up for 21 days")
	}

	months := map[string]bool{}
	latest := map[int]models.MonthlyIndicator{}
	for _, r := range d.indicators {
		m := r.m
		key := fmt.Sprint(r.pupil, m.Month)
		if months[key] {
			fail("two indicators for %s", key)
		}
		months[key] = true
		if m.SchoolHalfDays == nil || *m.SchoolHalfDays < 1 || *m.SchoolHalfDays > 62 ||
			m.UnjustifiedHalfDays == nil || m.JustifiedHalfDays == nil || m.TemporaryExclusions == nil || m.Incidents == nil ||
			*m.UnjustifiedHalfDays+*m.JustifiedHalfDays > *m.SchoolHalfDays || *m.UnjustifiedHalfDays < 0 || *m.JustifiedHalfDays < 0 {
			fail("indicator %s breaks the CHECK: %+v", key, m)
		}
		if m.TermAverage != nil && (*m.TermAverage < 0 || *m.TermAverage > 20) {
			fail("indicator %s: average %v", key, *m.TermAverage)
		}
		if m.Month > monthOfDay(today) {
			fail("indicator for a future month %s", m.Month)
		}
		past("indicator", m.CreatedAt)
		if m.Month > latest[r.pupil].Month {
			latest[r.pupil] = m
		}
	}
	alert := false
	for pupil, m := range latest {
		if *m.UnjustifiedHalfDays >= 4 && lastFollowUp[pupil].Before(civil(m.Month.First())) {
			alert = true
		}
	}
	if !alert {
		fail("no pupil over the absence threshold in their latest month without a follow-up since")
	}

	restricted := false
	kinds := map[models.FollowUpKind]bool{}
	for _, f := range d.followUps {
		dateOnly("follow-up day", f.f.OccurredOn)
		past("follow-up", f.f.CreatedAt)
		if f.f.OccurredOn.Before(d.pupils[f.pupil].p.IdentifiedOn) {
			fail("follow-up before the file was opened")
		}
		if f.author != d.pupils[f.pupil].mediator {
			fail("follow-up not by the referent mediator")
		}
		if f.f.DurationMinutes < 10 || f.f.DurationMinutes > 120 {
			fail("follow-up of %d minutes", f.f.DurationMinutes)
		}
		restricted = restricted || f.f.Restricted
		kinds[f.f.Kind] = true
	}
	if !restricted {
		fail("no restricted follow-up")
	}
	for _, k := range models.FollowUpKinds {
		if !kinds[k] {
			fail("no follow-up of kind %s", k)
		}
	}

	var overdueAction, dueSoon, doneAction bool
	for _, a := range d.actions {
		dateOnly("due date", a.a.DueOn)
		past("action created", a.a.CreatedAt)
		if a.a.DoneAt != nil {
			past("action done", *a.a.DoneAt)
			doneAction = true
			if a.a.DoneAt.Before(a.a.CreatedAt) {
				fail("action done before it was set")
			}
		} else if a.a.DueOn.Before(today) {
			overdueAction = true
		} else if a.a.DueOn.Before(addDays(today, 7)) {
			dueSoon = true
		}
		if (a.followUp < 0) == (a.meeting < 0) {
			fail("next action from both or neither a follow-up and a meeting")
		}
		if (a.owner < 0) == (a.a.OwnerLabel == "") {
			fail("next action with owner %d and label %q", a.owner, a.a.OwnerLabel)
		}
	}
	if !overdueAction || !dueSoon || !doneAction {
		fail("next actions: overdue %v, due within a week %v, done %v", overdueAction, dueSoon, doneAction)
	}

	meetingStatuses := map[models.MeetingStatus]bool{}
	var thisWeek, withoutRecap bool
	attendance := map[int][]*bool{}
	for _, p := range d.participants {
		attendance[p.meeting] = append(attendance[p.meeting], p.p.Attended)
	}
	for i, r := range d.meetings {
		m := r.m
		meetingStatuses[m.Status] = true
		past("meeting created", m.CreatedAt)
		past("meeting updated", m.UpdatedAt)
		if m.Status == models.MeetingPlanned {
			if !m.ScheduledAt.After(now) {
				fail("planned meeting in the past: %v", m.ScheduledAt)
			}
			thisWeek = thisWeek || m.ScheduledAt.Before(now.AddDate(0, 0, 7))
		} else {
			past("meeting", m.ScheduledAt)
		}
		if m.Status == models.MeetingHeld && m.RecapAt == nil && m.Recap == "" {
			withoutRecap = true
		}
		if (m.RecapAt == nil) != (m.Recap == "") {
			fail("meeting with recap %q at %v", m.Recap, m.RecapAt)
		}
		if m.RecapAt != nil && m.RecapAt.Before(m.ScheduledAt) {
			fail("recap written before the meeting")
		}
		over := m.Status == models.MeetingHeld || m.Status == models.MeetingFamilyAbsent
		for _, a := range attendance[i] {
			if over != (a != nil) {
				fail("meeting %s with attendance %v", m.Status, a)
			}
		}
		if len(attendance[i]) == 0 {
			fail("meeting without participants")
		}
	}
	for _, s := range models.MeetingStatuses {
		if !meetingStatuses[s] {
			fail("no meeting with status %s", s)
		}
	}
	if !thisWeek || !withoutRecap {
		fail("meetings: in the coming week %v, held without recap %v", thisWeek, withoutRecap)
	}

	transitions := map[int][]models.ReferralTransition{}
	actors := map[int][]int{}
	for _, tr := range d.transitions {
		transitions[tr.referral] = append(transitions[tr.referral], tr.t)
		actors[tr.referral] = append(actors[tr.referral], tr.actor)
		past("referral transition", tr.t.At)
	}
	byPartner := map[int]map[models.ReferralStatus]bool{}
	overdue, recent := false, false
	for i, r := range d.referrals {
		ref := r.r
		if byPartner[r.partner] == nil {
			byPartner[r.partner] = map[models.ReferralStatus]bool{}
		}
		byPartner[r.partner][ref.Status] = true
		for _, t := range []*time.Time{&ref.CreatedAt, &ref.UpdatedAt, ref.SentAt, ref.AcknowledgedAt, ref.AnsweredAt, ref.ClosedAt, ref.WithdrawnAt} {
			if t != nil {
				past("referral", *t)
			}
		}
		if ref.Status != models.ReferralDraft {
			if ref.ConsentGivenBy == "" || ref.ConsentGivenOn == nil || ref.ConsentMethod == nil {
				fail("referral %d (%s) without consent", i, ref.Status)
			} else if dateOnly("consent", *ref.ConsentGivenOn); ref.SentAt == nil || ref.ConsentGivenOn.After(*ref.SentAt) {
				fail("referral %d: consent after sending", i)
			}
		}
		ts := transitions[i]
		if len(ts) == 0 || ts[0].FromStatus != "" || ts[len(ts)-1].ToStatus != ref.Status {
			fail("referral %d: transitions %+v do not lead to %s", i, ts, ref.Status)
			continue
		}
		for k := 1; k < len(ts); k++ {
			if ts[k].FromStatus != ts[k-1].ToStatus || !ts[k].At.After(ts[k-1].At) {
				fail("referral %d: transitions out of order %+v", i, ts)
			}
			actor := actors[i][k]
			switch ts[k].ToStatus {
			case models.ReferralSent, models.ReferralWithdrawn:
				if actor != r.sender {
					fail("referral %d: %s not by the sender", i, ts[k].ToStatus)
				}
			default:
				if actor < 0 || accountSpecs[actor].partner != r.partner {
					fail("referral %d: %s not by the partner", i, ts[k].ToStatus)
				}
			}
		}
		stamped := map[models.ReferralStatus]*time.Time{models.ReferralSent: ref.SentAt,
			models.ReferralAcknowledged: ref.AcknowledgedAt, models.ReferralClosed: ref.ClosedAt, models.ReferralWithdrawn: ref.WithdrawnAt}
		for status, at := range stamped {
			reached := false
			for _, tr := range ts {
				reached = reached || tr.ToStatus == status
			}
			if reached != (at != nil) {
				fail("referral %d (%s): step %s reached %v, stamped %v", i, ref.Status, status, reached, at)
			}
		}
		if (ref.Status == models.ReferralClosed) != (ref.Outcome != nil) {
			fail("referral %d: outcome %v with status %s", i, ref.Outcome, ref.Status)
		}
		if ref.Status == models.ReferralDeclined && ref.DeclineReason == "" {
			fail("referral %d declined without a reason", i)
		}
		rd := partnerSpecs[r.partner].responseDays
		if ref.Status == models.ReferralSent && ref.SentAt.AddDate(0, 0, rd).Before(now) {
			overdue = true
		}
		if ref.AnsweredAt != nil && ref.AnsweredAt.After(now.AddDate(0, 0, -6)) && ref.Feedback != "" {
			recent = true
		}
		pupil := d.pupils[r.pupil].p
		if !ref.CreatedAt.After(pupil.IdentifiedOn) {
			fail("referral %d made before its file was opened", i)
		}
	}
	for _, partner := range []int{pCAF, pDepSocial} {
		for _, s := range models.ReferralStatuses {
			if !byPartner[partner][s] {
				fail("%s: no referral %s", partnerSpecs[partner].name, s)
			}
		}
	}
	if !overdue || !recent {
		fail("referrals: overdue %v, answered recently %v", overdue, recent)
	}
	return problems
}

// testHasher is a cheap Argon2id: the demo accounts' hashes are not what these tests check.
var testHasher = models.NewHasher(models.HasherConfig{Params: models.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}})
