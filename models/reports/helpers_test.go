package reports_test

import "testing"

// must fails the test on an error of its set-up.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
