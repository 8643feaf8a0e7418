package crm

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Error is the one error type of ConnectGain. Every layer returns it (or wraps
// it); the HTTP layer maps Code to a status in exactly one table and writes
// the four fields as PostgREST's error object.
//
// Code is either one of the codes below (our own, snake_case), a PostgREST
// code (PGRSTxxx) or a PostgreSQL SQLSTATE that PostgREST would pass through
// (23505, 42703, 22P02, ...).
type Error struct {
	Code    string
	Message string
	Details string // empty means null
	Hint    string // empty means null
	// Status, when non-zero, overrides the code's status. Used only for
	// codes whose status depends on context (PGRST103 is 416, say).
	Status int
	// Err is the underlying cause, kept for logs; never shown.
	Err error
}

// Item and request error codes of our own.
const (
	CodeInvalidRequest   = "invalid_request"
	CodeInvalidValue     = "invalid_value"
	CodeInvalidTitle     = "invalid_title"
	CodeInvalidStage     = "invalid_stage"
	CodeInvalidCurrency  = "invalid_currency"
	CodeInvalidPhone     = "invalid_phone"
	CodeInvalidEmail     = "invalid_email"
	CodeInvalidDate      = "invalid_date"
	CodeInvalidField     = "invalid_field"
	CodeInvalidCustom    = "invalid_custom_fields"
	CodeInvalidPipeline  = "invalid_pipeline"
	CodeUnknownField     = "unknown_field"
	CodeMissingContact   = "missing_contact"
	CodeContactNotFound  = "contact_not_found"
	CodeCompanyNotFound  = "company_not_found"
	CodeTooLarge         = "payload_too_large"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeNotFound         = "not_found"
	CodeInternal         = "internal_error"
	CodeUnavailable      = "unavailable"
	CodeMethodNotAllowed = "method_not_allowed"
)

func (e *Error) Error() string {
	if e.Details != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Details)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithDetails returns a copy of e with Details set.
func (e *Error) WithDetails(format string, args ...any) *Error {
	c := *e
	c.Details = fmt.Sprintf(format, args...)
	return &c
}

// WithHint returns a copy of e with Hint set.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := *e
	c.Hint = fmt.Sprintf(format, args...)
	return &c
}

// AsError reports whether err is (or wraps) an *Error and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// MarshalJSON writes PostgREST's error object: all four keys, null where
// there is nothing to say.
func (e *Error) MarshalJSON() ([]byte, error) {
	type body struct {
		Code    string  `json:"code"`
		Message string  `json:"message"`
		Details *string `json:"details"`
		Hint    *string `json:"hint"`
	}
	b := body{Code: e.Code, Message: e.Message}
	if e.Details != "" {
		b.Details = &e.Details
	}
	if e.Hint != "" {
		b.Hint = &e.Hint
	}
	return json.Marshal(b)
}
