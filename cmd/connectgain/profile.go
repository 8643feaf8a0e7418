package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startCPUProfile writes the process's CPU profile to path until the
// returned stop runs (serve's --cpuprofile, for benchmarks). An empty path
// profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, usageError(fmt.Sprintf("--cpuprofile %s: %v", path, err), "name a file in a directory you can write")
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
