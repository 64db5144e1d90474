// Package demodata loads the demonstration data set of DESIGN.md into an empty database: a
// dozen establishments of the metropolis, their partners, the demo accounts and about 150
// pupil files over the previous school year and the current one, dated relative to the day it
// is loaded so that every worklist has something due.
package demodata

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/risk"
)

// Password is the password of every demo account. It is public by design: the demo set is for
// trying the product, never for real data.
const Password = "mediation-demo"

// loadedKey is the setting that records when the demo set was loaded; its presence makes a
// second Load a no-op.
const loadedKey = "demo.loaded_at"

// ErrNotEmpty is returned when the database already holds establishments or accounts that are
// not the demo set: the demo must never mix with real data.
var ErrNotEmpty error = models.Problemf(nil, "demo.not_empty")

// Summary counts what Load created.
type Summary struct {
	AlreadyLoaded  bool
	Establishments int
	Partners       int
	Users          int
	Pupils         int
	FollowUps      int
	Meetings       int
	Referrals      int
	Indicators     int
	Activities     int
	CaseReviews    int
	Agreements     int
}

// Account is a demo account, as printed at start so that visitors know how to log in.
type Account struct {
	Email       string
	Role        models.Role
	Description string
}

// Accounts lists the demo accounts, all with Password.
func Accounts() []Account {
	out := make([]Account, len(accountSpecs))
	for i, a := range accountSpecs {
		out[i] = Account{Email: a.email, Role: a.role, Description: a.name + ", " + a.description}
	}
	return out
}

// errAlreadyLoaded stops the transaction when another loader got there first.
var errAlreadyLoaded = errors.New("demodata: already loaded")

// Load fills an empty database with the demo set, dated relative to now, in one transaction.
// Loading again does nothing and says so; a database with other data is refused (ErrNotEmpty).
func Load(ctx context.Context, db *gorm.DB, hasher *models.Hasher, now time.Time) (Summary, error) {
	db = db.WithContext(ctx)
	if err := checkEmpty(db); errors.Is(err, errAlreadyLoaded) {
		return Summary{AlreadyLoaded: true}, nil
	} else if err != nil {
		return Summary{}, err
	}
	hashes, err := hashPasswords(ctx, hasher, len(accountSpecs))
	if err != nil {
		return Summary{}, err
	}
	// Two instances loading one SQLite file at once: the second waits for the first's write lock
	// within the busy timeout, and a slow machine can take longer than that to load the set. It
	// then tries again (a few times, as long as the database answers « busy »), and finds the set
	// loaded.
	var sum Summary
	for try := 1; ; try++ {
		sum, err = insertOnce(ctx, db, hashes, now)
		if try == loadTries || !models.IsUnavailable(err) || ctx.Err() != nil {
			break
		}
	}
	switch {
	case errors.Is(err, errAlreadyLoaded):
		return Summary{AlreadyLoaded: true}, nil
	case errors.Is(err, ErrNotEmpty):
		return Summary{}, ErrNotEmpty
	case err != nil:
		// Two instances loading at once on PostgreSQL: the loser trips on a unique key.
		if checkEmpty(db) == errAlreadyLoaded {
			return Summary{AlreadyLoaded: true}, nil
		}
		return Summary{}, fmt.Errorf("demodata: load: %w", err)
	}
	return sum, nil
}

// loadTries bounds the waits of a Load behind another: each waits out the busy timeout.
const loadTries = 6

// insertOnce inserts the set in one transaction. The data are generated afresh on every try:
// a failed try has written ids into them.
func insertOnce(ctx context.Context, db *gorm.DB, hashes []string, now time.Time) (Summary, error) {
	d := generate(now, hashes)
	var sum Summary
	err := db.Transaction(func(tx *gorm.DB) error {
		// Checked again inside: another instance may have loaded it in between.
		if err := checkEmpty(tx); err != nil {
			return err
		}
		var err error
		if sum, err = d.insert(tx); err != nil {
			return err
		}
		if sum.CaseReviews, err = caseReviews(tx, now); err != nil {
			return err
		}
		if sum.Agreements, err = conventions(tx, now); err != nil {
			return err
		}
		// The pupils are inserted low; their stored risk is that of their indicators today.
		if err := models.RecomputeRisk(ctx, tx, risk.DefaultRules, calendar.MonthOf(now)); err != nil {
			return err
		}
		if err := tx.Create(&models.Setting{Key: loadedKey, Value: now.UTC().Format(time.RFC3339), UpdatedAt: now.UTC()}).Error; err != nil {
			return fmt.Errorf("setting %s: %w", loadedKey, err)
		}
		// Written in English, as every audit detail: a technical record, not a sentence of the
		// interface.
		detail := fmt.Sprintf("demo set loaded: %d establishments, %d partners, %d accounts, %d pupil files, "+
			"%d follow-ups, %d meetings, %d referrals, %d monthly indicators", sum.Establishments, sum.Partners, sum.Users,
			sum.Pupils, sum.FollowUps, sum.Meetings, sum.Referrals, sum.Indicators)
		return models.RecordAudit(ctx, tx, now, models.Actor{Email: "demo"}, models.AuditDemoLoaded, "", "", detail)
	})
	return sum, err
}

