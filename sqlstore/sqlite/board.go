package sqlite

import "github.com/connectgain/server/sqlstore"

var _ sqlstore.BoardLayout = Dialect{}

// InsertOrder implements sqlstore.BoardLayout: the rowid, which
// deals_board (migration 00009) holds after created_at, so a board page
// is read in index order and no deal's 36-character id is indexed.
func (Dialect) InsertOrder(alias string) string { return alias + ".rowid" }

// CurrencyRuns implements sqlstore.BoardLayout: deals_board keys currency
// before created_at, because SQLite sorts the rows of a GROUP BY that its
// index does not order (the board's totals: 21 ms against 63 ms for 50,000
// deals in the sqlite3 shell), where PostgreSQL hashes.
func (Dialect) CurrencyRuns() bool { return true }
