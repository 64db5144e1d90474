// Package sampledata holds what the demo set (models/demodata) and the synthetic metropolis
// (models/gendata) both invent for a pupil file: the French texts of its notes, meetings and
// referrals, the way they are filled for one pupil, and the draws that shape a file alike in
// both (kinds of follow-up, households, how meetings went).
//
// The draws take the caller's random stream, so that each generator stays a pure function of
// its inputs. Both generators draw from every list here: a text added or changed changes the
// rows of both.
package sampledata

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"mediation/models"
)

// Text fills the templates of one pupil file: {p} is the pupil's first name, {g} how notes call
// the first guardian (« la mère », « M. Benali »), {il} and {e} agree with the pupil's gender.
type Text struct{ r *strings.Replacer }

// NewText is the filler of a pupil's templates; relation and last are the first guardian's.
func NewText(first string, girl bool, relation, last string) Text {
	il, e := "il", ""
	if girl {
		il, e = "elle", "e"
	}
	de, que := "de "+first, "que "+first
	if strings.ContainsRune("AEIOUÉÈÎ", []rune(first)[0]) {
		de, que = "d'"+first, "qu'"+first // « la situation d'Inès »
	}
	return Text{strings.NewReplacer("de {p}", de, "que {p}", que, "{p}", first, "{g}", address(relation, last),
		"{il}", il, "{e}", e)}
}

// Fill fills the template and capitalises the sentence, which may start with « la mère… ».
func (t Text) Fill(tmpl string) string { return upperFirst(t.r.Replace(tmpl)) }

// address is how notes call a guardian: « la mère », « M. Benali »…
func address(relation, last string) string {
	switch relation {
	case "mère":
		return "la mère"
	case "père":
		return "le père"
	case "grand-mère":
		return "la grand-mère"
	}
	return title(relation) + " " + last
}

// ConsentBy is how a referral records the guardian who consented: « Mme Benali, mère ».
func ConsentBy(relation, last string) string {
	return title(relation) + " " + last + ", " + relation
}

func title(relation string) string {
	if relation == "père" || relation == "tuteur" {
		return "M."
	}
	return "Mme"
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// DeclineFeedback is the partner's answer when it declines a referral for the reason.
func DeclineFeedback(reason string) string {
	r, n := utf8.DecodeRuneInString(reason)
	return "Nous ne pouvons pas donner suite : " + string(unicode.ToLower(r)) + reason[n:]
}

var asciiFold = strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ê", "e", "ï", "i", "î", "i", "ç", "c", "ş", "s",
	"ü", "u", "ö", "o", "ó", "o", "á", "a", "â", "a", "É", "e", "Ç", "c", "Ş", "s", "Ö", "o", " ", "-", "'", "")

// GuardianEmail gives about a third of the guardians an address, on a domain reserved for
// tests, and the others none ("").
func GuardianEmail(r *rand.Rand, first, last string) string {
	if r.Float64() >= 0.35 {
		return ""
	}
	return strings.ToLower(asciiFold.Replace(first) + "." + asciiFold.Replace(last) + "@exemple.test")
}

// Relations draws who a pupil's guardians are: the mother, or both parents, most of the time;
// now and then the father alone, the mother with a grandmother, or a tutor.
func Relations(r *rand.Rand) []string {
	switch x := r.Float64(); {
	case x < 0.45:
		return []string{"mère", "père"}
	case x < 0.80:
		return []string{"mère"}
	case x < 0.88:
		return []string{"père"}
	case x < 0.92:
		return []string{"mère", "grand-mère"}
	case x < 0.96:
		return []string{"tutrice"}
	default:
		return []string{"tuteur"}
	}
}

// followUpKinds weighs the kinds of follow-up as a mediator's week goes: mostly interviews and
// calls, now and then a home visit or a GPDS.
var followUpKinds = []struct {
	kind   models.FollowUpKind
	weight int
	lo, hi int // duration in minutes
}{
	{models.FollowUpPupilInterview, 30, 20, 60},
	{models.FollowUpFamilyPhone, 28, 10, 30},
	{models.FollowUpHomeVisit, 8, 45, 120},
	{models.FollowUpConflictMediation, 10, 30, 90},
	{models.FollowUpGPDSMeeting, 8, 30, 90},
	{models.FollowUpPartnerAccompaniment, 6, 60, 120},
	{models.FollowUpOther, 10, 10, 45},
}

// FollowUpKind draws the kind of a follow-up and its duration in minutes, a multiple of five.
func FollowUpKind(r *rand.Rand) (models.FollowUpKind, int) {
	n := r.IntN(100)
	for _, k := range followUpKinds {
		if n < k.weight {
			return k.kind, (k.lo/5 + r.IntN(k.hi/5-k.lo/5+1)) * 5
		}
		n -= k.weight
	}
	return models.FollowUpOther, 15
}

// PastMeetingStatus draws how a meeting of the past went: mostly held, now and then with the
// family absent, postponed or cancelled.
func PastMeetingStatus(r *rand.Rand) models.MeetingStatus {
	switch x := r.Float64(); {
	case x < 0.65:
		return models.MeetingHeld
	case x < 0.8:
		return models.MeetingFamilyAbsent
	case x < 0.9:
		return models.MeetingPostponed
	default:
		return models.MeetingCancelled
	}
}

// Recap writes the recap of a meeting: what was found, two decisions, and who does what.
func Recap(r *rand.Rand, t Text) string {
	d := r.Perm(len(recapDecisions))
	return t.Fill(recapFindings[r.IntN(len(recapFindings))]) +
		"\nDécisions : " + recapDecisions[d[0]] + " ; " + recapDecisions[d[1]] + "." +
		"\nQui fait quoi : la famille suit les absences sur l'ENT ; le CPE fait un point chaque semaine ; " +
		"la médiation rappelle la famille dans quinze jours."
}
