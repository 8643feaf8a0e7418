package sqlite

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/pgtext"
	"github.com/connectgain/server/sqlstore/restsql"
	"modernc.org/sqlite"
)

// The REST proxy's SQLite half: JSON paths through SQLite's JSON
// functions, and four SQL functions written in Go for what SQLite lacks
// (POSIX-style regular expressions, PostgreSQL's text search, jsonb
// containment and ordering). Open registers them with the driver once,
// before its first connection.
var registerOnce sync.Once

var _ restsql.Dialect = Dialect{}

func registerFunctions() bool {
	must := func(err error) {
		if err != nil {
			panic("sqlite: register function: " + err.Error())
		}
	}
	must(sqlite.RegisterDeterministicScalarFunction("cg_match", 3, sqlMatch))
	must(sqlite.RegisterDeterministicScalarFunction("cg_ilike", 2, sqlILike))
	must(sqlite.RegisterDeterministicScalarFunction("cg_fts", 5, sqlFTS))
	must(sqlite.RegisterDeterministicScalarFunction("cg_jsonb_contains", 2, sqlJSONContains))
	must(sqlite.RegisterDeterministicScalarFunction("cg_jsonb_cmp", 2, sqlJSONCmp))
	must(sqlite.RegisterDeterministicScalarFunction("cg_jsonb_text", 1, sqlJSONText))
	must(sqlite.RegisterDeterministicScalarFunction("cg_title_grams", 2, sqlTitleGrams)) // title_search.go
	must(sqlite.RegisterDeterministicScalarFunction("cg_uuid_blob", 1, sqlUUIDBlob))     // storage.go
	must(sqlite.RegisterDeterministicScalarFunction("cg_uuid_text", 1, sqlUUIDText))     // storage.go
	must(sqlite.RegisterDeterministicScalarFunction("cg_time_micros", 1, sqlTimeMicros)) // storage.go
	must(sqlite.RegisterDeterministicScalarFunction("cg_time_text", 1, sqlTimeText))     // storage.go
	must(sqlite.RegisterCollationUtf8("cg_textarray", collateTextArray))
	must(sqlite.RegisterCollationUtf8("cg_jsonb", collateJSONB))
	return true
}

// OrderCollate implements restsql.OrderCollator: text arrays (stored as
// JSON text) sort element by element, JSON values in jsonb order.
func (Dialect) OrderCollate(k crm.Kind) string {
	switch k {
	case crm.KindTextArray:
		return " COLLATE cg_textarray"
	case crm.KindJSON:
		return " COLLATE cg_jsonb"
	}
	return ""
}

