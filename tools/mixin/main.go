package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

func main() { os.Exit(run()) }

// run starts a local control plane (or uses -kubeconfig), applies the fixtures, scrapes both sides
// once and then after each step of the Timeline (a local control plane only), evaluates every rule
// and time probe at every scrape and prints, last,
//
//	mixin: <n> expressions compared at <n> scrapes, <n> equal with answers (<n> changing over time), <n> empty on both sides, <n> different (scrape protocols: default, proto-first)
//
// exiting 1 when an expression differs at some scrape or the sides did not agree after a step.
func run() int {
	root, err := Root()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mixin:", err)
		return 1
	}
	rulesPath := flag.String("rules", RulesPath(root), "kubernetes-mixin rules file")
	fixtures := flag.String("fixtures", filepath.Join(root, "testdata", "fixtures"), "fixture folder applied to the local control plane")
	kubeconfig := flag.String("kubeconfig", "", "use this existing cluster (not seeded) instead of starting a local control plane")
	verbose := flag.Bool("v", false, "one line per expression")
	via := flag.String("via", parity.ViaPrometheus, "kubestate's side: prometheus (the distribution's Prometheus exporter), pull (the receiver's own pull endpoint) or otlp (pushed over OTLP into Prometheus' OTLP write handler)")
	timeout := flag.Duration("timeout", 5*time.Minute, "overall deadline")
	resend := flag.Duration("resend-interval", 0, "the receiver's resend_interval (0: every series every cycle)")
	flag.Parse()
	if *via != parity.ViaPrometheus && *via != parity.ViaPull && *via != ViaOTLP {
		fmt.Fprintf(os.Stderr, "mixin: -via %q: want %q, %q or %q\n", *via, parity.ViaPrometheus, parity.ViaPull, ViaOTLP)
		return 2
	}

	rules, err := LoadRules(*rulesPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mixin:", err)
		return 1
	}
	bins, err := FindBinaries(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mixin:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	res, err := capture(ctx, root, *kubeconfig, *fixtures, bins, append(rules.Rules, TimeProbes...), *verbose, *via, *resend)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mixin:", err)
		return 1
	}
	fmt.Println(res.Summary())
	if !res.OK() {
		return 1
	}
	return 0
}

func capture(ctx context.Context, root, kubeconfig, fixtures string, bins Binaries, rules []Rule, verbose bool, via string, resend time.Duration) (*Result, error) {
	work, err := os.MkdirTemp("", "kubestate-mixin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	cluster, err := controlplane.UseOrStart(ctx, kubeconfig, controlplane.Options{BinDir: filepath.Join(root, "bin"), StateDir: filepath.Join(work, "cluster"), Progress: os.Stdout})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := cluster.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "mixin: stopping the control plane:", err)
		}
	}()
	kubeconfig = cluster.Kubeconfig
	var timelineRC *rest.Config
	if cluster.Local != nil {
		timelineRC = cluster.REST
		fmt.Printf("mixin: applying %s\n", fixtures)
		a, err := seed.NewApplier(timelineRC, nil)
		if err != nil {
			return nil, err
		}
		if _, err := a.ApplyDir(ctx, fixtures); err != nil {
			return nil, err
		}
		kube, err := kubernetes.NewForConfig(timelineRC)
		if err != nil {
			return nil, err
		}
		if err := parity.EnsureEscapingProbe(ctx, kube); err != nil {
			return nil, err
		}
	}
	// The timeline's steps need a cluster of our own (no kubelet, no controllers fighting them).
	var kube kubernetes.Interface
	steps := Timeline
	if timelineRC == nil {
		fmt.Println("mixin: an existing cluster: one scrape, no timeline")
		steps = nil
	} else if kube, err = kubernetes.NewForConfig(timelineRC); err != nil {
		return nil, err
	}
	scrapes, err := CaptureScrapes(ctx, root, kubeconfig, work, bins, kube, steps, CaptureOptions{Via: via, ResendInterval: resend}, os.Stdout)
	if err != nil {
		return nil, err
	}
	fmt.Printf("mixin: %s path %s\n", via, scrapes.Parity.Result.Summary())
	res, err := Evaluate(ctx, filepath.Join(work, "tsdb"), rules, scrapes)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Comparisons {
		c.Details(os.Stdout, verbose)
		fmt.Println(c.Summary())
	}
	return res, nil
}
