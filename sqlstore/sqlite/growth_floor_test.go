package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/sqlite"
	"github.com/connectgain/server/sqlstore/storetest"
)

// The floor of issue 11's growth goal ("plain inserts lose at most 15%
// between an empty database and one of 1,000,000 deals"): what the bare
// engine, with the store's driver and PRAGMAs, spends per deal on a table
// shaped like deals, empty and at 1,000,000 rows, for several index sets.
// No HTTP, JSON, contact linking or store code: whatever these figures
// lose at 1M, the server loses at least as much CPU per deal, so a
// variant whose extra CPU per row at 1M exceeds 15% of the server's CPU
// per deal on an empty file cannot meet the goal whatever the server does.
//
//	go test ./sqlstore/sqlite -run '^$' -bench 'GrowthFloor$' -benchtime 1x -timeout 30m
//
// About 40 s to build the 1M file (once per schema, reused through
// CONNECTGAIN_FLOOR_DIR), then about 8 s per variant and round.
//
// Environment:
//
//	CONNECTGAIN_FLOOR_DIR       keep the 1M files here and reuse them in later runs
//	                            (default: a temporary directory, removed at the end)
//	CONNECTGAIN_FLOOR_ROUNDS    rounds (default 3); each round runs every variant,
//	                            1M and empty, alternating
//	CONNECTGAIN_FLOOR_VARIANTS  comma-separated names of floorVariants (default
//	                            all, novalue, noct, novalue-noct, none)

// floorRows is the large size; floorTx the rows per transaction (a
// request of 10,000 deals); floorKnown the contacts the measured
// transactions reuse (cgload's plain phase: deal i on the contact of
// phone 20000000+i).
const (
	floorRows  = 1_000_000
	floorTx    = 10_000
	floorKnown = 10_000
	// floorChunk is the store's rows per multi-row INSERT (sqlstore.insertChunk).
	floorChunk = 250
	// floorMeasured is the transactions measured per run, after one
	// warm-up transaction (bench-growth.sh: warm-up, then 3 plain).
	floorMeasured = 3
)

// floorSchema is a bare schema shaped like 00011/00012's deals: 16-byte
// BLOB ids, INTEGER microsecond times, integer workspace key, the same
// columns, foreign keys to contacts and pipelines (checked on insert, as
// the store runs with foreign_keys(1)). The (workspace_id, id) key is a
// named unique index (the store's is the UNIQUE constraint's automatic
// index, the same B-tree) so that the variant without secondary indexes
// can drop it.
const floorSchema = `
CREATE TABLE workspaces (key INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE);
CREATE TABLE pipelines (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    id           BLOB NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE TABLE companies (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (key),
    id           BLOB NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE TABLE contacts (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (key),
    id            BLOB NOT NULL,
    first_name    TEXT,
    phones        TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE TABLE deals (
    rid                 INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (key),
    id                  BLOB NOT NULL,
    title               TEXT NOT NULL,
    value               INTEGER NOT NULL CHECK (value >= 0),
    currency            TEXT NOT NULL,
    stage               TEXT NOT NULL,
    pipeline_id         BLOB NOT NULL,
    contact_id          BLOB,
    company_id          BLOB,
    expected_close_date TEXT,
    probability         INTEGER CHECK (probability BETWEEN 0 AND 100),
    source              TEXT,
    tags                TEXT NOT NULL DEFAULT '[]',
    custom_fields       TEXT NOT NULL DEFAULT '{}',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id)
);
CREATE UNIQUE INDEX deals_id ON deals (workspace_id, id);
CREATE INDEX deals_contact_title ON deals (workspace_id, contact_id, title);
CREATE INDEX deals_created ON deals (workspace_id, created_at);
CREATE INDEX deals_stage ON deals (workspace_id, stage, created_at);
CREATE INDEX deals_value ON deals (workspace_id, value);
CREATE INDEX deals_company ON deals (workspace_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage, currency, created_at, rid, value, probability);
CREATE VIRTUAL TABLE deal_title_grams USING fts5 (
    grams, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61'
);
CREATE TRIGGER deal_title_grams_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deal_title_grams (rowid, grams) VALUES (new.rid, cg_title_grams(new.workspace_id, new.title));
END;
CREATE TABLE deal_tags (
    workspace_id INTEGER NOT NULL,
    tag          TEXT NOT NULL,
    created_at   NOT NULL,
    rid          INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, tag, created_at, rid)
) WITHOUT ROWID;
CREATE TRIGGER deal_tags_insert AFTER INSERT ON deals WHEN new.tags <> '[]' BEGIN
    INSERT INTO deal_tags (workspace_id, tag, created_at, rid)
    SELECT DISTINCT new.workspace_id, value, new.created_at, new.rid FROM json_each(new.tags);
END;
INSERT INTO workspaces (id) VALUES ('floor');
`

