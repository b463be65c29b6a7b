package resources

import (
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func jobTime(s string) *metav1.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &metav1.Time{Time: t}
}

func TestJobFamilies(t *testing.T) {
	runGolden(t, Jobs, []golden[*batchv1.Job]{
		{
			name: "running, owned by a cronjob",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "RunningJob1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					Generation:        1,
					Labels:            map[string]string{"app": "example-running-1"},
					OwnerReferences:   []metav1.OwnerReference{{Kind: "CronJob", Name: "cronjob-name", Controller: ptr.To(true)}},
				},
				Status: batchv1.JobStatus{Active: 1, StartTime: jobTime("2017-05-26T12:00:07Z")},
				Spec: batchv1.JobSpec{
					ActiveDeadlineSeconds: ptr.To[int64](900),
					Parallelism:           ptr.To[int32](1),
					Completions:           ptr.To[int32](1),
				},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="RunningJob1",owner_kind="CronJob",owner_name="cronjob-name",owner_is_controller="true"} 1
				kube_job_created{namespace="ns1",job_name="RunningJob1"} 1.5e+09
				kube_job_info{namespace="ns1",job_name="RunningJob1"} 1
				kube_job_spec_active_deadline_seconds{namespace="ns1",job_name="RunningJob1"} 900
				kube_job_spec_completions{namespace="ns1",job_name="RunningJob1"} 1
				kube_job_spec_parallelism{namespace="ns1",job_name="RunningJob1"} 1
				kube_job_status_active{namespace="ns1",job_name="RunningJob1"} 1
				kube_job_status_failed{namespace="ns1",job_name="RunningJob1"} 0
				kube_job_status_ready{namespace="ns1",job_name="RunningJob1"} 0
				kube_job_status_start_time{namespace="ns1",job_name="RunningJob1"} 1.495800007e+09
				kube_job_status_succeeded{namespace="ns1",job_name="RunningJob1"} 0`,
		},
		{
			name: "successful",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "SuccessfulJob1",
					Namespace:  "ns1",
					Generation: 1,
					Labels:     map[string]string{"app": "example-successful-1"},
				},
				Status: batchv1.JobStatus{
					Succeeded:      1,
					CompletionTime: jobTime("2017-05-26T13:00:07Z"),
					StartTime:      jobTime("2017-05-26T12:00:07Z"),
					Conditions:     []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}},
				},
				Spec: batchv1.JobSpec{
					ActiveDeadlineSeconds: ptr.To[int64](900),
					Parallelism:           ptr.To[int32](1),
					Completions:           ptr.To[int32](1),
				},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="SuccessfulJob1",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_complete{namespace="ns1",job_name="SuccessfulJob1",condition="false"} 0
				kube_job_complete{namespace="ns1",job_name="SuccessfulJob1",condition="true"} 1
				kube_job_complete{namespace="ns1",job_name="SuccessfulJob1",condition="unknown"} 0
				kube_job_info{namespace="ns1",job_name="SuccessfulJob1"} 1
				kube_job_spec_active_deadline_seconds{namespace="ns1",job_name="SuccessfulJob1"} 900
				kube_job_spec_completions{namespace="ns1",job_name="SuccessfulJob1"} 1
				kube_job_spec_parallelism{namespace="ns1",job_name="SuccessfulJob1"} 1
				kube_job_status_active{namespace="ns1",job_name="SuccessfulJob1"} 0
				kube_job_status_completion_time{namespace="ns1",job_name="SuccessfulJob1"} 1.495803607e+09
				kube_job_status_failed{namespace="ns1",job_name="SuccessfulJob1"} 0
				kube_job_status_ready{namespace="ns1",job_name="SuccessfulJob1"} 0
				kube_job_status_start_time{namespace="ns1",job_name="SuccessfulJob1"} 1.495800007e+09
				kube_job_status_succeeded{namespace="ns1",job_name="SuccessfulJob1"} 1`,
		},
		{
			name: "failed with a known reason",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "FailedJob1",
					Namespace:  "ns1",
					Generation: 1,
					Labels:     map[string]string{"app": "example-failed-1"},
				},
				Status: batchv1.JobStatus{
					Failed:         1,
					CompletionTime: jobTime("2017-05-26T15:00:07Z"),
					StartTime:      jobTime("2017-05-26T14:00:07Z"),
					Conditions: []batchv1.JobCondition{
						{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded", Message: "m"},
					},
				},
				Spec: batchv1.JobSpec{
					ActiveDeadlineSeconds: ptr.To[int64](900),
					Parallelism:           ptr.To[int32](1),
					Completions:           ptr.To[int32](1),
				},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="FailedJob1",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_failed{namespace="ns1",job_name="FailedJob1",condition="false"} 0
				kube_job_failed{namespace="ns1",job_name="FailedJob1",condition="true"} 1
				kube_job_failed{namespace="ns1",job_name="FailedJob1",condition="unknown"} 0
				kube_job_info{namespace="ns1",job_name="FailedJob1"} 1
				kube_job_spec_active_deadline_seconds{namespace="ns1",job_name="FailedJob1"} 900
				kube_job_spec_completions{namespace="ns1",job_name="FailedJob1"} 1
				kube_job_spec_parallelism{namespace="ns1",job_name="FailedJob1"} 1
				kube_job_status_active{namespace="ns1",job_name="FailedJob1"} 0
				kube_job_status_completion_time{namespace="ns1",job_name="FailedJob1"} 1.495810807e+09
				kube_job_status_failed{namespace="ns1",job_name="FailedJob1",reason="BackoffLimitExceeded"} 1
				kube_job_status_failed{namespace="ns1",job_name="FailedJob1",reason="DeadlineExceeded"} 0
				kube_job_status_failed{namespace="ns1",job_name="FailedJob1",reason="Evicted"} 0
				kube_job_status_ready{namespace="ns1",job_name="FailedJob1"} 0
				kube_job_status_start_time{namespace="ns1",job_name="FailedJob1"} 1.495807207e+09
				kube_job_status_succeeded{namespace="ns1",job_name="FailedJob1"} 0`,
		},
		{
			name: "failed without conditions",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "FailedJobWithNoConditions", Namespace: "ns1"},
				Status:     batchv1.JobStatus{Failed: 1},
				Spec:       batchv1.JobSpec{ActiveDeadlineSeconds: ptr.To[int64](900)},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="FailedJobWithNoConditions",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_info{namespace="ns1",job_name="FailedJobWithNoConditions"} 1
				kube_job_spec_active_deadline_seconds{namespace="ns1",job_name="FailedJobWithNoConditions"} 900
				kube_job_status_active{namespace="ns1",job_name="FailedJobWithNoConditions"} 0
				kube_job_status_failed{namespace="ns1",job_name="FailedJobWithNoConditions",reason=""} 1
				kube_job_status_ready{namespace="ns1",job_name="FailedJobWithNoConditions"} 0
				kube_job_status_succeeded{namespace="ns1",job_name="FailedJobWithNoConditions"} 0`,
		},
		{
			name: "successful without active deadline",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "SuccessfulJob2NoActiveDeadlineSeconds",
					Namespace:  "ns1",
					Generation: 1,
					Labels:     map[string]string{"app": "example-successful-2"},
				},
				Status: batchv1.JobStatus{
					Succeeded:      1,
					CompletionTime: jobTime("2017-05-26T13:10:07Z"),
					StartTime:      jobTime("2017-05-26T12:10:07Z"),
					Conditions:     []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}},
				},
				Spec: batchv1.JobSpec{Parallelism: ptr.To[int32](1), Completions: ptr.To[int32](1)},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_complete{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds",condition="false"} 0
				kube_job_complete{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds",condition="true"} 1
				kube_job_complete{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds",condition="unknown"} 0
				kube_job_info{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 1
				kube_job_spec_completions{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 1
				kube_job_spec_parallelism{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 1
				kube_job_status_active{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 0
				kube_job_status_completion_time{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 1.495804207e+09
				kube_job_status_failed{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 0
				kube_job_status_ready{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 0
				kube_job_status_start_time{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 1.495800607e+09
				kube_job_status_succeeded{namespace="ns1",job_name="SuccessfulJob2NoActiveDeadlineSeconds"} 1`,
		},
		{
			name: "suspended",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "SuspendedNoActiveDeadlineSeconds", Namespace: "ns1", Generation: 1},
				Status: batchv1.JobStatus{
					StartTime:  jobTime("2017-05-26T12:10:07Z"),
					Conditions: []batchv1.JobCondition{{Type: batchv1.JobSuspended, Status: corev1.ConditionTrue}},
				},
				Spec: batchv1.JobSpec{Suspend: ptr.To(true), Parallelism: ptr.To[int32](1), Completions: ptr.To[int32](1)},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_info{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 1
				kube_job_spec_completions{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 1
				kube_job_spec_parallelism{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 1
				kube_job_status_active{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_failed{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_ready{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_start_time{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 1.495800607e+09
				kube_job_status_succeeded{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_suspended{namespace="ns1",job_name="SuspendedNoActiveDeadlineSeconds"} 1`,
		},
		{
			name: "unsuspended",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "UnsuspendedNoActiveDeadlineSeconds", Namespace: "ns1", Generation: 1},
				Status: batchv1.JobStatus{
					StartTime:  jobTime("2017-05-26T12:10:07Z"),
					Conditions: []batchv1.JobCondition{{Type: batchv1.JobSuspended, Status: corev1.ConditionFalse}},
				},
				Spec: batchv1.JobSpec{Suspend: ptr.To(false), Parallelism: ptr.To[int32](1), Completions: ptr.To[int32](1)},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_info{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 1
				kube_job_spec_completions{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 1
				kube_job_spec_parallelism{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 1
				kube_job_status_active{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_failed{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_start_time{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 1.495800607e+09
				kube_job_status_succeeded{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_suspended{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 0
				kube_job_status_ready{namespace="ns1",job_name="UnsuspendedNoActiveDeadlineSeconds"} 0`,
		},
		{
			name: "ready pods",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "job-with-ready-pods", Namespace: "ns1", UID: "job-123"},
				Status:     batchv1.JobStatus{Active: 2, Ready: ptr.To[int32](1)},
			},
			want: `
				kube_job_owner{namespace="ns1",job_name="job-with-ready-pods",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_job_info{namespace="ns1",job_name="job-with-ready-pods"} 1
				kube_job_status_active{namespace="ns1",job_name="job-with-ready-pods"} 2
				kube_job_status_failed{namespace="ns1",job_name="job-with-ready-pods"} 0
				kube_job_status_succeeded{namespace="ns1",job_name="job-with-ready-pods"} 0
				kube_job_status_ready{namespace="ns1",job_name="job-with-ready-pods"} 1`,
		},
		{
			name: "failed with an unknown reason: known reasons all 0 plus empty reason with the count",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "pfp", Namespace: "ns1"},
				Status: batchv1.JobStatus{
					Failed: 3,
					Conditions: []batchv1.JobCondition{
						{Type: batchv1.JobFailureTarget, Status: corev1.ConditionTrue, Reason: "PodFailurePolicy"},
						{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "PodFailurePolicy"},
					},
				},
			},
			families: []string{"kube_job_status_failed", "kube_job_failed", "kube_job_complete"},
			want: `
				kube_job_status_failed{namespace="ns1",job_name="pfp",reason="BackoffLimitExceeded"} 0
				kube_job_status_failed{namespace="ns1",job_name="pfp",reason="DeadlineExceeded"} 0
				kube_job_status_failed{namespace="ns1",job_name="pfp",reason="Evicted"} 0
				kube_job_status_failed{namespace="ns1",job_name="pfp",reason=""} 3
				kube_job_failed{namespace="ns1",job_name="pfp",condition="true"} 1
				kube_job_failed{namespace="ns1",job_name="pfp",condition="false"} 0
				kube_job_failed{namespace="ns1",job_name="pfp",condition="unknown"} 0`,
		},
		{
			name: "failed pods without a Failed condition yet, other conditions ignored",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "retrying", Namespace: "ns1"},
				Status: batchv1.JobStatus{
					Failed:     2,
					Conditions: []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionUnknown, Reason: "Evicted"}},
				},
			},
			families: []string{"kube_job_status_failed", "kube_job_complete", "kube_job_status_suspended"},
			want: `
				kube_job_status_failed{namespace="ns1",job_name="retrying",reason=""} 2
				kube_job_complete{namespace="ns1",job_name="retrying",condition="true"} 0
				kube_job_complete{namespace="ns1",job_name="retrying",condition="false"} 0
				kube_job_complete{namespace="ns1",job_name="retrying",condition="unknown"} 1`,
		},
		{
			name: "owners, labels and annotations allowlisted",
			obj: &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "j",
					Namespace: "ns1",
					OwnerReferences: []metav1.OwnerReference{
						{Kind: "CronJob", Name: "c", Controller: ptr.To(false)},
						{Kind: "Workflow", Name: "w"},
					},
					Labels:      map[string]string{"app": "a", "controller-uid": "x"},
					Annotations: map[string]string{"batch.kubernetes.io/job-tracking": ""},
				},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "batch.kubernetes.io/*")},
			families: []string{"kube_job_owner", "kube_job_labels", "kube_job_annotations"},
			want: `
				kube_job_owner{namespace="ns1",job_name="j",owner_kind="CronJob",owner_name="c",owner_is_controller="false"} 1
				kube_job_owner{namespace="ns1",job_name="j",owner_kind="Workflow",owner_name="w",owner_is_controller="false"} 1
				kube_job_labels{namespace="ns1",job_name="j",label_app="a"} 1
				kube_job_annotations{namespace="ns1",job_name="j",annotation_batch_kubernetes_io_job_tracking=""} 1`,
		},
	})
}

func TestJobStrip(t *testing.T) {
	j := &batchv1.Job{
		Spec: batchv1.JobSpec{
			Parallelism:  ptr.To[int32](2),
			BackoffLimit: ptr.To[int32](6),
			Template:     corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
		},
		Status: batchv1.JobStatus{
			Failed:           1,
			CompletedIndexes: "1-3",
			Conditions:       []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: "True", Reason: "r", Message: "long", LastProbeTime: metav1.Now()}},
		},
	}
	Jobs.Strip(j)
	c := j.Status.Conditions[0]
	if j.Spec.BackoffLimit != nil || len(j.Spec.Template.Spec.Containers) != 0 || j.Status.CompletedIndexes != "" ||
		c.Message != "" || !c.LastProbeTime.IsZero() || c.Reason != "r" || *j.Spec.Parallelism != 2 || j.Status.Failed != 1 {
		t.Errorf("unexpected stripped job: %+v", j)
	}
}