// collateTextArray compares two JSON arrays of strings as PostgreSQL
// compares text[]: element by element (bytes, as the C.UTF-8 collation),
// a prefix first.
func collateTextArray(a, b string) int {
	var x, y []string
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return strings.Compare(a, b)
	}
	for i := 0; i < len(x) && i < len(y); i++ {
		if c := strings.Compare(x[i], y[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(x), len(y))
}

// collateJSONB compares two JSON texts in jsonb order.
func collateJSONB(a, b string) int {
	var x, y any
	if decodeJSON(a, &x) != nil || decodeJSON(b, &y) != nil {
		return strings.Compare(a, b)
	}
	return jsonbCmpTop(x, y)
}

// jsonbCmpTop compares two whole jsonb values: as jsonCmp, except that
// PostgreSQL sorts a top-level empty array before every scalar.
func jsonbCmpTop(x, y any) int {
	emptyArr := func(v any) bool { a, ok := v.([]any); return ok && len(a) == 0 }
	scalar := func(v any) bool { return jsonRank(v) < 4 }
	switch {
	case emptyArr(x) && scalar(y):
		return -1
	case scalar(x) && emptyArr(y):
		return 1
	}
	return jsonCmp(x, y)
}

// PathExpr implements sqlstore.Dialect. The path is a bound parameter;
// ->> yields text as PostgreSQL shows it (true/false for booleans).
func (Dialect) PathExpr(col string, _ crm.Kind, path []pgrest.JSONStep) (string, []any) {
	jp, ok := jsonPath(path)
	if !ok {
		return "NULL", nil
	}
	if path[len(path)-1].Text {
		// Strings (the common case) straight from SQLite; numbers, arrays
		// and objects as jsonb prints them (1.50, [1, 2]).
		return "(CASE json_type(" + col + ", ?) WHEN 'text' THEN json_extract(" + col + ", ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE cg_jsonb_text(" + col + " -> ?) END)", []any{jp, jp, jp}
	}
	return "(" + col + " -> ?)", []any{jp}
}

// jsonPath renders SQLite's JSON path ($.a[0]."b c"); ok is false for a key
// SQLite cannot quote: one with a NUL byte (SQLite reads the path as a C
// string, so it would end there: "bad JSON path").
//
// SQLite reads a quoted label with JSON string escapes, so a backslash
// and a double quote in the key are escaped: unescaped, a key ending in a
// backslash (custom_fields->>a\) made the path unterminated, a run-time
// "bad JSON path" and a 500, and a key such as b\c or q"k was not found.
func jsonPath(path []pgrest.JSONStep) (string, bool) {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range path {
		switch {
		case s.Index != nil && *s.Index < 0:
			fmt.Fprintf(&b, "[#%d]", *s.Index)
		case s.Index != nil:
			fmt.Fprintf(&b, "[%d]", *s.Index)
		case strings.IndexByte(s.Key, 0) >= 0:
			return "", false
		default:
			b.WriteString(`."` + labelEscaper.Replace(s.Key) + `"`)
		}
	}
	return b.String(), true
}

// labelEscaper escapes a key for a quoted label of a SQLite JSON path.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// RestFilter implements sqlstore.Dialect.
func (d Dialect) RestFilter(f sqlstore.RestFilter) (string, []any, error) {
	expr, args := f.Col, []any(nil)
	if len(f.Path) > 0 {
		expr, args = d.PathExpr(f.Col, f.Kind, f.Path)
	}
	switch f.Op {
	case pgrest.OpLike:
		return expr + " GLOB ?", append(args, likeToGlob(f.Pattern)), nil
	case pgrest.OpILike:
		if grams, ok := titleTrigrams(f.Pattern); ok && f.Search.Grams != "" && len(f.Path) == 0 && f.Workspace != nil {
			// The workspace's trigram rows find the candidates; cg_ilike
			// keeps the answer exact.
			match, margs := trigramMatch(f.Workspace, grams)
			idx := f.Search.Grams
			return "(" + f.Alias + ".rowid IN (SELECT rowid FROM " + idx + " WHERE " + idx + " MATCH " + match + ") AND cg_ilike(" + expr + ", ?))",
				append(append(args, margs...), f.Pattern), nil
		}
		return "cg_ilike(" + expr + ", ?)", append(args, f.Pattern), nil
	case pgrest.OpMatch, pgrest.OpIMatch:
		return "cg_match(" + expr + ", ?, ?)", append(args, f.Pattern, f.Op == pgrest.OpIMatch), nil
	case pgrest.OpFts, pgrest.OpPlFts, pgrest.OpPhFts, pgrest.OpWFts:
		isJSON := f.Kind == crm.KindJSON && (len(f.Path) == 0 || !f.Path[len(f.Path)-1].Text)
		return "cg_fts(" + expr + ", ?, ?, ?, ?)", append(args, string(f.Op), f.Config, f.Pattern, isJSON), nil
	case pgrest.OpCs, pgrest.OpCd, pgrest.OpOv:
		if f.Kind == crm.KindTextArray && len(f.Path) == 0 && f.JSON == nil {
			return arrayOp(f.Op, expr, f.Elems)
		}
		if f.Op == pgrest.OpCs {
			return "cg_jsonb_contains(" + expr + ", ?)", append(args, string(f.JSON)), nil
		}
		if f.Op == pgrest.OpCd {
			return "cg_jsonb_contains(?, " + expr + ")", append([]any{string(f.JSON)}, args...), nil
		}
	case pgrest.OpEq, pgrest.OpNeq, pgrest.OpGt, pgrest.OpGte, pgrest.OpLt, pgrest.OpLte:
		op := map[pgrest.Operator]string{pgrest.OpEq: "=", pgrest.OpNeq: "<>", pgrest.OpGt: ">", pgrest.OpGte: ">=", pgrest.OpLt: "<", pgrest.OpLte: "<="}[f.Op]
		return "cg_jsonb_cmp(" + expr + ", ?) " + op + " 0", append(args, string(f.JSON)), nil
	}
	return "", nil, &crm.Error{Code: crm.SQLStateUndefinedFunction, Message: fmt.Sprintf("operator does not exist: %s %s unknown", f.Kind, f.Op)}
}

// arrayOp renders @>, <@ and && on a JSON-text array column.
func arrayOp(op pgrest.Operator, col string, elems []string) (string, []any, error) {
	args := make([]any, len(elems))
	for i, e := range elems {
		args[i] = e
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(elems)), ",")
	switch op {
	case pgrest.OpCs:
		if len(elems) == 0 {
			return "TRUE", nil, nil
		}
		parts := make([]string, len(elems))
		args = args[:0]
		for i, e := range elems {
			parts[i] = "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value = ?)"
			if plainElement(e) {
				// The stored text holds "e" wherever the array does: a
				// substring test skips json_each on the other rows
				// (a rare tag, newest first, read 5,000 rows at 100 req/s).
				parts[i] = "(instr(" + col + ", ?) > 0 AND " + parts[i] + ")"
				args = append(args, `"`+e+`"`)
			}
			args = append(args, e)
		}
		return "(" + strings.Join(parts, " AND ") + ")", args, nil
	case pgrest.OpCd:
		if len(elems) == 0 {
			return "json_array_length(" + col + ") = 0", nil, nil
		}
		return "NOT EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value NOT IN (" + in + "))", args, nil
	default:
		if len(elems) == 0 {
			return "FALSE", nil, nil
		}
		return "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value IN (" + in + "))", args, nil
	}
}

