// Package gendata fills an empty database with a large synthetic metropolis for benchmarks:
// establishments spread over the communes of the Métropole Européenne de Lille, their
// mediators and head teachers, the partner organisations and their agents, and five school
// years of pupil files (up to the given day) with their status history, monthly indicators,
// follow-ups, next actions, family–school meetings and referrals, and the establishments'
// conflict mediations.
//
// The data set is a pure function of the scale, the seed and the day (in Paris) it is generated
// for: the same three give the same rows, in the same order, with the same ids on an empty
// database, whatever the hour.
// Every pupil file draws from a random stream of its own, so that the rows do not depend on how
// the work is cut into chunks. Rows are inserted in batches, one chunk of files per
// transaction, while the next chunk is being generated; memory stays bounded by a chunk.
package gendata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/demodata"
	"mediation/models/risk"
)

// Scale is the size of the generated metropolis.
type Scale string

// The scales. Metro is the whole metropolis of DESIGN.md; small is a tenth of it.
const (
	ScaleMetro Scale = "metro"
	ScaleSmall Scale = "small"
	// scaleTiny is for this package's tests: a handful of establishments, seconds to load.
	scaleTiny Scale = "tiny"
	// ScaleBroad is for the tests of query plans: the breadth of the metropolis (its 200
	// establishments and 700 mediators, so that one user's scope is as small a part of each
	// table as at metro scale) with a tenth of its activity, quick to load like small. The
	// command does not offer it.
	ScaleBroad Scale = "broad"
)

// Scales lists the scales the command offers, the default first.
var Scales = []Scale{ScaleMetro, ScaleSmall}

// Size is how many rows of each kind a scale makes. Partner organisations are always the same
// thirteen; guardians, status changes, indicators, participants and referral transitions follow
// from the pupil files.
type Size struct {
	Establishments int
	Mediators      int
	Pupils         int
	FollowUps      int
	Meetings       int
	Referrals      int
	NextActions    int
}

var sizes = map[Scale]Size{
	ScaleMetro: {Establishments: 200, Mediators: 700, Pupils: 15_000, FollowUps: 1_000_000, Meetings: 100_000,
		Referrals: 50_000, NextActions: 6_000},
	ScaleSmall: {Establishments: 20, Mediators: 70, Pupils: 1_500, FollowUps: 100_000, Meetings: 10_000,
		Referrals: 5_000, NextActions: 600},
	ScaleBroad: {Establishments: 200, Mediators: 700, Pupils: 6_000, FollowUps: 100_000, Meetings: 30_000,
		Referrals: 20_000, NextActions: 2_000},
	scaleTiny: {Establishments: 6, Mediators: 9, Pupils: 150, FollowUps: 4_000, Meetings: 500, Referrals: 250,
		NextActions: 80},
}

// Size returns how many rows the scale makes, and false for an unknown scale.
func (s Scale) Size() (Size, bool) {
	size, ok := sizes[s]
	return size, ok
}

// ParseScale reads a scale as typed on the command line; another is a models.Problem.
func ParseScale(s string) (Scale, error) {
	for _, sc := range Scales {
		if string(sc) == s {
			return sc, nil
		}
	}
	return "", models.Problemf(nil, "generate.unknown_scale", "Scale", s)
}

// Options say what to generate.
type Options struct {
	// Scale is ScaleMetro or ScaleSmall.
	Scale Scale
	// Seed changes the draw; the same seed gives the same data.
	Seed uint64
	// Now is the day the data is generated for: the last of the five school years is the one
	// that holds it, and nothing is dated after it but planned meetings and next actions due
	// soon. Zero means time.Now().
	Now time.Time
	// Study, when set, shapes the absences for the measure of outcomes (models/impact) and
	// plants an effect of the follow-up of a known size; nil leaves the data as it always was.
	Study *Study
	// Progress, when set, is told now and then (every tenth of the pupil files) what is
	// inserted so far, and how many pupil files there will be.
	Progress func(sofar Summary, pupils int)
}

// Study shapes the pupils' unjustified absences as the measure of outcomes needs them, as a
// school's figures would be: each file brings the months before it was opened (imported with
// it), the month before the opening is a peak of absences (the file opens because of it, so
// that a before/after shows regression to the mean), a share of the files waits for a
// mediator before active follow-up starts (those pupils make the comparison group), and the
// only change that follow-up brings is Effect.
type Study struct {
	// Effect is the relative reduction of a followed pupil's unjustified absences from the
	// month after its active follow-up started: 0.3 cuts them by 30 %, 0 plants no effect.
	Effect float64
}

