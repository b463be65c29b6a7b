package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/tools/harness/bench"
)

// benchEnv is what every bench mode starts from: its binaries checked, a work directory, and the
// control plane (-kubeconfig, -state or a temporary one) with a client for seeding and churn.
type benchEnv struct {
	cluster    *controlplane.Target
	kubeconfig string
	rest       *rest.Config // QPS and burst raised for seeding
	cs         kubernetes.Interface
}

// setUp checks that binaries exist (hint says which make targets build them), makes o.workDir (a
// temporary one named after prefix if unset) and starts or reuses the control plane. close stops
// a control plane it started, unless -state asked to keep it.
func setUp(ctx context.Context, o *options, prefix, hint string, binaries ...string) (env *benchEnv, close func(), err error) {
	for _, f := range binaries {
		if _, err := os.Stat(f); err != nil {
			return nil, nil, fmt.Errorf("%w (run %s)", err, hint)
		}
	}
	if o.workDir == "" {
		if o.workDir, err = os.MkdirTemp("", prefix); err != nil {
			return nil, nil, err
		}
	} else if err := os.MkdirAll(o.workDir, 0o755); err != nil {
		return nil, nil, err
	}
	progress("logs and configs in %s", o.workDir)

	state, detach := filepath.Join(o.workDir, "cluster"), false
	if o.state != "" {
		state, detach = o.state, true // reused by later runs, stopped with bin/devcluster down
	}
	cluster, err := controlplane.UseOrStart(ctx, o.kubeconfig, controlplane.Options{BinDir: filepath.Clean(o.bin), StateDir: state, Detach: detach, Progress: os.Stderr})
	if err != nil {
		return nil, nil, err
	}
	if cluster.Reused {
		progress("reusing the control plane in %s", o.state)
	}
	close = func() {
		if cluster.Local != nil && !detach {
			progress("stopping the control plane")
		}
		if rerr := cluster.Close(); rerr != nil {
			progress("stopping the control plane: %v", rerr)
		}
	}
	restCfg := cluster.REST
	restCfg.QPS, restCfg.Burst = 1000, 2000
	cs, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		close()
		return nil, nil, err
	}
	return &benchEnv{cluster: cluster, kubeconfig: cluster.Kubeconfig, rest: restCfg, cs: cs}, close, nil
}

// startPair starts kube-state-metrics (default flags plus ksmFlags, on free loopback ports) and the
// distribution with the config at cfgPath at the same moment, each with -gogc and its own -env-*;
// ksmPort serves KSM's /metrics. The caller stops both.
func startPair(o options, kubeconfig, cfgPath string, ksmFlags ...string) (ksm, col *proc.Process, ksmPort int, err error) {
	return startPairNamed(o, kubeconfig, cfgPath, "", ksmFlags...)
}

// startPairNamed is startPair with suffix added to both processes' names and log files (one pair
// of several).
func startPairNamed(o options, kubeconfig, cfgPath, suffix string, ksmFlags ...string) (ksm, col *proc.Process, ksmPort int, err error) {
	if ksmPort, err = proc.FreePort(); err != nil {
		return nil, nil, 0, err
	}
	ksmTelemetry, err := proc.FreePort()
	if err != nil {
		return nil, nil, 0, err
	}
	env := gogcEnv(o)
	ksm, err = proc.Start("kube-state-metrics"+suffix, filepath.Join(o.bin, "kube-state-metrics"), filepath.Join(o.workDir, "kube-state-metrics"+suffix+".log"), append(env, splitEnv(o.envKSM)...),
		append([]string{"--kubeconfig=" + kubeconfig, "--host=127.0.0.1", "--port=" + strconv.Itoa(ksmPort),
			"--telemetry-host=127.0.0.1", "--telemetry-port=" + strconv.Itoa(ksmTelemetry)}, ksmFlags...)...)
	if err != nil {
		return nil, nil, 0, err
	}
	col, err = proc.Start("otelcol-kubestate"+suffix, o.collector, filepath.Join(o.workDir, "otelcol-kubestate"+suffix+".log"), append(env, splitEnv(o.envCollector)...),
		append([]string{"--config=" + cfgPath}, strings.Fields(o.collectorArgs)...)...)
	if err != nil {
		ksm.Stop(10 * time.Second)
		return nil, nil, 0, err
	}
	return ksm, col, ksmPort, nil
}

// gogcEnv is every bench process's environment beyond ours: -gogc.
func gogcEnv(o options) []string {
	if o.gogc == "" {
		return nil
	}
	return []string{"GOGC=" + o.gogc}
}

// scrapeEvery scrapes url every interval into side's deliveries (under mu), like a Prometheus
// server, on a goroutine of wg until ctx ends.
func scrapeEvery(ctx context.Context, wg *sync.WaitGroup, mu *sync.Mutex, every time.Duration, url string, gzip bool, side *bench.Side) {
	scraper := bench.NewScraper(url, gzip)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer scraper.Close()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			d, err := scraper.Scrape(ctx)
			if err != nil {
				if ctx.Err() == nil {
					progress("scraping %s: %v", side.Name, err)
				}
				continue
			}
			mu.Lock()
			side.Deliveries = append(side.Deliveries, d)
			mu.Unlock()
		}
	}()
}

// runChurn runs the pod churn until the returned stop, which waits for it and reports what it did.
func runChurn(ctx context.Context, churn *bench.Churn) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var done sync.WaitGroup
	done.Add(1)
	go func() { defer done.Done(); churn.Run(ctx) }()
	return func() {
		cancel()
		done.Wait()
		progress("churn: %d status updates, %d replacements, %d errors", churn.Updates.Load(), churn.Replacements.Load(), churn.Errors.Load())
	}
}
