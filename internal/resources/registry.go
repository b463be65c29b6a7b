package resources

import (
	"slices"

	"github.com/kubestate/kubestate/internal/family"
)

// All lists every resource kubestate can watch (KSM v2.20.0's 39), in KSM's order of names.
var All = []family.AnyResource{
	CertificateSigningRequests,
	ClusterRoles,
	ClusterRoleBindings,
	ConfigMaps,
	CronJobs,
	DaemonSets,
	Deployments,
	Endpoints,
	EndpointSlices,
	HorizontalPodAutoscalers,
	Ingresses,
	IngressClasses,
	Jobs,
	Leases,
	LimitRanges,
	MutatingAdmissionPolicies,
	MutatingAdmissionPolicyBindings,
	MutatingWebhookConfigurations,
	Namespaces,
	NetworkPolicies,
	Nodes,
	PersistentVolumes,
	PersistentVolumeClaims,
	Pods,
	PodDisruptionBudgets,
	ReplicaSets,
	ReplicationControllers,
	ResourceQuotas,
	Roles,
	RoleBindings,
	Secrets,
	Services,
	ServiceAccounts,
	StatefulSets,
	StorageClasses,
	ValidatingAdmissionPolicies,
	ValidatingAdmissionPolicyBindings,
	ValidatingWebhookConfigurations,
	VolumeAttachments,
}

// ByName finds a resource by its plural name.
func ByName(name string) (family.AnyResource, bool) {
	i := slices.IndexFunc(All, func(m family.AnyResource) bool { return m.ResourceName() == name })
	if i < 0 {
		return nil, false
	}
	return All[i], true
}

// Names lists every resource name.
func Names() []string {
	out := make([]string, len(All))
	for i, m := range All {
		out[i] = m.ResourceName()
	}
	return out
}

// DefaultNames lists the resources KSM watches when none are configured.
func DefaultNames() []string {
	var out []string
	for _, m := range All {
		if m.IsDefault() {
			out = append(out, m.ResourceName())
		}
	}
	return out
}
