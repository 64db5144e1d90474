package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/riverqueue/river"

	"mediation/app"
	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
)

// smtpServer is a real SMTP server in the test's process, over a socket: it refuses recipients
// while refuse is set (451, try later), and keeps what it accepted.
type smtpServer struct {
	mu       sync.Mutex
	refuse   bool
	refusals int
	messages []received
	addr     string
}

type received struct {
	from string
	to   []string
	data []byte
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{server: s}, nil
}

func (s *smtpServer) setRefuse(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = v
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

// subjected keeps the e-mails received with that subject (the digests of the day may go too:
// the digest job runs when an instance starts, within its hours).
func subjected(t *testing.T, got []received, subject string) []received {
	t.Helper()
	var out []received
	for _, r := range got {
		msg, err := netmail.ReadMessage(strings.NewReader(string(r.data)))
		must(t, err)
		s, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		must(t, err)
		if s == subject {
			out = append(out, r)
		}
	}
	return out
}

type smtpSession struct {
	server *smtpServer
	msg    received
}

func (x *smtpSession) Reset()        { x.msg = received{} }
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.msg.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.server.mu.Lock()
	defer x.server.mu.Unlock()
	if x.server.refuse {
		x.server.refusals++
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Boîte momentanément indisponible"}
	}
	x.msg.to = append(x.msg.to, to)
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.msg.data = b
	x.server.mu.Lock()
	defer x.server.mu.Unlock()
	x.server.messages = append(x.server.messages, x.msg)
	return nil
}

// waitFor polls cond until it holds; the bound only ends a hung test, it measures nothing.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("still waiting for %s", what)
}

func startJobs(t *testing.T, a *app.App) *river.Client[*sql.Tx] {
	t.Helper()
	c, err := a.NewJobs()
	must(t, err)
	must(t, c.Start(context.Background()))
	return c
}

func stopJobs(t *testing.T, c *river.Client[*sql.Tx]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	must(t, c.Stop(ctx))
}

// refusedMail is a referral sent to the CAF while the SMTP server refuses: one instance has
// tried to send its e-mails, been refused and stopped, the e-mails waiting.
type refusedMail struct {
	site     *site
	server   *smtpServer
	agent    models.User
	agents   int64
	referral models.Referral
	target   cafPupil
}

func refusedReferralMail(t *testing.T, u models.DatabaseURL) refusedMail {
	t.Helper()
	r := refusedMail{server: startSMTP(t)}
	r.server.setRefuse(true)
	r.site = newDemoSiteWith(t, u, func(c *app.Config) {
		c.Mail = app.MailConfig{URL: "smtp://" + r.server.addr + "?tls=none", From: "Médiation scolaire <mediation@example.org>",
			PublicURL: "https://mediation.example.org"}
		c.JobRetry = func(int) time.Duration { return 20 * time.Millisecond }
	})
	db := r.site.App.DB
	ctx := context.Background()
	now := r.site.Clock.Now()
	r.target = findCAFPupil(t, db)
	_, medScope, medActor := demoUser(t, db, "mediation@demo.test")
	r.agent, _, _ = demoUser(t, db, "caf@demo.test")
	var caf models.PartnerOrganisation
	must(t, db.Where("name = ?", "CAF du Nord").Take(&caf).Error)
	must(t, db.Model(&models.User{}).Where("partner_organisation_id = ? AND active", caf.ID).Count(&r.agents).Error)

	ref, err := models.CreateReferral(ctx, db, medScope, medActor, now, r.target.pupil.ID,
		models.ReferralInput{PartnerOrganisationID: caf.ID, Reason: models.ReasonHousing, Request: "Aide au logement."})
	must(t, err)
	ref, err = models.RecordConsent(ctx, db, medScope, medActor, now, ref.ID, ref.Version,
		models.ConsentInput{GivenBy: "Mme Martin, mère", GivenOn: calendar.Today(now), Method: models.ConsentWritten})
	must(t, err)
	r.referral, err = models.ActOnReferral(ctx, db, medScope, medActor, now, ref.ID, ref.Version, models.ActionSend, models.StepInput{})
	must(t, err)

	first := startJobs(t, r.site.App)
	waitFor(t, "a refused attempt", func() bool {
		var m models.MailMessage
		return db.Where("to_address = ? AND kind = ?", r.agent.Email, models.MailKindNotification).Take(&m).Error == nil && m.Attempts >= 1
	})
	stopJobs(t, first)
	return r
}

