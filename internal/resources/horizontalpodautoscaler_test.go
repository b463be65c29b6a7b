package resources

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestHorizontalPodAutoscalerFamilies(t *testing.T) {
	created := metav1.Time{Time: time.Unix(1500000000, 0)}
	deleted := &metav1.Time{Time: time.Unix(1800000000, 0)}
	runGolden(t, HorizontalPodAutoscalers, []golden[*autoscalingv2.HorizontalPodAutoscaler]{
		{
			name: "KSM hpa1: every metric source type",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{
					Generation: 2, Name: "hpa1", Namespace: "ns1",
					CreationTimestamp: created, DeletionTimestamp: deleted,
					Labels: map[string]string{"app": "foobar"},
				},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					MaxReplicas: 4,
					MinReplicas: policyPtr[int32](2),
					Metrics: []autoscalingv2.MetricSpec{
						{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "hits"},
							Target: autoscalingv2.MetricTarget{Value: policyQty("10"), AverageValue: policyQty("12")},
						}},
						{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "connections"},
							Target: autoscalingv2.MetricTarget{Value: policyQty("0.5"), AverageValue: policyQty("0.7")},
						}},
						{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "transactions_processed"},
							Target: autoscalingv2.MetricTarget{AverageValue: policyQty("33")},
						}},
						{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
							Name:   "cpu",
							Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](80)},
						}},
						{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
							Name:   "memory",
							Target: autoscalingv2.MetricTarget{AverageValue: policyQty("800Ki"), AverageUtilization: policyPtr[int32](80)},
						}},
						{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
							Name: "cpu", Container: "container1",
							Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](80)},
						}},
						// No targets: ignored.
						{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{Name: "disk"}},
						{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "sqs_jobs"},
							Target: autoscalingv2.MetricTarget{Value: policyQty("30")},
						}},
						{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "events"},
							Target: autoscalingv2.MetricTarget{AverageValue: policyQty("30")},
						}},
					},
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "deployment1"},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 2,
					DesiredReplicas: 2,
					Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
						{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue, Reason: "reason"},
					},
					CurrentMetrics: []autoscalingv2.MetricStatus{
						{Type: "Resource", Resource: &autoscalingv2.ResourceMetricStatus{
							Name:    "cpu",
							Current: autoscalingv2.MetricValueStatus{AverageValue: policyQty("7m"), AverageUtilization: policyPtr[int32](80)},
						}},
						{Type: "Resource", Resource: &autoscalingv2.ResourceMetricStatus{
							Name:    "memory",
							Current: autoscalingv2.MetricValueStatus{AverageValue: policyQty("26335914666m"), AverageUtilization: policyPtr[int32](80)},
						}},
					},
				},
			},
			want: `
				kube_horizontalpodautoscaler_info{namespace="ns1",horizontalpodautoscaler="hpa1",scaletargetref_api_version="apps/v1",scaletargetref_kind="Deployment",scaletargetref_name="deployment1"} 1
				kube_horizontalpodautoscaler_metadata_generation{namespace="ns1",horizontalpodautoscaler="hpa1"} 2
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="ns1",horizontalpodautoscaler="hpa1"} 4
				kube_horizontalpodautoscaler_spec_min_replicas{namespace="ns1",horizontalpodautoscaler="hpa1"} 2
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="cpu",metric_target_type="utilization",container="container1"} 80
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="events",metric_target_type="average",container=""} 30
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="hits",metric_target_type="average",container=""} 12
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="hits",metric_target_type="value",container=""} 10
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="connections",metric_target_type="average",container=""} 0.7
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="connections",metric_target_type="value",container=""} 0.5
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="cpu",metric_target_type="utilization",container=""} 80
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="memory",metric_target_type="average",container=""} 819200
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="memory",metric_target_type="utilization",container=""} 80
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="sqs_jobs",metric_target_type="value",container=""} 30
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="transactions_processed",metric_target_type="average",container=""} 33
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="cpu",metric_target_type="average",container=""} 0.007
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="cpu",metric_target_type="utilization",container=""} 80
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="memory",metric_target_type="average",container=""} 2.6335914666e+07
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa1",metric_name="memory",metric_target_type="utilization",container=""} 80
				kube_horizontalpodautoscaler_status_condition{namespace="ns1",horizontalpodautoscaler="hpa1",condition="AbleToScale",status="false"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns1",horizontalpodautoscaler="hpa1",condition="AbleToScale",status="true"} 1
				kube_horizontalpodautoscaler_status_condition{namespace="ns1",horizontalpodautoscaler="hpa1",condition="AbleToScale",status="unknown"} 0
				kube_horizontalpodautoscaler_status_current_replicas{namespace="ns1",horizontalpodautoscaler="hpa1"} 2
				kube_horizontalpodautoscaler_status_desired_replicas{namespace="ns1",horizontalpodautoscaler="hpa1"} 2
				kube_horizontalpodautoscaler_created{namespace="ns1",horizontalpodautoscaler="hpa1"} 1.5e+09
				kube_horizontalpodautoscaler_deletion_timestamp{namespace="ns1",horizontalpodautoscaler="hpa1"} 1.8e+09`,
		},
		{
			name: "KSM: unset minReplicas falls back to the API default",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "hpa-default-min-replicas", Namespace: "ns1"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					MaxReplicas:    3,
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "deployment-default-min"},
				},
			},
			families: []string{"kube_horizontalpodautoscaler_spec_min_replicas"},
			want: `
				kube_horizontalpodautoscaler_spec_min_replicas{namespace="ns1",horizontalpodautoscaler="hpa-default-min-replicas"} 1`,
		},
		{
			name: "KSM hpa2: annotations allowlisted, no scale target api version, external current values",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{
					Generation: 2, Name: "hpa2", Namespace: "ns1",
					CreationTimestamp: created, DeletionTimestamp: deleted,
					Labels:      map[string]string{"app": "foobar"},
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
				},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					MaxReplicas: 4,
					MinReplicas: policyPtr[int32](2),
					Metrics: []autoscalingv2.MetricSpec{
						{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
							Name: "memory", Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](75)},
						}},
						{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
							Name: "cpu", Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](80)},
						}},
						{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "traefik_backend_requests_per_second"},
							Target: autoscalingv2.MetricTarget{Value: policyQty("100")},
						}},
						{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
							Metric: autoscalingv2.MetricIdentifier{Name: "traefik_backend_errors_per_second"},
							Target: autoscalingv2.MetricTarget{Value: policyQty("100")},
						}},
					},
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "deployment1"},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 2,
					DesiredReplicas: 2,
					Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
						{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue, Reason: "reason"},
					},
					CurrentMetrics: []autoscalingv2.MetricStatus{
						{Type: "Resource", Resource: &autoscalingv2.ResourceMetricStatus{
							Name:    "memory",
							Current: autoscalingv2.MetricValueStatus{AverageValue: policyQty("847775744"), AverageUtilization: policyPtr[int32](28)},
						}},
						{Type: "Resource", Resource: &autoscalingv2.ResourceMetricStatus{
							Name:    "cpu",
							Current: autoscalingv2.MetricValueStatus{AverageValue: policyQty("62m"), AverageUtilization: policyPtr[int32](6)},
						}},
						{Type: "ContainerResource", ContainerResource: &autoscalingv2.ContainerResourceMetricStatus{
							Name: "cpu", Container: "container1",
							Current: autoscalingv2.MetricValueStatus{AverageValue: policyQty("80m"), AverageUtilization: policyPtr[int32](10)},
						}},
						{Type: "External", External: &autoscalingv2.ExternalMetricStatus{
							Metric:  autoscalingv2.MetricIdentifier{Name: "traefik_backend_requests_per_second"},
							Current: autoscalingv2.MetricValueStatus{Value: policyQty("0"), AverageValue: policyQty("2900m")},
						}},
						{Type: "External", External: &autoscalingv2.ExternalMetricStatus{
							Metric:  autoscalingv2.MetricIdentifier{Name: "traefik_backend_errors_per_second"},
							Current: autoscalingv2.MetricValueStatus{Value: policyQty("0")},
						}},
					},
				},
			},
			filter: family.Filter{Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_horizontalpodautoscaler_info{namespace="ns1",horizontalpodautoscaler="hpa2",scaletargetref_kind="Deployment",scaletargetref_name="deployment1"} 1
				kube_horizontalpodautoscaler_annotations{namespace="ns1",horizontalpodautoscaler="hpa2",annotation_app_k8s_io_owner="@foo"} 1
				kube_horizontalpodautoscaler_metadata_generation{namespace="ns1",horizontalpodautoscaler="hpa2"} 2
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="ns1",horizontalpodautoscaler="hpa2"} 4
				kube_horizontalpodautoscaler_spec_min_replicas{namespace="ns1",horizontalpodautoscaler="hpa2"} 2
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="cpu",metric_target_type="utilization",container=""} 80
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="memory",metric_target_type="utilization",container=""} 75
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="traefik_backend_errors_per_second",metric_target_type="value",container=""} 100
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="traefik_backend_requests_per_second",metric_target_type="value",container=""} 100
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="memory",metric_target_type="average",container=""} 8.47775744e+08
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="memory",metric_target_type="utilization",container=""} 28
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="cpu",metric_target_type="average",container=""} 0.062
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="cpu",metric_target_type="utilization",container=""} 6
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="cpu",metric_target_type="average",container="container1"} 0.08
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="cpu",metric_target_type="utilization",container="container1"} 10
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="traefik_backend_requests_per_second",metric_target_type="value",container=""} 0
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="traefik_backend_requests_per_second",metric_target_type="average",container=""} 2.9
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns1",horizontalpodautoscaler="hpa2",metric_name="traefik_backend_errors_per_second",metric_target_type="value",container=""} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns1",horizontalpodautoscaler="hpa2",condition="AbleToScale",status="false"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns1",horizontalpodautoscaler="hpa2",condition="AbleToScale",status="true"} 1
				kube_horizontalpodautoscaler_status_condition{namespace="ns1",horizontalpodautoscaler="hpa2",condition="AbleToScale",status="unknown"} 0
				kube_horizontalpodautoscaler_status_current_replicas{namespace="ns1",horizontalpodautoscaler="hpa2"} 2
				kube_horizontalpodautoscaler_status_desired_replicas{namespace="ns1",horizontalpodautoscaler="hpa2"} 2
				kube_horizontalpodautoscaler_created{namespace="ns1",horizontalpodautoscaler="hpa2"} 1.5e+09
				kube_horizontalpodautoscaler_deletion_timestamp{namespace="ns1",horizontalpodautoscaler="hpa2"} 1.8e+09`,
		},
		{
			name: "KSM: several container resource metrics of one resource",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Generation: 1, Name: "hpa-container-resource", Namespace: "default", CreationTimestamp: created},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					MaxReplicas: 10,
					MinReplicas: policyPtr[int32](1),
					Metrics: []autoscalingv2.MetricSpec{
						{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
							Name: "cpu", Container: "main", Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](40)},
						}},
						{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
							Name: "cpu", Container: "sidecar", Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](90)},
						}},
						{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
							Name: "memory", Container: "main", Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](70)},
						}},
					},
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "test-app"},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 2,
					DesiredReplicas: 3,
					Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
						{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue},
					},
					CurrentMetrics: []autoscalingv2.MetricStatus{
						{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricStatus{
							Name: "cpu", Container: "main",
							Current: autoscalingv2.MetricValueStatus{AverageUtilization: policyPtr[int32](24), AverageValue: policyQty("1442m")},
						}},
						{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricStatus{
							Name: "cpu", Container: "sidecar",
							Current: autoscalingv2.MetricValueStatus{AverageUtilization: policyPtr[int32](69), AverageValue: policyQty("836m")},
						}},
					},
				},
			},
			want: `
				kube_horizontalpodautoscaler_info{namespace="default",horizontalpodautoscaler="hpa-container-resource",scaletargetref_api_version="apps/v1",scaletargetref_kind="Deployment",scaletargetref_name="test-app"} 1
				kube_horizontalpodautoscaler_metadata_generation{namespace="default",horizontalpodautoscaler="hpa-container-resource"} 1
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="default",horizontalpodautoscaler="hpa-container-resource"} 10
				kube_horizontalpodautoscaler_spec_min_replicas{namespace="default",horizontalpodautoscaler="hpa-container-resource"} 1
				kube_horizontalpodautoscaler_spec_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="cpu",metric_target_type="utilization",container="main"} 40
				kube_horizontalpodautoscaler_spec_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="memory",metric_target_type="utilization",container="main"} 70
				kube_horizontalpodautoscaler_spec_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="cpu",metric_target_type="utilization",container="sidecar"} 90
				kube_horizontalpodautoscaler_status_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="cpu",metric_target_type="average",container="main"} 1.442
				kube_horizontalpodautoscaler_status_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="cpu",metric_target_type="utilization",container="main"} 24
				kube_horizontalpodautoscaler_status_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="cpu",metric_target_type="average",container="sidecar"} 0.836
				kube_horizontalpodautoscaler_status_target_metric{namespace="default",horizontalpodautoscaler="hpa-container-resource",metric_name="cpu",metric_target_type="utilization",container="sidecar"} 69
				kube_horizontalpodautoscaler_status_condition{namespace="default",horizontalpodautoscaler="hpa-container-resource",condition="AbleToScale",status="false"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="default",horizontalpodautoscaler="hpa-container-resource",condition="AbleToScale",status="true"} 1
				kube_horizontalpodautoscaler_status_condition{namespace="default",horizontalpodautoscaler="hpa-container-resource",condition="AbleToScale",status="unknown"} 0
				kube_horizontalpodautoscaler_status_current_replicas{namespace="default",horizontalpodautoscaler="hpa-container-resource"} 2
				kube_horizontalpodautoscaler_status_desired_replicas{namespace="default",horizontalpodautoscaler="hpa-container-resource"} 3
				kube_horizontalpodautoscaler_created{namespace="default",horizontalpodautoscaler="hpa-container-resource"} 1.5e+09`,
		},
		{
			name: "KSM: behavior tolerances (policies and windows are not read)",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "hpa1", Namespace: "ns1"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					MaxReplicas: 4,
					Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
						ScaleUp: &autoscalingv2.HPAScalingRules{
							Tolerance:                  policyQty("0.5"),
							StabilizationWindowSeconds: policyPtr[int32](30),
							Policies:                   []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15}},
						},
						ScaleDown: &autoscalingv2.HPAScalingRules{Tolerance: policyQty("0.25")},
					},
				},
			},
			families: []string{"kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance", "kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance"},
			want: `
				kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance{namespace="ns1",horizontalpodautoscaler="hpa1"} 0.25
				kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance{namespace="ns1",horizontalpodautoscaler="hpa1"} 0.5`,
		},
		{
			name: "behavior without tolerances, or with only one",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "hpa1", Namespace: "ns1"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
						ScaleUp:   &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: policyPtr[int32](30)},
						ScaleDown: &autoscalingv2.HPAScalingRules{Tolerance: policyQty("50m")},
					},
				},
			},
			families: []string{"kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance", "kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance"},
			want: `
				kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance{namespace="ns1",horizontalpodautoscaler="hpa1"} 0.05`,
		},
		{
			name: "empty object: replica gauges are zeros, the timestamp and metric families empty",
			obj:  &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "empty", Namespace: "ns"}},
			want: `
				kube_horizontalpodautoscaler_info{namespace="ns",horizontalpodautoscaler="empty",scaletargetref_kind="",scaletargetref_name=""} 1
				kube_horizontalpodautoscaler_metadata_generation{namespace="ns",horizontalpodautoscaler="empty"} 0
				kube_horizontalpodautoscaler_spec_max_replicas{namespace="ns",horizontalpodautoscaler="empty"} 0
				kube_horizontalpodautoscaler_spec_min_replicas{namespace="ns",horizontalpodautoscaler="empty"} 1
				kube_horizontalpodautoscaler_status_current_replicas{namespace="ns",horizontalpodautoscaler="empty"} 0
				kube_horizontalpodautoscaler_status_desired_replicas{namespace="ns",horizontalpodautoscaler="empty"} 0`,
		},
		{
			name: "metrics whose source is missing for their type, or of an unknown type, are skipped",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "hpa", Namespace: "ns"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					Metrics: []autoscalingv2.MetricSpec{
						{Type: autoscalingv2.ObjectMetricSourceType},
						{Type: autoscalingv2.PodsMetricSourceType},
						{Type: autoscalingv2.ResourceMetricSourceType},
						{Type: autoscalingv2.ContainerResourceMetricSourceType},
						{Type: autoscalingv2.ExternalMetricSourceType},
						{Type: "Unknown", Resource: &autoscalingv2.ResourceMetricSource{
							Name: "cpu", Target: autoscalingv2.MetricTarget{AverageUtilization: policyPtr[int32](1)},
						}},
					},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentMetrics: []autoscalingv2.MetricStatus{
						{Type: autoscalingv2.ObjectMetricSourceType},
						{Type: autoscalingv2.PodsMetricSourceType},
						{Type: autoscalingv2.ResourceMetricSourceType},
						{Type: autoscalingv2.ContainerResourceMetricSourceType},
						{Type: autoscalingv2.ExternalMetricSourceType},
						{Type: "Unknown", Resource: &autoscalingv2.ResourceMetricStatus{
							Name: "cpu", Current: autoscalingv2.MetricValueStatus{AverageUtilization: policyPtr[int32](1)},
						}},
					},
				},
			},
			families: []string{"kube_horizontalpodautoscaler_spec_target_metric", "kube_horizontalpodautoscaler_status_target_metric"},
			want:     ``,
		},
		{
			name: "object and pods metrics with selectors; labels allowlisted; every condition status",
			obj: &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "hpa", Namespace: "ns", Labels: map[string]string{"app": "web", "team": "x"}},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					Metrics: []autoscalingv2.MetricSpec{
						{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
							DescribedObject: autoscalingv2.CrossVersionObjectReference{Kind: "Ingress", Name: "main"},
							Metric: autoscalingv2.MetricIdentifier{
								Name: "requests", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"verb": "GET"}},
							},
							Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: policyQty("2k")},
						}},
					},
				},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentMetrics: []autoscalingv2.MetricStatus{
						{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricStatus{
							Metric:  autoscalingv2.MetricIdentifier{Name: "queue", Selector: &metav1.LabelSelector{}},
							Current: autoscalingv2.MetricValueStatus{AverageValue: policyQty("1500m")},
						}},
						{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricStatus{
							Metric:  autoscalingv2.MetricIdentifier{Name: "requests"},
							Current: autoscalingv2.MetricValueStatus{Value: policyQty("1800")},
						}},
					},
					Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
						{Type: autoscalingv2.ScalingActive, Status: corev1.ConditionFalse, Message: "m", LastTransitionTime: metav1.Now()},
						{Type: autoscalingv2.ScalingLimited, Status: corev1.ConditionUnknown},
					},
				},
			},
			filter: family.Filter{Labels: allow(t, "app")},
			families: []string{
				"kube_horizontalpodautoscaler_spec_target_metric", "kube_horizontalpodautoscaler_status_target_metric",
				"kube_horizontalpodautoscaler_labels", "kube_horizontalpodautoscaler_status_condition",
			},
			want: `
				kube_horizontalpodautoscaler_spec_target_metric{namespace="ns",horizontalpodautoscaler="hpa",metric_name="requests",metric_target_type="value",container=""} 2000
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns",horizontalpodautoscaler="hpa",metric_name="queue",metric_target_type="average",container=""} 1.5
				kube_horizontalpodautoscaler_status_target_metric{namespace="ns",horizontalpodautoscaler="hpa",metric_name="requests",metric_target_type="value",container=""} 1800
				kube_horizontalpodautoscaler_labels{namespace="ns",horizontalpodautoscaler="hpa",label_app="web"} 1
				kube_horizontalpodautoscaler_status_condition{namespace="ns",horizontalpodautoscaler="hpa",condition="ScalingActive",status="true"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns",horizontalpodautoscaler="hpa",condition="ScalingActive",status="false"} 1
				kube_horizontalpodautoscaler_status_condition{namespace="ns",horizontalpodautoscaler="hpa",condition="ScalingActive",status="unknown"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns",horizontalpodautoscaler="hpa",condition="ScalingLimited",status="true"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns",horizontalpodautoscaler="hpa",condition="ScalingLimited",status="false"} 0
				kube_horizontalpodautoscaler_status_condition{namespace="ns",horizontalpodautoscaler="hpa",condition="ScalingLimited",status="unknown"} 1`,
		},
	})
}

func TestHorizontalPodAutoscalerStrip(t *testing.T) {
	h := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "hpa", OwnerReferences: []metav1.OwnerReference{{Name: "o"}}, Labels: map[string]string{"a": "b"}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{
				ScaleUp:   &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: policyPtr[int32](30)},
				ScaleDown: &autoscalingv2.HPAScalingRules{Tolerance: policyQty("0.1"), Policies: []autoscalingv2.HPAScalingPolicy{{Value: 1}}},
			},
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
				DescribedObject: autoscalingv2.CrossVersionObjectReference{Name: "x"},
				Metric:          autoscalingv2.MetricIdentifier{Name: "m", Selector: &metav1.LabelSelector{}},
			}}},
		},
		Status: autoscalingv2.HorizontalPodAutoscalerStatus{
			LastScaleTime: &metav1.Time{},
			Conditions:    []autoscalingv2.HorizontalPodAutoscalerCondition{{Type: autoscalingv2.AbleToScale, Message: "long"}},
		},
	}
	HorizontalPodAutoscalers.Strip(h)
	b := h.Spec.Behavior
	switch {
	case h.OwnerReferences != nil || h.Labels == nil:
		t.Errorf("metadata: owners %v, labels %v", h.OwnerReferences, h.Labels)
	case b.ScaleUp != nil || b.ScaleDown.Policies != nil || b.ScaleDown.Tolerance == nil:
		t.Errorf("behavior not stripped to tolerances: %+v", b)
	case h.Spec.Metrics[0].Object.DescribedObject.Name != "" || h.Spec.Metrics[0].Object.Metric.Selector != nil:
		t.Errorf("metric not stripped: %+v", h.Spec.Metrics[0].Object)
	case h.Status.LastScaleTime != nil || h.Status.Conditions[0].Message != "":
		t.Errorf("status not stripped: %+v", h.Status)
	}
}

// policyPtr and policyQty build optional fields for the policy resources' tests.
func policyPtr[T any](v T) *T { return &v }

func policyQty(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}
