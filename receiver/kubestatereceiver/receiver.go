package kubestatereceiver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/exposition"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver/internal/metadata"
)

type kubestateReceiver struct {
	cfg  *Config
	set  receiver.Settings
	next consumer.Metrics

	// eng is the engine that exports now; auto_sharding replaces it on a re-shard (autoshard.go).
	eng   atomic.Pointer[engine.Engine]
	shard atomic.Pointer[engine.Shard] // the shard eng exports (telemetry); nil before it starts
	// held: auto_sharding's first engine is synced and current (the status reports it) but
	// neither exports nor serves its page until the StatefulSet reports every replica ready.
	held       atomic.Bool
	run        compiled // what every engine runs, but its Shard
	clients    engine.Clients
	restCfg    *rest.Config          // what clients were built from, with our dialer
	autoShard  *autoSharder          // nil without auto_sharding
	renderMu   sync.Mutex            // held by pull page renders (renderGate)
	shardErr   atomic.Pointer[error] // auto_sharding cannot read its pod or StatefulSet
	telemetry  *metadata.TelemetryBuilder
	conns      *connTracker
	host       component.Host
	lastPoints atomic.Int64
	pages      *exposition.Pages  // the pull path's current page; nil without pull.endpoint
	pull       *exposition.Server // serves pages
	elector    *elector           // nil without leader_election
	crsMu      sync.Mutex
	crs        *customresource.Discovery // nil without custom_resource_state; under crsMu
	crsReload  *crsReloader              // nil unless custom_resource_state_file is reloaded
	leading    atomic.Int32              // 1 while this replica leads (telemetry)
	leaseErr   atomic.Pointer[error]

	// The component status is computed from all of these at once, under statusMu, and reported
	// in the same critical section: reports from the cycle, the reflectors and the stuck timer
	// then cannot overtake each other and leave OK standing while something is failing.
	statusMu  sync.Mutex
	state     readState
	exportErr error                // the last cycle's failure, nil once a cycle succeeds
	readErrs  map[string]error     // resource -> its last read failure, naming the verb
	stuckFor  func() time.Duration // non-nil while the cycle in flight is stuck
	healthy   int                  // last status reported: 0 none, 1 ok, 2 recoverable error
	lastErr   string               // the recoverable error last reported
}

// readState is what the status reads of the engine (an interface, so tests can script it).
type readState interface {
	ReadErr() error
	HasSynced() bool
	Synced() map[string]bool
	StuckFor() time.Duration
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Metrics) (*kubestateReceiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &kubestateReceiver{cfg: cfg, set: set, next: next}, nil
}

// restConfig builds the API client configuration for the configured auth_type.
func (c *Config) restConfig() (*rest.Config, error) {
	var (
		cfg *rest.Config
		err error
	)
	switch c.AuthType {
	case AuthKubeConfig:
		rules := clientcmd.NewDefaultClientConfigLoadingRules() // $KUBECONFIG, then ~/.kube/config
		if c.Kubeconfig != "" {
			rules.ExplicitPath = c.Kubeconfig
		}
		overrides := &clientcmd.ConfigOverrides{CurrentContext: c.Context}
		cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("auth_type kubeConfig: %w", err)
		}
	case AuthNone:
		host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
		if host == "" || port == "" {
			return nil, errors.New("auth_type none: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (run in a pod)")
		}
		cfg = &rest.Config{Host: "https://" + strings.Trim(host, "[]") + ":" + port, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
	default:
		cfg, err = rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("auth_type serviceAccount: %w (outside a pod, use auth_type: kubeConfig)", err)
		}
	}
	// Protobuf is cheaper to decode than JSON for the built-in kinds, which are all we watch.
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	// No gzip: the apiserver compresses each watch event on its own (a gzip member per event), which
	// costs both sides more CPU than decoding the event itself, to save in-cluster bandwidth. See
	// docs/performance.md.
	cfg.DisableCompression = true
	cfg.UserAgent = "kubestate-receiver"
	return cfg, nil
}

