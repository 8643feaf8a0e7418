// Package pgrest turns a PostgREST request (its decoded query parameters and
// its Prefer and Range headers) into a typed query, so that the store can
// whitelist names and render SQL without ever reading the URL itself. It
// knows no tables, builds no SQL and imports no HTTP package.
//
// # Grammar
//
// Parse reads each parameter after form decoding ("+" is a space, %XX a
// byte; see ParseQueryString). Parameters are taken in order:
//
//	param     = "select=" select          first occurrence wins
//	          | "columns=" columns        first occurrence wins
//	          | "on_conflict=" columns    first occurrence wins
//	          | [path "."] "order=" order
//	          | [path "."] ("limit" | "offset") "=" count
//	          | [path "."] ["not."] ("or" | "and") "=" group-body
//	          | [path "."] field "=" filter
//	path      = name *("." name)          embed path, at most MaxEmbedDepth names
//	field     = name *json-step
//	name      = '"' *(char | "\" char) '"' | ident *("-" ident)
//	ident     = 1*(letter | digit | "_" | "$" | " ")      trimmed of spaces
//	json-step = ("->" | "->>") (index | '"' quoted '"' | key)
//	index     = ["-"] 1*digit             unquoted integers are array indexes
//	key       = 1*(char except "(-:.,>)") joined by single "-" not before ">"
//
// A filter value is
//
//	filter    = ["not."] op-expr
//	op-expr   = ("eq" | "gt" | "gte" | "lt" | "lte" | "like" | "ilike"
//	             | "match" | "imatch") ["(" ("any" | "all") ")"] "." operand
//	          | ("neq" | "isdistinct" | "cs" | "cd" | "ov" | "sl" | "sr"
//	             | "nxr" | "nxl" | "adj") "." operand
//	          | ("fts" | "plfts" | "phfts" | "wfts") ["(" ident ")"] "." operand
//	          | "in." list
//	          | "is." ("null" | "not_null" | "true" | "false" | "unknown")  any case
//	list      = "(" [elem *("," elem)] ")"
//	elem      = '"' quoted '"'            only when followed by "," or ")"
//	          | *(char except ",)")       taken raw, quotes included
//
// At the top level the operand is the whole rest of the value, verbatim: no
// unquoting, and dots and commas are part of it. With any/all it must be an
// array literal (see ParseArrayLiteral). Whitespace after "(" and before ")"
// of a list is dropped; whitespace next to a comma belongs to the element. A
// list has at most MaxListElements elements.
//
// A logic tree is the key's connective followed by the value:
//
//	group-body = "(" node *("," node) ")"   trailing text is ignored
//	group      = ["not."] ("and" | "or") group-body
//	node       = group | field "." filter-in-tree
//
// where filter-in-tree is a filter whose operand ends at the first "," or
// ")", unless it is double-quoted and the closing quote is followed by ","
// or ")" (the quotes are removed and "\" escapes applied), or it starts with
// "{" (it then runs to the first "}" and is kept as is). Unquoted operands in
// a tree lose their trailing whitespace; whitespace around nodes, commas and
// parentheses is ignored. Groups nest at most MaxLogicDepth deep.
//
// Select, order, columns:
//
//	select    = [item *("," item)]        empty means "*"
//	item      = "*"
//	          | [name ":"] "count()" [cast]
//	          | [name ":"] field [cast] ["." agg "()" [cast]]
//	          | [name ":"] name *("!" name) "(" select ")"    embed, at most two "!"
//	          | "..." name *("!" name) "(" select ")"         spread embed
//	cast      = "::" ident
//	agg       = "sum" | "avg" | "count" | "min" | "max"
//	order     = term *("," term)
//	term      = (field | name "(" field ")") ["." ("asc" | "desc")]
//	            ["." ("nullsfirst" | "nullslast")]
//	columns   = name *("," name)
//	count     = ["-"] 1*digit             anything else is ignored
//
// In an embed, "!inner" and "!left" choose the join and any other name is a
// hint; the first of each wins. Embeds nest at most MaxEmbedDepth deep.
// Whitespace is allowed around commas and parentheses of select, order and
// columns.
//
// # Deliberate differences from PostgREST
//
//   - PostgREST ignores text after a complete in-list (id=in.(1,2)x), select
//     (select=a,b)x), column list or key (a key of "id)"); this package
//     refuses it with PGRST100. After a logic tree it is ignored, as
//     PostgREST's own tests expect (and=(id.eq.1))).
//   - in.("") is one empty-string element, not the empty list.
//   - An unquoted NULL in an array literal is refused with PGRST127 rather
//     than read as a NULL element.
//   - Unquoted operands inside a logic tree lose their trailing whitespace.
//
// # Errors
//
// Every error is *Error (see its doc for the codes). Syntax errors are
// 400 PGRST100 in PostgREST's form, for example for id=noop.5:
//
//	message: "failed to parse filter (noop.5)" (line 1, column 1)
//	details: unexpected "noop" expecting "not" or operator (eq, gt, ...)
package pgrest
