package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"
	"k8s.io/client-go/tools/cache"
)

// Config is the engine's share of the receiver configuration, already validated.
type Config struct {
	CollectionInterval    time.Duration
	ExportTimeout         time.Duration
	MaxDataPointsPerBatch int
	// Namespaces limits namespaced resources to these namespaces (one informer each); empty means all.
	Namespaces []string
	// NamespacesDenylist excludes namespaces (from all, or from Namespaces).
	NamespacesDenylist []string
	// CycleOnSync runs a cycle as soon as every informer has synced, so the first complete export
	// does not wait for the first tick. The timer keeps its own schedule.
	CycleOnSync bool
	// StuckAfter is how long a cycle may outlive its ExportTimeout before the engine says it is
	// stuck (a consumer ignoring its context): Hooks.Stuck is called once, and StuckFor grows. Zero
	// means DefaultStuckAfter.
	StuckAfter time.Duration
	// Renderer, if set, gets the whole snapshot once every CollectionInterval (the first as soon
	// as every informer has synced) on a timer of its own, so no export consumer can delay it.
	Renderer Renderer
	// FieldSelector, if set, is ANDed into every informer's field selector (the receiver's per-node
	// mode: spec.nodeName=<node> for pods).
	FieldSelector string
	// Shard, if Total > 1, keeps only the objects of one shard (as kube-state-metrics' sharding).
	Shard Shard
	// Standby starts the engine with exporting off (leader election: a follower keeps its
	// informers synced and exports nothing until SetExporting(true)).
	Standby bool
	// ResendInterval, if above CollectionInterval, sends a series again only when its object
	// changed, or at least every ResendInterval (a heartbeat, counted in cycles, spread evenly);
	// stale points are unchanged. Zero: every series every cycle.
	ResendInterval time.Duration
	// PullOnly runs no export cycles: the Renderer is the only consumer (nothing is sent to next).
	PullOnly bool
	// ResourceAttributes are set on the resource of every exported batch (the pull page has none).
	ResourceAttributes map[string]string
}

// Renderer consumes whole snapshots apart from the export cycles: the pull path renders its page
// with it. Render reads every record of cols at most once, with the Stores' atomic loads, and must
// not block on I/O or on a scraper: it runs in the engine's goroutine, one call at a time.
type Renderer interface {
	Render(cols []Collection)
}

// DefaultStuckAfter is the grace a cycle gets past its ExportTimeout before it counts as stuck: a
// consumer honouring its context returns well within it.
const DefaultStuckAfter = 5 * time.Second

// CycleStats reports one collection cycle.
type CycleStats struct {
	SnapshotStats
	Duration       time.Duration // whole cycle
	ExportDuration time.Duration // time spent inside ConsumeMetrics
	Withheld       bool          // exporting was turned off during the cycle (SetExporting); the rest was not sent
}

// Hooks receive the engine's telemetry. Each is optional and must not block: they are called from
// the engine's goroutines, and ReadFailed from a reflector's (never while a record is published).
type Hooks struct {
	Synced func() // every informer has synced
	// ReadFailed: a List or Watch call of a resource failed (again, or with a new error); err nil:
	// the resource is readable again. Called from the reflector's goroutine on each change.
	ReadFailed   func(resource string, err error)
	CycleDone    func(CycleStats) // a cycle finished (or was cut); the next may already run
	CycleSkipped func()           // a tick found the previous cycle running
	// Stuck: the cycle in flight has outlived its ExportTimeout by StuckAfter, so a consumer is
	// ignoring its context; overdue is how long past ExportTimeout. Called once per such cycle,
	// from a timer's goroutine; CycleDone follows when the consumer returns.
	Stuck func(overdue time.Duration)
}