func (r *kubestateReceiver) Start(ctx context.Context, host component.Host) error {
	r.host = host
	restCfg, err := r.cfg.restConfig()
	if err != nil {
		return err
	}
	// Our own dialer, so Shutdown can close our connections and leave no goroutine behind.
	restCfg = rest.CopyConfig(restCfg)
	r.conns = newConnTracker()
	restCfg.Dial = r.conns.DialContext
	clients, err := sharedClients(restCfg)
	if err != nil {
		return fmt.Errorf("kubernetes client: %w", err)
	}

	r.run, err = r.cfg.compile()
	if err != nil {
		return err
	}
	r.clients = clients
	r.restCfg = restCfg
	r.state = engineState{r}

	r.telemetry, err = metadata.NewTelemetryBuilder(r.set.TelemetrySettings)
	if err != nil {
		return err
	}
	log := r.set.Logger
	if r.cfg.Pull.Endpoint != "" {
		r.pages = exposition.NewPages()
		r.pages.OnRender = func(p *exposition.Page) {
			r.telemetry.KubestatePullRenderDuration.Record(context.Background(), p.Took.Seconds())
		}
		// Bound before the telemetry callbacks that read it are registered; serves 503 until the
		// first page is rendered after sync.
		r.pull, err = exposition.Listen(exposition.ServerConfig{
			Endpoint:       r.cfg.Pull.Endpoint,
			WriteTimeout:   r.cfg.Pull.WriteTimeout,
			MaxConnections: r.cfg.Pull.MaxConnections,
		}, r.pages)
		if err != nil {
			return err
		}
		log.Info("serving kube-state-metrics' /metrics (pull path)", zap.String("endpoint", r.pull.Addr()), zap.Bool("push", r.cfg.Push))
	}
	if err := r.registerCallbacks(); err != nil {
		return err
	}
	log.Info("starting kubestate receiver", zap.String("server", restCfg.Host), zap.Strings("resources", r.cfg.enabledResources()),
		zap.Duration("collection_interval", r.cfg.CollectionInterval), zap.Duration("export_timeout", r.cfg.EffectiveExportTimeout()),
		zap.Int("shard", r.cfg.Shard), zap.Int("total_shards", r.cfg.TotalShards), zap.Bool("auto_sharding", r.cfg.AutoSharding.Enabled))
	if r.cfg.AutoSharding.Enabled {
		// The shard comes from the StatefulSet: the engine starts once it is read, and is
		// replaced when the StatefulSet is scaled. Start does not wait (nor fail) for it.
		r.autoShard = startAutoSharder(r, clients.Kube)
		return nil
	}
	eng, _ := r.newEngine(r.run.engine.Shard, r.cfg.LeaderElection.Enabled) // a leader election follower exports once elected
	r.activate(eng, r.run.engine.Shard)
	if err := eng.Start(ctx); err != nil {
		return err
	}
	if crs := r.run.customResources; crs != nil {
		r.crs = customresource.NewDiscovery(crs, eng, clients.Dynamic, log).Select(r.run.customResourceFilter)
		r.crs.Start()
		if r.cfg.CustomResourceStateFile != "" && r.cfg.CustomResourceStateReloadInterval > 0 {
			r.crsReload = &crsReloader{path: r.cfg.CustomResourceStateFile, interval: r.cfg.CustomResourceStateReloadInterval,
				last: r.run.customResourceData, dyn: clients.Dynamic, eng: eng, log: log, swap: r.swapCRS, enabled: r.run.customResourceFilter}
			r.crsReload.start()
		}
	}
	// Reported before Start returns, so the Collector does not mark the receiver OK while its
	// informers are still listing (it reports OK after Start only for a component still Starting).
	r.updateStatus(nil)
	if r.cfg.LeaderElection.Enabled {
		r.elector, err = startElector(r.cfg, restCfg, eng, log, r.leadershipChanged, r.leaseChecked)
		if err != nil {
			return err
		}
	}
	return nil
}

// swapCRS installs d as the running custom resource discovery and returns the previous one.
func (r *kubestateReceiver) swapCRS(d *customresource.Discovery) *customresource.Discovery {
	r.crsMu.Lock()
	defer r.crsMu.Unlock()
	old := r.crs
	r.crs = d
	return old
}

// leadershipChanged counts a transition (the engine has already been switched).
func (r *kubestateReceiver) leadershipChanged(leading bool) {
	v := int32(0)
	if leading {
		v = 1
	}
	r.leading.Store(v)
	r.telemetry.KubestateLeaderTransitions.Add(context.Background(), 1)
}

