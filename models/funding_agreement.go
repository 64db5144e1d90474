package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// FunderKind says who funds an agreement: one of the partner organisations, or one of the
// public bodies that are not partners of the referrals (the Métropole, the State, the Région).
type FunderKind string

// The kinds of funders.
const (
	FunderPartner   FunderKind = "partner"
	FunderMetropole FunderKind = "metropole"
	FunderState     FunderKind = "state"
	FunderRegion    FunderKind = "region"
)

// FunderKinds lists the kinds of funders, in the order the form offers them.
var FunderKinds = []FunderKind{FunderPartner, FunderMetropole, FunderState, FunderRegion}

// Valid tells whether k is one of FunderKinds.
func (k FunderKind) Valid() bool { return oneOf(k, FunderKinds) }

// Coverage says what an agreement covers: a list of establishments, a list of communes (every
// establishment of those communes, today's and tomorrow's), or the whole metropolis.
type Coverage string

// The coverages of an agreement.
const (
	CoverEstablishments Coverage = "establishments"
	CoverCommunes       Coverage = "communes"
	CoverAll            Coverage = "all"
)

// Coverages lists the coverages, in the order the form offers them.
var Coverages = []Coverage{CoverEstablishments, CoverCommunes, CoverAll}

// Valid tells whether c is one of Coverages.
func (c Coverage) Valid() bool { return oneOf(c, Coverages) }

// ObjectiveIndicator is a figure an agreement's objective is measured on, from the fixed list
// that the annual review computes.
type ObjectiveIndicator string

// The indicators an objective may be set on.
const (
	// IndicatorFamiliesMet: share of the families of the pupils followed met at least once.
	IndicatorFamiliesMet ObjectiveIndicator = "families_met_share"
	// IndicatorAbsencesFell: share of the pupils followed whose unjustified absences fell.
	IndicatorAbsencesFell ObjectiveIndicator = "absences_fell_share"
	// IndicatorReferralsInTime: share of the referrals answered within the partner's time.
	IndicatorReferralsInTime ObjectiveIndicator = "referrals_in_time_share"
	// IndicatorConflictsResolved: share of the conflict mediations that ended resolved.
	IndicatorConflictsResolved ObjectiveIndicator = "conflicts_resolved_share"
	// IndicatorCollectiveActions: number of collective actions held.
	IndicatorCollectiveActions ObjectiveIndicator = "collective_actions_count"
	// IndicatorPupilsFollowed: number of pupils followed.
	IndicatorPupilsFollowed ObjectiveIndicator = "pupils_followed_count"
)

// ObjectiveIndicators lists the indicators, in the order the form offers them.
var ObjectiveIndicators = []ObjectiveIndicator{IndicatorFamiliesMet, IndicatorAbsencesFell, IndicatorReferralsInTime,
	IndicatorConflictsResolved, IndicatorCollectiveActions, IndicatorPupilsFollowed}

// Valid tells whether i is one of ObjectiveIndicators.
func (i ObjectiveIndicator) Valid() bool { return oneOf(i, ObjectiveIndicators) }

// The units of an objective's target: a percentage, or a number of things.
const (
	UnitPercent = "percent"
	UnitCount   = "count"
)

// Unit is the unit of the indicator's targets.
func (i ObjectiveIndicator) Unit() string {
	if strings.HasSuffix(string(i), "_count") {
		return UnitCount
	}
	return UnitPercent
}

