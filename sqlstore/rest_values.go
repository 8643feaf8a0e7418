package sqlstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/google/uuid"
)

// unknownWriteColumn is PostgREST's 400 PGRST204 for a payload key or a
// columns= name that is not a column.
func unknownWriteColumn(t *crm.Table, name string) *crm.Error {
	e := &crm.Error{Code: "PGRST204", Message: fmt.Sprintf("Could not find the '%s' column of '%s' in the schema cache", name, t.Name)}
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	switch {
	case name == "workspace_id":
		e.Hint = "the workspace comes from the API key and cannot be set"
	case name == "contact" && t.Name == "deals":
		e.Hint = "send contact_id (look the contact up first, e.g. GET /functions/v1/rest-api-proxy/contacts?phones=cs.{...})"
	default:
		if n := crm.Nearest(name, names); n != "" {
			e.Hint = fmt.Sprintf("Perhaps you meant the '%s' column", n)
		}
	}
	return e
}

// rowValues validates one written object as API.md §4 says and returns
// its values by column (nil for NULL): strings, decimal.Decimal, int64,
// bool, []string (phones E.164, emails lower-case) or json.RawMessage.
// With cols (columns=), only those keys are read and a missing one is
// NULL, or omitted with missingDefault. insert tells POST from PATCH: a
// PATCH may not change id. Deal stages are resolved later, against the
// pipeline of each row.
func (rc *restCtx) rowValues(t *crm.Table, obj map[string]json.RawMessage, cols []string, missingDefault, insert bool) (map[string]any, error) {
	vals := map[string]any{}
	keys := cols
	if keys == nil {
		keys = make([]string, 0, len(obj))
		for _, c := range t.Columns { // table order: deterministic errors
			if _, ok := obj[c.Name]; ok {
				keys = append(keys, c.Name)
			}
		}
		for _, k := range sortedKeys(obj) {
			if _, ok := t.Column(k); !ok {
				return nil, unknownWriteColumn(t, k)
			}
		}
	}
	for _, k := range keys {
		c, _ := t.Column(k)
		raw, ok := obj[k]
		if !ok {
			if missingDefault {
				continue
			}
			raw = json.RawMessage("null")
		}
		if c.ReadOnly {
			return nil, crm.Errorf(crm.CodeInvalidField, "%s is set by the server and cannot be written", k).
				WithHint("leave %s out of the body", k)
		}
		if c.Name == "id" && !insert {
			return nil, crm.Errorf(crm.CodeInvalidField, "id cannot be changed").WithHint("leave id out of a PATCH body; filter by it instead (?id=eq.ID)")
		}
		v, err := rc.writeValue(t, c, raw)
		if err != nil {
			return nil, err
		}
		if v == nil && c.Name == "id" {
			continue
		}
		if v == nil && !c.Nullable {
			if insert && missingDefault {
				continue
			}
			return nil, requiredError(t, c)
		}
		vals[k] = v
	}
	return vals, nil
}

// writeValue validates one written value of column c.
func (rc *restCtx) writeValue(t *crm.Table, c *crm.Column, raw json.RawMessage) (any, error) {
	r := bytes.TrimSpace(raw)
	if string(r) == "null" {
		if t.Name == "deals" && c.Name == "value" {
			_, err := crm.ParseValue(raw)
			return nil, err
		}
		return nil, nil
	}
	switch c.Kind {
	case crm.KindDecimal:
		d, err := crm.ParseValue(raw)
		if err != nil {
			return nil, err
		}
		return d, nil
	case crm.KindInt:
		if c.Name == "probability" {
			p, err := crm.ParseProbability(raw)
			if err != nil {
				return nil, err
			}
			return int64(p), nil
		}
		var n json.Number
		d := json.NewDecoder(bytes.NewReader(r))
		d.UseNumber()
		if err := d.Decode(&n); err != nil {
			return nil, typeError(c, raw, "an integer", "1")
		}
		i, err := n.Int64()
		if err != nil {
			return nil, typeError(c, raw, "an integer", "1")
		}
		return i, nil
	case crm.KindBool:
		switch string(r) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, typeError(c, raw, "true or false", "true")
	case crm.KindJSON:
		m, err := crm.ParseCustomFields(raw)
		if err != nil {
			return nil, err
		}
		return m, nil
	case crm.KindTextArray:
		a, err := crm.ParseStringArray(c.Name, raw)
		if err != nil {
			return nil, err
		}
		return normalizeList(c, a, rc.ws.PhoneRegion)
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return nil, typeError(c, raw, "a string", "...")
	}
	switch c.Kind {
	case crm.KindUUID:
		u, err := uuid.Parse(strings.TrimSpace(s))
		if err != nil || len(strings.TrimSpace(s)) != 36 {
			return nil, crm.Errorf(crm.CodeInvalidField, "%s %q is not a UUID", c.Name, s).
				WithHint("send the id as returned by the API, e.g. 0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f")
		}
		return u.String(), nil
	case crm.KindDate:
		d, err := crm.ParseDate(c.Name, s)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	switch c.Normalize {
	case "currency":
		return crm.NormalizeCurrency(s)
	case "stage_id":
		if crm.CanonicalStage(s) == "" {
			return nil, crm.Errorf(crm.CodeInvalidStage, "stage is empty").WithHint(`send a lower-case stage id, e.g. "negotiation"`)
		}
		return crm.CanonicalStage(s), nil
	}
	if t.Name == "deals" && c.Name == "title" {
		if strings.TrimSpace(s) == "" {
			return nil, crm.Errorf(crm.CodeInvalidTitle, "title is empty").WithHint(`send a deal name, e.g. "title": "Order 12345"`)
		}
		if len(s) > crm.MaxTitleLength {
			return nil, crm.Errorf(crm.CodeInvalidTitle, "title is %d bytes long, the limit is %d", len(s), crm.MaxTitleLength)
		}
	}
	if c.Required && strings.TrimSpace(s) == "" && c.Name == "name" {
		return nil, crm.Errorf(crm.CodeInvalidField, "%s is empty", c.Name).WithHint("send a non-empty %s", c.Name)
	}
	return s, nil
}

func typeError(c *crm.Column, raw json.RawMessage, want, example string) error {
	s := string(bytes.TrimSpace(raw))
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return crm.Errorf(crm.CodeInvalidField, "%s must be %s, got %s", c.Name, want, s).
		WithHint(`send e.g. "%s": %s`, c.Name, example)
}

// normalizeList normalises phones (E.164) and emails (lower-case) and drops
// duplicates; a bad one is an invalid_phone / invalid_email error.
func normalizeList(c *crm.Column, a []string, region string) ([]string, error) {
	if c.Normalize != "phone" && c.Normalize != "email" {
		return a, nil
	}
	out := make([]string, 0, len(a))
	seen := map[string]bool{}
	for _, v := range a {
		var n string
		var err error
		if c.Normalize == "phone" {
			n, err = crm.NormalizePhone(v, region)
		} else {
			n, err = crm.NormalizeEmail(v)
		}
		if err != nil {
			if e, ok := crm.AsError(err); ok {
				ce := *e
				ce.Message = c.Name + ": " + ce.Message
				return nil, &ce
			}
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}
