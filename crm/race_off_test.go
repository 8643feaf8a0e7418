//go:build !race

package crm

// raceBuild is true under the race detector, which makes the library's
// parse ~20 times slower: long differential tests then check a sample.
const raceBuild = false
