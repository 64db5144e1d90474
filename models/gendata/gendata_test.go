package gendata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/risk"
)

// The days the data is generated for: a school year well under way, the day after the start
// of the school year, and the summer break.
var genDays = []struct {
	name string
	now  time.Time
}{
	{"november", time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)},
	{"rentree", time.Date(2026, time.September, 2, 8, 30, 0, 0, calendar.Paris)},
	{"summer", time.Date(2027, time.August, 10, 0, 30, 0, 0, calendar.Paris)},
}

func count(t *testing.T, db *gorm.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func tableCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"establishments", "partner_organisations", "users", "user_establishments", "pupils",
		"guardians", "pupil_status_changes", "monthly_indicators", "follow_ups", "next_actions", "meetings",
		"meeting_participants", "referrals", "referral_transitions", "activities", "activity_partners"} {
		out[table] = count(t, db, "SELECT COUNT(*) FROM "+table)
	}
	return out
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	size, _ := scaleTiny.Size()
	for _, gd := range genDays {
		t.Run(gd.name, func(t *testing.T) {
			dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
				now := gd.now
				sum, err := Generate(context.Background(), db, Options{Scale: scaleTiny, Seed: 7, Now: now})
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				t.Logf("generated in %v: %+v", sum.Elapsed, sum.OpenByRisk)

				counts := tableCounts(t, db)
				// The files' own next actions; the prevention group's decisions make more.
				counts["next_actions"] = count(t, db, "SELECT COUNT(*) FROM next_actions WHERE case_review_id IS NULL")
				checkCaseReviews(t, db, sum, now)
				for table, want := range map[string]int{
					"establishments": size.Establishments, "pupils": size.Pupils, "follow_ups": size.FollowUps,
					"meetings": size.Meetings, "referrals": size.Referrals, "next_actions": size.NextActions,
					"partner_organisations": len(partnerSpecs),
				} {
					if counts[table] != int64(want) {
						t.Errorf("%s: %d rows, want %d", table, counts[table], want)
					}
				}
				for table, got := range map[string]int{
					"users": sum.Users, "user_establishments": sum.UserEstablishments, "guardians": sum.Guardians,
					"pupil_status_changes": sum.StatusChanges, "monthly_indicators": sum.Indicators,
					"meeting_participants": sum.Participants, "referral_transitions": sum.Transitions,
					"activities": sum.Activities, "activity_partners": sum.ActivityPartners,
				} {
					if counts[table] != int64(got) {
						t.Errorf("%s: Summary says %d, the table holds %d", table, got, counts[table])
					}
				}
				if len(sum.Accounts) != sum.Users {
					t.Errorf("%d accounts listed, %d made", len(sum.Accounts), sum.Users)
				}
				roles := map[models.Role]int64{}
				for _, r := range models.Roles {
					roles[r] = count(t, db, "SELECT COUNT(*) FROM users WHERE role = ?", r)
				}
				if roles[models.RoleMediator] != int64(size.Mediators) || roles[models.RoleHeadTeacher] != int64(size.Establishments) ||
					roles[models.RoleCoordinator] != 2 || roles[models.RoleAdmin] != 1 || roles[models.RolePartner] < int64(len(partnerSpecs)) {
					t.Errorf("accounts by role: %v", roles)
				}

				checkInvariants(t, db, now)
				checkStoredRisk(t, db, now)
				checkActivities(t, db, now, size)
				checkConflicts(t, db, now, sum, size)

				// Every status, exit reason, meeting status and referral status is there.
				exists := func(what, query string, args ...any) {
					t.Helper()
					if count(t, db, query, args...) == 0 {
						t.Errorf("no %s", what)
					}
				}
				for _, s := range []models.PupilStatus{models.StatusActive, models.StatusMonitoring, models.StatusClosed} {
					exists("pupil file "+string(s), "SELECT COUNT(*) FROM pupils WHERE status = ?", s)
				}
				for _, s := range []models.MeetingStatus{models.MeetingHeld, models.MeetingFamilyAbsent, models.MeetingPostponed, models.MeetingCancelled} {
					exists("meeting "+string(s), "SELECT COUNT(*) FROM meetings WHERE status = ?", s)
				}
				for _, s := range []models.ReferralStatus{models.ReferralAccepted, models.ReferralDeclined, models.ReferralClosed, models.ReferralWithdrawn} {
					exists("referral "+string(s), "SELECT COUNT(*) FROM referrals WHERE status = ?", s)
				}
				exists("restricted follow-up", "SELECT COUNT(*) FROM follow_ups WHERE restricted = ?", true)
				exists("next action still to do", "SELECT COUNT(*) FROM next_actions WHERE done_at IS NULL")
				exists("next action from a recap", "SELECT COUNT(*) FROM next_actions WHERE meeting_id IS NOT NULL")
				exists("pupil with an INE", "SELECT COUNT(*) FROM pupils WHERE ine IS NOT NULL")
				exists("guardian needing an interpreter", "SELECT COUNT(*) FROM guardians WHERE interpreter_needed = ?", true)
				exists("term average", "SELECT COUNT(*) FROM monthly_indicators WHERE term_average IS NOT NULL")
				exists("indicator at the alert threshold", "SELECT COUNT(*) FROM monthly_indicators WHERE unjustified_half_days >= 4")
				exists("meeting planned", "SELECT COUNT(*) FROM meetings WHERE status = ?", models.MeetingPlanned)
			})
		})
	}
}

