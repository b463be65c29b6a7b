package main

import (
	"flag"
	"io"
	"testing"
)

// Flags a record has fields for (or that change nothing measured) stay out of its settings; the
// others are kept, sorted, so two runs with the same settings are one series in the plot.
func TestMeasuredSettings(t *testing.T) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Int("pods", 10000, "")
	fs.Bool("pipeline", false, "")
	fs.String("results", "", "")
	fs.String("collector-args", "", "")
	fs.String("gogc", "", "")
	fs.Int("max-batch", 8192, "")
	if err := fs.Parse([]string{"-pods", "200", "-pipeline", "-results", "", "-gogc", "200", "-collector-args", "--set=receivers::kubestate::resend_interval=60s"}); err != nil {
		t.Fatal(err)
	}
	want := "-collector-args=--set=receivers::kubestate::resend_interval=60s -gogc=200"
	if got := measuredSettings(fs); got != want {
		t.Fatalf("settings %q, want %q", got, want)
	}
	if got := measuredSettings(flag.NewFlagSet("none", flag.ContinueOnError)); got != "" {
		t.Fatalf("no flags set gave %q", got)
	}
}
