package crm

import "context"

// Idempotency-Key: what the HTTP layer asks of the store (sqlstore's
// BeginIdempotent and FinishIdempotent) and what it gets back.

// IdemKey names one Idempotency-Key: per workspace, per scope (method and
// route), with the fingerprint of the request it was first sent with.
type IdemKey struct {
	WorkspaceID string
	Scope       string
	Key         string
	Fingerprint string
}

// IdemState is what BeginIdempotent found.
type IdemState int

const (
	// IdemStarted: this attempt owns the key and runs the request.
	IdemStarted IdemState = iota
	// IdemReplay: the request was answered; IdemResponse holds the answer.
	IdemReplay
	// IdemRunning: another attempt runs it now (its lease holds).
	IdemRunning
	// IdemMismatch: the key was first used with a different request.
	IdemMismatch
	// IdemLost: an attempt committed its writes but its server stopped
	// before storing the response.
	IdemLost
)

// IdemResponse is a stored answer.
type IdemResponse struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

// IdemClaim is an attempt's hold on a key, returned by BeginIdempotent.
type IdemClaim struct {
	IdemKey
	Owner string
}

type idemCtxKey struct{}

// WithIdempotency returns ctx carrying claim: every write transaction the
// store runs with it marks the key 'committed' before it commits, and
// fails (rolls back, 409) when another attempt has taken the key over
// meanwhile. So a key's writes happen once even when leases expire or
// servers crash.
func WithIdempotency(ctx context.Context, claim *IdemClaim) context.Context {
	return context.WithValue(ctx, idemCtxKey{}, claim)
}

// IdempotencyClaim returns the claim ctx carries (WithIdempotency), or nil.
func IdempotencyClaim(ctx context.Context) *IdemClaim {
	c, _ := ctx.Value(idemCtxKey{}).(*IdemClaim)
	return c
}
