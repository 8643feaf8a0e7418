package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/connectgain/server/crm"
)

// CreateWorkspace creates a workspace with the default pipeline and its
// stages. currency and region may be empty (USD, no region).
func (s *Store) CreateWorkspace(ctx context.Context, name, currency, region string) (*crm.Workspace, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, crm.Errorf(crm.CodeInvalidField, "workspace name is empty")
	}
	if currency == "" {
		currency = "USD"
	}
	cur, err := crm.NormalizeCurrency(currency)
	if err != nil {
		return nil, err
	}
	if region, err = crm.NormalizeRegion(region); err != nil {
		return nil, err
	}
	ws := &crm.Workspace{ID: newID(), Name: name, DefaultCurrency: cur, PhoneRegion: region, CreatedAt: s.Now().UTC()}
	err = s.inWrite(ctx, ws.ID, func(tx *sql.Tx) error {
		now := s.d.Bind(crm.KindTime, ws.CreatedAt)
		if _, err := s.exec(ctx, tx, `INSERT INTO workspaces (id, name, default_currency, phone_region, created_at) VALUES (?,?,?,?,?)`,
			ws.ID, ws.Name, ws.DefaultCurrency, ws.PhoneRegion, now); err != nil {
			if e, ok := crm.AsError(err); ok && e.Code == crm.SQLStateUnique {
				return crm.Errorf(crm.SQLStateUnique, "workspace %q already exists", name)
			}
			return fmt.Errorf("insert workspace: %w", err)
		}
		// WorkspaceArg reads committed rows: the new key is read here
		// and remembered for the rest of the transaction (and forgotten
		// if it rolls back). No one else knows the new UUID before the
		// commit, so no other request can bind it meanwhile.
		var ref any
		if err := s.queryRow(ctx, tx, `SELECT `+s.workspaceRef()+` FROM workspaces WHERE id = ?`, ws.ID).Scan(&ref); err != nil {
			return fmt.Errorf("read the new workspace's key: %w", s.d.Error(err))
		}
		s.noteWorkspaceKey(ws.ID, ref)
		pid := s.d.Bind(crm.KindUUID, newID())
		if _, err := s.exec(ctx, tx, `INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at) VALUES (?,?,?,?,?,?)`,
			s.WorkspaceArg(ws.ID), pid, crm.DefaultPipelineName, s.d.Bind(crm.KindBool, true), now, now); err != nil {
			return fmt.Errorf("insert pipeline: %w", err)
		}
		for _, st := range crm.DefaultStages {
			if _, err := s.exec(ctx, tx, `INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, name, position, is_closed, is_won, created_at) VALUES (?,?,?,?,?,?,?,?,?)`,
				s.WorkspaceArg(ws.ID), s.d.Bind(crm.KindUUID, newID()), pid, st.ID, st.Name, st.Position, s.d.Bind(crm.KindBool, st.IsClosed), s.d.Bind(crm.KindBool, st.IsWon), now); err != nil {
				return fmt.Errorf("insert stage: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		s.wsKeys.Delete(ws.ID)
		return nil, err
	}
	return ws, nil
}

// workspaceCols are the columns scanWorkspace reads.
func (s *Store) workspaceCols() string {
	return `id, name, default_currency, phone_region, created_at, ` + s.workspaceRef()
}

func (s *Store) scanWorkspace(row interface{ Scan(...any) error }) (*crm.Workspace, error) {
	var ws crm.Workspace
	var created, ref any
	if err := row.Scan(&ws.ID, &ws.Name, &ws.DefaultCurrency, &ws.PhoneRegion, &created, &ref); err != nil {
		return nil, err
	}
	s.noteWorkspaceKey(ws.ID, ref)
	t, err := s.d.Decode(crm.KindTime, created)
	if err != nil {
		return nil, err
	}
	ws.CreatedAt = timeOf(t)
	return &ws, nil
}

// WorkspaceByName returns the named workspace, or a not_found error.
func (s *Store) WorkspaceByName(ctx context.Context, name string) (*crm.Workspace, error) {
	ws, err := s.scanWorkspace(s.queryRow(ctx, s.read, `SELECT `+s.workspaceCols()+` FROM workspaces WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crm.Errorf(crm.CodeNotFound, "workspace %q does not exist", name).
			WithHint("list workspaces with: connectgain workspaces list")
	}
	return ws, err
}

// Workspaces lists all workspaces by name.
func (s *Store) Workspaces(ctx context.Context) ([]crm.Workspace, error) {
	rows, err := s.query(ctx, s.read, `SELECT `+s.workspaceCols()+` FROM workspaces ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Workspace
	for rows.Next() {
		ws, err := s.scanWorkspace(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *ws)
	}
	return out, rows.Err()
}

// UpdateWorkspace sets a workspace's default currency and phone region;
// empty arguments leave the setting as it is.
func (s *Store) UpdateWorkspace(ctx context.Context, name, currency, region string) (*crm.Workspace, error) {
	ws, err := s.WorkspaceByName(ctx, name)
	if err != nil {
		return nil, err
	}
	if currency != "" {
		if ws.DefaultCurrency, err = crm.NormalizeCurrency(currency); err != nil {
			return nil, err
		}
	}
	if region != "" {
		if ws.PhoneRegion, err = crm.NormalizeRegion(region); err != nil {
			return nil, err
		}
	}
	err = s.inWrite(ctx, ws.ID, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE workspaces SET default_currency = ?, phone_region = ? WHERE id = ?`, ws.DefaultCurrency, ws.PhoneRegion, ws.ID)
		return err
	})
	return ws, err
}

// CreateKey makes a new API key for the workspace and returns it in clear
// text; only its hash is stored.
func (s *Store) CreateKey(ctx context.Context, workspaceID, label string, scope crm.Scope) (string, *crm.APIKey, error) {
	key, hash, prefix := crm.NewKey()
	k := &crm.APIKey{ID: newID(), WorkspaceID: workspaceID, Name: label, Prefix: prefix, Scope: scope, CreatedAt: s.Now().UTC()}
	err := s.inWrite(ctx, workspaceID, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO api_keys (workspace_id, id, name, prefix, hash, scope, created_at) VALUES (?,?,?,?,?,?,?)`,
			s.WorkspaceArg(workspaceID), k.ID, label, prefix, hash, string(scope), s.d.Bind(crm.KindTime, k.CreatedAt))
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("create key: %w", err)
	}
	return key, k, nil
}

// Keys lists the keys of a workspace (all workspaces for "").
func (s *Store) Keys(ctx context.Context, workspace string) ([]crm.APIKey, error) {
	rows, err := s.query(ctx, s.read, `SELECT k.id, w.id, w.name, k.name, k.prefix, k.scope, k.created_at, k.revoked_at
		FROM api_keys k JOIN workspaces w ON w.`+s.workspaceRef()+` = k.workspace_id
		WHERE ? = '' OR w.name = ? ORDER BY w.name, k.created_at`, workspace, workspace)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.APIKey
	for rows.Next() {
		var k crm.APIKey
		var scope string
		var created, revoked any
		if err := rows.Scan(&k.ID, &k.WorkspaceID, &k.Workspace, &k.Name, &k.Prefix, &scope, &created, &revoked); err != nil {
			return nil, err
		}
		k.Scope = crm.Scope(scope)
		t, _ := s.d.Decode(crm.KindTime, created)
		k.CreatedAt = timeOf(t)
		if revoked != nil {
			r, _ := s.d.Decode(crm.KindTime, revoked)
			rt := timeOf(r)
			k.RevokedAt = &rt
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeKey revokes the key whose id or visible prefix is idOrPrefix. A
// prefix that names several keys is refused.
func (s *Store) RevokeKey(ctx context.Context, idOrPrefix string) (*crm.APIKey, error) {
	keys, err := s.Keys(ctx, "")
	if err != nil {
		return nil, err
	}
	var found []crm.APIKey
	for _, k := range keys {
		if k.ID == idOrPrefix || k.Prefix == idOrPrefix {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 0:
		return nil, crm.Errorf(crm.CodeNotFound, "no key has id or prefix %q", idOrPrefix).WithHint("list keys with: connectgain keys list")
	case 1:
	default:
		return nil, crm.Errorf(crm.CodeInvalidField, "%d keys have prefix %q", len(found), idOrPrefix).WithHint("revoke by id instead")
	}
	k := found[0]
	now := s.Now().UTC()
	err = s.inWrite(ctx, k.WorkspaceID, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, s.d.Bind(crm.KindTime, now), k.ID)
		return err
	})
	k.RevokedAt = &now
	return &k, err
}

// Authenticate returns the principal of an API key, or an unauthorized
// error for an unknown or revoked key.
func (s *Store) Authenticate(ctx context.Context, key string) (*crm.Principal, error) {
	unauthorized := crm.Errorf(crm.CodeUnauthorized, "invalid API key").
		WithHint("send a key created with 'connectgain keys create' in the X-API-Key header")
	if !crm.LooksLikeKey(key) {
		return nil, unauthorized
	}
	row := s.queryRow(ctx, s.read, `SELECT k.id, k.scope, k.revoked_at, w.id, w.name, w.default_currency, w.phone_region, w.created_at, k.workspace_id
		FROM api_keys k JOIN workspaces w ON w.`+s.workspaceRef()+` = k.workspace_id WHERE k.hash = ?`, crm.HashKey(key))
	var p crm.Principal
	var scope string
	var revoked, created, ref any
	err := row.Scan(&p.KeyID, &scope, &revoked, &p.Workspace.ID, &p.Workspace.Name, &p.Workspace.DefaultCurrency, &p.Workspace.PhoneRegion, &created, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", s.d.Error(err))
	}
	s.noteWorkspaceKey(p.Workspace.ID, ref)
	if revoked != nil {
		return nil, crm.Errorf(crm.CodeUnauthorized, "API key has been revoked").WithHint("create a new key with 'connectgain keys create'")
	}
	p.Scope = crm.Scope(scope)
	t, _ := s.d.Decode(crm.KindTime, created)
	p.Workspace.CreatedAt = timeOf(t)
	return &p, nil
}

// Pipelines loads a workspace's pipelines and stages.
func (s *Store) Pipelines(ctx context.Context, q queryer, workspaceID string) (*crm.Pipelines, error) {
	if q == nil {
		q = s.read
	}
	rows, err := s.query(ctx, q, `SELECT p.id, p.name, p.is_default, st.stage, st.name, st.position, st.is_closed, st.is_won
		FROM pipelines p LEFT JOIN pipeline_stages st ON st.workspace_id = p.workspace_id AND st.pipeline_id = p.id
		WHERE p.workspace_id = ? ORDER BY p.created_at, p.id, st.position`, s.WorkspaceArg(workspaceID))
	if err != nil {
		return nil, fmt.Errorf("load pipelines: %w", err)
	}
	defer rows.Close()
	ps := &crm.Pipelines{ByID: map[string]*crm.Pipeline{}}
	for rows.Next() {
		var rawID, isDefault any
		var name string
		var stage, stName sql.NullString
		var pos sql.NullInt64
		var closed, won any
		if err := rows.Scan(&rawID, &name, &isDefault, &stage, &stName, &pos, &closed, &won); err != nil {
			return nil, err
		}
		id, err := s.scanID(rawID)
		if err != nil {
			return nil, fmt.Errorf("load pipelines: %w", err)
		}
		p := ps.ByID[id]
		if p == nil {
			def, _ := s.d.Decode(crm.KindBool, isDefault)
			p = &crm.Pipeline{ID: id, Name: name, IsDefault: def == true}
			ps.ByID[id] = p
			if p.IsDefault && ps.Default == nil {
				ps.Default = p
			}
		}
		if stage.Valid {
			c, _ := s.d.Decode(crm.KindBool, closed)
			w, _ := s.d.Decode(crm.KindBool, won)
			p.Stages = append(p.Stages, crm.Stage{ID: stage.String, Name: stName.String, Position: int(pos.Int64), IsClosed: c == true, IsWon: w == true})
		}
	}
	return ps, rows.Err()
}

// EnsureDefault creates the workspace "default" and a write key for it when
// the database has no workspace at all. It returns the key, or "" when the
// database already had a workspace.
func (s *Store) EnsureDefault(ctx context.Context) (string, error) {
	var n int
	if err := s.queryRow(ctx, s.read, `SELECT COUNT(*) FROM workspaces`).Scan(&n); err != nil {
		return "", fmt.Errorf("count workspaces: %w", err)
	}
	if n > 0 {
		return "", nil
	}
	ws, err := s.CreateWorkspace(ctx, "default", "", "")
	if err != nil {
		return "", err
	}
	key, _, err := s.CreateKey(ctx, ws.ID, "default", crm.ScopeWrite)
	return key, err
}

// noWorkspaceKey is bound for a workspace the database does not hold:
// keys start at 1, so it matches no row, and a row written with it fails
// its foreign key to workspaces.
const noWorkspaceKey = int64(0)

// unreadWorkspace is bound in place of a workspace's key that could not
// be read: database/sql asks it for its value before running the
// statement, and it answers with the read's error, so the statement
// fails with it.
type unreadWorkspace struct {
	id  string
	err error
}

// Value implements driver.Valuer.
func (u unreadWorkspace) Value() (driver.Value, error) {
	return nil, fmt.Errorf("reading the key of workspace %s: %w", u.id, u.err)
}

// workspaceRef is the workspaces column that workspace_id refers to: the
// dialect's key, or the UUID itself.
func (s *Store) workspaceRef() string {
	if k, ok := s.d.(WorkspaceKeyer); ok {
		return k.WorkspaceKeyColumn()
	}
	return "id"
}

// WorkspaceArg is what to bind for workspace_id (in a WHERE or an
// insert) for the workspace whose UUID is wsID. Every bind site takes it
// from here: the UUID itself, or on a WorkspaceKeyer dialect the
// workspace's key. Keys are never reused nor changed, so they are kept
// in memory once read (authentication reads them on the way); a
// workspace not seen yet is read from the database, and one that does
// not exist binds noWorkspaceKey, which matches nothing and is not
// remembered. When the read itself fails (the database is unreachable,
// the context ends), what is returned makes the statement it is bound
// to fail with that error instead of answering as if the workspace held
// no rows.
func (s *Store) WorkspaceArg(wsID string) any {
	if _, ok := s.d.(WorkspaceKeyer); !ok {
		return wsID
	}
	if k, ok := s.wsKeys.Load(wsID); ok {
		return k
	}
	var key int64
	err := s.queryRow(context.Background(), s.read, `SELECT `+s.workspaceRef()+` FROM workspaces WHERE id = ?`, wsID).Scan(&key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return noWorkspaceKey
	case err != nil:
		return unreadWorkspace{wsID, err}
	}
	s.wsKeys.Store(wsID, key)
	return key
}

// noteWorkspaceKey remembers the key a query read beside a workspace's
// UUID (ref is the value of its workspaceRef column): a committed
// workspace's, or a new one's inside CreateWorkspace's transaction.
func (s *Store) noteWorkspaceKey(wsID string, ref any) {
	if _, ok := s.d.(WorkspaceKeyer); !ok {
		return
	}
	if k, ok := ref.(int64); ok && k > 0 {
		if _, known := s.wsKeys.Load(wsID); !known { // a read, on every request's authentication
			s.wsKeys.Store(wsID, k)
		}
	}
}
