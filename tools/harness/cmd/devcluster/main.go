// Command devcluster runs the local control plane for `make cluster-up`, `make cluster-down` and
// `make run`, and seeds clusters from fixture folders or synthetically.
//
//	devcluster up      [-bin bin] [-state .local]
//	devcluster down    [-state .local]
//	devcluster seed    -kubeconfig FILE (-fixtures DIR | -pods N [-nodes N -namespaces N -deployments N])
//	devcluster simulate -kubeconfig FILE [-interval 10s]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubestate/kubestate/internal/testenv/controlplane"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "up":
		err = up(ctx, os.Args[2:])
	case "down":
		err = down(os.Args[2:])
	case "seed":
		err = seedCmd(ctx, os.Args[2:])
	case "simulate":
		err = simulateCmd(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: devcluster up|down|seed|simulate [flags]; see -h of each")
	os.Exit(2)
}

func up(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("up", flag.ExitOnError)
	bin := fl.String("bin", "bin", "directory holding etcd and kube-apiserver")
	state := fl.String("state", ".local", "state directory")
	_ = fl.Parse(args)
	c, running, err := controlplane.Up(ctx, controlplane.Options{BinDir: *bin, StateDir: *state, Detach: true, Progress: os.Stdout})
	if running {
		fmt.Printf("cluster already running at %s (kubeconfig %s)\n", c.Server, c.KubeconfigPath())
		return nil
	}
	if err != nil {
		if errors.Is(err, controlplane.ErrMissingBinary) {
			return fmt.Errorf("%w (it builds etcd and kube-apiserver into %s)", err, *bin)
		}
		return err
	}
	fmt.Printf("cluster running at %s\nkubeconfig: %s\ntry: bin/kubectl --kubeconfig %s get ns\n", c.Server, c.KubeconfigPath(), c.KubeconfigPath())
	return nil
}

func down(args []string) error {
	fl := flag.NewFlagSet("down", flag.ExitOnError)
	state := fl.String("state", ".local", "state directory")
	_ = fl.Parse(args)
	c, _, err := controlplane.Load(*state)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("no cluster recorded in %s\n", *state)
		return os.RemoveAll(*state)
	}
	if err != nil {
		return err
	}
	if err := c.Remove(); err != nil {
		return err
	}
	fmt.Printf("cluster at %s stopped; %s removed\n", c.Server, *state)
	return nil
}

func seedCmd(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("seed", flag.ExitOnError)
	kubeconfig := fl.String("kubeconfig", ".local/kubeconfig", "kubeconfig of the cluster to seed")
	fixtures := fl.String("fixtures", "", "fixture folder to apply")
	var sz seed.Size
	fl.IntVar(&sz.Pods, "pods", 0, "synthetic cluster: number of pods (two containers each)")
	fl.IntVar(&sz.Nodes, "nodes", 0, "synthetic cluster: nodes (default pods/100, at least 1)")
	fl.IntVar(&sz.Namespaces, "namespaces", 20, "synthetic cluster: namespaces")
	fl.IntVar(&sz.Deployments, "deployments", 0, "synthetic cluster: deployments (default pods/10, at least namespaces)")
	_ = fl.Parse(args)
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 1000, 2000
	if *fixtures != "" {
		a, err := seed.NewApplier(cfg, os.Stdout)
		if err != nil {
			return err
		}
		n, err := a.ApplyDir(ctx, *fixtures)
		if err != nil {
			return err
		}
		fmt.Printf("seed: applied %d objects from %s\n", n, *fixtures)
	}
	if sz.Pods > 0 {
		if sz.Nodes == 0 {
			sz.Nodes = max(1, sz.Pods/100)
		}
		if sz.Deployments == 0 {
			sz.Deployments = max(sz.Namespaces, sz.Pods/10)
		}
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return err
		}
		return seed.Synthetic(ctx, cs, sz, os.Stdout)
	}
	if *fixtures == "" {
		return errors.New("seed needs -fixtures DIR or -pods N")
	}
	return nil
}

func simulateCmd(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("simulate", flag.ExitOnError)
	kubeconfig := fl.String("kubeconfig", ".local/kubeconfig", "kubeconfig of the cluster to change")
	interval := fl.Duration("interval", 10*time.Second, "time between changes")
	_ = fl.Parse(args)
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	return seed.Simulate(ctx, cs, *interval, os.Stdout)
}
