package demodata

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// demoAgreement is a funding agreement of the demo: its funder (a partner of partnerSpecs, or
// -1 with a public funder), its years around the current one, what it covers (establishment
// names or communes; none for the whole metropolis), the amount in euros and its objectives.
type demoAgreement struct {
	title          string
	funder         models.FunderKind
	partner        int
	from, to       int // school years from the current one
	coverage       models.Coverage
	establishments []string
	communes       []string
	euros          int64
	reference      string
	objectives     []models.FundingAgreementObjective
}

var demoAgreements = []demoAgreement{
	{"Convention CAF – parentalité et médiation scolaire en REP+", models.FunderPartner, pCAF, -1, 1, models.CoverEstablishments,
		[]string{"Collège Jean Jaurès", "Collège Louise Michel"}, nil, 45_000,
		"Convention d'objectifs et de financement n° CAF59-2025-017 (fictive), fonds « Parentalité ».",
		[]models.FundingAgreementObjective{
			{Label: "80 % des familles des élèves suivis rencontrées au moins une fois", Indicator: models.IndicatorFamiliesMet, Target: 80},
			{Label: "Orientations vers la CAF traitées dans le délai convenu", Indicator: models.IndicatorReferralsInTime, Target: 75},
		}},
	{"Convention Département – prévention du décrochage à Roubaix, Tourcoing et Wattrelos", models.FunderPartner, pDepSocial, 0, 2,
		models.CoverCommunes, nil, []string{"Roubaix", "Tourcoing", "Wattrelos"}, 60_000,
		"Délibération de la commission permanente du Département du Nord (fictive).",
		[]models.FundingAgreementObjective{
			{Label: "La moitié des élèves suivis voient leurs absences baisser", Indicator: models.IndicatorAbsencesFell, Target: 50},
			{Label: "120 élèves suivis par an", Indicator: models.IndicatorPupilsFollowed, Target: 120},
		}},
	{"Programme métropolitain de médiation scolaire", models.FunderMetropole, -1, -1, 2, models.CoverAll, nil, nil, 150_000,
		"Délibération du conseil métropolitain (fictive) ; axe « médiation scolaire » du plan de médiation sociale.",
		[]models.FundingAgreementObjective{
			{Label: "40 actions collectives par an", Indicator: models.IndicatorCollectiveActions, Target: 40},
			{Label: "70 % des conflits médiés résolus", Indicator: models.IndicatorConflictsResolved, Target: 70},
		}},
}

// demoUnitCosts are the unit values of the avoided costs the demo ships: real-looking figures
// whose sources are marked « à vérifier », for the coordination to check before any use. The
// yearly cost of a young person out of education values the re-engaged pupils, the exclusion
// procedure the conflicts resolved; the lifetime cost and the placement value no result of the
// review without overstating it, and are listed only.
var demoUnitCosts = []models.UnitCost{
	{Label: "Coût public annuel d'un jeune ni en emploi, ni en études, ni en formation (NEET)", AmountCents: 1_300_000,
		Unit: "par jeune et par an", SourceYear: 2012, LowCents: ptr(int64(1_000_000)), HighCents: ptr(int64(1_700_000)), Basis: models.BasisReengaged,
		Source: "Eurofound, « NEETs – Young people not in employment, education or training: characteristics, costs and policy responses in Europe », 2012 — à vérifier."},
	{Label: "Coût pour la collectivité d'un jeune sorti sans diplôme, sur sa vie entière", AmountCents: 23_000_000,
		Unit: "par jeune", SourceYear: 2012, LowCents: ptr(int64(15_000_000)), HighCents: ptr(int64(30_000_000)),
		Source: "Estimation souvent citée d'une étude pour le ministère de l'Éducation nationale (2012) — à vérifier."},
	{Label: "Coût d'une procédure d'exclusion définitive (conseil de discipline et rescolarisation)", AmountCents: 350_000,
		Unit: "par procédure", SourceYear: 2025, LowCents: ptr(int64(200_000)), HighCents: ptr(int64(500_000)), Basis: models.BasisConflictResolved,
		Source: "Estimation de la coordination à partir du temps des personnels mobilisés — à vérifier."},
	{Label: "Coût annuel d'un placement à l'aide sociale à l'enfance", AmountCents: 4_000_000,
		Unit: "par enfant et par an", SourceYear: 2022, LowCents: ptr(int64(3_000_000)), HighCents: ptr(int64(7_000_000)),
		Source: "DREES, dépenses d'aide sociale départementale (ordre de grandeur) — à vérifier."},
}

func ptr[T any](v T) *T { return &v }

