package main

import (
	"testing"

	"github.com/kubestate/kubestate/tools/harness/bench"
)

// d is one delivery of each point count.
func d(ns ...int) []bench.Delivery {
	var out []bench.Delivery
	for _, n := range ns {
		out = append(out, bench.Delivery{Points: n})
	}
	return out
}

func TestComplete(t *testing.T) {
	for _, c := range []struct {
		name            string
		scrapes, cycles []bench.Delivery
		ksmNames, want  bool
		pods            int
	}{
		{"equal data", d(1000, 1000), d(1000), true, true, 20},
		{"kubestate short of KSM", d(1000, 1000), d(900), true, false, 20},
		{"KSM not settled", d(500, 1000), d(1000), true, false, 20},
		// 100,000 pods on a busy apiserver: two scrapes and a cycle agreed on everything but the pods.
		{"both sides before the pods are listed", d(297083, 297083), d(27083, 297083), true, false, 100000},
		{"after", d(297083, 5099080, 5099080), d(27083, 297083, 5099083), true, true, 100000},
		// Another schema emits other points: kubestate settles on its own count.
		{"schema: settled", d(1000, 1000), d(400, 400), false, true, 20},
		{"schema: one cycle", d(1000, 1000), d(400), false, false, 20},
		{"schema: still growing", d(1000, 1000), d(200, 400), false, false, 20},
		{"schema: KSM before the pods are listed", d(500, 500), d(400, 400), false, false, 100},
	} {
		if got := complete(c.scrapes, c.cycles, c.ksmNames, c.pods); got != c.want {
			t.Errorf("%s: complete = %v, want %v", c.name, got, c.want)
		}
	}
}

// The k8s_cluster receiver has no scrape to agree with: it is complete once two cycles agree.
func TestSettled(t *testing.T) {
	for _, c := range []struct {
		cycles []bench.Delivery
		want   bool
	}{
		{nil, false},
		{d(1130), false},
		{d(0, 0), false},
		{d(300, 1130), false},
		{d(300, 1130, 1131), true}, // within 0.5 %: a pod replaced between the cycles
		{d(1130, 1100), false},
	} {
		if got := settled(c.cycles); got != c.want {
			t.Errorf("settled(%v) = %v, want %v", points(c.cycles), got, c.want)
		}
	}
}

// Each path's freshness watch names the probed container as that path does.
func TestProbeAs(t *testing.T) {
	ksm := bench.ContainerRestartsProbe("synth-3", "p-7", "app")
	p, err := probeAs("k8s_cluster", ksm)
	if err != nil {
		t.Fatal(err)
	}
	if p.Metric != "k8s.container.restarts" || p.Labels["k8s.namespace.name"] != "synth-3" || p.Labels["k8s.pod.name"] != "p-7" || p.Labels["k8s.container.name"] != "app" {
		t.Fatalf("k8s_cluster probe %+v", p)
	}
	if p, err := probeAs("", ksm); err != nil || p.Metric != ksm.Metric {
		t.Fatalf("default schema probe %+v %v, want KSM's", p, err)
	}
}