// FundingAgreement is a funding agreement (convention de financement): who funds the
// mediation, over which school years, for which establishments or communes, how much, and the
// objectives it sets.
type FundingAgreement struct {
	ID         uint
	Title      string
	FunderKind FunderKind
	// PartnerOrganisationID is the funder when FunderKind is FunderPartner, nil otherwise.
	PartnerOrganisationID *uint
	// FirstYear and LastYear are the first and last school years, by the year they start
	// (2025 for 2025-2026).
	FirstYear int
	LastYear  int
	Coverage  Coverage
	// AmountCents is the amount committed over the whole agreement, in euro cents.
	AmountCents int64
	// Reference is free text: the agreement's number, its deliberation, its signatories.
	Reference string
	// Version protects an edit against overwriting a change made in between.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FundingAgreementEstablishment is an establishment an agreement covers.
type FundingAgreementEstablishment struct {
	FundingAgreementID uint `gorm:"primaryKey"`
	EstablishmentID    uint `gorm:"primaryKey"`
}

// FundingAgreementCommune is a commune an agreement covers.
type FundingAgreementCommune struct {
	FundingAgreementID uint   `gorm:"primaryKey"`
	Commune            string `gorm:"primaryKey"`
}

// FundingAgreementObjective is an objective an agreement sets: reach Target (in Unit) on the
// Indicator.
type FundingAgreementObjective struct {
	ID                 uint
	FundingAgreementID uint
	Position           int
	Label              string
	Indicator          ObjectiveIndicator
	Target             float64
	Unit               string
}

// Bounds of an agreement, as the columns hold them.
const (
	MaxAgreementTitle      = 200
	MaxAgreementReference  = 2000
	MaxObjectiveLabel      = 300
	MaxAgreementObjectives = 10
	// MaxAgreementYears bounds the length of an agreement: multi-year agreements run three or
	// four years; ten is a typing error.
	MaxAgreementYears = 10
	// MaxAmountCents bounds an amount (a thousand million euros): more is a typing error.
	MaxAmountCents = 100_000_000_000
	// MaxCountTarget bounds a target counted in things.
	MaxCountTarget = 1_000_000
)

// ParseEuros reads an amount of euros as typed, « 12 500 », « 12 500,50 », « 12500.5 »,
// « 12.500,00 € », into cents. ok is false for anything else, for a negative amount and for
// more than two decimals. A single separator followed by three digits groups thousands, as do
// separators between groups of three digits.
func ParseEuros(s string) (cents int64, ok bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "'", "").Replace(s)
	if s == "" {
		return 0, false
	}
	lastComma, lastDot := strings.LastIndex(s, ","), strings.LastIndex(s, ".")
	decimal := max(lastComma, lastDot)
	whole, frac := s, ""
	if decimal >= 0 {
		sep := s[decimal]
		if lastComma >= 0 && lastDot >= 0 || strings.Count(s, string(sep)) == 1 && len(s)-decimal-1 != 3 {
			whole, frac = s[:decimal], s[decimal+1:]
		}
	}
	// Separators left in the whole part group thousands: three digits after each.
	if groups := strings.FieldsFunc(whole, func(r rune) bool { return r == ',' || r == '.' }); len(groups) > 1 {
		if strings.Count(whole, ",")+strings.Count(whole, ".") != len(groups)-1 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
	}
	whole = strings.NewReplacer(",", "", ".", "").Replace(whole)
	if whole == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	euros, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	c, _ := strconv.Atoi(frac)
	return euros*100 + int64(c), true
}

// ObjectiveInput is an objective as the form gives it; Row is its row in the form, which names
// the fields of its messages (objective<Row>_label…).
type ObjectiveInput struct {
	Row       int
	Label     string
	Indicator ObjectiveIndicator
	Target    float64
}

// FundingAgreementInput is an agreement as the form gives it.
type FundingAgreementInput struct {
	Title            string
	FunderKind       FunderKind
	PartnerID        uint
	FirstYear        int
	LastYear         int
	Coverage         Coverage
	EstablishmentIDs []uint
	Communes         []string
	AmountCents      int64
	Reference        string
	Objectives       []ObjectiveInput
}

// objectiveField names the field of an objective's row.
func objectiveField(row int, name string) string { return fmt.Sprintf("objective%d_%s", row, name) }

