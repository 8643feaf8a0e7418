package postgres

import "github.com/connectgain/server/crm"

// ElementJoin implements restsql.ElementJoiner: the element list is a
// table keyed (workspace_id, element, order column, rid) whose rid is the
// row's id (migrations/00008, deal_tags). The join equates the order
// column too, so the planner may take the page's order from either side
// (one equivalence class) and probe the list from the row's side.
func (Dialect) ElementJoin(ix crm.ElementIndex, alias, as string, ws any, elem string) (string, []any, bool) {
	if ix.Table == "" || ix.Element == "" || ix.Order == "" || ws == nil {
		return "", nil, false
	}
	return " JOIN " + ix.Table + " " + as + " ON " + as + ".workspace_id = ? AND " + as + "." + ix.Element + " = ? AND " +
		as + ".rid = " + alias + ".id AND " + as + "." + ix.Order + " = " + alias + "." + ix.Order, []any{ws, elem}, true
}
