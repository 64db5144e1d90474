package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// NotificationKind is what happened, for the person told. Each kind has its text in the catalog
// ("notify.<kind>"), which the params fill in.
type NotificationKind string

// The notification kinds.
const (
	// NotifyReferralSent tells the agents of a partner organisation that a referral reached it.
	NotifyReferralSent NotificationKind = "referral_sent"
	// NotifyReferralAcknowledged … NotifyReferralFeedback tell a referral's sender that the
	// partner answered.
	NotifyReferralAcknowledged NotificationKind = "referral_acknowledged"
	NotifyReferralAccepted     NotificationKind = "referral_accepted"
	NotifyReferralDeclined     NotificationKind = "referral_declined"
	NotifyReferralClosed       NotificationKind = "referral_closed"
	NotifyReferralFeedback     NotificationKind = "referral_feedback"
	// NotifyActionAssigned tells a mediator that someone else gave them a next action (a
	// follow-up or a meeting's recap); NotifyReviewDecision, that a prevention group's decision
	// made them its owner.
	NotifyActionAssigned NotificationKind = "action_assigned"
	NotifyReviewDecision NotificationKind = "review_decision"
	// NotifyMeetingCreated … NotifyMeetingCancelled tell the participants with an account (and
	// the organiser) that a meeting was planned with them, moved or called off.
	NotifyMeetingCreated   NotificationKind = "meeting_created"
	NotifyMeetingMoved     NotificationKind = "meeting_moved"
	NotifyMeetingPostponed NotificationKind = "meeting_postponed"
	NotifyMeetingCancelled NotificationKind = "meeting_cancelled"
	// NotifyPasswordReset … NotifyEstablishmentsChanged tell the owner of an account that an
	// administrator changed it: a stolen account shows.
	NotifyPasswordReset         NotificationKind = "password_reset"
	NotifySecondFactorReset     NotificationKind = "second_factor_reset"
	NotifyRoleChanged           NotificationKind = "role_changed"
	NotifyEstablishmentsChanged NotificationKind = "establishments_changed"
)

// NotificationKinds lists every kind, each with its text in the catalog.
var NotificationKinds = []NotificationKind{NotifyReferralSent, NotifyReferralAcknowledged, NotifyReferralAccepted,
	NotifyReferralDeclined, NotifyReferralClosed, NotifyReferralFeedback, NotifyActionAssigned, NotifyReviewDecision,
	NotifyMeetingCreated, NotifyMeetingMoved, NotifyMeetingPostponed, NotifyMeetingCancelled, NotifyPasswordReset,
	NotifySecondFactorReset, NotifyRoleChanged, NotifyEstablishmentsChanged}

// Notification is one event told to one user. Params hold the few words its text needs, as a
// JSON object of strings: an organisation's or an establishment's name, a date. Never a pupil's
// or a guardian's name, never a note: the text says what happened and the link leads to the
// page, behind the login.
type Notification struct {
	ID        uint
	UserID    uint
	Kind      NotificationKind
	Link      string
	Params    string
	CreatedAt time.Time
	ReadAt    *time.Time
	// MailPending: to send at once by e-mail (the recipient chose "immediately").
	MailPending bool
}

// Values decodes the params: name, value, name, value… as the catalog takes them.
func (n Notification) Values() []any {
	var m map[string]string
	if err := json.Unmarshal([]byte(n.Params), &m); err != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k, m[k])
	}
	return out
}

// notice is an event to tell: its kind, link and params, for a list of recipients.
type notice struct {
	kind   NotificationKind
	link   string
	params map[string]string
}

