package engine

// The snapshot's internals, for the benchmarks of the external test package (engine_test, which
// imports resources and so cannot live in package engine).
type BatchOptions = batchOptions

var (
	Collect         = collect
	NewLastExported = newLastExported
)

// For the external tests that run every resource against a real apiserver.
func (e *Engine) Cached(resource string) []*Record { return e.cached(resource) }
