//go:build reliability

package parity

func init() { allCustomResourcePages = true }