// conventions adds the funding agreements and the unit values of the demo, as the coordination
// would have entered them (each checked as its form would be), with the first version of each
// unit value in its history; like the rest of the demo set, without audit events of their own.
// It returns the agreements made.
func conventions(tx *gorm.DB, now time.Time) (int, error) {
	var coord models.User
	if err := tx.Where("email = ?", accountSpecs[uCoordination].email).Take(&coord).Error; err != nil {
		return 0, fmt.Errorf("coordination account: %w", err)
	}
	at := now.UTC()
	year := calendar.SchoolYearOf(now).StartYear
	for _, a := range demoAgreements {
		in := models.FundingAgreementInput{Title: a.title, FunderKind: a.funder, FirstYear: year + a.from, LastYear: year + a.to,
			Coverage: a.coverage, Communes: a.communes, AmountCents: a.euros * 100, Reference: a.reference}
		if a.partner >= 0 {
			if err := tx.Model(&models.PartnerOrganisation{}).Where("name = ?", partnerSpecs[a.partner].name).Pluck("id", &in.PartnerID).Error; err != nil {
				return 0, fmt.Errorf("funder of %q: %w", a.title, err)
			}
		}
		if len(a.establishments) > 0 {
			if err := tx.Model(&models.Establishment{}).Where("name IN ?", a.establishments).Order("id").Pluck("id", &in.EstablishmentIDs).Error; err != nil {
				return 0, fmt.Errorf("establishments of %q: %w", a.title, err)
			}
		}
		for i, o := range a.objectives {
			in.Objectives = append(in.Objectives, models.ObjectiveInput{Row: i, Label: o.Label, Indicator: o.Indicator, Target: o.Target})
		}
		if v := in.Validate(); len(v) > 0 {
			return 0, fmt.Errorf("agreement %q: %w", a.title, v)
		}
		row := models.FundingAgreement{Title: in.Title, FunderKind: in.FunderKind, FirstYear: in.FirstYear, LastYear: in.LastYear,
			Coverage: in.Coverage, AmountCents: in.AmountCents, Reference: in.Reference, Version: 1, CreatedAt: at, UpdatedAt: at}
		if in.FunderKind == models.FunderPartner {
			row.PartnerOrganisationID = &in.PartnerID
		}
		if err := tx.Create(&row).Error; err != nil {
			return 0, fmt.Errorf("agreement %q: %w", a.title, err)
		}
		var ests []models.FundingAgreementEstablishment
		for _, id := range in.EstablishmentIDs {
			ests = append(ests, models.FundingAgreementEstablishment{FundingAgreementID: row.ID, EstablishmentID: id})
		}
		var communes []models.FundingAgreementCommune
		for _, c := range in.Communes {
			communes = append(communes, models.FundingAgreementCommune{FundingAgreementID: row.ID, Commune: c})
		}
		var objectives []models.FundingAgreementObjective
		for i, o := range in.Objectives {
			objectives = append(objectives, models.FundingAgreementObjective{FundingAgreementID: row.ID, Position: i + 1, Label: o.Label,
				Indicator: o.Indicator, Target: o.Target, Unit: o.Indicator.Unit()})
		}
		if err := create(tx, "agreement establishments", ests); err != nil {
			return 0, err
		}
		if err := create(tx, "agreement communes", communes); err != nil {
			return 0, err
		}
		if err := create(tx, "agreement objectives", objectives); err != nil {
			return 0, err
		}
	}
	for _, c := range demoUnitCosts {
		in := models.UnitCostInput{Label: c.Label, AmountCents: c.AmountCents, Unit: c.Unit, Source: c.Source, SourceYear: c.SourceYear,
			LowCents: c.LowCents, HighCents: c.HighCents, Basis: c.Basis}
		if v := in.Validate(now); len(v) > 0 {
			return 0, fmt.Errorf("unit cost %q: %w", c.Label, v)
		}
		c.Version, c.CreatedAt, c.UpdatedAt = 1, at, at
		if err := tx.Create(&c).Error; err != nil {
			return 0, fmt.Errorf("unit cost %q: %w", c.Label, err)
		}
		ch := models.UnitCostChange{UnitCostID: c.ID, Version: 1, ChangedAt: at, ChangedByID: &coord.ID, ChangedByName: coord.DisplayName,
			Label: c.Label, AmountCents: c.AmountCents, Unit: c.Unit, Source: c.Source, SourceYear: c.SourceYear, LowCents: c.LowCents,
			HighCents: c.HighCents, Basis: c.Basis}
		if err := tx.Create(&ch).Error; err != nil {
			return 0, fmt.Errorf("history of unit cost %q: %w", c.Label, err)
		}
	}
	return len(demoAgreements), nil
}