// validate checks what needs no database: a title, a funder, years in order, a coverage with
// what it covers, an amount, objectives each complete with a target in its unit's range.
func (in *FundingAgreementInput) validate() ValidationError {
	v := ValidationError{}
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Reference = strings.TrimSpace(in.Reference)
	switch {
	case in.Title == "":
		v.Add("title", "impact.agreement.title_required")
	case len([]rune(in.Title)) > MaxAgreementTitle:
		v.Put("title", TooLong(MaxAgreementTitle))
	}
	switch {
	case !in.FunderKind.Valid():
		v.Add("funder_kind", "impact.agreement.funder_required")
	case in.FunderKind == FunderPartner && in.PartnerID == 0:
		v.Add("partner_id", "impact.agreement.partner_required")
	case in.FunderKind != FunderPartner:
		in.PartnerID = 0
	}
	switch {
	case in.FirstYear == 0:
		v.Add("first_year", "impact.agreement.year_required")
	case in.LastYear == 0:
		v.Add("last_year", "impact.agreement.year_required")
	case in.LastYear < in.FirstYear:
		v.Add("last_year", "impact.agreement.years_order")
	case in.LastYear-in.FirstYear+1 > MaxAgreementYears:
		v.Add("last_year", "impact.agreement.years_too_many", "Count", MaxAgreementYears)
	}
	slices.Sort(in.EstablishmentIDs)
	in.EstablishmentIDs = slices.Compact(in.EstablishmentIDs)
	var communes []string
	for _, c := range in.Communes {
		if c = strings.Join(strings.Fields(c), " "); c != "" && !slices.Contains(communes, c) {
			communes = append(communes, c)
		}
	}
	slices.Sort(communes)
	in.Communes = communes
	switch in.Coverage {
	case CoverEstablishments:
		in.Communes = nil
		if len(in.EstablishmentIDs) == 0 {
			v.Add("establishment_ids", "impact.agreement.establishments_required")
		}
	case CoverCommunes:
		in.EstablishmentIDs = nil
		if len(in.Communes) == 0 {
			v.Add("communes", "impact.agreement.communes_required")
		}
	case CoverAll:
		in.EstablishmentIDs, in.Communes = nil, nil
	default:
		v.Add("coverage", "impact.agreement.coverage_required")
	}
	if in.AmountCents < 0 || in.AmountCents > MaxAmountCents {
		v.Add("amount", "impact.agreement.amount_invalid")
	}
	if len([]rune(in.Reference)) > MaxAgreementReference {
		v.Put("reference", TooLong(MaxAgreementReference))
	}
	if len(in.Objectives) > MaxAgreementObjectives {
		v.Add("objectives", "impact.agreement.objectives_too_many", "Count", MaxAgreementObjectives)
	}
	for i := range in.Objectives {
		o := &in.Objectives[i]
		o.Label = strings.Join(strings.Fields(o.Label), " ")
		switch {
		case o.Label == "":
			v.Add(objectiveField(o.Row, "label"), "impact.agreement.objective_label_required")
		case len([]rune(o.Label)) > MaxObjectiveLabel:
			v.Put(objectiveField(o.Row, "label"), TooLong(MaxObjectiveLabel))
		}
		if !o.Indicator.Valid() {
			v.Add(objectiveField(o.Row, "indicator"), "impact.agreement.objective_indicator_required")
			continue
		}
		switch o.Indicator.Unit() {
		case UnitPercent:
			if o.Target < 0 || o.Target > 100 || math.IsNaN(o.Target) {
				v.Add(objectiveField(o.Row, "target"), "impact.agreement.target_percent")
			}
		case UnitCount:
			if o.Target < 0 || o.Target > MaxCountTarget || o.Target != math.Trunc(o.Target) {
				v.Add(objectiveField(o.Row, "target"), "impact.agreement.target_count", "Max", MaxCountTarget)
			}
		}
	}
	return v
}

// Validate checks an agreement as the form gives it, without the database: the handler merges
// its messages with those of the fields it could not read, so that a form shows all at once.
func (in FundingAgreementInput) Validate() ValidationError { return in.validate() }

