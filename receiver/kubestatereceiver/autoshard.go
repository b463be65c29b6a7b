package kubestatereceiver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// autoSharder runs auto_sharding: it reads this pod (its controller owner names the StatefulSet),
// watches that one StatefulSet, and keeps the receiver's engine on shard <ordinal> of
// <spec.replicas>. A re-shard is make-before-break: a new engine for the new shard syncs as a
// standby while the current one keeps exporting; then the current one stops exporting, the new
// one exports at once (a cycle on the switch), and the old one is shut down. The engine itself
// never changes its shard.
//
// When to switch: growing from n to m shards only takes objects away from shards below n (jump
// hash moves keys to the new buckets only), so those sync their new shard as soon as they see
// spec.replicas grow and switch to it when the StatefulSet reports all m replicas ready. The new
// pods, whose objects the old shards export until then, hold theirs until the same moment: a pod
// that starts while some replicas are ready but not all syncs (and so becomes ready itself: the
// readiness probe is the receiver's status) without exporting or serving, and starts when every
// replica is ready, or after holdLimit cycles if that never happens (then objects may be exported
// twice until it does). Everyone switches on one event, so an object moves from its old shard's
// last cycle to its new shard's first. Shrinking only adds objects to the shards that stay, so they
// switch as soon as the new engine has synced. A pod whose ordinal is at or past replicas is being
// scaled away: it keeps its shard until it is shut down.
type autoSharder struct {
	r       *kubestateReceiver
	kube    kubernetes.Interface
	log     *zap.Logger
	ordinal int

	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	want   *stsState     // the StatefulSet as last seen; nil before
	notify chan struct{} // cap 1: want changed

	// Owned by run's goroutine.
	pending  *standby    // a grown shard syncing ahead of its switch; nil when none
	hold     *time.Timer // set while the first engine is held (receiver.held)
	heldGate *renderGate // the held engine's pull page, if any
}

// standby is an engine syncing for a shard it does not export yet.
type standby struct {
	eng   *engine.Engine
	gate  *renderGate
	shard engine.Shard
	began time.Time
}

// holdLimit is how many collection intervals a new pod holds its exports at most, waiting for the
// StatefulSet to report every replica ready.
const holdLimit = 2

// allReady: the StatefulSet's controller has seen its spec and reports every replica ready.
func (st stsState) allReady() bool {
	return st.ready >= st.replicas && st.observedGeneration >= st.generation
}

type stsState struct {
	replicas, ready                int
	generation, observedGeneration int64
}

func startAutoSharder(r *kubestateReceiver, kube kubernetes.Interface) *autoSharder {
	ordinal, _ := podOrdinal(r.cfg.AutoSharding.PodName) // Validate checked it
	ctx, cancel := context.WithCancel(context.Background())
	a := &autoSharder{r: r, kube: kube, log: r.set.Logger.With(zap.String("pod", r.cfg.AutoSharding.PodNamespace+"/"+r.cfg.AutoSharding.PodName)),
		ordinal: ordinal, cancel: cancel, done: make(chan struct{}), notify: make(chan struct{}, 1)}
	go func() {
		defer close(a.done)
		a.run(ctx)
	}()
	return a
}

// stop ends auto-sharding and waits for it (bounded by ctx); an engine being built for a re-shard
// is shut down with it. The receiver's current engine is left to the receiver.
func (a *autoSharder) stop(ctx context.Context) error {
	a.cancel()
	select {
	case <-a.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auto_sharding did not stop: %w", ctx.Err())
	}
}

