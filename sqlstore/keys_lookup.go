package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/connectgain/server/crm"
)

// minIDPrefix is the shortest start of a key id that FindKey accepts.
const minIDPrefix = 4

// FindKey returns the one key that ref names, for the command line: the
// whole key, its visible prefix as "keys list" prints it (with or without
// the trailing "…"), a start of that prefix, the key's id, or a start of
// the id of at least 4 characters. When ref fits several keys, only those
// not revoked count; several left are an invalid_field error that lists
// them, none a not_found error.
func (s *Store) FindKey(ctx context.Context, ref string) (*crm.APIKey, error) {
	ref = strings.TrimSpace(ref)
	ref = strings.TrimSuffix(strings.TrimSuffix(ref, "…"), "...")
	keys, err := s.Keys(ctx, "")
	if err != nil {
		return nil, err
	}
	if crm.LooksLikeKey(ref) {
		var id string
		err := s.queryRow(ctx, s.read, `SELECT id FROM api_keys WHERE hash = ?`, crm.HashKey(ref)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, crm.Errorf(crm.CodeNotFound, "no key of this database is the key %s…", ref[:len(crm.KeyPrefix)+6]).
				WithHint("is --db the database the key was made in? list keys with: connectgain keys list")
		}
		if err != nil {
			return nil, fmt.Errorf("find key: %w", s.d.Error(err))
		}
		ref = id
	}
	var exact, starts []crm.APIKey
	for _, k := range keys {
		switch {
		case k.ID == ref || k.Prefix == ref:
			exact = append(exact, k)
		case len(ref) >= minIDPrefix && strings.HasPrefix(k.ID, ref),
			len(ref) > len(crm.KeyPrefix) && strings.HasPrefix(k.Prefix, ref):
			starts = append(starts, k)
		}
	}
	found := exact
	if len(found) == 0 {
		found = starts
	}
	if len(found) > 1 {
		var active []crm.APIKey
		for _, k := range found {
			if k.RevokedAt == nil {
				active = append(active, k)
			}
		}
		if len(active) > 0 {
			found = active
		}
	}
	switch len(found) {
	case 0:
		return nil, crm.Errorf(crm.CodeNotFound, "no key has id or prefix %q", ref).
			WithHint("name a key by the PREFIX or ID that connectgain keys list prints, or by the whole key")
	case 1:
		return &found[0], nil
	}
	var names []string
	for _, k := range found {
		names = append(names, fmt.Sprintf("%s (%s… in %s)", k.ID, k.Prefix, k.Workspace))
	}
	return nil, crm.Errorf(crm.CodeInvalidField, "%q is ambiguous: it names %d keys: %s", ref, len(found), strings.Join(names, ", ")).
		WithHint("give more characters, or the whole ID from: connectgain keys list")
}