// floorIntKeySchema is floorSchema with deals_contact_title keyed on an
// integer contact key (the contact's rowid, 1-3 bytes in an index entry)
// instead of the 16-byte contact id, which the deal keeps.
var floorIntKeySchema = strings.Replace(strings.Replace(floorSchema,
	"    contact_id          BLOB,\n", "    contact_id          BLOB,\n    contact_key         INTEGER,\n", 1),
	"ON deals (workspace_id, contact_id, title)", "ON deals (workspace_id, contact_key, title)", 1)

// floorDropAll drops every secondary structure of deals in floorSchema.
var floorDropAll = []string{
	"DROP INDEX deals_id", "DROP INDEX deals_contact_title", "DROP INDEX deals_created", "DROP INDEX deals_stage",
	"DROP INDEX deals_value", "DROP INDEX deals_company", "DROP INDEX deals_board",
	"DROP TRIGGER deal_title_grams_insert", "DROP TABLE deal_title_grams",
	"DROP TRIGGER deal_tags_insert", "DROP TABLE deal_tags",
}

// floorVariant is an index set (what it drops from floorSchema) and the
// writer's PRAGMAs beyond the store's.
type floorVariant struct {
	name    string
	drop    []string
	pragmas []string
	intKey  bool // floorIntKeySchema (its own 1M file)
}

// floorVariants: every index of deals (all); without deals_value
// (novalue), without deals_contact_title (noct), without both, without any
// secondary structure (none); then what might lower the cost of the full
// set without dropping a feature: a larger writer cache, a checkpoint
// every 40,000 WAL pages instead of 1,000, memory-mapped reads, and
// deals_contact_title keyed on an integer contact key.
var floorVariants = []floorVariant{
	{name: "all"},
	{name: "novalue", drop: []string{"DROP INDEX deals_value"}},
	{name: "noct", drop: []string{"DROP INDEX deals_contact_title"}},
	{name: "novalue-noct", drop: []string{"DROP INDEX deals_value", "DROP INDEX deals_contact_title"}},
	{name: "none", drop: floorDropAll},
	// Knobs on the full index set, no feature lost.
	{name: "all-cache128", pragmas: []string{"cache_size(-131072)"}},
	{name: "all-ckpt40k", pragmas: []string{"wal_autocheckpoint(40000)"}},
	{name: "all-mmap", pragmas: []string{"mmap_size(1073741824)"}},
	{name: "all-intkey", intKey: true},
	{name: "novalue-intkey", intKey: true, drop: []string{"DROP INDEX deals_value"}},
}

// floorDSN is the store's writer DSN (sqlite.go Open) for path, with
// extra PRAGMAs after the store's.
func floorDSN(path string, extra ...string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", sqlite.FloorWriteCacheKiB))
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqlite.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "temp_store(MEMORY)")
	for _, p := range extra {
		q.Add("_pragma", p)
	}
	return "file:" + path + "?" + q.Encode() + "&_txlock=immediate"
}

// floorIDs makes time-ordered 16-byte ids (UUIDv7's layout: 48 bits of
// milliseconds, then random bits), deterministic for a seed.
type floorIDs struct {
	rnd *rand.Rand
	ms  uint64
	n   int
}

func newFloorIDs(seed uint64, startMs uint64) *floorIDs {
	return &floorIDs{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), ms: startMs}
}

// next returns an id; ids advance one millisecond every 10 ids (an
// ingest of 10,000 rows a second).
func (g *floorIDs) next() []byte {
	g.n++
	if g.n%10 == 0 {
		g.ms++
	}
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b[0:8], g.ms<<16|0x7000|uint64(g.rnd.IntN(1<<12)))
	binary.BigEndian.PutUint64(b[8:16], 0x8000000000000000|g.rnd.Uint64()>>2)
	return b
}

// floorContact is a contact's id and rowid (contact_key in
// floorIntKeySchema).
type floorContact struct {
	id  []byte
	key int64
}

// floorDB is an open writer on one file and what the next deals take.
type floorDB struct {
	db       *sql.DB
	pipeline []byte
	known    []floorContact // the plain phase's contacts, in phone order
	intKey   bool           // floorIntKeySchema: deals.contact_key too
	ids      *floorIDs
	micros   int64 // created_at of the next deal
	n        int   // order number of the next deal
}