// check verifies, in tx, what the database knows: the funder is an active partner
// organisation (or the agreement's own, kept though deactivated since), and the establishments
// and communes exist.
func (in FundingAgreementInput) check(tx *gorm.DB, current *FundingAgreement, v ValidationError) error {
	if in.FunderKind == FunderPartner && in.PartnerID != 0 {
		q := tx.Model(&PartnerOrganisation{}).Where("id = ?", in.PartnerID)
		if current == nil || current.PartnerOrganisationID == nil || *current.PartnerOrganisationID != in.PartnerID {
			q = q.Where("active = ?", true)
		}
		var n int64
		if err := q.Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			v.Add("partner_id", "impact.agreement.partner_required")
		}
	}
	if len(in.EstablishmentIDs) > 0 {
		var n int64
		if err := tx.Model(&Establishment{}).Where("id IN ?", in.EstablishmentIDs).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(in.EstablishmentIDs) {
			v.Add("establishment_ids", "impact.agreement.establishment_unknown")
		}
	}
	if len(in.Communes) > 0 {
		var known []string
		if err := tx.Model(&Establishment{}).Distinct("commune").Where("commune IN ?", in.Communes).Pluck("commune", &known).Error; err != nil {
			return err
		}
		if len(known) != len(in.Communes) {
			v.Add("communes", "impact.agreement.commune_unknown")
		}
	}
	return nil
}

func (in FundingAgreementInput) partnerRef() *uint {
	if in.FunderKind != FunderPartner {
		return nil
	}
	id := in.PartnerID
	return &id
}

