package resources

import (
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

// podAllFamilies enables every family, opt-in ones included, as KSM's own tests do.
func podAllFamilies(string, bool) bool { return true }

// TestPodFamiliesKSM ports the cases of KSM v2.20.0's TestPodStore (internal/store/pod_test.go): same
// objects, same expected series (labels in exposition order), and the families its MetricNames
// select (KSM matches them as substrings of the series names).
func TestPodFamiliesKSM(t *testing.T) {
	var test = true
	runtimeclass := "foo"
	startTime := 1501569018
	metav1StartTime := metav1.Unix(int64(startTime), 0)
	restartPolicyAlways := corev1.ContainerRestartPolicyAlways

	runGolden(t, Pods, []golden[*corev1.Pod]{
		{
			name: "ksm 0: resourceclaim_info",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					ResourceClaims: []corev1.PodResourceClaim{
						{Name: "gpu", ResourceClaimName: ptr.To("shared-gpu-claim")},
						{Name: "gpu-tmpl", ResourceClaimTemplateName: ptr.To("gpu-template")},
					},
				},
				Status: corev1.PodStatus{
					ResourceClaimStatuses: []corev1.PodResourceClaimStatus{
						{Name: "gpu-tmpl", ResourceClaimName: ptr.To("pod1-gpu-tmpl-abcde")},
					},
				},
			},
			families: []string{"kube_pod_resourceclaim_info"},
			want: `
				kube_pod_resourceclaim_info{namespace="ns1",pod="pod1",uid="uid1",claim_name="gpu",resourceclaim_name="shared-gpu-claim",resourceclaim_template_name=""} 1
				kube_pod_resourceclaim_info{namespace="ns1",pod="pod1",uid="uid1",claim_name="gpu-tmpl",resourceclaim_name="pod1-gpu-tmpl-abcde",resourceclaim_template_name="gpu-template"} 1`,
		},
		{
			name: "ksm 1: resourceclaim_info",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					ResourceClaims: []corev1.PodResourceClaim{
						// Template-backed claim with no status resolution yet (pending):
						// resourceclaim_name stays empty but the series is still emitted.
						{Name: "pending", ResourceClaimTemplateName: ptr.To("gpu-template")},
						// Malformed entry with neither name nor template set -> skipped.
						{Name: "bad"},
					},
				},
			},
			families: []string{"kube_pod_resourceclaim_info"},
			want: `
				kube_pod_resourceclaim_info{namespace="ns2",pod="pod2",uid="uid2",claim_name="pending",resourceclaim_name="",resourceclaim_template_name="gpu-template"} 1`,
		},
		{
			name: "ksm 2: container_info",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container1",
							Image: "k8s.gcr.io/hyperkube1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:        "container1",
							Image:       "k8s.gcr.io/hyperkube1",
							ImageID:     "docker://sha256:aaa",
							ContainerID: "docker://ab123",
						},
					},
				},
			},
			families: []string{"kube_pod_container_info"},
			want: `
				kube_pod_container_info{namespace="ns1",pod="pod1",uid="uid1",container="container1",image_spec="k8s.gcr.io/hyperkube1_spec",image="k8s.gcr.io/hyperkube1",image_id="docker://sha256:aaa",container_id="docker://ab123"} 1`,
		},
		{
			name: "ksm 3: container_info init_container_info",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container2",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container3",
							Image: "k8s.gcr.io/hyperkube3_spec",
						},
					},
					InitContainers: []corev1.Container{
						{
							Name:          "initContainer",
							Image:         "k8s.gcr.io/initfoo_spec",
							RestartPolicy: &restartPolicyAlways,
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:        "container2",
							Image:       "k8s.gcr.io/hyperkube2",
							ImageID:     "docker://sha256:bbb",
							ContainerID: "docker://cd456",
						},
						{
							Name:        "container3",
							Image:       "k8s.gcr.io/hyperkube3",
							ImageID:     "docker://sha256:ccc",
							ContainerID: "docker://ef789",
						},
					},
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name:        "initContainer",
							Image:       "k8s.gcr.io/initfoo",
							ImageID:     "docker://sha256:wxyz",
							ContainerID: "docker://ef123",
						},
					},
				},
			},
			families: []string{"kube_pod_container_info", "kube_pod_init_container_info"},
			want: `
				kube_pod_container_info{namespace="ns2",pod="pod2",uid="uid2",container="container2",image_spec="k8s.gcr.io/hyperkube2_spec",image="k8s.gcr.io/hyperkube2",image_id="docker://sha256:bbb",container_id="docker://cd456"} 1
				kube_pod_container_info{namespace="ns2",pod="pod2",uid="uid2",container="container3",image_spec="k8s.gcr.io/hyperkube3_spec",image="k8s.gcr.io/hyperkube3",image_id="docker://sha256:ccc",container_id="docker://ef789"} 1
				kube_pod_init_container_info{namespace="ns2",pod="pod2",uid="uid2",container="initContainer",image_spec="k8s.gcr.io/initfoo_spec",image="k8s.gcr.io/initfoo",image_id="docker://sha256:wxyz",container_id="docker://ef123",restart_policy="Always"} 1`,
		},
		{
			name: "ksm 4: container_status_ready",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container1",
							Image: "k8s.gcr.io/hyperkube1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:  "container1",
							Ready: true,
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_ready"},
			want: `
				kube_pod_container_status_ready{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 1`,
		},
		{
			name: "ksm 5: container_status_ready",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container2",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container3",
							Image: "k8s.gcr.io/hyperkube3_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:  "container2",
							Ready: true,
						},
						{
							Name:  "container3",
							Ready: false,
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_ready"},
			want: `
				kube_pod_container_status_ready{namespace="ns2",pod="pod2",uid="uid2",container="container2"} 1
				kube_pod_container_status_ready{namespace="ns2",pod="pod2",uid="uid2",container="container3"} 0`,
		},
		{
			name: "ksm 6: init_container_status_ready",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod3",
					Namespace: "ns3",
					UID:       "uid3",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container2",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container3",
							Image: "k8s.gcr.io/hyperkube3_spec",
						},
					},
					InitContainers: []corev1.Container{
						{
							Name:  "initcontainer1",
							Image: "k8s.gcr.io/initfoo_spec",
						},
						{
							Name:  "initcontainer2",
							Image: "k8s.gcr.io/initfoo_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:  "container2",
							Ready: true,
						},
						{
							Name:  "container3",
							Ready: false,
						},
					},
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name:  "initcontainer1",
							Ready: true,
						},
						{
							Name:  "initcontainer2",
							Ready: false,
						},
					},
				},
			},
			families: []string{"kube_pod_init_container_status_ready"},
			want: `
				kube_pod_init_container_status_ready{namespace="ns3",pod="pod3",uid="uid3",container="initcontainer1"} 1
				kube_pod_init_container_status_ready{namespace="ns3",pod="pod3",uid="uid3",container="initcontainer2"} 0`,
		},
		{
			name: "ksm 7: container_status_restarts_total",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container1",
							Image: "k8s.gcr.io/hyperkube1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:         "container1",
							RestartCount: 0,
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_restarts_total"},
			want: `
				kube_pod_container_status_restarts_total{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 0`,
		},
		{
			name: "ksm 8: init_container_status_restarts_total",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{
						{
							Name:  "initcontainer1",
							Image: "k8s.gcr.io/initfoo_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name:         "initcontainer1",
							RestartCount: 1,
						},
					},
				},
			},
			families: []string{"kube_pod_init_container_status_restarts_total"},
			want: `
				kube_pod_init_container_status_restarts_total{namespace="ns2",pod="pod2",uid="uid2",container="initcontainer1"} 1`,
		},
		{
			name: "ksm 9: container_status_restarts_total",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container2",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container3",
							Image: "k8s.gcr.io/hyperkube3_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:         "container2",
							RestartCount: 0,
						},
						{
							Name:         "container3",
							RestartCount: 1,
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_restarts_total"},
			want: `
				kube_pod_container_status_restarts_total{namespace="ns2",pod="pod2",uid="uid2",container="container2"} 0
				kube_pod_container_status_restarts_total{namespace="ns2",pod="pod2",uid="uid2",container="container3"} 1`,
		},
		{
			name: "ksm 10: init_container_status_restarts_total",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{
						{
							Name:  "initcontainer2",
							Image: "k8s.gcr.io/initfoo_spec",
						},
						{
							Name:  "initcontainer3",
							Image: "k8s.gcr.io/initfoo_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name:         "initcontainer2",
							RestartCount: 0,
						},
						{
							Name:         "initcontainer3",
							RestartCount: 1,
						},
					},
				},
			},
			families: []string{"kube_pod_init_container_status_restarts_total"},
			want: `
				kube_pod_init_container_status_restarts_total{namespace="ns2",pod="pod2",uid="uid2",container="initcontainer2"} 0
				kube_pod_init_container_status_restarts_total{namespace="ns2",pod="pod2",uid="uid2",container="initcontainer3"} 1`,
		},
		{
			name: "ksm 11: container_status_running container_state_started container_status_waiting container_status_terminated container_status_terminated_reason init_container_status_running init_container_status_waiting init_container_status_waiting_reason init_container_status_terminated init_container_status_terminated_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container1",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
					},
					InitContainers: []corev1.Container{
						{
							Name:  "initcontainer1",
							Image: "k8s.gcr.io/initfoo_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container1",
							State: corev1.ContainerState{
								Running: &corev1.ContainerStateRunning{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
						},
					},
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "initcontainer1",
							State: corev1.ContainerState{
								Running: &corev1.ContainerStateRunning{},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_state_started", "kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason", "kube_pod_init_container_status_running", "kube_pod_init_container_status_terminated", "kube_pod_init_container_status_terminated_reason", "kube_pod_init_container_status_waiting", "kube_pod_init_container_status_waiting_reason"},
			want: `
				kube_pod_container_state_started{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 1.501777018e+09
				kube_pod_container_status_running{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 1
				kube_pod_container_status_terminated{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 0
				kube_pod_container_status_waiting{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 0
				kube_pod_init_container_status_running{namespace="ns1",pod="pod1",uid="uid1",container="initcontainer1"} 1
				kube_pod_init_container_status_terminated{namespace="ns1",pod="pod1",uid="uid1",container="initcontainer1"} 0
				kube_pod_init_container_status_waiting{namespace="ns1",pod="pod1",uid="uid1",container="initcontainer1"} 0`,
		},
		{
			name: "ksm 12: container_status_running container_state_started container_status_waiting container_status_terminated container_status_terminated_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container1",
							Image: "k8s.gcr.io/hyperkube1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container1",
							State: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
									Reason: "Completed",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_state_started", "kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_state_started{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 1.501777018e+09
				kube_pod_container_status_running{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 0
				kube_pod_container_status_terminated_reason{namespace="ns1",pod="pod1",uid="uid1",container="container1",reason="Completed"} 1
				kube_pod_container_status_terminated{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 1
				kube_pod_container_status_waiting{namespace="ns1",pod="pod1",uid="uid1",container="container1"} 0`,
		},
		{
			name: "ksm 13: container_status_running container_state_started container_status_waiting container_status_terminated container_status_terminated_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container2",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container3",
							Image: "k8s.gcr.io/hyperkube3_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container2",
							State: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
									Reason:   "OOMKilled",
									ExitCode: 137,
								},
							},
						},
						{
							Name: "container3",
							State: corev1.ContainerState{
								Waiting: &corev1.ContainerStateWaiting{
									Reason: "ContainerCreating",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_state_started", "kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_status_running{namespace="ns2",pod="pod2",uid="uid2",container="container2"} 0
				kube_pod_container_status_running{namespace="ns2",pod="pod2",uid="uid2",container="container3"} 0
				kube_pod_container_state_started{namespace="ns2",pod="pod2",uid="uid2",container="container2"} 1.501777018e+09
				kube_pod_container_status_terminated_reason{namespace="ns2",pod="pod2",uid="uid2",container="container2",reason="OOMKilled"} 1
				kube_pod_container_status_terminated{namespace="ns2",pod="pod2",uid="uid2",container="container2"} 1
				kube_pod_container_status_terminated{namespace="ns2",pod="pod2",uid="uid2",container="container3"} 0
				kube_pod_container_status_waiting_reason{namespace="ns2",pod="pod2",uid="uid2",container="container3",reason="ContainerCreating"} 1
				kube_pod_container_status_waiting{namespace="ns2",pod="pod2",uid="uid2",container="container2"} 0
				kube_pod_container_status_waiting{namespace="ns2",pod="pod2",uid="uid2",container="container3"} 1`,
		},
		{
			name: "ksm 14: container_status_running container_status_terminated container_status_terminated_reason container_status_waiting container_status_waiting_reason container_status_last_terminated_reason container_status_last_terminated_exitcode",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod3",
					Namespace: "ns3",
					UID:       "uid3",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container4",
							Image: "k8s.gcr.io/hyperkube4_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container4",
							State: corev1.ContainerState{
								Waiting: &corev1.ContainerStateWaiting{
									Reason: "CrashLoopBackOff",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_last_terminated_reason", "kube_pod_container_status_last_terminated_exitcode", "kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_status_running{namespace="ns3",pod="pod3",uid="uid3",container="container4"} 0
				kube_pod_container_status_terminated{namespace="ns3",pod="pod3",uid="uid3",container="container4"} 0
				kube_pod_container_status_waiting_reason{namespace="ns3",pod="pod3",uid="uid3",container="container4",reason="CrashLoopBackOff"} 1
				kube_pod_container_status_waiting{namespace="ns3",pod="pod3",uid="uid3",container="container4"} 1`,
		},
		{
			name: "ksm 15: container_status_last_terminated_reason container_status_last_terminated_exitcode container_status_last_terminated_timestamp container_status_running container_state_started container_status_terminated container_status_terminated_reason container_status_waiting",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod6",
					Namespace: "ns6",
					UID:       "uid6",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container7",
							Image: "k8s.gcr.io/hyperkube7_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container7",
							State: corev1.ContainerState{
								Running: &corev1.ContainerStateRunning{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
							LastTerminationState: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									Reason:   "OOMKilled",
									ExitCode: 137,
									FinishedAt: metav1.Time{
										Time: time.Unix(1501779547, 0),
									},
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_state_started", "kube_pod_container_status_last_terminated_reason", "kube_pod_container_status_last_terminated_exitcode", "kube_pod_container_status_last_terminated_timestamp", "kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_status_running{namespace="ns6",pod="pod6",uid="uid6",container="container7"} 1
				kube_pod_container_state_started{namespace="ns6",pod="pod6",uid="uid6",container="container7"} 1.501777018e+09
				kube_pod_container_status_terminated{namespace="ns6",pod="pod6",uid="uid6",container="container7"} 0
				kube_pod_container_status_waiting{namespace="ns6",pod="pod6",uid="uid6",container="container7"} 0
				kube_pod_container_status_last_terminated_reason{namespace="ns6",pod="pod6",uid="uid6",container="container7",reason="OOMKilled"} 1
				kube_pod_container_status_last_terminated_exitcode{namespace="ns6",pod="pod6",uid="uid6",container="container7"} 137
				kube_pod_container_status_last_terminated_timestamp{namespace="ns6",pod="pod6",uid="uid6",container="container7"} 1.501779547e+09`,
		},
		{
			name: "ksm 16: container_status_running container_state_started container_status_terminated container_status_terminated_reason container_status_last_terminated_timestamp container_status_waiting container_status_last_terminated_reason container_status_last_terminated_exitcode",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod7",
					Namespace: "ns7",
					UID:       "uid7",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container7",
							Image: "k8s.gcr.io/hyperkube7_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container7",
							State: corev1.ContainerState{
								Running: &corev1.ContainerStateRunning{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
							LastTerminationState: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									Reason:   "DeadlineExceeded",
									ExitCode: 143,
									FinishedAt: metav1.Time{
										Time: time.Unix(1501779547, 0),
									},
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_state_started", "kube_pod_container_status_last_terminated_reason", "kube_pod_container_status_last_terminated_exitcode", "kube_pod_container_status_last_terminated_timestamp", "kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_state_started{namespace="ns7",pod="pod7",uid="uid7",container="container7"} 1.501777018e+09
				kube_pod_container_status_last_terminated_exitcode{namespace="ns7",pod="pod7",uid="uid7",container="container7"} 143
				kube_pod_container_status_last_terminated_reason{namespace="ns7",pod="pod7",uid="uid7",container="container7",reason="DeadlineExceeded"} 1
				kube_pod_container_status_last_terminated_timestamp{namespace="ns7",pod="pod7",uid="uid7",container="container7"} 1.501779547e+09
				kube_pod_container_status_running{namespace="ns7",pod="pod7",uid="uid7",container="container7"} 1
				kube_pod_container_status_terminated{namespace="ns7",pod="pod7",uid="uid7",container="container7"} 0
				kube_pod_container_status_waiting{namespace="ns7",pod="pod7",uid="uid7",container="container7"} 0`,
		},
		{
			name: "ksm 17: container_status_running container_status_waiting container_status_waiting_reason container_status_terminated container_status_terminated_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod4",
					Namespace: "ns4",
					UID:       "uid4",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container5",
							Image: "k8s.gcr.io/hyperkube5_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container5",
							State: corev1.ContainerState{
								Waiting: &corev1.ContainerStateWaiting{
									Reason: "ImagePullBackOff",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_status_running{namespace="ns4",pod="pod4",uid="uid4",container="container5"} 0
				kube_pod_container_status_terminated{namespace="ns4",pod="pod4",uid="uid4",container="container5"} 0
				kube_pod_container_status_waiting_reason{namespace="ns4",pod="pod4",uid="uid4",container="container5",reason="ImagePullBackOff"} 1
				kube_pod_container_status_waiting{namespace="ns4",pod="pod4",uid="uid4",container="container5"} 1`,
		},
		{
			name: "ksm 18: container_status_running container_status_waiting container_status_waiting_reason container_status_terminated container_status_terminated_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod5",
					Namespace: "ns5",
					UID:       "uid5",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container6",
							Image: "k8s.gcr.io/hyperkube1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container6",
							State: corev1.ContainerState{
								Waiting: &corev1.ContainerStateWaiting{
									Reason: "ErrImagePull",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_status_running{namespace="ns5",pod="pod5",uid="uid5",container="container6"} 0
				kube_pod_container_status_terminated{namespace="ns5",pod="pod5",uid="uid5",container="container6"} 0
				kube_pod_container_status_waiting_reason{namespace="ns5",pod="pod5",uid="uid5",container="container6",reason="ErrImagePull"} 1
				kube_pod_container_status_waiting{namespace="ns5",pod="pod5",uid="uid5",container="container6"} 1`,
		},
		{
			name: "ksm 19: container_status_running container_status_terminated container_status_terminated_reason container_status_waiting container_status_waiting_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod7",
					Namespace: "ns7",
					UID:       "uid7",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name:  "container8",
							Image: "k8s.gcr.io/hyperkube1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "container8",
							State: corev1.ContainerState{
								Waiting: &corev1.ContainerStateWaiting{
									Reason: "CreateContainerConfigError",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_status_running", "kube_pod_container_status_terminated", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting", "kube_pod_container_status_waiting_reason"},
			want: `
				kube_pod_container_status_running{namespace="ns7",pod="pod7",uid="uid7",container="container8"} 0
				kube_pod_container_status_terminated{namespace="ns7",pod="pod7",uid="uid7",container="container8"} 0
				kube_pod_container_status_waiting_reason{namespace="ns7",pod="pod7",uid="uid7",container="container8",reason="CreateContainerConfigError"} 1
				kube_pod_container_status_waiting{namespace="ns7",pod="pod7",uid="uid7",container="container8"} 1`,
		},
		{
			name: "ksm 20: created info ips start_time completion_time owner",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					UID:               "abc-123-xxx",
				},
				Spec: corev1.PodSpec{
					NodeName:          "node1",
					PriorityClassName: "system-node-critical",
					HostNetwork:       true,
					Containers: []corev1.Container{
						{
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					HostIP: "1.1.1.1",
					PodIP:  "1.2.3.4",
					PodIPs: []corev1.PodIP{
						{
							IP: "1.2.3.4",
						},
						{
							IP: "fc00:1234:5678:90ab:cdef:cafe:f00d:d00d",
						},
						{
							IP: "::ffff:1.2.3.4",
						},
					},
					StartTime: &metav1StartTime,
				},
			},
			// TODO: Should it be '1501569018' instead?
			families: []string{"kube_pod_completion_time", "kube_pod_created", "kube_pod_info", "kube_pod_ips", "kube_pod_owner", "kube_pod_start_time"},
			want: `
				kube_pod_created{namespace="ns1",pod="pod1",uid="abc-123-xxx"} 1.5e+09
				kube_pod_info{namespace="ns1",pod="pod1",uid="abc-123-xxx",host_ip="1.1.1.1",pod_ip="1.2.3.4",node="node1",created_by_kind="",created_by_name="",priority_class="system-node-critical",host_network="true"} 1
				kube_pod_ips{namespace="ns1",pod="pod1",uid="abc-123-xxx",ip="1.2.3.4",ip_family="4"} 1
				kube_pod_ips{namespace="ns1",pod="pod1",uid="abc-123-xxx",ip="fc00:1234:5678:90ab:cdef:cafe:f00d:d00d",ip_family="6"} 1
				kube_pod_ips{namespace="ns1",pod="pod1",uid="abc-123-xxx",ip="::ffff:1.2.3.4",ip_family="4"} 1
				kube_pod_start_time{namespace="ns1",pod="pod1",uid="abc-123-xxx"} 1.501569018e+09
				kube_pod_owner{namespace="ns1",pod="pod1",uid="abc-123-xxx",owner_kind="",owner_name="",owner_is_controller=""} 1`,
		},
		{
			name: "ksm 21: deletion_timestamp",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					UID:               "abc-123-xxx",
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
				},
				Spec: corev1.PodSpec{
					NodeName:          "node1",
					PriorityClassName: "system-node-critical",
				},
				Status: corev1.PodStatus{
					HostIP:    "1.1.1.1",
					PodIP:     "1.2.3.4",
					StartTime: &metav1StartTime,
				},
			},
			families: []string{"kube_pod_deletion_timestamp"},
			want: `
				kube_pod_deletion_timestamp{namespace="ns1",pod="pod1",uid="abc-123-xxx"} 1.8e+09`,
		},
		{
			name: "ksm 22: restart_policy",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyAlways,
				},
			},
			families: []string{"kube_pod_restart_policy"},
			want: `
				kube_pod_restart_policy{namespace="ns2",pod="pod2",uid="uid2",type="Always"} 1`,
		},
		{
			name: "ksm 23: restart_policy",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyOnFailure,
				},
			},
			families: []string{"kube_pod_restart_policy"},
			want: `
				kube_pod_restart_policy{namespace="ns2",pod="pod2",uid="uid2",type="OnFailure"} 1`,
		},
		{
			name: "ksm 24: created info start_time completion_time owner",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "abc-456-xxx",
					OwnerReferences: []metav1.OwnerReference{
						{
							Kind:       "ReplicaSet",
							Name:       "rs-name",
							Controller: &test,
						},
					},
				},
				Spec: corev1.PodSpec{
					NodeName: "node2",
					Containers: []corev1.Container{
						{
							Name:  "container2_1",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container2_2",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
						{
							Name:  "container2_3",
							Image: "k8s.gcr.io/hyperkube2_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					HostIP: "1.1.1.1",
					PodIP:  "2.3.4.5",
					ContainerStatuses: []corev1.ContainerStatus{
						{
							Name:        "container2_1",
							Image:       "k8s.gcr.io/hyperkube2",
							ImageID:     "docker://sha256:bbb",
							ContainerID: "docker://cd456",
							State: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									FinishedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
						},
						{
							Name:        "container2_2",
							Image:       "k8s.gcr.io/hyperkube2",
							ImageID:     "docker://sha256:bbb",
							ContainerID: "docker://cd456",
							State: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									FinishedAt: metav1.Time{
										Time: time.Unix(1501888018, 0),
									},
								},
							},
						},
						{
							Name:        "container2_3",
							Image:       "k8s.gcr.io/hyperkube2",
							ImageID:     "docker://sha256:bbb",
							ContainerID: "docker://cd456",
							State: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									FinishedAt: metav1.Time{
										Time: time.Unix(1501666018, 0),
									},
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_completion_time", "kube_pod_created", "kube_pod_info", "kube_pod_owner", "kube_pod_start_time"},
			want: `
				kube_pod_info{namespace="ns2",pod="pod2",uid="abc-456-xxx",host_ip="1.1.1.1",pod_ip="2.3.4.5",node="node2",created_by_kind="ReplicaSet",created_by_name="rs-name",priority_class="",host_network="false"} 1
				kube_pod_completion_time{namespace="ns2",pod="pod2",uid="abc-456-xxx"} 1.501888018e+09
				kube_pod_owner{namespace="ns2",pod="pod2",uid="abc-456-xxx",owner_kind="ReplicaSet",owner_name="rs-name",owner_is_controller="true"} 1`,
		},
		{
			name: "ksm 25: status_phase",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Phase: corev1.PodRunning,
				},
			},
			families: []string{"kube_pod_status_phase"},
			want: `
				kube_pod_status_phase{namespace="ns1",pod="pod1",uid="uid1",phase="Failed"} 0
				kube_pod_status_phase{namespace="ns1",pod="pod1",uid="uid1",phase="Pending"} 0
				kube_pod_status_phase{namespace="ns1",pod="pod1",uid="uid1",phase="Running"} 1
				kube_pod_status_phase{namespace="ns1",pod="pod1",uid="uid1",phase="Succeeded"} 0
				kube_pod_status_phase{namespace="ns1",pod="pod1",uid="uid1",phase="Unknown"} 0`,
		},
		{
			name: "ksm 26: status_phase",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Status: corev1.PodStatus{
					Phase: corev1.PodPending,
				},
			},
			families: []string{"kube_pod_status_phase"},
			want: `
				kube_pod_status_phase{namespace="ns2",pod="pod2",uid="uid2",phase="Failed"} 0
				kube_pod_status_phase{namespace="ns2",pod="pod2",uid="uid2",phase="Pending"} 1
				kube_pod_status_phase{namespace="ns2",pod="pod2",uid="uid2",phase="Running"} 0
				kube_pod_status_phase{namespace="ns2",pod="pod2",uid="uid2",phase="Succeeded"} 0
				kube_pod_status_phase{namespace="ns2",pod="pod2",uid="uid2",phase="Unknown"} 0`,
		},
		{
			name: "ksm 27: status_phase",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod3",
					Namespace: "ns3",
					UID:       "uid3",
				},
				Status: corev1.PodStatus{
					Phase: corev1.PodUnknown,
				},
			},
			families: []string{"kube_pod_status_phase"},
			want: `
				kube_pod_status_phase{namespace="ns3",pod="pod3",uid="uid3",phase="Failed"} 0
				kube_pod_status_phase{namespace="ns3",pod="pod3",uid="uid3",phase="Pending"} 0
				kube_pod_status_phase{namespace="ns3",pod="pod3",uid="uid3",phase="Running"} 0
				kube_pod_status_phase{namespace="ns3",pod="pod3",uid="uid3",phase="Succeeded"} 0
				kube_pod_status_phase{namespace="ns3",pod="pod3",uid="uid3",phase="Unknown"} 1`,
		},
		{
			name: "ksm 28: status_phase status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "NodeLost",
				},
			},
			families: []string{"kube_pod_status_phase", "kube_pod_status_reason"},
			want: `
				kube_pod_status_phase{namespace="ns4",pod="pod4",uid="uid4",phase="Failed"} 0
				kube_pod_status_phase{namespace="ns4",pod="pod4",uid="uid4",phase="Pending"} 0
				kube_pod_status_phase{namespace="ns4",pod="pod4",uid="uid4",phase="Running"} 1
				kube_pod_status_phase{namespace="ns4",pod="pod4",uid="uid4",phase="Succeeded"} 0
				kube_pod_status_phase{namespace="ns4",pod="pod4",uid="uid4",phase="Unknown"} 0
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="NodeLost"} 1`,
		},
		{
			name: "ksm 29: status_qos_class",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					QOSClass: corev1.PodQOSBestEffort,
				},
			},
			families: []string{"kube_pod_status_qos_class"},
			want: `
				kube_pod_status_qos_class{namespace="ns1",pod="pod1",uid="uid1",qos_class="BestEffort"} 1
				kube_pod_status_qos_class{namespace="ns1",pod="pod1",uid="uid1",qos_class="Burstable"} 0
				kube_pod_status_qos_class{namespace="ns1",pod="pod1",uid="uid1",qos_class="Guaranteed"} 0`,
		},
		{
			name: "ksm 30: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "Evicted",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="Evicted"} 1`,
		},
		{
			name: "ksm 31: status_disruption_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod5",
					Namespace: "ns5",
					UID:       "uid5",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.DisruptionTarget,
							Reason: "EvictionByEvictionAPI",
						},
					},
				},
			},
			families: []string{"kube_pod_status_disruption_reason"},
			want: `
				kube_pod_status_disruption_reason{namespace="ns5",pod="pod5",uid="uid5",reason="EvictionByEvictionAPI"} 1`,
		},
		{
			name: "ksm 32: status_disruption_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod6",
					Namespace: "ns6",
					UID:       "uid6",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodReady,
							Reason: "EvictionByEvictionAPI",
						},
					},
				},
			},
			families: []string{"kube_pod_status_disruption_reason"},
			want: `
`,
		},
		{
			name: "ksm 33: status_disruption_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod7disruption",
					Namespace: "ns7",
					UID:       "uid7",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.DisruptionTarget,
							Reason: "SomeFutureReason",
						},
					},
				},
			},
			families: []string{"kube_pod_status_disruption_reason"},
			want: `
				kube_pod_status_disruption_reason{namespace="ns7",pod="pod7disruption",uid="uid7",reason="Other"} 1`,
		},
		{
			name: "ksm 34: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "UnexpectedAdmissionError",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="UnexpectedAdmissionError"} 1`,
		},
		{
			name: "ksm 35: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "NodeAffinity",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="NodeAffinity"} 1`,
		},
		{
			name: "ksm 36: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "Shutdown",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="Shutdown"} 1`,
		},
		{
			name: "ksm 37: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "PreemptionByScheduler",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="PreemptionByScheduler"} 1`,
		},
		{
			name: "ksm 38: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "TerminationByKubelet",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="TerminationByKubelet"} 1`,
		},
		{
			name: "ksm 39: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "pod4",
					Namespace:         "ns4",
					UID:               "uid4",
					DeletionTimestamp: &metav1.Time{},
				},
				Status: corev1.PodStatus{
					Phase:  corev1.PodRunning,
					Reason: "other reason",
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="Other"} 1`,
		},
		{
			name: "ksm 40: status_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod4",
					Namespace: "ns4",
					UID:       "uid4",
				},
				Status: corev1.PodStatus{
					Phase: corev1.PodPending,
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodScheduled,
							Status: corev1.ConditionFalse,
							Reason: "SchedulingGated",
						},
					},
				},
			},
			families: []string{"kube_pod_status_reason"},
			want: `
				kube_pod_status_reason{namespace="ns4",pod="pod4",uid="uid4",reason="SchedulingGated"} 1`,
		},
		{
			name: "ksm 41: status_initialized_time",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodInitialized,
							Status: corev1.ConditionTrue,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_initialized_time"},
			want: `
				kube_pod_status_initialized_time{namespace="ns1",pod="pod1",uid="uid1"} 1.501666018e+09`,
		},
		{
			name: "ksm 42: status_initialized_time",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodInitialized,
							Status: corev1.ConditionFalse,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_initialized_time"},
			want: `