// notify writes one notification per recipient, in tx (the transaction of the change that
// causes it, so that both commit or neither). The actor is never told of their own change, and
// a recipient named twice is told once; inactive accounts are left out.
func notify(tx *gorm.DB, now time.Time, actor Actor, n notice, recipients ...uint) error {
	seen := make(map[uint]bool, len(recipients))
	var ids []uint
	for _, id := range recipients {
		if id == 0 || seen[id] || actor.UserID != nil && *actor.UserID == id {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	var active []User
	if err := tx.Select("id", "role", "mail_preference").Where("id IN ? AND active = ?", ids, true).Order("id").Find(&active).Error; err != nil {
		return fmt.Errorf("models: recipients of %s: %w", n.kind, err)
	}
	if len(active) == 0 {
		return nil
	}
	params, err := json.Marshal(n.params)
	if err != nil {
		return err
	}
	rows := make([]Notification, 0, len(active))
	for _, u := range active {
		rows = append(rows, Notification{UserID: u.ID, Kind: n.kind, Link: n.link, Params: string(params), CreatedAt: now.UTC(),
			MailPending: EffectiveMailPreference(u) == MailImmediate})
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("models: notify %s: %w", n.kind, err)
	}
	return nil
}

// referralNotices tells who learns of a referral's step: the partner's agents when it is sent,
// its sender when the partner answers.
var referralNotices = map[ReferralAction]NotificationKind{
	ActionSend:        NotifyReferralSent,
	ActionAcknowledge: NotifyReferralAcknowledged,
	ActionAccept:      NotifyReferralAccepted,
	ActionDecline:     NotifyReferralDeclined,
	ActionClose:       NotifyReferralClosed,
	ActionFeedback:    NotifyReferralFeedback,
}

// notifyReferralStep tells of a referral's step those it concerns (referralNotices), naming
// the partner organisation and the pupil's establishment.
func notifyReferralStep(tx *gorm.DB, now time.Time, actor Actor, r Referral, action ReferralAction) error {
	kind, ok := referralNotices[action]
	if !ok {
		return nil
	}
	var names struct{ Partner, Establishment string }
	err := tx.Table("referrals").Select("po.name AS partner, e.name AS establishment").
		Joins("JOIN partner_organisations po ON po.id = referrals.partner_organisation_id").
		Joins("JOIN pupils ON pupils.id = referrals.pupil_id").
		Joins("JOIN establishments e ON e.id = pupils.establishment_id").
		Where("referrals.id = ?", r.ID).Take(&names).Error
	if err != nil {
		return fmt.Errorf("models: names of referral %d: %w", r.ID, err)
	}
	var to []uint
	if action == ActionSend {
		if err := tx.Model(&User{}).Where("role = ? AND partner_organisation_id = ?", RolePartner, r.PartnerOrganisationID).
			Pluck("id", &to).Error; err != nil {
			return fmt.Errorf("models: agents of partner %d: %w", r.PartnerOrganisationID, err)
		}
	} else {
		to = []uint{r.SenderID}
	}
	return notify(tx, now, actor, notice{kind, fmt.Sprintf("/referrals/%d", r.ID),
		map[string]string{"Partner": names.Partner, "Establishment": names.Establishment}}, to...)
}

// establishmentName is the name of a pupil's establishment, the only place a notification about
// a pupil's file names.
func establishmentName(tx *gorm.DB, pupilID uint) (string, error) {
	var name string
	err := tx.Table("pupils").Select("e.name").Joins("JOIN establishments e ON e.id = pupils.establishment_id").
		Where("pupils.id = ?", pupilID).Take(&name).Error
	if err != nil {
		return "", fmt.Errorf("models: establishment of pupil %d: %w", pupilID, err)
	}
	return name, nil
}

// notifyActionOwner tells the owner of a next action, when it is an account and not the actor,
// that it was given to them: by a follow-up or a recap (NotifyActionAssigned), by a prevention
// group's decision (NotifyReviewDecision). The link leads to the file's actions, or the session.
func notifyActionOwner(tx *gorm.DB, now time.Time, actor Actor, a NextAction) error {
	if a.OwnerUserID == nil || actor.UserID != nil && *a.OwnerUserID == *actor.UserID {
		return nil
	}
	name, err := establishmentName(tx, a.PupilID)
	if err != nil {
		return err
	}
	n := notice{NotifyActionAssigned, fmt.Sprintf("/pupils/%d", a.PupilID),
		map[string]string{"Establishment": name, "Due": a.DueOn.Format(time.DateOnly)}}
	if a.CaseReviewID != nil {
		n.kind, n.link = NotifyReviewDecision, fmt.Sprintf("/case-reviews/%d", *a.CaseReviewID)
	}
	return notify(tx, now, actor, n, *a.OwnerUserID)
}

// notifyMeeting tells a meeting's organiser and its participants with an account of kind,
// with the day and time in Paris.
func notifyMeeting(tx *gorm.DB, now time.Time, actor Actor, kind NotificationKind, m Meeting, pupilID uint, recipients []uint) error {
	name, err := establishmentName(tx, pupilID)
	if err != nil {
		return err
	}
	at := m.ScheduledAt.In(calendar.Paris)
	return notify(tx, now, actor, notice{kind, fmt.Sprintf("/meetings/%d", m.ID),
		map[string]string{"Establishment": name, "Day": at.Format(time.DateOnly), "Time": at.Format("15:04")}}, recipients...)
}

// meetingPeople lists the organiser and the participants with an account.
func meetingPeople(m Meeting) []uint {
	ids := []uint{m.OrganiserID}
	for _, p := range m.Participants {
		if p.UserID != nil {
			ids = append(ids, *p.UserID)
		}
	}
	return ids
}

// notifyAccount tells the owner of an account that someone else changed it.
func notifyAccount(tx *gorm.DB, now time.Time, actor Actor, kind NotificationKind, userID uint) error {
	link := "/account/password"
	if kind == NotifySecondFactorReset {
		link = "/account/security"
	}
	return notify(tx, now, actor, notice{kind, link, map[string]string{}}, userID)
}

// NotificationsPerPage is the length of a page of /notifications.
const NotificationsPerPage = 30

// NotificationPage is a page of a user's notifications, newest first, and how many there are.
type NotificationPage struct {
	Items  []Notification
	Total  int64
	Unread int64
}

// ListNotifications loads a page of the user's notifications, newest first.
func ListNotifications(ctx context.Context, db *gorm.DB, userID uint, page int) (NotificationPage, error) {
	var p NotificationPage
	q := db.WithContext(ctx).Model(&Notification{}).Where("user_id = ?", userID)
	if err := q.Count(&p.Total).Error; err != nil {
		return p, fmt.Errorf("models: count notifications of user %d: %w", userID, err)
	}
	if err := db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&p.Unread).Error; err != nil {
		return p, fmt.Errorf("models: count unread notifications of user %d: %w", userID, err)
	}
	err := onPage(db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC"), page, NotificationsPerPage).
		Find(&p.Items).Error
	if err != nil {
		return p, fmt.Errorf("models: list notifications of user %d: %w", userID, err)
	}
	return p, nil
}

// MarkNotificationRead marks one of the user's notifications read and returns it (its link);
// another user's is ErrNotFound. Marking it again changes nothing.
func MarkNotificationRead(ctx context.Context, db *gorm.DB, userID, id uint, now time.Time) (Notification, error) {
	var n Notification
	err := db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return n, ErrNotFound
	}
	if err != nil {
		return n, fmt.Errorf("models: load notification %d: %w", id, err)
	}
	if n.ReadAt != nil {
		return n, nil
	}
	at := now.UTC()
	if err := db.WithContext(ctx).Model(&Notification{}).Where("id = ? AND read_at IS NULL", id).Update("read_at", at).Error; err != nil {
		return n, fmt.Errorf("models: mark notification %d read: %w", id, err)
	}
	n.ReadAt = &at
	return n, nil
}

// MarkAllNotificationsRead marks every unread notification of the user read and tells how many.
func MarkAllNotificationsRead(ctx context.Context, db *gorm.DB, userID uint, now time.Time) (int64, error) {
	res := db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Update("read_at", now.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("models: mark notifications of user %d read: %w", userID, res.Error)
	}
	return res.RowsAffected, nil
}

// NotificationRetention is how long a notification is kept: past it, the event is old news
// and the page it links to tells the rest.
const NotificationRetention = 180 * 24 * time.Hour

// DeleteOldNotifications forgets the notifications older than NotificationRetention.
func DeleteOldNotifications(ctx context.Context, db *gorm.DB, now time.Time) error {
	err := db.WithContext(ctx).Where("created_at < ?", now.Add(-NotificationRetention).UTC()).Delete(&Notification{}).Error
	if err != nil {
		return fmt.Errorf("models: delete old notifications: %w", err)
	}
	return nil
}

// notifyMeetingEdit tells of an edited meeting: those newly taking part learn that it was
// planned with them; the others, when its day or time changed, that it moved.
func notifyMeetingEdit(tx *gorm.DB, now time.Time, actor Actor, before, after Meeting) error {
	had := make(map[uint]bool)
	for _, id := range meetingPeople(before) {
		had[id] = true
	}
	var added, kept []uint
	for _, id := range meetingPeople(after) {
		if had[id] {
			kept = append(kept, id)
		} else {
			added = append(added, id)
		}
	}
	if err := notifyMeeting(tx, now, actor, NotifyMeetingCreated, after, after.PupilID, added); err != nil {
		return err
	}
	if before.ScheduledAt.Equal(after.ScheduledAt) {
		return nil
	}
	return notifyMeeting(tx, now, actor, NotifyMeetingMoved, after, after.PupilID, kept)
}

// assignments is what an account's owner is told of when it changes: its role and
// establishments.
type assignments struct {
	role           Role
	establishments []uint
}

// accountAssignments reads an account's role and establishments (none for a new account).
func accountAssignments(tx *gorm.DB, id uint) (assignments, error) {
	var a assignments
	if id == 0 {
		return a, nil
	}
	var roles []Role
	if err := tx.Model(&User{}).Where("id = ?", id).Pluck("role", &roles).Error; err != nil {
		return a, fmt.Errorf("models: role of user %d: %w", id, err)
	}
	if len(roles) == 1 {
		a.role = roles[0]
	}
	if err := tx.Model(&UserEstablishment{}).Where("user_id = ?", id).Order("establishment_id").
		Pluck("establishment_id", &a.establishments).Error; err != nil {
		return a, fmt.Errorf("models: establishments of user %d: %w", id, err)
	}
	return a, nil
}

// notifyAccountChange tells the owner of an account whose role or establishments someone else
// changed.
func notifyAccountChange(tx *gorm.DB, now time.Time, actor Actor, before assignments, after User) error {
	if before.role != after.Role {
		return notifyAccount(tx, now, actor, NotifyRoleChanged, after.ID)
	}
	ids := make([]uint, 0, len(after.Establishments))
	for _, e := range after.Establishments {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if !slices.Equal(before.establishments, ids) {
		return notifyAccount(tx, now, actor, NotifyEstablishmentsChanged, after.ID)
	}
	return nil
}
