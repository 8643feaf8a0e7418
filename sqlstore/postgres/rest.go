package postgres

import (
	"fmt"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
)

// The REST proxy's PostgreSQL half: PostgreSQL has every operator
// PostgREST exposes, so this file only spells them, with operands as
// bound parameters cast to the type the operator needs.

var _ restsql.Dialect = Dialect{}

// PathExpr implements restsql.Dialect: a chain of -> / ->> with each
// key bound as text and each array index as an integer (negative indexes
// count from the end, as in PostgreSQL). A text[] column is read as jsonb
// first, as SQLite stores it.
func (Dialect) PathExpr(col string, k crm.Kind, path []pgrest.JSONStep) (string, []any) {
	var b strings.Builder
	b.WriteString("(")
	if k == crm.KindJSON {
		b.WriteString(col) // the jsonb column: an expression index on col->>'key' applies
	} else {
		b.WriteString("to_jsonb(" + col + ")") // a text[] column
	}
	args := make([]any, 0, len(path))
	for _, s := range path {
		op := " -> "
		if s.Text {
			op = " ->> "
		}
		b.WriteString(op)
		if s.Index != nil {
			b.WriteString("?::integer")
			args = append(args, *s.Index)
		} else {
			b.WriteString("?::text")
			args = append(args, s.Key)
		}
	}
	b.WriteString(")")
	return b.String(), args
}

var tsFuncs = map[pgrest.Operator]string{
	pgrest.OpFts:   "to_tsquery",
	pgrest.OpPlFts: "plainto_tsquery",
	pgrest.OpPhFts: "phraseto_tsquery",
	pgrest.OpWFts:  "websearch_to_tsquery",
}

var jsonCmpOps = map[pgrest.Operator]string{
	pgrest.OpEq: "=", pgrest.OpNeq: "<>", pgrest.OpGt: ">", pgrest.OpGte: ">=", pgrest.OpLt: "<", pgrest.OpLte: "<=",
}

// RestFilter implements restsql.Dialect.
func (d Dialect) RestFilter(f sqlstore.RestFilter) (string, []any, error) {
	expr, args := f.Col, []any(nil)
	if len(f.Path) > 0 {
		expr, args = d.PathExpr(f.Col, f.Kind, f.Path)
	}
	switch f.Op {
	case pgrest.OpLike, pgrest.OpILike:
		op := " LIKE ?"
		if f.Op == pgrest.OpILike {
			op = " ILIKE ?"
		}
		if probe, ok := trigramProbe(f); ok {
			// The index answers the probe; the whole pattern is checked
			// on its rows only ("|| ''" keeps it out of the index scan).
			return "(" + expr + op + " AND (" + expr + " || '')" + op + ")", append(args, probe, f.Pattern), nil
		}
		return expr + op, append(args, f.Pattern), nil
	case pgrest.OpMatch, pgrest.OpIMatch:
		if f.Op == pgrest.OpIMatch {
			return expr + " ~* ?", append(args, f.Pattern), nil
		}
		return expr + " ~ ?", append(args, f.Pattern), nil
	case pgrest.OpFts, pgrest.OpPlFts, pgrest.OpPhFts, pgrest.OpWFts:
		lit := "'" + f.Config + "'::regconfig" // one of pgtext.Configs
		return "to_tsvector(" + lit + ", " + expr + ") @@ " + tsFuncs[f.Op] + "(" + lit + ", ?)", append(args, f.Pattern), nil
	case pgrest.OpCs, pgrest.OpCd, pgrest.OpOv:
		if f.Kind == crm.KindTextArray && len(f.Path) == 0 && f.JSON == nil {
			return arrayFilter(f.Op, f.Col, f.Elems)
		}
		if f.JSON == nil {
			break
		}
		if f.Kind == crm.KindTextArray && len(f.Path) == 0 {
			expr = "to_jsonb(" + expr + ")"
		}
		switch f.Op {
		case pgrest.OpCs:
			return expr + " @> ?::jsonb", append(args, string(f.JSON)), nil
		case pgrest.OpCd:
			return expr + " <@ ?::jsonb", append(args, string(f.JSON)), nil
		}
	case pgrest.OpEq, pgrest.OpNeq, pgrest.OpGt, pgrest.OpGte, pgrest.OpLt, pgrest.OpLte:
		return expr + " " + jsonCmpOps[f.Op] + " ?::jsonb", append(args, string(f.JSON)), nil
	}
	return "", nil, &crm.Error{Code: crm.SQLStateUndefinedFunction, Message: fmt.Sprintf("operator does not exist: %s %s unknown", f.Kind, f.Op)}
}

// arrayFilter renders @>, <@ and && on a text[] column. (cs on an
// identifier column never gets here: restsql answers it from the
// identifiers table on every backend.)
func arrayFilter(op pgrest.Operator, col string, elems []string) (string, []any, error) {
	arr := elems
	if arr == nil {
		arr = []string{}
	}
	switch op {
	case pgrest.OpCs:
		return col + " @> ?::text[]", []any{arr}, nil
	case pgrest.OpCd:
		return col + " <@ ?::text[]", []any{arr}, nil
	}
	return col + " && ?::text[]", []any{arr}, nil
}

// trigramProbe returns, for a like/ilike filter on a column with a
// pg_trgm index (crm.TextSearch.Trigram), a narrower pattern for the index to answer: "%digits%" for the
// longest run of 3+ digits in the pattern, when the pattern has more than
// that run. Every row the pattern matches contains the run, so the probe
// loses nothing; the full pattern is then checked on the probe's rows.
//
// Why: a GIN trigram scan reads the posting list of every trigram of the
// pattern, and when titles share a word ("Order 10424" against 100,000
// "Order ..." titles) the trigrams of that word list every row: the
// bitmap of title ILIKE '%Order 10424%' was built from ~100,000 entries
// per common trigram to find 100 rows (storage-notes.md: "consider a plan
// that uses the rarest trigrams, or an exact-token path for digits").
// Digits are what identifies a row in CRM titles and names (order and
// invoice numbers); words repeat.
func trigramProbe(f sqlstore.RestFilter) (string, bool) {
	if len(f.Path) > 0 || !f.Search.Trigram {
		return "", false
	}
	var best, cur []byte
	other := false // the pattern has literal characters besides the run
	flush := func() {
		if len(cur) > len(best) {
			if len(best) > 0 {
				other = true
			}
			best = cur
		} else if len(cur) > 0 {
			other = true
		}
		cur = nil
	}
	p := f.Pattern
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) {
			i++
			c = p[i]
		} else if c == '%' || c == '_' {
			flush()
			continue
		}
		if c >= '0' && c <= '9' {
			cur = append(cur, c)
			continue
		}
		flush()
		other = true
	}
	flush()
	if len(best) < 3 || !other {
		return "", false
	}
	return "%" + string(best) + "%", true
}
