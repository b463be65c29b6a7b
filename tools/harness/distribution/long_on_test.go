//go:build reliability

package distribution

// long is true under -tags reliability (make reliability): many more cycles, and the variants that
// only measure (exporter queue and retry left at their defaults).
const long = true
