package main

import (
	"testing"

	"github.com/kubestate/kubestate/tools/harness/bench"
)

func TestComplete(t *testing.T) {
	d := func(ns ...int) []bench.Delivery {
		var out []bench.Delivery
		for _, n := range ns {
			out = append(out, bench.Delivery{Points: n})
		}
		return out
	}
	for _, c := range []struct {
		name            string
		scrapes, cycles []bench.Delivery
		ksmNames, want  bool
	}{
		{"equal data", d(1000, 1000), d(1000), true, true},
		{"kubestate short of KSM", d(1000, 1000), d(900), true, false},
		{"KSM not settled", d(500, 1000), d(1000), true, false},
		// Another schema emits other points: kubestate settles on its own count.
		{"schema: settled", d(1000, 1000), d(400, 400), false, true},
		{"schema: one cycle", d(1000, 1000), d(400), false, false},
		{"schema: still growing", d(1000, 1000), d(200, 400), false, false},
	} {
		if got := complete(c.scrapes, c.cycles, c.ksmNames); got != c.want {
			t.Errorf("%s: complete = %v, want %v", c.name, got, c.want)
		}
	}
}
