package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// DefaultMaxBulkDeals is the default limit on deals in one bulk request.
const DefaultMaxBulkDeals = 10000

// MaxTitleLength bounds a deal title, in bytes.
const MaxTitleLength = 1000

// MaxTags bounds the tags of one row.
const MaxTags = 100

// BulkRequest is a parsed POST /functions/v1/create-deals-bulk body. Its
// deals are still raw: each is parsed on its own by ParseDealItem, so one bad
// item does not spoil the others.
type BulkRequest struct {
	Deals             []json.RawMessage
	DefaultCurrency   string // normalised, or ""
	DefaultStage      string // as sent, or ""
	DefaultPipelineID string // normalised uuid, or ""
	SkipIfExists      bool
	Atomic            bool
	DryRun            bool
}

var bulkFields = []string{"deals", "default_currency", "default_stage", "default_pipeline_id", "skip_if_exists", "atomic", "dry_run"}

// ParseBulkRequest reads the request body. Errors are request-level: the
// body is not a JSON object, has no deals array, has too many deals
// (code payload_too_large) or a bad top-level field.
func ParseBulkRequest(body []byte, maxDeals int) (*BulkRequest, error) {
	return parseBulkRequest(body, maxDeals, json.Valid(body))
}

// ParseValidBulkRequest is ParseBulkRequest for a body the caller has
// already found to be valid JSON (the API's pre-scan): the body is then
// split by hand, with no second validation and no copies.
func ParseValidBulkRequest(body []byte, maxDeals int) (*BulkRequest, error) {
	return parseBulkRequest(body, maxDeals, true)
}

