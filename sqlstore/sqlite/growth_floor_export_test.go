package sqlite

// What BenchmarkGrowthFloor (growth_floor_test.go, package sqlite_test so
// that it can use storetest) needs of the store's internals: the SQL
// functions the deals triggers call, and the writer's cache size.

// RegisterFloorFunctions registers the store's SQL functions
// (cg_title_grams) with the driver, as Open does.
func RegisterFloorFunctions() { registerOnce.Do(func() { registerFunctions() }) }

// FloorWriteCacheKiB is the store's writer page cache (writeCacheKiB).
const FloorWriteCacheKiB = writeCacheKiB