type resourceState struct {
	src        Source
	schema     *SourceSchema // nil: KSM's names
	stores     []*Store
	queues     []*queue
	health     []*readHealth
	reflectors []*cache.Reflector

	// A source added or removed at runtime (AddSource, RemoveSource) runs its informers under a
	// context of its own, and RemoveSource waits for them.
	start  sync.Once
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Engine runs the informers, the stores and the export loop.
type Engine struct {
	cfg     Config
	clients Clients
	next    consumer.Metrics
	hooks   Hooks
	log     *zap.Logger
	scope   string
	version string
	// resources is replaced whole (copy on write, under mu) when a source is added or removed, so
	// readers load it once and never lock.
	resources atomic.Pointer[[]*resourceState]
	startTime pcommon.Timestamp
	last      *lastExported // what the last cycle exported; cycles never overlap, so only the one running uses it
	lastStale int           // stale points of the last cycle, for the next one's batch estimate; as last
	cycleSeq  atomic.Uint64 // cycles run, for the resend schedule
	resendAll atomic.Bool   // the next cycle sends every record (exporting was just turned on)

	lifetime context.Context
	cancel   context.CancelFunc

	mu      sync.Mutex // guards closed and wg.Add against Shutdown; never held across work
	closed  bool
	wg      sync.WaitGroup
	running atomic.Bool // a cycle is in flight
	// exporting is off on a standby replica; term is the context of the current exporting term,
	// cancelled when exporting stops, so the cycle in flight stops handing batches on.
	exporting atomic.Bool
	term      atomic.Pointer[exportTerm]
	skipped   atomic.Int64
	// exportDeadline is when the cycle in flight must be done exporting (unix nanoseconds), 0
	// between cycles: StuckFor reads it.
	exportDeadline atomic.Int64
}

// Options is what New builds an engine from.
type Options struct {
	Config  Config
	Sources []Source // what to watch, each compiled with its filters
	// Schemas, if set, has one entry per Source: how its families are named for export (nil
	// entries: KSM's names). The pull path always renders KSM's names.
	Schemas []*SourceSchema
	Clients Clients
	Next    consumer.Metrics // the export consumer; unused with Config.PullOnly
	Hooks   Hooks
	Logger  *zap.Logger // nil: no logs
	// Scope and Version name the instrumentation scope of every batch (the receiver's).
	Scope, Version string
}

// New builds an engine and its informers; Start runs them. The set of informers and stores is
// fixed here, before any goroutine runs, so Objects, Synced, HasSynced and ReadErr may be called at any time, also during Start.
func New(o Options) *Engine {
	e := &Engine{cfg: o.Config, clients: o.Clients, next: o.Next, hooks: o.Hooks, log: o.Logger, scope: o.Scope, version: o.Version, last: newLastExported()}
	if e.cfg.StuckAfter <= 0 {
		e.cfg.StuckAfter = DefaultStuckAfter
	}
	if e.log == nil {
		e.log = zap.NewNop()
	}
	var all []*resourceState
	for i, s := range o.Sources {
		rs := e.newResource(s)
		if i < len(o.Schemas) {
			rs.schema = o.Schemas[i]
		}
		all = append(all, rs)
	}
	e.resources.Store(&all)
	return e
}

func (e *Engine) newResource(s Source) *resourceState {
	rs := &resourceState{src: s}
	for _, sel := range e.selections(s) {
		e.addInformer(rs, sel.namespace, sel.fieldSelector)
	}
	return rs
}

// sources is the current set of resources; a snapshot of it, never modified.
func (e *Engine) sources() []*resourceState { return *e.resources.Load() }

// startResource runs a resource's informers (once) under a context of its own.
func (e *Engine) startResource(rs *resourceState) {
	rs.start.Do(func() {
		var ctx context.Context
		ctx, rs.cancel = context.WithCancel(e.lifetime)
		for _, r := range rs.reflectors {
			rs.wg.Add(1)
			if !e.goRun(func() { defer rs.wg.Done(); r.RunWithContext(ctx) }) {
				rs.wg.Done()
			}
		}
	})
}

// AddSource adds a source while the engine runs (or before Start): its informers start at once
// and its records join the next snapshot. Names are unique.
func (e *Engine) AddSource(s Source) error {
	rs := e.newResource(s)
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return errors.New("engine shut down")
	}
	cur := e.sources()
	for _, o := range cur {
		if o.src.Name() == s.Name() {
			e.mu.Unlock()
			return fmt.Errorf("source %q already present", s.Name())
		}
	}
	next := append(slices.Clip(cur), rs)
	e.resources.Store(&next)
	started := e.lifetime != nil
	e.mu.Unlock()
	if started {
		e.startResource(rs)
	}
	return nil
}

