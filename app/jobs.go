package app

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"mediation/models"
	"mediation/models/calendar"
)

// The background work runs as jobs of River (github.com/riverqueue/river), in the application's
// own database: the jobs are rows (river_job, created by migration m0026), so they survive a
// restart, and with several instances on one PostgreSQL each job is taken by exactly one of
// them; the periodic jobs are queued by the one instance elected leader. River talks to the
// database through GORM's own pool (database/sql: riverdatabasesql on PostgreSQL, riversqlite
// on SQLite), so that a job can be queued in the transaction of the change that causes it.

// PurgeArgs is the daily purge: closed files past their retention period are anonymised.
type PurgeArgs struct{}

// Kind names the job in river_job.
func (PurgeArgs) Kind() string { return "purge" }

// RiskArgs is the hourly recomputation of the stored risk levels, which age with the months.
type RiskArgs struct{}

// Kind names the job in river_job.
func (RiskArgs) Kind() string { return "recompute_risk" }

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	app *App
}

// Work anonymises the closed files past their retention period. PurgeOnce's lock stays: a purge
// started by hand (mediation purge) and the job never run together.
func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	now := w.app.Config.Now()
	res, ran, err := models.PurgeOnce(ctx, w.app.DB, now, models.Actor{Email: "purge"})
	if err != nil {
		return fmt.Errorf("purge: %s", models.RedactedError(err))
	}
	if ran {
		w.app.Log.Info("purge", "anonymised", res.Pupils, "conflicts", res.Conflicts, "review_remarks", res.ReviewRemarks,
			"cutoff", res.Cutoff.Format(time.DateOnly))
	}
	return nil
}

// Timeout: a purge of years of files (the first one, or after the retention period is
// shortened) takes minutes, past River's one-minute default.
func (w *purgeWorker) Timeout(*river.Job[PurgeArgs]) time.Duration { return time.Hour }

type riskWorker struct {
	river.WorkerDefaults[RiskArgs]
	app *App
}

// Timeout: about a second at metro scale; a loaded database may take far longer.
func (w *riskWorker) Timeout(*river.Job[RiskArgs]) time.Duration { return 30 * time.Minute }

// Work recomputes every stored risk level for the current month: a month's absences stop
// counting, the school year starts again on 1 September (about a second for 15,000 pupils).
func (w *riskWorker) Work(ctx context.Context, _ *river.Job[RiskArgs]) error {
	rules, err := models.LoadRiskRules(ctx, w.app.DB)
	if err != nil {
		return fmt.Errorf("risk rules: %s", models.RedactedError(err))
	}
	if err := models.RecomputeRisk(ctx, w.app.DB, rules, calendar.MonthOf(w.app.Config.Now())); err != nil {
		return fmt.Errorf("risk levels: %s", models.RedactedError(err))
	}
	return nil
}

// jobDriver is River's driver on the application's pool.
func (a *App) jobDriver() (riverdriver.Driver[*sql.Tx], error) {
	pool, err := a.DB.DB()
	if err != nil {
		return nil, err
	}
	if a.DBURL.Dialect == models.DialectPostgres {
		return riverdatabasesql.New(pool), nil
	}
	return riversqlite.New(pool), nil
}

// periodic is a job queued every interval, at most once per interval whichever instance is
// leader, and once at start (a restart does not wait a day for the purge).
func periodic(interval time.Duration, args river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) {
			return args, &river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByPeriod: interval}}
		},
		&river.PeriodicJobOpts{RunOnStart: true})
}

// NewJobs builds the job client: its workers, and the periodic purge (daily) and risk
// recomputation (hourly), and with a mailer the e-mail dispatch and the 7:30 digest. Start it with Start, stop it with Stop.
func (a *App) NewJobs() (*river.Client[*sql.Tx], error) {
	driver, err := a.jobDriver()
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &purgeWorker{app: a})
	river.AddWorker(workers, &riskWorker{app: a})
	jobs := append([]*river.PeriodicJob{periodic(24*time.Hour, PurgeArgs{}), periodic(time.Hour, RiskArgs{})}, a.mailJobs(workers)...)
	client, err := river.NewClient(driver, &river.Config{
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:      workers,
		PeriodicJobs: jobs,
		Logger:       a.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("moteur de tâches : %w", err)
	}
	return client, nil
}
