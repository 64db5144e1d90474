package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
)

// submitOnce runs a creation through models.SubmitOnce with the token of the form
// (models.SubmissionTokenField), so that the same form sent twice creates once. create makes
// the record in tx and returns where the answer leads. When this post repeats an earlier one,
// replay is where that one led and nothing was created; the caller answers with
// h.replayed.
//
// A post without a token is served without that protection rather than refused: every form the
// application renders carries one (no script needed), so only scripts and tests post without,
// and refusing them would add no safety — the token protects a user from their own double
// submit, it is not an access control. A token of the wrong shape is refused (400).
func (h *Handlers) submitOnce(c echo.Context, create func(tx *gorm.DB) (string, error)) (replay string, err error) {
	token := c.FormValue(models.SubmissionTokenField)
	if token != "" && !models.ValidSubmissionToken(token) {
		return "", pageError{status: http.StatusBadRequest, message: h.localizer(c).T("hygiene.submission_invalid")}
	}
	location, replayed, err := models.SubmitOnce(c.Request().Context(), h.DB, currentUser(c).ID, token, h.Now(), create)
	if replayed {
		return location, err
	}
	return "", err
}

// replayed answers a form sent again as the first submission was answered: 303 to the record
// it created, with a word saying that nothing was created twice.
func (h *Handlers) replayed(c echo.Context, location string) error {
	h.flash(c, "hygiene.submission_replayed")
	return redirect(c, location)
}
