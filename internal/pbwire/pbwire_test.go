package pbwire

import (
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestEachEachBytesFirst(t *testing.T) {
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	msg = protowire.AppendString(msg, "a")
	msg = protowire.AppendTag(msg, 2, protowire.VarintType)
	msg = protowire.AppendVarint(msg, 300)
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	msg = protowire.AppendString(msg, "b")
	msg = protowire.AppendTag(msg, 3, protowire.Fixed64Type)
	msg = protowire.AppendFixed64(msg, 7)

	var nums []protowire.Number
	var raw int
	if !Each(msg, func(f Field) bool { nums = append(nums, f.Num); raw += len(f.Raw); return true }) {
		t.Fatal("a well-formed message read as malformed")
	}
	if len(nums) != 4 || nums[1] != 2 || raw != len(msg) {
		t.Errorf("fields %v, raw bytes %d of %d", nums, raw, len(msg))
	}
	var ones []string
	EachBytes(msg, 1, func(b []byte) bool { ones = append(ones, string(b)); return true })
	if len(ones) != 2 || ones[0] != "a" || ones[1] != "b" {
		t.Errorf("field 1: %q", ones)
	}
	if got := string(First(msg, 1)); got != "a" {
		t.Errorf("First(1) = %q", got)
	}
	if First(msg, 2) != nil || First(msg, 9) != nil {
		t.Error("First of a varint field or of a missing one is not nil")
	}
	if Each(msg[:len(msg)-3], func(Field) bool { return true }) {
		t.Error("a truncated message read to its end")
	}
	if Each(msg, func(f Field) bool { return f.Num != 2 }) {
		t.Error("Each reported reaching the end after fn stopped it")
	}
}