// The shape of a study's data.
const (
	// studyWaiting is the share of the files that wait studyWaitMin to studyWaitMax days for
	// active follow-up, as on a mediator's waiting list.
	studyWaiting               = 0.4
	studyWaitMin, studyWaitMax = 100, 200
	// studyHistory is how many school months before the peak a file brings.
	studyHistory = 3
)

// ErrNotEmpty refuses a database that already holds establishments, partner organisations or
// pupil files: the synthetic data never mixes with other data.
var ErrNotEmpty error = models.Problemf(nil, "generate.not_empty")

// Summary counts what Generate inserted and lists the accounts it made, all with the demo
// password (demodata.Password).
type Summary struct {
	Scale   Scale
	Seed    uint64
	Now     time.Time
	Elapsed time.Duration

	Establishments     int
	Partners           int
	Users              int
	UserEstablishments int
	Pupils             int
	Guardians          int
	StatusChanges      int
	Indicators         int
	FollowUps          int
	NextActions        int
	Meetings           int
	Participants       int
	Referrals          int
	Transitions        int
	// Activities are the collective actions, ActivityPartners the partners they involve.
	Activities       int
	ActivityPartners int
	Conflicts        int
	ConflictParties  int
	// The prevention group's sessions, the pupils they reviewed, the next actions their
	// decisions made (counted apart from NextActions, the files' own).
	CaseReviews       int
	CaseReviewPupils  int
	CaseReviewActions int

	// OpenByRisk counts the files still open at Now by stored risk level.
	OpenByRisk map[risk.Level]int
	// Accounts lists every account made: administrator, coordinators, mediators, head
	// teachers, then partner agents.
	Accounts []Account
}

// Account is one generated account.
type Account struct {
	Email       string
	Role        models.Role
	Name        string
	Description string
}

// generatedKey is the setting that records what was generated, and for which day.
const generatedKey = "gendata.generated"

// chunkSize is how many pupil files are generated and inserted together, in one transaction.
const chunkSize = 500

// Generate fills an empty, migrated database with the synthetic metropolis of the scale and
// prints nothing (see Summary.Print). A database that holds establishments, partners or pupil
// files is refused with ErrNotEmpty before anything is written. The establishments, partners
// and accounts are inserted in one transaction, then the pupil files chunk by chunk, each chunk
// in a transaction of its own: a failure half-way (or a cancelled context) leaves the files
// inserted so far, and says so.
func Generate(ctx context.Context, db *gorm.DB, opt Options) (Summary, error) {
	start := time.Now()
	size, ok := opt.Scale.Size()
	if !ok {
		return Summary{}, fmt.Errorf("gendata: unknown scale %q", opt.Scale)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.UTC()
	db = db.WithContext(ctx)
	if err := checkEmpty(db); err != nil {
		return Summary{}, err
	}
	// Every account shares the demo password: one hash, computed once (Argon2id is slow on
	// purpose, and so would be 900 of them).
	hash, err := models.NewHasher(models.HasherConfig{}).Hash(ctx, demodata.Password)
	if err != nil {
		return Summary{}, fmt.Errorf("gendata: hash the demo password: %w", err)
	}

	p := newPlanner(opt, size)
	p.plan()
	sum := Summary{Scale: opt.Scale, Seed: opt.Seed, Now: opt.Now}
	var ids refs
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := checkEmpty(tx); err != nil {
			return err
		}
		var err error
		ids, err = p.insertFixed(tx, hash, &sum)
		return err
	})
	if errors.Is(err, ErrNotEmpty) {
		return Summary{}, err
	} else if err != nil {
		return Summary{}, fmt.Errorf("gendata: establishments, partners and accounts: %w", err)
	}

	if err := p.insertPupils(ctx, db, ids, &sum); err != nil {
		return sum, models.Problemf(err, "generate.interrupted", "Done", sum.Pupils, "Total", size.Pupils, "Reason", err.Error())
	}

	if err := p.insertActivities(db, ids, &sum); err != nil {
		return sum, fmt.Errorf("gendata: collective actions: %w", err)
	}
	if err := p.insertConflicts(ctx, db, ids, &sum); err != nil {
		return sum, fmt.Errorf("gendata: conflicts: %w", err)
	}
	if err := p.insertCaseReviews(ctx, db, ids, &sum); err != nil {
		return sum, fmt.Errorf("gendata: case reviews: %w", err)
	}

	rules, err := models.LoadRiskRules(ctx, db)
	if err != nil {
		return sum, err
	}
	if err := models.RecomputeRisk(ctx, db, rules, calendar.MonthOf(opt.Now)); err != nil {
		return sum, fmt.Errorf("gendata: risk levels: %w", err)
	}
	if err := analyze(db); err != nil {
		return sum, err
	}
	if sum.OpenByRisk, err = openByRisk(db); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	value, _ := json.Marshal(map[string]any{"scale": opt.Scale, "seed": opt.Seed, "now": opt.Now.Format(time.RFC3339)})
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&models.Setting{Key: generatedKey, Value: string(value), UpdatedAt: opt.Now}).Error; err != nil {
			return fmt.Errorf("gendata: setting %s: %w", generatedKey, err)
		}
		// Written in English, as every audit detail: a technical record, not a sentence of the
		// interface.
		detail := fmt.Sprintf("test data %q (seed %d) generated: %d establishments, %d accounts, %d pupil files, "+
			"%d follow-ups, %d meetings, %d referrals, %d monthly indicators", opt.Scale, opt.Seed, sum.Establishments,
			sum.Users, sum.Pupils, sum.FollowUps, sum.Meetings, sum.Referrals, sum.Indicators)
		return models.RecordAudit(ctx, tx, opt.Now, models.Actor{Email: "generate"}, models.AuditDemoLoaded, "", "", detail)
	})
	return sum, err
}

