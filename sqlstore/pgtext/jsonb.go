package pgtext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// CanonicalJSON is doc as jsonb stores and prints it, compacted: object
// keys in jsonb order (shorter first, then by bytes; the last of a
// duplicate key wins), numbers as numeric prints them (1e2 is 100, 1.50
// stays 1.50), strings escaped as PostgreSQL escapes them.
func CanonicalJSON(doc []byte) (string, error) {
	if c, ok := canonicalFlat(doc); ok {
		return c, nil
	}
	v, err := decode(doc)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	writeJSON(&b, v, "", "")
	return b.String(), nil
}

// JSONText is what ->> yields for the JSON value doc: a string
// unquoted, null as SQL NULL (ok false), anything else as jsonb prints
// it (with ", " and ": " between items).
func JSONText(doc []byte) (string, bool, error) {
	v, err := decode(doc)
	if err != nil || v == nil {
		return "", false, err
	}
	if s, ok := v.(string); ok {
		return s, true, nil
	}
	var b strings.Builder
	writeJSON(&b, v, ", ", ": ")
	return b.String(), true, nil
}

func decode(doc []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// JSONBKeys is an object's keys in jsonb order.
func JSONBKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}

func writeJSON(b *strings.Builder, v any, comma, colon string) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprint(b, x)
	case json.Number:
		b.WriteString(Numeric(string(x)))
	case string:
		writeString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString("," + strings.TrimPrefix(comma, ","))
			}
			writeJSON(b, e, comma, colon)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range JSONBKeys(x) {
			if i > 0 {
				b.WriteString("," + strings.TrimPrefix(comma, ","))
			}
			writeString(b, k)
			b.WriteString(":" + strings.TrimPrefix(colon, ":"))
			writeJSON(b, x[k], comma, colon)
		}
		b.WriteByte('}')
	}
}

func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// Numeric is a JSON number literal as PostgreSQL's numeric prints it:
// the exponent applied, the literal's scale kept (1.50e1 is 15.0).
func Numeric(lit string) string {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		fmt.Sscan(strings.TrimPrefix(lit[i+1:], "+"), &exp)
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	scale := len(frac) - exp
	if scale <= 0 {
		digits += strings.Repeat("0", -scale)
		scale = 0
	} else if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	whole := strings.TrimLeft(digits[:len(digits)-scale], "0")
	if whole == "" {
		whole = "0"
	}
	out := whole
	if scale > 0 {
		out += "." + digits[len(digits)-scale:]
	}
	if neg && strings.Trim(digits, "0") != "" {
		out = "-" + out
	}
	return out
}
