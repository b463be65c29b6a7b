package parity

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubestate/kubestate/internal/testenv"
)

// TestParitySharded runs the default config split into 3 shards: shard k of kubestate must equal
// kube-state-metrics started with --shard=k --total-shards=3, series for series, for every k; and
// the three shards together must hold every series of the unsharded run exactly once.
func TestParitySharded(t *testing.T) {
	env := newFixtureEnv(t)
	ctx := env.ctx
	opts := Options{KSMBinary: env.ksm, Kubeconfig: env.kubeconfig, WorkDir: env.dir, Progress: logWriter{t}}

	run := func(name string, shard, total int) Run {
		t.Helper()
		cfg, err := LoadConfig(testenv.RepoPath(t, "testdata", "parity", "default.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Shard, cfg.TotalShards = shard, total
		r, err := RunConfig(ctx, name, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Result.OK() {
			for _, f := range r.Result.Failing() {
				t.Errorf("\n%s", FamilyDetails(f))
			}
			t.Errorf("%s: %s (kube-state-metrics flags: %s)", name, r.Result.Summary(), strings.Join(r.KSMArgs, " "))
		}
		return r
	}
	whole := run("unsharded", 0, 1)
	seen := map[string]int{} // series key -> shard
	for k := range 3 {
		r := run(fmt.Sprintf("shard-%d-of-3", k), k, 3)
		t.Logf("shard %d of 3: %d series, %s", k, len(r.Ours.Series), r.Result.Summary())
		if len(r.Ours.Series) == 0 || len(r.Ours.Series) == len(whole.Ours.Series) {
			t.Errorf("shard %d of 3 holds %d of %d series: not a split", k, len(r.Ours.Series), len(whole.Ours.Series))
		}
		for _, s := range r.Ours.Series {
			if prev, dup := seen[s.Key()]; dup {
				t.Errorf("%s is in shard %d and in shard %d", s.Key(), prev, k)
			}
			seen[s.Key()] = k
		}
	}
	for _, s := range whole.Ours.Series {
		if _, ok := seen[s.Key()]; !ok {
			t.Errorf("%s of the unsharded run is in no shard", s.Key())
		}
	}
	if len(seen) != len(whole.Ours.Series) {
		t.Errorf("the shards hold %d series together, the unsharded run %d", len(seen), len(whole.Ours.Series))
	}
}

// TestParityPerNode runs the per-node modes on the fixtures: node: worker-b1 equals kube-state-metrics
// --node=worker-b1, track_unscheduled_pods equals --track-unscheduled-pods (both with
// --resources=pods), and each holds only its pods.
func TestParityPerNode(t *testing.T) {
	env := newFixtureEnv(t)
	ctx, ksm, kubeconfig, dir := env.ctx, env.ksm, env.kubeconfig, env.dir
	for _, tc := range []struct {
		name, node  string
		unscheduled bool
		wantNode    string // the node label every kube_pod_info series must carry
	}{
		{name: "node-worker-b1", node: "worker-b1", wantNode: "worker-b1"},
		{name: "unscheduled", unscheduled: true, wantNode: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(testenv.RepoPath(t, "testdata", "parity", "default.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			cfg.Resources, cfg.Node, cfg.TrackUnscheduledPods = []string{"pods"}, tc.node, tc.unscheduled
			r, err := RunConfig(ctx, tc.name, cfg, Options{KSMBinary: ksm, Kubeconfig: kubeconfig, WorkDir: dir, Progress: logWriter{t}})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Result.OK() {
				for _, f := range r.Result.Failing() {
					t.Errorf("\n%s", FamilyDetails(f))
				}
				t.Errorf("%s (kube-state-metrics flags: %s)", r.Result.Summary(), strings.Join(r.KSMArgs, " "))
			}
			pods := 0
			for _, s := range r.Ours.Series {
				if s.Name == "kube_pod_info" {
					pods++
					if got := s.Label("node"); got != tc.wantNode {
						t.Errorf("%s: node=%q, want %q", s.Key(), got, tc.wantNode)
					}
				}
			}
			if pods == 0 {
				t.Fatal("no pod exported: the test proves nothing")
			}
			t.Logf("%d pods; %s", pods, r.Result.Summary())
		})
	}
}
