package resources

import (
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Resource quantities as KSM exports them: nodes' capacity and allocatable, containers' requests
// and limits. One place, so the two cannot drift apart.

// KSM's resource units (its pkg/constant).
const (
	unitByte    = "byte"
	unitCore    = "core"
	unitInteger = "integer"
)

// resourceLabelChar is what KSM replaces with "_" in a resource name used as a label value.
var resourceLabelChar = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// resourceLabel is a resource name as KSM puts it in its resource label.
func resourceLabel(name corev1.ResourceName) string {
	return resourceLabelChar.ReplaceAllString(string(name), "_")
}

// resourceUnits calls f with the unit of each point KSM emits for a resource: cpu in cores;
// storage, ephemeral storage and memory in bytes; pods as an integer if countPods (nodes count
// them, containers do not); hugepages-* and attachable-volumes-* in bytes; extended resources as
// integers. The last three are not exclusive: "hugepages-x/y" is both a huge page size and an
// extended resource, and KSM emits both points. Other resources get none.
func resourceUnits(name corev1.ResourceName, countPods bool, f func(unit string)) {
	switch name {
	case corev1.ResourceCPU:
		f(unitCore)
	case corev1.ResourceStorage, corev1.ResourceEphemeralStorage, corev1.ResourceMemory:
		f(unitByte)
	case corev1.ResourcePods:
		if countPods {
			f(unitInteger)
		}
	default:
		if strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			f(unitByte)
		}
		if strings.HasPrefix(string(name), corev1.ResourceAttachableVolumesPrefix) {
			f(unitByte)
		}
		if isExtendedResource(name) {
			f(unitInteger)
		}
	}
}

// isExtendedResource is Kubernetes' extended resource test, as KSM applies it: a domain-prefixed
// name outside kubernetes.io that stays a qualified name once quota's "requests." is prepended.
func isExtendedResource(name corev1.ResourceName) bool {
	s := string(name)
	if !strings.Contains(s, "/") || strings.Contains(s, corev1.ResourceDefaultNamespacePrefix) || strings.HasPrefix(s, corev1.DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix+s)) == 0
}
