package reports

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"mediation/models"
	"mediation/models/calendar"
)

// TestProtectedFiguresHideMaskedCounts: what leaves this package of an anonymised report
// holds no masked count, not even where a view would not print it.
func TestProtectedFiguresHideMaskedCounts(t *testing.T) {
	f := PartnerFigures{Partner: models.PartnerOrganisation{Name: "CAF", ResponseDays: 10}, Year: calendar.SchoolYear{StartYear: 2025},
		Elapsed: 12, Sent: 9, ByStatus: map[models.ReferralStatus]int{models.ReferralSent: 2, models.ReferralAccepted: 7},
		ByReason: map[models.ReferralReason]int{models.ReferralReasons[0]: 9}, ByOutcome: map[models.ReferralOutcome]int{},
		SentByMonth: [12]int{2, 7}, OnTime: 3, Overdue: 2, ByEstablishment: []KeyCount{{Key: "A", N: 9}},
		ReplyTime: ReplyTime{Acknowledged: 3, MedianDays: 4}, AnswerMedian: ReplyTime{Acknowledged: 3, MedianDays: 6}}
	r := ProtectPartner(f, 5)
	masked := 0
	for _, table := range []Table{r.Statuses(), r.Reasons(), r.Months(), r.Establishments()} {
		p := table.Counts()
		for i := range p.Cells {
			for j, n := range p.Cells[i] {
				if p.Masks[i][j].Masked() {
					masked++
					if n != 0 {
						t.Errorf("a masked cell carries its count %d", n)
					}
				}
			}
		}
		for j, n := range p.ColTotals {
			if p.ColTotalMasks[j].Masked() && n != 0 {
				t.Errorf("a masked total carries its count %d", n)
			}
		}
	}
	if masked == 0 {
		t.Fatal("the sample has no masked count: it tests nothing")
	}
	if n, m := r.Overdue().Value(); !m.Masked() || n != 0 {
		t.Errorf("overdue = %d, %v; want 0 and masked", n, m)
	}
	if rt, ok := r.ReplyTime().Value(); ok || rt != (ReplyTime{}) {
		t.Errorf("a median over 3 referrals is given: %+v", rt)
	}
}

// TestViewsCallNoProtectionFunction: the views print the anonymised figures as they come from
// this package; they neither protect nor could they get raw anonymised counts to protect.
func TestViewsCallNoProtectionFunction(t *testing.T) {
	files, err := filepath.Glob("../../views/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("views sources: %v, %d files", err, len(files))
	}
	forbidden := map[string]bool{"Protect": true, "ProtectNetwork": true, "Transport": true,
		"ProtectMetropolitan": true, "ProtectPartner": true}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && forbidden[sel.Sel.Name] {
				if x, ok := sel.X.(*ast.Ident); ok && (x.Name == "disclosure" || x.Name == "reports") {
					t.Errorf("%s: views call %s.%s", fset.Position(sel.Pos()), x.Name, sel.Sel.Name)
				}
			}
			return true
		})
	}
}
