package engine

import "k8s.io/apimachinery/pkg/types"

// Shard selects the objects one instance exports when several split a cluster, exactly as
// kube-state-metrics' --shard/--total-shards do, so that a mixed fleet (KSM shard 0, kubestate shard
// 1 of 2) covers every object exactly once: an object belongs to shard
// jumpHash(fnv64a(uid), Total). The zero value, like {0, 1}, keeps every object.
type Shard struct {
	Index, Total int
}

// Owns reports whether the object with this uid belongs to the shard.
func (s Shard) Owns(uid types.UID) bool {
	if s.Total <= 1 {
		return true
	}
	return jumpHash(fnv64a(uid), s.Total) == s.Index
}

// fnv64a is FNV-1a (64 bits) of s, as hash/fnv computes it, without allocating a hasher and a
// byte copy for every object the reflector delivers.
func fnv64a[T ~string | ~[]byte](s T) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// jumpHash is Lamping and Veach's jump consistent hash ("A Fast, Minimal Memory, Consistent Hash
// Algorithm", 2014): the bucket in [0, buckets) of key; growing buckets from n to n+1 moves only
// 1/(n+1) of the keys, which is what lets a fleet re-shard without reshuffling everything.
func jumpHash(key uint64, buckets int) int {
	b, j := int64(-1), int64(0)
	for j < int64(buckets) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}