// The larger draws show what the tiny scale is too small for: every status, exit reason and
// outcome, reopened files, overdue referrals.
func TestGenerateCoversEveryCase(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates 1,500 files")
	}
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		now := genDays[0].now
		sum, err := Generate(context.Background(), db, Options{Scale: ScaleSmall, Seed: 1, Now: now})
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		t.Logf("%+v", sum)
		size, _ := ScaleSmall.Size()
		counts := tableCounts(t, db)
		if counts["pupils"] != int64(size.Pupils) || counts["follow_ups"] != int64(size.FollowUps) ||
			counts["meetings"] != int64(size.Meetings) || counts["referrals"] != int64(size.Referrals) {
			t.Errorf("counts %v, want those of %+v", counts, size)
		}
		checkInvariants(t, db, now)
		exists := func(what, query string, args ...any) {
			t.Helper()
			if count(t, db, query, args...) == 0 {
				t.Errorf("no %s", what)
			}
		}
		for _, s := range models.PupilStatuses {
			exists("pupil file "+string(s), "SELECT COUNT(*) FROM pupils WHERE status = ?", s)
		}
		for _, r := range models.ExitReasons {
			exists("file closed for "+string(r), "SELECT COUNT(*) FROM pupils WHERE exit_reason = ?", r)
		}
		for _, l := range models.ClassLevels {
			exists("pupil in "+string(l), "SELECT COUNT(*) FROM pupils WHERE class_level = ?", l)
		}
		for _, s := range models.MeetingStatuses {
			exists("meeting "+string(s), "SELECT COUNT(*) FROM meetings WHERE status = ?", s)
		}
		for _, s := range models.ReferralStatuses {
			exists("referral "+string(s), "SELECT COUNT(*) FROM referrals WHERE status = ?", s)
		}
		// Every partner has answered referrals; the waiting ones are those of the last days or
		// weeks, too few at this scale for every partner to have them all.
		var partners []models.PartnerOrganisation
		dbtest.Must(t, db.Order("id").Find(&partners).Error)
		for _, p := range partners {
			for _, s := range []models.ReferralStatus{models.ReferralAccepted, models.ReferralDeclined, models.ReferralClosed, models.ReferralWithdrawn} {
				exists(p.Name+": referral "+string(s), "SELECT COUNT(*) FROM referrals WHERE partner_organisation_id = ? AND status = ?", p.ID, s)
			}
		}
		for _, o := range models.ReferralOutcomes {
			exists("referral closed with "+string(o), "SELECT COUNT(*) FROM referrals WHERE outcome = ?", o)
		}
		exists("reopened file", "SELECT COUNT(*) FROM pupil_status_changes WHERE from_status = ? AND to_status = ?",
			models.StatusClosed, models.StatusActive)
		exists("file back from monitoring to active follow-up", "SELECT COUNT(*) FROM pupil_status_changes WHERE from_status = ? AND to_status = ?",
			models.StatusMonitoring, models.StatusActive)
		exists("referral overdue for its acknowledgement", `SELECT COUNT(*) FROM referrals r
			JOIN partner_organisations o ON o.id = r.partner_organisation_id
			WHERE r.status = 'sent' AND r.sent_at < ?`, now.AddDate(0, 0, -15))
		exists("meeting of the coming week", "SELECT COUNT(*) FROM meetings WHERE status = 'planned' AND scheduled_at <= ?", now.AddDate(0, 0, 7))
		exists("meeting held without a recap", "SELECT COUNT(*) FROM meetings WHERE status = 'held' AND recap_at IS NULL")
		exists("next action overdue", "SELECT COUNT(*) FROM next_actions WHERE done_at IS NULL AND due_on < ?", calendar.Today(now))
		exists("next action due this week", "SELECT COUNT(*) FROM next_actions WHERE done_at IS NULL AND due_on >= ? AND due_on <= ?",
			calendar.Today(now), calendar.Today(now).AddDate(0, 0, 7))
		for _, l := range risk.Levels {
			if sum.OpenByRisk[l] == 0 {
				t.Errorf("no open file at %s risk: %v", l, sum.OpenByRisk)
			}
		}
		// Restricted notes are about one in ten.
		restricted := count(t, db, "SELECT COUNT(*) FROM follow_ups WHERE restricted = ?", true)
		if share := float64(restricted) / float64(size.FollowUps); share < 0.07 || share > 0.13 {
			t.Errorf("%.1f %% of the follow-ups are restricted", share*100)
		}
		// Every file has its indicators, one per school month it was open.
		if n := count(t, db, "SELECT COUNT(*) FROM pupils WHERE id NOT IN (SELECT pupil_id FROM monthly_indicators)"); n > int64(size.Pupils)/100 {
			t.Errorf("%d files without indicators", n)
		}
		checkStoredRisk(t, db, now)
	})
}