// A referral sent tells the CAF's agent by e-mail (partners: immediately, by default): the
// server refuses at first, the instance stops with the e-mail waiting, and after the restart
// two instances deliver it exactly once, with its headers, in UTF-8 plain text, with the link
// and without any name. The request never waited for the server.
func TestReferralMailSurvivesRefusalAndRestart(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		r := refusedReferralMail(t, u)
		s, db, server, agent, agents, ref, target := r.site, r.site.App.DB, r.server, r.agent, r.agents, r.referral, r.target
		var m models.MailMessage
		must(t, db.Where("to_address = ?", agent.Email).Take(&m).Error)
		if m.Status != models.MailWaiting || !strings.Contains(m.LastError, "451") {
			t.Errorf("after a refusal: status %s, last error %q", m.Status, m.LastError)
		}
		if len(server.received()) != 0 {
			t.Fatal("a refused e-mail was delivered")
		}

		// Restarted as two instances, the server accepting again: delivered once.
		server.setRefuse(false)
		b, c := startJobs(t, s.App), startJobs(t, s.App)
		waitFor(t, "the delivery", func() bool {
			var n int64
			must(t, db.Model(&models.MailMessage{}).Where("status = ?", models.MailWaiting).Count(&n).Error)
			return n == 0
		})
		stopJobs(t, b)
		stopJobs(t, c)
		wantText := "Une nouvelle orientation a été adressée à CAF du Nord par le Collège Jean Jaurès."
		got := subjected(t, server.received(), "[Médiation scolaire] "+wantText)
		if int64(len(got)) != agents {
			t.Fatalf("%d e-mails delivered, want one per CAF agent (%d)", len(got), agents)
		}
		var mine *received
		for i := range got {
			if len(got[i].to) == 1 && got[i].to[0] == agent.Email {
				mine = &got[i]
			}
		}
		if mine == nil {
			t.Fatalf("no e-mail to %s: %+v", agent.Email, got)
		}
		must(t, db.Where("to_address = ?", agent.Email).Take(&m).Error)
		if m.Status != models.MailSent || m.SentAt == nil || m.Attempts < 2 {
			t.Errorf("the e-mail's record: %+v", m)
		}
		msg, err := netmail.ReadMessage(strings.NewReader(string(mine.data)))
		must(t, err)
		h := msg.Header
		subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
		must(t, err)
		from, err := new(mime.WordDecoder).DecodeHeader(h.Get("From"))
		must(t, err)
		if !strings.Contains(from, "mediation@example.org") || !strings.Contains(from, "Médiation scolaire") ||
			!strings.Contains(h.Get("To"), agent.Email) || subject != "[Médiation scolaire] "+wantText ||
			h.Get("Date") == "" || !strings.HasPrefix(h.Get("Message-ID"), "<") || !strings.Contains(h.Get("Message-ID"), "@mediation.example.org>") {
			t.Errorf("headers: From %q, To %q, Subject %q, Date %q, Message-ID %q", from, h.Get("To"), subject, h.Get("Date"), h.Get("Message-ID"))
		}
		if ct := strings.ToLower(h.Get("Content-Type")); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "charset=utf-8") {
			t.Errorf("Content-Type %q, want text/plain in UTF-8", h.Get("Content-Type"))
		}
		raw, err := io.ReadAll(msg.Body)
		must(t, err)
		body := string(raw)
		if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
			b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
			must(t, err)
			body = string(b)
		}
		if !strings.Contains(body, wantText) || !strings.Contains(body, fmt.Sprintf("https://mediation.example.org/referrals/%d", ref.ID)) {
			t.Errorf("body: %q", body)
		}
		for _, name := range []string{target.pupil.LastName, target.pupil.FirstName, "Martin", "logement"} {
			if strings.Contains(string(mine.data), name) || strings.Contains(body, name) {
				t.Errorf("the e-mail holds %q", name)
			}
		}
	})
}

