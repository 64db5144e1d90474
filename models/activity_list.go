package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// ActivityRow is an action as the list shows it, with its kind, establishment and author joined.
type ActivityRow struct {
	Activity
	KindLabelFr       string
	KindLabelEn       string
	KindPresence      bool
	EstablishmentName string
	AuthorName        string
}

// KindLabel is the kind's name in the language given.
func (r ActivityRow) KindLabel(lang string) string {
	return ActivityKind{LabelFr: r.KindLabelFr, LabelEn: r.KindLabelEn}.Label(lang)
}

// activityRows selects the actions of the scope's establishments with what a line shows joined.
func activityRows(db *gorm.DB, s Scope) *gorm.DB {
	return scopeActivities(joinActivityLines(db.Table("activities")), s)
}

// joinActivityLines joins to actions (a query on activities, or a page of them named
// activities) what a line shows: the kind, the establishment, the author.
func joinActivityLines(q *gorm.DB) *gorm.DB {
	return q.Select("activities.*, activity_kinds.label_fr AS kind_label_fr, activity_kinds.label_en AS kind_label_en, " +
		"activity_kinds.presence AS kind_presence, establishments.name AS establishment_name, " +
		"COALESCE(users.display_name, '') AS author_name").
		Joins("JOIN activity_kinds ON activity_kinds.id = activities.kind_id").
		Joins("JOIN establishments ON establishments.id = activities.establishment_id").
		Joins("LEFT JOIN users ON users.id = activities.author_id")
}

// scopeActivities keeps the actions of the establishments of the scope; nothing outside the
// roles that work in establishments.
func scopeActivities(q *gorm.DB, s Scope) *gorm.DB {
	if !s.SeesPupilFiles() {
		return q.Where("1 = 0")
	}
	return q.Where("activities.establishment_id IN ?", s.EstablishmentIDs)
}

// ActivityFilter narrows the list of collective actions.
type ActivityFilter struct {
	// EstablishmentID keeps one establishment of the scope (0: all of them).
	EstablishmentID uint
	// KindID keeps one kind (0: all).
	KindID uint
	// Year keeps one school year (nil: every year).
	Year *calendar.SchoolYear
	Page int
}

func (f ActivityFilter) apply(q *gorm.DB) *gorm.DB {
	if f.EstablishmentID != 0 {
		q = q.Where("activities.establishment_id = ?", f.EstablishmentID)
	}
	if f.KindID != 0 {
		q = q.Where("activities.kind_id = ?", f.KindID)
	}
	if f.Year != nil {
		q = q.Where("activities.held_on >= ? AND activities.held_on <= ?", calendar.Date(f.Year.Start()), calendar.Date(f.Year.LastDay()))
	}
	return q
}

// ActivitiesPerPage is the length of a page of the list of actions.
const ActivitiesPerPage = 50

// ActivityList is a page of actions and the number that match.
type ActivityList struct {
	Rows  []ActivityRow
	Total int64
}

// ListActivities returns a page of the actions of the scope's establishments that match the
// filter, the latest first: one query for the count, one for the page. The page is cut from the
// actions alone, through the index on the establishment and the date, before the joins: a
// mediator of three busy establishments has hundreds of actions a year, and joining them all to
// keep fifty cost more than the rest of the page.
func ListActivities(ctx context.Context, db *gorm.DB, s Scope, f ActivityFilter) (ActivityList, error) {
	var out ActivityList
	db = db.WithContext(ctx)
	if err := f.apply(scopeActivities(db.Table("activities"), s)).Count(&out.Total).Error; err != nil {
		return out, fmt.Errorf("models: count activities: %w", err)
	}
	if out.Total == 0 {
		return out, nil
	}
	const latest = "activities.held_on DESC, activities.id DESC"
	page := onPage(f.apply(scopeActivities(db.Table("activities"), s)), f.Page, ActivitiesPerPage).Order(latest)
	err := joinActivityLines(db.Table("(?) AS activities", page)).Order(latest).Scan(&out.Rows).Error
	if err != nil {
		return out, fmt.Errorf("models: list activities: %w", err)
	}
	return out, nil
}

