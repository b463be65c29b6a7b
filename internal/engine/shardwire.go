package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kubestate/kubestate/internal/pbwire"
)

// Cutting other shards' objects from the wire. Dropping them in the queue (toEntry) is what makes a
// shard correct; doing it here is what makes it cheap: every shard lists and watches every object,
// and decoding an object costs far more than reading its uid. So a shard's API client cuts the
// objects of other shards out of the apiserver's protobuf responses before client-go decodes them,
// reading only the field tags of each item up to its uid. Every Kubernetes kind has the same
// envelope, so this needs no kind:
//
//	body  = "k8s\x00" Unknown{1: TypeMeta{2: kind}, 2: raw, 3: contentEncoding, 4: contentType}
//	list  = raw of a kind ending in "List": {1: ListMeta, 2: item, 2: item, ...}
//	item  = {1: ObjectMeta{..., 5: uid, ...}, ...}
//	watch = frames of a 4-byte big-endian length and a WatchEvent{1: type, 2: RawExtension{1: body}}
//
// Anything else (JSON, compressed bodies, single objects, bookmarks, errors, an item whose uid cannot
// be read) passes unchanged, and the queue still drops what it does not own: the cut is an
// optimisation that can only leave objects in, never take an owned one out.
// (TestShardTransportCutsOtherShardsFromListsAndWatches, TestShardTransportPassesWhatItCannotRead,
// TestShardedClientDecodesOnlyItsShard)
//
// Sharded or not, a client reads the apiserver's protobuf watch streams ahead in large pieces, with
// a buffer it holds only while the stream has unread bytes (readAhead).
// (TestReadAheadWatchDecodesEveryEventInLargeReads, TestWatchCutHoldsNoBufferWhileIdle)

const protobufMediaType = "application/vnd.kubernetes.protobuf"

var protobufMagic = []byte("k8s\x00")

// maxWatchFrame bounds one watch event read whole (the apiserver's own limit on an object is 3 MiB by
// default); a longer frame fails the watch, which the reflector restarts.
const maxWatchFrame = 64 << 20

// watchReadSize is how much of a watch stream one read may take. Over HTTP/2 every read of a
// response body that consumes 4 KiB or more makes the client write a WINDOW_UPDATE frame (a TLS
// record and a syscall), and frame by frame that is about one per object; reading ahead in large
// pieces makes it one per 64 KiB. A read returns what has arrived, so it never waits for more.
const watchReadSize = 64 << 10

// Transport wraps an API client's transport so the apiserver's protobuf lists and watch streams reach
// client-go without the objects of other shards (see above), watch streams read ahead. With
// Total <= 1 it only reads watch streams ahead (ReadAhead).
func (s Shard) Transport(rt http.RoundTripper) http.RoundTripper {
	if s.Total <= 1 {
		return ReadAhead(rt)
	}
	return &shardTransport{shard: s, next: rt}
}

// ReadAhead wraps an API client's transport so the apiserver's protobuf watch streams are read in
// large pieces (readAhead), not frame by frame as client-go reads them.
func ReadAhead(rt http.RoundTripper) http.RoundTripper { return readAheadTransport{rt} }

type readAheadTransport struct{ next http.RoundTripper }

func (t readAheadTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if protobuf, watch := protobufBody(resp, err); protobuf && watch {
		resp.Body = &readAhead{body: resp.Body}
	}
	return resp, err
}

// protobufBody reports whether a round trip's response is an uncompressed protobuf body the client
// reads whole, and whether it is a watch stream.
func protobufBody(resp *http.Response, err error) (protobuf, watch bool) {
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" {
		return false, false
	}
	mt, params, perr := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return perr == nil && mt == protobufMediaType, params["stream"] == "watch"
}

type shardTransport struct {
	shard Shard
	next  http.RoundTripper
}