// checkEmpty refuses a database with establishments, partners or pupil files.
func checkEmpty(db *gorm.DB) error {
	for _, model := range []any{&models.Establishment{}, &models.PartnerOrganisation{}, &models.Pupil{}} {
		var n int64
		if err := db.Model(model).Count(&n).Error; err != nil {
			return fmt.Errorf("gendata: check that the database is empty: %w", err)
		}
		if n > 0 {
			return ErrNotEmpty
		}
	}
	return nil
}

// insertPupils generates the pupil files chunk by chunk in a goroutine, one chunk ahead, and
// inserts each chunk in a transaction.
func (p *planner) insertPupils(ctx context.Context, db *gorm.DB, ids refs, sum *Summary) error {
	genCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *chunk, 1)
	go func() {
		defer close(chunks)
		for start := 0; start < len(p.pupils); start += chunkSize {
			c := p.chunk(ids, p.pupils[start:min(start+chunkSize, len(p.pupils))])
			select {
			case chunks <- c:
			case <-genCtx.Done():
				return
			}
		}
	}()
	reported := 0
	for c := range chunks {
		if err := db.Transaction(func(tx *gorm.DB) error { return c.insert(tx) }); err != nil {
			return err
		}
		c.count(sum)
		if p.opt.Progress != nil && (sum.Pupils*10/len(p.pupils) > reported || sum.Pupils == len(p.pupils)) {
			reported = sum.Pupils * 10 / len(p.pupils)
			p.opt.Progress(*sum, len(p.pupils))
		}
	}
	return ctx.Err()
}

// batchParams is how many parameters a batch insert binds at most. PostgreSQL allows 65,535:
// the larger the batch, the fewer the round trips. SQLite allows 32,766, but the driver binds
// each parameter by looking for it among all of them, in a time that grows with the square of
// their number: a thousand is about the best trade between that and the cost of a statement.
var batchParams = map[string]int{models.DialectPostgres: 30_000, models.DialectSQLite: 1_000}

// create inserts rows in batches, without touching associations, and leaves their ids set.
func create[T any](tx *gorm.DB, what string, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	params := batchParams[tx.Dialector.Name()]
	if params == 0 {
		params = 1_000
	}
	// The struct's field count bounds its columns.
	batch := max(1, min(1000, params/reflect.TypeFor[T]().NumField()))
	if err := tx.Omit(clause.Associations).CreateInBatches(&rows, batch).Error; err != nil {
		return fmt.Errorf("insert %s: %w", what, err)
	}
	return nil
}

// analyze refreshes the planner's statistics of the tables just filled, so that the first
// queries on them plan as they will later.
func analyze(db *gorm.DB) error {
	for _, table := range []string{"establishments", "partner_organisations", "users", "user_establishments", "pupils",
		"guardians", "pupil_status_changes", "monthly_indicators", "follow_ups", "next_actions", "meetings",
		"meeting_participants", "referrals", "referral_transitions", "activities", "activity_partners", "conflicts", "conflict_parties",
		"case_reviews", "case_review_participants", "case_review_pupils"} {
		if err := db.Exec("ANALYZE " + table).Error; err != nil {
			return fmt.Errorf("gendata: analyze %s: %w", table, err)
		}
	}
	return nil
}

func openByRisk(db *gorm.DB) (map[risk.Level]int, error) {
	var rows []struct {
		RiskLevel risk.Level
		N         int
	}
	err := db.Model(&models.Pupil{}).Select("risk_level, COUNT(*) AS n").Where("status <> ?", models.StatusClosed).
		Group("risk_level").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("gendata: count risk levels: %w", err)
	}
	out := map[risk.Level]int{}
	for _, r := range rows {
		out[r.RiskLevel] = r.N
	}
	return out, nil
}
