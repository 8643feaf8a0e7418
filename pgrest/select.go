package pgrest

import "strconv"

// aggregates are the functions of col.fn() select items.
var aggregates = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true}

// parseSelect parses the value of select=. An empty value yields no items;
// Parse turns that into a star.
func parseSelect(value string) ([]SelectItem, *Error) {
	s := newScanner("select parameter", value)
	items, err := s.selectList(0)
	if err != nil {
		return nil, err
	}
	s.skipWS()
	if !s.eof() {
		return nil, s.fail(`","`, expEnd)
	}
	return items, nil
}

// selectList reads items separated by commas, up to the end of input or a
// ")" it leaves unread. depth is the embed depth of the list.
func (s *scanner) selectList(depth int) ([]SelectItem, *Error) {
	s.skipWS()
	if s.eof() || s.peek() == ')' {
		return nil, nil
	}
	var items []SelectItem
	for {
		s.skipWS()
		item, err := s.selectItem(depth)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
		s.skipWS()
		if s.peek() != ',' {
			return items, nil
		}
		s.pos++
	}
}

// selectItem reads one item: '*', a spread '...rel(…)', an embed
// [alias:]rel[!p][!p](…), count(), or [alias:]field[::cast][.agg()[::cast]].
func (s *scanner) selectItem(depth int) (SelectItem, *Error) {
	if s.hasPrefix("...") {
		s.pos += len("...")
		name, err := s.fieldName()
		if err != nil {
			return SelectItem{}, err
		}
		return s.embed(depth, Embed{Relation: name, Spread: true})
	}
	if s.peek() == '*' {
		s.pos++
		return SelectItem{Star: true}, nil
	}
	item := SelectItem{Alias: s.alias()}
	if s.hasPrefix("count()") {
		s.pos += len("count()")
		item.Aggregate = "count"
		cast, err := s.cast()
		item.AggregateCast = cast
		return item, err
	}
	name, err := s.fieldName()
	if err != nil {
		return SelectItem{}, err
	}
	if (s.peek() == '(' || s.peek() == '!') && name != "count" {
		return s.embed(depth, Embed{Relation: name, Alias: item.Alias})
	}
	return s.column(item, name)
}

// alias reads an optional "alias:" (a single colon: "::" is a cast) and
// returns the alias, or "" with the cursor where it was.
func (s *scanner) alias() string {
	start := s.pos
	if name, err := s.fieldName(); err == nil && s.peek() == ':' && s.peekAt(1) != ':' {
		s.pos++
		return name
	}
	s.pos = start
	return ""
}

// column reads the rest of a column item after its name: a JSON path, a
// cast, and an optional ".fn()" aggregate with its own cast.
func (s *scanner) column(item SelectItem, name string) (SelectItem, *Error) {
	path, err := s.jsonPath()
	if err != nil {
		return SelectItem{}, err
	}
	item.Field = Field{Name: name, JSONPath: path}
	if item.Cast, err = s.cast(); err != nil {
		return SelectItem{}, err
	}
	if s.peek() != '.' {
		return item, nil
	}
	s.pos++
	start := s.pos
	fn := s.word()
	if !aggregates[fn] || !s.hasPrefix("()") {
		return SelectItem{}, s.failAt(start, quoteRuneAt(s.src, start), "aggregate (sum(), avg(), count(), min(), max())")
	}
	s.pos += len("()")
	item.Aggregate = fn
	if item.AggregateCast, err = s.cast(); err != nil {
		return SelectItem{}, err
	}
	return item, nil
}

// cast reads an optional "::type".
func (s *scanner) cast() (string, *Error) {
	if !s.hasPrefix("::") {
		return "", nil
	}
	s.pos += len("::")
	t := s.identRun()
	if t == "" {
		return "", s.fail("letter or digit")
	}
	return t, nil
}

// embed reads the "!hint", "!inner", "!left" parameters and the
// parenthesised select list of an embed whose name has been read.
func (s *scanner) embed(depth int, e Embed) (SelectItem, *Error) {
	hint, join := false, false
	for range 2 {
		if s.peek() != '!' {
			break
		}
		s.pos++
		p, err := s.fieldName()
		if err != nil {
			return SelectItem{}, err
		}
		switch {
		case p == "inner" || p == "left":
			if !join {
				e.Inner, e.Left, join = p == "inner", p == "left", true
			}
		case !hint:
			e.Hint, hint = p, true
		}
	}
	if s.peek() != '(' {
		if s.peek() == '!' {
			return SelectItem{}, s.fail(`"("`)
		}
		return SelectItem{}, s.fail(`"!"`, `"("`)
	}
	if depth+1 > MaxEmbedDepth {
		return SelectItem{}, s.failMsg(s.pos, "embedded resources may nest at most "+strconv.Itoa(MaxEmbedDepth)+" levels deep")
	}
	s.pos++
	sub, err := s.selectList(depth + 1)
	if err != nil {
		return SelectItem{}, err
	}
	s.skipWS()
	if s.peek() != ')' {
		return SelectItem{}, s.fail(`","`, `")"`)
	}
	s.pos++
	e.Select = sub
	return SelectItem{Embed: &e}, nil
}
