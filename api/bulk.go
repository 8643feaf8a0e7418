package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// createDealsBulk is POST /functions/v1/create-deals-bulk. Status: 200 when
// no item failed, 207 when some did, 422 when all did or an atomic request
// had a failure; request-level problems are 400/413 with no results.
func (s *Server) createDealsBulk(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return crm.Errorf(crm.CodeInvalidRequest, "could not read the request body").WithDetails("%v", err)
	}
	// One pass finds what must not be stored and whether the body is
	// JSON at all; the latter is reported first, in the decoder's terms.
	bp, valid := scanJSONBody(body)
	if err := checkBulkBody(body, valid); err != nil {
		return err
	}
	if bp != nil {
		return bp.asError(false)
	}
	req, err := crm.ParseValidBulkRequest(body, s.cfg.MaxBulkDeals)
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	out, err := s.store.CreateDealsBulk(r.Context(), p, req)
	if err != nil {
		return err
	}
	if out.Written {
		s.rowsWritten("deals", out.Summary.Created)
		s.rowsWritten("contacts", out.Summary.ContactsCreated)
	}
	status := http.StatusOK
	switch sum := out.Summary; {
	case sum.Failed == 0:
	case sum.Failed == sum.Total || req.Atomic:
		status = http.StatusUnprocessableEntity
	default:
		status = http.StatusMultiStatus
	}
	resp := appendBulkResponse(make([]byte, 0, 64+len(out.Results)*600), req.DryRun, out)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(resp)
	return err
}

// appendBulkResponse writes the response object: dry_run (when set),
// summary, and one result per item in input order. Written by hand: a
// 10,000-deal answer by reflection cost a third of the request's time.
func appendBulkResponse(b []byte, dryRun bool, out *crm.BulkOutcome) []byte {
	b = append(b, '{')
	if dryRun {
		b = append(b, `"dry_run":true,`...)
	}
	sum, _ := json.Marshal(out.Summary)
	b = append(b, `"summary":`...)
	b = append(b, sum...)
	b = append(b, `,"results":[`...)
	for i := range out.Results {
		r := &out.Results[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(r.Index), 10)
		b = append(b, `,"status":`...)
		b = crm.AppendJSONString(b, r.Status)
		if r.Status == crm.ItemCreated || r.Status == crm.ItemSkipped {
			b = append(b, `,"deal_id":`...)
			b = appendNullable(b, r.DealID)
			b = append(b, `,"contact_id":`...)
			b = appendNullable(b, r.ContactID)
			b = append(b, `,"is_new_contact":`...)
			b = strconv.AppendBool(b, r.IsNewContact != nil && *r.IsNewContact)
			b = append(b, `,"matched_by":`...)
			b = crm.AppendJSONString(b, string(r.MatchedBy))
			b = appendContactChanges(b, r)
		}
		if r.Reason != "" {
			b = append(b, `,"reason":`...)
			b = crm.AppendJSONString(b, r.Reason)
		}
		if r.Deal != nil {
			b = append(b, `,"deal":`...)
			b, _ = r.Deal.AppendJSON(b) // a row of stored kinds: cannot fail
		}
		if r.Error != nil {
			b = append(b, `,"error":`...)
			b = r.Error.AppendJSON(b)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendContactChanges writes contact_updated and contact_conflicts, when
// the item added to its contact or named another contact's identifier.
func appendContactChanges(b []byte, r *crm.BulkResult) []byte {
	if len(r.ContactUpdated) > 0 {
		b = append(b, `,"contact_updated":[`...)
		for i, f := range r.ContactUpdated {
			if i > 0 {
				b = append(b, ',')
			}
			b = crm.AppendJSONString(b, f)
		}
		b = append(b, ']')
	}
	if len(r.ContactConflicts) > 0 {
		c, _ := json.Marshal(r.ContactConflicts)
		b = append(b, `,"contact_conflicts":`...)
		b = append(b, c...)
	}
	return b
}

func appendNullable(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return crm.AppendJSONString(b, *s)
}

// bulkExample is the smallest bulk request, for hints.
const bulkExample = `{"deals": [{"title": "Order 1", "value": 100, "contact_phone": "+201017177777"}]}`

// checkBulkBody refuses a bulk body that is not a JSON object, in words:
// what was received (empty, not JSON and where, an array, a scalar) and
// the fix, never the decoder's Go types. valid says the pre-scan has
// already found the body to be JSON.
func checkBulkBody(body []byte, valid bool) error {
	t := bytes.TrimSpace(body)
	switch {
	case len(t) == 0:
		return crm.Errorf(crm.CodeInvalidRequest, "the request body is empty").
			WithHint("send a JSON object with a deals array: %s", bulkExample)
	case !valid && !json.Valid(t):
		return crm.Errorf(crm.CodeInvalidRequest, "the request body is not valid JSON: %s", describeJSONError(body)).
			WithHint("check the JSON (quotes, commas, brackets); the body is an object: %s", bulkExample)
	case t[0] == '[':
		return crm.Errorf(crm.CodeInvalidRequest, "the request body is a JSON array; the bulk endpoint takes an object with the deals in its deals array").
			WithHint(`wrap the array: {"deals": [...]}`)
	case t[0] != '{':
		return crm.Errorf(crm.CodeInvalidRequest, "the request body is a JSON %s (%s), not an object", jsonKind(t), clipText(t)).
			WithHint("send a JSON object with a deals array: %s", bulkExample)
	}
	return nil
}

// describeJSONError says where and why body is not valid JSON: "unexpected
// '}' at line 3, column 5" or "it ends before the JSON is complete".
func describeJSONError(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return "it cannot be read as JSON"
	}
	off := int(se.Offset)
	if off >= len(bytes.TrimRight(body, " \t\r\n")) || strings.Contains(se.Error(), "end of JSON input") {
		return "it ends before the JSON is complete (a missing closing quote, } or ])"
	}
	// Offset counts the bytes read, the offending one included.
	at := max(off-1, 0)
	line := 1 + bytes.Count(body[:at], []byte("\n"))
	col := at - bytes.LastIndexByte(body[:at], '\n')
	r, _ := utf8.DecodeRune(body[at:])
	return fmt.Sprintf("unexpected %s at line %d, column %d", strconv.QuoteRune(r), line, col)
}

// jsonKind names the JSON type of a valid value by its first byte.
func jsonKind(t []byte) string {
	switch t[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// clipText is t, cut to 60 bytes for an error message.
func clipText(t []byte) string {
	if len(t) > 60 {
		n := 60
		for n > 0 && !utf8.RuneStart(t[n]) {
			n--
		}
		return string(t[:n]) + "…"
	}
	return string(t)
}
