package pgrest

import (
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
)

// Prefer holds the preferences of a request's Prefer headers. Each string
// field is the value of its kind ("representation" for return=representation)
// or "" when none was given.
type Prefer struct {
	Return     string // minimal | headers-only | representation
	Count      string // exact | planned | estimated
	Resolution string // merge-duplicates | ignore-duplicates
	Missing    string // default | null
	Handling   string // strict | lenient
	Tx         string // commit | rollback
	Timezone   string // any non-empty value; the database judges it
	// MaxAffected is max-affected=N, N a non-negative integer. PostgREST
	// honours it only with handling=strict.
	MaxAffected *int64
	// MergeCustomFields is our extension "merge-custom-fields": a PATCH merges
	// custom_fields keys instead of replacing the object.
	MergeCustomFields bool
	// Invalid lists the tokens not recognised, in order. Under
	// handling=strict they make the request fail (see StrictError).
	Invalid []string
}

// preferValues lists the recognised values of each fixed-value kind.
var preferValues = map[string][]string{
	"return":     {"minimal", "headers-only", "representation"},
	"count":      {"exact", "planned", "estimated"},
	"resolution": {"merge-duplicates", "ignore-duplicates"},
	"missing":    {"default", "null"},
	"handling":   {"strict", "lenient"},
	"tx":         {"commit", "rollback"},
}

// ParsePrefer reads the values of every Prefer header of a request. Each is
// split on ",", and each token trimmed; tokens are matched exactly (case
// matters, as in PostgREST). The first recognised value of each kind wins;
// later ones of the same kind are accepted and ignored. Unrecognised tokens,
// including count=none and a max-affected that is not a non-negative
// integer, go to Invalid.
func ParsePrefer(headers []string) Prefer {
	var p Prefer
	for _, h := range headers {
		for tok := range strings.SplitSeq(h, ",") {
			tok = strings.TrimSpace(tok)
			if tok != "" && !p.apply(tok) {
				p.Invalid = append(p.Invalid, tok)
			}
		}
	}
	return p
}

// apply records one token and reports whether it was recognised.
func (p *Prefer) apply(tok string) bool {
	if tok == "merge-custom-fields" {
		p.MergeCustomFields = true
		return true
	}
	kind, val, ok := strings.Cut(tok, "=")
	if !ok {
		return false
	}
	switch kind {
	case "timezone":
		if val == "" {
			return false
		}
		if p.Timezone == "" {
			p.Timezone = val
		}
		return true
	case "max-affected":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 || !allDigits(val) {
			return false
		}
		if p.MaxAffected == nil {
			p.MaxAffected = &n
		}
		return true
	}
	values, ok := preferValues[kind]
	if !ok {
		return false
	}
	for _, v := range values {
		if v == val {
			if f := p.field(kind); *f == "" {
				*f = val
			}
			return true
		}
	}
	return false
}

func (p *Prefer) field(kind string) *string {
	switch kind {
	case "return":
		return &p.Return
	case "count":
		return &p.Count
	case "resolution":
		return &p.Resolution
	case "missing":
		return &p.Missing
	case "handling":
		return &p.Handling
	default:
		return &p.Tx
	}
}

// StrictError returns 400 PGRST122 (as *Error) when handling=strict was asked
// for and some token was not recognised, and nil otherwise.
func (p Prefer) StrictError() error {
	if p.Handling != "strict" || len(p.Invalid) == 0 {
		return nil
	}
	return &Error{Status: 400, Code: crm.PGRSTStrictPrefer, Message: "Invalid preferences given with handling=strict",
		Details: ptr("Invalid preferences: " + strings.Join(p.Invalid, ", "))}
}

// Applied returns the Preference-Applied header value for p: the set
// preferences in PostgREST's order (resolution, missing, return, count, tx,
// handling, timezone, max-affected), then merge-custom-fields, joined by
// ", "; "" when none is set. max-affected appears only with handling=strict.
//
// The caller decides what was honoured and clears the rest on a copy first:
// resolution only on a POST to a table with a primary key or on_conflict,
// missing only on POST and PATCH, return only on writes, tx only when the
// server lets the client choose, max-affected only on PATCH, DELETE and RPC.
func (p Prefer) Applied() string {
	var out []string
	add := func(kind, val string) {
		if val != "" {
			out = append(out, kind+"="+val)
		}
	}
	add("resolution", p.Resolution)
	add("missing", p.Missing)
	add("return", p.Return)
	add("count", p.Count)
	add("tx", p.Tx)
	add("handling", p.Handling)
	add("timezone", p.Timezone)
	if p.MaxAffected != nil && p.Handling == "strict" {
		add("max-affected", strconv.FormatInt(*p.MaxAffected, 10))
	}
	if p.MergeCustomFields {
		out = append(out, "merge-custom-fields")
	}
	return strings.Join(out, ", ")
}
