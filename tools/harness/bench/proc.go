// Package bench holds the testable pieces of `make bench` (cmd/bench): reading a process's CPU time
// and memory from /proc, counting what each side delivers per cycle (an OTLP sink, a KSM scraper),
// a steady churn of pod updates, and the summary of a run.
package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTick is the unit of utime/stime in /proc/<pid>/stat (USER_HZ, 100 on every Linux ABI Go
// supports).
const clockTick = 10 * time.Millisecond

// ProcSample is one reading of a process: CPU time of all its threads (user + system) so far,
// resident memory now, and the peak resident memory so far.
type ProcSample struct {
	At     time.Time
	CPU    time.Duration // user + system
	System time.Duration // system (kernel) time alone: syscalls, page faults
	RSS    uint64        // bytes (VmRSS)
	HWM    uint64        // bytes (VmHWM, the kernel's high-water mark of VmRSS)
	Anon   uint64        // bytes (RssAnon: VmRSS without the mapped binary and other files)
}

// ReadProc samples process pid.
func ReadProc(pid int) (ProcSample, error) {
	s := ProcSample{At: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	if s.CPU, s.System, err = ParseStatCPU(stat); err != nil {
		return s, err
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	s.RSS, s.HWM, s.Anon, err = ParseStatusMemory(status)
	return s, err
}

// ParseStatCPU returns utime+stime and stime alone of a /proc/<pid>/stat line. The command name
// (field 2) may hold spaces and parentheses, so fields are counted from the last ')'.
func ParseStatCPU(stat []byte) (total, system time.Duration, err error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, errors.New("stat: no command name")
	}
	f := bytes.Fields(stat[i+1:])
	// After ")": state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9) minflt(10) cminflt(11)
	// majflt(12) cmajflt(13) utime(14) stime(15).
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return 0, 0, fmt.Errorf("stat: %d fields after the command name, want more than %d", len(f), stime)
	}
	u, err := strconv.ParseUint(string(f[utime]), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("stat utime: %w", err)
	}
	s, err := strconv.ParseUint(string(f[stime]), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("stat stime: %w", err)
	}
	return time.Duration(u+s) * clockTick, time.Duration(s) * clockTick, nil
}

// ParseStatusMemory returns VmRSS, VmHWM and RssAnon (in bytes) of a /proc/<pid>/status file.
func ParseStatusMemory(status []byte) (rss, hwm, anon uint64, err error) {
	var haveRSS, haveHWM, haveAnon bool
	for line := range bytes.SplitSeq(status, []byte("\n")) {
		name, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		var dst *uint64
		switch string(name) {
		case "VmRSS":
			dst, haveRSS = &rss, true
		case "VmHWM":
			dst, haveHWM = &hwm, true
		case "RssAnon":
			dst, haveAnon = &anon, true
		default:
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, 0, 0, fmt.Errorf("status %s: unexpected %q", name, bytes.TrimSpace(rest))
		}
		kb, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("status %s: %w", name, err)
		}
		*dst = kb * 1024
	}
	if !haveRSS || !haveHWM || !haveAnon {
		return 0, 0, 0, errors.New("status: VmRSS, VmHWM or RssAnon missing (process exited?)")
	}
	return rss, hwm, anon, nil
}
