package pgrest

import (
	"errors"

	"github.com/connectgain/server/crm"
)

// AsCrmError converts a parser error (or one wrapping it) to the one error
// type, keeping its status; any other error is returned unchanged.
func AsCrmError(err error) error {
	var pe *Error
	if !errors.As(err, &pe) {
		return err
	}
	e := &crm.Error{Code: pe.Code, Message: pe.Message, Status: pe.Status}
	if pe.Details != nil {
		e.Details = *pe.Details
	}
	if pe.Hint != nil {
		e.Hint = *pe.Hint
	}
	return e
}
