package restsql

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/pgtext"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// A filter's operands: read as the term's kind, with PostgreSQL's errors
// for what its type cannot read, and checked the same for every backend.

// textPattern is the pattern of a like or ilike filter (* is %) or of a
// regular expression, refused alike on every backend when it is malformed
// or (for a regular expression) beyond what pgtext emulates or allows.
func textPattern(op pgrest.Operator, v string) (string, error) {
	if op == pgrest.OpMatch || op == pgrest.OpIMatch {
		_, err := pgtext.CompileRegex(v, op == pgrest.OpIMatch)
		return v, err
	}
	pat := strings.ReplaceAll(v, "*", "%")
	return pat, checkLikePattern(pat)
}

// ftsConfig checks a text-search filter for every backend alike: the
// configuration exists and is emulated, and the query parses. It returns
// the configuration's name (english when none is named, whatever the
// server's default_text_search_config).
func ftsConfig(op pgrest.Operator, name, query string) (string, error) {
	if err := checkTSConfig(name); err != nil {
		return "", err
	}
	cfg, err := pgtext.Config(name)
	if err != nil {
		return "", err
	}
	if _, err := pgtext.ParseTSQuery(string(op), cfg, query); err != nil {
		return "", err
	}
	return cfg, nil
}

// noOperator is PostgreSQL's 42883 (404 in PostgREST) for an operator the
// column's type does not have.
func noOperator(k crm.Kind, op pgrest.Operator) *crm.Error {
	sym := map[pgrest.Operator]string{pgrest.OpLike: "~~", pgrest.OpILike: "~~*", pgrest.OpMatch: "~", pgrest.OpIMatch: "~*",
		pgrest.OpCs: "@>", pgrest.OpCd: "<@", pgrest.OpOv: "&&", pgrest.OpSl: "<<", pgrest.OpSr: ">>",
		pgrest.OpNxr: "&<", pgrest.OpNxl: "&>", pgrest.OpAdj: "-|-"}[op]
	if sym == "" {
		sym = string(op)
	}
	return &crm.Error{Code: crm.SQLStateUndefinedFunction, Message: fmt.Sprintf("operator does not exist: %s %s unknown", k, sym),
		Hint: "No operator matches the given name and argument types. You might need to add explicit type casts."}
}

// operand converts a filter value to the bound form of the term's kind,
// with PostgreSQL's errors for literals the type cannot read.
func (rc *restCtx) operand(t *term, v string) (any, error) {
	k := t.kind
	bad := func(code, typ string) error {
		return &crm.Error{Code: code, Message: fmt.Sprintf("invalid input syntax for type %s: %q", typ, v)}
	}
	switch k {
	case crm.KindText:
		if t.plain {
			switch t.col.Normalize {
			case "currency":
				v = strings.ToUpper(strings.TrimSpace(v))
			case "stage", "stage_id":
				v = crm.CanonicalStage(v)
			}
		}
		return v, nil
	case crm.KindUUID:
		u, err := uuid.Parse(strings.TrimSpace(v))
		if err != nil || len(strings.TrimSpace(v)) != 36 {
			return nil, bad(crm.SQLStateInvalidText, "uuid")
		}
		return rc.d.Bind(k, u.String()), nil
	case crm.KindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, bad(crm.SQLStateInvalidText, "integer")
		}
		return n, nil
	case crm.KindDecimal:
		d, err := decimalOperand(v)
		if err != nil {
			return nil, err
		}
		return rc.d.Bind(k, d), nil
	case crm.KindBool:
		x, ok := parseBool(v)
		if !ok {
			return nil, bad(crm.SQLStateInvalidText, "boolean")
		}
		return rc.d.Bind(k, x), nil
	case crm.KindDate, crm.KindTime:
		x, err := timeOperand(k, v)
		if err != nil {
			return nil, err
		}
		return rc.d.Bind(k, x), nil
	case crm.KindTextArray:
		elems, err := pgrest.ParseArrayLiteral(v)
		if err != nil {
			return nil, pgrest.AsCrmError(err)
		}
		if t.plain {
			elems = normalizeElems(t.col, elems, rc.ws.PhoneRegion)
		}
		return rc.d.Bind(k, elems), nil
	}
	return nil, noOperator(k, "=")
}

