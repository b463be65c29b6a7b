package resources

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ServiceAccounts is KSM's serviceaccounts resource.
var ServiceAccounts = &Resource[*corev1.ServiceAccount]{
	Name:       "serviceaccounts",
	Namespaced: true,
	Prefix:     []string{"namespace", "serviceaccount", "uid"},
	PrefixValues: func(s *corev1.ServiceAccount) []string {
		return []string{s.Namespace, s.Name, string(s.UID)}
	},
	New: func() *corev1.ServiceAccount { return &corev1.ServiceAccount{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.ServiceAccountList] {
		return c.Kube.CoreV1().ServiceAccounts(ns)
	}),
	Strip: func(s *corev1.ServiceAccount) {
		stripMeta(&s.ObjectMeta, metaKept{labels: true, deletion: true})
		for i, r := range s.Secrets {
			s.Secrets[i] = corev1.ObjectReference{Name: r.Name}
		}
	},
	Families: []Family[*corev1.ServiceAccount]{
		{
			Name: "kube_serviceaccount_info", Help: "Information about a service account", Stability: Alpha,
			Labels: []string{"automount_token"},
			Points: func(s *corev1.ServiceAccount, e *Emitter) {
				var automount string // "" when unset
				if s.AutomountServiceAccountToken != nil {
					automount = strconv.FormatBool(*s.AutomountServiceAccountToken)
				}
				e.Add(1, automount)
			},
		},
		{
			Name: "kube_serviceaccount_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(s *corev1.ServiceAccount, e *Emitter) { e.Timestamp(&s.CreationTimestamp) },
		},
		{
			Name: "kube_serviceaccount_deleted", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(s *corev1.ServiceAccount, e *Emitter) { e.Timestamp(s.DeletionTimestamp) },
		},
		{
			Name: "kube_serviceaccount_secret", Help: "Secret being referenced by a service account", Stability: Alpha,
			Labels: []string{"name"},
			Points: func(s *corev1.ServiceAccount, e *Emitter) {
				for _, r := range s.Secrets {
					e.Add(1, r.Name)
				}
			},
		},
		{
			Name: "kube_serviceaccount_image_pull_secret", Help: "Secret being referenced by a service account for the purpose of pulling images", Stability: Alpha,
			Labels: []string{"name"},
			Points: func(s *corev1.ServiceAccount, e *Emitter) {
				for _, r := range s.ImagePullSecrets {
					e.Add(1, r.Name)
				}
			},
		},
		{
			Name: "kube_serviceaccount_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *corev1.ServiceAccount, e *Emitter) { e.Annotations(s.Annotations) },
		},
		{
			Name: "kube_serviceaccount_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *corev1.ServiceAccount, e *Emitter) { e.Labels(s.Labels) },
		},
	},
}