// leaseChecked is told the outcome of every call on the Lease: a failure (RBAC, the apiserver) is
// logged once and made a recoverable status until a call succeeds.
func (r *kubestateReceiver) leaseChecked(err error) {
	prev := r.leaseErr.Swap(&err)
	hadErr := prev != nil && *prev != nil
	switch {
	case err != nil && (!hadErr || (*prev).Error() != err.Error()):
		r.set.Logger.Error("leader election cannot use its Lease; this replica stays a standby and exports nothing until it can (RBAC: get, create and update on leases.coordination.k8s.io)", zap.Error(err))
		r.updateStatus(nil)
	case err == nil && hadErr:
		r.set.Logger.Info("leader election can use its Lease again")
		r.updateStatus(nil)
	}
}

func (r *kubestateReceiver) registerCallbacks() error {
	return errors.Join(
		r.telemetry.RegisterKubestateObjectsCallback(func(_ context.Context, o metric.Int64Observer) error {
			for res, n := range r.current().Objects() {
				o.Observe(int64(n), metric.WithAttributes(attribute.String("resource", res)))
			}
			return nil
		}),
		r.telemetry.RegisterKubestateInformerSyncedCallback(func(_ context.Context, o metric.Int64Observer) error {
			for res, ok := range r.current().Synced() {
				v := int64(0)
				if ok {
					v = 1
				}
				o.Observe(v, metric.WithAttributes(attribute.String("resource", res)))
			}
			return nil
		}),
		r.telemetry.RegisterKubestateCycleDataPointsCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(r.lastPoints.Load())
			return nil
		}),
		r.telemetry.RegisterKubestateExportStuckDurationCallback(func(_ context.Context, o metric.Float64Observer) error {
			o.Observe(r.state.StuckFor().Seconds())
			return nil
		}),
		r.registerPullCallbacks(),
		r.telemetry.RegisterKubestateReadFailuresCallback(func(_ context.Context, o metric.Int64Observer) error {
			for res, st := range r.current().ReadStats() {
				o.Observe(st.Failures, metric.WithAttributes(attribute.String("resource", res)))
			}
			return nil
		}),
		r.telemetry.RegisterKubestateReadFailingDurationCallback(func(_ context.Context, o metric.Float64Observer) error {
			for res, st := range r.current().ReadStats() {
				o.Observe(st.FailingFor.Seconds(), metric.WithAttributes(attribute.String("resource", res)))
			}
			return nil
		}),
		r.telemetry.RegisterKubestateShardCallback(func(_ context.Context, o metric.Int64Observer) error {
			if sh := r.shard.Load(); sh != nil {
				o.Observe(int64(sh.Index))
			}
			return nil
		}),
		r.telemetry.RegisterKubestateTotalShardsCallback(func(_ context.Context, o metric.Int64Observer) error {
			if sh := r.shard.Load(); sh != nil {
				o.Observe(int64(max(sh.Total, 1)))
			}
			return nil
		}),
		r.telemetry.RegisterKubestateLeaderCallback(func(_ context.Context, o metric.Int64Observer) error {
			if r.cfg.LeaderElection.Enabled {
				o.Observe(int64(r.leading.Load()))
			}
			return nil
		}),
	)
}

// registerPullCallbacks reports the pull endpoint's page and scrapes (nothing without one).
func (r *kubestateReceiver) registerPullCallbacks() error {
	counter := func(f func(*exposition.Server) int64) metric.Int64Callback {
		return func(_ context.Context, o metric.Int64Observer) error {
			if srv := r.pull; srv != nil {
				o.Observe(f(srv))
			}
			return nil
		}
	}
	return errors.Join(
		r.telemetry.RegisterKubestatePullPageBytesCallback(func(_ context.Context, o metric.Int64Observer) error {
			if r.pages != nil {
				if p := r.pages.Current(); p != nil {
					o.Observe(int64(p.Size))
				}
			}
			return nil
		}),
		r.telemetry.RegisterKubestatePullScrapesCallback(counter(func(s *exposition.Server) int64 { return s.Served.Load() })),
		r.telemetry.RegisterKubestatePullScrapesCutCallback(counter(func(s *exposition.Server) int64 { return s.Cut.Load() })),
		r.telemetry.RegisterKubestatePullConnectionsRefusedCallback(counter(func(s *exposition.Server) int64 { return s.Refused.Load() })),
	)
}

