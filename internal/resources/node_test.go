package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

// nodeResourceFamilies are the families KSM's resource test cases look at.
var nodeResourceFamilies = []string{
	"kube_node_status_capacity", "kube_node_status_allocatable", "kube_node_spec_unschedulable",
	"kube_node_labels", "kube_node_role", "kube_node_info", "kube_node_created",
}

func nodeWithResources(memory string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:              "127.0.0.1",
			CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
			Labels:            map[string]string{"node-role.kubernetes.io/master": ""},
		},
		Spec: corev1.NodeSpec{
			Unschedulable: true,
			ProviderID:    "provider://i-randomidentifier",
			PodCIDR:       "172.24.10.0/24",
		},
		Status: corev1.NodeStatus{
			NodeInfo: corev1.NodeSystemInfo{
				KernelVersion:           "kernel",
				KubeletVersion:          "kubelet",
				KubeProxyVersion:        "kubeproxy",
				OSImage:                 "osimage",
				ContainerRuntimeVersion: "rkt",
				SystemUUID:              "6a934e21-5207-4a84-baea-3a952d926c80",
			},
			Addresses: []corev1.NodeAddress{{Type: "InternalIP", Address: "1.2.3.4"}},
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU:                    resource.MustParse("4.3"),
				corev1.ResourceMemory:                 resource.MustParse(memory),
				corev1.ResourcePods:                   resource.MustParse("1000"),
				corev1.ResourceStorage:                resource.MustParse("3G"),
				corev1.ResourceEphemeralStorage:       resource.MustParse("4G"),
				corev1.ResourceName("nvidia.com/gpu"): resource.MustParse("4"),
			},
			Allocatable: corev1.ResourceList{
				corev1.ResourceCPU:                    resource.MustParse("3"),
				corev1.ResourceMemory:                 resource.MustParse("1G"),
				corev1.ResourcePods:                   resource.MustParse("555"),
				corev1.ResourceStorage:                resource.MustParse("2G"),
				corev1.ResourceEphemeralStorage:       resource.MustParse("3G"),
				corev1.ResourceName("nvidia.com/gpu"): resource.MustParse("1"),
			},
		},
	}
}

const nodeResourceLinesAllocatable = `
	kube_node_created{node="127.0.0.1"} 1.5e+09
	kube_node_info{node="127.0.0.1",kernel_version="kernel",os_image="osimage",container_runtime_version="rkt",kubelet_version="kubelet",kubeproxy_version="deprecated",provider_id="provider://i-randomidentifier",pod_cidr="172.24.10.0/24",system_uuid="6a934e21-5207-4a84-baea-3a952d926c80",internal_ip="1.2.3.4"} 1
	kube_node_role{node="127.0.0.1",role="master"} 1
	kube_node_spec_unschedulable{node="127.0.0.1"} 1
	kube_node_status_allocatable{node="127.0.0.1",resource="cpu",unit="core"} 3
	kube_node_status_allocatable{node="127.0.0.1",resource="ephemeral_storage",unit="byte"} 3e+09
	kube_node_status_allocatable{node="127.0.0.1",resource="memory",unit="byte"} 1e+09
	kube_node_status_allocatable{node="127.0.0.1",resource="nvidia_com_gpu",unit="integer"} 1
	kube_node_status_allocatable{node="127.0.0.1",resource="pods",unit="integer"} 555
	kube_node_status_allocatable{node="127.0.0.1",resource="storage",unit="byte"} 2e+09
	kube_node_status_capacity{node="127.0.0.1",resource="cpu",unit="core"} 4.3
	kube_node_status_capacity{node="127.0.0.1",resource="ephemeral_storage",unit="byte"} 4e+09
	kube_node_status_capacity{node="127.0.0.1",resource="nvidia_com_gpu",unit="integer"} 4
	kube_node_status_capacity{node="127.0.0.1",resource="pods",unit="integer"} 1000
	kube_node_status_capacity{node="127.0.0.1",resource="storage",unit="byte"} 3e+09`

