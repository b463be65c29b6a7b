package resources

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/metrics.md from the tables")

const referencePath = "../../docs/metrics.md"

func TestMetricsReference(t *testing.T) {
	want := Reference()
	if *update {
		if err := os.WriteFile(referencePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v (run make generate)", err)
	}
	if string(got) != want {
		t.Fatal("docs/metrics.md is stale: run make generate and commit it")
	}
}
