package pgrest

import "testing"

// benchQueries are typical table requests: filters of every operator
// kind, any/all operands, logic trees, embeds, order and limit.
var benchQueries = []string{
	"select=id,title,value,contact:contacts(first_name,phones)&stage=eq.won&value=gte.1000&order=created_at.desc&limit=50",
	"id=in.(1,2,%22a%2Cb%22,4,5,6,7,8)&title=like(any).%7BO*,P*,%22q%20r%22%7D&tags=cs.%7Ba,b%7D",
	"or=(value.gt.100,and(stage.eq.lost,title.not.ilike.*x*))&deleted_at=is.null&tsv=fts(english).deal",
	"phones=cs.%7B%22%2B201017177777%22%7D&data->>source=eq.web&offset=20&limit=10",
}

// BenchmarkParse parses each of benchQueries (ParseQueryString and Parse).
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range benchQueries {
			ps, err := ParseQueryString(raw)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Parse(ps); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseArrayLiteral parses a 100-element literal with quoted,
// escaped and unquoted elements.
func BenchmarkParseArrayLiteral(b *testing.B) {
	lit := "{"
	for i := range 100 {
		if i > 0 {
			lit += ","
		}
		switch i % 3 {
		case 0:
			lit += "plain"
		case 1:
			lit += `"quoted, with comma"`
		default:
			lit += ` esc\,aped `
		}
	}
	lit += "}"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseArrayLiteral(lit); err != nil {
			b.Fatal(err)
		}
	}
}
