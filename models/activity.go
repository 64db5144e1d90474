package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// ActivityKind is a kind of collective action of the catalogue the coordination keeps: seeded
// with the usual ones (migration 0014), extended, renamed and deactivated on its settings page.
// Presence kinds (school gate, recess) count their duration as hours of presence.
type ActivityKind struct {
	ID uint
	// Code is a stable identifier, written once: the seeded kinds' codes, or one made from the
	// French label of a kind the coordination adds.
	Code      string
	LabelFr   string
	LabelEn   string
	Presence  bool
	Active    bool
	Position  int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Label is the kind's name in the language given ("fr" or "en"; French otherwise).
func (k ActivityKind) Label(lang string) string {
	if lang == "en" && k.LabelEn != "" {
		return k.LabelEn
	}
	return k.LabelFr
}

// Activity is a collective action (action collective) in one establishment: a prevention
// session in a class, a parents' workshop, a presence slot… Participants are counted, never
// named.
type Activity struct {
	ID              uint
	EstablishmentID uint
	KindID          uint
	// AuthorID is the mediator who recorded it (nil once the account is gone); only they delete it.
	AuthorID        *uint
	HeldOn          time.Time
	DurationMinutes int
	// Themes holds the codes of ActivityThemes, separated by commas ("bullying,screens").
	Themes  string
	Pupils  int
	Parents int
	Staff   int
	Note    string
	// Version protects an edit against overwriting a change made in between.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ThemeList is the action's themes, in the order of ActivityThemes.
func (a Activity) ThemeList() []ActivityTheme { return parseThemes(a.Themes) }

// Participants is the number of people who took part: pupils, parents and staff.
func (a Activity) Participants() int { return a.Pupils + a.Parents + a.Staff }

// ActivityPartner links an action to a partner organisation involved in it.
type ActivityPartner struct {
	ActivityID            uint `gorm:"primaryKey"`
	PartnerOrganisationID uint `gorm:"primaryKey"`
}

// ActivityTheme is a theme of a collective action, from a fixed list.
type ActivityTheme string

// The themes of collective actions.
const (
	ThemeBullying      ActivityTheme = "bullying"
	ThemeScreens       ActivityTheme = "screens"
	ThemeRespect       ActivityTheme = "respect"
	ThemeCitizenship   ActivityTheme = "citizenship"
	ThemeSchoolClimate ActivityTheme = "school_climate"
	ThemeParenting     ActivityTheme = "parenting"
	ThemeOrientation   ActivityTheme = "orientation"
	ThemeOther         ActivityTheme = "other"
)

// ActivityThemes lists the themes, in the order the interface shows them.
var ActivityThemes = []ActivityTheme{ThemeBullying, ThemeScreens, ThemeRespect, ThemeCitizenship, ThemeSchoolClimate,
	ThemeParenting, ThemeOrientation, ThemeOther}

// Valid tells whether t is one of ActivityThemes.
func (t ActivityTheme) Valid() bool { return oneOf(t, ActivityThemes) }

// parseThemes reads the stored codes, keeping the known ones in the order of ActivityThemes.
func parseThemes(s string) []ActivityTheme {
	var out []ActivityTheme
	codes := strings.Split(s, ",")
	for _, t := range ActivityThemes {
		if slices.Contains(codes, string(t)) {
			out = append(out, t)
		}
	}
	return out
}

// JoinThemes writes themes as stored: known codes, once each, in the order of ActivityThemes.
func JoinThemes(themes []ActivityTheme) string {
	var parts []string
	for _, t := range ActivityThemes {
		if slices.Contains(themes, t) {
			parts = append(parts, string(t))
		}
	}
	return strings.Join(parts, ",")
}

// Bounds of a collective action, as the database's CHECK constraints and column sizes hold them.
const (
	MaxActivityMinutes = 720
	// MaxActivityCount bounds each participant count: more is a typing error (a whole lycée's
	// information meeting stays below).
	MaxActivityCount   = 5000
	MaxActivityNote    = 1000
	MaxActivityPartner = 10
)

// ErrNotAuthor refuses to delete an action recorded by another mediator.
var ErrNotAuthor = errors.New("models: not the author of the record")

// ActivityInput is a collective action as the form gives it.
type ActivityInput struct {
	EstablishmentID uint
	KindID          uint
	HeldOn          time.Time
	DurationMinutes int
	Themes          []ActivityTheme
	PartnerIDs      []uint
	Pupils          int
	Parents         int
	Staff           int
	Note            string
}

// validate checks what needs no database: a date within the last year and not to come, a
// duration, known themes, counts that are not negative with at least one person, a short note.
func (in *ActivityInput) validate(now time.Time) ValidationError {
	v := ValidationError{}
	today := calendar.Today(now)
	in.Note = strings.TrimSpace(in.Note)
	if in.EstablishmentID == 0 {
		v.Add("establishment_id", "activities.establishment_required")
	}
	if in.KindID == 0 {
		v.Add("kind_id", "activities.kind_required")
	}
	switch {
	case in.HeldOn.IsZero():
		v.Add("held_on", "field.date_required")
	case in.HeldOn.After(today):
		v.Add("held_on", "activities.date_future")
	case in.HeldOn.Before(today.AddDate(-1, 0, 0)):
		v.Add("held_on", "activities.date_too_old")
	}
	if in.DurationMinutes < 1 || in.DurationMinutes > MaxActivityMinutes {
		v.Add("duration_minutes", "activities.duration_range")
	}
	for _, t := range in.Themes {
		if !t.Valid() {
			v.Add("themes", "activities.theme_unknown")
		}
	}
	for name, n := range map[string]int{"pupils": in.Pupils, "parents": in.Parents, "staff": in.Staff} {
		if n < 0 || n > MaxActivityCount {
			v.Add(name, "activities.count_range", "Max", MaxActivityCount)
		}
	}
	if in.Pupils <= 0 && in.Parents <= 0 && in.Staff <= 0 {
		v.Add("participants", "activities.participants_required")
	}
	if len([]rune(in.Note)) > MaxActivityNote {
		v.Put("note", TooLong(MaxActivityNote))
	}
	slices.Sort(in.PartnerIDs)
	in.PartnerIDs = slices.Compact(in.PartnerIDs)
	if len(in.PartnerIDs) > MaxActivityPartner {
		v.Add("partner_ids", "activities.partners_too_many", "Count", MaxActivityPartner)
	}
	return v
}

// check verifies, in tx, what the database knows: the establishment is the mediator's, the
// kind is active (or is the action's current kind, kept though deactivated since), and the
// partner organisations are active (or already involved in the action).
func (in ActivityInput) check(tx *gorm.DB, s Scope, current *Activity, currentPartners []uint, v ValidationError) error {
	if in.EstablishmentID != 0 && !s.CoversEstablishment(in.EstablishmentID) {
		v.Add("establishment_id", "activities.establishment_required")
	}
	if in.KindID != 0 {
		var n int64
		q := tx.Model(&ActivityKind{}).Where("id = ?", in.KindID)
		if current == nil || current.KindID != in.KindID {
			q = q.Where("active = ?", true)
		}
		if err := q.Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			v.Add("kind_id", "activities.kind_required")
		}
	}
	var fresh []uint
	for _, id := range in.PartnerIDs {
		if !slices.Contains(currentPartners, id) {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) > 0 {
		var n int64
		if err := tx.Model(&PartnerOrganisation{}).Where("id IN ? AND active = ?", fresh, true).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(fresh) {
			v.Add("partner_ids", "activities.partner_unknown")
		}
	}
	return nil
}

func (in ActivityInput) columns(now time.Time) map[string]any {
	return map[string]any{"establishment_id": in.EstablishmentID, "kind_id": in.KindID, "held_on": calendar.Date(in.HeldOn),
		"duration_minutes": in.DurationMinutes, "themes": JoinThemes(in.Themes), "pupils": in.Pupils, "parents": in.Parents,
		"staff": in.Staff, "note": in.Note, "updated_at": now.UTC()}
}

// savePartners replaces the partner organisations of an action.
func savePartners(tx *gorm.DB, activityID uint, ids []uint) error {
	if err := tx.Where("activity_id = ?", activityID).Delete(&ActivityPartner{}).Error; err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	rows := make([]ActivityPartner, 0, len(ids))
	for _, id := range ids {
		rows = append(rows, ActivityPartner{ActivityID: activityID, PartnerOrganisationID: id})
	}
	return tx.Create(&rows).Error
}

// activityPartnerIDs lists the partner organisations of an action.
func activityPartnerIDs(tx *gorm.DB, id uint) ([]uint, error) {
	var ids []uint
	err := tx.Model(&ActivityPartner{}).Where("activity_id = ?", id).Order("partner_organisation_id").
		Pluck("partner_organisation_id", &ids).Error
	return ids, err
}

// CreateActivity records a collective action of one of the mediator's establishments, with its
// partners and its audit event, in one transaction. Only mediators record actions; for anyone
// else the establishment is not theirs.
func CreateActivity(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, in ActivityInput) (Activity, error) {
	v := in.validate(now)
	var a Activity
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.Role != RoleMediator || actor.UserID == nil {
			return ErrNotFound
		}
		if err := in.check(tx, s, nil, nil, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		a = Activity{EstablishmentID: in.EstablishmentID, KindID: in.KindID, AuthorID: actor.UserID, HeldOn: calendar.Date(in.HeldOn),
			DurationMinutes: in.DurationMinutes, Themes: JoinThemes(in.Themes), Pupils: in.Pupils, Parents: in.Parents, Staff: in.Staff,
			Note: in.Note, Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		if err := savePartners(tx, a.ID, in.PartnerIDs); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "activity", fmt.Sprint(a.ID),
			fmt.Sprintf("establishment %d, kind %d, %d participants", a.EstablishmentID, a.KindID, a.Participants()))
	})
	return a, wrapEdit(err, "create activity")
}

// activityInScope loads an action of an establishment of the scope, or ErrNotFound.
func activityInScope(tx *gorm.DB, s Scope, id uint) (Activity, error) {
	var a Activity
	if !s.SeesPupilFiles() {
		return a, ErrNotFound
	}
	err := tx.Where("id = ? AND establishment_id IN ?", id, s.EstablishmentIDs).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("load activity %d: %w", id, err)
	}
	return a, nil
}

