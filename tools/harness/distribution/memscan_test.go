package distribution

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// memScan is what a search of a process's whole address space found.
type memScan struct {
	hits    map[string]int // pattern name -> occurrences
	regions int            // readable mappings read
	bytes   int64          // bytes read from them
	skipped []string       // readable mappings the kernel refused to read ([vvar] and the like)
}

func (m memScan) total() int {
	n := 0
	for _, v := range m.hits {
		n += v
	}
	return n
}

func (m memScan) String() string {
	return fmt.Sprintf("%d hits %v in %d readable mappings, %.1f MiB read (unreadable: %v)", m.total(), m.hits, m.regions, float64(m.bytes)/(1<<20), m.skipped)
}

// scanMemory counts each pattern in every readable mapping of process pid, read through
// /proc/pid/mem: heap, stacks, anonymous mappings, the binary's data, everything the process could
// read itself. A match that spans two chunks is found, and counted once.
func scanMemory(pid int, patterns map[string][]byte) (memScan, error) {
	res := memScan{hits: map[string]int{}}
	for name := range patterns {
		res.hits[name] = 0
	}
	maps, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return res, err
	}
	defer maps.Close()
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		return res, fmt.Errorf("opening /proc/%d/mem (the test must be allowed to trace its child): %w", pid, err)
	}
	defer mem.Close()
	sc := bufio.NewScanner(maps)
	for sc.Scan() {
		// start-end perms offset dev inode [path]
		f := strings.Fields(sc.Text())
		if len(f) < 5 || f[1][0] != 'r' {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil || end <= start {
			return res, fmt.Errorf("/proc/%d/maps: bad range in %q", pid, sc.Text())
		}
		if end > 1<<62 { // [vsyscall], above what ReadAt's int64 offset can name
			res.skipped = append(res.skipped, strings.Join(f[5:], " "))
			continue
		}
		n, err := countInRange(mem, start, end, 4<<20, patterns, res.hits)
		if n > 0 {
			res.regions++
			res.bytes += n
		}
		if err != nil {
			res.skipped = append(res.skipped, fmt.Sprintf("%s (%d of %d bytes read)", strings.Join(f[5:], " "), n, end-start))
		}
	}
	return res, sc.Err()
}

// countInRange reads [start, end) of r in chunks and adds each pattern's occurrences to hits; a
// match that spans two chunks is found, and counted once. It stops at the first read error and
// returns the bytes read until then.
func countInRange(r io.ReaderAt, start, end uint64, chunk int, patterns map[string][]byte, hits map[string]int) (int64, error) {
	longest := 0
	for _, p := range patterns {
		longest = max(longest, len(p))
	}
	chunk = int(min(uint64(chunk), end-start))
	buf := make([]byte, chunk+longest)
	carry := 0
	var read int64
	for addr := start; addr < end; {
		n := min(uint64(chunk), end-addr)
		got, err := r.ReadAt(buf[carry:carry+int(n)], int64(addr))
		if got == 0 {
			if err == nil {
				err = io.ErrNoProgress
			}
			return read, err
		}
		read += int64(got)
		window := buf[:carry+got]
		for name, p := range patterns {
			// Matches lying wholly in the carried tail were counted with the previous chunk.
			hits[name] += bytes.Count(window[max(0, carry-len(p)+1):], p)
		}
		// Keep a tail for a match that spans into the next chunk.
		carry = min(longest-1, len(window))
		copy(buf, window[len(window)-carry:])
		addr += uint64(got)
	}
	return read, nil
}

// markerForms are the ways a secret value can sit in memory: as the bytes themselves (decoded
// objects, protobuf) and base64-encoded at each of the three alignments (JSON bodies, where data
// values are base64). Each form is long enough to be unique.
func markerForms(marker string) map[string][]byte {
	out := map[string][]byte{"raw": []byte(marker)}
	for k := range 3 {
		n := (len(marker) - k) / 3 * 3
		out[fmt.Sprintf("base64@%d", k)] = []byte(base64.StdEncoding.EncodeToString([]byte(marker[k : k+n])))
	}
	return out
}
