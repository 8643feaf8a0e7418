// Package pgtext is PostgreSQL's text semantics written in Go, so that the
// SQLite backend answers like PostgreSQL and both backends refuse alike
// what neither can do the same way:
//
//   - case mapping as lower()/upper() do it on a UTF-8 database with a
//     libc locale (one code point at a time), and ILIKE as
//     lower(s) LIKE lower(pattern);
//   - regular expressions: a translation of PostgreSQL's advanced regular
//     expressions (the subset both engines can run) to Go's syntax, with
//     PostgreSQL's character classes and case-insensitive matching, and
//     error 2201B for what is refused;
//   - full-text search: the default parser's tokens, the simple and
//     english configurations (stop words, Snowball English stemming) and
//     the four query forms (to_tsquery, plainto_, phraseto_,
//     websearch_to_tsquery).
//
// docs/backend-differences.md lists what is not emulated.
package pgtext