func (t *shardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	protobuf, watch := protobufBody(resp, err)
	switch {
	case !protobuf:
		return resp, err
	case watch:
		resp.Body = newWatchCut(t.shard.owns, resp.Body)
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	body = cutList(body, t.shard.owns)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	if resp.Header.Get("Content-Length") != "" {
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return resp, nil
}

// owns is Owns for a uid read off the wire; an unknown uid is kept.
func (s Shard) owns(uid []byte) bool {
	return len(uid) == 0 || s.Total <= 1 || jumpHash(fnv64a(uid), s.Total) == s.Index
}

// cutList returns body with the items of other shards removed, or body itself if it is not a
// protobuf list (or cannot be read as one).
func cutList(body []byte, owns func([]byte) bool) []byte {
	unknown, ok := bytes.CutPrefix(body, protobufMagic)
	if !ok {
		return body
	}
	var kind []byte
	var raw pbwire.Field
	at, pos := 0, 0 // where raw starts in unknown
	if !pbwire.Each(unknown, func(f pbwire.Field) bool {
		if f.Type == protowire.BytesType {
			switch f.Num {
			case 1:
				kind = pbwire.First(f.Value, 2)
			case 2:
				raw, at = f, pos
			}
		}
		pos += len(f.Raw)
		return true
	}) || raw.Raw == nil || !bytes.HasSuffix(kind, []byte("List")) {
		return body
	}
	items, ok := cutItems(raw.Value, owns)
	if !ok {
		return body
	}
	// The envelope again, with the shorter raw in place of the old one.
	out := make([]byte, 0, len(body)-len(raw.Value)+len(items))
	out = append(out, protobufMagic...)
	out = append(out, unknown[:at]...)
	out = protowire.AppendTag(out, 2, protowire.BytesType)
	out = protowire.AppendBytes(out, items)
	return append(out, unknown[at+len(raw.Raw):]...)
}

// cutItems copies a list message without the items (field 2) of other shards.
func cutItems(list []byte, owns func([]byte) bool) ([]byte, bool) {
	out := make([]byte, 0, len(list))
	ok := pbwire.Each(list, func(f pbwire.Field) bool {
		if f.Num != 2 || f.Type != protowire.BytesType || owns(uidOf(f.Value)) {
			out = append(out, f.Raw...)
		}
		return true
	})
	return out, ok
}

// uidOf reads metadata.uid of an encoded object; nil if it has none or cannot be read.
func uidOf(object []byte) []byte {
	return pbwire.First(pbwire.First(object, 1), 5)
}

// watchCut reads a protobuf watch stream and passes on only the frames client-go should decode:
// every event but an added, modified or deleted object of another shard. Bookmarks carry the
// resource version the reflector resumes from, so they always pass.
type watchCut struct {
	owns    func([]byte) bool
	body    readAhead
	frame   []byte // the frame being passed on, its length prefix included
	pending []byte // what of frame Read has not returned yet
}

// keptFrame is the largest frame buffer a watch keeps between events; a larger one (a big
// ConfigMap, say) is let go once passed on.
const keptFrame = 64 << 10

func newWatchCut(owns func([]byte) bool, body io.ReadCloser) *watchCut {
	return &watchCut{owns: owns, body: readAhead{body: body}}
}

func (w *watchCut) Read(p []byte) (int, error) {
	for len(w.pending) == 0 {
		if err := w.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, w.pending)
	w.pending = w.pending[n:]
	return n, nil
}

// next reads frames until one to pass on, and makes it pending.
func (w *watchCut) next() error {
	if cap(w.frame) > keptFrame {
		w.frame = nil
	}
	var header [lengthPrefix]byte
	for {
		if _, err := io.ReadFull(&w.body, header[:]); err != nil {
			return err
		}
		size := int(binary.BigEndian.Uint32(header[:]))
		if size > maxWatchFrame {
			return fmt.Errorf("watch event of %d bytes: longer than the %d a shard reads", size, maxWatchFrame)
		}
		if cap(w.frame) < lengthPrefix+size {
			w.frame = make([]byte, lengthPrefix+size)
		}
		w.frame = w.frame[:lengthPrefix+size]
		copy(w.frame, header[:])
		if _, err := io.ReadFull(&w.body, w.frame[lengthPrefix:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if w.pass(w.frame[lengthPrefix:]) {
			w.pending = w.frame
			return nil
		}
	}
}

// lengthPrefix is a watch frame's 4-byte big-endian length.
const lengthPrefix = 4

// readAhead is a watch stream's body read in large pieces (watchReadSize) into a buffer lent by
// readAheadPool only while it holds unread bytes. Readers of a watch stream read a frame's length
// prefix, then the frame; a read of a length prefix (or less) on a drained stream gives the buffer
// back and goes straight to the body, so a watch waits for its next event holding no buffer: a
// synced watch is idle nearly all the time, and an instance runs some thirty of them.
type readAhead struct {
	body  io.ReadCloser
	lent  *[]byte // from readAheadPool while ahead is not empty
	ahead []byte  // read from body, not yet taken
}

var readAheadPool = sync.Pool{New: func() any { b := make([]byte, watchReadSize); return &b }}

func (r *readAhead) Read(p []byte) (int, error) {
	for len(r.ahead) == 0 {
		if len(p) <= lengthPrefix {
			if r.lent != nil {
				readAheadPool.Put(r.lent)
				r.lent = nil
			}
			return r.body.Read(p)
		}
		if r.lent == nil {
			r.lent = readAheadPool.Get().(*[]byte)
		}
		n, err := r.body.Read(*r.lent)
		r.ahead = (*r.lent)[:n]
		if n == 0 && err != nil {
			return 0, err
		} // with n > 0, an error comes again from the next read
	}
	n := copy(p, r.ahead)
	r.ahead = r.ahead[n:]
	return n, nil
}

// Close closes the body. It leaves the buffer alone: client-go closes a watch from another
// goroutine while its reader may be in Read.
func (r *readAhead) Close() error { return r.body.Close() }

// pass reports whether a watch event goes on to client-go.
func (w *watchCut) pass(event []byte) bool {
	switch string(pbwire.First(event, 1)) {
	case "ADDED", "MODIFIED", "DELETED":
	default:
		return true
	}
	body, ok := bytes.CutPrefix(pbwire.First(pbwire.First(event, 2), 1), protobufMagic)
	if !ok {
		return true
	}
	return w.owns(uidOf(pbwire.First(body, 2)))
}

func (w *watchCut) Close() error { return w.body.Close() }
