package demodata

import (
	"time"

	"mediation/models"
	"mediation/models/internal/sampledata"
)

// referralSpec is one referral to lay out: its partner, where it stands, and how.
type referralSpec struct {
	partner int
	status  models.ReferralStatus
	outcome models.ReferralOutcome
	overdue bool // sent and not acknowledged beyond the partner's response time
	recent  bool // answered in the last few days
}

// referralSpecs: the two partners with accounts receive referrals in every status and outcome;
// the others, which have no account to answer from, only drafts, pending and withdrawn ones.
func referralSpecs() []referralSpec {
	var specs []referralSpec
	for _, partner := range []int{pCAF, pDepSocial} {
		specs = append(specs,
			referralSpec{partner: partner, status: models.ReferralDraft},
			referralSpec{partner: partner, status: models.ReferralSent},
			referralSpec{partner: partner, status: models.ReferralSent, overdue: true},
			referralSpec{partner: partner, status: models.ReferralAcknowledged},
			referralSpec{partner: partner, status: models.ReferralAccepted, recent: true},
			referralSpec{partner: partner, status: models.ReferralAccepted},
			referralSpec{partner: partner, status: models.ReferralDeclined, recent: true},
			referralSpec{partner: partner, status: models.ReferralDeclined},
			referralSpec{partner: partner, status: models.ReferralWithdrawn},
		)
		for _, o := range models.ReferralOutcomes {
			specs = append(specs, referralSpec{partner: partner, status: models.ReferralClosed, outcome: o})
		}
	}
	specs = append(specs,
		referralSpec{partner: pCAF, status: models.ReferralSent, overdue: true},
		referralSpec{partner: pCAF, status: models.ReferralAcknowledged},
		referralSpec{partner: pDepSocial, status: models.ReferralClosed, outcome: models.OutcomeSupportInPlace},
		referralSpec{partner: pASE, status: models.ReferralSent, overdue: true},
		referralSpec{partner: pASE, status: models.ReferralDraft},
		referralSpec{partner: pPMI, status: models.ReferralSent},
		referralSpec{partner: pMissionLocale, status: models.ReferralSent, overdue: true},
		referralSpec{partner: pMissionLocale, status: models.ReferralWithdrawn},
		referralSpec{partner: pPRE, status: models.ReferralSent},
		referralSpec{partner: pPRE, status: models.ReferralDraft},
		referralSpec{partner: pCMP, status: models.ReferralSent},
		referralSpec{partner: pAssociation, status: models.ReferralSent},
		referralSpec{partner: pAssociation, status: models.ReferralWithdrawn},
	)
	return specs
}

// partnerReasons: what each kind of partner is asked for.
var partnerReasons = map[int][]models.ReferralReason{
	pCAF:           {models.ReasonSocialRights, models.ReasonSocialRights, models.ReasonHousing, models.ReasonParenting},
	pDepSocial:     {models.ReasonSocialRights, models.ReasonHousing, models.ReasonParenting},
	pASE:           {models.ReasonParenting},
	pPMI:           {models.ReasonHealth},
	pMissionLocale: {models.ReasonInsertion},
	pPRE:           {models.ReasonSchooling},
	pCMP:           {models.ReasonHealth},
	pAssociation:   {models.ReasonParenting},
}

// partnerUser is the account that answers for a partner, or -1.
func partnerUser(partner int) int {
	for i, a := range accountSpecs {
		if a.role == models.RolePartner && a.partner == partner {
			return i
		}
	}
	return -1
}

// referralDays is the referral's timeline; zero days are steps it has not reached.
type referralDays struct {
	created, consent, sent, acknowledged, answered, closed, withdrawn time.Time
}

func (g *gen) referralDays(s referralSpec) referralDays {
	var d referralDays
	back := func(from time.Time, lo, hi int) time.Time { return prevWeekday(addDays(from, -g.between(lo, hi))) }
	rd := partnerSpecs[s.partner].responseDays
	switch s.status {
	case models.ReferralDraft:
		d.created = back(g.today, 1, 12)
	case models.ReferralSent:
		if s.overdue {
			d.sent = back(g.today, rd+3, rd+25)
		} else {
			d.sent = back(g.today, 1, max(1, rd-5))
		}
	case models.ReferralAcknowledged:
		d.acknowledged = back(g.today, 1, 10)
		d.sent = back(d.acknowledged, 1, min(5, rd-1))
	case models.ReferralAccepted, models.ReferralDeclined:
		if s.recent {
			d.answered = back(g.today, 1, 3)
		} else {
			d.answered = back(g.today, 8, 60)
		}
		d.acknowledged = back(d.answered, 1, 6)
		d.sent = back(d.acknowledged, 1, 4)
	case models.ReferralClosed:
		d.closed = back(g.today, 7, 150)
		d.answered = back(d.closed, 14, 90)
		d.acknowledged = back(d.answered, 1, 6)
		d.sent = back(d.acknowledged, 1, 4)
	case models.ReferralWithdrawn:
		d.withdrawn = back(g.today, 3, 50)
		d.sent = back(d.withdrawn, 2, 12)
	}
	if !d.sent.IsZero() {
		d.created = back(d.sent, 0, 6)
		d.consent = addDays(d.created, g.between(0, daysBetween(d.created, d.sent)))
	}
	return d
}