// msgActivityChanged refuses a change based on an action shown before someone else changed it.
const msgActivityChanged = "activities.changed_meanwhile"

// UpdateActivity changes an action of the mediator's establishments if version is still the
// current one (otherwise a *StaleError); its partners are replaced by those given.
func UpdateActivity(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in ActivityInput) (Activity, error) {
	v := in.validate(now)
	var updated Activity
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.Role != RoleMediator {
			return ErrNotFound
		}
		current, err := activityInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleError(ctx, tx, "activity", id, current.Version, current, msgActivityChanged)
		}
		partners, err := activityPartnerIDs(tx, id)
		if err != nil {
			return err
		}
		if err := in.check(tx, s, &current, partners, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		changes := in.columns(now)
		changes["version"] = version + 1
		res := tx.Model(&Activity{}).Where("id = ? AND version = ?", id, version).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := activityInScope(tx, s, id)
			if err != nil {
				return err
			}
			return staleError(ctx, tx, "activity", id, latest.Version, latest, msgActivityChanged)
		}
		if err := savePartners(tx, id, in.PartnerIDs); err != nil {
			return err
		}
		if updated, err = activityInScope(tx, s, id); err != nil {
			return err
		}
		changed := namesOfChanges([]fieldChange{{"establishment", current.EstablishmentID != updated.EstablishmentID},
			{"kind", current.KindID != updated.KindID}, {"date", !current.HeldOn.Equal(updated.HeldOn)},
			{"duration", current.DurationMinutes != updated.DurationMinutes}, {"themes", current.Themes != updated.Themes},
			{"partners", !slices.Equal(partners, in.PartnerIDs)},
			{"participants", current.Pupils != updated.Pupils || current.Parents != updated.Parents || current.Staff != updated.Staff},
			{"note", current.Note != updated.Note}})
		if changed == "" {
			changed = "nothing"
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "activity", fmt.Sprint(id), "edited: "+changed)
	})
	return updated, wrapEdit(err, "update activity")
}

// DeleteActivity deletes an action: only the mediator who recorded it may (ErrNotAuthor for
// another), and only the version shown (*StaleError otherwise). The audit log keeps the event.
func DeleteActivity(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.Role != RoleMediator {
			return ErrNotFound
		}
		current, err := activityInScope(tx, s, id)
		if err != nil {
			return err
		}
		if actor.UserID == nil || current.AuthorID == nil || *current.AuthorID != *actor.UserID {
			return ErrNotAuthor
		}
		if current.Version != version {
			return staleError(ctx, tx, "activity", id, current.Version, current, msgActivityChanged)
		}
		res := tx.Where("id = ? AND version = ?", id, version).Delete(&Activity{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return RecordAudit(ctx, tx, now, actor, AuditDeleted, "activity", fmt.Sprint(id),
			fmt.Sprintf("establishment %d, held on %s", current.EstablishmentID, current.HeldOn.Format(time.DateOnly)))
	})
	if errors.Is(err, ErrNotAuthor) {
		return ErrNotAuthor
	}
	return wrapEdit(err, "delete activity")
}
