package controlplane

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Target is the cluster a command (parity, bench, mixin) works on: an existing cluster named by a
// kubeconfig, or a local control plane started for it.
type Target struct {
	Kubeconfig string       // absolute path
	REST       *rest.Config // a copy callers may tune (QPS, Burst)
	Local      *Cluster     // the local control plane; nil for an existing cluster
	Reused     bool         // Local was already running (opts.Detach with a recorded state)

	detach    bool // the control plane outlives the command: Close leaves it
	tempState bool // StateDir was created here (Remove takes it with the cluster)
}

// UseOrStart is the one place that decides: with kubeconfig set, that cluster; otherwise a local
// control plane from opts.BinDir in opts.StateDir (a temporary directory when empty). With
// opts.Detach the control plane outlives the command: a running one recorded in StateDir is reused
// (make cluster-up's, or a bench's -state), and Close leaves it running.
func UseOrStart(ctx context.Context, kubeconfig string, opts Options) (*Target, error) {
	if kubeconfig != "" {
		rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
		}
		abs, err := filepath.Abs(kubeconfig)
		if err != nil {
			return nil, err
		}
		return &Target{Kubeconfig: abs, REST: rc}, nil
	}
	t := &Target{detach: opts.Detach}
	if opts.StateDir == "" {
		dir, err := os.MkdirTemp("", "kubestate-cluster-")
		if err != nil {
			return nil, err
		}
		opts.StateDir, t.tempState = dir, true
	}
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "controlplane: a local control plane in %s\n", opts.StateDir)
	}
	var err error
	if opts.Detach {
		t.Local, t.Reused, err = Up(ctx, opts)
	} else {
		t.Local, err = Start(ctx, opts)
	}
	if err != nil {
		if t.tempState {
			_ = os.RemoveAll(opts.StateDir)
		}
		return nil, err
	}
	t.Kubeconfig, t.REST = t.Local.KubeconfigPath(), rest.CopyConfig(t.Local.RESTConfig())
	return t, nil
}

// Describe says which cluster this is, for reports.
func (t *Target) Describe() string {
	switch {
	case t.Local == nil:
		return "existing cluster of " + t.Kubeconfig
	case t.Reused:
		return "local control plane (etcd + kube-apiserver from bin/), reused from " + t.Local.StateDir
	}
	return "local control plane (etcd + kube-apiserver from bin/), started for this run"
}

// Close stops and removes a local control plane started here, unless it was to outlive the command
// (Detach); an existing cluster is left alone.
func (t *Target) Close() error {
	if t == nil || t.Local == nil || t.detach {
		return nil
	}
	return t.Local.Remove()
}
