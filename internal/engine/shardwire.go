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
// TestShardedEngineDecodesOnlyItsShard)

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
// client-go without the objects of other shards (see above). With Total <= 1 it returns rt.
func (s Shard) Transport(rt http.RoundTripper) http.RoundTripper {
	if s.Total <= 1 {
		return rt
	}
	return &shardTransport{shard: s, next: rt}
}

type shardTransport struct {
	shard Shard
	next  http.RoundTripper
}

func (t *shardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "" {
		return resp, err
	}
	mt, params, perr := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if perr != nil || mt != protobufMediaType {
		return resp, nil
	}
	if params["stream"] == "watch" {
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
	body    io.ReadCloser
	lent    *[]byte // read-ahead buffer from readAheadPool, held only while ahead is not empty
	ahead   []byte  // bytes of body read ahead and not yet taken
	frame   []byte  // the frame being passed on, its length prefix included
	pending []byte  // what of frame Read has not returned yet
}

// readAheadPool lends watch streams their read-ahead buffers only while they hold unread bytes: a
// synced watch is idle nearly all the time, and a shard runs some thirty of them.
var readAheadPool = sync.Pool{New: func() any { b := make([]byte, watchReadSize); return &b }}

// keptFrame is the largest frame buffer a watch keeps between events; a larger one (a big
// ConfigMap, say) is let go once passed on.
const keptFrame = 64 << 10

func newWatchCut(owns func([]byte) bool, body io.ReadCloser) *watchCut {
	return &watchCut{owns: owns, body: body}
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
	var header [4]byte
	for {
		if err := w.readFull(header[:], true); err != nil {
			return err
		}
		size := int(binary.BigEndian.Uint32(header[:]))
		if size > maxWatchFrame {
			return fmt.Errorf("watch event of %d bytes: longer than the %d a shard reads", size, maxWatchFrame)
		}
		if cap(w.frame) < 4+size {
			w.frame = make([]byte, 4+size)
		}
		w.frame = w.frame[:4+size]
		copy(w.frame, header[:])
		if err := w.readFull(w.frame[4:], false); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if w.pass(w.frame[4:]) {
			w.pending = w.frame
			return nil
		}
	}
}

// readFull fills p, first from what was read ahead, then by reading ahead in large pieces. Between
// events (between, set for a frame's length prefix) a drained stream gives its buffer back and waits
// for the next event with a read straight into p, so an idle watch holds no buffer. It returns
// io.EOF only if the stream ended before p's first byte.
func (w *watchCut) readFull(p []byte, between bool) error {
	for read := 0; read < len(p); {
		if len(w.ahead) > 0 {
			n := copy(p[read:], w.ahead)
			w.ahead, read = w.ahead[n:], read+n
			continue
		}
		var n int
		var err error
		if between && read == 0 {
			if w.lent != nil {
				readAheadPool.Put(w.lent)
				w.lent = nil
			}
			n, err = w.body.Read(p)
		} else {
			if w.lent == nil {
				w.lent = readAheadPool.Get().(*[]byte)
			}
			n, err = w.body.Read(*w.lent)
			w.ahead, n = (*w.lent)[:n], 0
		}
		read += n
		if len(w.ahead) > 0 || read == len(p) {
			continue // an error comes again from the next read
		}
		if err == io.EOF && read > 0 {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
	}
	return nil
}

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
