// Package resources holds one file per Kubernetes resource, each a flat table of KSM's metric
// families for it (grep a family name to find its definition), and the registry of all of them.
package resources

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// lister is the List/Watch pair every typed client offers.
type lister[L runtime.Object] interface {
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

func listWatch[L runtime.Object](l lister[L], fieldSelector string) cache.ListerWatcher {
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = fieldSelector
			return l.List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = fieldSelector
			return l.Watch(ctx, opts)
		},
	}
}

// namespacedListWatch adapts a typed client getter (per namespace) to Resource.ListWatch.
func namespacedListWatch[L runtime.Object](get func(c engine.Clients, namespace string) lister[L]) func(engine.Clients, string, string) cache.ListerWatcher {
	return func(c engine.Clients, namespace, fieldSelector string) cache.ListerWatcher {
		return listWatch(get(c, namespace), fieldSelector)
	}
}

// clusterListWatch adapts a cluster-scoped typed client getter to Resource.ListWatch.
func clusterListWatch[L runtime.Object](get func(c engine.Clients) lister[L]) func(engine.Clients, string, string) cache.ListerWatcher {
	return func(c engine.Clients, _ string, fieldSelector string) cache.ListerWatcher {
		return listWatch(get(c), fieldSelector)
	}
}