// timeOperand reads a date (as YYYY-MM-DD) or a timestamp, with
// PostgreSQL's errors.
func timeOperand(k crm.Kind, v string) (any, error) {
	if k == crm.KindTime {
		tm, ok := parseTimestamp(v)
		if !ok {
			return nil, &crm.Error{Code: crm.SQLStateDatetimeFormat, Message: fmt.Sprintf("invalid input syntax for type timestamp with time zone: %q", v)}
		}
		return tm, nil
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		return nil, &crm.Error{Code: crm.SQLStateDatetimeFormat, Message: fmt.Sprintf("invalid input syntax for type date: %q", v)}
	}
	if d.Year() < 1 { // PostgreSQL has no year 0
		return nil, &crm.Error{Code: crm.SQLStateDatetimeOverflow, Message: fmt.Sprintf("date/time field value out of range: %q", v)}
	}
	return d.Format(time.DateOnly), nil
}

func decimalOperand(v string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(v))
	if err != nil {
		return d, &crm.Error{Code: crm.SQLStateInvalidText, Message: fmt.Sprintf("invalid input syntax for type numeric: %q", v)}
	}
	lim := decimal.New(1, crm.MaxValueDigits)
	if d.GreaterThan(lim) {
		d = lim
	} else if d.LessThan(lim.Neg()) {
		d = lim.Neg()
	}
	return d, nil
}

func jsonOperand(v string) (json.RawMessage, error) {
	if !json.Valid([]byte(v)) {
		return nil, &crm.Error{Code: crm.SQLStateInvalidText, Message: "invalid input syntax for type json",
			Details: fmt.Sprintf("Token %q is invalid.", v)}
	}
	return json.RawMessage(v), nil
}

// timestampLayouts are the timestamp forms filters accept; a form without
// an offset is UTC (the session time zone).
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07", "2006-01-02T15:04:05.999999999Z07", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"}

func parseTimestamp(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// checkLikePattern refuses what PostgreSQL refuses, so SQLite answers the
// same: a pattern ending in the escape character (22025).
func checkLikePattern(pat string) error {
	n := len(pat) - len(strings.TrimRight(pat, `\`))
	if n%2 == 1 {
		return &crm.Error{Code: crm.SQLStateInvalidEscape, Message: "LIKE pattern must not end with escape character",
			Hint: `escape the backslash as \\, or drop it`}
	}
	return nil
}

// tsConfigs are PostgreSQL's built-in text search configurations.
var tsConfigs = map[string]bool{
	"simple": true, "arabic": true, "armenian": true, "basque": true, "catalan": true, "danish": true,
	"dutch": true, "english": true, "finnish": true, "french": true, "german": true, "greek": true,
	"hindi": true, "hungarian": true, "indonesian": true, "irish": true, "italian": true,
	"lithuanian": true, "nepali": true, "norwegian": true, "portuguese": true, "romanian": true,
	"russian": true, "serbian": true, "spanish": true, "swedish": true, "tamil": true,
	"turkish": true, "yiddish": true,
}

// checkTSConfig refuses an unknown fts(config) on every backend, as
// PostgreSQL does (42704).
func checkTSConfig(cfg string) error {
	if cfg == "" || tsConfigs[strings.ToLower(cfg)] || tsConfigs[strings.TrimPrefix(strings.ToLower(cfg), "pg_catalog.")] {
		return nil
	}
	return &crm.Error{Code: crm.SQLStateUndefinedObject, Message: fmt.Sprintf("text search configuration %q does not exist", cfg),
		Hint: "use one of PostgreSQL's configurations, e.g. simple, english or arabic"}
}