// retry waits before the next attempt, backing off from 1s to 30s; false once ctx ends.
func retry(ctx context.Context, attempt int) bool {
	d := min(time.Second<<min(attempt, 5), 30*time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// report makes a failure to read the pod or the StatefulSet a recoverable status, logged once per
// distinct error; nil clears it.
func (a *autoSharder) report(err error) {
	prev := a.r.shardErr.Swap(&err)
	hadErr := prev != nil && *prev != nil
	switch {
	case err != nil && (!hadErr || (*prev).Error() != err.Error()):
		a.log.Error("auto_sharding cannot read what it needs; it retries (RBAC: get on pods in the pod's namespace, get, list and watch on statefulsets.apps)", zap.Error(err))
		a.r.updateStatus(nil)
	case err == nil && hadErr:
		a.log.Info("auto_sharding can read its pod and StatefulSet again")
		a.r.updateStatus(nil)
	}
}

func (a *autoSharder) run(ctx context.Context) {
	sts, ok := a.statefulSetName(ctx)
	if !ok {
		return
	}
	ns := a.r.cfg.AutoSharding.PodNamespace
	// One object: a list and watch selected by name, reported like the engine's reads, since the
	// reflector retries a refused call without telling anyone.
	sel := fields.OneTermEqualSelector("metadata.name", sts).String()
	apps := a.kube.AppsV1().StatefulSets(ns)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = sel
			l, err := apps.List(ctx, o)
			a.observed(ctx, "list", ns, sts, err)
			return l, err
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = sel
			w, err := apps.Watch(ctx, o)
			a.observed(ctx, "watch", ns, sts, err)
			return w, err
		},
	}
	seen := func(obj any) {
		if s, ok := obj.(*appsv1.StatefulSet); ok {
			st := &stsState{replicas: 1, ready: int(s.Status.ReadyReplicas), generation: s.Generation, observedGeneration: s.Status.ObservedGeneration}
			if s.Spec.Replicas != nil {
				st.replicas = int(*s.Spec.Replicas)
			}
			a.mu.Lock()
			a.want = st
			a.mu.Unlock()
			select {
			case a.notify <- struct{}{}:
			default:
			}
		}
	}
	_, informer := cache.NewInformerWithOptions(cache.InformerOptions{
		ListerWatcher: lw,
		ObjectType:    &appsv1.StatefulSet{},
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    seen,
			UpdateFunc: func(_, obj any) { seen(obj) },
			DeleteFunc: func(any) {
				a.log.Warn("auto_sharding: the StatefulSet was deleted; this pod keeps its shard until it is shut down", zap.String("statefulset", ns+"/"+sts))
			},
		},
	})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		informer.RunWithContext(ctx)
	}()
	defer wg.Wait()
	defer func() {
		if a.pending != nil {
			a.shutdown(a.pending.eng)
			a.pending = nil
		}
		if a.hold != nil {
			a.hold.Stop()
		}
	}()
	for {
		var holdExpired <-chan time.Time
		if a.hold != nil {
			holdExpired = a.hold.C
		}
		select {
		case <-ctx.Done():
			return
		case <-holdExpired:
			a.log.Warn("auto_sharding: the StatefulSet did not report every replica ready in time; this pod exports its shard now, and objects may be exported by two shards until it does",
				zap.Duration("held", holdLimit*a.r.cfg.CollectionInterval))
			a.release(ctx)
		case <-a.notify:
			a.mu.Lock()
			want := *a.want
			a.mu.Unlock()
			a.apply(ctx, want)
		}
	}
}

// observed reports how a list or watch of the StatefulSet went (not while shutting down).
func (a *autoSharder) observed(ctx context.Context, verb, ns, name string, err error) {
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		err = fmt.Errorf("auto_sharding: cannot %s StatefulSet %s/%s: %w", verb, ns, name, err)
	}
	a.report(err)
}

// statefulSetName reads this pod until it can and returns the StatefulSet that controls it.
func (a *autoSharder) statefulSetName(ctx context.Context) (string, bool) {
	as := a.r.cfg.AutoSharding
	for attempt := 0; ; attempt++ {
		pod, err := a.kube.CoreV1().Pods(as.PodNamespace).Get(ctx, as.PodName, metav1.GetOptions{})
		if ctx.Err() != nil {
			return "", false
		}
		if err != nil {
			a.report(fmt.Errorf("auto_sharding: cannot get pod %s/%s: %w", as.PodNamespace, as.PodName, err))
		} else if owner := metav1.GetControllerOf(pod); owner == nil || owner.Kind != "StatefulSet" {
			a.report(fmt.Errorf("auto_sharding: pod %s/%s is not run by a StatefulSet (no controller owner reference of kind StatefulSet)", as.PodNamespace, as.PodName))
		} else {
			a.report(nil)
			a.log.Info("auto_sharding: the shard is this pod's ordinal in its StatefulSet", zap.String("statefulset", owner.Name), zap.Int("ordinal", a.ordinal))
			return owner.Name, true
		}
		if !retry(ctx, attempt) {
			return "", false
		}
	}
}

