package restsql

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/shopspring/decimal"
)

// casts are the select casts supported (col::type), applied in Go so that
// both backends render alike.
var casts = map[string]string{
	"text": "text", "varchar": "text", "uuid": "text", "date": "text", "timestamptz": "text",
	"int": "int", "int4": "int", "int8": "int", "integer": "int", "bigint": "int", "smallint": "int",
	"numeric": "numeric", "decimal": "numeric", "float": "numeric", "float8": "numeric", "real": "numeric",
	"bool": "bool", "boolean": "bool", "json": "json", "jsonb": "json",
}

func applyCast(v any, cast string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch casts[cast] {
	case "text":
		return textOf(v), nil
	case "int":
		return castInt(v, cast)
	case "numeric":
		return castNumeric(v, cast)
	case "bool":
		return castBool(v, cast)
	case "json":
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(b), nil
	}
	return nil, cannotCast(v, cast)
}

// cannotCast is PostgreSQL's 42846 for a value whose type does not cast.
func cannotCast(v any, cast string) error {
	return &crm.Error{Code: crm.SQLStateCannotCoerce, Message: fmt.Sprintf("cannot cast %s to %s", textOf(v), cast)}
}

// badText is PostgreSQL's 22P02 for text the cast's type cannot read.
func badText(v any, cast string) error {
	return &crm.Error{Code: crm.SQLStateInvalidText, Message: fmt.Sprintf("invalid input syntax for type %s: %q", cast, textOf(v))}
}

func castInt(v any, cast string) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case crm.Amount:
		return x.Round(0).IntPart(), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return nil, badText(v, cast)
		}
		return n, nil
	}
	return nil, cannotCast(v, cast)
}

func castNumeric(v any, cast string) (any, error) {
	switch x := v.(type) {
	case int64:
		return crm.Amount{Decimal: decimal.NewFromInt(x)}, nil
	case crm.Amount:
		return x, nil
	case string:
		d, err := decimal.NewFromString(strings.TrimSpace(x))
		if err != nil {
			return nil, badText(v, cast)
		}
		return crm.Amount{Decimal: d}, nil
	}
	return nil, cannotCast(v, cast)
}

func castBool(v any, cast string) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case string:
		if b, ok := parseBool(x); ok {
			return b, nil
		}
		return nil, badText(v, cast)
	}
	return nil, cannotCast(v, cast)
}

// textOf renders a value as PostgreSQL's text output does.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case crm.Amount:
		return x.String()
	case json.RawMessage:
		return string(x)
	case []string:
		return arrayText(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// arrayText renders a text array as PostgreSQL's array output: {a,"b c"}.
func arrayText(a []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		if s == "" || strings.ContainsAny(s, ",{}\" \\\t\n") || strings.EqualFold(s, "null") {
			b.WriteByte('"')
			b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s))
			b.WriteByte('"')
		} else {
			b.WriteString(s)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// TextOf renders a response value as text, for CSV: NULL is "", arrays
// use PostgreSQL's {a,b} form, JSON is inlined.
func TextOf(v any) string { return textOf(v) }

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "t", "true", "y", "yes", "on", "1":
		return true, true
	case "f", "false", "n", "no", "off", "0":
		return false, true
	}
	return false, false
}
