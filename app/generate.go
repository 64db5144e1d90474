package app

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
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
func Generate(ctx context.Context, cfg Config, opt gendata.Options, out io.Writer) error {
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
	fmt.Fprintf(out, "Génération des données de test « %s » (graine %d) dans %s…\n", opt.Scale, opt.Seed, u)
	if opt.Study != nil {
		fmt.Fprintf(out, "Absences préparées pour la mesure des effets, effet planté du suivi actif : %s\n", plantedEffect(opt.Study.Effect))
	}
	opt.Now, opt.Progress = cfg.Now(), printProgress(out)
	sum, err := gendata.Generate(ctx, db, opt)
	if err != nil {
		return fmt.Errorf("génération des données de test impossible : %w", InFrench(err))
	}
	PrintGenerated(out, sum)
	return nil
}

// plantedEffect writes a relative reduction in French: « −30 % des absences injustifiées »,
// « aucun ».
func plantedEffect(effect float64) string {
	if effect == 0 {
		return "aucun"
	}
	percent := strconv.FormatFloat(math.Round(effect*1000)/10, 'f', -1, 64)
	return "−" + strings.Replace(percent, ".", ",", 1) + "\u00a0% des absences injustifiées"
}
