// Command bench runs kube-state-metrics v2.20.0 and the kubestate distribution side by side on the same
// apiserver (`make bench`) and compares whole processes: CPU seconds, steady and start-up peak RSS, time
// to the first complete export, and the data each delivers per cycle.
//
// It starts a local control plane (or reuses one with -state / -kubeconfig), seeds a synthetic cluster
// of -pods pods (two containers each, with nodes, namespaces, deployments and replicasets), keeps it
// changing at a fixed rate (pod status updates and pod replacements), then starts both processes at
// the same moment. KSM is scraped over HTTP every -interval with the body read and discarded; the
// distribution exports every -interval over OTLP/gRPC to a local sink that decodes and discards.
// Neither side compresses (see -gzip). Once both deliver complete data, a steady window of -cycles
// intervals is measured. It prints a table and ends with
//
//	bench: pods=<n> series_ksm=<n> points_kubestate=<n> cpu_ratio=<x> rss_ratio=<x> peak_rss_ratio=<x> first_export_s=<x>
//
//	bench [-pods N] [-interval 30s] [-cycles 8] [-state DIR | -kubeconfig FILE] [-bin bin] [-collector _build/otelcol-kubestate]
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/tools/harness/bench"
)

type options struct {
	pods                  int
	interval              time.Duration
	cycles                int
	state, kubeconfig     string
	bin, collector        string
	workDir               string
	updates, replacements float64
	gzip                  bool
	timeout               time.Duration
	maxBatch              int
	gogc                  string
	pprof                 string
	envCollector, envKSM  string
	collectorArgs         string
	pull                  bool
}

func main() { os.Exit(run()) }