// RemoveSource removes a source while the engine runs: its informers stop, and when it returns
// every goroutine they ran has returned (or ctx ended first: the error says so). The next cycle
// sends stale points for the series it may have delivered; then nothing of it stays.
func (e *Engine) RemoveSource(ctx context.Context, name string) error {
	e.mu.Lock()
	cur := e.sources()
	i := slices.IndexFunc(cur, func(rs *resourceState) bool { return rs.src.Name() == name })
	if i < 0 {
		e.mu.Unlock()
		return fmt.Errorf("source %q not present", name)
	}
	rs := cur[i]
	next := slices.Delete(slices.Clone(cur), i, i+1)
	e.resources.Store(&next)
	e.mu.Unlock()
	rs.start.Do(func() {}) // never started: nothing to stop
	if rs.cancel == nil {
		return nil
	}
	rs.cancel()
	done := make(chan struct{})
	go func() { rs.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("removing source %s: %w", name, ctx.Err())
	}
}

// Start runs the informers and the collection timer. It does not wait for sync.
func (e *Engine) Start(ctx context.Context) error {
	_ = ctx // the engine's lifetime is its own: Start's context ends when Start returns
	e.mu.Lock()
	e.lifetime, e.cancel = context.WithCancel(context.Background())
	e.mu.Unlock()
	e.exporting.Store(!e.cfg.Standby)
	e.term.Store(newExportTerm(e.lifetime))
	e.startTime = pcommon.NewTimestampFromTime(time.Now())
	for _, rs := range e.sources() {
		e.startResource(rs)
	}
	e.goRun(e.awaitSync)
	if !e.cfg.PullOnly {
		e.goRun(e.loop)
	}
	if e.cfg.Renderer != nil {
		e.goRun(e.renderLoop)
	}
	return nil
}

// renderLoop hands the Renderer a snapshot as soon as every informer has synced, then every
// CollectionInterval. Renders never overlap (one goroutine) and never wait on a consumer.
func (e *Engine) renderLoop() {
	if !e.WaitForSync(e.lifetime) {
		return
	}
	t := time.NewTicker(e.cfg.CollectionInterval)
	defer t.Stop()
	for {
		e.cfg.Renderer.Render(e.collections())
		select {
		case <-e.lifetime.Done():
			return
		case <-t.C:
		}
	}
}

// collections is what a snapshot reads: each source with the stores of its informers.
func (e *Engine) collections() []Collection {
	all := e.sources()
	cols := make([]Collection, len(all))
	for i, rs := range all {
		cols[i] = Collection{Source: rs.src, Stores: rs.stores, Schema: rs.schema}
	}
	return cols
}

type selection struct{ namespace, fieldSelector string }

// selections says which informers a source needs: one per configured namespace, or one for all
// namespaces minus the denylist; cluster-scoped sources always get one.
func (e *Engine) selections(s Source) []selection {
	if !s.Namespaced() {
		return []selection{{fieldSelector: e.cfg.FieldSelector}}
	}
	if len(e.cfg.Namespaces) > 0 {
		// As KSM: with both set, the listed namespaces minus the denied ones.
		var out []selection
		for _, ns := range e.cfg.Namespaces {
			if !slices.Contains(e.cfg.NamespacesDenylist, ns) {
				out = append(out, selection{namespace: ns, fieldSelector: e.cfg.FieldSelector})
			}
		}
		return out
	}
	var terms []string
	for _, ns := range e.cfg.NamespacesDenylist {
		terms = append(terms, "metadata.namespace!="+ns)
	}
	if e.cfg.FieldSelector != "" {
		terms = append(terms, e.cfg.FieldSelector)
	}
	return []selection{{fieldSelector: strings.Join(terms, ",")}}
}

