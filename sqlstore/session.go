package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/connectgain/server/crm"
)

// Dashboard sessions live in the database, so every server on one
// database accepts a session any of them issued, and signing out on one
// ends it on all.

// sessionTokenBytes is the randomness of a session token (256 bits).
const sessionTokenBytes = 32

// CreateSession starts a dashboard session for the principal (who signed
// in with an API key) that ends at the returned time. It returns the
// session token for the cookie; only its SHA-256 is stored. Expired
// sessions of the workspace are deleted on the way.
func (s *Store) CreateSession(ctx context.Context, p *crm.Principal, ttl time.Duration) (string, time.Time, error) {
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, fmt.Errorf("session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.Now().UTC()
	expires := now.Add(ttl)
	err := s.inWrite(ctx, p.Workspace.ID, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `DELETE FROM dashboard_sessions WHERE workspace_id = ? AND expires_at < ?`,
			s.WorkspaceArg(p.Workspace.ID), s.d.Bind(crm.KindTime, now)); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		_, err := s.exec(ctx, tx, `INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at) VALUES (?,?,?,?,?)`,
			sessionHash(token), s.WorkspaceArg(p.Workspace.ID), p.KeyID, s.d.Bind(crm.KindTime, now), s.d.Bind(crm.KindTime, expires))
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create session: %w", err)
	}
	return token, expires, nil
}

// SessionPrincipal returns who a session token belongs to. An unknown or
// expired token, or one whose key has been revoked, is an unauthorized
// error.
func (s *Store) SessionPrincipal(ctx context.Context, token string) (*crm.Principal, error) {
	unauthorized := crm.Errorf(crm.CodeUnauthorized, "the session has ended").WithHint("sign in again with your API key")
	if token == "" || len(token) > 100 {
		return nil, unauthorized
	}
	row := s.queryRow(ctx, s.read, `SELECT k.id, k.scope, k.revoked_at, w.id, w.name, w.default_currency, w.phone_region, w.created_at, ses.expires_at, ses.workspace_id
		FROM dashboard_sessions ses
		JOIN api_keys k ON k.workspace_id = ses.workspace_id AND k.id = ses.key_id
		JOIN workspaces w ON w.`+s.workspaceRef()+` = ses.workspace_id
		WHERE ses.token_hash = ?`, sessionHash(token))
	var p crm.Principal
	var scope string
	var revoked, created, expires, ref any
	err := row.Scan(&p.KeyID, &scope, &revoked, &p.Workspace.ID, &p.Workspace.Name, &p.Workspace.DefaultCurrency,
		&p.Workspace.PhoneRegion, &created, &expires, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", s.d.Error(err))
	}
	s.noteWorkspaceKey(p.Workspace.ID, ref)
	exp, err := s.d.Decode(crm.KindTime, expires)
	if err != nil {
		return nil, err
	}
	if revoked != nil || !s.Now().Before(timeOf(exp)) {
		return nil, unauthorized
	}
	p.Scope = crm.Scope(scope)
	t, _ := s.d.Decode(crm.KindTime, created)
	p.Workspace.CreatedAt = timeOf(t)
	return &p, nil
}

// DeleteSession ends a session (sign-out). Ending an unknown session is
// not an error.
func (s *Store) DeleteSession(ctx context.Context, p *crm.Principal, token string) error {
	return s.inWrite(ctx, p.Workspace.ID, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `DELETE FROM dashboard_sessions WHERE token_hash = ? AND workspace_id = ?`, sessionHash(token), s.WorkspaceArg(p.Workspace.ID))
		return err
	})
}

func sessionHash(token string) []byte {
	h := sha256.Sum256([]byte("session:" + token))
	return h[:]
}