// checkInvariants checks by SQL what makes the rows consistent with each other.
func checkInvariants(t *testing.T, db *gorm.DB, now time.Time) {
	t.Helper()
	today := calendar.Today(now)
	none := func(what, query string, args ...any) {
		t.Helper()
		if n := count(t, db, query, args...); n > 0 {
			t.Errorf("%d %s", n, what)
		}
	}
	// Establishments, accounts.
	var uais []string
	dbtest.Must(t, db.Model(&models.Establishment{}).Order("id").Pluck("uai", &uais).Error)
	seen := map[string]bool{}
	for _, u := range uais {
		if err := models.ValidateUAI(u); err != nil || !strings.HasPrefix(u, "059") || seen[u] {
			t.Errorf("UAI %s: %v, duplicate %v", u, err, seen[u])
		}
		seen[u] = true
	}
	none("establishments without a mediator", `SELECT COUNT(*) FROM establishments e WHERE NOT EXISTS (SELECT 1
		FROM user_establishments ue JOIN users u ON u.id = ue.user_id WHERE ue.establishment_id = e.id AND u.role = 'mediator')`)
	none("establishments without exactly one head teacher", `SELECT COUNT(*) FROM establishments e WHERE (SELECT COUNT(*)
		FROM user_establishments ue JOIN users u ON u.id = ue.user_id WHERE ue.establishment_id = e.id AND u.role = 'head_teacher') <> 1`)
	none("mediators with no or more than 3 establishments", `SELECT COUNT(*) FROM users u WHERE u.role = 'mediator' AND
		(SELECT COUNT(*) FROM user_establishments ue WHERE ue.user_id = u.id) NOT BETWEEN 1 AND 3`)
	none("partners with no or more than 2 accounts", `SELECT COUNT(*) FROM partner_organisations o WHERE
		(SELECT COUNT(*) FROM users u WHERE u.partner_organisation_id = o.id) NOT BETWEEN 1 AND 2`)
	none("emails not in lower case", "SELECT COUNT(*) FROM users WHERE email <> LOWER(email)")

	// Pupil files and their history.
	none("files without their search name", "SELECT COUNT(*) FROM pupils WHERE search_name NOT LIKE '% %' OR LENGTH(search_name) < 4")
	none("files whose status is not the last of their history", `SELECT COUNT(*) FROM pupils WHERE status <> (SELECT c.to_status
		FROM pupil_status_changes c WHERE c.pupil_id = pupils.id ORDER BY c.changed_at DESC, c.id DESC LIMIT 1)`)
	none("files whose history does not start once with identified", `SELECT COUNT(*) FROM pupils p WHERE (SELECT COUNT(*)
		FROM pupil_status_changes c WHERE c.pupil_id = p.id AND c.from_status IS NULL AND c.to_status = 'identified') <> 1`)
	none("history rows whose from_status is not the previous to_status", `SELECT COUNT(*) FROM pupil_status_changes c
		WHERE c.from_status IS NOT NULL AND c.from_status <> (SELECT b.to_status FROM pupil_status_changes b
		WHERE b.pupil_id = c.pupil_id AND (b.changed_at < c.changed_at OR (b.changed_at = c.changed_at AND b.id < c.id))
		ORDER BY b.changed_at DESC, b.id DESC LIMIT 1)`)
	none("versions that do not count the history", `SELECT COUNT(*) FROM pupils p WHERE version <>
		(SELECT COUNT(*) FROM pupil_status_changes c WHERE c.pupil_id = p.id)`)
	none("closed files without exit reason or closure", "SELECT COUNT(*) FROM pupils WHERE status = 'closed' AND (exit_reason IS NULL OR closed_at IS NULL)")
	none("open files with an exit reason or closure", "SELECT COUNT(*) FROM pupils WHERE status <> 'closed' AND (exit_reason IS NOT NULL OR closed_at IS NOT NULL)")
	none("closures without the exit reason of the file", `SELECT COUNT(*) FROM pupils p WHERE status = 'closed' AND exit_reason <>
		(SELECT c.exit_reason FROM pupil_status_changes c WHERE c.pupil_id = p.id ORDER BY c.changed_at DESC, c.id DESC LIMIT 1)`)
	none("files identified after today", "SELECT COUNT(*) FROM pupils WHERE identified_on > ?", today)
	none("status changes after now", "SELECT COUNT(*) FROM pupil_status_changes WHERE changed_at > ?", now)
	none("files whose level does not fit the establishment", `SELECT COUNT(*) FROM pupils p JOIN establishments e ON e.id = p.establishment_id
		WHERE NOT ((e.type = 'college' AND p.class_level IN ('6e','5e','4e','3e'))
		OR (e.type = 'lycee_gt' AND p.class_level IN ('2nde','1re','tle'))
		OR (e.type = 'lycee_pro' AND p.class_level IN ('cap1','cap2','bac_pro')))`)
	none("referents who are not mediators of the establishment", `SELECT COUNT(*) FROM pupils p WHERE NOT EXISTS (SELECT 1
		FROM user_establishments ue JOIN users u ON u.id = ue.user_id
		WHERE ue.establishment_id = p.establishment_id AND ue.user_id = p.referent_mediator_id AND u.role = 'mediator')`)
	none("files without one or two guardians", `SELECT COUNT(*) FROM pupils p WHERE
		(SELECT COUNT(*) FROM guardians g WHERE g.pupil_id = p.id) NOT BETWEEN 1 AND 2`)

	// Follow-ups, indicators, actions.
	none("follow-ups after today", "SELECT COUNT(*) FROM follow_ups WHERE occurred_on >= ? OR created_at > ?", today, now)
	none("follow-ups before the file was identified", `SELECT COUNT(*) FROM follow_ups f JOIN pupils p ON p.id = f.pupil_id
		WHERE f.occurred_on < p.identified_on`)
	none("follow-ups after the file was closed", `SELECT COUNT(*) FROM follow_ups f JOIN pupils p ON p.id = f.pupil_id
		WHERE p.status = 'closed' AND f.occurred_on > p.closed_at`)
	none("follow-ups whose author is not a mediator of the establishment", `SELECT COUNT(*) FROM follow_ups f
		JOIN pupils p ON p.id = f.pupil_id WHERE NOT EXISTS (SELECT 1 FROM user_establishments ue JOIN users u ON u.id = ue.user_id
		WHERE ue.user_id = f.author_id AND ue.establishment_id = p.establishment_id AND u.role = 'mediator')`)
	none("indicators entered after now", "SELECT COUNT(*) FROM monthly_indicators WHERE created_at > ?", now)
	none("indicators of a month after now", "SELECT COUNT(*) FROM monthly_indicators WHERE month > ?", calendar.MonthOf(now))
	none("next actions created or done after now", "SELECT COUNT(*) FROM next_actions WHERE created_at > ? OR done_at > ?", now, now)
	none("next actions done before they were set", "SELECT COUNT(*) FROM next_actions WHERE done_at < created_at")
	none("next actions of closed files still to do", `SELECT COUNT(*) FROM next_actions a JOIN pupils p ON p.id = a.pupil_id
		WHERE p.status = 'closed' AND a.done_at IS NULL`)
	none("next actions with neither owner nor label", "SELECT COUNT(*) FROM next_actions WHERE owner_user_id IS NULL AND owner_label = ''")

	// Meetings.
	none("planned meetings in the past", "SELECT COUNT(*) FROM meetings WHERE status = 'planned' AND scheduled_at <= ?", now)
	none("meetings of the past after now", "SELECT COUNT(*) FROM meetings WHERE status <> 'planned' AND scheduled_at > ?", now)
	none("meetings created or recapped after now", "SELECT COUNT(*) FROM meetings WHERE created_at > ? OR recap_at > ? OR updated_at > ?", now, now, now)
	none("recaps on meetings not held", "SELECT COUNT(*) FROM meetings WHERE recap_at IS NOT NULL AND status <> 'held'")
	none("meetings without participants", "SELECT COUNT(*) FROM meetings m WHERE NOT EXISTS (SELECT 1 FROM meeting_participants mp WHERE mp.meeting_id = m.id)")
	none("attendance recorded before the meeting", `SELECT COUNT(*) FROM meeting_participants mp JOIN meetings m ON m.id = mp.meeting_id
		WHERE m.status IN ('planned','postponed','cancelled') AND mp.attended IS NOT NULL`)
	none("families present at a meeting they missed", `SELECT COUNT(*) FROM meeting_participants mp JOIN meetings m ON m.id = mp.meeting_id
		WHERE m.status = 'family_absent' AND mp.role = 'guardian' AND mp.attended = ?`, true)
	none("meetings before the file was identified", `SELECT COUNT(*) FROM meetings m JOIN pupils p ON p.id = m.pupil_id
		WHERE m.scheduled_at < p.identified_on`)

	// Referrals: no consent, no referral; timestamps as the status says; transitions that
	// chain up to it.
	none("referrals past draft without consent", `SELECT COUNT(*) FROM referrals WHERE status NOT IN ('draft','withdrawn')
		AND (consent_given_on IS NULL OR consent_method IS NULL OR consent_given_by = '')`)
	none("drafts with consent", "SELECT COUNT(*) FROM referrals WHERE status = 'draft' AND consent_given_on IS NOT NULL")
	none("sent referrals without consent", "SELECT COUNT(*) FROM referrals WHERE sent_at IS NOT NULL AND consent_given_on IS NULL")
	none("consent given after the sending", "SELECT COUNT(*) FROM referrals WHERE consent_given_on > sent_at")
	for status, query := range map[models.ReferralStatus]string{
		models.ReferralDraft:        "sent_at IS NOT NULL OR withdrawn_at IS NOT NULL",
		models.ReferralSent:         "sent_at IS NULL OR acknowledged_at IS NOT NULL",
		models.ReferralAcknowledged: "acknowledged_at IS NULL OR answered_at IS NOT NULL OR withdrawn_at IS NOT NULL",
		models.ReferralAccepted:     "answered_at IS NULL OR closed_at IS NOT NULL OR feedback = ''",
		models.ReferralDeclined:     "answered_at IS NULL OR closed_at IS NOT NULL OR decline_reason = ''",
		models.ReferralClosed:       "closed_at IS NULL OR outcome IS NULL OR answered_at IS NULL OR closed_at < answered_at",
		models.ReferralWithdrawn:    "withdrawn_at IS NULL OR answered_at IS NOT NULL",
	} {
		none("referrals "+string(status)+" with timestamps of another status",
			"SELECT COUNT(*) FROM referrals WHERE status = ? AND ("+query+")", status)
	}
	none("referrals whose steps are out of order", `SELECT COUNT(*) FROM referrals WHERE sent_at < created_at
		OR acknowledged_at < sent_at OR answered_at < acknowledged_at`)
	none("referrals dated after now", `SELECT COUNT(*) FROM referrals WHERE created_at > ? OR updated_at > ? OR sent_at > ?
		OR closed_at > ? OR withdrawn_at > ?`, now, now, now, now, now)
	none("referrals whose version does not count the transitions", `SELECT COUNT(*) FROM referrals r WHERE r.version <>
		(SELECT COUNT(*) FROM referral_transitions t WHERE t.referral_id = r.id)`)
	none("referrals whose last transition is not their status", `SELECT COUNT(*) FROM referrals r WHERE r.status <>
		(SELECT t.to_status FROM referral_transitions t WHERE t.referral_id = r.id ORDER BY t.at DESC, t.id DESC LIMIT 1)`)
	none("transitions that do not chain", `SELECT COUNT(*) FROM referral_transitions t WHERE t.from_status <> COALESCE((SELECT b.to_status
		FROM referral_transitions b WHERE b.referral_id = t.referral_id AND b.at < t.at ORDER BY b.at DESC LIMIT 1), '')`)
	none("referrals made before the file was followed", `SELECT COUNT(*) FROM referrals r JOIN pupils p ON p.id = r.pupil_id
		WHERE r.created_at < p.created_at`)
	none("partner steps taken by another organisation", `SELECT COUNT(*) FROM referral_transitions t JOIN referrals r ON r.id = t.referral_id
		JOIN users u ON u.id = t.actor_id WHERE u.role = 'partner' AND u.partner_organisation_id <> r.partner_organisation_id`)
	none("referrals to the Mission locale from a collège", `SELECT COUNT(*) FROM referrals r JOIN partner_organisations o ON o.id = r.partner_organisation_id
		JOIN pupils p ON p.id = r.pupil_id JOIN establishments e ON e.id = p.establishment_id WHERE o.kind = 'mission_locale' AND e.type = 'college'`)
}