// Selective implements restsql.SelectivityHinter.
func (Dialect) Selective(expr string) string { return "unlikely(" + expr + ")" }

// plainElement reports whether an array element is written the same by
// every JSON encoder (printable ASCII that none escapes), so that its
// quoted form is a substring of any stored array that holds it.
func plainElement(e string) bool {
	for i := 0; i < len(e); i++ {
		if c := e[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// trigramTerm picks the literal substring of a LIKE pattern whose
// trigrams find the candidates: one of at least three characters that
// every match must contain. Order titles all share "Order ", whose
// trigrams match every row, so a run of digits is preferred (it is far
// rarer); else the longest literal run. ok is false when no run is long
// enough, the term folds unlike the index (foldsLikeIndex), or the
// pattern uses '_' or an escape (then cg_ilike scans).
func trigramTerm(pattern string) (string, bool) {
	if strings.ContainsAny(pattern, "\\_") {
		return "", false
	}
	best, digits := "", ""
	for _, part := range strings.Split(pattern, "%") {
		if utf8.RuneCountInString(part) > utf8.RuneCountInString(best) {
			best = part
		}
		for _, run := range strings.FieldsFunc(part, func(r rune) bool { return r < '0' || r > '9' }) {
			if len(run) > len(digits) {
				digits = run
			}
		}
	}
	if len(digits) >= 3 {
		best = digits
	}
	if utf8.RuneCountInString(best) < 3 || !foldsLikeIndex(best) {
		return "", false
	}
	return best, true
}

// foldsLikeIndex reports whether the trigram index's case folding finds
// every title that lower() matches to term: ASCII without i and k, since
// lower('İ') is 'i' and lower('K') (Kelvin) is 'k'.
func foldsLikeIndex(term string) bool {
	for _, r := range term {
		if r >= utf8.RuneSelf || strings.ContainsRune("iIkK", r) {
			return false
		}
	}
	return true
}

// likeToGlob turns a LIKE pattern (% _ and backslash escapes) into a GLOB
// pattern, which SQLite matches case-sensitively, as PostgreSQL's LIKE.
func likeToGlob(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '\\':
			if i+1 < len(p) {
				i++
				c = p[i]
			}
			writeGlobLiteral(&b, c)
		case '%':
			b.WriteByte('*')
		case '_':
			b.WriteByte('?')
		default:
			writeGlobLiteral(&b, c)
		}
	}
	return b.String()
}

func writeGlobLiteral(b *strings.Builder, c byte) {
	switch c {
	case '*', '?', '[':
		b.WriteByte('[')
		b.WriteByte(c)
		b.WriteByte(']')
	default:
		b.WriteByte(c)
	}
}

func textArg(v driver.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	}
	return "", false
}

// sqlMatch is cg_match(value, pattern, icase): PostgreSQL's ~ and ~*.
func sqlMatch(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok1 := textArg(args[0])
	p, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	icase, _ := args[2].(int64)
	r, err := pgtext.CompileRegex(p, icase != 0)
	if err != nil {
		return nil, err
	}
	return r.MatchString(s), nil
}

// sqlILike is cg_ilike(value, pattern): PostgreSQL's ILIKE, with
// lower() of both sides over all of Unicode (SQLite's LIKE folds ASCII only).
func sqlILike(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok1 := textArg(args[0])
	p, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	return pgtext.ILike(s, p), nil
}