// saveCoverage replaces what an agreement covers and its objectives.
func (in FundingAgreementInput) saveCoverage(tx *gorm.DB, id uint) error {
	for _, model := range []any{&FundingAgreementEstablishment{}, &FundingAgreementCommune{}, &FundingAgreementObjective{}} {
		if err := tx.Where("funding_agreement_id = ?", id).Delete(model).Error; err != nil {
			return err
		}
	}
	if len(in.EstablishmentIDs) > 0 {
		rows := make([]FundingAgreementEstablishment, len(in.EstablishmentIDs))
		for i, e := range in.EstablishmentIDs {
			rows[i] = FundingAgreementEstablishment{FundingAgreementID: id, EstablishmentID: e}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(in.Communes) > 0 {
		rows := make([]FundingAgreementCommune, len(in.Communes))
		for i, c := range in.Communes {
			rows[i] = FundingAgreementCommune{FundingAgreementID: id, Commune: c}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(in.Objectives) > 0 {
		rows := make([]FundingAgreementObjective, len(in.Objectives))
		for i, o := range in.Objectives {
			rows[i] = FundingAgreementObjective{FundingAgreementID: id, Position: i + 1, Label: o.Label, Indicator: o.Indicator,
				Target: o.Target, Unit: o.Indicator.Unit()}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	return nil
}

// EditsAgreements tells whether the scope creates and changes funding agreements: the
// coordination only.
func (s Scope) EditsAgreements() bool { return s.Role == RoleCoordinator }

// ReadsAgreements tells whether the scope reads funding agreements at all: the coordination
// and the administrators read them all, a partner's agents those their organisation funds.
func (s Scope) ReadsAgreements() bool {
	return s.Role == RoleCoordinator || s.Role == RoleAdmin || s.Role == RolePartner && s.PartnerID != 0
}

// scopeAgreements restricts a query on funding_agreements to what the scope reads.
func scopeAgreements(q *gorm.DB, s Scope) *gorm.DB {
	if s.Role == RolePartner {
		return q.Where("funding_agreements.funder_kind = ? AND funding_agreements.partner_organisation_id = ?", FunderPartner, s.PartnerID)
	}
	return q
}

// agreementAudit is what the audit log says of an agreement: never more than its funder, years
// and amount, which are not personal.
func agreementAudit(a FundingAgreement) string {
	funder := string(a.FunderKind)
	if a.PartnerOrganisationID != nil {
		funder = fmt.Sprintf("partner %d", *a.PartnerOrganisationID)
	}
	return fmt.Sprintf("%s, %d-%d, %d cents", funder, a.FirstYear, a.LastYear+1, a.AmountCents)
}

// CreateFundingAgreement records an agreement with what it covers and its objectives, and its
// audit event, in one transaction. Only the coordination records agreements.
func CreateFundingAgreement(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, in FundingAgreementInput) (FundingAgreement, error) {
	v := in.validate()
	var a FundingAgreement
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !s.EditsAgreements() {
			return ErrNotFound
		}
		if err := in.check(tx, nil, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		a = FundingAgreement{Title: in.Title, FunderKind: in.FunderKind, PartnerOrganisationID: in.partnerRef(), FirstYear: in.FirstYear,
			LastYear: in.LastYear, Coverage: in.Coverage, AmountCents: in.AmountCents, Reference: in.Reference, Version: 1,
			CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		if err := in.saveCoverage(tx, a.ID); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "funding_agreement", fmt.Sprint(a.ID), agreementAudit(a))
	})
	return a, wrapEdit(err, "create funding agreement")
}

// agreementInScope loads an agreement the scope reads, or ErrNotFound.
func agreementInScope(tx *gorm.DB, s Scope, id uint) (FundingAgreement, error) {
	var a FundingAgreement
	if !s.ReadsAgreements() {
		return a, ErrNotFound
	}
	err := scopeAgreements(tx.Where("funding_agreements.id = ?", id), s).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("load funding agreement %d: %w", id, err)
	}
	return a, nil
}

// msgAgreementChanged refuses a change based on an agreement shown before someone else changed it.
const msgAgreementChanged = "impact.agreement.changed_meanwhile"

// UpdateFundingAgreement changes an agreement if version is still the current one (otherwise a
// *StaleError); what it covers and its objectives are replaced by those given.
func UpdateFundingAgreement(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in FundingAgreementInput) (FundingAgreement, error) {
	v := in.validate()
	var updated FundingAgreement
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !s.EditsAgreements() {
			return ErrNotFound
		}
		current, err := agreementInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleError(ctx, tx, "funding_agreement", id, current.Version, current, msgAgreementChanged)
		}
		if err := in.check(tx, &current, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		res := tx.Model(&FundingAgreement{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"title": in.Title, "funder_kind": in.FunderKind, "partner_organisation_id": in.partnerRef(), "first_year": in.FirstYear,
			"last_year": in.LastYear, "coverage": in.Coverage, "amount_cents": in.AmountCents, "reference": in.Reference,
			"version": version + 1, "updated_at": now.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := agreementInScope(tx, s, id)
			if err != nil {
				return err
			}
			return staleError(ctx, tx, "funding_agreement", id, latest.Version, latest, msgAgreementChanged)
		}
		if err := in.saveCoverage(tx, id); err != nil {
			return err
		}
		if updated, err = agreementInScope(tx, s, id); err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "funding_agreement", fmt.Sprint(id), "edited: "+agreementAudit(updated))
	})
	return updated, wrapEdit(err, "update funding agreement")
}

// DeleteFundingAgreement deletes an agreement, what it covers and its objectives, at the
// version shown (*StaleError otherwise). The audit log keeps the event.
func DeleteFundingAgreement(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !s.EditsAgreements() {
			return ErrNotFound
		}
		current, err := agreementInScope(tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return staleError(ctx, tx, "funding_agreement", id, current.Version, current, msgAgreementChanged)
		}
		// The rows of the coverage and the objectives go with it (ON DELETE CASCADE); deleted
		// here too, so that SQLite without foreign keys enforced would not keep them.
		if err := (FundingAgreementInput{}).saveCoverage(tx, id); err != nil {
			return err
		}
		res := tx.Where("id = ? AND version = ?", id, version).Delete(&FundingAgreement{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		// Its annual reviews' snapshots (report "impact", variant its id) go with it.
		if err := tx.Exec("DELETE FROM report_snapshots WHERE report = ? AND variant = ?", "impact", strconv.FormatUint(uint64(id), 10)).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditDeleted, "funding_agreement", fmt.Sprint(id), agreementAudit(current))
	})
	return wrapEdit(err, "delete funding agreement")
}

// AgreementRow is a line of the list of agreements.
type AgreementRow struct {
	FundingAgreement
	// PartnerName is the funder's name when it is a partner organisation.
	PartnerName    string
	Establishments int
	Communes       int
	Objectives     int
}

// ListFundingAgreements lists the agreements the scope reads, the latest years first, with
// the counts of what each covers, in one query.
func ListFundingAgreements(ctx context.Context, db *gorm.DB, s Scope) ([]AgreementRow, error) {
	if !s.ReadsAgreements() {
		return nil, ErrNotFound
	}
	var rows []AgreementRow
	q := db.WithContext(ctx).Table("funding_agreements").Select("funding_agreements.*, COALESCE(p.name, '') AS partner_name, " +
		"(SELECT COUNT(*) FROM funding_agreement_establishments x WHERE x.funding_agreement_id = funding_agreements.id) AS establishments, " +
		"(SELECT COUNT(*) FROM funding_agreement_communes x WHERE x.funding_agreement_id = funding_agreements.id) AS communes, " +
		"(SELECT COUNT(*) FROM funding_agreement_objectives x WHERE x.funding_agreement_id = funding_agreements.id) AS objectives").
		Joins("LEFT JOIN partner_organisations p ON p.id = funding_agreements.partner_organisation_id").
		Order("funding_agreements.last_year DESC, funding_agreements.first_year DESC, funding_agreements.title, funding_agreements.id")
	if err := scopeAgreements(q, s).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: list funding agreements: %w", err)
	}
	return rows, nil
}

