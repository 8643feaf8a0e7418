package restsql

import (
	"encoding/json"
	"fmt"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// unknownWriteColumn is PostgREST's 400 PGRST204 for a payload key or a
// columns= name that is not a column.
func unknownWriteColumn(t *crm.Table, name string) *crm.Error {
	e := &crm.Error{Code: crm.PGRSTUnknownColumn, Message: fmt.Sprintf("Could not find the '%s' column of '%s' in the schema cache", name, t.Name)}
	switch h, ok := t.KeyHints[name]; {
	case name == "workspace_id":
		e.Hint = "the workspace comes from the API key and cannot be set"
	case ok:
		e.Hint = h
	default:
		if n := crm.Nearest(name, t.ColumnNames()); n != "" {
			e.Hint = fmt.Sprintf("Perhaps you meant the '%s' column", n)
		}
	}
	return e
}

// rowValues validates one written object as API.md §4 says, each value
// read and checked by its column's description (crm.Column.ParseWrite,
// as the bulk endpoint reads a deal), and returns them as a record (nil
// for NULL). With cols (columns=), only those keys are read; a key missing
// from the object is left out of an insert (so the column gets its
// default, as PostgREST's missing=default) and is NULL in an update.
// Without cols, missingDefault leaves out an insert's explicit null for a
// column that may not be NULL. insert tells POST from PATCH: a PATCH may
// not change id. Deal stages are resolved later, against the pipeline of
// each row (the deals hook).
func (rc *restCtx) rowValues(t *crm.Table, env *crm.WriteEnv, obj map[string]json.RawMessage, cols []string, missingDefault, insert bool) (*crm.Record, error) {
	rec := t.NewRecord()
	keys := cols
	if keys == nil {
		keys = sortedKeys(obj) // sorted: deterministic errors
	}
	for _, k := range keys {
		if _, ok := t.Column(k); !ok {
			return nil, unknownWriteColumn(t, k)
		}
	}
	for i := range t.Columns {
		c := &t.Columns[i]
		raw, ok := obj[c.Name]
		if cols != nil {
			if !contains(cols, c.Name) {
				continue
			}
			if !ok {
				if insert || missingDefault {
					continue
				}
				raw = json.RawMessage("null")
			}
		} else if !ok {
			continue
		}
		if c.ReadOnly {
			return nil, crm.Errorf(crm.CodeInvalidField, "%s is set by the server and cannot be written", c.Name).
				WithHint("leave %s out of the body", c.Name)
		}
		if c.Generated && !insert {
			return nil, crm.Errorf(crm.CodeInvalidField, "%s cannot be changed", c.Name).
				WithHint("leave %s out of a PATCH body; filter by it instead (?%s=eq.ID)", c.Name, c.Name)
		}
		v, err := c.ParseWrite(env, raw)
		if err != nil {
			return nil, err
		}
		if v == nil && c.Generated {
			continue
		}
		if v == nil && !c.Nullable {
			if insert && missingDefault {
				continue
			}
			return nil, c.MissingError(t.Name)
		}
		rec.SetAt(i, v)
	}
	return rec, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scanID turns a scanned id column into its text form through the
// dialect (SQLite stores a UUID as 16 bytes).
func (rc *restCtx) scanID(raw any) (string, error) { return sqlstore.DecodeID(rc.d, raw) }

// columnKind is the kind of t's column name (a relation's link), uuid
// when t does not describe it.
func columnKind(t *crm.Table, name string) crm.Kind {
	if c, ok := t.Column(name); ok {
		return c.Kind
	}
	return crm.KindUUID
}