// The daily digest is written at 7:30 on a school day, once, with counts and links and no
// name; on a holiday, none.
func TestDigestOnSchoolDaysOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		server := startSMTP(t)
		s := newDemoSiteWith(t, u, func(c *app.Config) {
			c.Mail = app.MailConfig{URL: "smtp://" + server.addr + "?tls=none", From: "mediation@example.org", PublicURL: "https://m.example.org"}
		})
		db := s.App.DB
		ctx := context.Background()
		christmas := time.Date(2026, 12, 25, 7, 30, 0, 0, calendar.Paris)
		if n, err := s.App.QueueDigests(ctx, christmas); err != nil || n != 0 {
			t.Errorf("on Christmas day: %d digests (%v), want none", n, err)
		}
		saturday := time.Date(2026, 11, 28, 7, 30, 0, 0, calendar.Paris)
		if n, err := s.App.QueueDigests(ctx, saturday); err != nil || n != 0 {
			t.Errorf("on a Saturday: %d digests (%v), want none", n, err)
		}
		thursday := time.Date(2026, 11, 26, 7, 30, 0, 0, calendar.Paris)
		for _, out := range []time.Time{thursday.Add(-time.Minute), thursday.Add(4*time.Hour + 30*time.Minute)} {
			if n, err := s.App.QueueDigests(ctx, out); err != nil || n != 0 {
				t.Errorf("%s: %d digests (%v), want none before 7:30 or from noon", out.Format("15:04"), n, err)
			}
		}
		n, err := s.App.QueueDigests(ctx, thursday)
		must(t, err)
		if n == 0 {
			t.Fatal("no digest on a school day")
		}
		if again, err := s.App.QueueDigests(ctx, thursday.Add(time.Hour)); err != nil || again != 0 {
			t.Errorf("a second run the same day wrote %d digests (%v)", again, err)
		}
		med, _, _ := demoUser(t, db, "mediation@demo.test")
		var d models.MailMessage
		must(t, db.Where("user_id = ? AND kind = ?", med.ID, models.MailKindDigest).Take(&d).Error)
		if !strings.Contains(d.Subject, "26/11/2026") || !strings.Contains(d.Body, "https://m.example.org/") {
			t.Errorf("the mediator's digest: %q\n%s", d.Subject, d.Body)
		}
		var names []string
		must(t, db.Model(&models.Pupil{}).Where("anonymised_at IS NULL").Pluck("last_name", &names).Error)
		var bodies []string
		must(t, db.Model(&models.MailMessage{}).Pluck("body", &bodies).Error)
		all := strings.Join(bodies, "\n")
		for _, name := range names {
			if len(name) > 3 && strings.Contains(all, name) {
				t.Errorf("a digest names %q", name)
			}
		}
		// Partners have e-mails at once by default, not the digest.
		caf, _, _ := demoUser(t, db, "caf@demo.test")
		var cafDigests int64
		must(t, db.Model(&models.MailMessage{}).Where("user_id = ? AND kind = ?", caf.ID, models.MailKindDigest).Count(&cafDigests).Error)
		if cafDigests != 0 {
			t.Error("a partner got the digest by default")
		}
		// Delivered through the server by the jobs.
		jobs := startJobs(t, s.App)
		_, err = s.App.DispatchMail(ctx, jobs)
		must(t, err)
		waitFor(t, "the digests", func() bool { return len(server.received()) >= n })
		stopJobs(t, jobs)
	})
}

// An e-mail written for an account deactivated before it could leave (the server refused it
// at first) is not sent when the server accepts again: its record says why, and the other
// recipients get theirs.
func TestMailToADeactivatedAccountStays(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, u models.DatabaseURL) {
		r := refusedReferralMail(t, u)
		s, db, server, agent, agents := r.site, r.site.App.DB, r.server, r.agent, r.agents
		// The agent leaves while the e-mail waits.
		must(t, db.Model(&models.User{}).Where("id = ?", agent.ID).Update("active", false).Error)
		server.setRefuse(false)
		jobs := startJobs(t, s.App)
		waitFor(t, "every e-mail settled", func() bool {
			var n int64
			must(t, db.Model(&models.MailMessage{}).Where("status = ?", models.MailWaiting).Count(&n).Error)
			var all int64
			must(t, db.Model(&models.MailMessage{}).Where("kind = ?", models.MailKindNotification).Count(&all).Error)
			return all == agents && n == 0
		})
		stopJobs(t, jobs)
		var m models.MailMessage
		must(t, db.Where("to_address = ? AND kind = ?", agent.Email, models.MailKindNotification).Take(&m).Error)
		if m.Status != models.MailFailed || !strings.Contains(m.LastError, "compte désactivé") || m.SentAt != nil {
			t.Errorf("the deactivated agent's e-mail: %+v", m)
		}
		got := subjected(t, server.received(), "[Médiation scolaire] Une nouvelle orientation a été adressée à CAF du Nord par le Collège Jean Jaurès.")
		if int64(len(got)) != agents-1 {
			t.Fatalf("%d e-mails delivered, want %d (every CAF agent but the one who left)", len(got), agents-1)
		}
		for _, r := range got {
			for _, to := range r.to {
				if to == agent.Email {
					t.Errorf("an e-mail went to the deactivated account %s", to)
				}
			}
		}
	})
}
