package sqlstore

import (
	"fmt"

	"github.com/connectgain/server/crm"
)

// DecodeID turns a scanned uuid column into its text form through the
// dialect (SQLite stores 16 bytes). Every read of an id column that is
// not a whole record goes through it: the store's and the REST engine's.
func DecodeID(d Dialect, raw any) (string, error) {
	v, err := d.Decode(crm.KindUUID, raw)
	if err != nil {
		return "", err
	}
	id, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("uuid: read %T", v)
	}
	return id, nil
}

func (s *Store) scanID(raw any) (string, error) { return DecodeID(s.d, raw) }