// apply brings the engine to the shard the StatefulSet asks for, when it is time to.
func (a *autoSharder) apply(ctx context.Context, st stsState) {
	r := a.r
	cur := r.shard.Load()
	if r.eng.Load() == nil {
		if a.ordinal >= st.replicas {
			a.log.Warn("auto_sharding: this pod's ordinal is not below the StatefulSet's replicas (it is being scaled away); no shard to export", zap.Int("ordinal", a.ordinal), zap.Int("replicas", st.replicas))
			return
		}
		shard := engine.Shard{Index: a.ordinal, Total: st.replicas}
		// Replicas already ready but not all: the set is growing (or a pod restarts), and the
		// ready ones export this pod's objects until every replica is ready.
		held := st.ready > 0 && !st.allReady()
		eng, gate := r.newEngine(shard, held)
		r.held.Store(held)
		r.activate(eng, shard)
		_ = eng.Start(ctx) // never fails
		if held {
			a.hold, a.heldGate = time.NewTimer(holdLimit*r.cfg.CollectionInterval), gate
			a.log.Info("auto_sharding: starting; the shard syncs and waits for every replica to be ready before it exports",
				zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total), zap.Int("ready", st.ready))
			return
		}
		a.log.Info("auto_sharding: starting", zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total))
		return
	}
	if a.hold != nil && st.replicas == cur.Total && st.allReady() {
		a.release(ctx)
	}
	switch {
	case st.replicas == cur.Total:
		a.dropPending()
		return
	case a.ordinal >= st.replicas:
		a.log.Info("auto_sharding: the StatefulSet is scaled below this pod's ordinal; it keeps exporting its shard until it is shut down",
			zap.Int("ordinal", a.ordinal), zap.Int("replicas", st.replicas), zap.Int("total_shards", cur.Total))
		return
	case st.replicas > cur.Total && !st.allReady():
		if a.prepare(ctx, engine.Shard{Index: a.ordinal, Total: st.replicas}) {
			a.log.Info("auto_sharding: scaled up; the new shard syncs now and this shard hands objects over once every new replica is ready",
				zap.Int("replicas", st.replicas), zap.Int("ready", st.ready), zap.Int("total_shards", cur.Total))
		}
		return
	}
	a.reshard(ctx, engine.Shard{Index: a.ordinal, Total: st.replicas})
}

// release lets the held first engine export (and serve) once it has synced.
func (a *autoSharder) release(ctx context.Context) {
	a.hold.Stop()
	a.hold = nil
	eng := a.r.eng.Load()
	if !eng.WaitForSync(ctx) {
		return // stopping
	}
	a.r.held.Store(false)
	if a.heldGate != nil {
		a.heldGate.renderNow()
		a.heldGate = nil
	}
	eng.SetExporting(true)
	a.log.Info("auto_sharding: every replica is ready; exporting", zap.Int("shard", a.r.shard.Load().Index), zap.Int("total_shards", a.r.shard.Load().Total))
}

// prepare starts syncing the engine of shard as a standby unless one already is; true if it
// started one.
func (a *autoSharder) prepare(ctx context.Context, shard engine.Shard) bool {
	if a.pending != nil && a.pending.shard == shard {
		return false
	}
	a.dropPending()
	eng, gate := a.r.newEngine(shard, true)
	_ = eng.Start(ctx) // never fails
	a.pending = &standby{eng: eng, gate: gate, shard: shard, began: time.Now()}
	return true
}

// dropPending shuts down a standby engine the StatefulSet no longer asks for.
func (a *autoSharder) dropPending() {
	if a.pending != nil {
		a.shutdown(a.pending.eng)
		a.pending = nil
	}
}

// reshard replaces the current engine by one for shard, make-before-break: the engine prepared
// for it if there is one, else a new one synced now.
func (a *autoSharder) reshard(ctx context.Context, shard engine.Shard) {
	r := a.r
	old, from := r.eng.Load(), *r.shard.Load()
	if a.pending == nil || a.pending.shard != shard {
		a.log.Info("auto_sharding: re-sharding: the new shard syncs while the current one exports",
			zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total), zap.Int("from_total_shards", from.Total))
		a.prepare(ctx, shard)
	}
	next := a.pending
	a.pending = nil
	if !next.eng.WaitForSync(ctx) {
		a.shutdown(next.eng) // stopping
		return
	}
	synced := time.Since(next.began)
	r.activate(next.eng, shard)
	if a.hold != nil { // a held first engine replaced: the new shard's turn has come
		a.hold.Stop()
		a.hold, a.heldGate = nil, nil
		r.held.Store(false)
	}
	if next.gate != nil {
		next.gate.renderNow() // the pull page: the new shard from now on
	}
	// The old one's cycle in flight stops handing batches on before the new one's first cycle.
	old.SetExporting(false)
	next.eng.SetExporting(true)
	r.updateStatus(func() { r.readErrs, r.exportErr, r.stuckFor = nil, nil, nil })
	a.log.Info("auto_sharding: re-sharded", zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total),
		zap.Int("from_total_shards", from.Total), zap.Duration("since_sync_began", synced))
	a.shutdown(old)
}

// shutdown stops an engine that no longer exports, bounded as a cycle is (export_timeout plus
// the grace after which a consumer counts as stuck).
func (a *autoSharder) shutdown(eng *engine.Engine) {
	ctx, cancel := context.WithTimeout(context.Background(), a.r.cfg.EffectiveExportTimeout()+engine.DefaultStuckAfter)
	defer cancel()
	if err := eng.Shutdown(ctx); err != nil {
		a.log.Warn("auto_sharding: the replaced engine did not stop in time", zap.Error(err))
	}
}
