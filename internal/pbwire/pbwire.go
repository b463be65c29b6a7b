// Package pbwire walks protobuf-encoded messages field by field without decoding them, for reading a
// few fields of large messages (an object's uid, a data point's flags) at a fraction of a decode's
// cost. Used by the engine's shard cut and by the bench's sinks.
package pbwire

import "google.golang.org/protobuf/encoding/protowire"

// Field is one field of a message as it is on the wire.
type Field struct {
	Num  protowire.Number
	Type protowire.Type
	// Raw is the whole field, tag included; Value its contents: a length-delimited field's bytes,
	// else the encoded varint or fixed-width value.
	Raw, Value []byte
}

// Each calls fn with every field of msg, in order, until fn returns false. It reports whether it
// reached msg's end: false if fn stopped it or msg is malformed.
func Each(msg []byte, fn func(Field) bool) bool {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return false
		}
		m := protowire.ConsumeFieldValue(num, typ, msg[n:])
		if m < 0 {
			return false
		}
		f := Field{Num: num, Type: typ, Raw: msg[:n+m], Value: msg[n : n+m]}
		if typ == protowire.BytesType {
			f.Value, _ = protowire.ConsumeBytes(msg[n:])
		}
		if !fn(f) {
			return false
		}
		msg = msg[n+m:]
	}
	return true
}

// EachBytes calls fn with the contents of every length-delimited field num of msg, in order, until
// fn returns false; it reports whether it reached msg's end, as Each.
func EachBytes(msg []byte, num protowire.Number, fn func([]byte) bool) bool {
	return Each(msg, func(f Field) bool {
		return f.Num != num || f.Type != protowire.BytesType || fn(f.Value)
	})
}

// First returns the contents of the first length-delimited field num of msg; nil if there is none or
// msg is malformed before it.
func First(msg []byte, num protowire.Number) (v []byte) {
	EachBytes(msg, num, func(b []byte) bool { v = b; return false })
	return v
}
