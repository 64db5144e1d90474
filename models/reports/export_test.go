package reports

// The raw anonymised figures are read by unexported loaders only; the tests of their
// queries, worked out by hand, read them through these names.
var (
	LoadMetropolitanFigures = loadMetropolitanFigures
	LoadPartnerFigures      = loadPartnerFigures
)
