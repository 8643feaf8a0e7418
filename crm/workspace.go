package crm

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
)

// Workspace is a tenant: every row belongs to exactly one.
type Workspace struct {
	ID              string
	Name            string
	DefaultCurrency string // ISO 4217, "USD" unless set
	PhoneRegion     string // ISO 3166 alpha-2 for numbers without "+", or ""
	CreatedAt       time.Time
}

// Scope is what an API key may do.
type Scope string

const (
	ScopeRead  Scope = "read"  // GET and HEAD only
	ScopeWrite Scope = "write" // everything
)

// ParseScope checks a scope name.
func ParseScope(s string) (Scope, error) {
	switch Scope(s) {
	case ScopeRead, ScopeWrite:
		return Scope(s), nil
	}
	return "", Errorf(CodeInvalidField, "scope %q is not a scope", s).WithHint("use read or write")
}

// APIKey is a stored key: only its hash and a short prefix are kept.
type APIKey struct {
	ID          string
	WorkspaceID string
	Workspace   string // name, for listing
	Name        string
	Prefix      string // first characters, shown in listings
	Scope       Scope
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// KeyPrefix is the fixed start of every API key.
const KeyPrefix = "cg_"

// keyRandomBytes gives 43 URL-safe characters after the prefix.
const keyRandomBytes = 32

// NewKey returns a new random API key, its hash for storage and its
// visible prefix.
func NewKey() (key string, hash []byte, prefix string) {
	b := make([]byte, keyRandomBytes)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	key = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, HashKey(key), key[:len(KeyPrefix)+6]
}

// HashKey is the stored form of a key. Keys are 256 random bits, so one
// SHA-256 is enough: there is nothing to brute-force.
func HashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// LooksLikeKey reports whether s has the shape of an API key, so that a
// malformed header can be refused without a database look-up.
func LooksLikeKey(s string) bool {
	if !strings.HasPrefix(s, KeyPrefix) || len(s) < len(KeyPrefix)+32 || len(s) > 200 {
		return false
	}
	for _, r := range s[len(KeyPrefix):] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Principal is who makes a request: the key's workspace and scope.
type Principal struct {
	Workspace Workspace
	KeyID     string
	Scope     Scope
}
