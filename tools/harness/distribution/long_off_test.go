//go:build !reliability

package distribution

// long is false in plain `go test`: the reliability tests run their short form (well under two
// minutes in all). `make reliability` builds with -tags reliability for the long form.
const long = false
