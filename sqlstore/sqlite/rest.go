package sqlite

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"modernc.org/sqlite"
)

// The REST proxy's SQLite half: JSON paths through SQLite's JSON
// functions, and four SQL functions written in Go for what SQLite lacks
// (POSIX-style regular expressions, PostgreSQL's text search, jsonb
// containment and ordering). Open registers them with the driver once,
// before its first connection.
var registerOnce sync.Once

var _ sqlstore.RestDialect = Dialect{}

func registerFunctions() bool {
	must := func(err error) {
		if err != nil {
			panic("sqlite: register function: " + err.Error())
		}
	}
	must(sqlite.RegisterDeterministicScalarFunction("regexp", 2, sqlRegexp))
	must(sqlite.RegisterDeterministicScalarFunction("cg_fts", 3, sqlFTS))
	must(sqlite.RegisterDeterministicScalarFunction("cg_jsonb_contains", 2, sqlJSONContains))
	must(sqlite.RegisterDeterministicScalarFunction("cg_jsonb_cmp", 2, sqlJSONCmp))
	return true
}

// PathExpr implements sqlstore.Dialect. The path is a bound parameter;
// ->> yields text as PostgreSQL shows it (true/false for booleans).
func (Dialect) PathExpr(col string, path []pgrest.JSONStep) (string, []any) {
	jp, ok := jsonPath(path)
	if !ok {
		return "NULL", nil
	}
	if path[len(path)-1].Text {
		return "(CASE json_type(" + col + ", ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(" + col + ", ?) AS TEXT) END)", []any{jp, jp}
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
		expr, args = d.PathExpr(f.Col, f.Path)
	}
	switch f.Op {
	case pgrest.OpLike:
		return expr + " GLOB ?", append(args, likeToGlob(f.Pattern)), nil
	case pgrest.OpILike:
		if grams, ok := titleTrigrams(f.Pattern); ok && f.Table == "deals" && f.Col == f.Alias+".title" && len(f.Path) == 0 && f.Workspace != "" {
			// The workspace's trigram rows find the candidates; LIKE keeps
			// the answer exact.
			sql, gargs := trigramCandidates(f.Workspace, grams)
			return "(" + f.Alias + ".rid IN (" + sql + ") AND " + expr + ` LIKE ? ESCAPE '\')`,
				append(append(args, gargs...), f.Pattern), nil
		}
		return expr + ` LIKE ? ESCAPE '\'`, append(args, f.Pattern), nil
	case pgrest.OpMatch, pgrest.OpIMatch:
		pat := f.Pattern
		if f.Op == pgrest.OpIMatch {
			pat = "(?i)" + pat
		}
		if _, err := compileRegexp(pat); err != nil {
			return "", nil, &crm.Error{Code: "2201B", Message: fmt.Sprintf("invalid regular expression: %v", err)}
		}
		return expr + " REGEXP ?", append(args, pat), nil
	case pgrest.OpFts, pgrest.OpPlFts, pgrest.OpPhFts, pgrest.OpWFts:
		if _, err := parseTSQuery(string(f.Op), f.Pattern); err != nil {
			return "", nil, &crm.Error{Code: "42601", Message: fmt.Sprintf("syntax error in tsquery: %q", f.Pattern)}
		}
		return "cg_fts(" + expr + ", ?, ?)", append(args, string(f.Op), f.Pattern), nil
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
	return "", nil, &crm.Error{Code: "42883", Message: fmt.Sprintf("operator does not exist: %s %s unknown", f.Kind, f.Op)}
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
		for i := range elems {
			parts[i] = "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE value = ?)"
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

// trigramTerm picks the literal substring of a LIKE pattern whose
// trigrams find the candidates: one of at least three characters that
// every match must contain. Order titles all share "Order ", whose
// trigrams match every row, so a run of digits is preferred (it is far
// rarer); else the longest literal run. Runs stop at letters outside
// ASCII that have a case, whose folding the index (SQLite's lower()) does
// not share with every ilike. ok is false when no run is long enough, or
// the pattern uses '_' or an escape (then LIKE scans).
func trigramTerm(pattern string) (string, bool) {
	if strings.ContainsAny(pattern, "\\_") {
		return "", false
	}
	best, digits := "", ""
	cased := func(r rune) bool {
		return r == '%' || r > unicode.MaxASCII && (unicode.ToLower(r) != r || unicode.ToUpper(r) != r)
	}
	for _, part := range strings.FieldsFunc(pattern, cased) {
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
	if utf8.RuneCountInString(best) < 3 {
		return "", false
	}
	return best, true
}

// maxTrigramProbes bounds the trigrams a title search intersects.
const maxTrigramProbes = 3

// titleTrigrams returns the trigrams of the pattern's term, folded as the
// index folds (ASCII lower case): its first, middle and last.
func titleTrigrams(pattern string) ([]string, bool) {
	term, ok := trigramTerm(pattern)
	if !ok {
		return nil, false
	}
	rs := []rune(asciiLower(term))
	n := len(rs) - 2
	var grams []string
	for _, i := range []int{0, n / 2, n - 1} {
		g := string(rs[i : i+3])
		if !slices.Contains(grams, g) && len(grams) < maxTrigramProbes {
			grams = append(grams, g)
		}
	}
	return grams, true
}

// trigramCandidates is the SELECT of the workspace's deals (rids) whose
// titles hold every one of grams (00007_title_search_workspace.sql). It
// reads only the workspace's rows of the index.
func trigramCandidates(workspaceID string, grams []string) (string, []any) {
	const one = "SELECT deal_rid FROM deal_title_trigrams WHERE ws = (SELECT n FROM search_workspaces WHERE workspace_id = ?) AND trigram = ?"
	parts := make([]string, len(grams))
	args := make([]any, 0, 2*len(grams))
	for i, g := range grams {
		parts[i] = one
		args = append(args, workspaceID, g)
	}
	return strings.Join(parts, " INTERSECT "), args
}

// asciiLower folds A-Z only, as SQLite's lower() does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
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

var regexps sync.Map // pattern -> *regexp.Regexp

func compileRegexp(p string) (*regexp.Regexp, error) {
	if r, ok := regexps.Load(p); ok {
		return r.(*regexp.Regexp), nil
	}
	r, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	regexps.Store(p, r)
	return r, nil
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

// sqlRegexp is regexp(pattern, value): SQLite's REGEXP operator.
func sqlRegexp(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	p, ok1 := textArg(args[0])
	s, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	r, err := compileRegexp(p)
	if err != nil {
		return nil, err
	}
	return r.MatchString(s), nil
}

// sqlFTS is cg_fts(text, op, query): the fts operators over text.
func sqlFTS(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok := textArg(args[0])
	if !ok {
		return nil, nil
	}
	op, _ := textArg(args[1])
	q, _ := textArg(args[2])
	node, err := parseTSQuery(op, q)
	if err != nil {
		return nil, err
	}
	return node.match(tsWords(s)), nil
}

func sqlJSONContains(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	a, ok1 := textArg(args[0])
	b, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	var x, y any
	if decodeJSON(a, &x) != nil || decodeJSON(b, &y) != nil {
		return nil, nil
	}
	return jsonContains(x, y, true), nil
}

func sqlJSONCmp(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	a, ok1 := textArg(args[0])
	b, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	var x, y any
	if decodeJSON(a, &x) != nil || decodeJSON(b, &y) != nil {
		return nil, nil
	}
	return int64(jsonCmp(x, y)), nil
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
		y := b.(map[string]any)
		if len(x) != len(y) {
			return cmpInt(len(x), len(y))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			yv, ok := y[k]
			if !ok {
				return 1
			}
			if c := jsonCmp(x[k], yv); c != 0 {
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

// tsWords splits text into lower-case words, stemmed lightly (a stand-in
// for PostgreSQL's english configuration: "Orders" matches "order").
func tsWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && r != '\u00a0')
	}) {
		out = append(out, stem(w))
	}
	return out
}

func stem(w string) string {
	for _, suf := range []string{"ing", "es", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// tsNode is a parsed text-search query.
type tsNode struct {
	op          string // word, and, or, not, phrase
	word        string
	prefix      bool
	left, right *tsNode
	words       []*tsNode // phrase
}

func (n *tsNode) match(words []string) bool {
	switch n.op {
	case "and":
		return n.left.match(words) && n.right.match(words)
	case "or":
		return n.left.match(words) || n.right.match(words)
	case "not":
		return !n.left.match(words)
	case "phrase":
		for i := range words {
			ok := true
			for j, w := range n.words {
				if i+j >= len(words) || !w.matchWord(words[i+j]) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	case "true":
		return true
	}
	for _, w := range words {
		if n.matchWord(w) {
			return true
		}
	}
	return false
}

func (n *tsNode) matchWord(w string) bool {
	if n.prefix {
		return strings.HasPrefix(w, n.word)
	}
	return w == n.word
}

// parseTSQuery reads a query for op: fts (to_tsquery: & | ! <-> ( ) :*),
// plfts (all words), phfts (the words in sequence), wfts (websearch:
// "phrases", or, -word).
func parseTSQuery(op, q string) (*tsNode, error) {
	switch op {
	case "plfts":
		return andAll(wordNodes(q)), nil
	case "phfts":
		return &tsNode{op: "phrase", words: wordNodes(q)}, nil
	case "wfts":
		return parseWebsearch(q), nil
	}
	p := &tsParser{s: q}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.s) {
		return nil, fmt.Errorf("syntax error in tsquery at %d", p.i)
	}
	return n, nil
}

func wordNodes(q string) []*tsNode {
	var out []*tsNode
	for _, w := range tsWords(q) {
		out = append(out, &tsNode{op: "word", word: w})
	}
	return out
}

func andAll(ns []*tsNode) *tsNode {
	if len(ns) == 0 {
		return &tsNode{op: "true"}
	}
	n := ns[0]
	for _, x := range ns[1:] {
		n = &tsNode{op: "and", left: n, right: x}
	}
	return n
}

func parseWebsearch(q string) *tsNode {
	var groups [][]*tsNode // OR of ANDs
	cur := []*tsNode{}
	rest := q
	for {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			break
		}
		var tok string
		neg := false
		if rest[0] == '-' {
			neg, rest = true, rest[1:]
		}
		var n *tsNode
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				end = len(rest) - 1
			}
			tok, rest = rest[1:1+end], rest[min(len(rest), end+2):]
			n = &tsNode{op: "phrase", words: wordNodes(tok)}
		} else {
			i := strings.IndexAny(rest, " \t")
			if i < 0 {
				i = len(rest)
			}
			tok, rest = rest[:i], rest[i:]
			if strings.EqualFold(tok, "or") && !neg {
				groups = append(groups, cur)
				cur = []*tsNode{}
				continue
			}
			n = andAll(wordNodes(tok))
		}
		if neg {
			n = &tsNode{op: "not", left: n}
		}
		cur = append(cur, n)
	}
	groups = append(groups, cur)
	var out *tsNode
	for _, g := range groups {
		a := andAll(g)
		if out == nil {
			out = a
		} else {
			out = &tsNode{op: "or", left: out, right: a}
		}
	}
	return out
}

type tsParser struct {
	s string
	i int
}

func (p *tsParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *tsParser) or() (*tsNode, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.ws(); p.i < len(p.s) && p.s[p.i] == '|'; p.ws() {
		p.i++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &tsNode{op: "or", left: l, right: r}
	}
	return l, nil
}

func (p *tsParser) and() (*tsNode, error) {
	l, err := p.phrase()
	if err != nil {
		return nil, err
	}
	for p.ws(); p.i < len(p.s) && p.s[p.i] == '&'; p.ws() {
		p.i++
		r, err := p.phrase()
		if err != nil {
			return nil, err
		}
		l = &tsNode{op: "and", left: l, right: r}
	}
	return l, nil
}

func (p *tsParser) phrase() (*tsNode, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.ws(); strings.HasPrefix(p.s[p.i:], "<->"); p.ws() {
		p.i += 3
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		if l.op == "word" && r.op == "word" {
			l = &tsNode{op: "phrase", words: []*tsNode{l, r}}
		} else if l.op == "phrase" && r.op == "word" {
			l.words = append(l.words, r)
		} else {
			l = &tsNode{op: "and", left: l, right: r}
		}
	}
	return l, nil
}

func (p *tsParser) unary() (*tsNode, error) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end of tsquery")
	}
	switch p.s[p.i] {
	case '!':
		p.i++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &tsNode{op: "not", left: n}, nil
	case '(':
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return n, nil
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(" \t&|!()<:", rune(p.s[p.i])) {
		p.i++
	}
	w := p.s[start:p.i]
	if w == "" {
		return nil, fmt.Errorf("syntax error at %d", start)
	}
	n := &tsNode{op: "word"}
	if ws := tsWords(w); len(ws) > 0 {
		n.word = ws[0]
	}
	if strings.HasPrefix(p.s[p.i:], ":*") {
		p.i += 2
		n.prefix = true
		n.word = strings.ToLower(w)
	}
	return n, nil
}
