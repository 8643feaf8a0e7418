package crm

import (
	"encoding/json"
	"fmt"
)

// Kind is the logical type of a column. Each storage dialect maps a kind to
// its own column type; the REST layer encodes and decodes values by kind.
type Kind int

const (
	KindUUID      Kind = iota // uuid; a 16-byte BLOB in SQLite
	KindText                  // text
	KindInt                   // integer
	KindDecimal               // exact decimal (deal value)
	KindBool                  // boolean
	KindDate                  // YYYY-MM-DD
	KindTime                  // timestamp, UTC, RFC 3339 with microseconds
	KindJSON                  // JSON object (custom_fields)
	KindTextArray             // array of strings (tags, phones, emails)
)

var kindNames = [...]string{"uuid", "text", "integer", "numeric", "boolean", "date", "timestamp with time zone", "jsonb", "text[]"}

func (k Kind) String() string { return kindNames[k] }

// Column describes one column: its type, how a written value is read,
// checked and defaulted. A value of a column, in a Record, has the Go form
// of its kind: string (text, uuid, date, and timestamps in TimeFormat),
// decimal.Decimal, int64, bool, []string or json.RawMessage; nil is NULL.
type Column struct {
	Name     string
	Kind     Kind
	ReadOnly bool // set by the server (timestamps); refused in writes
	// Generated columns get a server value when an insert omits them and
	// cannot be changed by an update (id).
	Generated bool
	// Touched timestamps are set to the time of every insert and update
	// (updated_at); other read-only timestamps only on insert.
	Touched  bool
	Required bool // must be present on insert (no default)
	Nullable bool
	// Default is the value an insert that omits the column gets (nil:
	// none; a nullable column then gets NULL). Shared by every row: never
	// modify it.
	Default any
	// Normalize, when set, names the rule applied to filter operands
	// compared with this column: "phone", "email", "currency", "stage",
	// "stage_id".
	Normalize string
	// Identifier, when set, is the kind under which the table's
	// identifier index (Table.Identifiers) mirrors this array column
	// ("phone", "email"): the exact index behind phones=cs.{...} and the
	// bulk endpoint's linking.
	Identifier string
	// Search declares the indexes behind like and ilike on this column
	// (text columns only); the dialects read it to use them.
	Search TextSearch
	// Elements declares the index of an array column's elements behind
	// cs (text arrays only); the dialects read it to use it.
	Elements ElementIndex
	// Parse, when set, replaces the kind's reading of a written JSON value.
	Parse func(raw json.RawMessage) (any, *Error)
	// Check, when set, validates and normalises a written value after the
	// kind's reading (a title's length, a currency's code, phones in
	// E.164).
	Check func(env *WriteEnv, v any) (any, *Error)
	// Missing is the error for a required column that an insert leaves
	// out or sets to null; nil means PostgreSQL's 23502.
	Missing *Error
}

// TextSearch declares the indexes that the migrations create for a text
// column's substring search (like and ilike with % around the term). The
// dialects read it, so none names a column; the schema tests check that
// each declared index exists.
type TextSearch struct {
	// Trigram: an index of the column's trigrams over every workspace
	// (PostgreSQL: a pg_trgm GIN index, <table>_<column>_trgm).
	Trigram bool
	// Grams names the table that indexes the column's trigrams one
	// workspace at a time (SQLite: an FTS5 table whose rowid is the
	// row's rowid, migrations/00007); "" when there is none.
	Grams string
}

// ElementIndex declares the index that the migrations create for the
// elements of a text array column (tags), behind cs: each row under each
// of its elements, so that the rows holding a rare element are found
// without testing every row. The dialects read it, so none names a
// column; the schema tests check that each declared index exists.
type ElementIndex struct {
	// Table names the table that lists each row of a workspace under
	// each of its distinct elements, kept by triggers: keyed
	// (workspace_id, Element, Order, rid), rid being the row's rowid on
	// SQLite and its id on PostgreSQL (SQLite migrations/00012,
	// PostgreSQL 00008); "" when there is none.
	Table string
	// Element is Table's column holding one element.
	Element string
	// Order is the column of the indexed table that Table copies and
	// orders each element's rows by, so that a page of them in that
	// order (newest first) reads only its own rows.
	Order string
}

// MissingError is the error for the column left out of an insert (or
// null) when it may not be.
func (c *Column) MissingError(table string) *Error {
	if c.Missing != nil {
		e := *c.Missing
		return &e
	}
	return &Error{Code: SQLStateNotNull, Message: fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", c.Name, table),
		Hint: fmt.Sprintf("send %s", c.Name)}
}

// Relation is an embeddable relationship from one table to another.
type Relation struct {
	Table   string // the related table
	Local   string // column on this table
	Foreign string // column on the related table
	ToOne   bool   // this row points at one related row (many-to-one)
}

// Table describes a table: the whitelist every column in a query is
// checked against before any SQL is built, and what a write of a row does
// besides storing it. Every table has workspace_id, which the description
// leaves out: the store adds it to every statement.
type Table struct {
	Name      string
	Columns   []Column
	Relations []Relation
	ReadOnly  bool // no POST/PATCH/DELETE (deal_stage_changes)
	// Internal tables are kept by the server (contact_identifiers) and
	// not served by the REST API.
	Internal bool
	// Unique lists the column sets that carry a unique constraint (for
	// on_conflict), besides the primary key id.
	Unique [][]string
	// Identifiers, when set, is the internal table that mirrors the
	// table's identifier columns (Column.Identifier), one value a row.
	Identifiers *IdentifierIndex
	// KeyHints are hints for written keys that are not columns (a deal's
	// "contact").
	KeyHints map[string]string
	Hooks    Hooks

	index  map[string]int
	names  []string
	schema *Schema
}