// checkEmpty returns errAlreadyLoaded when the demo set is there, ErrNotEmpty when other data
// is, nil for an empty database.
func checkEmpty(db *gorm.DB) error {
	var n int64
	if err := db.Model(&models.Setting{}).Where(&models.Setting{Key: loadedKey}).Count(&n).Error; err != nil {
		return fmt.Errorf("demodata: read setting %s: %w", loadedKey, err)
	}
	if n > 0 {
		return errAlreadyLoaded
	}
	for _, model := range []any{&models.Establishment{}, &models.User{}, &models.PartnerOrganisation{}} {
		var n int64
		if err := db.Model(model).Count(&n).Error; err != nil {
			return fmt.Errorf("demodata: check the database is empty: %w", err)
		}
		if n > 0 {
			return ErrNotEmpty
		}
	}
	return nil
}

// hashPasswords hashes Password once per account, with as many workers as the hasher runs
// computations at once (so that none waits for a slot): Argon2id is meant to be slow, and ten
// hashes in a row would cost most of the loading time.
func hashPasswords(ctx context.Context, hasher *models.Hasher, n int) ([]string, error) {
	hashes := make([]string, n)
	errs := make([]error, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range hasher.Concurrency() {
		wg.Go(func() {
			for i := range next {
				hashes[i], errs[i] = hasher.Hash(ctx, Password)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("demodata: hash the demo password: %w", err)
	}
	return hashes, nil
}

const batchSize = 500

// create inserts rows in batches, without touching associations, and leaves their IDs set.
func create[T any](tx *gorm.DB, what string, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Omit(clause.Associations).CreateInBatches(&rows, batchSize).Error; err != nil {
		return fmt.Errorf("insert %s: %w", what, err)
	}
	return nil
}

func ref(ids []uint, i int) *uint {
	if i < 0 {
		return nil
	}
	id := ids[i]
	return &id
}

// insert writes the data set table by table, turning the indexes of each row into the IDs of
// the rows inserted before it.
func (d *dataset) insert(tx *gorm.DB) (Summary, error) {
	ests := d.establishments
	if err := create(tx, "establishments", ests); err != nil {
		return Summary{}, err
	}
	estIDs := ids(ests, func(e models.Establishment) uint { return e.ID })

	partners := d.partners
	if err := create(tx, "partner organisations", partners); err != nil {
		return Summary{}, err
	}
	partnerIDs := ids(partners, func(p models.PartnerOrganisation) uint { return p.ID })

	users := rows(d.users, func(r userRow) models.User {
		r.u.PartnerOrganisationID = ref(partnerIDs, r.partner)
		return r.u
	})
	if err := create(tx, "users", users); err != nil {
		return Summary{}, err
	}
	userIDs := ids(users, func(u models.User) uint { return u.ID })

	links := rows(d.links, func(r linkRow) models.UserEstablishment {
		return models.UserEstablishment{UserID: userIDs[r.user], EstablishmentID: estIDs[r.est]}
	})
	if err := create(tx, "user establishments", links); err != nil {
		return Summary{}, err
	}

	pupils := rows(d.pupils, func(r pupilRow) models.Pupil {
		r.p.EstablishmentID, r.p.ReferentMediatorID = estIDs[r.est], ref(userIDs, r.mediator)
		return r.p
	})
	if err := create(tx, "pupils", pupils); err != nil {
		return Summary{}, err
	}
	pupilIDs := ids(pupils, func(p models.Pupil) uint { return p.ID })

	guardians := rows(d.guardians, func(r guardianRow) models.Guardian {
		r.g.PupilID = pupilIDs[r.pupil]
		return r.g
	})
	if err := create(tx, "guardians", guardians); err != nil {
		return Summary{}, err
	}
	changes := rows(d.changes, func(r changeRow) models.PupilStatusChange {
		r.c.PupilID, r.c.ChangedByID = pupilIDs[r.pupil], ref(userIDs, r.by)
		return r.c
	})
	if err := create(tx, "pupil status changes", changes); err != nil {
		return Summary{}, err
	}
	indicators := rows(d.indicators, func(r indicatorRow) models.MonthlyIndicator {
		r.m.PupilID, r.m.UpdatedByID = pupilIDs[r.pupil], ref(userIDs, r.by)
		return r.m
	})
	if err := create(tx, "monthly indicators", indicators); err != nil {
		return Summary{}, err
	}

	followUps := rows(d.followUps, func(r followUpRow) models.FollowUp {
		r.f.PupilID, r.f.AuthorID = pupilIDs[r.pupil], userIDs[r.author]
		return r.f
	})
	if err := create(tx, "follow-ups", followUps); err != nil {
		return Summary{}, err
	}
	followUpIDs := ids(followUps, func(f models.FollowUp) uint { return f.ID })

	meetings := rows(d.meetings, func(r meetingRow) models.Meeting {
		r.m.PupilID, r.m.OrganiserID = pupilIDs[r.pupil], userIDs[r.organiser]
		return r.m
	})
	if err := create(tx, "meetings", meetings); err != nil {
		return Summary{}, err
	}
	meetingIDs := ids(meetings, func(m models.Meeting) uint { return m.ID })

	participants := rows(d.participants, func(r participantRow) models.MeetingParticipant {
		r.p.MeetingID, r.p.UserID = meetingIDs[r.meeting], ref(userIDs, r.user)
		return r.p
	})
	if err := create(tx, "meeting participants", participants); err != nil {
		return Summary{}, err
	}
	actions := rows(d.actions, func(r actionRow) models.NextAction {
		r.a.PupilID, r.a.FollowUpID, r.a.MeetingID = pupilIDs[r.pupil], ref(followUpIDs, r.followUp), ref(meetingIDs, r.meeting)
		r.a.OwnerUserID, r.a.CreatedByID = ref(userIDs, r.owner), ref(userIDs, r.createdBy)
		return r.a
	})
	if err := create(tx, "next actions", actions); err != nil {
		return Summary{}, err
	}

	referrals := rows(d.referrals, func(r referralRow) models.Referral {
		r.r.PupilID, r.r.PartnerOrganisationID, r.r.SenderID = pupilIDs[r.pupil], partnerIDs[r.partner], userIDs[r.sender]
		return r.r
	})
	if err := create(tx, "referrals", referrals); err != nil {
		return Summary{}, err
	}
	referralIDs := ids(referrals, func(r models.Referral) uint { return r.ID })
	transitions := rows(d.transitions, func(r transitionRow) models.ReferralTransition {
		r.t.ReferralID, r.t.ActorID = referralIDs[r.referral], ref(userIDs, r.actor)
		return r.t
	})
	if err := create(tx, "referral transitions", transitions); err != nil {
		return Summary{}, err
	}

	activities, err := d.insertActivities(tx, estIDs, partnerIDs, userIDs)
	if err != nil {
		return Summary{}, err
	}
	conflicts := rows(d.conflicts, func(r conflictRow) models.Conflict {
		r.c.EstablishmentID, r.c.AuthorID = estIDs[r.est], userIDs[r.author]
		return r.c
	})
	if err := create(tx, "conflicts", conflicts); err != nil {
		return Summary{}, err
	}
	var parties []models.ConflictParty
	for i, r := range d.conflicts {
		for _, p := range r.parties {
			p.p.ConflictID, p.p.PupilID = conflicts[i].ID, ref(pupilIDs, p.pupil)
			parties = append(parties, p.p)
		}
	}
	if err := create(tx, "conflict parties", parties); err != nil {
		return Summary{}, err
	}

	return Summary{
		Activities: activities, Establishments: len(ests), Partners: len(partners), Users: len(users), Pupils: len(pupils),
		FollowUps: len(followUps), Meetings: len(meetings), Referrals: len(referrals), Indicators: len(indicators),
	}, nil
}

func rows[R, M any](in []R, f func(R) M) []M {
	out := make([]M, len(in))
	for i, r := range in {
		out[i] = f(r)
	}
	return out
}

func ids[M any](in []M, id func(M) uint) []uint {
	out := make([]uint, len(in))
	for i, m := range in {
		out[i] = id(m)
	}
	return out
}
