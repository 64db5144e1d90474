package models_test

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// TestOverdueSentBeforeIsReferralOverdue: the bound on the sending time by which a partner's
// inbox finds its overdue referrals gives ReferralOverdue's answer, every half hour of the days
// around the changes of time in Paris, for three response times.
func TestOverdueSentBeforeIsReferralOverdue(t *testing.T) {
	t.Parallel()
	for _, now := range []time.Time{
		time.Date(2026, 3, 29, 1, 30, 0, 0, calendar.Paris), time.Date(2026, 4, 12, 0, 10, 0, 0, calendar.Paris),
		time.Date(2026, 10, 25, 23, 50, 0, 0, calendar.Paris), time.Date(2026, 11, 6, 0, 0, 0, 0, calendar.Paris),
		time.Date(2027, 1, 1, 23, 59, 0, 0, calendar.Paris),
	} {
		for _, days := range []int{1, 10, 15} {
			before := models.OverdueSentBefore(now, days)
			for sent := now.AddDate(0, 0, -40); sent.Before(now); sent = sent.Add(30 * time.Minute) {
				want := models.ReferralOverdue(models.ReferralSent, &sent, days, now)
				if got := sent.Before(before); got != want {
					t.Errorf("now %s, %d days, sent %s: overdue %v by the bound %s, want %v", now, days, sent, got, before, want)
				}
			}
		}
	}
}

// TestReferralSourcesStayExact: the table the partner inbox's establishment filter reads
// (referral_sources) holds, whatever happened, what the referrals say: per organisation and
// establishment, the referrals sent on live files. A draft, a draft withdrawn before sending,
// a referral sent, a second one, a file moved to another establishment, a sent referral
// deleted, and the purge: after each, the table is computed again from the referrals and
// compared, and the filter lists what the inbox holds.
func TestReferralSourcesStayExact(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		type pair struct{ Org, Est uint }
		check := func(step string, caf, dep []string) {
			t.Helper()
			read := func(q *gorm.DB) map[pair]int {
				var rows []struct {
					Org, Est uint
					N        int
				}
				must(t, q.Scan(&rows).Error)
				out := map[pair]int{}
				for _, r := range rows {
					out[pair{r.Org, r.Est}] = r.N
				}
				return out
			}
			kept := read(db.Table("referral_sources").Select("partner_organisation_id AS org, establishment_id AS est, referrals AS n").
				Where("referrals <> 0"))
			counted := read(db.Table("referrals").Select("referrals.partner_organisation_id AS org, pupils.establishment_id AS est, COUNT(*) AS n").
				Joins("JOIN pupils ON pupils.id = referrals.pupil_id").Where("referrals.sent_at IS NOT NULL AND pupils.anonymised_at IS NULL").
				Group("referrals.partner_organisation_id, pupils.establishment_id"))
			if !maps.Equal(kept, counted) {
				t.Errorf("%s: referral_sources %v, the referrals say %v", step, kept, counted)
			}
			for _, c := range []struct {
				s    models.Scope
				want []string
			}{{w.cafA, caf}, {w.depAgent, dep}} {
				es, err := models.ReferralEstablishments(w.ctx, db, c.s)
				must(t, err)
				var names []string
				for _, e := range es {
					names = append(names, e.Name)
				}
				if !slices.Equal(names, c.want) {
					t.Errorf("%s: organisation %d's filter lists %v, want %v", step, c.s.PartnerID, names, c.want)
				}
			}
		}
		check("start", nil, nil)
		draft := w.draft(t, true)
		check("a draft", nil, nil)
		w.step(t, draft, w.scopeA, w.actorA, models.ActionWithdraw)
		check("a draft withdrawn before sending", nil, nil)
		sent := w.referralIn(t, models.ReferralSent)
		check("a referral sent", []string{w.a.Name}, nil)
		w.referralIn(t, models.ReferralWithdrawn)
		check("a second, withdrawn after sending", []string{w.a.Name}, nil)

		// Another file of A, with a referral to each organisation: moved to B, it takes them along.
		other := w.pupil(t, true)
		for _, org := range []uint{w.caf.ID, w.dep.ID} {
			r, err := models.CreateReferral(w.ctx, db, w.scopeA, w.actorA, w.now, other.ID,
				models.ReferralInput{PartnerOrganisationID: org, Reason: models.ReasonHousing, Request: "Logement"})
			must(t, err)
			r, err = models.RecordConsent(w.ctx, db, w.scopeA, w.actorA, w.now, r.ID, r.Version,
				models.ConsentInput{GivenBy: "Père", GivenOn: calendar.Today(w.now), Method: models.ConsentWritten})
			must(t, err)
			w.step(t, r, w.scopeA, w.actorA, models.ActionSend)
		}
		check("a file of A with referrals to both", []string{w.a.Name}, []string{w.a.Name})
		must(t, db.Model(&models.Pupil{}).Where("id = ?", other.ID).Update("establishment_id", w.b.ID).Error)
		check("that file moved to B", []string{w.a.Name, w.b.Name}, []string{w.b.Name})

		// A sent referral deleted (by hand: the application never deletes one) leaves the counts.
		must(t, db.Exec("DELETE FROM referral_transitions WHERE referral_id = ?", sent.ID).Error)
		must(t, db.Delete(&models.Referral{}, sent.ID).Error)
		check("a sent referral deleted", []string{w.a.Name, w.b.Name}, []string{w.b.Name})

		// The purge anonymises the file of B, closed long ago: its referrals leave the filter, as
		// they leave the inbox.
		must(t, db.Model(&models.Pupil{}).Where("id = ?", other.ID).
			Updates(map[string]any{"status": models.StatusClosed, "exit_reason": "moved_away", "closed_at": w.now.AddDate(-3, 0, 0).UTC()}).Error)
		res, err := models.Purge(w.ctx, db, w.now, false, models.Actor{Email: "test"})
		must(t, err)
		if res.Pupils != 1 {
			t.Fatalf("purge anonymised %d files, want 1", res.Pupils)
		}
		check("the file of B anonymised", []string{w.a.Name}, nil)
		list, err := models.ListReferrals(w.ctx, db, w.depAgent, w.now, models.ReferralFilter{})
		must(t, err)
		if list.Total != 0 || len(list.Rows) != 0 {
			t.Errorf("the Département's inbox after the purge: %d referrals, %d rows", list.Total, len(list.Rows))
		}
	})
}

