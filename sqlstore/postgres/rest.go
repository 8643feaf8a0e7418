package postgres

import (
	"fmt"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// The REST proxy's PostgreSQL half: PostgreSQL has every operator
// PostgREST exposes, so this file only spells them, with operands as
// bound parameters cast to the type the operator needs.

var _ sqlstore.RestDialect = Dialect{}

// PathExpr implements sqlstore.RestDialect: a chain of -> / ->> with each
// key bound as text and each array index as an integer (negative indexes
// count from the end, as in PostgreSQL). A text[] column is read as jsonb
// first, as SQLite stores it.
func (Dialect) PathExpr(col string, path []pgrest.JSONStep) (string, []any) {
	var b strings.Builder
	b.WriteString("(")
	if col == "custom_fields" || strings.HasSuffix(col, ".custom_fields") {
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

// RestFilter implements sqlstore.RestDialect.
func (d Dialect) RestFilter(f sqlstore.RestFilter) (string, []any, error) {
	expr, args := f.Col, []any(nil)
	if len(f.Path) > 0 {
		expr, args = d.PathExpr(f.Col, f.Path)
	}
	switch f.Op {
	case pgrest.OpLike:
		return expr + " LIKE ?", append(args, f.Pattern), nil
	case pgrest.OpILike:
		return expr + " ILIKE ?", append(args, f.Pattern), nil
	case pgrest.OpMatch:
		return expr + " ~ ?", append(args, f.Pattern), nil
	case pgrest.OpIMatch:
		return expr + " ~* ?", append(args, f.Pattern), nil
	case pgrest.OpFts, pgrest.OpPlFts, pgrest.OpPhFts, pgrest.OpWFts:
		fn := tsFuncs[f.Op]
		if f.Config != "" {
			return "to_tsvector(?::regconfig, " + expr + ") @@ " + fn + "(?::regconfig, ?)", append(append([]any{f.Config}, args...), f.Config, f.Pattern), nil
		}
		return "to_tsvector(" + expr + ") @@ " + fn + "(?)", append(args, f.Pattern), nil
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
	return "", nil, &crm.Error{Code: "42883", Message: fmt.Sprintf("operator does not exist: %s %s unknown", f.Kind, f.Op)}
}

// identifierKinds maps the contact columns mirrored in contact_identifiers.
var identifierKinds = map[string]string{"phones": "phone", "emails": "email"}

// arrayFilter renders @>, <@ and && on a text[] column. phones=cs. and
// emails=cs. (the lookups users make) first find the contacts through the
// contact_identifiers btree, so they never scan contacts; the @> that
// follows keeps the answer exact.
func arrayFilter(op pgrest.Operator, col string, elems []string) (string, []any, error) {
	arr := elems
	if arr == nil {
		arr = []string{}
	}
	switch op {
	case pgrest.OpCs:
		dot := strings.LastIndexByte(col, '.')
		if kind, ok := identifierKinds[col[dot+1:]]; ok && dot > 0 && len(elems) > 0 {
			alias := col[:dot]
			return "(" + alias + ".workspace_id, " + alias + ".id) IN (SELECT ci.workspace_id, ci.contact_id FROM contact_identifiers ci WHERE ci.kind = '" + kind +
					"' AND ci.value = ANY(?::text[])) AND " + col + " @> ?::text[]",
				[]any{arr, arr}, nil
		}
		return col + " @> ?::text[]", []any{arr}, nil
	case pgrest.OpCd:
		return col + " <@ ?::text[]", []any{arr}, nil
	}
	return col + " && ?::text[]", []any{arr}, nil
}
