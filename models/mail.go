package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"mediation/models/calendar"
	"mediation/models/internal/schoolcal"
)

// MailPreference is how a user is told by e-mail.
type MailPreference string

// The e-mail preferences.
const (
	MailImmediate MailPreference = "immediate"
	MailDigest    MailPreference = "digest"
	MailNever     MailPreference = "never"
)

// MailPreferences lists the choices in the order the form offers them.
var MailPreferences = []MailPreference{MailImmediate, MailDigest, MailNever}

// Valid tells whether p is one of MailPreferences.
func (p MailPreference) Valid() bool { return oneOf(p, MailPreferences) }

// EffectiveMailPreference is the user's choice, else their role's default: partners, who open
// the product rarely, are told at once; the others get the daily digest.
func EffectiveMailPreference(u User) MailPreference {
	if u.MailPreference.Valid() {
		return u.MailPreference
	}
	if u.Role == RolePartner {
		return MailImmediate
	}
	return MailDigest
}

// SetMailPreference records the user's choice, audited; an unknown choice is refused with a
// message and changes nothing.
func SetMailPreference(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, userID uint, p MailPreference) error {
	if !p.Valid() {
		return ValidationError{"mail_preference": Msg("mail.preference_invalid")}
	}
	return withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"mail_preference": p, "updated_at": now.UTC()})
		if res.Error != nil {
			return auditEntry{}, fmt.Errorf("models: set mail preference of user %d: %w", userID, res.Error)
		}
		if res.RowsAffected == 0 {
			return auditEntry{}, ErrNotFound
		}
		if p != MailImmediate {
			// What was waiting to go at once goes in the digest, or not at all.
			if err := tx.Model(&Notification{}).Where("user_id = ? AND mail_pending", userID).Update("mail_pending", false).Error; err != nil {
				return auditEntry{}, err
			}
		}
		return auditEntry{AuditUserChanged, "user", fmt.Sprint(userID), "mail_preference=" + string(p)}, nil
	})
}

// MailStatus is where an e-mail stands.
type MailStatus string

// The e-mail states: waiting (to send, or to send again after a refusal), sent, failed (the
// attempts are exhausted; an administrator may try again).
const (
	MailWaiting MailStatus = "waiting"
	MailSent    MailStatus = "sent"
	MailFailed  MailStatus = "failed"
)

// MailStatuses lists the states in the order the administration page offers them.
var MailStatuses = []MailStatus{MailWaiting, MailSent, MailFailed}

// Valid tells whether s is one of MailStatuses.
func (s MailStatus) Valid() bool { return oneOf(s, MailStatuses) }

// Kinds of e-mail.
const (
	MailKindNotification = "notification"
	MailKindDigest       = "digest"
)

// MailMessage is one e-mail: its text holds no name (it is built from the notifications'
// sentences or the digest's counts), its state and the server's last answer.
type MailMessage struct {
	ID        uint
	UserID    *uint
	ToAddress string
	Locale    string
	Subject   string
	Body      string
	Kind      string
	DigestOn  *time.Time
	Status    MailStatus
	Queued    bool
	Attempts  int
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    *time.Time
}

// PendingMail is a notification to send at once, with its recipient's address and language.
type PendingMail struct {
	Notification
	Email  string
	Locale string
}

// TakePendingMail reads up to limit notifications waiting to go by e-mail and clears their mark,
// in tx: the caller writes their e-mails in the same transaction, so that each goes once.
// Those older than a week are cleared without being sent: an e-mail that late would mislead.
func TakePendingMail(tx *gorm.DB, now time.Time, limit int) ([]PendingMail, error) {
	var out []PendingMail
	err := claim(tx, "notifications").Table("notifications").Select("notifications.*, users.email, users.locale").
		Joins("JOIN users ON users.id = notifications.user_id").
		Where("notifications.mail_pending AND users.active AND notifications.created_at >= ?", now.Add(-7*24*time.Hour).UTC()).
		Order("notifications.id").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: pending e-mails: %w", err)
	}
	ids := make([]uint, 0, len(out))
	for _, p := range out {
		ids = append(ids, p.ID)
	}
	if len(ids) > 0 {
		if err := tx.Model(&Notification{}).Where("id IN ?", ids).Update("mail_pending", false).Error; err != nil {
			return nil, fmt.Errorf("models: clear pending e-mails: %w", err)
		}
	}
	if err := tx.Model(&Notification{}).Where("mail_pending AND created_at < ?", now.Add(-7*24*time.Hour).UTC()).
		Update("mail_pending", false).Error; err != nil {
		return nil, fmt.Errorf("models: clear old pending e-mails: %w", err)
	}
	return out, nil
}

// claim makes a read of rows to take (then mark as taken in the same transaction) skip and
// lock them on PostgreSQL, so that two dispatches at once never take the same row: the second
// skips what the first holds. SQLite runs one writing transaction at a time (_txlock=immediate),
// so there a second dispatch reads after the first committed its marks.
func claim(tx *gorm.DB, table string) *gorm.DB {
	if tx.Dialector.Name() != "postgres" {
		return tx
	}
	return tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Table: clause.Table{Name: table}, Options: clause.LockingOptionsSkipLocked})
}

