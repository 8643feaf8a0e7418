package pgrest

import "strings"

// Param is one decoded query-string parameter. Parse takes them in the order
// they appeared in the URL, repeats included.
type Param struct {
	Key, Value string
}

// Query is a parsed PostgREST request: what to select, which rows, in which
// order, and the write parameters columns and on_conflict. It names columns
// and relations exactly as the client spelled them; nothing is checked
// against a schema.
type Query struct {
	// Select lists the output items in request order. When select is absent
	// or empty it is a single Star item, so a renderer has one code path.
	Select []SelectItem

	// Modifiers holds the top level's filters, order, limit and offset.
	Modifiers

	// Embedded holds the modifiers addressed to embedded resources, keyed by
	// EmbedKey of the embed path: "rel" for rel.col=eq.1 or rel.order=…,
	// "rel.sub" for rel.sub.col=eq.1. A path segment is an embed's alias when
	// it has one, else its relation name, as in PostgREST. The map holds only
	// paths the query string mentioned; it is nil when there are none. A key
	// that matches no embed of Select is the caller's 400 PGRST108.
	Embedded map[string]*Modifiers

	// Columns is the columns= list, in order with duplicates removed;
	// HasColumns tells an absent parameter from a present one.
	Columns    []string
	HasColumns bool

	// OnConflict is the on_conflict= list, in order with duplicates removed;
	// nil when the parameter is absent.
	OnConflict []string
}

// Modifiers are the row modifiers of one level of a query, the top level or
// one embed.
type Modifiers struct {
	// Where holds the conditions in query-string order. They are ANDed.
	Where []Cond
	// Order is the order= list; when the parameter is repeated the last
	// occurrence wins.
	Order []OrderTerm
	// Limit is nil when no usable limit was given. A limit too large for an
	// int64 is clamped to math.MaxInt64. The last usable occurrence wins.
	Limit *int64
	// Offset is 0 when absent, non-numeric or negative (all ignored, as in
	// PostgREST). The last usable occurrence wins.
	Offset int64
}

// EmbedKey returns the key of Query.Embedded for an embed path, given as the
// alias-or-relation names from the outermost embed inwards.
func EmbedKey(path ...string) string { return strings.Join(path, ".") }

// Field is a column reference, optionally followed by a JSON path:
// custom_fields->>shopify_order_id is Name "custom_fields" with one Text step.
type Field struct {
	Name     string
	JSONPath []JSONStep
}

// JSONStep is one -> or ->> step of a JSON path.
type JSONStep struct {
	// Key is the step as written, unquoted: "a", "0", "-1".
	Key string
	// Index is set when the step is an unquoted integer (an optional "-" and
	// digits), which PostgREST treats as an array index. A quoted "0" is a key.
	Index *int
	// Text is true for ->> (the result is text) and false for -> (jsonb).
	Text bool
}

// OutputName is the JSON key PostgREST gives the field in a response row:
// the last key step of the JSON path, skipping trailing index steps, or the
// column name when there is no key step (data->0 is "data").
func (f Field) OutputName() string {
	for i := len(f.JSONPath) - 1; i >= 0; i-- {
		if f.JSONPath[i].Index == nil {
			return f.JSONPath[i].Key
		}
	}
	return f.Name
}

// Operator is a filter operator as spelled in the URL.
type Operator string

// The filter operators, with the SQL PostgREST renders for each.
const (
	OpEq         Operator = "eq"         // =
	OpNeq        Operator = "neq"        // <>
	OpGt         Operator = "gt"         // >
	OpGte        Operator = "gte"        // >=
	OpLt         Operator = "lt"         // <
	OpLte        Operator = "lte"        // <=
	OpLike       Operator = "like"       // LIKE, with * meaning %
	OpILike      Operator = "ilike"      // ILIKE, with * meaning %
	OpMatch      Operator = "match"      // ~ (POSIX regex)
	OpIMatch     Operator = "imatch"     // ~*
	OpIn         Operator = "in"         // = ANY(list)
	OpIs         Operator = "is"         // IS NULL / NOT NULL / TRUE / FALSE / UNKNOWN
	OpIsDistinct Operator = "isdistinct" // IS DISTINCT FROM
	OpCs         Operator = "cs"         // @> contains
	OpCd         Operator = "cd"         // <@ contained by
	OpOv         Operator = "ov"         // && overlaps
	OpSl         Operator = "sl"         // << strictly left of
	OpSr         Operator = "sr"         // >> strictly right of
	OpNxr        Operator = "nxr"        // &< does not extend to the right of
	OpNxl        Operator = "nxl"        // &> does not extend to the left of
	OpAdj        Operator = "adj"        // -|- adjacent to
	OpFts        Operator = "fts"        // @@ to_tsquery
	OpPlFts      Operator = "plfts"      // @@ plainto_tsquery
	OpPhFts      Operator = "phfts"      // @@ phraseto_tsquery
	OpWFts       Operator = "wfts"       // @@ websearch_to_tsquery
)

