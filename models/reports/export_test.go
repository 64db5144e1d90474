package reports

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"
)

// The raw anonymised figures are read by unexported loaders only; the tests of their
// queries, worked out by hand, read them through these names.
var (
	LoadMetropolitanFigures = loadMetropolitanFigures
	LoadPartnerFigures      = loadPartnerFigures
	LoadImpact              = loadImpact
)

// Computed is the number of computations of the metropolitan figures by this process.
func (s *Snapshots) Computed() int64 { return s.computed.Load() }

// ChangeStamp is the school year's change stamp, which a snapshot records.
var ChangeStamp = changeStamp

// ResetActivity makes a an empty Activity, as the reports start their sums.
func ResetActivity(a *Activity) { *a = *newActivity() }

// PrintedImpact is what a snapshot of the annual review keeps of it: what may be printed.
func PrintedImpact(r Impact) string {
	b, err := json.Marshal(r.payload())
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ImpactStamp is the stamp of the annual review of a school year.
var ImpactStamp = impactStamp

// SnapshotRoundTrip is the review as a snapshot gives it back: stored as JSON, then read.
func SnapshotRoundTrip(r Impact) (Impact, error) {
	b, err := json.Marshal(r.payload())
	if err != nil {
		return r, err
	}
	var p impactPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return r, err
	}
	return p.impact(r.Year, r.threshold)
}

// AvoidedCostsOf values a year's results with the unit values.
var AvoidedCostsOf = avoidedCosts

// SummariesComputed is the number of establishment summaries this process computed.
func (s *Snapshots) SummariesComputed() int64 { return s.summariesComputed.Load() }

// SummariesKept is the number of establishment summaries this process keeps.
func (s *Snapshots) SummariesKept() int { return s.summaries.len() }

// EstablishmentStamp is the establishment's change stamp (migration 0030).
func EstablishmentStamp(ctx context.Context, db *gorm.DB, uai string) (int64, error) {
	_, stamp, err := establishmentStamp(ctx, db, uai)
	return stamp, err
}
