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

// PostgREST's own error codes (https://postgrest.org, "Errors"), by what
// they mean. api/error.go maps each to its HTTP status.
const (
	PGRSTConnection     = "PGRST000" // could not connect to the database
	PGRSTConnectionLost = "PGRST001" // internal connection error
	PGRSTSchemaCache    = "PGRST002" // schema cache not loaded
	PGRSTPoolTimeout    = "PGRST003" // timed out acquiring a connection
	PGRSTParse          = "PGRST100" // a query parameter does not parse
	PGRSTInvalidRPC     = "PGRST101" // method not allowed for a function
	PGRSTInvalidBody    = "PGRST102" // body is not valid JSON or its objects' keys differ
	PGRSTRange          = "PGRST103" // limit/offset/Range not satisfiable
	PGRSTInvalidPut     = "PGRST105" // PUT not allowed here
	PGRSTSchema         = "PGRST106" // Accept-Profile/Content-Profile names another schema
	PGRSTContentType    = "PGRST107" // unsupported Content-Type or Accept
	PGRSTEmbedFilter    = "PGRST108" // a filter or order on an embedding that is not selected
	PGRSTPutLimit       = "PGRST114" // PUT with limit or offset
	PGRSTPutKey         = "PGRST115" // PUT whose body and filter disagree on the key
	PGRSTSingular       = "PGRST116" // singular response of zero or several rows
	PGRSTMethod         = "PGRST117" // unsupported HTTP method
	PGRSTRelatedOrder   = "PGRST118" // ordering by a to-many embedding
	PGRSTEmbedOp        = "PGRST120" // invalid filter on an embedding (only is.null)
	PGRSTStrictPrefer   = "PGRST122" // invalid Prefer with handling=strict
	PGRSTAggregates     = "PGRST123" // aggregate functions are disabled
	PGRSTMaxAffected    = "PGRST124" // more rows affected than max-affected allows
	PGRSTPath           = "PGRST125" // invalid path in the request URL
	PGRSTOpenAPIOff     = "PGRST126" // OpenAPI disabled
	PGRSTNotImplemented = "PGRST127" // feature not implemented
	PGRSTNoRelation     = "PGRST200" // no relationship for an embedding
	PGRSTNoFunction     = "PGRST202" // no such function (rpc)
	PGRSTAmbiguous      = "PGRST201" // several relationships match an embedding
	PGRSTUnknownColumn  = "PGRST204" // a written column that does not exist
	PGRSTUnknownTable   = "PGRST205" // a table that does not exist
)

// PostgreSQL SQLSTATEs that PostgREST passes through and this server
// reproduces, by their PostgreSQL condition names.
const (
	SQLStateConnectionFailure = "08006" // connection_failure
	SQLStateCardinality       = "21000" // cardinality_violation (PATCH/DELETE without a filter)
	SQLStateNotSupported      = "0A000" // feature_not_supported (a text search configuration not emulated)
	SQLStateDatetimeFormat    = "22007" // invalid_datetime_format
	SQLStateDatetimeOverflow  = "22008" // datetime_field_overflow (year 0000)
	SQLStateInvalidRegex      = "2201B" // invalid_regular_expression
	SQLStateUntranslatable    = "22021" // character_not_in_repertoire (NUL in text)
	SQLStateUnicodeEscape     = "22P05" // untranslatable_character (\u0000 in jsonb)
	SQLStateInvalidEscape     = "22025" // invalid_escape_sequence
	SQLStateInvalidText       = "22P02" // invalid_text_representation
	SQLStateUnicodeNUL        = "22P05" // untranslatable_character (\u0000 in jsonb)
	SQLStateNotNull           = "23502" // not_null_violation
	SQLStateForeignKey        = "23503" // foreign_key_violation
	SQLStateUnique            = "23505" // unique_violation
	SQLStateCheck             = "23514" // check_violation
	SQLStateReadOnly          = "25006" // read_only_sql_transaction
	SQLStateInvalidAuth       = "28000" // invalid_authorization_specification
	SQLStateInvalidPassword   = "28P01" // invalid_password
	SQLStateNoDatabase        = "3D000" // invalid_catalog_name (no such database)
	SQLStatePrivilege         = "42501" // insufficient_privilege
	SQLStateSyntax            = "42601" // syntax_error
	SQLStateGrouping          = "42803" // grouping_error
	SQLStateUndefinedColumn   = "42703" // undefined_column
	SQLStateUndefinedObject   = "42704" // undefined_object (text search configuration)
	SQLStateDatatypeMismatch  = "42804" // datatype_mismatch
	SQLStateCannotCoerce      = "42846" // cannot_coerce
	SQLStateUndefinedFunction = "42883" // undefined_function (no such operator)
	SQLStateUndefinedTable    = "42P01" // undefined_table
	SQLStateNoConflictTarget  = "42P10" // invalid_column_reference (on_conflict)
	SQLStateTooManyConns      = "53300" // too_many_connections
	SQLStateQueryCanceled     = "57014" // query_canceled (statement timeout)
	SQLStateAdminShutdown     = "57P01" // admin_shutdown
	SQLStateCrashShutdown     = "57P02" // crash_shutdown
	SQLStateCannotConnectNow  = "57P03" // cannot_connect_now
)