// checkStoredRisk checks that every stored risk is the assessment of the indicators as of now.
func checkStoredRisk(t *testing.T, db *gorm.DB, now time.Time) {
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
	wrong := 0
	for _, p := range pupils {
		a := risk.DefaultRules.Assess(models.RiskIndicators(byPupil[p.ID]), calendar.MonthOf(now))
		if p.RiskLevel != a.Level || p.RiskScore != a.Score {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d pupils whose stored risk is not the assessment of their indicators", wrong)
	}
}

// checksum hashes the generated tables row by row, in id order; password hashes are salted and
// left out.
func checksum(t *testing.T, db *gorm.DB) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"establishments", "partner_organisations", "users", "user_establishments", "pupils",
		"guardians", "pupil_status_changes", "monthly_indicators", "follow_ups", "next_actions", "meetings",
		"meeting_participants", "referrals", "referral_transitions", "activities", "activity_partners"} {
		order := "id"
		switch table {
		case "user_establishments":
			order = "user_id, establishment_id"
		case "activity_partners":
			order = "activity_id, partner_organisation_id"
		}
		rows, err := db.Raw("SELECT * FROM " + table + " ORDER BY " + order).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if c != "password_hash" {
					fmt.Fprintf(h, "%v|", values[i])
				}
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateIsDeterministic(t *testing.T) {
	morning := genDays[0].now
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			sums := map[string]string{}
			for _, run := range []struct {
				name string
				seed uint64
				now  time.Time
			}{{"first", 1, morning}, {"again", 1, morning.Add(9 * time.Hour)}, {"other seed", 2, morning}} {
				db := dbtest.OpenMigrated(t, b.New(t))
				if _, err := Generate(context.Background(), db, Options{Scale: scaleTiny, Seed: run.seed, Now: run.now}); err != nil {
					t.Fatalf("%s: %v", run.name, err)
				}
				sums[run.name] = checksum(t, db)
			}
			if sums["first"] != sums["again"] {
				t.Error("the same seed on the same day gave different data")
			}
			if sums["first"] == sums["other seed"] {
				t.Error("another seed gave the same data")
			}
		})
	}
}

