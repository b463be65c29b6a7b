package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestate/kubestate/tools/harness/bench"
)

// run draws the results file into out, and a bad results file leaves out as it was, with an
// error naming the file and the line.
func TestRunWritesThePlotOrNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "performance.svg")
	fixture := filepath.Join("..", "..", "bench", "testdata", "results-fixture.jsonl")
	if err := run(fixture, out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := bench.ReadRecordsFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	want, err := bench.PlotSVG(recs, fixture)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("the written plot is not the fixture drawn")
	}

	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"source\":\"x\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(bad, out)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "line 1: config") {
		t.Fatalf("error %v, want the file, line 1 and the field", err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(after, got) {
		t.Fatal("a failed run changed the plot")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files left in %s, want the plot and the bad input", len(entries), dir)
	}
}
