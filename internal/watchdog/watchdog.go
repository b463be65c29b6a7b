// Package watchdog turns a hang into a crash, for fuzz targets: Go's fuzzing has no per-input
// time limit, and a worker stuck on an input is killed at the end of -fuzztime without a word,
// so a hung input would pass unseen. A crash makes the fuzzer save the input and fail.
package watchdog

import (
	"fmt"
	"time"
)

// PerInput is the time one fuzz input may take: inputs take micro- to milliseconds, so this is a hang,
// even with -race on a busy 2-core machine.
const PerInput = 2 * time.Second

// Start panics, crashing the process, unless the returned stop is called within d.
//
//	f.Fuzz(func(t *testing.T, ...) {
//		defer watchdog.Start(watchdog.PerInput)()
func Start(d time.Duration) (stop func()) {
	start := time.Now()
	timer := time.AfterFunc(d, func() {
		panic(fmt.Sprintf("watchdog: input still running after %s: a hang (started %s)", d, start.Format(time.RFC3339Nano)))
	})
	return func() { timer.Stop() }
}