// addInformer sets up one reflector of a source: it lists and watches into a queue, which builds
// each object's record on arrival and publishes it to the informer's Store. The reflector runs on
// its own, without a cache.Controller around it: the queue then needs only the ReflectorStore
// methods, which client-go has kept unchanged across releases (its Queue interface has not: v0.36
// added HasSyncedChecker), so the engine builds with client-go v0.35 and later alike.
func (e *Engine) addInformer(rs *resourceState, namespace, fieldSelector string) {
	src := rs.src
	st := NewStore()
	q := newQueue(src, st, e.cfg.Shard)
	resource := src.Name()
	rh := newReadHealth(resource, src.ListWatch(e.clients, namespace, fieldSelector), func(resource string, err error) {
		if e.hooks.ReadFailed != nil {
			e.hooks.ReadFailed(resource, err)
		}
	})
	r := cache.NewReflectorWithOptions(rh, src.Example(), q, cache.ReflectorOptions{TypeDescription: resource})
	rs.stores = append(rs.stores, st)
	rs.queues = append(rs.queues, q)
	rs.health = append(rs.health, rh)
	rs.reflectors = append(rs.reflectors, r)
}

func (e *Engine) goRun(fn func()) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		fn()
	}()
	return true
}

// HasSynced reports whether every informer has listed its objects once.
func (e *Engine) HasSynced() bool {
	for _, rs := range e.sources() {
		for _, q := range rs.queues {
			if !q.HasSynced() {
				return false
			}
		}
	}
	return true
}

// WaitForSync blocks until every informer has synced or ctx ends.
func (e *Engine) WaitForSync(ctx context.Context) bool {
	var synced []cache.InformerSynced
	for _, rs := range e.sources() {
		for _, q := range rs.queues {
			synced = append(synced, q.HasSynced)
		}
	}
	return cache.WaitForCacheSync(ctx.Done(), synced...)
}

func (e *Engine) awaitSync() {
	start := time.Now()
	if e.WaitForSync(e.lifetime) {
		e.log.Info("informers synced", zap.Int("resources", len(e.sources())), zap.Duration("after", time.Since(start)))
		if e.hooks.Synced != nil {
			e.hooks.Synced()
		}
		if e.cfg.CycleOnSync && !e.cfg.PullOnly {
			e.Tick()
		}
	}
}

// Objects returns the number of objects held per resource.
func (e *Engine) Objects() map[string]int {
	out := map[string]int{}
	for _, rs := range e.sources() {
		n := 0
		for _, st := range rs.stores {
			n += st.Len()
		}
		out[rs.src.Name()] += n
	}
	return out
}

// ReadErr says which resources cannot be read now: the error of every informer whose last List or
// Watch call failed, or nil. Data of those resources is what was last read, so a receiver that
// reports health must not report it healthy meanwhile.
func (e *Engine) ReadErr() error {
	var errs []error
	for _, rs := range e.sources() {
		for _, h := range rs.health {
			if err := h.Err(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", rs.src.Name(), err))
			}
		}
	}
	return errors.Join(errs...)
}

// ReadStat is how reading one resource from the Kubernetes API goes, for telemetry.
type ReadStat struct {
	Failures   int64         // failed List and Watch calls so far (a 410 Gone is a relist, not a failure)
	FailingFor time.Duration // how long the resource has been unreadable; 0 while it is readable
}

// ReadStats reports, per resource, its failed calls and how long it has been unreadable (the
// longest of its informers): how old the data exported for it may be.
func (e *Engine) ReadStats() map[string]ReadStat {
	now := time.Now()
	out := map[string]ReadStat{}
	for _, rs := range e.sources() {
		st := out[rs.src.Name()]
		for _, h := range rs.health {
			st.Failures += h.failures.Load()
			st.FailingFor = max(st.FailingFor, h.failingFor(now))
		}
		out[rs.src.Name()] = st
	}
	return out
}

func (e *Engine) loop() {
	t := time.NewTicker(e.cfg.CollectionInterval)
	defer t.Stop()
	for {
		select {
		case <-e.lifetime.Done():
			return
		case <-t.C:
			e.Tick()
		}
	}
}

