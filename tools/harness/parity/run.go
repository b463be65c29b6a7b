package parity

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestate/kubestate/internal/testenv/points"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// LoadConfig reads a receiver configuration: the body of a `kubestate:` receiver (as in
// testdata/parity/*.yaml), a document whose only key is `kubestate:`, or a whole Collector config
// with `receivers: kubestate:`. Unset fields keep the receiver's defaults; unknown keys are refused.
func LoadConfig(path string) (*kubestatereceiver.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ret, err := confmap.NewRetrievedFromYAML(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	conf, err := ret.AsConf()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case conf.IsSet("receivers"):
		if conf, err = conf.Sub("receivers::kubestate"); err != nil {
			return nil, fmt.Errorf("%s: receivers::kubestate: %w", path, err)
		}
	case conf.IsSet("kubestate"):
		if conf, err = conf.Sub("kubestate"); err != nil {
			return nil, fmt.Errorf("%s: kubestate: %w", path, err)
		}
	}
	cfg := kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
	if err := conf.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// WriteKubeconfig writes a kubeconfig file for rc, so kube-state-metrics reaches the same apiserver
// with the same credentials as the receiver.
func WriteKubeconfig(rc *rest.Config, path string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["parity"] = &clientcmdapi.Cluster{
		Server:                   rc.Host,
		CertificateAuthority:     rc.CAFile,
		CertificateAuthorityData: rc.CAData,
		InsecureSkipTLSVerify:    rc.Insecure,
		TLSServerName:            rc.ServerName,
	}
	cfg.AuthInfos["parity"] = &clientcmdapi.AuthInfo{
		Token:                 rc.BearerToken,
		TokenFile:             rc.BearerTokenFile,
		ClientCertificate:     rc.CertFile,
		ClientCertificateData: rc.CertData,
		ClientKey:             rc.KeyFile,
		ClientKeyData:         rc.KeyData,
		Username:              rc.Username,
		Password:              rc.Password,
	}
	cfg.Contexts["parity"] = &clientcmdapi.Context{Cluster: "parity", AuthInfo: "parity"}
	cfg.CurrentContext = "parity"
	return clientcmd.WriteToFile(*cfg, path)
}

// Options say how RunConfig runs both sides.
type Options struct {
	KSMBinary  string    // bin/kube-state-metrics
	Kubeconfig string    // an admin kubeconfig for the cluster, used by both sides
	WorkDir    string    // kube-state-metrics' log goes here
	Progress   io.Writer // progress lines; nil for silence
	// Timeout bounds the wait for each side's output to become complete and stable; zero means 3m.
	Timeout time.Duration
	// Settle is the interval between the polls that decide stability; zero means 1s.
	Settle time.Duration
	// Tolerances are the families compared within a tolerance; nil means TimeDerived.
	Tolerances map[string]Tolerance
}

func (o *Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "parity: "+format+"\n", args...)
	}
}

// withDefaults fills the options a run leaves zero.
func (o Options) withDefaults() Options {
	if o.Timeout == 0 {
		o.Timeout = 3 * time.Minute
	}
	if o.Settle == 0 {
		o.Settle = time.Second
	}
	if o.Tolerances == nil {
		o.Tolerances = TimeDerived
	}
	return o
}

// startKSMFor starts kube-state-metrics with the flags equivalent to cfg, recording them in run.
func startKSMFor(name string, cfg *kubestatereceiver.Config, opts Options, run *Run) (*KSM, error) {
	args, err := KSMArgs(cfg)
	if err != nil {
		return nil, err
	}
	run.KSMArgs = args
	logPath := filepath.Join(opts.WorkDir, "parity-kube-state-metrics-"+name+".log")
	opts.progress("[%s] starting kube-state-metrics %s", name, strings.Join(args, " "))
	return StartKSM(opts.KSMBinary, opts.Kubeconfig, logPath, args)
}