// referrals lays out referralSpecs on the files being followed when they were made, mostly in
// the first three establishments so that the demo mediators have them in their worklist.
func (g *gen) referrals() {
	used := map[[2]int]bool{}
	for _, s := range referralSpecs() {
		d := g.referralDays(s)
		last := d.created
		for _, t := range []time.Time{d.sent, d.acknowledged, d.answered, d.closed, d.withdrawn} {
			last = maxDay(last, t)
		}
		fits := func(p *plan) bool {
			if len(p.phases) == 0 || used[[2]int{p.idx, s.partner}] || !p.activated.Before(d.created) || last.After(p.end(g)) {
				return false
			}
			if s.partner == pMissionLocale {
				lvl := g.d.pupils[p.idx].p.ClassLevel
				return lvl != models.Level6e && lvl != models.Level5e && lvl != models.Level4e
			}
			return true
		}
		first := g.sortedPlans(func(p *plan) bool { return p.est <= 2 && fits(p) })
		others := g.sortedPlans(fits)
		candidates := first
		if len(first) == 0 || (len(others) > 0 && g.chance(0.3)) {
			candidates = others
		}
		if len(candidates) == 0 {
			continue // cannot happen with the demo's spans; a test checks every status is there
		}
		p := pick(g, candidates)
		used[[2]int{p.idx, s.partner}] = true
		g.referral(p, s, d)
	}
}

func (g *gen) referral(p *plan, s referralSpec, d referralDays) {
	reason := pick(g, partnerReasons[s.partner])
	r := models.Referral{
		Reason: reason, Request: pick(g, sampledata.ReferralRequests[reason]), Status: s.status, Version: 1,
	}
	ri := len(g.d.referrals)
	sender, partnerUser := p.mediator, partnerUser(s.partner)
	// Each step an hour after the previous one, so that steps on the same day keep their order.
	stamp := func(day time.Time, hour int) *time.Time {
		if day.IsZero() {
			return nil
		}
		t := g.clampNow(at(day, hour, g.between(0, 59)))
		return &t
	}
	created := stamp(d.created, 9)
	r.CreatedAt = *created
	r.SentAt = stamp(d.sent, 10)
	r.AcknowledgedAt = stamp(d.acknowledged, 11)
	r.AnsweredAt = stamp(d.answered, 14)
	r.ClosedAt = stamp(d.closed, 15)
	r.WithdrawnAt = stamp(d.withdrawn, 16)
	if !d.consent.IsZero() {
		method := pick(g, models.ConsentMethods)
		r.ConsentGivenBy, r.ConsentGivenOn, r.ConsentMethod = p.consentBy(), &d.consent, &method
	}
	declined := s.status == models.ReferralDeclined || s.outcome == models.OutcomeNotEligible
	switch {
	case s.status == models.ReferralAccepted:
		r.Feedback = pick(g, sampledata.AcceptFeedback)
	case declined:
		r.DeclineReason = pick(g, sampledata.DeclineReasons)
		r.Feedback = sampledata.DeclineFeedback(r.DeclineReason)
	}
	if s.status == models.ReferralClosed {
		o := s.outcome
		r.Outcome, r.Feedback = &o, sampledata.OutcomeFeedback[o]
	}

	step := func(from, to models.ReferralStatus, t *time.Time, actor int, comment string) {
		g.d.transitions = append(g.d.transitions, transitionRow{t: models.ReferralTransition{
			FromStatus: from, ToStatus: to, At: *t, Comment: comment,
		}, referral: ri, actor: actor})
		r.UpdatedAt = *t
	}
	step("", models.ReferralDraft, created, sender, "Orientation préparée.")
	if r.SentAt != nil {
		step(models.ReferralDraft, models.ReferralSent, r.SentAt, sender, "Envoyée avec l'accord de la famille.")
	}
	if r.AcknowledgedAt != nil {
		step(models.ReferralSent, models.ReferralAcknowledged, r.AcknowledgedAt, partnerUser, "Demande reçue, en cours d'étude.")
	}
	if r.AnsweredAt != nil {
		if declined {
			step(models.ReferralAcknowledged, models.ReferralDeclined, r.AnsweredAt, partnerUser, r.DeclineReason)
		} else {
			step(models.ReferralAcknowledged, models.ReferralAccepted, r.AnsweredAt, partnerUser, "Prise en charge acceptée.")
		}
	}
	if r.ClosedAt != nil {
		from := models.ReferralAccepted
		if declined {
			from = models.ReferralDeclined
		}
		step(from, models.ReferralClosed, r.ClosedAt, partnerUser, sampledata.OutcomeFeedback[s.outcome])
	}
	if r.WithdrawnAt != nil {
		step(models.ReferralSent, models.ReferralWithdrawn, r.WithdrawnAt, sender,
			"Retirée : la famille est déjà accompagnée par un autre service.")
	}
	g.d.referrals = append(g.d.referrals, referralRow{r: r, pupil: p.idx, partner: s.partner, sender: sender})
}