// Tick starts a collection cycle unless one is in flight, in which case it counts a skip and
// returns false. The timer calls it every CollectionInterval; tests call it directly.
func (e *Engine) Tick() bool {
	if !e.exporting.Load() {
		return false // a standby replica: informers stay synced, nothing is exported
	}
	if !e.running.CompareAndSwap(false, true) {
		e.skipped.Add(1)
		if e.hooks.CycleSkipped != nil {
			e.hooks.CycleSkipped()
		}
		return false
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		e.running.Store(false)
		return false
	}
	e.wg.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.wg.Done()
		stats := e.cycle()
		// The cycle is over before it is reported: a Tick that follows the report starts a new one.
		e.running.Store(false)
		if e.hooks.CycleDone != nil {
			e.hooks.CycleDone(stats)
		}
	}()
	return true
}

// cycle snapshots every store and hands the batches on. The cycle as a whole has ExportTimeout;
// each batch gets a fair share of what is left of it: remaining time / batches left, estimated from
// the stores' points and the last cycle's stale points, plus one held back (one more per batch past
// the estimate), so no batch ever gets all of it. The Collector
// calls a pipeline's exporters one after another with the same context, so a sibling that hangs
// until its deadline holds each batch for its share only, and every batch still reaches the
// others: a hung consumer costs at most ExportTimeout per cycle, never batches.
func (e *Engine) cycle() CycleStats {
	start := time.Now()
	deadline := start.Add(e.cfg.ExportTimeout)
	e.exportDeadline.Store(deadline.UnixNano())
	defer e.exportDeadline.Store(0)
	stuck := e.afterFunc(e.cfg.ExportTimeout+e.cfg.StuckAfter, func() {
		if e.hooks.Stuck != nil {
			e.hooks.Stuck(e.StuckFor())
		}
	})
	defer stuck.Stop()

	term := e.term.Load()
	ctx, cancel := context.WithDeadline(term.ctx, deadline)
	defer cancel()
	// An estimate: the stores' points now, and as many stale points as the last cycle had.
	// Handlers keep publishing while the cycle runs, and objects deleted since add stale points.
	expected := e.points() + e.lastStale
	maxPoints := max(e.cfg.MaxDataPointsPerBatch, 1)
	handedOn, beyond := 0, 0
	var exportTime time.Duration
	o := e.batchOptions(pcommon.NewTimestampFromTime(start), e.last)
	o.Seq = e.cycleSeq.Add(1)
	if !e.resendAll.Swap(false) {
		o.ResendEvery = e.resendEvery()
	}
	st := collect(ctx, e.collections(), o, func(md pmetric.Metrics) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("batch dropped: %w", err)
		}
		// This batch and those the estimate still counts, plus one share held back: no batch is
		// given all the time left, since more may follow than were counted. Past the estimate,
		// one more is held back per batch, so the time left shrinks as 1/n, not 1/2^n.
		counted := (expected - handedOn + maxPoints - 1) / maxPoints
		left := max(counted, 1) + 1 + beyond
		if counted < 1 {
			beyond++
		}
		handedOn += md.DataPointCount()
		t := time.Now()
		bctx, bcancel := context.WithDeadline(ctx, t.Add(deadline.Sub(t)/time.Duration(left)))
		err := e.next.ConsumeMetrics(bctx, md)
		bcancel()
		exportTime += time.Since(t)
		return err
	})
	e.lastStale = st.Stale
	stats := CycleStats{SnapshotStats: st, Duration: time.Since(start), ExportDuration: exportTime}
	if term.ctx.Err() != nil && e.lifetime.Err() == nil {
		// Exporting stopped (leadership lost) during the cycle: what was not handed on was
		// withheld on purpose, not refused.
		stats.Errors, stats.Withheld = nil, true
		return stats
	}
	if len(st.Errors) > 0 && e.lifetime.Err() == nil {
		e.log.Warn("export failed", zap.Int("batches_failed", len(st.Errors)), zap.Int("batches", st.Batches),
			zap.Int("points_sent", st.Sent), zap.Int("points", st.Points), zap.Error(errors.Join(st.Errors...)))
	}
	return stats
}

