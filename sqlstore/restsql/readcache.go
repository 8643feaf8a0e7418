package restsql

import (
	"context"
	"sync"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
)

// The read cache: a plain read (no embeds, no counts, no Prefer: count)
// of a query the engine has seen before for the workspace (twice: see
// Doorkeeper) reuses the plan and the statement rendered then, so a
// repeated URL (a point read) skips planning and rendering. An entry is the workspace's own: its key
// holds the workspace, and it is used only while the workspace binds the
// value it was rendered with; only the page (LIMIT, OFFSET) is bound per
// request.

// maxCachedReads bounds the reads kept; past it the cache starts again
// empty (requests in flight keep the entries they hold).
const maxCachedReads = 1024

// readKey is what a read's plan and statement depend on besides the
// page: the query (by identity: a caller that parses a repeated URL
// once, as the api package does, passes the same *pgrest.Query, which no
// one changes once passed to Rest), the tables' description (replaced,
// not changed, when a column is added), the table, and the workspace: its
// id and its phone region (phone operands are normalised with it).
type readKey struct {
	q      *pgrest.Query
	schema *crm.Schema
	table  string
	ws     string
	region string
}

// readEntry is a rendered read: its plan, its statement (rebound for the
// dialect) and arguments, the last pageArgs of them bound per request,
// ws, what workspace_id bound when it was rendered, and q, the pool it
// runs on (point.go), nil for the request's.
type readEntry struct {
	p    *plan
	sql  string
	args []any
	ws   any
	q    queryer
}

// pageArgs is the number of arguments readSQL ends with: LIMIT, OFFSET.
const pageArgs = 2

// readCache keeps the reads seen at least twice (door).
type readCache struct {
	door Doorkeeper[readKey]
	mu   sync.RWMutex
	m    map[readKey]*readEntry
}

func (c *readCache) get(k readKey) *readEntry {
	c.mu.RLock()
	e := c.m[k]
	c.mu.RUnlock()
	return e
}

// admit reports whether a read missed by get should be rendered for the
// cache: its second miss.
func (c *readCache) admit(k readKey) bool { return c.door.Admit(k) }

func (c *readCache) put(k readKey, e *readEntry) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedReads {
		c.m = make(map[readKey]*readEntry, maxCachedReads) // sized once: no growth while it fills
	}
	c.m[k] = e
	c.mu.Unlock()
}

// cacheable reports whether a read of plan p for req can use the cache:
// a plain top-level read of rows.
func cacheable(p *plan, req *Request) bool {
	return len(p.embeds) == 0 && !hasCounts(p) && !req.Count && req.Limit != 0
}

// sameWorkspaceArg reports whether two values of wsArg are the same
// plain value: a UUID or a key. Anything else (a workspace not found, a
// key that could not be read) is never kept or matched.
func sameWorkspaceArg(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	}
	return false
}

// render renders plan p's read for the cache: nil when it cannot be kept
// (the workspace's value is not a plain one, or the statement does not
// end with req's page).
func (rc *restCtx) render(p *plan, req *Request) (*readEntry, error) {
	b, err := rc.readSQL(p, req)
	if err != nil {
		return nil, err
	}
	ws := rc.wsArg()
	limit, offset := pageOf(req)
	n := len(b.Args)
	if !sameWorkspaceArg(ws, ws) || n < pageArgs || b.Args[n-2] != any(limit) || b.Args[n-1] != any(offset) {
		return nil, nil
	}
	return &readEntry{p: p, sql: rc.d.Rebind(b.String()), args: b.Args, ws: ws, q: rc.pointPool(p)}, nil
}

// readCached runs the read kept in e for this request's page.
func (rc *restCtx) readCached(ctx context.Context, q queryer, e *readEntry, req *Request) (*Result, error) {
	args := make([]any, len(e.args))
	copy(args, e.args)
	args[len(args)-2], args[len(args)-1] = pageOf(req)
	if e.q != nil {
		q = e.q
	}
	rows, _, err := rc.runSQL(ctx, q, e.p, e.sql, args)
	if err != nil {
		return nil, err
	}
	return &Result{Total: -1, Rows: rows}, nil
}