// UnqueuedMail reads up to limit e-mails waiting for a delivery job, and marks them queued, in
// tx: the caller queues their jobs in the same transaction.
func UnqueuedMail(tx *gorm.DB, limit int) ([]uint, error) {
	var ids []uint
	if err := claim(tx, "mail_messages").Model(&MailMessage{}).Where("NOT queued AND status = ?", MailWaiting).Order("id").Limit(limit).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("models: e-mails to queue: %w", err)
	}
	if len(ids) > 0 {
		if err := tx.Model(&MailMessage{}).Where("id IN ?", ids).Update("queued", true).Error; err != nil {
			return nil, fmt.Errorf("models: queue e-mails: %w", err)
		}
	}
	return ids, nil
}

// AccountActive tells whether an account exists and is active.
func AccountActive(ctx context.Context, db *gorm.DB, userID uint) (bool, error) {
	var n int64
	if err := db.WithContext(ctx).Model(&User{}).Where("id = ? AND active", userID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("models: account %d: %w", userID, err)
	}
	return n == 1, nil
}

// RecordMailAttempt records how one delivery attempt went: sent, or the server's answer (and
// failed when no attempt is left).
func RecordMailAttempt(ctx context.Context, db *gorm.DB, now time.Time, id uint, sendErr error, last bool) error {
	changes := map[string]any{"attempts": gorm.Expr("attempts + 1"), "updated_at": now.UTC()}
	switch {
	case sendErr == nil:
		changes["status"], changes["sent_at"], changes["last_error"] = MailSent, now.UTC(), ""
	case last:
		changes["status"], changes["last_error"] = MailFailed, truncate(sendErr.Error(), 1000)
	default:
		changes["last_error"] = truncate(sendErr.Error(), 1000)
	}
	if err := db.WithContext(ctx).Model(&MailMessage{}).Where("id = ?", id).Updates(changes).Error; err != nil {
		return fmt.Errorf("models: record e-mail %d: %w", id, err)
	}
	return nil
}

// MailPerPage is the length of a page of /admin/mail.
const MailPerPage = 50

// MailList is a page of e-mails, newest first, and the count of each state.
type MailList struct {
	Items  []MailMessage
	Total  int64
	Counts map[MailStatus]int64
}

// ListMail loads a page of e-mails in a state ("" for all), newest first.
func ListMail(ctx context.Context, db *gorm.DB, status MailStatus, page int) (MailList, error) {
	l := MailList{Counts: map[MailStatus]int64{}}
	var counts []struct {
		Status MailStatus
		N      int64
	}
	if err := db.WithContext(ctx).Model(&MailMessage{}).Select("status, COUNT(*) AS n").Group("status").Scan(&counts).Error; err != nil {
		return l, fmt.Errorf("models: count e-mails: %w", err)
	}
	for _, c := range counts {
		l.Counts[c.Status] = c.N
		if status == "" || c.Status == status {
			l.Total += c.N
		}
	}
	q := db.WithContext(ctx).Order("created_at DESC, id DESC")
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if err := onPage(q, page, MailPerPage).Find(&l.Items).Error; err != nil {
		return l, fmt.Errorf("models: list e-mails: %w", err)
	}
	return l, nil
}

// RetryMail puts a failed e-mail back in the queue, audited; one not failed is refused with a
// message, an unknown one is ErrNotFound.
func RetryMail(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, id uint) error {
	return withAudit(ctx, db, actor, now, func(tx *gorm.DB) (auditEntry, error) {
		var m MailMessage
		if err := tx.Take(&m, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return auditEntry{}, ErrNotFound
		} else if err != nil {
			return auditEntry{}, err
		}
		if m.Status != MailFailed {
			return auditEntry{}, ValidationError{"mail": Msg("mail.retry_not_failed")}
		}
		res := tx.Model(&MailMessage{}).Where("id = ? AND status = ?", id, MailFailed).
			Updates(map[string]any{"status": MailWaiting, "queued": false, "attempts": 0, "updated_at": now.UTC()})
		if res.Error != nil {
			return auditEntry{}, res.Error
		}
		return auditEntry{AuditChanged, "mail", fmt.Sprint(id), "retry"}, nil
	})
}

// SchoolDay tells whether pupils are expected in school on the civil day of t in Paris
// (weekends, public holidays and the school holidays of the Lille academy are not).
func SchoolDay(t time.Time) bool {
	p := t.In(calendar.Paris)
	return schoolcal.SchoolDay(time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC))
}

// Digest is what a user's daily e-mail counts, with no name: unread notifications and, for
// a mediator, the actions overdue and due this week, the meetings of the day and the referrals
// left unanswered past the partner's response time.
type Digest struct {
	User                                                    User
	Unread, Overdue, DueThisWeek, MeetingsToday, Unanswered int
}

// Empty tells whether the digest has nothing to say: no e-mail then.
func (d Digest) Empty() bool {
	return d.Unread+d.Overdue+d.DueThisWeek+d.MeetingsToday+d.Unanswered == 0
}

