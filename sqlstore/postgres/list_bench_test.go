package postgres_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/sqlstore/storetest"
)

// benchTags tags one deal in a hundred "vip", the others "shopify" (as
// sqlstore/sqlite/rest_bench_test.go does).
func benchTags(n int) []string {
	if n%100 == 0 {
		return []string{"vip"}
	}
	return []string{"shopify"}
}

// listQueries are the filtered lists of issue 11 (the same as SQLite's
// BenchmarkFilteredList), each newest first with a limit, beside the
// title search they should keep up with.
var listQueries = []struct{ name, url string }{
	{"title_ilike", "/deals?select=id,title,value,stage&title=ilike.*Order%2010424*&order=created_at.desc&limit=50"},
	{"stage_in", "/deals?select=id,title,value,stage&stage=in.(won,qualified)&order=created_at.desc&limit=50"},
	{"stage_in_none", "/deals?select=id,title,value,stage&stage=in.(archived,paused)&order=created_at.desc&limit=50"},
	{"tags_cs_common", "/deals?select=id,title,value,stage&tags=cs.%7Bshopify%7D&order=created_at.desc&limit=50"},
	{"tags_cs_rare", "/deals?select=id,title,value,stage&tags=cs.%7Bvip%7D&order=created_at.desc&limit=50"},
	{"contact_id_eq", "/deals?select=id,title,value,stage&contact_id=eq.CONTACT&order=created_at.desc&limit=50"},
}

// BenchmarkFilteredList runs each filtered list from 16 connections, on
// the same 100,000 deals as SQLite's:
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore/postgres -run '^$' -bench FilteredList -benchtime 3000x
func BenchmarkFilteredList(b *testing.B) {
	e := mustRestBench(b)
	for _, q := range listQueries {
		b.Run(q.name, func(b *testing.B) {
			cpu0, pg0 := storetest.ProcessCPU(), postgresCPU()
			storetest.BenchLoad(b, e.srv.URL+api.RestPrefix+strings.Replace(q.url, "CONTACT", e.contact, 1), e.key, 16)
			// CPU per request (BenchLoad warms up with 32): this process
			// (client and server) and the PostgreSQL server's processes.
			n := float64(max(b.N, 16) + 32)
			b.ReportMetric(float64(storetest.ProcessCPU()-cpu0)/1e6/n, "cpu-ms/op")
			b.ReportMetric(float64(postgresCPU()-pg0)/1e6/n, "pg-cpu-ms/op")
		})
	}
}

// postgresCPU is the user and system CPU time of the processes named
// postgres on this machine (the server the benchmark talks to on
// loopback) and of their exited children, in nanoseconds; 0 where /proc
// is not readable.
func postgresCPU() int64 {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open || s[open+1:end] != "postgres" {
			continue
		}
		// Fields 14-17 of stat(5): utime, stime, and the same of waited-for
		// children (the postmaster's: backends that have exited).
		fields := strings.Fields(s[end+1:]) // from field 3 (state)
		if len(fields) < 15 {
			continue
		}
		for _, f := range fields[11:15] {
			n, _ := strconv.ParseInt(f, 10, 64)
			ticks += n
		}
	}
	return ticks * int64(time.Second) / 100 // USER_HZ
}

// BenchmarkFilteredListPlans logs PostgreSQL's EXPLAIN ANALYZE of the
// statement each filtered list sent (captured from the driver, run with
// its arguments): which index the planner chose, and the rows it read.
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore/postgres -run '^$' -bench FilteredListPlans -benchtime 1x -v
func BenchmarkFilteredListPlans(b *testing.B) {
	e := mustRestBench(b)
	for _, rel := range []string{"deals", "deal_tags"} {
		var total, index int64
		if err := e.bare.QueryRow(`SELECT pg_total_relation_size($1::regclass), pg_indexes_size($1::regclass)`, rel).Scan(&total, &index); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %.1f MB with its indexes (%.1f MB of indexes)", rel, float64(total)/1e6, float64(index)/1e6)
	}
	logInsertTriggers(b, e)
	for b.Loop() {
		for _, q := range listQueries {
			c := e.sql["list_"+q.name]
			rows, err := e.bare.Query("EXPLAIN (ANALYZE, BUFFERS) "+c.sql, c.args...)
			if err != nil {
				b.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					b.Fatal(err)
				}
				plan = append(plan, line)
			}
			rows.Close()
			b.Logf("%s:\n%s", q.name, strings.Join(plan, "\n"))
		}
	}
}

// logInsertTriggers logs EXPLAIN ANALYZE of one INSERT of 10,000 deals
// (copies of seeded ones under new ids, rolled back): the statement's
// time and what deal_tags_insert, the tag index's trigger, took of it.
func logInsertTriggers(b *testing.B, e *restBenchEnv) {
	tx, err := e.bare.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.Query(`EXPLAIN (ANALYZE, COSTS OFF) INSERT INTO deals (workspace_id, id, title, value, currency, stage,
		pipeline_id, contact_id, tags, custom_fields, created_at, updated_at)
		SELECT workspace_id, gen_random_uuid(), title, value, currency, stage, pipeline_id, contact_id, tags, custom_fields,
			created_at + interval '1 day', updated_at FROM deals LIMIT 10000`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			b.Fatal(err)
		}
		plan = append(plan, line)
	}
	b.Logf("INSERT of 10,000 deals:\n%s", strings.Join(plan, "\n"))
}