// The rows of a file do not depend on how the files are cut into chunks.
func TestChunksDoNotChangeTheRows(t *testing.T) {
	t.Parallel()
	size, _ := scaleTiny.Size()
	p := newPlanner(Options{Scale: scaleTiny, Seed: 3, Now: genDays[0].now.UTC()}, size)
	p.plan()
	ids := refs{ests: make([]uint, len(p.ests)), partners: make([]uint, len(partnerSpecs)), users: make([]uint, len(p.users))}
	whole := p.chunk(ids, p.pupils)
	var notes []string
	for start := 0; start < len(p.pupils); start += 7 {
		c := p.chunk(ids, p.pupils[start:min(start+7, len(p.pupils))])
		for _, f := range c.followUps {
			notes = append(notes, f.Note+f.OccurredOn.String())
		}
	}
	if len(notes) != len(whole.followUps) {
		t.Fatalf("%d follow-ups by chunks of 7, %d at once", len(notes), len(whole.followUps))
	}
	for i, f := range whole.followUps {
		if notes[i] != f.Note+f.OccurredOn.String() {
			t.Fatalf("follow-up %d differs", i)
		}
	}
}

func TestGenerateRefusesADatabaseWithData(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		est := models.Establishment{UAI: "0590001F", Name: "Collège existant", Type: models.TypeCollege, Sector: models.SectorPublic,
			Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
		if err := db.Create(&est).Error; err != nil {
			t.Fatal(err)
		}
		before := tableCounts(t, db)
		_, err := Generate(ctx, db, Options{Scale: scaleTiny, Seed: 1, Now: genDays[0].now})
		if !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("Generate on a database with an establishment: %v, want ErrNotEmpty", err)
		}
		if after := tableCounts(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("a refused Generate wrote rows:\nbefore %v\nafter  %v", before, after)
		}
	})
}