func (r *kubestateReceiver) cycleDone(s engine.CycleStats) {
	ctx := context.Background()
	r.lastPoints.Store(int64(s.Points))
	if s.Stale > 0 {
		r.telemetry.KubestateStaleDataPoints.Add(ctx, int64(s.Stale))
	}
	if s.Unchanged > 0 {
		r.telemetry.KubestateUnchangedDataPoints.Add(ctx, int64(s.Unchanged))
	}
	r.telemetry.KubestateSnapshotDuration.Record(ctx, s.Duration.Seconds())
	r.telemetry.KubestateExportDuration.Record(ctx, s.ExportDuration.Seconds())
	var exportErr error
	if n := len(s.Errors); n > 0 {
		r.telemetry.KubestateExportsFailed.Add(ctx, int64(n))
		exportErr = fmt.Errorf("export failed for %d of %d batches: %w", n, s.Batches, errors.Join(s.Errors...))
	} else {
		r.set.Logger.Debug("cycle exported", zap.Int("points", s.Points), zap.Int("batches", s.Batches),
			zap.Duration("duration", s.Duration), zap.Duration("export", s.ExportDuration))
	}
	r.updateStatus(func() { r.exportErr, r.stuckFor = exportErr, nil })
}

func (r *kubestateReceiver) cycleSkipped() {
	r.telemetry.KubestateCyclesSkipped.Add(context.Background(), 1)
	r.statusMu.Lock()
	stuck := r.stuckFor != nil
	r.statusMu.Unlock()
	if stuck {
		r.updateStatus(nil) // the message says for how long, now
	}
}

// stuck: a consumer ignores its context and holds the cycle past export_timeout.
func (r *kubestateReceiver) stuck(overdue time.Duration) {
	r.set.Logger.Error("export stuck: a consumer ignores its context; no collection cycle runs until it returns",
		zap.Duration("past_export_timeout", overdue), zap.Duration("export_timeout", r.cfg.EffectiveExportTimeout()))
	r.updateStatus(func() { r.stuckFor = r.state.StuckFor })
}

// updateStatus applies change, then reports the status everything together says: a recoverable
// error until every informer has synced (nothing is exported or served before: not ready), and
// while the Lease cannot be used, the cycle is stuck, the last cycle failed or a resource cannot be
// read (the data of that resource is what was read last); OK once every informer has synced and
// none of that holds. An error is reported again only when its message changes, so a failure that
// persists keeps the time it began (health checks measure their recovery_duration from it).
func (r *kubestateReceiver) updateStatus(change func()) {
	r.statusMu.Lock()
	defer r.statusMu.Unlock()
	if change != nil {
		change()
	}
	var errs []error
	if !r.state.HasSynced() {
		var pending []string
		for res, ok := range r.state.Synced() {
			if !ok {
				pending = append(pending, res)
			}
		}
		slices.Sort(pending)
		if len(pending) == 0 { // no engine yet
			errs = append(errs, errors.New("informers not started: auto_sharding has not learned this instance's shard yet; nothing is exported or served until then"))
		} else {
			errs = append(errs, fmt.Errorf("informers not synced: the initial list of %s has not completed; nothing is exported or served until every resource is listed",
				strings.Join(pending, ", ")))
		}
	}
	if err := r.leaseErr.Load(); err != nil && *err != nil {
		errs = append(errs, *err)
	}
	if err := r.shardErr.Load(); err != nil && *err != nil {
		errs = append(errs, *err)
	}
	if r.stuckFor != nil {
		errs = append(errs, fmt.Errorf("export stuck for %s past export_timeout (%s): a consumer ignores its context; no collection cycle runs until it returns",
			r.stuckFor().Round(time.Second), r.cfg.EffectiveExportTimeout()))
	}
	if r.exportErr != nil {
		errs = append(errs, r.exportErr)
	}
	if err := r.state.ReadErr(); err != nil {
		// The engine says whether a resource is failing; the reflectors' reports name the verb.
		if len(r.readErrs) > 0 {
			var named []error
			for _, res := range slices.Sorted(maps.Keys(r.readErrs)) {
				named = append(named, r.readErrs[res])
			}
			err = errors.Join(named...)
		}
		errs = append(errs, fmt.Errorf("cannot read from the Kubernetes API, exporting what was read last: %w", err))
	}
	switch {
	case len(errs) > 0:
		err := errors.Join(errs...)
		if r.healthy == 2 && err.Error() == r.lastErr {
			return
		}
		r.healthy, r.lastErr = 2, err.Error()
		componentstatus.ReportStatus(r.host, componentstatus.NewRecoverableErrorEvent(err))
	case r.healthy != 1:
		r.healthy, r.lastErr = 1, ""
		componentstatus.ReportStatus(r.host, componentstatus.NewEvent(componentstatus.StatusOK))
	}
}

