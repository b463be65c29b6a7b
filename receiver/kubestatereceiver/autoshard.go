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
// hash moves keys to the new buckets only), so those wait until the StatefulSet reports all m
// replicas ready (the new pods export the objects they take over); shrinking only adds objects to
// the shards that stay, so they switch as soon as the new engine has synced. A pod whose ordinal
// is at or past replicas is being scaled away: it keeps its shard until it is shut down.
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
	for {
		select {
		case <-ctx.Done():
			return
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
		eng, _ := r.newEngine(shard, false)
		r.activate(eng, shard)
		a.log.Info("auto_sharding: starting", zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total))
		_ = eng.Start(ctx) // never fails
		return
	}
	switch {
	case st.replicas == cur.Total:
		return
	case a.ordinal >= st.replicas:
		a.log.Info("auto_sharding: the StatefulSet is scaled below this pod's ordinal; it keeps exporting its shard until it is shut down",
			zap.Int("ordinal", a.ordinal), zap.Int("replicas", st.replicas), zap.Int("total_shards", cur.Total))
		return
	case st.replicas > cur.Total && (st.ready < st.replicas || st.observedGeneration < st.generation):
		a.log.Info("auto_sharding: scaled up; this shard hands objects over once every new replica is ready",
			zap.Int("replicas", st.replicas), zap.Int("ready", st.ready), zap.Int("total_shards", cur.Total))
		return
	}
	a.reshard(ctx, engine.Shard{Index: a.ordinal, Total: st.replicas})
}

// reshard replaces the current engine by one for shard, make-before-break.
func (a *autoSharder) reshard(ctx context.Context, shard engine.Shard) {
	r := a.r
	old, from := r.eng.Load(), *r.shard.Load()
	a.log.Info("auto_sharding: re-sharding: the new shard syncs while the current one exports",
		zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total), zap.Int("from_total_shards", from.Total))
	start := time.Now()
	next, gate := r.newEngine(shard, true)
	_ = next.Start(ctx) // never fails
	if !next.WaitForSync(ctx) {
		a.shutdown(next) // stopping
		return
	}
	synced := time.Since(start)
	r.activate(next, shard)
	if gate != nil {
		gate.renderNow() // the pull page: the new shard from now on
	}
	// The old one's cycle in flight stops handing batches on before the new one's first cycle.
	old.SetExporting(false)
	next.SetExporting(true)
	r.updateStatus(func() { r.readErrs, r.exportErr, r.stuckFor = nil, nil, nil })
	a.log.Info("auto_sharding: re-sharded", zap.Int("shard", shard.Index), zap.Int("total_shards", shard.Total),
		zap.Int("from_total_shards", from.Total), zap.Duration("synced_after", synced))
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
