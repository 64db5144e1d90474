package app

import (
	"errors"
	"fmt"
	"strings"

	"mediation/models"
	"mediation/models/imports"
	"mediation/models/imports/csvimport"
	"mediation/views"
)

// frenchError is an error written in French for the command line; errors.As and errors.Is
// still find the error under it.
type frenchError struct {
	text string
	err  error
}

func (e *frenchError) Error() string { return e.text }
func (e *frenchError) Unwrap() error { return e.err }

// InFrench writes in French, as the command speaks it, an error a person has to read (see
// inLanguage); any other error passes unchanged.
func InFrench(err error) error {
	var v models.ValidationError
	var fe *csvimport.Error
	var p *models.Problem
	if !errors.As(err, &v) && !errors.As(err, &fe) && !errors.As(err, &p) && !errors.Is(err, imports.ErrInvalidLines) {
		return err
	}
	vs, verr := views.New()
	if verr != nil {
		return errors.Join(err, verr)
	}
	return inLanguage(vs.Localizer("fr"), err)
}

// inLanguage writes in loc's language the errors that carry a message rather than a sentence:
// a validation error field by field in a stable order, a problem with an imported file, an
// import refused for its invalid lines, a models.Problem (a database that cannot be opened). errors.As and errors.Is still find the error under
// the text; any other error passes unchanged.
func inLanguage(loc *views.Localizer, err error) error {
	var v models.ValidationError
	var fe *csvimport.Error
	var p *models.Problem
	var text string
	switch {
	case errors.As(err, &v):
		parts := make([]string, 0, len(v))
		for _, f := range v.Fields() {
			parts = append(parts, fmt.Sprintf("%s : %s", f, loc.Msg(v[f])))
		}
		text = strings.Join(parts, " ; ")
	case errors.As(err, &fe):
		text = loc.FileProblem(fe)
	case errors.As(err, &p):
		text = loc.Msg(p.Message)
	case errors.Is(err, imports.ErrInvalidLines):
		text = loc.T("import.command.invalid_lines")
	default:
		return err
	}
	return &frenchError{text: text, err: err}
}