// IdentifierIndex describes an internal table that holds a table's
// identifier values (a contact's phones and emails), one a row: the exact
// index that answers cs on an identifier column, kept by the table's
// hooks.
type IdentifierIndex struct {
	Table string // the internal table (contact_identifiers)
	Kind  string // its column holding the Column.Identifier kind
	Value string // its column holding one normalised value
	Row   string // its column holding the id of the row identified
}

// Schema returns the schema the table belongs to (hooks find the tables
// their effects write through it).
func (t *Table) Schema() *Schema { return t.schema }

// Column returns the named column.
func (t *Table) Column(name string) (*Column, bool) {
	if i, ok := t.index[name]; ok {
		return &t.Columns[i], true
	}
	return nil, false
}

// Index returns the position of the named column in Columns, or -1.
func (t *Table) Index(name string) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

// ColumnNames lists the column names in order. The slice is shared: do
// not modify it.
func (t *Table) ColumnNames() []string { return t.names }

// Relation finds the relation named in an embedding: the related table's
// name ("contacts"), the foreign-key column ("contact_id") or that column
// without "_id" ("contact"). hint, when not empty, must name the column.
func (t *Table) Relation(name, hint string) (*Relation, bool) {
	var found *Relation
	for i := range t.Relations {
		r := &t.Relations[i]
		fk := r.Local
		if !r.ToOne {
			fk = r.Foreign
		}
		match := r.Table == name || (r.ToOne && (r.Local == name || r.Local == name+"_id"))
		if !match || (hint != "" && hint != fk && hint != r.Table) {
			continue
		}
		if found != nil {
			return nil, false
		}
		found = r
	}
	return found, found != nil
}

// Schema is a set of described tables. The server uses DefaultSchema;
// tests may build their own (a column more) with NewSchema.
type Schema struct {
	// Tables holds every table by name, internal ones included.
	Tables map[string]*Table
	// Names lists the API's tables in a stable order (OpenAPI, docs).
	Names []string
}

// NewSchema indexes tables (each table's column positions, once) and
// returns them as a schema. A table must not be shared between schemas.
func NewSchema(tables ...*Table) *Schema {
	s := &Schema{Tables: map[string]*Table{}}
	for _, t := range tables {
		if len(t.Columns) > MaxColumns {
			panic(fmt.Sprintf("crm: table %s has %d columns, at most %d are supported", t.Name, len(t.Columns), MaxColumns))
		}
		t.index = make(map[string]int, len(t.Columns))
		t.names = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			t.index[c.Name] = i
			t.names[i] = c.Name
		}
		t.schema = s
		s.Tables[t.Name] = t
		if !t.Internal {
			s.Names = append(s.Names, t.Name)
		}
	}
	return s
}

// Table returns the named table of the API (not an internal one).
func (s *Schema) Table(name string) (*Table, bool) {
	t, ok := s.Tables[name]
	if !ok || t.Internal {
		return nil, false
	}
	return t, true
}

// MustTable returns the named table, internal ones included, and panics
// when the schema lacks it (a programming error).
func (s *Schema) MustTable(name string) *Table {
	t, ok := s.Tables[name]
	if !ok {
		panic("crm: schema has no table " + name)
	}
	return t
}

// Record is one row of a table: a value per column of the description,
// each set or not. Hooks and writers read and write it by column name;
// the positions behind the names are computed once per table.
type Record struct {
	T    *Table
	Vals []any  // by column position; nil when unset or NULL
	set  uint64 // bit i: column i is set (NewSchema allows 64 columns)
}

// MaxColumns bounds the columns of a table (a record's set columns are
// one bit each).
const MaxColumns = 64

// NewRecord returns an empty record of t.
func (t *Table) NewRecord() *Record { return &Record{T: t, Vals: make([]any, len(t.Columns))} }

// HasAt reports whether the column at position i is set.
func (r *Record) HasAt(i int) bool { return r.set&(1<<uint(i)) != 0 }

// SetAt sets the column at position i.
func (r *Record) SetAt(i int, v any) {
	r.Vals[i] = v
	r.set |= 1 << uint(i)
}

func (r *Record) pos(name string) int {
	i, ok := r.T.index[name]
	if !ok {
		panic("crm: table " + r.T.Name + " has no column " + name)
	}
	return i
}

// Get returns the value of the named column and whether it is set.
func (r *Record) Get(name string) (any, bool) {
	i := r.pos(name)
	return r.Vals[i], r.HasAt(i)
}

// Str returns the named column's value when it is a set string, else "".
func (r *Record) Str(name string) string {
	s, _ := r.Vals[r.pos(name)].(string)
	return s
}

// IsSet reports whether the named column is set.
func (r *Record) IsSet(name string) bool { return r.HasAt(r.pos(name)) }

// Set sets the named column.
func (r *Record) Set(name string, v any) {
	r.SetAt(r.pos(name), v)
}

// Unset clears the named column.
func (r *Record) Unset(name string) {
	i := r.pos(name)
	r.Vals[i] = nil
	r.set &^= 1 << uint(i)
}

// Empty reports whether no column is set.
func (r *Record) Empty() bool { return r.set == 0 }

// Clone returns a copy of r (the values themselves are shared).
func (r *Record) Clone() *Record {
	return &Record{T: r.T, Vals: append([]any(nil), r.Vals...), set: r.set}
}
