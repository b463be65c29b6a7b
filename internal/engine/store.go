package engine

import "sync/atomic"

const chunkSize = 256

type chunk [chunkSize]atomic.Pointer[Record]

// Store holds the current Record of every object one informer knows.
//
// Exactly one goroutine writes a Store (its informer's handler goroutine: client-go calls one
// handler's callbacks sequentially); any number read it concurrently. Writers publish with atomic
// stores, readers use atomic loads only, so neither ever blocks the other.
type Store struct {
	// Written by the writer only.
	index map[string]int32 // object key -> slot
	free  []int32

	// Shared. Slots [0, high) of the chunks in dir may hold records. dir is copy-on-write: a new
	// directory is published before high grows into it, so a reader that sees high sees its chunks.
	dir    atomic.Pointer[[]*chunk]
	high   atomic.Int32
	size   atomic.Int64 // objects held, for telemetry
	points atomic.Int64 // points of the records held: how many batches a cycle will make
}

// NewStore returns an empty Store.
func NewStore() *Store {
	s := &Store{index: map[string]int32{}}
	s.dir.Store(&[]*chunk{})
	return s
}

// Put publishes rec as the current record of key. Writer only.
func (s *Store) Put(key string, rec *Record) {
	i, ok := s.index[key]
	if !ok {
		i = s.alloc()
		s.index[key] = i
		s.size.Add(1)
	}
	dir := *s.dir.Load()
	if old := dir[i/chunkSize][i%chunkSize].Swap(rec); old != nil {
		s.points.Add(-int64(old.Len()))
	}
	s.points.Add(int64(rec.Len()))
	if i >= s.high.Load() {
		s.high.Store(i + 1)
	}
}

// Delete removes key's record. Writer only.
func (s *Store) Delete(key string) {
	i, ok := s.index[key]
	if !ok {
		return
	}
	dir := *s.dir.Load()
	if old := dir[i/chunkSize][i%chunkSize].Swap(nil); old != nil {
		s.points.Add(-int64(old.Len()))
	}
	delete(s.index, key)
	s.free = append(s.free, i)
	s.size.Add(-1)
}

// Retain deletes every key not in keep. Writer only.
func (s *Store) Retain(keep map[string]struct{}) {
	for key := range s.index {
		if _, ok := keep[key]; !ok {
			s.Delete(key)
		}
	}
}

// Load appends the record of every slot [0, high) to dst, nil for empty slots, loading each slot
// exactly once: slot i of the Store is element i. Safe from any goroutine, like Range.
func (s *Store) Load(dst []*Record) []*Record {
	high := s.high.Load() // before dir: a high seen implies its chunks are published
	dir := *s.dir.Load()
	for i := int32(0); i < high; i++ {
		dst = append(dst, dir[i/chunkSize][i%chunkSize].Load())
	}
	return dst
}

// Len is the number of objects held; safe from any goroutine.
func (s *Store) Len() int { return int(s.size.Load()) }

// Points is the number of points of the records held; safe from any goroutine.
func (s *Store) Points() int { return int(s.points.Load()) }

func (s *Store) alloc() int32 {
	if n := len(s.free); n > 0 {
		i := s.free[n-1]
		s.free = s.free[:n-1]
		return i
	}
	i := s.high.Load()
	dir := *s.dir.Load()
	if int(i) >= len(dir)*chunkSize {
		grown := make([]*chunk, len(dir)+1)
		copy(grown, dir)
		grown[len(dir)] = new(chunk)
		s.dir.Store(&grown)
	}
	return i
}

// Range calls fn with every record present, loading each slot exactly once. Safe from any goroutine,
// concurrently with the writer; it never blocks it. Stops early if fn returns false.
func (s *Store) Range(fn func(*Record) bool) {
	high := s.high.Load() // before dir: a high seen implies its chunks are published
	dir := *s.dir.Load()
	for i := int32(0); i < high; i++ {
		if r := dir[i/chunkSize][i%chunkSize].Load(); r != nil {
			if !fn(r) {
				return
			}
		}
	}
}
