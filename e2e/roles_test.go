package e2e

import (
	"net/http"
	"testing"
)

// The pages of issue #13's role gaps, reached as their users reach them: checked by axe-core
// at 1280 and 375 px and by the Nu HTML checker with the other pages of TestPages.
func init() {
	flows = append(flows,
		flow{"coordination@demo.test", "an establishment edited from the home, first with an empty name", func(t *testing.T, b *browser) {
			b.open(t, "/")
			b.click(t, `a[href="/establishments/0599101X/edit"]`, http.StatusOK)
			b.check(t, "/establishments/0599101X/edit")
			b.open(t, "/establishments/0599101X/edit")
			b.fill(t, map[string]string{"#name": "   "})
			b.click(t, `form[action="/establishments/0599101X/edit"] button[type="submit"]`, http.StatusUnprocessableEntity)
			if b.text(t, "#name-error") == "" {
				t.Error("an establishment without a name shows no error beside the field")
			}
			b.check(t, "/establishments/0599101X/edit with an error")
		}},
		flow{"admin@demo.test", "a password reset asks for confirmation", func(t *testing.T, b *browser) {
			b.open(t, "/admin/users/3")
			b.click(t, `a[href="/admin/users/3/password"]`, http.StatusOK)
			b.check(t, "/admin/users/3/password (confirmation)")
		}},
	)
}