`,
		},
		{
			name: "ksm 43: status_container_ready_time",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.ContainersReady,
							Status: corev1.ConditionTrue,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_container_ready_time"},
			want: `
				kube_pod_status_container_ready_time{namespace="ns1",pod="pod1",uid="uid1"} 1.501666018e+09`,
		},
		{
			name: "ksm 44: status_container_ready_time",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.ContainersReady,
							Status: corev1.ConditionFalse,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_container_ready_time"},
			want: `
`,
		},
		{
			name: "ksm 45: status_ready_time status_ready",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodReady,
							Status: corev1.ConditionTrue,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_ready", "kube_pod_status_ready_time"},
			want: `
				kube_pod_status_ready_time{namespace="ns1",pod="pod1",uid="uid1"} 1.501666018e+09
				kube_pod_status_ready{namespace="ns1",pod="pod1",uid="uid1",condition="false"} 0
				kube_pod_status_ready{namespace="ns1",pod="pod1",uid="uid1",condition="true"} 1
				kube_pod_status_ready{namespace="ns1",pod="pod1",uid="uid1",condition="unknown"} 0`,
		},
		{
			name: "ksm 46: status_ready_time status_ready",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodReady,
							Status: corev1.ConditionFalse,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_ready", "kube_pod_status_ready_time"},
			want: `
				kube_pod_status_ready{namespace="ns2",pod="pod2",uid="uid2",condition="false"} 1
				kube_pod_status_ready{namespace="ns2",pod="pod2",uid="uid2",condition="true"} 0
				kube_pod_status_ready{namespace="ns2",pod="pod2",uid="uid2",condition="unknown"} 0`,
		},
		{
			name: "ksm 47: status_scheduled status_scheduled_time",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodScheduled,
							Status: corev1.ConditionTrue,
							LastTransitionTime: metav1.Time{
								Time: time.Unix(1501666018, 0),
							},
						},
					},
				},
			},
			families: []string{"kube_pod_status_scheduled", "kube_pod_status_scheduled_time"},
			want: `
				kube_pod_status_scheduled_time{namespace="ns1",pod="pod1",uid="uid1"} 1.501666018e+09
				kube_pod_status_scheduled{namespace="ns1",pod="pod1",uid="uid1",condition="false"} 0
				kube_pod_status_scheduled{namespace="ns1",pod="pod1",uid="uid1",condition="true"} 1
				kube_pod_status_scheduled{namespace="ns1",pod="pod1",uid="uid1",condition="unknown"} 0`,
		},
		{
			name: "ksm 48: status_scheduled status_scheduled_time",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:   corev1.PodScheduled,
							Status: corev1.ConditionFalse,
						},
					},
				},
			},
			families: []string{"kube_pod_status_scheduled", "kube_pod_status_scheduled_time"},
			want: `
				kube_pod_status_scheduled{namespace="ns2",pod="pod2",uid="uid2",condition="false"} 1
				kube_pod_status_scheduled{namespace="ns2",pod="pod2",uid="uid2",condition="true"} 0
				kube_pod_status_scheduled{namespace="ns2",pod="pod2",uid="uid2",condition="unknown"} 0`,
		},
		{
			name: "ksm 49: status_unschedulable",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Status: corev1.PodStatus{
					Conditions: []corev1.PodCondition{
						{
							Type:    corev1.PodScheduled,
							Status:  corev1.ConditionFalse,
							Reason:  "Unschedulable",
							Message: "0/3 nodes are available: 3 Insufficient cpu.",
						},
					},
				},
			},
			families: []string{"kube_pod_status_unschedulable"},
			want: `
				kube_pod_status_unschedulable{namespace="ns2",pod="pod2",uid="uid2"} 1`,
		},
		{
			name: "ksm 50: container_resource_requests container_resource_limits init_container_resource_limits init_container_resource_requests init_container_status_last_terminated_reason",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name: "pod1_con1",
							Resources: corev1.ResourceRequirements{
								Requests: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:                    resource.MustParse("200m"),
									corev1.ResourceMemory:                 resource.MustParse("100M"),
									corev1.ResourceEphemeralStorage:       resource.MustParse("300M"),
									corev1.ResourceStorage:                resource.MustParse("400M"),
									corev1.ResourceName("nvidia.com/gpu"): resource.MustParse("1"),
								},
								Limits: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:                    resource.MustParse("200m"),
									corev1.ResourceMemory:                 resource.MustParse("100M"),
									corev1.ResourceEphemeralStorage:       resource.MustParse("300M"),
									corev1.ResourceStorage:                resource.MustParse("400M"),
									corev1.ResourceName("nvidia.com/gpu"): resource.MustParse("1"),
								},
							},
						},
						{
							Name: "pod1_con2",
							Resources: corev1.ResourceRequirements{
								Requests: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("300m"),
									corev1.ResourceMemory: resource.MustParse("200M"),
								},
								Limits: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("300m"),
									corev1.ResourceMemory: resource.MustParse("200M"),
								},
							},
						},
					},
					InitContainers: []corev1.Container{
						{
							Name: "pod1_initcon1",
							Resources: corev1.ResourceRequirements{
								Requests: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:                    resource.MustParse("200m"),
									corev1.ResourceMemory:                 resource.MustParse("100M"),
									corev1.ResourceEphemeralStorage:       resource.MustParse("300M"),
									corev1.ResourceStorage:                resource.MustParse("400M"),
									corev1.ResourceName("nvidia.com/gpu"): resource.MustParse("1"),
								},
								Limits: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:                    resource.MustParse("200m"),
									corev1.ResourceMemory:                 resource.MustParse("100M"),
									corev1.ResourceEphemeralStorage:       resource.MustParse("300M"),
									corev1.ResourceStorage:                resource.MustParse("400M"),
									corev1.ResourceName("nvidia.com/gpu"): resource.MustParse("1"),
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_container_resource_limits", "kube_pod_container_resource_requests", "kube_pod_init_container_resource_limits", "kube_pod_init_container_resource_requests", "kube_pod_init_container_status_last_terminated_reason"},
			want: `
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="cpu",unit="core"} 0.2
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="ephemeral_storage",unit="byte"} 3e+08
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="memory",unit="byte"} 1e+08
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="nvidia_com_gpu",unit="integer"} 1
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="storage",unit="byte"} 4e+08
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con2",node="",resource="cpu",unit="core"} 0.3
				kube_pod_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con2",node="",resource="memory",unit="byte"} 2e+08
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="cpu",unit="core"} 0.2
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="ephemeral_storage",unit="byte"} 3e+08
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="memory",unit="byte"} 1e+08
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="nvidia_com_gpu",unit="integer"} 1
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con1",node="",resource="storage",unit="byte"} 4e+08
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con2",node="",resource="cpu",unit="core"} 0.3
				kube_pod_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_con2",node="",resource="memory",unit="byte"} 2e+08
				kube_pod_init_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="cpu",unit="core"} 0.2
				kube_pod_init_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="ephemeral_storage",unit="byte"} 3e+08
				kube_pod_init_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="memory",unit="byte"} 1e+08
				kube_pod_init_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="nvidia_com_gpu",unit="integer"} 1
				kube_pod_init_container_resource_limits{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="storage",unit="byte"} 4e+08
				kube_pod_init_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="cpu",unit="core"} 0.2
				kube_pod_init_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="ephemeral_storage",unit="byte"} 3e+08
				kube_pod_init_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="memory",unit="byte"} 1e+08
				kube_pod_init_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="nvidia_com_gpu",unit="integer"} 1
				kube_pod_init_container_resource_requests{namespace="ns1",pod="pod1",uid="uid1",container="pod1_initcon1",node="",resource="storage",unit="byte"} 4e+08`,
		},
		{
			name: "ksm 51: init_container_resource_limits init_container_resource_requests",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns2",
					UID:       "uid2",
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{
							Name: "pod2_con1",
							Resources: corev1.ResourceRequirements{
								Requests: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("400m"),
									corev1.ResourceMemory: resource.MustParse("300M"),
								},
								Limits: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("400m"),
									corev1.ResourceMemory: resource.MustParse("300M"),
								},
							},
						},
						{
							Name: "pod2_con2",
							Resources: corev1.ResourceRequirements{
								Requests: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("500m"),
									corev1.ResourceMemory: resource.MustParse("400M"),
								},
								Limits: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("500m"),
									corev1.ResourceMemory: resource.MustParse("400M"),
								},
							},
						},
						// A container without a resource specification. No metrics will be emitted for that.
						{
							Name: "pod2_con3",
						},
					},
					InitContainers: []corev1.Container{
						{
							Name: "pod2_initcon1",
							Resources: corev1.ResourceRequirements{
								Requests: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("400m"),
									corev1.ResourceMemory: resource.MustParse("300M"),
								},
								Limits: map[corev1.ResourceName]resource.Quantity{
									corev1.ResourceCPU:    resource.MustParse("400m"),
									corev1.ResourceMemory: resource.MustParse("300M"),
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_init_container_resource_limits", "kube_pod_init_container_resource_requests"},
			want: `
				kube_pod_init_container_resource_limits{namespace="ns2",pod="pod2",uid="uid2",container="pod2_initcon1",node="",resource="cpu",unit="core"} 0.4
				kube_pod_init_container_resource_limits{namespace="ns2",pod="pod2",uid="uid2",container="pod2_initcon1",node="",resource="memory",unit="byte"} 3e+08
				kube_pod_init_container_resource_requests{namespace="ns2",pod="pod2",uid="uid2",container="pod2_initcon1",node="",resource="cpu",unit="core"} 0.4
				kube_pod_init_container_resource_requests{namespace="ns2",pod="pod2",uid="uid2",container="pod2_initcon1",node="",resource="memory",unit="byte"} 3e+08`,
		},
		{
			name: "ksm 52: labels",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
					Labels: map[string]string{
						"app": "example",
					},
				},
				Spec: corev1.PodSpec{},
			},
			families: []string{"kube_pod_labels"},
			want: `
