package sqlstore

import "github.com/connectgain/server/crm"

// Row is a response row. The type is crm's (crm/row.go), so that the HTTP
// layer writes the rows the store makes without depending on the store.
type Row = crm.Row
