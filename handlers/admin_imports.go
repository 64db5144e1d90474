package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
	"mediation/views"
)

// Importer runs one kind of import; app gives the handlers the list.
type Importer func(ctx context.Context, db *gorm.DB, r io.Reader, opts imports.PupilImportOptions, actor models.Actor, now time.Time) (imports.ImportResult, error)

// ImportKinds are the imports offered, in the order of the form.
var ImportKinds = []string{"establishments", "pupils", "indicators"}

// ImportPage is the upload form, then the preview of what the file would do, then the result.
type ImportPage struct {
	views.Page
	Kinds          []string
	Establishments []models.Establishment
	Values         map[string]string
	Errors         map[string]string
	// Preview is set once a file was read; Token applies it.
	Preview  *imports.ImportResult
	Token    string
	Filename string
	Kind     string
	// FileError is a problem with the file as a whole.
	FileError string
	Done      bool
	// SkipInvalid tells that the upload asked to leave the invalid lines out: the preview's
	// text and button then say so.
	SkipInvalid bool
}

// Get returns a value of the form.
func (p ImportPage) Get(name string) string { return p.Values[name] }

func (h *Handlers) importPage(c echo.Context, title string) (ImportPage, error) {
	es, err := models.ListEstablishments(c.Request().Context(), h.DB)
	if err != nil {
		return ImportPage{}, err
	}
	return ImportPage{Page: h.page(c, title), Kinds: ImportKinds, Establishments: es, Values: map[string]string{}, Errors: map[string]string{}}, nil
}

// ImportForm shows the upload form.
func (h *Handlers) ImportForm(c echo.Context) error {
	p, err := h.importPage(c, "import.title")
	if err != nil {
		return err
	}
	p.Values["encoding"] = csvimport.EncodingAuto
	return h.render(c, http.StatusOK, "admin_import", p)
}

func importOptions(v url.Values) imports.PupilImportOptions {
	return imports.PupilImportOptions{UAI: v.Get("uai"), ImportOptions: imports.ImportOptions{
		SkipInvalid: v.Get("skip_invalid") == "on", CSV: csvimport.Options{Encoding: v.Get("encoding"), MaxBytes: ImportMaxBytes}}}
}

// ImportMaxBytes bounds an uploaded file.
const ImportMaxBytes = 50 << 20

// UploadImport reads the file, runs the import as a dry run and shows what it would do; the
// file waits in the database for the administrator to apply it.
func (h *Handlers) UploadImport(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := h.importPage(c, "import.title")
	if err != nil {
		return err
	}
	p.Values = formValues(c)
	kind := c.FormValue("kind")
	run, ok := h.Importers[kind]
	if !ok {
		p.Errors["kind"] = p.T("import.kind_required")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		p.Errors["file"] = p.T("import.file_required")
	} else if fh.Size > ImportMaxBytes {
		p.Errors["file"] = p.T("import.file_too_large", "Max", ImportMaxBytes>>20)
	}
	if len(p.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, "admin_import", p)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, ImportMaxBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	opts := importOptions(form)
	opts.DryRun = true
	res, err := run(ctx, h.DB, bytes.NewReader(data), opts, actor(c), h.Now())
	p.Kind, p.Filename = kind, fh.Filename
	var fe *csvimport.Error
	switch {
	case errors.As(err, &fe):
		p.FileError = p.FileProblem(fe)
		return h.render(c, http.StatusUnprocessableEntity, "admin_import", p)
	case err != nil && !errors.Is(err, imports.ErrInvalidLines):
		return err
	}
	p.Preview, p.SkipInvalid = &res, opts.SkipInvalid
	options := url.Values{"uai": {opts.UAI}, "encoding": {form.Get("encoding")}, "skip_invalid": {form.Get("skip_invalid")}}
	if p.Token, err = imports.SaveUpload(ctx, h.DB, h.Now(), currentUser(c).ID, kind, fh.Filename, options.Encode(), data); err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "admin_import", p)
}

// ApplyImport runs an uploaded file for real.
func (h *Handlers) ApplyImport(c echo.Context) error {
	ctx := c.Request().Context()
	up, err := imports.UploadOf(ctx, h.DB, h.Now(), currentUser(c).ID, c.Param("token"))
	if err != nil {
		return notFound(err)
	}
	run, ok := h.Importers[up.Kind]
	if !ok {
		return echo.ErrNotFound
	}
	options, _ := url.ParseQuery(up.Options)
	opts := importOptions(options)
	// The preview's "import the valid lines" button asks for it, whatever the upload said.
	if c.FormValue("skip_invalid") == "on" {
		opts.SkipInvalid = true
	}
	res, err := run(ctx, h.DB, bytes.NewReader(up.Data), opts, actor(c), h.Now())
	p, perr := h.importPage(c, "import.title")
	if perr != nil {
		return perr
	}
	p.Kind, p.Filename, p.Preview, p.SkipInvalid = up.Kind, up.Filename, &res, opts.SkipInvalid
	var fe *csvimport.Error
	switch {
	case errors.As(err, &fe):
		p.FileError = p.FileProblem(fe)
		return h.render(c, http.StatusUnprocessableEntity, "admin_import", p)
	case errors.Is(err, imports.ErrInvalidLines):
		p.Token = up.Token
		return h.render(c, http.StatusUnprocessableEntity, "admin_import", p)
	case err != nil:
		return err
	}
	if err := imports.DeleteUpload(ctx, h.DB, up.Token); err != nil {
		return err
	}
	p.Done = true
	return h.render(c, http.StatusOK, "admin_import", p)
}
