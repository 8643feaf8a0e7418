package crm

import "fmt"

// The tables' write-time behaviour, declared beside their columns
// (tables.go). The store calls these through Table.PrepareInsert,
// PrepareUpdate and After on every write path.

// dealHooks: a deal's pipeline and stage are resolved against the
// workspace's pipelines (a stage matches case-insensitively and is stored
// lower-case), its currency defaults to the request's then the
// workspace's, and a stage change records a deal_stage_changes row.
var dealHooks = Hooks{
	Pipelines: true,
	Old:       []string{"stage", "pipeline_id"},
	Checked:   []string{"pipeline_id"},
	Prepare:   prepareDeal,
	After:     afterDeal,
}

func prepareDeal(env *WriteEnv, old, row *Record) *Error {
	if old == nil {
		return prepareNewDeal(env, row)
	}
	if !row.IsSet("stage") && !row.IsSet("pipeline_id") {
		return nil
	}
	pid, stage := old.Str("pipeline_id"), old.Str("stage")
	if row.IsSet("pipeline_id") {
		pid = row.Str("pipeline_id")
	}
	if row.IsSet("stage") {
		stage = row.Str("stage")
	}
	pl, err := env.Pipelines.Lookup(pid)
	if err != nil {
		return err
	}
	c, err := pl.ResolveStage(stage)
	if err != nil {
		return err
	}
	row.Set("stage", c)
	return nil
}

// prepareNewDeal fills currency, pipeline and stage: the row's value, then
// the request's default, then the workspace's (the pipeline's first stage
// for stage).
func prepareNewDeal(env *WriteEnv, row *Record) *Error {
	if row.Str("currency") == "" {
		c := env.Defaults["currency"]
		if c == "" && env.Workspace != nil {
			c = env.Workspace.DefaultCurrency
		}
		if c == "" {
			c = "USD"
		}
		row.Set("currency", c)
	}
	pid := row.Str("pipeline_id")
	if pid == "" {
		pid = env.Defaults["pipeline_id"]
	}
	p, err := env.Pipelines.Lookup(pid)
	if err != nil {
		return err
	}
	row.Set("pipeline_id", p.ID)
	stage, set := row.Get("stage")
	if !set {
		if d := env.Defaults["stage"]; d != "" {
			c, err := p.ResolveStage(d)
			if err != nil {
				err.Message = "default_stage: " + err.Message
				return err
			}
			row.Set("stage", c)
			return nil
		}
		row.Set("stage", p.FirstStage())
		return nil
	}
	s, _ := stage.(string)
	c, err := p.ResolveStage(s)
	if err != nil {
		return err
	}
	row.Set("stage", c)
	return nil
}

func afterDeal(_ *WriteEnv, old, row *Record) []Effect {
	if old == nil || !row.IsSet("stage") {
		return nil
	}
	from, to := old.Str("stage"), row.Str("stage")
	if from == to {
		return nil
	}
	ch := row.T.Schema().MustTable("deal_stage_changes").NewRecord()
	ch.Set("deal_id", row.Str("id"))
	if from == "" {
		ch.Set("from_stage", nil)
	} else {
		ch.Set("from_stage", from)
	}
	ch.Set("to_stage", to)
	return []Effect{{Table: ch.T, Rows: []*Record{ch}}}
}

// contactHooks keep the table's identifier index (Table.Identifiers,
// contact_identifiers for contacts) in step with the columns that declare
// an Identifier (phones, emails): one row per distinct value. Two contacts
// may share a phone or an email (a REST POST inserts, as PostgREST does;
// see the schema); the bulk endpoint links to the oldest.
var contactHooks = Hooks{After: afterContact}

func afterContact(_ *WriteEnv, old, row *Record) []Effect {
	ix := row.T.Identifiers
	if ix == nil {
		return nil
	}
	idents := row.T.Schema().MustTable(ix.Table)
	id := row.Str("id")
	var out []Effect
	for i := range row.T.Columns {
		c := &row.T.Columns[i]
		if c.Identifier == "" || !row.HasAt(i) {
			continue
		}
		e := Effect{Table: idents}
		if old != nil {
			e.Clear = idents.NewRecord()
			e.Clear.Set(ix.Row, id)
			e.Clear.Set(ix.Kind, c.Identifier)
		}
		list, _ := row.Vals[i].([]string)
		e.Rows = IdentifierRows(ix, idents, id, c.Identifier, list)
		if e.Clear != nil || len(e.Rows) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// IdentifierRows returns the rows of the identifier index ix (whose table
// is idents) for the distinct values of one kind of the row id.
func IdentifierRows(ix *IdentifierIndex, idents *Table, id, kind string, values []string) []*Record {
	rows := make([]*Record, 0, len(values))
	for i, v := range values {
		if contains(values[:i], v) {
			continue
		}
		r := idents.NewRecord()
		r.Set(ix.Kind, kind)
		r.Set(ix.Value, v)
		r.Set(ix.Row, id)
		rows = append(rows, r)
	}
	return rows
}

// stageHooks: a stage belongs to a pipeline of the workspace.
var stageHooks = Hooks{
	Pipelines: true,
	Checked:   []string{"pipeline_id"},
	Prepare: func(env *WriteEnv, _, row *Record) *Error {
		if !row.IsSet("pipeline_id") {
			return nil
		}
		pid := row.Str("pipeline_id")
		if _, ok := env.Pipelines.ByID[pid]; !ok {
			return ForeignKeyError(row.T.Name, "pipeline_id", pid, "pipelines")
		}
		return nil
	},
}

// ForeignKeyError is PostgreSQL's 23503 for a reference to a row the
// workspace does not have (another workspace's id is as absent as one
// that never existed).
func ForeignKeyError(table, col, id, ref string) *Error {
	return &Error{Code: SQLStateForeignKey, Message: fmt.Sprintf("insert or update on table %q violates foreign key constraint \"%s_%s_fkey\"", table, table, col),
		Details: fmt.Sprintf("Key (%s)=(%s) is not present in table %q.", col, id, ref)}
}
