package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/restsql"
)

// statusOf is the one table from error code to HTTP status: our own codes,
// PostgREST's PGRST codes and the SQLSTATEs PostgREST passes through.
var statusOf = map[string]int{
	crm.CodeInvalidRequest:   http.StatusBadRequest,
	crm.CodeInvalidValue:     http.StatusBadRequest,
	crm.CodeInvalidTitle:     http.StatusBadRequest,
	crm.CodeInvalidStage:     http.StatusBadRequest,
	crm.CodeInvalidCurrency:  http.StatusBadRequest,
	crm.CodeInvalidPhone:     http.StatusBadRequest,
	crm.CodeInvalidEmail:     http.StatusBadRequest,
	crm.CodeInvalidDate:      http.StatusBadRequest,
	crm.CodeInvalidField:     http.StatusBadRequest,
	crm.CodeInvalidCustom:    http.StatusBadRequest,
	crm.CodeInvalidPipeline:  http.StatusBadRequest,
	crm.CodeUnknownField:     http.StatusBadRequest,
	crm.CodeMissingContact:   http.StatusBadRequest,
	crm.CodeContactNotFound:  http.StatusBadRequest,
	crm.CodeCompanyNotFound:  http.StatusBadRequest,
	crm.CodeTooLarge:         http.StatusRequestEntityTooLarge,
	crm.CodeUnauthorized:     http.StatusUnauthorized,
	crm.CodeForbidden:        http.StatusForbidden,
	crm.CodeNotFound:         http.StatusNotFound,
	crm.CodeInternal:         http.StatusInternalServerError,
	crm.CodeUnavailable:      http.StatusServiceUnavailable,
	crm.CodeMethodNotAllowed: http.StatusMethodNotAllowed,

	crm.PGRSTConnection: 503, crm.PGRSTConnectionLost: 503, crm.PGRSTSchemaCache: 503, crm.PGRSTPoolTimeout: 504,
	crm.PGRSTParse: 400, crm.PGRSTInvalidRPC: 405, crm.PGRSTInvalidBody: 400, crm.PGRSTRange: 416,
	crm.PGRSTInvalidPut: 405, crm.PGRSTSchema: 406, crm.PGRSTContentType: 406, crm.PGRSTEmbedFilter: 400,
	crm.PGRSTPutLimit: 400, crm.PGRSTPutKey: 400, crm.PGRSTSingular: 406, crm.PGRSTMethod: 405,
	crm.PGRSTRelatedOrder: 400, crm.PGRSTEmbedOp: 400, crm.PGRSTStrictPrefer: 400, crm.PGRSTAggregates: 400,
	crm.PGRSTMaxAffected: 400, crm.PGRSTPath: 404, crm.PGRSTOpenAPIOff: 404, crm.PGRSTNotImplemented: 400,
	crm.PGRSTNoRelation: 400, crm.PGRSTAmbiguous: 300, crm.PGRSTUnknownColumn: 400, crm.PGRSTUnknownTable: 404,

	crm.SQLStateForeignKey: 409, crm.SQLStateUnique: 409, crm.SQLStateCardinality: 400, crm.SQLStateReadOnly: 405,
	crm.SQLStateUndefinedFunction: 404, crm.SQLStateUndefinedTable: 404, crm.SQLStatePrivilege: 403,

	CodeBusy: http.StatusServiceUnavailable, CodeRateLimited: http.StatusTooManyRequests,
	CodeTimeout: http.StatusGatewayTimeout, restsql.CodeResponseTooLarge: http.StatusBadRequest,
	CodeIdemInUse: http.StatusConflict, CodeIdemLost: http.StatusConflict,
	CodeIdemReused: http.StatusUnprocessableEntity, CodeIdemInvalid: http.StatusBadRequest,
}

// Status returns the HTTP status for an error code: the table above, then
// PostgREST's SQLSTATE class rules, then 400.
func Status(e *crm.Error) int {
	if e.Status != 0 {
		return e.Status
	}
	if s, ok := statusOf[e.Code]; ok {
		return s
	}
	c := e.Code
	switch {
	case strings.HasPrefix(c, "08"), c == crm.SQLStateAdminShutdown:
		return 503
	case strings.HasPrefix(c, "09"), strings.HasPrefix(c, "25"), strings.HasPrefix(c, "40"),
		strings.HasPrefix(c, "54"), strings.HasPrefix(c, "55"), strings.HasPrefix(c, "57"),
		strings.HasPrefix(c, "XX"), strings.HasPrefix(c, "53"):
		return 500
	case strings.HasPrefix(c, "28"):
		return 403
	}
	return 400
}

// asAPIError turns any error into the *crm.Error to show. Errors that are
// not ours are internal: logged with the request id, shown without detail.
func asAPIError(err error, requestID string, log *slog.Logger) *crm.Error {
	if e, ok := crm.AsError(err); ok {
		if Status(e) >= 500 && e.Err != nil {
			log.Error("request failed", "request_id", requestID, "err", err)
		}
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return crm.Errorf(crm.CodeTooLarge, "the request body is larger than %d bytes", mbe.Limit).
			WithHint("send fewer rows per request")
	}
	if errors.Is(err, context.Canceled) {
		// The client went away, or a shutdown stopped an overdue request:
		// its transaction rolled back, nothing is broken.
		log.Info("request cancelled", "request_id", requestID, "err", err)
		return crm.Errorf(crm.CodeUnavailable, "the request was cancelled before it finished (the client went away or the server is shutting down); what it was writing was rolled back").
			WithHint("send it again, with an Idempotency-Key to be sure it is applied once")
	}
	log.Error("internal error", "request_id", requestID, "err", err)
	return &crm.Error{Code: crm.CodeInternal, Message: "internal error", Details: "request id " + requestID,
		Hint: "the server log has the cause under this request id"}
}

// writeError writes e as PostgREST does: the JSON object, its status and
// the Proxy-Status header.
func writeError(w http.ResponseWriter, e *crm.Error) {
	status := Status(e)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Proxy-Status", "ConnectGain; error="+e.Code)
	if status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		h.Set("Retry-After", busyRetryAfter)
	}
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", "Bearer")
	}
	if e.Code != crm.PGRSTRange { // a 416 tells the range there is: */N
		h.Del("Content-Range")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}
