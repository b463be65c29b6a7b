package distribution

import (
	"bytes"
	"strings"
	"testing"
)

// The search the Secret test relies on finds a pattern wherever it lies: inside a chunk, across a
// chunk boundary, at both ends; and counts each occurrence once, also where patterns overlap.
func TestCountInRangeFindsEveryOccurrenceOnce(t *testing.T) {
	pats := map[string][]byte{"long": []byte("MARKER-0123456789"), "short": []byte("MARK")}
	var b bytes.Buffer
	b.WriteString("MARKER-0123456789") // at the start
	for i := range 20 {
		b.WriteString(strings.Repeat(".", i)) // every offset relative to the chunk size
		b.WriteString("MARKER-0123456789")
	}
	b.WriteString("xxMARKxx")
	b.WriteString("MARKER-0123456789") // at the end
	data := b.Bytes()
	for _, chunk := range []int{5, 7, 16, 17, 64, len(data)} {
		hits := map[string]int{}
		n, err := countInRange(bytes.NewReader(data), 0, uint64(len(data)), chunk, pats, hits)
		if err != nil || n != int64(len(data)) {
			t.Fatalf("chunk %d: read %d of %d bytes, err %v", chunk, n, len(data), err)
		}
		if hits["long"] != 22 || hits["short"] != 23 {
			t.Errorf("chunk %d: hits %v, want long=22 short=23", chunk, hits)
		}
	}
}
