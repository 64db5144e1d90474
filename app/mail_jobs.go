package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// E-mails go in three steps, each durable:
//  1. a notification for someone who chose "immediately" is marked mail_pending, in the
//     transaction of the change (models.notify); the 7:30 digest job writes each digest;
//  2. the dispatch job (every few seconds, on one instance) turns the pending notifications
//     into mail_messages rows and queues one delivery job per message, in one transaction;
//  3. the delivery job sends one message; a refusal, a slow or absent server is an error, and
//     River tries again later with a growing delay, up to deliveryAttempts; then the message is
//     failed with the server's answer, and an administrator may retry it (/admin/mail).
// The request that caused the event never waits for the server.

// deliveryAttempts is how many times an e-mail is tried before it is failed: with River's
// backoff (attempt⁴ seconds) the last one comes about three hours after the first.
const deliveryAttempts = 8

// DeliverMailArgs is the delivery of one stored e-mail.
type DeliverMailArgs struct {
	MessageID uint `json:"message_id"`
}

// Kind names the job in river_job.
func (DeliverMailArgs) Kind() string { return "deliver_mail" }

// DispatchMailArgs turns pending notifications and new messages into delivery jobs.
type DispatchMailArgs struct{}

// Kind names the job in river_job.
func (DispatchMailArgs) Kind() string { return "dispatch_mail" }

// DigestArgs writes the day's digests (7:30, Paris, school days only).
type DigestArgs struct{}

// Kind names the job in river_job.
func (DigestArgs) Kind() string { return "mail_digest" }

type deliverWorker struct {
	river.WorkerDefaults[DeliverMailArgs]
	app *App
}

// Work sends one e-mail and records how it went. A message already sent (a job run twice after
// a crash between the send and the record) is not sent again.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverMailArgs]) error {
	a := w.app
	var m models.MailMessage
	err := a.DB.WithContext(ctx).Take(&m, job.Args.MessageID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return river.JobCancel(fmt.Errorf("e-mail %d absent", job.Args.MessageID))
	}
	if err != nil {
		return err
	}
	if m.Status != models.MailWaiting {
		return nil
	}
	now := a.Config.Now()
	if a.Mailer == nil {
		return fmt.Errorf("aucun serveur d'envoi configuré (MEDIATION_SMTP_URL)")
	}
	// An account deactivated (or deleted) since the e-mail was written gets nothing more: it
	// no longer signs in to the page the e-mail links to.
	if m.UserID != nil {
		active, err := models.AccountActive(ctx, a.DB, *m.UserID)
		if err != nil {
			return err
		}
		if !active {
			gone := errors.New("compte désactivé : e-mail non envoyé")
			if err := models.RecordMailAttempt(ctx, a.DB, now, m.ID, gone, true); err != nil {
				return err
			}
			return river.JobCancel(gone)
		}
	}
	msg, err := a.composeMail(m, now)
	if err != nil {
		if rerr := models.RecordMailAttempt(ctx, a.DB, now, m.ID, err, true); rerr != nil {
			return rerr
		}
		return river.JobCancel(err)
	}
	sendErr := a.Mailer.Send(ctx, msg)
	last := job.Attempt >= job.MaxAttempts
	if err := models.RecordMailAttempt(context.WithoutCancel(ctx), a.DB, now, m.ID, sendErr, last); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// NextRetry is River's backoff unless the configuration replaces it (tests).
func (w *deliverWorker) NextRetry(job *river.Job[DeliverMailArgs]) time.Time {
	if w.app.Config.JobRetry != nil {
		return time.Now().Add(w.app.Config.JobRetry(job.Attempt))
	}
	return time.Time{}
}

// Timeout bounds one attempt: a server that hangs is an error like one that refuses.
func (w *deliverWorker) Timeout(*river.Job[DeliverMailArgs]) time.Duration { return time.Minute }

type dispatchWorker struct {
	river.WorkerDefaults[DispatchMailArgs]
	app *App
}

func (w *dispatchWorker) Work(ctx context.Context, _ *river.Job[DispatchMailArgs]) error {
	client, err := river.ClientFromContextSafely[*sql.Tx](ctx)
	if err != nil {
		return err
	}
	_, err = w.app.DispatchMail(ctx, client)
	return err
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	app *App
}

func (w *digestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	n, err := w.app.QueueDigests(ctx, w.app.Config.Now())
	if err == nil && n > 0 {
		w.app.Log.Info("mail digest", "queued", n)
	}
	return err
}

// dispatchBatch bounds what one dispatch takes; the next takes the rest.
const dispatchBatch = 500

// DispatchMail writes the e-mails of the notifications waiting to go at once and queues a
// delivery job for every message not yet queued, in one transaction: a message is queued once,
// whichever instance dispatches. It returns how many jobs it queued.
func (a *App) DispatchMail(ctx context.Context, client *river.Client[*sql.Tx]) (int, error) {
	if a.Mailer == nil {
		return 0, nil
	}
	now := a.Config.Now()
	var queued int
	err := a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pending, err := models.TakePendingMail(tx, now, dispatchBatch)
		if err != nil {
			return err
		}
		msgs := make([]models.MailMessage, 0, len(pending))
		for _, p := range pending {
			msgs = append(msgs, a.notificationMail(p, now))
		}
		if err := models.QueueMail(tx, msgs); err != nil {
			return err
		}
		ids, err := models.UnqueuedMail(tx, dispatchBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return fmt.Errorf("dispatch: not in a transaction")
		}
		jobs := make([]river.InsertManyParams, 0, len(ids))
		for _, id := range ids {
			jobs = append(jobs, river.InsertManyParams{Args: DeliverMailArgs{MessageID: id},
				InsertOpts: &river.InsertOpts{MaxAttempts: deliveryAttempts, Queue: river.QueueDefault}})
		}
		if _, err := client.InsertManyTx(ctx, sqlTx, jobs); err != nil {
			return fmt.Errorf("dispatch: queue deliveries: %w", err)
		}
		queued = len(ids)
		return nil
	})
	return queued, err
}