// TestDeepReferralPagesKeepTheOrder: every page of a long list, with each filter, holds the
// referrals that the list's order (overdue first, then the most recent, the highest id first)
// puts there, the order computed here from each referral's own row (ReferralsOfPupil, the
// overdue mark by OverdueSQL), and the referrals and total of the former statement (which
// looked each referral's file up among the anonymised ones). 420 referrals on four files of two
// establishments (one file anonymised before they were written), sent over 200 days, several
// at the same instant, so that overdue and other referrals both cross page boundaries; for a
// partner, a mediator and a head teacher; then again once the purge has anonymised a second
// file, whose referrals leave every list.
func TestDeepReferralPagesKeepTheOrder(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		w := newReferralWorld(t, db)
		pupils := []models.Pupil{w.pupilA, w.pupil(t, true), w.pupil(t, true), w.pupil(t, true)}
		must(t, db.Model(&models.Pupil{}).Where("id = ?", pupils[2].ID).Update("establishment_id", w.b.ID).Error)
		must(t, db.Model(&models.Pupil{}).Where("id = ?", pupils[3].ID).Update("anonymised_at", w.now.UTC()).Error)
		statuses := []models.ReferralStatus{models.ReferralSent, models.ReferralSent, models.ReferralAcknowledged,
			models.ReferralDraft, models.ReferralSent, models.ReferralClosed, models.ReferralWithdrawn}
		method := models.ConsentPhone
		var rows []models.Referral
		for i := range 420 {
			at := w.now.Add(-time.Duration(i/3) * 11 * time.Hour).UTC()
			org := w.caf.ID
			if i%5 == 4 {
				org = w.dep.ID
			}
			r := models.Referral{PupilID: pupils[i%len(pupils)].ID, PartnerOrganisationID: org, SenderID: w.medA.ID,
				Reason: models.ReasonSocialRights, Request: requestText, Status: statuses[i%len(statuses)],
				ConsentGivenBy: "Mère", ConsentGivenOn: &at, ConsentMethod: &method, Version: 1, CreatedAt: at.Add(-time.Hour), UpdatedAt: at}
			if r.Status != models.ReferralDraft {
				r.SentAt = &at
			}
			rows = append(rows, r)
		}
		must(t, db.CreateInBatches(&rows, 100).Error)
		// long: in the first round, the long lists cross from overdue to not in the middle of a page.
		check := func(round string, live []models.Pupil, long bool) {
			t.Helper()
			checkReferralFlags(t, db, round)
			for _, c := range []struct {
				name  string
				scope models.Scope
				// long: the list spans pages, and its overdue referrals end in the middle of one.
				long bool
			}{{"partner", w.cafA, true}, {"mediator", w.scopeA, true}, {"head teacher", w.headA, true}, {"mediator B", w.scopeB, false}} {
				var all []models.ReferralRow
				for _, p := range live {
					of, err := models.ReferralsOfPupil(w.ctx, db, c.scope, w.now, p.ID)
					must(t, err)
					all = append(all, of...)
				}
				sortAsLists(all)
				for _, f := range []models.ReferralFilter{{}, {EstablishmentID: w.a.ID}, {Status: models.ReferralSent}, {Overdue: true}} {
					var want []uint
					overdue := 0
					for _, r := range all {
						if (f.EstablishmentID == 0 || r.EstablishmentID == f.EstablishmentID) && (f.Status == "" || r.Status == f.Status) &&
							(!f.Overdue || r.Overdue) {
							want = append(want, r.ID)
							if r.Overdue {
								overdue++
							}
						}
					}
					name := fmt.Sprintf("%s: %s, filter %+v", round, c.name, f)
					if long && c.long && (len(want) <= models.ReferralsPerPage ||
						(!f.Overdue && (overdue < 10 || len(want)-overdue < 10 || overdue%models.ReferralsPerPage == 0))) {
						t.Fatalf("%s: %d referrals, %d overdue: the pages do not cross from overdue to not", name, len(want), overdue)
					}
					var got, former []uint
					for page := 1; page <= len(want)/models.ReferralsPerPage+2; page++ {
						f.Page = page
						list, err := models.ListReferrals(w.ctx, db, c.scope, w.now, f)
						must(t, err)
						if int(list.Total) != len(want) {
							t.Fatalf("%s: total %d, want %d", name, list.Total, len(want))
						}
						formerIDs, formerTotal := formerReferralPage(t, db, c.scope, w.now, f)
						if formerTotal != list.Total {
							t.Fatalf("%s: total %d, the former statement's %d", name, list.Total, formerTotal)
						}
						former = append(former, formerIDs...)
						for _, r := range list.Rows {
							got = append(got, r.ID)
							if r.PupilLastName == "" || r.EstablishmentName == "" || r.PartnerName == "" || r.SenderName == "" {
								t.Fatalf("%s: row %d lacks its joins: %+v", name, r.ID, r)
							}
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s: pages read\n%v\nwant\n%v", name, got, want)
					}
					if !slices.Equal(got, former) {
						t.Errorf("%s: pages read\n%v\nthe former statement's\n%v", name, got, former)
					}
				}
			}
		}
		check("one file anonymised", pupils[:3], true)

		// The purge anonymises the second file of A, closed long ago.
		must(t, db.Model(&models.Pupil{}).Where("id = ?", pupils[1].ID).
			Updates(map[string]any{"status": models.StatusClosed, "exit_reason": "moved_away", "closed_at": w.now.AddDate(-3, 0, 0).UTC()}).Error)
		res, err := models.Purge(w.ctx, db, w.now, false, models.Actor{Email: "test"})
		must(t, err)
		if res.Pupils != 1 {
			t.Fatalf("purge anonymised %d files, want 1", res.Pupils)
		}
		check("a second file purged", []models.Pupil{pupils[0], pupils[2]}, false)
	})
}