func openFloor(ctx context.Context, path string, pragmas ...string) (*sql.DB, error) {
	sqlite.RegisterFloorFunctions()
	db, err := sql.Open("sqlite", floorDSN(path, pragmas...))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// floorBaseMicros is the first deal's created_at (2026-01-01).
const floorBaseMicros = int64(1767225600) * 1e6

// createFloor makes a new file at path with floorSchema, one pipeline
// and the floorKnown contacts, and returns it open.
func createFloor(ctx context.Context, path string, intKey bool, pragmas ...string) (*floorDB, error) {
	db, err := openFloor(ctx, path, pragmas...)
	if err != nil {
		return nil, err
	}
	f := &floorDB{db: db, ids: newFloorIDs(1, uint64(floorBaseMicros/1000)), micros: floorBaseMicros, intKey: intKey}
	schema := floorSchema
	if intKey {
		schema = floorIntKeySchema
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("floor schema: %w", err)
	}
	f.pipeline = f.ids.next()
	if _, err := db.ExecContext(ctx, `INSERT INTO pipelines (workspace_id, id, name) VALUES (1, ?, 'default')`, f.pipeline); err != nil {
		db.Close()
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	defer tx.Rollback()
	f.known = make([]floorContact, floorKnown)
	for i := range f.known {
		f.known[i] = floorContact{f.ids.next(), int64(i + 1)}
	}
	if err := f.insertContacts(ctx, tx, f.known, 0); err != nil {
		db.Close()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, err
	}
	return f, nil
}

// insertContacts writes contacts (their rowids their keys); the first is
// phone 20000000+first.
func (f *floorDB) insertContacts(ctx context.Context, tx *sql.Tx, ids []floorContact, first int) error {
	const cols = 7
	for start := 0; start < len(ids); start += floorChunk {
		chunk := ids[start:min(start+floorChunk, len(ids))]
		args := make([]any, 0, len(chunk)*cols)
		for i, c := range chunk {
			n := first + start + i
			args = append(args, c.key, 1, c.id, "Customer "+strconv.Itoa(n), `["+2010`+strconv.Itoa(20000000+n)+`"]`, f.micros, f.micros)
		}
		q := `INSERT INTO contacts (rowid, workspace_id, id, first_name, phones, created_at, updated_at) VALUES ` + floorPlaceholders(len(chunk), cols)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("insert contacts: %w", err)
		}
	}
	return nil
}

// floorDealCols are the columns the store's bulk insert writes.
var floorDealCols = []string{"workspace_id", "id", "title", "value", "currency", "stage", "pipeline_id", "contact_id",
	"company_id", "expected_close_date", "probability", "source", "tags", "custom_fields", "created_at", "updated_at"}

func floorPlaceholders(rows, cols int) string {
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	return strings.Repeat(one+", ", rows-1) + one
}

// insertDeals writes one deal per contact in contacts, in one
// transaction of multi-row INSERTs, as the store does
// (sqlstore.insertRows: chunks of floorChunk rows, full chunks through one
// prepared statement). The deals are cgload's: title "Order N", value
// (100 + N%9000).25, tag shopify, stage new, currency SAR.
func (f *floorDB) insertDeals(ctx context.Context, tx *sql.Tx, contacts []floorContact) error {
	names := floorDealCols
	if f.intKey {
		names = append(slices.Clone(names), "contact_key")
	}
	cols := len(names)
	head := `INSERT INTO deals (` + strings.Join(names, ", ") + `) VALUES `
	full, err := tx.PrepareContext(ctx, head+floorPlaceholders(floorChunk, cols))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, floorChunk*cols)
	for start := 0; start < len(contacts); start += floorChunk {
		chunk := contacts[start:min(start+floorChunk, len(contacts))]
		args = args[:0]
		for _, c := range chunk {
			n := f.n
			f.n++
			f.micros += 100
			value := int64(100+n%9000)*10000 + 2500
			custom := `{"items_count":` + strconv.Itoa(1+n%7) + `,"shopify_order_id":"` + strconv.Itoa(68000000+n) + `"}`
			args = append(args, 1, f.ids.next(), "Order "+strconv.Itoa(n), value, "SAR", "new", f.pipeline, c.id,
				nil, nil, nil, nil, `["shopify"]`, custom, f.micros, f.micros)
			if f.intKey {
				args = append(args, c.key)
			}
		}
		if len(chunk) < floorChunk {
			_, err = tx.ExecContext(ctx, head+floorPlaceholders(len(chunk), cols), args...)
		} else {
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("insert deals: %w", err)
		}
	}
	return nil
}