// AgreementDetail is an agreement with its funder's name, what it covers and its objectives.
type AgreementDetail struct {
	FundingAgreement
	PartnerName    string
	Establishments []Establishment
	Communes       []string
	Objectives     []FundingAgreementObjective
}

// EstablishmentIDs lists the ids of the establishments it covers.
func (d AgreementDetail) EstablishmentIDs() []uint {
	ids := make([]uint, len(d.Establishments))
	for i, e := range d.Establishments {
		ids[i] = e.ID
	}
	return ids
}

// LoadFundingAgreement loads an agreement the scope reads, or ErrNotFound.
func LoadFundingAgreement(ctx context.Context, db *gorm.DB, s Scope, id uint) (AgreementDetail, error) {
	db = db.WithContext(ctx)
	a, err := agreementInScope(db, s, id)
	if err != nil {
		return AgreementDetail{}, wrapEdit(err, "load funding agreement")
	}
	d := AgreementDetail{FundingAgreement: a}
	if a.PartnerOrganisationID != nil {
		var names []string
		if err := db.Model(&PartnerOrganisation{}).Where("id = ?", *a.PartnerOrganisationID).Pluck("name", &names).Error; err != nil {
			return d, fmt.Errorf("models: funder of agreement %d: %w", id, err)
		}
		if len(names) > 0 {
			d.PartnerName = names[0]
		}
	}
	if err := db.Joins("JOIN funding_agreement_establishments x ON x.establishment_id = establishments.id").
		Where("x.funding_agreement_id = ?", id).Order("establishments.commune, establishments.name").Find(&d.Establishments).Error; err != nil {
		return d, fmt.Errorf("models: establishments of agreement %d: %w", id, err)
	}
	if err := db.Model(&FundingAgreementCommune{}).Where("funding_agreement_id = ?", id).Order("commune").Pluck("commune", &d.Communes).Error; err != nil {
		return d, fmt.Errorf("models: communes of agreement %d: %w", id, err)
	}
	if err := db.Where("funding_agreement_id = ?", id).Order("position, id").Find(&d.Objectives).Error; err != nil {
		return d, fmt.Errorf("models: objectives of agreement %d: %w", id, err)
	}
	return d, nil
}

// Communes lists the communes of the establishments, active or not, in alphabetical order:
// what an agreement may cover.
func Communes(ctx context.Context, db *gorm.DB) ([]string, error) {
	var out []string
	if err := db.WithContext(ctx).Model(&Establishment{}).Distinct("commune").Order("commune").Pluck("commune", &out).Error; err != nil {
		return nil, fmt.Errorf("models: communes: %w", err)
	}
	return out, nil
}