func run() int {
	// Paths, in flags and their defaults, are relative to the repository root wherever this runs from.
	if root, err := testenv.RepoRoot(); err == nil {
		_ = os.Chdir(root)
	}
	o := options{pods: 10000}
	if v := os.Getenv("BENCH_PODS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: BENCH_PODS=%q is not a positive number\n", v)
			return 2
		}
		o.pods = n
	}
	flag.IntVar(&o.pods, "pods", o.pods, "pods in the synthetic cluster ($BENCH_PODS)")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "collection interval of the receiver and scrape interval of KSM")
	flag.IntVar(&o.cycles, "cycles", 8, "intervals in the steady window")
	flag.StringVar(&o.state, "state", "", "reuse the control plane recorded in DIR, or start one there and leave it running (stop it with bin/devcluster down -state DIR); default: a temporary one, stopped at the end")
	flag.StringVar(&o.kubeconfig, "kubeconfig", "", "use this running cluster (seeded here if it has fewer synthetic pods)")
	flag.StringVar(&o.bin, "bin", "bin", "directory holding kube-state-metrics, etcd and kube-apiserver")
	flag.StringVar(&o.collector, "collector", "_build/otelcol-kubestate", "the distribution binary")
	flag.StringVar(&o.workDir, "workdir", "", "where configs and logs go; default a temporary directory, kept and named at the end")
	flag.Float64Var(&o.updates, "updates", 20, "pod status updates per second during the run")
	flag.Float64Var(&o.replacements, "replacements", 1, "pod replacements (delete + create) per second during the run")
	flag.BoolVar(&o.gzip, "gzip", false, "compress both sides: KSM scraped with Accept-Encoding gzip, OTLP exported with gzip")
	flag.DurationVar(&o.timeout, "sync-timeout", 10*time.Minute, "how long both sides may take to deliver complete data")
	flag.IntVar(&o.maxBatch, "max-batch", 8192, "max_data_points_per_batch of the receiver")
	flag.StringVar(&o.gogc, "gogc", "", "GOGC for both processes (default: unset, as deployed)")
	flag.StringVar(&o.envCollector, "env-collector", "", "extra environment of the distribution only, comma-separated VAR=value (e.g. GOGC=200,GODEBUG=gctrace=1)")
	flag.StringVar(&o.collectorArgs, "collector-args", "", "extra command-line arguments of the distribution, space-separated (e.g. --feature-gates=pdata.useProtoPooling)")
	flag.StringVar(&o.envKSM, "env-ksm", "", "extra environment of kube-state-metrics only, comma-separated VAR=value")
	flag.StringVar(&o.pprof, "pprof", "", "serve the collector's pprof extension on this address (needs a distribution built with it)")
	flag.BoolVar(&o.pull, "pull", false, "measure the pull path: the receiver's own endpoint (pull.endpoint, push: false) scraped like KSM, both asking for gzip as Prometheus does")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := runBench(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Println()
	fmt.Print(res.Table())
	fmt.Println(res.Line())
	return 0
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: %s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func runBench(ctx context.Context, o options) (res bench.Result, err error) {
	for _, f := range []string{filepath.Join(o.bin, "kube-state-metrics"), o.collector} {
		if _, err := os.Stat(f); err != nil {
			return res, fmt.Errorf("%w (run make tools build)", err)
		}
	}
	if o.workDir == "" {
		if o.workDir, err = os.MkdirTemp("", "kubestate-bench-"); err != nil {
			return res, err
		}
	} else if err := os.MkdirAll(o.workDir, 0o755); err != nil {
		return res, err
	}
	progress("logs and configs in %s", o.workDir)

	// The cluster.
	kubeconfig := o.kubeconfig
	var restCfg *rest.Config
	switch {
	case kubeconfig != "":
		if restCfg, err = clientcmd.BuildConfigFromFlags("", kubeconfig); err != nil {
			return res, err
		}
	default:
		var c *controlplane.Cluster
		if o.state != "" {
			var running bool
			c, running, err = controlplane.Up(ctx, controlplane.Options{BinDir: o.bin, StateDir: o.state, Detach: true, Progress: os.Stderr})
			if running {
				progress("reusing the control plane in %s", o.state)
			}
		} else {
			c, err = controlplane.Start(ctx, controlplane.Options{BinDir: filepath.Clean(o.bin), StateDir: filepath.Join(o.workDir, "cluster"), Progress: os.Stderr})
			if c != nil {
				defer func() {
					progress("stopping the control plane")
					if rerr := c.Remove(); rerr != nil {
						progress("stopping the control plane: %v", rerr)
					}
				}()
			}
		}
		if err != nil {
			return res, err
		}
		kubeconfig, restCfg = c.KubeconfigPath(), c.RESTConfig()
	}
	restCfg = rest.CopyConfig(restCfg)
	restCfg.QPS, restCfg.Burst = 1000, 2000
	cs, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return res, err
	}

	// The synthetic cluster, seeded once: a reused cluster that holds enough pods is not touched.
	churn := &bench.Churn{Client: cs, UpdatesPerSec: o.updates, ReplacementsPerSec: o.replacements, NamespacePrefix: "synth-"}
	have, err := churn.Load(ctx)
	if err != nil {
		return res, fmt.Errorf("listing pods: %w", err)
	}
	if have < o.pods {
		sz := seed.Size{Pods: o.pods, Nodes: max(1, o.pods/100), Namespaces: 20, Deployments: max(20, o.pods/10)}
		progress("seeding %d nodes, %d namespaces, %d deployments, %d pods", sz.Nodes, sz.Namespaces, sz.Deployments, sz.Pods)
		if err := seed.Synthetic(ctx, cs, sz, os.Stderr); err != nil {
			return res, fmt.Errorf("seeding: %w", err)
		}
		churn = &bench.Churn{Client: cs, UpdatesPerSec: o.updates, ReplacementsPerSec: o.replacements, NamespacePrefix: "synth-"}
		if have, err = churn.Load(ctx); err != nil {
			return res, fmt.Errorf("listing pods: %w", err)
		}
	}
	if have != o.pods {
		progress("the cluster holds %d synthetic pods (asked for %d)", have, o.pods)
	}
	res.Pods, res.Interval = have, o.interval

	// The sink, the churn, then both processes at the same moment.
	sink, sinkAddr, stopSink, err := bench.StartSink()
	if err != nil {
		return res, err
	}
	defer stopSink()
	churnCtx, stopChurn := context.WithCancel(ctx)
	var churnDone sync.WaitGroup
	churnDone.Add(1)
	go func() { defer churnDone.Done(); churn.Run(churnCtx) }()
	defer func() {
		stopChurn()
		churnDone.Wait()
		progress("churn: %d status updates, %d replacements, %d errors", churn.Updates.Load(), churn.Replacements.Load(), churn.Errors.Load())
	}()

	cfgPath := filepath.Join(o.workDir, "collector.yaml")
	pullPort, err := proc.FreePort()
	if err != nil {
		return res, err
	}
	if err := os.WriteFile(cfgPath, []byte(collectorConfig(kubeconfig, sinkAddr, pullPort, o)), 0o644); err != nil {
		return res, err
	}
	ksmPort, err := proc.FreePort()
	if err != nil {
		return res, err
	}
	ksmTelemetry, err := proc.FreePort()
	if err != nil {
		return res, err
	}
	var env []string
	if o.gogc != "" {
		env = append(env, "GOGC="+o.gogc)
	}
	ksm, err := proc.Start("kube-state-metrics", filepath.Join(o.bin, "kube-state-metrics"), filepath.Join(o.workDir, "kube-state-metrics.log"), append(env, splitEnv(o.envKSM)...),
		"--kubeconfig="+kubeconfig, "--host=127.0.0.1", "--port="+strconv.Itoa(ksmPort),
		"--telemetry-host=127.0.0.1", "--telemetry-port="+strconv.Itoa(ksmTelemetry))
	if err != nil {
		return res, err
	}
	defer ksm.Stop(10 * time.Second)
	col, err := proc.Start("otelcol-kubestate", o.collector, filepath.Join(o.workDir, "otelcol-kubestate.log"), append(env, splitEnv(o.envCollector)...), append([]string{"--config=" + cfgPath}, strings.Fields(o.collectorArgs)...)...)
	if err != nil {
		return res, err
	}
	defer col.Stop(20 * time.Second)
	progress("kube-state-metrics (pid %d) and otelcol-kubestate (pid %d) started", ksm.PID(), col.PID())

	ksmSide := &bench.Side{Name: "kube-state-metrics", Started: ksm.Started}
	colSide := &bench.Side{Name: "kubestate", Started: col.Started}
	var mu sync.Mutex // guards ksmSide.Deliveries (the scraper) against the loop below

	scrapeCtx, stopScrapes := context.WithCancel(ctx)
	var scrapes sync.WaitGroup
	// scrapeEvery scrapes url every interval into side's deliveries, like a Prometheus server.
	scrapeEvery := func(url string, gzip bool, side *bench.Side) {
		scraper := bench.NewScraper(url, gzip)
		scrapes.Add(1)
		go func() {
			defer scrapes.Done()
			defer scraper.Close()
			t := time.NewTicker(o.interval)
			defer t.Stop()
			for {
				select {
				case <-scrapeCtx.Done():
					return
				case <-t.C:
				}
				d, err := scraper.Scrape(scrapeCtx)
				if err != nil {
					if scrapeCtx.Err() == nil {
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
	scrapeEvery(fmt.Sprintf("http://127.0.0.1:%d/metrics", ksmPort), o.gzip || o.pull, ksmSide)
	if o.pull {
		scrapeEvery(fmt.Sprintf("http://127.0.0.1:%d/metrics", pullPort), true, colSide)
	}
	defer func() { stopScrapes(); scrapes.Wait() }()
	// ours is what kubestate has delivered so far: cycles received by the sink, or pull scrapes.
	ours := func(now time.Time) []bench.Delivery {
		if o.pull {
			mu.Lock()
			defer mu.Unlock()
			return append([]bench.Delivery(nil), colSide.Deliveries...)
		}
		return finished(sink.Cycles(), now)
	}

	// Sample both processes until both deliver complete data, then for the steady window.
	var steadyFrom, endAt time.Time
	deadline := time.Now().Add(o.timeout)
	sample := time.NewTicker(200 * time.Millisecond)
	defer sample.Stop()
	lastReport := time.Now()
	for {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-sample.C:
		}
		for _, p := range []struct {
			proc *proc.Process
			side *bench.Side
		}{{ksm, ksmSide}, {col, colSide}} {
			if p.proc.Exited() {
				return res, fmt.Errorf("%s exited; last lines of %s:\n%s", p.proc.Name, p.proc.LogPath, p.proc.Tail(20))
			}
			s, err := bench.ReadProc(p.proc.PID())
			if err != nil {
				continue // exiting; caught above on the next round
			}
			p.side.Samples = append(p.side.Samples, s)
		}
		now := time.Now()
		if steadyFrom.IsZero() {
			mu.Lock()
			scrapesSoFar := append([]bench.Delivery(nil), ksmSide.Deliveries...)
			mu.Unlock()
			cycles := ours(now)
			if complete(scrapesSoFar, cycles) {
				steadyFrom = now
				endAt = now.Add(time.Duration(o.cycles)*o.interval + o.interval/2)
				progress("both sides deliver complete data (KSM %d series, kubestate %d points); steady window of %d intervals until %s",
					scrapesSoFar[len(scrapesSoFar)-1].Points, cycles[len(cycles)-1].Points, o.cycles, endAt.Format("15:04:05"))
			} else if now.After(deadline) {
				return res, fmt.Errorf("no complete data from both sides after %s (KSM scrapes %v, kubestate cycles %v)", o.timeout, points(scrapesSoFar), points(cycles))
			} else if now.Sub(lastReport) > 15*time.Second {
				progress("waiting for complete data: KSM scrapes %v, kubestate cycles %v", points(scrapesSoFar), points(cycles))
				lastReport = now
			}
		} else if now.After(endAt) {
			break
		}
	}
	res.SteadyFrom, res.EndedAt = steadyFrom, endAt

	mu.Lock()
	ksmSide.Deliveries = append([]bench.Delivery(nil), ksmSide.Deliveries...)
	mu.Unlock()
	colSide.Deliveries = ours(time.Time{})
	want := steadyMedian(ksmSide.Deliveries, steadyFrom, endAt)
	const tol = 0.005
	res.KSM = bench.Summarize(ksmSide, steadyFrom, endAt, want, tol)
	res.Kubestate = bench.Summarize(colSide, steadyFrom, endAt, want, tol)
	if res.KSM.PerCycle != res.Kubestate.PerCycle {
		res.Notes = append(res.Notes, fmt.Sprintf("median counts per cycle differ by %d (%.3f%%): objects change while they are read (run with -updates 0 -replacements 0 to compare a still cluster)",
			res.Kubestate.PerCycle-res.KSM.PerCycle, 100*math.Abs(float64(res.Kubestate.PerCycle-res.KSM.PerCycle))/float64(max(1, res.KSM.PerCycle))))
	}
	res.Pull = o.pull
	res.Notes = append(res.Notes, fmt.Sprintf("churn during the run: %.0f pod status updates/s, %.1f pod replacements/s; compression: %v; pull path: %v", o.updates, o.replacements, o.gzip || o.pull, o.pull),
		"the machine may be shared: CPU seconds are per process, but other work changes caches and clocks")
	return res, nil
}

// complete reports whether both sides deliver complete data: KSM's last two scrapes agree (its
// reflectors have all listed) and a kubestate cycle held as many points as KSM's last scrape (with
// resend_interval only the first cycle after sync sends every series).
func complete(scrapes, cycles []bench.Delivery) bool {
	if len(scrapes) < 2 || len(cycles) == 0 {
		return false
	}
	a, b := scrapes[len(scrapes)-2].Points, scrapes[len(scrapes)-1].Points
	c := 0
	for _, cy := range cycles {
		c = max(c, cy.Points)
	}
	near := func(x, y int) bool { return math.Abs(float64(x-y)) <= 0.005*float64(max(x, y)) }
	return b > 0 && near(a, b) && near(b, c)
}

func splitEnv(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// finished drops a cycle still being delivered: the last one, if a batch arrived within 2s.
func finished(cycles []bench.Delivery, now time.Time) []bench.Delivery {
	if n := len(cycles); n > 0 && now.Sub(cycles[n-1].End) < 2*time.Second {
		return cycles[:n-1]
	}
	return cycles
}

func steadyMedian(ds []bench.Delivery, from, to time.Time) int {
	var xs []bench.Delivery
	for _, d := range ds {
		if !d.Start.Before(from) && !d.End.After(to) {
			xs = append(xs, d)
		}
	}
	if len(xs) == 0 && len(ds) > 0 {
		return ds[len(ds)-1].Points
	}
	s := bench.Summarize(&bench.Side{Deliveries: xs}, from, to, 0, 0)
	return s.PerCycle
}

func points(ds []bench.Delivery) []int {
	out := make([]int, len(ds))
	for i, d := range ds {
		out[i] = d.Points
	}
	return out
}

// collectorConfig is the distribution's pipeline: kubestate -> OTLP/gRPC to the sink, with no queue
// and no retries, so that each batch is encoded and sent inside the cycle that built it.
// With -pull: the receiver serves its pull endpoint on pullPort and builds no batches (push: false).
func collectorConfig(kubeconfig, sink string, pullPort int, o options) string {
	compression := "none"
	if o.gzip {
		compression = "gzip"
	}
	timeout := min(o.interval, 30*time.Second)
	pull, exporter := "", "otlp_grpc"
	if o.pull {
		pull = fmt.Sprintf("    pull:\n      endpoint: 127.0.0.1:%d\n    push: false\n", pullPort)
		exporter = "nop"
	}
	var extensions, enabled string
	if o.pprof != "" {
		extensions = fmt.Sprintf("extensions:\n  pprof:\n    endpoint: %q\n", o.pprof)
		enabled = "  extensions: [pprof]\n"
	}
	return fmt.Sprintf(`%sreceivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: %s
    export_timeout: %s
    max_data_points_per_batch: %d
%sexporters:
  nop:
  otlp_grpc:
    endpoint: %q
    tls:
      insecure: true
    compression: %s
    timeout: %s
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: false
service:
%s  telemetry:
    logs:
      level: info
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [%s]
`, extensions, kubeconfig, o.interval, timeout, o.maxBatch, pull, sink, compression, timeout, enabled, exporter)
}