// The any/all modifiers of Filter.Modifier.
const (
	ModAny = "any"
	ModAll = "all"
)

// The operands of the is operator, as stored in Filter.Value.
const (
	IsNull    = "null"
	IsNotNull = "not_null"
	IsTrue    = "true"
	IsFalse   = "false"
	IsUnknown = "unknown"
)

// Filter is one horizontal filter: [NOT] field op operand.
//
// Where the operand lives depends on the operator:
//   - in: List holds the elements, unquoted; Value is "". An empty list (in.()
//     or in.(   )) is a non-nil empty slice and matches no row.
//   - is: Value is one of IsNull, IsNotNull, IsTrue, IsFalse, IsUnknown.
//   - any/all (Modifier set): Value is the raw array literal ("{O*,P*}") and
//     List its elements as ParseArrayLiteral returns them.
//   - every other operator: Value is the operand verbatim (top level) or after
//     the logic-tree value rules. like/ilike keep their "*": the renderer
//     turns each "*" into "%" (in List elements too). cs/cd/ov keep the raw
//     literal ({a,b}, [1,5), {"k":1}); call ParseArrayLiteral when the column
//     is a text array.
type Filter struct {
	Field  Field
	Negate bool // not. prefix: NOT (expr)
	Op     Operator
	// Modifier is "", ModAny or ModAll. Only eq, gt, gte, lt, lte, like,
	// ilike, match and imatch accept one.
	Modifier string
	Value    string
	List     []string
	// FTSConfig is the text-search configuration of fts(english).x, or "".
	FTSConfig string
}

// Logic is the connective of a condition group.
type Logic string

// The connectives of or=(…) and and=(…).
const (
	LogicAnd Logic = "and"
	LogicOr  Logic = "or"
)

// Cond is a node of a WHERE tree: a leaf holding one Filter, or an and/or
// group. A leaf has Filter set and nothing else (its negation is
// Filter.Negate); a group has Filter nil, Logic set, Negate for not.and(…) /
// not.or(…), and at least one child.
type Cond struct {
	Filter   *Filter
	Logic    Logic
	Negate   bool
	Children []Cond
}

// IsLeaf reports whether c is a single filter rather than a group.
func (c Cond) IsLeaf() bool { return c.Filter != nil }

// SelectItem is one item of select=: a star, a column, an aggregate, or an
// embedded resource (Embed set, all other fields zero).
type SelectItem struct {
	Star  bool   // *
	Alias string // alias:col; for embeds the alias is Embed.Alias
	Field Field
	Cast  string // col::text
	// Aggregate is "count", "sum", "avg", "min" or "max" for count() (Field
	// zero) and col.sum() and friends. PostgREST disables aggregates by
	// default: a store that does not support them answers 400 PGRST123.
	Aggregate     string
	AggregateCast string // col.sum()::int
	Embed         *Embed
}

// OutputName is the JSON key of the item in a response row: the alias when
// there is one, else the aggregate name, the relation name for an embed,
// Field.OutputName for a column, and "" for a star or a spread embed (whose
// columns are inlined).
func (it SelectItem) OutputName() string {
	switch {
	case it.Embed != nil:
		if it.Embed.Spread {
			return ""
		}
		if it.Embed.Alias != "" {
			return it.Embed.Alias
		}
		return it.Embed.Relation
	case it.Star:
		return ""
	case it.Alias != "":
		return it.Alias
	case it.Aggregate != "":
		return it.Aggregate
	}
	return it.Field.OutputName()
}

// Embed is an embedded resource: alias:rel!hint!inner(select), or
// ...rel(select) for a spread.
type Embed struct {
	Relation string
	Alias    string
	// Hint is the text after "!" that is not inner or left: a foreign key
	// or column name that disambiguates the relationship.
	Hint   string
	Inner  bool // !inner: parent rows without a match are dropped
	Left   bool // !left (the default join, stated)
	Spread bool // ...rel(…): the embed's columns are inlined in the parent
	// Select is nil for rel(), which selects no columns.
	Select []SelectItem
}

// The nulls placements of OrderTerm.Nulls.
const (
	NullsFirst = "first"
	NullsLast  = "last"
)

// OrderTerm is one term of order=.
type OrderTerm struct {
	// Relation is set for rel(col) terms, which order by a column of a
	// to-one embed (PGRST118 when the relation is to-many).
	Relation string
	Field    Field
	Desc     bool
	// Nulls is "", NullsFirst or NullsLast; "" leaves the database default
	// (NULLS LAST for ascending, NULLS FIRST for descending).
	Nulls string
}