// RunConfig compares one receiver configuration: it starts kube-state-metrics with the equivalent
// flags and the receiver's engine with the receiver's compiled families, against the cluster of
// opts.Kubeconfig, waits until each side's output is complete and stable, takes one scrape and one
// snapshot, and compares them. Both are stopped before it returns.
func RunConfig(ctx context.Context, name string, cfg *kubestatereceiver.Config, opts Options) (run Run, err error) {
	opts = opts.withDefaults()
	run.Name = name
	// kube-state-metrics first: it is the slower to start.
	ksm, err := startKSMFor(name, cfg, opts, &run)
	if err != nil {
		return run, err
	}
	defer ksm.Stop()

	opts.progress("[%s] starting the receiver engine", name)
	rcv, err := startReceiver(ctx, cfg, opts)
	if err != nil {
		return run, err
	}
	defer rcv.stop()

	waitCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	// KSM must have built as many custom resource stores as the config binds to on the cluster.
	n, err := customStores(waitCtx, cfg, opts.Kubeconfig)
	if err != nil {
		return run, err
	}
	ksm.CustomStores, ksm.CRSOnly = n, cfg.CustomResourceStateOnly
	if n > 0 {
		// Our side adds them after listing the CRDs: a cycle without any is not yet complete.
		rcv.needCustom = true
		opts.progress("[%s] %d custom resource stores expected", name, n)
	}
	if err := ksm.WaitStable(waitCtx, opts.Settle); err != nil {
		return run, err
	}
	opts.progress("[%s] kube-state-metrics synced (log %s)", name, ksm.LogPath)
	if err := rcv.waitStable(waitCtx); err != nil {
		return run, err
	}
	opts.progress("[%s] receiver synced", name)

	// The two reads back to back, so that objects something keeps writing differ as little as possible.
	ksmSet, err := ksm.Scrape(ctx)
	if err != nil {
		return run, fmt.Errorf("scraping kube-state-metrics: %w", err)
	}
	ours, err := rcv.snapshot(ctx)
	if err != nil {
		return run, err
	}
	run.Result, run.Ours = Compare(ksmSet, ours, opts.Tolerances), ours
	opts.progress("[%s] kube-state-metrics %d series, kubestate %d series: %s", name, len(ksmSet.Series), len(ours.Series), run.Result.Summary())
	return run, nil
}

// receiverRun is the receiver as a Collector runs it: made by its factory from cfg, started, and
// exporting every cycle to a consumer that keeps the last complete one.
type receiverRun struct {
	rcv    receiver.Metrics
	cycles *cycleSink[*Set]
	log    *zap.Logger
	// needCustom: the config binds custom resources, so a cycle without a custom resource state
	// series (customresource_kind) is from before the receiver's CRD discovery.
	needCustom bool
}

func startReceiver(ctx context.Context, in *kubestatereceiver.Config, opts Options) (*receiverRun, error) {
	cfg := *in
	cfg.AuthType = kubestatereceiver.AuthKubeConfig
	cfg.Kubeconfig = opts.Kubeconfig
	cfg.Context = ""
	// A short interval: the harness reads whole cycles, and waits for two equal ones.
	cfg.CollectionInterval = opts.Settle
	cfg.ExportTimeout = 0 // the default that follows the interval
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("receiver config: %w", err)
	}
	var out io.Writer = io.Discard
	if opts.Progress != nil {
		out = opts.Progress
	}
	enc := zap.NewDevelopmentEncoderConfig()
	log := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(out), zapcore.WarnLevel))
	f := kubestatereceiver.NewFactory()
	set := receivertest.NewNopSettings(f.Type())
	set.Logger = log
	sink := newCycleSink(NewSet, (*Set).AddMetrics)
	rcv, err := f.CreateMetrics(ctx, set, &cfg, sink)
	if err != nil {
		return nil, err
	}
	if err := rcv.Start(ctx, componenttest.NewNopHost()); err != nil {
		return nil, err
	}
	return &receiverRun{rcv: rcv, cycles: sink, log: log}, nil
}

