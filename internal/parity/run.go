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
	"time"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/engine"
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
	if rcv.crs != nil {
		// KSM must have built as many custom resource stores as the receiver has sources.
		if err := rcv.waitDiscovered(waitCtx, opts.Settle); err != nil {
			return run, err
		}
		ksm.CustomStores, ksm.CRSOnly = len(rcv.crs.Sources()), cfg.CustomResourceStateOnly
		opts.progress("[%s] receiver discovered %d custom resource sources: %v", name, ksm.CustomStores, rcv.crs.Sources())
	}
	if err := ksm.WaitStable(waitCtx, opts.Settle); err != nil {
		return run, err
	}
	opts.progress("[%s] kube-state-metrics synced (log %s)", name, ksm.LogPath)
	if err := rcv.waitStable(waitCtx, opts.Settle); err != nil {
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

type receiverRun struct {
	eng        *engine.Engine
	crs        *customresource.Discovery // nil without custom_resource_state
	httpClient interface{ CloseIdleConnections() }
	log        *zap.Logger
}

func startReceiver(ctx context.Context, in *kubestatereceiver.Config, opts Options) (*receiverRun, error) {
	cfg := *in
	cfg.AuthType = kubestatereceiver.AuthKubeConfig
	cfg.Kubeconfig = opts.Kubeconfig
	cfg.Context = ""
	// The harness takes snapshots itself; the timer must not fire.
	cfg.CollectionInterval = 24 * time.Hour
	cfg.ExportTimeout = time.Minute
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("receiver config: %w", err)
	}
	restCfg, err := cfg.RESTConfig()
	if err != nil {
		return nil, err
	}
	restCfg = rest.CopyConfig(restCfg)
	hc, err := rest.HTTPClientFor(restCfg)
	if err != nil {
		return nil, err
	}
	kube, err := kubernetes.NewForConfigAndClient(restCfg, hc)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfigAndClient(restCfg, hc)
	if err != nil {
		return nil, err
	}
	var out io.Writer = io.Discard
	if opts.Progress != nil {
		out = opts.Progress
	}
	enc := zap.NewDevelopmentEncoderConfig()
	log := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(out), zapcore.WarnLevel))
	ecfg := cfg.EngineConfig()
	ecfg.PullOnly = true // snapshots only, taken by the harness
	eng := engine.New(cfg.Sources(), engine.Clients{Kube: kube, Dynamic: dyn}, ecfg, consumertest.NewNop(), engine.Hooks{
		ReadFailed: func(resource string, err error) {
			if err != nil {
				opts.progress("receiver: reading %s failed: %v", resource, err)
			}
		},
	}, log, "parity", "")
	if err := eng.Start(ctx); err != nil {
		hc.CloseIdleConnections()
		return nil, err
	}
	r := &receiverRun{eng: eng, httpClient: hc, log: log}
	crs, err := cfg.CustomResources()
	if err != nil {
		r.stop()
		return nil, err
	}
	if crs != nil {
		r.crs = customresource.NewDiscovery(crs, eng, dyn, log).Select(cfg.CustomResourceFilter())
		r.crs.Start()
	}
	return r, nil
}

// waitDiscovered waits until discovery has listed the CRDs and added the sources they call for.
func (r *receiverRun) waitDiscovered(ctx context.Context, settle time.Duration) error {
	for !r.crs.Applied() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("custom resource discovery: %w", ctx.Err())
		case <-time.After(settle / 10):
		}
	}
	return nil
}

func (r *receiverRun) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r.crs != nil {
		if err := r.crs.Stop(ctx); err != nil {
			r.log.Warn("custom resource discovery stop", zap.Error(err))
		}
	}
	if err := r.eng.Shutdown(ctx); err != nil {
		r.log.Warn("engine shutdown", zap.Error(err))
	}
	r.httpClient.CloseIdleConnections()
	_ = r.log.Sync()
}

func (r *receiverRun) snapshot(ctx context.Context) (*Set, error) {
	set := NewSet()
	var errs []error
	st := r.eng.Snapshot(ctx, func(md pmetric.Metrics) error {
		if err := set.AddMetrics(md); err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	if len(st.Errors) > 0 {
		errs = append(errs, st.Errors...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("receiver snapshot: %w", err)
	}
	return set, nil
}

// waitStable waits for every informer to sync, then until two snapshots settle apart are equal:
// an informer reports synced once its cache is filled, slightly before its event handler has built
// the records of every object.
func (r *receiverRun) waitStable(ctx context.Context, settle time.Duration) error {
	if !r.eng.WaitForSync(ctx) {
		return fmt.Errorf("receiver informers not synced: %w", ctx.Err())
	}
	var last [32]byte
	first := true
	for {
		set, err := r.snapshot(ctx)
		if err != nil {
			return err
		}
		fp := fingerprint(set)
		if !first && fp == last {
			return nil
		}
		first, last = false, fp
		select {
		case <-ctx.Done():
			return fmt.Errorf("receiver output not stable: %w", ctx.Err())
		case <-time.After(settle):
		}
	}
}

func fingerprint(s *Set) [32]byte {
	lines := make([]string, len(s.Series))
	for i, x := range s.Series {
		lines[i] = x.String()
	}
	slices.Sort(lines)
	return sha256.Sum256([]byte(strings.Join(lines, "\n")))
}
