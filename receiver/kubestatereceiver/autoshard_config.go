package kubestatereceiver

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// AutoShardingConfig names the pod this collector runs in (from the downward API): its StatefulSet
// ordinal is the shard, the StatefulSet's spec.replicas the number of shards.
type AutoShardingConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// PodName is this pod's name, <statefulset>-<ordinal> (downward API: metadata.name).
	PodName string `mapstructure:"pod_name"`
	// PodNamespace is this pod's namespace (downward API: metadata.namespace).
	PodNamespace string `mapstructure:"pod_namespace"`
}

// validate refuses an auto_sharding that cannot name its pod, or that is combined with settings
// it replaces or cannot keep correct.
func (a *AutoShardingConfig) validate(c *Config, bad func(string, ...any)) {
	if !a.Enabled {
		return
	}
	if a.PodName == "" {
		bad("auto_sharding.pod_name must be set when auto_sharding.enabled is true (the pod's name, from the downward API: ${env:POD_NAME})")
	} else if _, ok := podOrdinal(a.PodName); !ok || len(validation.IsDNS1123Subdomain(a.PodName)) > 0 {
		bad("auto_sharding.pod_name %q is not the name of a StatefulSet's pod (<statefulset>-<ordinal>)", a.PodName)
	}
	if a.PodNamespace == "" {
		bad("auto_sharding.pod_namespace must be set when auto_sharding.enabled is true (the pod's namespace, from the downward API: ${env:POD_NAMESPACE})")
	} else if msgs := validation.IsDNS1123Label(a.PodNamespace); len(msgs) > 0 {
		bad("auto_sharding.pod_namespace %q is not a valid namespace name: %s", a.PodNamespace, strings.Join(msgs, "; "))
	}
	if c.Shard != 0 || c.TotalShards != 1 {
		bad("auto_sharding and shard/total_shards are mutually exclusive: auto_sharding takes them from the StatefulSet (got shard %d, total_shards %d)", c.Shard, c.TotalShards)
	}
	if c.LeaderElection.Enabled {
		// One Lease per shard would have to follow the shard through every re-shard (and two
		// StatefulSets scaled apart would compete for one Lease with different shardings).
		bad("auto_sharding and leader_election cannot be combined: a StatefulSet's ordinals are unique, and one Lease per shard cannot follow a re-shard; run sharded HA with shard/total_shards and leader_election")
	}
}

// podOrdinal is the ordinal of a StatefulSet's pod: the number after the last '-' of its name.
func podOrdinal(pod string) (int, bool) {
	i := strings.LastIndexByte(pod, '-')
	if i <= 0 || i == len(pod)-1 {
		return 0, false
	}
	n := 0
	for _, ch := range pod[i+1:] {
		if ch < '0' || ch > '9' || n > 1<<20 {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, true
}