// checkReferralFlags fails the test unless every referral's file_anonymised says whether its
// file is anonymised, and some of each kind are there.
func checkReferralFlags(t *testing.T, db *gorm.DB, step string) {
	t.Helper()
	var flags []struct {
		Flag, Anonymised bool
		N                int
	}
	must(t, db.Table("referrals").Select("referrals.file_anonymised AS flag, pupils.anonymised_at IS NOT NULL AS anonymised, COUNT(*) AS n").
		Joins("JOIN pupils ON pupils.id = referrals.pupil_id").Group("referrals.file_anonymised, pupils.anonymised_at IS NOT NULL").
		Order("flag, anonymised").Scan(&flags).Error)
	for _, f := range flags {
		if f.Flag != f.Anonymised {
			t.Errorf("%s: %d referrals flagged file_anonymised %v on files anonymised %v", step, f.N, f.Flag, f.Anonymised)
		}
	}
}

// formerReferralPage is the choice of a page of ListReferrals as it was before issue 18's sixth
// round, when each referral's file was looked up among the anonymised ones: the page's ids in
// order, and the number that match.
func formerReferralPage(t *testing.T, db *gorm.DB, s models.Scope, now time.Time, f models.ReferralFilter) ([]uint, int64) {
	t.Helper()
	fresh := db.Session(&gorm.Session{NewDB: true})
	overdue, args := models.OverdueSQL(db, now)
	byOrganisation := s.Role == models.RolePartner && s.PartnerID != 0
	if byOrganisation {
		var days int
		must(t, db.Table("partner_organisations").Select("response_days").Where("id = ?", s.PartnerID).Take(&days).Error)
		overdue, args = "(referrals.status = ? AND referrals.sent_at < ?)", []any{models.ReferralSent, models.OverdueSentBefore(now, days)}
	}
	matching := func() *gorm.DB {
		q := fresh.Table("referrals")
		if !byOrganisation {
			q = q.Joins("JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id")
		}
		if s.Role != models.RolePartner && s.SeesPupilFiles() && db.Dialector.Name() == models.DialectPostgres {
			q = s.ProbeFiles(q, "referrals.pupil_id")
		} else {
			q = s.Referrals(q).
				Where("NOT EXISTS (SELECT 1 FROM pupils anonymised WHERE anonymised.id = referrals.pupil_id AND anonymised.anonymised_at IS NOT NULL)")
		}
		if f.Status != "" {
			q = q.Where("referrals.status = ?", f.Status)
		}
		if f.EstablishmentID != 0 {
			q = models.WhereIn(q, "referrals.pupil_id", fresh.Table("pupils").Select("id").Where("establishment_id = ?", f.EstablishmentID))
		}
		if f.Overdue {
			q = q.Where(overdue, args...)
		}
		return q
	}
	var total int64
	must(t, matching().Count(&total).Error)
	recency := "COALESCE(referrals.sent_at, referrals.created_at)"
	if s.Role == models.RolePartner {
		recency = "referrals.sent_at"
	}
	offset := (max(f.Page, 1) - 1) * models.ReferralsPerPage
	part := func(cond string) *gorm.DB {
		return matching().Select("referrals.id, "+overdue+" AS overdue, "+recency+" AS recency", args...).Where(cond, args...).
			Order(recency + " DESC, referrals.id DESC").Limit(offset + models.ReferralsPerPage)
	}
	var ids []uint
	must(t, fresh.Raw("SELECT id FROM (SELECT * FROM (?) AS overdue_part UNION ALL SELECT * FROM (?) AS other_part "+
		"ORDER BY overdue DESC, recency DESC, id DESC LIMIT ? OFFSET ?) AS page ORDER BY page.overdue DESC, page.recency DESC, page.id DESC",
		part(overdue), part("NOT COALESCE("+overdue+", FALSE)"), models.ReferralsPerPage, offset).Scan(&ids).Error)
	return ids, total
}

// sortAsLists sorts referral rows in the order of the referral lists: overdue first, then the
// most recently sent (created, for a draft), then the highest id.
func sortAsLists(rows []models.ReferralRow) {
	recency := func(r models.ReferralRow) time.Time {
		if r.SentAt != nil {
			return *r.SentAt
		}
		return r.CreatedAt
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		if !recency(a).Equal(recency(b)) {
			return recency(a).After(recency(b))
		}
		return a.ID > b.ID
	})
}