// sqlFTS is cg_fts(value, op, config, query, is_json): the fts
// operators, with PostgreSQL's parsing and dictionaries (pgtext).
func sqlFTS(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok := textArg(args[0])
	if !ok {
		return nil, nil
	}
	op, _ := textArg(args[1])
	cfg, _ := textArg(args[2])
	q, _ := textArg(args[3])
	query, err := pgtext.ParseTSQuery(op, cfg, q)
	if err != nil {
		return nil, err
	}
	if isJSON, _ := args[4].(int64); isJSON != 0 {
		var doc any
		if decodeJSON(s, &doc) != nil {
			return nil, nil
		}
		return query.Match(pgtext.ToTSVectorJSON(cfg, jsonStrings(doc, nil))), nil
	}
	return query.Match(pgtext.ToTSVector(cfg, s)), nil
}

// jsonStrings appends the string values of v in jsonb order (object
// keys by length, then bytes).
func jsonStrings(v any, out []string) []string {
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			out = jsonStrings(e, out)
		}
	case map[string]any:
		for _, k := range pgtext.JSONBKeys(x) {
			out = jsonStrings(x[k], out)
		}
	}
	return out
}

// sqlJSONText is cg_jsonb_text(json): what ->> yields in PostgreSQL.
func sqlJSONText(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok := textArg(args[0])
	if !ok {
		return nil, nil
	}
	t, ok, err := pgtext.JSONText([]byte(s))
	if err != nil || !ok {
		return nil, nil
	}
	return t, nil
}

// sqlJSONContains is cg_jsonb_contains(a, b): jsonb's a @> b.
func sqlJSONContains(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	x, y, ok := jsonArgs(args)
	if !ok {
		return nil, nil
	}
	return jsonContains(x, y, true), nil
}

// sqlJSONCmp is cg_jsonb_cmp(a, b): -1, 0 or 1 in jsonb order.
func sqlJSONCmp(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	x, y, ok := jsonArgs(args)
	if !ok {
		return nil, nil
	}
	return int64(jsonbCmpTop(x, y)), nil
}

// jsonArgs decodes a SQL function's two JSON text arguments; ok is false
// when either is NULL or not JSON (the function then yields NULL).
func jsonArgs(args []driver.Value) (x, y any, ok bool) {
	a, ok1 := textArg(args[0])
	b, ok2 := textArg(args[1])
	if !ok1 || !ok2 || decodeJSON(a, &x) != nil || decodeJSON(b, &y) != nil {
		return nil, nil, false
	}
	return x, y, true
}

func decodeJSON(s string, v *any) error {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	return d.Decode(v)
}

// jsonContains is jsonb's @>: objects contain objects key by key, arrays
// contain arrays element by element (in any order), a top-level array
// contains a scalar it has, scalars contain equal scalars.
func jsonContains(a, b any, top bool) bool {
	switch y := b.(type) {
	case map[string]any:
		x, ok := a.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range y {
			xv, ok := x[k]
			if !ok || !jsonContains(xv, v, false) {
				return false
			}
		}
		return true
	case []any:
		x, ok := a.([]any)
		if !ok {
			return false
		}
		for _, v := range y {
			found := false
			for _, xv := range x {
				if _, isArr := v.([]any); !isArr {
					if _, xArr := xv.([]any); xArr {
						continue
					}
				}
				if jsonContains(xv, v, false) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	if x, ok := a.([]any); ok && top {
		for _, xv := range x {
			if jsonCmp(xv, b) == 0 {
				return true
			}
		}
		return false
	}
	return jsonCmp(a, b) == 0
}

// jsonRank orders jsonb types as PostgreSQL does.
func jsonRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case string:
		return 1
	case json.Number:
		return 2
	case bool:
		return 3
	case []any:
		return 4
	}
	return 5
}

// jsonCmp compares two JSON values in jsonb order.
func jsonCmp(a, b any) int {
	ra, rb := jsonRank(a), jsonRank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case json.Number:
		fa, _ := new(big.Float).SetString(string(x))
		fb, _ := new(big.Float).SetString(string(b.(json.Number)))
		if fa == nil || fb == nil {
			return strings.Compare(string(x), string(b.(json.Number)))
		}
		return fa.Cmp(fb)
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return cmpInt(len(x), len(y))
		}
		for i := range x {
			if c := jsonCmp(x[i], y[i]); c != 0 {
				return c
			}
		}
		return 0
	case map[string]any:
		// jsonb: more pairs sort later; then pair by pair in the order
		// jsonb stores keys (shorter first), each key compared as text
		// before its value.
		y := b.(map[string]any)
		if len(x) != len(y) {
			return cmpInt(len(x), len(y))
		}
		kx, ky := pgtext.JSONBKeys(x), pgtext.JSONBKeys(y)
		for i := range kx {
			if c := strings.Compare(kx[i], ky[i]); c != 0 {
				return c
			}
			if c := jsonCmp(x[kx[i]], y[ky[i]]); c != 0 {
				return c
			}
		}
		return 0
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