// notificationMail is the e-mail of one notification: its sentence (no name), the link to the
// page behind the login, and where to change the preference; in the recipient's language.
func (a *App) notificationMail(p models.PendingMail, now time.Time) models.MailMessage {
	loc := a.Views.Localizer(p.Locale)
	text := loc.NotificationText(p.Notification)
	var b strings.Builder
	b.WriteString(loc.T("mail.hello") + "\n\n" + text + "\n\n")
	if p.Link != "" {
		b.WriteString(loc.T("mail.open") + "\n" + a.publicLink(p.Link) + "\n\n")
	}
	b.WriteString(loc.T("mail.footer") + "\n" + a.publicLink("/account/notifications") + "\n")
	uid := p.UserID
	return models.MailMessage{UserID: &uid, ToAddress: p.Email, Locale: loc.Lang(), Subject: loc.T("mail.subject", "Text", text),
		Body: b.String(), Kind: models.MailKindNotification, Status: models.MailWaiting, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
}

// QueueDigests writes the day's digest of every account that has it and something to say, on
// school days only (none on a weekend, a public holiday or in the school holidays), from 7:30
// to noon, Paris time: the job runs at 7:30, and again when an instance starts, so that a
// restart at 7:30 loses no day's digest, but a start before 7:30 sends none early and one in
// the afternoon none late. Each account gets one a day however often it runs. It returns how
// many it wrote.
func (a *App) QueueDigests(ctx context.Context, now time.Time) (int, error) {
	if a.Mailer == nil || !models.SchoolDay(now) || !digestHours(now) {
		return 0, nil
	}
	digests, err := models.Digests(ctx, a.DB, now)
	if err != nil {
		return 0, err
	}
	today := calendar.Today(now)
	var msgs []models.MailMessage
	for _, d := range digests {
		if d.Empty() {
			continue
		}
		loc := a.Views.Localizer(d.User.Locale)
		var b strings.Builder
		b.WriteString(loc.T("mail.hello") + "\n\n" + loc.T("mail.digest.intro") + "\n\n")
		line := func(key string, n int, path string) {
			if n > 0 {
				b.WriteString("- " + loc.T(key, "Count", n) + "\n  " + a.publicLink(path) + "\n")
			}
		}
		line("mail.digest.unread", d.Unread, "/notifications")
		line("mail.digest.overdue", d.Overdue, "/")
		line("mail.digest.due", d.DueThisWeek, "/")
		line("mail.digest.meetings", d.MeetingsToday, "/meetings?mine=1")
		line("mail.digest.unanswered", d.Unanswered, "/referrals?status=sent&overdue=1")
		b.WriteString("\n" + loc.T("mail.footer") + "\n" + a.publicLink("/account/notifications") + "\n")
		uid := d.User.ID
		msgs = append(msgs, models.MailMessage{UserID: &uid, ToAddress: d.User.Email, Locale: loc.Lang(),
			Subject: loc.T("mail.digest.subject", "Date", today.Format("02/01/2006")), Body: b.String(), Kind: models.MailKindDigest,
			DigestOn: &today, Status: models.MailWaiting, CreatedAt: now.UTC(), UpdatedAt: now.UTC()})
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	err = a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return models.QueueMail(tx, msgs) })
	return len(msgs), err
}

// dailyAt is a River schedule: every day at a Paris wall-clock time.
type dailyAt struct{ hour, minute int }

// Next is the first hour:minute in Paris after t.
func (d dailyAt) Next(t time.Time) time.Time {
	p := t.In(calendar.Paris)
	n := time.Date(p.Year(), p.Month(), p.Day(), d.hour, d.minute, 0, 0, calendar.Paris)
	if !n.After(t) {
		n = time.Date(p.Year(), p.Month(), p.Day()+1, d.hour, d.minute, 0, 0, calendar.Paris)
	}
	return n
}

// digestHours: from 7:30 to noon, Paris time.
func digestHours(now time.Time) bool {
	p := now.In(calendar.Paris)
	minutes := p.Hour()*60 + p.Minute()
	return minutes >= 7*60+30 && minutes < 12*60
}

// mailJobs adds the e-mail workers and periodic jobs, when a mailer is configured.
func (a *App) mailJobs(workers *river.Workers) []*river.PeriodicJob {
	river.AddWorker(workers, &deliverWorker{app: a})
	river.AddWorker(workers, &dispatchWorker{app: a})
	river.AddWorker(workers, &digestWorker{app: a})
	if a.Mailer == nil {
		return nil
	}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(10*time.Second), func() (river.JobArgs, *river.InsertOpts) {
			return DispatchMailArgs{}, &river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Second}}
		}, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(dailyAt{7, 30}, func() (river.JobArgs, *river.InsertOpts) {
			// No uniqueness by period: the run at an instance's start (before 7:30, say) would
			// take the 7:30 run's place. A digest is written once a day per account whatever
			// the number of runs (QueueDigests).
			return DigestArgs{}, &river.InsertOpts{MaxAttempts: 5}
		}, &river.PeriodicJobOpts{RunOnStart: true}),
	}
}
