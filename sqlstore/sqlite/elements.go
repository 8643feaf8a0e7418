package sqlite

import "github.com/connectgain/server/crm"

// ElementJoin implements restsql.ElementJoiner: the element list is a
// table keyed (workspace_id, element, order column, rid) whose rid is
// the row's rowid (migrations/00012, deal_tags). The join equates the
// order column too, so the list's key serves a probe from the row's side
// as well (+ strips the deals column's affinity: the list's copy has
// none, and an affinity would keep the key from serving the equality).
func (Dialect) ElementJoin(ix crm.ElementIndex, alias, as string, ws any, elem string) (string, []any, bool) {
	if ix.Table == "" || ix.Element == "" || ix.Order == "" || ws == nil {
		return "", nil, false
	}
	return " JOIN " + ix.Table + " " + as + " ON " + as + ".workspace_id = ? AND " + as + "." + ix.Element + " = ? AND " +
		as + ".rid = " + alias + ".rowid AND " + as + "." + ix.Order + " = +" + alias + "." + ix.Order, []any{ws, elem}, true
}