func (r *receiverRun) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.rcv.Shutdown(ctx); err != nil {
		r.log.Warn("receiver shutdown", zap.Error(err))
	}
	_ = r.log.Sync()
}

// snapshot is the first cycle the receiver completes after the call.
func (r *receiverRun) snapshot(ctx context.Context) (*Set, error) { return r.cycles.next(ctx) }

// waitStable waits until two consecutive cycles are equal: an informer reports synced once its
// cache is filled, slightly before its event handler has built the records of every object.
func (r *receiverRun) waitStable(ctx context.Context) error {
	var last [32]byte
	first := true
	for {
		set, err := r.snapshot(ctx)
		if err != nil {
			return fmt.Errorf("receiver output not stable: %w", err)
		}
		fp := fingerprint(set)
		if !first && fp == last && len(set.Series) > 0 && (!r.needCustom || hasCustomResourceSeries(set)) {
			return nil
		}
		first, last = false, fp
	}
}

func hasCustomResourceSeries(s *Set) bool {
	for _, x := range s.Series {
		for _, l := range x.Labels {
			if l.Name == "customresource_kind" {
				return true
			}
		}
	}
	return false
}

// cycleSink keeps the receiver's exports as whole cycles of T (what add builds from batches).
// Every live point of a cycle carries the cycle's timestamp and one export loop delivers cycles in
// order, so a cycle is complete when a point of a later one arrives. Stale markers (no recorded
// value) are not state and are skipped.
type cycleSink[T any] struct {
	newCycle func() T
	add      func(T, pmetric.Metrics) error

	mu      sync.Mutex
	curTS   pcommon.Timestamp
	cur     T
	started bool
	errs    []error
	done    T     // the last complete cycle
	doneErr error // its conversion errors
	gen     int   // complete cycles so far
	changed chan struct{}
}

func newCycleSink[T any](newCycle func() T, add func(T, pmetric.Metrics) error) *cycleSink[T] {
	return &cycleSink[T]{newCycle: newCycle, add: add, changed: make(chan struct{})}
}

func (s *cycleSink[T]) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (s *cycleSink[T]) ConsumeMetrics(_ context.Context, md pmetric.Metrics) error {
	ts, ok := liveTimestamp(md)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || ts != s.curTS {
		if s.started {
			s.done, s.doneErr = s.cur, errors.Join(s.errs...)
			s.gen++
			close(s.changed)
			s.changed = make(chan struct{})
		}
		s.started, s.curTS, s.cur, s.errs = true, ts, s.newCycle(), nil
	}
	if err := s.add(s.cur, md); err != nil {
		s.errs = append(s.errs, err)
	}
	return nil
}

// next waits for the first cycle completed after the call.
func (s *cycleSink[T]) next(ctx context.Context) (T, error) {
	var zero T
	s.mu.Lock()
	gen, changed := s.gen, s.changed
	s.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-changed:
		}
		s.mu.Lock()
		// The second cycle completed since the call: the first may have been half delivered before it.
		if s.gen >= gen+2 {
			cycle, err := s.done, s.doneErr
			s.mu.Unlock()
			if err != nil {
				return zero, fmt.Errorf("receiver cycle: %w", err)
			}
			return cycle, nil
		}
		changed = s.changed
		s.mu.Unlock()
	}
}

// liveTimestamp is the timestamp of md's first point that is not a stale marker.
func liveTimestamp(md pmetric.Metrics) (ts pcommon.Timestamp, ok bool) {
	points.Each(md, func(_ pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		if dp.Flags().NoRecordedValue() {
			return true
		}
		ts, ok = dp.Timestamp(), true
		return false
	})
	return ts, ok
}
func fingerprint(s *Set) [32]byte {
	lines := make([]string, len(s.Series))
	for i, x := range s.Series {
		lines[i] = x.String()
	}
	slices.Sort(lines)
	return sha256.Sum256([]byte(strings.Join(lines, "\n")))
}