func TestScales(t *testing.T) {
	t.Parallel()
	metro, _ := ScaleMetro.Size()
	if metro != (Size{Establishments: 200, Mediators: 700, Pupils: 15_000, FollowUps: 1_000_000, Meetings: 100_000,
		Referrals: 50_000, NextActions: 6_000}) {
		t.Errorf("metro is %+v, not the metropolis of DESIGN.md", metro)
	}
	small, _ := ScaleSmall.Size()
	if small.Pupils*10 != metro.Pupils || small.FollowUps*10 != metro.FollowUps || small.Establishments*10 != metro.Establishments ||
		small.Meetings*10 != metro.Meetings || small.Referrals*10 != metro.Referrals || small.Mediators*10 != metro.Mediators {
		t.Errorf("small is %+v, not a tenth of metro", small)
	}
	for _, s := range []string{"metro", "small"} {
		if sc, err := ParseScale(s); err != nil || string(sc) != s {
			t.Errorf("ParseScale(%q) = %q, %v", s, sc, err)
		}
	}
	for _, s := range []string{"tiny", "huge", ""} {
		var p *models.Problem
		if _, err := ParseScale(s); !errors.As(err, &p) || p.Key != "generate.unknown_scale" {
			t.Errorf("ParseScale(%q): %v, want a refusal with its message", s, err)
		}
	}
	if _, err := Generate(context.Background(), nil, Options{Scale: "huge"}); err == nil {
		t.Error("Generate accepted an unknown scale")
	}
}

