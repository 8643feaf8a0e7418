package web

import (
	"fmt"
	"html/template"

	"github.com/shopspring/decimal"
)

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"money":    func(m Money) string { return FormatMoney(m.Amount, m.Currency) },
	"estimate": func(m Money) string { return FormatEstimate(m.Amount, m.Currency) },
	"amount":   func(d decimal.Decimal, cur string) string { return FormatMoney(d, cur) },
	"days": func(n int) string {
		switch n {
		case 0:
			return "under a day"
		case 1:
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	},
	"plural": func(n int64, one, many string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	// dict builds a map for a sub-template: dict "k1" v1 "k2" v2.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict needs key, value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}