// resendEvery is Config.ResendInterval in cycles: a record is sent at least this often.
func (e *Engine) resendEvery() int {
	if e.cfg.ResendInterval <= 0 || e.cfg.CollectionInterval <= 0 {
		return 1
	}
	return max(1, int(e.cfg.ResendInterval/e.cfg.CollectionInterval))
}

// points is the number of points the stores hold now.
func (e *Engine) points() int {
	n := 0
	for _, rs := range e.sources() {
		for _, st := range rs.stores {
			n += st.Points()
		}
	}
	return n
}

// StuckFor says how long the cycle in flight has outlived its ExportTimeout: a consumer is
// ignoring its context, and no new cycle starts until it returns. Zero when no cycle is overdue.
func (e *Engine) StuckFor() time.Duration {
	d := e.exportDeadline.Load()
	if d == 0 {
		return 0
	}
	return max(time.Since(time.Unix(0, d)), 0)
}

// afterFunc runs fn after d in a goroutine that Shutdown waits for, unless the engine is closed by
// then. The cycle stops the timer when it ends, so at most one is pending.
func (e *Engine) afterFunc(d time.Duration, fn func()) *time.Timer {
	return time.AfterFunc(d, func() {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return
		}
		e.wg.Add(1)
		e.mu.Unlock()
		defer e.wg.Done()
		fn()
	})
}

type exportTerm struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newExportTerm(parent context.Context) *exportTerm {
	ctx, cancel := context.WithCancel(parent)
	return &exportTerm{ctx, cancel}
}

// SetExporting turns export cycles on or off (leader election: only the leader exports). Off
// cancels the cycle in flight, so it hands no further batch on (a consumer that ignores its
// context may still be finishing one), and later ticks start none. On starts a cycle at once, so a
// new leader exports without waiting for the next tick. Informers and the pull path's renders
// are not affected. Safe from any goroutine once Start has returned.
func (e *Engine) SetExporting(on bool) {
	e.mu.Lock()
	if e.closed || e.lifetime == nil || e.exporting.Load() == on {
		e.mu.Unlock()
		return
	}
	if on {
		e.term.Store(newExportTerm(e.lifetime))
		// A consumer may have dropped what this engine sent before it stopped (a backend's expiry):
		// the first cycle sends everything.
		e.resendAll.Store(true)
	} else {
		e.term.Load().cancel()
	}
	e.exporting.Store(on)
	e.mu.Unlock()
	if on && !e.cfg.PullOnly {
		e.Tick()
	}
}

// Exporting reports whether export cycles run (false on a standby replica).
func (e *Engine) Exporting() bool { return e.exporting.Load() }

// Snapshot builds one snapshot outside the timer and hands its batches to emit (tests): the
// batches a cycle would export, without stale points.
func (e *Engine) Snapshot(ctx context.Context, emit func(pmetric.Metrics) error) SnapshotStats {
	return e.snapshot(ctx, pcommon.NewTimestampFromTime(time.Now()), nil, emit)
}

// Shutdown stops the timer and the informers and cancels the cycle in flight, then waits for every
// goroutine the engine started, or until ctx ends.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	if e.cancel == nil {
		return nil
	}
	e.cancel()
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("kubestate engine shutdown: %w (a consumer is ignoring its context)", ctx.Err())
	}
}

// Synced reports, per resource, whether all its informers have synced.
func (e *Engine) Synced() map[string]bool {
	out := map[string]bool{}
	for _, rs := range e.sources() {
		ok := true
		for _, q := range rs.queues {
			ok = ok && q.HasSynced()
		}
		out[rs.src.Name()] = ok
	}
	return out
}

// cached returns what the engine holds for the objects of a resource: one record each, never the
// object itself (each object is dropped as soon as its record is built). For tests of invariant 6.
func (e *Engine) cached(resource string) []*Record {
	var out []*Record
	for _, rs := range e.sources() {
		if rs.src.Name() == resource {
			for _, st := range rs.stores {
				st.Range(func(r *Record) bool {
					out = append(out, r)
					return true
				})
			}
		}
	}
	return out
}