// ActivityDetail is everything the page of an action shows.
type ActivityDetail struct {
	ActivityRow
	Partners []PartnerOrganisation
	// PartnerIDs are the ids of Partners, as the edit form ticks them.
	PartnerIDs []uint
}

// LoadActivity loads an action of the scope's establishments, or ErrNotFound: one query for the
// action and what its line shows, one for its partners.
func LoadActivity(ctx context.Context, db *gorm.DB, s Scope, id uint) (ActivityDetail, error) {
	var d ActivityDetail
	db = db.WithContext(ctx)
	var rows []ActivityRow
	if err := activityRows(db, s).Where("activities.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return d, fmt.Errorf("models: load activity %d: %w", id, err)
	}
	if len(rows) == 0 {
		return d, ErrNotFound
	}
	d.ActivityRow = rows[0]
	err := db.Table("partner_organisations").Select("partner_organisations.*").
		Joins("JOIN activity_partners ap ON ap.partner_organisation_id = partner_organisations.id").
		Where("ap.activity_id = ?", id).Order("partner_organisations.name").Scan(&d.Partners).Error
	if err != nil {
		return d, fmt.Errorf("models: partners of activity %d: %w", id, err)
	}
	for _, p := range d.Partners {
		d.PartnerIDs = append(d.PartnerIDs, p.ID)
	}
	return d, nil
}

// ActivityKindTotals are the figures of one kind of action over a school year.
type ActivityKindTotals struct {
	KindID   uint
	Code     string
	LabelFr  string
	LabelEn  string
	Presence bool
	Actions  int
	Pupils   int
	Parents  int
	Staff    int
	// Minutes is the time spent on the actions of the kind.
	Minutes int
}

// PresenceHours is the time spent, in hours, when the kind is a presence slot; 0 otherwise.
func (t ActivityKindTotals) PresenceHours() float64 {
	if !t.Presence {
		return 0
	}
	return float64(t.Minutes) / 60
}

// ActivityTotals are the collective actions of a school year in a set of establishments: the
// figures of each kind that has actions (in the catalogue's order), and their sums.
type ActivityTotals struct {
	Kinds   []ActivityKindTotals
	Actions int
	Pupils  int
	Parents int
	Staff   int
	// PresenceMinutes is the time of the actions of presence kinds.
	PresenceMinutes int
}

// PresenceHours is the time of presence, in hours.
func (t ActivityTotals) PresenceHours() float64 { return float64(t.PresenceMinutes) / 60 }

// SumActivities counts, for a school year and a set of establishments, the collective actions by
// kind, their participants and the hours of presence, in one query. It returns raw counts, with
// no name: the reports protect small counts themselves. No establishment gives no figure.
func SumActivities(ctx context.Context, db *gorm.DB, year calendar.SchoolYear, establishmentIDs []uint) (ActivityTotals, error) {
	var out ActivityTotals
	if len(establishmentIDs) == 0 {
		return out, nil
	}
	err := db.WithContext(ctx).Table("activities").
		Select("activity_kinds.id AS kind_id, activity_kinds.code, activity_kinds.label_fr, activity_kinds.label_en, "+
			"activity_kinds.presence, COUNT(*) AS actions, SUM(activities.pupils) AS pupils, SUM(activities.parents) AS parents, "+
			"SUM(activities.staff) AS staff, SUM(activities.duration_minutes) AS minutes").
		Joins("JOIN activity_kinds ON activity_kinds.id = activities.kind_id").
		Where("activities.establishment_id IN ? AND activities.held_on >= ? AND activities.held_on <= ?",
			establishmentIDs, calendar.Date(year.Start()), calendar.Date(year.LastDay())).
		Group("activity_kinds.id, activity_kinds.code, activity_kinds.label_fr, activity_kinds.label_en, activity_kinds.presence, activity_kinds.position").
		Order("activity_kinds.position, activity_kinds.id").Scan(&out.Kinds).Error
	if err != nil {
		return out, fmt.Errorf("models: sum activities of %s: %w", year, err)
	}
	for _, k := range out.Kinds {
		out.Actions += k.Actions
		out.Pupils += k.Pupils
		out.Parents += k.Parents
		out.Staff += k.Staff
		if k.Presence {
			out.PresenceMinutes += k.Minutes
		}
	}
	return out, nil
}
