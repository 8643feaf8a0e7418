package restsql

import (
	"fmt"
	"net/http"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// Statement is one statement the REST renderer wrote, for the golden
// tests: its role, the SQL with the dialect's placeholders, and the
// arguments as bound.
type Statement struct {
	Label string // count, select, embed <path> or matching
	SQL   string
	Args  []any
}

// RenderForTest renders, without a database, the statements Engine.Rest
// runs for req: a read's COUNT (when req.Count), its SELECT (unless
// req.Limit is 0) and the SELECT of each embed, linked to the one parent
// key "<parent>"; or the id SELECT of a PATCH or DELETE. POST has nothing
// to render: its statements depend on the rows already stored. Errors are
// those Engine.Rest would return before running anything.
func RenderForTest(d Dialect, ws *crm.Workspace, req *Request) ([]Statement, error) {
	t, ok := crm.DefaultSchema.Table(req.Table)
	if !ok {
		return nil, UnknownTable(req.Table)
	}
	// workspace_id binds what a store would: the UUID, or the key of the
	// first workspace of a database on a dialect that keys workspaces.
	var wsArg any = ws.ID
	if _, ok := d.(sqlstore.WorkspaceKeyer); ok {
		wsArg = int64(1)
	}
	rc := &restCtx{d: d, ws: ws, wsBound: wsArg, q: req.Query, schema: crm.DefaultSchema}
	var out []Statement
	emit := func(label string, b *sqlstore.Builder) {
		out = append(out, Statement{Label: label, SQL: d.Rebind(b.String()), Args: b.Args})
	}
	switch req.Method {
	case http.MethodPatch, http.MethodDelete:
		if err := needsWhere(req, map[string]string{http.MethodPatch: "UPDATE", http.MethodDelete: "DELETE"}[req.Method]); err != nil {
			return nil, err
		}
		b, err := rc.matchingSQL(t)
		if err != nil {
			return nil, err
		}
		emit("matching", b)
		return out, nil
	case http.MethodGet, http.MethodHead:
	default:
		return nil, fmt.Errorf("RenderForTest: %s is not rendered", req.Method)
	}
	p, err := rc.compileTop(t)
	if err != nil {
		return nil, err
	}
	if req.Count {
		b, err := rc.countSQL(p)
		if err != nil {
			return nil, err
		}
		emit("count", b)
	}
	if req.Limit == 0 {
		return out, nil
	}
	b, err := rc.readSQL(p, req)
	if err != nil {
		return nil, err
	}
	emit("select", b)
	var embeds func(p *plan, path string) error
	embeds = func(p *plan, path string) error {
		for _, e := range p.embeds {
			b, err := rc.embedSQL(e, []string{"<parent>"})
			if err != nil {
				return err
			}
			emit("embed "+path+e.name, b)
			if err := embeds(e.child, path+e.name+"."); err != nil {
				return err
			}
		}
		return nil
	}
	return out, embeds(p, "")
}
