package app

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"mediation/models"
	"mediation/views"
)

// frenchError is a validation error written in French for the command line; errors.As still
// finds the models.ValidationError under it.
type frenchError struct {
	text string
	err  error
}

func (e *frenchError) Error() string { return e.text }
func (e *frenchError) Unwrap() error { return e.err }

// inFrench writes the messages of a validation error in French, as the command speaks it,
// field by field in a stable order; any other error passes unchanged.
func inFrench(err error) error {
	var v models.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	vs, verr := views.New()
	if verr != nil {
		return errors.Join(err, verr)
	}
	loc := vs.Localizer("fr")
	fields := make([]string, 0, len(v))
	for f := range v {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, fmt.Sprintf("%s : %s", f, loc.Msg(v[f])))
	}
	return &frenchError{text: strings.Join(parts, " ; "), err: err}
}
