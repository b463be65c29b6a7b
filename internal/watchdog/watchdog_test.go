package watchdog

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A hang crashes the process with a message naming the hang (run in a child process).
func TestHangCrashes(t *testing.T) {
	if os.Getenv("WATCHDOG_CHILD") == "1" {
		defer Start(10 * time.Millisecond)()
		select {} // hangs
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHangCrashes$")
	cmd.Env = append(os.Environ(), "WATCHDOG_CHILD=1")
	timer := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "watchdog: input still running after 10ms") {
		t.Fatalf("hung child: err %v, output:\n%s", err, out)
	}
}
