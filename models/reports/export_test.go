package reports

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