// rbacDenied finds the verb in an RBAC refusal ("... cannot watch resource "secrets" ..."). client-go
// wraps list errors ("failed to list ...") but returns watch errors as they came, so the refusal's
// own verb is the reliable one.
var rbacDenied = regexp.MustCompile(`cannot (list|watch) resource`)

func (r *kubestateReceiver) readFailed(resource string, err error) {
	if err == nil {
		r.set.Logger.Info("resource readable again", zap.String("resource", resource))
		r.updateStatus(func() { delete(r.readErrs, resource) })
		return
	}
	verb := "list/watch"
	switch msg := err.Error(); {
	case rbacDenied.MatchString(msg):
		verb = rbacDenied.FindStringSubmatch(msg)[1]
	case strings.Contains(msg, "failed to list"):
		verb = "list"
	case strings.Contains(msg, "failed to watch"), strings.Contains(msg, "watch=true"):
		verb = "watch"
	}
	r.set.Logger.Error("cannot read resource from the Kubernetes API; its families hold what was last read of it (none if never read) until it can",
		zap.String("resource", resource), zap.String("verb", verb), zap.Error(err))
	r.updateStatus(func() {
		if r.readErrs == nil {
			r.readErrs = map[string]error{}
		}
		r.readErrs[resource] = fmt.Errorf("%s %s: %w", verb, resource, err)
	})
}

func (r *kubestateReceiver) Shutdown(ctx context.Context) error {
	var err error
	if r.pull != nil {
		// First, so no scrape (stuck or not) outlives the receiver; scrapers are never waited for.
		err = r.pull.Shutdown(ctx)
	}
	if r.autoShard != nil {
		// First: no re-shard may start an engine after this; one being built is shut down.
		err = errors.Join(err, r.autoShard.stop(ctx))
	}
	eng := r.eng.Load()
	if r.elector != nil {
		// Before the engine: stop exporting, then release the Lease (client-go releases it before it
		// calls back), so another replica takes over at once instead of after lease_duration and
		// the two never export together.
		eng.SetExporting(false)
		err = errors.Join(err, r.elector.stop(ctx))
	}
	if r.crsReload != nil {
		r.crsReload.stop()
	}
	if crs := r.swapCRS(nil); crs != nil {
		err = errors.Join(err, crs.Stop(ctx))
	}
	if eng != nil {
		err = errors.Join(err, eng.Shutdown(ctx))
	}
	if r.conns != nil {
		// The watches are closed now; close their connections so no reader goroutine outlives us.
		r.conns.CloseAll()
	}
	if r.telemetry != nil {
		r.telemetry.Shutdown()
	}
	return err
}

// clientsFor returns the API clients of one shard's engine. With several shards they are clients of
// their own whose transport cuts the objects of other shards out of the apiserver's responses
// before client-go decodes them (engine.Shard.Transport): a shard then decodes a third of the
// objects, not all of them. Should they fail to build, the shared clients do: the engine still drops
// what its shard does not own, only later.
func (r *kubestateReceiver) clientsFor(shard engine.Shard) engine.Clients {
	if shard.Total <= 1 {
		return r.clients
	}
	c, err := clientsWith(r.restCfg, shard.Transport)
	if err != nil {
		r.set.Logger.Warn("shard's own API clients not built; decoding every object and dropping other shards' after", zap.Error(err))
		return r.clients
	}
	return c
}

// sharedClients are the clients of an unsharded engine and of everything but a shard's informers:
// they read watch streams ahead (a shard's own clients cut, which reads ahead too).
func sharedClients(restCfg *rest.Config) (engine.Clients, error) {
	return clientsWith(restCfg, engine.ReadAhead)
}

