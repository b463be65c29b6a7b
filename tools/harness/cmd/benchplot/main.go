// Command benchplot draws docs/bench/performance.svg (`make bench-plot`): steady CPU and RSS against
// cluster size for every peer the bench measured, from the results file bench runs append to and
// nothing else. Same input, same bytes.
//
//	benchplot [-results docs/bench/results.jsonl] [-out docs/bench/performance.svg]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/tools/harness/bench"
)

func main() {
	// Paths are relative to the repository root wherever this runs from.
	if root, err := testenv.RepoRoot(); err == nil {
		_ = os.Chdir(root)
	}
	results := flag.String("results", bench.ResultsFile, "the results file (one JSON record per line)")
	out := flag.String("out", "docs/bench/performance.svg", "the SVG to write")
	flag.Parse()
	if err := run(*results, *out); err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
}

func run(results, out string) error {
	recs, err := bench.ReadRecordsFile(results)
	if err != nil {
		return err
	}
	svg, err := bench.PlotSVG(recs, results)
	if err != nil {
		return fmt.Errorf("%s: %w", results, err)
	}
	// Written beside the target and renamed, so a failed run never leaves half a picture.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".performance-*.svg")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(svg); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Printf("benchplot: %s from %d runs in %s\n", out, len(recs), results)
	return nil
}
