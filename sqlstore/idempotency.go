package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/connectgain/server/crm"
)

// IdempotencyTTL is how long an Idempotency-Key is remembered after its
// first attempt.
const IdempotencyTTL = 24 * time.Hour

// The Idempotency-Key types are crm's (crm/idempotency.go), shared with
// the HTTP layer.
type (
	IdemKey      = crm.IdemKey
	IdemState    = crm.IdemState
	IdemResponse = crm.IdemResponse
	IdemClaim    = crm.IdemClaim
)

// What BeginIdempotent found (crm.IdemState).
const (
	IdemStarted  = crm.IdemStarted
	IdemReplay   = crm.IdemReplay
	IdemRunning  = crm.IdemRunning
	IdemMismatch = crm.IdemMismatch
	IdemLost     = crm.IdemLost
)

// ErrIdemTakenOver is returned by a write whose key another attempt took
// over (code idempotency_key_in_use).
var ErrIdemTakenOver = &crm.Error{Code: "idempotency_key_in_use",
	Message: "another request with this Idempotency-Key took it over while this one ran; nothing was written",
	Hint:    "retry with the same Idempotency-Key to get the stored answer"}

// markCommitted runs inside a write transaction (inWrite) of a request
// holding an Idempotency-Key.
func (s *Store) markCommitted(ctx context.Context, tx *sql.Tx) error {
	c := crm.IdempotencyClaim(ctx)
	if c == nil {
		return nil
	}
	r, err := s.exec(ctx, tx, `UPDATE idempotency_keys SET state = 'committed'
		WHERE workspace_id = ? AND scope = ? AND key = ? AND owner = ? AND state <> 'done'`,
		s.WorkspaceArg(c.WorkspaceID), c.Scope, c.Key, c.Owner)
	if err != nil {
		return fmt.Errorf("mark idempotency key: %w", err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return ErrIdemTakenOver
	}
	return nil
}

// BeginIdempotent claims k for an attempt whose lease lasts lease. It
// inserts a 'running' row in a statement of its own (the primary key
// lets exactly one of concurrent attempts, on any server, win); failing
// that it reads the row: same fingerprint and done is a replay, running
// under a live lease is IdemRunning, running under an expired lease is
// taken over (compare-and-set on the owner), committed without a response
// is IdemLost. An expired key is deleted and claimed afresh.
func (s *Store) BeginIdempotent(ctx context.Context, k IdemKey, lease time.Duration) (*IdemClaim, IdemState, *IdemResponse, error) {
	s.expireIdempotency(ctx)
	claim := &IdemClaim{IdemKey: k, Owner: newOwner()}
	for range 5 {
		now := s.Now().UnixMilli()
		r, err := s.exec(ctx, s.write, `INSERT INTO idempotency_keys
			(workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at)
			VALUES (?, ?, ?, ?, ?, 'running', ?, ?) ON CONFLICT (workspace_id, scope, key) DO NOTHING`,
			s.WorkspaceArg(k.WorkspaceID), k.Scope, k.Key, k.Fingerprint, claim.Owner, now+lease.Milliseconds(), now+IdempotencyTTL.Milliseconds())
		if err != nil {
			return nil, 0, nil, fmt.Errorf("claim idempotency key: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			return claim, IdemStarted, nil, nil
		}
		cur, err := s.readIdemRow(ctx, k)
		if errors.Is(err, sql.ErrNoRows) {
			continue // deleted meanwhile: claim again
		}
		if err != nil {
			return nil, 0, nil, fmt.Errorf("read idempotency key: %w", s.d.Error(err))
		}
		switch {
		case cur.expires <= now:
			if _, err := s.exec(ctx, s.write, `DELETE FROM idempotency_keys
				WHERE workspace_id = ? AND scope = ? AND key = ? AND expires_at <= ?`, s.WorkspaceArg(k.WorkspaceID), k.Scope, k.Key, now); err != nil {
				return nil, 0, nil, fmt.Errorf("expire idempotency key: %w", err)
			}
			continue
		case cur.fingerprint != k.Fingerprint:
			return nil, IdemMismatch, nil, nil
		case cur.state == "done":
			resp := &IdemResponse{Status: int(cur.status.Int64), Body: cur.body}
			if cur.headers.Valid {
				_ = json.Unmarshal([]byte(cur.headers.String), &resp.Headers)
			}
			return nil, IdemReplay, resp, nil
		case cur.leaseUntil > now:
			return nil, IdemRunning, nil, nil
		case cur.state == "committed":
			return nil, IdemLost, nil, nil
		}
		r, err = s.exec(ctx, s.write, `UPDATE idempotency_keys SET owner = ?, lease_until = ?
			WHERE workspace_id = ? AND scope = ? AND key = ? AND owner = ? AND state = 'running'`,
			claim.Owner, now+lease.Milliseconds(), s.WorkspaceArg(k.WorkspaceID), k.Scope, k.Key, cur.owner)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("take over idempotency key: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			return claim, IdemStarted, nil, nil
		}
	}
	return nil, IdemRunning, nil, nil
}

// idemRow is a stored Idempotency-Key row, as BeginIdempotent reads it.
type idemRow struct {
	fingerprint, owner, state string
	leaseUntil, expires       int64
	status                    sql.NullInt64
	headers                   sql.NullString
	body                      []byte
}

func (s *Store) readIdemRow(ctx context.Context, k IdemKey) (idemRow, error) {
	var r idemRow
	err := s.queryRow(ctx, s.write, `SELECT fingerprint, owner, state, lease_until, expires_at, status, headers, body
		FROM idempotency_keys WHERE workspace_id = ? AND scope = ? AND key = ?`, s.WorkspaceArg(k.WorkspaceID), k.Scope, k.Key).
		Scan(&r.fingerprint, &r.owner, &r.state, &r.leaseUntil, &r.expires, &r.status, &r.headers, &r.body)
	return r, err
}

// FinishIdempotent stores the answer of the attempt holding claim. With
// keep false (a 5xx: nothing was committed, a retry should run again) the
// key is released instead, unless the attempt had committed writes.
func (s *Store) FinishIdempotent(ctx context.Context, claim *IdemClaim, resp *IdemResponse, keep bool) error {
	ctx = context.WithoutCancel(ctx)
	if !keep {
		r, err := s.exec(ctx, s.write, `DELETE FROM idempotency_keys
			WHERE workspace_id = ? AND scope = ? AND key = ? AND owner = ? AND state = 'running'`,
			s.WorkspaceArg(claim.WorkspaceID), claim.Scope, claim.Key, claim.Owner)
		if err != nil {
			return fmt.Errorf("release idempotency key: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			return nil
		}
	}
	h, _ := json.Marshal(resp.Headers)
	_, err := s.exec(ctx, s.write, `UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ?
		WHERE workspace_id = ? AND scope = ? AND key = ? AND owner = ?`,
		resp.Status, string(h), resp.Body, s.WorkspaceArg(claim.WorkspaceID), claim.Scope, claim.Key, claim.Owner)
	if err != nil {
		return fmt.Errorf("store idempotent response: %w", err)
	}
	return nil
}

// idemSweepEvery is how often a store deletes expired keys.
const idemSweepEvery = 10 * time.Minute

// expireIdempotency deletes expired keys, at most once per idemSweepEvery.
func (s *Store) expireIdempotency(ctx context.Context) {
	now := s.Now().UnixMilli()
	last := s.stats.idemSwept.Load()
	if now-last < idemSweepEvery.Milliseconds() || !s.stats.idemSwept.CompareAndSwap(last, now) {
		return
	}
	// Housekeeping only: a failure here is not the request's.
	_, _ = s.exec(context.WithoutCancel(ctx), s.write, `DELETE FROM idempotency_keys WHERE expires_at <= ?`, now)
}

func newOwner() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