// clientsWith builds API clients on restCfg with wrap around its transport.
func clientsWith(restCfg *rest.Config, wrap func(http.RoundTripper) http.RoundTripper) (engine.Clients, error) {
	cfg := rest.CopyConfig(restCfg)
	cfg.Wrap(wrap)
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return engine.Clients{}, err
	}
	kube, err := kubernetes.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return engine.Clients{}, err
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return engine.Clients{}, err
	}
	return engine.Clients{Kube: kube, Dynamic: dyn}, nil
}

// newEngine builds an engine of the compiled configuration for one shard. Its hooks and its
// renders count only while it is the receiver's current engine (activate), so an engine built for
// a re-shard, or one being replaced, never reports over the one that exports.
func (r *kubestateReceiver) newEngine(shard engine.Shard, standby bool) (*engine.Engine, *renderGate) {
	ecfg := r.run.engine
	// A re-shard's engine is switched on once synced, and that switch runs its first cycle; a
	// cycle on sync as well could run a second right after it.
	ecfg.Shard, ecfg.Standby, ecfg.CycleOnSync = shard, standby, !(standby && r.cfg.AutoSharding.Enabled)
	var eng *engine.Engine
	current := func() bool { return r.eng.Load() == eng }
	var gate *renderGate
	if r.pages != nil {
		gate = &renderGate{mu: &r.renderMu, current: func() bool { return current() && !r.held.Load() }, pages: r.pages}
		ecfg.Renderer = gate
	}
	hooks := engine.Hooks{
		Synced: func() {
			if current() {
				r.updateStatus(nil)
			}
		},
		ReadFailed: func(resource string, err error) {
			if current() {
				r.readFailed(resource, err)
			}
		},
		CycleDone: func(s engine.CycleStats) {
			if current() {
				r.cycleDone(s)
			}
		},
		CycleSkipped: func() {
			if current() {
				r.cycleSkipped()
			}
		},
		Stuck: func(d time.Duration) {
			if current() {
				r.stuck(d)
			}
		},
	}
	eng = engine.New(engine.Options{
		Config:  ecfg,
		Sources: r.run.sources,
		Schemas: r.run.schemas,
		Clients: r.clientsFor(shard),
		Next:    r.next,
		Hooks:   hooks,
		Logger:  r.set.Logger.With(zap.Int("shard", shard.Index), zap.Int("total_shards", max(shard.Total, 1))),
		Scope:   metadata.ScopeName,
		Version: r.set.BuildInfo.Version,
	})
	return eng, gate
}

// activate makes eng, which exports shard, the engine the receiver reports on (telemetry, status,
// pull page).
func (r *kubestateReceiver) activate(eng *engine.Engine, shard engine.Shard) {
	r.shard.Store(&shard)
	r.eng.Store(eng)
}

// current is the engine that exports now; before auto_sharding has started one, an engine with
// nothing in it.
func (r *kubestateReceiver) current() *engine.Engine {
	if eng := r.eng.Load(); eng != nil {
		return eng
	}
	return idleEngine
}

var idleEngine = engine.New(engine.Options{})

// engineState is the status' view of the current engine: not synced while there is none yet.
type engineState struct{ r *kubestateReceiver }

func (s engineState) ReadErr() error { return s.r.current().ReadErr() }
func (s engineState) HasSynced() bool {
	eng := s.r.eng.Load()
	return eng != nil && eng.HasSynced()
}
func (s engineState) StuckFor() time.Duration { return s.r.current().StuckFor() }
func (s engineState) Synced() map[string]bool { return s.r.current().Synced() }

// renderGate renders the pull page only while its engine is the current one: during a re-shard
// the page shows the engine that exports, never the two alternately. The gates of one receiver
// share mu, so the two engines' render loops never render the page at once (a page renders one
// call at a time); mu is held only by renders.
type renderGate struct {
	mu      *sync.Mutex
	current func() bool
	pages   engine.Renderer
	last    []engine.Collection // what the engine last asked to render (live Stores)
}

func (g *renderGate) Render(cols []engine.Collection) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = cols
	if g.current() {
		g.pages.Render(cols)
	}
}

// renderNow renders the engine's Stores as they are now, if it has rendered before (its render
// loop renders first as soon as it has synced): a re-shard's new engine replaces the page at the
// switch instead of at its next tick.
func (g *renderGate) renderNow() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last != nil && g.current() {
		g.pages.Render(g.last)
	}
}
