package main

import (
	"flag"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/kubestate/kubestate/tools/harness/bench"
)

// recordResult appends the run to the results file: what `make bench-plot` draws.
func recordResult(path string, rep report, o options, at time.Time) error {
	commit, err := gitCommit()
	if err != nil {
		return fmt.Errorf("the commit measured: %w", err)
	}
	compression := "none"
	if o.gzip {
		compression = "gzip"
	}
	rec := rep.Record(bench.RunInfo{At: at, Commit: commit, UpdatesPerSec: o.updates, Replacements: o.replacements,
		Compression: compression, Settings: measuredSettings(flag.CommandLine)})
	if err := bench.AppendRecord(path, rec); err != nil {
		return err
	}
	progress("result appended to %s (make bench-plot redraws docs/bench/performance.svg)", path)
	return nil
}

// gitCommit is HEAD, marked +dirty when tracked files differ from it. The results directory is left
// out: earlier runs' records, not yet committed, change nothing that is measured.
func gitCommit() (string, error) {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse HEAD: %w", err)
	}
	commit := strings.TrimSpace(string(out))
	status, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/bench").Output()
	if err != nil {
		return "", fmt.Errorf("git status: %w", err)
	}
	if len(strings.TrimSpace(string(status))) > 0 {
		commit += "+dirty"
	}
	return commit, nil
}

// measuredSettings are the flags set in fs that change what is measured and that a record has no
// field of, as "-name=value" sorted by name; runs that differ in them are not joined in the plot.
func measuredSettings(fs *flag.FlagSet) string {
	recorded := map[string]bool{ // in a record's own fields, or not changing what is measured
		"pods": true, "interval": true, "cycles": true, "state": true, "kubeconfig": true, "bin": true,
		"collector": true, "workdir": true, "updates": true, "replacements": true, "gzip": true,
		"sync-timeout": true, "pull": true, "pipeline": true, "peer": true, "light": true,
		"compression": true, "fresh-trials": true, "results": true,
		"k8scluster": true, "k8scluster-ref": true, // the record lists the k8s_cluster peer
	}
	var out []string
	fs.Visit(func(f *flag.Flag) {
		if !recorded[f.Name] {
			out = append(out, fmt.Sprintf("-%s=%s", f.Name, f.Value))
		}
	})
	sort.Strings(out)
	return strings.Join(out, " ")
}
