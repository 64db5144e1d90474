package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mediation/app"
	"mediation/models"
	"mediation/models/dbtest"
)

// MEDIATION_SMTP_URL: what is accepted, and a clear French refusal for the rest, above all an
// unencrypted connection to another host.
func TestMailerURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url, refusal string
	}{
		{"", ""},
		{"smtp://user:secret@smtp.example.org:587", ""},
		{"smtps://user:secret@smtp.example.org", ""},
		{"smtp://127.0.0.1:25?tls=none", ""},
		{"smtp://[::1]:25?tls=none", ""},
		{"file:data/mail", ""},
		{"smtp://smtp.example.org:25?tls=none", "n'est permis que vers un relais sur la même machine"},
		{"smtp://localhost.evil.example:25?tls=none", "n'est permis que vers un relais sur la même machine"},
		{"smtp://127.0.0.1:25?tls=maybe", "tls=maybe inconnu"},
		{"http://smtp.example.org", "MEDIATION_SMTP_URL invalide"},
		{"smtp://smtp.example.org:99999", "port « 99999 » invalide"},
		{"file:", "indiquez un dossier"},
	} {
		m, err := app.NewMailer(c.url)
		switch {
		case c.refusal == "" && err != nil:
			t.Errorf("%q refused: %v", c.url, err)
		case c.refusal != "" && (err == nil || !strings.Contains(err.Error(), c.refusal)):
			t.Errorf("%q: %v, want a refusal saying %q", c.url, err, c.refusal)
		case c.url == "" && m != nil:
			t.Error("no URL gave a mailer")
		}
	}
}

// smtp:// requires STARTTLS: a server that does not offer it gets nothing, and the e-mail
// waits with the reason.
func TestSMTPRequiresTLSByDefault(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		server := startSMTP(t)
		s := newDemoSiteWith(t, u, func(c *app.Config) {
			c.Mail = app.MailConfig{URL: "smtp://" + server.addr, From: "mediation@example.org"}
		})
		m := models.MailMessage{ToAddress: "agent@example.org", Subject: "Essai", Body: "Bonjour", Kind: models.MailKindNotification,
			Status: models.MailWaiting, CreatedAt: s.Clock.Now(), UpdatedAt: s.Clock.Now()}
		must(t, s.App.DB.Create(&m).Error)
		jobs := startJobs(t, s.App)
		ctx := context.Background()
		_, err := s.App.DispatchMail(ctx, jobs)
		must(t, err)
		waitFor(t, "an attempt", func() bool {
			must(t, s.App.DB.Take(&m, m.ID).Error)
			return m.Attempts >= 1
		})
		stopJobs(t, jobs)
		if len(server.received()) != 0 || m.Status == models.MailSent || m.LastError == "" {
			t.Errorf("sent without TLS: %+v, %d received", m, len(server.received()))
		}
	})
}

// file:DIR writes each e-mail as an .eml file, as serve --demo shows a newcomer.
func TestMailToFolder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		dir := t.TempDir()
		s := newDemoSiteWith(t, u, func(c *app.Config) {
			c.Mail = app.MailConfig{URL: "file:" + dir, PublicURL: "http://127.0.0.1:8080"}
		})
		now := s.Clock.Now()
		m := models.MailMessage{ToAddress: "agent@example.org", Subject: "Une orientation a été adressée", Body: "Bonjour,\n\nÉlève : aucun nom.",
			Kind: models.MailKindNotification, Status: models.MailWaiting, CreatedAt: now, UpdatedAt: now}
		must(t, s.App.DB.Create(&m).Error)
		jobs := startJobs(t, s.App)
		_, err := s.App.DispatchMail(context.Background(), jobs)
		must(t, err)
		var files []string
		waitFor(t, "the .eml file", func() bool {
			files, _ = filepath.Glob(filepath.Join(dir, "*.eml"))
			return len(files) == 1
		})
		stopJobs(t, jobs)
		b, err := os.ReadFile(files[0])
		must(t, err)
		for _, want := range []string{"To: <agent@example.org>", "Content-Type: text/plain; charset=UTF-8", "Message-ID: <mail-", "Date: "} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the .eml lacks %q:\n%s", want, b)
			}
		}
	})
}