func TestNodeFamilies(t *testing.T) {
	runGolden(t, Nodes, []golden[*corev1.Node]{
		{
			name: "base metrics, unset fields skipped",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.1"},
				Status: corev1.NodeStatus{
					NodeInfo: corev1.NodeSystemInfo{
						KernelVersion:           "kernel",
						KubeletVersion:          "kubelet",
						KubeProxyVersion:        "kubeproxy",
						OSImage:                 "osimage",
						ContainerRuntimeVersion: "rkt",
						SystemUUID:              "6a934e21-5207-4a84-baea-3a952d926c80",
					},
					Addresses: []corev1.NodeAddress{{Type: "InternalIP", Address: "1.2.3.4"}},
				},
				Spec: corev1.NodeSpec{ProviderID: "provider://i-uniqueid", PodCIDR: "172.24.10.0/24"},
			},
			families: []string{"kube_node_spec_unschedulable", "kube_node_labels", "kube_node_info"},
			want: `
				kube_node_info{node="127.0.0.1",kernel_version="kernel",os_image="osimage",container_runtime_version="rkt",kubelet_version="kubelet",kubeproxy_version="deprecated",provider_id="provider://i-uniqueid",pod_cidr="172.24.10.0/24",system_uuid="6a934e21-5207-4a84-baea-3a952d926c80",internal_ip="1.2.3.4"} 1
				kube_node_spec_unschedulable{node="127.0.0.1"} 0`,
		},
		{
			name: "empty node: info with empty labels, unschedulable 0, nothing else",
			obj:  &corev1.Node{},
			want: `
				kube_node_info{node="",kernel_version="",os_image="",container_runtime_version="",kubelet_version="",kubeproxy_version="deprecated",provider_id="",pod_cidr="",system_uuid="",internal_ip=""} 1
				kube_node_spec_unschedulable{node=""} 0`,
		},
		{
			name:     "resources",
			obj:      nodeWithResources("2G"),
			families: nodeResourceFamilies,
			want: nodeResourceLinesAllocatable + `
				kube_node_status_capacity{node="127.0.0.1",resource="memory",unit="byte"} 2e+09`,
		},
		{
			name:     "memory overflow",
			obj:      nodeWithResources("10000T"),
			families: nodeResourceFamilies,
			want: nodeResourceLinesAllocatable + `
				kube_node_status_capacity{node="127.0.0.1",resource="memory",unit="byte"} 1e+16`,
		},
		{
			name: "hugepages, attachable volumes, extended and skipped resources",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "n1"},
				Status: corev1.NodeStatus{
					Capacity: corev1.ResourceList{
						"hugepages-2Mi":              resource.MustParse("1Gi"),
						"hugepages-1Gi":              resource.MustParse("0"),
						"attachable-volumes-aws-ebs": resource.MustParse("39"),
						"example.com/dongle":         resource.MustParse("2"),
						"example.com/fraction":       resource.MustParse("500m"),
						"attachable-volumes-x.io/y":  resource.MustParse("3"), // both attachable and extended
						"kubernetes.io/native":       resource.MustParse("5"), // prefixed native: skipped
						"requests.example.com/q":     resource.MustParse("6"), // quota prefix: skipped
						"example.com/Bad_Name!":      resource.MustParse("7"), // not a qualified name: skipped
						"unknown":                    resource.MustParse("8"), // native, unknown: skipped
					},
					Allocatable: corev1.ResourceList{
						"hugepages-2Mi":      resource.MustParse("512Mi"),
						"example.com/dongle": resource.MustParse("1"),
					},
				},
			},
			families: []string{"kube_node_status_capacity", "kube_node_status_allocatable"},
			want: `
				kube_node_status_capacity{node="n1",resource="hugepages_2Mi",unit="byte"} 1.073741824e+09
				kube_node_status_capacity{node="n1",resource="hugepages_1Gi",unit="byte"} 0
				kube_node_status_capacity{node="n1",resource="attachable_volumes_aws_ebs",unit="byte"} 39
				kube_node_status_capacity{node="n1",resource="example_com_dongle",unit="integer"} 2
				kube_node_status_capacity{node="n1",resource="example_com_fraction",unit="integer"} 0.5
				kube_node_status_capacity{node="n1",resource="attachable_volumes_x_io_y",unit="byte"} 3
				kube_node_status_capacity{node="n1",resource="attachable_volumes_x_io_y",unit="integer"} 3
				kube_node_status_allocatable{node="n1",resource="hugepages_2Mi",unit="byte"} 5.36870912e+08
				kube_node_status_allocatable{node="n1",resource="example_com_dongle",unit="integer"} 1`,
		},
		{
			name: "conditions true",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.1"},
				Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
					{Type: corev1.NodeNetworkUnavailable, Status: corev1.ConditionTrue},
					{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "ok", LastHeartbeatTime: metav1.Time{Time: time.Unix(1600000000, 0)}},
					{Type: corev1.NodeConditionType("CustomizedType"), Status: corev1.ConditionTrue},
				}},
			},
			families: []string{"kube_node_status_condition"},
			want: `
				kube_node_status_condition{node="127.0.0.1",condition="CustomizedType",status="false"} 0
				kube_node_status_condition{node="127.0.0.1",condition="CustomizedType",status="true"} 1
				kube_node_status_condition{node="127.0.0.1",condition="CustomizedType",status="unknown"} 0
				kube_node_status_condition{node="127.0.0.1",condition="NetworkUnavailable",status="false"} 0
				kube_node_status_condition{node="127.0.0.1",condition="NetworkUnavailable",status="true"} 1
				kube_node_status_condition{node="127.0.0.1",condition="NetworkUnavailable",status="unknown"} 0
				kube_node_status_condition{node="127.0.0.1",condition="Ready",status="false"} 0
				kube_node_status_condition{node="127.0.0.1",condition="Ready",status="true"} 1
				kube_node_status_condition{node="127.0.0.1",condition="Ready",status="unknown"} 0`,
		},
		{
			name: "conditions unknown",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.2"},
				Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
					{Type: corev1.NodeNetworkUnavailable, Status: corev1.ConditionUnknown},
					{Type: corev1.NodeReady, Status: corev1.ConditionUnknown},
					{Type: corev1.NodeConditionType("CustomizedType"), Status: corev1.ConditionUnknown},
				}},
			},
			families: []string{"kube_node_status_condition"},
			want: `
				kube_node_status_condition{node="127.0.0.2",condition="CustomizedType",status="false"} 0
				kube_node_status_condition{node="127.0.0.2",condition="CustomizedType",status="true"} 0
				kube_node_status_condition{node="127.0.0.2",condition="CustomizedType",status="unknown"} 1
				kube_node_status_condition{node="127.0.0.2",condition="NetworkUnavailable",status="false"} 0
				kube_node_status_condition{node="127.0.0.2",condition="NetworkUnavailable",status="true"} 0
				kube_node_status_condition{node="127.0.0.2",condition="NetworkUnavailable",status="unknown"} 1
				kube_node_status_condition{node="127.0.0.2",condition="Ready",status="false"} 0
				kube_node_status_condition{node="127.0.0.2",condition="Ready",status="true"} 0
				kube_node_status_condition{node="127.0.0.2",condition="Ready",status="unknown"} 1`,
		},
		{
			name: "conditions false",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.3"},
				Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
					{Type: corev1.NodeNetworkUnavailable, Status: corev1.ConditionFalse},
					{Type: corev1.NodeReady, Status: corev1.ConditionFalse},
					{Type: corev1.NodeConditionType("CustomizedType"), Status: corev1.ConditionFalse},
				}},
			},
			families: []string{"kube_node_status_condition"},
			want: `
				kube_node_status_condition{node="127.0.0.3",condition="CustomizedType",status="false"} 1
				kube_node_status_condition{node="127.0.0.3",condition="CustomizedType",status="true"} 0
				kube_node_status_condition{node="127.0.0.3",condition="CustomizedType",status="unknown"} 0
				kube_node_status_condition{node="127.0.0.3",condition="NetworkUnavailable",status="false"} 1
				kube_node_status_condition{node="127.0.0.3",condition="NetworkUnavailable",status="true"} 0
				kube_node_status_condition{node="127.0.0.3",condition="NetworkUnavailable",status="unknown"} 0
				kube_node_status_condition{node="127.0.0.3",condition="Ready",status="false"} 1
				kube_node_status_condition{node="127.0.0.3",condition="Ready",status="true"} 0
				kube_node_status_condition{node="127.0.0.3",condition="Ready",status="unknown"} 0`,
		},
		{
			name: "taints",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.1"},
				Spec: corev1.NodeSpec{Taints: []corev1.Taint{
					{Key: "node.kubernetes.io/memory-pressure", Value: "true", Effect: corev1.TaintEffectPreferNoSchedule},
					{Key: "Accelerated", Value: "gpu", Effect: corev1.TaintEffectPreferNoSchedule},
					{Key: "Dedicated", Effect: corev1.TaintEffectPreferNoSchedule, TimeAdded: &metav1.Time{Time: time.Unix(1600000000, 0)}},
				}},
			},
			families: []string{"kube_node_spec_taint"},
			want: `
				kube_node_spec_taint{node="127.0.0.1",key="Dedicated",value="",effect="PreferNoSchedule"} 1
				kube_node_spec_taint{node="127.0.0.1",key="Accelerated",value="gpu",effect="PreferNoSchedule"} 1
				kube_node_spec_taint{node="127.0.0.1",key="node.kubernetes.io/memory-pressure",value="true",effect="PreferNoSchedule"} 1`,
		},
		{
			name: "pod cidrs",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.1"},
				Spec:       corev1.NodeSpec{PodCIDRs: []string{"10.244.0.0/24", "2001:db8::/64"}},
			},
			families: []string{"kube_node_spec_pod_cidrs"},
			want: `
				kube_node_spec_pod_cidrs{node="127.0.0.1",pod_cidr="10.244.0.0/24"} 1
				kube_node_spec_pod_cidrs{node="127.0.0.1",pod_cidr="2001:db8::/64"} 1`,
		},
		{
			name: "addresses; info takes the last InternalIP",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: "127.0.0.1"},
				Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
					{Type: "InternalIP", Address: "1.2.3.4"},
					{Type: "InternalIP", Address: "fc00::"},
					{Type: "ExternalIP", Address: "5.6.7.8"},
					{Type: "ExternalIP", Address: "2001:db8::"},
				}},
			},
			families: []string{"kube_node_status_addresses", "kube_node_info"},
			want: `
				kube_node_info{node="127.0.0.1",kernel_version="",os_image="",container_runtime_version="",kubelet_version="",kubeproxy_version="deprecated",provider_id="",pod_cidr="",system_uuid="",internal_ip="fc00::"} 1
				kube_node_status_addresses{node="127.0.0.1",type="InternalIP",address="1.2.3.4"} 1
				kube_node_status_addresses{node="127.0.0.1",type="InternalIP",address="fc00::"} 1
				kube_node_status_addresses{node="127.0.0.1",type="ExternalIP",address="5.6.7.8"} 1
				kube_node_status_addresses{node="127.0.0.1",type="ExternalIP",address="2001:db8::"} 1`,
		},
		{
			name: "roles, labels, annotations, deletion timestamp",
			obj: &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "n1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
					Labels: map[string]string{
						"node-role.kubernetes.io/control-plane": "",
						"node-role.kubernetes.io/worker":        "true",
						"kubernetes.io/hostname":                "n1",
						"topology.kubernetes.io/zone":           "z1",
					},
					Annotations: map[string]string{"node.alpha.kubernetes.io/ttl": "0", "other": "x"},
				},
			},
			filter: family.Filter{
				Labels:      allow(t, "topology.kubernetes.io/zone", "kubernetes.io/hostname"),
				Annotations: allow(t, "node.alpha.kubernetes.io/*"),
			},
			families: []string{"kube_node_role", "kube_node_labels", "kube_node_annotations", "kube_node_created", "kube_node_deletion_timestamp"},
			want: `
				kube_node_annotations{node="n1",annotation_node_alpha_kubernetes_io_ttl="0"} 1
				kube_node_created{node="n1"} 1.5e+09
				kube_node_deletion_timestamp{node="n1"} 1.8e+09
				kube_node_labels{node="n1",label_kubernetes_io_hostname="n1",label_topology_kubernetes_io_zone="z1"} 1
				kube_node_role{node="n1",role="control-plane"} 1
				kube_node_role{node="n1",role="worker"} 1`,
		},
		{
			name: "labels and annotations families empty without an allowlist",
			obj: &corev1.Node{ObjectMeta: metav1.ObjectMeta{
				Name: "n1", Labels: map[string]string{"app": "x"}, Annotations: map[string]string{"a": "b"},
			}},
			families: []string{"kube_node_labels", "kube_node_annotations", "kube_node_deletion_timestamp", "kube_node_created"},
			want:     ``,
		},
	})
}

func TestNodeStrip(t *testing.T) {
	n := nodeWithResources("2G")
	n.Status.Images = []corev1.ContainerImage{{Names: []string{"img"}, SizeBytes: 1}}
	n.Status.VolumesInUse = []corev1.UniqueVolumeName{"v"}
	n.Status.NodeInfo.BootID = "boot"
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Message: "m"}}
	n.Spec.ConfigSource = &corev1.NodeConfigSource{}
	Nodes.Strip(n)
	if n.Status.Images != nil || n.Status.VolumesInUse != nil || n.Status.NodeInfo.BootID != "" || n.Spec.ConfigSource != nil {
		t.Errorf("unread fields kept: %+v", n)
	}
	if n.Status.Conditions[0].Message != "" || n.Status.Conditions[0].Type != corev1.NodeReady {
		t.Errorf("conditions not trimmed to type and status: %+v", n.Status.Conditions)
	}
	if len(n.Status.Capacity) == 0 || n.Spec.ProviderID == "" || n.Status.NodeInfo.KubeletVersion == "" {
		t.Errorf("read fields dropped: %+v", n)
	}
}