func parseBulkRequest(body []byte, maxDeals int, valid bool) (*BulkRequest, error) {
	var top map[string]json.RawMessage
	ok := false
	if valid {
		top, ok = splitObject(body)
	}
	if !ok {
		top = nil
		if err := json.Unmarshal(body, &top); err != nil || top == nil {
			e := Errorf(CodeInvalidRequest, "the body must be a JSON object with a deals array").
				WithHint(`send {"deals": [{"title": "Order 1", "value": 100, "contact_phone": "+201017177777"}]}`)
			if err != nil {
				e.Details = "invalid JSON: " + err.Error()
			}
			return nil, e
		}
	}
	// An unknown key first (a typo explains what follows), then the
	// known ones in a fixed order: the same error whatever the key order.
	var unknown []string
	for k := range top {
		if !contains(bulkFields, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, unknownField(unknown[0], bulkFields, "")
	}
	req := &BulkRequest{}
	for _, k := range bulkFields {
		if v, ok := top[k]; ok {
			if err := req.set(k, v); err != nil {
				return nil, err
			}
		}
	}
	if req.Deals == nil {
		return nil, Errorf(CodeInvalidRequest, "the body has no deals array").
			WithHint(`send {"deals": [{"title": "Order 1", "value": 100, "contact_phone": "+201017177777"}]}`)
	}
	if len(req.Deals) == 0 {
		return nil, Errorf(CodeInvalidRequest, "deals is empty").WithHint("send between 1 and %d deals", maxDeals)
	}
	if len(req.Deals) > maxDeals {
		return nil, Errorf(CodeTooLarge, "too many deals: %d, the limit is %d", len(req.Deals), maxDeals).
			WithHint("split the deals into requests of at most %d", maxDeals)
	}
	return req, nil
}

// set reads the top-level field k of a bulk body.
func (req *BulkRequest) set(k string, v json.RawMessage) *Error {
	var err *Error
	switch k {
	case "deals":
		if isNull(v) || v[0] != '[' {
			return Errorf(CodeInvalidRequest, "deals must be an array of deal objects, got %s", clip(v)).
				WithHint(`send "deals": [{...}, {...}]`)
		}
		if elems, ok := splitArray(v); ok {
			req.Deals = elems
		} else if e := json.Unmarshal(v, &req.Deals); e != nil {
			return Errorf(CodeInvalidRequest, "deals must be an array of deal objects").WithDetails("%v", e)
		}
	case "default_currency":
		var s string
		if s, err = stringField(k, v); err == nil && s != "" {
			var e error
			if req.DefaultCurrency, e = NormalizeCurrency(s); e != nil {
				err = e.(*Error)
				err.Message = "default_currency: " + err.Message
			}
		}
	case "default_stage":
		req.DefaultStage, err = stringField(k, v)
	case "default_pipeline_id":
		var s string
		if s, err = stringField(k, v); err == nil && s != "" {
			req.DefaultPipelineID, err = uuidField(k, s)
		}
	case "skip_if_exists":
		req.SkipIfExists, err = boolField(k, v)
	case "atomic":
		req.Atomic, err = boolField(k, v)
	case "dry_run":
		req.DryRun, err = boolField(k, v)
	}
	return err
}

// Defaults returns the request's defaults by deal column, for WriteEnv.
func (r *BulkRequest) Defaults() map[string]string {
	return map[string]string{"currency": r.DefaultCurrency, "stage": r.DefaultStage, "pipeline_id": r.DefaultPipelineID}
}

// DealInput is one validated bulk item: the deal's columns as sent, read
// and checked by the deals table's description as a REST write is, and
// the contact fields that only the bulk endpoint has (normalised).
type DealInput struct {
	Index         int
	Deal          *Record
	ContactID     string // the deal's contact_id, as sent
	ContactPhone  string
	ContactEmail  string
	CreateContact bool
	FirstName     *string
	LastName      *string
}

// contactFields are the keys of a bulk item that are not deal columns, in
// the order of itemFields.contact.
var contactFields = []string{"contact_phone", "contact_email", "create_contact_if_missing", "contact_first_name", "contact_last_name"}

// Positions in contactFields.
const (
	fieldPhone = iota
	fieldEmail
	fieldCreate
	fieldFirstName
	fieldLastName
	nContactFields
)

// DealFields lists the keys a bulk item of table t may carry: its
// writable columns and the contact fields.
func DealFields(t *Table) []string { return append(t.WriteColumns(), contactFields...) }

// itemFields are the members of one bulk item: the deal columns' values
// by position in the table, and the contact fields'. A repeated key keeps
// its last value, as encoding/json does.
type itemFields struct {
	cols       [MaxColumns]json.RawMessage
	colSet     uint64
	contact    [nContactFields]json.RawMessage
	contactSet uint8
}

// read splits the item raw into f (by hand, else with encoding/json). Its
// error is the first unknown key: a typo explains the errors that follow.
func (f *itemFields) read(raw json.RawMessage, t *Table) *Error {
	var buf [16]member
	ms, ok := splitMembers(raw, buf[:0])
	if !ok {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return Errorf(CodeInvalidRequest, "deal must be a JSON object, got %s", clip(raw)).
				WithHint(`send {"title": "Order 1", "value": 100, "contact_phone": "+201017177777"}`)
		}
		ms = ms[:0]
		for k, v := range m {
			ms = append(ms, member{key: []byte(k), val: v})
		}
	}
	for _, x := range ms {
		if i, ok := t.index[string(x.key)]; ok && !t.Columns[i].ReadOnly && !t.Columns[i].Generated {
			f.cols[i], f.colSet = x.val, f.colSet|1<<uint(i)
			continue
		}
		if j := contactField(x.key); j >= 0 {
			f.contact[j], f.contactSet = x.val, f.contactSet|1<<uint(j)
			continue
		}
		return unknownField(string(x.key), DealFields(t), "deal ")
	}
	return nil
}

// contactField is the position of key in contactFields, or -1.
func contactField(key []byte) int {
	switch string(key) {
	case "contact_phone":
		return fieldPhone
	case "contact_email":
		return fieldEmail
	case "create_contact_if_missing":
		return fieldCreate
	case "contact_first_name":
		return fieldFirstName
	case "contact_last_name":
		return fieldLastName
	}
	return -1
}

// contactValue is contact field j as sent, and whether it was sent (a
// null counts as not sent).
func (f *itemFields) contactValue(j int) (json.RawMessage, bool) {
	r := f.contact[j]
	return r, f.contactSet&(1<<uint(j)) != 0 && !isNull(r)
}