`,
		},
		{
			name: "ksm 53: spec_volumes_persistentvolumeclaims_info spec_volumes_persistentvolumeclaims_readonly",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
					Labels: map[string]string{
						"app": "example",
					},
				},
				Spec: corev1.PodSpec{
					Volumes: []corev1.Volume{
						{
							Name: "myvol",
							VolumeSource: corev1.VolumeSource{
								PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
									ClaimName: "claim1",
									ReadOnly:  false,
								},
							},
						},
						{
							Name: "my-readonly-vol",
							VolumeSource: corev1.VolumeSource{
								PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
									ClaimName: "claim2",
									ReadOnly:  true,
								},
							},
						},
						{
							Name:         "my-ephemeral-vol",
							VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}},
						},
						{
							Name: "not-pvc-vol",
							VolumeSource: corev1.VolumeSource{
								EmptyDir: &corev1.EmptyDirVolumeSource{
									Medium: "memory",
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_spec_volumes_persistentvolumeclaims_info", "kube_pod_spec_volumes_persistentvolumeclaims_readonly"},
			want: `
				kube_pod_spec_volumes_persistentvolumeclaims_info{namespace="ns1",pod="pod1",uid="uid1",volume="myvol",persistentvolumeclaim="claim1",ephemeral="false"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_info{namespace="ns1",pod="pod1",uid="uid1",volume="my-readonly-vol",persistentvolumeclaim="claim2",ephemeral="false"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_info{namespace="ns1",pod="pod1",uid="uid1",volume="my-ephemeral-vol",persistentvolumeclaim="pod1-my-ephemeral-vol",ephemeral="true"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_readonly{namespace="ns1",pod="pod1",uid="uid1",volume="myvol",persistentvolumeclaim="claim1",ephemeral="false"} 0
				kube_pod_spec_volumes_persistentvolumeclaims_readonly{namespace="ns1",pod="pod1",uid="uid1",volume="my-readonly-vol",persistentvolumeclaim="claim2",ephemeral="false"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_readonly{namespace="ns1",pod="pod1",uid="uid1",volume="my-ephemeral-vol",persistentvolumeclaim="pod1-my-ephemeral-vol",ephemeral="true"} 0`,
		},
		{
			name: "ksm 54: runtimeclass_name_info",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
					Labels: map[string]string{
						"app": "example",
					},
				},
				Spec: corev1.PodSpec{
					RuntimeClassName: &runtimeclass,
				},
			},
			families: []string{"kube_pod_runtimeclass_name_info"},
			want: `
				kube_pod_runtimeclass_name_info{namespace="ns1",pod="pod1",uid="uid1",runtimeclass_name="foo"} 1`,
		},
		{
			name: "ksm 55: labels",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
					Labels: map[string]string{
						"app": "example",
					},
				},
				Spec: corev1.PodSpec{},
			},
			filter:   family.Filter{Labels: allow(t, "wildcard-not-first", "*")},
			families: []string{"kube_pod_labels"},
			want: `
				kube_pod_labels{namespace="ns1",pod="pod1",uid="uid1"} 1`,
		},
		{
			name: "ksm 56: labels",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
					Labels: map[string]string{
						"app": "example",
					},
				},
				Spec: corev1.PodSpec{},
			},
			filter:   family.Filter{Labels: allow(t, "*")},
			families: []string{"kube_pod_labels"},
			want: `
				kube_pod_labels{namespace="ns1",pod="pod1",uid="uid1",label_app="example"} 1`,
		},
		{
			name: "ksm 57: nodeselectors",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{
						"a": "b",
					},
				},
			},
			filter:   family.Filter{Labels: allow(t, "*"), Enabled: podAllFamilies},
			families: []string{"kube_pod_nodeselectors"},
			want: `
				kube_pod_nodeselectors{namespace="ns1",pod="pod1",uid="uid1",nodeselector_a="b"} 1`,
		},
		{
			name: "ksm 58: nodeselector",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod2",
					Namespace: "ns1",
					UID:       "uid6",
				},
				Spec: corev1.PodSpec{
					NodeSelector: map[string]string{
						"kubernetes.io/os":                 "linux",
						"cloud.google.com/gke-accelerator": "nvidia-tesla-t4",
					},
				},
			},
			filter:   family.Filter{Labels: allow(t, "*"), Enabled: podAllFamilies},
			families: []string{"kube_pod_nodeselectors"},
			want: `
				kube_pod_nodeselectors{namespace="ns1",pod="pod2",uid="uid6",nodeselector_cloud_google_com_gke_accelerator="nvidia-tesla-t4",nodeselector_kubernetes_io_os="linux"} 1`,
		},
		{
			name: "ksm 59: annotations",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
					Annotations: map[string]string{
						"app": "example",
					},
				},
				Spec: corev1.PodSpec{},
			},
			filter:   family.Filter{Annotations: allow(t, "*")},
			families: []string{"kube_pod_annotations"},
			want: `
				kube_pod_annotations{namespace="ns1",pod="pod1",uid="uid1",annotation_app="example"} 1`,
		},
		{
			name: "ksm 60: tolerations",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					Tolerations: []corev1.Toleration{
						{
							Key:      "key1",
							Operator: corev1.TolerationOpEqual,
							Value:    "value1",
							Effect:   corev1.TaintEffectNoSchedule,
						},
						{
							Key:      "key2",
							Operator: corev1.TolerationOpExists,
						},
						{
							Key:      "key3",
							Operator: corev1.TolerationOpEqual,
							Value:    "value3",
						},
						{
							// Duplicate toleration, to ensure that doesn't result in a duplicate metric
							Key:      "key3",
							Operator: corev1.TolerationOpEqual,
							Value:    "value3",
						},
						{
							// an empty toleration to ensure that an empty toleration does not result in a metric
						},
					},
				},
			},
			families: []string{"kube_pod_tolerations"},
			want: `
				kube_pod_tolerations{namespace="ns1",pod="pod1",uid="uid1",key="",operator="",value="",effect="",toleration_seconds=""} 1
				kube_pod_tolerations{namespace="ns1",pod="pod1",uid="uid1",key="key2",operator="Exists",value="",effect="",toleration_seconds=""} 1
				kube_pod_tolerations{namespace="ns1",pod="pod1",uid="uid1",key="key3",operator="Equal",value="value3",effect="",toleration_seconds=""} 1
				kube_pod_tolerations{namespace="ns1",pod="pod1",uid="uid1",key="key1",operator="Equal",value="value1",effect="NoSchedule",toleration_seconds=""} 1`,
		},
		{
			name: "ksm 61: service_account",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					ServiceAccountName: "service-account-name",
				},
			},
			families: []string{"kube_pod_service_account"},
			want: `
				kube_pod_service_account{namespace="ns1",pod="pod1",uid="uid1",service_account="service-account-name"} 1`,
		},
		{
			name: "ksm 62: scheduler",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod1",
					Namespace: "ns1",
					UID:       "uid1",
				},
				Spec: corev1.PodSpec{
					SchedulerName: "scheduler1",
				},
			},
			families: []string{"kube_pod_scheduler"},
			want: `
				kube_pod_scheduler{namespace="ns1",pod="pod1",uid="uid1",name="scheduler1"} 1`,
		},
		{
			name: "ksm 63: init_container_state_started",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod8",
					Namespace: "ns8",
					UID:       "uid8",
				},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{
						{
							Name:  "initcontainer1",
							Image: "k8s.gcr.io/init1_spec",
						},
						{
							Name:  "initcontainer2",
							Image: "k8s.gcr.io/init2_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "initcontainer1",
							State: corev1.ContainerState{
								Running: &corev1.ContainerStateRunning{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
						},
						{
							Name: "initcontainer2",
							State: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_init_container_state_started"},
			want: `
				kube_pod_init_container_state_started{namespace="ns8",pod="pod8",uid="uid8",container="initcontainer1"} 1.501777018e+09
				kube_pod_init_container_state_started{namespace="ns8",pod="pod8",uid="uid8",container="initcontainer2"} 1.501777018e+09`,
		},
		{
			name: "ksm 64: init_container_state_started init_container_status_last_terminated_exitcode init_container_status_last_terminated_timestamp",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "pod9",
					Namespace: "ns9",
					UID:       "uid9",
				},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{
						{
							Name:  "initcontainer1",
							Image: "k8s.gcr.io/init1_spec",
						},
					},
				},
				Status: corev1.PodStatus{
					InitContainerStatuses: []corev1.ContainerStatus{
						{
							Name: "initcontainer1",
							State: corev1.ContainerState{
								Running: &corev1.ContainerStateRunning{
									StartedAt: metav1.Time{
										Time: time.Unix(1501777018, 0),
									},
								},
							},
							LastTerminationState: corev1.ContainerState{
								Terminated: &corev1.ContainerStateTerminated{
									Reason:   "OOMKilled",
									ExitCode: 137,
									FinishedAt: metav1.Time{
										Time: time.Unix(1501779547, 0),
									},
								},
							},
						},
					},
				},
			},
			families: []string{"kube_pod_init_container_state_started", "kube_pod_init_container_status_last_terminated_exitcode", "kube_pod_init_container_status_last_terminated_timestamp"},
			want: `
				kube_pod_init_container_state_started{namespace="ns9",pod="pod9",uid="uid9",container="initcontainer1"} 1.501777018e+09
				kube_pod_init_container_status_last_terminated_exitcode{namespace="ns9",pod="pod9",uid="uid9",container="initcontainer1"} 137
				kube_pod_init_container_status_last_terminated_timestamp{namespace="ns9",pod="pod9",uid="uid9",container="initcontainer1"} 1.501779547e+09`,
		},
	})
}

// TestPodFamiliesEdgeCases covers what KSM's own cases leave out: empty objects, nil pointers, unit
// conversions, reason enumerations and the other KSM unit tests of pod.go, as golden series.
func TestPodFamiliesEdgeCases(t *testing.T) {
	meta := metav1.ObjectMeta{Namespace: "ns", Name: "p", UID: "u"}
	at := func(sec int64) metav1.Time { return metav1.Unix(sec, 0) }
	seconds := func(s int64) *int64 { return &s }
	q := resource.MustParse

	runGolden(t, Pods, []golden[*corev1.Pod]{
		{
			name: "empty pod: only the always-present families",
			obj:  &corev1.Pod{ObjectMeta: meta},
			want: `
				kube_pod_info{namespace="ns",pod="p",uid="u",host_ip="",pod_ip="",node="",created_by_kind="",created_by_name="",priority_class="",host_network="false"} 1
				kube_pod_owner{namespace="ns",pod="p",uid="u",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_pod_restart_policy{namespace="ns",pod="p",uid="u",type=""} 1
				kube_pod_service_account{namespace="ns",pod="p",uid="u",service_account=""} 1
				kube_pod_scheduler{namespace="ns",pod="p",uid="u",name=""} 1`,
		},
		{
			name:     "nodeselectors opted in: a point even without selectors",
			obj:      &corev1.Pod{ObjectMeta: meta},
			filter:   family.Filter{Enabled: podAllFamilies},
			families: []string{"kube_pod_nodeselectors"},
			want:     `kube_pod_nodeselectors{namespace="ns",pod="p",uid="u"} 1`,
		},
		{
			name:     "nodeselectors off by default",
			obj:      &corev1.Pod{ObjectMeta: meta, Spec: corev1.PodSpec{NodeSelector: map[string]string{"a": "b"}}},
			families: []string{"kube_pod_nodeselectors"},
			want:     ``,
		},
		{
			name: "labels and annotations: allowlisted keys only, empty point when none match",
			obj: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p", UID: "u",
				Labels:      map[string]string{"app.kubernetes.io/name": "web", "team": "a"},
				Annotations: map[string]string{"other": "x"}}},
			filter:   family.Filter{Labels: allow(t, "app.kubernetes.io/*"), Annotations: allow(t, "note")},
			families: []string{"kube_pod_labels", "kube_pod_annotations"},
			want: `
				kube_pod_labels{namespace="ns",pod="p",uid="u",label_app_kubernetes_io_name="web"} 1
				kube_pod_annotations{namespace="ns",pod="p",uid="u"} 1`,
		},
		{
			name: "resources: units, conversions, skipped and doubly counted names",
			obj: &corev1.Pod{ObjectMeta: meta, Spec: corev1.PodSpec{
				NodeName: "n1",
				Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{
						corev1.ResourceCPU:              q("250m"),
						corev1.ResourceMemory:           q("1500m"), // Value() rounds up to 2 bytes
						"hugepages-2Mi":                 q("4Mi"),
						"attachable-volumes-aws-ebs":    q("3"),
						"example.com/foo":               q("2"),
						"kubernetes.io/bar":             q("1"), // prefixed native: skipped
						corev1.ResourcePods:             q("1"), // native, unknown to KSM: skipped
						"hugepages-x/y":                 q("5"), // huge page and extended: two points
						corev1.ResourceEphemeralStorage: q("1Gi"),
					},
					Limits: corev1.ResourceList{
						corev1.ResourceCPU:     q("1e16"), // beyond milli precision: Value()
						corev1.ResourceStorage: q("1G"),
					},
				}}},
				InitContainers: []corev1.Container{{Name: "i", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: q("1.5")},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: q("64Mi")},
				}}},
				Overhead: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("1Ki")},
			}},
			families: []string{"kube_pod_container_resource_requests", "kube_pod_container_resource_limits", "kube_pod_init_container_resource_requests", "kube_pod_init_container_resource_limits", "kube_pod_overhead_cpu_cores", "kube_pod_overhead_memory_bytes"},
			want: `
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="cpu",unit="core"} 0.25
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="memory",unit="byte"} 2
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="hugepages_2Mi",unit="byte"} 4.194304e+06
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="attachable_volumes_aws_ebs",unit="byte"} 3
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="example_com_foo",unit="integer"} 2
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="hugepages_x_y",unit="byte"} 5
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="hugepages_x_y",unit="integer"} 5
				kube_pod_container_resource_requests{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="ephemeral_storage",unit="byte"} 1.073741824e+09
				kube_pod_container_resource_limits{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="cpu",unit="core"} 1e+16
				kube_pod_container_resource_limits{namespace="ns",pod="p",uid="u",container="c",node="n1",resource="storage",unit="byte"} 1e+09
				kube_pod_init_container_resource_requests{namespace="ns",pod="p",uid="u",container="i",node="n1",resource="cpu",unit="core"} 1.5
				kube_pod_init_container_resource_limits{namespace="ns",pod="p",uid="u",container="i",node="n1",resource="memory",unit="byte"} 6.7108864e+07
				kube_pod_overhead_cpu_cores{namespace="ns",pod="p",uid="u"} 0.1
				kube_pod_overhead_memory_bytes{namespace="ns",pod="p",uid="u"} 1024`,
		},
		{
			name: "container states: empty reasons, zero start time, last termination, spec without status",
			obj: &corev1.Pod{ObjectMeta: meta,
				Spec: corev1.PodSpec{
					Containers:     []corev1.Container{{Name: "a", Image: "img:a"}, {Name: "b", Image: "img:b"}, {Name: "no-status"}},
					InitContainers: []corev1.Container{{Name: "i", Image: "img:i"}},
				},
				Status: corev1.PodStatus{
					ContainerStatuses: []corev1.ContainerStatus{
						{Name: "a", Image: "img:a", ImageID: "sha", ContainerID: "cid", RestartCount: 3, Ready: true,
							State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}},
							LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
								ExitCode: 1, Reason: "Error", FinishedAt: at(1700000100)}}},
						{Name: "b", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}},
						{Name: "not-in-spec", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
							StartedAt: at(1700000000), FinishedAt: at(1700000200)}}},
					},
					InitContainerStatuses: []corev1.ContainerStatus{
						{Name: "i", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
							Reason: "Completed", StartedAt: at(1600000000), FinishedAt: at(1800000000)}}},
					},
				},
			},
			families: []string{
				"kube_pod_completion_time", "kube_pod_container_info", "kube_pod_container_state_started",
				"kube_pod_container_status_last_terminated_reason", "kube_pod_container_status_last_terminated_exitcode",
				"kube_pod_container_status_last_terminated_timestamp", "kube_pod_container_status_restarts_total",
				"kube_pod_container_status_terminated_reason", "kube_pod_container_status_waiting_reason",
				"kube_pod_init_container_info", "kube_pod_init_container_state_started", "kube_pod_init_container_status_terminated_reason",
				"kube_pod_init_container_status_last_terminated_reason",
			},
			want: `
				kube_pod_completion_time{namespace="ns",pod="p",uid="u"} 1.7000002e+09
				kube_pod_container_info{namespace="ns",pod="p",uid="u",container="a",image_spec="img:a",image="img:a",image_id="sha",container_id="cid"} 1
				kube_pod_container_info{namespace="ns",pod="p",uid="u",container="b",image_spec="img:b",image="",image_id="",container_id=""} 1
				kube_pod_container_state_started{namespace="ns",pod="p",uid="u",container="a"} -6.21355968e+10
				kube_pod_container_state_started{namespace="ns",pod="p",uid="u",container="not-in-spec"} 1.7e+09
				kube_pod_container_status_last_terminated_reason{namespace="ns",pod="p",uid="u",container="a",reason="Error"} 1
				kube_pod_container_status_last_terminated_exitcode{namespace="ns",pod="p",uid="u",container="a"} 1
				kube_pod_container_status_last_terminated_timestamp{namespace="ns",pod="p",uid="u",container="a"} 1.7000001e+09
				kube_pod_container_status_restarts_total{namespace="ns",pod="p",uid="u",container="a"} 3
				kube_pod_container_status_restarts_total{namespace="ns",pod="p",uid="u",container="b"} 0
				kube_pod_container_status_restarts_total{namespace="ns",pod="p",uid="u",container="not-in-spec"} 0
				kube_pod_container_status_terminated_reason{namespace="ns",pod="p",uid="u",container="not-in-spec",reason=""} 1
				kube_pod_container_status_waiting_reason{namespace="ns",pod="p",uid="u",container="b",reason=""} 1
				kube_pod_init_container_info{namespace="ns",pod="p",uid="u",container="i",image_spec="img:i",image="",image_id="",container_id="",restart_policy=""} 1
				kube_pod_init_container_state_started{namespace="ns",pod="p",uid="u",container="i"} 1.6e+09
				kube_pod_init_container_status_terminated_reason{namespace="ns",pod="p",uid="u",container="i",reason="Completed"} 1`,
		},
		{
			name: "info, owners, ips, timestamps",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p", UID: "u",
					CreationTimestamp: at(1600000000), DeletionTimestamp: ptr.To(at(1700000000)),
					Finalizers: []string{"example.com/keep"},
					OwnerReferences: []metav1.OwnerReference{
						{Kind: "Node", Name: "n1"},
						{Kind: "ReplicaSet", Name: "rs", Controller: ptr.To(false)},
						{Kind: "StatefulSet", Name: "sts", Controller: ptr.To(true)},
					}},
				Spec: corev1.PodSpec{NodeName: "n1", PriorityClassName: "high"},
				Status: corev1.PodStatus{HostIP: "10.0.0.1", PodIP: "10.1.0.5", StartTime: ptr.To(at(1600000010)),
					PodIPs: []corev1.PodIP{{IP: "10.1.0.5"}, {IP: "fd00::5"}, {IP: "::ffff:10.1.0.6"}, {IP: "bogus"}, {IP: ""}}},
			},
			families: []string{"kube_pod_created", "kube_pod_deletion_timestamp", "kube_pod_start_time", "kube_pod_info", "kube_pod_owner", "kube_pod_ips"},
			want: `
				kube_pod_created{namespace="ns",pod="p",uid="u"} 1.6e+09
				kube_pod_deletion_timestamp{namespace="ns",pod="p",uid="u"} 1.7e+09
				kube_pod_start_time{namespace="ns",pod="p",uid="u"} 1.60000001e+09
				kube_pod_info{namespace="ns",pod="p",uid="u",host_ip="10.0.0.1",pod_ip="10.1.0.5",node="n1",created_by_kind="StatefulSet",created_by_name="sts",priority_class="high",host_network="false"} 1
				kube_pod_owner{namespace="ns",pod="p",uid="u",owner_kind="Node",owner_name="n1",owner_is_controller="false"} 1
				kube_pod_owner{namespace="ns",pod="p",uid="u",owner_kind="ReplicaSet",owner_name="rs",owner_is_controller="false"} 1
				kube_pod_owner{namespace="ns",pod="p",uid="u",owner_kind="StatefulSet",owner_name="sts",owner_is_controller="true"} 1
				kube_pod_ips{namespace="ns",pod="p",uid="u",ip="10.1.0.5",ip_family="4"} 1
				kube_pod_ips{namespace="ns",pod="p",uid="u",ip="fd00::5",ip_family="6"} 1
				kube_pod_ips{namespace="ns",pod="p",uid="u",ip="::ffff:10.1.0.6",ip_family="4"} 1`,
		},
		{
			name: "volumes: pvc read-only, ephemeral, others skipped",
			obj: &corev1.Pod{ObjectMeta: meta, Spec: corev1.PodSpec{Volumes: []corev1.Volume{
				{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}},
				{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim", ReadOnly: true}}},
				{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}},
				{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			}}},
			families: []string{"kube_pod_spec_volumes_persistentvolumeclaims_info", "kube_pod_spec_volumes_persistentvolumeclaims_readonly"},
			want: `
				kube_pod_spec_volumes_persistentvolumeclaims_info{namespace="ns",pod="p",uid="u",volume="data",persistentvolumeclaim="claim",ephemeral="false"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_info{namespace="ns",pod="p",uid="u",volume="scratch",persistentvolumeclaim="p-scratch",ephemeral="true"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_readonly{namespace="ns",pod="p",uid="u",volume="data",persistentvolumeclaim="claim",ephemeral="false"} 1
				kube_pod_spec_volumes_persistentvolumeclaims_readonly{namespace="ns",pod="p",uid="u",volume="scratch",persistentvolumeclaim="p-scratch",ephemeral="true"} 0`,
		},
		{
			name:     "phase outside KSM's five: all five points are 0",
			obj:      &corev1.Pod{ObjectMeta: meta, Status: corev1.PodStatus{Phase: "Weird", QOSClass: corev1.PodQOSGuaranteed}},
			families: []string{"kube_pod_status_phase", "kube_pod_status_qos_class"},
			want: `
				kube_pod_status_phase{namespace="ns",pod="p",uid="u",phase="Pending"} 0
				kube_pod_status_phase{namespace="ns",pod="p",uid="u",phase="Succeeded"} 0
				kube_pod_status_phase{namespace="ns",pod="p",uid="u",phase="Failed"} 0
				kube_pod_status_phase{namespace="ns",pod="p",uid="u",phase="Unknown"} 0
				kube_pod_status_phase{namespace="ns",pod="p",uid="u",phase="Running"} 0
				kube_pod_status_qos_class{namespace="ns",pod="p",uid="u",qos_class="BestEffort"} 0
				kube_pod_status_qos_class{namespace="ns",pod="p",uid="u",qos_class="Burstable"} 0
				kube_pod_status_qos_class{namespace="ns",pod="p",uid="u",qos_class="Guaranteed"} 1`,
		},
		{
			name: "conditions: unknown ready, unschedulable, times only for the matching status",
			obj: &corev1.Pod{ObjectMeta: meta, Status: corev1.PodStatus{Conditions: []corev1.PodCondition{
				{Type: corev1.PodReady, Status: corev1.ConditionUnknown, LastTransitionTime: at(1700000001)},
				{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", LastTransitionTime: at(1700000002)},
				{Type: corev1.PodInitialized, Status: corev1.ConditionFalse, LastTransitionTime: at(1700000003)},
				{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: at(1700000004)},
			}}},
			families: []string{
				"kube_pod_status_ready", "kube_pod_status_ready_time", "kube_pod_status_initialized_time", "kube_pod_status_container_ready_time",
				"kube_pod_status_scheduled", "kube_pod_status_scheduled_time", "kube_pod_status_unschedulable", "kube_pod_status_unscheduled_time",
				"kube_pod_status_reason", "kube_pod_status_disruption_reason",
			},
			want: `
				kube_pod_status_ready{namespace="ns",pod="p",uid="u",condition="true"} 0
				kube_pod_status_ready{namespace="ns",pod="p",uid="u",condition="false"} 0
				kube_pod_status_ready{namespace="ns",pod="p",uid="u",condition="unknown"} 1
				kube_pod_status_container_ready_time{namespace="ns",pod="p",uid="u"} 1.700000004e+09
				kube_pod_status_scheduled{namespace="ns",pod="p",uid="u",condition="true"} 0
				kube_pod_status_scheduled{namespace="ns",pod="p",uid="u",condition="false"} 1
				kube_pod_status_scheduled{namespace="ns",pod="p",uid="u",condition="unknown"} 0
				kube_pod_status_unschedulable{namespace="ns",pod="p",uid="u"} 1
				kube_pod_status_unscheduled_time{namespace="ns",pod="p",uid="u"} 1.700000002e+09`,
		},
		{
			name: "status reason: known reasons from status, conditions and terminated containers, plus Other",
			obj: &corev1.Pod{ObjectMeta: meta, Status: corev1.PodStatus{
				Reason:     "SomeFutureReason",
				Conditions: []corev1.PodCondition{{Type: corev1.DisruptionTarget, Reason: "NodeLost"}, {Type: corev1.PodReady, Reason: "Evicted"}},
				ContainerStatuses: []corev1.ContainerStatus{
					{Name: "a", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Shutdown"}}},
					{Name: "b", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled"}}},
				},
				InitContainerStatuses: []corev1.ContainerStatus{
					{Name: "i", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "NodeAffinity"}}},
				},
			}},
			families: []string{"kube_pod_status_reason", "kube_pod_status_disruption_reason"},
			want: `
				kube_pod_status_reason{namespace="ns",pod="p",uid="u",reason="Evicted"} 1
				kube_pod_status_reason{namespace="ns",pod="p",uid="u",reason="NodeLost"} 1
				kube_pod_status_reason{namespace="ns",pod="p",uid="u",reason="Shutdown"} 1
				kube_pod_status_reason{namespace="ns",pod="p",uid="u",reason="Other"} 1
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="Other"} 1`,
		},
		{
			name:     "status reason: a known status reason gives no Other",
			obj:      &corev1.Pod{ObjectMeta: meta, Status: corev1.PodStatus{Reason: "Evicted", Conditions: []corev1.PodCondition{{Reason: "SomeFutureConditionReason"}}}},
			families: []string{"kube_pod_status_reason"},
			want:     `kube_pod_status_reason{namespace="ns",pod="p",uid="u",reason="Evicted"} 1`,
		},
		{
			name: "disruption reasons: known ones kept, empty and unknown become Other, other types ignored",
			obj: &corev1.Pod{ObjectMeta: meta, Status: corev1.PodStatus{Conditions: []corev1.PodCondition{
				{Type: corev1.DisruptionTarget, Reason: "DeletionByTaintManager"},
				{Type: corev1.DisruptionTarget, Reason: "EvictionByEvictionAPI"},
				{Type: corev1.DisruptionTarget, Reason: "DeletionByPodGC"},
				{Type: corev1.DisruptionTarget, Reason: "TerminationByKubelet"},
				{Type: corev1.DisruptionTarget, Reason: "PreemptionByScheduler"},
				{Type: corev1.DisruptionTarget},
				{Type: corev1.PodReady, Reason: "EvictionByEvictionAPI"},
			}}},
			families: []string{"kube_pod_status_disruption_reason"},
			want: `
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="DeletionByTaintManager"} 1
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="EvictionByEvictionAPI"} 1
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="DeletionByPodGC"} 1
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="TerminationByKubelet"} 1
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="PreemptionByScheduler"} 1
				kube_pod_status_disruption_reason{namespace="ns",pod="p",uid="u",reason="Other"} 1`,
		},
		{
			// KSM's TestKubePodTolerations_DeduplicatesDuplicateEntries_WithTolerationSeconds.
			name: "tolerations deduplicated by value, toleration seconds included",
			obj: &corev1.Pod{ObjectMeta: meta, Spec: corev1.PodSpec{Tolerations: []corev1.Toleration{
				{Key: "key1", Operator: corev1.TolerationOpEqual, Value: "value1", Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: seconds(3600)},
				{Key: "key1", Operator: corev1.TolerationOpEqual, Value: "value1", Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: seconds(3600)},
				{Key: "key1", Operator: corev1.TolerationOpEqual, Value: "value1", Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: seconds(1800)},
				{Key: "key2", Operator: corev1.TolerationOpExists, TolerationSeconds: seconds(0)},
				{Key: "key2", Operator: corev1.TolerationOpExists, TolerationSeconds: seconds(0)},
				{Key: "key2", Operator: corev1.TolerationOpExists},
			}}},
			families: []string{"kube_pod_tolerations"},
			want: `
				kube_pod_tolerations{namespace="ns",pod="p",uid="u",key="key1",operator="Equal",value="value1",effect="NoSchedule",toleration_seconds="3600"} 1
				kube_pod_tolerations{namespace="ns",pod="p",uid="u",key="key1",operator="Equal",value="value1",effect="NoSchedule",toleration_seconds="1800"} 1
				kube_pod_tolerations{namespace="ns",pod="p",uid="u",key="key2",operator="Exists",value="",effect="",toleration_seconds="0"} 1
				kube_pod_tolerations{namespace="ns",pod="p",uid="u",key="key2",operator="Exists",value="",effect="",toleration_seconds=""} 1`,
		},
		{
			name: "nodeselectors: sorted by key, sanitized, conflicts suffixed",
			obj: &corev1.Pod{ObjectMeta: meta, Spec: corev1.PodSpec{NodeSelector: map[string]string{
				"kubernetes.io/os": "linux", "kubernetes_io/os": "x", "zone": "a"}}},
			filter:   family.Filter{Enabled: podAllFamilies},
			families: []string{"kube_pod_nodeselectors"},
			want:     `kube_pod_nodeselectors{namespace="ns",pod="p",uid="u",nodeselector_kubernetes_io_os_conflict1="linux",nodeselector_kubernetes_io_os_conflict2="x",nodeselector_zone="a"} 1`,
		},
		{
			name: "runtime class and resource claims",
			obj: &corev1.Pod{ObjectMeta: meta,
				Spec: corev1.PodSpec{RuntimeClassName: ptr.To(""), ResourceClaims: []corev1.PodResourceClaim{
					{Name: "tmpl", ResourceClaimTemplateName: ptr.To("t")},
					{Name: "both", ResourceClaimName: ptr.To("c"), ResourceClaimTemplateName: ptr.To("t2")},
				}},
				Status: corev1.PodStatus{ResourceClaimStatuses: []corev1.PodResourceClaimStatus{
					{Name: "tmpl"}, {Name: "both", ResourceClaimName: ptr.To("ignored")},
				}},
			},
			families: []string{"kube_pod_runtimeclass_name_info", "kube_pod_resourceclaim_info"},
			want: `
				kube_pod_runtimeclass_name_info{namespace="ns",pod="p",uid="u",runtimeclass_name=""} 1
				kube_pod_resourceclaim_info{namespace="ns",pod="p",uid="u",claim_name="tmpl",resourceclaim_name="",resourceclaim_template_name="t"} 1
				kube_pod_resourceclaim_info{namespace="ns",pod="p",uid="u",claim_name="both",resourceclaim_name="c",resourceclaim_template_name="t2"} 1`,
		},
	})
}

// TestPodStrip checks that Strip drops what no family reads and changes no family's output on an
// object that sets every field some family reads.
func TestPodStrip(t *testing.T) {
	at := func(sec int64) metav1.Time { return metav1.Unix(sec, 0) }
	q := resource.MustParse
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("1Mi"), "example.com/gpu": q("1")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: q("1"), "hugepages-1Gi": q("1Gi")},
		Claims:   []corev1.ResourceClaim{{Name: "gpu"}},
	}
	terminated := &corev1.ContainerStateTerminated{ExitCode: 2, Signal: 9, Reason: "Error", Message: "boom", StartedAt: at(100), FinishedAt: at(200), ContainerID: "cid"}
	status := func(name string) corev1.ContainerStatus {
		return corev1.ContainerStatus{
			Name: name, Image: "img", ImageID: "iid", ContainerID: "cid", Ready: true, RestartCount: 4, Started: ptr.To(true),
			State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off"}},
			LastTerminationState: corev1.ContainerState{Terminated: terminated, Running: &corev1.ContainerStateRunning{StartedAt: at(50)}},
			AllocatedResources:   corev1.ResourceList{corev1.ResourceCPU: q("1")},
			VolumeMounts:         []corev1.VolumeMountStatus{{Name: "data", MountPath: "/data"}},
		}
	}
	container := func(name string) corev1.Container {
		return corev1.Container{
			Name: name, Image: "img:spec", Command: []string{"run"}, Args: []string{"--x"}, WorkingDir: "/w",
			Env:            []corev1.EnvVar{{Name: "K", Value: "V"}},
			Resources:      res,
			VolumeMounts:   []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			LivenessProbe:  &corev1.Probe{InitialDelaySeconds: 3},
			RestartPolicy:  ptr.To(corev1.ContainerRestartPolicyAlways),
			ReadinessProbe: &corev1.Probe{PeriodSeconds: 5},
		}
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "ns", Name: "p", UID: "u", GenerateName: "p-", ResourceVersion: "42",
			CreationTimestamp: at(10), DeletionTimestamp: ptr.To(at(20)), DeletionGracePeriodSeconds: ptr.To(int64(30)),
			Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"note": "x"},
			OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "rs", Controller: ptr.To(true)}},
			Finalizers:      []string{"example.com/f"},
		},
		Spec: corev1.PodSpec{
			Volumes: []corev1.Volume{
				{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}},
				{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c", ReadOnly: true}}},
				{Name: "eph", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{}}}},
			},
			InitContainers:      []corev1.Container{container("init")},
			Containers:          []corev1.Container{container("main"), container("side")},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}},
			RestartPolicy:       corev1.RestartPolicyOnFailure,
			DNSPolicy:           corev1.DNSClusterFirst,
			NodeSelector:        map[string]string{"zone": "a"},
			ServiceAccountName:  "sa",
			NodeName:            "n1",
			HostNetwork:         true,
			Affinity:            &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{}},
			SchedulerName:       "sched",
			Tolerations:         []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists, TolerationSeconds: ptr.To(int64(5))}},
			PriorityClassName:   "high",
			RuntimeClassName:    ptr.To("gvisor"),
			Overhead:            corev1.ResourceList{corev1.ResourceCPU: q("10m"), corev1.ResourceMemory: q("1Ki")},
			ResourceClaims: []corev1.PodResourceClaim{
				{Name: "gpu", ResourceClaimTemplateName: ptr.To("t")},
				{Name: "shared", ResourceClaimName: ptr.To("s")},
			},
		},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning, Reason: "Evicted", Message: "evicted for memory", NominatedNodeName: "n2",
			Conditions: []corev1.PodCondition{
				{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: at(30), LastProbeTime: at(31), Message: "m"},
				{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: at(32)},
				{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: at(33)},
				{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: at(34)},
				{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "NodeLost"},
				// Not a real pod's state: a second PodScheduled condition reaches the unschedulable families.
				{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, LastTransitionTime: at(35)},
			},
			HostIP: "10.0.0.1", HostIPs: []corev1.HostIP{{IP: "10.0.0.1"}},
			PodIP: "10.1.0.1", PodIPs: []corev1.PodIP{{IP: "10.1.0.1"}, {IP: "fd00::1"}},
			StartTime: ptr.To(at(40)),
			QOSClass:  corev1.PodQOSBurstable,
			InitContainerStatuses: []corev1.ContainerStatus{status("init"), {
				Name: "init-done", State: corev1.ContainerState{Terminated: terminated.DeepCopy()},
			}},
			ContainerStatuses: []corev1.ContainerStatus{status("main"), {
				Name: "side", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: at(60)}},
			}, {
				Name: "done", State: corev1.ContainerState{Terminated: terminated.DeepCopy()},
			}},
			EphemeralContainerStatuses: []corev1.ContainerStatus{status("debug")},
			ResourceClaimStatuses:      []corev1.PodResourceClaimStatus{{Name: "gpu", ResourceClaimName: ptr.To("p-gpu-x")}},
		},
	}
	filter := family.Filter{Enabled: podAllFamilies, Labels: allow(t, "*"), Annotations: allow(t, "*")}

	src := Pods.Compile(filter)
	want := lines(family.Text(src, src.Record(pod.DeepCopy())))
	stripped, err := src.Transform(pod.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	p := stripped.(*corev1.Pod)
	if got := lines(family.Text(src, src.Record(p))); !slices.Equal(got, want) {
		t.Errorf("Strip changed the output\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, f := range Pods.Families {
		if !slices.ContainsFunc(want, func(l string) bool { return strings.HasPrefix(l, f.Name+"{") }) {
			t.Errorf("the pod should exercise every family; %s has no series", f.Name)
		}
	}

	c := p.Spec.Containers[0]
	if c.Command != nil || c.Env != nil || c.VolumeMounts != nil || c.LivenessProbe != nil || c.Resources.Claims != nil {
		t.Errorf("container fields kept: %+v", c)
	}
	if p.Spec.EphemeralContainers != nil || p.Spec.Affinity != nil || p.Spec.DNSPolicy != "" || len(p.Spec.Volumes) != 2 {
		t.Errorf("pod spec fields kept: %+v", p.Spec)
	}
	if p.Spec.Volumes[1].Ephemeral.VolumeClaimTemplate != nil {
		t.Errorf("ephemeral volume template kept")
	}
	s := p.Status
	if s.Message != "" || s.NominatedNodeName != "" || s.HostIPs != nil || s.EphemeralContainerStatuses != nil || s.Conditions[0].Message != "" {
		t.Errorf("pod status fields kept: %+v", s)
	}
	cs := s.ContainerStatuses[0]
	if cs.Started != nil || cs.AllocatedResources != nil || cs.VolumeMounts != nil || cs.State.Waiting.Message != "" ||
		cs.LastTerminationState.Running != nil || cs.LastTerminationState.Terminated.Message != "" {
		t.Errorf("container status fields kept: %+v", cs)
	}
	if p.GenerateName != "" || p.Finalizers != nil || p.ResourceVersion != "42" {
		t.Errorf("metadata not stripped as expected: %+v", p.ObjectMeta)
	}
}