func TestAllocate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		total   int
		weights []float64
	}{
		{1_000_000, []float64{0.1, 3, 0, 7.25, 1e-9, 12}},
		{7, []float64{1, 1, 1}},
		{0, []float64{1, 2}},
	} {
		got := allocate(c.total, c.weights)
		sum := 0
		for i, n := range got {
			sum += n
			if c.weights[i] == 0 && n != 0 {
				t.Errorf("allocate(%d, %v): %d to a zero weight", c.total, c.weights, n)
			}
		}
		if sum != c.total {
			t.Errorf("allocate(%d, %v) = %v, sums to %d", c.total, c.weights, got, sum)
		}
	}
}

// checkConflicts checks the generated conflict mediations: as many as Summary says, about
// ConflictsPerYear per establishment in each past school year, parties' files of the conflict's
// establishment, nothing dated after yesterday, and some waiting for their author's review.
func checkConflicts(t *testing.T, db *gorm.DB, now time.Time, sum Summary, size Size) {
	t.Helper()
	if n := count(t, db, "SELECT COUNT(*) FROM conflicts"); n != int64(sum.Conflicts) || n == 0 {
		t.Errorf("conflicts: %d rows, Summary says %d", n, sum.Conflicts)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM conflict_parties"); n != int64(sum.ConflictParties) || n < 2*int64(sum.Conflicts) {
		t.Errorf("conflict parties: %d rows, Summary says %d, for %d conflicts", n, sum.ConflictParties, sum.Conflicts)
	}
	last := calendar.SchoolYearOf(now).Previous()
	perYear := count(t, db, "SELECT COUNT(*) FROM conflicts WHERE occurred_on >= ? AND occurred_on <= ?",
		calendar.Date(last.Start()), calendar.Date(last.LastDay()))
	if lo, hi := int64(size.Establishments*(ConflictsPerYear-5)), int64(size.Establishments*(ConflictsPerYear+5)); perYear < lo || perYear > hi {
		t.Errorf("conflicts of %s: %d, want %d to %d", last, perYear, lo, hi)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM conflict_parties cp JOIN conflicts c ON c.id = cp.conflict_id "+
		"JOIN pupils p ON p.id = cp.pupil_id WHERE p.establishment_id <> c.establishment_id"); n != 0 {
		t.Errorf("%d parties' files of another establishment", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM conflict_parties WHERE pupil_id IS NOT NULL"); n == 0 {
		t.Error("no party linked to a file")
	}
	today := calendar.Today(now)
	if n := count(t, db, "SELECT COUNT(*) FROM conflicts WHERE occurred_on >= ? OR listened_on >= ? OR meeting_on >= ? OR closed_on >= ?",
		today, today, today, today); n != 0 {
		t.Errorf("%d conflicts dated today or later", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM conflicts WHERE closed_on IS NULL AND follow_up_on <= ?", today); n == 0 {
		t.Error("no conflict to review")
	}
	if n := count(t, db, "SELECT COUNT(*) FROM conflicts WHERE closed_on IS NOT NULL AND outcome IS NULL"); n != 0 {
		t.Errorf("%d conflicts closed without an outcome", n)
	}
}

// checkCaseReviews checks the prevention group's sessions: the Summary's counts, at most
// ReviewsPerYear a school year in each establishment and some in every one, nothing after
// yesterday, one decision per pupil reviewed, on files of the session's establishment, and open
// actions only from each establishment's last session.
func checkCaseReviews(t *testing.T, db *gorm.DB, sum Summary, now time.Time) {
	t.Helper()
	for what, c := range map[string][2]int64{
		"case_reviews":       {count(t, db, "SELECT COUNT(*) FROM case_reviews"), int64(sum.CaseReviews)},
		"case_review_pupils": {count(t, db, "SELECT COUNT(*) FROM case_review_pupils"), int64(sum.CaseReviewPupils)},
		"decision actions":   {count(t, db, "SELECT COUNT(*) FROM next_actions WHERE case_review_id IS NOT NULL"), int64(sum.CaseReviewActions)},
	} {
		if c[0] != c[1] || c[0] == 0 && what != "decision actions" { // none at the start of September
			t.Errorf("%s: %d rows, Summary says %d", what, c[0], c[1])
		}
	}
	if n := count(t, db, "SELECT COUNT(*) FROM establishments e WHERE NOT EXISTS (SELECT 1 FROM case_reviews cr WHERE cr.establishment_id = e.id)"); n != 0 {
		t.Errorf("%d establishments without a session", n)
	}
	year := calendar.SchoolYearOf(now)
	for y := year; y.StartYear > year.StartYear-5; y = y.Previous() {
		n := count(t, db, "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM case_reviews WHERE held_on >= ? AND held_on <= ? GROUP BY establishment_id) s",
			calendar.Date(y.Start()), calendar.Date(y.LastDay()))
		if n > ReviewsPerYear {
			t.Errorf("%s: an establishment holds %d sessions", y, n)
		}
	}
	if n := count(t, db, "SELECT COUNT(*) FROM case_reviews WHERE held_on >= ?", calendar.Today(now)); n != 0 {
		t.Errorf("%d sessions held today or later", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM case_review_pupils crp JOIN case_reviews cr ON cr.id = crp.case_review_id "+
		"JOIN pupils p ON p.id = crp.pupil_id WHERE p.establishment_id <> cr.establishment_id OR crp.decision = ''"); n != 0 {
		t.Errorf("%d reviews of another establishment's file or without decision", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM next_actions na JOIN case_reviews cr ON cr.id = na.case_review_id WHERE na.done_at IS NULL "+
		"AND EXISTS (SELECT 1 FROM case_reviews c2 WHERE c2.establishment_id = cr.establishment_id AND c2.held_on > cr.held_on)"); n != 0 {
		t.Errorf("%d open actions of a session that is not the establishment's last", n)
	}
}