// ParseDealItem validates one bulk item against the deals table t (env
// gives the workspace's phone region). A null, like an absent key, means
// "not sent"; so does an empty string for an id or for a column the
// table's hook fills (currency, stage, pipeline_id). The error names the
// field, what was received and the fix.
func ParseDealItem(index int, raw json.RawMessage, t *Table, env *WriteEnv) (DealInput, *Error) {
	in := DealInput{Index: index}
	var f itemFields
	if err := f.read(raw, t); err != nil {
		return in, err
	}
	in.Deal = t.NewRecord()
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.ReadOnly || c.Generated {
			continue
		}
		r, ok := f.cols[i], f.colSet&(1<<uint(i)) != 0
		if ok && (c.Kind == KindUUID || (!c.Nullable && c.Default == nil && !c.Required)) && string(bytes.TrimSpace(r)) == `""` {
			ok = false
		}
		if !ok || isNull(r) {
			if c.Required {
				return in, c.MissingError(t.Name)
			}
			continue
		}
		v, err := c.ParseWrite(env, r)
		if err != nil {
			return in, err
		}
		in.Deal.SetAt(i, v)
	}
	in.ContactID = in.Deal.Str("contact_id")
	if err := in.parseContact(&f, env); err != nil {
		return in, err
	}
	return in, nil
}

// parseContact reads the contact fields of a bulk item.
func (in *DealInput) parseContact(f *itemFields, env *WriteEnv) *Error {
	var e error
	region := ""
	if env != nil && env.Workspace != nil {
		region = env.Workspace.PhoneRegion
	}
	if s, err := f.optString(fieldPhone); err != nil {
		return err
	} else if strings.TrimSpace(s) != "" {
		if in.ContactPhone, e = NormalizePhone(s, region); e != nil {
			ce := e.(*Error)
			ce.Message = "contact_phone: " + ce.Message
			return ce
		}
	}
	if s, err := f.optString(fieldEmail); err != nil {
		return err
	} else if strings.TrimSpace(s) != "" {
		if in.ContactEmail, e = NormalizeEmail(s); e != nil {
			ce := e.(*Error)
			ce.Message = "contact_email: " + ce.Message
			return ce
		}
	}
	if in.ContactID == "" && in.ContactPhone == "" && in.ContactEmail == "" {
		return Errorf(CodeMissingContact, "the deal names no contact").
			WithHint("send contact_id, contact_phone or contact_email (flat fields, not a nested contact object)")
	}
	if b, ok := f.contactValue(fieldCreate); ok {
		var err *Error
		if in.CreateContact, err = boolField(contactFields[fieldCreate], b); err != nil {
			return err
		}
	}
	for _, x := range []struct {
		field int
		dst   **string
	}{{fieldFirstName, &in.FirstName}, {fieldLastName, &in.LastName}} {
		if r, ok := f.contactValue(x.field); ok {
			s, err := stringField(contactFields[x.field], r)
			if err != nil {
				return err
			}
			*x.dst = &s
		}
	}
	return nil
}

// ParseDate checks a YYYY-MM-DD calendar date.
func ParseDate(field, s string) (string, *Error) {
	// Year 0000 parses in Go but is no date to PostgreSQL (22008).
	if t, err := time.Parse(time.DateOnly, s); err != nil || len(s) != 10 || t.Year() < 1 {
		return "", Errorf(CodeInvalidDate, "%s %q is not a date", field, s).
			WithHint(`send YYYY-MM-DD, e.g. "2025-12-31"`)
	}
	return s, nil
}

// ParseProbability checks an integer percentage 0..100.
func ParseProbability(r json.RawMessage) (int, *Error) {
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(r))
	d.UseNumber()
	if t := bytes.TrimSpace(r); len(t) == 0 || t[0] == '"' || d.Decode(&n) != nil {
		return 0, Errorf(CodeInvalidField, "probability must be an integer from 0 to 100, got %s", clip(r)).
			WithHint(`send a number without quotes, e.g. "probability": 60`)
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i > 100 {
		return 0, Errorf(CodeInvalidField, "probability must be an integer from 0 to 100, got %s", n).
			WithHint(`send a whole percentage, e.g. "probability": 60`)
	}
	return int(i), nil
}

// ParseStringArray checks a JSON array of strings.
func ParseStringArray(field string, r json.RawMessage) ([]string, *Error) {
	a, ok := plainStringArray(r)
	if !ok {
		if err := json.Unmarshal(r, &a); err != nil {
			return nil, Errorf(CodeInvalidField, "%s must be an array of strings, got %s", field, clip(r)).
				WithHint(`send e.g. "%s": ["vip", "shopify"]`, field)
		}
	}
	if len(a) > MaxTags {
		return nil, Errorf(CodeInvalidField, "%s has %d entries, the limit is %d", field, len(a), MaxTags)
	}
	if a == nil {
		a = []string{}
	}
	return a, nil
}