// plainTx is one measured transaction: a deal on each known contact
// (cgload's plain phase), committed; it returns the process CPU it took.
func (f *floorDB) plainTx(ctx context.Context) (time.Duration, error) {
	c0 := storetest.ProcessCPU()
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	if err := f.insertDeals(ctx, tx, f.known); err != nil {
		tx.Rollback()
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return storetest.ProcessCPU() - c0, nil
}

// floorState is what a reopened file needs to go on writing deals
// (stored beside it: the known contacts are the first floorKnown
// contacts by rowid).
func (f *floorDB) load(ctx context.Context) error {
	if err := f.db.QueryRowContext(ctx, `SELECT id FROM pipelines`).Scan(&f.pipeline); err != nil {
		return fmt.Errorf("floor file: pipeline: %w", err)
	}
	var cols int
	if err := f.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('deals') WHERE name = 'contact_key'`).Scan(&cols); err != nil {
		return err
	}
	f.intKey = cols == 1
	rows, err := f.db.QueryContext(ctx, `SELECT id, rowid FROM contacts ORDER BY rowid LIMIT ?`, floorKnown)
	if err != nil {
		return err
	}
	defer rows.Close()
	f.known = f.known[:0]
	for rows.Next() {
		var c floorContact
		if err := rows.Scan(&c.id, &c.key); err != nil {
			return err
		}
		f.known = append(f.known, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(f.known) != floorKnown {
		return fmt.Errorf("floor file: %d known contacts, want %d", len(f.known), floorKnown)
	}
	var last int64
	if err := f.db.QueryRowContext(ctx, `SELECT COUNT(*), MAX(created_at) FROM deals`).Scan(&f.n, &last); err != nil {
		return err
	}
	f.micros = last
	f.ids = newFloorIDs(uint64(f.n)+7, uint64(last/1000)+1)
	return nil
}

// buildFloor writes the 1,000,000-deal file at path as cgload's seed
// grows one (`cgload seed`, then the copies BENCHMARKS.md describes):
// transactions of floorTx deals with every index and trigger live (so
// the B-trees and the FTS5 segments grow as in a server), the first on
// the floorKnown contacts, each later one half on the even-numbered
// known contacts and half on new contacts created in it. Durability is
// off while building (it is a fixture); ANALYZE at the end, as the store
// keeps statistics.
func buildFloor(ctx context.Context, path string, intKey bool) error {
	f, err := createFloor(ctx, path, intKey, "journal_mode(OFF)", "synchronous(OFF)", "cache_size(-1048576)")
	if err != nil {
		return err
	}
	defer f.db.Close()
	shared := make([]floorContact, 0, floorKnown/2)
	for i := 0; i < floorKnown; i += 2 {
		shared = append(shared, f.known[i])
	}
	contacts := floorKnown
	for t := 0; t < floorRows/floorTx; t++ {
		tx, err := f.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		on := f.known
		if t > 0 {
			fresh := make([]floorContact, floorTx/2)
			for i := range fresh {
				fresh[i] = floorContact{f.ids.next(), int64(contacts + i + 1)}
			}
			if err := f.insertContacts(ctx, tx, fresh, contacts); err != nil {
				tx.Rollback()
				return err
			}
			contacts += len(fresh)
			on = make([]floorContact, 0, floorTx)
			for i := range floorTx / 2 {
				on = append(on, shared[i], fresh[i])
			}
		}
		if err := f.insertDeals(ctx, tx, on); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	for _, q := range []string{`PRAGMA analysis_limit = 1000`, `ANALYZE`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := f.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// copyFloor copies the database file src to dst (checkpointed: no WAL).
func copyFloor(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(dst + s)
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// prepareVariant makes dst, a copy of the 1M file with v's structures
// dropped and checkpointed, unless it exists.
func prepareVariant(ctx context.Context, base, dst string, v floorVariant) error {
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	tmp := dst + ".tmp"
	if err := copyFloor(base, tmp); err != nil {
		return err
	}
	db, err := openFloor(ctx, tmp)
	if err != nil {
		return err
	}
	for _, q := range append(slices.Clone(v.drop), `PRAGMA wal_checkpoint(TRUNCATE)`) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return fmt.Errorf("variant %s: %s: %w", v.name, q, err)
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// floorResult is one run's figures.
type floorResult struct {
	perRow     []time.Duration // CPU per row of each measured transaction
	checkpoint time.Duration   // CPU of the checkpoint of what they left in the WAL
	frames     int             // WAL frames of one more such transaction
}

// floorRun opens path (a fresh copy), writes one warm-up transaction and
// checkpoints, then floorMeasured measured transactions and a measured
// checkpoint of what they left in the WAL (none with the default
// wal_autocheckpoint, which checkpoints inside each commit; the work a
// larger one defers), then counts the WAL frames of one more transaction
// with checkpoints off.
func floorRun(ctx context.Context, path string, v floorVariant, empty bool) (floorResult, error) {
	var res floorResult
	var f *floorDB
	if empty {
		var err error
		if f, err = createFloor(ctx, path, v.intKey, v.pragmas...); err != nil {
			return res, err
		}
		for _, q := range v.drop {
			if _, err := f.db.ExecContext(ctx, q); err != nil {
				f.db.Close()
				return res, err
			}
		}
	} else {
		db, err := openFloor(ctx, path, v.pragmas...)
		if err != nil {
			return res, err
		}
		f = &floorDB{db: db}
		if err := f.load(ctx); err != nil {
			db.Close()
			return res, err
		}
	}
	defer f.db.Close()
	checkpoint := func() (time.Duration, error) {
		c0 := storetest.ProcessCPU()
		_, err := f.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		return storetest.ProcessCPU() - c0, err
	}
	if _, err := f.plainTx(ctx); err != nil {
		return res, err
	}
	if _, err := checkpoint(); err != nil {
		return res, err
	}
	for range floorMeasured {
		cpu, err := f.plainTx(ctx)
		if err != nil {
			return res, err
		}
		res.perRow = append(res.perRow, cpu/floorTx)
	}
	var err error
	if res.checkpoint, err = checkpoint(); err != nil {
		return res, err
	}
	if _, err := f.db.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		return res, err
	}
	if _, err := f.plainTx(ctx); err != nil {
		return res, err
	}
	st, err := os.Stat(path + "-wal")
	if err != nil {
		return res, err
	}
	var pageSize int64
	if err := f.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return res, err
	}
	const walHeader, frameHeader = 32, 24
	res.frames = int((st.Size() - walHeader) / (frameHeader + pageSize))
	return res, nil
}

func floorSelect(b *testing.B, env string, all []floorVariant, def []string) []floorVariant {
	names := def
	if s := os.Getenv(env); s != "" {
		names = strings.Split(s, ",")
	}
	var out []floorVariant
	for _, n := range names {
		i := slices.IndexFunc(all, func(v floorVariant) bool { return v.name == strings.TrimSpace(n) })
		if i < 0 {
			b.Fatalf("%s: unknown variant %q; known: %v", env, n, floorNames(all))
		}
		out = append(out, all[i])
	}
	return out
}

func floorNames(vs []floorVariant) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.name)
	}
	return out
}

// floorDir is the directory of the 1M files: CONNECTGAIN_FLOOR_DIR, or a
// temporary one.
func floorDir(b *testing.B) string {
	dir := os.Getenv("CONNECTGAIN_FLOOR_DIR")
	if dir == "" {
		return b.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	return dir
}

// floorVariantFile returns v's 1M file in dir, made (and the 1M file of
// its schema built) when missing.
func floorVariantFile(b *testing.B, ctx context.Context, dir string, v floorVariant) string {
	base := filepath.Join(dir, "floor-1m.db")
	if v.intKey {
		base = filepath.Join(dir, "floor-1m-intkey-schema.db")
	}
	if _, err := os.Stat(base); err != nil {
		t0, c0 := time.Now(), storetest.ProcessCPU()
		if err := buildFloor(ctx, base+".tmp", v.intKey); err != nil {
			b.Fatalf("build the 1M file: %v", err)
		}
		if err := os.Rename(base+".tmp", base); err != nil {
			b.Fatal(err)
		}
		os.Remove(base + ".tmp-wal")
		os.Remove(base + ".tmp-shm")
		st, _ := os.Stat(base)
		floorLogf("built %s: %d deals, %.1f MB, %.1f s (CPU %.1f s)", base, floorRows, float64(st.Size())/1e6,
			time.Since(t0).Seconds(), (storetest.ProcessCPU() - c0).Seconds())
	}
	path := filepath.Join(dir, "floor-1m-"+v.name+".db")
	if err := prepareVariant(ctx, base, path, v); err != nil {
		b.Fatal(err)
	}
	return path
}

func floorMedian(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkGrowthFloor measures, for each variant, the CPU per row of a
// 10,000-row transaction on known contacts in an empty file and in the
// 1,000,000-deal file, rounds alternating variants and sizes, and prints
// the medians and the ratio 1M / empty.
func BenchmarkGrowthFloor(b *testing.B) {
	ctx := context.Background()
	variants := floorSelect(b, "CONNECTGAIN_FLOOR_VARIANTS", floorVariants, []string{"all", "novalue", "noct", "novalue-noct", "none"})
	rounds := 3
	if s := os.Getenv("CONNECTGAIN_FLOOR_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("CONNECTGAIN_FLOOR_ROUNDS=%q: want a number of rounds, at least 1", s)
		}
		rounds = n
	}
	dir := floorDir(b)
	files := map[string]string{}
	for _, v := range variants {
		files[v.name] = floorVariantFile(b, ctx, dir, v)
	}
	work := filepath.Join(dir, "floor-work.db")
	defer func() {
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(work + s)
		}
	}()
	type key struct {
		v     string
		empty bool
	}
	got := map[key][]floorResult{}
	b.ResetTimer()
	for range b.N {
		for r := range rounds {
			for _, v := range variants {
				for _, empty := range []bool{false, true} {
					if empty {
						for _, s := range []string{"", "-wal", "-shm"} {
							os.Remove(work + s)
						}
					} else if err := copyFloor(files[v.name], work); err != nil {
						b.Fatal(err)
					}
					res, err := floorRun(ctx, work, v, empty)
					if err != nil {
						b.Fatalf("round %d, %s, empty=%v: %v", r, v.name, empty, err)
					}
					k := key{v.name, empty}
					got[k] = append(got[k], res)
					floorLogf("round %d %-13s %-5s µs/row %v, final checkpoint %.1f ms, WAL frames of a transaction %d",
						r+1, v.name, map[bool]string{true: "empty", false: "1M"}[empty], floorMicros(res.perRow),
						float64(res.checkpoint)/1e6, res.frames)
				}
			}
		}
	}
	b.StopTimer()
	// Per variant and size: the median of the measured transactions' CPU
	// per row, the median over runs of the run's CPU per row with its
	// final checkpoint, and the median of the WAL frames.
	medians := func(rs []floorResult) (tx, whole time.Duration, frames int) {
		var txs, wholes []time.Duration
		var fs []int
		for _, r := range rs {
			txs = append(txs, r.perRow...)
			var sum time.Duration
			for _, d := range r.perRow {
				sum += d * floorTx
			}
			wholes = append(wholes, (sum+r.checkpoint)/time.Duration(len(r.perRow)*floorTx))
			fs = append(fs, r.frames)
		}
		slices.Sort(fs)
		return floorMedian(txs), floorMedian(wholes), fs[len(fs)/2]
	}
	var t strings.Builder
	fmt.Fprintf(&t, "\nCPU per row (µs), median of %d transactions of %d rows; with checkpoint: median of %d runs of %d transactions and their final checkpoint\n\n",
		rounds*floorMeasured, floorTx, rounds, floorMeasured)
	fmt.Fprintf(&t, "| variant | empty | 1M | 1M / empty | extra at 1M | with checkpoint: empty | 1M | 1M / empty | WAL frames per transaction: empty | 1M |\n")
	fmt.Fprintf(&t, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, v := range variants {
		e, ew, ef := medians(got[key{v.name, true}])
		m, mw, mf := medians(got[key{v.name, false}])
		fmt.Fprintf(&t, "| %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2f | %.2fx | %d | %d |\n", v.name, floorUs(e), floorUs(m),
			float64(m)/float64(e), floorUs(m-e), floorUs(ew), floorUs(mw), float64(mw)/float64(ew), ef, mf)
		b.ReportMetric(floorUs(e), v.name+"-empty-µs/row")
		b.ReportMetric(floorUs(m), v.name+"-1M-µs/row")
	}
	floorLogf("%s", t.String())
}

// floorLogf prints a line of the benchmark's report on standard output
// (b.Log keeps only the first lines of a benchmark's log).
func floorLogf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func floorUs(d time.Duration) float64 { return float64(d) / 1e3 }

func floorMicros(ds []time.Duration) []string {
	var out []string
	for _, d := range ds {
		out = append(out, strconv.FormatFloat(floorUs(d), 'f', 2, 64))
	}
	return out
}
