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

// held is the read-ahead buffer a watch cut holds.
func (w *watchCut) held() int { return w.body.held() }

// held is the read-ahead buffer a watch stream holds.
func (r *readAhead) held() int {
	if r.lent == nil {
		return 0
	}
	return cap(*r.lent)
}
