package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
)

// discardMailer accepts every e-mail and sends nothing: the benchmark measures the digest's
// building and queueing, not a server.
type discardMailer struct{}

func (discardMailer) Send(context.Context, *gomail.Msg) error { return nil }

// BenchmarkDigestMetro builds and queues the 7:30 digest of every account on generated data
// (the issue asks for under 30 s at metro scale on PostgreSQL):
//
//	mediation generate --scale metro --database postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable
//	MEDIATION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation_metro?sslmode=disable \
//	  go test ./app/ -run '^$' -bench DigestMetro -benchtime 3x
//
// Each run first forgets the previous run's digests (outside the timer), then writes them all
// for Thursday 26 November 2026, a school day. It reports the digests written (digests/op).
func BenchmarkDigestMetro(b *testing.B) {
	raw := os.Getenv("MEDIATION_BENCH_DATABASE_URL")
	if raw == "" {
		b.Skip("MEDIATION_BENCH_DATABASE_URL is not set: fill a database with mediation generate --scale metro first")
	}
	a, err := app.New(context.Background(), app.Config{DatabaseURL: raw, Mailer: discardMailer{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	ctx := context.Background()
	day := time.Date(2026, 11, 26, 7, 30, 0, 0, calendar.Paris)
	var n int
	for b.Loop() {
		b.StopTimer()
		if err := a.DB.Where("kind = ?", models.MailKindDigest).Delete(&models.MailMessage{}).Error; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if n, err = a.QueueDigests(ctx, day); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "digests/op")
	if err := a.DB.Where("kind = ?", models.MailKindDigest).Delete(&models.MailMessage{}).Error; err != nil {
		b.Fatal(err)
	}
}
