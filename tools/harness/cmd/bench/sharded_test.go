package main

import (
	"slices"
	"testing"

	"github.com/kubestate/kubestate/tools/harness/bench"
)

// KSM's shard flags and each process's file names: none and the plain names unsharded.
func TestShardSettings(t *testing.T) {
	if got := ksmShardArgs(0, 1); got != nil {
		t.Errorf("unsharded KSM args %v, want none", got)
	}
	if got, want := ksmShardArgs(2, 3), []string{"--shard=2", "--total-shards=3"}; !slices.Equal(got, want) {
		t.Errorf("KSM args %v, want %v", got, want)
	}
	unsharded, shard := &shardPair{}, &shardPair{shard: 1, total: 3, label: "shard 1/3"}
	for _, c := range []struct{ got, want string }{
		{unsharded.file("collector"), "collector"},
		{shard.file("collector"), "collector-shard-1"},
		{unsharded.name("kubestate"), "kubestate"},
		{shard.name("kubestate"), "kubestate shard 1/3"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestShardsComplete(t *testing.T) {
	d := func(ns ...int) []bench.Delivery {
		var out []bench.Delivery
		for _, n := range ns {
			out = append(out, bench.Delivery{Points: n})
		}
		return out
	}
	all := func(ds ...[]bench.Delivery) [][]bench.Delivery { return ds }
	for _, c := range []struct {
		name                      string
		scrapes, cycles           []bench.Delivery
		shardScrapes, shardCycles [][]bench.Delivery
		want                      bool
	}{
		{"complete", d(900, 900), d(900), all(d(300), d(300), d(300)), all(d(300), d(300), d(300)), true},
		// A pod moved from shard 0 to shard 1 between scrapes: each shard's count moved, not the sum.
		{"shards drift, sum holds", d(9000, 9000), d(9000), all(d(3000, 2950), d(3000, 3050), d(3000)), all(d(2950), d(3050), d(3000)), true},
		{"unsharded KSM not settled", d(500, 900), d(900), all(d(300), d(300), d(300)), all(d(300), d(300), d(300)), false},
		{"a KSM shard still listing", d(900, 900), d(900), all(d(300), d(100), d(300)), all(d(300), d(300), d(300)), false},
		{"a kubestate shard still syncing", d(900, 900), d(900), all(d(300), d(300), d(300)), all(d(300), d(300), d(100)), false},
		{"a kubestate shard not yet exported", d(900, 900), d(900), all(d(300), d(300), d(300)), all(d(300), d(600), nil), false},
		{"no shards", d(900, 900), d(900), nil, nil, false},
	} {
		if got := shardsComplete(c.scrapes, c.cycles, c.shardScrapes, c.shardCycles, 50); got != c.want {
			t.Errorf("%s: shardsComplete = %v, want %v", c.name, got, c.want)
		}
	}
}
