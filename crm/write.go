package crm

import (
	"bytes"
	"encoding/json"

	"github.com/google/uuid"
)

// WriteEnv is what preparing a written row may consult: the workspace,
// its pipelines (loaded when the table's Hooks ask for them), the time of
// the write and the request's defaults.
type WriteEnv struct {
	Workspace *Workspace
	Pipelines *Pipelines
	Now       string // TimeFormat
	// Defaults are a bulk request's defaults by column name (currency,
	// stage, pipeline_id): they apply before the workspace's.
	Defaults map[string]string

	nowAny any // Now, boxed once for the many rows of a request
}

// now returns Now as a value for a record: one allocation per request,
// not one per timestamp.
func (e *WriteEnv) now() any {
	if e.nowAny == nil || e.nowAny.(string) != e.Now {
		e.nowAny = e.Now
	}
	return e.nowAny
}

// Hooks are a table's write-time behaviour beyond its columns. Every write
// path (the bulk endpoint, REST POST, PATCH and upsert) calls them through
// PrepareInsert, PrepareUpdate and After.
type Hooks struct {
	// Pipelines says that writes need WriteEnv.Pipelines.
	Pipelines bool
	// Old lists the stored columns an update's Prepare and After read
	// from the row before the update.
	Old []string
	// Checked lists reference columns that Prepare checks itself, so the
	// store's generic reference check skips them.
	Checked []string
	// Prepare completes and checks a row about to be written: on insert
	// old is nil and row holds every column's value; on update old holds
	// the Old columns (and id) and row the columns being set.
	Prepare func(env *WriteEnv, old, row *Record) *Error
	// After returns the writes to other tables that follow the row.
	After func(env *WriteEnv, old, row *Record) []Effect
}

// Effect is a write to another table that follows a written row: the
// rows of Table matching every column set in Clear (and the workspace)
// are deleted, when Clear is not nil, then Rows are inserted (their
// defaults filled as on insert).
type Effect struct {
	Table *Table
	Clear *Record
	Rows  []*Record
}

// NewID returns a time-ordered UUID (v7): ids sort by creation time.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ParseWrite reads a written JSON value of column c: nil for JSON null,
// else the kind's Go form, checked and normalised by the column's rules.
// The error names the column, what was received and the fix.
func (c *Column) ParseWrite(env *WriteEnv, raw json.RawMessage) (any, *Error) {
	r := bytes.TrimSpace(raw)
	if len(r) == 0 || string(r) == "null" {
		return nil, nil
	}
	var v any
	var err *Error
	if c.Parse != nil {
		v, err = c.Parse(r)
	} else {
		v, err = c.parseKind(r)
	}
	if err == nil {
		err = checkNUL(c.Name, v)
	}
	if err != nil || c.Check == nil {
		return v, err
	}
	return c.Check(env, v)
}

func (c *Column) parseKind(r json.RawMessage) (any, *Error) {
	switch c.Kind {
	case KindDecimal:
		d, err := ParseValue(r)
		if err != nil {
			return nil, err.(*Error)
		}
		return d, nil
	case KindInt:
		var n json.Number
		d := json.NewDecoder(bytes.NewReader(r))
		d.UseNumber()
		if r[0] == '"' || d.Decode(&n) != nil {
			return nil, typeError(c.Name, r, "an integer", "1")
		}
		i, err := n.Int64()
		if err != nil {
			return nil, typeError(c.Name, r, "an integer", "1")
		}
		return i, nil
	case KindBool:
		switch string(r) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, typeError(c.Name, r, "true or false", "true")
	case KindJSON:
		return ParseCustomFields(r)
	case KindTextArray:
		return ParseStringArray(c.Name, r)
	}
	s, err := stringField(c.Name, r)
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case KindUUID:
		return uuidField(c.Name, s)
	case KindDate:
		return ParseDate(c.Name, s)
	}
	return s, nil
}

func typeError(name string, raw json.RawMessage, want, example string) *Error {
	return Errorf(CodeInvalidField, "%s must be %s, got %s", name, want, clip(raw)).
		WithHint(`send e.g. "%s": %s`, name, example)
}

// PrepareInsert completes a row about to be inserted: a generated id, the
// timestamps, each omitted column's default (a required one is an error),
// then the table's Prepare hook. A column that is still NULL and may not
// be is PostgreSQL's 23502.
func (t *Table) PrepareInsert(env *WriteEnv, row *Record) *Error {
	for i := range t.Columns {
		c := &t.Columns[i]
		if row.HasAt(i) {
			continue
		}
		switch {
		case c.Generated:
			row.SetAt(i, NewID())
		case c.ReadOnly && c.Kind == KindTime:
			row.SetAt(i, env.now())
		case c.Default != nil:
			row.SetAt(i, c.Default)
		case c.Nullable:
			row.SetAt(i, nil)
		case c.Required:
			return c.MissingError(t.Name)
		}
	}
	if t.Hooks.Prepare != nil {
		if err := t.Hooks.Prepare(env, nil, row); err != nil {
			return err
		}
	}
	for i := range t.Columns {
		if c := &t.Columns[i]; row.Vals[i] == nil && !c.Nullable {
			return c.MissingError(t.Name)
		}
	}
	return nil
}

// PrepareUpdate completes the columns an update sets on one stored row
// (old holds id and the Hooks' Old columns): the touched timestamps, then
// the table's Prepare hook.
func (t *Table) PrepareUpdate(env *WriteEnv, old, row *Record) *Error {
	for i := range t.Columns {
		if t.Columns[i].Touched {
			row.SetAt(i, env.now())
		}
	}
	if t.Hooks.Prepare != nil {
		return t.Hooks.Prepare(env, old, row)
	}
	return nil
}

// After returns the writes to other tables that follow a written row
// (old is nil for an insert).
func (t *Table) After(env *WriteEnv, old, row *Record) []Effect {
	if t.Hooks.After == nil {
		return nil
	}
	return t.Hooks.After(env, old, row)
}

// Checks reports whether the table's Prepare hook checks the references
// of column col itself.
func (t *Table) Checks(col string) bool { return contains(t.Hooks.Checked, col) }

// WriteColumns lists the columns a client may write on insert (not
// read-only, not generated), in order.
func (t *Table) WriteColumns() []string {
	var out []string
	for _, c := range t.Columns {
		if !c.ReadOnly && !c.Generated {
			out = append(out, c.Name)
		}
	}
	return out
}
