package main

import (
	"slices"
	"testing"
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