// Digests counts, for every active account that chose the daily digest (or has it by default)
// and has not had today's, what its digest says. One grouped query per figure, whatever the
// number of accounts.
func Digests(ctx context.Context, db *gorm.DB, now time.Time) ([]Digest, error) {
	db = db.WithContext(ctx)
	today := calendar.Today(now)
	var users []User
	err := db.Where("active AND email <> ''").
		Where("id NOT IN (?)", db.Model(&MailMessage{}).Select("user_id").Where("digest_on = ? AND user_id IS NOT NULL", today)).
		Order("id").Find(&users).Error
	if err != nil {
		return nil, fmt.Errorf("models: digest accounts: %w", err)
	}
	byUser := make(map[uint]*Digest)
	var out []Digest
	for _, u := range users {
		if EffectiveMailPreference(u) == MailDigest {
			out = append(out, Digest{User: u})
		}
	}
	for i := range out {
		byUser[out[i].User.ID] = &out[i]
	}
	type count struct {
		UserID uint
		N      int
	}
	add := func(what string, q *gorm.DB, set func(*Digest, int)) error {
		var cs []count
		if err := q.Scan(&cs).Error; err != nil {
			return fmt.Errorf("models: digest %s: %w", what, err)
		}
		for _, c := range cs {
			if d := byUser[c.UserID]; d != nil {
				set(d, c.N)
			}
		}
		return nil
	}
	week := now.Add(-7 * 24 * time.Hour).UTC()
	if err := add("notifications", db.Model(&Notification{}).Select("user_id, COUNT(*) AS n").
		Where("read_at IS NULL AND created_at >= ?", week).Group("user_id"), func(d *Digest, n int) { d.Unread = n }); err != nil {
		return nil, err
	}
	open := db.Model(&NextAction{}).Select("next_actions.owner_user_id AS user_id, COUNT(*) AS n").
		Joins("JOIN pupils ON pupils.id = next_actions.pupil_id").
		Where("next_actions.done_at IS NULL AND next_actions.owner_user_id IS NOT NULL AND pupils.anonymised_at IS NULL")
	if err := add("overdue", open.Session(&gorm.Session{}).Where("next_actions.due_on < ?", today).Group("next_actions.owner_user_id"),
		func(d *Digest, n int) { d.Overdue = n }); err != nil {
		return nil, err
	}
	if err := add("due", open.Session(&gorm.Session{}).Where("next_actions.due_on >= ? AND next_actions.due_on < ?", today, today.AddDate(0, 0, 7)).
		Group("next_actions.owner_user_id"), func(d *Digest, n int) { d.DueThisWeek = n }); err != nil {
		return nil, err
	}
	p := now.In(calendar.Paris)
	dayStart := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, calendar.Paris).UTC()
	dayEnd := time.Date(p.Year(), p.Month(), p.Day()+1, 0, 0, 0, 0, calendar.Paris).UTC()
	meetings := db.Table("(?) AS people", db.Raw("SELECT m.organiser_id AS user_id, m.id FROM meetings m WHERE m.status = ? AND m.scheduled_at >= ? AND m.scheduled_at < ? "+
		"UNION SELECT mp.user_id, m.id FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id "+
		"WHERE mp.user_id IS NOT NULL AND m.status = ? AND m.scheduled_at >= ? AND m.scheduled_at < ?",
		MeetingPlanned, dayStart, dayEnd, MeetingPlanned, dayStart, dayEnd)).Select("user_id, COUNT(*) AS n").Group("user_id")
	if err := add("meetings", meetings, func(d *Digest, n int) { d.MeetingsToday = n }); err != nil {
		return nil, err
	}
	var sent []struct {
		SenderID     uint
		SentAt       time.Time
		ResponseDays int
	}
	err = db.Table("referrals").Select("referrals.sender_id, referrals.sent_at, po.response_days").
		Joins("JOIN partner_organisations po ON po.id = referrals.partner_organisation_id").
		Where("referrals.status = ? AND referrals.sent_at IS NOT NULL", ReferralSent).Scan(&sent).Error
	if err != nil {
		return nil, fmt.Errorf("models: digest referrals: %w", err)
	}
	for _, r := range sent {
		if d := byUser[r.SenderID]; d != nil && now.After(r.SentAt.AddDate(0, 0, r.ResponseDays)) {
			d.Unanswered++
		}
	}
	return out, nil
}

// QueueMail writes e-mails to send, in tx; a digest already written for its user and day is
// left out (the unique index decides between two instances).
func QueueMail(tx *gorm.DB, msgs []MailMessage) error {
	for i := range msgs {
		m := &msgs[i]
		if m.Status == "" {
			m.Status = MailWaiting
		}
		if m.DigestOn != nil {
			var n int64
			if err := tx.Model(&MailMessage{}).Where("user_id = ? AND digest_on = ?", m.UserID, m.DigestOn).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				continue
			}
		}
		if err := tx.Create(m).Error; err != nil {
			return fmt.Errorf("models: queue e-mail: %w", err)
		}
	}
	return nil
}
