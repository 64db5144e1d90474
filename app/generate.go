package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"mediation/migrations"
	"mediation/models"
	"mediation/models/gendata"
)

// generateStatementTimeout bounds each statement of a generation: bulk inserts and the
// recomputation of every risk level take longer than a request may.
const generateStatementTimeout = 10 * time.Minute

// Generate migrates the database, fills it with the synthetic metropolis of the scale (see
// package gendata) as of the configured clock, and prints what it made and the accounts. A
// database that already holds establishments, partners or pupil files is refused untouched.
func Generate(ctx context.Context, cfg Config, scale gendata.Scale, seed uint64, out io.Writer) error {
	cfg.setDefaults()
	u, err := models.ParseDatabaseURL(cfg.DatabaseURL)
	if err != nil {
		return InFrench(err)
	}
	// No logger: every batch of a bulk load would be reported as a slow query.
	db, err := models.Open(ctx, u, models.OpenOptions{MaxOpenConns: cfg.MaxDBConns, StatementTimeout: generateStatementTimeout, Now: cfg.Now})
	if err != nil {
		return InFrench(err)
	}
	defer models.Close(db)
	// The generator fills an empty database, typically just created: it migrates it first,
	// on PostgreSQL too.
	if _, err := migrations.Migrate(ctx, db); err != nil {
		return fmt.Errorf("migration de %s impossible : %w", u, err)
	}
	fmt.Fprintf(out, "Génération des données de test « %s » (graine %d) dans %s…\n", scale, seed, u)
	sum, err := gendata.Generate(ctx, db, gendata.Options{Scale: scale, Seed: seed, Now: cfg.Now(), Progress: printProgress(out)})
	if err != nil {
		return fmt.Errorf("génération des données de test impossible : %w", InFrench(err))
	}
	PrintGenerated(out, sum)
	return nil
}
