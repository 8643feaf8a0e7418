package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
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

	"PGRST000": 503, "PGRST001": 503, "PGRST002": 503, "PGRST003": 504,
	"PGRST100": 400, "PGRST101": 405, "PGRST102": 400, "PGRST103": 416,
	"PGRST105": 405, "PGRST106": 406, "PGRST107": 406, "PGRST108": 400,
	"PGRST114": 400, "PGRST115": 400, "PGRST116": 406, "PGRST117": 405,
	"PGRST118": 400, "PGRST120": 400, "PGRST122": 400, "PGRST123": 400,
	"PGRST124": 400, "PGRST125": 404, "PGRST126": 404, "PGRST127": 400,
	"PGRST200": 400, "PGRST201": 300, "PGRST204": 400, "PGRST205": 404,

	CodeBusy: http.StatusServiceUnavailable, CodeRateLimited: http.StatusTooManyRequests,
	CodeTimeout: http.StatusGatewayTimeout, sqlstore.CodeResponseTooLarge: http.StatusBadRequest,
	CodeIdemInUse: http.StatusConflict, CodeIdemLost: http.StatusConflict,
	CodeIdemReused: http.StatusUnprocessableEntity, CodeIdemInvalid: http.StatusBadRequest,

	"23503": 409, "23505": 409, "21000": 400, "25006": 405,
	"42883": 404, "42P01": 404, "42501": 403,
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
	case strings.HasPrefix(c, "08"), strings.HasPrefix(c, "57P01"):
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
	var he httpError
	if errors.As(err, &he) {
		return he.e
	}
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
	log.Error("internal error", "request_id", requestID, "err", err)
	return &crm.Error{Code: crm.CodeInternal, Message: "internal error", Details: "request id " + requestID,
		Hint: "the server log has the cause under this request id"}
}

// httpError lets a handler choose a status for an error explicitly.
type httpError struct{ e *crm.Error }

func (h httpError) Error() string { return h.e.Error() }

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
	if e.Code != "PGRST103" { // a 416 tells the range there is: */N
		h.Del("Content-Range")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}