// ParseCustomFields checks that r is a JSON object and returns it
// compacted (json.Compact checks it is JSON as it goes).
func ParseCustomFields(r json.RawMessage) (json.RawMessage, *Error) {
	t := bytes.TrimSpace(r)
	b := bytes.NewBuffer(make([]byte, 0, len(t)))
	if len(t) == 0 || t[0] != '{' || json.Compact(b, t) != nil {
		return nil, Errorf(CodeInvalidCustom, "custom_fields must be a JSON object or omitted, got %s", clip(r)).
			WithHint(`omit custom_fields, or send an object such as {"shopify_order_id": "68297797"}`)
	}
	return b.Bytes(), nil
}

// plainStringArray reads a JSON array of strings that need no unescaping
// (tags as shops send them) without reflection; ok is false for anything
// else, which encoding/json then reads.
func plainStringArray(r json.RawMessage) ([]string, bool) {
	var buf [8]json.RawMessage
	elems, ok := splitArrayInto(r, buf[:0])
	if !ok {
		return nil, false
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], ok = plainJSONString(e); !ok {
			return nil, false
		}
	}
	return out, true
}

// optString is contact field j as a string, "" when not sent.
func (f *itemFields) optString(j int) (string, *Error) {
	r, ok := f.contactValue(j)
	if !ok {
		return "", nil
	}
	return stringField(contactFields[j], r)
}

func stringField(k string, r json.RawMessage) (string, *Error) {
	if s, ok := plainJSONString(r); ok {
		return s, nil
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", Errorf(CodeInvalidField, "%s must be a string, got %s", k, clip(r)).
			WithHint(`send %s as a JSON string, e.g. "%s": "..."`, k, k)
	}
	return s, nil
}

// plainJSONString returns the content of a JSON string that needs no
// unescaping (no backslash, no control character, valid UTF-8): most
// fields of most items, decoded without reflection.
func plainJSONString(r json.RawMessage) (string, bool) {
	if len(r) < 2 || r[0] != '"' || r[len(r)-1] != '"' {
		return "", false
	}
	body := r[1 : len(r)-1]
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
}

func boolField(k string, r json.RawMessage) (bool, *Error) {
	switch string(bytes.TrimSpace(r)) {
	case "true":
		return true, nil
	case "false", "null":
		return false, nil
	}
	return false, Errorf(CodeInvalidField, "%s must be true or false, got %s", k, clip(r)).
		WithHint(`send "%s": true without quotes`, k)
}

func uuidField(k, s string) (string, *Error) {
	u, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil || len(strings.TrimSpace(s)) != 36 {
		return "", Errorf(CodeInvalidField, "%s %q is not a UUID", k, s).
			WithHint("send the id as returned by the API, e.g. 0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f")
	}
	return u.String(), nil
}

// unknownField builds the unknown_field error with the nearest known field
// as its hint.
func unknownField(k string, known []string, what string) *Error {
	e := Errorf(CodeUnknownField, "unknown %sfield %q", what, k)
	switch {
	case k == "contact":
		return e.WithHint("use flat contact_phone / contact_email (and contact_first_name, contact_last_name) instead of a nested contact object")
	case Nearest(k, known) != "":
		return e.WithHint("did you mean %q?", Nearest(k, known))
	}
	return e.WithHint("known fields: %s", strings.Join(known, ", "))
}

// Nearest returns the known name closest to k by edit distance (a prefix
// counts as close), if close enough to be a plausible typo, else "". It
// gives the "did you mean" hints for fields, columns and tables.
func Nearest(k string, known []string) string {
	best, bestD := "", 1<<30
	lk := strings.ToLower(k)
	for _, c := range known {
		d := editDistance(lk, c)
		if strings.HasPrefix(c, lk) || strings.HasPrefix(lk, c) {
			d = min(d, 2)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(k)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func isNull(r json.RawMessage) bool {
	t := bytes.TrimSpace(r)
	return len(t) == 0 || string(t) == "null"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clip shortens a raw JSON value for an error message.
func clip(r json.RawMessage) string {
	s := string(bytes.TrimSpace(r))
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	if s == "" {
		return "nothing"
	}
	return s
}

// String makes DealInput print usefully in test failures.
func (in DealInput) String() string {
	title := ""
	if in.Deal != nil {
		title = in.Deal.Str("title")
	}
	return fmt.Sprintf("#%d %q %s/%s/%s", in.Index, title, in.ContactID, in.ContactPhone, in.ContactEmail)
}
