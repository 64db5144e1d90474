package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"mediation/models"
)

// ExportPupil downloads everything held about a pupil as JSON, for the family's right of
// access; the export is in the audit log.
func (h *Handlers) ExportPupil(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	out, err := models.ExportPupilFile(c.Request().Context(), h.DB, currentScope(c), id, h.Now())
	if err != nil {
		return notFound(err)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := h.auditFile(c, id, models.AuditExported, "pupil", fmt.Sprint(id), "json"); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="dossier-%d.json"`, id))
	return c.Blob(http.StatusOK, jsonUTF8, b)
}

// jsonUTF8 is the export's media type, as it has always been sent (echo deprecated its constant
// for it: JSON is UTF-8 anyway; the charset stays so that the download does not change).
const jsonUTF8 = "application/json; charset=UTF-8"
